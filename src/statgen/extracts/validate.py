"""The detailed checks of an extract against the publication's schema: every problem in it,
with file, column, row (or CSV line) numbers, the bad values and how many rows.

They run when the one-pass check (:mod:`statgen.extracts.clean`) finds something wrong, and
for database rows. The typed extract is never held whole while checking: each column's checks
are one query over the raw column (and, for rules between columns, the other one) that returns
only true or false for each row; the raw values are then fetched for the rows flagged, to show
them. A Parquet extract, and a CSV's text, are scanned lazily, so a broken 20M-row file is
checked in far less memory than it takes read whole (a CSV's rows keep their line numbers).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from statgen.config import Column, Extract
from statgen.errors import ExtractError, Problem, listed
from statgen.extracts.files import (
    MAX_ROWS_SHOWN,
    MAX_VALUES_SHOWN,
    ROW,
    ExtractFile,
    Numbered,
    read_failure,
)
from statgen.extracts.parsing import (
    TOO_LARGE,
    allowed_values,
    counted,
    parse,
    suggest,
    too_few,
    too_large,
    type_message,
    unsupported,
)

CHUNK_ROWS = 1_000_000
"""Rows of a Parquet extract read at a time to fetch the values of the rows flagged."""

Message = str | Callable[[pl.Series], str]
"""A problem's message, or how to word it from the flagged rows' raw values."""


@dataclass(frozen=True)
class _Check:
    """One rule: the rows that break it, the problem's message, and whether to show values."""

    bad: pl.Expr
    """True in the rows breaking the rule; with ``duplicates``, the value that must be unique."""
    message: Message
    show_values: bool = True
    duplicates: bool = False


class _Raw:
    """The raw extract: a frame in memory (database rows), a lazy Parquet scan, or a CSV's
    lazy text with its line numbers."""

    def __init__(self, source: ExtractFile, raw: pl.DataFrame | pl.LazyFrame | Numbered) -> None:
        self.source = source
        self.numbers: pl.Series | None = None
        if isinstance(raw, Numbered):
            self.numbers = raw.numbers
            raw = raw.scan
        self.frame = raw if isinstance(raw, pl.DataFrame) else None
        self.lazy = raw.lazy()
        self.schema = raw.schema if isinstance(raw, pl.DataFrame) else self._schema(raw)
        self.columns = [c for c in self.schema.names() if c != ROW]
        if self.frame is not None and ROW in self.frame.columns:
            self.numbers = self.frame[ROW]
        if isinstance(raw, pl.DataFrame):
            self.height = raw.height
        elif self.numbers is not None:  # counting a CSV's rows would map the whole file
            self.height = self.numbers.len()
        else:
            self.height = self.select(n=pl.len())[0, 0]

    def _schema(self, raw: pl.LazyFrame) -> pl.Schema:
        try:
            return raw.collect_schema()
        except (OSError, pl.exceptions.PolarsError) as exc:
            raise read_failure(self.source, exc) from None

    def _collect(self, query: pl.LazyFrame) -> pl.DataFrame:
        try:
            return query.collect(engine="streaming")
        except (OSError, pl.exceptions.PolarsError) as exc:
            raise read_failure(self.source, exc) from None

    def select(self, **exprs: pl.Expr) -> pl.DataFrame:
        """The columns ``exprs`` computed over the raw extract (read only as far as needed)."""
        if self.frame is not None:
            return self.frame.select(**exprs)
        return self._collect(self.lazy.select(**exprs))

    def rows(self, mask: pl.Series) -> tuple[int, ...]:
        """The first rows (or CSV lines) where ``mask`` is true, as numbered in messages."""
        positions = mask.arg_true().head(MAX_ROWS_SHOWN)
        if self.numbers is not None:
            return tuple(self.numbers.gather(positions).to_list())
        return tuple(p + 1 for p in positions.to_list())

    def values(self, name: str, mask: pl.Series) -> pl.Series:
        """The raw values of column ``name`` in the rows where ``mask`` is true, in row order."""
        if self.frame is not None:
            return self.frame[name].filter(mask)
        if self.source.is_csv:  # a CSV is read from its start: one column at once, not a slice
            return self._collect(self.lazy.select(name))[name].filter(mask)
        parts = [
            self._collect(self.lazy.slice(start, CHUNK_ROWS).select(name))[name].filter(part)
            for start in range(0, self.height, CHUNK_ROWS)
            if (part := mask.slice(start, CHUNK_ROWS)).any()
        ]
        return pl.concat(parts) if parts else pl.Series(name, [], self.schema[name])


class _Checker:
    """Collects the problems of one extract."""

    def __init__(self, raw: _Raw) -> None:
        self.raw = raw
        self.problems: list[Problem] = []

    def run(self, column: str, checks: list[_Check]) -> None:
        """Compute each check's rows (true where the rule is broken) in one query, then record
        a problem for each check that flags any row, in order."""
        if not checks:
            return
        flags = self.raw.select(
            **{
                f"c{i}": pl.when(c.bad.is_not_null()).then(c.bad.hash())
                if c.duplicates
                else c.bad.fill_null(False)
                for i, c in enumerate(checks)
            }
        )
        for i, c in enumerate(checks):
            mask = flags[f"c{i}"]
            if c.duplicates:
                mask = self._duplicated(column, mask, c.bad)
            self.flag(column, mask, c.message, c.show_values)

    def _duplicated(self, column: str, hashes: pl.Series, value: pl.Expr) -> pl.Series:
        """Rows whose ``value`` another row shares, from each row's hash of it (null where the
        value is): rows whose hash repeats, confirmed on their own values (a hash collision
        never counts). Far less memory than ``is_duplicated`` on 20M strings."""
        present = hashes.drop_nulls().sort()
        repeated = present.filter(present == present.shift(1)).unique()
        candidates = hashes.is_in(repeated.implode()).fill_null(False)
        if not candidates.any():
            return candidates
        found = self.raw.values(column, candidates).to_frame().select(value).to_series()
        positions = candidates.arg_true().filter(found.is_duplicated())
        return pl.repeat(False, hashes.len(), eager=True).scatter(positions, True)

    def flag(self, column: str, mask: pl.Series, message: Message, show_values: bool) -> None:
        """Record a problem for the rows where ``mask`` is true."""
        count = int(mask.sum())
        if count == 0:
            return
        values: tuple[str, ...] = ()
        if show_values or callable(message):
            found = self.raw.values(column, mask)
            if callable(message):
                message = message(found)
            if show_values:
                counts = found.cast(pl.String).value_counts(sort=True).head(MAX_VALUES_SHOWN)
                values = tuple("" if v is None else str(v) for v in counts[found.name].to_list())
        assert isinstance(message, str)
        unit = "line" if self.raw.source.is_csv else "row"
        self.problems.append(
            Problem(
                str(self.raw.source.path),
                column,
                message,
                self.raw.rows(mask),
                values,
                count,
                unit,
            )  # fmt: skip
        )


def _exported_extras(check: _Checker, rows: _Raw) -> bool:
    """Flag the lines a CSV holds beside its rows when it was put together by hand or by a
    spreadsheet: the header again (two exports joined into one file) and a totals line at
    the end (its first cell "Total", other cells empty). Their cells would otherwise each be
    reported as bad values of their columns. True when any is found."""
    text = [pl.col(c).cast(pl.String).str.strip_chars() for c in rows.columns]
    header = pl.all_horizontal(
        [t.str.to_lowercase() == c.strip().lower() for t, c in zip(text, rows.columns, strict=True)]
    )
    total = text[0].str.contains(r"(?i)^(grand\s+)?totals?:?$") & pl.any_horizontal(
        [t.is_null() | (t == "") for t in text[1:]] or [pl.lit(False)]
    )
    found = rows.select(header=header.fill_null(False), total=total.fill_null(False))
    first = rows.columns[0]
    check.flag(
        first,
        found["header"],
        "these lines repeat the header (two exports joined into one file?): remove them",
        False,
    )
    check.flag(
        first,
        found["total"],
        "a totals line (as a spreadsheet adds at the end), not a row of data: remove it "
        "(statgen adds the figures up itself)",
        False,
    )
    return bool(found["header"].any() or found["total"].any())


def validate(
    source: ExtractFile,
    raw: pl.DataFrame | pl.LazyFrame | Numbered,
    spec: Extract,
    today: dt.date,
) -> pl.DataFrame:
    """Check ``raw`` against ``spec``; return it typed (categories as ``pl.Enum``) or raise."""
    rows = _Raw(source, raw)
    check = _Checker(rows)
    columns = rows.columns
    missing = [c for c in spec.columns if c not in columns]
    extra = [c for c in columns if c not in spec.columns]
    for name in missing:
        close = difflib.get_close_matches(name, extra[:1000], n=1)
        hint = f"; is '{close[0]}' this column renamed?" if close else ""
        check.problems.append(Problem(str(source.path), name, f"column is missing{hint}"))
    if extra:
        message = f"unexpected column{'s' if len(extra) > 1 else ''}: {listed(extra)}"
        if len(columns) == 1 and any(sep in columns[0] for sep in ";\t|"):
            message = "the file does not use commas between columns (is it ;- or tab-separated?)"
        elif "" in extra:
            unnamed = (
                "a column with no name (the header ends with a comma, or has two commas in a "
                "row: do its lines end with a comma?); remove the empty column"
            )
            named = [c for c in extra if c != ""]
            if named:
                unnamed += f"; unexpected column{'s' if len(named) > 1 else ''}: {listed(named)}"
            message = unnamed
        index = [c for c in extra if re.fullmatch(r"__index_level_\d+__", c)]
        if index:
            message += (
                f"; {listed(index)} is the index pandas wrote into the file: write it with "
                "to_parquet(..., index=False), or reset_index(drop=True) first"
            )
        where = extra[0] if len(extra) == 1 and extra[0] else "-"
        check.problems.append(Problem(str(source.path), where, message))
    refused = {
        name: why
        for name, column in spec.columns.items()
        if name in columns and (why := unsupported(column, rows.schema[name]))
    }
    check.problems += [Problem(str(source.path), n, why) for n, why in refused.items()]
    if missing or refused:
        raise ExtractError(check.problems)
    if rows.height == 0:
        raise ExtractError([Problem(str(source.path), "-", "the file has a header but no rows")])
    if source.is_csv and _exported_extras(check, rows):
        raise ExtractError(check.problems)
    if rows.height < spec.min_rows:
        check.problems.append(too_few(source, rows.height, spec))

    def value(name: str) -> pl.Expr:
        return parse(pl.col(name), spec.columns[name], rows.schema[name])

    for name, column in spec.columns.items():
        check.run(name, _column_checks(name, column, value(name), rows.schema[name], today))
    for name, column in spec.columns.items():
        check.run(name, _cross_checks(name, column, value))

    if check.problems:
        raise ExtractError(check.problems)
    typed = {
        name: value(name).cast(pl.Enum(allowed_values(column)), strict=False)
        if column.type == "category"
        else value(name)
        for name, column in spec.columns.items()
    }
    return counted(rows.select(**typed), spec)


def _column_checks(
    name: str, column: Column, value: pl.Expr, dtype: pl.DataType, today: dt.date
) -> list[_Check]:
    """The checks of one column's own values, in the order their problems are listed."""
    raw = pl.col(name)
    unread = raw.is_not_null() & value.is_null()
    big = too_large(raw, column, dtype)
    checks = [_Check(unread & ~big, type_message(column, dtype))]
    if column.type == "integer":
        checks.append(_Check(unread & big, TOO_LARGE))
    if not column.nullable:
        empty = "empty cells in a column that may not be empty"
        checks.append(_Check(raw.is_null(), empty, show_values=False))
    if column.type == "category":
        allowed = allowed_values(column)

        def not_allowed(found: pl.Series) -> str:
            # The values as text (a Parquet category column may hold numbers or booleans).
            typed = found.to_frame().select(parse(pl.col(name), column, dtype)).to_series()
            hints = [suggest(v, allowed) for v in typed.unique().sort().head(MAX_VALUES_SHOWN)]
            hint = "; ".join(h for h in hints if h)
            message = f"values not in the allowed list ({listed(allowed, 20)})"
            return message + (f"; {hint}" if hint else "")

        checks.append(_Check(value.is_not_null() & ~value.is_in(allowed), not_allowed))
    if column.unique:
        checks.append(_Check(value, "duplicate values in a unique column", duplicates=True))
    if column.min is not None:
        checks.append(_Check(value < column.min, f"values below the minimum {column.min:g}"))
    if column.max is not None:
        checks.append(_Check(value > column.max, f"values above the maximum {column.max:g}"))
    if column.type == "date":
        checks.append(
            _Check(value < column.earliest, f"dates before {column.earliest.isoformat()}")
        )
        checks.append(_Check(value > today, f"dates in the future (after {today.isoformat()})"))
    return checks


def _cross_checks(name: str, column: Column, value: Callable[[str], pl.Expr]) -> list[_Check]:
    """The checks between this column and others in the same row (cross-field rules)."""
    checks = []
    if column.not_before:
        bad = value(name) < value(column.not_before)
        checks.append(_Check(bad, f"dates before {column.not_before} in the same row"))
    if column.not_after:
        bad = value(name) > value(column.not_after)
        checks.append(_Check(bad, f"dates after {column.not_after} in the same row"))
    if column.requires:
        bad = pl.col(name).is_not_null() & pl.col(column.requires).is_null()
        why = f"values in rows where {column.requires} is empty ({name} requires {column.requires})"
        checks.append(_Check(bad, why))
    for other_name, groups in (column.within or {}).items():
        other = value(other_name)
        ok = pl.lit(False)
        for other_value, allowed in groups.items():
            ok = ok | ((other == other_value) & value(name).is_in(allowed))
        bad = value(name).is_not_null() & other.is_not_null() & ~ok
        checks.append(_Check(bad, f"values that do not belong to their {other_name}"))
    return checks
