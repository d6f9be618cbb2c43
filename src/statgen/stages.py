"""The stages of a build, each a function of a :class:`Run` and the folder it writes to.

:func:`statgen.pipeline.build` calls them in order for a numbered draft; ``statgen preview``
(:mod:`statgen.preview`) keeps one :class:`Run` warm and calls only the stages a change needs.
Heavy libraries (Polars, Plotly, openpyxl, odfpy) are imported by the stage that uses them,
never when this module is imported.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from statgen.config import Publication
from statgen.errors import ExtractError, PeriodError, Problem, StatgenError
from statgen.layout import Layout, period_slug
from statgen.lifecycle import drafts, manifest
from statgen.lifecycle.staging import beside
from statgen.periods import Period, Periods, latest_complete

if TYPE_CHECKING:
    import polars as pl

    from statgen.outputs.charts import DrawnChart
    from statgen.outputs.page.commentary import Context
    from statgen.tables import StatTable


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
    images: Callable[[], None] | None = None
    """Waits for the chart images still being drawn and writes them (see :func:`draw_charts`)."""
    unchanged: concurrent.futures.Future[None] | None = None
    """The extracts looked at again after they were read, in the background (see
    :func:`read_extracts`); :func:`compute_tables` waits for it before keeping any table."""
    baseline: dict[str, str] | None = None
    """The release the figures are compared with: its path and manifest hash (or None)."""
    public: Any = None
    """The cells the baseline or an earlier release published and that are unchanged
    (disclosure control treats them as public)."""
    sums: Any = None
    """The sums of cells earlier releases give away that still hold
    (:func:`statgen.protection.earlier_sums`)."""
    earlier: list[Path] = field(default_factory=list)
    """Every published release of the publication (what they published is public)."""
    public_releases: list[dict[str, str]] = field(default_factory=list)
    """Those releases as the manifest names them (path and manifest hash): publish refuses the
    draft once that list is not what is published."""
    revised: int = 0
    qa: Any = None
    """The QA report (:func:`run_qa`), until :func:`check_and_write` acts on it."""
    hashed: tuple[Path, tuple[int, dict[str, manifest.FileState]]] | None = None
    """Where to record the extracts' hashes, and their states before they were hashed: once
    the build has its tables (:func:`compute_tables`), so a refused build records nothing."""

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
        raise PeriodError(
            f"period {requested.code} is not complete in the extracts (their newest date is "
            f"{newest.isoformat()}; the latest complete {latest.noun} is {latest.code}): build "
            f"{latest.code}, or point --extracts at an extract that covers {requested.code}"
        )
    return requested


def read_extracts(run: Run) -> None:
    """Hash the extracts and look for cached tables; read and validate the extracts only when
    there are none (and they were not already read, unchanged, by a warm preview).

    An extract that has not been written since an earlier build hashed it keeps that hash
    (:func:`statgen.lifecycle.manifest.remembered_hashes`). One that has (or a first build)
    is read while it is hashed: its tables are then almost never cached, and the hash of a
    1.2 GB CSV came before its read (0.9 s). Should they be cached after all (a file written
    again with the same bytes), the cached tables are taken and the read is not used."""
    from statgen.extracts import database
    from statgen.lifecycle import cache

    publication = run.publication
    source = run.source_dir
    # Database extracts are read first: their hash (of the rows) keys the cache too.
    queried = database.read_all(publication.extracts)
    before = manifest.file_states(publication, source)  # for check_unchanged()
    folder = run.layout.cache(publication.slug)
    record = folder / manifest.HASHES
    known = manifest.remembered_hashes(record, publication, source, before)
    read: dict[str, pl.DataFrame] | ExtractError | None = None
    if known is not None:
        _prepare()
        run.hashes = {**known, **manifest.query_hashes(queried)}
    else:
        with beside(manifest.input_hashes, publication, source, queried) as hashing:
            _prepare()  # while a thread hashes the extracts (hashlib lets go of the GIL)
            _count_csv_commas(publication, source)
            if run.frames is None:  # (a warm preview may hold these very extracts)
                try:
                    read = _load(run, queried)
                except ExtractError as exc:  # reported unless the tables are cached
                    read = exc
        run.hashes = hashing.result()
        run.hashed = (record, before)  # recorded once the build has its tables
    run.cache_key = cache.key(publication, run.hashes, run.requested)
    run.cached = cache.load(folder, run.cache_key, publication, run.warnings.append)
    if run.cached is not None:
        return
    if isinstance(read, ExtractError):
        raise read
    definitions = publication.model_dump_json(include={"extracts"})
    frames_key = repr((sorted(run.hashes.items()), definitions, run.today))
    if read is None and run.frames is not None and run.frames_key == frames_key:
        return
    run.frames = read if read is not None else _load(run, queried)
    # Looked at again, to refuse an extract replaced while it was read, in a thread beside the
    # transforms (a file changed just before the build is hashed again: a second for 1 GB).
    pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="statgen-unchanged")
    run.unchanged = pool.submit(manifest.check_unchanged, publication, source, run.hashes, before)
    pool.shutdown(wait=False)  # no more work for it; compute_tables waits for this one
    run.frames_key = frames_key
    run.ran.append("extracts")


OUTPUT_LIBRARIES = (
    "statgen.outputs.spreadsheets",  # openpyxl, odfpy
    "statgen.outputs.spreadsheets.read_xlsx",
    "openpyxl",
)
"""What writes the workbooks, loaded beside the read of the extracts (:func:`read_extracts`)."""
CHART_LIBRARIES = ("statgen.outputs.charts", "plotly.graph_objects", "afcharts.pio_template")
"""What makes the figures, loaded beside the read when the publication has charts."""


def _import_output_libraries(publication: Publication) -> None:
    """Import the libraries of the stages that make the outputs: the read of the extracts is
    mostly Polars' own threads, which leave Python's lock free, and these imports otherwise
    came on the way to the charts (the browser started 0.2 s later) and the workbooks.

    Only a build that reads its extracts does this (one that finds its tables cached takes
    the previous draft's outputs and never imports them). An import that fails here is left
    to fail again in its own stage, which reports it."""
    import importlib

    names = list(OUTPUT_LIBRARIES)
    if publication.charts:
        from statgen.outputs import chart_images

        chart_images.load_plotly_safely()  # numpy whole before Plotly's modules
        names += CHART_LIBRARIES
        if chart_images.find_chromium() is not None:
            names.append("kaleido")
    for name in names:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


def _load(run: Run, queried: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Read and validate the extracts. The outputs will be made again (their tables are not
    cached): their libraries load beside the read, while Polars has let go of the GIL."""
    from statgen import extracts

    with beside(_import_output_libraries, run.publication):
        return extracts.load(run.source_dir, run.publication.extracts, run.today, queried)


def _check_unchanged(run: Run) -> None:
    """Wait for the second look at the extracts; an extract that changed meanwhile fails
    the build (:func:`statgen.lifecycle.manifest.check_unchanged`)."""
    pending, run.unchanged = run.unchanged, None
    if pending is not None:
        pending.result()


def _count_csv_commas(publication: Publication, source: Path) -> None:
    """Count each CSV extract's commas and lines (the first check of its shape, if it is read)
    on the core the hashing leaves free: counting takes less time than hashing, so a build
    that finds its tables cached waits no longer for it. A file with quotes stops the count at
    once (only parsing tells its fields apart)."""
    from statgen.extracts import csvtext

    if source.is_dir():
        for path in manifest.input_files(publication, source):
            if path.suffix == ".csv":
                with contextlib.suppress(OSError):  # the read names an unreadable file
                    csvtext.count_commas(path)


LATER = (
    "statgen.lifecycle.checks",
    "statgen.lifecycle.reuse",
    "statgen.outputs.csvw",
    "statgen.outputs.govuk",
    "statgen.outputs.page.assemble",
    "statgen.outputs.page.citations",
    "statgen.outputs.page.render",
    "statgen.protection",
    "statgen.review.qa",
)
"""The modules of the stages after the extracts (and what they import)."""


def _prepare() -> None:
    """What the later stages need that does not depend on the extracts: their modules, the
    code's hash and the versions of the software (made once a process, then kept)."""
    import importlib

    # The versions ask git and Pandoc (0.04 s of waiting), beside the imports.
    with beside(manifest.software):
        for name in LATER:
            importlib.import_module(name)
        manifest.code_digest()


def compute_tables(run: Run) -> None:
    """Run the transforms (or take the cached tables), then protect them (never cached:
    revisions are judged against what was published)."""
    from statgen import protection, tables
    from statgen.lifecycle import cache
    from statgen.protection import revisions

    publication = run.publication
    if run.cached is None:
        assert run.frames is not None, "read_extracts() reads the extracts"
        _start_browser_early(publication)
        try:
            period = choose_period(run.frames, run.requested, run.source_dir, publication.frequency)
            computed = tables.compute(
                publication, run.frames, Periods.ending(period, publication.series_length)
            )
        finally:
            _check_unchanged(run)  # an extract that changed while read is the error to report
        cache.store(run.layout.cache(publication.slug), run.cache_key, period, computed)
        run.ran.append("tables")
    else:
        period, computed = run.cached
    if run.hashed is not None:
        record, before = run.hashed
        manifest.remember_hashes(record, run.source_dir, before, run.hashes)
        run.hashed = None
    run.period, run.computed = period, computed
    previous = revisions.previous_release(publication, run.layout, period)
    run.baseline = revisions.baseline_record(run.layout, previous)
    run.earlier = revisions.published_releases(publication, run.layout)
    run.public_releases = revisions.public_record(run.layout, run.earlier)
    run.public = protection.public_cells(computed, previous, run.earlier, period)
    folders = protection.release_folders(previous, run.earlier)
    run.sums = protection.earlier_sums(publication, computed, folders, period)
    run.tables = protection.apply(publication, computed, period, previous, run.public, run.sums)
    run.revised = next((t.data.height for t in run.tables if t.id == "revisions"), 0)
    run.outputs_key = _outputs_key(run, previous)


def _start_browser_early(publication: Publication) -> None:
    """Start the charts' browser while the transforms run, when the extracts were read (the
    tables, so the figures, are made again) and a chart is to be a static image: its start-up
    (half a second) was the longest wait of a full build: started with the figures, after
    the tables, a 10M-row build took 0.2 s longer (3.74 s against 3.53 s, medians of 7 builds
    each way). Started before the read it was no quicker (3.50 s), and a build refused for a
    bad extract would start a browser for nothing."""
    from statgen.outputs import chart_images, charts

    if any(charts.wants_static(publication, c) for c in publication.charts):
        chart_images.open_browser()


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

    stems = {f"{run.name}.ods", f"{run.name}.xlsx"}
    if reuse.take(previous, run.outputs_key, out, stems.__contains__):
        run.reused.append("spreadsheets")
        return
    from statgen.outputs.spreadsheets import build_model, write_workbooks  # openpyxl, odfpy

    publication = run.publication
    model = build_model(
        publication,
        run.quarter,
        run.tables,
        publication.release_date(run.quarter),
        publication.next_release_date(run.quarter),
    )
    write_workbooks(model, out / run.name)  # ODS + XLSX, checked; CheckError if not


def draw_charts(run: Run, out: Path, previous: Path | None = None, wait: bool = True) -> None:
    """The commentary's context (figures, CSV sizes) and every configured chart (taken
    unchanged from the ``previous`` draft when its outputs were made from the same inputs).

    With ``wait`` false it returns once the figures are made and their images submitted to
    the browser, leaving :attr:`Run.images` for :func:`finish_charts`: the page, which links
    to the images, is made while they are drawn."""
    from statgen.lifecycle import reuse
    from statgen.outputs import charts
    from statgen.outputs.page.commentary import Context
    from statgen.outputs.page.templating import render_text

    by_id = {t.id: t for t in run.tables}
    specs = run.publication.charts
    reuse_charts = bool(specs) and reuse.take(
        previous, run.outputs_key, out, lambda p: p.startswith(charts.FILES)
    )
    if not reuse_charts and any(charts.wants_static(run.publication, c) for c in specs):
        from statgen.outputs import chart_images

        chart_images.open_browser()  # while the figures are made
    csv_dir = out / "csv"
    sizes = {t.id: (csv_dir / f"{t.id}.csv").stat().st_size for t in run.tables}
    run.context = Context(run.publication, run.periods, by_id, csv_sizes=sizes)
    if reuse_charts:
        run.drawn = charts.reused(run.publication, by_id, out)
        run.chart_renderer = "kaleido" if any(c.static for c in run.drawn) else "plotly.js"
        run.reused.append("charts")
    else:
        drawn = charts.draw(run.publication, by_id, run.context.names(), render_text)
        # Static SVG and PNG files by kaleido (Chromium), or interactive charts where asked
        # for (or where no Chromium is found, with a warning).
        cache = run.layout.chart_cache(run.publication.slug)
        run.drawn, run.chart_renderer, run.images = charts.start_images(
            run.publication, drawn, out, cache
        )
    run.context.charts = {c.id: c for c in run.drawn}
    if wait:
        finish_charts(run)


def finish_charts(run: Run) -> None:
    """Wait for the chart images :func:`draw_charts` left drawing, and write their files."""
    images, run.images = run.images, None
    if images is not None:
        images()


def render_page(
    run: Run,
    out: Path,
    stamp: drafts.Stamp | dict[str, Any],
    page: str = "index.html",
    while_rendering: Callable[[], object] | None = None,
) -> drafts.Stamp | dict[str, Any]:
    """Fill the commentary, stamp the page source and render it to ``out/<page>``.

    A draft's :class:`~statgen.lifecycle.drafts.Stamp` gains the hash of the outputs beside
    the page (what a reviewer signs off), which its banner shows; it is returned. The preview
    passes its own front matter instead. ``while_rendering`` runs in a thread while Pandoc
    renders (the build's QA checks: :func:`run_qa`); its error, if any, is raised after the
    page's own.
    """
    from statgen.extracts import sample
    from statgen.outputs.page import assemble, citations
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
    citations.write(out, publication, run.context)  # the main points' figures, for the diff
    if isinstance(stamp, drafts.Stamp):
        # What the reviewer signs off: every output but the stamped page and reports. While
        # chart images are still being drawn, a stand-in that stamp_outputs() replaces.
        short = manifest.outputs_digest(out)[:8] if run.images is None else _stand_in(source)
        stamp = dataclasses.replace(stamp, outputs_short=short)
    front = stamp.front_matter() if isinstance(stamp, drafts.Stamp) else stamp
    qmd = out / drafts.PAGE_SOURCE
    qmd.write_text(drafts.restamp(source, add=front), encoding="utf-8")
    alongside: list[concurrent.futures.Future[Any]] = []
    with contextlib.ExitStack() as side:
        if isinstance(stamp, drafts.Stamp):  # drafts carry the GOV.UK bundle; the preview not
            # Two Pandoc processes side by side: the page, and the bulletin in govspeak.
            alongside.append(side.enter_context(beside(write_govuk_bundle, run, out, qmd)))
        if while_rendering is not None:
            alongside.append(side.enter_context(beside(while_rendering)))
        run.engine = render(qmd, out / page)
    for future in alongside:
        future.result()
    run.ran.append("page")
    return stamp


def _stand_in(source: str) -> str:
    """Eight hex digits, like an outputs hash, found nowhere in the page's ``source``."""
    import secrets

    while True:
        token = secrets.token_hex(4)
        if token not in source:
            return token


def stamp_outputs(run: Run, out: Path, stamp: drafts.Stamp) -> drafts.Stamp:
    """Once every output is written (:func:`finish_charts`), put their hash on the page and
    the GOV.UK bundle where :func:`render_page` left a stand-in for it."""
    finish_charts(run)
    short = manifest.outputs_digest(out)[:8]
    if stamp.outputs_short == short:
        return stamp
    for name in manifest.STAMPED:  # only the stamped files carry it (none is in the hash)
        path = out / name
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            if stamp.outputs_short in text:
                path.write_text(text.replace(stamp.outputs_short, short), encoding="utf-8")
    return dataclasses.replace(stamp, outputs_short=short)


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
        run.layout.govspeak_cache(publication.slug),
        run.warnings.append,
    )


def run_qa(run: Run) -> None:
    """The QA checks of the build's figures and commentary, into :attr:`Run.qa` (the draft
    runs them while Pandoc renders its page: :func:`render_page`)."""
    from statgen.review import qa

    assert run.context is not None
    run.qa = qa.run(
        run.publication, run.periods, run.computed, run.tables, run.context, run.public, run.sums
    )


def check_and_write(run: Run, staging: Path, number: int, digest: str, key: str) -> str:
    """Act on the QA checks (run here unless :func:`run_qa` ran them; a failure stops the
    build) and write the QA report and the manifest into the draft; returns the QA status
    (pass or warn)."""
    from statgen.extracts import sample
    from statgen.lifecycle import checks
    from statgen.review import qa

    assert run.context is not None
    publication, period = run.publication, run.quarter
    slug = publication.slug
    if run.qa is None:
        run_qa(run)
    report, run.qa = run.qa, None
    assert report is not None
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
        tables={t.id: manifest.table_meta(t) for t in run.tables},
        extra={
            "draft": number,
            "build_key": key,
            "baseline": run.baseline,
            "public_releases": run.public_releases,
            "revised": run.revised,
            "qa_status": report.status,
            "outputs_sha256": manifest.outputs_digest(staging),
            "outputs_key": run.outputs_key,
        },
    )
    return report.status


def _outputs_key(run: Run, previous: Any) -> str:
    """What the data outputs (CSVs, CSVW, workbooks, charts) are made from, as one hash."""
    from statgen.lifecycle import reuse
    from statgen.outputs import chart_images

    baseline = getattr(previous, "folder", previous)
    drawing = chart_images.software()
    return reuse.outputs_key(
        run.cache_key, run.quarter, run.today, baseline, drawing, tuple(run.earlier)
    )


def downloads(folder: Path, run: Run) -> list[Path]:
    """The public downloads in ``folder``: the workbooks, then each table's CSV."""
    files = [folder / f"{run.name}.xlsx", folder / f"{run.name}.ods"]
    files += [folder / "csv" / f"{t.id}.csv" for t in run.tables]
    return [f for f in files if f.exists()]
