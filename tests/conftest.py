"""Shared fixtures: the project root, and small real builds made once per test session."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from statgen.config import discover, load_publication
from statgen.errors import StatgenError
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


# --- Real tools: Chromium (Playwright), Java + Nu HTML Checker, node_modules ------------------

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NODE_MODULES = ROOT / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"


def require(ok: bool, what: str, how: str) -> None:
    """Skip (on a desktop) or fail (in CI, where .ci/run installs everything) when a tool is missing."""
    if ok:
        return
    message = f"{what} is missing: {how}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message} (CI must have it: see .ci/run)")
    pytest.skip(message)


def require_node_modules() -> None:
    """The plotly.js basic bundle and the Nu HTML Checker, installed by `npm ci`."""
    require(
        (NODE_MODULES / "plotly.js-basic-dist-min").is_dir() and VNU_JAR.is_file(),
        "node_modules (plotly.js-basic-dist-min, vnu-jar)",
        "install Node.js and npm, then run `npm ci` (`make test` does it)",
    )


@pytest.fixture(scope="session")
def playwright_session() -> Iterator[Any]:
    """One Playwright session for the whole run (a second sync_playwright() in a process fails)."""
    require(
        CHROMIUM.is_file(),
        f"Chromium ({CHROMIUM})",
        "install Debian's chromium (`apt-get install chromium`) to run the browser tests",
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_session: Any) -> Iterator[Any]:
    """Headless Debian Chromium (Playwright cannot download its own browsers here)."""
    chromium = playwright_session.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
    )
    yield chromium
    chromium.close()


def pilot_slugs() -> list[str]:
    """Every publication configured under publications/."""
    return [folder.name for folder in discover(ROOT)]


@pytest.fixture(scope="session")
def pilot_site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, BuildResult | StatgenError]:
    """Every publication built at a small scale into one releases folder (so the site index
    lists them all), with the plotly.js basic bundle when node_modules has it. A publication
    whose build fails maps to its error, so only its own tests fail."""
    tmp = tmp_path_factory.mktemp("site")
    built: dict[str, BuildResult | StatgenError] = {}
    for slug in pilot_slugs():
        try:
            built[slug] = small_build(tmp, slug, 0.02)
        except StatgenError as exc:
            built[slug] = exc
    return built
