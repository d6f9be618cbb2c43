"""``statgen preview`` in real Chromium: the page follows the commentary without a manual
reload, a broken publication.yaml shows the command line's error in a banner above the last good
page, the banner goes once it is fixed, and Ctrl-C leaves no process or preview folder behind."""

from __future__ import annotations

import queue
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from conftest import copy_project

SLUG = "electronic-monitoring"
STATGEN = Path(sys.executable).with_name("statgen")
WAIT_MS = 120_000
"""How long a step may take before the test gives up (a loaded machine builds slowly)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def processes_naming(folder: Path) -> list[str]:
    """Command lines of running processes that mention ``folder`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if str(folder) in cmdline:
                found.append(cmdline)
    return found


class Preview:
    """A ``statgen preview`` process and the lines it prints."""

    def __init__(self, project: Path, port: int) -> None:
        self.proc = subprocess.Popen(
            [str(STATGEN), "preview", SLUG, "--port", str(port), "--root", str(project)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)

    def wait_for(self, text: str) -> str:
        while True:
            try:
                line = self.lines.get(timeout=WAIT_MS / 1000)
            except queue.Empty:
                pytest.fail(f"the preview never printed {text!r}; it printed {self.seen}")
            self.seen.append(line)
            if text in line:
                return line


@pytest.fixture()
def preview(tmp_path: Path) -> Any:
    project = copy_project(tmp_path, SLUG, 0.02)
    port = free_port()
    running = Preview(project, port)
    yield project, port, running
    if running.proc.poll() is None:
        running.proc.kill()
        running.proc.wait()


def cli_error(project: Path) -> str:
    """The error line `statgen build` prints for the same broken publication."""
    done = subprocess.run(
        [str(STATGEN), "build", SLUG, "--root", str(project), "--out", str(project / "other")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    return " ".join(done.stderr.split())


def test_preview_reloads_shows_errors_and_stops_cleanly(browser: Any, preview: Any) -> None:
    project, port, running = preview
    address = running.wait_for("Preview at")
    url = f"http://127.0.0.1:{port}/"
    assert url in address
    folder = project / "build" / SLUG / "preview"
    assert (folder / "index.html").is_file()
    assert not list((project / "build" / SLUG).glob("*/draft-*")), "a preview is not a draft"

    page = browser.new_page()
    page.goto(url)
    page.locator("h1").first.wait_for()
    banner = page.locator("#statgen-preview-error")
    assert banner.count() == 0

    # 1. The commentary: the open page shows the new sentence without being reloaded by hand.
    commentary = project / "publications" / SLUG / "commentary.qmd"
    good = commentary.read_text(encoding="utf-8")
    commentary.write_text(good + "\nA sentence written during the preview.\n", encoding="utf-8")
    page.get_by_text("A sentence written during the preview.").wait_for(timeout=WAIT_MS)

    # 2. A broken publication.yaml: the banner, with the command line's message, over the page.
    config = project / "publications" / SLUG / "publication.yaml"
    yaml_text = config.read_text(encoding="utf-8")
    config.write_text(yaml_text + "\ntables: [\n", encoding="utf-8")
    banner.wait_for(timeout=WAIT_MS)
    shown = " ".join(banner.locator("pre").inner_text().split())
    assert shown.startswith("Error [config-invalid]: ")
    assert shown == cli_error(project)
    assert page.get_by_text("A sentence written during the preview.").is_visible()

    # 3. Fixed: the banner goes and the page is still the publication.
    config.write_text(yaml_text, encoding="utf-8")
    banner.wait_for(state="detached", timeout=WAIT_MS)
    assert page.get_by_text("A sentence written during the preview.").is_visible()
    page.close()

    # Ctrl-C: a clean exit, the preview folder and any hidden staging folders removed.
    running.proc.send_signal(signal.SIGINT)
    assert running.proc.wait(timeout=WAIT_MS / 1000) == 0, running.seen
    assert not folder.exists()
    assert not [p.name for p in (project / "build" / SLUG).iterdir() if ".building-" in p.name]
    assert not processes_naming(project), "a process of the preview outlived it"
    with socket.socket() as s:  # nothing listens on the port (closed connections may linger)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))
