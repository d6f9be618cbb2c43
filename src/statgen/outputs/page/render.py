"""Render a page's Quarto markdown to HTML with Quarto (when installed) or Pandoc
(pypandoc-binary), using the package's template and Lua filter."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml

from statgen.errors import RenderError
from statgen.outputs.assets import TEMPLATES, pandoc
from statgen.outputs.page.shell import pandoc_template

MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|^~@$=:])")
"""ASCII punctuation that Pandoc's Markdown may read as markup (emphasis, links, citations,
superscripts, maths, spans...): each is written backslash-escaped, which Pandoc reads as the
character itself. ``&``, ``<`` and ``>`` are HTML-escaped instead; quotes stay (typography)."""
NOT_TEXT = frozenset({"lang", "format", "stylesheets", "scripts", "href", "publication_index_href"})
"""Metadata that is not text for people: codes, paths and engine settings, written as they are."""


def meta_text(text: str) -> str:
    """``text`` written so that Pandoc's Markdown reads it back as exactly that text: no raw
    HTML and no Markdown markup (a title with ``[a](https://x)`` or ``^up^`` stays text)."""
    return html.escape(MARKDOWN_PUNCTUATION.sub(r"\\\1", text), quote=False)


def escape_meta(value: Any, key: str | None = None) -> Any:
    """Escape strings for YAML metadata (Pandoc reads metadata as markdown: no raw HTML and no
    markup through); paths and settings (``NOT_TEXT``) are HTML-escaped only."""
    if isinstance(value, str):
        return html.escape(value, quote=False) if key in NOT_TEXT else meta_text(value)
    if isinstance(value, dict):
        return {k: escape_meta(v, k if key not in NOT_TEXT else key) for k, v in value.items()}
    if isinstance(value, list):
        return [escape_meta(v, key) for v in value]
    return value


def front_matter(meta: dict[str, Any], raw_html: dict[str, str]) -> str:
    """YAML front matter: escaped metadata, plus raw HTML fields passed through verbatim."""
    data = escape_meta(meta)
    for key, fragment in raw_html.items():
        data[key] = f"```{{=html}}\n{fragment}\n```\n"
    dumped = yaml.dump(data, Dumper=DUMPER, sort_keys=True, allow_unicode=True, width=1000)
    return "---\n" + dumped + "---\n"


DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
"""libyaml's safe dumper where PyYAML has it (twenty times quicker than the Python one; it
folds long quoted strings at other places, which YAML reads back the same)."""


def engine() -> str:
    """``quarto`` when the quarto command is on PATH, otherwise ``pandoc`` (pypandoc-binary)."""
    return "quarto" if shutil.which("quarto") else "pandoc"


def pandoc_args() -> list[str]:
    """Arguments shared by both engines: the template, the Lua filter, the contents list."""
    return [
        "--standalone",
        f"--template={pandoc_template()}",
        f"--lua-filter={TEMPLATES / 'filters' / 'statgen.lua'}",
        "--toc",
        "--toc-depth=2",
        "--wrap=none",
    ]


def render(qmd: Path, out: Path, which: str | None = None) -> str:
    """Render ``qmd`` to ``out`` (HTML); returns the engine used."""
    which = which or engine()
    try:
        if which == "quarto":
            # Quarto runs its bundled Pandoc with the same template and filter.
            cmd = [
                "quarto",
                "render",
                str(qmd),
                "--to",
                "html",
                "--output",
                out.name,
                *pandoc_args(),
            ]
            subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=qmd.parent)
            produced = qmd.parent / out.name
            if produced != out:
                shutil.move(produced, out)
        else:
            cmd = [pandoc(), "--from=markdown", "--to=html5", f"--output={out}", *pandoc_args()]
            subprocess.run([*cmd, str(qmd)], check=True, capture_output=True, text=True)
    except (subprocess.CalledProcessError, OSError) as exc:
        detail = getattr(exc, "stderr", None) or str(exc)
        raise RenderError(f"{which} could not render {qmd.name}: {detail.strip()[:2000]}") from None
    return which
