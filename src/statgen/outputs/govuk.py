"""The GOV.UK bundle in every draft and release (``govuk/``): the bulletin in govspeak (written by
Pandoc with the ``govspeak.lua`` custom writer from the page's own source), the chart images
(drawn by :mod:`statgen.outputs.chart_images`), what govspeak needs to embed each image
(``images.json``: govspeak's ``images`` option, as Whitehall holds it for an uploaded image), the
attachments in order and the Whitehall steps.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import jinja2
import pypandoc

from statgen.errors import RenderError
from statgen.outputs.assets import TEMPLATES, template_cache

FOLDER = "govuk"
GOVSPEAK = "publication.govspeak.md"
IMAGES = "images.json"
WRITER = TEMPLATES / "filters" / "govspeak.lua"

_TEXT = jinja2.Environment(
    bytecode_cache=template_cache(),
    loader=jinja2.FileSystemLoader(str(TEMPLATES / "govuk")),
    autoescape=False,  # markdown for people to read, not HTML
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def write_govspeak(qmd: Path, folder: Path) -> Path:
    """``folder/publication.govspeak.md`` from the page source ``qmd`` (Pandoc, custom writer)."""
    out = folder / GOVSPEAK
    folder.mkdir(parents=True, exist_ok=True)
    cmd = [pypandoc.get_pandoc_path(), str(qmd), "--from", "markdown", "--to", str(WRITER)]
    try:
        run = subprocess.run(cmd, check=True, capture_output=True, text=True)
    except (subprocess.CalledProcessError, OSError) as exc:
        detail = getattr(exc, "stderr", None) or str(exc)
        raise RenderError(f"pandoc could not write {out.name}: {detail.strip()[:2000]}") from None
    out.write_text(run.stdout, encoding="utf-8")
    return out


def attachments(links: list[dict[str, str]]) -> list[dict[str, str]]:
    """The files to attach in Whitehall, in order: the OpenDocument spreadsheet, then the CSVs."""
    order = {"ODS": 0, "CSV": 1}
    chosen = [link for link in links if link["format"] in order]
    chosen.sort(key=lambda link: order[link["format"]])  # stable: CSVs keep the table order
    return [
        {"file": f"../{link['href']}", "title": link["title"], "format": link["format"]}
        for link in chosen
    ]


def images(charts: list[Any]) -> list[dict[str, str]]:
    """Govspeak's ``images`` option for the static charts, in figure order: ``id`` is the file
    name the govspeak embeds (``[Image:<id>]``), ``alt_text`` the chart's text description,
    ``caption`` its figure number and title, ``url`` the file in this folder (Whitehall gives
    the uploaded file its own)."""
    return [
        {
            "id": f"{c.id}.png",
            "alt_text": c.description,
            "caption": f"Figure {c.number}: {c.title}",
            "url": f"images/{c.id}.png",
        }
        for c in charts
        if c.static
    ]


def write_bundle(
    staging: Path, qmd: Path, links: list[dict[str, str]], charts: list[Any], meta: dict[str, str]
) -> Path:
    """Write ``govuk/`` (the images are drawn with the charts): govspeak, the images' metadata,
    attachments, README."""
    folder = staging / FOLDER
    write_govspeak(qmd, folder)
    listed = attachments(links)
    embedded = images(charts)
    for name, data in (("attachments.json", listed), (IMAGES, embedded)):
        (folder / name).write_text(
            json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    readme = _TEXT.get_template("README.md.j2").render(images=embedded, attachments=listed, **meta)
    (folder / "README.md").write_text(readme, encoding="utf-8")
    return folder
