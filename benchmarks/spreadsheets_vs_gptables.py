"""Write the largest table of a publication with statgen (ODS + XLSX) and with ONS gptables (XLSX),
time them, and audit all three with `statgen check`.

    .venv/bin/pip install gptables      # into your venv only: not a statgen dependency
    .venv/bin/python benchmarks/spreadsheets_vs_gptables.py [--pub SLUG] [--rows 20000]

Prints the timings and the check results; the side-by-side table is in the issue's note.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import tempfile
import time
from collections import Counter
from pathlib import Path

from statgen import extracts
from statgen import protection as protect
from statgen import tables as tables_mod
from statgen.config import load_publication
from statgen.extracts.sample import has_extracts, write_sample
from statgen.outputs.grid import Cell, Grid
from statgen.outputs.spreadsheets.check import check_file
from statgen.outputs.spreadsheets.model import Sheet, WorkbookModel, build_model
from statgen.outputs.spreadsheets.ods import write_ods
from statgen.outputs.spreadsheets.xlsx import write_xlsx
from statgen.periods import Periods
from statgen.stages import choose_period

ROOT = Path(__file__).resolve().parents[1]


def _timed(fn, *args) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    fn(*args)
    return time.perf_counter() - started


def _model(slug: str) -> WorkbookModel:
    publication = load_publication(ROOT / "publications" / slug)
    folder = publication.extracts_path(ROOT)
    if not has_extracts(publication, folder):
        write_sample(publication, folder)
    frames = extracts.load(folder, publication.extracts, dt.date.today())
    period = choose_period(frames, None, folder)
    periods = Periods.ending(period, publication.series_quarters)
    tables = protect.apply(publication, tables_mod.compute(publication, frames, periods))
    return build_model(
        publication,
        period,
        tables,
        publication.release_date(period),
        publication.next_release_date(period),
    )


def _only(model: WorkbookModel, sheet: Sheet) -> WorkbookModel:
    return dataclasses.replace(model, sheets=[*model.sheets[:3], sheet])


def _stretch(sheet: Sheet, rows: int) -> Sheet:
    """The same table repeated down to ``rows`` rows (labels made unique), for a scale test."""
    assert sheet.table is not None
    body = sheet.table.rows
    grown = [
        [Cell(f"{r[0].text} ({i // len(body) + 1})"), *r[1:]]
        for i, r in enumerate(body[j % len(body)] for j in range(rows))
    ]
    return dataclasses.replace(sheet, table=Grid(sheet.table.headers, grown, 1))


def _gptables(sheet: Sheet, model: WorkbookModel, path: Path) -> float:
    import gptables as gpt
    import pandas as pd

    assert sheet.table is not None
    grid = sheet.table
    names = [h.title for h in grid.headers]
    data = [[c.value if c.is_number else c.text for c in row] for row in grid.rows]
    frame = pd.DataFrame(data, columns=names)
    units = {h.title: h.unit for h in grid.headers if h.unit}
    table = gpt.GPTable(
        table=frame,
        table_name=sheet.table_name or "table",
        title=sheet.title,
        source=model.sheets[0].lines[2].text,
        units=units,
        index_columns={2: 0},
    )
    cover = gpt.Cover(title=model.title, intro=[model.subject], about=None, contact=None)
    return _timed(
        lambda: gpt.write_workbook(
            filename=str(path), sheets={sheet.name: table}, cover=cover, auto_width=True
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pub", default="electronic-monitoring")
    parser.add_argument("--rows", type=int, default=20_000, help="rows for the scale test")
    args = parser.parse_args()
    model = _model(args.pub)
    largest = max(
        (s for s in model.sheets[3:] if s.table),
        key=lambda s: len(s.table.rows) * len(s.table.headers),  # type: ignore[union-attr]
    )
    assert largest.table is not None
    cells = len(largest.table.rows) * len(largest.table.headers)
    out = Path(tempfile.mkdtemp(prefix="statgen-vs-gptables-"))
    print(f"Largest table: {largest.name} ({largest.title}), {cells} cells; files in {out}")
    big = _stretch(largest, args.rows)
    for label, sheet in [("largest table", largest), (f"{args.rows:,} rows", big)]:
        one = _only(model, sheet)
        t_ods = _timed(write_ods, one, out / f"statgen-{sheet.name}-{len(sheet.table.rows)}.ods")
        t_xlsx = _timed(write_xlsx, one, out / f"statgen-{sheet.name}-{len(sheet.table.rows)}.xlsx")
        gp = out / f"gptables-{sheet.name}-{len(sheet.table.rows)}.xlsx"
        try:
            t_gp = f"{_gptables(sheet, model, gp):.2f} s"
        except ImportError:
            t_gp = "gptables not installed"
        print(f"{label}: statgen ODS {t_ods:.2f} s, XLSX {t_xlsx:.2f} s; gptables XLSX {t_gp}")
    for path in sorted(out.glob(f"*-{len(largest.table.rows)}.*")):
        report = check_file(path)
        kinds = Counter(f.message.split(":")[0].split(" (")[0] for f in report.failures)
        print(f"\n{path.name}: {len(report.failures)} failures")
        for kind, n in kinds.most_common():
            example = next(f for f in report.failures if f.message.startswith(kind))
            print(f"  {n:4} x {example.describe()}")


if __name__ == "__main__":
    main()
