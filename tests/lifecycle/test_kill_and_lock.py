"""Never half-written, never two at once: a build or publish killed with SIGKILL at any stage
leaves the previous drafts and releases untouched and no partial folder visible; a second build
of the same publication refuses (or waits for) the lock."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import TODAY, copy_project, edit_commentary

from statgen.lifecycle import manifest
from statgen.lifecycle.lock import LockError
from statgen.lifecycle.publish import LONDON, publish
from statgen.periods import Quarter
from statgen.pipeline import STAGES, build

SLUG = "electronic-monitoring"


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): manifest.sha256(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def visible(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def start_paused(root: Path, stage: str, args: list[str]) -> subprocess.Popen[bytes]:
    """Run the statgen CLI in a subprocess that pauses at ``stage``; return once it is there."""
    marker = root / f"paused-{stage.replace(' ', '-')}"
    marker.unlink(missing_ok=True)
    env = {**os.environ, "STATGEN_PAUSE_AT": stage, "STATGEN_PAUSE_FILE": str(marker)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "statgen.cli", *args, "--root", str(root)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while not marker.exists():
        if proc.poll() is not None:
            raise AssertionError(f"the build ended before {stage!r}: {proc.stderr.read()!r}")  # type: ignore[union-attr]
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"the build never reached {stage!r}")
        time.sleep(0.05)
    return proc


def kill(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("kill"), SLUG, 0.01)
    build(root, SLUG, today=TODAY)
    return root


# The first stages read extracts and compute; the last ones write into the temporary folder.
@pytest.mark.parametrize("stage", [STAGES[1], STAGES[3], STAGES[5], STAGES[6]])
def test_a_build_killed_at_any_stage_leaves_the_drafts_untouched(project: Path, stage: str) -> None:
    period_dir = project / "build" / SLUG / "2026-q3"
    before = {name: snapshot(period_dir / name) for name in visible(period_dir)}
    edit_commentary(project, SLUG)  # new inputs: the build makes a new draft
    proc = start_paused(project, stage, ["build", SLUG])
    kill(proc)
    assert visible(period_dir) == sorted(before)  # no partial draft visible
    assert {name: snapshot(period_dir / name) for name in visible(period_dir)} == before
    # The next build cleans up what the killed one left and numbers its draft after the last.
    made = build(project, SLUG, today=TODAY)
    assert made.draft == len([n for n in before if n.startswith("draft-")]) + 1
    assert [p.name for p in period_dir.iterdir() if p.name.startswith(".")] == []


def test_a_publish_killed_midway_leaves_no_release(project: Path) -> None:
    made = build(project, SLUG, today=TODAY)
    (project / "publications" / SLUG / "signoff.yaml").write_text(
        f"approvals:\n  - {{period: 2026Q3, draft: {made.draft}, outputs: {made.outputs_short}, "
        "approved_by: R, "
        "approved_on: 2026-12-08}\n"
    )
    proc = start_paused(project, "Publish", ["publish", SLUG, "2026Q3", "--override-embargo"])
    slug_dir = project / "releases" / SLUG
    assert [p.name for p in slug_dir.iterdir() if p.name.startswith(".")]  # it was writing
    kill(proc)
    assert visible(slug_dir) == []
    done = publish(
        project, SLUG, Quarter(2026, 3), now=dt.datetime(2026, 12, 10, 9, 30, tzinfo=LONDON)
    )
    # index.html: the publication's list of releases, rewritten by each publish.
    assert visible(slug_dir) == ["2026-q3", "index.html"] and done.folder.name == "2026-q3"
    assert [p.name for p in slug_dir.iterdir() if p.name.startswith(".")] == []
    assert manifest.verify(done.folder) == []


def test_a_second_build_refuses_or_waits_for_the_lock(project: Path) -> None:
    edit_commentary(project, SLUG)  # new inputs, so the paused build goes on to write a draft
    proc = start_paused(project, STAGES[2], ["build", SLUG])
    try:
        with pytest.raises(LockError) as refused:
            build(project, SLUG, today=TODAY)
        message = str(refused.value)
        assert f"pid {proc.pid}: a build of {SLUG}" in message
        assert "Wait for it to finish and run again (or give --wait SECONDS" in message
        cli = subprocess.run(
            [sys.executable, "-m", "statgen.cli", "build", SLUG, "--root", str(project)],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert cli.returncode == 1 and "another statgen process" in cli.stderr
        assert "Traceback" not in cli.stderr
        # Waiting: the holder finishes (here: is killed) while the second build waits.
        started = time.monotonic()
        waiter = subprocess.Popen(
            [sys.executable, "-m", "statgen.cli", "build", SLUG, "--root", str(project),
             "--wait", "60"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        time.sleep(1.5)
        assert waiter.poll() is None  # still waiting for the lock
    finally:
        kill(proc)
    out, err = waiter.communicate(timeout=120)
    assert waiter.returncode == 0, err
    assert "Tables: reused from the cache" in out
    assert time.monotonic() - started > 1.5
