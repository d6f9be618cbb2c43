"""No broken links: every relative link on every published page, draft page and index points
at a file that exists (reviewers and the public click them)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import Pilot, pilot_slugs

HREF = re.compile(r'<(?:a|link|script|img)\b[^>]*?\b(?:href|src)="([^"]+)"')


def broken_links(page: Path) -> list[str]:
    """Relative links in ``page`` whose target file does not exist."""
    broken = []
    for url in HREF.findall(page.read_text(encoding="utf-8")):
        parts = urlsplit(url)
        if parts.scheme or url.startswith(("#", "//")):
            continue
        target = (page.parent / unquote(parts.path)).resolve()
        if not target.is_file():
            broken.append(url)
    return broken


@pytest.mark.parametrize("slug", pilot_slugs())
def test_published_and_draft_pages_have_no_broken_links(
    pilot_site: dict[str, Pilot | Exception], slug: str
) -> None:
    pilot = pilot_site[slug]
    if isinstance(pilot, Exception):
        raise pilot
    site = pilot.folder.parents[1]  # releases/
    pages = [pilot.page, pilot.draft.page, site / "index.html", site / slug / "index.html"]
    pages.append(pilot.draft.folder.parents[1] / "index.html")  # the reviewers' index
    for page in pages:
        assert page.is_file(), page
        assert broken_links(page) == [], page
