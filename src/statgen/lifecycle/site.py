"""The site's index pages: ``releases/index.html`` lists every publication and its releases,
newest first, and ``releases/<slug>/index.html`` lists one publication's releases (the page's
"Previous releases" link). Both extend the one shell (``templates/base.html``) and use the one
stylesheet, so they look and behave like the publications themselves.

The indexes are made from what is on disk (each release folder's ``manifest.json``), so they are
right however many publications or periods were built, and in whatever order.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from statgen.config import Publication, load_publication
from statgen.errors import StatgenError
from statgen.layout import Layout
from statgen.outputs.page.shell import write_page
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
    superseded_by: int | None = None
    """The version that corrects this one, when there is a later one."""
    published_on: dt.date | None = None
    """The day this version was published (a correction's differs from the release date)."""


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
                    published_on=_day((data.get("published") or {}).get("published_on")),
                )
            )
        if not found:
            continue
        found.sort(key=lambda r: (r.period.start, r.period.end, r.version), reverse=True)
        newest: dict[Period, int] = {}
        for r in found:
            newest[r.period] = max(newest.get(r.period, 0), r.version)
        found = [
            dataclasses.replace(r, superseded_by=newest[r.period])
            if newest[r.period] > r.version
            else r
            for r in found
        ]
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


def _day(text: object) -> dt.date | None:
    return dt.date.fromisoformat(text) if isinstance(text, str) else None


def _config(layout: Layout, slug: str) -> Publication | None:
    folder = layout.publication(slug)
    if not (folder / "publication.yaml").is_file():
        return None  # an old release of a publication no longer configured: list it by its slug
    try:
        return load_publication(folder)
    except StatgenError:
        return None


def _page(collections: list[Collection]) -> dict[str, Any]:
    """What ``releases/index.html`` shows: every publication and its releases."""
    return {
        "title": SITE_TITLE,
        "description": "Every statistics publication built here, with all its releases, newest "
        "first.",
        "organisation": next((c.organisation for c in collections if c.organisation), "")
        or SITE_TITLE,
        "breadcrumbs": [{"text": SITE_TITLE}],
        "collections": [_shown(c) for c in collections],
    }


def _collection_page(collection: Collection) -> dict[str, Any]:
    """What ``releases/<slug>/index.html`` shows: one publication's releases."""
    return {
        "title": collection.title,
        "description": collection.summary or f"All releases of {collection.title}, newest first.",
        "organisation": collection.organisation or SITE_TITLE,
        "breadcrumbs": [{"text": SITE_TITLE, "href": "../index.html"}, {"text": collection.title}],
        "collection": _shown(collection),
        "stylesheet": "../statgen.css",
    }


def _shown(collection: Collection) -> dict[str, Any]:
    releases = [
        {
            "folder": r.folder,
            "period": r.period,
            "version": r.version,
            "superseded_by": r.superseded_by,
            # A correction is dated the day it was published, not the original release date.
            "published": format_date(
                r.published_on if r.version > 1 and r.published_on else r.release_date
            ),
        }
        for r in collection.releases
    ]
    return {**dataclasses.asdict(collection), "releases": releases}


def write_indexes(layout: Layout) -> list[Path]:
    """Rewrite the site index and each publication's list of releases; returns the pages.

    Rendered with Jinja2 from the one shell, each written whole then renamed over the old one."""
    releases = layout.releases
    collections = releases_on_disk(layout)
    written = [write_page(releases / "index.html", "pages/site.html", **_page(collections))]
    for c in collections:
        written.append(
            write_page(
                releases / c.slug / "index.html", "pages/collection.html", **_collection_page(c)
            )
        )
    return written
