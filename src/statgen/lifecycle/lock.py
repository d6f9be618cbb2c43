"""One build or publish of a publication at a time: an exclusive lock on ``build/<slug>/.lock``.

The lock is an ``flock`` on a file, so the operating system releases it when the holder exits,
even after ``kill -9``: a crashed build never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import math
import os
import time
from collections.abc import Iterator
from pathlib import Path

from statgen.errors import LockError, OptionError


@contextlib.contextmanager
def hold(path: Path, what: str, wait: float = 0.0) -> Iterator[None]:
    """Hold the lock at ``path`` for ``what``; wait up to ``wait`` seconds, then refuse."""
    if not math.isfinite(wait) or wait < 0:
        raise OptionError(
            f"--wait {wait}: give a number of seconds, 0 or more (not infinite or NaN)"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _holder(path)
                    raise LockError(
                        f"{path}: another statgen process{holder} is building or publishing "
                        f"this publication, so {what} did not start. Wait for it to finish and "
                        "run again (or give --wait SECONDS to wait for it)."
                    ) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()} {what}\n".encode())
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _holder(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""
    pid, _, what = text.partition(" ")
    return f" (pid {pid}: {what})" if pid.isdigit() else ""
