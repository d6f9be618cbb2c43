"""A superseded release says so on its own page once a correction replaces it.

Releases are otherwise never changed. Publishing a correction (``<period>-v2``) rewrites only
the page of the version it replaces: a notice "This version has been replaced by a corrected
version published on <date>" with a link to it goes at the top of the page's main content.
That version's manifest is written again with the page's new hash and a ``superseded_by``
record (the version, its folder, the date and the file changed and why), so ``statgen verify``
still passes and every other file (data, workbooks, CSVs) stays byte for byte as published.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from statgen.lifecycle import manifest
from statgen.outputs.page.html import FRAGMENTS
from statgen.periods import format_date

MAIN = '<main class="govuk-main-wrapper statgen-main" id="main-content" tabindex="-1">'
"""Where the notice goes: first thing in the page's main content (see templates/base.html)."""
PAGE = "index.html"


def mark_superseded(old: Path, new: Path, version: int, on: dt.date) -> None:
    """Add the notice to the page of release ``old``, replaced by ``new`` (version ``version``,
    published ``on``), and record the change in ``old``'s manifest."""
    page = old / PAGE
    html = page.read_text(encoding="utf-8")
    if MAIN not in html:
        raise ValueError(f"{page}: no main content to put the notice in")
    banner = FRAGMENTS.get_template("superseded.html").render(
        date=format_date(on), href=f"../{new.name}/{PAGE}"
    )
    tmp = page.with_name(f".{PAGE}.superseded")
    tmp.write_text(html.replace(MAIN, f"{MAIN}\n{banner}", 1), encoding="utf-8")
    os.replace(tmp, page)
    meta = {k: v for k, v in manifest.read(old).items() if k != "files"}
    meta["superseded_by"] = {
        "version": version,
        "folder": new.name,
        "published_on": on.isoformat(),
        "changed": {PAGE: "notice that a corrected version replaces this one, with its link"},
    }
    manifest.write(old, meta)
