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
