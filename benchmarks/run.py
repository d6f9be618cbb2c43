"""``make bench``: statgen at real scale against the data's floor and a pandas baseline.

Generates the sample extracts at scale (criminal courts 1M and 10M rows, and 100M with
BENCH_LARGE=1; electronic monitoring 1M orders) as Parquet and CSV, then times each variant in
a subprocess of its own, interleaved (A B C A B C ...) over BENCH_ROUNDS rounds (default 3),
and reports medians, peak memory (max RSS), the build's stages and the targets of issue 9.
Results go to build/bench/results.json. The machine is shared: the load average is recorded.
"""

from __future__ import annotations

import compileall
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import polars as pl

from benchmarks.variant import edit_commentary
from statgen.extracts.sample import MARKER

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "build" / "bench"
DATA = OUT / "data"
WORK = OUT / "work"
PY = sys.executable
STATGEN = str(Path(PY).with_name("statgen"))
GENERATOR_VERSION = "1"
TIME = shutil.which("time", path="/usr/bin:/bin")
"""GNU time measures peak memory (Debian package ``time``); without it memory is not reported."""
DATA_STAGES = ["Read and validate extracts", "Compute tables"]
"""The build's data stages: read + validate, then transform + protect (one stage)."""


PREVIEW = "preview re-render (warm, 5 edits)"
HELP = "statgen --help"


@dataclass(frozen=True)
class Dataset:
    name: str
    slug: str
    scale: float
    chunks: int = 1
    baseline: bool = False


DATASETS = [
    Dataset("cc-1m", "criminal-courts", 0.667, baseline=True),
    Dataset("cc-10m", "criminal-courts", 6.67, baseline=True),
    Dataset("em-1m", "electronic-monitoring", 1.3),
]
LARGE = Dataset("cc-100m", "criminal-courts", 6.67, chunks=10)  # 10 x 10M rows


@dataclass
class Result:
    dataset: str
    variant: str
    seconds: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    stages: list[dict[str, float]] = field(default_factory=list)
    inside: list[float] = field(default_factory=list)
    """Seconds inside the process (without Python's start-up and imports)."""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else float("nan")

    def stage_medians(self) -> dict[str, float]:
        if not self.stages:
            return {}
        return {k: statistics.median(s[k] for s in self.stages) for k in self.stages[0]}

    def as_dict(self) -> dict[str, object]:
        return {
            "dataset": self.dataset,
            "variant": self.variant,
            "seconds": self.seconds,
            "median_s": self.median,
            "peak_rss_mb": max(self.rss_mb, default=None),
            "stages_median_s": self.stage_medians(),
            "inside_median_s": statistics.median(self.inside) if self.inside else None,
        }


def run(cmd: list[str], result: Result | None = None) -> dict[str, object]:
    """Run one variant; record its wall time and peak memory (max RSS of it and its children).

    The peak comes from /usr/bin/time: a child forked from this (large) process would report
    this process's memory as its own high-water mark.
    """
    with tempfile.TemporaryDirectory() as tmp:
        rss_file = Path(tmp) / "rss"
        timed = [TIME, "-f", "%M", "-o", str(rss_file), *cmd] if TIME else cmd
        started = time.perf_counter()
        proc = subprocess.run(timed, cwd=ROOT, capture_output=True, text=True)
        elapsed = time.perf_counter() - started
        rss_kb = float(rss_file.read_text().split()[-1]) if TIME and rss_file.exists() else 0.0
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    parsed = _last_json(proc.stdout)
    if result is not None:
        result.seconds.append(elapsed)
        result.rss_mb.append(rss_kb / 1024)
        if isinstance(parsed.get("inside"), float):
            result.inside.append(parsed["inside"])
        if isinstance(parsed.get("timings"), dict):
            result.stages.append(parsed["timings"])  # type: ignore[arg-type]
    return parsed


def _last_json(stdout: str) -> dict[str, object]:
    for line in reversed(stdout.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    return {}


def generate(ds: Dataset) -> dict[str, object]:
    """The dataset's extracts as Parquet and CSV (reused when already generated)."""
    pq, csv = DATA / f"{ds.name}-parquet", DATA / f"{ds.name}-csv"
    stamp = f"{ds.slug} scale={ds.scale} chunks={ds.chunks} v{GENERATOR_VERSION}"
    done = DATA / f"{ds.name}.done"
    if done.exists() and done.read_text() == stamp:
        return {"dataset": ds.name, "reused": True}
    shutil.rmtree(pq, ignore_errors=True)
    shutil.rmtree(csv, ignore_errors=True)
    started = time.perf_counter()
    if ds.chunks == 1:
        run([STATGEN, "sample-data", ds.slug, "--scale", str(ds.scale), "--out", str(pq)])
    else:
        _generate_chunked(ds, pq)
    parquet_s = time.perf_counter() - started
    started = time.perf_counter()
    csv.mkdir(parents=True)
    for path in pq.glob("*.parquet") if ds.chunks == 1 else []:  # no 12 GB CSV at 100M
        # Streamed from Parquet to CSV: the same values, written as statgen's sample-data does.
        pl.scan_parquet(path).sink_csv(csv / f"{path.stem}.csv")
    shutil.copy(pq / MARKER, csv / MARKER)
    csv_s = time.perf_counter() - started
    rows = sum(pl.scan_parquet(p).select(pl.len()).collect().item() for p in pq.glob("*.parquet"))
    done.write_text(stamp)
    return {"dataset": ds.name, "rows": rows, "parquet_s": parquet_s, "csv_s": csv_s}


def _generate_chunked(ds: Dataset, folder: Path) -> None:
    """A very large extract in chunks (different seeds), written to one Parquet file."""
    import pyarrow.parquet as pq

    from statgen.config import load_publication
    from statgen.extracts.sample import _module

    module = _module(load_publication(ROOT / "publications" / ds.slug))
    folder.mkdir(parents=True)
    writer = None
    for chunk in range(ds.chunks):
        frame = module.generate(scale=ds.scale, seed=1000 + chunk)["cases"]
        # Each chunk numbers its cases from 1: prefix the chunk so ids stay unique.
        frame = frame.with_columns(
            pl.format("K{}{}", pl.lit(f"{chunk:02d}"), pl.col("case_id")).alias("case_id")
        )
        table = frame.to_arrow()
        writer = writer or pq.ParquetWriter(folder / "cases.parquet", table.schema)
        writer.write_table(table)
        del frame, table
    assert writer is not None
    writer.close()
    (folder / MARKER).write_text("Sample extracts generated in chunks by the benchmark.\n")


def has_check() -> bool:
    """Whether this statgen has the `statgen check` command (issue 5)."""
    proc = subprocess.run([STATGEN, "--help"], capture_output=True, text=True, cwd=ROOT)
    return " check " in proc.stdout


def bench(ds: Dataset, rounds: int) -> list[Result]:
    """Time every variant on one dataset, interleaved."""
    pq, csv = DATA / f"{ds.name}-parquet", DATA / f"{ds.name}-csv"
    work = WORK / ds.name
    variants: dict[str, list[str]] = {
        "statgen build (Parquet)": [PY, "-m", "benchmarks.variant", "build", ds.slug, str(pq),
                                    str(work / "parquet")],
        "statgen build (CSV)": [PY, "-m", "benchmarks.variant", "build", ds.slug, str(csv),
                                str(work / "csv")],
        "floor: Polars scan (Parquet)": [PY, "-m", "benchmarks.variant", "floor", ds.slug,
                                         str(pq)],
        "commentary-only rebuild": [PY, "-m", "benchmarks.variant", "rebuild", ds.slug, str(pq),
                                    str(work / "rebuild")],
    }  # fmt: skip
    if ds.name == "cc-10m":
        variants[PREVIEW] = [PY, "-m", "benchmarks.variant", "preview", ds.slug, str(pq),
                             str(work / "preview")]  # fmt: skip
        variants[HELP] = [STATGEN, "--help"]
    if ds.baseline:
        variants["baseline: pandas + gptables (Parquet)"] = [
            PY, "-m", "benchmarks.baseline", "build", str(pq), str(work / "baseline"),
        ]  # fmt: skip
        # The baseline must compute statgen's figures before it is timed at all.
        run([PY, "-m", "benchmarks.baseline", "check", str(pq), str(work / "baseline")])
    shutil.rmtree(work / "rebuild", ignore_errors=True)
    first = run([PY, "-m", "benchmarks.variant", "build", ds.slug, str(pq), str(work / "rebuild")])
    results = {name: Result(ds.name, name) for name in variants}
    for r in range(rounds):
        for name, cmd in variants.items():
            print(f"  {ds.name} round {r + 1}/{rounds}: {name} ...", flush=True)
            if name == "commentary-only rebuild":
                edit_commentary(work / "rebuild" / "root" / "publications" / ds.slug)
            run(cmd, results[name])
    out = list(results.values())

    # Reviewers' tools on the drafts just built: diff of two drafts, check of the workbooks.
    drafts = sorted(Path(str(first["draft"])).parent.glob("draft-*"))
    diff = Result(ds.name, "statgen diff (two drafts)")
    for _ in range(rounds):
        run([STATGEN, "diff", str(drafts[0]), str(drafts[-1]), "--out", str(work / "diff")], diff)
    out.append(diff)
    if has_check():
        check = Result(ds.name, "statgen check (XLSX and ODS)")
        books = [p for p in drafts[-1].iterdir() if p.suffix in (".xlsx", ".ods")]
        for _ in range(rounds):
            run([STATGEN, "check", *map(str, books)], check)
        out.append(check)
    return out


def targets(results: list[Result], large: list[Result] | None) -> list[dict[str, object]]:
    """Issue 9's targets at 10M rows, each with its measured value and pass/fail."""
    at = {r.variant: r for r in results if r.dataset == "cc-10m"}
    out: list[tuple[str, float, str, bool]] = []
    if at:
        out += _targets_10m(at)
    if large:
        big = large[0]
        out.append(("100M-row extract builds within 24 GiB", max(big.rss_mb) / 1024, "GB",
                    bool(big.seconds) and max(big.rss_mb) < 24 * 1024))  # fmt: skip
    return [{"target": t, "value": v, "unit": u, "pass": bool(p)} for t, v, u, p in out]


def _targets_10m(at: dict[str, Result]) -> list[tuple[str, float, str, bool]]:
    build, csv = at["statgen build (Parquet)"], at["statgen build (CSV)"]
    floor, base = at["floor: Polars scan (Parquet)"], at["baseline: pandas + gptables (Parquet)"]
    rebuild = at["commentary-only rebuild"]
    stages = build.stage_medians()
    data = sum(stages[s] for s in DATA_STAGES)
    # The floor's own scan, without Python's start-up (the data stages exclude it too).
    scan = statistics.median(floor.inside)
    rest = build.median - data
    rss = max(build.rss_mb)
    out = [
        ("Full build 10M (Parquet) >= 5x faster than baseline", base.median / build.median,
         "x faster", base.median / build.median >= 5),
        ("Data stages 10M <= 10x the Parquet scan floor", data / scan, "x the floor",
         data / scan <= 10),
        ("Everything else (start-up, CSVs, spreadsheets, charts, page, checks) < 3 s", rest, "s",
         rest < 3),
        ("Peak memory of the 10M build < 3 GB", rss / 1024, "GB", rss < 3 * 1024),
        ("CSV build <= 2x the Parquet build", csv.median / build.median, "x",
         csv.median / build.median <= 2),
        ("Commentary-only rebuild < 10% of the full build", 100 * rebuild.median / build.median,
         "%", rebuild.median < 0.1 * build.median),
    ]  # fmt: skip
    if PREVIEW in at:
        render = statistics.median(at[PREVIEW].inside)
        out.append(("Preview re-render of the page < 0.5 s", render, "s", render < 0.5))
    if HELP in at:
        out.append(("statgen --help < 0.3 s", at[HELP].median, "s", at[HELP].median < 0.3))
    return out


def report(results: list[Result], checks: list[dict[str, object]], meta: dict[str, object]) -> str:
    lines = [f"statgen benchmark ({meta['when']}, load average {meta['load']}, "
             f"{meta['cpus']} CPUs; rounds {meta['rounds']}; medians)", ""]  # fmt: skip
    head = f"{'dataset':8} {'variant':40} {'median s':>9} {'min':>7} {'max':>7} {'peak MB':>8}"
    lines += [head, "-" * len(head)]
    for r in results:
        lines.append(
            f"{r.dataset:8} {r.variant:40} {r.median:9.2f} {min(r.seconds):7.2f} "
            f"{max(r.seconds):7.2f} {max(r.rss_mb):8.0f}"
        )
    lines += ["", "Stages of the full build (Parquet), median seconds:"]
    for r in results:
        if r.variant == "statgen build (Parquet)":
            stages = ", ".join(f"{k} {v:.2f}" for k, v in r.stage_medians().items())
            lines.append(f"  {r.dataset}: {stages}")
    lines += ["", "Targets:"]
    for c in checks:
        mark = "PASS" if c["pass"] else "FAIL"
        lines.append(f"  [{mark}] {c['target']}: {c['value']:.2f} {c['unit']}")
    if not meta["check_available"]:
        lines.append("  (statgen check is not in this statgen yet, so it was not timed)")
    return "\n".join(lines)


def compile_source() -> None:
    """Compile statgen's modules to bytecode before timing, as installing the wheel does (pip
    compiles every module it installs). The editable install the benchmark runs has none, and
    where PYTHONDONTWRITEBYTECODE is set Python never writes them: every timed process would
    compile all of statgen again (about 0.15 s of each commentary-only rebuild)."""
    for folder in (ROOT / "src", ROOT / "benchmarks"):
        compileall.compile_dir(folder, quiet=1)


def main() -> None:
    rounds = int(os.environ.get("BENCH_ROUNDS", "3"))
    # BENCH_SCALE shrinks every dataset for a quick trial run of the benchmark itself.
    shrink = float(os.environ.get("BENCH_SCALE", "1"))
    datasets = [replace(ds, scale=ds.scale * shrink) for ds in DATASETS]
    large = os.environ.get("BENCH_LARGE") == "1"
    OUT.mkdir(parents=True, exist_ok=True)
    DATA.mkdir(parents=True, exist_ok=True)
    generation = []
    # BENCH_ONLY=cc-100m (a comma-separated list of names) runs just those datasets.
    only = [n for n in os.environ.get("BENCH_ONLY", "").split(",") if n]
    if only:
        datasets = [ds for ds in datasets if ds.name in only]
        large = large or LARGE.name in only
    for ds in [*datasets, *([LARGE] if large else [])]:
        print(f"Generating {ds.name} ...", flush=True)
        generation.append(generate(ds))
    compile_source()
    results: list[Result] = []
    for ds in datasets:
        results += bench(ds, rounds)
    large_results = None
    if large:
        # One round: the point is that it builds, and how much memory it takes.
        print("  cc-100m: statgen build (Parquet) ...", flush=True)
        big = Result(LARGE.name, "statgen build (Parquet)")
        pq = DATA / f"{LARGE.name}-parquet"
        run([PY, "-m", "benchmarks.variant", "build", LARGE.slug, str(pq),
             str(WORK / LARGE.name)], big)  # fmt: skip
        floor = Result(LARGE.name, "floor: Polars scan (Parquet)")
        run([PY, "-m", "benchmarks.variant", "floor", LARGE.slug, str(pq)], floor)
        large_results = [big, floor]
        results += large_results
    checks = targets(results, large_results)
    meta = {
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "cpus": os.cpu_count(),
        "rounds": rounds,
        "python": platform.python_version(),
        "polars": pl.__version__,
        "check_available": has_check(),
    }
    text = report(results, checks, meta)
    stem = f"results-{'-'.join(only)}" if only else "results"  # a partial run keeps the full one
    (OUT / f"{stem}.json").write_text(
        json.dumps(
            {
                "meta": meta,
                "generation": generation,
                "results": [r.as_dict() for r in results],
                "targets": checks,
            },
            indent=2,
            default=str,
        )  # fmt: skip
    )
    (OUT / f"{stem}.txt").write_text(text + "\n")
    print("\nGeneration:", json.dumps(generation))
    print(text)


if __name__ == "__main__":
    main()
