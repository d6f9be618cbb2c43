"""How revisions compare a figure with the one the last release published: amounts of money
in whole pounds or thousands (``currency``, ``currency_thousand``) at the precision the CSVs
publish them (1,562.4 thousand both times, published as 1562, is neither revised nor private),
and only tables of the same shape (the same dimensions)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from tablemaking import PUBLICATION

from statgen import protection, tables
from statgen.config import Measure, Table
from statgen.outputs.grid import tidy
from statgen.periods import Quarter
from statgen.protection import revision_table, revisions
from statgen.review import qa
from statgen.tables import StatTable


def spending(values: dict[str, float], fmt: str) -> StatTable:
    spec = Table(
        id="spend", title="Spending", transform="t", rows=["quarter", "region"], sheet="S", totals=["region"],
        measures=[Measure(name="spend", title="Spending", unit="£", format=fmt)],  # type: ignore[arg-type]
    )  # fmt: skip
    frame = pl.DataFrame(
        {
            "quarter": ["2026Q2"] * len(values),
            "region": list(values),
            "spend": list(values.values()),
        }
    )
    return tables.finish(PUBLICATION, spec, frame, 1)


def published(tmp_path: Path, table: StatTable) -> Path:
    (tmp_path / "csv").mkdir()
    tidy(PUBLICATION, table).write_csv(tmp_path / "csv" / "spend.csv")
    return tmp_path


@pytest.mark.parametrize("fmt", ["currency", "currency_thousand"])
def test_an_unchanged_amount_of_money_is_not_revised(tmp_path: Path, fmt: str) -> None:
    before = spending({"North": 1562.4, "South": 20.25}, fmt)
    release = published(tmp_path, before)
    # As published: whole pounds (thousands), North 1562, South 20, Total 1583 (1582.65).
    csv = pl.read_csv(release / "csv" / "spend.csv", infer_schema=False)
    assert csv["value"].to_list() == ["1562", "20", "1583"]
    assert revisions.compare([before], release) == []
    assert revisions.unchanged_cells(before, release)["spend"] == {
        ("2026Q2", "North"), ("2026Q2", "South"), ("2026Q2", "Total")
    }  # fmt: skip
    # North now 1,570.0: revised from 1562 to 1570, a difference of 8 (South, Total 1590.25
    # -> 1590, revised too).
    after = spending({"North": 1570.0, "South": 20.25}, fmt)
    found = {(r.key, r.previous, r.new) for r in revisions.compare([after], release)}
    assert found == {
        (("2026Q2", "North"), 1562.0, 1570.0),
        (("2026Q2", "Total"), 1583.0, 1590.0),
    }


def test_a_table_that_lost_a_dimension_is_not_compared_figure_by_figure(tmp_path: Path) -> None:
    # The last release published spending by quarter, region and sex; this one by quarter and
    # region only. Its North figure is not the last release's Male or Female figure for North:
    # nothing is revised (the table's shape changed), and nothing is public by that match.
    (tmp_path / "csv").mkdir()
    pl.DataFrame(
        {
            "quarter": ["Apr to Jun 2026"] * 6,
            "region": ["North"] * 3 + ["South"] * 3,
            "sex": ["Female", "Male", "Total"] * 2,
            "measure": ["spend"] * 6,
            "value": ["700", "862", "1562", "20", "3", "23"],
            "marker": [None] * 6,
        }
    ).write_csv(tmp_path / "csv" / "spend.csv")
    now = spending({"North": 1562.0, "South": 20.0}, "integer")
    assert revisions.compare([now], tmp_path) == []
    assert revisions.unchanged_cells(now, tmp_path) == {}


def undated(values: dict[str, int]) -> StatTable:
    """Orders in the release period by region: a table with no period dimension."""
    spec = Table(
        id="latest", title="Orders", transform="t", rows=["region"], sheet="L",
        totals=["region"], measures=[Measure(name="n", title="Orders", unit="number")],
    )  # fmt: skip
    frame = pl.DataFrame({"region": list(values), "n": list(values.values())})
    return tables.finish(PUBLICATION, spec, frame, 1)


def release_of(folder: Path, period: str, rows: dict[str, int | None]) -> Path:
    """A release of ``period`` whose undated table published ``rows`` (None: [c])."""
    (folder / "csv").mkdir(parents=True)
    (folder / "manifest.json").write_text(f'{{"period": "{period}"}}', encoding="utf-8")
    pl.DataFrame(
        {
            "region": list(rows),
            "measure": ["n"] * len(rows),
            "value": [None if v is None else str(v) for v in rows.values()],
            "marker": [None if v is not None else "c" for v in rows.values()],
        }
    ).write_csv(folder / "csv" / "latest.csv")
    return folder


def test_a_correction_compares_its_undated_tables_with_the_version_it_corrects(
    tmp_path: Path,
) -> None:
    # 2026Q2 as first published: North 50, Midlands 40, South 30 [c], Wales 3 [c], Total 123.
    # The correction of 2026Q2: North 52, Midlands 40 (the same), South 41, Wales 3, Total 136.
    first = release_of(
        tmp_path / "2026-q2",
        "2026Q2",
        {"North": 50, "Midlands": 40, "South": None, "Wales": None, "Total": 123},
    )
    now = undated({"North": 52, "Midlands": 40, "South": 41, "Wales": 3})
    q2 = Quarter(2026, 2)
    # The same period: Midlands 40 is public, North and Total are revised.
    assert revisions.unchanged_cells(now, first, q2) == {"n": frozenset({("Midlands",)})}
    found = {(r.key, r.previous, r.new) for r in revisions.compare([now], first, q2)}
    assert found == {(("North",), 50.0, 52.0), (("Total",), 123.0, 136.0)}
    # Another period's release describes another quarter: nothing in common.
    assert revisions.unchanged_cells(now, first, Quarter(2026, 3)) == {}
    assert revisions.compare([now], first, Quarter(2026, 3)) == []

    # Disclosure control: Wales 3 is primary; hiding Midlands alone would hide nothing, as
    # 136 - 52 - 41 - 40 = 3. Worked out from the published CSV values: at least two of the
    # cells hidden in the line must be ones nobody knows.
    protected = protection.apply(PUBLICATION, [now], q2, first)
    shown = {r["region"]: r["n"] for r in protected[0].data.iter_rows(named=True)}
    assert shown["Wales"] is None
    known = {"Midlands"}  # published unchanged by the first version
    hidden = {k for k, v in shown.items() if v is None and k != "Total"}
    if shown["Total"] is not None:
        assert len(hidden - known) >= 2, shown


def test_qa_dates_a_revised_figure_of_an_undated_table_to_the_release_period(
    tmp_path: Path,
) -> None:
    # In a correction of 2026Q2 with one provisional quarter, North (of the table of the
    # release period alone) is a figure of 2026Q2: inside the provisional window.
    first = release_of(tmp_path / "2026-q2", "2026Q2", {"North": 50, "Total": 50})
    now = undated({"North": 52})
    q2 = Quarter(2026, 2)
    found = revisions.compare([now], first, q2)
    table = revision_table.revisions_table(PUBLICATION, found, first, 2)
    provisional = PUBLICATION.model_copy(
        update={"revisions": PUBLICATION.revisions.model_copy(update={"provisional_quarters": 1})}
    )
    check = qa.revisions_expected(provisional, [now, table], q2)
    assert not any("outside the provisional window" in d for d in check.details), check.details
    # The same revision reported for 2026Q3's release is outside a one-quarter window.
    dated = spending({"North": 1562.0}, "integer")
    old = tmp_path / "old"
    (old / "csv").mkdir(parents=True)
    tidy(PUBLICATION, spending({"North": 1500.0}, "integer")).write_csv(old / "csv" / "spend.csv")
    moved = revisions.compare([dated], old)
    check = qa.revisions_expected(
        provisional, [revision_table.revisions_table(PUBLICATION, moved, old, 2)], Quarter(2026, 3)
    )
    assert any("outside the provisional window" in d for d in check.details)
