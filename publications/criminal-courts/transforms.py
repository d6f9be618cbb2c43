"""Criminal court statistics quarterly: the measures, each defined once, and the tables.

Every function is pure and lazy: it takes the validated ``cases`` extract (one row per
defendant case) and the release's ``periods`` and returns a tidy LazyFrame (dimensions +
measures) that statgen finishes. Category columns arrive as ``pl.Enum`` in config order.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from statgen import Periods, group_by_quarter, quarter_ends, series_position

MAGISTRATES = "Magistrates' court"
CROWN = "Crown Court"

AGE_BANDS = ["Under 13 weeks", "13 to 26 weeks", "26 to 52 weeks", "52 weeks and over"]
TRIAL_OUTCOMES = ["Effective", "Cracked", "Ineffective"]  # Vacated trials are left out
NEVER = dt.date(9999, 12, 31)  # stands in for "not completed" when comparing dates

# The date timeliness is measured from, by court type.
TIMELINESS_START = {MAGISTRATES: "offence_date", CROWN: "charge_date"}


# --- Definitions -------------------------------------------------------------------------


def in_quarters(date: pl.Expr, first: dt.date, last: dt.date) -> pl.Expr:
    """Whether a date falls between the first and last day given (inclusive)."""
    return date.is_between(first, last)


def disposed_in_series(cases: pl.LazyFrame, periods: Periods) -> pl.LazyFrame:
    """Disposals: cases whose completion_date is in a quarter of the series (counted in the
    quarter of their completion_date)."""
    return cases.filter(
        in_quarters(pl.col("completion_date"), periods.first.start, periods.latest.end)
    )


def open_at(day: pl.Expr) -> list[pl.Expr]:
    """Open at date d: receipt_date <= d and (completion_date is null or completion_date > d)."""
    return [pl.col("receipt_date") <= day, pl.col("completion_date").fill_null(NEVER) > day]


def open_at_quarter_ends(cases: pl.LazyFrame, periods: Periods, *by: str) -> pl.LazyFrame:
    """The cases open at each quarter end of the series (see :func:`open_at`), counted by
    ``by`` and receipt_date: one row per quarter end, receipt date and ``by``, with
    ``quarter``, ``quarter_end`` and the number of ``cases``.

    A case is open at the quarter ends from its receipt_date up to the last one before its
    completion_date: the quarter ends before its completion quarter (:func:`series_position`;
    all of them when it is still open). Cases are counted by receipt_date and that number of
    quarter ends first (thousands of rows, not millions), and only then matched with the
    quarter ends they are open at (an inequality join, not a cross join).
    """
    n = len(periods.series)
    until = series_position(pl.col("completion_date"), periods).clip(lower_bound=0).fill_null(n)
    counted = (
        cases.filter(pl.col("receipt_date") <= periods.latest.end)
        .group_by(*by, "receipt_date", until=until)
        .agg(cases=pl.len())
        .filter(pl.col("until") > 0)  # completed before the first quarter end
    )
    ends = quarter_ends(periods).with_columns(k=pl.int_range(pl.len(), dtype=pl.Int32))
    return counted.join_where(
        ends,
        pl.col("receipt_date") <= pl.col("quarter_end"),
        pl.col("k") < pl.col("until"),
    ).select("quarter", "quarter_end", *by, "receipt_date", "cases")


def movements(cases: pl.LazyFrame, periods: Periods, by: list[str]) -> pl.LazyFrame:
    """The cases that count in the series, by ``by`` and by the series positions of their
    receipt (``received``) and completion (``completed``, null while open): one pass over the
    extract, giving a few hundred rows that receipts, disposals and the open caseload are
    all counted from. Cases received after the series, or completed before it, are left out:
    they are in none of those figures (completion_date is never before receipt_date: the
    extract is validated for it)."""
    return (
        cases.filter(
            pl.col("receipt_date") <= periods.latest.end,
            pl.col("completion_date").is_null()
            | (pl.col("completion_date") >= periods.first.start),
        )
        .group_by(
            *by,
            received=series_position(pl.col("receipt_date"), periods),
            completed=series_position(pl.col("completion_date"), periods),
        )
        .agg(cases=pl.len().cast(pl.Int64))
    )


def open_caseload_series(
    cases: pl.LazyFrame, periods: Periods, by: list[str], moves: pl.LazyFrame | None = None
) -> pl.LazyFrame:
    """Open caseload at each quarter end d of the series (see :func:`open_at`), by ``by``.

    Counted without pairing cases with dates: the cases open at d are those received by d less
    those completed by d. The series is a cumulative sum of receipts minus completions, with
    everything received before the series counted in its first quarter (a case received and
    completed before it is in neither). ``moves`` is :func:`movements` of the same cases,
    where already made.
    """
    n = len(periods.series)
    moves = movements(cases, periods, by) if moves is None else moves

    def counted(position: str, sign: int) -> pl.LazyFrame:
        return (
            moves.filter(pl.col(position) < n)  # null positions (still open) drop out here
            .group_by(*by, k=pl.col(position).clip(lower_bound=0))
            .agg(net=pl.col("cases").sum() * sign)
        )

    net = (
        pl.concat([counted("received", 1), counted("completed", -1)])
        .group_by(*by, "k")
        .agg(pl.col("net").sum())
    )
    # Every category and quarter gets a row, so quarters with no movement carry the total forward.
    grid = _category_grid(cases, by).join(_series_positions(periods), how="cross")
    return (
        grid.join(net, on=[*by, "k"], how="left")
        .with_columns(open_cases=pl.col("net").fill_null(0).cum_sum().over(by, order_by="k"))
        .select("quarter", *by, "open_cases")
    )


def age_band(days: pl.Expr) -> pl.Expr:
    """Age band of a case open ``days`` days (a week is 7: "13 to 26 weeks" is 91 <= days < 182)."""
    band = (
        pl.when(days < 13 * 7).then(pl.lit(AGE_BANDS[0]))
        .when(days < 26 * 7).then(pl.lit(AGE_BANDS[1]))
        .when(days < 52 * 7).then(pl.lit(AGE_BANDS[2]))
        .otherwise(pl.lit(AGE_BANDS[3]))
    )  # fmt: skip
    return band.cast(pl.Enum(AGE_BANDS))


def days_to_completion() -> pl.Expr:
    """Days to completion: from offence_date in the magistrates' courts, from charge_date in
    the Crown Court, to completion_date (null when the start date is missing)."""
    start = pl.when(pl.col("court_type") == MAGISTRATES).then(pl.col(TIMELINESS_START[MAGISTRATES]))
    start = start.when(pl.col("court_type") == CROWN).then(pl.col(TIMELINESS_START[CROWN]))
    return (pl.col("completion_date") - start).dt.total_days()


def one_decimal(value: pl.Expr) -> pl.Expr:
    """Rounded to one decimal place, halves away from zero (as published figures are)."""
    return value.round(1, mode="half_away_from_zero")


# --- Tables ------------------------------------------------------------------------------


def caseload(cases: pl.LazyFrame, periods: Periods) -> pl.LazyFrame:
    """Receipts and disposals in each quarter, and the open caseload at its end, by court type."""
    moves = movements(cases, periods, ["court_type"])
    n = len(periods.series)

    def in_quarter(position: str, **measure: pl.Expr) -> pl.LazyFrame:
        return (
            moves.filter(pl.col(position).is_between(0, n - 1))
            .group_by("court_type", k=pl.col(position))
            .agg(**measure)
            .join(_series_positions(periods), on="k")
            .drop("k")
        )

    receipts = in_quarter("received", receipts=pl.col("cases").sum())
    disposals = in_quarter("completed", disposals=pl.col("cases").sum())
    return (
        open_caseload_series(cases, periods, ["court_type"], moves)
        .join(receipts, on=["quarter", "court_type"], how="left")
        .join(disposals, on=["quarter", "court_type"], how="left")
    )


def receipts_by_offence(cases: pl.LazyFrame, periods: Periods) -> pl.LazyFrame:
    """Receipts in each of the latest four quarters, by court type and offence group."""
    first = periods.last(4)[0]
    recent = cases.filter(in_quarters(pl.col("receipt_date"), first.start, periods.latest.end))
    return group_by_quarter(
        recent, "receipt_date", "court_type", "offence_group", receipts=pl.len()
    )


def crown_open_by_age(cases: pl.LazyFrame, periods: Periods) -> pl.LazyFrame:
    """Crown Court cases open at each quarter end d, by age band of their age d - receipt_date."""
    crown = cases.filter(pl.col("court_type") == CROWN)
    age = (pl.col("quarter_end") - pl.col("receipt_date")).dt.total_days()
    return (
        open_at_quarter_ends(crown, periods)
        .group_by("quarter", age_band(age).alias("age_band"))
        .agg(open_cases=pl.col("cases").sum())
    )


def timeliness(cases: pl.LazyFrame, periods: Periods) -> pl.LazyFrame:
    """For cases disposed in each quarter, by court type: the median and mean days to completion
    (one decimal place), the number of cases they are based on, and the number left out because
    the start date is missing.

    The cases are counted by quarter, court type and days first (a few thousand rows), and the
    figures worked out from those counts: the median is the middle value of the days in order
    (the mean of the two middle values for an even number of cases), found from the running
    count of cases up to each number of days, rather than by sorting millions of cases.
    """
    by = ["court_type", "k"]
    counted = (
        disposed_in_series(cases, periods)
        .group_by(
            "court_type",
            k=series_position(pl.col("completion_date"), periods),
            days=days_to_completion(),
        )
        .agg(n=pl.len().cast(pl.Int64))
    )
    known, n, days = pl.col("days").is_not_null(), pl.col("n"), pl.col("days")
    counts = counted.group_by(by).agg(
        cases=n.filter(known).sum(), cases_left_out=n.filter(~known).sum()
    )
    # With N cases in order of days, the middle ones are the ((N + 1) // 2)th and (N // 2 + 1)th:
    # the fewest days whose running count reaches each (the same one when N is odd).
    running = counted.filter(known).with_columns(
        upto=n.cum_sum().over(by, order_by="days"), total=n.sum().over(by)
    )
    middle = running.group_by(by).agg(
        low=days.filter(pl.col("upto") >= (pl.col("total") + 1) // 2).min(),
        high=days.filter(pl.col("upto") >= pl.col("total") // 2 + 1).min(),
        mean_days=one_decimal((days * n).sum() / n.sum()),
    )
    # A quarter where every case lacks its start date has no median: null, shown as [z].
    return (
        counts.join(middle, on=by, how="left")
        .join(_series_positions(periods), on="k")
        .select(
            "quarter",
            "court_type",
            median_days=one_decimal((pl.col("low") + pl.col("high")) / 2),
            mean_days="mean_days",
            cases="cases",
            cases_left_out="cases_left_out",
        )
    )


def trial_effectiveness(cases: pl.LazyFrame, periods: Periods) -> pl.LazyFrame:
    """Among cases disposed in each quarter with an Effective, Cracked or Ineffective trial
    (Vacated left out), the percentage of each outcome (one decimal place) and the number of
    trials."""
    outcome = pl.col("trial_outcome")
    shares = {
        name.lower(): one_decimal(100 * (outcome == name).sum() / pl.len())
        for name in TRIAL_OUTCOMES
    }
    trials = disposed_in_series(cases, periods).filter(outcome.is_in(TRIAL_OUTCOMES))
    return group_by_quarter(trials, "completion_date", "court_type", **shares, trials=pl.len())


def open_by_region(cases: pl.LazyFrame, periods: Periods) -> pl.LazyFrame:
    """Cases open at the latest quarter end, by region and court type."""
    return (
        cases.filter(*open_at(pl.lit(periods.latest.end)))
        .group_by("region", "court_type")
        .agg(open_cases=pl.len())
    )


def crown_receipts_by_remand(cases: pl.LazyFrame, periods: Periods) -> pl.LazyFrame:
    """Crown Court receipts in each of the latest four quarters, by remand status (missing:
    "Not recorded", the schema's label for empty cells)."""
    first = periods.last(4)[0]
    received = cases.filter(
        pl.col("court_type") == CROWN,
        in_quarters(pl.col("receipt_date"), first.start, periods.latest.end),
    )
    return group_by_quarter(received, "receipt_date", "remand_status", receipts=pl.len())


# --- Helpers -----------------------------------------------------------------------------


def _category_grid(cases: pl.LazyFrame, dims: list[str]) -> pl.LazyFrame:
    """Every combination of the categories of ``dims`` (Enum columns), as a small lazy frame."""
    schema = cases.collect_schema()
    grid = pl.LazyFrame({"_": [0]})
    for dim in dims:
        dtype = schema[dim]
        values = pl.LazyFrame({dim: pl.Series(dtype.categories.to_list(), dtype=dtype)})  # type: ignore[union-attr]
        grid = grid.join(values, how="cross")
    return grid.drop("_")


def _series_positions(periods: Periods) -> pl.LazyFrame:
    """The series as positions ``k`` (0 = first quarter) with their ``quarter`` codes."""
    return pl.LazyFrame(
        {"k": list(range(len(periods.series))), "quarter": periods.codes},
        schema={"k": pl.Int32, "quarter": pl.String},
    )
