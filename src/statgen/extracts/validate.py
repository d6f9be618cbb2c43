"""Read source extracts (CSV or Parquet) and validate them against the publication's schema.

Validation collects every problem in every extract before failing, so one run shows the whole
picture: file, column, row (or CSV line) numbers, the bad values and how many rows.
"""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path

import polars as pl

from statgen.config import Column, Extract
from statgen.errors import ExtractError, Problem
from statgen.extracts import database, relations
from statgen.extracts.files import (
    MAX_ROWS_SHOWN,
    MAX_VALUES_SHOWN,
    ROW,
    ExtractFile,
    _read_raw,
    _scan_raw,
    find,
)


class _Checker:
    """Collects the problems of one extract."""

    def __init__(self, source: ExtractFile, frame: pl.DataFrame) -> None:
        self.source = source
        self.frame = frame.with_row_index(ROW, offset=2 if source.is_csv else 1)
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
        return raw.cast(pl.Date, strict=False)
    if column.type == "integer":
        if dtype == pl.String:
            return raw.str.strip_chars().cast(pl.Int64, strict=False)
        return raw.cast(pl.Int64, strict=False)
    if column.type == "number":
        if dtype == pl.String:
            return raw.str.strip_chars().cast(pl.Float64, strict=False)
        return raw.cast(pl.Float64, strict=False)
    return raw.cast(pl.String, strict=False)


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
    expected = list(spec.columns)
    missing = [c for c in expected if c not in raw.columns]
    extra = [c for c in raw.columns if c not in spec.columns]
    for name in missing:
        close = difflib.get_close_matches(name, extra, n=1)
        hint = f"; is '{close[0]}' this column renamed?" if close else ""
        check.problems.append(Problem(str(source.path), name, f"column is missing{hint}"))
    if extra:
        message = f"unexpected column{'s' if len(extra) > 1 else ''}: {', '.join(extra)}"
        if len(raw.columns) == 1 and any(sep in raw.columns[0] for sep in ";\t|"):
            message = "the file does not use commas between columns (is it ;- or tab-separated?)"
        check.problems.append(Problem(str(source.path), ", ".join(extra), message))
    if missing:
        raise ExtractError(check.problems)
    if raw.height == 0:
        raise ExtractError([Problem(str(source.path), "-", "the file has a header but no rows")])

    typed: dict[str, pl.Expr] = {}
    for name, column in spec.columns.items():
        raw_col = pl.col(name)
        parsed = _parse(raw_col, column, raw.schema[name])
        check.frame = check.frame.with_columns(parsed.alias(f"__typed_{name}"))
        value = pl.col(f"__typed_{name}")
        check.flag(name, raw_col.is_not_null() & value.is_null(), _type_message(column))
        if not column.nullable:
            check.flag(
                name, raw_col.is_null(), "empty cells in a column that may not be empty", False
            )
        if column.type == "category":
            allowed = _allowed(column)
            bad = value.is_not_null() & ~value.is_in(allowed)
            hits = check.frame.filter(bad)[name].unique().sort().to_list()
            hints = [_suggest(v, allowed) for v in hits[:MAX_VALUES_SHOWN]]
            hint = "; ".join(h for h in hints if h)
            message = f"values not in the allowed list ({', '.join(allowed)})"
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
        for other_name, groups in (column.within or {}).items():
            other = pl.col(f"__typed_{other_name}")
            ok = pl.lit(False)
            for other_value, allowed in groups.items():
                ok = ok | ((other == other_value) & value.is_in(allowed))
            bad = value.is_not_null() & other.is_not_null() & ~ok
            check.flag(name, bad, f"values that do not belong to their {other_name}")

    if check.problems:
        raise ExtractError(check.problems)
    return check.frame.select(**typed)


def _type_message(column: Column) -> str:
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
        return f"{value!r} should be written exactly {folded[key]!r}"
    close = difflib.get_close_matches(value, allowed, n=1, cutoff=0.8)
    return f"did you mean {close[0]!r} for {value!r}?" if close else ""


def _clean_typed(source: ExtractFile, spec: Extract, today: dt.date) -> pl.DataFrame | None:
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
    except (OSError, ExtractError, pl.exceptions.PolarsError):
        return None
    if sorted(schema.names()) != sorted(spec.columns) or not spec.columns:
        return None
    typed: dict[str, pl.Expr] = {}
    unread: dict[str, pl.Expr] = {}
    for name, column in spec.columns.items():
        value = _parse(pl.col(name), column, schema[name])
        if column.type == "category":
            value = value.cast(pl.Enum(_allowed(column)), strict=False)
        typed[name] = value
        if column.type == "category" or schema[name] != _DTYPES.get(column.type, pl.String):
            # Unreadable values and values outside the allowed list become null when typed.
            unread[f"{UNREAD}{name}"] = pl.col(name).is_not_null() & value.is_null()
    try:
        frame = raw.select(**typed, **unread).collect()
    except pl.exceptions.PolarsError:
        return None
    if frame.height == 0:
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
    return frame.drop(unread)


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


def load(
    folder: Path,
    specs: dict[str, Extract],
    today: dt.date,
    queried: dict[str, pl.DataFrame] | None = None,
) -> dict[str, pl.DataFrame]:
    """Read and validate every extract; raise one :class:`ExtractError` listing all problems.

    ``queried`` holds the rows of extracts read from a database (``query``), validated here
    like a file's. Keys of several columns and references between extracts are checked once
    every extract is typed (:mod:`statgen.extracts.relations`).
    """
    frames: dict[str, pl.DataFrame] = {}
    problems: list[Problem] = []
    sources: dict[str, tuple[str, int, str]] = {}
    hint = ExtractError().hint
    for name, spec in specs.items():
        try:
            if spec.query is not None:
                source = ExtractFile(name, Path(database.label(name)))
                frames[name] = validate(source, (queried or {})[name], spec, today)
            else:
                source = find(folder, name)
                clean = _clean_typed(source, spec, today)
                frames[name] = (
                    clean if clean is not None else validate(source, _read_raw(source), spec, today)
                )
            sources[name] = (
                str(source.path),
                2 if source.is_csv else 1,
                "line" if source.is_csv else "row",
            )
        except ExtractError as exc:
            problems.extend(exc.problems)
            hint = exc.hint
    problems.extend(relations.check(specs, frames, sources))
    if problems:
        raise ExtractError(problems, hint=hint)
    return frames


def newest_date(frames: dict[str, pl.DataFrame]) -> dt.date | None:
    """The newest date in any date column: the extracts are complete up to this day."""
    newest: dt.date | None = None
    for frame in frames.values():
        for name, dtype in frame.schema.items():
            if dtype == pl.Date:
                value = frame[name].max()
                if isinstance(value, dt.date) and (newest is None or value > newest):
                    newest = value
    return newest
