"""Publish: promote a draft of a period (the latest, or one named with ``--draft``) to
``releases/<slug>/<period>/``.

Only when its checks passed, its files still match its manifest, ``signoff.yaml`` names it and
the hash of its outputs, the release it compared its figures with is still the latest, and
the release time has come (Europe/London) unless the embargo is overridden (recorded in the
manifest). The page is rendered again without the draft banner; every other file is copied byte
for byte. A published release is never overwritten: a correction becomes a new version
(``<period>-v2``) with a public correction notice, and the earlier version stays.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from statgen.config import Publication, check_slug, load_publication
from statgen.errors import PublishError
from statgen.layout import Layout
from statgen.lifecycle import checks, drafts, lock, manifest, signoff, site, supersede
from statgen.lifecycle.staging import move_into_place, pause_point, remove_leftovers, staging_for
from statgen.outputs import govuk
from statgen.outputs.csvw import add_correction
from statgen.outputs.page.render import render
from statgen.outputs.spreadsheets.notice import add_cover_notice
from statgen.periods import Period, format_date
from statgen.protection import revisions

LONDON = ZoneInfo("Europe/London")
NOT_COPIED = {manifest.NAME, "index.html", drafts.PAGE_SOURCE}


@dataclass(frozen=True)
class PublishResult:
    """What was published: the release folder, its version and the draft it came from."""

    folder: Path
    version: int
    draft: int
    embargo_overridden: bool


def release_at(release_date: dt.date, release_time: str) -> dt.datetime:
    """The moment a release may be published, in UK time."""
    hour, minute = (int(x) for x in release_time.split(":"))
    return dt.datetime.combine(release_date, dt.time(hour, minute), tzinfo=LONDON)


def publish(
    root: Path,
    slug: str,
    period: Period,
    *,
    work_dir: Path | None = None,
    releases_dir: Path | None = None,
    now: dt.datetime | None = None,
    override_embargo: bool = False,
    correction: str | None = None,
    wait: float = 0.0,
    draft_number: int | None = None,
) -> PublishResult:
    """Publish draft ``draft_number`` of ``period`` (default: the latest draft; see the module
    docstring for the conditions)."""
    layout = Layout.at(root, work_dir, releases_dir)
    publication = load_publication(layout.publication(check_slug(slug)))
    slug_dir = layout.published(slug)
    with lock.hold(layout.lock(slug), f"publishing {slug} {period.code}", wait):
        draft = _find_draft(layout, slug, period, draft_number)
        meta = manifest.read(draft)
        number = int(meta["draft"])
        _check_draft(draft, meta)
        approval = signoff.load(publication.folder, publication.frequency).approval(period, number)
        where = publication.folder / signoff.FILE
        outputs = manifest.outputs_digest(draft)
        which = "the latest draft" if draft_number is None else "the draft named"
        if approval is None:
            raise PublishError(
                f"{where}: no approval of {period.code} draft {number} ({which}, "
                f"{draft}); once a reviewer has checked it, add an entry with period: "
                f"{period.code}, draft: {number}, outputs: {outputs[:8]}, "
                f"inputs: {meta['inputs_sha256'][:8]}, approved_by and approved_on"
            )
        if approval.outputs is None:
            raise PublishError(
                f"{where}: the approval of {period.code} draft {number} does not name the outputs "
                f"reviewed; add outputs: {outputs[:8]} (shown on the draft's banner) once a "
                "reviewer has checked exactly those files"
            )
        if not outputs.startswith(approval.outputs):
            raise PublishError(
                f"{where}: the approval of {period.code} draft {number} names outputs "
                f"{approval.outputs} but the draft's files now hash to {outputs[:8]}: they were "
                "changed after the review; build a new draft and have it checked again"
            )
        if approval.inputs and not meta["inputs_sha256"].startswith(approval.inputs):
            raise PublishError(
                f"{where}: the approval of {period.code} draft {number} names inputs "
                f"{approval.inputs} but the draft was built from {meta['inputs_sha256'][:8]}; "
                "have the draft checked again and correct the approval"
            )
        _check_calendar(publication, period, draft, meta)
        opens = release_at(dt.date.fromisoformat(meta["release_date"]), meta["release_time"])
        moment = now or dt.datetime.now(tz=LONDON)
        if moment < opens and not override_embargo:
            raise PublishError(
                f"{slug} {period.code} is embargoed until {opens:%H:%M} on "
                f"{format_date(opens.date())} (UK time); it cannot be published before then. "
                "(--override-embargo exists for testing and is recorded in the manifest.)"
            )
        published = layout.release_versions(slug, period)
        version = (published[-1] + 1) if published else 1
        if published and correction is None:
            raise PublishError(
                f"{layout.release(slug, period, published[-1])}: {period.code} is already "
                "published and a release is never overwritten; to publish a correction, build "
                "a corrected draft, have it signed off and run publish with --correction TEXT"
            )
        if correction is not None and not published:
            raise PublishError(
                f"--correction: {period.code} has not been published, so there is nothing to "
                f"correct ({layout.release(slug, period)} does not exist); publish it without "
                "--correction, or name the period of the release to correct"
            )
        if published and not (correction or "").strip():
            raise PublishError(
                f"--correction: the notice is empty; say in a sentence what was wrong in "
                f"{layout.release(slug, period, published[-1])} (it is shown to the public)"
            )
        if published:
            previous = manifest.read(layout.release(slug, period, published[-1]))
            if previous.get("published", {}).get("from_draft") == number:
                raise PublishError(
                    f"draft {number} of {period.code} is already published; build a corrected "
                    "draft (make release), have it signed off, then publish the correction"
                )
        _check_baseline(layout, publication, period, draft, meta)
        on = moment.astimezone(LONDON).date()
        notice = _notice(correction, version, on) if published else None
        dest = layout.release(slug, period, version)
        remove_leftovers(slug_dir)
        staging = staging_for(dest)
        try:
            _copy_outputs(draft, staging)
            changed = _correct_downloads(staging, notice, on) if notice else {}
            pause_point("Publish")
            source = (draft / drafts.PAGE_SOURCE).read_text(encoding="utf-8")
            add = {}
            if notice:
                before = layout.release(slug, period, published[-1]).name
                add = {
                    "correction": plain_markdown(notice),
                    "correction_previous": f"../{before}/index.html",
                }
            qmd = staging / drafts.PAGE_SOURCE
            qmd.write_text(drafts.restamp(source, add=add, remove=drafts.STAMP_KEYS), "utf-8")
            render(qmd, staging / "index.html", meta["parameters"].get("engine"))
            govuk.write_govspeak(qmd, staging / govuk.FOLDER)  # without the draft notice
            qmd.unlink()
            record = {k: v for k, v in meta.items() if k not in ("files", "draft")}
            record["published"] = {
                "from_draft": number,
                "version": version,
                "approved_by": approval.approved_by,
                "approved_on": approval.approved_on.isoformat(),
                "embargo_until": opens.isoformat(),
                "embargo_overridden": moment < opens,
                "published_on": on.isoformat(),
                "correction": notice,
                "previous_version": (
                    layout.release(slug, period, published[-1]).name if published else None
                ),
                # Files that differ from the draft signed off, and why (the page aside).
                "changed_at_publish": changed,
            }
            manifest.write(staging, record)
            move_into_place(staging, dest)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        if published:  # the version replaced says so on its page (and in its manifest)
            supersede.mark_superseded(
                layout.release(slug, period, published[-1]), dest, version, on
            )
        # The site's indexes list what is published, so they change only here.
        site.write_indexes(layout)
    return PublishResult(dest, version, number, moment < opens)


def _find_draft(layout: Layout, slug: str, period: Period, number: int | None) -> Path:
    """The named draft of a period, or its latest."""
    numbers = layout.draft_numbers(slug, period)
    if not numbers:
        raise PublishError(
            f"{layout.period_drafts(slug, period)}: no draft of {period.code} to publish; "
            f"build one first with `make release PUB={slug} PERIOD={period.code}`"
        )
    if number is None:
        return layout.draft(slug, period, numbers[-1])
    if number not in numbers:
        raise PublishError(
            f"{layout.period_drafts(slug, period)}: there is no draft {number} of {period.code} "
            f"(drafts: {', '.join(str(n) for n in numbers)})"
        )
    return layout.draft(slug, period, number)


def _check_calendar(
    publication: Publication, period: Period, draft: Path, meta: dict[str, Any]
) -> None:
    """Refuse a draft built for another release date or time than the release calendar gives
    now (a release postponed, or brought forward, after the draft was built): its page and
    manifest name the old moment, and the embargo would be lifted then."""
    now = (publication.release_date(period).isoformat(), publication.release_time)
    built = (str(meta["release_date"]), str(meta["release_time"]))
    if now == built:
        return
    raise PublishError(
        f"{draft}: the draft was built for release at {built[1]} on {built[0]}, but "
        f"{publication.folder / 'publication.yaml'} now gives {now[1]} on {now[0]} "
        f"(release_calendar {period.code}, release_time); its page and embargo would be wrong, "
        f"so it cannot be published. Rebuild the draft (make release PUB={publication.slug} "
        f"PERIOD={period.code}), have it checked and signed off, then publish it"
    )


def _check_baseline(
    layout: Layout, publication: Publication, period: Period, draft: Path, meta: dict[str, Any]
) -> None:
    """Refuse a draft whose revisions were judged against a release that is no longer the
    latest published one of an earlier or the same period (corrections included)."""
    now = revisions.baseline_record(layout, revisions.previous_release(publication, layout, period))
    recorded = meta.get("baseline")
    if recorded == now:
        _check_public(layout, publication, period, draft, meta)
        return
    was = recorded["path"] if recorded else "no release"
    should = now["path"] if now else "no release"
    changed = " (it was changed since)" if recorded and now and was == should else ""
    raise PublishError(
        f"{draft}: the draft's figures were compared with {was}{changed}, but the latest "
        f"release to compare with is now {should}; its revisions would go unmarked, so it "
        f"cannot be published. Rebuild the draft (make release PUB={publication.slug} "
        f"PERIOD={period.code}), have it checked and signed off, then publish it"
    )


def _check_public(
    layout: Layout, publication: Publication, period: Period, draft: Path, meta: dict[str, Any]
) -> None:
    """Refuse a draft whose disclosure control did not know every release published now
    (one published since it was built, such as a correction of an older period, or one changed
    since): a figure that release made public may be what the draft relies on to hide a small
    count."""
    now = revisions.public_record(layout, revisions.published_releases(publication, layout))
    recorded = meta.get("public_releases") or []
    if recorded == now:
        return
    known = {r["path"]: r["manifest_sha256"] for r in recorded}
    new = [r["path"] for r in now if r["path"] not in known]
    changed = [
        r["path"] for r in now if known.get(r["path"], r["manifest_sha256"]) != r["manifest_sha256"]
    ]
    gone = sorted(known.keys() - {r["path"] for r in now})
    what = [
        *([f"{', '.join(new)} published"] if new else []),
        *([f"{', '.join(changed)} changed (its manifest)"] if changed else []),
        *([f"{', '.join(gone)} gone from the releases folder"] if gone else []),
    ]
    raise PublishError(
        f"{draft}: since the draft was built, {'; '.join(what)}; its disclosure control did not "
        "know what they publish, which could give away a cell the draft suppresses, so it "
        f"cannot be published. Rebuild the draft (make release PUB={publication.slug} "
        f"PERIOD={period.code}), have it checked and signed off, then publish it"
    )


def _check_draft(draft: Path, meta: dict[str, object]) -> None:
    changed = manifest.verify(draft)
    if changed:
        raise PublishError(
            f"{draft}: its files no longer match its manifest, so it cannot be published; "
            "build a new draft:\n  - " + "\n  - ".join(changed)
        )
    failed = checks.failed_checks(meta)  # type: ignore[arg-type]
    if failed:
        raise PublishError(
            f"{draft}: the draft failed its checks, so it cannot be published; fix the problems "
            "and build a new draft:\n  - " + "\n  - ".join(failed)
        )


def _notice(text: str | None, version: int, on: dt.date) -> str:
    """The public correction notice: dated, plain text (see :func:`plain_markdown`)."""
    return (
        f"Correction, {format_date(on)}: {' '.join((text or '').split())} This is version "
        f"{version} of this release."
    )


def _correct_downloads(staging: Path, notice: str, on: dt.date) -> dict[str, str]:
    """The correction notice on each workbook's cover and in each table's CSVW metadata (the
    signed-off data sheets and CSVs untouched); by path, what was changed."""
    changed = {}
    for book in sorted([*staging.glob("*.ods"), *staging.glob("*.xlsx")]):
        add_cover_notice(book, notice)
        changed[book.name] = "correction notice added to the cover sheet; other sheets unchanged"
    for meta in sorted((staging / "csv").glob("*.csv-metadata.json")):
        add_correction(meta, notice, on)
        changed[meta.relative_to(staging).as_posix()] = (
            "correction notice added (schema:correction, dc:modified)"
        )
    return changed


def plain_markdown(text: str) -> str:
    """Untrusted text as Markdown that reads as exactly that text: every ASCII punctuation
    character backslash-escaped, so no HTML, link or emphasis can come of it (Pandoc then
    writes ``<`` as ``&lt;``)."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", " ".join(text.split()))


def _copy_outputs(draft: Path, staging: Path) -> None:
    """Copy every output except the page (rendered again) and the manifest (written again)."""
    for path in sorted(draft.rglob("*")):
        rel = path.relative_to(draft)
        if rel.as_posix() in NOT_COPIED:
            continue
        if path.is_dir():
            (staging / rel).mkdir(parents=True, exist_ok=True)
        else:
            (staging / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, staging / rel)
