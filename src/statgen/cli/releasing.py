"""The commands that take a draft to a release: publish, diff (what changed) and verify."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from statgen.cli.common import (
    DEBUG,
    OUT,
    RELEASES,
    ROOT,
    WAIT,
    console,
    out,
    publication_of,
    reported_errors,
)
from statgen.errors import StatgenError
from statgen.layout import Layout


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

    with reported_errors(debug):
        result = do_publish(
            root,
            slug,
            publication_of(root, slug).parse_period(period),
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

    with reported_errors(debug):
        layout = Layout.at(root, out_dir, releases_dir)
        if pub:
            chosen = publication_of(layout.root, pub).parse_period(period) if period else None
            old, new = diff_mod.default_pair(layout, pub, chosen, against or "release")
        if old is None or new is None:
            raise StatgenError("give two build folders (OLD NEW), or --pub SLUG [--period P]")
        report = diff_mod.write_report(old, new, report_dir or layout.diff_report(old, new))
        out.print(f"{report.summary()}\n  Report: {report.path}")


def verify(
    folder: Annotated[Path, typer.Argument(help="A draft or release folder.")],
    debug: DEBUG = False,
) -> None:
    """Recompute every file's SHA-256 and compare with the manifest (exit 1 on any mismatch)."""
    from statgen.lifecycle.manifest import verify as do_verify

    with reported_errors(debug):
        problems = do_verify(folder)
        if problems:
            for line in problems:
                console.print(f"[bold red]Mismatch:[/] {line}", highlight=False)
            raise typer.Exit(1)
        out.print(f"{folder}: every file matches its manifest")
