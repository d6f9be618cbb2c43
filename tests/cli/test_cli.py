"""The command line's build summary: what a statistician reads after `make release`."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import ROOT, normalise
from typer.testing import CliRunner

from statgen.cli import app
from statgen.config import load_publication
from statgen.extracts.sample import write_sample

SLUG = "criminal-courts"


def test_build_summary(tmp_path: Path, snapshot) -> None:  # noqa: ANN001
    shutil.copytree(ROOT / "publications" / SLUG, tmp_path / "publications" / SLUG)
    publication = load_publication(tmp_path / "publications" / SLUG)
    write_sample(publication, publication.extracts_path(tmp_path), scale=0.01)
    runner = CliRunner()
    first = runner.invoke(app, ["build", SLUG, "--root", str(tmp_path)])
    assert first.exit_code == 0, first.output
    assert normalise(first.output, root=tmp_path) == snapshot(name="first draft")
    again = runner.invoke(app, ["build", SLUG, "--root", str(tmp_path)])
    assert again.exit_code == 0, again.output
    # The same inputs, config and code again: no new draft number, and it says so.
    assert normalise(again.output, root=tmp_path) == snapshot(name="second draft")
    assert "draft 1 is unchanged" in again.output


def test_python_dash_m_statgen_is_the_command_line() -> None:
    """``python -m statgen`` runs the same command line, under the name ``statgen``."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "statgen", "list", "--root", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    slugs = sorted(p.parent.name for p in (ROOT / "publications").glob("*/publication.yaml"))
    assert [line.split()[0] for line in done.stdout.splitlines()] == slugs
    usage = subprocess.run(
        [sys.executable, "-m", "statgen", "--help"], capture_output=True, text=True, timeout=120
    )
    assert usage.returncode == 0 and usage.stdout.startswith("Usage: statgen ")
