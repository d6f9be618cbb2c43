"""The release manifest: every input and output file with its SHA-256 and size."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from statgen.config import Publication
from statgen.periods import Quarter


def sha256(path: Path) -> str:
    """SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_manifest(
    staging: Path,
    publication: Publication,
    period: Quarter,
    source_dir: Path,
    release_date: dt.date,
) -> None:
    from statgen import __version__

    files = sorted(p for p in staging.rglob("*") if p.is_file())
    inputs = sorted(
        p
        for p in source_dir.iterdir()
        if p.suffix in (".csv", ".parquet") and p.stem in publication.extracts
    )
    manifest = {
        "publication": publication.slug,
        "period": period.code,
        "release_date": release_date.isoformat(),
        "statgen_version": __version__,
        "inputs": [
            {"name": p.name, "sha256": sha256(p), "bytes": p.stat().st_size} for p in inputs
        ],
        "files": [
            {
                "path": p.relative_to(staging).as_posix(),
                "sha256": sha256(p),
                "bytes": p.stat().st_size,
            }
            for p in files
        ],
    }
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
