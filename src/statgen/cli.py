"""The command line: ``statgen --help``. Every Makefile target calls one of these commands.

Errors from statgen are shown as one clear message with exit code 1 (a traceback only with
``--debug``).
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape

from statgen.errors import DiskFullError, StatgenError, headline
from statgen.layout import Layout

if TYPE_CHECKING:
    from rich.progress import Progress

# Each command imports what it needs: `statgen --help` loads no pydantic, Polars or Plotly.

app = typer.Typer(
    help="statgen: build official statistics releases from source extracts.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)  # paths must never be broken across lines

ROOT = Annotated[
    Path,
    typer.Option(
        "--root", help="Project folder holding publications/.", show_default="current folder"
    ),
]
DEBUG = Annotated[bool, typer.Option("--debug", help="Show the full traceback on errors.")]
OUT = Annotated[
    Optional[Path],
    typer.Option(
        "--out", help="Folder drafts are written to and read from.", show_default="build/"
    ),
]
EXTRACTS = Annotated[
    Optional[Path],
    typer.Option(help="Folder holding the extracts. Default: extracts_dir in publication.yaml."),
]
RELEASES = Annotated[
    Optional[Path],
    typer.Option("--releases", help="Folder of published releases.", show_default="releases/"),
]
WAIT = Annotated[
    float,
    typer.Option(
        help="Seconds to wait for another build or publish of the same publication to finish."
    ),
]


def _fail(exc: Exception, debug: bool) -> None:
    if debug:
        raise exc
    # Escaped: messages quote shorthand such as [c] and [note 1], which rich would take as markup.
    title, _, message = headline(exc).partition(": ")
    console.print(
        f"[bold red]{escape(title)}:[/] {escape(message)}",
        highlight=False,
        markup=True,
        soft_wrap=True,
    )
    raise typer.Exit(1)


@contextlib.contextmanager
def _errors(debug: bool) -> Iterator[None]:
    try:
        yield
    except StatgenError as exc:
        _fail(exc, debug)
    except OSError as exc:
        if exc.errno != errno.ENOSPC:
            raise
        where = f" ({exc.filename})" if exc.filename else ""
        _fail(
            DiskFullError(
                f"no space left on device{where}: nothing half-written was kept; free some "
                "space (old drafts in build/ can go) and run the command again"
            ),
            debug,
        )


def _progress() -> Progress:
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

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
    out_dir: Path | None,
    releases_dir: Path | None,
    sample: bool,
    wait: float = 0.0,
) -> None:
    from statgen.config import check_slug, load_publication
    from statgen.extracts.sample import has_extracts, write_sample
    from statgen.pipeline import STAGES, build

    publication = load_publication(root / "publications" / check_slug(slug))
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
            began = time.perf_counter()
            yield
            progress.update(tasks[name], completed=1)
            if progress.disable:  # no terminal (a log, CI): one plain line per stage instead
                console.print(f"  {name}: {time.perf_counter() - began:.2f} s")

        result = build(
            root,
            slug,
            period=publication.parse_period(period) if period else None,
            extracts_dir=extracts,
            work_dir=out_dir,
            releases_dir=releases_dir,
            stage=stage,
            wait=wait,
        )
    elapsed = time.perf_counter() - started
    heading = f"\n[bold]{result.publication.title}, {result.period.long_label}[/]: "
    if result.unchanged:
        out.print(
            f"{heading}draft {result.draft} is unchanged (the same inputs, config, code and "
            f"baseline as when it was built), so no new draft was made"
        )
    else:
        out.print(
            f"{heading}draft {result.draft} (inputs {result.inputs_short}) built in "
            f"{elapsed:.1f} s ({result.engine})"
        )
        done = "computed" if "tables" in result.ran else "reused from the cache (inputs unchanged)"
        out.print(f"  Tables: {done}")
    compared = (
        f"the release {result.baseline}" if result.baseline else "no release (none published yet)"
    )
    out.print(f"  Compared with: {compared}; figures revised: {result.revised}")
    labels = {"pass": "pass", "warn": "warnings (see the QA report)", "fail": "fail"}
    out.print(
        f"  QA: {labels.get(result.qa_status, result.qa_status)} ({result.folder / 'qa.html'})"
    )
    for warning in result.warnings:
        out.print(f"  [bold yellow]Warning:[/] {escape(warning)}", highlight=False)
    out.print(f"  Page: {result.page}")
    reviewers = Layout.at(root, out_dir, releases_dir).reviewers_index(slug)
    out.print(f"  Reviewers' index: {reviewers}")
    out.print("  Downloads:")
    for path in result.downloads:
        out.print(f"    {path}")
    out.print(
        f"  Not for publication: once signed off, run `make publish PUB={slug} "
        f"PERIOD={result.period.code}`"
    )


@app.command()
def build(
    slug: Annotated[
        str, typer.Argument(help="Publication to build (its folder name under publications/).")
    ],
    period: Annotated[
        Optional[str],
        typer.Option(
            help="Period to build, in the publication's frequency: 2026-10 (monthly), "
            "2026Q3 (quarterly), 2026 (annual) or 2025-26 (financial year). "
            "Default: the latest complete period in the extracts."
        ),
    ] = None,
    extracts: EXTRACTS = None,
    out_dir: OUT = None,
    releases_dir: RELEASES = None,
    wait: WAIT = 0.0,
    root: ROOT = Path("."),
    debug: DEBUG = False,
) -> None:
    """Build the next draft of one publication from its extracts (into build/, not releases/)."""
    with _errors(debug):
        _build_one(root, slug, period, extracts, out_dir, releases_dir, sample=False, wait=wait)


@app.command()
def release(
    pub: Annotated[
        Optional[str], typer.Option("--pub", help="Build only this publication. Default: all.")
    ] = None,
    period: Annotated[
        Optional[str], typer.Option(help="Period to build, e.g. 2025Q3 or 2025-26.")
    ] = None,
    extracts: Annotated[
        Optional[Path], typer.Option(help="Folder holding the extracts (with --pub).")
    ] = None,
    out_dir: OUT = None,
    releases_dir: RELEASES = None,
    wait: WAIT = 0.0,
    root: ROOT = Path("."),
    debug: DEBUG = False,
) -> None:
    """Build the next draft of every publication (what `make release` runs) into build/,
    generating sample extracts where the default extract folder is empty."""
    from statgen.config import check_slug, discover

    with _errors(debug):
        slugs = [check_slug(pub)] if pub else [p.name for p in discover(root)]
        if extracts and len(slugs) > 1:
            raise StatgenError("--extracts names one publication's folder: give --pub as well")
        for slug in slugs:
            _build_one(root, slug, period, extracts, out_dir, releases_dir, sample=True, wait=wait)


@app.command()
def publish(
    slug: Annotated[str, typer.Argument(help="Publication to publish.")],
    period: Annotated[
        str, typer.Argument(help="Period to publish, e.g. 2026Q3, 2026-10, 2026 or 2025-26.")
    ],
    override_embargo: Annotated[
        bool,
        typer.Option(
            "--override-embargo",
            help="Publish before the release time (for testing; recorded in the manifest).",
        ),
    ] = False,
    correction: Annotated[
        Optional[str],
        typer.Option(help="Publish a corrected version with this public correction notice."),
    ] = None,
    draft: Annotated[
        Optional[int],
        typer.Option("--draft", help="The draft number to publish.", show_default="the latest"),
    ] = None,
    out_dir: OUT = None,
    releases_dir: RELEASES = None,
    wait: WAIT = 0.0,
    root: ROOT = Path("."),
    debug: DEBUG = False,
) -> None:
    """Promote the latest signed-off draft to releases/<slug>/<period>/ (no draft banner)."""
    from statgen.lifecycle.publish import publish as do_publish

    with _errors(debug):
        result = do_publish(
            root,
            slug,
            _publication(root, slug).parse_period(period),
            override_embargo=override_embargo,
            correction=correction,
            work_dir=out_dir,
            releases_dir=releases_dir,
            wait=wait,
            draft_number=draft,
        )
        note = " [bold red](embargo overridden)[/]" if result.embargo_overridden else ""
        out.print(
            f"Published draft {result.draft} as version {result.version}: {result.folder}{note}"
        )


@app.command()
def diff(
    old: Annotated[
        Optional[Path], typer.Argument(help="The earlier build (a draft or release folder).")
    ] = None,
    new: Annotated[Optional[Path], typer.Argument(help="The later build.")] = None,
    pub: Annotated[
        Optional[str],
        typer.Option(
            "--pub",
            help="Instead of two folders: compare this publication's latest draft with the "
            "latest published release (of its period, else the period before).",
        ),
    ] = None,
    period: Annotated[Optional[str], typer.Option(help="Period, with --pub.")] = None,
    against: Annotated[
        Optional[str],
        typer.Option(
            help="With --pub: compare with `release` (the default), `draft` (the draft before) "
            "or a build folder.",
        ),
    ] = None,
    report_dir: Annotated[
        Optional[Path],
        typer.Option("--report", help="Report folder.", show_default="<out>/diff/<old>--<new>/"),
    ] = None,
    out_dir: OUT = None,
    releases_dir: RELEASES = None,
    root: ROOT = Path("."),
    debug: DEBUG = False,
) -> None:
    """Write an HTML report for reviewers of what changed between two builds."""
    from statgen.review import diff as diff_mod

    with _errors(debug):
        layout = Layout.at(root, out_dir, releases_dir)
        if pub:
            chosen = _publication(layout.root, pub).parse_period(period) if period else None
            old, new = diff_mod.default_pair(layout, pub, chosen, against or "release")
        if old is None or new is None:
            raise StatgenError("give two build folders (OLD NEW), or --pub SLUG [--period P]")
        report = diff_mod.write_report(old, new, report_dir or layout.diff_report(old, new))
        out.print(f"{report.summary()}\n  Report: {report.path}")


@app.command()
def verify(
    folder: Annotated[Path, typer.Argument(help="A draft or release folder.")],
    debug: DEBUG = False,
) -> None:
    """Recompute every file's SHA-256 and compare with the manifest (exit 1 on any mismatch)."""
    from statgen.lifecycle.manifest import verify as do_verify

    with _errors(debug):
        problems = do_verify(folder)
        if problems:
            for line in problems:
                console.print(f"[bold red]Mismatch:[/] {line}", highlight=False)
            raise typer.Exit(1)
        out.print(f"{folder}: every file matches its manifest")


@app.command()
def new(
    slug: Annotated[str, typer.Argument(help="Short name of the new publication (its folder).")],
    frequency: Annotated[
        str,
        typer.Option(help="monthly, quarterly, annual or financial_year (April to March)."),
    ] = "quarterly",
    title: Annotated[Optional[str], typer.Option(help="Publication title.")] = None,
    root: ROOT = Path("."),
    debug: DEBUG = False,
) -> None:
    """Write a working publication in publications/<slug>/ and its sample extracts: it builds at
    once with `statgen build <slug>`."""
    from statgen.extracts.sample import write_sample
    from statgen.scaffold import new_publication

    with _errors(debug):
        for path in new_publication(root, slug, frequency, title):
            out.print(f"  wrote {path}")
        publication = _publication(root, slug)
        for path in write_sample(publication, publication.extracts_path(root)):
            out.print(f"  wrote {path} (sample data)")
        out.print(
            f"Next: `statgen build {slug}`, then edit publications/{slug}/ "
            "(see docs/writing-a-publication.md)"
        )


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
    from statgen.config import check_slug, load_publication
    from statgen.extracts.sample import write_sample

    with _errors(debug):
        if fmt not in ("parquet", "csv"):
            raise StatgenError(f"--format {fmt!r}: use parquet or csv")
        publication = load_publication(root / "publications" / check_slug(slug))
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
    from statgen.outputs.spreadsheets.check import check_file

    with _errors(debug):
        reports = [check_file(f) for f in files]
        for report in reports:
            out.print(report.describe(), highlight=False, markup=False, soft_wrap=True)
        if not all(r.ok for r in reports):
            raise typer.Exit(1)


@app.command()
def preview(
    slug: Annotated[str, typer.Argument(help="Publication to preview.")],
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8000,
    host: Annotated[
        str, typer.Option(help="Address to listen on (the loopback address unless given).")
    ] = "127.0.0.1",
    period: Annotated[Optional[str], typer.Option(help="Period to preview, e.g. 2025Q3.")] = None,
    extracts: EXTRACTS = None,
    out_dir: OUT = None,
    releases_dir: RELEASES = None,
    root: ROOT = Path("."),
    debug: DEBUG = False,
) -> None:
    """Build into build/<slug>/preview/ (not a numbered draft), serve it, and rebuild and reload
    the page on every saved change to the commentary, config, transforms, extracts or templates."""
    from statgen.config import check_slug, load_publication
    from statgen.preview import Builder, serve

    with _errors(debug):
        layout = Layout.at(root, out_dir, releases_dir)
        publication = load_publication(layout.publication(check_slug(slug)))  # wrong slug fails
        chosen = publication.parse_period(period) if period else None
        builder = Builder(layout, slug, period=chosen, extracts_dir=extracts)
        serve(
            builder,
            host=host,
            port=port,
            say=lambda line: out.print(line, highlight=False, markup=False),
        )


@app.command("list")
def list_publications(root: ROOT = Path("."), debug: DEBUG = False) -> None:
    """List the publications statgen knows."""
    from statgen.config import discover, load_publication

    with _errors(debug):
        for folder in discover(root):
            publication = load_publication(folder)
            out.print(f"{publication.slug}\t{publication.title}")


def _publication(root: Path, slug: str):  # type: ignore[no-untyped-def]  # noqa: ANN202
    """The publication ``slug`` of the project in ``root`` (config imported only when needed)."""
    from statgen.config import check_slug, load_publication

    return load_publication(root / "publications" / check_slug(slug))


if __name__ == "__main__":
    app()
