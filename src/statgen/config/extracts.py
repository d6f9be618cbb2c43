"""The schema of a publication's source extracts: columns, cross-field rules, references
between extracts and database queries."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import (
    Field,
    model_validator,
)

from statgen.config.base import Strict


class Column(Strict):
    """One column of a source extract and the rules its values must keep."""

    type: Literal["string", "integer", "number", "date", "category"]
    """Data type. ``category`` columns only take the listed ``values``."""
    nullable: bool = False
    """Whether the column may be empty. Non-nullable columns with empty cells are errors."""
    unique: bool = False
    """Whether every value must be different (identifiers)."""
    values: list[str] | None = None
    """For ``category`` columns: the allowed values, in the order tables show them."""
    within: dict[str, dict[str, list[str]]] | None = None
    """For ``category`` columns whose values depend on another column: ``{other_column: {other
    value: [allowed values]}}``."""
    min: float | None = None
    """For numbers: the smallest plausible value (smaller values are errors)."""
    max: float | None = None
    """For numbers: the largest plausible value (larger values are errors)."""
    earliest: dt.date = dt.date(2000, 1, 1)
    """For dates: earlier dates are errors (usually typing or system default dates)."""
    not_before: str | None = None
    """For dates: the name of another date column this one may not precede (e.g. an end date is
    not before its start date)."""
    not_after: str | None = None
    """For dates: the name of another date column this one may not follow (e.g. an offence date
    is not after the completion date). Rows where either is empty are not compared."""
    requires: str | None = None
    """The name of another column that must have a value wherever this one has one (e.g. an end
    reason requires an end date)."""
    missing: str = "Not recorded"
    """For nullable ``category`` columns: the category empty cells are counted under, in every
    table and total (it is shown only when some cell is empty)."""
    take_date: bool = False
    """For dates stored as Parquet timestamps: take the date of timestamps that have a time of
    day (otherwise they are refused; timestamps at midnight are always read as that date)."""

    @model_validator(mode="after")
    def _category_has_values(self) -> Column:
        if self.type == "category" and not (self.values or self.within):
            raise ValueError("a category column needs 'values' (the allowed values)")
        lists = [("values", self.values or [])] + [
            (f"within.{other}.{value}", allowed)
            for other, by in (self.within or {}).items()
            for value, allowed in by.items()
        ]
        for key, values in lists:
            twice = sorted({v for v in values if values.count(v) > 1})
            if twice:
                raise ValueError(
                    f"{key}: {', '.join(map(repr, twice))} listed twice; each category is "
                    "listed once, in the order tables show them"
                )
        return self


class Reference(Strict):
    """A reference between extracts: every value of some columns exists in another extract."""

    columns: list[str] = Field(min_length=1)
    """Columns of this extract whose values (together) must be found in the other extract."""
    extract: str
    """The other extract, by name."""
    to: list[str] | None = None
    """Its columns to look in, in the same order; default the same names as ``columns``."""


class Query(Strict):
    """An extract read straight from a database with a SQL query (instead of a file)."""

    sql: str
    """The query. Its result's column names are the extract's columns."""
    connection: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    """Name of the environment variable holding the connection URI, e.g. ``STATGEN_DB``
    (``postgresql://user@host/db``, or ``duckdb:///path/to/file.duckdb``). Never put a password
    in the config: the variable (or the driver's own password file) holds it."""


class Extract(Strict):
    """A source extract: a CSV or Parquet file named ``<name>.parquet`` or ``<name>.csv``, or
    the result of a SQL query (``query``)."""

    description: str
    """What one row is, in words."""
    columns: dict[str, Column]
    """The columns the extract must have, in order, with their types and rules."""
    unique: list[str] | list[list[str]] = []
    """Columns whose values, taken together, identify a row: ``[prison, month]`` (no two rows
    share both). A list of such lists declares several keys."""
    references: list[Reference] = []
    """Values that must exist in another extract, e.g. every ``prison`` of ``incidents`` in
    ``population``: ``[{columns: [prison], extract: population}]``."""
    query: Query | None = None
    """Read the extract from a database instead of a file: ``{sql: SELECT ..., connection:
    STATGEN_DB}``. The rows are validated like a file's; the manifest records their hash."""

    min_rows: int = Field(default=1, ge=1)
    """Fewest rows a plausible extract has: fewer means a failed or partial export."""

    @property
    def keys(self) -> list[list[str]]:
        """The multi-column keys declared by ``unique``."""
        if not self.unique:
            return []
        if isinstance(self.unique[0], str):
            return [list(self.unique)]  # type: ignore[arg-type]
        return [list(k) for k in self.unique]  # type: ignore[union-attr]

    @model_validator(mode="after")
    def _keys_are_columns(self) -> Extract:
        for key in self.keys:
            unknown = [c for c in key if c not in self.columns]
            if unknown:
                raise ValueError(f"unique: {unknown} are not columns (known: {list(self.columns)})")
        for i, ref in enumerate(self.references):
            unknown = [c for c in ref.columns if c not in self.columns]
            if unknown:
                raise ValueError(f"references[{i}].columns: {unknown} are not columns")
            if ref.to is not None and len(ref.to) != len(ref.columns):
                raise ValueError(f"references[{i}].to: give one column for each of {ref.columns}")
        return self

    @model_validator(mode="after")
    def _references_are_columns(self) -> Extract:
        for name, column in self.columns.items():
            for key in ("not_before", "not_after", "requires"):
                other = getattr(column, key)
                if other is not None and other not in self.columns:
                    raise ValueError(
                        f"columns.{name}.{key}: no column called {other!r} "
                        f"(known: {', '.join(self.columns)})"
                    )
        return self
