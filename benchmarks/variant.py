"""One timed variant, run in a subprocess of its own so its peak memory is its own.

``python -m benchmarks.variant build SLUG EXTRACTS WORK``: a full build (WORK emptied first, so
no cached tables); ``rebuild``: a build into WORK keeping its table cache (what a
commentary-only change costs); ``floor``: Polars reading just the columns the publication
declares from the same Parquet files. Prints one line of JSON.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build(slug: str, extracts: Path, work: Path, fresh: bool) -> dict[str, object]:
    from statgen.pipeline import build as build_release

    if fresh:
        shutil.rmtree(work, ignore_errors=True)
    result = build_release(
        ROOT, slug, extracts_dir=extracts, work_dir=work, releases_dir=work / "no-releases"
    )
    return {"timings": result.timings, "ran": list(result.ran), "draft": str(result.folder)}


def floor(slug: str, extracts: Path) -> dict[str, object]:
    import polars as pl

    from statgen.config import load_publication

    publication = load_publication(ROOT / "publications" / slug)
    started = time.perf_counter()  # the scan alone: imports and config are not the data's cost
    rows = 0
    for name, spec in publication.extracts.items():
        frame = pl.scan_parquet(extracts / f"{name}.parquet").select(list(spec.columns)).collect()
        rows += frame.height
    return {"rows": rows, "inside": time.perf_counter() - started}


def main(argv: list[str]) -> None:
    started = time.perf_counter()
    kind, slug, extracts = argv[0], argv[1], Path(argv[2])
    if kind in ("build", "rebuild"):
        out = build(slug, extracts, Path(argv[3]), fresh=kind == "build")
    elif kind == "floor":
        out = floor(slug, extracts)
    else:
        raise SystemExit(f"unknown variant {kind!r}")
    out.setdefault("inside", time.perf_counter() - started)
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
