"""Shared fixtures: the project root, and small real builds made once per test session."""

from __future__ import annotations

import datetime as dt
import shutil
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
    """Generate a small sample extract and build its first draft into ``tmp/build``."""
    publication = load_publication(ROOT / "publications" / slug)
    extracts = tmp / "extracts" / slug
    write_sample(publication, extracts, scale=scale)
    return build(
        ROOT,
        slug,
        extracts_dir=extracts,
        work_dir=tmp / "build",
        today=TODAY,
    )


@pytest.fixture(scope="session")
def em_release(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """A draft of Electronic Monitoring statistics built from a small sample extract.

    ``folder`` is ``<tmp>/build/electronic-monitoring/<period>/draft-1``; its extracts are in
    ``<tmp>/extracts/electronic-monitoring``.
    """
    return small_build(tmp_path_factory.mktemp("em"), "electronic-monitoring", 0.02)


def copy_project(dest: Path, slug: str, scale: float) -> Path:
    """A project folder of one's own (publication copied, small sample extracts generated), for
    tests that edit commentary, extracts or sign-off, build drafts and publish."""
    shutil.copytree(ROOT / "publications" / slug, dest / "publications" / slug)
    publication = load_publication(dest / "publications" / slug)
    write_sample(publication, publication.extracts_path(dest), scale=scale)
    return dest
