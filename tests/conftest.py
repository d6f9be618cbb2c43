"""Shared fixtures: the project root, and small real builds made once per test session."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from statgen.config import load_publication
from statgen.release import BuildResult, build
from statgen.sample_data import write_sample

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 11, 25)


@pytest.fixture(scope="session")
def root() -> Path:
    """The project folder (holding publications/ and templates/)."""
    return ROOT


def small_build(tmp: Path, slug: str, scale: float) -> BuildResult:
    """Generate a small sample extract and build its release into ``tmp``."""
    publication = load_publication(ROOT / "publications" / slug)
    extracts = tmp / "extracts" / slug
    write_sample(publication, extracts, scale=scale)
    return build(
        ROOT,
        slug,
        extracts_dir=extracts,
        releases_dir=tmp / "releases",
        work_dir=tmp / "build",
        today=TODAY,
    )


@pytest.fixture(scope="session")
def em_release(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """A release of Electronic Monitoring statistics built from a small sample extract."""
    return small_build(tmp_path_factory.mktemp("em"), "electronic-monitoring", 0.02)
