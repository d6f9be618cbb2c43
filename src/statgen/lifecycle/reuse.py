"""Reused outputs: a build whose data inputs are unchanged since the previous draft (only the
commentary changed, say) takes that draft's CSVs, CSVW files and workbooks instead of writing
them again.

The previous draft's manifest records an ``outputs_key``: one hash of everything the data
outputs are made from (the tables' cache key, which covers the extracts, publication.yaml,
transforms.py and the statgen source; the period; the build date; the release compared with for
revisions; the versions of the libraries that write the files). When the keys match, each file
is checked against the SHA-256 in that manifest and hard-linked (or copied, across file
systems) into the new draft. A file that does not match its manifest is never reused: the
stage then writes every file again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from statgen.lifecycle import manifest
from statgen.periods import Period


def outputs_key(
    cache_key: str,
    period: Period,
    today: dt.date,
    baseline: Path | None,
    drawing: object = None,
    earlier: tuple[Path, ...] = (),
) -> str:
    """The hash of what a build's data outputs are made from (recorded in its manifest);
    ``drawing`` names the software that draws the charts; ``earlier``, the published releases
    whose figures disclosure control treats as public."""
    parts: dict[str, object] = {
        "drawing": drawing,
        "tables": cache_key,
        "period": period.code,
        "today": today.isoformat(),
        "baseline": _maybe_hash(baseline / manifest.NAME) if baseline else None,
        "software": manifest.software(),
    }
    others = [p for p in earlier if p != baseline]
    if others:  # (absent before the first release, so those keys are as they were)
        parts["earlier"] = [_maybe_hash(p / manifest.NAME) for p in others]
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:32]


def _maybe_hash(path: Path) -> str | None:
    return manifest.sha256(path) if path.is_file() else None


def take(previous: Path | None, key: str, out: Path, wanted: Callable[[str], bool]) -> bool:
    """Link the files of ``previous`` whose manifest path is ``wanted`` into ``out``.

    Only when ``previous`` was built with the same outputs ``key`` and every such file still
    has the SHA-256 its manifest records; returns whether the files were taken (on False,
    nothing was linked and the caller writes them).
    """
    if previous is None or not key:
        return False
    try:
        recorded = manifest.read(previous)
    except Exception:  # an unreadable manifest is no baseline: write the files again
        return False
    if recorded.get("outputs_key") != key:
        return False
    entries = [e for e in recorded.get("files", []) if wanted(e["path"])]
    if not entries:
        return False
    for entry in entries:
        source = previous / entry["path"]
        if not source.is_file() or manifest.sha256(source) != entry["sha256"]:
            return False
    for entry in entries:
        _link(previous / entry["path"], out / entry["path"])
    return True


def _link(source: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, dest)
    except OSError:
        shutil.copy2(source, dest)
