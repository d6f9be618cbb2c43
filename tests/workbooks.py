"""A small hand-made workbook model for spreadsheet tests: markers, blanks and risky text."""

from __future__ import annotations

import datetime as dt

from statgen.outputs.grid import Cell, Grid, Header
from statgen.outputs.spreadsheets.model import (
    ONE_TABLE,
    Line,
    Sheet,
    WorkbookModel,
    shorthand_lines,
)

RISKY = ["=SUM(A1:A2)", "+44 20 7946 0000", "-5 degrees", "@home"]
"""Row labels that a spreadsheet would take for formulas if written carelessly."""

CREATED = dt.datetime(2026, 12, 10, 9, 30)


def tiny_grid() -> Grid:
    """Five rows: plain numbers, a revised number, a suppressed value, a not-available value."""
    return Grid(
        [
            Header("Label [note 1]"),
            Header("Orders", "number of orders", numeric=True),
            Header("Median days", "days", numeric=True),
        ],
        [
            [Cell("North"), Cell(1234, "integer"), Cell(12.34, "decimal1")],
            [Cell(RISKY[0]), Cell(5678, "integer", "r"), Cell(None, "decimal1", "c")],
            [Cell(RISKY[1]), Cell(None, "integer", "x"), Cell(3.5, "decimal1", "p")],
            [Cell(RISKY[2]), Cell(0, "integer"), Cell(1.0, "decimal1")],
            [Cell(RISKY[3]), Cell(10, "integer"), Cell(2.0, "decimal1")],
        ],
        1,
    )


def tiny_model(title: str = "Test statistics: July to September 2026, England") -> WorkbookModel:
    """Cover, Contents, Notes and one table sheet, as statgen lays them out."""
    grid = tiny_grid()
    cover = Sheet(
        "Cover",
        title,
        [
            Line("A summary of the statistics."),
            Line("Source", "heading"),
            Line("A test system."),
            Line("Release date", "heading"),
            Line("10 December 2026"),
            Line("Next release", "heading"),
            Line("11 March 2027"),
            Line("Status", "heading"),
            Line("Official statistics in development"),
            Line("Contact", "heading"),
            Line("test@example.gov.uk", "link", "mailto:test@example.gov.uk"),
            Line("Shorthand used in these tables", "heading"),
            *shorthand_lines(grid.markers | {"x"}),
        ],
    )
    contents = Sheet(
        "Contents",
        "Table of contents",
        [Line(ONE_TABLE)],
        Grid(
            [Header("Sheet name"), Header("Table title")],
            [
                [Cell("Cover", link="Cover"), Cell("About these tables")],
                [Cell("Notes", link="Notes"), Cell("Notes")],
                [Cell("Table_1", link="Table_1"), Cell("Table 1: Orders by label")],
            ],
            1,
        ),
        "Table_of_contents",
    )
    notes = Sheet(
        "Notes",
        "Notes",
        [Line(ONE_TABLE)],
        Grid(
            [Header("Note number"), Header("Note text"), Header("Tables the note applies to")],
            [[Cell("[note 1]"), Cell("Labels are made up."), Cell("Table_1")]],
            1,
        ),
        "Notes_table",
    )
    table = Sheet(
        "Table_1",
        "Table 1: Orders by label [note 1]",
        [Line(ONE_TABLE), *shorthand_lines(grid.markers), Line("Source: a test system.")],
        grid,
        "Table_1",
    )
    return WorkbookModel(
        title=title,
        subject="Test statistics",
        author="Ministry of Justice",
        keywords=["test", "statistics"],
        language="en-GB",
        created=CREATED,
        sheets=[cover, contents, notes, table],
    )
