"""The one shell of every page statgen writes (``templates/base.html``): statgen's own pages
(release lists, the site index, the reviewers' index, the QA and diff reports) are rendered
from it with Jinja2, and the publication page's Pandoc template is made from it, so every page
has the same header, footer and stylesheet."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from statgen.errors import RenderError
from statgen.outputs.assets import TEMPLATES, VENDOR, template_cache

STYLESHEET = "statgen.css"
"""The one stylesheet every page loads: the GOV.UK Frontend's compiled CSS, then statgen's own."""
GOVUK_FRONTEND_CSS = VENDOR / "govuk-frontend.min.css"
"""Compiled from npm ``govuk-frontend`` by ``make vendor`` (see web/govuk-frontend.scss)."""

SHELL = jinja2.Environment(
    bytecode_cache=template_cache(),
    loader=jinja2.FileSystemLoader(str(TEMPLATES)),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
"""Jinja2 for statgen's own pages: autoescaped, so no data ever becomes markup."""


def render_page(template: str, **context: Any) -> str:
    """An HTML page from ``template`` (which extends ``base.html``), autoescaped."""
    context.setdefault("stylesheet", STYLESHEET)
    context.setdefault("organisation", "Statistics")
    context.setdefault("breadcrumbs", [])
    return SHELL.get_template(template).render(**context)


def write_page(path: Path, template: str, **context: Any) -> Path:
    """Write a page atomically (readers see the old page or the new one) with the stylesheet
    beside it (or where ``stylesheet`` points)."""
    text = render_page(template, **context)
    write_stylesheet(path.parent / context.get("stylesheet", STYLESHEET))
    temporary = path.parent / f".{path.name}.tmp"
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
    return path


def stylesheet() -> bytes:
    """The one stylesheet: the GOV.UK Frontend's compiled CSS, then statgen's own CSS."""
    if not GOVUK_FRONTEND_CSS.is_file():
        raise RenderError(
            f"{GOVUK_FRONTEND_CSS} is missing: run `make vendor` in the statgen folder (it "
            "compiles the GOV.UK Frontend's stylesheet from the npm package govuk-frontend)"
        )
    own = (TEMPLATES / "assets" / STYLESHEET).read_bytes()
    return GOVUK_FRONTEND_CSS.read_bytes() + b"\n" + own


def write_stylesheet(path: Path) -> Path:
    """Write the stylesheet to ``path`` atomically."""
    temporary = path.parent / f".{path.name}.tmp"
    temporary.write_bytes(stylesheet())
    temporary.replace(path)
    return path


@cache
def pandoc_template() -> Path:
    """The publication page's Pandoc template, made once per process from ``page.html.j2``
    (the shell filled with Pandoc template syntax), with its ``crumb.html`` partial beside it."""
    folder = Path(tempfile.mkdtemp(prefix="statgen-template-"))
    atexit.register(shutil.rmtree, folder, True)
    pandoc = Markup  # Pandoc template syntax, written into the template as it is
    page = render_page(
        "page.html.j2",
        organisation=pandoc("$if(organisation)$$organisation$$else$Statistics$endif$"),
        title="",
    )
    crumb = SHELL.get_template("shell/crumb.html")
    partial = (
        "$if(it.href)$\n"
        + crumb.render(crumb={"href": pandoc("$it.href$"), "text": pandoc("$it.text$")})
        + "$else$\n"
        + crumb.render(crumb={"href": None, "text": pandoc("$it.text$")})
        + "$endif$\n"
    )
    (folder / "page.html").write_text(page, encoding="utf-8")
    (folder / "crumb.html").write_text(partial, encoding="utf-8")
    return folder / "page.html"
