"""Build one draft: the pipeline, stage by stage.

load config -> read + validate extracts -> transform (or reuse the cached tables) -> protect ->
write CSVs -> write workbooks -> draw charts -> fill, stamp and render the page -> check ->
manifest -> move into place as ``build/<slug>/<period>/draft-<n>/``.
Everything is written to a hidden temporary folder beside the destination and renamed into place
only when every stage succeeded, so a failed or killed build never leaves a half-written draft.
Only ``statgen publish`` (:mod:`statgen.lifecycle.publish`) writes ``releases/``.

Each stage is a function of a :class:`~statgen.stages.Run` (the build's state so far) and the
folder it writes to, in :mod:`statgen.stages`; this module runs them in order and keeps the
draft's bookkeeping (its number, and "draft N is unchanged" when nothing it is made from
changed).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from statgen.config import Publication, check_slug, load_publication
from statgen.layout import Layout
from statgen.lifecycle import drafts, lock, manifest
from statgen.lifecycle.staging import (
    beside,
    move_into_place,
    pause_point,
    remove_leftovers,
    staging_for,
)
from statgen.periods import Period
from statgen.stages import (
    Run,
    check_and_write,
    compute_tables,
    downloads,
    draw_charts,
    read_extracts,
    render_page,
    run_qa,
    stamp_outputs,
    write_csvs,
    write_spreadsheets,
)

Stage = Callable[[str], contextlib.AbstractContextManager[None]]

STAGES = [
    "Read and validate extracts",
    "Compute tables",
    "Write CSVs",
    "Write spreadsheets",
    "Render page",
    "Draw charts",
    "Check and write draft",
]
"""The stages of a build, in order (the CLI shows a progress bar for each). The charts are
drawn beside the workbooks and the page: "Draw charts" is what is left of them after the page."""


@contextlib.contextmanager
def _quiet(_: str) -> Iterator[None]:
    yield


@dataclass(frozen=True)
class BuildResult:
    """What a build produced: the draft folder, its page and the public downloads.

    ``ran`` names the stages that did work ("extracts", "tables", "page"): on a cache hit the
    extracts are not read and the tables are not computed. ``reused`` lists the outputs taken
    unchanged from the previous draft (see :mod:`statgen.lifecycle.reuse`).
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
    reused: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    unchanged: bool = False
    """True when the inputs, config, code and baseline equal the latest draft's: no new draft."""
    baseline: str | None = None
    """The release the figures were compared with (its folder, relative to releases/)."""
    revised: int = 0
    """How many published figures were revised (or are now suppressed)."""
    qa_status: str = ""
    """The QA report's overall result: pass, warn or fail."""
    outputs_short: str = ""
    """The short hash of the draft's outputs (on its banner; a sign-off names it)."""


# --- The build -------------------------------------------------------------------------------


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
    source = extracts_dir or publication.extracts_path(root)
    run = Run(publication, layout, period, source, today or dt.date.today())
    with lock.hold(layout.lock(slug), f"a build of {slug}", wait):
        return _build(run, stage)


def _build(run: Run, stage: Stage) -> BuildResult:
    timings: dict[str, float] = {}

    @contextlib.contextmanager
    def step(name: str) -> Iterator[None]:
        pause_point(name)
        started = time.perf_counter()
        with stage(name):
            yield
        timings[name] = time.perf_counter() - started

    publication, layout = run.publication, run.layout
    slug = publication.slug
    with step(STAGES[0]):
        read_extracts(run)
    with step(STAGES[1]):
        compute_tables(run)
        period = run.quarter
        digest = manifest.inputs_digest(publication, run.hashes)
        key = _build_key(publication, digest, run)
        same = _same_as_latest(publication, layout, period, key)
        if same is not None:
            return same
    period_dir = layout.period_drafts(slug, period)
    remove_leftovers(period_dir)
    previous = layout.latest_draft(slug, period)
    number = (layout.draft_numbers(slug, period) or [0])[-1] + 1
    dest = layout.draft(slug, period, number)
    embargo = drafts.embargo_notice(publication.release_date(period), publication.release_time)
    stamp = drafts.Stamp(number, digest[:8], embargo)
    staging = staging_for(dest)
    try:
        with step(STAGES[2]):
            write_csvs(run, staging, previous)
        # The browser draws the charts while Python writes the workbooks, then the page (which
        # links to the images, and has a stand-in for the outputs' hash until they are written).
        with step(STAGES[3]), beside(draw_charts, run, staging, previous, False) as charts:
            write_spreadsheets(run, staging, previous)
        with step(STAGES[4]):
            charts.result()  # the figures made, and their images submitted (or an error)
            # The QA checks run while Pandoc renders the page (the page's own fill first:
            # QA fills the commentary again, from Jinja's cache of the compiled template).
            stamped = render_page(run, staging, stamp, while_rendering=partial(run_qa, run))
            assert isinstance(stamped, drafts.Stamp)
        with step(STAGES[5]):
            stamp = stamp_outputs(run, staging, stamped)  # once the images are written
        with step(STAGES[6]):
            # The QA report goes into the draft; a failed build's report goes to its own
            # folder (never over a good draft's), and a failed check stops the build here.
            status = check_and_write(run, staging, number, digest, key)
            files = [dest / p.relative_to(staging) for p in downloads(staging, run)]
            move_into_place(staging, dest)
            from statgen.lifecycle import reviewers

            reviewers.write_index(layout, slug, publication.title, publication.organisation)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BuildResult(
        publication, period, dest, dest / "index.html", files, run.engine,
        timings, number, stamp.inputs_short, tuple(run.ran), _in_order(run.reused),
        tuple(run.warnings), False, run.baseline["path"] if run.baseline else None,
        run.revised, status, stamp.outputs_short,
    )  # fmt: skip


REUSED = ("csv", "spreadsheets", "charts")
"""The outputs a build can take from the previous draft, in the order the stages make them."""


def _in_order(reused: list[str]) -> tuple[str, ...]:
    """The reused outputs in stage order (the charts are drawn beside the workbooks)."""
    return tuple(sorted(reused, key=REUSED.index))


def _build_key(publication: Publication, digest: str, run: Run) -> str:
    """One hash of everything a draft is made from: inputs, config, code, baseline and the
    releases disclosure control treated as public."""
    from statgen.extracts import sample

    parts = {
        "inputs": digest,
        "code": manifest.code_digest(),
        "baseline": run.baseline,
        "public_releases": run.public_releases,
        "requested_period": run.requested.code if run.requested else None,
        "series": publication.series_length,
        "frequency": publication.frequency,
        "sample": sample.is_sample(run.source_dir),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _same_as_latest(
    publication: Publication, layout: Layout, period: Period, key: str
) -> BuildResult | None:
    """The latest draft of ``period`` when it was built from exactly the same things (and is
    intact): building again would only give the same draft a new number."""
    latest = layout.latest_draft(publication.slug, period)
    if latest is None:
        return None
    meta = manifest.read(latest)
    if meta.get("build_key") != key or manifest.verify(latest):
        return None
    files = [latest / f["path"] for f in meta["files"]]
    downloads = [f for f in files if f.suffix in (".xlsx", ".ods") or f.parent.name == "csv"]
    baseline = meta.get("baseline")
    return BuildResult(
        publication, period, latest, latest / "index.html",
        [f for f in downloads if f.suffix != ".json"], meta["parameters"].get("engine", ""),
        {}, int(meta["draft"]), meta["inputs_sha256"][:8], (), (), (), True,
        baseline["path"] if baseline else None, int(meta.get("revised", 0)),
        str(meta.get("qa_status", "")), str(meta.get("outputs_sha256", ""))[:8],
    )  # fmt: skip
