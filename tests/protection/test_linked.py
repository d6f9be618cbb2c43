"""The same count in two tables: protected in both, and QA refuses a table that gives it away,
as a number or rebuilt from a published percentage and its denominator (issue 15's example:
8.2% of a published 49 gives back the 4 that another table shows as [c])."""

from __future__ import annotations

import dataclasses

import polars as pl
import pytest
from tablemaking import PUBLICATION

from statgen import protection, tables
from statgen.config import Measure, Table
from statgen.protection import disclosure, linked
from statgen.review import qa
from statgen.tables import StatTable, marker_column

INCIDENTS = Measure(name="incidents", title="Incidents", unit="number", counts="incidents")


def by_prison() -> StatTable:
    # X 4 (primary), Y 45, Z 30 (secondary: the smaller other part), Total 79.
    spec = Table(
        id="by-prison", title="Incidents", transform="t", rows=["prison"],
        measures=[INCIDENTS], totals=["prison"], sheet="A",
    )  # fmt: skip
    frame = pl.DataFrame({"prison": ["X", "Y", "Z"], "incidents": [4, 45, 30]})
    return tables.finish(PUBLICATION, spec, frame, 1)


def shares() -> StatTable:
    spec = Table(
        id="shares", title="Share of prisoners", transform="t", rows=["prison"], sheet="B",
        measures=[
            INCIDENTS,
            Measure(name="prisoners", title="Prisoners", unit="number"),
            Measure(name="pct", title="Share", unit="%", kind="percentage",
                    numerator="incidents", denominator="prisoners"),
        ],
    )  # fmt: skip
    frame = pl.DataFrame(
        {"prison": ["X", "Y", "Z"], "incidents": [4, 45, 30], "prisoners": [49, 900, 600]}
    )
    return tables.finish(PUBLICATION, spec, frame, 2)


def hide(table: StatTable, prison: str, measure: str) -> StatTable:
    """The table with one count withheld by hand, everything else (the percentage) shown."""
    hit = pl.col("prison") == prison
    data = table.data.with_columns(
        pl.when(hit).then(None).otherwise(pl.col(measure)).alias(measure),
        pl.when(hit).then(pl.lit("c")).otherwise(pl.col(marker_column(measure)))
        .alias(marker_column(measure)),
    )  # fmt: skip
    return dataclasses.replace(table, data=data)


def test_rebuilding_a_count_from_a_percentage_by_hand() -> None:
    pct = shares().spec.measures[2]
    # 4 / 49 = 8.163% is published as 8.2%: between 8.15% and 8.25% of 49 (3.99 to 4.04) the
    # only whole number is 4.
    assert linked.rebuilt(100 * 4 / 49, 49, pct) == 4
    # 8.2% of 490: 39.9 to 40.4, so 40; of 10,000: 815 to 825, many counts fit.
    assert linked.rebuilt(8.2, 490, pct) == 40
    assert linked.rebuilt(8.2, 10_000, pct) is None


def test_qa_refuses_a_percentage_that_gives_a_suppressed_count_away() -> None:
    a, b = by_prison(), shares()
    pub_a = disclosure.protect_table(a, PUBLICATION.disclosure)
    assert pub_a.row(prison="X")["incidents"] is None
    # Table 2 withholds X's count itself but still shows its percentage and prisoners.
    pub_b = hide(b, "X", "incidents")
    problems = linked.exposures(PUBLICATION, [a, b], [pub_a, pub_b])
    assert any("8.2 of 49 is 4" in p and "Table 1 (by-prison), X" in p for p in problems)
    # Z (30) is suppressed in table 1 only as secondary, and table 2 shows it.
    assert any("Z: incidents is suppressed" in p and "shows it (30)" in p for p in problems)
    check = qa.disclosure_safe(PUBLICATION, [a, b], [pub_a, pub_b])
    assert check.status == "fail"


def test_protection_suppresses_the_count_in_every_table_and_qa_passes() -> None:
    a, b = by_prison(), shares()
    pub_a, pub_b = linked.protect_all(PUBLICATION, [a, b], disclosure.protect_table)
    for prison in ("X", "Z"):
        row = pub_b.row(prison=prison)
        assert (row["incidents"], row["pct"]) == (None, None)
        assert row[marker_column("pct")] == "c"
    assert pub_b.row(prison="Y")["pct"] == pytest.approx(5.0)  # 45 / 900
    assert linked.exposures(PUBLICATION, [a, b], [pub_a, pub_b]) == []
    assert qa.disclosure_safe(PUBLICATION, [a, b], [pub_a, pub_b]).status == "pass"


def test_counts_without_a_shared_name_or_a_rate_stay_their_own_tables() -> None:
    a, b = by_prison(), shares()
    own = Measure(name="incidents", title="Incidents", unit="number")
    # The same counts in a table with no rate or percentage of them: not linked by name.
    spec = b.spec.model_copy(update={"measures": [own, b.spec.measures[1]]})
    b = dataclasses.replace(b, spec=spec, data=b.data.drop("pct", marker_column("pct")))
    _, pub_b = linked.protect_all(PUBLICATION, [a, b], disclosure.protect_table)
    assert pub_b.row(prison="Z")["incidents"] == 30  # not linked: Z is not small in table 2
    assert pub_b.row(prison="X")["incidents"] is None  # primary in table 2 too


def _latest_and_series() -> tuple[StatTable, StatTable]:
    """The same count twice: a table by quarter and prison, and one for the release quarter
    (2026Q3) alone, by prison (no quarter dimension). In 2026Q3: X 3 (primary), Y 40, Z 30."""
    series_spec = Table(
        id="by-quarter", title="Incidents", transform="t", rows=["quarter", "prison"],
        measures=[INCIDENTS], totals=["prison"], sheet="A",
    )  # fmt: skip
    series = pl.DataFrame(
        {"quarter": ["2026Q2"] * 3 + ["2026Q3"] * 3, "prison": ["X", "Y", "Z"] * 2,
         "incidents": [50, 60, 70, 3, 40, 30]}
    )  # fmt: skip
    latest_spec = Table(
        id="latest", title="Incidents in the latest quarter", transform="t", rows=["prison"],
        measures=[INCIDENTS], totals=["prison"], sheet="B",
    )  # fmt: skip
    latest = pl.DataFrame({"prison": ["X", "Y", "Z"], "incidents": [3, 40, 30]})
    return (
        tables.finish(PUBLICATION, series_spec, series, 1),
        tables.finish(PUBLICATION, latest_spec, latest, 2),
    )


def _shown(table: StatTable, **where: str) -> dict[str, float | None]:
    rows = table.data.filter(*[pl.col(d) == v for d, v in where.items()]).to_dicts()
    return {r["prison"]: r["incidents"] for r in rows}


def test_a_table_of_the_release_period_is_the_same_count_as_that_period_in_a_series() -> None:
    series, latest = _latest_and_series()
    # The last release published 2026Q3's Z (30) unchanged, so the series table hides X with Y
    # (not public); the latest table, knowing no release, would hide X with Z (the smallest).
    public = {"by-quarter": {"incidents": frozenset({("2026Q3", "Z")})}}
    pub_series, pub_latest = protection.apply(PUBLICATION, [series, latest], public=public)
    in_series, in_latest = _shown(pub_series, quarter="2026Q3"), _shown(pub_latest)
    assert in_series["Total"] == in_latest["Total"] == 73
    # Together the two tables must not give X away: 73 - 40 - 30 = 3. Each prison's count is
    # either suppressed in both tables or shown in both.
    for prison in "XYZ":
        assert (in_series[prison] is None) == (in_latest[prison] is None), prison
    assert in_series["X"] is None
    known = {p for p in "YZ" if in_series[p] is not None or in_latest[p] is not None}
    assert known != {"Y", "Z"}
    assert linked.exposures(PUBLICATION, [series, latest], [pub_series, pub_latest]) == []


def test_qa_refuses_a_latest_table_that_shows_what_the_series_suppresses() -> None:
    series, latest = _latest_and_series()
    pub_series = hide(hide(series, "X", "incidents"), "Y", "incidents")  # both quarters: fine
    pub_latest = hide(hide(latest, "X", "incidents"), "Z", "incidents")
    problems = linked.exposures(PUBLICATION, [series, latest], [pub_series, pub_latest])
    assert any(
        "Table 1 (by-quarter), Jul to Sep 2026, Y: incidents is suppressed" in p
        and "Table 2 (latest), Y shows it (40)" in p
        for p in problems
    ), problems


def test_a_latest_table_does_not_hide_an_earlier_period_that_has_the_same_value() -> None:
    # Table 1: incidents by quarter and prison, with prisoners and the percentage. Table 2: the
    # release quarter (2026Q3) by prison, the same `counts: incidents`. In 2026Q3 X is 2
    # (primary) and Y 8 (secondary: the smaller other part of the Total); 2026Q2 has nothing
    # small (X 20, Y 8, Z 50). Its Y is another quarter's count that happens to be 8 too: a
    # table of the release quarter says nothing about it, so 2026Q2 is published in full.
    pct = Measure(name="pct", title="Share", unit="%", kind="percentage",
                  numerator="incidents", denominator="prisoners")  # fmt: skip
    prisoners = Measure(name="prisoners", title="Prisoners", unit="number")
    series_spec = Table(
        id="by-quarter", title="Incidents", transform="t", rows=["quarter", "prison"],
        measures=[INCIDENTS, prisoners, pct], totals=["prison"], sheet="A",
    )  # fmt: skip
    latest_spec = Table(
        id="latest", title="Incidents in the latest quarter", transform="t", rows=["prison"],
        measures=[INCIDENTS], totals=["prison"], sheet="B",
    )  # fmt: skip
    series = tables.finish(
        PUBLICATION,
        series_spec,
        pl.DataFrame(
            {
                "quarter": ["2026Q2"] * 3 + ["2026Q3"] * 3,
                "prison": ["X", "Y", "Z"] * 2,
                "incidents": [20, 8, 50, 2, 8, 50],
                "prisoners": [100] * 6,
            }
        ),  # fmt: skip
        1,
    )
    latest = tables.finish(
        PUBLICATION,
        latest_spec,
        pl.DataFrame({"prison": ["X", "Y", "Z"], "incidents": [2, 8, 50]}),
        2,
    )
    pub_series, pub_latest = protection.apply(PUBLICATION, [series, latest])
    assert _shown(pub_series, quarter="2026Q2") == {"X": 20, "Y": 8, "Z": 50, "Total": 78}
    q2 = pub_series.data.filter(pl.col("quarter") == "2026Q2")
    assert q2["pct"].to_list() == pytest.approx([20.0, 8.0, 50.0, 26.0])
    assert _shown(pub_series, quarter="2026Q3") == {"X": None, "Y": None, "Z": 50, "Total": 60}
    assert _shown(pub_latest) == {"X": None, "Y": None, "Z": 50, "Total": 60}
    assert linked.exposures(PUBLICATION, [series, latest], [pub_series, pub_latest]) == []
    explained = linked.explained(PUBLICATION, [series, latest], [pub_series, pub_latest])
    assert not any("Apr to Jun 2026" in line for line in explained), explained
