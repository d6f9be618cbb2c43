"""``statgen preview`` on the command line, without a browser: a port already in use is refused
before anything is built, ``--port 0`` serves on a free port it names, and SIGTERM or SIGHUP
(``kill``, a closed terminal) stop it as cleanly as Ctrl-C. A preview started before its
extracts exist shows the error on a stand-in page, and builds once they appear."""

from __future__ import annotations

import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from conftest import copy_project
from previews import SLUG, STATGEN, WAIT_MS, Preview, processes_naming

from statgen.config import load_publication


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path, SLUG, 0.02)


def test_a_port_in_use_is_refused_before_the_build(project: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        done = subprocess.run(
            [str(STATGEN), "preview", SLUG, "--port", str(port), "--root", str(project)],
            capture_output=True,
            text=True,
            timeout=WAIT_MS / 1000,
        )
    said = " ".join((done.stdout + done.stderr).split())
    assert done.returncode == 1, said
    assert f"Error [option-invalid]: cannot serve on 127.0.0.1 port {port}" in said
    assert "--port 0" in said
    assert "Built in" not in said
    assert not (project / "build" / SLUG / "preview").exists()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_port_0_serves_on_a_free_port_and_a_signal_stops_it_cleanly(
    project: Path, sig: signal.Signals
) -> None:
    running = Preview(project, 0)
    try:
        address = running.wait_for("Preview at")
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", address)
        assert found and int(found.group(1)) > 0, address
        with urllib.request.urlopen(found.group(0), timeout=30) as response:  # noqa: S310
            page = response.read().decode("utf-8")
        assert "/__statgen__/reload.js" in page and "<h1" in page
        folder = project / "build" / SLUG / "preview"
        assert (folder / "index.html").is_file()

        running.proc.send_signal(sig)
        assert running.proc.wait(timeout=WAIT_MS / 1000) == 0, running.seen
        running.wait_for("Preview stopped.")
        assert not folder.exists(), "the preview folder outlived the preview"
        assert not processes_naming(project), "a process of the preview outlived it"
    finally:
        _kill(running)


def test_extracts_that_appear_after_the_start_are_read(project: Path) -> None:
    extracts = load_publication(project / "publications" / SLUG).extracts_path(project)
    away = project / "elsewhere"
    shutil.move(extracts, away)
    running = Preview(project, 0)
    try:
        url = re.search(r"http://\S+/", running.wait_for("Preview at"))
        assert url, running.seen
        first = _get(url.group(0))
        assert "The preview could not be built." in first, first
        assert "no extract called" in first and "<h1" not in first
        extracts.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(away, extracts)  # the folder appears, with its extracts in it
        deadline = time.monotonic() + WAIT_MS / 1000
        while "<h1" not in (page := _get(url.group(0))) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "<h1" in page and "statgen-preview-error" not in page, running.seen
    finally:
        _kill(running)


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310
        return str(response.read().decode("utf-8"))


def _kill(running: Any) -> None:
    if running.proc.poll() is None:
        running.proc.kill()
        running.proc.wait()
