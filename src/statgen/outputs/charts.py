"""Charts: Plotly figures in the Analysis Function style, with a text alternative and their data.

Each chart is drawn from one table, so its data link, its "Show the data" table and the figure
itself can never disagree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import afcharts.pio_template  # noqa: F401  (registers the "afcharts" Plotly template)
import plotly.graph_objects as go
import polars as pl
from afcharts.af_colours import get_af_colours

from statgen.config import Chart, Publication
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

    @property
    def id(self) -> str:
        """The chart's id."""
        return self.spec.id


def chart_data(spec: Chart, table: StatTable) -> pl.DataFrame:
    """The rows a chart draws: fixed dimensions applied, totals left out unless asked for."""
    frame = table.data
    for dim, value in spec.where.items():
        frame = frame.filter(pl.col(dim) == value)
    if not spec.include_totals:
        for dim in [spec.x, *([spec.series] if spec.series else [])]:
            frame = frame.filter(pl.col(dim) != TOTAL)
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
    names: list[str | None] = list(table.categories[spec.series]) if spec.series else [None]
    series = [s for s in names if spec.include_totals or s != TOTAL]
    # The Analysis Function's categorical palette has 6 colours: more series than that is a
    # chart to redesign, so colours then repeat rather than fail.
    colours = get_af_colours("categorical", colour_format="hex")
    fig = go.Figure()
    x_cats = [c for c in table.categories[spec.x] if spec.include_totals or c != TOTAL]
    x_cats = [c for c in x_cats if c in set(frame[spec.x].to_list())]
    for i, name in enumerate(series):
        part = (
            frame
            if name is None or spec.series is None
            else frame.filter(pl.col(spec.series) == name)
        )
        lookup = dict(zip(part[spec.x].to_list(), part[spec.measure].to_list(), strict=True))
        xs = [category_label(spec.x, c) for c in x_cats]
        ys = [lookup.get(c) for c in x_cats]
        colour = colours[i % len(colours)]
        label = name or axis_title
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
        "title": {"text": axis_title},
        "rangemode": "tozero",
        "tickformat": ",",
        "fixedrange": True,
    }
    cat_axis = {"fixedrange": True, "automargin": True}
    fig.update_layout(
        template="afcharts",
        showlegend=spec.series is not None,
        legend={"orientation": "h", "yanchor": "top", "y": -0.15, "x": 0},
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
