"""Write the sheet model as ODS (OpenDocument, the open format the guidance advises) with odfpy.

The same sheet model as the XLSX writer, so the two formats never drift. Each table is a named
database range without filter buttons; numbers stay numbers, and a shorthand marker such as [r]
on a number is shown by the cell's number style (" [r]" after the digits), as in the XLSX.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

from odf import config, dc, meta, number
from odf.element import Element
from odf.opendocument import OpenDocumentSpreadsheet
from odf.style import (
    FontFace,
    Map,
    ParagraphProperties,
    Style,
    TableCellProperties,
    TableColumnProperties,
    TextProperties,
)
from odf.table import (
    DatabaseRange,
    DatabaseRanges,
    Table,
    TableCell,
    TableColumn,
    TableRow,
)
from odf.text import A, P
from openpyxl.utils import get_column_letter

from statgen.outputs.grid import CURRENCY, Cell, Format, Grid
from statgen.outputs.spreadsheets.model import Line, Sheet, WorkbookModel, column_widths

FONT = "Arial"
DECIMALS: dict[Format, int] = {"integer": 0, "decimal1": 1, "percent1": 1, "text": 0}
DECIMALS.update({fmt: places for fmt, (places, _) in CURRENCY.items()})  # type: ignore[misc]
DECIMALS.update({"signed_integer": 0, "signed_decimal1": 1})
CM_PER_CHAR = 0.23
"""Approximate width of one character of Arial 12pt, to turn widths in characters into cm."""


class _Styles:
    """The document's styles, made once each and looked up by what they are for."""

    def __init__(self, doc: OpenDocumentSpreadsheet) -> None:
        self.doc = doc
        doc.fontfacedecls.addElement(
            FontFace(name=FONT, fontfamily=FONT, fontfamilygeneric="swiss", fontpitch="variable")
        )
        # The default cell style: Arial 12pt, automatic colour, no fill (the guidance's plain look).
        default = Style(name="Default", family="table-cell")
        default.addElement(TextProperties(fontname=FONT, fontsize="12pt"))
        doc.styles.addElement(default)
        self.text = self._cell("ce_text", wrap=True)
        self.title = self._cell("ce_title", size="16pt", bold=True)
        self.heading = self._cell("ce_heading", size="14pt", bold=True)
        self.header = self._cell("ce_header", bold=True, wrap=True)
        self.header_numeric = self._cell("ce_header_num", bold=True, wrap=True, align="end")
        self.shorthand = self._cell("ce_shorthand", align="end")
        self._numbers: dict[tuple[Format, str | None], Style] = {}
        self._columns: dict[float, Style] = {}

    def _cell(
        self,
        name: str,
        *,
        size: str = "12pt",
        bold: bool = False,
        wrap: bool = False,
        align: str | None = None,
        data_style: str | None = None,
    ) -> Style:
        extra = {"datastylename": data_style} if data_style else {}
        style = Style(name=name, family="table-cell", parentstylename="Default", **extra)
        style.addElement(
            TableCellProperties(wrapoption="wrap" if wrap else "no-wrap", verticalalign="top")
        )
        if align:
            style.addElement(ParagraphProperties(textalign=align))
        style.addElement(
            TextProperties(fontname=FONT, fontsize=size, fontweight="bold" if bold else "normal")
        )
        self.doc.automaticstyles.addElement(style)
        return style

    def number(self, fmt: Format, marker: str | None) -> Style:
        """A cell style showing the number with separators, fixed decimals and any marker."""
        key = (fmt, marker)
        if key not in self._numbers:
            n = len(self._numbers)
            data = number.NumberStyle(name=f"N{n}")
            if fmt.startswith("signed_"):
                data = self._signed(n, fmt, marker)
                self.doc.styles.addElement(data)  # beside the styles its conditions name
            else:
                self._fill(data, fmt, marker)
                self.doc.automaticstyles.addElement(data)
            self._numbers[key] = self._cell(f"ce_num{n}", align="end", data_style=f"N{n}")
        return self._numbers[key]

    @staticmethod
    def _fill(data: Element, fmt: Format, marker: str | None, sign: str = "") -> None:
        """The parts of a number style: sign or pound sign, the number, unit and marker."""
        if sign or fmt in CURRENCY:
            data.addElement(number.Text(text=sign or "£"))
        data.addElement(
            number.Number(decimalplaces=DECIMALS[fmt], minintegerdigits=1, grouping="true")
        )
        if fmt in CURRENCY and CURRENCY[fmt][1]:
            data.addElement(number.Text(text=CURRENCY[fmt][1]))
        if marker:
            data.addElement(number.Text(text=f" [{marker}]"))

    def _signed(self, n: int, fmt: Format, marker: str | None) -> Element:
        """A difference: "+300" above zero, "\u2212""41" below (a real minus sign), "0" at zero:
        the XLSX format ``"+"#,##0;"\u2212"#,##0;0`` as LibreOffice writes it (a style for
        each sign, chosen by condition from the zero style; a sign's section shows the
        absolute value, so the sign is the style's text)."""
        for suffix, sign in (("P0", "+"), ("P1", "\u2212")):
            part = number.NumberStyle(name=f"N{n}{suffix}", volatile="true")
            self._fill(part, fmt, marker, sign)
            # In the common styles: odfpy writes only automatic styles a cell names itself.
            self.doc.styles.addElement(part)
        data = number.NumberStyle(name=f"N{n}")
        self._fill(data, fmt, marker)
        data.addElement(Map(condition="value()>0", applystylename=f"N{n}P0"))
        data.addElement(Map(condition="value()<0", applystylename=f"N{n}P1"))
        return data

    def column(self, width_chars: float) -> Style:
        """A column style of the given width."""
        if width_chars not in self._columns:
            style = Style(name=f"co{len(self._columns)}", family="table-column")
            style.addElement(
                TableColumnProperties(columnwidth=f"{width_chars * CM_PER_CHAR:.2f}cm")
            )
            self.doc.automaticstyles.addElement(style)
            self._columns[width_chars] = style
        return self._columns[width_chars]


def _paragraph(text: str, link: str | None) -> P:
    """Cell text, as a hyperlink where there is a target (a sheet name or an external URL)."""
    p = P()
    if link:
        href = link if ":" in link else f"#{link}.A1"
        p.addElement(A(type="simple", href=href, text=text))
    else:
        p.addText(text)
    return p


def _text_cell(text: str, style: Style, link: str | None = None) -> TableCell:
    # Always a string cell with no table:formula, so text from data that starts with = + - @
    # can never become a formula.
    cell = TableCell(valuetype="string", stylename=style)
    for i, part in enumerate(text.split("\n")):
        cell.addElement(_paragraph(part, link if i == 0 else None))
    return cell


def _line_cell(line: Line, styles: _Styles) -> TableCell:
    style = styles.heading if line.style == "heading" else styles.text
    return _text_cell(line.text, style, line.target if line.style == "link" else None)


def _value_cell(value: Cell, styles: _Styles) -> TableCell:
    if value.is_number:
        cell = TableCell(
            valuetype="float",
            value=repr(float(value.value)),  # type: ignore[arg-type]
            stylename=styles.number(value.format, value.marker),
        )
        cell.addElement(P(text=value.text))
        return cell
    if value.format != "text":
        return _text_cell(f"[{value.marker or 'x'}]", styles.shorthand)
    return _text_cell(str(value.value), styles.text, value.link)


def _grid_rows(grid: Grid, styles: _Styles) -> list[TableRow]:
    header = TableRow()
    for h in grid.headers:
        header.addElement(_text_cell(h.text, styles.header_numeric if h.numeric else styles.header))
    rows = [header]
    for values in grid.rows:
        row = TableRow()
        for value in values:
            row.addElement(_value_cell(value, styles))
        rows.append(row)
    return rows


def _table(sheet: Sheet, styles: _Styles) -> Table:
    table = Table(name=sheet.name)
    for width in column_widths(sheet):
        table.addElement(
            TableColumn(stylename=styles.column(width), defaultcellstylename="Default")
        )
    first = TableRow()
    first.addElement(_text_cell(sheet.title, styles.title))
    table.addElement(first)
    for line in sheet.lines:
        row = TableRow()
        row.addElement(_line_cell(line, styles))
        table.addElement(row)
    if sheet.table is not None:
        for row in _grid_rows(sheet.table, styles):
            table.addElement(row)
    return table


def _range_address(sheet: Sheet) -> str:
    """The table's cell range, e.g. ``'Table_1'.A5:'Table_1'.F17``."""
    assert sheet.table is not None
    top = sheet.table_row
    bottom = top + len(sheet.table.rows)
    last = get_column_letter(len(sheet.table.headers))
    name = sheet.name.replace("'", "''")
    return f"'{name}'.A{top}:'{name}'.{last}{bottom}"


def _settings(doc: OpenDocumentSpreadsheet, model: WorkbookModel) -> None:
    """View settings: first sheet active, cursor in A1 of every sheet, gridlines shown."""
    view = config.ConfigItemMapEntry()
    view.addElement(config.ConfigItem(name="ViewId", type="string", text="view1"))
    tables = config.ConfigItemMapNamed(name="Tables")
    for sheet in model.sheets:
        entry = config.ConfigItemMapEntry(name=sheet.name)
        for item in ("CursorPositionX", "CursorPositionY", "PositionLeft", "PositionBottom"):
            entry.addElement(config.ConfigItem(name=item, type="int", text="0"))
        tables.addElement(entry)
    view.addElement(tables)
    view.addElement(config.ConfigItem(name="ActiveTable", type="string", text=model.sheets[0].name))
    view.addElement(config.ConfigItem(name="ShowGrid", type="boolean", text="true"))
    views = config.ConfigItemMapIndexed(name="Views")
    views.addElement(view)
    settings = config.ConfigItemSet(name="ooo:view-settings")
    settings.addElement(views)
    doc.settings.addElement(settings)


def _properties(doc: OpenDocumentSpreadsheet, model: WorkbookModel) -> None:
    when = model.created.strftime("%Y-%m-%dT%H:%M:%S")
    doc.meta.addElement(dc.Title(text=model.title))
    doc.meta.addElement(dc.Subject(text=model.subject))
    doc.meta.addElement(dc.Description(text=model.subject))
    doc.meta.addElement(dc.Language(text=model.language))
    doc.meta.addElement(dc.Creator(text=model.author))
    doc.meta.addElement(meta.InitialCreator(text=model.author))
    doc.meta.addElement(meta.CreationDate(text=when))
    doc.meta.addElement(dc.Date(text=when))
    for keyword in model.keywords:
        doc.meta.addElement(meta.Keyword(text=keyword))


def write_ods(model: WorkbookModel, path: Path) -> None:
    """Write the workbook as ODS, with document properties and fixed timestamps."""
    # odfpy keeps the namespace prefixes it has seen in one process-wide dict and declares them
    # all on every document: reading another ODS first (as the checker does) would add xmlns
    # declarations. Start from empty so the bytes depend on this workbook alone.
    Element.namespaces.clear()
    doc = OpenDocumentSpreadsheet()
    styles = _Styles(doc)
    for sheet in model.sheets:
        doc.spreadsheet.addElement(_table(sheet, styles))
    ranges = DatabaseRanges()
    for sheet in model.sheets:
        if sheet.table is not None:
            ranges.addElement(
                DatabaseRange(
                    name=sheet.table_name,
                    targetrangeaddress=_range_address(sheet),
                    containsheader="true",
                    displayfilterbuttons="false",
                )
            )
    doc.spreadsheet.addElement(ranges)
    _settings(doc, model)
    _properties(doc, model)
    doc.save(str(path))
    _fix_zip(path, model.created)


def _fix_zip(path: Path, when: dt.datetime) -> None:
    """Give every zip entry the release's timestamp (odfpy stamps the time of writing).

    ODF needs ``mimetype`` first and stored uncompressed; everything else is deflated.
    """
    with zipfile.ZipFile(path) as src:
        entries = [(info, src.read(info)) for info in src.infolist()]
    stamp = when.timetuple()[:6]
    entries.sort(key=lambda e: e[0].filename != "mimetype")
    with zipfile.ZipFile(path, "w") as out:
        for info, data in entries:
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            stored = info.filename == "mimetype"
            fixed.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            out.writestr(fixed, data)
