"""The QA report: each check can pass, warn and fail, and a failure stops the release."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from conftest import TODAY
from tablemaking import PUBLICATION, make_table

from statgen.config import Checks, Reconcile
from statgen.errors import CheckError
from statgen.periods import Periods, Quarter
from statgen.pipeline import BuildResult, build
from statgen.review import qa


def test_report_written_with_the_build(em_release: BuildResult) -> None:
    folder = em_release.folder  # build/<slug>/<period>/draft-<n>/: the draft's own report
    report = json.loads((folder / "qa.json").read_text())
    assert report["draft"] == em_release.draft and report["inputs"] == em_release.inputs_short
    statuses = {c["name"]: c["status"] for c in report["checks"]}
    assert statuses["Totals equal the sum of their parts"] == "pass"
    assert statuses["Series have no gaps"] == "pass"
    assert statuses["Counts reconcile between tables"] == "pass"
    assert statuses["Commentary figures come from the tables"] == "pass"
    assert statuses["Disclosure control"] == "pass"
    html = (folder / "qa.html").read_text()
    assert f"Draft {em_release.draft}, inputs {em_release.inputs_short}." in html
    assert '<html lang="en-GB" class="govuk-template no-js">' in html
    assert ">Checks and their results</caption>" in html


def test_totals_that_do_not_add_up_fail() -> None:
    table = make_table({("a", "x"): 5, ("a", "y"): 7}, ["r"], "k", ["k"])
    broken = dataclasses.replace(
        table,
        data=table.data.with_columns(
            pl.when(pl.col("k") == "Total").then(13).otherwise(pl.col("n")).alias("n")
        ),
    )
    assert qa.totals_add_up(PUBLICATION, [table]).status == "pass"
    check = qa.totals_add_up(PUBLICATION, [broken])
    assert check.status == "fail"
    assert check.details == ["Table 1 (t), a, Total: total 13 but its parts add up to 12"]


def test_large_changes_warn_with_the_figure() -> None:
    counts = {("2026Q1", "x"): 100, ("2026Q2", "x"): 180, ("2026Q1", "y"): 10, ("2026Q2", "y"): 20}
    table = make_table(counts, ["quarter"], "k", [])
    pub = PUBLICATION.model_copy(
        update={"checks": Checks(change_tolerance=0.5, change_min_count=30)}
    )
    check = qa.changes_plausible(pub, [table])
    assert check.status == "warn"
    assert check.details == [
        "Table 1 (t), Apr to Jun 2026, x: Count 180, up 80.0% from 100 the quarter before"
    ]
    # Change checks look only at the new period: 2026Q3 is steady, so Q2's jump (history, as
    # published before) is not flagged again.
    counts = {**counts, ("2026Q3", "x"): 185, ("2026Q3", "y"): 21}
    later = make_table(counts, ["quarter"], "k", [])
    assert qa.changes_plausible(pub, [later], Quarter(2026, 3)).status == "pass"
    assert qa.changes_plausible(pub, [later]).status == "warn"


def test_gaps_in_a_series_fail() -> None:
    table = make_table({("2026Q1", "x"): 100, ("2026Q2", "x"): 90}, ["quarter"], "k", [])
    assert qa.series_complete([table], Periods.ending(Quarter(2026, 2), 2))[0].status == "pass"
    check = qa.series_complete([table], Periods.ending(Quarter(2026, 2), 3))[0]
    assert check.status == "fail"
    assert check.details == ["Table 1 (t): no rows for 2025Q4"]


def test_counts_that_do_not_reconcile_fail(
    em_release: BuildResult, tmp_path: Path, root: Path
) -> None:
    a = make_table({("2026Q1", "x"): 100, ("2026Q1", "y"): 5}, ["quarter"], "k", ["k"])
    b = dataclasses.replace(
        make_table({("2026Q1", "u"): 104}, ["quarter"], "k", ["k"]),
        spec=a.spec.model_copy(update={"id": "u"}),
    )
    rec = Reconcile(measure="n", tables=["t", "u"], where=[{"k": "Total"}, {"k": "Total"}])
    pub = PUBLICATION.model_copy(update={"checks": Checks(reconcile=[rec])})
    check = qa.counts_reconcile(pub, [a, b], Periods.ending(Quarter(2026, 1), 1))
    assert check.status == "fail"
    assert check.details == ["2026Q1: t has 105, u has 104"]


def test_numbers_in_text() -> None:
    text = (
        "On 30 September 2026, **1,234 people**, up 4.1% from 1,100 in Jul to Sep 2025 "
        "[note 2] {#main-points} [link](https://x/2024/12)\n```{=html}\n<td>999</td>\n```\n"
    )
    assert qa.numbers_in_text(text) == ["1,234", "4.1%", "1,100"]


@pytest.fixture
def project(tmp_path: Path, root: Path) -> Path:
    """A copy of the project's publication folder, to edit."""
    shutil.copytree(
        root / "publications" / "electronic-monitoring",
        tmp_path / "publications" / "electronic-monitoring",
    )
    return tmp_path


def test_typed_number_in_commentary_stops_the_release(
    project: Path, em_release: BuildResult
) -> None:
    extracts = em_release.folder.parents[3] / "extracts" / "electronic-monitoring"
    good = build(project, "electronic-monitoring", extracts_dir=extracts, today=TODAY)
    good_report = (good.folder / "qa.json").read_bytes()
    commentary = project / "publications" / "electronic-monitoring" / "commentary.qmd"
    commentary.write_text(commentary.read_text() + "\nAbout 7,500 people were tagged.\n")
    with pytest.raises(CheckError) as err:
        build(project, "electronic-monitoring", extracts_dir=extracts, today=TODAY)
    message = str(err.value)
    assert "nothing was published" in message
    assert "the number '7,500' does not come from a table" in message
    period_dir = project / "build" / "electronic-monitoring" / "2026-q3"
    assert [p.name for p in period_dir.glob("draft-*")] == ["draft-1"]
    report = json.loads((period_dir / "failed-qa" / "qa.json").read_text())
    assert report["status"] == "fail" and report["draft"] is None
    # A failed build never overwrites the good draft's report.
    assert (good.folder / "qa.json").read_bytes() == good_report
    assert json.loads(good_report)["status"] != "fail"


def test_a_period_with_no_records_fails_unless_the_table_says_periods_may_be_empty(
    tmp_path: Path,
) -> None:
    """A quarter with no notifications at all is, by default, an extract missing a quarter:
    the build fails naming it. A table whose events are rare enough to have none
    (``empty_periods: true``) shows zeros for it, and QA warns, naming the quarter."""
    import yaml
    from conftest import TODAY, copy_project

    from statgen.errors import StatgenError
    from statgen.pipeline import build

    slug = "electronic-monitoring"
    root = copy_project(tmp_path, slug, 0.02)
    folder = root / "publications" / slug
    transforms = folder / "transforms.py"
    code = transforms.read_text(encoding="utf-8")
    kept = 'orders.filter(in_series(pl.col("notification_date"), periods))'
    assert kept in code
    none_in_q2 = (
        'orders.filter(in_series(pl.col("notification_date"), periods)'
        ' & (quarter_code(pl.col("notification_date")) != "2025Q2"))'
    )
    transforms.write_text(code.replace(kept, none_in_q2), encoding="utf-8")
    with pytest.raises(StatgenError) as info:
        build(root, slug, work_dir=tmp_path / "a", today=TODAY)
    said = str(info.value)
    assert "Table 4 (notifications): no rows for 2025Q2" in said
    assert "empty_periods: true" in said and "nothing was published" in said

    config = folder / "publication.yaml"
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    for table in data["tables"]:
        if table["id"] == "notifications":
            table["empty_periods"] = True
    config.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result = build(root, slug, work_dir=tmp_path / "b", today=TODAY)
    csv = pl.read_csv(result.folder / "csv" / "notifications.csv", infer_schema=False)
    q2 = csv.filter(pl.col("quarter").is_in(["2025Q2", "Apr to Jun 2025"]))
    assert q2.height > 0 and set(q2["value"].to_list()) == {"0"}
    assert result.qa_status == "warn"
    report = (result.folder / "qa.html").read_text(encoding="utf-8")
    assert "every count is zero in 2025Q2" in report
