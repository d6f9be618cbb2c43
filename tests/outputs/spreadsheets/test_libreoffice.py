"""Real software opens the workbooks: LibreOffice shows every table's values as the CSVs hold them,
and python-calamine reads the same numbers back."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from workbooks import RISKY, tiny_model

from statgen.config import Publication, Table
from statgen.outputs.spreadsheets import write_workbooks

ALL_SHEETS_AS_SHOWN = (
    "csv:Text - txt - csv (StarCalc):44,34,UTF8,1,,0,false,true,true,false,false,-1"
)
"""CSV export of every sheet (LibreOffice 7.2+), cells as shown (formatted), UTF-8."""


def soffice() -> str:
    """The LibreOffice executable; in CI a missing one fails the test rather than skipping it."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        message = "LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return exe


PILOTS = ["electronic-monitoring", "criminal-courts"]


@pytest.fixture(scope="session")
def pilots(em_release, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Small drafts of both pilot publications."""
    from conftest import small_build

    cc = small_build(tmp_path_factory.mktemp("cc-lo"), "criminal-courts", 0.01)
    return {"electronic-monitoring": em_release, "criminal-courts": cc}


@pytest.fixture(scope="session")
def exported(pilots: dict, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both pilots' ODS and XLSX, and the tiny workbooks, converted to CSV by LibreOffice."""
    exe = soffice()
    folder = tmp_path_factory.mktemp("lo")
    inputs = ["tiny-ods.ods", "tiny-xlsx.xlsx"]
    for slug, release in pilots.items():
        for path in release.downloads:
            if path.suffix in (".ods", ".xlsx"):
                name = f"{slug}-{path.suffix[1:]}{path.suffix}"
                shutil.copy(path, folder / name)
                inputs.append(name)
    tiny_ods, tiny_xlsx = write_workbooks(tiny_model(), folder / "tiny")
    tiny_xlsx.rename(folder / "tiny-xlsx.xlsx")
    tiny_ods.rename(folder / "tiny-ods.ods")
    out = folder / "out"
    profile = folder / "profile"
    subprocess.run(
        [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless",
         "--convert-to", ALL_SHEETS_AS_SHOWN, "--outdir", str(out), *inputs],
        cwd=folder, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    return out


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def _wide(rows: list[list], publication: Publication, spec: Table) -> dict[tuple, object]:
    """Table cells keyed by (row labels, column category, measure title), from a sheet's rows."""
    k = len(spec.rows)
    top = next(i for i, r in enumerate(rows) if r[0] == publication.dimension_title(spec.rows[0]))
    header = rows[top]
    cells = {}
    for row in rows[top + 1 :]:
        for j in range(k, len(header)):
            title = str(header[j]).split("\n")[0]
            if spec.columns is None:
                column = (None, title)
            elif len(spec.measures) == 1:
                column = (title, spec.measures[0].title)
            else:
                column = tuple(title.split(": ", 1))
            cells[(tuple(row[:k]), *column)] = row[j]
    return cells


def _expected(release, spec: Table) -> dict[tuple, tuple[str, str, str]]:
    """From the tidy CSV: (value, marker, format) per table cell."""
    titles = {m.name: (m.title, m.format) for m in spec.measures}
    out = {}
    for row in _read(release.folder / "csv" / f"{spec.id}.csv")[1:]:
        named = dict(zip(_read(release.folder / "csv" / f"{spec.id}.csv")[0], row, strict=True))
        title, fmt = titles[named["measure"]]
        key = tuple(named[d] for d in spec.rows)
        column = named[spec.columns] if spec.columns else None
        out[(key, column, title)] = (named["value"], named["marker"], fmt)
    return out


def _as_shown(value: str, marker: str, fmt: str) -> str:
    if value == "":
        return f"[{marker or 'x'}]"
    number = f"{round(float(value)):,}" if fmt == "integer" else f"{float(value):,.1f}"
    return f"{number} [{marker}]" if marker else number


@pytest.mark.parametrize("slug", PILOTS)
@pytest.mark.parametrize("fmt", ["ods", "xlsx"])
def test_libreoffice_shows_every_table_as_the_csvs(
    pilots: dict, exported: Path, slug: str, fmt: str
) -> None:
    release = pilots[slug]
    publication = release.publication
    for spec in publication.tables:
        sheet = publication.sheet_name(spec)
        shown = _wide(_read(exported / f"{slug}-{fmt}-{sheet}.csv"), publication, spec)
        expected = _expected(release, spec)
        assert set(shown) == set(expected), spec.id
        for key, (value, marker, number_format) in expected.items():
            assert shown[key] == _as_shown(value, marker, number_format), (spec.id, key)


@pytest.mark.parametrize("slug", PILOTS)
@pytest.mark.parametrize("fmt", ["ods", "xlsx"])
def test_calamine_reads_back_every_table_as_the_csvs(pilots: dict, slug: str, fmt: str) -> None:
    release = pilots[slug]
    publication = release.publication
    book = next(p for p in release.downloads if p.suffix == f".{fmt}")
    wb = CalamineWorkbook.from_path(str(book))
    for spec in publication.tables:
        sheet = wb.get_sheet_by_name(publication.sheet_name(spec)).to_python()
        cells = _wide(sheet, publication, spec)
        expected = _expected(release, spec)
        assert set(cells) == set(expected), spec.id
        for key, (value, marker, _) in expected.items():
            got = cells[key]
            if value == "":
                assert got == f"[{marker or 'x'}]", (spec.id, key)
            else:
                assert isinstance(got, float) and got == pytest.approx(float(value)), (spec.id, key)


@pytest.mark.parametrize("fmt", ["ods", "xlsx"])
def test_libreoffice_shows_markers_beside_numbers_and_risky_text_as_text(
    exported: Path, fmt: str
) -> None:
    rows = _read(exported / f"tiny-{fmt}-Table_1.csv")
    assert rows[7:] == [
        ["Label [note 1]", "Orders\n(number of orders)", "Median days\n(days)"],
        ["North", "1,234", "12.3"],
        [RISKY[0], "5,678 [r]", "[c]"],
        [RISKY[1], "[x]", "3.5 [p]"],
        [RISKY[2], "0", "1.0"],
        [RISKY[3], "10", "2.0"],
    ]
    sheets = sorted(p.name.removeprefix(f"tiny-{fmt}-") for p in exported.glob(f"tiny-{fmt}-*"))
    assert sheets == ["Contents.csv", "Cover.csv", "Notes.csv", "Table_1.csv"]


def test_workbooks_saved_again_by_libreoffice_still_pass_the_check(tmp_path: Path) -> None:
    """LibreOffice keeps the tables, properties and formats; the checker reads its files too."""
    from statgen.outputs.spreadsheets.check import check_file

    exe = soffice()
    ods, xlsx = write_workbooks(tiny_model(), tmp_path / "tiny")
    ods.rename(tmp_path / "from-ods.ods")
    xlsx.rename(tmp_path / "from-xlsx.xlsx")
    out = tmp_path / "out"
    for source, target in [("from-ods.ods", "xlsx"), ("from-xlsx.xlsx", "ods")]:
        subprocess.run(
            [exe, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
             "--convert-to", target, "--outdir", str(out), source],
            cwd=tmp_path, check=True, capture_output=True, timeout=300,
        )  # fmt: skip
    for path in [out / "from-ods.xlsx", out / "from-xlsx.ods"]:
        report = check_file(path)
        assert report.failures == [], report.describe()
        assert read_props(path)["title"] == "Test statistics: July to September 2026, England"


def read_props(path: Path) -> dict[str, str]:
    from statgen.outputs.spreadsheets.read import read_workbook

    return read_workbook(path).properties


def test_missing_libreoffice_fails_in_ci_and_skips_elsewhere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="apt-get install libreoffice-calc-nogui"):
        soffice()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="apt-get install libreoffice-calc-nogui"):
        soffice()
