"""Finishing transforms' output: empty cells of nullable categories are counted under the
schema's label in the breakdown and every total; null dimension keys are refused (issue 14)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from conftest import ROOT, TODAY

from statgen.config import load_publication
from statgen.errors import CountOverflowError, NullKeyError, TransformError
from statgen.extracts.sample import write_sample
from statgen.pipeline import build
from statgen.tables.run import finish

SLUG = "electronic-monitoring"
Q3 = (dt.date(2026, 7, 1), dt.date(2026, 9, 30))


def test_ended_orders_with_no_reason_are_counted_in_every_total(tmp_path: Path) -> None:
    """The issue's example: every tenth 2026Q3 ending unrecorded; 28,068 orders ended, not 25,277."""
    publication = load_publication(ROOT / "publications" / SLUG)
    extracts = tmp_path / "extracts"
    write_sample(publication, extracts, scale=1.0)
    orders = pl.read_parquet(extracts / "orders.parquet")
    in_q3 = pl.col("end_date").is_between(*Q3)
    q3_index = pl.when(in_q3).then(in_q3.cast(pl.Int64).cum_sum() - 1)
    unrecorded = in_q3 & (q3_index % 10 == 0)
    orders = orders.with_columns(
        end_reason=pl.when(unrecorded).then(None).otherwise(pl.col("end_reason"))
    )
    orders.write_parquet(extracts / "orders.parquet")

    # Independently: count the rows with an end date in the quarter, with and without a reason.
    expected = orders.filter(in_q3).height
    expected_unrecorded = orders.filter(in_q3 & pl.col("end_reason").is_null()).height
    assert expected == 28_068
    assert expected_unrecorded == 2_807

    result = build(ROOT, SLUG, extracts_dir=extracts, work_dir=tmp_path / "build", today=TODAY)
    csv = pl.read_csv(result.folder / "csv" / "orders-ended.csv", infer_schema=False)
    q3 = csv.filter(pl.col("quarter").str.contains("2026"), pl.col("quarter").str.contains("Jul"))
    if q3.height == 0:  # quarters written as codes
        q3 = csv.filter(pl.col("quarter") == "2026Q3")
    total = q3.filter(pl.col("order_type") == "Total", pl.col("end_reason") == "Total")
    assert int(total["value"][0]) == expected
    not_recorded = q3.filter(
        pl.col("order_type") == "Total", pl.col("end_reason") == "Not recorded"
    )
    assert int(not_recorded["value"][0]) == expected_unrecorded
    # The breakdown adds up to the total: nothing vanished.
    parts = q3.filter(pl.col("order_type") == "Total", pl.col("end_reason") != "Total")
    assert parts["value"].cast(pl.Int64).sum() == expected


def test_the_missing_label_shows_only_when_something_is_missing(tmp_path: Path) -> None:
    publication = load_publication(ROOT / "publications" / SLUG)
    table = publication.table("orders-ended")
    reasons = pl.Enum(["Completed", "Revoked", "Breach", "Other", "Not recorded"])
    frame = pl.DataFrame(
        {"quarter": ["2026Q3"] * 2, "order_type": ["Court bail"] * 2,
         "end_reason": pl.Series(["Completed", "Breach"], dtype=reasons), "orders": [5, 7]}
    )  # fmt: skip
    finished = finish(publication, table, frame, 1)
    assert "Not recorded" not in finished.categories["end_reason"]
    with_missing = frame.with_columns(
        end_reason=pl.Series(["Completed", "Not recorded"], dtype=reasons)
    )
    finished = finish(publication, table, with_missing, 1)
    assert finished.categories["end_reason"][-2:] == ["Not recorded", "Total"]


def test_null_dimension_keys_fail_naming_table_and_column() -> None:
    publication = load_publication(ROOT / "publications" / SLUG)
    table = publication.table("orders-ended")
    frame = pl.DataFrame(
        {"quarter": ["2026Q3", "2026Q3"], "order_type": ["Court bail", None],
         "end_reason": ["Completed", "Breach"], "orders": [5, 7]}
    )  # fmt: skip
    with pytest.raises(
        NullKeyError, match=r"1 row of table 'orders-ended' with an empty \(null\) 'order_type'"
    ):
        finish(publication, table, frame, 1)


def test_a_category_named_total_in_a_dimension_statgen_totals_is_refused() -> None:
    """A transform's own "Total" category would sit beside the total statgen adds: two rows
    called Total, one of them counted into the other."""
    publication = load_publication(ROOT / "publications" / SLUG)
    table = publication.table("orders-ended")
    assert "order_type" in table.totals
    frame = pl.DataFrame(
        {"quarter": ["2026Q3", "2026Q3"], "order_type": ["Court bail", "Total"],
         "end_reason": ["Completed", "Completed"], "orders": [5, 7]}
    )  # fmt: skip
    with pytest.raises(TransformError) as info:
        finish(publication, table, frame, 1)
    message = str(info.value)
    assert "table 'orders-ended'" in message and "'Total' of 'order_type'" in message
    assert "total_categories" in message


def _ended(orders: list[int]) -> pl.DataFrame:
    kinds = ["Court bail", "Court order", "Post-release"]
    return pl.DataFrame(
        {"quarter": ["2026Q3"] * 3, "order_type": kinds, "end_reason": ["Completed"] * 3,
         "orders": orders}
    )  # fmt: skip


def test_a_total_beyond_64_bits_is_refused_not_wrapped() -> None:
    """Three counts of 2**62 add up to 3 * 2**62 = 13,835,058,055,282,163,712, which no Int64
    holds: Polars' sum wraps it to -4,611,686,018,427,387,904 (issue 14)."""
    publication = load_publication(ROOT / "publications" / SLUG)
    table = publication.table("orders-ended")
    with pytest.raises(CountOverflowError) as info:
        finish(publication, table, _ended([2**62] * 3), 1)
    message = str(info.value)
    assert "(table 'orders-ended'): a total of 'orders' for quarter 2026Q3, end_reason" in message
    assert "is 13,835,058,055,282,163,712, larger than statgen can count" in message
    assert "(beyond 9,223,372,036,854,775,807)" in message
    assert info.value.code == "count-overflow"


def test_a_total_at_the_64_bit_limit_is_kept_exactly() -> None:
    publication = load_publication(ROOT / "publications" / SLUG)
    table = publication.table("orders-ended")
    finished = finish(publication, table, _ended([2**62, 2**62 - 1, 0]), 1)
    data = finished.data
    assert data.schema["orders"] == pl.Int64
    total = data.filter(pl.col("order_type") == "Total", pl.col("end_reason") == "Total")
    assert total["orders"].to_list() == [2**63 - 1]  # 9,223,372,036,854,775,807


def test_text_categories_keep_the_declared_order_with_the_transforms_total_last() -> None:
    """A dimension a transform returns as text (not the extract's Enum) is shown in the order
    publication.yaml lists that column's values, other values after them (sorted), and the
    transform's own total category last, not wherever the alphabet puts it."""
    from statgen.config import Disclosure

    publication = load_publication(ROOT / "publications" / SLUG)
    spec = publication.table("people-by-order-type").model_copy(
        update={"totals": [], "disclosure": Disclosure(total_categories={"order_type": "All"})}
    )
    tables = [spec if t.id == spec.id else t for t in publication.tables]
    publication = publication.model_copy(update={"tables": tables})
    declared = ["Court bail", "Court order", "Post-release", "Immigration bail", "Specials"]
    shown = ["Specials", "All", "Court bail", "Zeta (not declared)", "Post-release", "Apex"]
    frame = pl.DataFrame(
        {"quarter": ["2026Q3"] * len(shown), "order_type": shown, "people": [1] * len(shown)}
    )
    table = finish(publication, spec, frame, 1)
    expected = [c for c in declared if c in shown] + ["Apex", "Zeta (not declared)", "All"]
    assert table.categories["order_type"] == expected
    assert table.data["order_type"].unique(maintain_order=True).to_list() == expected
