"""Tidy statistical tables: run the publication's transforms, add totals, order categories.

A transform is a pure function in ``publications/<slug>/transforms.py`` that takes extracts (as
lazy frames, by parameter name) and ``periods`` and returns a tidy lazy frame: one column per
dimension and one per measure. :mod:`statgen.tables.run` turns those into :class:`StatTable`
values; :mod:`statgen.tables.helpers` holds what transforms use.
"""

from statgen.tables.helpers import (
    group_by_period,
    group_by_quarter,
    period_code,
    period_dim,
    period_ends,
    quarter_code,
    quarter_ends,
    rolling_12_months,
    rolling_total,
    series_position,
)
from statgen.tables.model import (
    QUARTER,
    TOTAL,
    StatTable,
    category_label,
    format_column,
    marker_column,
    period_dimension,
)
from statgen.tables.run import (
    compute,
    finish,
    load_transforms,
    plan,
    table_periods,
    table_quarters,
)

__all__ = [
    "QUARTER",
    "TOTAL",
    "StatTable",
    "category_label",
    "compute",
    "finish",
    "group_by_period",
    "group_by_quarter",
    "load_transforms",
    "format_column",
    "marker_column",
    "period_code",
    "period_dim",
    "period_dimension",
    "period_ends",
    "plan",
    "quarter_code",
    "quarter_ends",
    "rolling_12_months",
    "rolling_total",
    "series_position",
    "table_periods",
    "table_quarters",
]
