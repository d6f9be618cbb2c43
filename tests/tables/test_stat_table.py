"""StatTable.row and value: one cell by all its dimensions, found through the table's index of
rows (made once) where the dimensions are text, by a filter otherwise; the same answers, and the
same errors, either way."""

from __future__ import annotations

import dataclasses

import polars as pl
import pytest
from tablemaking import make_table

from statgen.config import Measure, Table
from statgen.errors import StatgenError
from statgen.periods import parse_period
from statgen.tables import StatTable


def counts() -> StatTable:
    return make_table(
        {("2026Q2", "North"): 4, ("2026Q2", "South"): 6, ("2026Q3", "North"): 7},
        ["quarter", "region"],
        None,
        ["region"],
    )


def test_a_cell_by_its_dimensions_and_the_totals_statgen_added() -> None:
    table = counts()
    assert table.value(quarter="2026Q2", region="North") == 4
    assert table.value("n", quarter=parse_period("2026Q2"), region="Total") == 10  # 4 + 6
    assert table.value(quarter="2026Q3", region="Total") == 7
    assert table.row(quarter="2026Q3", region="North")["n"] == 7


def test_a_row_given_out_is_a_copy() -> None:
    table = counts()
    table.row(quarter="2026Q2", region="North")["n"] = 99
    assert table.value(quarter="2026Q2", region="North") == 4


@pytest.mark.parametrize(
    "keys, message",
    [
        ({"quarter": "2026Q3", "region": "East"}, "no cell at"),  # no such row
        ({"quarter": "2026Q4", "region": "North"}, "no cell at"),
        ({"quarter": "2026Q2"}, "address a cell by all of its dimensions"),
        ({"quarter": "2026Q2", "region": "North", "sex": "F"}, "unknown: ['sex']"),
    ],
)
def test_no_cell_or_a_wrong_address_is_an_error(keys: dict[str, str], message: str) -> None:
    with pytest.raises(StatgenError, match=message.replace("[", r"\[").replace("]", r"\]")):
        counts().row(**keys)


def test_two_rows_at_one_address_are_an_error() -> None:
    table = counts()
    doubled = dataclasses.replace(table, data=pl.concat([table.data, table.data.head(1)]))
    assert doubled.value(quarter="2026Q3", region="North") == 7  # a fresh index, not table's
    with pytest.raises(StatgenError, match="no cell at"):
        doubled.row(**table.data.select("quarter", "region").row(0, named=True))


def test_a_dimension_that_is_not_text_is_found_by_filter_with_the_same_answers() -> None:
    spec = Table(
        id="t", title="Test", transform="t", rows=["year", "region"], totals=[], sheet="Test",
        measures=[Measure(name="n", title="Count", unit="number")],
    )  # fmt: skip
    frame = pl.DataFrame(
        {"year": ["2025", "2026", "2026"], "region": ["North", "North", None], "n": [1, 2, 3]},
        schema={"year": pl.Categorical, "region": pl.String, "n": pl.Int64},
    )
    table = StatTable(spec=spec, number=1, sheet="Test", data=frame, categories={})
    text = dataclasses.replace(table, data=frame.with_columns(pl.col("year").cast(pl.String)))
    assert table._rows is None and text._rows is not None
    for t in (table, text):
        assert t.value(year=2026, region="North") == 2
        with pytest.raises(StatgenError, match="no cell at"):
            t.row(year=2026, region="None")  # a null is no category
