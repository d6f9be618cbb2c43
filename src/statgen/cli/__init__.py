"""The command line: ``statgen --help``. Every Makefile target calls one of these commands.

The commands live by what they are for: :mod:`~statgen.cli.drafting` (build, release, preview),
:mod:`~statgen.cli.releasing` (publish, diff, verify) and :mod:`~statgen.cli.tools` (new,
sample-data, check, list); :mod:`~statgen.cli.common` holds the options they share and turns
errors into one clear message with exit code 1 (a traceback only with ``--debug``). Each command
imports what it needs when it runs: ``statgen --help`` loads no pydantic, Polars or Plotly.
"""

from __future__ import annotations

import typer

from statgen.cli import drafting, releasing, tools

app = typer.Typer(
    help="statgen: build official statistics releases from source extracts.",
    no_args_is_help=True,
    add_completion=False,
)
app.command()(drafting.build)
app.command()(drafting.release)
app.command()(releasing.publish)
app.command()(releasing.diff)
app.command()(releasing.verify)
app.command()(tools.new)
app.command("sample-data")(tools.sample_data)
app.command()(tools.check)
app.command()(drafting.preview)
app.command("list")(tools.list_publications)

__all__ = ["app"]
