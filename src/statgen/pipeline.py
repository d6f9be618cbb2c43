"""Build one draft: the pipeline, stage by stage.

load config -> read + validate extracts -> transform (or reuse the cached tables) -> protect ->
write CSVs -> write workbooks -> draw charts -> fill, stamp and render the page -> check ->
manifest -> move into place as ``build/<slug>/<period>/draft-<n>/``.
Everything is written to a hidden temporary folder beside the destination and renamed into place
only when every stage succeeded, so a failed or killed build never leaves a half-written draft.
Only ``statgen publish`` (:mod:`statgen.lifecycle.publish`) writes ``releases/``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from statgen import extracts
from statgen import protection as protect
from statgen import tables as tables_mod
from statgen.config import Publication, check_slug, load_publication
from statgen.errors import ExtractError, Problem, StatgenError
from statgen.extracts import sample as sample_data
from statgen.layout import Layout, period_slug
from statgen.lifecycle import cache, checks, drafts, lock, manifest, reviewers
from statgen.lifecycle.staging import move_into_place, pause_point, remove_leftovers, staging_for
from statgen.outputs import charts as charts_mod
from statgen.outputs.csvw import write_csvw
from statgen.outputs.grid import tidy
from statgen.outputs.page import assemble as page
from statgen.outputs.page.commentary import Context, render_text
from statgen.outputs.page.render import render
from statgen.outputs.spreadsheets import build_model, write_workbooks
from statgen.periods import Period, Periods, latest_complete
from statgen.protection import revisions
from statgen.review import qa

Stage = Callable[[str], contextlib.AbstractContextManager[None]]

STAGES = [
    "Read and validate extracts",
    "Compute tables",
    "Write CSVs",
    "Write spreadsheets",
    "Draw charts",
    "Render page",
    "Check and write draft",
]
"""The stages of a build, in order (the CLI shows a progress bar for each)."""


@contextlib.contextmanager
def _quiet(_: str) -> Iterator[None]:
    yield


@dataclass(frozen=True)
class BuildResult:
    """What a build produced: the draft folder, its page and the public downloads.

    ``ran`` names the stages that did work ("extracts", "tables", "page"): on a cache hit the
    extracts are not read and the tables are not computed.
    """

    publication: Publication
    period: Period
    folder: Path
    page: Path
    downloads: list[Path]
    engine: str
    timings: dict[str, float] = field(default_factory=dict)
    draft: int = 0
    inputs_short: str = ""
    ran: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def choose_period(
    frames: dict[str, pl.DataFrame],
    requested: Period | None,
    folder: Path,
    frequency: str = "quarterly",
) -> Period:
    """The requested period, or the latest complete period (of ``frequency``) in the extracts."""
    newest = extracts.newest_date(frames)
    if newest is None:
        raise ExtractError(
            [Problem(str(folder), "-", "the extracts hold no dates, so no period can be chosen")]
        )
    latest = latest_complete(newest, frequency)
    if requested is None:
        return latest
    if requested > latest:
        raise StatgenError(
            f"period {requested.code} is not complete in the extracts (their newest date is "
            f"{newest.isoformat()}; the latest complete {latest.noun} is {latest.code})"
        )
    return requested


def build(
    root: Path,
    slug: str,
    *,
    period: Period | None = None,
    extracts_dir: Path | None = None,
    work_dir: Path | None = None,
    releases_dir: Path | None = None,
    today: dt.date | None = None,
    stage: Stage = _quiet,
    wait: float = 0.0,
) -> BuildResult:
    """Build the next draft of publication ``slug`` into ``build/<slug>/<period>/draft-<n>/``.

    Holds the publication's lock for the whole build: a second build of the same publication
    waits up to ``wait`` seconds, then refuses with :class:`statgen.lifecycle.lock.LockError`.
    ``releases_dir`` (default ``releases/``) is only read: the previous published release is
    the baseline for revisions.
    """
    layout = Layout.at(root, work_dir, releases_dir)
    publication = load_publication(layout.publication(check_slug(slug)))
    with lock.hold(layout.lock(slug), f"a build of {slug}", wait):
        return _build(
            publication,
            layout,
            period,
            extracts_dir or publication.extracts_path(root),
            today or dt.date.today(),
            stage,
        )


def _build(
    publication: Publication,
    layout: Layout,
    requested: Period | None,
    source_dir: Path,
    today: dt.date,
    stage: Stage,
) -> BuildResult:
    slug = publication.slug
    timings: dict[str, float] = {}
    ran: list[str] = []
    warnings: list[str] = []

    @contextlib.contextmanager
    def step(name: str) -> Iterator[None]:
        pause_point(name)
        started = time.perf_counter()
        with stage(name):
            yield
        timings[name] = time.perf_counter() - started

    with step(STAGES[0]):
        hashes = manifest.input_hashes(publication, source_dir) if source_dir.is_dir() else {}
        cache_key = cache.key(publication, hashes, requested)
        cached = cache.load(layout.cache(slug), cache_key, publication, warnings.append)
        if cached is None:
            frames = extracts.load(source_dir, publication.extracts, today)
            _check_unchanged(publication, source_dir, hashes)
            ran.append("extracts")
    with step(STAGES[1]):
        if cached is None:
            period = choose_period(frames, requested, source_dir, publication.frequency)
            computed = tables_mod.compute(
                publication, frames, Periods.ending(period, publication.series_length)
            )
            cache.store(layout.cache(slug), cache_key, period, computed)
            ran.append("tables")
        else:
            period, computed = cached
        periods = Periods.ending(period, publication.series_length)
        # Revisions are judged against what was published, so they are never cached.
        previous = revisions.previous_release(publication, layout, period)
        tables = protect.apply(publication, computed, period, previous)
    by_id = {t.id: t for t in tables}
    release_date = publication.release_date(period)
    next_release = publication.next_release_date(period)
    digest = manifest.inputs_digest(publication, hashes)

    period_dir = layout.period_drafts(slug, period)
    remove_leftovers(period_dir)
    number = (layout.draft_numbers(slug, period) or [0])[-1] + 1
    dest = layout.draft(slug, period, number)
    stamp = drafts.Stamp(
        number, digest[:8], drafts.embargo_notice(release_date, publication.release_time)
    )
    staging = staging_for(dest)
    try:
        name = f"{slug}-{period_slug(period)}"
        with step(STAGES[2]):
            csv_dir = staging / "csv"
            csv_dir.mkdir()
            for t in tables:
                tidy(publication, t).write_csv(csv_dir / f"{t.id}.csv")
                write_csvw(publication, t, csv_dir, release_date)
        with step(STAGES[3]):
            model = build_model(publication, period, tables, release_date, next_release)
            write_workbooks(model, staging / name)  # ODS + XLSX, checked; CheckError if not
        context = Context(
            publication,
            periods,
            by_id,
            csv_sizes={t.id: (csv_dir / f"{t.id}.csv").stat().st_size for t in tables},
        )
        with step(STAGES[4]):
            drawn = charts_mod.draw(publication, by_id, context.names(), render_text)
            context.charts = {c.id: c for c in drawn}
        with step(STAGES[5]):
            downloads = _downloads(staging, name, tables)
            source = page.page_source(
                publication,
                context,
                period,
                release_date,
                next_release,
                downloads,
                drawn,
                sample_data.is_sample(source_dir),
            )
            qmd = staging / drafts.PAGE_SOURCE
            qmd.write_text(drafts.restamp(source, add=stamp.front_matter()), encoding="utf-8")
            page.copy_assets(staging, with_charts=bool(drawn))
            engine = render(qmd, staging / "index.html")
            ran.append("page")
        with step(STAGES[6]):
            # The QA report sits beside the drafts; a failed check stops the build here.
            report = qa.run(publication, periods, computed, tables, context)
            qa.write(report, layout.qa_report(slug, period))
            report.stop_on_failure(layout.qa_report(slug, period))
            manifest.write_manifest(
                staging,
                publication,
                period,
                hashes,
                release_date,
                parameters={
                    "requested_period": requested.code if requested else None,
                    **(
                        {"series_quarters": publication.series_quarters}
                        if publication.frequency == "quarterly"
                        else {
                            "frequency": publication.frequency,
                            "series_periods": publication.series_length,
                        }
                    ),
                    "draft": number,
                    "engine": engine,
                    "sample_extracts": sample_data.is_sample(source_dir),
                },
                checks=[*checks.run_checks(staging), qa.as_draft_check(report)],
                tables={t.id: _table_meta(publication, t) for t in tables},
                extra={"draft": number},
            )
            move_into_place(staging, dest)
            reviewers.write_index(layout, slug, publication.title)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    files = [dest / p.relative_to(staging) for p in downloads]
    return BuildResult(
        publication, period, dest, dest / "index.html", files, engine,
        timings, number, stamp.inputs_short, tuple(ran), tuple(warnings),
    )  # fmt: skip


def _check_unchanged(publication: Publication, source_dir: Path, hashes: dict[str, str]) -> None:
    """Refuse a build whose extracts changed between hashing and reading them: the manifest
    would describe one file and the figures come from another."""
    after = manifest.input_hashes(publication, source_dir)
    changed = sorted(n for n in hashes.keys() | after.keys() if hashes.get(n) != after.get(n))
    if changed:
        raise ExtractError(
            [
                Problem(
                    str(source_dir / name),
                    "-",
                    "the file changed while the build was reading it (another export still "
                    "writing it?)",
                )
                for name in changed
            ],
            hint="Wait until the extracts are complete, then run the build again.",
        )


def _table_meta(publication: Publication, table: tables_mod.StatTable) -> dict[str, object]:
    """How a table's CSV is keyed, for ``statgen diff``: its caption and dimension columns."""
    return {
        "caption": table.caption,
        "csv": f"csv/{table.id}.csv",
        "keys": [*table.spec.dims, "measure"],
        "measures": [m.name for m in table.spec.measures],
    }


def _downloads(staging: Path, name: str, tables: list[tables_mod.StatTable]) -> list[Path]:
    files = [staging / f"{name}.xlsx", staging / f"{name}.ods"]
    files += [staging / "csv" / f"{t.id}.csv" for t in tables]
    return [f for f in files if f.exists()]
