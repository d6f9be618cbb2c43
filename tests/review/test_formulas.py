"""QA warns about category labels a spreadsheet would run as a formula (OWASP: =, +, -, @, tab,
carriage return), naming table, column and label, while the tidy CSV keeps them unchanged
(issue 14, CSV formulas; docs/extracts.md)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
from tablemaking import make_table
from typer.testing import CliRunner

from statgen.cli import app
from statgen.review import qa

YAML = """
slug: formulas
title: Formula label statistics
summary: Testing labels that look like formulas.
organisation: Test
geography: Nowhere
status: Official statistics
source: A test extract
contact: {name: Team, email: team@example.org}
release_calendar: {2026Q2: 2026-09-24}
series_quarters: 2
extracts:
  records:
    description: One row per record.
    columns:
      id: {type: string, unique: true}
      group: {type: category, values: ['=1+2', '@risk', '-1 or fewer', '+44 line', Plain]}
      day: {type: date}
tables:
  - id: records
    title: Records by group
    transform: records
    rows: [quarter]
    columns: group
    measures: [{name: n, title: Records, unit: number of records}]
    totals: [group]
"""

TRANSFORMS = """
import polars as pl
from statgen import Periods, quarter_code

def records(records: pl.LazyFrame, periods: Periods) -> pl.LazyFrame:
    return (
        records.with_columns(quarter=quarter_code(pl.col("day")))
        .filter(pl.col("quarter").is_in(periods.codes))
        .group_by("quarter", "group").agg(n=pl.len())
    )
"""

COMMENTARY = """
## Main points {#main-points}

There were {{ value("records", quarter=period, group="Total") }} records.
"""

GROUPS = ["=1+2", "@risk", "-1 or fewer", "+44 line", "Plain"]


@pytest.fixture(scope="module")
def draft(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("formulas")
    folder = root / "publications" / "formulas"
    folder.mkdir(parents=True)
    (folder / "publication.yaml").write_text(YAML, encoding="utf-8")
    (folder / "transforms.py").write_text(TRANSFORMS, encoding="utf-8")
    (folder / "commentary.qmd").write_text(COMMENTARY, encoding="utf-8")
    n = 100  # 20 a group, 10 in each of 2026Q1 and 2026Q2: nothing small
    extract = pl.DataFrame(
        {
            "id": [f"R{i}" for i in range(n)],
            "group": [GROUPS[i % 5] for i in range(n)],
            "day": [dt.date(2026, 2, 10) if i % 2 else dt.date(2026, 6, 30) for i in range(n)],
        }
    )
    (root / "extracts").mkdir()
    extract.write_csv(root / "extracts" / "records.csv")
    args = ["build", "formulas", "--extracts", str(root / "extracts"), "--root", str(root)]
    result = CliRunner().invoke(app, [*args, "--period", "2026Q2"])
    assert result.exit_code == 0, result.output  # a warning, not a failure
    return root / "build" / "formulas" / "2026-q2" / "draft-1"


def test_qa_warns_naming_table_column_and_label(draft: Path) -> None:
    report = json.loads((draft / "qa.json").read_text(encoding="utf-8"))
    assert report["status"] == "warn"
    (check,) = [c for c in report["checks"] if c["name"] == qa.formulas.NAME]
    assert check["status"] == "warn"
    assert check["details"] == [
        "Table 1 (records), column group: '=1+2'",
        "Table 1 (records), column group: '@risk'",
        "Table 1 (records), column group: '-1 or fewer'",
        "Table 1 (records), column group: '+44 line'",
    ]
    assert "4 category labels" in check["summary"]
    assert "Rename the categories in the schema" in check["summary"]
    assert all(c["status"] == "pass" for c in report["checks"] if c is not check)


def test_the_csv_keeps_the_labels_unchanged(draft: Path) -> None:
    text = (draft / "csv" / "records.csv").read_text(encoding="utf-8")
    for label in GROUPS:  # no "'" prefix, no quotes: exactly the label
        assert f"Apr to Jun 2026,{label},n,10,\n" in text
    tidy = pl.read_csv(draft / "csv" / "records.csv")
    assert set(tidy["group"].to_list()) == {*GROUPS, "Total"}


@pytest.mark.parametrize(
    ("label", "runs"),
    [
        ("=SUM(A1:A2)", True),
        ("+1", True),
        ("-5 to 0", True),
        ("@home", True),
        ("\tTabbed", True),
        ("\rReturn", True),
        ("Under 18", False),
        ("18-24", False),  # a dash inside a label is harmless
        (" =not first", False),
    ],
)
def test_which_labels_run_as_formulas(label: str, runs: bool) -> None:
    assert qa.formulas.runs_as_formula(label) is runs
    table = make_table({(label,): 5, ("Other",): 7}, rows=["group"], columns=None, totals=[])
    found = qa.formula_labels([table])
    assert [c.details for c in found] == (
        [[f"Table 1 (t), column group: {label!r}"]] if runs else []
    )
    assert all(c.status == "warn" for c in found)
