"""The commands that make drafts: build, release (every publication) and preview."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape

from statgen.cli.common import (
    DEBUG,
    EXTRACTS,
    OUT,
    RELEASES,
    ROOT,
    WAIT,
    console,
    out,
    progress_bars,
    reported_errors,
)
from statgen.errors import StatgenError
from statgen.layout import Layout


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
    from statgen.lifecycle.staging import collect_less

    collect_less()  # before the build's libraries load
    from statgen.config import check_slug, load_publication
    from statgen.extracts.sample import has_extracts, write_sample
    from statgen.pipeline import STAGES, build

    publication = load_publication(root / "publications" / check_slug(slug))
    folder = extracts or publication.extracts_path(root)
    if sample and extracts is None and not has_extracts(publication, folder):
        console.print(f"No extracts in {folder}: generating the sample extracts (seeded) ...")
        write_sample(publication, folder)
    from statgen.outputs import chart_images

    started = time.perf_counter()
    with progress_bars() as progress, chart_images.one_shot():
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
    with reported_errors(debug):
        _build_one(root, slug, period, extracts, out_dir, releases_dir, sample=False, wait=wait)


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

    with reported_errors(debug):
        slugs = [check_slug(pub)] if pub else [p.name for p in discover(root)]
        if extracts and len(slugs) > 1:
            raise StatgenError("--extracts names one publication's folder: give --pub as well")
        for slug in slugs:
            _build_one(root, slug, period, extracts, out_dir, releases_dir, sample=True, wait=wait)


def preview(
    slug: Annotated[str, typer.Argument(help="Publication to preview.")],
    port: Annotated[int, typer.Option(help="Port to serve on (0: any free port).")] = 8000,
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

    with reported_errors(debug):
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
