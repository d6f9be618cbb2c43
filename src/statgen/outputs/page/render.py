"""Render a page's Quarto markdown to HTML with Quarto (when installed) or Pandoc
(pypandoc-binary), using the package's template and Lua filter."""

from __future__ import annotations

import html
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pypandoc
import yaml

from statgen.errors import RenderError
from statgen.outputs.assets import TEMPLATES
from statgen.outputs.page.shell import pandoc_template


def escape_meta(value: Any) -> Any:
    """Escape strings for YAML metadata (Pandoc reads metadata as markdown: no raw HTML through)."""
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, dict):
        return {k: escape_meta(v) for k, v in value.items()}
    if isinstance(value, list):
        return [escape_meta(v) for v in value]
    return value


def front_matter(meta: dict[str, Any], raw_html: dict[str, str]) -> str:
    """YAML front matter: escaped metadata, plus raw HTML fields passed through verbatim."""
    data = escape_meta(meta)
    for key, fragment in raw_html.items():
        data[key] = f"```{{=html}}\n{fragment}\n```\n"
    return "---\n" + yaml.safe_dump(data, sort_keys=True, allow_unicode=True, width=1000) + "---\n"


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
            # verify_format=False: pypandoc would otherwise run pandoc twice more on every
            # render to list its formats (most of a preview re-render's time).
            pypandoc.convert_file(
                str(qmd),
                "html5",
                format="markdown",
                outputfile=str(out),
                extra_args=pandoc_args(),
                verify_format=False,
            )
    except (subprocess.CalledProcessError, RuntimeError, OSError) as exc:
        detail = getattr(exc, "stderr", None) or str(exc)
        raise RenderError(f"{which} could not render {qmd.name}: {detail.strip()[:2000]}") from None
    return which
