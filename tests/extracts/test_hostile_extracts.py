"""Hostile extracts beyond the broken-extract corpus: Parquet text cells follow the CSV rules for
empty values, category columns of any stored type are named, not a traceback, and a CSV header
that repeats a name is refused naming the columns."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from broken_extracts import EM_ORDERS, em_extracts
from conftest import TODAY

from statgen.config import Extract
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


@pytest.mark.parametrize(
    ("column", "cell", "line"),
    [("end_date", "+10000-01-01", 2), ("notification_date", "-0001-01-01", 3)],
    ids=["year-10000", "year-minus-1"],
)
def test_csv_dates_beyond_the_calendar_python_reads_are_refused_naming_the_line(  # type: ignore[no-untyped-def]
    tmp_path: Path, spec, column: str, cell: str, line: int
) -> None:
    # Polars reads '+10000-01-01' and '-0001-01-01' as dates, but Python's dates stop at years
    # 1 and 9999: the checks' results could not be fetched (ValueError: year 10000 is out of
    # range), a traceback instead of a message.
    rows = {k: list(v) for k, v in ROWS.items()}
    rows[column][line - 2] = cell
    pl.DataFrame(rows).write_csv(tmp_path / "orders.csv")
    message = _problems(tmp_path, spec)
    assert f"column '{column}': values that are not dates written YYYY-MM-DD (1 line: {line})" in (
        message
    )
    assert repr(cell) in message


def test_parquet_dates_beyond_year_9999_are_refused_naming_the_row(tmp_path: Path, spec) -> None:  # type: ignore[no-untyped-def]
    days = pa.array([20000, 3_000_000, None, None], pa.int32()).cast(pa.date32())  # 3M: year 10183
    message = _problems(_parquet(tmp_path, _table(end_date=days)), spec)
    assert "column 'end_date': values that are not dates written YYYY-MM-DD (1 row: 2)" in message


@pytest.mark.parametrize(
    ("stored", "row"),
    [
        (pa.array([D(30), None, D("41.5"), D(22)], pa.decimal128(10, 1)), 3),
        (pa.array([D(30), None, D(41), D("22.25")], pa.decimal128(38, 2)), 4),
    ],
    ids=["decimal-10-1", "decimal-38-2"],
)
def test_a_decimal_with_a_fraction_in_an_integer_column_is_refused_not_truncated(  # type: ignore[no-untyped-def]
    tmp_path: Path, spec, stored: pa.Array, row: int
) -> None:
    # SQL exports write numeric(10, 1) as Parquet decimals; 41.5 was read as the age 41.
    message = _problems(_parquet(tmp_path, _table(age_at_start=stored)), spec)
    assert f"column 'age_at_start': values that are not whole numbers (1 row: {row})" in message


@pytest.mark.parametrize(
    ("column", "stored"),
    [
        ("age_at_start", pa.array([30, None, 41, 22], pa.decimal256(40, 0))),
        ("person_id", pa.array([1, 2, 3, 4], pa.decimal256(39, 2))),
    ],
    ids=["integer-column", "string-column"],
)
def test_decimals_of_more_than_38_digits_are_refused_naming_the_column(  # type: ignore[no-untyped-def]
    tmp_path: Path, spec, column: str, stored: pa.Array
) -> None:
    # SQL numeric(40, 0) is written as Parquet decimal256, which Polars cannot read: typing the
    # column raised InvalidOperationError ("precision must be between 1 and 38"), a traceback.
    message = _problems(_parquet(tmp_path, _table(**{column: stored})), spec)
    digits = stored.type.precision
    assert (
        f"orders.parquet: column '{column}': the column is stored as decimals of {digits} "
        "digits, more than the 38 statgen can read" in message
    ), message


def test_whole_decimals_in_an_integer_column_are_read_exactly(tmp_path: Path, spec) -> None:  # type: ignore[no-untyped-def]
    ages = pa.array([30, None, 41, 22], pa.decimal128(12, 2))
    frame = load(_parquet(tmp_path, _table(age_at_start=ages)), spec, TODAY)["orders"]
    assert frame["age_at_start"].to_list() == [30, None, 41, 22]
    assert frame["age_at_start"].dtype == pl.Int64


@pytest.mark.parametrize(
    "stored",
    [
        pa.array([True, None, False, True]),
        pa.array([30, None, 41, 22], pa.int32()).cast(pa.date32()),
        pa.array([30, None, 41, 22], pa.duration("s")),
    ],
    ids=["booleans", "dates", "durations"],
)
def test_an_integer_column_stored_as_another_kind_of_value_is_refused(  # type: ignore[no-untyped-def]
    tmp_path: Path, spec, stored: pa.Array
) -> None:
    # Booleans were read as 0 and 1, dates as days since 1970; durations failed with a
    # traceback (Polars cannot show them as text).
    message = _problems(_parquet(tmp_path, _table(age_at_start=stored)), spec)
    assert "column 'age_at_start': " in message
    assert "stored as " in message.split("column 'age_at_start': ")[1], message
    assert "Traceback" not in message


def test_a_text_column_stored_as_durations_is_refused_not_a_traceback(tmp_path: Path, spec) -> None:  # type: ignore[no-untyped-def]
    durations = pa.array([1, 2, 3, 4], pa.duration("s"))
    message = _problems(_parquet(tmp_path, _table(person_id=durations)), spec)
    assert "column 'person_id': the column is stored as durations" in message


def test_a_parquet_file_naming_a_column_twice_is_refused_naming_it(tmp_path: Path, spec) -> None:  # type: ignore[no-untyped-def]
    table = _table()
    names = table.column_names
    names[names.index("sex")] = "region"
    message = _problems(_parquet(tmp_path, table.rename_columns(names)), spec)
    assert "orders.parquet: the file names a column more than once ('region')" in message
    assert "truncated or corrupt" not in message


def test_control_characters_in_a_header_never_reach_the_terminal(tmp_path: Path, spec) -> None:  # type: ignore[no-untyped-def]
    # An escape sequence (clear the line, colour) or a right-to-left override in a column name
    # would rewrite what the analyst reads; they are shown escaped, as values are.
    pl.DataFrame(ROWS).write_csv(tmp_path / "orders.csv")
    text = (tmp_path / "orders.csv").read_text()
    hostile = "sex\x1b[2K\x1b[31m\u202eok"
    (tmp_path / "orders.csv").write_text(text.replace(",sex,", f",{hostile},", 1))
    message = _problems(tmp_path, spec)
    assert "\x1b" not in message and "\u202e" not in message
    assert "unexpected column: sex\\x1b[2K\\x1b[31m\\u202eok" in message, message


def test_empty_text_in_a_polars_enum_column_is_a_missing_value(tmp_path: Path, spec) -> None:  # type: ignore[no-untyped-def]
    # Polars writes an Enum column with its categories, and reads it back as an Enum (not a
    # Categorical): '' and '  ' among them are missing values too, counted as not recorded.
    reasons = ["Completed", "", "  ", None]
    frame = pl.DataFrame(ROWS).with_columns(
        end_reason=pl.Series(reasons).cast(pl.Enum(["Completed", "", "  "])),
        end_date=pl.Series(["2025-03-01", "2025-03-02", "2025-03-10", ""]),
        start_date=pl.Series(["2025-01-05", "2025-02-05", "2025-03-04", "2025-03-06"]),
    )
    frame.write_parquet(tmp_path / "orders.parquet")
    assert isinstance(pl.read_parquet(tmp_path / "orders.parquet")["end_reason"].dtype, pl.Enum)
    orders = load(tmp_path, spec, TODAY)["orders"]
    assert orders["end_reason"].cast(pl.String).to_list() == ["Completed"] + ["Not recorded"] * 3


@pytest.mark.parametrize("kind", ["number", "integer"])
@pytest.mark.parametrize("nullable", [False, True], ids=["required", "nullable"])
def test_nan_and_infinities_are_refused_as_not_numbers(  # type: ignore[no-untyped-def]
    tmp_path: Path, kind: str, nullable: bool
) -> None:
    # NaN and infinities are not measurements (a mean over them is NaN on the page): refused
    # naming the lines or rows, in CSV text and in Parquet floats alike, and never taken as
    # missing where the column may be empty. Finite numbers (exponents too) are read.
    spec = {
        "things": Extract.model_validate(
            {
                "description": "Things.",
                "columns": {
                    "id": {"type": "string", "unique": True},
                    "x": {"type": kind, "nullable": nullable},
                },
            }
        )
    }
    word = "numbers" if kind == "number" else "whole numbers"
    csv_dir, pq_dir = tmp_path / "csv", tmp_path / "parquet"
    csv_dir.mkdir()
    pq_dir.mkdir()
    (csv_dir / "things.csv").write_text("id,x\na,1\nb,NaN\nc,3\nd,inf\ne,-Infinity\n")
    found = _problems(csv_dir, spec)
    assert f"column 'x': values that are not {word} (3 lines: 3, 5, 6)" in found, found
    pl.DataFrame({"id": list("abcd"), "x": [1.0, float("nan"), float("-inf"), 4.0]}).write_parquet(
        pq_dir / "things.parquet"
    )
    found = _problems(pq_dir, spec)
    assert f"column 'x': values that are not {word} (2 rows: 2, 3)" in found, found
    if kind == "number":  # (an integer column refuses exponents: digits may be lost)
        (csv_dir / "things.csv").write_text("id,x\na,1e3\nb,-2.5\n")
        assert load(csv_dir, spec, TODAY)["things"]["x"].to_list() == [1000.0, -2.5]


def test_the_index_pandas_wrote_is_named_with_how_to_leave_it_out(tmp_path: Path, spec) -> None:  # type: ignore[no-untyped-def]
    """``df.to_parquet(path)`` of a frame with a non-default index stores it as a column named
    ``__index_level_0__``: the message says so, and how to write the file without it."""
    n = len(next(iter(ROWS.values())))
    table = _table(__index_level_0__=pa.array(range(10, 10 + n), pa.int64()))
    said = _problems(_parquet(tmp_path, table), spec)
    assert "unexpected column" in said and "__index_level_0__" in said
    assert "index=False" in said


def _orders_csv(tmp_path: Path, *extra_lines: str) -> Path:
    """The four good orders as a CSV, with ``extra_lines`` after them."""
    text = ",".join(ROWS) + "\n"
    text += "".join(",".join(row) + "\n" for row in zip(*ROWS.values(), strict=True))
    (tmp_path / "orders.csv").write_text(text + "".join(f"{x}\n" for x in extra_lines))
    return tmp_path


def test_a_repeated_header_and_a_totals_line_are_named_as_such(tmp_path: Path, spec) -> None:  # type: ignore[no-untyped-def]
    """Two exports joined into one file repeat the header; a spreadsheet's export ends with a
    totals line. Each is named on its own line (a good row lies between), not reported as a
    bad value in every column."""
    header = ",".join(ROWS)
    good = ",".join(f"{v}9" if k in ("order_id", "person_id") else v for k, v in
                    zip(ROWS, next(zip(*ROWS.values(), strict=True)), strict=True))  # fmt: skip
    blanks = "," * (len(ROWS) - 1)
    said = _problems(_orders_csv(tmp_path, header, good, f"Total{blanks}"), spec)
    lines = 1 + len(next(iter(ROWS.values())))  # the header, then the good rows
    repeated, total = said.split("\n")
    assert "repeat the header" in repeated and repeated.endswith(f"(1 line: {lines + 1})")
    assert "totals line" in total and total.endswith(f"(1 line: {lines + 3})")
    assert "is missing" not in said and "not a date" not in said.lower()


def test_a_total_category_in_the_first_column_of_a_full_row_is_data(tmp_path: Path, spec) -> None:  # type: ignore[no-untyped-def]
    """A first cell of "Total" in a row whose other cells are filled is not a footer: the
    row is checked as data like any other (here its id is simply accepted)."""
    row = dict(zip(ROWS, next(zip(*ROWS.values(), strict=True)), strict=True))
    row.update(order_id="Total", person_id="Z")
    folder = _orders_csv(tmp_path, ",".join(row.values()))
    frame = load(folder, spec, TODAY)["orders"]
    assert "Total" in frame["order_id"].to_list()


def test_ids_stored_as_floats_are_read_as_the_whole_numbers_they_hold(tmp_path: Path, spec) -> None:  # type: ignore[no-untyped-def]
    """pandas stores a column of whole numbers with a gap in it as floats: the text of such an
    id is 17, as a CSV writes it, not 17.0; a fraction is kept as written."""
    stored = [17.0, 2.5, -3.0, 1e15]
    table = _table(person_id=pa.array(stored, pa.float64()))
    frame = load(_parquet(tmp_path, table), spec, TODAY)["orders"]
    expected = [str(int(v)) if v == int(v) else str(v) for v in stored]
    assert frame["person_id"].to_list() == expected == ["17", "2.5", "-3", "1000000000000000"]
