"""Drafts are numbered and stamped; tables are reused when only the words changed; only a
checked, signed-off draft is published, never before its release time, never over a release."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import polars as pl
import pytest
from conftest import TODAY, copy_project, edit_commentary

from statgen.errors import ConfigError, PeriodError
from statgen.lifecycle import manifest, signoff
from statgen.lifecycle.publish import LONDON, PublishError, publish
from statgen.periods import Quarter
from statgen.pipeline import build

SLUG = "electronic-monitoring"
Q3 = Quarter(2026, 3)
AT_RELEASE = dt.datetime(2026, 12, 10, 9, 30, tzinfo=LONDON)


def draft(root: Path):  # type: ignore[no-untyped-def]
    return build(root, SLUG, today=TODAY)


def banner_outputs(root: Path, number: int) -> str:
    """The outputs hash a reviewer reads off the draft's banner ("outputs 9f8e7d6c")."""
    page = root / "build" / SLUG / "2026-q3" / f"draft-{number}" / "index.html"
    found = re.search(r"Draft \d+, inputs [0-9a-f]{8}, outputs ([0-9a-f]{8})", page.read_text())
    assert found, "the draft banner shows no outputs hash"
    return found[1]


def sign(root: Path, *entries: tuple[int, str | None], outputs: str | None = "banner") -> None:
    """Approve drafts by number (and inputs hash), naming the outputs hash on their banner."""
    lines = ["approvals:"]
    for number, inputs in entries:
        lines += ["  - period: 2026Q3", f"    draft: {number}",
                  "    approved_by: A. Reviewer (head of profession)", "    approved_on: 2026-12-08"]  # fmt: skip
        if inputs:
            lines.append(f"    inputs: {inputs}")
        if outputs:
            lines.append(
                f"    outputs: {banner_outputs(root, number) if outputs == 'banner' else outputs}"
            )
    text = "\n".join(lines) if entries else "approvals: []"
    (root / "publications" / SLUG / "signoff.yaml").write_text(text + "\n")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("project"), SLUG, 0.02)


def test_drafts_count_up_stamped_and_reuse_tables_when_only_words_change(project: Path) -> None:
    first = draft(project)
    assert first.folder == project / "build" / SLUG / "2026-q3" / "draft-1"
    assert first.ran == ("extracts", "tables", "page")
    page = first.page.read_text(encoding="utf-8")
    assert "Draft: not for publication" in page
    assert f"Draft 1, inputs {first.inputs_short}" in page
    assert "Official statistics: embargoed until 09:30 on 10 December 2026" in page
    assert '<meta name="robots" content="noindex, nofollow">' in page

    commentary = project / "publications" / SLUG / "commentary.qmd"
    commentary.write_text(
        commentary.read_text(encoding="utf-8").replace(
            "were monitored after release from prison.",
            "were monitored on licence after release from prison.",
        ),
        encoding="utf-8",
    )
    second = draft(project)
    assert second.draft == 2
    assert second.ran == ("page",)  # the tables came from the cache
    assert second.inputs_short != first.inputs_short
    assert "on licence after release" in second.page.read_text(encoding="utf-8")
    for csv in (first.folder / "csv").glob("*.csv"):
        assert csv.read_bytes() == (second.folder / "csv" / csv.name).read_bytes()
    assert first.page.exists()  # earlier drafts are kept
    index = (project / "build" / SLUG / "index.html").read_text(encoding="utf-8")
    assert index.index('href="2026-q3/draft-2/index.html">Draft 2</a>') < index.index(
        'href="2026-q3/draft-1/index.html">Draft 1</a>'
    )
    assert f'<td class="govuk-table__cell">{second.inputs_short}</td>' in index

    extract = project / "data" / "extracts" / SLUG / "orders.parquet"
    orders = pl.read_parquet(extract)
    orders.filter(pl.int_range(pl.len()) % 97 != 0).write_parquet(extract)
    third = draft(project)
    assert third.draft == 3
    assert third.ran == ("extracts", "tables", "page")
    changed = [
        c.name
        for c in (first.folder / "csv").glob("*.csv")
        if c.read_bytes() != (third.folder / "csv" / c.name).read_bytes()
    ]
    assert changed

    # Defect 5: the same inputs, config and code again give no new draft number.
    again = draft(project)
    assert again.unchanged and again.draft == 3 and again.folder == third.folder
    assert not (project / "build" / SLUG / "2026-q3" / "draft-4").exists()
    shown = third.page.read_text(encoding="utf-8")
    assert (
        '<dt class="govuk-summary-list__key">Release date</dt>'
        '<dd class="govuk-summary-list__value">10 December 2026 (embargoed)</dd>'
    ) in shown
    assert ">Published<" not in shown


def test_the_banner_names_the_hash_of_the_outputs_as_written(tmp_path: Path) -> None:
    """The page is rendered while the chart images are still drawn, so its outputs hash is
    filled in afterwards: the page, its source and the govspeak all name the hash of the files
    finally in the draft (computed here from the files themselves), charts included."""
    import hashlib
    import json

    root = copy_project(tmp_path, SLUG, 0.02)
    result = draft(root)
    folder = result.folder
    assert any((folder / "charts").glob("*.svg")), "no static charts were drawn"
    skipped = {"manifest.json", "index.html", "publication.qmd", "qa.html", "qa.json"}
    files = {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file()
        and p.relative_to(folder).as_posix() not in skipped
        and not (p.parent.name == "govuk" and p.suffix in (".md", ".json"))
    }
    expected = hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()[:8]
    assert banner_outputs(root, 1) == expected == result.outputs_short
    meta = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert meta["outputs_sha256"][:8] == expected
    label = f"Draft 1, inputs {result.inputs_short}, outputs {expected}"
    for name in ("index.html", "publication.qmd", "govuk/publication.govspeak.md"):
        assert label in (folder / name).read_text(encoding="utf-8"), name


def test_publish_needs_sign_off_and_release_time_and_never_overwrites(project: Path) -> None:
    edit_commentary(project, SLUG)
    draft(project)  # an earlier draft, so that approving it can be shown not to count
    edit_commentary(project, SLUG)
    latest = draft(project)
    n = latest.draft
    sign(project)
    with pytest.raises(PublishError, match=f"no approval of 2026Q3 draft {n}"):
        publish(project, SLUG, Q3, now=AT_RELEASE)
    sign(project, (n - 1, None))  # an approval of an earlier draft does not count
    with pytest.raises(PublishError, match=f"no approval of 2026Q3 draft {n}"):
        publish(project, SLUG, Q3, now=AT_RELEASE)
    sign(project, (n, latest.inputs_short), outputs=None)
    with pytest.raises(PublishError, match="does not name the outputs reviewed"):
        publish(project, SLUG, Q3, now=AT_RELEASE)
    sign(project, (n, latest.inputs_short), outputs="0123abcd")
    with pytest.raises(PublishError, match="names outputs 0123abcd"):
        publish(project, SLUG, Q3, now=AT_RELEASE)
    sign(project, (n, "deadbeef"))
    with pytest.raises(PublishError, match="names inputs deadbeef"):
        publish(project, SLUG, Q3, now=AT_RELEASE)
    sign(project, (n, latest.inputs_short))
    with pytest.raises(PublishError) as early:
        publish(project, SLUG, Q3, now=AT_RELEASE - dt.timedelta(minutes=1))
    assert "embargoed until 09:30 on 10 December 2026 (UK time)" in str(early.value)
    assert not (project / "releases").exists()

    done = publish(project, SLUG, Q3, now=AT_RELEASE)
    release = project / "releases" / SLUG / "2026-q3"
    assert done.folder == release and done.version == 1 and not done.embargo_overridden
    page = (release / "index.html").read_text(encoding="utf-8")
    assert "Draft: not for publication" not in page and "embargoed" not in page
    assert (
        '<dt class="govuk-summary-list__key">Published</dt>'
        '<dd class="govuk-summary-list__value">10 December 2026</dd>'
    ) in page
    assert "statgen-draft-banner" not in page and "noindex" not in page
    assert page.count("<table") == latest.page.read_text(encoding="utf-8").count("<table")
    assert not (release / "publication.qmd").exists()
    for path in latest.folder.rglob("*"):
        rel = path.relative_to(latest.folder).as_posix()
        # The page and the govspeak are written again from the source, without the draft stamp.
        again = ("index.html", "manifest.json", "publication.qmd", "govuk/publication.govspeak.md")
        if path.is_file() and rel not in again:
            assert path.read_bytes() == (release / rel).read_bytes(), rel
    govspeak = (release / "govuk" / "publication.govspeak.md").read_text(encoding="utf-8")
    assert "Draft, not for publication" not in govspeak
    assert "Draft, not for publication" in (
        latest.folder / "govuk" / "publication.govspeak.md"
    ).read_text(encoding="utf-8")
    assert manifest.verify(release) == []
    record = manifest.read(release)["published"]
    assert record["from_draft"] == n and record["version"] == 1
    assert record["approved_by"] == "A. Reviewer (head of profession)"
    assert record["embargo_overridden"] is False

    before = {p: p.read_bytes() for p in release.rglob("*") if p.is_file()}
    with pytest.raises(PublishError, match="never overwritten"):
        publish(project, SLUG, Q3, now=AT_RELEASE)
    with pytest.raises(PublishError, match=f"draft {n} of 2026Q3 is already published"):
        publish(project, SLUG, Q3, now=AT_RELEASE, correction="Figures fixed.")
    assert {p: p.read_bytes() for p in release.rglob("*") if p.is_file()} == before

    # A correction: a new draft (its baseline is now the 2026Q3 release, so it is not the same
    # build), signed off, published as version 2 with a public notice.
    corrected = draft(project)
    assert corrected.draft == n + 1 and corrected.baseline == f"{SLUG}/2026-q3"
    # A later draft exists, but the sign-off is of draft n + 1: `--draft` publishes that one.
    commentary = project / "publications" / SLUG / "commentary.qmd"
    commentary.write_text(commentary.read_text(encoding="utf-8") + "\nA later sentence.\n")
    assert draft(project).draft == n + 2
    sign(project, (n, None), (corrected.draft, None))
    with pytest.raises(PublishError, match=f"no approval of 2026Q3 draft {n + 2}"):
        publish(project, SLUG, Q3, now=AT_RELEASE, correction="x")
    v2 = publish(project, SLUG, Q3, now=AT_RELEASE + dt.timedelta(days=2), draft_number=n + 1,
                 correction="The number of orders ended in Wales was *wrong* <script>x()</script>.")  # fmt: skip
    assert v2.draft == n + 1
    assert v2.folder == project / "releases" / SLUG / "2026-q3-v2" and v2.version == 2
    corrected_page = (v2.folder / "index.html").read_text(encoding="utf-8")
    # Dated, plain text (no Markdown or HTML from the correction reaches the page), a real link.
    notice = (
        "Correction, 12 December 2026: The number of orders ended in Wales was *wrong* "
        "&lt;script&gt;x()&lt;/script&gt;. This is version 2 of this release."
    )
    assert notice in " ".join(corrected_page.split())
    assert "<script>x()" not in corrected_page and "<em>wrong" not in corrected_page
    assert 'href="../2026-q3/index.html">The previous version' in (corrected_page)
    assert "Correction" not in page
    listing = (project / "releases" / SLUG / "index.html").read_text(encoding="utf-8")
    assert "(superseded by version 2)" in listing
    assert listing.count("superseded") == 1
    # The correction is dated the day it was published; the first version, its release date.
    flat = re.sub(r"<[^>]+>", "", " ".join(listing.split()))
    assert "(corrected, version 2) (published 12 December 2026)" in flat
    assert "(superseded by version 2) (published 10 December 2026)" in flat
    # The first version is unchanged but for its page (now saying it was replaced) and the
    # manifest recording that; it still verifies.
    after = {p: p.read_bytes() for p in release.rglob("*") if p.is_file()}
    changed = {p.name for p in after if after[p] != before.get(p)}
    assert changed == {"index.html", "manifest.json"} and after.keys() == before.keys()
    assert manifest.verify(release) == []
    assert manifest.read(v2.folder)["published"]["previous_version"] == "2026-q3"


def test_embargo_override_is_recorded(tmp_path: Path) -> None:
    root = copy_project(tmp_path, SLUG, 0.01)
    made = draft(root)
    sign(root, (made.draft, None))
    done = publish(root, SLUG, Q3, now=AT_RELEASE - dt.timedelta(days=30), override_embargo=True)
    assert done.embargo_overridden
    record = manifest.read(done.folder)["published"]
    assert record["embargo_overridden"] is True
    assert record["embargo_until"] == "2026-12-10T09:30:00+00:00"


def test_a_draft_that_failed_its_checks_or_was_changed_is_not_published(tmp_path: Path) -> None:
    root = copy_project(tmp_path, SLUG, 0.01)
    made = draft(root)
    sign(root, (made.draft, None))
    (made.folder / "csv" / "notifications.csv").write_text("changed by hand\n")
    with pytest.raises(PublishError, match="no longer match its manifest"):
        publish(root, SLUG, Q3, now=AT_RELEASE)

    failing = draft(root)
    sign(root, (failing.draft, None))
    data = manifest.read(failing.folder)
    data["checks"][0] = {"name": "spreadsheets open", "passed": False,
                         "problems": ["electronic-monitoring-2026-q3.xlsx: damaged"]}  # fmt: skip
    shutil.copyfile(failing.folder / "manifest.json", tmp_path / "m.json")
    manifest.write(failing.folder, {k: v for k, v in data.items() if k != "files"})
    with pytest.raises(PublishError) as refused:
        publish(root, SLUG, Q3, now=AT_RELEASE)
    assert "spreadsheets open: electronic-monitoring-2026-q3.xlsx: damaged" in str(refused.value)
    assert not (root / "releases").exists()


def test_a_signed_off_draft_edited_and_rehashed_is_refused(tmp_path: Path) -> None:
    """The sign-off binds what was reviewed: a CSV changed inside a signed-off draft, with every
    hash in its manifest recomputed so `statgen verify` passes, is not published."""
    root = copy_project(tmp_path, SLUG, 0.01)
    made = draft(root)
    sign(root, (made.draft, None))
    csv = made.folder / "csv" / "notifications.csv"
    csv.write_text(csv.read_text().replace(",", ",9", 1))
    data = manifest.read(made.folder)
    manifest.write(made.folder, {k: v for k, v in data.items() if k != "files"})
    assert manifest.verify(made.folder) == []  # the tampering is invisible to verify
    with pytest.raises(PublishError, match="changed after the review"):
        publish(root, SLUG, Q3, now=AT_RELEASE)
    assert not (root / "releases").exists()


def test_sign_off_file_is_strict(tmp_path: Path) -> None:
    (tmp_path / "signoff.yaml").write_text(
        "approvals:\n  - period: 2026Q3\n    draft: 0\n    approved_by: X\n"
        "    approved_on: 2026-12-08\n    aproved: yes\n"
    )
    with pytest.raises(ConfigError) as err:
        signoff.load(tmp_path)
    assert str(err.value).splitlines() == [
        f"{tmp_path / 'signoff.yaml'}: approvals[0].draft: Input should be greater than or equal to 1",
        f"{tmp_path / 'signoff.yaml'}: approvals[0].aproved: unknown key (known: period, draft, "
        "outputs, inputs, approved_by, approved_on)",
    ]
    assert signoff.load(tmp_path / "nowhere").approvals == []


@pytest.mark.parametrize("written", ["69310422", "01234567", "12345e67", "1f2e3d4c"])
def test_a_hash_of_digits_in_the_sign_off_is_read_as_written(tmp_path: Path, written: str) -> None:
    """A short hash is eight hex digits: about one in forty is all digits (YAML would read
    69310422 as a number, and 01234567 as an octal one, changing its digits). Written plainly,
    as the banner and the publish message show it, it is kept as written."""
    (tmp_path / "signoff.yaml").write_text(
        f"approvals:\n  - period: 2026Q3\n    draft: 2\n    outputs: {written}\n"
        f"    inputs: {written}\n    approved_by: X\n    approved_on: 2026-12-08\n"
    )
    [approval] = signoff.load(tmp_path).approvals
    assert (approval.outputs, approval.inputs, approval.draft) == (written, written, 2)


def test_an_approval_of_another_frequency_is_refused_not_ignored(tmp_path: Path) -> None:
    """signoff.yaml naming 2026-09 for a quarterly publication could never match a draft."""
    root = copy_project(tmp_path, SLUG, 0.01)
    made = draft(root)
    sign(root, (made.draft, None))
    path = root / "publications" / SLUG / "signoff.yaml"
    path.write_text(path.read_text().replace("period: 2026Q3", "period: 2026-09"))
    assert signoff.load(path.parent).approvals[0].period == "2026-09"  # any frequency's code
    with pytest.raises(PeriodError) as err:
        publish(root, SLUG, Q3, now=AT_RELEASE)
    assert str(err.value) == (
        f"{path}: approvals[0].period: period '2026-09' is a month, but this publication's "
        "periods are quarters: write it as YYYYQn (2026-09 is in 2026Q3)"
    )
    assert not (root / "releases").exists()
