"""Rates and percentages are protected across tables without ``counts:`` (issue 15): the count
a published percentage implies (its numerator, or its figure times its published denominator)
is checked against every count another table suppresses for the same population (same name,
categories that agree, same value). Every table here is small enough to work out by hand.

Table 1 (by prison, with a Total): X 4, Y 45, Z 30, Total 79. X is primary ([c], 4 is at the
threshold); the line Total = X + Y + Z then has one hidden cell, so the smaller other part, Z
(30), is secondary. Table 1 hides X (4) and Z (30).
"""

from __future__ import annotations

import dataclasses
from decimal import ROUND_HALF_UP, Decimal

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tablemaking import PUBLICATION

from statgen import tables
from statgen.config import Disclosure, Measure, Table
from statgen.protection import disclosure, linked
from statgen.review import qa
from statgen.tables import StatTable, marker_column

PRISONS = ["X", "Y", "Z"]
PRISONERS = [49, 900, 600]


def counts_by_prison(values: list[int]) -> StatTable:
    """Table 1: incidents by prison (and Total), no ``counts:`` declared."""
    spec = Table(
        id="by-prison", title="Incidents", transform="t", rows=["prison"], sheet="A",
        measures=[Measure(name="incidents", title="Incidents", unit="number")],
        totals=["prison"],
    )  # fmt: skip
    frame = pl.DataFrame({"prison": PRISONS, "incidents": values})
    return tables.finish(PUBLICATION, spec, frame, 1)


def shares(
    values: list[int],
    numerator: str = "incidents",
    counts: str | None = None,
    table_id: str = "shares",
    rules: Disclosure | None = None,
) -> StatTable:
    """A table of a count by prison, the prisoners and the count as a percentage of them."""
    spec = Table(
        id=table_id, title="Share of prisoners", transform="t", rows=["prison"], sheet="B",
        disclosure=rules,
        measures=[
            Measure(name=numerator, title="Incidents", unit="number", counts=counts),
            Measure(name="prisoners", title="Prisoners", unit="number"),
            Measure(name="pct", title="Share", unit="%", kind="percentage",
                    numerator=numerator, denominator="prisoners"),
        ],
    )  # fmt: skip
    frame = pl.DataFrame({"prison": PRISONS, numerator: values, "prisoners": PRISONERS})
    return tables.finish(PUBLICATION, spec, frame, 2)


def protect(*computed: StatTable) -> list[StatTable]:
    return linked.protect_all(PUBLICATION, list(computed), disclosure.protect_table)


def shown(table: StatTable, measure: str) -> list[float | None]:
    return table.data[measure].to_list()


def test_a_percentage_of_a_count_another_table_suppresses_is_suppressed_with_it() -> None:
    a, b = counts_by_prison([4, 45, 30]), shares([4, 45, 30])
    pub_a, pub_b = protect(a, b)
    assert shown(pub_a, "incidents") == [None, 45, None, 79]
    # Table 2: X is small there too; Z (30) is not, but table 1 hides Z's 30, so it and its
    # percentage (5.0%) are suppressed, as secondary suppression. Y's 45 / 900 = 5.0% stays.
    assert shown(pub_b, "incidents") == [None, 45, None]
    assert shown(pub_b, "pct") == [None, pytest.approx(5.0), None]
    assert pub_b.data[marker_column("pct")].to_list() == ["c", None, "c"]
    assert shown(pub_b, "prisoners") == PRISONERS
    check = qa.disclosure_safe(PUBLICATION, [a, b], [pub_a, pub_b])
    assert check.status == "pass"
    assert "Table 2 (shares), incidents: 2 of 3 cells suppressed (1 primary, 1 secondary)" in (
        check.details
    )
    assert (
        "Table 2 (shares), Z: incidents (pct with it) suppressed because Table 1 (by-prison), Z "
        "suppresses the same count" in check.details
    )


def test_eight_point_two_percent_of_49_is_never_published_beside_a_hidden_4() -> None:
    # Table 2 has a lower threshold of its own (2): its 4 is not small there, so only table 1
    # makes it secret. 4 / 49 = 8.163% would read as 8.2%, and 8.15% to 8.25% of 49 (3.99 to
    # 4.04) leaves only 4.
    a = counts_by_prison([4, 45, 30])
    b = shares([4, 45, 30], rules=Disclosure(threshold=2))
    pub_a, pub_b = protect(a, b)
    assert shown(pub_b, "incidents") == [None, 45, None]
    assert shown(pub_b, "pct") == [None, pytest.approx(5.0), None]
    assert qa.disclosure_safe(PUBLICATION, [a, b], [pub_a, pub_b]).status == "pass"


def test_qa_finds_the_count_a_percentage_gives_away_with_no_counts_declared() -> None:
    a, b = counts_by_prison([4, 45, 30]), shares([4, 45, 30])
    pub_a = disclosure.protect_table(a, PUBLICATION.disclosure)
    # Table 2 as a careless build would publish it: X's count withheld, its 8.2% and its 49
    # prisoners shown; Z's 30 shown as it is.
    hit = pl.col("prison") == "X"
    pub_b = dataclasses.replace(
        b, data=b.data.with_columns(pl.when(hit).then(None).otherwise(pl.col("incidents"))
                                    .alias("incidents"))
    )  # fmt: skip
    problems = linked.exposures(PUBLICATION, [a, b], [pub_a, pub_b])
    assert problems == [
        # Its own withheld X too: the percentage beside it gives it away.
        "Table 2 (shares), X: incidents is suppressed, but Table 2 (shares), X gives it "
        "away: Share 8.2 of 49 is 4",
        "Table 1 (by-prison), X: incidents is suppressed, but Table 2 (shares), X gives it "
        "away: Share 8.2 of 49 is 4",
        "Table 1 (by-prison), Z: incidents is suppressed, but Table 2 (shares), Z gives it "
        "away: incidents 30 is shown with Share",
    ]
    assert qa.disclosure_safe(PUBLICATION, [a, b], [pub_a, pub_b]).status == "fail"


@pytest.mark.parametrize(
    ("values", "numerator", "counts"),
    [
        # Night incidents: another population with the same name; its counts (6, 20, 31)
        # are not table 1's (4, 45, 30), so nothing in it gives table 1's away.
        ([6, 20, 31], "incidents", None),
        # Assaults: another name, even where the value (30 at Z) happens to be the same.
        ([6, 20, 30], "assaults", None),
        # A declared ``counts`` overrides the name: night incidents are not incidents.
        ([6, 20, 30], "incidents", "night_incidents"),
    ],
)
def test_a_percentage_of_another_population_is_left_alone(
    values: list[int], numerator: str, counts: str | None
) -> None:
    a = counts_by_prison([4, 45, 30])
    b = shares(values, numerator, counts, table_id="night")
    pub_a, pub_b = protect(a, b)
    assert shown(pub_b, numerator) == values  # none small, none linked: all published
    expected = [100 * v / p for v, p in zip(values, PRISONERS, strict=True)]
    assert shown(pub_b, "pct") == pytest.approx(expected)
    assert linked.exposures(PUBLICATION, [a, b], [pub_a, pub_b]) == []
    assert qa.disclosure_safe(PUBLICATION, [a, b], [pub_a, pub_b]).status == "pass"


def test_a_table_for_one_quarter_matches_the_same_quarter_of_a_table_by_quarter() -> None:
    # Table 1 by quarter and prison (Total over prisons): 2026Q1 X 10, Y 40, Z 35 (nothing
    # small); 2026Q2 X 4, Y 45, Z 30: X primary, Z secondary, as above.
    spec = Table(
        id="by-quarter", title="Incidents", transform="t", rows=["quarter", "prison"], sheet="A",
        measures=[Measure(name="incidents", title="Incidents", unit="number")],
        totals=["prison"],
    )  # fmt: skip
    frame = pl.DataFrame(
        {
            "quarter": ["2026Q1"] * 3 + ["2026Q2"] * 3,
            "prison": PRISONS * 2,
            "incidents": [10, 40, 35, 4, 45, 30],
        }
    )
    a = tables.finish(PUBLICATION, spec, frame, 1)
    # Table 2: the latest quarter by prison only (no quarter dimension). Its Z matches
    # (2026Q2, Z) of table 1 (same prison, and it does not split by quarter) with the same 30.
    b = shares([4, 45, 30])
    pub_a, pub_b = protect(a, b)
    assert shown(pub_a, "incidents") == [10, 40, 35, 85, None, 45, None, 79]
    assert shown(pub_b, "incidents") == [None, 45, None]
    assert shown(pub_b, "pct") == [None, pytest.approx(5.0), None]
    assert qa.disclosure_safe(PUBLICATION, [a, b], [pub_a, pub_b]).status == "pass"


def test_a_percentage_by_quarter_matches_a_table_of_the_latest_quarter() -> None:
    # The other way round: table 1 by prison (X 4, Z 30 hidden), table 2 by quarter and
    # prison. (2026Q2, Z) implies 30, table 1's hidden Z: suppressed. (2026Q1, Z) is 35 and
    # (2026Q1, X) 10: other counts, published.
    a = counts_by_prison([4, 45, 30])
    spec = shares([4, 45, 30]).spec.model_copy(update={"rows": ["quarter", "prison"]})
    frame = pl.DataFrame(
        {
            "quarter": ["2026Q1"] * 3 + ["2026Q2"] * 3,
            "prison": PRISONS * 2,
            "incidents": [10, 40, 35, 4, 45, 30],
            "prisoners": PRISONERS * 2,
        }
    )
    b = tables.finish(PUBLICATION, spec, frame, 2)
    pub_a, pub_b = protect(a, b)
    assert shown(pub_b, "incidents") == [10, 40, 35, None, 45, None]
    assert qa.disclosure_safe(PUBLICATION, [a, b], [pub_a, pub_b]).status == "pass"


def test_categories_match_when_one_cell_splits_by_no_more_than_the_other() -> None:
    cell = frozenset({("prison", "Z")})
    by_quarter = frozenset({("quarter", "2026Q2"), ("prison", "Z")})
    assert linked.same_categories(cell, by_quarter) and linked.same_categories(by_quarter, cell)
    assert not linked.same_categories(cell, frozenset({("prison", "Y")}))
    # Each splits by a dimension the other does not: different people.
    by_sex = frozenset({("prison", "Z"), ("sex", "Female")})
    by_age = frozenset({("prison", "Z"), ("age", "18 to 20")})
    assert not linked.same_categories(by_sex, by_age)


def candidates(shown_pct: float, denominator: int) -> list[int]:
    """Every whole count whose percentage of ``denominator`` reads as ``shown_pct`` to one
    decimal place (rounded half up), found by trying each count in turn."""
    target = Decimal(str(shown_pct)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return [
        c
        for c in range(denominator + 1)
        if (Decimal(100 * c) / Decimal(denominator)).quantize(Decimal("0.1"), ROUND_HALF_UP)
        == target
    ]


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(st.integers(0, 40), min_size=3, max_size=3),
    prisoners=st.lists(st.integers(1, 300), min_size=3, max_size=3),
    threshold=st.sampled_from([None, 0, 2]),
)
def test_no_published_percentage_gives_a_hidden_count_away(
    values: list[int], prisoners: list[int], threshold: int | None
) -> None:
    a = counts_by_prison(values)
    rules = None if threshold is None else Disclosure(threshold=threshold)
    spec = shares(values, rules=rules).spec
    frame = pl.DataFrame({"prison": PRISONS, "incidents": values, "prisoners": prisoners})
    b = tables.finish(PUBLICATION, spec, frame, 2)
    pub_a, pub_b = protect(a, b)
    hidden = {p: v for p, v, s in zip(PRISONS, values, shown(pub_a, "incidents"), strict=False)
              if s is None}  # fmt: skip
    rows = dict(zip(PRISONS, pub_b.data.to_dicts(), strict=True))
    for prison, row in rows.items():
        if prison in hidden:
            assert (row["incidents"], row["pct"]) == (None, None)
        if row["pct"] is not None and row["prisoners"] is not None:
            found = candidates(row["pct"], row["prisoners"])
            assert not (len(found) == 1 and hidden.get(prison) == found[0])
    assert linked.exposures(PUBLICATION, [a, b], [pub_a, pub_b]) == []
    assert qa.disclosure_safe(PUBLICATION, [a, b], [pub_a, pub_b]).status == "pass"
