"""The commands for setting up and checking: new, sample-data, check and list."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from statgen.cli.common import (
    DEBUG,
    ROOT,
    out,
    publication_of,
    reported_errors,
)
from statgen.errors import StatgenError


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

    with reported_errors(debug):
        for path in new_publication(root, slug, frequency, title):
            out.print(f"  wrote {path}")
        publication = publication_of(root, slug)
        for path in write_sample(publication, publication.extracts_path(root)):
            out.print(f"  wrote {path} (sample data)")
        out.print(
            f"Next: `statgen build {slug}`, then edit publications/{slug}/ "
            "(see docs/writing-a-publication.md)"
        )


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

    with reported_errors(debug):
        if fmt not in ("parquet", "csv"):
            raise StatgenError(f"--format {fmt!r}: use parquet or csv")
        publication = load_publication(root / "publications" / check_slug(slug))
        folder = out_dir or publication.extracts_path(root)
        for path in write_sample(publication, folder, scale=scale, seed=seed, fmt=fmt):  # type: ignore[arg-type]
            out.print(str(path))


def check(
    files: Annotated[list[Path], typer.Argument(help="XLSX or ODS workbooks to audit.")],
    debug: DEBUG = False,
) -> None:
    """Audit spreadsheets (any XLSX or ODS) against the Analysis Function accessibility
    checklist; print each failure with its sheet and cell, and exit 1 if any fails."""
    from statgen.outputs.spreadsheets.check import check_file

    with reported_errors(debug):
        reports = [check_file(f) for f in files]
        for report in reports:
            out.print(report.describe(), highlight=False, markup=False, soft_wrap=True)
        if not all(r.ok for r in reports):
            raise typer.Exit(1)


def list_publications(root: ROOT = Path("."), debug: DEBUG = False) -> None:
    """List the publications statgen knows."""
    from statgen.config import discover, load_publication

    with reported_errors(debug):
        for folder in discover(root):
            publication = load_publication(folder)
            out.print(f"{publication.slug}\t{publication.title}")
