"""Drafts: what marks a build as a numbered draft for review (its banner, number, inputs hash
and embargo) and what is removed again when it is published.

Where drafts live is :mod:`statgen.layout`; how they are written whole is
:mod:`statgen.lifecycle.staging`; their own output checks are :mod:`statgen.lifecycle.checks`;
the reviewers' index is :mod:`statgen.lifecycle.reviewers`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import yaml

from statgen.errors import StatgenError
from statgen.periods import format_date


@dataclass(frozen=True)
class Stamp:
    """What marks a page as a draft: its number, the short hash of its inputs and the embargo."""

    number: int
    inputs_short: str
    embargo: str
    outputs_short: str = ""
    """The short hash of the draft's outputs (:func:`statgen.lifecycle.manifest.outputs_digest`),
    which a sign-off names."""

    def front_matter(self) -> dict[str, Any]:
        """Front-matter variables the page template shows as the draft banner."""
        return {
            # The page template of the foundation reads ``draft``; the reworked template reads
            # ``statgen_draft``. Both are given so either shows the banner.
            "draft": True,
            "statgen_draft": True,
            "draft_label": f"Draft {self.number}, inputs {self.inputs_short}"
            + (f", outputs {self.outputs_short}" if self.outputs_short else ""),
            "embargo": self.embargo,
            # Drafts live one folder deeper than releases: link to the reviewers' index instead.
            "draft_breadcrumbs": [
                {"text": "Drafts for review", "href": "../../index.html"},
                {"text": f"Draft {self.number}"},
            ],
        }


STAMP_KEYS = ("draft", "statgen_draft", "draft_label", "embargo", "draft_breadcrumbs")
"""Front-matter keys removed when a draft is published."""

PAGE_SOURCE = "publication.qmd"
"""The page's Quarto markdown, kept in each draft so publishing can render it again."""


LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
"""libyaml's safe loader and dumper where PyYAML has them (twenty times quicker than the Python
ones), as the page's front matter is written (:func:`statgen.outputs.page.render.front_matter`)."""


def restamp(source: str, *, add: dict[str, Any] | None = None, remove: tuple[str, ...] = ()) -> str:
    """The page source with front-matter keys added or removed (same YAML form as the page)."""
    if not source.startswith("---\n"):
        raise StatgenError("the page source has no front matter to stamp")
    end = source.index("\n---\n", 3)
    meta = yaml.load(source[4 : end + 1], Loader=LOADER)
    for key in remove:
        meta.pop(key, None)
    meta.update(add or {})
    dumped = yaml.dump(meta, Dumper=DUMPER, sort_keys=True, allow_unicode=True, width=1000)
    return "---\n" + dumped + source[end + 1 :]


def embargo_notice(release_date: dt.date, release_time: str) -> str:
    """ "Official statistics: embargoed until 09:30 on 10 December 2026"."""
    return f"Official statistics: embargoed until {release_time} on {format_date(release_date)}"
