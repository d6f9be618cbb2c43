"""Which builds ``statgen diff --pub`` compares by default."""

from __future__ import annotations

from pathlib import Path

from statgen.config import load_publication
from statgen.errors import DiffError
from statgen.layout import Layout
from statgen.periods import Period
from statgen.protection import revisions


def default_pair(
    layout: Layout, slug: str, period: Period | None, against: str = "release"
) -> tuple[Path, Path]:
    """The latest draft, and what to compare it with.

    ``against`` is ``release`` (the release the draft's revisions are compared with: the
    configured ``revisions.previous_release``, else the latest published release of the
    draft's period, else of the latest period before it, corrections included), ``draft`` (the
    draft before) or a folder.
    """
    if period is None:
        found = layout.draft_periods(slug)
        if not found:
            raise DiffError(
                f"{layout.drafts(slug)}: no drafts to compare; build one with "
                f"`make release PUB={slug}`"
            )
        period = found[-1]
    period_dir = layout.period_drafts(slug, period)
    numbers = layout.draft_numbers(slug, period)
    if not numbers:
        raise DiffError(
            f"{period_dir}: no drafts to compare; build one with `make release PUB={slug}`"
        )
    new = layout.draft(slug, period, numbers[-1])
    if against == "draft":
        if len(numbers) < 2:
            raise DiffError(f"{period_dir}: only one draft, so no draft before it to compare with")
        return layout.draft(slug, period, numbers[-2]), new
    if against != "release":
        folder = Path(against)
        if not (folder / "manifest.json").is_file():
            raise DiffError(
                f"--against {against}: give `release`, `draft` or a draft or release folder "
                "(one holding a manifest.json)"
            )
        return folder, new
    # The release the draft's revisions are judged against: revisions.previous_release when
    # configured (a folder anywhere), else the latest of its period or before.
    publication = load_publication(layout.publication(slug))
    previous = revisions.previous_release(publication, layout, period)
    if previous is None:
        raise DiffError(
            f"{layout.published(slug)}: no release of {period.code} or earlier to compare the "
            f"latest draft with; use --against draft to compare with the draft before"
        )
    return previous, new
