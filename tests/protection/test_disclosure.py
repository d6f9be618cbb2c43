"""Disclosure control: hand-worked tables, and properties that must hold for any table."""

from __future__ import annotations

from itertools import product
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tablemaking import PUBLICATION, make_table

from statgen import tables
from statgen.config import Disclosure, Measure, Table
from statgen.protection import disclosure
from statgen.tables import TOTAL, StatTable, marker_column

ROOT = Path(__file__).resolve().parents[2]
RULES = Disclosure()


def cells(table: StatTable, measure: str = "n") -> dict[tuple[str, ...], int | None]:
    dims = table.spec.dims
    return {tuple(r[d] for d in dims): r[measure] for r in table.data.iter_rows(named=True)}


def test_hand_worked_two_way_table() -> None:
    # Rows a, b, c by columns x, y, z. The 2 in (a, x) is primary; its row and column totals
    # would give it away, so the smallest cells that close both lines are suppressed too.
    counts = {
        ("a", "x"): 2, ("a", "y"): 30, ("a", "z"): 8,
        ("b", "x"): 40, ("b", "y"): 50, ("b", "z"): 60,
        ("c", "x"): 9, ("c", "y"): 70, ("c", "z"): 80,
    }  # fmt: skip
    table = make_table(counts, ["r"], "k", ["r", "k"])
    protected = disclosure.protect_table(table, RULES)
    shown = cells(protected)
    hidden = sorted(k for k, v in shown.items() if v is None)
    assert hidden == [("a", "x"), ("a", "z"), ("c", "x"), ("c", "z")]
    assert protected.data.filter(pl.col("n").is_null())[marker_column("n")].unique().to_list() == [
        "c"
    ]
    assert shown[(TOTAL, TOTAL)] == 349


def test_zero_is_published_unless_configured() -> None:
    counts = {("a", "x"): 0, ("a", "y"): 10, ("b", "x"): 20, ("b", "y"): 30}
    table = make_table(counts, ["r"], "k", ["r", "k"])
    assert cells(disclosure.protect_table(table, RULES))[("a", "x")] == 0
    strict = Disclosure(suppress_zero=True)
    assert cells(disclosure.protect_table(table, strict))[("a", "x")] is None


def test_rounding_after_suppression_rounds_totals_independently() -> None:
    counts = {("a", "x"): 12, ("a", "y"): 13, ("b", "x"): 22, ("b", "y"): 31}
    table = make_table(counts, ["r"], "k", ["r", "k"])
    rounded = disclosure.protect_table(table, Disclosure(rounding=5))
    shown = cells(rounded)
    assert shown[("a", "x")] == 10 and shown[("a", "y")] == 15
    assert shown[("a", TOTAL)] == 25  # 12 + 13 = 25, rounded on its own
    assert shown[(TOTAL, TOTAL)] == 80  # 78 rounds to 80
    assert rounded.notes_extra == [disclosure.rounding_note(5)]


def test_derived_measure_suppressed_with_its_count() -> None:
    spec = Table(
        id="t",
        title="Medians",
        transform="t",
        rows=["k"],
        measures=[
            Measure(name="median", title="Median", unit="days", format="decimal1", additive=False),
            Measure(name="n", title="Count", unit="number"),
        ],
        sheet="Test",
    )
    frame = pl.DataFrame(
        {"k": ["x", "y", "z", "All"], "median": [4.5, 9.0, 12.0, 10.0], "n": [3, 40, 50, 93]}
    )
    table = tables.finish(PUBLICATION, spec, frame, 1)
    rules = Disclosure(derived={"median": "n"}, total_categories={"k": "All"})
    protected = disclosure.protect_table(table, rules)
    shown = {r["k"]: (r["median"], r["n"]) for r in protected.data.iter_rows(named=True)}
    # x is below the threshold; y is the smaller cell that stops x being All - y - z.
    assert shown == {"x": (None, None), "y": (None, None), "z": (12.0, 50), "All": (10.0, 93)}


def test_money_is_not_a_count_unless_named() -> None:
    # A spend of £3 thousand is not a small count of people: by default only counts are
    # protected, so the money column keeps every figure while the applications beside it are
    # suppressed (2 is below the threshold; 5 is the smaller cell that stops 2 = 57 - 5 - 50).
    spec = Table(
        id="t",
        title="Spending",
        transform="t",
        rows=["k"],
        totals=["k"],
        measures=[
            Measure(name="n", title="Applications", unit="number"),
            Measure(name="spend", title="Spending", unit="£ thousand", format="currency_thousand"),
            Measure(name="cost", title="Average cost", unit="£", kind="other"),
        ],
        sheet="Test",
    )
    frame = pl.DataFrame(
        {"k": ["x", "y", "z"], "n": [2, 5, 50], "spend": [3.0, 1.5, 40.0], "cost": [1.5, 0.3, 0.8]}
    )
    table = tables.finish(PUBLICATION, spec, frame, 1)
    protected = disclosure.protect_table(table, Disclosure())
    shown = {r["k"]: (r["n"], r["spend"]) for r in protected.data.iter_rows(named=True)}
    assert shown == {"x": (None, 3.0), "y": (None, 1.5), "z": (50, 40.0), TOTAL: (57, 44.5)}
    named = disclosure.protect_table(table, Disclosure(measures=["n", "spend"]))
    assert {r["k"]: r["spend"] for r in named.data.iter_rows(named=True)}[TOTAL] == 44.5
    assert {r["k"]: r["spend"] for r in named.data.iter_rows(named=True)}["y"] is None


def test_same_table_same_pattern() -> None:
    counts = {(r, c): (i * 7) % 6 for i, (r, c) in enumerate(product("abcd", "wxyz"))}
    table = make_table(counts, ["r"], "k", ["r", "k"])
    first = disclosure.protect_table(table, RULES).data
    assert all(disclosure.protect_table(table, RULES).data.equals(first) for _ in range(3))


# --- Properties on random tables -----------------------------------------------------------

shapes = st.sampled_from(
    [
        (["r"], "k", ["r", "k"]),  # rows and columns totalled
        (["r"], "k", ["k"]),  # only a column total per row
        (["q", "r"], "k", ["r", "k"]),  # several row dimensions, one not totalled
        (["q", "r"], "k", ["q", "r", "k"]),  # three totals: totals of totals of totals
        (["r"], None, ["r"]),  # a single column
    ]
)


@st.composite
def random_tables(draw: st.DrawFn) -> tuple[StatTable, Disclosure]:
    rows, columns, totals = draw(shapes)
    dims = [*rows, *([columns] if columns else [])]
    sizes = {d: draw(st.integers(1, 4)) for d in dims}
    keys = list(product(*[[f"{d}{i}" for i in range(sizes[d])] for d in dims]))
    small = st.integers(0, 6)
    values = draw(
        st.lists(st.one_of(small, st.integers(0, 200)), min_size=len(keys), max_size=len(keys))
    )
    rules = Disclosure(
        threshold=draw(st.integers(1, 5)),
        suppress_zero=draw(st.booleans()),
        rounding=draw(st.sampled_from([None, None, 5])),
    )
    table = make_table(dict(zip(keys, values, strict=True)), rows, columns, totals)
    return table, rules


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_tables())
def test_properties_of_any_protected_table(drawn: tuple[StatTable, Disclosure]) -> None:
    table, rules = drawn
    protected = disclosure.protect_table(table, rules)
    before, after = cells(table), cells(protected)
    dims = table.spec.dims
    totals = disclosure.total_categories(table, rules)

    # No published cell below the threshold (nor a zero, when zeros are protected).
    for key, value in before.items():
        if disclosure.is_primary(value, rules):
            assert after[key] is None, key

    # No suppressed cell can be worked out from a published total by subtraction.
    hidden = {k for k, v in after.items() if v is None}
    table_lines = disclosure.lines(before, dims, totals)
    assert disclosure.exposed(table_lines, hidden) == []

    # Totals are consistent: before rounding, every total equals the sum of its parts.
    for line in table_lines:
        assert before[line[0]] == sum(before[k] for k in line[1:])

    # Published figures are the true ones, or rounded to the base when rounding is on.
    for key, value in after.items():
        if value is not None:
            expected = before[key] if not rules.rounding else disclosure.round_to(before[key], 5)
            assert value == expected
