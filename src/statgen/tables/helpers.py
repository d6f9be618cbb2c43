"""Helpers publication transforms use: quarter codes, grouping by quarter, the series' quarter
ends."""

from __future__ import annotations

import polars as pl

from statgen.periods import Periods
from statgen.tables.model import QUARTER


def quarter_code(date: pl.Expr) -> pl.Expr:
    """Expression: the quarter code (``2025Q1``) of a date column."""
    # concat_str rather than pl.format: in Polars 2.1 pl.format panics ("i < self.len()") in the
    # streaming engine on some filtered, multi-chunk frames (seen on 1.5M-row Parquet extracts).
    return pl.concat_str(
        date.dt.year().cast(pl.String), pl.lit("Q"), date.dt.quarter().cast(pl.String)
    )


def group_by_quarter(
    frame: pl.LazyFrame, date: str, *by: str | pl.Expr, **aggs: pl.Expr
) -> pl.LazyFrame:
    """Aggregate ``frame`` by the quarter of its ``date`` column (as ``quarter``, a code such as
    ``2025Q1``) and ``by``: ``group_by_quarter(cases, "receipt_date", "court_type", n=pl.len())``.
    """
    # Grouped on the quarter's first day (a number) and labelled afterwards: grouping millions
    # of rows on text codes takes several times longer.
    start = "__statgen_quarter_start"
    return (
        frame.group_by(pl.col(date).dt.truncate("1q").alias(start), *by)
        .agg(**aggs)
        .with_columns(quarter_code(pl.col(start)).alias(QUARTER))
        .drop(start)
    )


def quarter_ends(periods: Periods) -> pl.LazyFrame:
    """A lazy frame of the series: ``quarter`` code and ``quarter_end`` date, oldest first."""
    return pl.LazyFrame(
        {QUARTER: periods.codes, "quarter_end": periods.ends},
        schema={QUARTER: pl.String, "quarter_end": pl.Date},
    )
