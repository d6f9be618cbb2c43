"""Calendar quarters: codes such as ``2025Q1``, labels such as "Jan to Mar 2025", and series."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import total_ordering

from statgen.errors import PeriodError

_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_MONTHS_LONG = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
_CODE = re.compile(r"^(\d{4})[- ]?Q([1-4])$", re.IGNORECASE)


@total_ordering
@dataclass(frozen=True)
class Quarter:
    """A calendar quarter. ``Quarter(2025, 1)`` is January to March 2025."""

    year: int
    q: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """Read a code such as ``2025Q3`` (also ``2025-Q3``)."""
        m = _CODE.match(text.strip())
        if not m:
            raise PeriodError(f"period {text!r} is not a quarter: write it as YYYYQn, e.g. 2025Q3")
        year = int(m.group(1))
        if not 1900 <= year <= 9998:
            raise PeriodError(
                f"period {text!r}: the year {year} is out of range (1900 to 9998); write the "
                "quarter as YYYYQn, e.g. 2025Q3"
            )
        return cls(year, int(m.group(2)))

    @classmethod
    def containing(cls, day: dt.date) -> Quarter:
        """The quarter a date falls in."""
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def code(self) -> str:
        """Machine code, sorts chronologically: ``2025Q1``."""
        return f"{self.year}Q{self.q}"

    @property
    def start(self) -> dt.date:
        """First day of the quarter."""
        return dt.date(self.year, 3 * self.q - 2, 1)

    @property
    def end(self) -> dt.date:
        """Last day of the quarter: figures "as at" the quarter are taken on this day."""
        return self.next().start - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        """Label as the Analysis Function guidance asks: "Jan to Mar 2025"."""
        return f"{_MONTHS[3 * self.q - 3]} to {_MONTHS[3 * self.q - 1]} {self.year}"

    @property
    def long_label(self) -> str:
        """Label for running text: "January to March 2025"."""
        return f"{_MONTHS_LONG[3 * self.q - 3]} to {_MONTHS_LONG[3 * self.q - 1]} {self.year}"

    @property
    def end_label(self) -> str:
        """The quarter end in words: "31 March 2025"."""
        return format_date(self.end)

    def next(self) -> Quarter:
        """The following quarter."""
        return Quarter(self.year + self.q // 4, self.q % 4 + 1)

    def previous(self) -> Quarter:
        """The quarter before."""
        return Quarter(self.year - (self.q == 1), (self.q - 2) % 4 + 1)

    def shift(self, n: int) -> Quarter:
        """The quarter ``n`` quarters later (earlier when negative)."""
        index = self.year * 4 + (self.q - 1) + n
        return Quarter(index // 4, index % 4 + 1)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Quarter):
            return NotImplemented
        return (self.year, self.q) < (other.year, other.q)

    def __str__(self) -> str:
        return self.code


def latest_complete(last_day: dt.date) -> Quarter:
    """The latest quarter ending on or before ``last_day`` (the extract's newest date)."""
    quarter = Quarter.containing(last_day)
    return quarter if quarter.end <= last_day else quarter.previous()


@dataclass(frozen=True)
class Periods:
    """The periods one release covers: the release quarter and the quarterly series ending in it."""

    latest: Quarter
    series: tuple[Quarter, ...]

    @classmethod
    def ending(cls, latest: Quarter, length: int) -> Periods:
        """A series of ``length`` quarters ending with ``latest``."""
        return cls(latest, tuple(latest.shift(-i) for i in range(length - 1, -1, -1)))

    @property
    def first(self) -> Quarter:
        """The earliest quarter in the series."""
        return self.series[0]

    def last(self, n: int) -> tuple[Quarter, ...]:
        """The last ``n`` quarters of the series."""
        return self.series[-n:]

    @property
    def codes(self) -> list[str]:
        """Quarter codes of the series, oldest first."""
        return [q.code for q in self.series]

    @property
    def ends(self) -> list[dt.date]:
        """Quarter-end dates of the series, oldest first."""
        return [q.end for q in self.series]


def format_date(day: dt.date) -> str:
    """A date as GOV.UK writes it: "10 December 2026"."""
    return f"{day.day} {_MONTHS_LONG[day.month - 1]} {day.year}"
