"""What a reviewer reads first: the main figures old -> new, the revisions to earlier periods
sorted by size (totals first), the new period's figures with their change on the period before,
and links to the draft page, its QA report and its revisions table.

Everything is read from the two builds' tidy CSVs and manifests (never from their HTML).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from statgen.periods import parse_any_code
from statgen.review.diff.tables import TableDiff

QUARTER = "quarter"
TOTALS = ("Total",)
"""Category labels of a total (a line's sum)."""


def number(text: str | None) -> float | None:
    """A tidy CSV's value as a number (None when empty or not a number)."""
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


def shown(value: float | None, marker: str | None = None) -> str:
    """A figure as published: thousands separators, one decimal place when not whole, its
    marker ("[c]" alone when suppressed)."""
    if value is None:
        return f"[{marker}]" if marker else ""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{text} [{marker}]" if marker else text


def signed(delta: float | None) -> str:
    """A difference with its sign: "+300", "−41" (a true minus sign), "0"."""
    if delta is None:
        return ""
    if delta == 0:
        return "0"
    text = shown(abs(delta))
    return f"+{text}" if delta > 0 else f"\u2212{text}"


def percent(delta: float | None, base: float | None) -> str:
    """The difference as a percentage of ``base`` ("+1.1%"), or "" without a base."""
    if delta is None or not base:
        return ""
    pct = 100 * delta / base
    return "0%" if round(pct, 1) == 0 else f"{'+' if pct > 0 else chr(0x2212)}{abs(pct):.1f}%"


@dataclass(frozen=True)
class Figure:
    """One figure, before and after."""

    table: str
    label: str
    old: float | None
    new: float | None
    old_marker: str | None = None
    new_marker: str | None = None
    kind: str = "revised"  # "revised", "unchanged", "new period", "now suppressed"
    base_label: str = ""
    """For a new period's figure: the period its change is measured against."""

    @property
    def delta(self) -> float | None:
        """New minus old (None when either is missing)."""
        return None if self.old is None or self.new is None else self.new - self.old

    @property
    def old_text(self) -> str:
        """The old figure as published."""
        return shown(self.old, self.old_marker)

    @property
    def new_text(self) -> str:
        """The new figure as published."""
        return shown(self.new, self.new_marker)

    @property
    def delta_text(self) -> str:
        """The signed difference."""
        return signed(self.delta)

    @property
    def percent_text(self) -> str:
        """The difference as a percentage of the old figure."""
        return percent(self.delta, self.old)


@dataclass
class Panel:
    """The top of the report and the sections that follow it."""

    old_period: str
    new_period: str
    headlines: list[Figure] = field(default_factory=list)
    revisions: list[Figure] = field(default_factory=list)
    new_figures: list[Figure] = field(default_factory=list)
    single_date: list[str] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)

    @property
    def periods_revised(self) -> list[str]:
        """The periods the revisions affect, oldest first as listed."""
        return list(dict.fromkeys(f.label.split(", ")[0] for f in self.revisions))


def _period_label(meta: dict[str, Any]) -> str:
    try:
        return parse_any_code(str(meta.get("period"))).label
    except Exception:  # noqa: BLE001 - not a quarter: compare nothing by period
        return ""


def _frame(folder: Path, table_id: str) -> pl.DataFrame | None:
    path = folder / "csv" / f"{table_id}.csv"
    return pl.read_csv(path, infer_schema=False) if path.is_file() else None


def _is_total(row: dict[str, Any], dims: list[str]) -> bool:
    return all(str(row[d]) in TOTALS or str(row[d]).startswith("All ") for d in dims)


def _totals_first(figure: Figure) -> tuple[int, float]:
    parts = figure.label.split(", ")[1:]
    totals = sum(p in TOTALS or p.startswith("All ") for p in parts)
    return (-totals, -abs(figure.delta or figure.old or 0))


def build_panel(
    old: Path, new: Path, m_old: dict[str, Any], m_new: dict[str, Any], tables: list[TableDiff]
) -> Panel:
    """The panel of the report comparing ``old`` with ``new``."""
    panel = Panel(_period_label(m_old), _period_label(m_new))
    same_period = panel.old_period == panel.new_period
    try:
        before = parse_any_code(str(m_new.get("period"))).shift(-1).label
    except Exception:  # noqa: BLE001
        before = ""
    for diff in tables:
        if diff.id == "revisions" or diff.status != "compared":
            continue
        caption = diff.caption.split(":")[0]
        if QUARTER not in diff.keys:
            if not same_period:
                panel.single_date.append(diff.caption)
            continue
        dims = [k for k in diff.keys if k not in (QUARTER, "measure")]
        q = diff.keys.index(QUARTER)
        for change in diff.changed:
            if change.key[q] == panel.new_period:
                continue
            o_val, o_mark = _split(change.old)
            n_val, n_mark = _split(change.new)
            if o_val is None:
                continue
            kind = "now suppressed" if n_val is None and n_mark == "c" else "revised"
            if kind == "revised" and n_val == o_val:
                continue  # only a marker changed (e.g. [p] -> [r])
            label = ", ".join([change.key[q], *[change.key[diff.keys.index(d)] for d in dims]])
            measure = change.key[diff.keys.index("measure")]
            panel.revisions.append(
                Figure(f"{caption} ({measure})", label, o_val, n_val, o_mark, n_mark, kind)
            )
        new_frame = _frame(new, diff.id)
        old_frame = _frame(old, diff.id)
        if new_frame is None:
            continue
        rows = new_frame.to_dicts()
        lookup = {tuple(str(r[k]) for k in diff.keys): r for r in rows}
        first_measure = rows[0]["measure"] if rows else None
        heads: list[Figure] = []
        for row in rows:
            if row[QUARTER] != panel.new_period or same_period:
                continue
            prior = lookup.get(tuple(before if k == QUARTER else row[k] for k in diff.keys))
            label = ", ".join([row[QUARTER], *[str(row[d]) for d in dims]])
            figure = Figure(
                f"{caption} ({row['measure']})",
                label,
                number(prior["value"]) if prior else None,
                number(row["value"]),
                prior["marker"] if prior else None,
                row["marker"],
                "new period",
                before,
            )
            panel.new_figures.append(figure)
            if _is_total(row, dims) and row["measure"] == first_measure:
                heads.append(figure)
        # The headline of the old period: the same total, as published then and now.
        for row in old_frame.to_dicts() if old_frame is not None else []:
            if row[QUARTER] != panel.old_period or not _is_total(row, dims):
                continue
            if row["measure"] != first_measure:
                continue
            now = lookup.get(tuple(str(row[k]) for k in diff.keys))
            o_val, n_val = number(row["value"]), number(now["value"]) if now else None
            kind = "revised" if o_val != n_val else "unchanged"
            label = ", ".join([row[QUARTER], *[str(row[d]) for d in dims]])
            heads.insert(
                0,
                Figure(
                    f"{caption} ({row['measure']})",
                    label,
                    o_val,
                    n_val,
                    row["marker"],
                    now["marker"] if now else None,
                    kind,
                ),
            )
        panel.headlines.extend(heads)
    panel.revisions.sort(key=_totals_first)
    return panel


def _split(text: str) -> tuple[float | None, str | None]:
    """ "28305 [r]" -> (28305.0, "r"); "[c]" -> (None, "c")."""
    found = re.match(r"^\s*([^\s\[]*)\s*(?:\[(\w+)\])?\s*$", text or "")
    if not found:
        return None, None
    return number(found[1]), found[2]


def links(out: Path, new: Path, m_new: dict[str, Any]) -> dict[str, str]:
    """Relative links from the report to the new build's page, QA report and revisions table."""

    def rel(path: Path) -> str:
        return Path(os.path.relpath(path, out)).as_posix()

    found = {"page": rel(new / "index.html")}
    if (new / "qa.html").is_file():
        found["qa"] = rel(new / "qa.html")
    revisions = m_new.get("tables", {}).get("revisions")
    if revisions:
        n = re.match(r"Table (\d+)", str(revisions.get("caption", "")))
        if n:
            found["revisions"] = rel(new / "index.html") + f"#table-{n[1]}"
    return found
