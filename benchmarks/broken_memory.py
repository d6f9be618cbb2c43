"""Peak memory of detailed validation on a broken 20M-row Parquet extract (issue 14: within 2 GB).

usage: python -m benchmarks.broken_memory [ROWS_IN_MILLIONS] [parquet|csv|both]   (default 20 both)

Writes a criminal-courts ``cases.parquet`` of 20 chunks of 1M rows (different seeds, ids kept
unique), breaks a few rows of the first chunk (an unknown category, a duplicated id, an offence
after completion), then runs ``statgen.extracts.load`` in a child process under GNU time and
reports its peak RSS. ``csv`` does the same with the same rows written as ``cases.csv`` (the
failing path of a CSV: its lines checked for shape, then its text checked a column at a time).
The extracts are kept in ``benchmarks/out/data`` and reused.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "out" / "data"
TIME = "/usr/bin/time"
LIMIT_MB = 2048
CHILD = """
import datetime as dt, sys
from pathlib import Path
from statgen.config import load_publication
from statgen.errors import ExtractError
from statgen.extracts import load
publication = load_publication(Path(sys.argv[1]) / "publications" / "criminal-courts")
try:
    load(Path(sys.argv[2]), publication.extracts, dt.date(2026, 11, 25))
except ExtractError as exc:
    print(len(exc.problems), "problems")
else:
    sys.exit("the broken extract was accepted")
"""


def make(folder: Path, millions: int) -> None:
    """Write the broken extract (reused when it exists)."""
    import pyarrow.parquet as pq

    from statgen.config import load_publication
    from statgen.extracts.sample import _module

    path = folder / "cases.parquet"
    if path.exists():
        return
    folder.mkdir(parents=True, exist_ok=True)
    module = _module(load_publication(ROOT / "publications" / "criminal-courts"))
    writer = None
    for chunk in range(millions):
        frame = module.generate(scale=0.667, seed=2000 + chunk)["cases"].head(1_000_000)
        # Aliased: pl.format names its result after its first input (a column "literal").
        frame = frame.with_columns(
            pl.format("B{}{}", pl.lit(f"{chunk:03d}"), pl.col("case_id")).alias("case_id")
        )
        if chunk == 0:
            i = pl.int_range(pl.len())
            frame = frame.with_columns(
                region=pl.when(i < 50).then(pl.lit("Atlantis")).otherwise(pl.col("region")),
                case_id=pl.when(i == 60).then(pl.col("case_id").first()).otherwise("case_id"),
                offence_date=pl.when(i.is_between(70, 80))
                .then(pl.col("completion_date") + pl.duration(days=30))
                .otherwise("offence_date"),
            )
        table = frame.to_arrow()
        writer = writer or pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
    assert writer is not None
    writer.close()


def make_csv(folder: Path, parquet: Path) -> None:
    """The broken Parquet's rows as ``cases.csv`` (reused when it exists)."""
    path = folder / "cases.csv"
    if path.exists():
        return
    folder.mkdir(parents=True, exist_ok=True)
    pl.scan_parquet(parquet / "cases.parquet").sink_csv(path.with_suffix(".part"))
    path.with_suffix(".part").rename(path)


def main(millions: int, fmt: str = "parquet") -> dict[str, object]:
    folder = DATA / f"cc-broken-v2-{millions}m"  # v2: ids unique across chunks, no extra column
    make(folder, millions)
    if fmt == "csv":
        make_csv(folder.with_name(folder.name + "-csv"), folder)
        folder = folder.with_name(folder.name + "-csv")
    with tempfile.TemporaryDirectory() as tmp:
        rss = Path(tmp) / "rss"
        cmd = [
            TIME,
            "-f",
            "%M",
            "-o",
            str(rss),
            sys.executable,
            "-c",
            CHILD,
            str(ROOT),
            str(folder),
        ]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        peak_mb = float(rss.read_text().split()[-1]) / 1024
    result = {
        "extract": fmt,
        "rows_millions": millions,
        "peak_rss_mb": round(peak_mb),
        "within_2_gb": peak_mb < LIMIT_MB,
        "output": done.stdout.strip() or done.stderr.strip()[-300:],
    }
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    wanted = sys.argv[2] if len(sys.argv) > 2 else "both"
    for fmt in ("parquet", "csv") if wanted == "both" else (wanted,):
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 20, fmt)
