"""Run a publication's transforms and finish their output into statistical tables (all
categories, zeros, totals)."""

from __future__ import annotations

import importlib.util
import inspect
import sys
from collections.abc import Callable, Iterable
from itertools import combinations
from pathlib import Path
from types import ModuleType
from typing import Any

import polars as pl

from statgen.config import Measure, Publication, Table
from statgen.errors import ConfigError, CountOverflowError, NullKeyError, TransformError
from statgen.periods import PERIOD_DIMENSIONS, Periods, parse_period
from statgen.tables.model import TOTAL, StatTable, marker_column, period_dimension


def load_transforms(publication: Publication) -> ModuleType:
    """Import ``transforms.py`` from the publication folder (under a private module name)."""
    path = publication.folder / "transforms.py"
    if not path.is_file():
        raise ConfigError(f"{path}: no such file; each publication defines its tables there")
    name = f"statgen_publication_{publication.slug.replace('-', '_')}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ConfigError(f"{path}: cannot be imported")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:  # includes a file that is not UTF-8
        del sys.modules[name]
        raise TransformError(
            f"{path}:{exc.lineno or 1}: the transforms cannot be read: {exc.msg}"
        ) from None
    except Exception as exc:  # an import that fails, or code that raises at import
        del sys.modules[name]
        raise TransformError(
            f"{path}: importing the transforms failed: {type(exc).__name__}: {exc}"
        ) from None
    return module


def _call(
    func: Callable[..., Any], table: Table, inputs: dict[str, Any], path: Path
) -> pl.LazyFrame:
    params = inspect.signature(func).parameters
    unknown = [p for p in params if p not in inputs]
    if unknown:
        raise ConfigError(
            f"{path}: {func.__name__}() asks for {unknown}; transforms may take "
            f"{sorted(inputs)} (extract names and 'periods')"
        )
    try:
        result = func(**{p: inputs[p] for p in params})
    except Exception as exc:  # the publication's own code: say whose, keep its message
        raise _failed(path, func.__name__, table, exc) from exc
    if not isinstance(result, pl.LazyFrame | pl.DataFrame):
        raise TransformError(
            f"{path}: {func.__name__}() (table {table.id!r}) must return a polars LazyFrame, "
            f"not {type(result).__name__}"
        )
    return result.lazy()


def _failed(path: Path, transform: str, table: Table, exc: BaseException) -> TransformError:
    """The error for an exception raised by a transform (or by running its query)."""
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return TransformError(
        f"{path}: {transform}() failed while computing table {table.id!r}: "
        f"{type(exc).__name__}: {message[:500]} (run with --debug for the traceback)"
    )


def plan(
    publication: Publication, frames: dict[str, pl.LazyFrame], periods: Periods
) -> dict[str, pl.LazyFrame]:
    """The lazy query of every table, unexecuted (so they can be collected together)."""
    module = load_transforms(publication)
    path = publication.folder / "transforms.py"
    inputs: dict[str, Any] = {**frames, "periods": periods}
    plans = {}
    for table in publication.tables:
        func = getattr(module, table.transform, None)
        if not callable(func):
            raise ConfigError(
                f"{publication.folder / 'publication.yaml'}: tables: {table.id!r} names transform "
                f"{table.transform!r}, but {path} defines no such function"
            )
        plans[table.id] = _call(func, table, inputs, path)
    return plans


def compute(
    publication: Publication, frames: dict[str, pl.DataFrame], periods: Periods
) -> list[StatTable]:
    """Run every table's transform (sharing one pass over the data) and finish the tables."""
    plans = plan(publication, {k: v.lazy() for k, v in frames.items()}, periods)
    try:
        collected = pl.collect_all(list(plans.values()))
    except pl.exceptions.PolarsError:
        # One query failed: run them one by one to name the transform and table that did.
        path = publication.folder / "transforms.py"
        collected = []
        for table in publication.tables:
            try:
                collected.append(plans[table.id].collect())
            except pl.exceptions.PolarsError as exc:
                raise _failed(path, table.transform, table, exc) from exc
    return [
        finish(publication, table, frame, number, periods)
        for number, (table, frame) in enumerate(zip(publication.tables, collected, strict=True), 1)
    ]


def missing_labels(publication: Publication) -> set[str]:
    """The labels empty cells of nullable category columns are counted under (``missing``)."""
    return {
        column.missing
        for extract in publication.extracts.values()
        for column in extract.columns.values()
        if column.type == "category"
        and column.nullable
        and column.missing not in (column.values or [])
    }


def declared_orders(publication: Publication) -> dict[str, list[str]]:
    """The order ``publication.yaml`` lists each category column's values in, by column name
    (the first extract that declares a name gives its order)."""
    orders: dict[str, list[str]] = {}
    for extract in publication.extracts.values():
        for name, column in extract.columns.items():
            if column.type == "category" and column.values:
                orders.setdefault(name, [str(v) for v in column.values])
    return orders


def _categories(
    frame: pl.DataFrame,
    dim: str,
    hidden: set[str] = frozenset(),  # type: ignore[assignment]
    declared: list[str] | None = None,
    totals: Iterable[str] = (),
) -> list[str]:
    """Display order of a dimension: Enum order; else, for text a transform made, the order
    ``publication.yaml`` declares for a category column of that name (``declared``), then any
    other values sorted, with the total categories (``totals``: a transform's own "Total")
    last. Quarters and other periods come from the periods."""
    dtype = frame.schema[dim]
    if isinstance(dtype, pl.Enum):
        # Every allowed category is shown, with zeros where there is nothing to count; the
        # label of empty cells ("Not recorded") only when something was not recorded.
        present = set(frame[dim].drop_nulls().cast(pl.String).unique().to_list())
        return [str(c) for c in dtype.categories.to_list() if c not in hidden or c in present]
    values = {str(v) for v in frame[dim].drop_nulls().unique().to_list()}
    rank = {v: n for n, v in enumerate(declared or [])}
    last = [t for t in dict.fromkeys(totals) if t in values and t not in rank]
    rest = sorted(values - set(last), key=lambda v: (v not in rank, rank.get(v, 0), v))
    return rest + last


def table_quarters(table: Table, periods: Periods) -> list[str]:
    """The release periods a table covers: its last ``periods`` (or ``quarters``) of the series
    (default: all of them), as codes."""
    return [q.code for q in periods.last(table.periods or table.quarters or len(periods.series))]


def table_periods(table: Table, periods: Periods, dim: str | None = None) -> list[str]:
    """The codes of a period dimension ``dim`` the table covers: the release periods, or the
    finer periods that make them up (months of a quarterly release). None for a dimension
    coarser than the release (its categories are whatever the transform returns)."""
    dim = dim or period_dimension(table.dims)
    if dim is None:
        return []
    frequency = PERIOD_DIMENSIONS[dim]
    n = table.periods or table.quarters or len(periods.series)
    if frequency == periods.frequency:
        return table_quarters(table, periods)
    finer = periods.finer(frequency, n)
    return [p.code for p in finer]


def finish(
    publication: Publication,
    table: Table,
    frame: pl.DataFrame,
    number: int,
    periods: Periods | None = None,
) -> StatTable:
    """Check a transform's output, complete every combination of categories, add totals."""
    where = f"{publication.folder / 'transforms.py'}: {table.transform}()"
    measures = [m.name for m in table.measures if not m.is_ratio]
    missing = [c for c in [*table.dims, *measures] if c not in frame.columns]
    if missing:
        raise TransformError(
            f"{where} (table {table.id!r}) returned no column {missing} "
            f"(it returned {frame.columns})"
        )
    computed = [m.name for m in table.measures if m.is_ratio and m.name in frame.columns]
    if computed:
        raise ConfigError(
            f"{where} returned {computed}, which statgen computes from their numerator and "
            "denominator (kind: rate or percentage): leave them out of the transform's output"
        )
    if any(not m.additive and not m.is_ratio for m in table.measures) and table.totals:
        raise ConfigError(
            f"{publication.folder / 'publication.yaml'}: tables: {table.id!r}: totals can only "
            "be added up from additive measures (and rates and percentages computed from them); "
            "let the transform compute its own 'Total' rows"
        )
    frame = frame.select(*table.dims, *measures)
    for d in table.dims:
        empty = frame[d].null_count()
        if empty:
            raise NullKeyError(
                f"{where} returned {empty:,} row{'s' if empty != 1 else ''} of table {table.id!r} "
                f"with an empty (null) {d!r}: every row needs a category. Count missing values "
                f"under a label (nullable category columns already arrive as their 'missing' "
                f'label, default "Not recorded"), or filter the rows out on purpose'
            )
    if frame.select(pl.struct(table.dims).is_duplicated().any()).item():
        raise TransformError(
            f"{where} (table {table.id!r}) returned more than one row for some combination of "
            f"{table.dims}"
        )
    pdim = period_dimension(table.dims)
    hidden = missing_labels(publication)
    orders = declared_orders(publication)
    own_totals = [TOTAL, *publication.disclosure_for(table).total_categories.values()]
    categories = {
        d: _categories(frame, d, hidden, orders.get(d), own_totals) for d in table.dims if d != pdim
    }
    clash = [d for d in table.totals if TOTAL in categories.get(d, [])]
    if clash:
        raise TransformError(
            f"{where} (table {table.id!r}) returned a category {TOTAL!r} of {clash[0]!r}, the "
            f"name of the total statgen adds (totals: {table.totals}): rename that category, "
            f"or leave {clash[0]!r} out of totals and declare it under "
            f"disclosure.total_categories if the transform computes the total itself"
        )
    absent: tuple[str, ...] = ()
    if pdim is not None:
        # The table covers exactly its periods: a period with no rows at all is shown as
        # zeros and reported by the QA check, rows outside the table's periods are dropped.
        present = set(frame[pdim].cast(pl.String).drop_nulls().to_list())
        frequency = PERIOD_DIMENSIONS[pdim]
        covered = table_periods(table, periods, pdim) if periods else []
        categories[pdim] = covered or sorted(
            present, key=lambda code: parse_period(code, frequency)
        )
        absent = tuple(q for q in categories[pdim] if q not in present)
        frame = frame.filter(pl.col(pdim).cast(pl.String).is_in(categories[pdim]))
    categories = {d: categories[d] for d in table.dims}
    frame = frame.with_columns(pl.col(d).cast(pl.String) for d in table.dims)

    # Every combination of categories gets a row: counts of nothing are zero, other measures
    # (medians, percentages of nothing) are not applicable and carry the [z] marker.
    grid = pl.DataFrame(
        {table.dims[0]: categories[table.dims[0]]}, schema={table.dims[0]: pl.String}
    )
    for d in table.dims[1:]:
        grid = grid.join(pl.DataFrame({d: categories[d]}, schema={d: pl.String}), how="cross")
    frame = grid.join(frame, on=table.dims, how="left", nulls_equal=True)
    # Where a denominator was never given (no row, or an empty value), its ratios are [x].
    denominators = sorted({m.denominator for m in table.measures if m.denominator})
    frame = frame.with_columns(
        pl.col(d).is_null().cast(pl.Int64).alias(_absent(d)) for d in denominators
    )
    fills = []
    for m in table.measures:
        if m.is_ratio:
            continue
        if m.additive:  # nothing counted is a true zero, with no shorthand
            fills.append(pl.col(m.name).fill_null(0))
            fills.append(pl.lit(None, pl.String).alias(marker_column(m.name)))
        else:
            fills.append(
                pl.when(pl.col(m.name).is_null())
                .then(pl.lit("z"))
                .otherwise(None)
                .alias(marker_column(m.name))
            )
    frame = frame.with_columns(fills)

    if table.totals:
        frame = _add_totals(
            frame, table, [_absent(d) for d in denominators], f"{where} (table {table.id!r})"
        )
        for d in table.totals:
            if TOTAL not in categories[d]:
                categories[d] = [*categories[d], TOTAL]
    frame = frame.with_columns(
        expr for m in table.measures if m.is_ratio for expr in ratio(m)
    ).drop(_absent(d) for d in denominators)
    order = [
        pl.col(d).replace_strict(categories[d], list(range(len(categories[d])))) for d in table.dims
    ]
    frame = frame.sort(order).select(
        *table.dims, *[c for m in table.measures for c in (m.name, marker_column(m.name))]
    )
    sheet = publication.sheet_name(table)
    return StatTable(table, number, sheet, frame, categories, absent_quarters=absent)


def _absent(denominator: str) -> str:
    return f"__absent_{denominator}"


def ratio(m: Measure) -> list[pl.Expr]:
    """A rate or percentage and its marker from its numerator and denominator columns.

    Applied after totals are added, so a total's rate is its summed numerator over its summed
    denominator. A denominator that is missing anywhere it sums over, or zero, gives [x].
    """
    num, den = pl.col(m.numerator or ""), pl.col(m.denominator or "")
    unavailable = (pl.col(_absent(m.denominator or "")) > 0) | den.is_null() | (den == 0)
    value = pl.when(unavailable).then(None).otherwise(num.cast(pl.Float64) / den * m.scale)
    marker = pl.when(unavailable).then(pl.lit("x")).otherwise(pl.lit(None, pl.String))
    return [value.alias(m.name), marker.alias(marker_column(m.name))]


def _add_totals(frame: pl.DataFrame, table: Table, flags: list[str], where: str) -> pl.DataFrame:
    """Add "Total" categories: sums over every non-empty subset of the ``totals`` dimensions.

    Whole-number measures are summed in 128 bits and refused when a total does not fit their
    type (Polars' 64-bit sums wrap around silently)."""
    parts = [frame]
    counts = [m.name for m in table.measures if not m.is_ratio]
    wide = {c for c in counts if frame.schema[c].is_integer()}
    for size in range(1, len(table.totals) + 1):
        for over in combinations(table.totals, size):
            keep = [d for d in table.dims if d not in over]
            aggs = [
                (pl.col(c).cast(pl.Int128) if c in wide else pl.col(c)).sum()
                for c in [*counts, *flags]
            ]
            summed = frame.group_by(keep).agg(aggs) if keep else frame.select(aggs)
            for c in sorted(wide):
                summed = summed.with_columns(_narrowed(summed, c, frame.schema[c], keep, where))
            summed = summed.with_columns(
                *[pl.lit(TOTAL).alias(d) for d in over],
                *[pl.lit(None, pl.String).alias(marker_column(m)) for m in counts],
            )
            parts.append(summed.select(frame.columns))
    return pl.concat(parts, how="vertical_relaxed")


def _narrowed(
    summed: pl.DataFrame, measure: str, dtype: pl.DataType, keep: list[str], where: str
) -> pl.Expr:
    """A total summed in 128 bits, back in its measure's type; refused when it does not fit."""
    bounds = pl.select(low=dtype.min(), high=dtype.max())  # type: ignore[attr-defined]
    low, high = bounds.row(0)
    beyond = summed.filter((pl.col(measure) > high) | (pl.col(measure) < low)).sort(keep)
    if beyond.height:
        first = beyond.row(0, named=True)
        cell = ", ".join(f"{d} {first[d]}" for d in keep)
        raise CountOverflowError(
            f"{where}: a total of {measure!r}{f' for {cell}' if cell else ''} is "
            f"{first[measure]:,}, larger than statgen can count (beyond {high:,}); check the "
            "extract for values far too large, or the transform for a sum that multiplies"
        )
    return pl.col(measure).cast(dtype)
