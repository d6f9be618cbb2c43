"""Pounds: "£1,562 thousand" on the page, the same number format in both workbooks, integers
with the GBP unit in the CSVW."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import polars as pl
from openpyxl import load_workbook
from tablemaking import PUBLICATION
from workbooks import tiny_model

from statgen import tables
from statgen.config import Measure, Table
from statgen.outputs.csvw import metadata
from statgen.outputs.grid import Cell, Grid, Header, format_number, tidy
from statgen.outputs.spreadsheets import write_workbooks
from statgen.outputs.spreadsheets.read import read_workbook


def test_page_text() -> None:
    assert format_number(1562, "currency_thousand") == "£1,562 thousand"
    assert format_number(1562.4, "currency") == "£1,562"
    assert format_number(2.35, "currency_million") == "£2.4 million"
    assert format_number(-40, "currency_thousand") == "-£40 thousand"
    assert Cell(1562, "currency_thousand", "r").text == "£1,562 thousand [r]"


def test_both_workbooks_show_pounds_and_keep_numbers(tmp_path: Path) -> None:
    model = tiny_model()
    grid = Grid(
        [Header("Region"), Header("Spending", "£ thousand", numeric=True),
         Header("Budget", "£ million", numeric=True)],
        [[Cell("North"), Cell(1562, "currency_thousand"), Cell(2.35, "currency_million")],
         [Cell("South"), Cell(20_480, "currency_thousand", "p"), Cell(12.0, "currency_million")]],
        1,
    )  # fmt: skip
    sheets = [*model.sheets[:-1], dataclasses.replace(model.sheets[-1], table=grid)]
    ods, xlsx = write_workbooks(dataclasses.replace(model, sheets=sheets), tmp_path / "money")
    ws = load_workbook(xlsx)["Table_1"]
    row = next(r for r in ws.iter_rows() if r[0].value == "North")
    assert (row[1].value, row[1].number_format) == (1562, '"£"#,##0" thousand"')
    assert (row[2].value, row[2].number_format) == (2.35, '"£"#,##0.0" million"')
    sheet = next(s for s in read_workbook(ods).sheets if s.name == "Table_1")
    cells = [c for c in sheet.cells.values() if c.kind == "number" and c.value == 1562]
    assert cells and cells[0].fmt.literal == "£ thousand" and cells[0].fmt.decimals == 0


def test_csvw_says_pounds_in_thousands() -> None:
    spec = Table(
        id="spend", title="Spending", transform="t", rows=["region"], sheet="S",
        measures=[Measure(name="spend", title="Spending", unit="£ thousand",
                          format="currency_thousand")],
    )  # fmt: skip
    table = tables.finish(PUBLICATION, spec, pl.DataFrame({"region": ["N"], "spend": [1562.4]}), 1)
    assert tidy(PUBLICATION, table)["value"].to_list() == ["1562"]
    meta = metadata(PUBLICATION, table, dt.date(2026, 12, 10))
    value = next(c for c in meta["tableSchema"]["columns"] if c["name"] == "value")
    assert (value["datatype"], value["schema:unitCode"]) == ("integer", "GBP")
    measure = next(c for c in meta["tableSchema"]["columns"] if c["name"] == "measure")
    assert "spend: Spending (£ thousand, pounds (GBP), in thousands)" in measure["dc:description"]
