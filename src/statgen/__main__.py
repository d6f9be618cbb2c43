"""``python -m statgen``: the command line (as ``statgen``)."""

from statgen.cli import app

app(prog_name="statgen")
