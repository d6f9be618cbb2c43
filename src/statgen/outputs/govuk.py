"""The GOV.UK bundle in every draft and release (``govuk/``): the bulletin in govspeak (written by
Pandoc with the ``govspeak.lua`` custom writer from the page's own source), the chart images
(drawn by :mod:`statgen.outputs.chart_images`), what govspeak needs to embed each image
(``images.json``: govspeak's ``images`` option, as Whitehall holds it for an uploaded image), the
attachments in order and the Whitehall steps.

Reading the page's HTML fragments (tables, figures) back is most of the writer's time, and a
commentary-only rebuild has the same fragments as the build before it: a build keeps the govspeak
of each fragment in the publication's fragment cache (:meth:`statgen.layout.Layout.govspeak_cache`)
for the next. The cache is keyed by the writer and the Pandoc binary, and checked against its
recorded SHA-256 before the writer sees it: a damaged cache is not used (with a warning).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2

from statgen.errors import RenderError
from statgen.outputs.assets import TEMPLATES, pandoc, template_cache

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


FRAGMENTS = "fragments.json"
"""The fragment cache's one file: the last build's fragments, their writer and their SHA-256."""


def write_govspeak(
    qmd: Path,
    folder: Path,
    cache: Path | None = None,
    warn: Callable[[str], None] | None = None,
) -> Path:
    """``folder/publication.govspeak.md`` from the page source ``qmd`` (Pandoc, custom writer),
    through the fragment cache folder ``cache`` (``None``: every fragment is read again)."""
    out = folder / GOVSPEAK
    folder.mkdir(parents=True, exist_ok=True)
    binary = pandoc()
    cmd = [binary, str(qmd), "--from", "markdown", "--to", str(WRITER)]
    with tempfile.TemporaryDirectory(prefix="statgen-govspeak-") as work:
        known, given = Path(work) / "in.json", Path(work) / "out.json"
        try:
            if cache is not None:
                writer = _writer_key(binary)
                fragments = _load_fragments(cache / FRAGMENTS, writer, warn)
                known.write_text(json.dumps(fragments, ensure_ascii=False), encoding="utf-8")
                cmd += ["-V", f"statgen-fragments-in={known}"]
                cmd += ["-V", f"statgen-fragments-out={given}"]
            run = subprocess.run(cmd, check=True, capture_output=True, text=True)
        except (subprocess.CalledProcessError, OSError) as exc:
            detail = getattr(exc, "stderr", None) or str(exc)
            raise RenderError(
                f"pandoc could not write {out.name}: {detail.strip()[:2000]}"
            ) from None
        out.write_text(run.stdout, encoding="utf-8")
        if cache is not None:
            _store_fragments(cache / FRAGMENTS, writer, given)
    return out


def _writer_key(pandoc: str) -> str:
    """What a fragment's govspeak depends on besides its HTML: the writer and Pandoc itself."""
    stat = os.stat(pandoc)
    parts = [
        hashlib.sha256(WRITER.read_bytes()).hexdigest(),
        pandoc,
        stat.st_size,
        stat.st_mtime_ns,
    ]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def _fragments_digest(fragments: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(fragments, sort_keys=True).encode()).hexdigest()


def _load_fragments(path: Path, writer: str, warn: Callable[[str], None] | None) -> dict[str, str]:
    """The cached fragments, when they were written by this writer and match their checksum
    (otherwise none: every fragment is read again, with a warning if the cache is damaged)."""
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
        if entry["writer"] != writer:
            return {}  # another writer or Pandoc binary: not damaged, just not this one's
        fragments = dict(entry["fragments"])
        if not all(isinstance(v, str) for v in fragments.values()):
            raise ValueError("a fragment is not text")
        if entry["sha256"] != _fragments_digest(fragments):
            raise ValueError("it does not match its checksum")
        return fragments
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        if warn is not None:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            warn(f"the govspeak fragment cache {path} is damaged ({reason}); writing it again")
        return {}


def _store_fragments(path: Path, writer: str, given: Path) -> None:
    """Keep the fragments of this run (only these: the cache never grows) for the next build,
    written beside and renamed into place (never half-written)."""
    fragments = json.loads(given.read_text(encoding="utf-8"))
    fragments = fragments if isinstance(fragments, dict) else {}  # Lua writes {} as []
    entry = {"writer": writer, "sha256": _fragments_digest(fragments), "fragments": fragments}
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_name(f".{path.name}.{os.getpid()}")
    staged.write_text(json.dumps(entry, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(staged, path)


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
    staging: Path,
    qmd: Path,
    links: list[dict[str, str]],
    charts: list[Any],
    meta: dict[str, str],
    cache: Path | None = None,
    warn: Callable[[str], None] | None = None,
) -> Path:
    """Write ``govuk/`` (the images are drawn with the charts): govspeak (through the fragment
    ``cache``), the images' metadata, attachments, README."""
    folder = staging / FOLDER
    write_govspeak(qmd, folder, cache, warn)
    listed = attachments(links)
    embedded = images(charts)
    for name, data in (("attachments.json", listed), (IMAGES, embedded)):
        (folder / name).write_text(
            json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    readme = _TEXT.get_template("README.md.j2").render(images=embedded, attachments=listed, **meta)
    (folder / "README.md").write_text(readme, encoding="utf-8")
    return folder
