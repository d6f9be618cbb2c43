"""``statgen preview`` in real Chromium: the page follows the commentary without a manual
reload, a broken publication.yaml shows the command line's error in a banner above the last good
page, the banner goes once it is fixed, and Ctrl-C leaves no process or preview folder behind."""

from __future__ import annotations

import signal
import socket
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import copy_project
from previews import SLUG, STATGEN, WAIT_MS, Preview, free_port, processes_naming


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
