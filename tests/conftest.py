"""Shared fixtures: the project root, and small real builds made once per test session."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from statgen.config import Publication, discover, load_publication
from statgen.errors import StatgenError
from statgen.extracts.sample import write_sample
from statgen.pipeline import BuildResult, build

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


def edit_commentary(root: Path, slug: str) -> None:
    """Change a publication's inputs without changing a figure (a Jinja comment in its
    commentary), so the next build is a new draft rather than "draft N is unchanged"."""
    path = root / "publications" / slug / "commentary.qmd"
    count = path.read_text(encoding="utf-8").count("{## edit")
    with path.open("a", encoding="utf-8") as f:
        f.write(f"\n{{## edit {count + 1} ##}}\n")


def normalise(text: str, **paths: Path) -> str:
    """Text as people read it, with machine-specific parts named, for snapshots: each given
    path becomes ``<name>``, timings ``<s>``, today's date ``<today>`` (messages such as "dates
    in the future (after ...)" name it), and each line's trailing spaces go."""
    import datetime as dt
    import re

    for name, path in sorted(paths.items(), key=lambda kv: -len(str(kv[1]))):
        text = text.replace(str(path.resolve()), f"<{name}>").replace(str(path), f"<{name}>")
    text = re.sub(r"\b\d+\.\d+ s\b", "<s> s", text)
    text = text.replace(dt.date.today().isoformat(), "<today>")
    return "\n".join(line.rstrip() for line in text.splitlines())


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


PILOTS = ("criminal-courts", "electronic-monitoring")
"""The publications the core suite builds. Any other publication in publications/ is built
only by its own tests (``publications/<slug>/tests/``), so a new team's publication cannot
break the core suite."""


def pilot_slugs() -> list[str]:
    """The pilots configured under publications/ (see :data:`PILOTS`)."""
    return [folder.name for folder in discover(ROOT) if folder.name in PILOTS]


def sample_scale_for(slug: str, root: Path = ROOT) -> float:
    """The sample scale tests build a publication at: ``test_sample_scale`` in its config
    (the pilots keep the scales their tests were written for)."""
    return PILOT_SCALE.get(slug) or load_publication(root / "publications" / slug).test_sample_scale


@dataclass(frozen=True)
class Pilot:
    """A publication as the public and reviewers see it: its published page and its draft."""

    publication: Publication
    folder: Path
    page: Path
    draft: BuildResult


PILOT_SCALE = {"criminal-courts": 0.01}
"""Sample scales for the browser tests (small, as in each publication's own tests)."""


def publish_all(project: Path, slugs: list[str]) -> dict[str, Pilot | StatgenError]:
    """Build each publication of ``project``, sign its draft off and publish it for real into
    the one releases/ (so the site index lists them all). A publication that fails to build or
    publish maps to its error, so only its own tests fail."""
    from statgen.lifecycle.publish import publish

    built: dict[str, Pilot | StatgenError] = {}
    for slug in slugs:
        try:
            draft = build(project, slug, today=TODAY)
            (project / "publications" / slug / "signoff.yaml").write_text(
                f'approvals:\n  - period: "{draft.period.code}"\n    draft: {draft.draft}\n'
                f"    outputs: {draft.outputs_short}\n"
                "    approved_by: A. Reviewer\n    approved_on: 2026-11-25\n",
                encoding="utf-8",
            )
            done = publish(project, slug, draft.period, override_embargo=True)
            built[slug] = Pilot(draft.publication, done.folder, done.folder / "index.html", draft)
        except StatgenError as exc:
            built[slug] = exc
    return built


@pytest.fixture(scope="session")
def pilot_site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Pilot | StatgenError]:
    """Every pilot built, signed off and published into one project's releases/ (see
    :func:`publish_all`), with the plotly.js basic bundle when node_modules has it."""
    project = tmp_path_factory.mktemp("site")
    for slug in pilot_slugs():
        copy_project(project, slug, sample_scale_for(slug))
    return publish_all(project, pilot_slugs())


FREQUENCIES = ("monthly", "quarterly", "annual", "financial_year")
"""Every frequency ``statgen new`` writes a publication for."""


def new_slug(frequency: str) -> str:
    """The slug the tests give a ``statgen new`` publication of ``frequency``."""
    return "new-" + frequency.replace("_", "-")


@pytest.fixture(scope="session")
def new_site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Pilot | StatgenError]:
    """A ``statgen new`` publication of every frequency, each on its own sample (at its
    ``test_sample_scale``), built, signed off and published into one project's releases/."""
    from statgen.scaffold import new_publication

    project = tmp_path_factory.mktemp("new-site")
    slugs = [new_slug(f) for f in FREQUENCIES]
    for frequency, slug in zip(FREQUENCIES, slugs, strict=True):
        new_publication(project, slug, frequency, today=TODAY)
        publication = load_publication(project / "publications" / slug)
        extracts = publication.extracts_path(project)
        write_sample(publication, extracts, scale=publication.test_sample_scale)
    return publish_all(project, slugs)
