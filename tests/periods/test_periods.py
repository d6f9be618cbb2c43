import datetime as dt

import pytest

from statgen.errors import ConfigError
from statgen.periods import Periods, Quarter, format_date, latest_complete


def test_labels_follow_the_guidance() -> None:
    q = Quarter(2025, 1)
    assert q.label == "Jan to Mar 2025"
    assert q.long_label == "January to March 2025"
    assert q.code == "2025Q1"
    assert (q.start, q.end) == (dt.date(2025, 1, 1), dt.date(2025, 3, 31))
    assert Quarter(2024, 4).end == dt.date(2024, 12, 31)
    assert Quarter(2024, 1).end == dt.date(2024, 3, 31)


def test_parse_and_arithmetic() -> None:
    assert Quarter.parse("2025Q3") == Quarter(2025, 3)
    assert Quarter.parse("2025-q3") == Quarter(2025, 3)
    assert Quarter(2025, 1).previous() == Quarter(2024, 4)
    assert Quarter(2024, 4).next() == Quarter(2025, 1)
    assert Quarter(2025, 1).shift(-4) == Quarter(2024, 1)
    assert Quarter(2025, 2).shift(-6) == Quarter(2023, 4)
    with pytest.raises(ConfigError, match="YYYYQn"):
        Quarter.parse("2025-07")


def test_latest_complete_quarter() -> None:
    assert latest_complete(dt.date(2026, 10, 31)) == Quarter(2026, 3)
    assert latest_complete(dt.date(2026, 9, 30)) == Quarter(2026, 3)
    assert latest_complete(dt.date(2026, 9, 29)) == Quarter(2026, 2)


def test_series_ends_with_latest() -> None:
    periods = Periods.ending(Quarter(2025, 2), 5)
    assert periods.codes == ["2024Q2", "2024Q3", "2024Q4", "2025Q1", "2025Q2"]
    assert periods.first == Quarter(2024, 2)
    assert format_date(dt.date(2026, 12, 10)) == "10 December 2026"


# --- every frequency -----------------------------------------------------------------------

from statgen.errors import PeriodError  # noqa: E402
from statgen.layout import RELEASE, parse_period_slug, period_slug  # noqa: E402
from statgen.periods import (  # noqa: E402
    FinancialYear,
    Month,
    Year,
    parse_any_code,
    parse_period,
    parse_slug,
)

# (frequency, code, slug, label, long label, first day, last day), written out by hand.
EVERY = [
    ("monthly", "2026-10", "2026-10", "Oct 2026", "October 2026",
     dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
    ("monthly", "2024-02", "2024-02", "Feb 2024", "February 2024",
     dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
    ("quarterly", "2026Q3", "2026-q3", "Jul to Sep 2026", "July to September 2026",
     dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
    ("annual", "2026", "2026", "2026", "2026", dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
    ("financial_year", "2025-26", "fy2025-26", "Apr 2025 to Mar 2026", "April 2025 to March 2026",
     dt.date(2025, 4, 1), dt.date(2026, 3, 31)),
    ("financial_year", "1999-00", "fy1999-00", "Apr 1999 to Mar 2000", "April 1999 to March 2000",
     dt.date(1999, 4, 1), dt.date(2000, 3, 31)),
]  # fmt: skip


@pytest.mark.parametrize(("frequency", "code", "slug", "label", "long", "start", "end"), EVERY)
def test_every_frequency_reads_its_code_and_labels_it_in_the_govuk_style(
    frequency: str, code: str, slug: str, label: str, long: str, start: dt.date, end: dt.date
) -> None:
    period = parse_period(code, frequency)
    assert (period.code, period.slug, period.label, period.long_label) == (code, slug, label, long)
    assert (period.start, period.end) == (start, end)
    assert period.frequency == frequency
    # Folder names read back to the same period without knowing the frequency.
    assert parse_slug(slug) == period == parse_period_slug(period_slug(period))
    match = RELEASE.match(f"{slug}-v3")
    assert match and match[1] == slug and match[2] == "3"


def test_arithmetic_of_every_frequency() -> None:
    assert Month(2026, 1).previous() == Month(2025, 12)
    assert Month(2026, 12).next() == Month(2027, 1)
    assert Month(2026, 10).year_earlier() == Month(2025, 10)
    assert Month(2026, 3).shift(-15) == Month(2024, 12)
    assert Year(2026).shift(-3) == Year(2023)
    assert FinancialYear(2025).previous().code == "2024-25"
    assert FinancialYear(2025).year_earlier() == FinancialYear(2024)
    assert Quarter(2026, 3).year_earlier() == Quarter(2025, 3)
    # Finer periods within a coarser one, and containment.
    assert [m.code for m in Quarter(2026, 3).divide("monthly")] == ["2026-07", "2026-08", "2026-09"]
    assert [q.code for q in FinancialYear(2025).divide("quarterly")] == [
        "2025Q2", "2025Q3", "2025Q4", "2026Q1"
    ]  # fmt: skip
    assert len(Year(2025).divide("monthly")) == 12
    assert FinancialYear(2025).contains(Month(2026, 3))
    assert not FinancialYear(2025).contains(Month(2026, 4))
    assert sorted([Month(2026, 2), Month(2025, 11), Month(2026, 1)])[0] == Month(2025, 11)


def test_latest_complete_period_of_every_frequency() -> None:
    day = dt.date(2026, 10, 31)
    assert latest_complete(day, "monthly") == Month(2026, 10)
    assert latest_complete(dt.date(2026, 10, 30), "monthly") == Month(2026, 9)
    assert latest_complete(day, "annual") == Year(2025)
    assert latest_complete(day, "financial_year") == FinancialYear(2025)
    assert latest_complete(dt.date(2026, 3, 31), "financial_year") == FinancialYear(2025)
    assert latest_complete(dt.date(2026, 3, 30), "financial_year") == FinancialYear(2024)


@pytest.mark.parametrize(
    ("text", "frequency", "form"),
    [
        ("2024-25", "quarterly", "YYYYQn"),
        ("2026Q3", "monthly", "YYYY-MM"),
        ("2026-13", "monthly", "YYYY-MM"),
        ("2025-27", "financial_year", "YYYY-YY"),
        ("2025", "financial_year", "YYYY-YY"),
        ("26", "annual", "YYYY"),
    ],
)
def test_a_bad_code_names_the_form_of_the_publications_frequency(
    text: str, frequency: str, form: str
) -> None:
    with pytest.raises(PeriodError, match=form) as caught:
        parse_period(text, frequency)
    assert caught.value.code == "period-invalid"


@pytest.mark.parametrize(
    ("text", "frequency", "says"),
    [
        # Worked out by hand: September 2026 is in the third quarter (July to September).
        ("2026-09", "quarterly", "'2026-09' is a month, but this publication's periods are "
         "quarters: write it as YYYYQn (2026-09 is in 2026Q3)"),
        ("2026Q3", "monthly", "'2026Q3' is a quarter, but this publication's periods are months: "
         "write it as YYYY-MM (2026Q3 runs from 2026-07 to 2026-09)"),
        # April 2025 to March 2026: from the second quarter of 2025 to the first of 2026.
        ("2025-26", "quarterly", "'2025-26' is a financial year, but this publication's periods "
         "are quarters: write it as YYYYQn (2025-26 runs from 2025Q2 to 2026Q1)"),
        ("2026Q1", "financial_year", "(2026Q1 is in 2025-26)"),
        ("2026-09", "annual", "write it as YYYY (2026-09 is in 2026)"),
    ],
)  # fmt: skip
def test_a_code_of_another_frequency_says_what_it_is_and_where_it_falls(
    text: str, frequency: str, says: str
) -> None:
    with pytest.raises(PeriodError) as caught:
        parse_period(text, frequency)
    assert says in str(caught.value)
    assert caught.value.code == "period-invalid"


def test_series_of_other_frequencies_and_their_finer_periods() -> None:
    months = Periods.ending(Month(2026, 2), 4)
    assert months.codes == ["2025-11", "2025-12", "2026-01", "2026-02"]
    quarters = Periods.ending(Quarter(2026, 3), 2)
    assert [m.code for m in quarters.finer("monthly")] == [
        "2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09"
    ]  # fmt: skip
    assert [m.code for m in quarters.finer("monthly", 1)][0] == "2026-07"
    assert parse_any_code("2026Q3") == Quarter(2026, 3)
    assert parse_any_code("2025-26") == FinancialYear(2025)
    with pytest.raises(PeriodError):
        parse_any_code("soon")
