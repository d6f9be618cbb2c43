"""The helpers transforms use, for every frequency: codes, grouping, series ends, rolling
totals. Expected values are worked out by hand from the dates."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from statgen import (
    FinancialYear,
    Month,
    Periods,
    Quarter,
    group_by_period,
    period_code,
    period_ends,
    rolling_12_months,
    rolling_total,
    series_position,
)

DAYS = [dt.date(2025, 3, 31), dt.date(2025, 4, 1), dt.date(2025, 12, 31), dt.date(2026, 1, 15)]


@pytest.mark.parametrize(
    ("frequency", "codes"),
    [
        ("monthly", ["2025-03", "2025-04", "2025-12", "2026-01"]),
        ("quarterly", ["2025Q1", "2025Q2", "2025Q4", "2026Q1"]),
        ("annual", ["2025", "2025", "2025", "2026"]),
        ("financial_year", ["2024-25", "2025-26", "2025-26", "2025-26"]),
    ],
)
def test_period_code_of_every_frequency(frequency: str, codes: list[str]) -> None:
    frame = pl.DataFrame({"d": DAYS})
    assert frame.select(period_code(pl.col("d"), frequency))["d"].to_list() == codes


def test_group_by_period_names_the_dimension_after_the_frequency() -> None:
    frame = pl.LazyFrame({"d": DAYS, "k": ["a", "a", "b", "a"]})
    fy = group_by_period(frame, "d", "financial_year", "k", n=pl.len()).collect()
    assert sorted(fy.select("financial_year", "k", "n").rows()) == [
        ("2024-25", "a", 1), ("2025-26", "a", 2), ("2025-26", "b", 1)
    ]  # fmt: skip
    # The release's periods say the frequency; a finer one may be asked for instead.
    periods = Periods.ending(Quarter(2026, 1), 4)
    quarterly = group_by_period(frame, "d", periods, n=pl.len()).collect()
    assert dict(quarterly.select("quarter", "n").rows()) == {
        "2025Q1": 1, "2025Q2": 1, "2025Q4": 1, "2026Q1": 1
    }  # fmt: skip
    monthly = group_by_period(frame, "d", "monthly", n=pl.len()).collect()
    assert sorted(monthly["month"].to_list()) == ["2025-03", "2025-04", "2025-12", "2026-01"]


def test_period_ends_of_the_series_and_of_finer_periods() -> None:
    periods = Periods.ending(Quarter(2026, 1), 2)
    ends = period_ends(periods).collect()
    assert ends.rows() == [("2025Q4", dt.date(2025, 12, 31)), ("2026Q1", dt.date(2026, 3, 31))]
    months = period_ends(periods, "monthly").collect()
    assert months.columns == ["month", "month_end"]
    assert months["month"].to_list() == [
        "2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03"
    ]  # fmt: skip
    assert months["month_end"][1] == dt.date(2025, 11, 30)


def test_rolling_12_months_counts_missing_months_as_zero() -> None:
    # 14 months of counts 1, 2, ..., 14 for group a, except 2025-05 missing (a zero).
    months = [Month(2025, 1).shift(i) for i in range(14)]
    rows = [(m.code, "a", i + 1) for i, m in enumerate(months) if m.code != "2025-05"]
    frame = pl.LazyFrame(rows, schema=["month", "k", "n"], orient="row")
    out = rolling_12_months(frame, "n", "k").collect()
    by_month = dict(zip(out["month"], out["n"], strict=True))
    assert by_month["2025-11"] is None  # only 11 months before it
    # Dec 2025: 1 + 2 + ... + 12 less the missing May (5) = 78 - 5.
    assert by_month["2025-12"] == 73
    # Feb 2026: months 3..14 = 102, less May's 5.
    assert by_month["2026-02"] == 97
    assert by_month["2025-05"] is None and "2025-05" in by_month


def test_rolling_total_over_quarters_keeps_groups_apart() -> None:
    frame = pl.LazyFrame(
        {"quarter": ["2025Q1", "2025Q2", "2025Q1", "2025Q2"], "k": ["a", "a", "b", "b"],
         "n": [1, 2, 10, 20]}
    )  # fmt: skip
    out = rolling_total(frame, "n", "k", window=2, frequency="quarterly").collect()
    assert out.filter(pl.col("quarter") == "2025Q2").sort("k")["n"].to_list() == [3, 30]


@pytest.mark.parametrize(
    ("latest", "length", "days", "positions"),
    [
        # Quarters Jul to Sep 2025 .. Jan to Mar 2026: first and last days, either side, far off.
        (Quarter(2026, 1), 3,
         ["2025-06-30", "2025-07-01", "2025-09-30", "2025-10-01", "2026-03-31", "2026-04-01",
          "1901-01-01", "2999-12-31"],
         [-1, 0, 0, 1, 2, 3, -1, 3]),
        # Months: February of a leap year, and a year-end.
        (Month(2024, 3), 3,
         ["2023-12-31", "2024-01-01", "2024-02-29", "2024-03-01", "2024-03-31", "2024-04-01"],
         [-1, 0, 1, 2, 2, 3]),
        # Financial years run April to March.
        (FinancialYear(2025), 2,
         ["2024-03-31", "2024-04-01", "2025-03-31", "2025-04-01", "2026-03-31", "2026-04-01"],
         [-1, 0, 0, 1, 1, 2]),
    ],
)  # fmt: skip
def test_series_position_of_dates_in_every_frequency(
    latest: object, length: int, days: list[str], positions: list[int]
) -> None:
    periods = Periods.ending(latest, length)  # type: ignore[arg-type]
    frame = pl.DataFrame({"d": [dt.date.fromisoformat(d) for d in days] + [None]})
    got = frame.select(series_position(pl.col("d"), periods))["d"].to_list()
    assert got == [*positions, None]  # an empty date has no position
