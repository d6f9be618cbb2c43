"""A correction: the notice on the workbooks' cover and in the CSVW metadata (the signed-off data
sheets unchanged), and the superseded version saying so on its own page (still verified)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import zipfile
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from conftest import TODAY, copy_project, edit_commentary
from csvw import CSVW
from typer.testing import CliRunner

from statgen.cli import app
from statgen.lifecycle import manifest
from statgen.lifecycle.publish import publish
from statgen.outputs.spreadsheets.check import check_file
from statgen.outputs.spreadsheets.read_ods import _read_ods
from statgen.periods import Quarter
from statgen.pipeline import BuildResult, build

SLUG = "electronic-monitoring"
Q2 = Quarter(2026, 2)
LONDON = ZoneInfo("Europe/London")
TEXT = (
    'The regions of 40 orders were wrong. <b>bold</b> & <script>x()</script> [link](http://x) "q"'
)


def _sign(project: Path, *drafts: BuildResult) -> None:
    lines = ["approvals:"] + [
        f"  - {{period: 2026Q2, draft: {d.draft}, outputs: {d.outputs_short}, "
        "approved_by: A. Reviewer, approved_on: 2026-09-20}"
        for d in drafts
    ]
    (project / "publications" / SLUG / "signoff.yaml").write_text("\n".join(lines) + "\n")


def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file()
    }


@pytest.fixture(scope="module")
def corrected(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    project = copy_project(tmp_path_factory.mktemp("corrections") / "p", SLUG, 0.01)
    first = build(project, SLUG, period=Q2, today=TODAY)
    _sign(project, first)
    v1 = publish(project, SLUG, Q2, now=dt.datetime(2026, 9, 24, 10, 0, tzinfo=LONDON))
    before = _hashes(v1.folder)
    edit_commentary(project, SLUG)
    second = build(project, SLUG, period=Q2, today=TODAY)
    _sign(project, first, second)
    v2 = publish(
        project, SLUG, Q2, correction=TEXT, now=dt.datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)
    )
    return {"v1": v1.folder, "v2": v2.folder, "draft": second.folder, "before": before}


def test_the_workbooks_carry_the_notice_on_the_cover_and_nothing_else_changes(corrected) -> None:  # noqa: ANN001
    v2, draft = corrected["v2"], corrected["draft"]
    words = " ".join(TEXT.split())
    xlsx = next(v2.glob("*.xlsx"))
    cover = openpyxl.load_workbook(xlsx)["Cover"]
    column = [c.value for c in cover["A"]]
    # Under the title: the heading and the notice, as plain text (nothing interpreted).
    assert column[1] == "Correction"
    assert column[2].startswith("Correction, 1 December 2026: ") and words in column[2]
    # The rest of the cover moved down two rows, its links with it.
    drafted = [c.value for c in openpyxl.load_workbook(next(draft.glob("*.xlsx")))["Cover"]["A"]]
    assert column[:1] + column[3:] == drafted
    links = {
        c.coordinate: c.hyperlink.target or c.hyperlink.location for c in cover["A"] if c.hyperlink
    }
    assert links[f"A{column.index('Licence') + 2}"].startswith("https://www.nationalarchives")
    # Every other part of the XLSX is byte for byte the draft's: the data sheets as signed off.
    with zipfile.ZipFile(xlsx) as new, zipfile.ZipFile(next(draft.glob("*.xlsx"))) as old:
        differ = [n for n in old.namelist() if old.read(n) != new.read(n)]
        assert new.namelist() == old.namelist()
    assert differ == ["xl/worksheets/sheet1.xml"]
    ods = next(v2.glob("*.ods"))
    sheet = next(s for s in _read_ods(ods).sheets if s.name == "Cover")
    assert sheet.cells[(2, 1)].value == "Correction"  # (row, column), from 1
    assert words in str(sheet.cells[(3, 1)].value)
    with zipfile.ZipFile(ods) as new, zipfile.ZipFile(next(draft.glob("*.ods"))) as old:
        assert [n for n in old.namelist() if old.read(n) != new.read(n)] == ["content.xml"]
        tables_new = _tables(new.read("content.xml").decode())
        tables_old = _tables(old.read("content.xml").decode())
    assert tables_new.keys() == tables_old.keys()
    assert [n for n in tables_old if tables_new[n] != tables_old[n]] == ["Cover"]
    # And the corrected workbooks still pass the Analysis Function audit.
    for book in (xlsx, ods):
        report = check_file(book)
        assert report.ok, report.describe(limit=20)


def _tables(content: str) -> dict[str, str]:
    """Each sheet's XML in an ODS content.xml, by name."""
    return {
        m[1]: m[0]
        for m in re.finditer(r'<table:table table:name="([^"]+)".*?</table:table>', content, re.S)
    }


def test_the_csvw_metadata_carries_the_notice_and_still_validates(corrected) -> None:  # noqa: ANN001
    v2 = corrected["v2"]
    words = " ".join(TEXT.split())
    metas = sorted((v2 / "csv").glob("*.csv-metadata.json"))
    assert metas
    for path in metas:
        meta = json.loads(path.read_text(encoding="utf-8"))
        assert words in meta["schema:correction"]
        assert meta["dc:modified"] == {"@value": "2026-12-01", "@type": "xsd:date"}
        data = path.with_name(path.name.removesuffix("-metadata.json"))
        assert CSVW(str(data), md_url=str(path), validate=True).is_valid, path.name
    recorded = manifest.read(v2)["published"]["changed_at_publish"]
    assert set(recorded) == {p.name for p in [*v2.glob("*.ods"), *v2.glob("*.xlsx")]} | {
        p.relative_to(v2).as_posix() for p in metas
    }


def test_the_superseded_version_says_so_and_still_verifies(corrected) -> None:  # noqa: ANN001
    v1, v2 = corrected["v1"], corrected["v2"]
    page = (v1 / "index.html").read_text(encoding="utf-8")
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert (
        "This version has been replaced by a corrected version published on 1 December 2026."
        in text
    )
    link = re.search(r'<a class="govuk-notification-banner__link" href="([^"]+)">', page)
    assert link and (v1 / link[1]).resolve() == (v2 / "index.html").resolve()
    assert manifest.read(v1)["superseded_by"]["folder"] == v2.name
    # statgen verify passes on both versions; v1's data and downloads are byte for byte the same.
    runner = CliRunner()
    for folder in (v1, v2):
        result = runner.invoke(app, ["verify", str(folder)])
        assert result.exit_code == 0, result.output
    after = _hashes(v1)
    changed = {p for p in after if after[p] != corrected["before"].get(p)}
    assert changed == {"index.html", "manifest.json"}
    # The corrected version's page is not marked superseded.
    assert "has been replaced" not in (v2 / "index.html").read_text(encoding="utf-8")
