"""Jinja2 for publication text: the sandboxed environment, filling the commentary (an error says
its file and line), chart placement, and refusing raw scripts."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from statgen.config import Publication
from statgen.errors import (
    ChartPlacementError,
    StatgenError,
    TemplateError,
    UnsafeCommentaryError,
)
from statgen.outputs.assets import TEMPLATES, template_cache
from statgen.outputs.charts import DrawnChart
from statgen.outputs.page.html import markdown_value
from statgen.outputs.page.render import MARKDOWN_PUNCTUATION

if TYPE_CHECKING:
    from statgen.outputs.page.commentary import Context


def environment(folder: Path, commentary: bool = False) -> jinja2.Environment:
    """Jinja2 set up for publication text: sandboxed (a template reaches no Python internals),
    autoescaped (data can never inject HTML), strict.

    For the ``commentary``, every value written that is not markup already (figures, tables
    and charts are) is written as markdown text too (:func:`markdown_text`): a category label
    ``[x](javascript:...)`` from ``ranked()`` stays text instead of becoming a link. The page
    skeleton writes values into raw HTML and links as well, and marks its text with the
    ``md`` filter."""
    env = SandboxedEnvironment(
        loader=jinja2.FileSystemLoader([str(folder), str(TEMPLATES)]),
        bytecode_cache=template_cache("commentary" if commentary else ""),
        finalize=markdown_value if commentary else None,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        # Quarto writes heading ids as {#id}, so Jinja comments are {## ... ##} instead of {# #}.
        comment_start_string="{##",
        comment_end_string="##}",
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # `|md`: config text placed in Markdown (the page skeleton) stays text, not markup.
    env.filters["md"] = lambda text: MARKDOWN_PUNCTUATION.sub(r"\\\1", str(text))
    return env


def render_text(text: str, **values: Any) -> str:
    """Fill a short Jinja2 template from config (chart titles, descriptions); plain text out."""
    env = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False)
    try:
        return " ".join(env.from_string(text).render(**values).split())
    except jinja2.TemplateError as exc:
        raise TemplateError(f"in {text[:60]!r}...: {exc}") from None


def fill(publication: Publication, context: Context, template: str, **extra: Any) -> str:
    """Render a Jinja2 template file (commentary or page skeleton) with the context."""
    env = environment(publication.folder, commentary=template == publication.commentary)
    if template == publication.commentary and not publication.commentary_scripts:
        _refuse_scripts(publication.folder / template)
    try:
        return env.get_template(template).render(**context.names(), **extra)
    except StatgenError as exc:
        # Raised by a helper (value(), table(), ...) that the template called: say where.
        raise type(exc)(f"{_where(exc, template)}: {exc}") from None
    except jinja2.TemplateSyntaxError as exc:
        where = exc.filename or template
        raise TemplateError(f"{where}:{exc.lineno}: {exc}") from None
    except (jinja2.TemplateError, ArithmeticError, LookupError, TypeError, ValueError) as exc:
        raise TemplateError(f"{_where(exc, template)}: {exc}") from None


def _where(exc: BaseException, template: str) -> str:
    """``file:line`` of the innermost template line an exception passed through.

    Jinja rewrites tracebacks so that template code appears as frames of the template file at
    its own line numbers; the innermost such frame is where the commentary went wrong.
    """
    where = template
    tb = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith((".qmd", ".j2", ".md", ".html")) or name.endswith(template):
            where = f"{name}:{tb.tb_lineno}"
        tb = tb.tb_next
    return where


def check_placement(publication: Publication, placed: list[str], drawn: list[DrawnChart]) -> None:
    """Every chart is placed once, in the order it is numbered, so figure numbers read 1, 2, 3."""
    where = publication.folder / publication.commentary
    numbered = [c.id for c in drawn]
    twice = sorted({c for c in placed if placed.count(c) > 1})
    if twice:
        raise ChartPlacementError(f"{where}: charts {twice} are placed more than once")
    missing = [c for c in numbered if c not in placed]
    if missing:
        names = ", ".join(f"{c!r} (figure {numbered.index(c) + 1})" for c in missing)
        raise ChartPlacementError(
            f"{where}: chart {names} is never placed, so the figure numbers would have a gap: "
            f'write {{{{ chart("{missing[0]}") }}}} where it belongs, or remove it from '
            "charts in publication.yaml"
        )
    if placed != numbered:
        raise ChartPlacementError(
            f"{where}: the charts are placed in the order {placed} but numbered in the order "
            f"{numbered} (the order of charts in publication.yaml): place them in that order"
        )


ACTIVE = re.compile(r"<\s*(script|iframe|frame|frameset|object|embed|base|meta)\b", re.IGNORECASE)
"""Elements that run script or load a document into the page."""
HANDLER = re.compile(r"(?<![\w.-])(on[a-z]+)\s*=", re.IGNORECASE)
"""An event handler attribute, in raw HTML (``<img onerror=...>``) or in Pandoc's attribute
syntax (``[text]{onclick=...}``)."""
_SCHEME = r"\s*".join("javascript") + "|" + r"\s*".join("vbscript")
SCRIPT_URL = re.compile(rf"(?:\]\(|\]:|=|<)\s*[\"']?\s*<?\s*({_SCHEME})\s*:", re.IGNORECASE)
"""A javascript: or vbscript: URL: a Markdown link's target, an attribute's value or an
autolink (browsers ignore whitespace inside the scheme)."""
JINJA = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.DOTALL)


def _script_in(text: str) -> tuple[int, str] | None:
    """The line (from 1) and a description of the first markup in commentary that would run
    script on the page, if any. Jinja code is left out (its names are not markup), character
    references are read as the browser reads them (``java&#115;cript:``)."""
    plain = JINJA.sub(lambda m: "\n" * m[0].count("\n"), text)
    plain = html.unescape(plain)
    found = []
    for pattern, what in (
        (ACTIVE, "a raw <{}> element"),
        (HANDLER, "an event handler attribute ({}=)"),
        (SCRIPT_URL, "a {}: link"),
    ):
        match = pattern.search(plain)
        if match:
            name = re.sub(r"\s", "", match[1]).lower()
            found.append((match.start(), what.format(name)))
    if not found:
        return None
    start, what = min(found)
    return plain.count("\n", 0, start) + 1, what


def _refuse_scripts(path: Path) -> None:
    """Refuse markup that runs script in commentary (``<script>`` and embedded documents,
    event handler attributes, javascript: links) unless the publication opts in."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return  # the loader reports a missing file
    except UnicodeDecodeError as exc:
        raise TemplateError(
            f"{path}: not UTF-8 text (byte {exc.start + 1:,} cannot be read); save it as UTF-8"
        ) from None
    found = _script_in(text)
    if found is not None:
        number, what = found
        raise UnsafeCommentaryError(
            f"{path}:{number}: the commentary holds {what}, which would run script on the "
            "page; commentary is text, tables and charts. Remove it, or set "
            "commentary_scripts: true in publication.yaml if the script is reviewed and meant "
            "to run on the page"
        )
