"""The public "Revisions" table: each published figure that changed, with both values.

For people (the page and both workbooks) a row per revised figure: the table it is in, the
figure in words, the measure, "Previously published", "Revised" and the signed difference
("+300", "\u221241"), each number in the format its own table publishes it in, and a summary row
last (how many figures were revised, how many up, down and now suppressed). A figure published
before and now suppressed shows [c] in "Revised" and in "Difference" (a difference would give
the suppressed value away).

For machines (the tidy CSV) one row per revised figure and a column per dimension of any table
listed (empty where a figure's table lacks that dimension), so the rows join back to each
table's own CSV: ``table`` (its id), the dimensions, ``measure``, ``previously_published``,
``revised``, ``difference``, ``marker``. The summary row is for people only.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, Literal

import polars as pl

from statgen.config import Measure, Publication, Table
from statgen.errors import ConfigError
from statgen.periods import format_date
from statgen.protection.revisions import Revision
from statgen.tables import StatTable, category_label, format_column, marker_column

ID = "revisions"
ROWS = ["table", "revised_figure", "revised_measure"]
SIGNED = {
    "integer": "signed_integer",
    "currency": "signed_integer",
    "currency_thousand": "signed_integer",
    "decimal1": "signed_decimal1",
    "percent1": "signed_decimal1",  # a difference of percentages: percentage points
    "currency_million": "signed_decimal1",
}
"""The format of a difference, by the format of the figure (always signed)."""
WHOLE = ("integer", "currency", "currency_thousand")


def release_words(release: Path) -> str:
    """ "compared with the release of 11 September 2026 for April to June 2026", from the
    release's manifest (no folder names)."""
    try:
        meta = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
        published = format_date(dt.date.fromisoformat(meta["release_date"]))
        period = _period_label(meta)
    except (OSError, ValueError, KeyError, ConfigError):
        return "compared with the release it follows"
    return f"compared with the release of {published} for {period}"


def in_reading_order(revisions: list[Revision]) -> list[Revision]:
    """Table order, then each dimension in the table's own category order, then measure."""

    def key(r: Revision) -> tuple[Any, ...]:
        t = r.table
        cats = tuple(t.categories[d].index(v) for d, v in zip(t.spec.dims, r.key, strict=True))
        return (t.number, cats, [m.name for m in t.spec.measures].index(r.measure.name))

    return sorted(revisions, key=key)


def summary_words(revisions: list[Revision]) -> str:
    """ "12 figures revised: 8 up, 3 down, 1 now suppressed" (computed, never typed)."""
    up = sum(1 for r in revisions if (r.difference or 0) > 0)
    down = sum(1 for r in revisions if (r.difference or 0) < 0)
    gone = sum(1 for r in revisions if r.new is None)
    n = len(revisions)
    parts = [f"{k} {w}" for k, w in ((up, "up"), (down, "down"), (gone, "now suppressed")) if k]
    return f"{n:,} figure{'s' if n != 1 else ''} revised: {', '.join(parts)}"


def revisions_table(
    publication: Publication, revisions: list[Revision], previous: Path, number: int
) -> StatTable:
    """The "Revisions" table (see the module docstring)."""
    revisions = in_reading_order(revisions)
    fmt: Literal["integer", "decimal1"] = (
        "integer" if all(r.measure.format in WHOLE for r in revisions) else "decimal1"
    )
    measures = [
        # Plain headings: each row's figures are in the unit of the table they come from.
        Measure(name="previous", title="Previously published", unit="", format=fmt),
        Measure(name="revised", title="Revised", unit="", format=fmt),
        Measure(name="difference", title="Difference", unit="revised minus previous", format=fmt),
    ]
    spec = Table(
        id=ID,
        title=f"Figures revised since the previous release, {release_words(previous)}",
        summary="Each figure that changed since the previous release, with both values; "
        "[c] where a figure published before is now suppressed",
        transform="revisions",
        rows=ROWS,
        measures=measures,
        sheet="Revisions",
    )
    gone = [r.new is None for r in revisions]
    # As published, but one number of decimal places down each column (the Analysis Function's
    # rule): when any figure has a decimal place, whole-number figures are shown with one too.
    whole = fmt == "integer"
    shown = [
        f if (f in WHOLE) == whole else "decimal1" for f in (r.measure.format for r in revisions)
    ]
    rows: dict[str, list[Any]] = {
        "table": [f"Table {r.table.number}" for r in revisions],
        "revised_figure": [r.label for r in revisions],
        "revised_measure": [r.measure.title for r in revisions],
        "previous": [r.previous for r in revisions],
        marker_column("previous"): [None] * len(revisions),
        format_column("previous"): shown,
        "revised": [r.new for r in revisions],
        marker_column("revised"): ["c" if g else None for g in gone],
        format_column("revised"): shown,
        "difference": [r.difference for r in revisions],
        marker_column("difference"): ["c" if g else None for g in gone],
        format_column("difference"): [SIGNED[f] for f in shown],
    }
    data = pl.DataFrame(
        rows,
        schema_overrides={
            **{m.name: pl.Float64 for m in measures},
            **{marker_column(m.name): pl.String for m in measures},
            **{format_column(m.name): pl.String for m in measures},
        },
    )
    summary = {
        "table": "All tables",
        "revised_figure": summary_words(revisions),
        "revised_measure": "All measures",
        # No sum: the figures count different things, and totals include their breakdowns.
        **{m.name: None for m in measures},
        **{marker_column(m.name): "z" for m in measures},
    }
    categories = {d: list(dict.fromkeys(rows[d])) for d in ROWS}
    return StatTable(
        spec,
        number,
        "Revisions",
        data,
        categories,
        notes_extra=[
            "Each figure is shown as its own table shows it (to the same number of decimal "
            "places down each column). [z] in the last row: the revised figures count "
            "different things, so they are not summed."
        ],
        summary_rows=(summary,),
        tidy=tidy_revisions(revisions),
    )


def tidy_revisions(revisions: list[Revision]) -> pl.DataFrame:
    """The machine-readable form: a column per dimension of any table listed."""
    dims: list[str] = []
    for r in revisions:
        dims += [d for d in r.table.spec.dims if d not in dims]
    records = []
    for r in revisions:
        at = dict(zip(r.table.spec.dims, r.key, strict=True))
        plain = _plain(r.measure.format)
        records.append(
            {
                "table": r.table.id,
                **{d: category_label(d, at[d]) if d in at else None for d in dims},
                "measure": r.measure.name,
                "previously_published": plain(r.previous),
                "revised": None if r.new is None else plain(r.new),
                "difference": None if r.difference is None else plain(r.difference),
                "marker": "c" if r.new is None else None,
            }
        )
    columns = ["table", *dims, "measure", "previously_published", "revised", "difference"]
    schema = {c: pl.String for c in [*columns, "marker"]}
    return pl.DataFrame(records, schema=schema)


def _plain(fmt: str) -> Any:
    """Numbers written plainly for machines, as the tables' own CSVs write them: whole numbers
    without ".0" (and "-41", an ASCII minus), others to one decimal place."""
    if fmt in WHOLE:
        return lambda v: str(round(v))
    return lambda v: f"{v:.1f}"


def _period_label(meta: dict[str, Any]) -> str:
    """The long label of a release's period, from its manifest (any frequency)."""
    from statgen.periods import parse_any_code, parse_period

    parameters: dict[str, Any] = meta.get("parameters") or {}
    frequency = parameters.get("frequency")
    if frequency:
        return parse_period(meta["period"], frequency).long_label
    return parse_any_code(meta["period"]).long_label
