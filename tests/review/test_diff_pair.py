"""``statgen diff --pub`` compares the latest draft with the release its revisions were judged
against: with ``revisions.previous_release`` configured (a team's last release made before
statgen, kept outside ``releases/``), that folder, not "no release to compare with"."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from statgen.config import load_publication
from statgen.extracts.sample import write_sample
from statgen.layout import Layout
from statgen.lifecycle.publish import publish
from statgen.periods import Month
from statgen.pipeline import build
from statgen.review import diff
from statgen.scaffold import new_publication

SLUG = "fines"
TODAY = dt.date(2026, 11, 25)


def test_the_configured_previous_release_is_what_the_draft_is_compared_with(
    tmp_path: Path,
) -> None:
    new_publication(tmp_path, SLUG, "monthly", today=TODAY)
    folder = tmp_path / "publications" / SLUG
    publication = load_publication(folder)
    write_sample(publication, publication.extracts_path(tmp_path), scale=0.02)
    september = build(tmp_path, SLUG, period=Month(2026, 9), today=TODAY)
    (folder / "signoff.yaml").write_text(
        f'approvals:\n  - {{period: "2026-09", draft: {september.draft}, '
        f"outputs: {september.outputs_short}, approved_by: A, approved_on: 2026-11-25}}\n"
    )
    made = publish(tmp_path, SLUG, Month(2026, 9), override_embargo=True).folder
    legacy = tmp_path / "legacy" / "2026-09"
    legacy.parent.mkdir()
    shutil.move(made, legacy)  # as if made elsewhere, before statgen
    config = folder / "publication.yaml"
    config.write_text(
        config.read_text(encoding="utf-8") + "\nrevisions:\n  previous_release: legacy/2026-09\n",
        encoding="utf-8",
    )
    october = build(tmp_path, SLUG, period=Month(2026, 10), today=TODAY)
    assert october.baseline == legacy.as_posix()
    old, new = diff.default_pair(Layout.at(tmp_path), SLUG, None)
    assert (old, new) == (legacy, october.folder)
