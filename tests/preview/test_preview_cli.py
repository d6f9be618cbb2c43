"""``statgen preview`` on the command line, without a browser: a port already in use is refused
before anything is built, ``--port 0`` serves on a free port it names, and SIGTERM or SIGHUP
(``kill``, a closed terminal) stop it as cleanly as Ctrl-C."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from conftest import copy_project
from previews import SLUG, STATGEN, WAIT_MS, Preview, processes_naming


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


def _kill(running: Any) -> None:
    if running.proc.poll() is None:
        running.proc.kill()
        running.proc.wait()
