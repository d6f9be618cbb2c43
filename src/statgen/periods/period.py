"""The period base class, month names and the GOV.UK date format."""

from __future__ import annotations

import datetime as dt
import re
from functools import total_ordering
from typing import ClassVar, Literal

from statgen.errors import PeriodError

Frequency = Literal["monthly", "quarterly", "annual", "financial_year"]


FREQUENCIES: tuple[Frequency, ...] = ("monthly", "quarterly", "annual", "financial_year")


_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


_MONTHS_LONG = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip


@total_ordering
class Period:
    """A period of one frequency. Subclasses: :class:`Month`, :class:`Quarter`, :class:`Year`,
    :class:`FinancialYear`. Periods sort by their first then last day."""

    frequency: ClassVar[Frequency]
    dimension: ClassVar[str]
    """The name of a table dimension holding periods of this frequency (``quarter``...)."""
    noun: ClassVar[str]
    """The period in words: "quarter", "month", "year", "financial year"."""
    per_year: ClassVar[int]
    """Periods in a year: how far back "the same period a year earlier" is."""
    example: ClassVar[str]
    form: ClassVar[str]
    _code: ClassVar[re.Pattern[str]]
    _slug: ClassVar[re.Pattern[str]]

    # --- subclasses define these -------------------------------------------------------------

    @property
    def index(self) -> int:
        """Consecutive periods have consecutive indexes."""
        raise NotImplementedError

    @classmethod
    def from_index(cls, index: int) -> Period:
        """The period with this index."""
        raise NotImplementedError

    @classmethod
    def containing(cls, day: dt.date) -> Period:
        """The period a date falls in."""
        raise NotImplementedError

    @classmethod
    def _from_match(cls, match: re.Match[str]) -> Period | None:
        raise NotImplementedError

    @property
    def code(self) -> str:
        """Machine code, sorts chronologically, e.g. ``2025Q1``."""
        raise NotImplementedError

    @property
    def slug(self) -> str:
        """Lower case, hyphenated code for folder and file names, e.g. ``2025-q1``."""
        raise NotImplementedError

    @property
    def start(self) -> dt.date:
        """First day of the period."""
        raise NotImplementedError

    @property
    def label(self) -> str:
        """Short label for tables and charts, e.g. "Jan to Mar 2025"."""
        raise NotImplementedError

    @property
    def long_label(self) -> str:
        """Label for running text, e.g. "January to March 2025"."""
        raise NotImplementedError

    # --- shared ------------------------------------------------------------------------------

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read a code of this frequency; a :class:`PeriodError` names the expected form."""
        if cls is Period:
            raise TypeError("use parse_period(text, frequency)")
        match = cls._code.match(str(text).strip())
        if match and not 1900 <= int(match[1]) <= 9998:
            raise PeriodError(
                f"period {text!r}: the year {int(match[1])} is out of range (1900 to 9998); "
                f"write the {cls.noun} as {cls.form}, e.g. {cls.example}"
            )
        found = cls._from_match(match) if match else None
        if found is None:
            raise PeriodError(
                f"period {text!r} is not a {cls.noun}: write it as {cls.form}, e.g. {cls.example}"
            )
        return found

    @classmethod
    def from_slug(cls, name: str) -> Period | None:
        """The period a folder name stands for, or None."""
        match = cls._slug.match(name)
        return cls._from_match(match) if match else None

    @property
    def end(self) -> dt.date:
        """Last day of the period: figures "as at" the period are taken on this day."""
        return self.next().start - dt.timedelta(days=1)

    @property
    def end_label(self) -> str:
        """The period's last day in words: "31 March 2025"."""
        return format_date(self.end)

    def next(self) -> Period:
        """The following period."""
        return self.shift(1)

    def previous(self) -> Period:
        """The period before."""
        return self.shift(-1)

    def shift(self, n: int) -> Period:
        """The period ``n`` periods later (earlier when negative)."""
        return type(self).from_index(self.index + n)

    def year_earlier(self) -> Period:
        """The same period a year before."""
        return self.shift(-self.per_year)

    def contains(self, other: Period) -> bool:
        """Whether ``other`` lies wholly within this period (a month within its quarter)."""
        return self.start <= other.start and other.end <= self.end

    def divide(self, frequency: Frequency) -> list[Period]:
        """The periods of a finer ``frequency`` that make up this one, oldest first."""
        from statgen.periods.kinds import period_type  # the types are subclasses of this one

        kind = period_type(frequency)
        found, p = [], kind.containing(self.start)
        while p.end <= self.end:
            if p.start >= self.start:
                found.append(p)
            p = p.next()
        return found

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return (self.start, self.end) < (other.start, other.end)

    def __str__(self) -> str:
        return self.code


def format_date(day: dt.date) -> str:
    """A date as GOV.UK writes it: "10 December 2026"."""
    return f"{day.day} {_MONTHS_LONG[day.month - 1]} {day.year}"
