"""Read an ODS workbook (odfpy) into the checker's facts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from statgen.errors import WorkbookError
from statgen.outputs.spreadsheets.facts import (
    CellFacts,
    Kind,
    NumberFormat,
    SheetFacts,
    TableFacts,
    Workbook,
    _parse_ref,
    cell_name,
)

# ---------------------------------------------------------------- ODS
NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "number": "urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "xlink": "http://www.w3.org/1999/xlink",
    "config": "urn:oasis:names:tc:opendocument:xmlns:config:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
}


def _a(el: Any, ns: str, name: str, default: str | None = None) -> str | None:
    """An attribute of an odfpy element by namespace prefix and XML name."""
    return el.attributes.get((NS[ns], name), default)


def _kids(el: Any, ns: str, name: str) -> list[Any]:
    return [c for c in el.childNodes if getattr(c, "qname", None) == (NS[ns], name)]


def _text_of(el: Any) -> str:
    """All text inside an element (paragraphs joined by new lines)."""
    paragraphs = _kids(el, "text", "p")
    if paragraphs:
        return "\n".join(_plain(p) for p in paragraphs)
    return _plain(el)


def _plain(el: Any) -> str:
    out = []
    for c in el.childNodes:
        if c.nodeType == c.TEXT_NODE:
            out.append(str(c.data))
        elif getattr(c, "qname", None) == (NS["text"], "s"):
            out.append(" " * int(_a(c, "text", "c", "1") or 1))
        elif getattr(c, "qname", None) == (NS["text"], "line-break"):
            out.append("\n")
        elif getattr(c, "qname", None) == (NS["text"], "tab"):
            out.append("\t")
        else:
            out.append(_plain(c))
    return "".join(out)


def _link_of(el: Any) -> str | None:
    for c in el.childNodes:
        if getattr(c, "qname", None) == (NS["text"], "a"):
            return _a(c, "xlink", "href")
        if getattr(c, "childNodes", None) and (found := _link_of(c)):
            return found
    return None


class _OdsStyles:
    """Cell styles of an ODS document, resolved through their parents."""

    def __init__(self, doc: Any) -> None:
        self.styles: dict[str, Any] = {}
        self.data: dict[str, NumberFormat] = {}
        self.fonts: dict[str, str] = {}
        for holder in (doc.fontfacedecls, doc.styles, doc.automaticstyles):
            for el in holder.childNodes:
                name = _a(el, "style", "name")
                if name is None:
                    continue
                q = el.qname
                if q == (NS["style"], "font-face"):
                    family = _a(el, "svg", "font-family", name)
                    self.fonts[name] = str(family).strip("'\"")
                elif q == (NS["style"], "style"):
                    self.styles[name] = el
                elif q[0] == NS["number"]:
                    self.data[name] = self._number(el)

    def _number(self, el: Any) -> NumberFormat:
        fmt = NumberFormat(code=el.qname[1], decimals=None)
        fmt.percent = el.qname[1] == "percentage-style"
        for c in el.childNodes:
            q = getattr(c, "qname", None)
            if q == (NS["number"], "number"):
                fmt.decimals = int(_a(c, "number", "decimal-places", "0") or 0)
                fmt.grouping = _a(c, "number", "grouping") == "true"
            elif q == (NS["number"], "text"):
                fmt.literal += _plain(c)
        return fmt

    def props(self, name: str | None) -> dict[str, str]:
        """Every property of a style, parents first, keyed by local name (font-size, ...)."""
        chain = []
        seen = set()
        while name and name in self.styles and name not in seen:
            seen.add(name)
            chain.append(self.styles[name])
            name = _a(self.styles[name], "style", "parent-style-name")
        if "Default" in self.styles and "Default" not in seen:
            chain.append(self.styles["Default"])
        out: dict[str, str] = {}
        for style in reversed(chain):
            for key, value in style.attributes.items():
                out[f"style:{key[1]}"] = value
            for child in style.childNodes:
                for key, value in getattr(child, "attributes", {}).items():
                    out[key[1]] = value
        return out


def _read_ods(path: Path) -> Workbook:
    from odf.opendocument import load

    try:
        doc = load(str(path))
    except Exception as exc:  # odfpy raises many kinds on a damaged file
        raise WorkbookError(f"{path}: cannot be read as ODS ({exc})") from exc
    styles = _OdsStyles(doc)
    sheets = []
    for table in _kids(doc.spreadsheet, "table", "table"):
        sheets.append(_ods_sheet(table, styles))
    by_name = {s.name: s for s in sheets}
    for ranges in _kids(doc.spreadsheet, "table", "database-ranges"):
        for r in _kids(ranges, "table", "database-range"):
            address = _a(r, "table", "target-range-address") or ""
            m = re.fullmatch(
                r"'?(.+?)'?\.\$?([A-Z]+\$?\d+):(?:'?.+?'?\.)?\$?([A-Z]+\$?\d+)", address
            )
            if not m or m.group(1).replace("''", "'") not in by_name:
                continue
            top, left = _parse_ref(m.group(2).replace("$", ""))
            bottom, right = _parse_ref(m.group(3).replace("$", ""))
            by_name[m.group(1).replace("''", "'")].tables.append(
                TableFacts(
                    _a(r, "table", "name") or "",
                    top,
                    left,
                    bottom,
                    right,
                    header=_a(r, "table", "contains-header", "true") == "true",
                    filter_buttons=_a(r, "table", "display-filter-buttons", "false") == "true",
                )
            )
    active = _ods_view(doc, sheets)
    properties = _ods_properties(doc)
    return Workbook(path, sheets, active, properties)


def _ods_sheet(table: Any, styles: _OdsStyles) -> SheetFacts:
    name = _a(table, "table", "name") or ""
    sheet = SheetFacts(name)
    table_style = styles.props(_a(table, "table", "style-name"))
    sheet.hidden = table_style.get("display") == "false"
    column_styles: list[str | None] = []
    col = 1
    for el in _iter_columns(table):
        repeat = int(_a(el, "table", "number-columns-repeated", "1") or 1)
        hidden = _a(el, "table", "visibility", "visible") != "visible"
        for _ in range(min(repeat, 1024)):
            column_styles.append(_a(el, "table", "default-cell-style-name"))
            if hidden:
                sheet.hidden_columns.append(col)
            col += 1
    row_number = 1
    for row in _iter_rows(table):
        repeat = int(_a(row, "table", "number-rows-repeated", "1") or 1)
        if _a(row, "table", "visibility", "visible") != "visible":
            sheet.hidden_rows.extend(range(row_number, row_number + min(repeat, 1024)))
        col = 1
        for cell in row.childNodes:
            q = getattr(cell, "qname", None)
            if q not in ((NS["table"], "table-cell"), (NS["table"], "covered-table-cell")):
                continue
            crep = int(_a(cell, "table", "number-columns-repeated", "1") or 1)
            spanned = int(_a(cell, "table", "number-columns-spanned", "1") or 1)
            rspanned = int(_a(cell, "table", "number-rows-spanned", "1") or 1)
            if spanned > 1 or rspanned > 1:
                last = cell_name(row_number + rspanned - 1, col + spanned - 1)
                sheet.merged.append(f"{cell_name(row_number, col)}:{last}")
            facts = _ods_cell(cell, styles, column_styles, col)
            if facts is not None and q == (NS["table"], "table-cell"):
                for r in range(row_number, row_number + min(repeat, 1024)):
                    for c in range(col, col + min(crep, 1024)):
                        sheet.cells[(r, c)] = facts
            col += crep
        row_number += repeat
    return sheet


def _iter_columns(table: Any) -> list[Any]:
    out = []
    for el in table.childNodes:
        q = getattr(el, "qname", None)
        if q == (NS["table"], "table-column"):
            out.append(el)
        elif q in ((NS["table"], "table-columns"), (NS["table"], "table-header-columns")):
            out.extend(_kids(el, "table", "table-column"))
        elif q == (NS["table"], "table-column-group"):
            out.extend(_iter_columns(el))
    return out


def _iter_rows(table: Any) -> list[Any]:
    out = []
    for el in table.childNodes:
        q = getattr(el, "qname", None)
        if q == (NS["table"], "table-row"):
            out.append(el)
        elif q in (
            (NS["table"], "table-rows"),
            (NS["table"], "table-header-rows"),
            (NS["table"], "table-row-group"),
        ):
            out.extend(_iter_rows(el))
    return out


def _ods_cell(
    cell: Any, styles: _OdsStyles, column_styles: list[str | None], col: int
) -> CellFacts | None:
    value_type = _a(cell, "office", "value-type")
    text = _text_of(cell)
    formula = _a(cell, "table", "formula")
    if value_type is None and not text and formula is None:
        return None
    style_name = _a(cell, "table", "style-name") or (
        column_styles[col - 1] if col - 1 < len(column_styles) else None
    )
    p = styles.props(style_name)
    kind: Kind
    value: Any
    if formula is not None:
        kind, value = "formula", formula
    elif value_type in ("float", "percentage", "currency"):
        kind, value = "number", float(_a(cell, "office", "value", "0") or 0)
    elif value_type == "boolean":
        kind, value = "bool", _a(cell, "office", "boolean-value")
    elif value_type in ("date", "time"):
        kind, value = "date", _a(cell, "office", f"{value_type}-value")
    else:
        kind, value = "text", text
    size = p.get("font-size", "")
    font = p.get("font-name") or p.get("font-family")
    color = p.get("color")
    if p.get("use-window-font-color") == "true" or (color or "").lower() in ("#000000",):
        color = None
    fill = p.get("background-color")
    data_style = p.get("style:data-style-name")
    fmt = styles.data.get(data_style or "", NumberFormat())
    return CellFacts(
        kind=kind,
        value=value,
        fmt=fmt,
        font=styles.fonts.get(font or "", font),
        size=float(size[:-2]) if size.endswith("pt") else None,
        bold=p.get("font-weight") == "bold",
        color=color,
        fill=None if fill in (None, "transparent") else fill,
        wrap=p.get("wrap-option") == "wrap",
        link=_link_of(cell),
    )


def _ods_view(doc: Any, sheets: list[SheetFacts]) -> int:
    """Read the view settings: active sheet, cursor per sheet, gridlines."""
    active = 0
    names = [s.name for s in sheets]
    by_name = {s.name: s for s in sheets}
    items: dict[str, str] = {}
    for el in doc.settings.getElementsByType(_config_item()):
        parent = el.parentNode
        entry = _a(parent, "config", "name")
        key = _a(el, "config", "name") or ""
        value = _plain(el)
        if entry in by_name:
            items[f"{entry}/{key}"] = value
        else:
            items.setdefault(key, value)
    if items.get("ActiveTable") in names:
        active = names.index(items["ActiveTable"])
    for s in sheets:
        x = int(items.get(f"{s.name}/CursorPositionX", "0") or 0)
        y = int(items.get(f"{s.name}/CursorPositionY", "0") or 0)
        s.cursor = cell_name(y + 1, x + 1)
        grid = items.get(f"{s.name}/ShowGrid", items.get("ShowGrid", "true"))
        s.gridlines = grid != "false"
    return active


def _config_item() -> Any:
    from odf.config import ConfigItem

    return ConfigItem


def _ods_properties(doc: Any) -> dict[str, str]:
    props: dict[str, list[str]] = {}
    names = {
        (NS["dc"], "title"): "title",
        (NS["dc"], "subject"): "subject",
        (NS["dc"], "creator"): "creator",
        (NS["meta"], "initial-creator"): "creator",
        (NS["dc"], "language"): "language",
        (NS["meta"], "keyword"): "keywords",
        (NS["meta"], "creation-date"): "created",
    }
    for el in doc.meta.childNodes:
        key = names.get(getattr(el, "qname", ("", "")))
        if key:
            props.setdefault(key, []).append(_plain(el))
    return {k: ", ".join(v) if k == "keywords" else v[0] for k, v in props.items()}
