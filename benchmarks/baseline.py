"""The baseline: the criminal courts release written the way the field usually writes it.

pandas for the tables (read the extract, parse dates, one boolean mask and groupby per table,
a loop over quarter ends for the open caseload), gptables for the accessible XLSX workbook,
Plotly for the charts (interactive on the page, and a PNG of each for GOV.UK, drawn by kaleido
as statgen draws its own) and Pandoc for the HTML page, as statgen uses them. It computes the
same figures as statgen (``check`` asserts it, before anything is timed), but, as such scripts
usually do, it does not validate the extract, apply disclosure control or write a manifest.

Run as ``python -m benchmarks.baseline build EXTRACTS OUT`` (timed) or
``python -m benchmarks.baseline check EXTRACTS OUT`` (build once, compare with statgen).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

DATES = ["offence_date", "charge_date", "receipt_date", "completion_date"]
COURTS = ["Magistrates' court", "Crown Court"]
OFFENCES = [
    "Violence against the person", "Sexual offences", "Robbery", "Theft offences",
    "Criminal damage and arson", "Drug offences", "Possession of weapons", "Public order offences",
    "Miscellaneous crimes against society", "Fraud offences", "Summary offences",
]  # fmt: skip
REGIONS = ["London", "South East", "South West", "Midlands", "North East", "North West", "Wales"]
AGE_BANDS = ["Under 13 weeks", "13 to 26 weeks", "26 to 52 weeks", "52 weeks and over"]
REMAND = ["Custody", "Bail", "Summons", "Not recorded"]
SERIES = 12
TOTAL = "Total"


def read(folder: Path) -> pd.DataFrame:
    """The extract, with its dates parsed."""
    parquet, csv = folder / "cases.parquet", folder / "cases.csv"
    if parquet.exists():
        cases = pd.read_parquet(parquet)
    else:
        cases = pd.read_csv(csv, parse_dates=DATES, date_format="%Y-%m-%d")
    for col in DATES:
        cases[col] = pd.to_datetime(cases[col])
    return cases


def quarters(cases: pd.DataFrame) -> pd.PeriodIndex:
    """The series: twelve quarters ending in the latest complete one."""
    newest = max(cases[c].max() for c in DATES)
    latest = newest.to_period("Q")
    if latest.end_time.normalize() > newest:
        latest -= 1
    return pd.period_range(end=latest, periods=SERIES, freq="Q")


def one_decimal(x: pd.Series) -> pd.Series:
    """Rounded to one decimal place, halves away from zero."""
    return np.sign(x) * np.floor(np.abs(x) * 10 + 0.5) / 10


def complete(frame: pd.DataFrame, dims: dict[str, list[str]], counts: list[str]) -> pd.DataFrame:
    """Every combination of categories gets a row; counts of nothing are zero."""
    index = pd.MultiIndex.from_product(list(dims.values()), names=list(dims))
    frame = frame.set_index(list(dims)).reindex(index).reset_index()
    frame[counts] = frame[counts].fillna(0).astype("int64")
    return frame


def with_totals(frame: pd.DataFrame, dims: list[str], over: list[str], measures: list[str]):
    """Add "Total" categories: sums over every non-empty subset of ``over``."""
    parts = [frame]
    subsets = [[d] for d in over] + ([over] if len(over) == 2 else [])
    for subset in subsets:
        keep = [d for d in dims if d not in subset]
        summed = (
            frame.groupby(keep, as_index=False)[measures].sum()
            if keep
            else frame[measures].sum().to_frame().T
        )
        for d in subset:
            summed[d] = TOTAL
        parts.append(summed[dims + measures])
    return pd.concat(parts, ignore_index=True)


def tables(cases: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The seven tables, tidy: dimensions (text) and measures, totals included."""
    series = quarters(cases)
    codes = [str(q) for q in series]
    first, last = series[0].start_time, series[-1].end_time.normalize()
    last4 = series[-4].start_time
    ends = [q.end_time.normalize() for q in series]
    out: dict[str, pd.DataFrame] = {}

    received = cases[(cases.receipt_date >= first) & (cases.receipt_date <= last)].copy()
    received["quarter"] = received.receipt_date.dt.to_period("Q").astype(str)
    disposed = cases[(cases.completion_date >= first) & (cases.completion_date <= last)].copy()
    disposed["quarter"] = disposed.completion_date.dt.to_period("Q").astype(str)

    # Caseload: receipts, disposals and the cases open at each quarter end.
    receipts = received.groupby(["quarter", "court_type"]).size().rename("receipts")
    disposals = disposed.groupby(["quarter", "court_type"]).size().rename("disposals")
    open_rows = []
    for code, end in zip(codes, ends, strict=True):
        is_open = (cases.receipt_date <= end) & (
            cases.completion_date.isna() | (cases.completion_date > end)
        )
        counts = cases.loc[is_open, "court_type"].value_counts()
        open_rows += [(code, court, n) for court, n in counts.items()]
    open_cases = pd.DataFrame(open_rows, columns=["quarter", "court_type", "open_cases"])
    caseload = pd.concat([receipts, disposals], axis=1).reset_index()
    caseload = caseload.merge(open_cases, on=["quarter", "court_type"], how="outer")
    dims = {"quarter": codes, "court_type": COURTS}
    caseload = complete(caseload, dims, ["receipts", "disposals", "open_cases"])
    out["caseload"] = with_totals(
        caseload, list(dims), ["court_type"], ["receipts", "disposals", "open_cases"]
    )

    # Receipts in the latest four quarters by court type and offence group.
    recent = received[received.receipt_date >= last4]
    by_offence = recent.groupby(["court_type", "offence_group", "quarter"]).size()
    dims = {"court_type": COURTS, "offence_group": OFFENCES, "quarter": codes[-4:]}
    by_offence = complete(by_offence.rename("receipts").reset_index(), dims, ["receipts"])
    out["receipts-by-offence"] = with_totals(
        by_offence, list(dims), ["court_type", "offence_group"], ["receipts"]
    )

    # Crown Court cases open at each quarter end, by age band.
    crown = cases[cases.court_type == "Crown Court"]
    age_rows = []
    for code, end in zip(codes, ends, strict=True):
        is_open = (crown.receipt_date <= end) & (
            crown.completion_date.isna() | (crown.completion_date > end)
        )
        days = (end - crown.loc[is_open, "receipt_date"]).dt.days
        bands = pd.cut(days, [-np.inf, 91, 182, 364, np.inf], right=False, labels=AGE_BANDS)
        age_rows += [(code, band, n) for band, n in bands.value_counts().items()]
    by_age = pd.DataFrame(age_rows, columns=["quarter", "age_band", "open_cases"])
    by_age["age_band"] = by_age["age_band"].astype(str)
    dims = {"quarter": codes, "age_band": AGE_BANDS}
    by_age = complete(by_age, dims, ["open_cases"])
    out["crown-open-by-age"] = with_totals(by_age, list(dims), ["age_band"], ["open_cases"])

    # Timeliness: days from offence (magistrates') or charge (Crown Court) to completion.
    start = disposed.offence_date.where(
        disposed.court_type == "Magistrates' court", disposed.charge_date
    )
    disposed["days"] = (disposed.completion_date - start).dt.days
    grouped = disposed.groupby(["quarter", "court_type"])["days"]
    timeliness = pd.DataFrame(
        {
            "median_days": one_decimal(grouped.median()),
            "mean_days": one_decimal(grouped.mean()),
            "cases": grouped.count(),
            "cases_left_out": grouped.size() - grouped.count(),
        }
    ).reset_index()
    dims = {"quarter": codes, "court_type": COURTS}
    out["timeliness"] = complete(timeliness, dims, ["cases", "cases_left_out"])

    # Trial effectiveness: shares of effective, cracked and ineffective trials.
    trials = disposed[disposed.trial_outcome.isin(["Effective", "Cracked", "Ineffective"])]
    shares = pd.crosstab([trials.quarter, trials.court_type], trials.trial_outcome)
    n = shares.sum(axis=1)
    effectiveness = pd.DataFrame(
        {
            name.lower(): one_decimal(100 * shares.get(name, 0) / n)
            for name in ["Effective", "Cracked", "Ineffective"]
        }
    )
    effectiveness["trials"] = n
    out["trial-effectiveness"] = complete(effectiveness.reset_index(), dims, ["trials"])

    # Cases open at the latest quarter end, by region and court type.
    is_open = (cases.receipt_date <= last) & (
        cases.completion_date.isna() | (cases.completion_date > last)
    )
    by_region = cases[is_open].groupby(["region", "court_type"]).size().rename("open_cases")
    dims = {"region": REGIONS, "court_type": COURTS}
    by_region = complete(by_region.reset_index(), dims, ["open_cases"])
    out["open-by-region"] = with_totals(
        by_region, list(dims), ["region", "court_type"], ["open_cases"]
    )

    # Crown Court receipts in the latest four quarters by remand status.
    crown_recent = recent[recent.court_type == "Crown Court"].copy()
    crown_recent["remand_status"] = crown_recent.remand_status.fillna("Not recorded")
    by_remand = crown_recent.groupby(["quarter", "remand_status"]).size().rename("receipts")
    dims = {"quarter": codes[-4:], "remand_status": REMAND}
    by_remand = complete(by_remand.reset_index(), dims, ["receipts"])
    out["crown-receipts-by-remand"] = with_totals(
        by_remand, list(dims), ["remand_status"], ["receipts"]
    )
    return out


LAYOUT = {  # table id: (row dimensions, column dimension or None)
    "caseload": (["quarter", "court_type"], None),
    "receipts-by-offence": (["court_type", "offence_group"], "quarter"),
    "crown-open-by-age": (["quarter"], "age_band"),
    "timeliness": (["quarter", "court_type"], None),
    "trial-effectiveness": (["quarter", "court_type"], None),
    "open-by-region": (["region"], "court_type"),
    "crown-receipts-by-remand": (["quarter"], "remand_status"),
}


def wide(table: pd.DataFrame, rows: list[str], column: str | None) -> pd.DataFrame:
    """The table as published: one row per row category, one column per column category."""
    if column is None:
        return table.reset_index(drop=True)
    measure = [c for c in table.columns if c not in [*rows, column]][0]
    order = list(dict.fromkeys(table[column]))
    pivot = table.pivot_table(index=rows, columns=column, values=measure, sort=False)
    return pivot[order].reset_index()


def write(tidy: dict[str, pd.DataFrame], out: Path) -> None:
    """CSVs, the gptables workbook, Plotly charts (and their PNG images) and the Pandoc page."""
    import gptables
    import plotly.graph_objects as go
    import plotly.io as pio
    import pypandoc

    out.mkdir(parents=True, exist_ok=True)
    sheets = {}
    for number, (table_id, table) in enumerate(tidy.items(), 1):
        table.to_csv(out / f"{table_id}.csv", index=False)
        rows, column = LAYOUT[table_id]
        sheets[f"Table_{number}"] = gptables.GPTable(
            table=wide(table, rows, column),
            table_name=f"table_{number}",
            title=f"Table {number}: {table_id}",
            source="Source: HMCTS case management systems",
            index_columns={2: len(rows) - 1} if len(rows) > 1 else {2: 0},
        )
    warnings.filterwarnings("ignore", "No note text provided")
    gptables.write_workbook(filename=str(out / "baseline.xlsx"), sheets=sheets, contentsheet=None)

    charts, figures = [], []
    caseload = tidy["caseload"][tidy["caseload"].court_type != TOTAL]
    timeliness = tidy["timeliness"]
    by_age = tidy["crown-open-by-age"][tidy["crown-open-by-age"].age_band != TOTAL]
    for frame, series, measure, kind in [
        (caseload, "court_type", "open_cases", "line"),
        (by_age, "age_band", "open_cases", "column"),
        (timeliness, "court_type", "median_days", "line"),
    ]:
        fig = go.Figure(layout={"template": "afcharts" if _has_afcharts() else "plotly"})
        for name, part in frame.groupby(series, sort=False):
            trace = go.Scatter if kind == "line" else go.Bar
            fig.add_trace(trace(x=part["quarter"], y=part[measure], name=str(name)))
        charts.append(fig.to_html(full_html=False, include_plotlyjs=False))
        figures.append(fig)
    # GOV.UK takes charts as images: a PNG of each, 960 px wide, drawn by kaleido (one browser
    # for all of them, plotly's batch call), as statgen draws its own.
    os.environ.setdefault("BROWSER_PATH", shutil.which("chromium") or "/usr/bin/chromium")
    pio.write_images(
        figures, [out / f"chart-{n}.png" for n in range(1, len(figures) + 1)], width=960, height=640
    )

    body = ["# Criminal court statistics quarterly (baseline)", ""]
    for (table_id, table), chart in zip(tidy.items(), [*charts, *[""] * len(tidy)], strict=False):
        raw = f"```{{=html}}\n{chart}\n{table.to_html(index=False)}\n```"
        body += [f"## {table_id}", "", raw, ""]
    html = pypandoc.convert_text(
        "\n".join(body), "html", format="markdown", extra_args=["--standalone",
        "--metadata", "title=Criminal court statistics quarterly"],
    )  # fmt: skip
    (out / "index.html").write_text(html, encoding="utf-8")


def _has_afcharts() -> bool:
    try:
        import afcharts.pio_template  # noqa: F401
    except ImportError:
        return False
    return True


def check(tidy: dict[str, pd.DataFrame], extracts: Path) -> None:
    """Assert that the baseline's figures are statgen's (its tables before protection)."""
    import polars as pl
    from polars.testing import assert_frame_equal

    from statgen import extracts as extracts_mod
    from statgen import tables as tables_mod
    from statgen.config import load_publication
    from statgen.periods import Periods
    from statgen.stages import choose_period

    publication = load_publication(Path("publications/criminal-courts"))
    frames = extracts_mod.load(extracts, publication.extracts, dt.date.today())
    period = choose_period(frames, None, extracts)
    computed = tables_mod.compute(
        publication, frames, Periods.ending(period, publication.series_quarters)
    )
    for table in computed:
        theirs = pl.from_pandas(tidy[table.id])
        ours = table.data.select(theirs.columns)
        assert_frame_equal(
            ours.sort(table.spec.dims),
            theirs.select(ours.columns).sort(table.spec.dims),
            check_dtypes=False,
            abs_tol=1e-9,
        )


def main(argv: list[str]) -> None:
    mode, extracts, out = argv[0], Path(argv[1]), Path(argv[2])
    tidy = tables(read(extracts))
    write(tidy, out)
    if mode == "check":
        check(tidy, extracts)
    print(json.dumps({"tables": len(tidy), "rows": {k: len(v) for k, v in tidy.items()}}))


if __name__ == "__main__":
    main(sys.argv[1:])
