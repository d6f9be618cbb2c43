"""Broken extracts never break a release: each gives exit code 1, a clear message, and leaves
releases/ exactly as it was."""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl
import pytest
from broken_extracts import CASES, Case
from conftest import normalise
from typer.testing import CliRunner

from statgen.cli import app
from statgen.config import load_publication
from statgen.extracts.sample import write_sample

SLUG = "electronic-monitoring"


@pytest.fixture(scope="module")
def valid(tmp_path_factory: pytest.TempPathFactory, root: Path) -> tuple[pl.DataFrame, Path]:
    """A small valid CSV extract, and a releases folder already holding one release."""
    tmp = tmp_path_factory.mktemp("broken")
    extracts = tmp / "valid"
    write_sample(load_publication(root / "publications" / SLUG), extracts, scale=0.01, fmt="csv")
    releases = tmp / "releases"
    result = _build(root, extracts, releases)
    assert result.exit_code == 0, result.output
    return pl.read_csv(extracts / "orders.csv", infer_schema=False), releases


def _build(root: Path, extracts: Path, releases: Path):  # noqa: ANN202
    args = ["build", SLUG, "--extracts", str(extracts), "--out", str(releases)]
    return CliRunner().invoke(app, [*args, "--root", str(root)])


def _tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_broken_extract_is_refused(
    case: Case,
    valid: tuple[pl.DataFrame, Path],
    root: Path,
    tmp_path: Path,
    snapshot,  # noqa: ANN001
) -> None:
    frame, releases = valid
    before = _tree(releases)
    case.make(frame, tmp_path)
    result = _build(root, tmp_path, releases)
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    message = " ".join(result.output.split())
    assert "nothing was published" in message
    assert case.expect in message
    assert "Traceback" not in result.output
    assert _tree(releases) == before
    # The whole message, as the analyst reads it (__snapshots__/test_broken_inputs.ambr).
    assert normalise(result.output, extracts=tmp_path, root=root) == snapshot
