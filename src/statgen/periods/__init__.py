"""Periods of every frequency a publication can have: months, calendar quarters, calendar years
and financial years (April to March).

Each period has a **code** (what people type on the command line and in ``release_calendar``),
a **slug** (folder and file names), **labels** in the GOV.UK style, its first and last day, and
arithmetic (``previous``, ``next``, ``shift``).

==================  ==========  =============  =========================  =====================
frequency           code        slug           label (tables, charts)     long label (text)
==================  ==========  =============  =========================  =====================
``monthly``         ``2026-10``  ``2026-10``   Oct 2026                   October 2026
``quarterly``       ``2026Q3``   ``2026-q3``   Jul to Sep 2026            July to September 2026
``annual``          ``2026``     ``2026``      2026                       2026
``financial_year``  ``2025-26``  ``fy2025-26`` Apr 2025 to Mar 2026       April 2025 to March 2026
==================  ==========  =============  =========================  =====================

Slugs never collide between frequencies, so a folder name alone says which period it is.
:mod:`~statgen.periods.period` holds the base class, :mod:`~statgen.periods.kinds` the four
types and the reading of codes and slugs; this module holds :class:`Periods` (a release's series).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from statgen.periods.kinds import (
    PERIOD_DIMENSIONS,
    FinancialYear,
    Month,
    Quarter,
    Year,
    dimension_frequency,
    latest_complete,
    parse_any_code,
    parse_period,
    parse_slug,
    period_type,
)
from statgen.periods.period import FREQUENCIES, Frequency, Period, format_date

__all__ = [
    "FREQUENCIES",
    "PERIOD_DIMENSIONS",
    "FinancialYear",
    "Frequency",
    "Month",
    "Period",
    "Periods",
    "Quarter",
    "Year",
    "dimension_frequency",
    "format_date",
    "latest_complete",
    "parse_any_code",
    "parse_period",
    "parse_slug",
    "period_type",
]


@dataclass(frozen=True)
class Periods:
    """The periods one release covers: the release period and the series ending in it."""

    latest: Period
    series: tuple[Period, ...]

    @classmethod
    def ending(cls, latest: Period, length: int) -> Periods:
        """A series of ``length`` periods ending with ``latest``."""
        return cls(latest, tuple(latest.shift(-i) for i in range(length - 1, -1, -1)))

    @property
    def frequency(self) -> Frequency:
        """The frequency of the release."""
        return self.latest.frequency

    @property
    def first(self) -> Period:
        """The earliest period in the series."""
        return self.series[0]

    def last(self, n: int) -> tuple[Period, ...]:
        """The last ``n`` periods of the series."""
        return self.series[-n:]

    @property
    def codes(self) -> list[str]:
        """Period codes of the series, oldest first."""
        return [q.code for q in self.series]

    @property
    def ends(self) -> list[dt.date]:
        """Last days of the series' periods, oldest first."""
        return [q.end for q in self.series]

    def finer(self, frequency: str, n: int | None = None) -> list[Period]:
        """The periods of a finer ``frequency`` (months in a quarterly release) making up the
        last ``n`` periods of the series (default all), oldest first."""
        return [p for big in self.last(n or len(self.series)) for p in big.divide(frequency)]  # type: ignore[arg-type]
