"""`statgen check`: deliberately broken workbooks, each caught at the right sheet and cell."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from odf.namespaces import DCNS, TABLENS
from odf.opendocument import load as load_ods
from odf.table import TableCell
from openpyxl import load_workbook
from typer.testing import CliRunner
from workbooks import tiny_model

from statgen.cli import app
from statgen.outputs.spreadsheets import write_workbooks
from statgen.outputs.spreadsheets.check import check_file

# In the tiny workbook, Table_1 has its header row on row 8 and data on rows 9 to 13.


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("good")
    ods, xlsx = write_workbooks(tiny_model(), folder / "good")
    return {"ods": ods, "xlsx": xlsx}


# ------------------------------------------------------------------ XLSX breakers (openpyxl)


def x_merged(wb: Any) -> None:
    wb["Table_1"].merge_cells("B9:C9")


def x_blank(wb: Any) -> None:
    wb["Table_1"]["C10"].value = None


def x_no_cover(wb: Any) -> None:
    wb.remove(wb["Cover"])


def x_not_column_a(wb: Any) -> None:
    ws = wb["Table_1"]
    ws.insert_cols(1)
    ws.move_range("B1:B7", cols=-1)
    ws.tables["Table_1"].ref = "B8:D13"


def x_formula(wb: Any) -> None:
    wb["Table_1"]["B9"].value = "=1+1"


def x_no_title(wb: Any) -> None:
    wb.properties.title = None


def x_hidden_row(wb: Any) -> None:
    wb["Table_1"].row_dimensions[11].hidden = True


def x_fill(wb: Any) -> None:
    from openpyxl.styles import PatternFill

    wb["Notes"]["B4"].fill = PatternFill("solid", fgColor="FFFF00")


def x_number_as_text(wb: Any) -> None:
    wb["Table_1"]["B12"].value = "1,234"


def x_hidden_sheet(wb: Any) -> None:
    wb["Notes"].sheet_state = "hidden"


def x_space_in_name(wb: Any) -> None:
    wb["Notes"].title = "The notes"


def x_blank_sheet(wb: Any) -> None:
    wb.create_sheet("Extra")


def x_no_contact(wb: Any) -> None:
    for row in wb["Cover"].iter_rows():
        for c in row:
            if c.value and ("contact" in str(c.value).lower() or "@" in str(c.value)):
                c.value = "More information"


def x_shorthand_unexplained(wb: Any) -> None:
    for row in wb["Cover"].iter_rows():
        for c in row:
            if str(c.value).startswith("[c]"):
                c.value = "Some values are withheld."


def x_no_one_table_line(wb: Any) -> None:
    wb["Table_1"]["A2"].value = "Read the notes."


def x_filter_buttons(wb: Any) -> None:
    from openpyxl.worksheet.filters import AutoFilter

    wb["Table_1"].tables["Table_1"].autoFilter = AutoFilter(ref="A8:C13")


def x_default_table_name(wb: Any) -> None:
    table = wb["Table_1"].tables["Table_1"]
    table.displayName = table.name = "Table3"


def x_duplicate_heading(wb: Any) -> None:
    wb["Table_1"]["C8"].value = wb["Table_1"]["B8"].value


def x_note_in_data_cell(wb: Any) -> None:
    wb["Table_1"]["B13"].value = "[note 1]"


def x_no_thousands(wb: Any) -> None:
    wb["Table_1"]["B9"].number_format = "0"


def x_mixed_decimals(wb: Any) -> None:
    wb["Table_1"]["C12"].number_format = "#,##0.00"


def x_serif_font(wb: Any) -> None:
    from openpyxl.styles import Font

    wb["Notes"]["B4"].font = Font(name="Times New Roman", size=12)


def x_small_font(wb: Any) -> None:
    from openpyxl.styles import Font

    wb["Notes"]["B4"].font = Font(name="Arial", size=10)


def x_coloured_text(wb: Any) -> None:
    from openpyxl.styles import Font

    wb["Table_1"]["A9"].font = Font(name="Arial", size=12, color="FF0000")


def x_second_sheet_active(wb: Any) -> None:
    wb.active = 2


def x_cursor_elsewhere(wb: Any) -> None:
    wb["Notes"].sheet_view.selection[0].activeCell = "C4"


def x_language(wb: Any) -> None:
    wb.properties.language = "en-US"


# ------------------------------------------------------------------ ODS breakers (odfpy)


def _ods_table(doc: Any, name: str) -> Any:
    from odf.table import Table

    return next(
        t for t in doc.spreadsheet.getElementsByType(Table) if t.getAttribute("name") == name
    )


def _ods_cell(doc: Any, sheet: str, row: int, col: int) -> Any:
    from odf.table import TableRow

    tr = _ods_table(doc, sheet).getElementsByType(TableRow)[row - 1]
    return tr.getElementsByType(TableCell)[col - 1]


def o_merged(doc: Any) -> None:
    _ods_cell(doc, "Table_1", 9, 2).setAttrNS(TABLENS, "number-columns-spanned", "2")


def o_blank(doc: Any) -> None:
    cell = _ods_cell(doc, "Table_1", 10, 3)
    cell.parentNode.insertBefore(TableCell(), cell)
    cell.parentNode.removeChild(cell)


def o_no_cover(doc: Any) -> None:
    doc.spreadsheet.removeChild(_ods_table(doc, "Cover"))


def o_not_column_a(doc: Any) -> None:
    from odf.table import DatabaseRange

    for r in doc.spreadsheet.getElementsByType(DatabaseRange):
        if r.getAttribute("name") == "Table_1":
            r.setAttrNS(TABLENS, "target-range-address", "'Table_1'.B8:'Table_1'.C13")


def o_formula(doc: Any) -> None:
    _ods_cell(doc, "Table_1", 9, 2).setAttrNS(TABLENS, "formula", "of:=1+1")


def o_hidden_row(doc: Any) -> None:
    from odf.table import TableRow

    _ods_table(doc, "Table_1").getElementsByType(TableRow)[10].setAttrNS(
        TABLENS, "visibility", "collapse"
    )


def o_number_as_text(doc: Any) -> None:
    from odf.text import P

    cell = _ods_cell(doc, "Table_1", 12, 2)
    text = TableCell(valuetype="string")
    text.addElement(P(text="1,234"))
    cell.parentNode.insertBefore(text, cell)
    cell.parentNode.removeChild(cell)


def o_no_title(doc: Any) -> None:
    for el in list(doc.meta.childNodes):
        if el.qname == (DCNS, "title"):
            doc.meta.removeChild(el)


BROKEN: list[tuple[str, Callable[[Any], None], Callable[[Any], None] | None, str]] = [
    ("merged cell", x_merged, o_merged, "Table_1!B9: merged cells B9:C9"),
    ("blank cell", x_blank, o_blank, "Table_1!C10: blank cell in the table"),
    ("missing cover", x_no_cover, o_no_cover, "Contents: the first sheet must be a cover sheet"),
    (
        "not column A",
        x_not_column_a,
        o_not_column_a,
        "Table_1!B8: the table must start in column A",
    ),
    ("formula", x_formula, o_formula, "Table_1!B9: formula"),
    ("missing title", x_no_title, o_no_title, "document properties: no title property"),
    ("hidden row", x_hidden_row, o_hidden_row, "Table_1!A11: row 11 is hidden"),
    ("fill colour", x_fill, None, "Notes!B4: fill colour"),
    (
        "number as text",
        x_number_as_text,
        o_number_as_text,
        "Table_1!B12: number stored as text (1,234)",
    ),
    ("hidden sheet", x_hidden_sheet, None, "Notes: hidden sheet"),
    ("space in sheet name", x_space_in_name, None, "The notes: sheet name has spaces"),
    ("blank sheet", x_blank_sheet, None, "Extra: blank sheet"),
    ("cover without contact", x_no_contact, None, "Cover: the cover does not give a contact"),
    (
        "shorthand unexplained",
        x_shorthand_unexplained,
        None,
        "Table_1!C10: shorthand [c] is not explained on the cover",
    ),
    ("no one-table line", x_no_one_table_line, None, "Table_1!A2: A2 must say"),
    ("filter buttons", x_filter_buttons, None, "Table_1!A8: the table shows filter buttons"),
    ("default table name", x_default_table_name, None, "Table_1!A8: table name 'Table3'"),
    ("duplicate heading", x_duplicate_heading, None, "Table_1!C8: heading Orders"),
    ("note in data cell", x_note_in_data_cell, None, "Table_1!B13: note marker in a data cell"),
    ("no thousands separator", x_no_thousands, None, "Table_1!B9: no thousands separator"),
    ("mixed decimals", x_mixed_decimals, None, "Table_1!C12: decimal places differ"),
    ("serif font", x_serif_font, None, "Notes!B4: font 'Times New Roman'"),
    ("small font", x_small_font, None, "Notes!B4: font size 10pt"),
    ("coloured text", x_coloured_text, None, "Table_1!A9: font colour 00FF0000"),
    (
        "second sheet active",
        x_second_sheet_active,
        None,
        "Notes: the first sheet must be the active",
    ),
    ("cursor not in A1", x_cursor_elsewhere, None, "Notes!C4: the cursor must be in cell A1"),
    ("language", x_language, None, "document properties: language property is 'en-US'"),
]


CASES = [(f"{name} ({fmt})", fmt, breaker, expected)
         for name, x, o, expected in BROKEN
         for fmt, breaker in (("xlsx", x), ("ods", o)) if breaker is not None]  # fmt: skip


@pytest.mark.parametrize(
    ("fmt", "breaker", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_broken_workbook_is_caught_at_the_right_place(
    good: dict[str, Path], tmp_path: Path, fmt: str, breaker: Callable[[Any], None], expected: str
) -> None:
    path = tmp_path / f"broken.{fmt}"
    if fmt == "xlsx":
        wb = load_workbook(good["xlsx"])
        breaker(wb)
        wb.save(path)
    else:
        doc = load_ods(str(good["ods"]))
        breaker(doc)
        doc.save(str(path))
    lines = [f.describe() for f in check_file(path).failures]
    assert any(line.startswith(expected) for line in lines), lines


def test_good_workbooks_pass(good: dict[str, Path]) -> None:
    assert check_file(good["ods"]).failures == []
    assert check_file(good["xlsx"]).failures == []


def test_cli_check_prints_sheet_and_cell_and_exits_1(good: dict[str, Path], tmp_path: Path) -> None:
    wb = load_workbook(good["xlsx"])
    x_merged(wb)
    x_formula(wb)
    broken = tmp_path / "broken.xlsx"
    wb.save(broken)
    result = CliRunner().invoke(app, ["check", str(good["ods"]), str(broken)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{good['ods']}: passes the spreadsheet accessibility checks",
        f"{broken}: 3 problems found",
        "  - Table_1!B9: merged cells B9:C9: unmerge them",
        "  - Table_1!B9: formula =1+1: write the value instead",
        "  - Table_1!C9: blank cell in the table: use [x], [z] or [c]",
    ]
    ok = CliRunner().invoke(app, ["check", str(good["xlsx"])])
    assert ok.exit_code == 0


def test_cli_check_names_a_file_it_cannot_read(tmp_path: Path) -> None:
    bad = tmp_path / "notes.xlsx"
    bad.write_text("not a workbook")
    result = CliRunner().invoke(app, ["check", str(bad)])
    assert result.exit_code == 1
    assert "not an XLSX or ODS file" in result.output
