"""What every command shares: the consoles, the common options, and errors turned into one
clear message with exit code 1 (a traceback only with ``--debug``)."""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape

from statgen.errors import DiskFullError, StatgenError, headline

if TYPE_CHECKING:
    from rich.progress import Progress

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


def fail(exc: Exception, debug: bool) -> None:
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
def reported_errors(debug: bool) -> Iterator[None]:
    try:
        yield
    except StatgenError as exc:
        fail(exc, debug)
    except OSError as exc:
        if exc.errno != errno.ENOSPC:
            raise
        where = f" ({exc.filename})" if exc.filename else ""
        fail(
            DiskFullError(
                f"no space left on device{where}: nothing half-written was kept; free some "
                "space (old drafts in build/ can go) and run the command again"
            ),
            debug,
        )


def progress_bars() -> Progress:
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


def publication_of(root: Path, slug: str):  # type: ignore[no-untyped-def]  # noqa: ANN202
    """The publication ``slug`` of the project in ``root`` (config imported only when needed)."""
    from statgen.config import check_slug, load_publication

    return load_publication(root / "publications" / check_slug(slug))
