"""Every Electronic Monitoring table on a hand-made extract, with answers worked out by hand.

The release period is Oct to Dec 2025 and the series is two quarters (quarter ends 30 September
and 31 December 2025). The extract has orders ending and starting exactly on quarter ends,
a person with three orders, a tie on start date, an order not yet started and a null age.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from handmade import cells

from statgen import tables as tables_mod
from statgen.config import load_publication
from statgen.extracts import load
from statgen.periods import Periods, Quarter
from statgen.tables import StatTable

ROOT = Path(__file__).resolve().parents[2]
COLUMNS = ["order_id", "person_id", "order_type", "device_type", "region", "sex", "age_at_start",
           "notification_date", "start_date", "end_date", "end_reason"]  # fmt: skip
ORDERS = [
    # O1 ends on the Q3 quarter end: not active on 30 Sep (active means end_date > d).
    ("O1", "A", "Court bail", "RF curfew", "London", "Male", "30", "2025-07-01", "2025-07-02", "2025-09-30", "Completed"),
    # O2 starts on the Q3 quarter end: active on 30 Sep.
    ("O2", "A", "Court order", "GPS location", "London", "Male", "30", "2025-09-20", "2025-09-30", "", ""),
    # O3 and O4 start on the same day: the primary order is the smaller order_id, O3.
    ("O3", "B", "Post-release", "RF curfew", "Wales", "Female", "24", "2025-06-15", "2025-06-20", "", ""),
    ("O4", "B", "Court bail", "GPS location", "Wales", "Female", "24", "2025-06-15", "2025-06-20", "2026-01-15", "Completed"),
    # O5 has not started: never active.
    ("O5", "C", "Specials", "Alcohol monitoring", "North East", "Unknown", "", "2025-10-01", "", "", ""),
    # O6 ends exactly on the Q4 quarter end.
    ("O6", "D", "Immigration bail", "GPS location", "London", "Male", "55", "2025-08-01", "2025-08-05", "2025-12-31", "Breach"),
    # O7 is notified and starts on the last day of Q4, aged 17.
    ("O7", "E", "Court order", "RF curfew", "North East", "Male", "17", "2025-12-31", "2025-12-31", "", ""),
    # O8: person A's latest start by 31 Dec, so A's primary order then.
    ("O8", "A", "Post-release", "RF curfew", "London", "Male", "31", "2025-11-01", "2025-11-10", "", ""),
]  # fmt: skip


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> dict[str, StatTable]:
    folder = tmp_path_factory.mktemp("orders")
    pl.DataFrame([list(r) for r in ORDERS], schema=COLUMNS, orient="row").write_csv(
        folder / "orders.csv"
    )
    publication = load_publication(ROOT / "publications" / "electronic-monitoring")
    frames = load(folder, publication.extracts, dt.date(2026, 11, 25))
    periods = Periods.ending(Quarter(2025, 4), 2)
    return {t.id: t for t in tables_mod.compute(publication, frames, periods)}


def test_people_by_order_type(tables: dict[str, StatTable]) -> None:
    t = tables["people-by-order-type"]
    assert cells(t, "people") == {
        # 30 Sep: A by O2 (O1 ended that day), B by O3 (tie with O4), D by O6.
        ("2025Q3", "Court order"): 1, ("2025Q3", "Post-release"): 1, ("2025Q3", "Immigration bail"): 1,
        ("2025Q3", "Total"): 3,
        # 31 Dec: A by O8 (latest start), B by O3, E by O7; D's O6 ended that day.
        ("2025Q4", "Post-release"): 2, ("2025Q4", "Court order"): 1, ("2025Q4", "Total"): 3,
    }  # fmt: skip
    # Every category is shown, zeros included, in the configured order, Total last.
    assert t.categories["order_type"] == [
        "Court bail", "Court order", "Post-release", "Immigration bail", "Specials", "Total",
    ]  # fmt: skip


def test_people_by_device_type(tables: dict[str, StatTable]) -> None:
    assert cells(tables["people-by-device-type"], "people") == {
        ("2025Q3", "GPS location"): 2, ("2025Q3", "RF curfew"): 1, ("2025Q3", "Total"): 3,
        ("2025Q4", "RF curfew"): 3, ("2025Q4", "Total"): 3,
    }  # fmt: skip


def test_people_by_region_at_latest_quarter_end(tables: dict[str, StatTable]) -> None:
    assert cells(tables["people-by-region"], "people") == {
        ("London", "Post-release"): 1, ("London", "Total"): 1,
        ("North East", "Court order"): 1, ("North East", "Total"): 1,
        ("Wales", "Post-release"): 1, ("Wales", "Total"): 1,
        ("Total", "Court order"): 1, ("Total", "Post-release"): 2, ("Total", "Total"): 3,
    }  # fmt: skip


def test_notifications(tables: dict[str, StatTable]) -> None:
    # O3 and O4 were notified in Apr to Jun 2025, before the series.
    assert cells(tables["notifications"], "orders") == {
        ("2025Q3", "Court bail"): 1, ("2025Q3", "Court order"): 1, ("2025Q3", "Immigration bail"): 1,
        ("2025Q3", "Total"): 3,
        ("2025Q4", "Court order"): 1, ("2025Q4", "Post-release"): 1, ("2025Q4", "Specials"): 1,
        ("2025Q4", "Total"): 3,
    }  # fmt: skip


def test_orders_ended(tables: dict[str, StatTable]) -> None:
    got = cells(tables["orders-ended"], "orders")
    assert got == {
        ("2025Q3", "Court bail", "Completed"): 1, ("2025Q3", "Court bail", "Total"): 1,
        ("2025Q3", "Total", "Completed"): 1, ("2025Q3", "Total", "Total"): 1,
        ("2025Q4", "Immigration bail", "Breach"): 1, ("2025Q4", "Immigration bail", "Total"): 1,
        ("2025Q4", "Total", "Breach"): 1, ("2025Q4", "Total", "Total"): 1,
    }  # fmt: skip


def test_people_by_sex_and_age(tables: dict[str, StatTable]) -> None:
    # Age at the start of the primary order: A's O8 (31), B's O3 (24), E's O7 (17).
    assert cells(tables["people-by-sex-and-age"], "people") == {
        ("Under 18", "Male"): 1, ("Under 18", "Total"): 1,
        ("18 to 24", "Female"): 1, ("18 to 24", "Total"): 1,
        ("25 to 34", "Male"): 1, ("25 to 34", "Total"): 1,
        ("Total", "Male"): 2, ("Total", "Female"): 1, ("Total", "Total"): 3,
    }  # fmt: skip


def test_days_to_start(tables: dict[str, StatTable]) -> None:
    t = tables["days-to-start"]
    # Started in Q3: O1 after 1 day (RF), O2 after 10 and O6 after 4 (GPS).
    # Started in Q4: O7 after 0 days and O8 after 9 (RF). No GPS order started in Q4.
    assert cells(t, "median_days") == {
        ("2025Q3", "RF curfew"): 1.0, ("2025Q3", "GPS location"): 7.0, ("2025Q3", "All device types"): 4.0,
        ("2025Q4", "RF curfew"): 4.5, ("2025Q4", "All device types"): 4.5,
    }  # fmt: skip
    gps = t.row(quarter="2025Q4", device_type="GPS location")
    assert gps["median_days"] is None and gps["median_days__marker"] == "z"
    assert gps["orders"] == 0


def test_counts_of_nothing_are_zeros_without_shorthand(tables: dict[str, StatTable]) -> None:
    # Nobody on a Specials order at either quarter end: a true zero, not "not applicable".
    row = tables["people-by-order-type"].row(quarter="2025Q3", order_type="Specials")
    assert row["people"] == 0 and row["people__marker"] is None
