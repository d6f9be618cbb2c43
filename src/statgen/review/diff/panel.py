"""What a reviewer reads first: the main points' figures old -> new (revised, or a new
period), how many published figures were revised, the largest revisions and the periods they
affect, and links to the draft page, its QA report and its revisions table. Then the sections:
revisions to earlier periods (totals first, largest first), the new period's figures with their
change on the period before, and tables of a single date shown as a new date.

Everything is read from the two builds' tidy CSVs, manifests and ``main-points.json`` (never
from their HTML).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from statgen.periods import PERIOD_DIMENSIONS
from statgen.review.diff.cells import Build, code_label, is_total, number
from statgen.review.diff.points import Figure, Point, main_points
from statgen.review.diff.tables import TableDiff


@dataclass
class Section:
    """One table's figures in a section of the report."""

    caption: str
    figures: list[Figure] = field(default_factory=list)


@dataclass
class Panel:
    """The top of the report and the sections that follow it."""

    old_period: str
    new_period: str
    points: list[Point] | None = None
    revisions: list[Figure] = field(default_factory=list)
    new_period_tables: list[Section] = field(default_factory=list)
    single_date: list[Section] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)

    @property
    def largest(self) -> list[Figure]:
        """The five largest revisions by absolute size (suppressed figures by their old size)."""
        return sorted(self.revisions, key=lambda f: -abs(f.delta or f.old or 0))[:5]

    periods_revised: list[str] = field(default_factory=list)
    """The periods the revisions affect, newest first."""

    @property
    def single_date_captions(self) -> list[str]:
        """The captions of the tables shown as a new date."""
        return [s.caption for s in self.single_date]


def _totals_first(figure: Figure) -> tuple[int, float]:
    """Grand totals first, then subtotals, then other cells; largest first within each."""
    parts = figure.label.split(": ", 1)[-1].split(", ")
    not_totals = sum(not is_total(p) for p in parts[1:])
    return (not_totals, -abs(figure.delta or figure.old or 0))


def _label(build: Build, table: str, row: dict[str, str], pdim: str, dims: list[str]) -> str:
    where = ", ".join([row[pdim], *[row[d] for d in dims]])
    return f"{build.name(table, row['measure'])}: {where}"


def _revisions(old: Build, new: Build, diff: TableDiff, pdim: str, panel: Panel) -> None:
    dims = [k for k in diff.keys if k not in (pdim, "measure")]
    rows = new.rows(diff.id) or {}
    for key, o_row in (old.rows(diff.id) or {}).items():
        n_row = rows.get(key)
        if n_row is None or n_row[pdim] == panel.new_period:
            continue
        o_val, n_val = number(o_row["value"]), number(n_row["value"])
        if o_val is None:
            continue  # not published before: nothing to revise
        fmt = new.format(diff.id, n_row["measure"])
        kind = "now suppressed" if n_val is None else "revised"
        if kind == "revised" and n_val == o_val:
            continue  # only a marker changed (e.g. [p] -> [r])
        panel.revisions.append(
            Figure(
                diff.caption,
                _label(new, diff.id, n_row, pdim, dims),
                o_val,
                n_val,
                o_row["marker"],
                n_row["marker"],
                kind,
                n_row[pdim],
                fmt,
            )
        )


def _new_period(new: Build, diff: TableDiff, pdim: str, before: str, panel: Panel) -> None:
    dims = [k for k in diff.keys if k not in (pdim, "measure")]
    rows = new.rows(diff.id) or {}
    section = Section(diff.caption)
    for row in rows.values():
        if row[pdim] != panel.new_period:
            continue
        columns = [c for c in row if c not in ("value", "marker")]
        prior = rows.get(tuple(before if c == pdim else str(row[c]) for c in columns))
        section.figures.append(
            Figure(
                diff.caption,
                _label(new, diff.id, row, pdim, dims),
                number(prior["value"]) if prior else None,
                number(row["value"]),
                prior["marker"] if prior else None,
                row["marker"],
                "new period",
                before,
                new.format(diff.id, row["measure"]),
            )
        )
    if section.figures:
        panel.new_period_tables.append(section)


def _single_date(new: Build, diff: TableDiff, panel: Panel) -> None:
    dims = [k for k in diff.keys if k != "measure"]
    section = Section(diff.caption)
    for row in (new.rows(diff.id) or {}).values():
        where = ", ".join(row[d] for d in dims)
        section.figures.append(
            Figure(
                diff.caption,
                f"{new.name(diff.id, row['measure'])}: {where}",
                None,
                number(row["value"]),
                None,
                row["marker"],
                "new date",
                "",
                new.format(diff.id, row["measure"]),
            )
        )
    panel.single_date.append(section)


def build_panel(old: Build, new: Build, tables: list[TableDiff]) -> Panel:
    """The panel of the report comparing ``old`` with ``new``."""
    panel = Panel(old.period_label, new.period_label)
    panel.points = main_points(old, new)
    same_period = panel.old_period == panel.new_period
    before = new.period.shift(-1).label if new.period is not None else ""
    for diff in tables:
        if diff.id == "revisions" or diff.status != "compared":
            continue
        pdim = next((k for k in diff.keys if k in PERIOD_DIMENSIONS), None)
        if pdim is None:
            if not same_period:
                _single_date(new, diff, panel)
            continue
        _revisions(old, new, diff, pdim, panel)
        if not same_period:
            _new_period(new, diff, pdim, before, panel)
    panel.revisions.sort(key=_totals_first)
    # The periods revised, newest first (the revisions' period labels, in series order).
    labels = {f.base_label for f in panel.revisions}
    for back in range(1, 1000 if new.period is not None else 0):
        if not labels:
            break
        label = new.period.shift(-back).label  # type: ignore[union-attr]
        if label in labels:
            panel.periods_revised.append(label)
            labels.discard(label)
    return panel


def links(out: Path, new: Path, m_new: dict[str, object]) -> dict[str, str]:
    """Relative links from the report to the new build's page, QA report and revisions table."""

    def rel(path: Path) -> str:
        return Path(os.path.relpath(path, out)).as_posix()

    found = {"page": rel(new / "index.html")}
    if (new / "qa.html").is_file():
        found["qa"] = rel(new / "qa.html")
    tables = m_new.get("tables")
    revisions = tables.get("revisions") if isinstance(tables, dict) else None
    if revisions:
        n = re.match(r"Table (\d+)", str(revisions.get("caption", "")))
        if n:
            found["revisions"] = rel(new / "index.html") + f"#table-{n[1]}"
    return found


__all__ = ["Build", "Figure", "Panel", "Point", "Section", "build_panel", "code_label", "links"]
