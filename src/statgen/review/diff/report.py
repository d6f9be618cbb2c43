"""The HTML report for reviewers."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from statgen.errors import DiffError
from statgen.lifecycle import manifest
from statgen.outputs.assets import TEMPLATES, plotly_bundle
from statgen.outputs.page.assemble import copy_assets
from statgen.outputs.page.html import human_size
from statgen.outputs.page.shell import render_page
from statgen.review.diff.charts import PageChart, compare_files, page_charts
from statgen.review.diff.panel import build_panel, links
from statgen.review.diff.tables import TableDiff, compare_tables
from statgen.review.diff.text import page_text, text_diff

esc = html.escape
PANEL = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(TEMPLATES / "diff")),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
).get_template("panel.html")
"""The report's top panel and its sections (autoescaped: no figure or label becomes markup)."""


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
    paragraphs, text_changed = text_diff(
        page_text(old / "index.html"), page_text(new / "index.html")
    )
    c_old, c_new = page_charts(old / "index.html"), page_charts(new / "index.html")
    numbers = sorted(c_old.keys() | c_new.keys())
    charts_changed = [n for n in numbers if c_old.get(n) != c_new.get(n)]
    files = compare_files(m_old, m_new)
    report = DiffReport(
        out / "index.html",
        tables,
        text_changed,
        charts_changed,
        [path for path, change, _, _ in files if change != "unchanged"],
    )
    panel = build_panel(old, new, m_old, m_new, tables)
    names = (label(old, m_old), label(new, m_new))
    what = f"{m_new.get('publication', '')} {m_new.get('period', '')}"
    title = f"Changes from {names[0]} to {names[1]}: {what}"
    body = [
        f'<h1 class="govuk-heading-xl">{esc(title)}</h1>',
        f'<p class="govuk-body-l">{esc(report.summary())}</p>',
        '<dl class="govuk-summary-list">',
        _meta_row("Before", names[0], old, m_old),
        _meta_row("After", names[1], new, m_new),
        "</dl>",
        PANEL.render(p=panel, links=links(out, new, m_new)),
        *_tables_html([t for t in tables if t.caption not in panel.single_date]),
        *_text_html(paragraphs, text_changed),
        *_charts_html(c_old, c_new, numbers, charts_changed, names),
        *_files_html(files),
    ]
    out.mkdir(parents=True, exist_ok=True)
    copy_assets(out, with_charts=bool(numbers))
    scripts = [plotly_bundle().name, "statgen-charts.js"] if numbers else []
    report.path.write_text(_page(title, "\n".join(body), scripts), encoding="utf-8")
    return report


def _meta_row(term: str, name: str, folder: Path, meta: dict[str, Any]) -> str:
    inputs = str(meta.get("inputs_sha256", ""))[:8]
    return (
        f'<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{term}</dt>'
        f'<dd class="govuk-summary-list__value">{esc(name)} ({esc(folder.as_posix())}, '
        f"inputs {esc(inputs)})</dd></div>"
    )


def _page(title: str, body: str, scripts: list[str]) -> str:
    """The report in the one shell (``templates/base.html``); ``body`` is already escaped."""
    return render_page(
        "pages/diff.html",
        title=f"{title} - review",
        organisation="Reviewers' comparison: not for publication",
        noindex=True,
        scripts=scripts,
        body=Markup(body),
    )


def _grid(
    table_id: str, caption: str, headers: list[str], rows: list[list[str]], numeric_from: int
) -> str:
    numeric_th = " govuk-table__header--numeric"
    head = "".join(
        f'<th scope="col" class="govuk-table__header{numeric_th if j >= numeric_from else ""}">'
        f"{esc(h)}</th>"
        for j, h in enumerate(headers)
    )
    body = []
    for row in rows:
        cells = []
        for j, value in enumerate(row):
            if j == 0:
                cells.append(f'<th scope="row" class="govuk-table__header">{esc(value)}</th>')
            else:
                numeric = " govuk-table__cell--numeric" if j >= numeric_from else ""
                cells.append(f'<td class="govuk-table__cell{numeric}">{esc(value)}</td>')
        body.append('<tr class="govuk-table__row">' + "".join(cells) + "</tr>")
    return (
        f'<div class="statgen-table-wrapper" role="region" aria-labelledby="{table_id}-caption"'
        ' tabindex="0">\n'
        f'<table class="govuk-table" id="{table_id}">\n'
        f'<caption class="govuk-table__caption" id="{table_id}-caption">{esc(caption)}</caption>\n'
        f'<thead class="govuk-table__head"><tr class="govuk-table__row">{head}</tr></thead>\n'
        f'<tbody class="govuk-table__body">\n' + "\n".join(body) + "\n</tbody>\n</table>\n</div>"
    )


def _tables_html(tables: list[TableDiff]) -> list[str]:
    changed = [t for t in tables if not t.unchanged]
    same = [t for t in tables if t.unchanged]
    out = ['<h2 id="tables">Tables</h2>']
    out.append(f"<p>{len(changed)} of {len(tables)} tables changed.</p>")
    for n, t in enumerate(changed, 1):
        out.append(f'<h3 id="table-diff-{n}">{esc(t.caption)}</h3>')
        if t.status != "compared":
            out.append(f"<p>This table was {t.status}.</p>")
            continue
        if t.columns_added or t.columns_removed:
            out.append(
                f"<p>Columns added: {esc(', '.join(t.columns_added) or 'none')}. "
                f"Columns removed: {esc(', '.join(t.columns_removed) or 'none')}.</p>"
            )
        if t.changed:
            keys = [k.replace("_", " ").capitalize() for k in t.keys]
            rows = [[", ".join(c.key), c.old, c.new, *c.difference()] for c in t.changed]
            headers = [" / ".join(keys), "Old value", "New value", "Difference", "% difference"]
            out.append(
                _grid(
                    f"table-diff-{n}-cells",
                    f"{len(t.changed)} changed figures in {t.caption}",
                    headers,
                    rows,
                    1,
                )
            )
        for what, keys_list in (("added", t.rows_added), ("removed", t.rows_removed)):
            if keys_list:
                rows = [[", ".join(k)] for k in keys_list]
                out.append(
                    _grid(
                        f"table-diff-{n}-{what}",
                        f"{len(keys_list)} rows {what} in {t.caption}",
                        [" / ".join(t.keys)],
                        rows,
                        1,
                    )
                )
    if same:
        items = "".join(f"<li>{esc(t.caption)}</li>" for t in same)
        out.append(
            '<details class="govuk-details"><summary class="govuk-details__summary">'
            f'<span class="govuk-details__summary-text">{len(same)} unchanged tables</span>'
            "</summary>"
            f'<div class="govuk-details__text"><ul class="govuk-list">{items}</ul></div></details>'
        )
    return out


def _text_html(paragraphs: list[str], changed: bool) -> list[str]:
    out = ['<h2 id="commentary">Commentary</h2>']
    if not changed:
        out.append("<p>The words of the page did not change.</p>")
        return out
    out.append(
        "<p>Deleted words are struck through and marked in red; inserted words are underlined "
        "and marked in green.</p>"
    )
    out.append('<div class="statgen-diff-text">')
    out += [f"<p>{p}</p>" for p in paragraphs]
    out.append("</div>")
    return out


def _chart_figure(side: str, chart: PageChart | None, name: str) -> str:
    if chart is None:
        return f"<figure><figcaption>{esc(name.capitalize())}: no such figure</figcaption></figure>"
    fid = f"{side}-figure-{chart.number}"
    return "\n".join(
        [
            f'<figure class="statgen-figure" id="{fid}">',
            f'<figcaption class="statgen-figure__caption">{esc(name.capitalize())}: '
            f"{esc(chart.title)}</figcaption>",
            f'<p class="statgen-figure__description" id="{fid}-desc">{esc(chart.description)}</p>',
            f'<div class="statgen-chart" id="{fid}-chart" role="img" '
            f'aria-label="{esc(name)}: {esc(chart.title, quote=True)}" '
            f'aria-describedby="{fid}-desc" data-figure-json="{fid}-json"></div>',
            f'<script type="application/json" id="{fid}-json">{chart.figure_json}</script>',
            "</figure>",
        ]
    )


def _charts_html(
    old: dict[int, PageChart],
    new: dict[int, PageChart],
    numbers: list[int],
    changed: list[int],
    names: tuple[str, str],
) -> list[str]:
    out = ['<h2 id="charts">Charts</h2>']
    out.append(f"<p>{len(changed)} of {len(numbers)} charts changed.</p>")
    for n in numbers:
        state = "changed" if n in changed else "no change"
        out.append(f"<h3>Figure {n} ({state})</h3>")
        out.append('<div class="statgen-diff-sides">')
        out.append(_chart_figure("old", old.get(n), names[0]))
        out.append(_chart_figure("new", new.get(n), names[1]))
        out.append("</div>")
    return out


def _files_html(files: list[tuple[str, str, int | None, int | None]]) -> list[str]:
    changed = sum(change != "unchanged" for _, change, _, _ in files)
    out = [
        '<h2 id="downloads">Downloads</h2>',
        f"<p>{changed} of {len(files)} downloads changed.</p>",
    ]
    rows = [
        [
            path,
            change,
            human_size(a) if a is not None else "-",
            human_size(b) if b is not None else "-",
        ]
        for path, change, a, b in files
    ]
    out.append(
        _grid(
            "downloads-diff",
            "Downloads compared by their SHA-256 hashes",
            ["File", "Change", "Old size", "New size"],
            rows,
            2,
        )
    )
    return out
