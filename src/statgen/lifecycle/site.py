"""The site's index pages: ``releases/index.html`` lists every publication and its releases,
newest first, and ``releases/<slug>/index.html`` lists one publication's releases (the page's
"Previous releases" link). Both use the page template and stylesheet, so they look and behave
like the publications themselves.

The indexes are made from what is on disk (each release folder's ``manifest.json``), so they are
right however many publications or periods were built, and in whatever order.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from statgen.config import Publication, load_publication
from statgen.errors import StatgenError
from statgen.layout import Layout
from statgen.outputs.assets import assets
from statgen.outputs.page.html import raw
from statgen.outputs.page.render import front_matter, render
from statgen.periods import Period, format_date

SITE_TITLE = "Statistics"


@dataclass(frozen=True)
class Release:
    """One built release, as its manifest describes it."""

    slug: str
    folder: str
    period: Period
    release_date: dt.date
    version: int = 1
    """1 for the first publication of a period; 2, 3... for corrections (``<period>-v2``)."""


@dataclass(frozen=True)
class Collection:
    """A publication and its releases, newest first."""

    slug: str
    title: str
    summary: str
    organisation: str
    releases: list[Release]


def releases_on_disk(layout: Layout) -> list[Collection]:
    """Every publication with published releases, newest first; sorted by title."""
    collections = []
    base = layout.releases
    for pub_dir in sorted(p for p in base.iterdir() if p.is_dir() and p.name[0] != "."):
        found = []
        for release in layout.releases_of(pub_dir.name):
            manifest = release.folder / "manifest.json"
            if not manifest.is_file():
                continue
            data = json.loads(manifest.read_text(encoding="utf-8"))
            found.append(
                Release(
                    pub_dir.name,
                    release.folder.name,
                    release.period,
                    dt.date.fromisoformat(data["release_date"]),
                    int((data.get("published") or {}).get("version") or 1),
                )
            )
        if not found:
            continue
        found.sort(key=lambda r: (r.period.start, r.period.end, r.version), reverse=True)
        config = _config(layout, pub_dir.name)
        collections.append(
            Collection(
                pub_dir.name,
                config.title if config else pub_dir.name,
                config.summary if config else "",
                config.organisation if config else "",
                found,
            )
        )
    return sorted(collections, key=lambda c: c.title)


def _config(layout: Layout, slug: str) -> Publication | None:
    folder = layout.publication(slug)
    if not (folder / "publication.yaml").is_file():
        return None  # an old release of a publication no longer configured: list it by its slug
    try:
        return load_publication(folder)
    except StatgenError:
        return None


def _release_list(collection: Collection, prefix: str) -> str:
    items = "\n".join(
        f'<li><a class="govuk-link" href="{prefix}{r.folder}/index.html">'
        f"{html.escape(collection.title)}: {html.escape(r.period.long_label)}"
        f"{f' (corrected, version {r.version})' if r.version > 1 else ''}</a> "
        f'<span class="statgen-file-meta">(published {format_date(r.release_date)})</span></li>'
        for r in collection.releases
    )
    return f'<ul class="statgen-release-list">\n{items}\n</ul>'


def _meta(title: str, description: str, organisation: str, breadcrumbs: list[dict[str, str]],
          stylesheet: str) -> dict[str, Any]:  # fmt: skip
    return {
        "lang": "en-GB",
        "title": title,
        "pagetitle": f"{title} - {organisation}" if organisation else title,
        "description": description,
        "organisation": organisation or None,
        "breadcrumbs": breadcrumbs,
        "stylesheets": [stylesheet],
        "og": {"title": title, "description": description, "type": "website"},
        "format": {"html": {"minimal": True, "embed-resources": False}},
    }


def site_source(collections: list[Collection]) -> str:
    """Quarto markdown of ``releases/index.html``: every publication and its releases."""
    organisation = next((c.organisation for c in collections if c.organisation), "")
    meta = _meta(
        SITE_TITLE,
        "Every statistics publication built here, with all its releases, newest first.",
        organisation,
        [{"text": SITE_TITLE}],
        "statgen.css",
    )
    body = []
    for c in collections:
        body.append(f"## {_md(c.title)} {{#{c.slug}}}\n")
        if c.summary:
            body.append(f"{_md(c.summary)}\n")
        body.append(str(raw(_release_list(c, f"{c.slug}/"))))
        body.append(f"[All releases of {_md(c.title)}]({c.slug}/index.html)\n")
    if not collections:
        body.append("No releases have been built yet.\n")
    return front_matter({k: v for k, v in meta.items() if v is not None}, {}) + (
        "\n" + "\n".join(body)
    )


def collection_source(collection: Collection) -> str:
    """Quarto markdown of ``releases/<slug>/index.html``: one publication's releases."""
    meta = _meta(
        collection.title,
        collection.summary or f"All releases of {collection.title}, newest first.",
        collection.organisation,
        [{"text": SITE_TITLE, "href": "../index.html"}, {"text": collection.title}],
        "../statgen.css",
    )
    latest = collection.releases[0]
    body = [
        "## Releases {#releases}\n",
        f"The latest release covers {latest.period.long_label}. Every release is listed, newest "
        "first.\n",
        str(raw(_release_list(collection, ""))),
    ]
    return front_matter({k: v for k, v in meta.items() if v is not None}, {}) + (
        "\n" + "\n".join(body)
    )


def _md(text: str) -> str:
    """Plain text made safe for markdown: HTML escaped, markdown punctuation backslashed."""
    escaped = html.escape(text, quote=False)
    return "".join("\\" + ch if ch in "\\`*_{}[]<>#+!|" else ch for ch in escaped)


def write_indexes(layout: Layout) -> list[Path]:
    """Rewrite the site index and each publication's list of releases; returns the pages."""
    releases, work = layout.releases, layout.site_work()
    collections = releases_on_disk(layout)
    work.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(assets(["statgen.css"])[0], releases / "statgen.css")
    written = []
    pages = [(releases, site_source(collections))]
    pages += [(releases / c.slug, collection_source(c)) for c in collections]
    for folder, source in pages:
        name = "site" if folder == releases else folder.name
        qmd = work / f"{name}.qmd"
        qmd.write_text(source, encoding="utf-8")
        # Rendered beside the old index, then renamed over it: never half written.
        partial = folder / ".index.html.partial"
        render(qmd, partial)
        partial.replace(folder / "index.html")
        written.append(folder / "index.html")
    return written
