"""The facts the checker tests, the same for XLSX and ODS: sheets, cells (value, kind, number
format, font, fill), tables, merges and hidden parts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from openpyxl.utils import get_column_letter

Kind = Literal["number", "text", "formula", "bool", "date", "error"]


@dataclass
class NumberFormat:
    """What a number format shows: decimal places, a thousands separator, literal text, percent."""

    code: str = "General"
    decimals: int | None = None
    grouping: bool = False
    literal: str = ""
    percent: bool = False


@dataclass
class CellFacts:
    """One non-empty cell (or an empty cell inside a table)."""

    kind: Kind
    value: Any
    fmt: NumberFormat = field(default_factory=NumberFormat)
    font: str | None = None
    size: float | None = None
    bold: bool = False
    color: str | None = None
    """Explicit font colour, or None for automatic."""
    fill: str | None = None
    """Background fill colour, or None for no fill."""
    wrap: bool = False
    link: str | None = None


@dataclass
class TableFacts:
    """A table object (XLSX table or ODS database range)."""

    name: str
    top: int
    left: int
    bottom: int
    right: int
    header: bool
    filter_buttons: bool


@dataclass
class SheetFacts:
    """One worksheet."""

    name: str
    hidden: bool = False
    cells: dict[tuple[int, int], CellFacts] = field(default_factory=dict)
    merged: list[str] = field(default_factory=list)
    hidden_rows: list[int] = field(default_factory=list)
    hidden_columns: list[int] = field(default_factory=list)
    tables: list[TableFacts] = field(default_factory=list)
    gridlines: bool = True
    cursor: str = "A1"

    def text(self, row: int, col: int = 1) -> str:
        """The cell's value as text ("" when empty)."""
        cell = self.cells.get((row, col))
        return "" if cell is None or cell.value is None else str(cell.value)


@dataclass
class Workbook:
    """A workbook's sheets, active sheet and document properties."""

    path: Path
    sheets: list[SheetFacts]
    active: int
    properties: dict[str, str]


def cell_name(row: int, col: int) -> str:
    """(5, 2) -> "B5"."""
    return f"{get_column_letter(col)}{row}"


def _parse_ref(ref: str) -> tuple[int, int]:
    m = re.fullmatch(r"\$?([A-Z]+)\$?(\d+)", ref.strip().upper())
    if not m:
        raise ValueError(ref)
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


def excel_format(code: str) -> NumberFormat:
    """Parse an Excel number format code (first section) into what it shows."""
    section = code.split(";")[0]
    literal = "".join(re.findall(r'"([^"]*)"', section))
    bare = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", section)
    if bare in ("General", ""):
        return NumberFormat(code, None, False, literal)
    decimals = len(m.group(1)) if (m := re.search(r"\.([0#?]+)", bare)) else 0
    return NumberFormat(code, decimals, "," in bare, literal, "%" in bare)


RANGE = re.compile(r"'?(.+?)'?\.\$?([A-Z]+\$?\d+):(?:'?.+?'?\.)?\$?([A-Z]+\$?\d+)")
"""An ODS range address such as ``'Table_1'.A5:'Table_1'.G17``."""
