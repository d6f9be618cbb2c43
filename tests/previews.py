"""A ``statgen preview`` process for the tests: started on a port, its printed lines read in a
thread, and the processes that outlive it found."""

from __future__ import annotations

import queue
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

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

    def __init__(self, project: Path, port: int, *options: str) -> None:
        self.proc = subprocess.Popen(
            [str(STATGEN), "preview", SLUG, "--port", str(port), "--root", str(project), *options],
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
