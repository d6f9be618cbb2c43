"""Read source extracts (CSV or Parquet) and validate them against the publication's schema.

Validation collects every problem in every extract before failing, so one run shows the whole
picture: file, column, row (or CSV line) numbers, the bad values and how many rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from statgen.config import Column, Extract
from statgen.errors import ExtractError, Problem

MAX_ROWS_SHOWN = 10
MAX_VALUES_SHOWN = 8
ROW = "__statgen_row"


@dataclass(frozen=True)
class Source:
    """An extract file on disk and how its rows are numbered in messages."""

    name: str
    path: Path

    @property
    def is_csv(self) -> bool:
        """CSV rows are reported as file line numbers (the header is line 1)."""
        return self.path.suffix.lower() == ".csv"


def find(folder: Path, name: str) -> Source:
    """Locate ``<name>.parquet`` or ``<name>.csv`` in ``folder``."""
    for suffix in (".parquet", ".csv"):
        path = folder / f"{name}{suffix}"
        if path.is_file():
            return Source(name, path)
    raise ExtractError(
        [
            Problem(
                str(folder),
                "-",
                f"no extract called '{name}': expected {name}.parquet or {name}.csv",
            )
        ],
        hint="Point the build at the folder holding the extracts (make release EXTRACTS=DIR, "
        "or statgen build SLUG --extracts DIR), or run `statgen sample-data SLUG` for sample data.",
    )


def _read_raw(source: Source) -> pl.DataFrame:
    """Read the file as it is: CSV columns all as text (types are checked afterwards)."""
    path = source.path
    if path.stat().st_size == 0:
        raise _fatal(source, "the file is empty (0 bytes)")
    try:
        if source.is_csv:
            _check_csv_shape(source)
            frame = pl.read_csv(path, infer_schema=False, encoding="utf8")
            # An empty field is a missing value, whether written as ,, or ,"",
            return frame.with_columns(
                pl.when(pl.col(c).str.strip_chars() == "").then(None).otherwise(pl.col(c)).alias(c)
                for c in frame.columns
            )
        return pl.read_parquet(path)
    except pl.exceptions.ComputeError as exc:
        text = str(exc).splitlines()[0]
        if "utf-8" in text.lower() or "utf8" in text.lower():
            raise _fatal(source, "the file is not UTF-8 text; save it as CSV UTF-8") from None
        raise _fatal(source, f"could not be read ({text}); is it truncated or corrupt?") from None
    except pl.exceptions.NoDataError:
        raise _fatal(source, "the file has no data") from None
    except (OSError, pl.exceptions.PolarsError) as exc:
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise _fatal(source, f"could not be read ({text}); is it truncated or corrupt?") from None


def _check_csv_shape(source: Source) -> None:
    """Refuse CSVs that are not comma-separated or whose last line was cut off."""
    with source.path.open("rb") as f:
        header = f.readline().decode("utf-8", errors="replace")
        f.seek(max(0, source.path.stat().st_size - 65536))
        tail = f.read().decode("utf-8", errors="replace")
    fields = next(csv.reader([header]), [])
    if len(fields) == 1 and any(sep in header for sep in ";\t|"):
        sep = next(s for s in ";\t|" if s in header)
        raise _fatal(
            source,
            f"the file does not use commas between columns (its header is separated by {sep!r}); "
            "save it as CSV (comma delimited)",
        )
    lines = tail.splitlines()
    if len(lines) < 2 or tail.endswith(("\n", "\r")):
        return
    last = next(csv.reader([lines[-1]]), [])
    if len(last) < len(fields):
        with source.path.open("rb") as f:
            number = sum(1 for _ in f)
        raise _fatal(
            source,
            f"the file looks truncated: its last line ({number:,}) has {len(last)} of "
            f"{len(fields)} columns and no line end; export the extract again",
        )


def _fatal(source: Source, message: str) -> ExtractError:
    return ExtractError([Problem(str(source.path), "-", message)])


class _Checker:
    """Collects the problems of one extract."""

    def __init__(self, source: Source, frame: pl.DataFrame) -> None:
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


def validate(source: Source, raw: pl.DataFrame, spec: Extract, today: dt.date) -> pl.DataFrame:
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


def load(folder: Path, specs: dict[str, Extract], today: dt.date) -> dict[str, pl.DataFrame]:
    """Read and validate every extract; raise one :class:`ExtractError` listing all problems."""
    frames: dict[str, pl.DataFrame] = {}
    problems: list[Problem] = []
    hint = ExtractError().hint
    for name, spec in specs.items():
        try:
            source = find(folder, name)
            frames[name] = validate(source, _read_raw(source), spec, today)
        except ExtractError as exc:
            problems.extend(exc.problems)
            hint = exc.hint
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
