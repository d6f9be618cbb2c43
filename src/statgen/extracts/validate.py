"""Read source extracts (CSV or Parquet) and validate them against the publication's schema.

Validation collects every problem in every extract before failing, so one run shows the whole
picture: file, column, row (or CSV line) numbers, the bad values and how many rows.
"""

from __future__ import annotations

import datetime as dt
import difflib

import polars as pl

from statgen.config import Column, Extract
from statgen.errors import VALUE_WIDTH, ExtractError, Problem, cut, listed
from statgen.extracts.files import (
    MAX_ROWS_SHOWN,
    MAX_VALUES_SHOWN,
    ROW,
    ExtractFile,
    _scan_raw,
)


class _Checker:
    """Collects the problems of one extract."""

    def __init__(self, source: ExtractFile, frame: pl.DataFrame) -> None:
        self.source = source
        self.frame = frame if ROW in frame.columns else frame.with_row_index(ROW, offset=1)
        self.problems: list[Problem] = []

    def flag(self, column: str, bad: pl.Expr, message: str, show_values: bool = True) -> None:
        """Record a problem for the rows where ``bad`` is true."""
        hits = self.frame.filter(bad)
        if hits.height == 0:
            return
        rows = tuple(hits[ROW].head(MAX_ROWS_SHOWN).to_list())
        values: tuple[str, ...] = ()
        if show_values and column in hits.columns:
            counts = hits[column].cast(pl.String).value_counts(sort=True).head(MAX_VALUES_SHOWN)
            values = tuple("" if v is None else str(v) for v in counts[column].to_list())
        unit = "line" if self.source.is_csv else "row"
        self.problems.append(
            Problem(str(self.source.path), column, message, rows, values, hits.height, unit)
        )


def _parse(raw: pl.Expr, column: Column, dtype: pl.DataType) -> pl.Expr:
    """Expression turning a raw column into its declared type (null where it cannot be read)."""
    if column.type == "date":
        if dtype == pl.String:
            return raw.str.strip_chars().str.to_date("%Y-%m-%d", strict=False)
        if isinstance(dtype, pl.Datetime):
            # The date where the timestamp was written (local time for time zone aware ones).
            if column.take_date:
                return raw.dt.date()
            return pl.when(raw.dt.time() == dt.time(0)).then(raw.dt.date())
        return raw.cast(pl.Date, strict=False)
    if column.type == "integer":
        if dtype == pl.String:
            text = raw.str.strip_chars()
            return text.cast(pl.Int64, strict=False).fill_null(
                _whole(text.cast(pl.Float64, strict=False))
            )
        if dtype.is_float():
            return _whole(raw)
        return raw.cast(pl.Int64, strict=False)
    if column.type == "number":
        if dtype == pl.String:
            return raw.str.strip_chars().cast(pl.Float64, strict=False)
        return raw.cast(pl.Float64, strict=False)
    if column.type == "string":
        text = raw.cast(pl.String, strict=False).str.strip_chars()
        return pl.when(text != "").then(text)
    return raw.cast(pl.String, strict=False)


def _whole(number: pl.Expr) -> pl.Expr:
    """Whole-valued floats as integers; fractions (and infinities, NaN) as null."""
    return pl.when(number.is_finite() & (number == number.round())).then(
        number.cast(pl.Int64, strict=False)
    )


def _unsupported(column: Column, dtype: pl.DataType) -> str | None:
    """Why a stored type cannot hold this column's values, or None when it can."""
    if dtype == pl.Null:
        return None
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


def _missing_label(column: Column) -> str | None:
    """The category empty cells of a nullable category column are counted under."""
    return column.missing if column.type == "category" and column.nullable else None


def _categories(column: Column) -> list[str]:
    """The typed column's categories: the allowed values, then its label for empty cells."""
    allowed = _allowed(column)
    label = _missing_label(column)
    return allowed + ([label] if label and label not in allowed else [])


def _counted(frame: pl.DataFrame, spec: Extract) -> pl.DataFrame:
    """Empty cells of nullable category columns as their ``missing`` label (never dropped)."""
    return frame.with_columns(
        # An Enum of the allowed values widens to one with the label (codes, not text: 3x faster).
        pl.col(name).cast(pl.Enum(_categories(column))).fill_null(label)
        if isinstance(frame.schema[name], pl.Enum)
        else pl.col(name).cast(pl.String).fill_null(label).cast(pl.Enum(_categories(column)))
        for name, column in spec.columns.items()
        if (label := _missing_label(column)) is not None
    )


def _allowed(column: Column) -> list[str]:
    if column.values:
        return list(column.values)
    seen: dict[str, None] = {}
    for values in (column.within or {}).values():
        for group in values.values():
            seen.update(dict.fromkeys(group))
    return list(seen)


def validate(source: ExtractFile, raw: pl.DataFrame, spec: Extract, today: dt.date) -> pl.DataFrame:
    """Check ``raw`` against ``spec``; return it typed (categories as ``pl.Enum``) or raise."""
    check = _Checker(source, raw)
    columns = [c for c in raw.columns if c != ROW]
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
        where = extra[0] if len(extra) == 1 else "-"
        check.problems.append(Problem(str(source.path), where, message))
    unsupported = {
        name: why
        for name, column in spec.columns.items()
        if name in raw.columns and (why := _unsupported(column, raw.schema[name]))
    }
    check.problems += [Problem(str(source.path), n, why) for n, why in unsupported.items()]
    if missing or unsupported:
        raise ExtractError(check.problems)
    if raw.height == 0:
        raise ExtractError([Problem(str(source.path), "-", "the file has a header but no rows")])
    if raw.height < spec.min_rows:
        check.problems.append(_too_few(source, raw.height, spec))

    typed: dict[str, pl.Expr] = {}
    for name, column in spec.columns.items():
        raw_col = pl.col(name)
        dtype = raw.schema[name]
        parsed = _parse(raw_col, column, dtype)
        check.frame = check.frame.with_columns(parsed.alias(f"__typed_{name}"))
        value = pl.col(f"__typed_{name}")
        check.flag(name, raw_col.is_not_null() & value.is_null(), _type_message(column, dtype))
        if not column.nullable:
            check.flag(
                name, raw_col.is_null(), "empty cells in a column that may not be empty", False
            )
        if column.type == "category":
            allowed = _allowed(column)
            bad = value.is_not_null() & ~value.is_in(allowed)
            # The values as text (a Parquet category column may hold numbers or booleans).
            found = check.frame.filter(bad)[f"__typed_{name}"]
            hits = found.unique().sort().head(MAX_VALUES_SHOWN).to_list()
            hints = [_suggest(v, allowed) for v in hits]
            hint = "; ".join(h for h in hints if h)
            message = f"values not in the allowed list ({listed(allowed, 20)})"
            check.flag(name, bad, message + (f"; {hint}" if hint else ""))
            typed[name] = value.cast(pl.Enum(allowed), strict=False)
        else:
            typed[name] = value
        if column.unique:
            check.flag(
                name,
                value.is_duplicated() & value.is_not_null(),
                "duplicate values in a unique column",
            )
        if column.min is not None:
            check.flag(name, value < column.min, f"values below the minimum {column.min:g}")
        if column.max is not None:
            check.flag(name, value > column.max, f"values above the maximum {column.max:g}")
        if column.type == "date":
            check.flag(name, value < column.earliest, f"dates before {column.earliest.isoformat()}")
            check.flag(name, value > today, f"dates in the future (after {today.isoformat()})")

    for name, column in spec.columns.items():
        value = pl.col(f"__typed_{name}")
        if column.not_before:
            other = pl.col(f"__typed_{column.not_before}")
            check.flag(name, value < other, f"dates before {column.not_before} in the same row")
        if column.not_after:
            other = pl.col(f"__typed_{column.not_after}")
            check.flag(name, value > other, f"dates after {column.not_after} in the same row")
        if column.requires:
            check.flag(
                name,
                pl.col(name).is_not_null() & pl.col(column.requires).is_null(),
                f"values in rows where {column.requires} is empty ({name} requires "
                f"{column.requires})",
            )
        for other_name, groups in (column.within or {}).items():
            other = pl.col(f"__typed_{other_name}")
            ok = pl.lit(False)
            for other_value, allowed in groups.items():
                ok = ok | ((other == other_value) & value.is_in(allowed))
            bad = value.is_not_null() & other.is_not_null() & ~ok
            check.flag(name, bad, f"values that do not belong to their {other_name}")

    if check.problems:
        raise ExtractError(check.problems)
    return _counted(check.frame.select(**typed), spec)


def _too_few(source: ExtractFile, height: int, spec: Extract) -> Problem:
    return Problem(
        str(source.path),
        "-",
        f"the extract '{source.name}' has only {height:,} row{'s' if height != 1 else ''}, "
        f"fewer than the {spec.min_rows:,} a complete extract has (min_rows in the schema); "
        "was the export cut short? Export it again",
    )


def _type_message(column: Column, dtype: pl.DataType | None = None) -> str:
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


def _suggest(value: str, allowed: list[str]) -> str:
    """A hint for near-misses such as case or whitespace variants."""
    folded = {a.casefold(): a for a in allowed}
    key = " ".join(value.split()).casefold()
    if key in folded:
        return f"{cut(value)!r} should be written exactly {folded[key]!r}"
    if len(value) > 4 * VALUE_WIDTH:
        return ""
    close = difflib.get_close_matches(value, allowed, n=1, cutoff=0.8)
    return f"did you mean {close[0]!r} for {cut(value)!r}?" if close else ""


def clean_typed(source: ExtractFile, spec: Extract, today: dt.date) -> pl.DataFrame | None:
    """The typed extract, read in one pass, when it passes every check of :func:`validate`.

    The columns are read and typed once; every check is then an aggregate over the typed
    frame in memory (a count, a minimum, a number of distinct hashes). None when anything might
    be wrong: :func:`validate` then reads the extract again to name the rows and values.
    """
    try:
        if source.path.stat().st_size == 0:
            return None
        raw = _scan_raw(source)
        schema = raw.collect_schema()
    except (OSError, ExtractError, pl.exceptions.PolarsError, UnicodeError):
        return None
    if sorted(schema.names()) != sorted(spec.columns) or not spec.columns:
        return None
    if any(_unsupported(column, schema[name]) for name, column in spec.columns.items()):
        return None
    typed: dict[str, pl.Expr] = {}
    unread: dict[str, pl.Expr] = {}
    for name, column in spec.columns.items():
        value = _parse(pl.col(name), column, schema[name])
        if column.type == "category":
            value = value.cast(pl.Enum(_allowed(column)), strict=False)
        typed[name] = value
        if (
            column.type == "category"
            or schema[name] != _DTYPES.get(column.type, pl.String)
            or source.is_csv  # a CSV cell of only spaces: the detailed read makes it empty
        ):
            # Unreadable values and values outside the allowed list become null when typed.
            unread[f"{UNREAD}{name}"] = pl.col(name).is_not_null() & value.is_null()
    try:
        frame = raw.select(**typed, **unread).collect()
    except pl.exceptions.PolarsError:
        return None
    if frame.height < max(1, spec.min_rows):
        return None
    bad: list[pl.Expr] = [pl.col(flag).sum() for flag in unread]
    limits: list[tuple[str, str, object]] = []
    for name, column in spec.columns.items():
        value = pl.col(name)
        if not column.nullable:
            bad.append(value.null_count())  # typed nulls are raw nulls once nothing is unread
        if column.unique:
            # Distinct hashes: a collision can only make a clean column look suspect.
            bad.append(value.count() - value.drop_nulls().hash().n_unique())
        if column.not_before:
            bad.append((value < pl.col(column.not_before)).sum())
        if column.not_after:
            bad.append((value > pl.col(column.not_after)).sum())
        if column.requires:
            bad.append((value.is_not_null() & pl.col(column.requires).is_null()).sum())
        for other_name, groups in (column.within or {}).items():
            bad.append(_outside_groups(frame, name, other_name, groups).sum())
        limits += [(name, "min", column.min), (name, "max", column.max)]
        if column.type == "date":
            limits += [(name, "min", column.earliest), (name, "max", today)]
    stats = frame.select(
        *[e.alias(f"bad{i}") for i, e in enumerate(bad)],
        *[
            getattr(pl.col(n), which)().alias(f"{which}{i}")
            for i, (n, which, _) in enumerate(limits)
        ],
    ).row(0, named=True)
    if any(stats[f"bad{i}"] for i in range(len(bad))):
        return None
    for i, (_, which, limit) in enumerate(limits):
        found = stats[f"{which}{i}"]
        if limit is None or found is None:
            continue
        if (found < limit) if which == "min" else (found > limit):
            return None
    return _counted(frame.drop(unread), spec)


UNREAD = "__statgen_unread_"
_DTYPES: dict[str, pl.DataType] = {"date": pl.Date(), "integer": pl.Int64(), "number": pl.Float64()}


def _outside_groups(
    frame: pl.DataFrame, name: str, other_name: str, groups: dict[str, list[str]]
) -> pl.Expr:
    """Rows whose value is not allowed for their ``other`` value (see ``Column.within``)."""
    value, other = pl.col(name), pl.col(other_name)
    kinds, other_kinds = frame.schema[name], frame.schema[other_name]
    if isinstance(kinds, pl.Enum) and isinstance(other_kinds, pl.Enum):
        # Compare category codes (integers) rather than strings: one lookup per row.
        codes = {v: i for i, v in enumerate(kinds.categories.to_list())}
        other_codes = {v: i for i, v in enumerate(other_kinds.categories.to_list())}
        width = len(codes)
        pairs = [
            other_codes[o] * width + codes[v]
            for o, allowed in groups.items()
            if o in other_codes
            for v in allowed
        ]
        pair = other.to_physical().cast(pl.Int64) * width + value.to_physical().cast(pl.Int64)
        ok = pair.is_in(pairs)
    else:
        ok = pl.lit(False)
        for other_value, allowed in groups.items():
            ok = ok | (
                (other.cast(pl.String) == other_value) & value.cast(pl.String).is_in(allowed)
            )
    return value.is_not_null() & other.is_not_null() & ~ok
