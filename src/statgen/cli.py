"""The command line: ``statgen --help``. Every Makefile target calls one of these commands.

Errors from statgen are shown as one clear message with exit code 1 (a traceback only with
``--debug``).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from statgen.config import discover, load_publication
from statgen.errors import StatgenError
from statgen.periods import Quarter

app = typer.Typer(
    help="statgen: build official statistics releases from source extracts.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True)
out = Console()

ROOT = Annotated[
    Path,
    typer.Option(
        "--root", help="Project folder holding publications/.", show_default="current folder"
    ),
]
DEBUG = Annotated[bool, typer.Option("--debug", help="Show the full traceback on errors.")]


def _fail(exc: Exception, debug: bool) -> None:
    if debug:
        raise exc
    console.print(f"[bold red]Error:[/] {exc}", highlight=False, markup=True, soft_wrap=True)
    raise typer.Exit(1)


@contextlib.contextmanager
def _errors(debug: bool) -> Iterator[None]:
    try:
        yield
    except StatgenError as exc:
        _fail(exc, debug)


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description:<30}"),
        BarColumn(bar_width=24),
        TimeElapsedColumn(),
        console=console,
        transient=False,
        disable=not console.is_terminal and os.environ.get("STATGEN_PROGRESS") != "1",
    )


def _build_one(
    root: Path,
    slug: str,
    period: str | None,
    extracts: Path | None,
    releases: Path | None,
    sample: bool,
) -> None:
    from statgen.release import STAGES, build
    from statgen.sample_data import has_extracts, write_sample

    publication = load_publication(root / "publications" / slug)
    folder = extracts or publication.extracts_path(root)
    if sample and extracts is None and not has_extracts(publication, folder):
        console.print(f"No extracts in {folder}: generating the sample extracts (seeded) ...")
        write_sample(publication, folder)
    started = time.perf_counter()
    with _progress() as progress:
        tasks = {name: progress.add_task(name, total=1, start=False) for name in STAGES}

        @contextlib.contextmanager
        def stage(name: str) -> Iterator[None]:
            progress.start_task(tasks[name])
            yield
            progress.update(tasks[name], completed=1)

        result = build(
            root,
            slug,
            period=Quarter.parse(period) if period else None,
            extracts_dir=extracts,
            releases_dir=releases,
            stage=stage,
        )
    elapsed = time.perf_counter() - started
    out.print(
        f"\n[bold]{result.publication.title}, {result.period.long_label}[/] built in {elapsed:.1f} s ({result.engine})"
    )
    out.print(f"  Page: {result.page}")
    out.print("  Downloads:")
    for path in result.downloads:
        out.print(f"    {path}")


@app.command()
def build(
    slug: Annotated[
        str, typer.Argument(help="Publication to build (its folder name under publications/).")
    ],
    period: Annotated[
        Optional[str],
        typer.Option(
            help="Quarter to build, e.g. 2025Q3. Default: the latest complete quarter in the extracts."
        ),
    ] = None,
    extracts: Annotated[
        Optional[Path],
        typer.Option(
            help="Folder holding the extracts. Default: extracts_dir in publication.yaml."
        ),
    ] = None,
    releases: Annotated[
        Optional[Path],
        typer.Option(help="Folder releases are written to.", show_default="releases/"),
    ] = None,
    root: ROOT = Path("."),
    debug: DEBUG = False,
) -> None:
    """Build one publication's release from its extracts."""
    with _errors(debug):
        _build_one(root, slug, period, extracts, releases, sample=False)


@app.command()
def release(
    pub: Annotated[
        Optional[str], typer.Option("--pub", help="Build only this publication. Default: all.")
    ] = None,
    period: Annotated[Optional[str], typer.Option(help="Quarter to build, e.g. 2025Q3.")] = None,
    extracts: Annotated[
        Optional[Path], typer.Option(help="Folder holding the extracts (with --pub).")
    ] = None,
    root: ROOT = Path("."),
    debug: DEBUG = False,
) -> None:
    """Build every publication's release (what `make release` runs), generating sample extracts
    where the default extract folder is empty."""
    with _errors(debug):
        slugs = [pub] if pub else [p.name for p in discover(root)]
        if extracts and len(slugs) > 1:
            raise StatgenError("--extracts names one publication's folder: give --pub as well")
        for slug in slugs:
            _build_one(root, slug, period, extracts, None, sample=True)


@app.command("sample-data")
def sample_data(
    slug: Annotated[str, typer.Argument(help="Publication whose sample extracts to generate.")],
    scale: Annotated[
        float,
        typer.Option(
            help="Size relative to the default sample (0.01 for tests, 10 for benchmarks)."
        ),
    ] = 1.0,
    seed: Annotated[
        Optional[int], typer.Option(help="Random seed (the same seed gives the same extract).")
    ] = None,
    out_dir: Annotated[
        Optional[Path],
        typer.Option(
            "--out", help="Folder to write to. Default: the publication's extracts folder."
        ),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="parquet or csv.")] = "parquet",
    root: ROOT = Path("."),
    debug: DEBUG = False,
) -> None:
    """Generate realistic, seeded sample extracts for a publication."""
    from statgen.sample_data import write_sample

    with _errors(debug):
        if fmt not in ("parquet", "csv"):
            raise StatgenError(f"--format {fmt!r}: use parquet or csv")
        publication = load_publication(root / "publications" / slug)
        folder = out_dir or publication.extracts_path(root)
        for path in write_sample(publication, folder, scale=scale, seed=seed, fmt=fmt):  # type: ignore[arg-type]
            out.print(str(path))


@app.command()
def check(
    files: Annotated[list[Path], typer.Argument(help="XLSX or ODS workbooks to audit.")],
    debug: DEBUG = False,
) -> None:
    """Audit spreadsheets (any XLSX or ODS) against the Analysis Function accessibility
    checklist; print each failure with its sheet and cell, and exit 1 if any fails."""
    from statgen.spreadsheets.check import check_file

    with _errors(debug):
        reports = [check_file(f) for f in files]
        for report in reports:
            out.print(report.describe(), highlight=False, markup=False, soft_wrap=True)
        if not all(r.ok for r in reports):
            raise typer.Exit(1)


@app.command("list")
def list_publications(root: ROOT = Path("."), debug: DEBUG = False) -> None:
    """List the publications statgen knows."""
    with _errors(debug):
        for folder in discover(root):
            publication = load_publication(folder)
            out.print(f"{publication.slug}\t{publication.title}")


if __name__ == "__main__":
    app()
