"""The words: fill the commentary (Quarto markdown with Jinja2) with computed figures, lay out
the page, and render it with Quarto (when installed) or Pandoc (from pypandoc-binary).

Every figure in the text comes from a table cell through :func:`Context.value`, which records
where it came from, so the QA report can trace each number back to its table.
"""

from __future__ import annotations

import html
import json
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from markupsafe import Markup

from statgen.config import Measure, Publication
from statgen.errors import (
    StatgenError,
    TemplateError,
    UnknownNameError,
    ZeroDenominatorError,
    known,
)
from statgen.outputs import chart_images
from statgen.outputs.charts import DrawnChart
from statgen.outputs.grid import SHORTHAND, format_number, layout
from statgen.outputs.page.html import FRAGMENTS, grid_html, human_size, raw
from statgen.periods import Period, Periods
from statgen.tables import StatTable, category_label


@dataclass(frozen=True)
class Cited:
    """Where a figure came from: a table, a measure and the cell's dimension values."""

    table: str
    measure: str
    keys: tuple[tuple[str, str], ...]


TAGGED: ContextVar[list[Figure] | None] = ContextVar("statgen_tagged_figures", default=None)
"""While set to a list (:mod:`statgen.outputs.page.citations`), each figure written into the
text is appended to it and wrapped in private-use marks, so its place in the text is known."""
TAG_OPEN, TAG_MID, TAG_CLOSE = "\ue000", "\ue001", "\ue002"


@dataclass(frozen=True)
class Figure:
    """A number in the text, formatted as the table formats it, remembering its sources and
    how it was made from them (``how``: value, share, change, difference, points, previous,
    revision; "" for arithmetic)."""

    value: float
    format: str = "integer"
    sources: tuple[Cited, ...] = ()
    how: str = "value"

    def __str__(self) -> str:
        text = format_number(self.value, self.format)  # type: ignore[arg-type]
        tagged = TAGGED.get()
        if tagged is None:
            return text
        tagged.append(self)
        return f"{TAG_OPEN}{len(tagged) - 1}{TAG_MID}{text}{TAG_CLOSE}"

    def __html__(self) -> str:
        return str(self)

    def __float__(self) -> float:
        return float(self.value)

    def _arith(self, other: Any, op: Any, fmt: str | None = None) -> Figure:
        other_value = other.value if isinstance(other, Figure) else other
        sources = self.sources + (other.sources if isinstance(other, Figure) else ())
        return Figure(op(self.value, other_value), fmt or self.format, sources, "")

    def __add__(self, other: Any) -> Figure:
        return self._arith(other, lambda a, b: a + b)

    def __sub__(self, other: Any) -> Figure:
        return self._arith(other, lambda a, b: a - b)

    def __abs__(self) -> Figure:
        return Figure(abs(self.value), self.format, self.sources, f"abs {self.how}".strip())

    @property
    def direction(self) -> str:
        """ "up", "down" or "unchanged": the sign of a difference in words."""
        return "up" if self.value > 0 else "down" if self.value < 0 else "unchanged"

    def __lt__(self, other: Any) -> bool:
        return self.value < (other.value if isinstance(other, Figure) else other)

    def __gt__(self, other: Any) -> bool:
        return self.value > (other.value if isinstance(other, Figure) else other)


@dataclass
class Context:
    """What commentary templates can use. Records every figure they quote."""

    publication: Publication
    periods: Periods
    tables: dict[str, StatTable]
    charts: dict[str, DrawnChart] = field(default_factory=dict)
    csv_sizes: dict[str, int] = field(default_factory=dict)
    quoted: list[Figure] = field(default_factory=list)
    literals: list[str] = field(default_factory=list)
    placed: list[str] = field(default_factory=list)

    def table(self, table: str, fn: str) -> StatTable:
        """The table called ``table``, or an error naming the known tables (``fn``: the caller)."""
        if table not in self.tables:
            raise UnknownNameError(
                f"{fn}(): no table called {table!r}; {known(self.tables, table)}"
            )
        return self.tables[table]

    def _measure(self, stat: StatTable, measure: str | None, fn: str) -> Measure:
        names = [m.name for m in stat.spec.measures]
        wanted = measure or names[0]
        if wanted not in names:
            raise UnknownNameError(
                f"{fn}(): table {stat.id!r} has no measure {wanted!r}; {known(names, wanted)}"
            )
        return stat.spec.measures[names.index(wanted)]

    def _cell(self, stat: StatTable, measure: str, keys: dict[str, Any], fn: str) -> Any:
        """A cell's value; unknown dimensions or categories name the known ones."""
        dims = stat.spec.dims
        for dim, wanted in keys.items():
            if dim not in dims:
                raise UnknownNameError(
                    f"{fn}(): table {stat.id!r} has no dimension {dim!r}; {known(dims, dim)}"
                )
            code = wanted.code if isinstance(wanted, Period) else str(wanted)
            if code not in stat.categories[dim]:
                raise UnknownNameError(
                    f"{fn}(): table {stat.id!r} has no {dim} {code!r}; "
                    f"{known(stat.categories[dim], code)}"
                )
        try:
            return stat.value(measure, **keys)
        except StatgenError as exc:
            raise TemplateError(f"{fn}(): {exc}") from None

    def value(self, table: str, measure: str | None = None, **keys: Any) -> Figure:
        """The figure in one table cell, e.g. ``value("people", quarter=period, sex="Total")``."""
        stat = self.table(table, "value")
        m = self._measure(stat, measure, "value")
        raw = self._cell(stat, m.name, keys, "value")
        key = tuple((k, v.code if isinstance(v, Period) else str(v)) for k, v in keys.items())
        if raw is None:
            where = ", ".join(f"{k}={v}" for k, v in key)
            raise TemplateError(
                f"value(): the cell {where} of table {table!r} is not published (suppressed "
                f"or not applicable), so the commentary cannot quote it: guard the sentence "
                f'with {{% if published("{table}", ...) %}} or quote another figure'
            )
        figure = Figure(raw, m.format, (Cited(table, m.name, key),))
        self.quoted.append(figure)
        return figure

    def _revised(self, fn: str, table: str, measure: str | None, keys: dict[str, Any]) -> Any:
        """The cell's row of the revisions table (None when the figure was not revised)."""
        stat = self.table(table, fn)
        m = self._measure(stat, measure, fn)
        self._cell(stat, m.name, keys, fn)  # unknown names are errors, as in value()
        missing = [d for d in stat.spec.dims if d not in keys]
        if missing:
            raise TemplateError(f"{fn}(): give every dimension of {table!r}: {', '.join(missing)}")
        codes = {k: v.code if isinstance(v, Period) else str(v) for k, v in keys.items()}
        label = ", ".join(category_label(d, codes[d]) for d in stat.spec.dims)
        revisions = self.tables.get("revisions")
        if revisions is None:
            return None
        where = {"table": f"Table {stat.number}", "revised_figure": label,
                 "revised_measure": m.title}  # fmt: skip
        hit = revisions.data.filter(*[pl.col(k) == v for k, v in where.items()])
        return (hit.row(0, named=True), tuple(where.items()), m) if hit.height else None

    def previously_published(self, table: str, measure: str | None = None, **keys: Any) -> Figure:
        """The figure as the baseline release published it ("revised up from 28,305"); the
        figure itself when it was not revised. Traced to the revisions table like value()."""
        found = self._revised("previously_published", table, measure, keys)
        if found is None:
            return self.value(table, measure, **keys)
        row, where, m = found
        figure = Figure(
            row["previous"], m.format, (Cited("revisions", "previous", where),), "previous"
        )
        self.quoted.append(figure)
        return figure

    def revision(self, table: str, measure: str | None = None, **keys: Any) -> Figure:
        """The revision of a published figure (new minus previously published; 0 when not
        revised). Traced to the revisions table like value()."""
        found = self._revised("revision", table, measure, keys)
        if found is None:
            current = self.value(table, measure, **keys)
            figure = Figure(0, current.format, current.sources, "revision")
        else:
            row, where, m = found
            if row["difference"] is None:
                raise TemplateError(
                    f"revision(): the figure of {table!r} is now suppressed, so its revision "
                    "cannot be quoted"
                )
            cited = (Cited("revisions", "difference", where),)
            figure = Figure(row["difference"], m.format, cited, "revision")
        self.quoted.append(figure)
        return figure

    def published(self, table: str, measure: str | None = None, **keys: Any) -> bool:
        """Whether a cell has a published value (not suppressed, not "not applicable")."""
        stat = self.table(table, "published")
        m = self._measure(stat, measure, "published")
        return self._cell(stat, m.name, keys, "published") is not None

    def share(self, part: Figure, whole: Figure) -> Figure:
        """``part`` as a percentage of ``whole`` (one decimal place)."""
        if whole.value == 0:
            raise ZeroDenominatorError(
                f"share(): the whole ({_cited(whole)}) is 0, so {_cited(part)} has no share of "
                "it; guard the sentence with {% if ... %} for when the total is zero"
            )
        figure = Figure(
            100 * part.value / whole.value, "percent1", part.sources + whole.sources, "share"
        )
        self.quoted.append(figure)
        return figure

    def difference(self, a: Figure, b: Figure) -> Figure:
        """``a - b`` in ``a``'s format, traced to both cells (``|abs`` drops the sign)."""
        figure = Figure(a.value - b.value, a.format, a.sources + b.sources, "difference")
        self.quoted.append(figure)
        return figure

    def points(self, a: Figure, b: Figure) -> Figure:
        """The percentage-point change from percentage ``b`` to ``a``, to one decimal place:
        ``{{ p.direction }} {{ p|abs }} percentage points``."""
        figure = Figure(a.value - b.value, "decimal1", a.sources + b.sources, "points")
        self.quoted.append(figure)
        return figure

    def literal(self, phrase: str) -> str:
        """A phrase whose numbers are a definition, not a figure ("per 1,000 prisoners"): the
        QA check accepts its numbers here only."""
        self.literals.append(str(phrase))
        return str(phrase)

    def change(self, new: Figure, old: Figure, unit: str = "") -> str:
        """Words for a change: "up 4.1% from 27,020", "down 2.0% from ...", "unchanged from ..."."""
        if old.value == new.value:
            return f"unchanged from {old}{unit}"
        direction = "up" if new.value > old.value else "down"
        if old.value == 0:
            return f"{direction} from {old}{unit}"
        pct = Figure(
            abs(100 * (new.value - old.value) / old.value),
            "percent1",
            new.sources + old.sources,
            "abs change",
        )
        self.quoted.append(pct)  # so the QA report can trace the percentage in the text
        return f"{direction} {pct} from {old}{unit}"

    def ranked(
        self, table: str, dim: str, measure: str | None = None, **keys: Any
    ) -> list[tuple[str, Figure]]:
        """Categories of ``dim`` (totals left out) with their figures, largest first."""
        stat = self.table(table, "ranked")
        if dim not in stat.spec.dims:
            raise UnknownNameError(
                f"ranked(): table {table!r} has no dimension {dim!r}; {known(stat.spec.dims, dim)}"
            )
        out = []
        for category in stat.categories[dim]:
            if category == "Total":
                continue
            out.append((category, self.value(table, measure, **{**keys, dim: category})))
        return sorted(out, key=lambda item: -item[1].value)

    def table_html(self, table: str) -> Markup:
        """The table as an accessible HTML table (a raw block in the markdown)."""
        stat = self.table(table, "table")
        grid = layout(self.publication, stat)
        notes = []
        if grid.markers:
            used = [f"[{c}] {m}" for c, m in SHORTHAND.items() if c in grid.markers]
            notes.append("Shorthand: " + "; ".join(used) + ".")
        for n in stat.spec.notes:
            note = next(x for x in self.publication.notes if x.number == n)
            notes.append(f"Note {n}: {note.text}")
        notes.extend(stat.notes_extra)
        notes.append(f"Source: {self.publication.source}")
        body = grid_html(grid, f"table-{stat.number}", stat.caption)
        body += "".join(f'\n<p class="statgen-table-notes">{html.escape(n)}</p>' for n in notes)
        return raw(body)

    def chart_html(self, chart: str) -> Markup:
        """The chart: title, description, the Plotly figure, its data and a link to the CSV."""
        if chart not in self.charts:
            raise UnknownNameError(
                f"chart(): no chart called {chart!r}; {known(self.charts, chart)}"
            )
        drawn = self.charts[chart]
        self.placed.append(chart)
        stat = self.tables[drawn.spec.table]
        n = drawn.number
        fid = f"figure-{n}"
        # As the JSON-LD (assemble.dataset_jsonld): no "<", which could end the script element.
        fig_json = json.dumps(drawn.figure, separators=(",", ":"), sort_keys=True)
        fig_json = fig_json.replace("<", "\\u003c")
        grid = layout(self.publication, stat)
        csv = f"csv/{stat.id}.csv"
        size = human_size(self.csv_sizes.get(stat.id, 0))
        static = drawn.static
        fragment = FRAGMENTS.get_template("figure.html").render(
            image=f"charts/{drawn.id}.svg" if static else None,
            narrow_image=f"charts/{drawn.id}-narrow.svg",
            width=chart_images.WIDTH,
            height=chart_images.height(drawn.figure, narrow=False),
            fid=fid,
            n=n,
            title=drawn.title,
            description=drawn.description,
            figure_json=Markup(fig_json),
            data_table=Markup(
                grid_html(grid, f"{fid}-data", f"Data for figure {n}: {stat.caption}")
            ),
            csv=csv,
            size=size,
        )
        return raw(fragment)

    def names(self) -> dict[str, Any]:
        """The names a commentary template sees."""
        period = self.periods.latest
        return {
            "pub": self.publication,
            "period": period,
            "periods": self.periods,
            "previous_quarter": period.previous(),
            "previous_period": period.previous(),
            "year_earlier": period.year_earlier(),
            "value": self.value,
            "published": self.published,
            "previously_published": self.previously_published,
            "revision": self.revision,
            "share": self.share,
            "change": self.change,
            "difference": self.difference,
            "points": self.points,
            "literal": self.literal,
            "ranked": self.ranked,
            "table": self.table_html,
            "chart": self.chart_html,
        }


def _cited(figure: Figure) -> str:
    """A figure and the cell it came from, for messages: "0 (people-by-region, region=Wales)"."""
    where = "; ".join(
        f"{s.table}, " + ", ".join(f"{k}={v}" for k, v in s.keys) for s in figure.sources
    )
    return f"{figure} from {where}" if where else str(figure)
