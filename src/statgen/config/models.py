"""Strict, typed publication config: ``publications/<slug>/publication.yaml``.

Every model forbids unknown keys, and each field's docstring is the reference for that key
(``docs/config.md`` is generated from them). Errors name the file and the key.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Literal, TypeVar

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from statgen.errors import ConfigError, SlugError
from statgen.periods import Frequency, Period, parse_period, period_type

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class Strict(BaseModel):
    """Base for config models: unknown keys are errors; field docstrings are the reference."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class Column(Strict):
    """One column of a source extract and the rules its values must keep."""

    type: Literal["string", "integer", "number", "date", "category"]
    """Data type. ``category`` columns only take the listed ``values``."""
    nullable: bool = False
    """Whether the column may be empty. Non-nullable columns with empty cells are errors."""
    unique: bool = False
    """Whether every value must be different (identifiers)."""
    values: list[str] | None = None
    """For ``category`` columns: the allowed values, in the order tables show them."""
    within: dict[str, dict[str, list[str]]] | None = None
    """For ``category`` columns whose values depend on another column: ``{other_column: {other
    value: [allowed values]}}``."""
    min: float | None = None
    """For numbers: the smallest plausible value (smaller values are errors)."""
    max: float | None = None
    """For numbers: the largest plausible value (larger values are errors)."""
    earliest: dt.date = dt.date(2000, 1, 1)
    """For dates: earlier dates are errors (usually typing or system default dates)."""
    not_before: str | None = None
    """For dates: the name of another date column this one may not precede (e.g. an end date is
    not before its start date)."""
    not_after: str | None = None
    """For dates: the name of another date column this one may not follow (e.g. an offence date
    is not after the completion date). Rows where either is empty are not compared."""
    requires: str | None = None
    """The name of another column that must have a value wherever this one has one (e.g. an end
    reason requires an end date)."""
    missing: str = "Not recorded"
    """For nullable ``category`` columns: the category empty cells are counted under, in every
    table and total (it is shown only when some cell is empty)."""
    take_date: bool = False
    """For dates stored as Parquet timestamps: take the date of timestamps that have a time of
    day (otherwise they are refused; timestamps at midnight are always read as that date)."""

    @model_validator(mode="after")
    def _category_has_values(self) -> Column:
        if self.type == "category" and not (self.values or self.within):
            raise ValueError("a category column needs 'values' (the allowed values)")
        return self


class Reference(Strict):
    """A reference between extracts: every value of some columns exists in another extract."""

    columns: list[str] = Field(min_length=1)
    """Columns of this extract whose values (together) must be found in the other extract."""
    extract: str
    """The other extract, by name."""
    to: list[str] | None = None
    """Its columns to look in, in the same order; default the same names as ``columns``."""


class Query(Strict):
    """An extract read straight from a database with a SQL query (instead of a file)."""

    sql: str
    """The query. Its result's column names are the extract's columns."""
    connection: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    """Name of the environment variable holding the connection URI, e.g. ``STATGEN_DB``
    (``postgresql://user@host/db``, or ``duckdb:///path/to/file.duckdb``). Never put a password
    in the config: the variable (or the driver's own password file) holds it."""


class Extract(Strict):
    """A source extract: a CSV or Parquet file named ``<name>.parquet`` or ``<name>.csv``, or
    the result of a SQL query (``query``)."""

    description: str
    """What one row is, in words."""
    columns: dict[str, Column]
    """The columns the extract must have, in order, with their types and rules."""
    unique: list[str] | list[list[str]] = []
    """Columns whose values, taken together, identify a row: ``[prison, month]`` (no two rows
    share both). A list of such lists declares several keys."""
    references: list[Reference] = []
    """Values that must exist in another extract, e.g. every ``prison`` of ``incidents`` in
    ``population``: ``[{columns: [prison], extract: population}]``."""
    query: Query | None = None
    """Read the extract from a database instead of a file: ``{sql: SELECT ..., connection:
    STATGEN_DB}``. The rows are validated like a file's; the manifest records their hash."""

    min_rows: int = Field(default=1, ge=1)
    """Fewest rows a plausible extract has: fewer means a failed or partial export."""

    @property
    def keys(self) -> list[list[str]]:
        """The multi-column keys declared by ``unique``."""
        if not self.unique:
            return []
        if isinstance(self.unique[0], str):
            return [list(self.unique)]  # type: ignore[arg-type]
        return [list(k) for k in self.unique]  # type: ignore[union-attr]

    @model_validator(mode="after")
    def _keys_are_columns(self) -> Extract:
        for key in self.keys:
            unknown = [c for c in key if c not in self.columns]
            if unknown:
                raise ValueError(f"unique: {unknown} are not columns (known: {list(self.columns)})")
        for i, ref in enumerate(self.references):
            unknown = [c for c in ref.columns if c not in self.columns]
            if unknown:
                raise ValueError(f"references[{i}].columns: {unknown} are not columns")
            if ref.to is not None and len(ref.to) != len(ref.columns):
                raise ValueError(f"references[{i}].to: give one column for each of {ref.columns}")
        return self

    @model_validator(mode="after")
    def _references_are_columns(self) -> Extract:
        for name, column in self.columns.items():
            for key in ("not_before", "not_after", "requires"):
                other = getattr(column, key)
                if other is not None and other not in self.columns:
                    raise ValueError(
                        f"columns.{name}.{key}: no column called {other!r} "
                        f"(known: {', '.join(self.columns)})"
                    )
        return self


class Contact(Strict):
    """Who answers questions about the statistics."""

    name: str
    """Team or person."""
    email: str
    """Email address."""
    phone: str | None = None
    """Telephone number, if any."""


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
    (total categories left out) are one count: suppressed in every table if in one, and the QA
    check refuses any table that gives it away (shown, or rebuilt from a published rate or
    percentage and its denominator). Default: the count is this table's own."""

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
    """The count measures to protect; default every additive measure of the table."""
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


class Revisions(Strict):
    """How a release finds the previous release and marks revised and provisional figures."""

    previous_release: str | None = None
    """Folder of the previous release to compare with (may be anywhere); default the latest
    release of an earlier period in ``releases/<slug>/``."""
    provisional_quarters: int = Field(default=0, ge=0)
    """How many of the latest periods (quarters in a quarterly publication) are provisional:
    their figures are marked [p]."""


class Reconcile(Strict):
    """Two sets of cells that must hold the same counts (e.g. the same people by two splits)."""

    measure: str
    """The measure compared, in both tables."""
    tables: list[str] = Field(min_length=2, max_length=2)
    """The two table ids."""
    where: list[dict[str, str]] = Field(min_length=2, max_length=2)
    """For each table, the fixed dimension values that select the cells, e.g.
    ``{order_type: Total}``; ``quarter: latest`` means the release period. The dimensions left
    over must be the same in both tables; cells are matched on them."""


class Checks(Strict):
    """The QA checks run on every build (see ``build/<slug>/<period>/draft-<n>/qa.html``)."""

    change_tolerance: float = Field(default=0.25, gt=0)
    """Largest plausible change from the previous period, as a fraction (0.25 = 25%); larger
    changes are warnings listing the figure."""
    change_min_count: int = Field(default=30, ge=0)
    """Changes are only checked where both periods' counts are at least this (small counts
    move a lot)."""
    revision_tolerance: float = Field(default=0.05, gt=0)
    """Largest expected revision of a published figure, as a fraction of its published value
    (0.05 = 5%); larger revisions are warnings listing the figure."""
    reconcile: list[Reconcile] = []
    """Counts that must agree between tables."""
    allowed_phrases: list[str] = []
    """Phrases with numbers that are definitions, not figures, which the commentary may type,
    e.g. ``[per 1,000 prisoners, 12 months]``. Any other typed number is still refused (or
    write ``{{ literal("per 1,000 prisoners") }}`` in the commentary)."""


class Publication(Strict):
    """A publication: everything statgen needs to know to build its releases."""

    slug: str = Field(pattern=SLUG)
    """Short name used in folders and file names; must match the folder name."""
    title: str
    """Publication title, e.g. "Legal aid statistics"."""
    summary: str
    """One or two sentences on what the publication covers."""
    organisation: str
    """Producer, shown as author of every output."""
    geography: str
    """Area the statistics cover, e.g. "England and Wales"."""
    status: Literal[
        "Accredited official statistics",
        "Official statistics",
        "Official statistics in development",
    ]
    """Statistical status, shown on the page and the cover sheet."""
    source: str
    """Where the data come from, in words."""
    contact: Contact
    """Who answers questions."""
    keywords: list[str] = []
    """Keywords for document properties and search."""
    frequency: Frequency = "quarterly"
    """How often the publication is released, which sets its period: ``monthly`` (codes such as
    ``2026-10``), ``quarterly`` (``2026Q3``), ``annual`` (calendar years, ``2026``) or
    ``financial_year`` (April to March, ``2025-26``)."""
    release_calendar: dict[str, dt.date]
    """Pre-announced release dates by period code, e.g. ``2026Q3: 2026-12-10`` (quarterly),
    ``2025-26: 2026-07-02`` (financial year)."""
    release_time: str = Field(default="09:30", pattern=r"^\d{2}:\d{2}$")
    """Time of day releases are published (UK time)."""
    previous_releases_url: str | None = None
    """Where the public finds earlier releases (a collection page)."""
    extracts_dir: str = "data/extracts/{slug}"
    """Folder the extracts are read from; relative to the project root, may be anywhere."""
    series_quarters: int = Field(default=12, ge=2, le=80)
    """For quarterly publications: how many quarters the series cover, ending with the release
    period. Other frequencies use ``series_periods``."""
    series_periods: int | None = Field(default=None, ge=2, le=240)
    """How many periods of the publication's frequency the series cover, ending with the release
    period; default 12 quarters, 24 months, 10 years or 10 financial years."""
    test_sample_scale: float = Field(default=0.02, gt=0)
    """The sample scale the test suite builds this publication at (``sample.py`` is called with
    it); raise it when a small sample would leave tables empty."""
    commentary: str = "commentary.qmd"
    """Quarto markdown with Jinja2 placeholders, inside the publication folder."""
    commentary_scripts: bool = False
    """Whether the commentary may hold raw ``<script>`` elements (off: a build with one is
    refused, since commentary is text, tables and charts)."""
    extracts: dict[str, Extract]
    """The source extracts by name."""
    dimensions: dict[str, str] = {}
    """Headings for dimensions, e.g. ``{order_type: Order type}``; default: the name in words."""
    notes: list[Note] = []
    """Notes shown on the Notes sheet and referenced from tables."""
    tables: list[Table] = Field(min_length=1)
    """The tables, in the order they are numbered."""
    charts: list[Chart] = []
    """The charts, in the order they are numbered."""
    interactive: bool = False
    """Draw the charts with plotly.js in the browser (the page then loads the plotly.js bundle,
    about 1 MB) instead of as static SVG images drawn at build time; a chart's own
    ``interactive`` overrides it."""
    disclosure: Disclosure = Disclosure()
    """Disclosure control defaults for every table (each table may override keys)."""
    revisions: Revisions = Revisions()
    """Revised and provisional figures."""
    checks: Checks = Checks()
    """QA checks: tolerances and counts that must reconcile."""

    _folder: Path = PrivateAttr(default=Path("."))

    @field_validator("release_calendar", mode="before")
    @classmethod
    def _codes_are_text(cls, value: object) -> object:
        # YAML reads an unquoted annual code (2026:) as a number: it is still a period code.
        return {str(k): v for k, v in value.items()} if isinstance(value, dict) else value

    @property
    def folder(self) -> Path:
        """The publication's folder (where publication.yaml, transforms.py and commentary live)."""
        return self._folder

    @model_validator(mode="after")
    def _references_resolve(self) -> Publication:
        for code in self.release_calendar:
            parse_period(code, self.frequency)
        if self.frequency != "quarterly" and "series_quarters" in self.model_fields_set:
            raise ValueError(
                f"series_quarters: only for quarterly publications; this one is {self.frequency}, "
                "so write series_periods"
            )
        for name, extract in self.extracts.items():
            for i, ref in enumerate(extract.references):
                other = self.extracts.get(ref.extract)
                if other is None:
                    raise ValueError(
                        f"extracts.{name}.references[{i}].extract: no extract called "
                        f"{ref.extract!r} (known: {sorted(self.extracts)})"
                    )
                absent = [c for c in (ref.to or ref.columns) if c not in other.columns]
                if absent:
                    raise ValueError(
                        f"extracts.{name}.references[{i}]: {ref.extract!r} has no column {absent}"
                    )
        ids = [t.id for t in self.tables]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"table ids must be unique: {dupes}")
        numbers = {n.number for n in self.notes}
        for i, table in enumerate(self.tables):
            missing = [n for n in table.notes if n not in numbers]
            if missing:
                raise ValueError(
                    f"tables[{i}].notes: no note numbered {missing} (known: {sorted(numbers)})"
                )
        by_id = {t.id: t for t in self.tables}
        for i, chart in enumerate(self.charts):
            target = by_id.get(chart.table)
            if target is None:
                raise ValueError(
                    f"charts[{i}].table: no table called {chart.table!r} (known: {ids})"
                )
            if chart.measure not in [m.name for m in target.measures]:
                raise ValueError(
                    f"charts[{i}].measure: table {target.id!r} has no measure {chart.measure!r}"
                )
            for dim in [chart.x, *([chart.series] if chart.series else []), *chart.where]:
                if dim not in target.dims:
                    raise ValueError(
                        f"charts[{i}]: {dim!r} is not a dimension of table {target.id!r} "
                        f"(known: {target.dims})"
                    )
        if Path(self.commentary).is_absolute() or ".." in Path(self.commentary).parts:
            raise ValueError(
                f"commentary: {self.commentary!r} must be a file inside the publication folder"
            )
        for i, rec in enumerate(self.checks.reconcile):
            for j, table_id in enumerate(rec.tables):
                target = by_id.get(table_id)
                if target is None:
                    raise ValueError(
                        f"checks.reconcile[{i}].tables[{j}]: no table called {table_id!r} "
                        f"(known: {ids})"
                    )
                if rec.measure not in [m.name for m in target.measures]:
                    raise ValueError(
                        f"checks.reconcile[{i}]: table {table_id!r} has no measure {rec.measure!r}"
                    )
                extra = [d for d in rec.where[j] if d not in target.dims]
                if extra:
                    raise ValueError(
                        f"checks.reconcile[{i}].where[{j}]: {extra} are not dimensions of "
                        f"{table_id!r} (known: {target.dims})"
                    )
        return self

    def disclosure_for(self, table: Table) -> Disclosure:
        """The disclosure rules of a table: the publication's defaults with its overrides."""
        own = table.disclosure.model_dump(exclude_unset=True) if table.disclosure else {}
        return Disclosure.model_validate({**self.disclosure.model_dump(exclude_unset=True), **own})

    def dimension_title(self, name: str) -> str:
        """The heading people see for a dimension."""
        return self.dimensions.get(name) or name.replace("_", " ").capitalize()

    def sheet_name(self, table: Table) -> str:
        """The table's sheet name: configured, or ``Table_<n>``."""
        return table.sheet or f"Table_{self.tables.index(table) + 1}"

    def table(self, table_id: str) -> Table:
        """The table with this id."""
        for table in self.tables:
            if table.id == table_id:
                return table
        raise ConfigError(
            f"{self.slug}: no table called {table_id!r} (known: {[t.id for t in self.tables]})"
        )

    @property
    def series_length(self) -> int:
        """How many periods the series cover (``series_periods``, else the default)."""
        if self.series_periods is not None:
            return self.series_periods
        if self.frequency == "quarterly":
            return self.series_quarters
        return {"monthly": 24}.get(self.frequency, 10)

    @property
    def period_type(self) -> type[Period]:
        """The class of the publication's periods (``Quarter``, ``Month``...)."""
        return period_type(self.frequency)

    def parse_period(self, code: str) -> Period:
        """A period code of this publication's frequency; errors name the expected form."""
        return parse_period(code, self.frequency)

    def release_date(self, period: Period) -> dt.date:
        """The pre-announced release date of a period."""
        try:
            return self.release_calendar[period.code]
        except KeyError:
            raise ConfigError(
                f"{self.folder / 'publication.yaml'}: release_calendar has no date for "
                f"{period.code}; add a line '{period.code}: YYYY-MM-DD' "
                f"(known: {', '.join(sorted(self.release_calendar))})"
            ) from None

    def next_release_date(self, period: Period) -> dt.date | None:
        """The release date of the following period, if announced."""
        return self.release_calendar.get(period.next().code)

    def extracts_path(self, root: Path) -> Path:
        """The folder extracts are read from (``extracts_dir``, relative to the project root)."""
        path = Path(self.extracts_dir.format(slug=self.slug))
        return path if path.is_absolute() else root / path


def _location(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


M = TypeVar("M", bound=BaseModel)
TEXT_EXPECTED = {"string_type", "enum", "literal_error"}
KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _cut_at_comma(loc: tuple[int | str, ...]) -> str | None:
    """The hint for a "key" that is really the rest of a value split at a comma: inside
    ``{...}`` or ``[...]`` YAML reads ``title: Rate per 1,000 prisoners`` as two items."""
    key = loc[-1] if loc else None
    if not isinstance(key, str) or KEY.match(key):
        return None
    return (
        f"{key!r} is not a key: it looks like the rest of a value cut off at a comma (inside "
        "{...} or [...] YAML reads a comma as the end of the value). Put the value in quotes, "
        'e.g. title: "Incidents per 1,000 prisoners"'
    )


def _not_text(value: bool | int | float) -> str | None:
    """The hint for text that YAML read as a boolean or a number (Yes, No, 1,000 written
    plainly, 2024 as a category)."""
    kind = "true/false" if isinstance(value, bool) else "a number"
    return (
        f"YAML read this as {kind} ({value!r}), not text; put it in quotes to keep it as "
        'written (e.g. "Yes", "2024")'
    )


def read_yaml(path: Path, model: type[M], unknown_hint: str) -> M:
    """Read a YAML file into a strict model; every error names the file and the key."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of keys at the top level")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = _cut_at_comma(err["loc"]) or f"unknown key ({unknown_hint})"
            elif err["type"] in TEXT_EXPECTED and isinstance(err["input"], bool | int | float):
                msg = _not_text(err["input"]) or msg
            # Model-level checks name their own key in the message.
            where = f"{_location(err['loc'])}: " if err["loc"] else ""
            lines.append(f"{path}: {where}{msg}")
        raise ConfigError("\n".join(lines)) from None


def load_publication(folder: Path) -> Publication:
    """Read and check ``<folder>/publication.yaml``; errors name the file and the key."""
    path = folder / "publication.yaml"
    if not path.is_file():
        raise ConfigError(f"{path}: no such file; a publication folder needs a publication.yaml")
    publication = read_yaml(path, Publication, "check its spelling against docs/config.md")
    if publication.slug != folder.name:
        raise ConfigError(
            f"{path}: slug: {publication.slug!r} must match the folder name {folder.name!r}"
        )
    commentary = (folder / publication.commentary).resolve()
    if not commentary.is_relative_to(folder.resolve()):
        raise ConfigError(
            f"{path}: commentary: {publication.commentary!r} leads outside the publication folder "
            f"{folder} (through a link); name a file inside it"
        )
    publication._folder = folder
    return publication


def discover(root: Path) -> list[Path]:
    """Publication folders under ``<root>/publications``, sorted by name."""
    base = root / "publications"
    return sorted(p.parent for p in base.glob("*/publication.yaml"))


def is_slug(text: str) -> bool:
    """Whether ``text`` is a valid publication slug."""
    return re.match(SLUG, text) is not None


def check_slug(text: str) -> str:
    """``text`` when it is a publication slug (a name, never a path); else a ConfigError."""
    if not is_slug(text):
        raise SlugError(
            f"{text!r} is not a publication slug: a slug is a name made of lower-case letters, "
            "digits and hyphens (such as legal-aid-statistics), never a path"
        )
    return text
