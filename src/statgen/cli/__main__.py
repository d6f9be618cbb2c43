"""``python -m statgen.cli``: the command line."""

from statgen.cli import app

app()
