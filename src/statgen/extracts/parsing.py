"""The types and rules of extract columns, shared by the one-pass check of a clean extract
(:mod:`statgen.extracts.clean`) and the detailed checks that name the rows
(:mod:`statgen.extracts.validate`)."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable

import polars as pl

from statgen.config import Column, Extract
from statgen.errors import VALUE_WIDTH, Problem, cut
from statgen.extracts.files import ExtractFile

DTYPES: dict[str, pl.DataType] = {"date": pl.Date(), "integer": pl.Int64(), "number": pl.Float64()}
"""The stored type each column type needs no conversion from."""


def parse(raw: pl.Expr, column: Column, dtype: pl.DataType, strip: bool = True) -> pl.Expr:
    """Expression turning a raw column into its declared type (null where it cannot be read).

    Dates and numbers stored as text are read with spaces around them stripped, unless
    ``strip`` is false (the one-pass check: stripping every cell of a 10M-line CSV takes
    seconds; a value with spaces then cannot be read, and the detailed read takes it)."""

    def text(expr: pl.Expr) -> pl.Expr:
        return expr.str.strip_chars() if strip else expr

    if column.type == "date":
        date = calendar(_date(raw, column, dtype, text))
        if dtype == pl.String and strip:
            # A year of two digits ('25-01-02', '01-02-25' as 1 February 2025) is read as the
            # year 25 or 1: not a date written YYYY-MM-DD. (The one pass leaves such dates,
            # before the year 1000, to the detailed read: see FIRST_DATE.)
            return pl.when(text(raw).str.slice(4, 1) == "-").then(date)
        return date
    if column.type == "integer":
        if dtype == pl.String:
            digits = text(raw)
            # Whole numbers written with a point ("34.0", "34.", "34.000") are read as their
            # digits before the point, never through a float: 9007199254740993.0 would round
            # to ...992, and 30.000000000000001 to 30. Any other fraction, and exponents
            # ("1.23457E+15", as Excel writes large numbers: digits are lost), are not read.
            pointed = digits.str.contains(".", literal=True)
            before = digits.str.strip_chars_end("0").str.strip_suffix(".")
            return pl.when(pointed).then(before).otherwise(digits).cast(pl.Int64, strict=False)
        if dtype.is_float():
            return whole(raw)
        if dtype.is_decimal():
            # A decimal with a fraction (41.5) is not a whole number: never truncated to 41.
            integer = raw.cast(pl.Int64, strict=False)
            return pl.when(integer.cast(dtype, strict=False) == raw).then(integer)
        return raw.cast(pl.Int64, strict=False)
    if column.type == "number":
        number = (text(raw) if dtype == pl.String else raw).cast(pl.Float64, strict=False)
        # NaN and infinities ("NaN", "inf", a float column's NaN) are not measurements: a mean
        # or total over them is not a figure. Unreadable, so refused naming the rows.
        return pl.when(number.is_finite()).then(number)
    if column.type == "string":
        trimmed = as_text(raw, dtype).str.strip_chars()
        return pl.when(trimmed != "").then(trimmed)
    return as_text(raw, dtype)


def as_text(raw: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """Stored values as text. A float holding a whole number is written without its point: an
    id 17 stored as a float (as pandas stores a column of whole numbers with a gap in it) is
    ``17``, as a CSV or another extract writes it, not ``17.0``, so references and keys
    match. (Beyond 2**53 a float no longer holds every whole number: left as Polars writes it.)"""
    if dtype.is_float():
        whole = raw.is_finite() & (raw == raw.floor()) & (raw.abs() < 2.0**53)
        return (
            pl.when(whole)
            .then(raw.cast(pl.Int64, strict=False).cast(pl.String))
            .otherwise(raw.cast(pl.String))
        )
    return raw.cast(pl.String, strict=False)


def _date(
    raw: pl.Expr, column: Column, dtype: pl.DataType, text: Callable[[pl.Expr], pl.Expr]
) -> pl.Expr:
    if dtype == pl.String:
        return text(raw).str.to_date("%Y-%m-%d", strict=False)
    if isinstance(dtype, pl.Datetime):
        # The date where the timestamp was written (local time for time zone aware ones).
        if column.take_date:
            return raw.dt.date()
        return pl.when(raw.dt.time() == dt.time(0)).then(raw.dt.date())
    return raw.cast(pl.Date, strict=False)


FIRST_DATE = dt.date(1000, 1, 1)
"""Dates stored as text before this are checked by the detailed read (a year of two digits?)."""


def calendar(date: pl.Expr) -> pl.Expr:
    """Dates within years 1 to 9999 (null beyond): Polars reads '+10000-01-01' and stores
    dates far beyond, but Python's dates, which every check's result is fetched as, stop there."""
    return pl.when(date.is_between(dt.date.min, dt.date.max)).then(date)


def written_out(text: pl.Expr) -> pl.Expr:
    """Whether number text has no exponent ("1.23457E+15"): two literal searches, far quicker
    than a pattern over every cell of a 10M-line CSV."""
    return ~(text.str.contains("e", literal=True) | text.str.contains("E", literal=True))


INT64_MAX = 2**63 - 1
"""The largest whole number statgen counts with (Polars' Int64)."""

TOO_LARGE = (
    f"values larger than statgen can count (beyond {INT64_MAX:,}, or below -{INT64_MAX + 1:,}: "
    "the range of 64-bit integers); check how the extract was exported"
)


def too_large(raw: pl.Expr, column: Column, dtype: pl.DataType) -> pl.Expr:
    """Where a whole number is beyond the Int64 range (so :func:`parse` gives null), for
    integer columns: text such as ``99999999999999999999``, huge floats, big UInt64 values."""
    if column.type != "integer" or not (dtype == pl.String or dtype.is_numeric()):
        return pl.lit(False)
    text = raw.str.strip_chars() if dtype == pl.String else raw
    number = text.cast(pl.Float64, strict=False)
    if dtype == pl.String:  # digits, not "1E+30" (not a whole number written out)
        number = pl.when(written_out(text)).then(number)
    # 2**63 as a float: the first value past the range (INT64_MAX rounds up to it).
    return (number.is_finite() & (number.abs() >= 2.0**63)).fill_null(False)


def whole(number: pl.Expr) -> pl.Expr:
    """Whole-valued floats as integers; fractions (and infinities, NaN) as null."""
    return pl.when(number.is_finite() & (number == number.round())).then(
        number.cast(pl.Int64, strict=False)
    )


MAX_DECIMAL_DIGITS = 38
"""The most digits of a decimal Polars reads (Parquet's decimal256 allows 76)."""


def unsupported(column: Column, dtype: pl.DataType) -> str | None:
    """Why a stored type cannot hold this column's values, or None when it can."""
    if dtype == pl.Null:
        return None
    if isinstance(dtype, pl.Decimal) and (dtype.precision or 0) > MAX_DECIMAL_DIGITS:
        # Parquet's decimal256 (SQL numeric(40, 0)): Polars cannot read any of its values.
        return (
            f"the column is stored as decimals of {dtype.precision} digits, more than the "
            f"{MAX_DECIMAL_DIGITS} statgen can read; store whole numbers as integers, and other "
            f"numbers as floats or decimals of at most {MAX_DECIMAL_DIGITS} digits"
        )
    if isinstance(dtype, pl.Duration):
        return (
            "the column is stored as durations (lengths of time); store numbers as numbers, "
            "dates as dates and text as UTF-8 strings"
        )
    if column.type in ("integer", "number") and not (dtype.is_numeric() or dtype == pl.String):
        kind = "whole numbers" if column.type == "integer" else "numbers"
        return f"{kind} are stored as {dtype}; store them as numbers, or as text such as 34"
    if isinstance(dtype, pl.List | pl.Array | pl.Struct) or dtype in (pl.Binary, pl.Object):
        kind = {pl.Binary: "binary (bytes)", pl.Object: "Python objects"}.get(
            dtype.base_type(), f"{dtype.base_type().__name__.lower()} (nested values)"
        )
        return (
            f"the column is stored as {kind}; each cell must be one plain value: store text as "
            "UTF-8 strings"
        )
    if column.type == "date" and dtype.is_integer():
        return (
            "dates are stored as whole numbers (such as 20250331); store them as dates, or as "
            "text written YYYY-MM-DD"
        )
    if column.type == "date" and not (
        dtype in (pl.Date, pl.String) or isinstance(dtype, pl.Datetime)
    ):
        return f"dates are stored as {dtype}; store them as dates, or as text written YYYY-MM-DD"
    return None


def missing_label(column: Column) -> str | None:
    """The category empty cells of a nullable category column are counted under."""
    return column.missing if column.type == "category" and column.nullable else None


def categories(column: Column) -> list[str]:
    """The typed column's categories: the allowed values, then its label for empty cells."""
    allowed = allowed_values(column)
    label = missing_label(column)
    return allowed + ([label] if label and label not in allowed else [])


def counted(frame: pl.DataFrame, spec: Extract) -> pl.DataFrame:
    """Empty cells of nullable category columns as their ``missing`` label (never dropped)."""
    return frame.with_columns(
        # An Enum of the allowed values widens to one with the label (codes, not text: 3x faster).
        pl.col(name).cast(pl.Enum(categories(column))).fill_null(label)
        if isinstance(frame.schema[name], pl.Enum)
        else pl.col(name).cast(pl.String).fill_null(label).cast(pl.Enum(categories(column)))
        for name, column in spec.columns.items()
        if (label := missing_label(column)) is not None
    )


def allowed_values(column: Column) -> list[str]:
    if column.values:
        return list(column.values)
    seen: dict[str, None] = {}
    for values in (column.within or {}).values():
        for group in values.values():
            seen.update(dict.fromkeys(group))
    return list(seen)


def too_few(source: ExtractFile, height: int, spec: Extract) -> Problem:
    return Problem(
        str(source.path),
        "-",
        f"the extract '{source.name}' has only {height:,} row{'s' if height != 1 else ''}, "
        f"fewer than the {spec.min_rows:,} a complete extract has (min_rows in the schema); "
        "was the export cut short? Export it again",
    )


def type_message(column: Column, dtype: pl.DataType | None = None) -> str:
    if column.type == "date" and isinstance(dtype, pl.Datetime):
        return (
            "timestamps with a time of day (not midnight), where a date is expected; store "
            "dates, or set take_date: true for this column to take their date"
        )
    return {
        "date": "values that are not dates written YYYY-MM-DD",
        "integer": "values that are not whole numbers",
        "number": "values that are not numbers",
    }.get(column.type, "values that cannot be read as text")


def suggest(value: str, allowed: list[str]) -> str:
    """A hint for near-misses such as case or whitespace variants."""
    folded = {a.casefold(): a for a in allowed}
    key = " ".join(value.split()).casefold()
    if key in folded:
        return f"{cut(value)!r} should be written exactly {folded[key]!r}"
    if len(value) > 4 * VALUE_WIDTH:
        return ""
    close = difflib.get_close_matches(value, allowed, n=1, cutoff=0.8)
    return f"did you mean {close[0]!r} for {cut(value)!r}?" if close else ""
