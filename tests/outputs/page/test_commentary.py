"""The rendered commentary, as words: the page source of each pilot with its HTML blocks (tables
and figures, tested elsewhere) named instead of shown, so a change of wording or of a quoted
figure shows up as a readable snapshot diff."""

from __future__ import annotations

import re

from conftest import Pilot

from statgen.lifecycle.drafts import PAGE_SOURCE


def words(source: str) -> str:
    """The page source without its front matter, with raw HTML blocks replaced by their ids."""
    body = source.split("\n---\n", 1)[1]

    def name(match: re.Match[str]) -> str:
        ids = re.findall(r'\bid="([^"]+)"', match.group(1))
        return f"[html: {ids[0] if ids else 'block'}]"

    return re.sub(r"```\{=html\}\n(.*?)\n```", name, body, flags=re.S).strip()


def test_electronic_monitoring_commentary(em_release, snapshot) -> None:  # noqa: ANN001
    assert words((em_release.folder / PAGE_SOURCE).read_text(encoding="utf-8")) == snapshot


def test_criminal_courts_commentary(pilot_site: dict, snapshot) -> None:  # noqa: ANN001
    pilot = pilot_site["criminal-courts"]
    assert isinstance(pilot, Pilot), pilot
    source = (pilot.draft.folder / PAGE_SOURCE).read_text(encoding="utf-8")
    assert words(source) == snapshot
