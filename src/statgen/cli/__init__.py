"""The command line: ``statgen --help``. Every Makefile target calls one of these commands.

The commands live by what they are for: :mod:`~statgen.cli.drafting` (build, release, preview),
:mod:`~statgen.cli.releasing` (publish, diff, verify) and :mod:`~statgen.cli.tools` (new,
sample-data, check, list); :mod:`~statgen.cli.common` holds the options they share and turns
errors into one clear message with exit code 1 (a traceback only with ``--debug``). Each command
imports what it needs when it runs: ``statgen --help`` loads no pydantic, Polars or Plotly.
"""

from __future__ import annotations

import atexit
import gc
import os
from collections.abc import Callable

# Plain help and usage errors (click's), not typer's Rich panels: no box-drawing characters for a
# screen reader to spell out, and 0.1 s less start-up. TYPER_USE_RICH=1 brings the panels back.
os.environ.setdefault("TYPER_USE_RICH", "0")

import typer  # noqa: E402  (after the setting above, which typer reads on import)

from statgen.cli import drafting, releasing, tools  # noqa: E402

# The interpreter's last garbage collection, at exit, walks every object still alive (Polars,
# pydantic's schemas, Jinja's templates): about 0.15 s of a commentary-only build, for nothing,
# as the process is ending. Frozen objects are skipped. Registered at import, before any command
# runs, this runs last (exit functions run in reverse order): after every other, such as the
# chart browser's close and the removal of temporary folders.
atexit.register(gc.freeze)

app = typer.Typer(
    help="statgen: build official statistics releases from source extracts.",
    no_args_is_help=True,
    add_completion=False,
)
COMMANDS: list[tuple[str | None, Callable[..., None]]] = [
    (None, drafting.build),
    (None, drafting.release),
    (None, releasing.publish),
    (None, releasing.diff),
    (None, releasing.verify),
    (None, tools.new),
    ("sample-data", tools.sample_data),
    (None, tools.check),
    (None, drafting.preview),
    ("list", tools.list_publications),
]
"""The commands, in the order ``statgen --help`` lists them."""


def _summary(command: Callable[..., None]) -> str:
    """A command's first sentence, listed whole by ``--help`` (click would cut it short)."""
    text = " ".join((command.__doc__ or "").split())
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]


for name, command in COMMANDS:
    app.command(name, short_help=_summary(command))(command)

__all__ = ["app"]
