"""Build one release: the pipeline, stage by stage.

load config -> read + validate extracts -> transform -> write CSVs -> write workbooks ->
draw charts -> fill and render the page -> manifest -> move into place.
Everything is written to a temporary folder beside the destination and renamed into place only
when every stage succeeded, so a failed or killed build never leaves a half-written release.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from statgen import charts as charts_mod
from statgen import document, extracts, manifest, page, protect, sample_data
from statgen import tables as tables_mod
from statgen.config import Publication, load_publication
from statgen.csvw_meta import write_csvw
from statgen.errors import ExtractError, Problem, StatgenError
from statgen.periods import Periods, Quarter, latest_complete
from statgen.presentation import tidy
from statgen.spreadsheets import build_model, write_workbooks

Stage = Callable[[str], contextlib.AbstractContextManager[None]]

STAGES = [
    "Read and validate extracts",
    "Compute tables",
    "Write CSVs",
    "Write spreadsheets",
    "Draw charts",
    "Render page",
    "Publish release",
]
"""The stages of a build, in order (the CLI shows a progress bar for each)."""


@contextlib.contextmanager
def _quiet(_: str) -> Iterator[None]:
    yield


@dataclass(frozen=True)
class BuildResult:
    """What a build produced: the release folder, its page and the public downloads."""

    publication: Publication
    period: Quarter
    folder: Path
    page: Path
    downloads: list[Path]
    engine: str
    timings: dict[str, float] = field(default_factory=dict)


def quarter_slug(period: Quarter) -> str:
    """Period as used in folder and file names: lower case, hyphenated (``2026-q3``)."""
    return f"{period.year}-q{period.q}"


def choose_period(
    frames: dict[str, pl.DataFrame], requested: Quarter | None, folder: Path
) -> Quarter:
    """The requested period, or the latest complete quarter in the extracts."""
    newest = extracts.newest_date(frames)
    if newest is None:
        raise ExtractError(
            [Problem(str(folder), "-", "the extracts hold no dates, so no period can be chosen")]
        )
    latest = latest_complete(newest)
    if requested is None:
        return latest
    if requested > latest:
        raise StatgenError(
            f"period {requested.code} is not complete in the extracts (their newest date is "
            f"{newest.isoformat()}; the latest complete quarter is {latest.code})"
        )
    return requested


def build(
    root: Path,
    slug: str,
    *,
    period: Quarter | None = None,
    extracts_dir: Path | None = None,
    releases_dir: Path | None = None,
    work_dir: Path | None = None,
    today: dt.date | None = None,
    stage: Stage = _quiet,
) -> BuildResult:
    """Build the release of publication ``slug`` into ``releases/<slug>/<period>/``."""
    publication = load_publication(root / "publications" / slug)
    source_dir = extracts_dir or publication.extracts_path(root)
    releases = releases_dir or root / "releases"
    with stage(STAGES[0]):
        frames = extracts.load(source_dir, publication.extracts, today or dt.date.today())
        period = choose_period(frames, period, source_dir)
        periods = Periods.ending(period, publication.series_quarters)
        release_date = publication.release_date(period)
        next_release = publication.next_release_date(period)
    with stage(STAGES[1]):
        tables = tables_mod.compute(publication, frames, periods)
        tables = protect.apply(publication, tables)
    by_id = {t.id: t for t in tables}

    dest = releases / slug / quarter_slug(period)
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = (work_dir or root / "build") / slug / quarter_slug(period)
    work.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=dest.parent, prefix=f".{dest.name}.building-"))
    try:
        name = f"{slug}-{quarter_slug(period)}"
        with stage(STAGES[2]):
            csv_dir = staging / "csv"
            csv_dir.mkdir()
            for t in tables:
                tidy(publication, t).write_csv(csv_dir / f"{t.id}.csv")
                write_csvw(publication, t, csv_dir, release_date)
        with stage(STAGES[3]):
            model = build_model(publication, period, tables, release_date, next_release)
            write_workbooks(model, staging / name)  # ODS + XLSX, checked; CheckError if not
        context = document.Context(
            publication,
            periods,
            by_id,
            csv_sizes={t.id: (csv_dir / f"{t.id}.csv").stat().st_size for t in tables},
        )
        with stage(STAGES[4]):
            drawn = charts_mod.draw(publication, by_id, context.names(), document.render_text)
            context.charts = {c.id: c for c in drawn}
        with stage(STAGES[5]):
            downloads = _downloads(staging, name, tables)
            qmd = work / "publication.qmd"
            qmd.write_text(
                page.page_source(
                    publication,
                    context,
                    period,
                    release_date,
                    next_release,
                    downloads,
                    drawn,
                    sample_data.is_sample(source_dir),
                ),
                encoding="utf-8",
            )
            page.copy_assets(staging, with_charts=bool(drawn))
            engine = document.render(qmd, staging / "index.html")
        with stage(STAGES[6]):
            manifest.write_manifest(staging, publication, period, source_dir, release_date)
            _move_into_place(staging, dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    files = [dest / p.relative_to(staging) for p in downloads]
    return BuildResult(publication, period, dest, dest / "index.html", files, engine)


def _downloads(staging: Path, name: str, tables: list[tables_mod.StatTable]) -> list[Path]:
    files = [staging / f"{name}.xlsx", staging / f"{name}.ods"]
    files += [staging / "csv" / f"{t.id}.csv" for t in tables]
    return [f for f in files if f.exists()]


def _move_into_place(staging: Path, dest: Path) -> None:
    """Swap the finished folder into place; the old release is removed only after the swap."""
    old = None
    if dest.exists():
        old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
        dest.rename(old)
    staging.rename(dest)
    staging.parent.chmod(staging.parent.stat().st_mode)
    dest.chmod(0o755)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
