"""Start-up: `statgen --help` and `statgen list` import none of the heavy libraries (they load
only in the stage that needs them). The time it takes is measured by `make bench`, not here."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT

HEAVY = ("polars", "plotly", "openpyxl", "odf", "numpy", "pyarrow", "pandas")

PROBE = """
import atexit, sys
heavy = {heavy!r}
def report():
    print("LOADED:" + ",".join(sorted(m for m in sys.modules if m.split(".")[0] in heavy)))
atexit.register(report)
{first}
from statgen.cli import app
sys.argv = ["statgen", *{args!r}]
app()
"""


def loaded(*args: str, first: str = "") -> list[str]:
    """The heavy modules loaded by running ``statgen ARGS`` (after importing ``first``)."""
    code = PROBE.format(heavy=HEAVY, args=list(args), first=f"import {first}" if first else "")
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert done.returncode == 0, done.stderr
    line = next(x for x in done.stdout.splitlines() if x.startswith("LOADED:"))
    return [m for m in line.removeprefix("LOADED:").split(",") if m]


@pytest.mark.parametrize("args", [["--help"], ["list"], ["build", "--help"]])
def test_no_heavy_library_at_start_up(args: list[str]) -> None:
    assert loaded(*args) == []


def test_the_probe_sees_a_heavy_import() -> None:
    """The probe itself can fail: once the tables module is imported, Polars is loaded."""
    assert "polars" in loaded("--help", first="statgen.tables")


def test_transforms_still_import_helpers_from_statgen() -> None:
    """Publications' transforms do `from statgen import Periods, group_by_quarter, ...`."""
    import statgen

    assert callable(statgen.group_by_quarter) and callable(statgen.quarter_ends)
    assert statgen.Periods.__name__ == "Periods"
    with pytest.raises(AttributeError):
        _ = statgen.no_such_name  # type: ignore[attr-defined]


def test_help_lists_every_command_with_its_whole_first_sentence_in_plain_text() -> None:
    """`statgen --help` is plain text (no box drawing for a screen reader to spell out), and
    each command's first sentence is shown whole, not cut at 45 characters."""
    from statgen.cli import COMMANDS

    env = {k: v for k, v in __import__("os").environ.items() if k != "TYPER_USE_RICH"}
    done = subprocess.run(
        [sys.executable, "-m", "statgen.cli", "--help"],
        capture_output=True, text=True, cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    assert not any(0x2500 <= ord(c) <= 0x257F for c in done.stdout), done.stdout
    listed = " ".join(done.stdout.split())
    for name, command in COMMANDS:
        first = " ".join((command.__doc__ or "").split()).split(". ")[0]
        assert f"{name or command.__name__} {first}" in listed, (name, first)
