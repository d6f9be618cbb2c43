"""Write the sheet model as XLSX with openpyxl, to the Analysis Function guidance."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell as XCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from statgen.presentation import Cell, Format, Grid
from statgen.spreadsheets.model import Sheet, WorkbookModel, column_widths

FONT = "Arial"
NUMBER_FORMATS: dict[Format, str] = {
    "integer": "#,##0",
    "decimal1": "#,##0.0",
    "percent1": "#,##0.0",  # values are percentages (0 to 100); the heading says "%"
    "text": "@",
}


def number_format(fmt: Format, marker: str | None) -> str:
    """Excel number format; a marker such as [r] is shown by the format, so the cell stays a
    number."""
    base = NUMBER_FORMATS[fmt]
    return f'{base}" [{marker}]"' if marker else base


def _text(cell: XCell, value: str) -> None:
    """Store text as text: a leading = + - @ from data must never become a formula."""
    cell.value = value
    cell.data_type = "s"


def _link(cell: XCell, target: str) -> None:
    """An external URL, or a link to A1 of another sheet (a location, not a relationship)."""
    if ":" in target:
        cell.hyperlink = target
    else:
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{target}'!A1")


def _write_grid(ws: Worksheet, grid: Grid, top: int) -> None:
    for j, header in enumerate(grid.headers, 1):
        cell = ws.cell(row=top, column=j)
        _text(cell, header.text)
        cell.font = Font(name=FONT, size=12, bold=True)
        cell.alignment = Alignment(
            wrap_text=True, vertical="top", horizontal="right" if header.numeric else "left"
        )
    for i, row in enumerate(grid.rows, top + 1):
        for j, value in enumerate(row, 1):
            _write_cell(ws.cell(row=i, column=j), value)


def _write_cell(cell: XCell, value: Cell) -> None:
    cell.font = Font(name=FONT, size=12)
    if value.is_number:
        cell.value = value.value
        cell.number_format = number_format(value.format, value.marker)
        cell.alignment = Alignment(horizontal="right")
    elif value.format != "text":
        _text(cell, f"[{value.marker or 'x'}]")
        cell.alignment = Alignment(horizontal="right")
    else:
        _text(cell, str(value.value))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if value.link:
            _link(cell, value.link)
            cell.font = Font(name=FONT, size=12, underline="single", color="0563C1")


def _widths(ws: Worksheet, sheet: Sheet) -> None:
    for j, width in enumerate(column_widths(sheet), 1):
        ws.column_dimensions[get_column_letter(j)].width = width


def write_sheet(ws: Worksheet, sheet: Sheet) -> None:
    """Title in A1, lines below, then the table as a real table object."""
    _text(ws["A1"], sheet.title)
    ws["A1"].font = Font(name=FONT, size=16, bold=True)
    for i, line in enumerate(sheet.lines, 2):
        cell = ws.cell(row=i, column=1)
        _text(cell, line.text)
        cell.font = Font(
            name=FONT, size=14 if line.style == "heading" else 12, bold=line.style == "heading"
        )
        if line.style == "link" and line.target:
            _link(cell, line.target)
            cell.font = Font(name=FONT, size=12, underline="single", color="0563C1")
    if sheet.table is not None:
        top = sheet.table_row
        _write_grid(ws, sheet.table, top)
        last = f"{get_column_letter(len(sheet.table.headers))}{top + len(sheet.table.rows)}"
        # Columns named here so openpyxl adds no autoFilter: the guidance wants no filter buttons.
        columns = [TableColumn(id=j, name=h.text) for j, h in enumerate(sheet.table.headers, 1)]
        table = Table(displayName=sheet.table_name, ref=f"A{top}:{last}", tableColumns=columns)
        table.tableStyleInfo = TableStyleInfo(
            name="TableStyleLight1", showRowStripes=False, showColumnStripes=False,
            showFirstColumn=False, showLastColumn=False,
        )  # fmt: skip
        ws.add_table(table)
    _widths(ws, sheet)
    ws.sheet_view.selection[0].activeCell = "A1"
    ws.sheet_view.selection[0].sqref = "A1"


def write_xlsx(model: WorkbookModel, path: Path) -> None:
    """Write the workbook, with document properties and fixed timestamps (reproducible bytes)."""
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in model.sheets:
        write_sheet(wb.create_sheet(sheet.name), sheet)
    wb.active = 0
    props = wb.properties
    props.title = model.title
    props.subject = model.subject
    props.creator = model.author
    props.lastModifiedBy = model.author
    props.keywords = ", ".join(model.keywords)
    props.language = model.language
    props.created = model.created
    props.modified = model.created
    # Not wb.save(): it stamps the modified property with the time of writing.
    ExcelWriter(wb, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED)).save()
    _fix_zip_times(path, model.created)


def _fix_zip_times(path: Path, when: dt.datetime) -> None:
    """Rewrite zip entries with a fixed timestamp: otherwise every build differs byte for byte."""
    with zipfile.ZipFile(path) as src:
        entries = [(info, src.read(info)) for info in src.infolist()]
    stamp = when.timetuple()[:6]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in entries:
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            out.writestr(fixed, data)
