"""The folder layout: the one place the paths of drafts, releases, corrections, caches and
reports are made and read back. Every other module asks a :class:`Layout`.

::

    <root>/publications/<slug>/                     a publication's config, transforms, commentary
    <build>/<slug>/index.html                       the reviewers' index of its drafts
    <build>/<slug>/.lock  .cache/                   its build lock and table cache
    <build>/<slug>/.chart-cache/  .govspeak-cache/  its drawn charts and govspeak fragments
    <build>/<slug>/<period>/draft-<n>/              one numbered draft
    <build>/<slug>/<period>/draft-<n>/qa.html       its QA report (qa.json for machines)
    <build>/<slug>/<period>/failed-qa/              the report of the last build that failed QA
    <build>/<slug>/preview/                         the live preview (never a numbered draft)
    <build>/diff/<old>--<new>/                      a diff report
    <build>/.site/                                  work folder of the site index
    <releases>/index.html                           the site index: every publication
    <releases>/<slug>/index.html                    one publication's releases
    <releases>/<slug>/<period>/                     the first published version of a period
    <releases>/<slug>/<period>-v<k>/                its correction k (k >= 2)

``<build>`` defaults to ``<root>/build`` and ``<releases>`` to ``<root>/releases``; ``--out`` and
``--releases`` on the command line choose others. ``<period>`` is the period's slug: ``2026-10``
(monthly), ``2026-q3`` (quarterly), ``2026`` (annual) or ``fy2025-26`` (financial year).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from statgen.periods import Period, parse_slug

DRAFT = re.compile(r"^draft-(\d+)$")
_SLUG = r"\d{4}-q[1-4]|\d{4}-(?:0[1-9]|1[0-2])|fy\d{4}-\d{2}|\d{4}"
PERIOD = re.compile(rf"^(?:{_SLUG})$")
"""A period folder of any frequency: ``2026-q3``, ``2026-10``, ``2026``, ``fy2025-26``."""
RELEASE = re.compile(rf"^({_SLUG})(?:-v(\d+))?$")
"""A release folder: the period's slug, then ``-v<k>`` for a correction."""


def period_slug(period: Period) -> str:
    """Period as used in folder and file names: lower case, hyphenated (``2026-q3``)."""
    return period.slug


def parse_period_slug(name: str) -> Period | None:
    """The period a folder name stands for (``2026-q3`` -> 2026Q3, ``fy2025-26``...), or None."""
    return parse_slug(name) if PERIOD.match(name) else None


@dataclass(frozen=True)
class Release:
    """One published version of a period, as found on disk."""

    period: Period
    version: int
    folder: Path


@dataclass(frozen=True)
class Layout:
    """Where everything of one project lives (see the module docstring for the tree)."""

    root: Path
    build: Path
    releases: Path

    @classmethod
    def at(cls, root: Path, build: Path | None = None, releases: Path | None = None) -> Layout:
        """The layout of the project in ``root``, with optional other build/releases folders."""
        return cls(root, build or root / "build", releases or root / "releases")

    # --- publications ------------------------------------------------------------------------

    def publication(self, slug: str) -> Path:
        """A publication's folder (publication.yaml, transforms.py, commentary)."""
        return self.root / "publications" / slug

    # --- drafts ------------------------------------------------------------------------------

    def drafts(self, slug: str) -> Path:
        """Everything built for one publication: its periods' drafts, lock, cache and index."""
        return self.build / slug

    def lock(self, slug: str) -> Path:
        """The lock file held by a build or publish of the publication."""
        return self.drafts(slug) / ".lock"

    def cache(self, slug: str) -> Path:
        """The publication's table cache."""
        return self.drafts(slug) / ".cache"

    def chart_cache(self, slug: str) -> Path:
        """The publication's drawn chart images, by a hash of each figure."""
        return self.drafts(slug) / ".chart-cache"

    def govspeak_cache(self, slug: str) -> Path:
        """The govspeak of the last build's page fragments (tables, figures), for the next."""
        return self.drafts(slug) / ".govspeak-cache"

    def reviewers_index(self, slug: str) -> Path:
        """The reviewers' index of the publication's drafts."""
        return self.drafts(slug) / "index.html"

    def preview(self, slug: str) -> Path:
        """The live preview's folder (never a numbered draft)."""
        return self.drafts(slug) / "preview"

    def period_drafts(self, slug: str, period: Period) -> Path:
        """The folder holding one period's drafts and its QA report."""
        return self.drafts(slug) / period_slug(period)

    def draft(self, slug: str, period: Period, number: int) -> Path:
        """One numbered draft."""
        return self.period_drafts(slug, period) / f"draft-{number}"

    def draft_numbers(self, slug: str, period: Period) -> list[int]:
        """The numbers of the finished drafts of one period, in order."""
        return draft_numbers(self.period_drafts(slug, period))

    def latest_draft(self, slug: str, period: Period) -> Path | None:
        """The newest finished draft of one period, or None."""
        numbers = self.draft_numbers(slug, period)
        return self.draft(slug, period, numbers[-1]) if numbers else None

    def draft_periods(self, slug: str) -> list[Period]:
        """The periods with at least one finished draft, oldest first."""
        base = self.drafts(slug)
        found = (
            [(p, parse_period_slug(p.name)) for p in base.iterdir() if p.is_dir()]
            if base.is_dir()
            else []
        )
        return sorted(q for p, q in found if q is not None and draft_numbers(p))

    def qa_report(self, slug: str, period: Period, number: int) -> Path:
        """The folder a draft's QA report is written to: the draft's own folder."""
        return self.draft(slug, period, number)

    def failed_qa_report(self, slug: str, period: Period) -> Path:
        """Where the QA report of a build that failed its checks goes (never into a draft)."""
        return self.period_drafts(slug, period) / "failed-qa"

    def diff_report(self, old: Path, new: Path) -> Path:
        """``<build>/diff/<old>--<new>/``, named from the folders' last parts."""

        def name(folder: Path) -> str:
            parts = folder.resolve().parts[-3:]
            skip = {self.build.name, self.releases.name}
            return "-".join(p for p in parts if p not in skip)

        return self.build / "diff" / f"{name(old)}--{name(new)}"

    def site_work(self) -> Path:
        """Work folder for rendering the site's index pages."""
        return self.build / ".site"

    # --- releases ----------------------------------------------------------------------------

    def published(self, slug: str) -> Path:
        """The folder holding one publication's releases (and its list of releases)."""
        return self.releases / slug

    def site_index(self) -> Path:
        """The site index: every publication and its releases."""
        return self.releases / "index.html"

    def release(self, slug: str, period: Period, version: int = 1) -> Path:
        """One published version: ``<period>/`` for the first, ``<period>-v<k>/`` after."""
        name = period_slug(period)
        return self.published(slug) / (name if version == 1 else f"{name}-v{version}")

    def release_versions(self, slug: str, period: Period) -> list[int]:
        """The published versions of one period, in order."""
        return [r.version for r in self.releases_of(slug) if r.period == period]

    def latest_release(self, slug: str, period: Period) -> Release | None:
        """The newest published version of one period (corrections included), or None."""
        found = [r for r in self.releases_of(slug) if r.period == period]
        return found[-1] if found else None

    def releases_of(self, slug: str) -> list[Release]:
        """Every published version of the publication, by period then version."""
        base = self.published(slug)
        found = []
        for folder in base.iterdir() if base.is_dir() else []:
            match = RELEASE.match(folder.name)
            period = parse_slug(match[1]) if match else None
            if match and period is not None and folder.is_dir():
                found.append(Release(period, int(match[2] or 1), folder))
        return sorted(found, key=lambda r: (r.period, r.version))


def draft_numbers(period_dir: Path) -> list[int]:
    """The numbers of the finished drafts in one period's folder, in order."""
    if not period_dir.is_dir():
        return []
    found = (DRAFT.match(p.name) for p in period_dir.iterdir() if p.is_dir())
    return sorted(int(m.group(1)) for m in found if m)
