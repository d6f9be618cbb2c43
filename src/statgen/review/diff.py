"""``statgen diff OLD NEW``: an HTML report for reviewers of what changed between two builds
(draft against draft, or draft against the last published release).

- tables: every changed cell (old, new, absolute and percentage difference), rows and columns
  added or removed; unchanged tables are collapsed;
- commentary: a word-level diff of the rendered text, insertions and deletions marked;
- charts: both versions side by side;
- downloads: which files changed, from the manifests' hashes.

The report is an accessible page in the project's style (headings in order, tables with
captions and header scopes, language and title set).
"""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import polars as pl

from statgen.errors import DiffError
from statgen.layout import Layout
from statgen.lifecycle import manifest
from statgen.outputs.assets import plotly_bundle
from statgen.outputs.page.assemble import copy_assets
from statgen.outputs.page.html import human_size
from statgen.periods import Period

DOWNLOADS = (".xlsx", ".ods", ".csv", ".json")
"""Files compared in the downloads section (the page itself is compared as text)."""
TIDY_VALUES = ("value", "marker")
"""The non-key columns of a tidy CSV: every other column identifies the figure."""
esc = html.escape


# ---------------------------------------------------------------------------------------------
# Tables


@dataclass(frozen=True)
class CellChange:
    """One figure whose value or marker changed."""

    key: tuple[str, ...]
    old: str
    new: str

    def difference(self) -> tuple[str, str]:
        """Absolute and percentage difference as text ("" when not both numbers)."""
        try:
            old, new = float(self.old.split()[0]), float(self.new.split()[0])
        except (ValueError, IndexError):
            return "", ""
        delta = new - old
        absolute = f"{delta:+,.1f}".replace(".0", "") if delta % 1 == 0 else f"{delta:+,.1f}"
        pct = f"{100 * delta / old:+.1f}%" if old else "n/a"
        return absolute, pct


@dataclass
class TableDiff:
    """How one table changed."""

    id: str
    caption: str
    keys: list[str]
    changed: list[CellChange] = field(default_factory=list)
    rows_added: list[tuple[str, ...]] = field(default_factory=list)
    rows_removed: list[tuple[str, ...]] = field(default_factory=list)
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)
    status: str = "compared"  # or "added", "removed"

    @property
    def unchanged(self) -> bool:
        """Whether nothing at all changed."""
        return self.status == "compared" and not (
            self.changed
            or self.rows_added
            or self.rows_removed
            or self.columns_added
            or self.columns_removed
        )


def _read_csv(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False)


def _cell(row: dict[str, Any], suffix: str = "") -> str:
    value = row.get(f"value{suffix}") or ""
    marker = row.get(f"marker{suffix}")
    return f"{value} [{marker}]".strip() if marker else value


def compare_table(table_id: str, caption: str, old: Path | None, new: Path | None) -> TableDiff:
    """Compare one tidy CSV in two builds, keyed by every column but value and marker."""
    if old is None or new is None:
        status = "added" if old is None else "removed"
        return TableDiff(table_id, caption, [], status=status)
    a, b = _read_csv(old), _read_csv(new)
    keys = [c for c in b.columns if c in a.columns and c not in TIDY_VALUES]
    out = TableDiff(
        table_id,
        caption,
        keys,
        columns_added=[c for c in b.columns if c not in a.columns],
        columns_removed=[c for c in a.columns if c not in b.columns],
    )
    for frame in (a, b):
        for col in TIDY_VALUES:
            if col not in frame.columns:
                frame.insert_column(frame.width, pl.lit(None, pl.String).alias(col))
    a = a.select(*keys, *TIDY_VALUES).with_columns(pl.lit(True).alias("__in_old"))
    b = b.select(*keys, *TIDY_VALUES).with_columns(pl.lit(True).alias("__in_new"))
    joined = a.join(b, on=keys, how="full", coalesce=True, suffix="__new", nulls_equal=True)
    for row in joined.iter_rows(named=True):
        key = tuple(str(row[k]) for k in keys)
        if not row["__in_new"]:
            out.rows_removed.append(key)
        elif not row["__in_old"]:
            out.rows_added.append(key)
        else:
            # the join names the new build's value and marker columns value__new, marker__new
            before, after = _cell(row), _cell(row, "__new")
            if before != after:
                out.changed.append(CellChange(key, before, after))
    return out


def compare_tables(
    old: Path, new: Path, m_old: dict[str, Any], m_new: dict[str, Any]
) -> list[TableDiff]:
    """Every table of either build, in the new build's order."""
    meta = {**m_old.get("tables", {}), **m_new.get("tables", {})}
    ids = [p.stem for p in sorted((new / "csv").glob("*.csv"))]
    ids += [p.stem for p in sorted((old / "csv").glob("*.csv")) if p.stem not in ids]
    order = list(m_new.get("tables", {})) + [
        i for i in m_old.get("tables", {}) if i not in m_new.get("tables", {})
    ]
    ids = sorted(ids, key=lambda i: (order.index(i) if i in order else len(order), i))
    out = []
    for table_id in ids:
        a, b = old / "csv" / f"{table_id}.csv", new / "csv" / f"{table_id}.csv"
        caption = meta.get(table_id, {}).get("caption", table_id)
        out.append(
            compare_table(table_id, caption, a if a.exists() else None, b if b.exists() else None)
        )
    return out


# ---------------------------------------------------------------------------------------------
# Commentary


class _TextBlocks(HTMLParser):
    """The readable text of a page's body, one string per paragraph, heading or list item;
    tables, figures and scripts are left out (they are compared as tables and charts)."""

    SKIP = {"table", "figure", "script", "style", "details", "nav", "svg"}
    BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "blockquote", "div"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._current: list[str] = []
        self._skip = 0
        self._in_body = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if self._in_body:
            if tag == "div":
                self._in_body += 1
            if tag in self.SKIP or self._skip:
                self._skip += tag in self.SKIP
            if tag in self.BLOCKS:
                self._flush()
        elif tag == "div" and "statgen-body" in classes:
            self._in_body = 1

    def handle_endtag(self, tag: str) -> None:
        if not self._in_body:
            return
        if tag in self.SKIP and self._skip:
            self._skip -= 1
        if tag in self.BLOCKS:
            self._flush()
        if tag == "div":
            self._in_body -= 1

    def handle_data(self, data: str) -> None:
        if self._in_body and not self._skip:
            self._current.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self._current).split())
        if text:
            self.blocks.append(text)
        self._current = []


def page_text(page: Path) -> list[str]:
    """The commentary of a rendered page as blocks of plain text."""
    parser = _TextBlocks()
    parser.feed(page.read_text(encoding="utf-8") if page.exists() else "")
    parser.close()
    return parser.blocks


def word_diff(old: str, new: str) -> str:
    """HTML of one block with deleted words in <del> and inserted words in <ins>."""
    a, b = old.split(), new.split()
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(esc(" ".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(_mark("del", " ".join(a[i1:i2])))
        if j2 > j1:
            out.append(_mark("ins", " ".join(b[j1:j2])))
    return " ".join(out)


def _mark(tag: str, text: str) -> str:
    said = "deleted" if tag == "del" else "inserted"
    return (
        f'<{tag} class="statgen-diff-{tag}"><span class="statgen-visually-hidden">[{said}: </span>'
        f'{esc(text)}<span class="statgen-visually-hidden">]</span></{tag}>'
    )


def text_diff(old: list[str], new: list[str]) -> tuple[list[str], bool]:
    """Paragraphs of HTML marking every change, and whether anything changed."""
    out = []
    changed = False
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out += [esc(p) for p in old[i1:i2]]
            continue
        changed = True
        pairs = list(zip(old[i1:i2], new[j1:j2], strict=False))
        out += [word_diff(a, b) for a, b in pairs]
        out += [_mark("del", p) for p in old[i1 + len(pairs) : i2]]
        out += [_mark("ins", p) for p in new[j1 + len(pairs) : j2]]
    return out, changed


# ---------------------------------------------------------------------------------------------
# Charts


@dataclass(frozen=True)
class PageChart:
    """A chart as drawn on a page: its number, title, text alternative and Plotly JSON."""

    number: int
    title: str
    description: str
    figure_json: str


CHART = re.compile(
    r'<figure class="statgen-figure" id="figure-(\d+)">.*?'
    r'<span class="statgen-figure__number">Figure \d+:</span>\s*(.*?)</figcaption>.*?'
    r'<p class="statgen-figure__description"[^>]*>(.*?)</p>.*?'
    r'<script type="application/json" id="figure-\d+-json">(.*?)</script>',
    re.DOTALL,
)


def page_charts(page: Path) -> dict[int, PageChart]:
    """The charts of a rendered page, by figure number."""
    text = page.read_text(encoding="utf-8") if page.exists() else ""
    return {
        int(m.group(1)): PageChart(
            int(m.group(1)), html.unescape(m.group(2)), html.unescape(m.group(3)), m.group(4)
        )
        for m in CHART.finditer(text)
    }


# ---------------------------------------------------------------------------------------------
# Downloads


def compare_files(
    m_old: dict[str, Any], m_new: dict[str, Any]
) -> list[tuple[str, str, int | None, int | None]]:
    """(path, change, old bytes, new bytes) for every download of either build."""
    a = {f["path"]: f for f in m_old.get("files", []) if f["path"].endswith(DOWNLOADS)}
    b = {f["path"]: f for f in m_new.get("files", []) if f["path"].endswith(DOWNLOADS)}
    out = []
    for path in sorted(a.keys() | b.keys()):
        if path not in a:
            change = "added"
        elif path not in b:
            change = "removed"
        else:
            change = "unchanged" if a[path]["sha256"] == b[path]["sha256"] else "changed"
        out.append((path, change, a.get(path, {}).get("bytes"), b.get(path, {}).get("bytes")))
    return out


# ---------------------------------------------------------------------------------------------
# The report


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
    names = (label(old, m_old), label(new, m_new))
    what = f"{m_new.get('publication', '')} {m_new.get('period', '')}"
    title = f"Changes from {names[0]} to {names[1]}: {what}"
    body = [
        f'<h1 class="statgen-heading-xl">{esc(title)}</h1>',
        f'<p class="statgen-lead">{esc(report.summary())}</p>',
        '<dl class="statgen-metadata">',
        _meta_row("Before", names[0], old, m_old),
        _meta_row("After", names[1], new, m_new),
        "</dl>",
        *_tables_html(tables),
        *_text_html(paragraphs, text_changed),
        *_charts_html(c_old, c_new, numbers, charts_changed, names),
        *_files_html(files),
    ]
    out.mkdir(parents=True, exist_ok=True)
    copy_assets(out, with_charts=bool(numbers))
    scripts = ""
    if numbers:
        scripts = "".join(
            f'<script defer src="{js}"></script>\n'
            for js in (plotly_bundle().name, "statgen-charts.js")
        )
    report.path.write_text(_page(title, "\n".join(body), scripts), encoding="utf-8")
    return report


def _meta_row(term: str, name: str, folder: Path, meta: dict[str, Any]) -> str:
    inputs = str(meta.get("inputs_sha256", ""))[:8]
    return (
        f'<div class="statgen-metadata__row"><dt>{term}:</dt>'
        f"<dd>{esc(name)} ({esc(folder.as_posix())}, inputs {esc(inputs)})</dd></div>"
    )


STYLE = """
.statgen-diff-ins { background: #cce2d8; color: #005a30; text-decoration: underline; }
.statgen-diff-del { background: #f4cdc6; color: #942514; text-decoration: line-through; }
.statgen-diff-sides { display: flex; flex-wrap: wrap; gap: 20px; }
.statgen-diff-sides > figure { flex: 1 1 420px; min-width: 0; margin: 0; }
.statgen-diff-text p { max-width: 40em; }
"""


def _page(title: str, body: str, scripts: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en-GB" class="no-js">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>{esc(title)} - review</title>
<link rel="stylesheet" href="statgen.css">
<style>{STYLE}</style>
{scripts}</head>
<body class="statgen-page">
<a href="#main-content" class="statgen-skip-link">Skip to main content</a>
<header class="statgen-header">
<div class="statgen-width-container statgen-header__container">
<span class="statgen-header__organisation">Reviewers' comparison: not for publication</span>
</div>
</header>
<div class="statgen-width-container">
<main class="statgen-main" id="main-content" tabindex="-1">
{body}
</main>
</div>
</body>
</html>
"""


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


# ---------------------------------------------------------------------------------------------
# Which builds to compare by default


def default_pair(layout: Layout, slug: str, period: Period | None) -> tuple[Path, Path]:
    """The latest draft, and the last published release of its period (else the draft before)."""
    if period is None:
        found = layout.draft_periods(slug)
        if not found:
            raise DiffError(
                f"{layout.drafts(slug)}: no drafts to compare; build one with "
                f"`make release PUB={slug}`"
            )
        period = found[-1]
    period_dir = layout.period_drafts(slug, period)
    numbers = layout.draft_numbers(slug, period)
    if not numbers:
        raise DiffError(
            f"{period_dir}: no drafts to compare; build one with `make release PUB={slug}`"
        )
    new = layout.draft(slug, period, numbers[-1])
    published = layout.latest_release(slug, period)
    if published:
        return published.folder, new
    if len(numbers) < 2:
        raise DiffError(f"{period_dir}: only one draft and no release to compare it with")
    return layout.draft(slug, period, numbers[-2]), new
