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
