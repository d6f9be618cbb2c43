"""The statistical table: tidy data plus the config that says how to show it."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import polars as pl

from statgen.config import Table
from statgen.errors import StatgenError
from statgen.periods import PERIOD_DIMENSIONS, Period, parse_period

TOTAL = "Total"
QUARTER = "quarter"


def marker_column(measure: str) -> str:
    """Name of the column holding a measure's shorthand marker (``c``, ``r``, ``x``...)."""
    return f"{measure}__marker"


def format_column(measure: str) -> str:
    """Name of an optional column giving a measure's number format row by row (the revisions
    table, whose rows come from tables of different formats)."""
    return f"{measure}__format"


@dataclass(frozen=True)
class StatTable:
    """A computed table: tidy data plus the config that says how to show it.

    ``data`` has one String column per dimension (categories in display order), one column per
    measure and, for each measure, a marker column (null, or a shorthand code such as ``c``).
    """

    spec: Table
    number: int
    sheet: str
    data: pl.DataFrame
    categories: dict[str, list[str]]
    notes_extra: list[str] = field(default_factory=list)
    absent_quarters: tuple[str, ...] = ()
    """Periods (of the table's period dimension) it covers for which the transform returned no
    rows at all."""
    summary_rows: tuple[dict[str, Any], ...] = ()
    """Rows shown to people after the figures (page and workbooks), keyed by row dimension,
    measure, marker and format column: a summary, never part of the tidy CSV."""
    tidy: pl.DataFrame | None = None
    """The table's tidy CSV where it is not the long form of ``data`` (the revisions table:
    one column per dimension of the tables it lists)."""

    @property
    def period_dim(self) -> str | None:
        """The table's period dimension (``quarter``, ``month``...), if it has one."""
        return period_dimension(self.spec.dims)

    @property
    def id(self) -> str:
        """The table's id."""
        return self.spec.id

    @property
    def caption(self) -> str:
        """ "Table 1: <title>"."""
        return f"Table {self.number}: {self.spec.title}"

    def value(self, measure: str | None = None, **keys: Any) -> Any:
        """The value of one cell, addressed by dimension values (periods as codes or Period)."""
        measure = measure or self.spec.measures[0].name
        row = self.row(**keys)
        return row[measure]

    def row(self, **keys: Any) -> dict[str, Any]:
        """The one tidy row with these dimension values."""
        dims = self.spec.dims
        unknown = [k for k in keys if k not in dims]
        missing = [d for d in dims if d not in keys]
        if unknown or missing:
            raise StatgenError(
                f"table {self.id!r}: address a cell by all of its dimensions {dims}"
                f" (unknown: {unknown}, missing: {missing})"
            )
        codes = {k: v.code if isinstance(v, Period) else str(v) for k, v in keys.items()}
        if self._rows is not None:
            rows = self._rows.get(tuple(codes[d] for d in dims), [])
        else:
            cond = pl.lit(True)
            for k, code in codes.items():
                cond = cond & (pl.col(k) == code)
            rows = self.data.filter(cond).to_dicts()
        if len(rows) != 1:
            raise StatgenError(f"table {self.id!r}: no cell at {keys}")
        return dict(rows[0])

    @cached_property
    def _rows(self) -> dict[tuple[Any, ...], list[dict[str, Any]]] | None:
        """The tidy rows by their dimension values, made once (the commentary and QA look up
        hundreds of cells; one filter each was most of a page's fill); None when a dimension
        is not text, where :meth:`row` filters instead."""
        dims = self.spec.dims
        if any(self.data.schema.get(d) != pl.String for d in dims):
            return None
        found: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
        for row in self.data.iter_rows(named=True):
            found.setdefault(tuple(row[d] for d in dims), []).append(row)
        return found


def period_dimension(dims: list[str]) -> str | None:
    """The first period dimension among ``dims`` (``quarter``, ``month``...), or None."""
    return next((d for d in dims if d in PERIOD_DIMENSIONS), None)


def category_label(dim: str, value: str) -> str:
    """How a category reads: period codes become labels ("Jan to Mar 2025", "Oct 2026")."""
    if dim in PERIOD_DIMENSIONS and value != TOTAL:
        return parse_period(value, PERIOD_DIMENSIONS[dim]).label
    return value
