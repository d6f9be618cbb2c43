"""HTML fragments statgen writes into pages: accessible tables, figures, raw blocks (all
escaped)."""

from __future__ import annotations

import html
import re
from typing import Any

import jinja2
from markupsafe import Markup

from statgen.outputs.assets import TEMPLATES, template_cache
from statgen.outputs.grid import Cell, Grid, Header

FRAGMENTS = jinja2.Environment(
    bytecode_cache=template_cache(),
    loader=jinja2.FileSystemLoader(str(TEMPLATES / "fragments")),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=False,
)
"""HTML fragments statgen writes into pages (autoescaped: data never becomes markup)."""


MARKDOWN = re.compile(r"([\\`*_{}\[\]()#!|~^$@])")
"""Pandoc markdown's punctuation that can start markup inside a line: links and images,
attributes, emphasis, code, footnotes, superscripts, maths, citations, headings, tables."""


LINE_START = re.compile(r"\s*(?:[-+:=]|\d+[.)]|[A-Za-z][.)]|[ivxlcdmIVXLCDM]+[.)])(?=\s|$)")
"""What opens a block when it begins a line (a list item, a definition): the text's own start
may be a paragraph's or a list item's ("{{ group }} had {{ n }}.")."""


def markdown_text(text: str) -> str:
    """Text that Pandoc reads back as the same text: markdown punctuation backslashed and line
    breaks as spaces, so a label such as ``[x](javascript:...)`` never becomes a link, nor one
    such as ``- Other`` or ``1. Low`` a list where it begins a paragraph. (HTML's ``<``, ``>``
    and ``&`` are left to HTML escaping.)"""
    text = MARKDOWN.sub(r"\\\1", " ".join(text.splitlines()))
    marker = LINE_START.match(text)
    if marker:  # the marker's last character (the "-", or the "." of "1.") backslashed
        text = f"{text[: marker.end() - 1]}\\{text[marker.end() - 1 :]}"
    return text


def markdown_value(value: Any) -> Any:
    """Jinja's ``finalize`` for text written into markdown: a value that is not markup already
    (figures, tables and charts are) is written as :func:`markdown_text`."""
    if hasattr(value, "__html__") or value is None:
        return value
    return markdown_text(str(value))


def script_json(text: str) -> str:
    """JSON text made safe as the content of a ``<script>`` element: every ``<`` written as the
    JSON escape ``\\u003c``, which parses to the same data. "</" would end the element, and
    "<!--" followed by "<script" makes the HTML parser wait for a second "</script>" (its
    "script data double escaped" state), turning the rest of the page into script text."""
    return text.replace("<", "\\u003c")


def raw(fragment: str) -> Markup:
    """Wrap HTML as a raw block both Pandoc and Quarto pass through untouched."""
    return Markup(f"\n\n```{{=html}}\n{fragment}\n```\n\n")


def grid_html(grid: Grid, table_id: str, caption: str) -> str:
    """An accessible HTML table: caption, column and row headers with scope, numbers right."""
    esc = html.escape

    def header(h: Header) -> str:
        cls = "govuk-table__header" + (" govuk-table__header--numeric" if h.numeric else "")
        text = "<br>".join(esc(p) for p in h.text.split("\n"))
        return f'<th scope="col" class="{cls}">{text}</th>'

    # Body cells carry no classes (the stylesheet right-aligns a data table's cells unless they
    # are text): tables are most of a page's weight, and the page budget is 150 KB.
    def cell(c: Cell, j: int) -> str:
        if j < grid.label_columns:
            return f'<th scope="row">{esc(c.text)}</th>'
        open_tag = '<td class="statgen-text">' if c.format == "text" else "<td>"
        return f"{open_tag}{esc(c.text)}</td>"

    head = "".join(header(h) for h in grid.headers)
    rows = "\n".join(
        "<tr>" + "".join(cell(c, j) for j, c in enumerate(r)) + "</tr>" for r in grid.rows
    )
    return (
        f'<div class="statgen-table-wrapper" role="region" '
        f'aria-labelledby="{table_id}-caption" tabindex="0">\n'
        f'<table class="govuk-table statgen-data-table" id="{table_id}">\n'
        f'<caption class="govuk-table__caption" id="{table_id}-caption">{esc(caption)}</caption>\n'
        f"<thead><tr>{head}</tr></thead>\n"
        f"<tbody>\n{rows}\n</tbody>\n</table>\n</div>"
    )


def human_size(size: int) -> str:
    """A file size as GOV.UK shows it: "2 KB", "1.2 MB"."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"
