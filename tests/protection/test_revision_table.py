"""The public revisions table, from a small hand-made pair of releases: the differences, signs,
order, summary row and tidy CSV are worked out by hand below, not by the code under test."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

from statgen.config import Measure, Table, load_publication
from statgen.outputs.csvw import metadata
from statgen.outputs.grid import layout, tidy
from statgen.protection.revision_table import revisions_table
from statgen.protection.revisions import Revision
from statgen.tables import StatTable

SLUG = "electronic-monitoring"


def _table(
    number: int, tid: str, dims: list[str], cats: dict[str, list[str]], fmt: str
) -> StatTable:
    measure = Measure(name="people", title="People", unit="number of people", format=fmt)  # type: ignore[arg-type]
    spec = Table(id=tid, title=tid, transform="t", rows=dims, measures=[measure])
    data = pl.DataFrame({d: [] for d in dims} | {"people": [], "people__marker": []})
    return StatTable(spec, number, f"Table_{number}", data, cats)


@pytest.fixture()
def baseline(tmp_path: Path) -> Path:
    # The earlier release, as its manifest names it: published 11 September 2026 for 2026 Q2.
    meta = {
        "release_date": "2026-09-11",
        "period": "2026Q2",
        "parameters": {"frequency": "quarterly"},
    }
    (tmp_path / "manifest.json").write_text(json.dumps(meta))
    return tmp_path


def test_signed_differences_order_summary_and_tidy_csv(baseline: Path, root: Path) -> None:
    publication = load_publication(root / "publications" / SLUG)
    quarters = ["2026Q1", "2026Q2"]
    by_type = _table(
        1, "people-by-order-type", ["quarter", "order_type"],
        {"quarter": quarters, "order_type": ["Court bail", "Total"]}, "integer",
    )  # fmt: skip
    by_region = _table(
        2, "people-by-region", ["region"], {"region": ["North East", "Wales"]}, "integer"
    )
    m1, m2 = by_type.spec.measures[0], by_region.spec.measures[0]
    # Given out of reading order on purpose.
    revised = [
        Revision(by_region, m2, ("Wales",), 1200.0, None),  # published, now suppressed
        Revision(by_type, m1, ("2026Q2", "Total"), 28305.0, 28605.0),  # +300
        Revision(by_type, m1, ("2026Q1", "Court bail"), 1041.0, 1000.0),  # -41
        Revision(by_region, m2, ("North East",), 2000.0, 2012.0),  # +12
    ]
    table = revisions_table(publication, revised, baseline, 3)
    assert table.caption == (
        "Table 3: Figures revised since the previous release, compared with the release of "
        "11 September 2026 for April to June 2026"
    )
    grid = layout(publication, table)
    assert [h.text for h in grid.headers][3:5] == ["Previously published", "Revised"]
    rows = [[c.text for c in row] for row in grid.rows]
    assert rows == [
        # Table order, then the table's own category order (2026Q1 before 2026Q2).
        ["Table 1", "Jan to Mar 2026, Court bail", "People", "1,041", "1,000", "\u221241"],
        ["Table 1", "Apr to Jun 2026, Total", "People", "28,305", "28,605", "+300"],
        ["Table 2", "North East", "People", "2,000", "2,012", "+12"],
        ["Table 2", "Wales", "People", "1,200", "[c]", "[c]"],
        # The summary row: a real row of the table; the figures count different things.
        ["All tables", "4 figures revised: 2 up, 1 down, 1 now suppressed", "All measures",
         "[z]", "[z]", "[z]"],
    ]  # fmt: skip
    # Machines: one column per dimension of any table listed, empty where a table lacks it;
    # plain numbers with an ASCII minus; no summary row.
    csv = tidy(publication, table)
    assert csv.columns == [
        "table", "quarter", "order_type", "region", "measure",
        "previously_published", "revised", "difference", "marker",
    ]  # fmt: skip
    assert csv.rows() == [
        ("people-by-order-type", "Jan to Mar 2026", "Court bail", None, "people", "1041", "1000", "-41", None),
        ("people-by-order-type", "Apr to Jun 2026", "Total", None, "people", "28305", "28605", "300", None),
        ("people-by-region", None, None, "North East", "people", "2000", "2012", "12", None),
        ("people-by-region", None, None, "Wales", "people", "1200", None, None, "c"),
    ]  # fmt: skip
    meta = metadata(publication, table, dt.date(2026, 12, 10))
    columns = meta["tableSchema"]["columns"]
    assert [c["name"] for c in columns] == csv.columns
    assert columns[1]["datatype"]["format"] == "^(?:Jan to Mar 2026|Apr to Jun 2026)$"
    assert columns[1]["null"] == ""  # empty where a figure's table has no quarter
    assert [c["datatype"] for c in columns[5:8]] == ["integer"] * 3


def test_a_decimal_figure_puts_one_decimal_place_down_each_column(
    baseline: Path, root: Path
) -> None:
    publication = load_publication(root / "publications" / SLUG)
    counts = _table(1, "a", ["region"], {"region": ["Wales"]}, "integer")
    days = _table(2, "b", ["region"], {"region": ["Wales"]}, "decimal1")
    revised = [
        Revision(counts, counts.spec.measures[0], ("Wales",), 40.0, 57.0),
        Revision(days, days.spec.measures[0], ("Wales",), 2.5, 2.1),
    ]
    rows = [
        [c.text for c in r]
        for r in layout(publication, revisions_table(publication, revised, baseline, 3)).rows
    ]
    # The Analysis Function wants the same decimal places down a column.
    assert rows[0][3:] == ["40.0", "57.0", "+17.0"]
    assert rows[1][3:] == ["2.5", "2.1", "\u22120.4"]


def test_libreoffice_shows_the_signs_in_both_workbooks(
    baseline: Path, root: Path, tmp_path: Path
) -> None:
    """The workbooks as LibreOffice shows them: "+300", "\u221241" (a real minus sign)."""
    import csv
    import os
    import shutil
    import subprocess

    from conftest import require

    from statgen.outputs.spreadsheets import build_model, write_workbooks
    from statgen.periods import Quarter

    exe = shutil.which("soffice") or shutil.which("libreoffice")
    require(exe is not None, "LibreOffice (soffice)", "apt-get install libreoffice-calc-nogui")
    publication = load_publication(root / "publications" / SLUG)
    regions = _table(
        1, "people-by-region", ["region"], {"region": ["North East", "Wales"]}, "integer"
    )
    m = regions.spec.measures[0]
    table = revisions_table(
        publication,
        [
            Revision(regions, m, ("North East",), 28305.0, 28605.0),
            Revision(regions, m, ("Wales",), 1041.0, 1000.0),
        ],
        baseline,
        2,
    )
    model = build_model(publication, Quarter(2026, 3), [table], dt.date(2026, 12, 10), None)
    ods, xlsx = write_workbooks(model, tmp_path / "book")  # checked to the guidance as written
    for book in (ods, xlsx):
        out = tmp_path / book.suffix[1:]
        subprocess.run(
            [exe, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
             "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,UTF8,1,,0,false,true,true,false,false,-1",
             "--outdir", str(out), str(book)],
            check=True, capture_output=True, timeout=300, env={**os.environ, "HOME": str(tmp_path)},
        )  # fmt: skip
        with (out / "book-Revisions.csv").open(encoding="utf-8", newline="") as f:
            rows = [r for r in csv.reader(f) if r and r[0] == "Table 1"]
        assert [r[3:] for r in rows] == [
            ["28,305", "28,605", "+300"],
            ["1,041", "1,000", "\u221241"],
        ], book


def test_the_tidy_csv_validates_against_its_csvw_metadata(
    baseline: Path, root: Path, tmp_path: Path
) -> None:
    from csvw import CSVW

    from statgen.outputs.csvw import write_csvw

    publication = load_publication(root / "publications" / SLUG)
    by_type = _table(
        1, "people-by-order-type", ["quarter", "order_type"],
        {"quarter": ["2026Q1"], "order_type": ["Total"]}, "integer",
    )  # fmt: skip
    regions = _table(2, "people-by-region", ["region"], {"region": ["Wales"]}, "integer")
    table = revisions_table(
        publication,
        [
            Revision(by_type, by_type.spec.measures[0], ("2026Q1", "Total"), 28305.0, 28605.0),
            Revision(regions, regions.spec.measures[0], ("Wales",), 1041.0, None),
        ],
        baseline,
        3,
    )
    tidy(publication, table).write_csv(tmp_path / "revisions.csv")
    meta = write_csvw(publication, table, tmp_path, dt.date(2026, 12, 10))
    assert CSVW(str(tmp_path / "revisions.csv"), md_url=str(meta), validate=True).is_valid
    # And a value that breaks the declared datatype does not validate (the test can fail).
    text = (tmp_path / "revisions.csv").read_text().replace("28605", "many")
    (tmp_path / "revisions.csv").write_text(text)
    assert not CSVW(str(tmp_path / "revisions.csv"), md_url=str(meta), validate=True).is_valid
