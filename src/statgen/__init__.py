"""statgen: reproducible official statistics publications from source extracts.

The public API is small: build a release, load a publication's config, and the helpers that
publication transforms use. Everything else is internal.
"""

from statgen.config import Publication, load_publication
from statgen.errors import ConfigError, ExtractError, PeriodError, StatgenError, TemplateError
from statgen.periods import FinancialYear, Month, Period, Periods, Quarter, Year, parse_period
from statgen.tables import (
    group_by_period,
    group_by_quarter,
    period_code,
    period_ends,
    quarter_code,
    quarter_ends,
    rolling_12_months,
    rolling_total,
)

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "ExtractError",
    "FinancialYear",
    "Month",
    "Period",
    "PeriodError",
    "Periods",
    "Publication",
    "Quarter",
    "StatgenError",
    "TemplateError",
    "__version__",
    "Year",
    "build",
    "group_by_period",
    "group_by_quarter",
    "load_publication",
    "parse_period",
    "period_code",
    "period_ends",
    "quarter_code",
    "quarter_ends",
    "rolling_12_months",
    "rolling_total",
]


def build(*args, **kwargs):  # type: ignore[no-untyped-def]
    """Build a release (see :func:`statgen.pipeline.build`)."""
    from statgen.pipeline import build as _build

    return _build(*args, **kwargs)
