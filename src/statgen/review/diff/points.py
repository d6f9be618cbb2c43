"""The main points' figures before and after: read from the new build's ``main-points.json``
(which figures each main point cites, and how each was made from table cells), and worked out
again from each build's tidy CSVs.

- Same period in both builds: each figure old -> new, *revised* when it changed.
- A new period: each figure as the old build published it for its period -> the figure now,
  labelled *new period*; and when the old build's figure has since been revised, a *revised* row
  (as published -> now).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from statgen.periods import PERIOD_DIMENSIONS, Period, parse_period
from statgen.review.diff.cells import Build, code_label, number, percent, shown, signed

FILE = "main-points.json"


@dataclass(frozen=True)
class Figure:
    """One figure, before and after, as the builds show it."""

    table: str
    label: str
    old: float | None
    new: float | None
    old_marker: str | None = None
    new_marker: str | None = None
    kind: str = "revised"  # "revised", "unchanged", "new period", "now suppressed", "new date"
    base_label: str = ""
    """What the old figure is: the period it is for (a new period's figure)."""
    fmt: str | None = None

    @property
    def delta(self) -> float | None:
        """New minus old (None when either is missing)."""
        return None if self.old is None or self.new is None else self.new - self.old

    @property
    def old_text(self) -> str:
        """The old figure as published."""
        return shown(self.old, self.fmt, self.old_marker)

    @property
    def new_text(self) -> str:
        """The new figure as published."""
        return shown(self.new, self.fmt, self.new_marker)

    @property
    def delta_text(self) -> str:
        """The signed difference, in the figure's format."""
        return signed(self.delta, self.fmt)

    @property
    def percent_text(self) -> str:
        """The difference as a percentage of the old figure."""
        return percent(self.delta, self.old, self.fmt)


@dataclass
class Point:
    """One main point of the new build: its words and its figures before and after."""

    text: str
    figures: list[Figure] = field(default_factory=list)


def read(build: Build) -> list[dict[str, Any]] | None:
    """A build's record of its main points (None for builds made before it was written)."""
    path = build.folder / FILE
    if not path.is_file():
        return None
    return list(json.loads(path.read_text(encoding="utf-8")).get("main_points", []))


def _shift(keys: dict[str, str], steps: int, kind: type[Period] | None) -> dict[str, str] | None:
    """Cell keys with each period of the build's frequency moved by ``steps`` (None when a
    period of another frequency would have to move)."""
    out = {}
    for dim, code in keys.items():
        if dim in PERIOD_DIMENSIONS and code != "Total" and steps:
            period = parse_period(code, PERIOD_DIMENSIONS[dim])
            if kind is None or not isinstance(period, kind):
                return None
            code = period.shift(steps).code
        out[dim] = code
    return out


def _cells(
    build: Build, sources: list[dict[str, Any]], steps: int, kind: type[Period] | None
) -> list[dict[str, Any]] | None:
    rows = []
    for s in sources:
        keys = _shift(s["keys"], steps, kind)
        row = build.cell(s["table"], s["measure"], keys) if keys is not None else None
        if row is None:
            return None
        rows.append(row)
    return rows


def worked_out(
    build: Build, figure: dict[str, Any], steps: int, kind: type[Period] | None
) -> tuple[float | None, str | None] | None:
    """A main point's figure made again from ``build``'s cells (periods moved by ``steps``):
    its value and, for a single cell, its marker; None when it cannot be made there."""
    how = str(figure.get("how", ""))
    rows = _cells(build, figure["sources"], steps, kind)
    if rows is None or how not in ("value", "share", "abs change", "difference", "points"):
        return None
    values = [number(r["value"]) for r in rows]
    if how == "value" and len(rows) == 1:
        return values[0], rows[0]["marker"]
    if len(values) != 2 or None in values:
        return (None, "c") if len(values) == 2 else None
    a, b = values[0], values[1]
    assert a is not None and b is not None
    if how == "share":
        return (100 * a / b if b else None), None
    if how == "abs change":  # shown with its sign, the text's "up"/"down"
        return (100 * (a - b) / b if b else None), None
    return a - b, None


def _period_of(figure: dict[str, Any], steps: int, kind: type[Period] | None) -> str:
    """The label of the (moved) period the figure's first cell is for, or ""."""
    keys = _shift(figure["sources"][0]["keys"], steps, kind) or {}
    return next(
        (code_label(d, v) for d, v in keys.items() if d in PERIOD_DIMENSIONS and v != "Total"), ""
    )


def _label(build: Build, figure: dict[str, Any], steps: int, kind: type[Period] | None) -> str:
    sources = figure["sources"]
    first = _shift(sources[0]["keys"], steps, kind) or sources[0]["keys"]
    where = ", ".join(code_label(d, v) for d, v in first.items())
    label = f"{build.name(sources[0]['table'], sources[0]['measure'])}: {where}"
    if len(sources) == 2:
        second = _shift(sources[1]["keys"], steps, kind) or sources[1]["keys"]
        other = ", ".join(code_label(d, v) for d, v in second.items() if first.get(d) != v)
        words = {
            "share": "as a percentage of",
            "abs change": "percentage change on",
            "difference": "difference from",
            "points": "percentage points on",
        }.get(str(figure.get("how")), "and")
        label += f", {words} {other or 'itself'}"
    return label


def main_points(old: Build, new: Build) -> list[Point] | None:
    """The new build's main points with their figures before and after (None when the new
    build did not record them)."""
    record = read(new)
    if record is None:
        return None
    p_old, p_new = old.period, new.period
    same = p_old is not None and p_old == p_new
    kind = type(p_new) if p_new is not None else None
    steps = 0
    if not same and p_old is not None and p_new is not None and isinstance(p_old, type(p_new)):
        steps = p_old.index - p_new.index
    seen: set[str] = set()
    out = []
    for point in record:
        figures = []
        for fig in point["figures"]:
            identity = json.dumps([fig.get("how"), fig["sources"]], sort_keys=True)
            if identity in seen:
                continue
            seen.add(identity)
            fmt = fig.get("format")
            now = worked_out(new, fig, 0, kind) or (fig["value"], None)
            label = _label(new, fig, 0, kind)
            if same:
                before = worked_out(old, fig, 0, kind)
                b_val, b_mark = before if before else (None, None)
                changed = shown(b_val, fmt) != shown(now[0], fmt)
                what = "revised" if changed else "unchanged"
                if now[0] is None and b_val is not None:
                    what = "now suppressed"
                figures.append(Figure("", label, b_val, now[0], b_mark, now[1], what, "", fmt))
                continue
            before = worked_out(old, fig, steps, kind) if steps else None
            b_val, b_mark = before if before else (None, None)
            base = _period_of(fig, steps, kind) or (p_old.label if p_old is not None else "")
            figures.append(
                Figure("", label, b_val, now[0], b_mark, now[1], "new period", base, fmt)
            )
            revised = worked_out(new, fig, steps, kind) if steps else None
            if before and revised and shown(b_val, fmt) != shown(revised[0], fmt):
                figures.append(
                    Figure(
                        "",
                        _label(new, fig, steps, kind),
                        b_val,
                        revised[0],
                        b_mark,
                        revised[1],
                        "revised" if revised[0] is not None else "now suppressed",
                        "",
                        fmt,
                    )
                )
        out.append(Point(point["text"], figures))
    return out
