"""Helpers publication transforms use: period codes of dates, grouping by period, the series'
period ends, rolling totals. Every helper works for every frequency (``monthly``,
``quarterly``, ``annual``, ``financial_year``); the quarterly ones the pilots use stay."""

from __future__ import annotations

import datetime as dt

import polars as pl

from statgen.periods import Periods, period_type
from statgen.tables.model import QUARTER

_START = "__statgen_period_start"


def _frequency(frequency: str | Periods) -> str:
    found = frequency.frequency if isinstance(frequency, Periods) else frequency
    period_type(found)  # a PeriodError names the frequencies if it is not one
    return found


def period_dim(frequency: str | Periods) -> str:
    """The dimension name a frequency's periods go in: ``month``, ``quarter``, ``year`` or
    ``financial_year``."""
    return period_type(_frequency(frequency)).dimension


def quarter_code(date: pl.Expr) -> pl.Expr:
    """Expression: the quarter code (``2025Q1``) of a date column."""
    # concat_str rather than pl.format: in Polars 2.1 pl.format panics ("i < self.len()") in the
    # streaming engine on some filtered, multi-chunk frames (seen on 1.5M-row Parquet extracts).
    return pl.concat_str(
        date.dt.year().cast(pl.String), pl.lit("Q"), date.dt.quarter().cast(pl.String)
    )


def period_code(date: pl.Expr, frequency: str | Periods) -> pl.Expr:
    """Expression: the code of the period a date falls in: ``2026-10`` (monthly), ``2026Q3``
    (quarterly), ``2026`` (annual) or ``2025-26`` (financial year, April to March).
    ``frequency`` is a frequency name or the ``periods`` a transform is given."""
    frequency = _frequency(frequency)
    year = date.dt.year()
    if frequency == "quarterly":
        return quarter_code(date)
    if frequency == "monthly":
        month = date.dt.month().cast(pl.String).str.zfill(2)
        return pl.concat_str(year.cast(pl.String), pl.lit("-"), month)
    if frequency == "annual":
        return year.cast(pl.String)
    start = year - (date.dt.month() < 4).cast(pl.Int32)
    return pl.concat_str(
        start.cast(pl.String), pl.lit("-"), ((start + 1) % 100).cast(pl.String).str.zfill(2)
    )


def _period_start(date: pl.Expr, frequency: str) -> pl.Expr:
    """The first day of the period a date falls in (grouping on a date is faster than on text)."""
    if frequency == "financial_year":
        return date.dt.offset_by("-3mo").dt.truncate("1y").dt.offset_by("3mo")
    every = {"monthly": "1mo", "quarterly": "1q", "annual": "1y"}[frequency]
    return date.dt.truncate(every)


def group_by_period(
    frame: pl.LazyFrame, date: str, frequency: str | Periods, *by: str | pl.Expr, **aggs: pl.Expr
) -> pl.LazyFrame:
    """Aggregate ``frame`` by the period of its ``date`` column and ``by``. The period goes in
    the frequency's dimension (``month``, ``quarter``, ``year``, ``financial_year``) as a code:
    ``group_by_period(cases, "receipt_date", periods, "court_type", n=pl.len())``.

    ``frequency`` may be finer than the release: ``group_by_period(x, "date", "monthly", ...)``
    in a quarterly publication gives the monthly rows of a ``month`` table.
    """
    frequency = _frequency(frequency)
    return (
        frame.group_by(_period_start(pl.col(date), frequency).alias(_START), *by)
        .agg(**aggs)
        .with_columns(period_code(pl.col(_START), frequency).alias(period_dim(frequency)))
        .drop(_START)
    )


def group_by_quarter(
    frame: pl.LazyFrame, date: str, *by: str | pl.Expr, **aggs: pl.Expr
) -> pl.LazyFrame:
    """Aggregate ``frame`` by the quarter of its ``date`` column (as ``quarter``, a code such as
    ``2025Q1``) and ``by``: ``group_by_quarter(cases, "receipt_date", "court_type", n=pl.len())``.
    """
    # Grouped on the quarter's first day (a number) and labelled afterwards: grouping millions
    # of rows on text codes takes several times longer.
    return (
        frame.group_by(pl.col(date).dt.truncate("1q").alias(_START), *by)
        .agg(**aggs)
        .with_columns(quarter_code(pl.col(_START)).alias(QUARTER))
        .drop(_START)
    )


def series_position(date: pl.Expr, periods: Periods) -> pl.Expr:
    """Expression: the position in the release's series of the period a date column's dates
    fall in: 0 for the first period, ``len(periods.series) - 1`` for the release period, -1
    for any date before the series and ``len(periods.series)`` for any after it; null where
    the date is null.

    Each date is looked up in a table of the series' days (a few nanoseconds a row), not
    worked out from its year and month: on millions of rows it is several times faster than
    ``dt.truncate`` or ``dt.year``/``dt.quarter``. Counting by position first and labelling
    the few results afterwards (``periods.series[k].code``) makes the transforms of large
    extracts fast::

        cases.group_by(k=series_position(pl.col("receipt_date"), periods)).agg(n=pl.len())
    """
    series = periods.series
    table = [-1]
    for k, period in enumerate(series):
        if k and period.start != series[k - 1].end + dt.timedelta(days=1):
            raise ValueError(f"the series has a gap before {period.code}")
        table += [k] * ((period.end - period.start).days + 1)
    table.append(len(series))
    before = (series[0].start - _EPOCH).days - 1  # the table's first entry: any earlier day
    day = date.cast(pl.Date).to_physical().cast(pl.Int64)
    index = day.clip(before, before + len(table) - 1) - before
    position = pl.lit(pl.Series(table, dtype=pl.Int32)).gather(index)
    try:  # named after the date column, as the other helpers' expressions are
        return position.alias(date.meta.output_name())
    except pl.exceptions.ComputeError:
        return position


_EPOCH = dt.date(1970, 1, 1)
"""Day 0 of Polars' dates."""


def period_ends(periods: Periods, frequency: str | None = None) -> pl.LazyFrame:
    """A lazy frame of the series, oldest first: the period code in the frequency's dimension
    and its last day in ``<dimension>_end`` (``quarter``, ``quarter_end`` for a quarterly
    release). A finer ``frequency`` (``"monthly"`` in a quarterly release) lists the months
    that make up the series."""
    frequency = frequency or periods.frequency
    dim = period_dim(frequency)
    series = periods.series if frequency == periods.frequency else periods.finer(frequency)
    return pl.LazyFrame(
        {dim: [p.code for p in series], f"{dim}_end": [p.end for p in series]},
        schema={dim: pl.String, f"{dim}_end": pl.Date},
    )


def quarter_ends(periods: Periods) -> pl.LazyFrame:
    """A lazy frame of the series: ``quarter`` code and ``quarter_end`` date, oldest first."""
    return pl.LazyFrame(
        {QUARTER: periods.codes, "quarter_end": periods.ends},
        schema={QUARTER: pl.String, "quarter_end": pl.Date},
    )


def rolling_total(
    frame: pl.LazyFrame,
    measure: str,
    *by: str,
    window: int = 12,
    frequency: str = "monthly",
) -> pl.LazyFrame:
    """Rolling totals of ``measure`` over the last ``window`` periods (default 12 months),
    for each combination of ``by``: ``frame`` has one row per period (codes in the frequency's
    dimension) and group. Periods missing from ``frame`` count as zero; a period without a
    full window of earlier periods in ``frame`` gets null (not a partial total). The result has
    the same columns, with ``measure`` replaced by its rolling total."""
    kind = period_type(frequency)
    dim = kind.dimension
    codes = frame.select(pl.col(dim).cast(pl.String)).unique().collect().to_series().to_list()
    if not codes:
        return frame.select(dim, *by, measure)
    found = sorted(kind.parse(c) for c in codes)
    every = [found[0].shift(i) for i in range(found[-1].index - found[0].index + 1)]
    grid = pl.LazyFrame({dim: [p.code for p in every], "__order": list(range(len(every)))})
    if by:
        grid = grid.join(frame.select(*by).unique(), how="cross")
    joined = grid.join(
        frame.select(pl.col(dim).cast(pl.String), *by, measure), on=[dim, *by], how="left"
    )
    return (
        joined.with_columns(pl.col(measure).fill_null(0))
        .sort("__order")
        .with_columns(
            pl.col(measure)
            .rolling_sum(window_size=window, min_samples=window)
            .over(list(by) if by else pl.lit(0), order_by="__order")
        )
        .sort([*by, "__order"])
        .drop("__order")
        .select(dim, *by, measure)
    )


def rolling_12_months(frame: pl.LazyFrame, measure: str, *by: str) -> pl.LazyFrame:
    """Rolling 12-month totals of a monthly ``measure`` (see :func:`rolling_total`)."""
    return rolling_total(frame, measure, *by, window=12, frequency="monthly")
