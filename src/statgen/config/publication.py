"""The publication: ``publications/<slug>/publication.yaml`` as one strict model, with its
contact, release calendar, revisions and QA checks, and the cross-references between its parts.

Every model forbids unknown keys, and each field's docstring is the reference for that key
(``docs/config.md`` is generated from them). Errors name the file and the key.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import (
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from statgen.config.base import SLUG, Strict
from statgen.config.extracts import Extract
from statgen.config.tables import Chart, Disclosure, Note, Table
from statgen.errors import ConfigError
from statgen.periods import Frequency, Period, parse_period, period_type


class Contact(Strict):
    """Who answers questions about the statistics."""

    name: str
    """Team or person."""
    email: str = Field(
        pattern=r"^[^@\s<>()\[\]{}\\,;:\"']+@[^@\s<>()\[\]{}\\,;:\"']+\.[A-Za-z]{2,}$"
    )
    """Email address."""
    phone: str | None = None
    """Telephone number, if any."""


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
    previous_releases_url: str | None = Field(
        default=None, pattern=r"^https?://[^\s<>()\[\]\"'\\]+$"
    )
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
    """Whether the commentary may hold markup that runs script: raw ``<script>``, ``<iframe>``,
    ``<object>`` or ``<embed>`` elements, event handler attributes (``onclick=``) or
    ``javascript:`` links (off: a build with any is refused, since commentary is text, tables
    and charts)."""
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
