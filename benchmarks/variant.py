"""One timed variant, run in a subprocess of its own so its peak memory is its own.

``python -m benchmarks.variant build SLUG EXTRACTS WORK``: a full build (WORK emptied first, so
no cached
tables); ``rebuild``: a build into WORK keeping its table cache and the previous draft's
outputs, after the benchmark has edited the commentary (:func:`edit_commentary`: what a
commentary-only change costs). Both build a copy of the publication kept in WORK/root;
``floor``: Polars reading just the columns the publication declares from the same Parquet files;
``preview``: a warm preview (:class:`statgen.preview.Builder`) of a copy of the publication,
timing the page re-render after each of several edits to its commentary. Prints one line of
JSON.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build(slug: str, extracts: Path, work: Path, fresh: bool) -> dict[str, object]:
    import atexit
    import gc

    from statgen.lifecycle.staging import collect_less

    collect_less()  # as `statgen build` does, before the build's libraries load
    from statgen.outputs import chart_images
    from statgen.pipeline import build as build_release

    atexit.register(gc.freeze)  # as the command line does at exit (statgen.cli)

    if fresh:
        shutil.rmtree(work, ignore_errors=True)
    root = _copy_of_publication(slug, work)
    with chart_images.one_shot():  # as `statgen build` does
        result = build_release(
            root, slug, extracts_dir=extracts, work_dir=work, releases_dir=work / "no-releases"
        )
    return {"timings": result.timings, "ran": list(result.ran), "draft": str(result.folder)}


def _copy_of_publication(slug: str, work: Path) -> Path:
    """The publication copied once into WORK/root, so the benchmark can edit its commentary."""
    root = work / "root"
    if not (root / "publications" / slug).is_dir():
        shutil.copytree(ROOT / "publications" / slug, root / "publications" / slug)
    return root


def edit_commentary(folder: Path) -> None:
    """A commentary-only change, made by the benchmark before it times a ``rebuild`` (the
    author's edit is not the build's cost; identical inputs would rightly build no new draft)."""
    from statgen.config import load_publication

    commentary = folder / load_publication(folder).commentary
    text = commentary.read_text(encoding="utf-8")
    # Words, not digits: a number typed into the commentary would (rightly) fail QA.
    stamp = "".join(chr(ord("a") + int(d)) for d in str(time.time_ns()))
    commentary.write_text(text + f"\nAn edit, {stamp}.\n", encoding="utf-8")


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


def preview(slug: str, extracts: Path, work: Path, edits: int = 5) -> dict[str, object]:
    import datetime as dt
    import statistics

    from statgen.layout import Layout
    from statgen.preview.builder import PAGE, TABLES, Builder

    root = work / "root"
    shutil.rmtree(root / "publications", ignore_errors=True)
    shutil.copytree(ROOT / "publications" / slug, root / "publications" / slug)
    builder = Builder(Layout.at(root, work / "build"), slug, extracts_dir=extracts)
    first = builder.rebuild(TABLES)
    if first.error:
        raise SystemExit(first.error)
    commentary = root / "publications" / slug / builder.commentary_name()
    text = commentary.read_text(encoding="utf-8")
    seconds = []
    for n in range(edits):
        commentary.write_text(text + f"\nEdit {n} of the commentary.\n", encoding="utf-8")
        status = builder.rebuild(PAGE)
        if status.error or status.did != (PAGE,):
            raise SystemExit(f"re-render {n}: {status.error or status.did}")
        seconds.append(status.seconds)
    builder.remove()
    return {
        "inside": statistics.median(seconds),
        "renders": seconds,
        "first_build": first.seconds,
        "today": dt.date.today().isoformat(),
    }


def main(argv: list[str]) -> None:
    started = time.perf_counter()
    kind, slug, extracts = argv[0], argv[1], Path(argv[2])
    if kind in ("build", "rebuild"):
        out = build(slug, extracts, Path(argv[3]), fresh=kind == "build")
    elif kind == "preview":
        out = preview(slug, extracts, Path(argv[3]))
    elif kind == "floor":
        out = floor(slug, extracts)
    else:
        raise SystemExit(f"unknown variant {kind!r}")
    out.setdefault("inside", time.perf_counter() - started)
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
