"""A release postponed after its draft was signed off: the release calendar in
publication.yaml now gives a later date. The draft's page and manifest still carry the old
date, so publishing it would lift the embargo at the old time: publish refuses it (nothing is
written to releases/), and the rebuilt draft is embargoed until the new date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from statgen.config import load_publication
from statgen.errors import PublishError
from statgen.extracts.sample import write_sample
from statgen.lifecycle import manifest
from statgen.lifecycle.publish import LONDON, publish
from statgen.periods import Month
from statgen.pipeline import BuildResult, build
from statgen.scaffold import new_publication

SLUG = "fines"
OCTOBER = Month(2026, 10)
TODAY = dt.date(2026, 11, 25)


def _sign(root: Path, draft: BuildResult) -> None:
    (root / "publications" / SLUG / "signoff.yaml").write_text(
        f'approvals:\n  - {{period: "{draft.period.code}", draft: {draft.draft}, '
        f"outputs: {draft.outputs_short}, approved_by: A. Reviewer, approved_on: 2026-11-25}}\n"
    )


def test_a_draft_built_for_the_old_release_date_is_refused(tmp_path: Path) -> None:
    new_publication(tmp_path, SLUG, "monthly", today=TODAY)
    folder = tmp_path / "publications" / SLUG
    publication = load_publication(folder)
    write_sample(publication, publication.extracts_path(tmp_path), scale=0.02)
    old = publication.release_date(OCTOBER)
    first = build(tmp_path, SLUG, period=OCTOBER, today=TODAY)
    _sign(tmp_path, first)
    # The release is postponed by a week.
    later = old + dt.timedelta(days=7)
    config = folder / "publication.yaml"
    text = config.read_text(encoding="utf-8")
    line = f"  {OCTOBER.code}: {old.isoformat()}"
    assert line in text
    config.write_text(text.replace(line, f"  {OCTOBER.code}: {later.isoformat()}"), "utf-8")
    # The old release time has passed; the new one has not.
    after_old = dt.datetime.combine(old + dt.timedelta(days=1), dt.time(10), tzinfo=LONDON)
    with pytest.raises(PublishError) as refused:
        publish(tmp_path, SLUG, OCTOBER, now=after_old)
    message = str(refused.value)
    assert "release_calendar" in message and later.isoformat() in message
    assert old.isoformat() in message and "Rebuild the draft" in message
    assert not (tmp_path / "releases" / SLUG).exists()

    second = build(tmp_path, SLUG, period=OCTOBER, today=TODAY)
    assert second.draft == first.draft + 1
    _sign(tmp_path, second)
    with pytest.raises(PublishError, match="embargoed until 09:30"):
        publish(tmp_path, SLUG, OCTOBER, now=after_old)
    assert not (tmp_path / "releases" / SLUG).exists()
    opens = dt.datetime.combine(later, dt.time(9, 30), tzinfo=LONDON)
    result = publish(tmp_path, SLUG, OCTOBER, now=opens)
    meta = manifest.read(result.folder)
    assert meta["release_date"] == later.isoformat()
    assert meta["published"]["embargo_until"] == opens.isoformat()
    assert meta["published"]["embargo_overridden"] is False
