"""Tables, their measures (counts, rates, percentages), notes, charts and disclosure rules."""

from __future__ import annotations

from typing import Literal

from pydantic import (
    Field,
    model_validator,
)

from statgen.config.base import SLUG, Strict


class Note(Strict):
    """A numbered note, shown on the Notes sheet and referenced as "[note N]"."""

    number: int
    """The note number, as in "[note 1]"."""
    text: str
    """The note, in full sentences."""


class Measure(Strict):
    """A measure in a table: one value column of the transform's tidy output."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    """Column name in the transform's output (snake_case)."""
    title: str
    """Column heading for people, without the unit (e.g. "Median days")."""
    unit: str
    """Unit shown in brackets under the heading, e.g. "number of people", "days", "%"."""
    format: Literal[
        "integer", "decimal1", "percent1", "currency", "currency_thousand", "currency_million"
    ] = "integer"
    """Number format: whole numbers with separators, one decimal place, a percentage to one
    decimal place (values are percentages, 0 to 100), or pounds: ``currency`` "£1,562",
    ``currency_thousand`` "£1,562 thousand" (values in thousands of pounds),
    ``currency_million`` "£1.6 million" (values in millions, one decimal place). Default
    ``decimal1`` for rates, ``percent1`` for percentages, else ``integer``."""
    additive: bool = True
    """Whether values may be summed to make totals (counts yes; medians and percentages no).
    Rates and percentages are never additive."""
    kind: Literal["count", "rate", "percentage", "other"] = "count"
    """What the measure is. A ``rate`` (``per`` people) or ``percentage`` is computed by statgen
    from its ``numerator`` and ``denominator`` measures (the transform does not return it); it
    is suppressed wherever either is, its totals come from the summed numerator and denominator,
    and it is [x] (not available) where the denominator is missing or zero. ``other``: a
    non-count the transform computes (medians, averages)."""
    per: int | None = Field(default=None, ge=1)
    """For rates: per how many of the denominator, e.g. ``1000`` for "per 1,000 prisoners"."""
    numerator: str | None = None
    """For rates and percentages: the count measure (of the same table) counted."""
    denominator: str | None = None
    """For rates and percentages: the count measure (of the same table) it is a share of."""
    counts: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$")
    """For counts that other tables show too: a name for what is counted, the same in each of
    those tables, e.g. ``incidents``. Cells with the same ``counts`` and the same categories
    (total categories left out) are one count; a table without a period dimension describes the
    release period, so its cells are the release period's cells of a table by period. One count
    is suppressed in every table if in one, and the QA
    check refuses any table that gives it away (shown, or rebuilt from a published rate or
    percentage and its denominator). Default: the count is this table's own, except that
    the numerator of a rate or percentage is matched without it, by its name, against the
    counts other tables suppress: where it has the same name (their ``counts``, else their
    name), categories that agree and the same value, it is suppressed with them. A ``counts``
    name overrides the measure name in that match."""

    @model_validator(mode="before")
    @classmethod
    def _ratio_defaults(cls, data: object) -> object:
        if not isinstance(data, dict) or data.get("kind") not in ("rate", "percentage"):
            return data
        if data.get("additive") is True:
            raise ValueError(f"additive: a {data['kind']} cannot be added up; remove 'additive'")
        default = "decimal1" if data["kind"] == "rate" else "percent1"
        return {"format": default, **data, "additive": False}

    @model_validator(mode="after")
    def _ratio_complete(self) -> Measure:
        if self.kind in ("rate", "percentage"):
            if not (self.numerator and self.denominator):
                raise ValueError(f"a {self.kind} needs its 'numerator' and 'denominator' measures")
            if self.kind == "rate" and self.per is None:
                raise ValueError("a rate needs 'per' (e.g. per: 1000)")
        elif self.numerator or self.denominator or self.per:
            raise ValueError("numerator, denominator and per are for kind: rate or percentage")
        return self

    @property
    def is_ratio(self) -> bool:
        """Whether statgen computes this measure from a numerator and a denominator."""
        return self.kind in ("rate", "percentage")

    @property
    def scale(self) -> float:
        """What the ratio of numerator to denominator is multiplied by (100, or ``per``)."""
        return float(self.per or 100)


class Disclosure(Strict):
    """Statistical disclosure control for a table's counts (see docs: disclosure control)."""

    enabled: bool = True
    """Whether the table's counts are protected at all (off only for figures that are not counts
    of people or events, or are already public)."""
    threshold: int = Field(default=4, ge=0)
    """Counts from 1 up to this number are suppressed ([c]) as primary suppression."""
    suppress_zero: bool = False
    """Whether zero counts are suppressed too (when a zero itself would disclose something)."""
    secondary: bool = True
    """Suppress further cells so that no suppressed cell can be worked out from a published
    total of the same table by subtraction (fewest, smallest cells first; deterministic)."""
    rounding: int | None = Field(default=None, ge=2)
    """Round every published count to the nearest multiple of this base (e.g. 5), after
    suppression; totals are rounded independently, so parts may not add up to them."""
    measures: list[str] | None = None
    """The count measures to protect; default every additive count of the table (amounts of
    money, ``currency`` formats, and ``kind: other`` figures are not counts: name them here to
    protect them)."""
    derived: dict[str, str] = {}
    """Measures computed from a protected count, by name: ``{median_days: orders}``. A derived
    figure is suppressed wherever the count it comes from is suppressed."""
    total_categories: dict[str, str] = {}
    """Total categories the transform computes itself, by dimension, e.g. ``{device_type: All
    device types}``: the other categories of that dimension add up to them."""


class Table(Strict):
    """A statistical table: one sheet in the workbooks, one CSV, one HTML table."""

    id: str = Field(pattern=SLUG)
    """Stable identifier: the CSV file name and the anchor in the page."""
    title: str
    """Title, without the table number. Put note markers here as "[note 1]"."""
    transform: str = Field(pattern=r"^[a-z_][a-z0-9_]*$")
    """Name of the function in the publication's transforms.py that computes the table."""
    rows: list[str] = Field(min_length=1)
    """Dimensions that make the rows, outermost first. ``month``, ``quarter``, ``year`` and
    ``financial_year`` are period dimensions (codes such as ``2026-10``, ``2026Q3``, ``2026``,
    ``2025-26``); a table may use a finer period than the release (months in a quarterly
    release)."""
    columns: str | None = None
    """Dimension spread across the columns (its categories become headings), if any."""
    measures: list[Measure] = Field(min_length=1)
    """The measures, in column order."""
    quarters: int | None = Field(default=None, ge=1)
    """For tables with a ``quarter`` dimension: how many quarters they cover, ending with the
    release period (default: the whole series). Same as ``periods``."""
    periods: int | None = Field(default=None, ge=1)
    """For tables with a period dimension: how many of the release's periods they cover, ending
    with the release period (default: the whole series). A monthly table in a quarterly
    release with ``periods: 4`` shows the 12 months of the last 4 quarters."""
    totals: list[str] = []
    """Dimensions to add a "Total" category to, by summing the additive measures."""
    empty_periods: bool = False
    """Whether a period with no rows at all is a true zero (events rare enough that a whole
    month can have none): it is then shown as zeros with a QA warning naming it. By default
    such a period fails the build, as an extract with a period missing would publish zeros."""
    notes: list[int] = []
    """Numbers of the notes that apply to the table."""
    sheet: str | None = Field(default=None, pattern=r"^[A-Za-z][A-Za-z0-9_]{0,30}$")
    """Sheet name in the workbooks (no spaces, at most 31 characters); default ``Table_<n>``."""
    summary: str | None = None
    """One line for the contents sheet; default the title."""
    disclosure: Disclosure | None = None
    """Disclosure control for this table: any keys of the publication's ``disclosure`` block,
    overriding only the keys given, e.g. ``{threshold: 9}`` or ``{derived: {median_days:
    orders}}``."""

    @model_validator(mode="after")
    def _dimensions_consistent(self) -> Table:
        dims = [*self.rows, *([self.columns] if self.columns else [])]
        if len(set(dims)) != len(dims):
            raise ValueError(f"a dimension is listed twice in rows/columns: {dims}")
        unknown = [t for t in self.totals if t not in dims]
        if unknown:
            raise ValueError(f"totals {unknown} are not dimensions of the table (known: {dims})")
        names = [m.name for m in self.measures]
        if len(set(names)) != len(names):
            raise ValueError(f"measure names must be unique: {names}")
        by_name = {m.name: m for m in self.measures}
        for m in self.measures:
            for part in (m.numerator, m.denominator):
                if part is None:
                    continue
                if part not in by_name:
                    raise ValueError(f"measure {m.name!r}: no measure {part!r} (known: {names})")
                if not by_name[part].additive:
                    raise ValueError(f"measure {m.name!r}: {part!r} must be an additive count")
        if self.disclosure is not None:
            names = [m.name for m in self.measures]
            rules = self.disclosure
            named = [*(rules.measures or []), *rules.derived, *rules.derived.values()]
            unknown_measures = [m for m in named if m not in names]
            if unknown_measures:
                raise ValueError(f"disclosure: no measure {unknown_measures} (known: {names})")
            wrong = [d for d in rules.total_categories if d not in dims]
            if wrong:
                raise ValueError(f"disclosure.total_categories: {wrong} are not dimensions {dims}")
        return self

    @property
    def dims(self) -> list[str]:
        """All dimensions: the row dimensions then the column dimension."""
        return [*self.rows, *([self.columns] if self.columns else [])]


class Chart(Strict):
    """A chart drawn from one table."""

    id: str = Field(pattern=SLUG)
    """Stable identifier: the anchor and the element id in the page."""
    table: str
    """Id of the table the chart draws."""
    kind: Literal["line", "bar", "column"]
    """Line chart (series over time), horizontal bar chart, or vertical column chart."""
    title: str
    """Visible title: say what the chart shows, ideally its main message."""
    x: str
    """Dimension along the category axis (e.g. ``quarter``, ``region``)."""
    series: str | None = None
    """Dimension that makes one line or bar colour per category, if any."""
    measure: str
    """Name of the measure drawn."""
    where: dict[str, str] = {}
    """Fixed values of other dimensions, e.g. ``{region: Wales}``."""
    include_totals: bool = False
    """Whether "Total" categories are drawn (usually not: they dwarf the parts)."""
    exclude: list[str] = []
    """Other categories left out of the chart and its description, e.g. ``[All incidents]``
    (categories the transform computes as totals)."""
    stacked: bool = False
    """For bar and column charts: stack the series instead of placing them side by side."""
    description: str
    """Text alternative: what the chart shows, as a Jinja2 template filled with computed figures."""
    interactive: bool | None = None
    """Draw this chart with plotly.js in the browser instead of as a static image; default the
    publication's ``interactive``."""
