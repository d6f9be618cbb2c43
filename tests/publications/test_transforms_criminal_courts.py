"""Every Criminal court statistics table on a hand-made extract, with answers worked out by hand.

The release period is Oct to Dec 2025 and the series is two quarters: quarter ends 30 September
(Q3) and 31 December 2025 (Q4). "Last four quarters" tables therefore show those two quarters.

The extract has cases received on the last day of a quarter, completed exactly on a quarter end
(and on the day they were received), received before the series and still open, completed
before the series, open Crown Court cases aged 90/91, 181/182 and 363/364 days at 31 December,
missing offence, charge and remand values, and a vacated trial.
"""

# ruff: noqa: E501  (the hand-made extract reads best as one case per line)
from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from handmade import cells

from statgen import tables as tables_mod
from statgen.config import load_publication
from statgen.errors import ExtractError
from statgen.extracts import load
from statgen.extracts.sample import write_sample
from statgen.periods import Periods, Quarter
from statgen.tables import StatTable

ROOT = Path(__file__).resolve().parents[2]
PUBLICATION = ROOT / "publications" / "criminal-courts"
TODAY = dt.date(2026, 11, 25)
MC, CC = "Magistrates' court", "Crown Court"
COLUMNS = ["case_id", "court_type", "case_type", "offence_group", "region", "offence_date", "charge_date",
           "receipt_date", "completion_date", "trial_outcome", "remand_status"]  # fmt: skip
CASES = [
    # --- Crown Court. Ages are days from receipt to 31 Dec 2025 (and to 30 Sep 2025). ---
    # C1: received on the last day of Q4 and open: age 0 at 31 Dec.
    ("C1", CC, "Trial", "Robbery", "London", "2025-11-01", "2025-12-01", "2025-12-31", "", "", "Custody"),
    # C2: age 90 at 31 Dec: under 13 weeks (the last day of the band).
    ("C2", CC, "Trial", "Robbery", "London", "2025-09-01", "2025-09-20", "2025-10-02", "", "", "Bail"),
    # C3: age 91: 13 to 26 weeks (its first day). Remand status missing.
    ("C3", CC, "Trial", "Sexual offences", "Wales", "2020-01-01", "2025-09-01", "2025-10-01", "", "", ""),
    # C4: age 181 (13 to 26 weeks); 89 at 30 Sep (under 13 weeks).
    ("C4", CC, "Trial", "Drug offences", "Wales", "2025-06-01", "2025-06-20", "2025-07-03", "", "", "Bail"),
    # C5: age 182 (26 to 52 weeks); 90 at 30 Sep (under 13 weeks).
    ("C5", CC, "Committal for sentence", "Drug offences", "Midlands", "2025-06-01", "2025-06-20", "2025-07-02", "", "", "Summons"),
    # C6: received before the series, age 363 (26 to 52 weeks); 271 at 30 Sep.
    ("C6", CC, "Trial", "Violence against the person", "Midlands", "2024-11-01", "2024-12-01", "2025-01-02", "", "", "Bail"),
    # C7: age 364 (52 weeks and over); 272 at 30 Sep (26 to 52 weeks).
    ("C7", CC, "Trial", "Sexual offences", "North West", "2024-11-01", "2024-12-01", "2025-01-01", "", "", "Custody"),
    # C8: completed exactly on the Q3 quarter end: a Q3 disposal, not open at 30 Sep.
    # Charge to completion: 517 days. Effective trial.
    ("C8", CC, "Trial", "Fraud offences", "London", "2024-04-01", "2024-05-01", "2024-06-01", "2025-09-30", "Effective", "Bail"),
    # C9: received and completed in the series; charge to completion 118 days; cracked trial.
    ("C9", CC, "Trial", "Violence against the person", "London", "2025-07-01", "2025-07-20", "2025-08-01", "2025-11-15", "Cracked", "Custody"),
    # C10: completed on the Q4 quarter end (not open at 31 Dec); no charge date (left out of
    # timeliness); vacated trial (left out of trial effectiveness).
    ("C10", CC, "Trial", "Theft offences", "Wales", "2025-07-01", "", "2025-08-15", "2025-12-31", "Vacated", "Custody"),
    # C11: received and completed before the series: in no figure.
    ("C11", CC, "Appeal", "Fraud offences", "London", "2022-12-01", "2022-12-20", "2023-01-10", "2024-02-01", "Effective", "Bail"),
    # C12: received on the last day of Q3 (open at 30 Sep, age 0); charge to completion 49 days;
    # ineffective trial.
    ("C12", CC, "Trial", "Violence against the person", "South East", "2025-08-01", "2025-09-01", "2025-09-30", "2025-10-20", "Ineffective", "Bail"),
    # --- Magistrates' courts. Timeliness runs from the offence date. ---
    # M1: received and completed on the Q3 quarter end: a Q3 receipt and disposal, never open.
    # Offence to completion 29 days.
    ("M1", MC, "Summary motoring", "Summary offences", "London", "2025-09-01", "2025-09-10", "2025-09-30", "2025-09-30", "", "Summons"),
    # M2: no offence date (left out of timeliness); effective trial; completed in Q4.
    ("M2", MC, "Either way", "Theft offences", "Wales", "", "2025-07-01", "2025-07-10", "2025-10-05", "Effective", "Bail"),
    # M3: received before the series and still open.
    ("M3", MC, "Either way", "Public order offences", "London", "2025-02-01", "2025-02-10", "2025-03-01", "", "", ""),
    # M4: 62 days; effective trial.
    ("M4", MC, "Summary non-motoring", "Summary offences", "South East", "2025-09-30", "2025-10-20", "2025-11-01", "2025-12-01", "Effective", "Summons"),
    # M5: 71 days; ineffective trial.
    ("M5", MC, "Either way", "Theft offences", "South East", "2025-10-10", "2025-10-12", "2025-10-15", "2025-12-20", "Ineffective", "Bail"),
    # M6: open; a vacated trial on an open case counts nowhere.
    ("M6", MC, "Either way", "Summary offences", "Wales", "2025-08-01", "", "2025-08-20", "", "Vacated", "Summons"),
    # M7: 33 days; no trial.
    ("M7", MC, "Summary motoring", "Summary offences", "London", "2025-10-18", "", "2025-10-20", "2025-11-20", "", "Summons"),
    # M8: 40 days; no trial.
    ("M8", MC, "Indictable only", "Drug offences", "South East", "2025-10-31", "2025-11-01", "2025-11-10", "2025-12-10", "", "Custody"),
]  # fmt: skip


def write(folder: Path, rows: list[tuple[str, ...]]) -> Path:
    pl.DataFrame([list(r) for r in rows], schema=COLUMNS, orient="row").write_csv(
        folder / "cases.csv"
    )
    return folder


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> dict[str, StatTable]:
    folder = write(tmp_path_factory.mktemp("cases"), CASES)
    publication = load_publication(PUBLICATION)
    frames = load(folder, publication.extracts, TODAY)
    periods = Periods.ending(Quarter(2025, 4), 2)
    return {t.id: t for t in tables_mod.compute(publication, frames, periods)}


def test_receipts(tables: dict[str, StatTable]) -> None:
    # Q3 Crown: C4, C5, C9, C10, C12 (received 30 Sep, the last day). Q4 Crown: C1 (31 Dec), C2, C3.
    # Q3 magistrates': M1 (30 Sep), M2, M6. Q4: M4, M5, M7, M8. C6, C7, C8, C11 and M3 came earlier.
    assert cells(tables["caseload"], "receipts") == {
        ("2025Q3", MC): 3, ("2025Q3", CC): 5, ("2025Q3", "Total"): 8,
        ("2025Q4", MC): 4, ("2025Q4", CC): 3, ("2025Q4", "Total"): 7,
    }  # fmt: skip


def test_disposals(tables: dict[str, StatTable]) -> None:
    # Q3: C8 and M1, both completed on 30 Sep. Q4: C9, C10 (31 Dec), C12; M2, M4, M5, M7, M8.
    assert cells(tables["caseload"], "disposals") == {
        ("2025Q3", MC): 1, ("2025Q3", CC): 1, ("2025Q3", "Total"): 2,
        ("2025Q4", MC): 5, ("2025Q4", CC): 3, ("2025Q4", "Total"): 8,
    }  # fmt: skip


def test_open_caseload_at_quarter_ends(tables: dict[str, StatTable]) -> None:
    # 30 Sep, Crown: C4, C5, C6, C7, C9, C10, C12 (received that day); not C8 (completed that day).
    # 30 Sep, magistrates': M2, M3, M6; not M1 (received and completed that day).
    # 31 Dec, Crown: C1 (received that day) to C7; not C10 (completed that day), C9, C12.
    # 31 Dec, magistrates': M3, M6.
    assert cells(tables["caseload"], "open_cases") == {
        ("2025Q3", MC): 3, ("2025Q3", CC): 7, ("2025Q3", "Total"): 10,
        ("2025Q4", MC): 2, ("2025Q4", CC): 7, ("2025Q4", "Total"): 9,
    }  # fmt: skip


def test_receipts_by_offence(tables: dict[str, StatTable]) -> None:
    assert cells(tables["receipts-by-offence"], "receipts") == {
        (MC, "Theft offences", "2025Q3"): 1, (MC, "Theft offences", "2025Q4"): 1,
        (MC, "Drug offences", "2025Q4"): 1,
        (MC, "Summary offences", "2025Q3"): 2, (MC, "Summary offences", "2025Q4"): 2,
        (MC, "Total", "2025Q3"): 3, (MC, "Total", "2025Q4"): 4,
        (CC, "Violence against the person", "2025Q3"): 2,
        (CC, "Sexual offences", "2025Q4"): 1,
        (CC, "Robbery", "2025Q4"): 2,
        (CC, "Theft offences", "2025Q3"): 1,
        (CC, "Drug offences", "2025Q3"): 2,
        (CC, "Total", "2025Q3"): 5, (CC, "Total", "2025Q4"): 3,
        ("Total", "Violence against the person", "2025Q3"): 2,
        ("Total", "Sexual offences", "2025Q4"): 1,
        ("Total", "Robbery", "2025Q4"): 2,
        ("Total", "Theft offences", "2025Q3"): 2, ("Total", "Theft offences", "2025Q4"): 1,
        ("Total", "Drug offences", "2025Q3"): 2, ("Total", "Drug offences", "2025Q4"): 1,
        ("Total", "Summary offences", "2025Q3"): 2, ("Total", "Summary offences", "2025Q4"): 2,
        ("Total", "Total", "2025Q3"): 8, ("Total", "Total", "2025Q4"): 7,
    }  # fmt: skip


def test_crown_open_by_age_band_edges(tables: dict[str, StatTable]) -> None:
    t = tables["crown-open-by-age"]
    assert cells(t, "open_cases") == {
        # 30 Sep: C12 (0 days), C10 (46), C9 (60), C4 (89), C5 (90) under 13 weeks;
        # C6 (271) and C7 (272) 26 to 52 weeks.
        ("2025Q3", "Under 13 weeks"): 5, ("2025Q3", "26 to 52 weeks"): 2, ("2025Q3", "Total"): 7,
        # 31 Dec: C1 (0) and C2 (90) under 13 weeks; C3 (91) and C4 (181) 13 to 26 weeks;
        # C5 (182) and C6 (363) 26 to 52 weeks; C7 (364) 52 weeks and over.
        ("2025Q4", "Under 13 weeks"): 2, ("2025Q4", "13 to 26 weeks"): 2,
        ("2025Q4", "26 to 52 weeks"): 2, ("2025Q4", "52 weeks and over"): 1, ("2025Q4", "Total"): 7,
    }  # fmt: skip
    assert t.categories["age_band"] == [
        "Under 13 weeks", "13 to 26 weeks", "26 to 52 weeks", "52 weeks and over", "Total",
    ]  # fmt: skip


def test_timeliness(tables: dict[str, StatTable]) -> None:
    t = tables["timeliness"]
    # Q3: Crown C8 517 days from charge; magistrates' M1 29 days from offence.
    measures = ("median_days", "mean_days", "cases", "cases_left_out")
    got = {
        (q, c): tuple(t.row(quarter=q, court_type=c)[m] for m in measures)
        for q in ("2025Q3", "2025Q4")
        for c in (MC, CC)
    }
    assert got[("2025Q3", CC)] == (517.0, 517.0, 1, 0)
    assert got[("2025Q3", MC)] == (29.0, 29.0, 1, 0)
    # Q4 Crown: C9 118 and C12 49 days; C10 has no charge date, so is left out.
    # Median and mean (49 + 118) / 2 = 83.5.
    assert got[("2025Q4", CC)] == (83.5, 83.5, 2, 1)
    # Q4 magistrates': M7 33, M8 40, M4 62, M5 71 days; M2 has no offence date, so is left out.
    # Median (40 + 62) / 2 = 51.0; mean 206 / 4 = 51.5.
    assert got[("2025Q4", MC)] == (51.0, 51.5, 4, 1)


def test_mean_rounds_half_away_from_zero(tmp_path: Path) -> None:
    # Four Crown Court cases completed on 31 Dec 2025, 10, 10, 10 and 11 days after charge:
    # mean 41 / 4 = 10.25, published as 10.3 (halves round away from zero, not to even: 10.2).
    rows = [
        (
            f"X{i}",
            CC,
            "Trial",
            "Robbery",
            "London",
            "",
            charge,
            "2025-12-22",
            "2025-12-31",
            "",
            "Bail",
        )
        for i, charge in enumerate(["2025-12-21", "2025-12-21", "2025-12-21", "2025-12-20"])
    ]
    publication = load_publication(PUBLICATION)
    frames = load(write(tmp_path, rows), publication.extracts, TODAY)
    tables = {
        t.id: t
        for t in tables_mod.compute(publication, frames, Periods.ending(Quarter(2025, 4), 2))
    }
    row = tables["timeliness"].row(quarter="2025Q4", court_type=CC)
    assert (row["median_days"], row["mean_days"], row["cases"]) == (10.0, 10.3, 4)


def test_trial_effectiveness(tables: dict[str, StatTable]) -> None:
    t = tables["trial-effectiveness"]
    measures = ("effective", "cracked", "ineffective", "trials")
    got = {
        (q, c): tuple(t.row(quarter=q, court_type=c)[m] for m in measures)
        for q in ("2025Q3", "2025Q4")
        for c in (MC, CC)
    }
    assert got == {
        # Q3 Crown: C8 effective. Q3 magistrates': M1 had no trial: no percentages [z], 0 trials.
        ("2025Q3", CC): (100.0, 0.0, 0.0, 1),
        ("2025Q3", MC): (None, None, None, 0),
        # Q4 Crown: C9 cracked, C12 ineffective; C10's vacated trial is left out.
        ("2025Q4", CC): (0.0, 50.0, 50.0, 2),
        # Q4 magistrates': M2 and M4 effective, M5 ineffective: 2/3 = 66.7%, 1/3 = 33.3%.
        ("2025Q4", MC): (66.7, 0.0, 33.3, 3),
    }
    assert t.row(quarter="2025Q3", court_type=MC)["effective__marker"] == "z"


def test_open_by_region_at_latest_quarter_end(tables: dict[str, StatTable]) -> None:
    # 31 Dec: Crown C1, C2 (London), C3, C4 (Wales), C5, C6 (Midlands), C7 (North West);
    # magistrates' M3 (London), M6 (Wales).
    assert cells(tables["open-by-region"], "open_cases") == {
        ("London", MC): 1, ("London", CC): 2, ("London", "Total"): 3,
        ("Midlands", CC): 2, ("Midlands", "Total"): 2,
        ("North West", CC): 1, ("North West", "Total"): 1,
        ("Wales", MC): 1, ("Wales", CC): 2, ("Wales", "Total"): 3,
        ("Total", MC): 2, ("Total", CC): 7, ("Total", "Total"): 9,
    }  # fmt: skip


def test_crown_receipts_by_remand(tables: dict[str, StatTable]) -> None:
    t = tables["crown-receipts-by-remand"]
    # Q3: C9, C10 custody; C4, C12 bail; C5 summons. Q4: C1 custody, C2 bail, C3 not recorded.
    # M3's missing remand status is a magistrates' case: not counted here.
    assert cells(t, "receipts") == {
        ("2025Q3", "Custody"): 2, ("2025Q3", "Bail"): 2, ("2025Q3", "Summons"): 1, ("2025Q3", "Total"): 5,
        ("2025Q4", "Custody"): 1, ("2025Q4", "Bail"): 1, ("2025Q4", "Not recorded"): 1, ("2025Q4", "Total"): 3,
    }  # fmt: skip
    assert t.categories["remand_status"] == ["Custody", "Bail", "Summons", "Not recorded", "Total"]


def test_case_type_must_belong_to_court_type(tmp_path: Path) -> None:
    bad = list(CASES)
    bad[0] = ("C1", CC, "Either way", *CASES[0][3:])  # a magistrates' case type in the Crown Court
    bad[12] = ("M1", MC, "Appeal", *CASES[12][3:])  # and a Crown Court one in a magistrates' court
    publication = load_publication(PUBLICATION)
    with pytest.raises(ExtractError) as err:
        load(write(tmp_path, bad), publication.extracts, TODAY)
    problems = [p for p in err.value.problems if p.column == "case_type"]
    assert len(problems) == 1
    assert problems[0].message == "values that do not belong to their court_type"
    assert problems[0].rows == (2, 14)  # CSV lines (the header is line 1)
    assert problems[0].count == 2


def test_completion_before_receipt_rejected(tmp_path: Path) -> None:
    bad = list(CASES)
    bad[8] = (
        *CASES[8][:7],
        "2025-08-01",
        "2025-07-31",
        *CASES[8][9:],
    )  # C9 completed the day before receipt
    publication = load_publication(PUBLICATION)
    with pytest.raises(ExtractError) as err:
        load(write(tmp_path, bad), publication.extracts, TODAY)
    [problem] = err.value.problems
    assert (problem.column, problem.rows) == ("completion_date", (10,))


def test_cumulative_open_caseload_matches_definition(tmp_path: Path) -> None:
    """The cumulative series (receipts minus completions) counts exactly the cases open by definition."""
    publication = load_publication(PUBLICATION)
    write_sample(publication, tmp_path, scale=0.005)
    cases = load(tmp_path, publication.extracts, TODAY)["cases"]
    periods = Periods.ending(Quarter(2026, 3), 12)
    module = tables_mod.load_transforms(publication)
    series = module.open_caseload_series(cases.lazy(), periods, ["court_type"]).collect()
    for quarter in periods.series:
        day = quarter.end
        for court in (MC, CC):
            by_definition = cases.filter(
                pl.col("court_type") == court,
                pl.col("receipt_date") <= day,
                pl.col("completion_date").is_null() | (pl.col("completion_date") > day),
            ).height
            got = series.filter(pl.col("quarter") == quarter.code, pl.col("court_type") == court)[
                "open_cases"
            ].item()
            assert got == by_definition, (quarter.code, court)
