"""Hostile extracts beyond the broken-extract corpus: Parquet text cells follow the CSV rules for
empty values, category columns of any stored type are named, not a traceback, and a CSV header
that repeats a name is refused naming the columns."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from broken_extracts import EM_ORDERS, em_extracts
from conftest import TODAY

from statgen.errors import ExtractError
from statgen.extracts import load

ROWS = EM_ORDERS


@pytest.fixture(scope="module")
def spec():  # type: ignore[no-untyped-def]
    return em_extracts()


def _problems(folder: Path, spec) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(ExtractError) as info:
        load(folder, spec, TODAY)
    return "\n".join(p.describe() for p in info.value.problems)


def _parquet(tmp_path: Path, table: pa.Table) -> Path:
    pq.write_table(table, tmp_path / "orders.parquet")
    return tmp_path


def _table(**columns: pa.Array) -> pa.Table:
    """The rows as Parquet as a tool would write them from the CSV: empty text stays ''."""
    data = {k: pa.array(v, pa.string()) for k, v in ROWS.items()}
    data.update(columns)
    return pa.table(data)


def test_empty_text_in_parquet_is_a_missing_value_as_in_csv(tmp_path: Path, spec) -> None:  # type: ignore[no-untyped-def]
    # pyarrow and pandas keep an empty CSV field as '' in a string column; the CSV rule (an
    # empty field, or only spaces, is missing) must hold for the same cells in Parquet, so the
    # nullable end_reason counts them as not recorded instead of refusing '' as a category.
    blank = _table(end_reason=pa.array(["Completed", "", "  ", None]))
    csv_dir = tmp_path / "csv"
    csv_dir.mkdir()
    pl.DataFrame(ROWS).write_csv(csv_dir / "orders.csv")
    expected = load(csv_dir, spec, TODAY)["orders"]
    for kind, table in {
        "plain": blank,
        "large_string": blank.cast(
            pa.schema([pa.field(f.name, pa.large_string()) for f in blank.schema])
        ),
        "dictionary": blank.set_column(10, "end_reason", pc.dictionary_encode(blank["end_reason"])),
    }.items():
        folder = tmp_path / kind
        folder.mkdir()
        frame = load(_parquet(folder, table), spec, TODAY)["orders"]
        assert frame["end_reason"].cast(pl.String).to_list() == [
            "Completed",
            "Not recorded",
            "Not recorded",
            "Not recorded",
        ], kind
        assert frame.drop("end_reason").equals(expected.drop("end_reason")), kind


@pytest.mark.parametrize(("cell", "one_pass"), [("", True), ("  ", False)], ids=["empty", "spaces"])
def test_the_one_pass_takes_empty_parquet_text_and_leaves_spaces_to_the_detailed_read(  # type: ignore[no-untyped-def]
    tmp_path: Path, spec, cell: str, one_pass: bool
) -> None:
    # Empty text is null in the one pass (a comparison); text of only spaces would need every
    # cell stripped, so the one pass leaves it to the detailed read. Both give the same frame.
    from statgen.extracts.clean import clean_typed
    from statgen.extracts.files import find, raw_for_checks
    from statgen.extracts.validate import validate

    table = _table(end_reason=pa.array(["Completed", cell, None, cell]))
    folder = _parquet(tmp_path, table)
    source = find(folder, "orders")
    fast = clean_typed(source, spec["orders"], TODAY)
    detailed = validate(source, raw_for_checks(source), spec["orders"], TODAY)
    assert (fast is not None) == one_pass
    assert fast is None or (fast.equals(detailed) and fast.schema == detailed.schema)
    assert detailed["end_reason"].cast(pl.String).to_list() == ["Completed"] + ["Not recorded"] * 3


def test_blank_text_in_a_required_parquet_column_is_named_as_empty(tmp_path: Path, spec) -> None:  # type: ignore[no-untyped-def]
    table = _table(person_id=pa.array(["A", " ", "C", "D"]))
    message = _problems(_parquet(tmp_path, table), spec)
    assert "column 'person_id': empty cells in a column that may not be empty (1 row: 2)" in message
    assert "cannot be read as text" not in message


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        (pa.array([1, 2, 3, 4], pa.int64()), ["'1'", "'2'", "'3'", "'4'"]),
        (pa.array([True, False, True, True]), ["'true'", "'false'"]),
    ],
    ids=["integers", "booleans"],
)
def test_category_stored_as_numbers_or_booleans_is_named(  # type: ignore[no-untyped-def]
    tmp_path: Path, spec, stored: pa.Array, shown: list[str]
) -> None:
    message = _problems(_parquet(tmp_path, _table(region=stored)), spec)
    assert "orders.parquet: column 'region': values not in the allowed list" in message
    assert all(value in message.split("values: ")[-1] for value in shown), message


def test_a_csv_header_naming_a_column_twice_is_refused_naming_both(tmp_path: Path, spec) -> None:  # type: ignore[no-untyped-def]
    # Polars would rename the second to 'region_duplicated_0', a name the user never wrote.
    pl.DataFrame(ROWS).write_csv(tmp_path / "orders.csv")
    text = (tmp_path / "orders.csv").read_text()
    (tmp_path / "orders.csv").write_text(text.replace(",sex,", ",region,", 1))
    message = _problems(tmp_path, spec)
    assert "the header names a column more than once ('region' in columns 5, 6)" in message
    assert "duplicated_0" not in message
