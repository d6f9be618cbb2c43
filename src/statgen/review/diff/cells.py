"""One build as the diff reads it: its tidy CSVs' figures, each table's number formats and
measure titles (from the manifest), and figures shown as the build published them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from statgen.outputs.grid import format_number
from statgen.periods import PERIOD_DIMENSIONS, Period, parse_any_code, parse_period

TIDY_VALUES = ("value", "marker")
TOTAL = "Total"


def number(text: Any) -> float | None:
    """A tidy CSV's value as a number (None when empty or not a number)."""
    try:
        return float(text) if text not in (None, "") else None
    except (TypeError, ValueError):
        return None


def shown(value: float | None, fmt: str | None = None, marker: str | None = None) -> str:
    """A figure as published: the table's format (thousands separators, its decimal places,
    "%" or "£"), then its marker; "[c]" alone when suppressed. Without a known format: whole
    numbers as integers, others to one decimal place."""
    if value is None:
        return f"[{marker}]" if marker else ""
    if not fmt:
        fmt = "integer" if float(value).is_integer() else "decimal1"
    text = format_number(value, fmt)  # type: ignore[arg-type]
    if text.startswith("-"):
        text = "\u2212" + text[1:]  # a true minus sign, as in the differences
    return f"{text} [{marker}]" if marker else text


def signed(delta: float | None, fmt: str | None = None) -> str:
    """A difference with its sign, in the figure's format: "+300", "−41" (a true minus sign),
    "0"; a difference of percentages in percentage points ("+1.2 points")."""
    if delta is None:
        return ""
    if shown(abs(delta), fmt) == shown(0.0, fmt):
        return "0"
    points = bool(fmt and fmt.startswith("percent"))
    text = shown(abs(delta), "decimal1" if points else fmt) + (" points" if points else "")
    return f"+{text}" if delta > 0 else f"\u2212{text}"


def percent(delta: float | None, base: float | None, fmt: str | None = None) -> str:
    """The difference as a percentage of ``base`` ("+1.1%"); "" without a base, or for a
    percentage (its difference is in points)."""
    if delta is None or not base or (fmt and fmt.startswith("percent")):
        return ""
    pct = 100 * delta / base
    return "0%" if round(pct, 1) == 0 else f"{'+' if pct > 0 else chr(0x2212)}{abs(pct):.1f}%"


def is_total(value: str) -> bool:
    """Whether a category is a total ("Total", "All device types")."""
    return value == TOTAL or value.startswith("All ")


def code_label(dim: str, code: str) -> str:
    """A cell key's value as its CSV writes it (period codes become labels)."""
    if dim in PERIOD_DIMENSIONS and code != TOTAL:
        return parse_period(code, PERIOD_DIMENSIONS[dim]).label
    return code


@dataclass
class Build:
    """A draft or release folder and its manifest."""

    folder: Path
    meta: dict[str, Any]
    _rows: dict[str, dict[tuple[str, ...], dict[str, Any]] | None] = field(default_factory=dict)

    @property
    def period(self) -> Period | None:
        """The build's period (None when the manifest does not name one)."""
        try:
            return parse_any_code(str(self.meta.get("period")))
        except Exception:  # noqa: BLE001 - no or unknown period
            return None

    @property
    def period_label(self) -> str:
        """The period's label ("Jul to Sep 2026"), or ""."""
        return self.period.label if self.period else ""

    def info(self, table: str) -> dict[str, Any]:
        """The manifest's record of a table."""
        return dict(self.meta.get("tables", {}).get(table, {}))

    def format(self, table: str, measure: str) -> str | None:
        """A measure's number format (None for builds that did not record it)."""
        return self.info(table).get("formats", {}).get(measure)

    def name(self, table: str, measure: str) -> str:
        """ "Table 1 (People)": the table's number and the measure's title."""
        info = self.info(table)
        found = re.match(r"(Table \d+)", str(info.get("caption", "")))
        title = info.get("titles", {}).get(measure, measure)
        return f"{found[1] if found else table} ({title})"

    def rows(self, table: str) -> dict[tuple[str, ...], dict[str, Any]] | None:
        """The table's tidy rows by key (every column but value and marker, in CSV order)."""
        if table not in self._rows:
            path = self.folder / "csv" / f"{table}.csv"
            if path.is_file():
                frame = pl.read_csv(path, infer_schema=False)
                keys = [c for c in frame.columns if c not in TIDY_VALUES]
                self._rows[table] = {tuple(str(r[k]) for k in keys): r for r in frame.to_dicts()}
            else:
                self._rows[table] = None
        return self._rows[table]

    def cell(self, table: str, measure: str, keys: dict[str, str]) -> dict[str, Any] | None:
        """The tidy row of one cell addressed by codes (periods as codes), or None."""
        rows = self.rows(table)
        if not rows:
            return None
        sample = next(iter(rows.values()))
        columns = [c for c in sample if c not in TIDY_VALUES]
        wanted = {**{d: code_label(d, v) for d, v in keys.items()}, "measure": measure}
        if set(wanted) != set(columns):
            return None
        return rows.get(tuple(wanted[c] for c in columns))
