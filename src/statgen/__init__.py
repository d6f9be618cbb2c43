"""statgen: reproducible official statistics publications from source extracts.

The public API is small: build a release, load a publication's config, and the helpers that
publication transforms use. Everything else is internal.

Names are imported when first used (module ``__getattr__``), so ``import statgen`` (and
``statgen --help``) loads neither Polars nor pydantic.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from statgen.config import Publication, load_publication
    from statgen.errors import ConfigError, ExtractError, PeriodError, StatgenError, TemplateError
    from statgen.periods import (
        FinancialYear,
        Month,
        Period,
        Periods,
        Quarter,
        Year,
        parse_period,
    )
    from statgen.tables import (
        group_by_period,
        group_by_quarter,
        period_code,
        period_ends,
        quarter_code,
        quarter_ends,
        rolling_12_months,
        rolling_total,
        series_position,
    )

__version__ = "0.1.0"

_WHERE = {
    "ConfigError": "statgen.errors",
    "ExtractError": "statgen.errors",
    "StatgenError": "statgen.errors",
    "TemplateError": "statgen.errors",
    "PeriodError": "statgen.errors",
    "FinancialYear": "statgen.periods",
    "Month": "statgen.periods",
    "Period": "statgen.periods",
    "Periods": "statgen.periods",
    "Quarter": "statgen.periods",
    "Year": "statgen.periods",
    "parse_period": "statgen.periods",
    "Publication": "statgen.config",
    "load_publication": "statgen.config",
    "group_by_period": "statgen.tables",
    "group_by_quarter": "statgen.tables",
    "period_code": "statgen.tables",
    "period_ends": "statgen.tables",
    "quarter_code": "statgen.tables",
    "quarter_ends": "statgen.tables",
    "rolling_12_months": "statgen.tables",
    "rolling_total": "statgen.tables",
    "series_position": "statgen.tables",
}

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
    "series_position",
]


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use."""
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'statgen' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_WHERE})


def build(*args, **kwargs):  # type: ignore[no-untyped-def]
    """Build a release (see :func:`statgen.pipeline.build`)."""
    from statgen.pipeline import build as _build

    return _build(*args, **kwargs)
