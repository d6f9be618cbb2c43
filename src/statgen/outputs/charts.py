"""Charts: Plotly figures in the Analysis Function style, with a text alternative and their data.

Each chart is drawn from one table, so its data link, its "Show the data" table and the figure
itself can never disagree.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from statgen.config import Chart, Publication
from statgen.errors import ConfigError
from statgen.outputs.grid import format_number
from statgen.periods import PERIOD_DIMENSIONS
from statgen.tables import TOTAL, StatTable, category_label


@dataclass(frozen=True)
class ChartFacts:
    """Computed facts about what a chart shows, for its title and text description."""

    frame: pl.DataFrame
    values: dict[str, Any]


@dataclass(frozen=True)
class DrawnChart:
    """A finished chart: its config, number, figure (as plain JSON data) and facts."""

    spec: Chart
    number: int
    title: str
    description: str
    figure: dict[str, Any]
    data: pl.DataFrame
    static: bool = False
    """Shown as an SVG image drawn at build time (``charts/<id>.svg``), not by plotly.js."""

    @property
    def id(self) -> str:
        """The chart's id."""
        return self.spec.id

    def wants_static(self, publication: Publication) -> bool:
        """Whether the configuration asks for a static image (the default) for this chart."""
        return wants_static(publication, self.spec)


def wants_static(publication: Publication, spec: Chart) -> bool:
    """Whether the configuration asks for a static image (the default) for chart ``spec``."""
    return not (publication.interactive if spec.interactive is None else spec.interactive)


WRAP = 26
"""Longest line of an axis title, category or legend label before it wraps (Plotly does not)."""
WRAP_BELOW = 12
"""Longest line of a category label under a line or column chart: labels are wrapped and kept
level instead of rotated by Plotly into the legend."""
BELOW_CHARS = 72
"""About how many characters fit across the plot: shared by the labels under it."""


def wrap(text: str, width: int = WRAP) -> str:
    """Break a label at word boundaries into lines of at most ``width`` characters, joined by
    ``<br>`` (the line break Plotly draws); a single longer word stays whole."""
    if len(text) <= width:
        return text
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def left_out(spec: Chart) -> set[str]:
    """Categories the chart does not draw: "Total" (unless asked for) and ``exclude``."""
    return set(spec.exclude) | (set() if spec.include_totals else {TOTAL})


def chart_data(spec: Chart, table: StatTable) -> pl.DataFrame:
    """The rows a chart draws: fixed dimensions applied, totals and excluded categories left
    out (so the description never ranks them either)."""
    frame = table.data
    for dim, value in spec.where.items():
        frame = frame.filter(pl.col(dim) == value)
    drop = sorted(left_out(spec))
    for dim in [spec.x, *([spec.series] if spec.series else [])]:
        frame = frame.filter(~pl.col(dim).is_in(drop))
    return frame.select(spec.x, *([spec.series] if spec.series else []), spec.measure)


def facts(spec: Chart, table: StatTable, frame: pl.DataFrame) -> dict[str, Any]:
    """Figures a description can quote: the largest and smallest category, the latest values."""
    fmt = next(m.format for m in table.spec.measures if m.name == spec.measure)
    out: dict[str, Any] = {"n_categories": frame[spec.x].n_unique()}
    last_x = frame[spec.x].to_list()[-1] if frame.height else None
    if spec.series:
        # Suppressed figures ([c]) are never quoted, so they are left out of the ranking.
        latest = (
            frame.filter(pl.col(spec.x) == last_x)
            .drop_nulls(spec.measure)
            .sort(spec.measure, descending=True, maintain_order=True)
        )
        if latest.height:
            out["top_series"] = latest[spec.series][0]
            out["top_value"] = format_number(latest[spec.measure][0], fmt)
    else:
        ranked = frame.drop_nulls(spec.measure).sort(
            spec.measure, descending=True, maintain_order=True
        )
        if ranked.height:
            out["top_category"] = category_label(spec.x, ranked[spec.x][0])
            out["top_value"] = format_number(ranked[spec.measure][0], fmt)
            out["bottom_category"] = category_label(spec.x, ranked[spec.x][-1])
            out["bottom_value"] = format_number(ranked[spec.measure][-1], fmt)
    return out


def figure(
    spec: Chart, table: StatTable, frame: pl.DataFrame, title: str, axis_title: str
) -> dict[str, Any]:
    """The Plotly figure as JSON-ready data, using the Analysis Function template and colours."""
    # Imported here, not at the top: a build that reuses its charts never loads Plotly.
    from statgen.outputs import chart_images

    chart_images.load_plotly_safely()  # this runs beside the workbooks' thread
    import afcharts.pio_template  # noqa: F401  (registers the "afcharts" Plotly template)
    import plotly.graph_objects as go
    from afcharts.af_colours import get_af_colours

    names: list[str | None] = list(table.categories[spec.series]) if spec.series else [None]
    drop = left_out(spec)
    series = [s for s in names if s not in drop]
    # The Analysis Function's categorical palette has 6 colours: more series than that is a
    # chart to redesign, so colours then repeat rather than fail.
    colours = get_af_colours("categorical", colour_format="hex")
    fig = go.Figure()
    x_cats = [c for c in table.categories[spec.x] if c not in drop]
    x_cats = [c for c in x_cats if c in set(frame[spec.x].to_list())]
    labelled = (
        min(len(x_cats), 6) if spec.kind == "line" and spec.x in PERIOD_DIMENSIONS else len(x_cats)
    )
    width = WRAP if spec.kind == "bar" else max(6, min(WRAP_BELOW, BELOW_CHARS // max(1, labelled)))
    for i, name in enumerate(series):
        part = (
            frame
            if name is None or spec.series is None
            else frame.filter(pl.col(spec.series) == name)
        )
        lookup = dict(zip(part[spec.x].to_list(), part[spec.measure].to_list(), strict=True))
        xs = [wrap(category_label(spec.x, c), width) for c in x_cats]
        ys = [lookup.get(c) for c in x_cats]
        colour = colours[i % len(colours)]
        label = wrap(name or axis_title)
        if spec.kind == "line":
            trace = go.Scatter(
                x=xs, y=ys, name=label, mode="lines", line={"color": colour, "width": 3}
            )
        elif spec.kind == "bar":
            trace = go.Bar(
                x=ys[::-1], y=xs[::-1], name=label, orientation="h", marker={"color": colour}
            )
        else:
            trace = go.Bar(x=xs, y=ys, name=label, marker={"color": colour})
        trace.hovertemplate = (
            "%{y:,}<extra>" + label + "</extra>" if spec.kind != "bar" else "%{x:,}<extra></extra>"
        )
        fig.add_trace(trace)
    value_axis = {
        "title": {"text": wrap(axis_title)},
        "rangemode": "tozero",
        "tickformat": ",",
        "fixedrange": True,
    }
    cat_axis: dict[str, Any] = {"fixedrange": True, "automargin": True}
    if spec.kind != "bar":
        cat_axis["tickangle"] = 0
    # Wrapped category labels below the plot take more room: move the legend down to match.
    label_lines = max(
        [1, *[wrap(category_label(spec.x, c), width).count("<br>") + 1 for c in x_cats]]
    )
    below = 0 if spec.kind == "bar" else label_lines - 1
    fig.update_layout(
        template="afcharts",
        showlegend=spec.series is not None,
        legend={"orientation": "h", "yanchor": "top", "y": round(-0.15 - 0.08 * below, 2), "x": 0},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        barmode="stack" if spec.stacked else "group",
        xaxis=value_axis if spec.kind == "bar" else cat_axis,
        yaxis=cat_axis if spec.kind == "bar" else value_axis,
        font={"family": '"Helvetica Neue", Helvetica, Arial, sans-serif'},
    )
    if spec.kind in ("line", "column") and spec.x in PERIOD_DIMENSIONS:
        # Quarter labels ("Oct to Dec 2025") are long: label every other one rather than let
        # Plotly rotate them into the legend below the axis.
        fig.update_xaxes(nticks=6)
    data = fig.to_plotly_json()
    # Round-trip through JSON so numpy types and dict order are fixed: same input, same bytes.
    return json.loads(json.dumps(data, default=str))


def draw(
    publication: Publication, tables: dict[str, StatTable], context: dict[str, Any], render: Any
) -> list[DrawnChart]:
    """Draw every configured chart; ``render(text, **values)`` fills titles and descriptions."""
    drawn = []
    for number, spec in enumerate(publication.charts, 1):
        table = tables[spec.table]
        shown = {c for d in [spec.x, *([spec.series] if spec.series else [])]
                 for c in table.categories[d]}  # fmt: skip
        unknown = [c for c in spec.exclude if c not in shown]
        if unknown:
            raise ConfigError(
                f"{publication.folder / 'publication.yaml'}: charts: {spec.id!r}: exclude: "
                f"{unknown} are not categories it draws (known: {sorted(shown)})"
            )
        frame = chart_data(spec, table)
        values = {**context, **facts(spec, table, frame)}
        title = render(spec.title, **values)
        description = render(spec.description, **values)
        measure = next(m for m in table.spec.measures if m.name == spec.measure)
        axis_title = (
            f"{measure.title} ({measure.unit})" if measure.unit not in ("%",) else measure.title
        )
        fig = figure(spec, table, frame, title, axis_title)
        drawn.append(DrawnChart(spec, number, title, description, fig, frame))
    return drawn


FILES = ("charts/", "govuk/images/")
"""Where a draft's chart files are (a build whose data did not change reuses them)."""


def reused(
    publication: Publication, tables: dict[str, StatTable], folder: Path
) -> list[DrawnChart]:
    """The charts of ``folder/charts/charts.json`` (linked from the previous draft, whose tables
    were the same), for the page: no figure is made and no image drawn again."""
    written = json.loads((folder / "charts" / "charts.json").read_text(encoding="utf-8"))
    specs = {c.id: c for c in publication.charts}
    out = []
    for entry in written:
        spec = specs[entry["id"]]
        out.append(
            DrawnChart(
                spec,
                entry["number"],
                entry["title"],
                entry["description"],
                entry["figure"],
                chart_data(spec, tables[spec.table]),
                entry["static"],
            )
        )
    return out


def write_images(
    publication: Publication, drawn: list[DrawnChart], folder: Path, cache: Path | None = None
) -> tuple[list[DrawnChart], str]:
    """Draw the static charts (see :func:`start_images`) and wait for their files."""
    out, used, finish = start_images(publication, drawn, folder, cache)
    finish()
    return out, used


def start_images(
    publication: Publication, drawn: list[DrawnChart], folder: Path, cache: Path | None = None
) -> tuple[list[DrawnChart], str, Callable[[], None]]:
    """Start drawing the static charts into ``charts/`` (SVG for the page) and ``govuk/images/``
    (PNG at 960 px and SVG), and write ``charts/charts.json`` (every chart's figure, for
    ``statgen diff``). Charts already drawn from the same figure are taken from ``cache`` (see
    :func:`~statgen.outputs.chart_images.draw_cached`).

    Returns the charts, marked static where they are being drawn, the renderer used, and a
    function that waits for the drawings and writes their files (the page, which only links
    to them, can be made meanwhile)."""
    from statgen.outputs import chart_images

    wanted = {c.id for c in drawn if c.wants_static(publication)}
    used = chart_images.renderer() if wanted else "plotly.js"
    pending = {  # every chart submitted first: the browser draws them one after another
        c.id: chart_images.submit_cached(c.figure, f"f{c.number}", cache)
        for c in drawn
        if used == "kaleido" and c.id in wanted
    }
    out = [dataclasses.replace(c, static=True) if c.id in pending else c for c in drawn]
    specs = [
        {
            "number": c.number,
            "id": c.id,
            "title": c.title,
            "description": c.description,
            "static": c.static,
            "figure": c.figure,
        }
        for c in out
    ]
    if out:
        (folder / "charts").mkdir(exist_ok=True)
        (folder / "charts" / "charts.json").write_text(
            json.dumps(specs, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )

    def finish() -> None:
        for chart_id, images_of in pending.items():
            images = images_of()
            for path, data in (
                (folder / "charts" / f"{chart_id}.svg", images.svg),
                (folder / "charts" / f"{chart_id}-narrow.svg", images.narrow_svg),
                (folder / "govuk" / "images" / f"{chart_id}.svg", images.svg),
                (folder / "govuk" / "images" / f"{chart_id}.png", images.png),
            ):
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
        if used == "kaleido":  # the browser, opened before the figures were made, is done
            chart_images.drawn()

    return out, used, finish
