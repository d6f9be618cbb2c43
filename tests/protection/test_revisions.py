"""Revisions: a later build from a later extract marks every changed figure [r] and lists it."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from conftest import copy_project

from statgen.config import load_publication
from statgen.layout import Layout
from statgen.lifecycle.publish import publish
from statgen.periods import Quarter
from statgen.pipeline import BuildResult, build
from statgen.protection import revisions

SLUG = "electronic-monitoring"
TODAY = dt.date(2026, 11, 25)


def _build(project: Path, extracts: Path, period: str, work: Path | None = None) -> BuildResult:
    return build(
        project,
        SLUG,
        period=Quarter.parse(period),
        extracts_dir=extracts,
        work_dir=work,
        today=TODAY,
    )


@pytest.fixture(scope="module")
def two_releases(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """2026 Q2 built from one extract and published, then a 2026 Q3 draft from a later extract
    where 3 past orders were withdrawn (as happens in a live case management system)."""
    tmp = tmp_path_factory.mktemp("revisions")
    project = copy_project(tmp / "project", SLUG, 0.02)
    first = load_publication(project / "publications" / SLUG).extracts_path(project)
    earlier = _build(project, first, "2026Q2")
    (project / "publications" / SLUG / "signoff.yaml").write_text(
        f"approvals:\n  - {{period: 2026Q2, draft: {earlier.draft}, "
        f"outputs: {earlier.outputs_short}, approved_by: A Reviewer, "
        "approved_on: 2026-09-20}\n"
    )
    publish(project, SLUG, Quarter(2026, 2), override_embargo=True)
    orders = pl.read_parquet(first / "orders.parquet")
    withdrawn = (
        orders.filter(
            pl.col("start_date").is_between(dt.date(2025, 1, 1), dt.date(2025, 6, 30))
            & (pl.col("end_date").is_null() | (pl.col("end_date") > dt.date(2026, 7, 1)))
        )
        .head(3)["order_id"]
        .to_list()
    )
    later = tmp / "extract-2"
    shutil.copytree(first, later)
    orders.filter(~pl.col("order_id").is_in(withdrawn)).write_parquet(later / "orders.parquet")
    return (
        earlier,
        _build(project, later, "2026Q3"),
        orders.filter(pl.col("order_id").is_in(withdrawn)),
        project,
    )


def test_previous_release_is_the_latest_version_of_the_latest_earlier_or_same_period(
    tmp_path: Path, root: Path
) -> None:
    publication = load_publication(root / "publications" / SLUG)
    layout = Layout(root, tmp_path / "build", tmp_path / "releases")
    for name in ["2025-q4", "2026-q1", "2026-q1-v2", "2026-q1-v3", "2026-q3", "notes"]:
        (layout.published(SLUG) / name / "csv").mkdir(parents=True)
    # Defect 3: a correction (-vN) is the baseline, not the superseded first version.
    found = revisions.previous_release(publication, layout, Quarter.parse("2026Q2"))
    assert found == layout.published(SLUG) / "2026-q1-v3"
    # A draft of a published period (a correction) compares with that period's latest version.
    found = revisions.previous_release(publication, layout, Quarter.parse("2026Q3"))
    assert found == layout.published(SLUG) / "2026-q3"
    found = revisions.previous_release(publication, layout, Quarter.parse("2026Q1"))
    assert found == layout.published(SLUG) / "2026-q1-v3"
    assert revisions.previous_release(publication, layout, Quarter.parse("2025Q3")) is None
    nowhere = Layout(root, tmp_path / "build", tmp_path / "absent")
    assert revisions.previous_release(publication, nowhere, Quarter(2026, 3)) is None


def test_changed_figures_are_marked_and_listed(two_releases, root: Path) -> None:  # noqa: ANN001
    earlier, later, withdrawn, _ = two_releases
    before = pl.read_csv(earlier.folder / "csv" / "people-by-order-type.csv", infer_schema=False)
    after = pl.read_csv(later.folder / "csv" / "people-by-order-type.csv", infer_schema=False)
    joined = after.join(before, on=["quarter", "order_type", "measure"], suffix="_before")
    changed = joined.filter(pl.col("value") != pl.col("value_before"))
    # The withdrawn orders were active on 30 June 2025 and later: those quarters' counts fell.
    assert changed.height > 0
    assert "Apr to Jun 2025" in changed["quarter"].to_list()
    assert changed["marker"].to_list() == ["r"] * changed.height
    unchanged = joined.filter(pl.col("value") == pl.col("value_before"))
    assert "r" not in unchanged["marker"].to_list()
    # The newest quarter was never published before, so it cannot be revised.
    assert "r" not in after.filter(pl.col("quarter") == "Jul to Sep 2026")["marker"].to_list()

    listed = pl.read_csv(later.folder / "csv" / "revisions.csv", infer_schema=False)
    # One column per dimension (no packed categories), first the table, last the values.
    assert listed.columns[:3] == ["table", "quarter", "order_type"]
    assert listed.columns[-5:] == [
        "measure", "previously_published", "revised", "difference", "marker",
    ]  # fmt: skip
    table1 = listed.filter(pl.col("table") == "people-by-order-type")
    assert table1.height == changed.height
    for row in changed.iter_rows(named=True):
        entry = table1.filter(
            (pl.col("quarter") == row["quarter"])
            & (pl.col("order_type") == row["order_type"])
            & (pl.col("measure") == row["measure"])
        ).row(0, named=True)
        assert entry["previously_published"] == row["value_before"]
        assert entry["revised"] == row["value"]
        assert int(entry["difference"]) == int(row["value"]) - int(row["value_before"])
        # Dimensions of other tables are empty on this table's rows.
        others = [c for c in listed.columns[3:-5]]
        assert all(entry[c] is None for c in others), entry


def test_revisions_show_in_page_and_workbook(two_releases) -> None:  # noqa: ANN001
    _, later, _, _ = two_releases
    html = later.page.read_text(encoding="utf-8")
    # No folder names: the baseline's release date (24 September, by the publication's
    # release rule) and period in words.
    assert (
        "Figures revised since the previous release, compared with the release of "
        "24 September 2026 for April to June 2026"
    ) in html
    assert "2026-q2" not in html
    assert " [r]</td>" in html
    book = openpyxl.load_workbook(next(p for p in later.downloads if p.suffix == ".xlsx"))
    assert "Revisions" in book.sheetnames
    sheet = book["Table_1"]
    formats = {c.number_format for row in sheet.iter_rows() for c in row}
    assert any("[r]" in f for f in formats)


def test_same_extract_revises_nothing(two_releases, tmp_path: Path, root: Path) -> None:  # noqa: ANN001
    _, _, _, project = two_releases
    extracts = load_publication(project / "publications" / SLUG).extracts_path(project)
    again = _build(project, extracts, "2026Q3", work=tmp_path / "build")
    assert not (again.folder / "csv" / "revisions.csv").exists()
    assert " [r]</td>" not in again.page.read_text(encoding="utf-8")


def test_provisional_quarters_are_marked_p(tmp_path: Path, root: Path) -> None:
    from statgen import tables as tables_mod
    from statgen.extracts import load
    from statgen.extracts.sample import write_sample
    from statgen.periods import Periods

    publication = load_publication(root / "publications" / SLUG)
    write_sample(publication, tmp_path, scale=0.005)
    frames = load(tmp_path, publication.extracts, TODAY)
    period = Quarter(2026, 3)
    computed = tables_mod.compute(publication, frames, Periods.ending(period, 4))
    two = publication.revisions.model_copy(update={"provisional_quarters": 2})
    marked = {
        t.id: t
        for t in revisions.mark_provisional(
            publication.model_copy(update={"revisions": two}), computed, period
        )
    }
    series = marked["people-by-order-type"].data
    for row in series.iter_rows(named=True):
        expected = "p" if row["quarter"] in ("2026Q2", "2026Q3") else None
        assert row["people__marker"] == expected, row
    # A table about the latest quarter end alone has no quarter to mark.
    assert marked["people-by-region"].data["people__marker"].null_count() == (
        marked["people-by-region"].data.height
    )
    # With none configured, nothing is marked.
    assert revisions.mark_provisional(publication, computed, period) == computed
