"""Read an XLSX workbook (openpyxl) into the checker's facts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from statgen.errors import WorkbookError
from statgen.outputs.spreadsheets.facts import (
    CellFacts,
    Kind,
    SheetFacts,
    TableFacts,
    Workbook,
    _parse_ref,
    excel_format,
)


def _xlsx_color(color: Any) -> str | None:
    if color is None or getattr(color, "type", None) in ("auto", None):
        return None
    if color.type == "theme" and color.theme in (1,):  # theme text colour: dark 1, the default
        return None
    if color.type == "rgb" and str(color.rgb).upper() in ("FF000000", "00000000"):
        return None  # plain black is what "automatic" shows; openpyxl reads defaults so
    return str(color.rgb if color.type == "rgb" else f"theme {color.theme}")


def _read_xlsx(path: Path) -> Workbook:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, rich_text=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise WorkbookError(f"{path}: cannot be read as XLSX ({exc})") from exc
    sheets = []
    for ws in wb.worksheets:
        sheet = SheetFacts(ws.title, hidden=ws.sheet_state != "visible")
        for row in ws.iter_rows():
            for c in row:
                if c.value is None:
                    continue
                kind: Kind = {"n": "number", "s": "text", "f": "formula", "b": "bool"}.get(
                    c.data_type, "date" if c.data_type == "d" else "error"
                )  # type: ignore[assignment]
                fill = c.fill.fgColor.rgb if c.fill is not None and c.fill.fill_type else None
                link = None
                if c.hyperlink is not None:
                    link = c.hyperlink.location or c.hyperlink.target
                sheet.cells[(c.row, c.column)] = CellFacts(
                    kind=kind,
                    value=c.value,
                    fmt=excel_format(c.number_format or "General"),
                    font=c.font.name if c.font else None,
                    size=float(c.font.sz) if c.font and c.font.sz else None,
                    bold=bool(c.font and c.font.b),
                    color=_xlsx_color(c.font.color) if c.font else None,
                    fill=str(fill) if fill else None,
                    wrap=bool(c.alignment and c.alignment.wrap_text),
                    link=link,
                )
        sheet.merged = [str(r) for r in ws.merged_cells.ranges]
        sheet.hidden_rows = sorted(r for r, d in ws.row_dimensions.items() if d.hidden)
        for d in ws.column_dimensions.values():
            if d.hidden:
                sheet.hidden_columns.extend(range(d.min or 1, (d.max or d.min or 1) + 1))
        for t in ws.tables.values():
            first, _, last = t.ref.partition(":")
            top, left = _parse_ref(first)
            bottom, right = _parse_ref(last or first)
            sheet.tables.append(
                TableFacts(
                    t.displayName or t.name or "",
                    top,
                    left,
                    bottom,
                    right,
                    header=(t.headerRowCount is None or t.headerRowCount > 0),
                    filter_buttons=t.autoFilter is not None,
                )
            )
        view = ws.sheet_view
        sheet.gridlines = view.showGridLines is not False
        sheet.cursor = (view.selection[0].activeCell if view.selection else None) or "A1"
        sheets.append(sheet)
    p = wb.properties
    properties = {
        "title": p.title or "",
        "subject": p.subject or "",
        "creator": p.creator or "",
        "keywords": p.keywords or "",
        "language": p.language or "",
        "created": p.created.isoformat() if p.created else "",
    }
    active = wb.worksheets.index(wb.active) if wb.active in wb.worksheets else 0
    return Workbook(path, sheets, active, properties)
