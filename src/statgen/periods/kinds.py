"""The four period types (months, calendar quarters, calendar years and financial years), and
reading their codes and slugs."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import ClassVar

from statgen.errors import PeriodError
from statgen.periods.period import _MONTHS, _MONTHS_LONG, FREQUENCIES, Frequency, Period


@dataclass(frozen=True, eq=True)
class Month(Period):
    """A calendar month. ``Month(2026, 10)`` is October 2026."""

    year: int
    month: int

    frequency: ClassVar[Frequency] = "monthly"
    dimension: ClassVar[str] = "month"
    noun: ClassVar[str] = "month"
    per_year: ClassVar[int] = 12
    example: ClassVar[str] = "2026-10"
    form: ClassVar[str] = "YYYY-MM"
    _code: ClassVar[re.Pattern[str]] = re.compile(r"^(\d{4})-(\d{2})$")
    _slug: ClassVar[re.Pattern[str]] = re.compile(r"^(\d{4})-(\d{2})$")

    @classmethod
    def _from_match(cls, match: re.Match[str]) -> Month | None:
        month = int(match[2])
        return cls(int(match[1]), month) if 1 <= month <= 12 else None

    @property
    def index(self) -> int:
        """Months since year 0."""
        return self.year * 12 + self.month - 1

    @classmethod
    def from_index(cls, index: int) -> Month:
        """The month with this index."""
        return cls(index // 12, index % 12 + 1)

    @classmethod
    def containing(cls, day: dt.date) -> Month:
        """The month a date falls in."""
        return cls(day.year, day.month)

    @property
    def code(self) -> str:
        """``2026-10``."""
        return f"{self.year}-{self.month:02d}"

    @property
    def slug(self) -> str:
        """``2026-10``."""
        return self.code

    @property
    def start(self) -> dt.date:
        """The first of the month."""
        return dt.date(self.year, self.month, 1)

    @property
    def label(self) -> str:
        """ "Oct 2026"."""
        return f"{_MONTHS[self.month - 1]} {self.year}"

    @property
    def long_label(self) -> str:
        """ "October 2026"."""
        return f"{_MONTHS_LONG[self.month - 1]} {self.year}"


@dataclass(frozen=True, eq=True)
class Quarter(Period):
    """A calendar quarter. ``Quarter(2025, 1)`` is January to March 2025."""

    year: int
    q: int

    frequency: ClassVar[Frequency] = "quarterly"
    dimension: ClassVar[str] = "quarter"
    noun: ClassVar[str] = "quarter"
    per_year: ClassVar[int] = 4
    example: ClassVar[str] = "2025Q3"
    form: ClassVar[str] = "YYYYQn"
    _code: ClassVar[re.Pattern[str]] = re.compile(r"^(\d{4})[- ]?Q([1-4])$", re.IGNORECASE)
    _slug: ClassVar[re.Pattern[str]] = re.compile(r"^(\d{4})-q([1-4])$")

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """Read a code such as ``2025Q3`` (also ``2025-Q3``)."""
        found = super().parse(text)
        assert isinstance(found, Quarter)
        return found

    @classmethod
    def _from_match(cls, match: re.Match[str]) -> Quarter:
        return cls(int(match[1]), int(match[2]))

    @property
    def index(self) -> int:
        """Quarters since year 0."""
        return self.year * 4 + self.q - 1

    @classmethod
    def from_index(cls, index: int) -> Quarter:
        """The quarter with this index."""
        return cls(index // 4, index % 4 + 1)

    @classmethod
    def containing(cls, day: dt.date) -> Quarter:
        """The quarter a date falls in."""
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def code(self) -> str:
        """Machine code, sorts chronologically: ``2025Q1``."""
        return f"{self.year}Q{self.q}"

    @property
    def slug(self) -> str:
        """``2025-q1``."""
        return f"{self.year}-q{self.q}"

    @property
    def start(self) -> dt.date:
        """First day of the quarter."""
        return dt.date(self.year, 3 * self.q - 2, 1)

    @property
    def label(self) -> str:
        """Label as the Analysis Function guidance asks: "Jan to Mar 2025"."""
        return f"{_MONTHS[3 * self.q - 3]} to {_MONTHS[3 * self.q - 1]} {self.year}"

    @property
    def long_label(self) -> str:
        """Label for running text: "January to March 2025"."""
        return f"{_MONTHS_LONG[3 * self.q - 3]} to {_MONTHS_LONG[3 * self.q - 1]} {self.year}"

    def next(self) -> Quarter:
        """The following quarter."""
        return self.shift(1)

    def previous(self) -> Quarter:
        """The quarter before."""
        return self.shift(-1)

    def shift(self, n: int) -> Quarter:
        """The quarter ``n`` quarters later (earlier when negative)."""
        return Quarter.from_index(self.index + n)


@dataclass(frozen=True, eq=True)
class Year(Period):
    """A calendar year, January to December."""

    year: int

    frequency: ClassVar[Frequency] = "annual"
    dimension: ClassVar[str] = "year"
    noun: ClassVar[str] = "year"
    per_year: ClassVar[int] = 1
    example: ClassVar[str] = "2026"
    form: ClassVar[str] = "YYYY"
    _code: ClassVar[re.Pattern[str]] = re.compile(r"^(\d{4})$")
    _slug: ClassVar[re.Pattern[str]] = re.compile(r"^(\d{4})$")

    @classmethod
    def _from_match(cls, match: re.Match[str]) -> Year:
        return cls(int(match[1]))

    @property
    def index(self) -> int:
        """The year."""
        return self.year

    @classmethod
    def from_index(cls, index: int) -> Year:
        """The year with this index."""
        return cls(index)

    @classmethod
    def containing(cls, day: dt.date) -> Year:
        """The year a date falls in."""
        return cls(day.year)

    @property
    def code(self) -> str:
        """``2026``."""
        return str(self.year)

    @property
    def slug(self) -> str:
        """``2026``."""
        return self.code

    @property
    def start(self) -> dt.date:
        """1 January."""
        return dt.date(self.year, 1, 1)

    @property
    def label(self) -> str:
        """ "2026"."""
        return str(self.year)

    @property
    def long_label(self) -> str:
        """ "2026"."""
        return str(self.year)


@dataclass(frozen=True, eq=True)
class FinancialYear(Period):
    """A financial year, April to March. ``FinancialYear(2025)`` is April 2025 to March 2026."""

    year: int
    """The calendar year it starts in."""

    frequency: ClassVar[Frequency] = "financial_year"
    dimension: ClassVar[str] = "financial_year"
    noun: ClassVar[str] = "financial year"
    per_year: ClassVar[int] = 1
    example: ClassVar[str] = "2025-26"
    form: ClassVar[str] = "YYYY-YY"
    _code: ClassVar[re.Pattern[str]] = re.compile(r"^(\d{4})[-/](\d{2})$")
    _slug: ClassVar[re.Pattern[str]] = re.compile(r"^fy(\d{4})-(\d{2})$")

    @classmethod
    def _from_match(cls, match: re.Match[str]) -> FinancialYear | None:
        start = int(match[1])
        return cls(start) if int(match[2]) == (start + 1) % 100 else None

    @property
    def index(self) -> int:
        """The year it starts in."""
        return self.year

    @classmethod
    def from_index(cls, index: int) -> FinancialYear:
        """The financial year with this index."""
        return cls(index)

    @classmethod
    def containing(cls, day: dt.date) -> FinancialYear:
        """The financial year a date falls in (1 April starts one)."""
        return cls(day.year if day.month >= 4 else day.year - 1)

    @property
    def code(self) -> str:
        """``2025-26``."""
        return f"{self.year}-{(self.year + 1) % 100:02d}"

    @property
    def slug(self) -> str:
        """``fy2025-26``."""
        return f"fy{self.code}"

    @property
    def start(self) -> dt.date:
        """1 April."""
        return dt.date(self.year, 4, 1)

    @property
    def label(self) -> str:
        """ "Apr 2025 to Mar 2026"."""
        return f"Apr {self.year} to Mar {self.year + 1}"

    @property
    def long_label(self) -> str:
        """ "April 2025 to March 2026"."""
        return f"April {self.year} to March {self.year + 1}"


_TYPES: dict[str, type[Period]] = {
    "monthly": Month,
    "quarterly": Quarter,
    "annual": Year,
    "financial_year": FinancialYear,
}


PERIOD_DIMENSIONS: dict[str, Frequency] = {t.dimension: f for f, t in _TYPES.items()}  # type: ignore[misc]
"""Table dimensions that hold periods, and their frequency: ``month``, ``quarter``, ``year``,
``financial_year``."""


def period_type(frequency: str) -> type[Period]:
    """The period class of a frequency."""
    try:
        return _TYPES[frequency]
    except KeyError:
        raise PeriodError(
            f"frequency {frequency!r} is not one of {', '.join(FREQUENCIES)}"
        ) from None


def parse_period(text: str, frequency: str = "quarterly") -> Period:
    """Read a period code of a frequency: ``2026-10``, ``2026Q3``, ``2026``, ``2025-26``.

    A code of another frequency (``2026-09`` for a quarterly publication) is refused saying
    what it is, the form expected and the period of this frequency it falls in (``2026Q3``)."""
    kind = period_type(frequency)
    try:
        return kind.parse(text)
    except PeriodError:
        other = _of_another_frequency(text, kind)
        if other is None:
            raise
    first, last = kind.containing(other.start), kind.containing(other.end)
    where = (
        f"{other.code} is in {first.code}"
        if first == last
        else f"{other.code} runs from {first.code} to {last.code}"
    )
    raise PeriodError(
        f"period {text!r} is a {other.noun}, but this publication's periods are "
        f"{kind.noun}s: write it as {kind.form} ({where})"
    )


def _of_another_frequency(text: str, kind: type[Period]) -> Period | None:
    for other in _TYPES.values():
        if other is not kind:
            try:
                return other.parse(text)
            except PeriodError:
                pass
    return None


def parse_any_code(text: str) -> Period:
    """Read a code of whichever frequency it fits (quarterly first); for files that do not say
    their publication's frequency, such as sign-off entries."""
    for frequency in ("quarterly", "annual", "monthly", "financial_year"):
        try:
            return parse_period(text, frequency)
        except PeriodError:
            pass
    forms = ", ".join(f"{t.form} ({t.example})" for t in _TYPES.values())
    raise PeriodError(f"period {text!r} is not a period code: write it as one of {forms}")


def parse_slug(name: str) -> Period | None:
    """The period a folder name stands for (``2026-q3``, ``2026-10``, ``2026``, ``fy2025-26``)."""
    for kind in _TYPES.values():
        found = kind.from_slug(name)
        if found is not None:
            return found
    return None


def dimension_frequency(dim: str) -> Frequency | None:
    """The frequency of a period dimension (``month`` -> ``monthly``), or None."""
    return PERIOD_DIMENSIONS.get(dim)


def latest_complete(last_day: dt.date, frequency: str = "quarterly") -> Period:
    """The latest period ending on or before ``last_day`` (the extract's newest date)."""
    period = period_type(frequency).containing(last_day)
    return period if period.end <= last_day else period.previous()
