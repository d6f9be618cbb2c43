"""Computed tables cached between builds, so a commentary-only change re-renders the page
without reading the extracts or running the transforms again.

The cache lives in ``build/<slug>/.cache/<key>/``; the key is a hash of everything the tables
depend on: the extracts, publication.yaml, transforms.py, the statgen source and the requested
period. Any change to one of them gives a new key, so the tables are computed again.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import polars as pl

from statgen.config import Publication
from statgen.errors import StatgenError
from statgen.lifecycle.manifest import sha256
from statgen.periods import Period
from statgen.tables import StatTable

SOURCE = Path(__file__).resolve().parents[1]
"""The statgen package: every module of it can change how tables are computed."""
KEEP = 3
"""How many cache entries to keep per publication (the newest)."""


def source_hash() -> str:
    """SHA-256 over the statgen source files (their paths and contents)."""
    digest = hashlib.sha256()
    for path in sorted(SOURCE.rglob("*.py")):
        digest.update(path.relative_to(SOURCE).as_posix().encode() + b"\0")
        digest.update(sha256(path).encode() + b"\n")
    return digest.hexdigest()


def key(publication: Publication, extract_hashes: dict[str, str], requested: Period | None) -> str:
    """The cache key of a build's tables."""
    parts = {
        "extracts": extract_hashes,
        "publication.yaml": sha256(publication.folder / "publication.yaml"),
        "transforms.py": _maybe_hash(publication.folder / "transforms.py"),
        "statgen": source_hash(),
        "period": requested.code if requested else None,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:32]


def _maybe_hash(path: Path) -> str | None:
    return sha256(path) if path.exists() else None


def load(
    folder: Path,
    cache_key: str,
    publication: Publication,
    warn: Callable[[str], None] | None = None,
) -> tuple[Period, list[StatTable]] | None:
    """The cached period and tables for ``cache_key``, or None when there are none.

    Every file of the entry is checked against the SHA-256 recorded when it was stored: an
    entry edited or cut short on disk is a miss (with a warning), and the tables are computed
    again.
    """
    entry = folder / cache_key
    meta_path = entry / "tables.json"
    if not meta_path.exists():
        return None
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        tables = []
        for t in meta["tables"]:
            path = entry / f"{t['id']}.parquet"
            if sha256(path) != t["sha256"]:
                raise ValueError(f"{path} does not match its checksum")
            tables.append(
                StatTable(
                    spec=publication.table(t["id"]),
                    number=t["number"],
                    sheet=t["sheet"],
                    data=pl.read_parquet(path),
                    categories=t["categories"],
                    notes_extra=t["notes_extra"],
                    absent_quarters=tuple(t["absent_quarters"]),
                )
            )
        period = publication.parse_period(meta["period"])
    except (
        OSError,
        ValueError,
        KeyError,
        TypeError,
        StatgenError,
        pl.exceptions.PolarsError,
    ) as exc:
        # A damaged entry is a miss: the tables are computed again.
        if warn is not None:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            warn(f"the cached tables in {entry} are damaged ({reason}); computing them again")
        shutil.rmtree(entry, ignore_errors=True)
        return None
    return period, tables


def store(folder: Path, cache_key: str, period: Period, tables: list[StatTable]) -> None:
    """Store the tables under ``cache_key`` (written beside, then renamed: never half-written)."""
    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder, prefix=f".{cache_key}."))
    try:
        meta = {"period": period.code, "tables": []}
        for t in tables:
            path = staging / f"{t.id}.parquet"
            t.data.write_parquet(path)
            meta["tables"].append(  # type: ignore[attr-defined]
                {
                    "id": t.id,
                    "number": t.number,
                    "sheet": t.sheet,
                    "categories": t.categories,
                    "notes_extra": t.notes_extra,
                    "absent_quarters": list(t.absent_quarters),
                    "sha256": sha256(path),
                }
            )
        (staging / "tables.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
        dest = folder / cache_key
        if dest.exists():
            shutil.rmtree(dest)
        staging.rename(dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _prune(folder)


def _prune(folder: Path) -> None:
    entries = [p for p in folder.iterdir() if p.is_dir()]
    hidden = [p for p in entries if p.name.startswith(".")]
    kept = sorted(
        (p for p in entries if not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in hidden + kept[KEEP:]:
        shutil.rmtree(old, ignore_errors=True)
