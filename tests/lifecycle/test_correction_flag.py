"""``--correction`` is for a period already published: given for a first release it was
dropped without a word (the release went out as version 1 with no notice), and an empty
text made a notice that explains nothing. Both are refused, and nothing is published."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from statgen.config import load_publication
from statgen.errors import PublishError
from statgen.extracts.sample import write_sample
from statgen.lifecycle import manifest
from statgen.lifecycle.publish import publish
from statgen.periods import Month
from statgen.pipeline import BuildResult, build
from statgen.scaffold import new_publication

SLUG = "fines"
OCTOBER = Month(2026, 10)
TODAY = dt.date(2026, 11, 25)


def _sign(root: Path, drafts: list[BuildResult]) -> None:
    lines = ["approvals:"]
    for d in drafts:
        lines.append(
            f'  - {{period: "{d.period.code}", draft: {d.draft}, outputs: {d.outputs_short}, '
            "approved_by: A. Reviewer, approved_on: 2026-11-25}"
        )
    (root / "publications" / SLUG / "signoff.yaml").write_text("\n".join(lines) + "\n")


def test_correction_only_for_a_published_period_and_never_empty(tmp_path: Path) -> None:
    new_publication(tmp_path, SLUG, "monthly", today=TODAY)
    publication = load_publication(tmp_path / "publications" / SLUG)
    write_sample(publication, publication.extracts_path(tmp_path), scale=0.02)
    first = build(tmp_path, SLUG, period=OCTOBER, today=TODAY)
    _sign(tmp_path, [first])
    with pytest.raises(PublishError) as refused:
        publish(tmp_path, SLUG, OCTOBER, override_embargo=True, correction="Wrong figures.")
    message = str(refused.value)
    assert "--correction" in message and "2026-10 has not been published" in message
    assert not (tmp_path / "releases" / SLUG).exists()

    v1 = publish(tmp_path, SLUG, OCTOBER, override_embargo=True)
    assert v1.version == 1
    (publication.folder / "commentary.qmd").write_text(
        (publication.folder / "commentary.qmd").read_text(encoding="utf-8") + "\nCorrected.\n",
        encoding="utf-8",
    )
    second = build(tmp_path, SLUG, period=OCTOBER, today=TODAY)
    _sign(tmp_path, [first, second])
    for blank in ("", "   \n "):
        with pytest.raises(PublishError, match="--correction"):
            publish(tmp_path, SLUG, OCTOBER, override_embargo=True, correction=blank)
    assert [p.name for p in (tmp_path / "releases" / SLUG).iterdir() if p.is_dir()] == ["2026-10"]
    v2 = publish(tmp_path, SLUG, OCTOBER, override_embargo=True, correction="A sentence was wrong.")
    assert v2.version == 2
    notice = manifest.read(v2.folder)["published"]["correction"]
    assert "A sentence was wrong." in notice
