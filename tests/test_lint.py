"""Style and types are checked with the tests, so CI enforces them (`make lint` runs the same)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PATHS = ["src", "tests", "publications", "benchmarks"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False)


def tool(name: str) -> str:
    path = BIN / name
    if path.exists():
        return str(path)
    found = shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed: run `make dev`")
    return found


def test_ruff_finds_nothing() -> None:
    result = run(tool("ruff"), "check", *PATHS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_code_is_formatted() -> None:
    result = run(tool("ruff"), "format", "--check", *PATHS)
    assert result.returncode == 0, "run `make format`:\n" + result.stdout


def test_types_check() -> None:
    result = run(tool("mypy"), "src")
    assert result.returncode == 0, result.stdout
