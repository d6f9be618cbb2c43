"""The HTML report for reviewers."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from statgen.errors import DiffError
from statgen.lifecycle import manifest
from statgen.outputs.assets import TEMPLATES, plotly_bundle, template_cache
from statgen.outputs.page.assemble import copy_assets
from statgen.outputs.page.html import human_size
from statgen.outputs.page.shell import render_page
from statgen.review.diff.cells import Build, shown
from statgen.review.diff.charts import PageChart, compare_files, page_charts
from statgen.review.diff.panel import build_panel, links
from statgen.review.diff.tables import TableDiff, compare_tables, split
from statgen.review.diff.text import changed_blocks, page_headings, page_text

TOP_REVISIONS = 10
"""Revised figures shown before the rest are folded away."""

REPORT = jinja2.Environment(
    bytecode_cache=template_cache(),
    loader=jinja2.FileSystemLoader(str(TEMPLATES / "diff")),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
).get_template("report.html")
"""The report's body: its top panel and sections (autoescaped: no figure, label or word of
the commentary becomes markup)."""


@dataclass
class DiffReport:
    """What changed, and where the report was written."""

    path: Path
    tables: list[TableDiff]
    text_changed: bool
    charts_changed: list[int]
    files_changed: list[str]

    @property
    def no_change(self) -> bool:
        """Whether the two builds show the same figures, words, charts and downloads."""
        return (
            all(t.unchanged for t in self.tables)
            and not self.text_changed
            and not self.charts_changed
            and not self.files_changed
        )

    def summary(self) -> str:
        """One line for the terminal."""
        if self.no_change:
            return "No change: the tables, commentary, charts and downloads are the same."
        tables = sum(not t.unchanged for t in self.tables)
        return (
            f"{tables} table(s), {'the commentary, ' if self.text_changed else ''}"
            f"{len(self.charts_changed)} chart(s) and {len(self.files_changed)} download(s) "
            "changed."
        )


def label(folder: Path, meta: dict[str, Any]) -> str:
    """How a build is named in the report: "draft 3" or "published version 1"."""
    if "published" in meta:
        return f"published version {meta['published']['version']}"
    if "draft" in meta:
        return f"draft {meta['draft']}"
    return folder.name


def write_report(old: Path, new: Path, out: Path) -> DiffReport:
    """Compare ``old`` with ``new`` and write the report to ``out/index.html``."""
    for folder in (old, new):
        if not (folder / "index.html").exists():
            raise DiffError(f"{folder}: not a build folder (it has no index.html)")
    m_old, m_new = manifest.read(old), manifest.read(new)
    tables = compare_tables(old, new, m_old, m_new)
    sections, unchanged = changed_blocks(
        page_text(old / "index.html"),
        page_text(new / "index.html"),
        page_headings(new / "index.html"),
    )
    c_old, c_new = page_charts(old / "index.html"), page_charts(new / "index.html")
    numbers = sorted(c_old.keys() | c_new.keys())
    charts_changed = [n for n in numbers if _drawn(c_old.get(n)) != _drawn(c_new.get(n))]
    files = compare_files(m_old, m_new)
    out.mkdir(parents=True, exist_ok=True)
    report = DiffReport(
        out / "index.html",
        tables,
        bool(sections),
        charts_changed,
        [path for path, change, _, _ in files if change != "unchanged"],
    )
    b_old, b_new = Build(old, m_old), Build(new, m_new)
    panel = build_panel(b_old, b_new, tables)
    names = (label(old, m_old), label(new, m_new))
    what = f"{m_new.get('publication', '')} {m_new.get('period', '')}"
    title = f"Changes from {names[0]} to {names[1]}: {what}"
    shown_tables = [t for t in tables if t.caption not in panel.single_date_captions]
    sides = {
        n: [_chart(side, c.get(n), name, out) for side, c, name in
            (("old", c_old, names[0]), ("new", c_new, names[1]))]
        for n in charts_changed
    }  # fmt: skip
    charts = [
        {"number": n, "title": (c_new.get(n) or c_old.get(n)).title, "sides": sides[n]}  # type: ignore[union-attr]
        for n in charts_changed
    ]
    interactive = any(side.get("json") for found in sides.values() for side in found)
    copy_assets(out, with_charts=interactive)
    scripts = [plotly_bundle().name, "statgen-charts.js"] if interactive else []
    body = REPORT.render(
        title=title,
        summary=report.summary(),
        builds=[
            _build_row("Before", names[0], old, m_old),
            _build_row("After", names[1], new, m_new),
        ],
        p=panel,
        links=links(out, new, m_new),
        top=TOP_REVISIONS,
        tables=[_table(t, b_new) for t in shown_tables if not t.unchanged],
        same_tables=[t.caption for t in shown_tables if t.unchanged],
        table_count=len(shown_tables),
        sections=sections,
        unchanged=unchanged,
        charts=charts,
        chart_count=len(numbers),
        files=[
            [path, change, human_size(a) if a is not None else "-",
             human_size(b) if b is not None else "-"]
            for path, change, a, b in files if change != "unchanged"
        ],
        file_count=len(files),
    )  # fmt: skip
    report.path.write_text(_page(title, body, scripts), encoding="utf-8")
    return report


def _build_row(term: str, name: str, folder: Path, meta: dict[str, Any]) -> dict[str, str]:
    inputs = str(meta.get("inputs_sha256", ""))[:8]
    return {"term": term, "value": f"{name} ({folder.as_posix()}, inputs {inputs})"}


def _page(title: str, body: str, scripts: list[str]) -> str:
    """The report in the one shell (``templates/base.html``); ``body`` is the autoescaped
    output of ``templates/diff/report.html``."""
    return render_page(
        "pages/diff.html",
        title=f"{title} - review",
        organisation="Reviewers' comparison: not for publication",
        noindex=True,
        scripts=scripts,
        body=Markup(body),
    )


def _as_published(
    text: str, build: Build, table: str, key: tuple[str, ...], keys: list[str]
) -> str:
    value, marker = split(text)
    measure = key[keys.index("measure")] if "measure" in keys else ""
    return shown(value, build.format(table, measure), marker)


def _table(t: TableDiff, new: Build) -> dict[str, Any]:
    """One changed table: its summary line and its grids of figures, as published."""
    keys = " / ".join(k.replace("_", " ").capitalize() for k in t.keys)
    grids = []
    if t.changed:
        rows = [
            [", ".join(c.key), _as_published(c.old, new, t.id, c.key, t.keys),
             _as_published(c.new, new, t.id, c.key, t.keys), *c.difference()]
            for c in t.changed
        ]  # fmt: skip
        headers = [keys, "Old value", "New value", "Difference", "% difference"]
        grids.append((f"{len(t.changed)} changed figures in {t.caption}", headers, rows))
    for what, found, values in (
        ("added", t.rows_added, t.values_added),
        ("removed", t.rows_removed, t.values_removed),
    ):
        if found:
            rows = [
                [", ".join(k), _as_published(v, new, t.id, k, t.keys)]
                for k, v in zip(found, values, strict=True)
            ]
            header = "Value" if what == "added" else "Old value"
            grids.append((f"{len(found)} rows {what} in {t.caption}", [keys, header], rows))
    parts = [f"{len(t.changed)} figures changed"] if t.changed else []
    parts += [f"{len(t.rows_added)} rows added"] if t.rows_added else []
    parts += [f"{len(t.rows_removed)} rows removed"] if t.rows_removed else []
    if t.columns_added or t.columns_removed:
        parts.append(
            f"columns added: {', '.join(t.columns_added) or 'none'}; "
            f"removed: {', '.join(t.columns_removed) or 'none'}"
        )
    return {"caption": t.caption, "status": t.status, "summary": ", ".join(parts), "grids": grids}


def _drawn(chart: PageChart | None) -> tuple[str, str, str] | None:
    """What a chart shows (its image file's place left out)."""
    return None if chart is None else (chart.title, chart.description, chart.figure_json)


def _chart(side: str, chart: PageChart | None, name: str, out: Path) -> dict[str, Any]:
    """One side of a changed chart: the build's own SVG copied beside the report, or (for a
    build without one) its Plotly figure."""
    if chart is None:
        return {"id": f"{side}-figure", "name": name, "missing": True}
    fid = f"{side}-figure-{chart.number}"
    found: dict[str, Any] = {"id": fid, "name": name, "title": chart.title,
                             "description": chart.description, "missing": False}  # fmt: skip
    if chart.image is not None:
        (out / "charts").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(chart.image, out / "charts" / f"{fid}.svg")
        found["image"] = f"charts/{fid}.svg"
    else:
        found["json"] = Markup(chart.figure_json)  # already made safe for a <script> block
    return found
