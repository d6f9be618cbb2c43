"""Write the sheet model as XLSX with openpyxl, to the Analysis Function guidance."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell as XCell
from openpyxl.styles import Alignment, Font, NamedStyle
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from statgen.outputs.grid import Cell, Format, Grid
from statgen.outputs.spreadsheets.model import Sheet, WorkbookModel, column_widths

FONT = "Arial"
NUMBER_FORMATS: dict[Format, str] = {
    "integer": "#,##0",
    "decimal1": "#,##0.0",
    "percent1": "#,##0.0",  # values are percentages (0 to 100); the heading says "%"
    "text": "@",
    "currency": '"£"#,##0',
    "currency_thousand": '"£"#,##0" thousand"',
    "currency_million": '"£"#,##0.0" million"',
    # Differences: "+300", "\u2212""41" with a real minus sign (sections: positive;negative;zero).
    "signed_integer": '"+"#,##0;"\u2212"#,##0;0',
    "signed_decimal1": '"+"#,##0.0;"\u2212"#,##0.0;0.0',
}


def number_format(fmt: Format, marker: str | None) -> str:
    """Excel number format; a marker such as [r] is shown by the format, so the cell stays a
    number."""
    base = NUMBER_FORMATS[fmt]
    if not marker:
        return base
    return ";".join(f'{section}" [{marker}]"' for section in base.split(";"))


class _Styles:
    """Named cell styles, registered once per workbook: assigning a name is far quicker than
    building Font and Alignment objects for every cell (140,000 cells: minutes to seconds)."""

    def __init__(self, wb: Workbook) -> None:
        self.wb = wb
        self.names: set[str] = set()

    def __call__(
        self,
        name: str,
        *,
        size: int = 12,
        bold: bool = False,
        link: bool = False,
        wrap: bool = False,
        right: bool = False,
        number_format: str = "General",
    ) -> str:
        if name not in self.names:
            font = Font(name=FONT, size=size, bold=bold)
            if link:
                font = Font(name=FONT, size=size, underline="single", color="0563C1")
            style = NamedStyle(
                name=name,
                font=font,
                alignment=Alignment(
                    wrap_text=wrap, vertical="top", horizontal="right" if right else "left"
                ),
                number_format=number_format,
            )
            self.wb.add_named_style(style)
            self.names.add(name)
        return name


def _text(cell: XCell, value: str, style: str) -> None:
    """Store text as text: a leading = + - @ from data must never become a formula."""
    cell.value = value
    cell.data_type = "s"
    cell.style = style


def _link(cell: XCell, target: str) -> None:
    """An external URL, or a link to A1 of another sheet (a location, not a relationship)."""
    if ":" in target:
        cell.hyperlink = target
    else:
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{target}'!A1")


def _write_grid(ws: Worksheet, grid: Grid, top: int, styles: _Styles) -> None:
    for j, header in enumerate(grid.headers, 1):
        name = "statgen header number" if header.numeric else "statgen header"
        style = styles(name, bold=True, wrap=True, right=header.numeric)
        _text(ws.cell(row=top, column=j), header.text, style)
    for i, row in enumerate(grid.rows, top + 1):
        for j, value in enumerate(row, 1):
            _write_cell(ws.cell(row=i, column=j), value, styles)


def _write_cell(cell: XCell, value: Cell, styles: _Styles) -> None:
    if value.is_number:
        code = number_format(value.format, value.marker)
        cell.value = value.value
        cell.style = styles(f"statgen number {code}", right=True, number_format=code)
    elif value.format != "text":
        _text(cell, f"[{value.marker or 'x'}]", styles("statgen shorthand", right=True))
    elif value.link:
        _text(cell, str(value.value), styles("statgen link", link=True, wrap=True))
        _link(cell, value.link)
    else:
        _text(cell, str(value.value), styles("statgen text", wrap=True))


def _widths(ws: Worksheet, sheet: Sheet) -> None:
    for j, width in enumerate(column_widths(sheet), 1):
        ws.column_dimensions[get_column_letter(j)].width = width


def write_sheet(ws: Worksheet, sheet: Sheet, styles: _Styles) -> None:
    """Title in A1, lines below, then the table as a real table object."""
    _text(ws["A1"], sheet.title, styles("statgen title", size=16, bold=True))
    for i, line in enumerate(sheet.lines, 2):
        cell = ws.cell(row=i, column=1)
        if line.style == "heading":
            _text(cell, line.text, styles("statgen heading", size=14, bold=True))
        elif line.style == "link" and line.target:
            _text(cell, line.text, styles("statgen link line", link=True))
            _link(cell, line.target)
        else:
            _text(cell, line.text, styles("statgen line"))
    if sheet.table is not None:
        top = sheet.table_row
        _write_grid(ws, sheet.table, top, styles)
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
    styles = _Styles(wb)
    for sheet in model.sheets:
        write_sheet(wb.create_sheet(sheet.name), sheet, styles)
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
    # Workbook.save() stamps "modified" with the wall clock; the writer it wraps does not.
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()
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
