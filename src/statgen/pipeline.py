"""Build one draft: the pipeline, stage by stage.

load config -> read + validate extracts -> transform (or reuse the cached tables) -> protect ->
write CSVs -> write workbooks -> draw charts -> fill, stamp and render the page -> check ->
manifest -> move into place as ``build/<slug>/<period>/draft-<n>/``.
Everything is written to a hidden temporary folder beside the destination and renamed into place
only when every stage succeeded, so a failed or killed build never leaves a half-written draft.
Only ``statgen publish`` (:mod:`statgen.lifecycle.publish`) writes ``releases/``.

Each stage is a function of a :class:`Run` (the build's state so far) and the folder it writes
to, so ``statgen preview`` (:mod:`statgen.preview`) keeps a run warm and calls only the stages a
change needs. Heavy libraries (Polars, Plotly, openpyxl, odfpy) are imported by the stage that
uses them, never when this module is imported.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from statgen.config import Publication, check_slug, load_publication
from statgen.errors import ExtractError, Problem, StatgenError
from statgen.layout import Layout, period_slug
from statgen.lifecycle import drafts, lock, manifest
from statgen.lifecycle.staging import move_into_place, pause_point, remove_leftovers, staging_for
from statgen.periods import Period, Periods, latest_complete

if TYPE_CHECKING:
    import polars as pl

    from statgen.outputs.charts import DrawnChart
    from statgen.outputs.page.commentary import Context
    from statgen.tables import StatTable

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


@dataclass
class Run:
    """One build's state, filled in stage by stage (the preview keeps one warm)."""

    publication: Publication
    layout: Layout
    requested: Period | None
    source_dir: Path
    today: dt.date
    hashes: dict[str, str] = field(default_factory=dict)
    cache_key: str = ""
    frames: dict[str, pl.DataFrame] | None = None
    frames_key: str = ""
    cached: tuple[Period, list[StatTable]] | None = None
    period: Period | None = None
    computed: list[StatTable] = field(default_factory=list)
    tables: list[StatTable] = field(default_factory=list)
    context: Context | None = None
    drawn: list[DrawnChart] = field(default_factory=list)
    outputs_key: str = ""
    ran: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    engine: str = ""
    chart_renderer: str | None = None
    """How the charts were drawn: ``kaleido`` (static files) or ``plotly.js`` (interactive)."""
    baseline: dict[str, str] | None = None
    """The release the figures are compared with: its path and manifest hash (or None)."""
    public: Any = None
    """The baseline's published, unchanged cells (disclosure control treats them as public)."""
    revised: int = 0

    @property
    def quarter(self) -> Period:
        """The period built (known once the tables are computed)."""
        if self.period is None:
            raise StatgenError("the period is not known before the tables are computed")
        return self.period

    @property
    def periods(self) -> Periods:
        """The quarters the tables cover, ending at the period built."""
        return Periods.ending(self.quarter, self.publication.series_length)

    @property
    def name(self) -> str:
        """The stem of the workbooks' file names: ``<slug>-<period>``."""
        return f"{self.publication.slug}-{period_slug(self.quarter)}"


def choose_period(
    frames: dict[str, pl.DataFrame],
    requested: Period | None,
    folder: Path,
    frequency: str = "quarterly",
) -> Period:
    """The requested period, or the latest complete period (of ``frequency``) in the extracts."""
    from statgen import extracts

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


# --- The stages ------------------------------------------------------------------------------


def read_extracts(run: Run) -> None:
    """Hash the extracts and look for cached tables; read and validate the extracts only when
    there are none (and they were not already read, unchanged, by a warm preview)."""
    from statgen import extracts
    from statgen.extracts import database
    from statgen.lifecycle import cache

    publication = run.publication
    source = run.source_dir
    # Database extracts are read first: their hash (of the rows) keys the cache too.
    queried = database.read_all(publication.extracts)
    run.hashes = manifest.input_hashes(publication, source, queried)
    run.cache_key = cache.key(publication, run.hashes, run.requested)
    folder = run.layout.cache(publication.slug)
    run.cached = cache.load(folder, run.cache_key, publication, run.warnings.append)
    if run.cached is not None:
        return
    definitions = publication.model_dump_json(include={"extracts"})
    frames_key = repr((sorted(run.hashes.items()), definitions, run.today))
    if run.frames is not None and run.frames_key == frames_key:
        return
    run.frames = extracts.load(source, publication.extracts, run.today, queried)
    _check_unchanged(publication, source, run.hashes)
    run.frames_key = frames_key
    run.ran.append("extracts")


def compute_tables(run: Run) -> None:
    """Run the transforms (or take the cached tables), then protect them (never cached:
    revisions are judged against what was published)."""
    from statgen import protection, tables
    from statgen.lifecycle import cache
    from statgen.protection import revisions

    publication = run.publication
    if run.cached is None:
        assert run.frames is not None, "read_extracts() reads the extracts"
        period = choose_period(run.frames, run.requested, run.source_dir, publication.frequency)
        computed = tables.compute(
            publication, run.frames, Periods.ending(period, publication.series_length)
        )
        cache.store(run.layout.cache(publication.slug), run.cache_key, period, computed)
        run.ran.append("tables")
    else:
        period, computed = run.cached
    run.period, run.computed = period, computed
    previous = revisions.previous_release(publication, run.layout, period)
    run.baseline = revisions.baseline_record(run.layout, previous)
    run.public = protection.public_cells(computed, previous)
    run.tables = protection.apply(publication, computed, period, previous, run.public)
    run.revised = next((t.data.height for t in run.tables if t.id == "revisions"), 0)
    run.outputs_key = _outputs_key(run, previous)


def write_csvs(run: Run, out: Path, previous: Path | None = None) -> None:
    """The tidy CSV of each table and its CSVW metadata, in ``out/csv/`` (taken unchanged from
    the ``previous`` draft when its outputs were made from the same inputs)."""
    from statgen.lifecycle import reuse
    from statgen.outputs.csvw import write_csvw
    from statgen.outputs.grid import tidy

    csv_dir = out / "csv"
    csv_dir.mkdir(exist_ok=True)
    if reuse.take(previous, run.outputs_key, out, lambda p: p.startswith("csv/")):
        run.reused.append("csv")
        return
    release_date = run.publication.release_date(run.quarter)
    for t in run.tables:
        tidy(run.publication, t).write_csv(csv_dir / f"{t.id}.csv")
        write_csvw(run.publication, t, csv_dir, release_date)


def write_spreadsheets(run: Run, out: Path, previous: Path | None = None) -> None:
    """The ODS and XLSX workbooks, checked against the accessibility checklist (or taken
    unchanged from the ``previous`` draft)."""
    from statgen.lifecycle import reuse
    from statgen.outputs.spreadsheets import build_model, write_workbooks

    stems = {f"{run.name}.ods", f"{run.name}.xlsx"}
    if reuse.take(previous, run.outputs_key, out, stems.__contains__):
        run.reused.append("spreadsheets")
        return
    publication = run.publication
    model = build_model(
        publication,
        run.quarter,
        run.tables,
        publication.release_date(run.quarter),
        publication.next_release_date(run.quarter),
    )
    write_workbooks(model, out / run.name)  # ODS + XLSX, checked; CheckError if not


def draw_charts(run: Run, out: Path) -> None:
    """The commentary's context (figures, CSV sizes) and every configured chart."""
    from statgen.outputs import charts
    from statgen.outputs.page.commentary import Context, render_text

    by_id = {t.id: t for t in run.tables}
    csv_dir = out / "csv"
    sizes = {t.id: (csv_dir / f"{t.id}.csv").stat().st_size for t in run.tables}
    run.context = Context(run.publication, run.periods, by_id, csv_sizes=sizes)
    drawn = charts.draw(run.publication, by_id, run.context.names(), render_text)
    # Static SVG and PNG files by kaleido (Chromium), or interactive charts where asked for
    # (or where no Chromium is found, with a warning).
    run.drawn, run.chart_renderer = charts.write_images(run.publication, drawn, out)
    run.context.charts = {c.id: c for c in run.drawn}


def render_page(
    run: Run, out: Path, stamp: drafts.Stamp | dict[str, Any], page: str = "index.html"
) -> drafts.Stamp | dict[str, Any]:
    """Fill the commentary, stamp the page source and render it to ``out/<page>``.

    A draft's :class:`~statgen.lifecycle.drafts.Stamp` gains the hash of the outputs beside
    the page (what a reviewer signs off), which its banner shows; it is returned. The preview
    passes its own front matter instead.
    """
    from statgen.extracts import sample
    from statgen.outputs.page import assemble
    from statgen.outputs.page.render import render

    publication = run.publication
    assert run.context is not None, "draw_charts() makes the commentary's context"
    source = assemble.page_source(
        publication,
        run.context,
        run.quarter,
        publication.release_date(run.quarter),
        publication.next_release_date(run.quarter),
        downloads(out, run),
        run.drawn,
        sample.is_sample(run.source_dir),
    )
    interactive = any(not c.static for c in run.drawn)
    assemble.copy_assets(out, with_charts=bool(run.drawn), interactive=interactive)
    if isinstance(stamp, drafts.Stamp):
        # What the reviewer signs off: every output but the stamped page and reports.
        stamp = dataclasses.replace(stamp, outputs_short=manifest.outputs_digest(out)[:8])
    front = stamp.front_matter() if isinstance(stamp, drafts.Stamp) else stamp
    qmd = out / drafts.PAGE_SOURCE
    qmd.write_text(drafts.restamp(source, add=front), encoding="utf-8")
    run.engine = render(qmd, out / page)
    if isinstance(stamp, drafts.Stamp):  # drafts carry the GOV.UK bundle; the preview does not
        write_govuk_bundle(run, out, qmd)
    run.ran.append("page")
    return stamp


def write_govuk_bundle(run: Run, out: Path, qmd: Path) -> None:
    """``out/govuk/``: the bulletin in govspeak, chart images and the attachments list."""
    from statgen.outputs import govuk
    from statgen.outputs.page import assemble

    assert run.context is not None
    publication, period = run.publication, run.quarter
    release_date = publication.release_date(period)
    govuk.write_bundle(
        out,
        qmd,
        assemble.download_links(publication, run.context, period, downloads(out, run)),
        run.drawn,
        {
            "title": f"{publication.title}: {period.long_label}",
            "summary": publication.summary,
            "release": f"{publication.release_time} on {release_date.isoformat()}",
        },
    )


def check_and_write(run: Run, staging: Path, number: int, digest: str, key: str) -> str:
    """Run the QA checks (a failure stops the build) and write the QA report and the manifest
    into the draft; returns the QA status (pass or warn)."""
    from statgen.extracts import sample
    from statgen.lifecycle import checks
    from statgen.review import qa

    assert run.context is not None
    publication, period = run.publication, run.quarter
    slug = publication.slug
    report = qa.run(publication, run.periods, run.computed, run.tables, run.context, run.public)
    if report.status == "fail":
        # A failed build's report goes to a folder of its own, never over a good draft's.
        failed = dataclasses.replace(report, inputs=digest[:8])
        qa.write(failed, run.layout.failed_qa_report(slug, period))
        failed.stop_on_failure(run.layout.failed_qa_report(slug, period))
    report = dataclasses.replace(report, draft=number, inputs=digest[:8])
    qa.write(report, staging)
    manifest.write_manifest(
        staging,
        publication,
        period,
        run.hashes,
        publication.release_date(period),
        parameters={
            "requested_period": run.requested.code if run.requested else None,
            **(
                {"series_quarters": publication.series_quarters}
                if publication.frequency == "quarterly"
                else {
                    "frequency": publication.frequency,
                    "series_periods": publication.series_length,
                }
            ),
            "draft": number,
            "engine": run.engine,
            "chart_renderer": run.chart_renderer if run.drawn else None,
            "sample_extracts": sample.is_sample(run.source_dir),
        },
        checks=[*checks.run_checks(staging), qa.as_draft_check(report)],
        tables={t.id: _table_meta(t) for t in run.tables},
        extra={
            "draft": number,
            "build_key": key,
            "baseline": run.baseline,
            "revised": run.revised,
            "qa_status": report.status,
            "outputs_sha256": manifest.outputs_digest(staging),
            "outputs_key": run.outputs_key,
        },
    )
    return report.status


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
        with step(STAGES[3]):
            write_spreadsheets(run, staging, previous)
        with step(STAGES[4]):
            draw_charts(run, staging)
        with step(STAGES[5]):
            stamped = render_page(run, staging, stamp)
            assert isinstance(stamped, drafts.Stamp)
            stamp = stamped
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
        timings, number, stamp.inputs_short, tuple(run.ran), tuple(run.reused),
        tuple(run.warnings), False, run.baseline["path"] if run.baseline else None,
        run.revised, status, stamp.outputs_short,
    )  # fmt: skip


def _build_key(publication: Publication, digest: str, run: Run) -> str:
    """One hash of everything a draft is made from: inputs, config, code and baseline."""
    from statgen.extracts import sample

    parts = {
        "inputs": digest,
        "code": manifest.code_digest(),
        "baseline": run.baseline,
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


def _check_unchanged(publication: Publication, source_dir: Path, hashes: dict[str, str]) -> None:
    """Refuse a build whose extracts changed between hashing and reading them: the manifest
    would describe one file and the figures come from another."""
    after = manifest.input_hashes(publication, source_dir)
    files = {n: h for n, h in hashes.items() if not n.endswith(" (query)")}  # rows already read
    changed = sorted(n for n in files.keys() | after.keys() if files.get(n) != after.get(n))
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


def _outputs_key(run: Run, previous: Any) -> str:
    """What the data outputs (CSVs, CSVW, workbooks) are made from, as one hash."""
    from statgen.lifecycle import reuse

    baseline = getattr(previous, "folder", previous)
    return reuse.outputs_key(run.cache_key, run.quarter, run.today, baseline)


def _table_meta(table: StatTable) -> dict[str, object]:
    """How a table's CSV is keyed, for ``statgen diff``: its caption and dimension columns."""
    return {
        "caption": table.caption,
        "csv": f"csv/{table.id}.csv",
        "keys": [*table.spec.dims, "measure"],
        "measures": [m.name for m in table.spec.measures],
    }


def downloads(folder: Path, run: Run) -> list[Path]:
    """The public downloads in ``folder``: the workbooks, then each table's CSV."""
    files = [folder / f"{run.name}.xlsx", folder / f"{run.name}.ods"]
    files += [folder / "csv" / f"{t.id}.csv" for t in run.tables]
    return [f for f in files if f.exists()]
