"""Bad input stops the build: every problem listed with file, column, rows and values."""

from __future__ import annotations

import importlib
from pathlib import Path

import polars as pl
import pytest
from broken_extracts import EM_ORDERS, em_extracts
from conftest import ROOT, TODAY
from typer.testing import CliRunner

from statgen.cli import app
from statgen.config import load_publication
from statgen.errors import ExtractError
from statgen.extracts import load

GOOD = EM_ORDERS


@pytest.fixture(scope="module")
def spec():  # type: ignore[no-untyped-def]
    return em_extracts()


def write(tmp_path: Path, **changes: list[str]) -> Path:
    data = {**GOOD, **changes}
    pl.DataFrame(data).write_csv(tmp_path / "orders.csv")
    return tmp_path


def problems(folder: Path, spec) -> list[str]:  # type: ignore[no-untyped-def]
    with pytest.raises(ExtractError) as info:
        load(folder, spec, TODAY)
    return [p.describe() for p in info.value.problems]


def test_good_extract_loads_typed(tmp_path: Path, spec) -> None:  # type: ignore[no-untyped-def]
    frames = load(write(tmp_path), spec, TODAY)
    orders = frames["orders"]
    assert orders.schema["notification_date"] == pl.Date
    assert orders.schema["age_at_start"] == pl.Int64
    assert isinstance(orders.schema["order_type"], pl.Enum)
    assert orders["age_at_start"].to_list() == [30, None, 41, 22]


def test_missing_column_is_named(tmp_path: Path, spec) -> None:  # type: ignore[no-untyped-def]
    data = {k: v for k, v in GOOD.items() if k != "region"}
    pl.DataFrame(data).write_csv(tmp_path / "orders.csv")
    assert problems(tmp_path, spec) == [
        f"{tmp_path / 'orders.csv'}: column 'region': column is missing"
    ]


def test_every_problem_is_listed_at_once(tmp_path: Path, spec) -> None:  # type: ignore[no-untyped-def]
    folder = write(
        tmp_path,
        order_id=["O1", "O2", "O2", "O4"],  # duplicate id
        order_type=["Court bail", "Tag", "Post-release", "Tag"],  # unknown category, 2 rows
        notification_date=["2025-01-02", "2025-02-30", "2025-03-04", "2025-03-05"],  # bad date
        end_date=["2024-12-01", "", "", ""],  # end before start
    )
    csv = tmp_path / "orders.csv"
    assert problems(folder, spec) == [
        f"{csv}: column 'order_id': duplicate values in a unique column (2 lines: 3, 4); values: 'O2'",
        f"{csv}: column 'order_type': values not in the allowed list (Court bail, Court order, "
        "Post-release, Immigration bail, Specials) (2 lines: 3, 5); values: 'Tag'",
        f"{csv}: column 'notification_date': values that are not dates written YYYY-MM-DD "
        "(1 line: 3); values: '2025-02-30'",
        f"{csv}: column 'end_date': dates before start_date in the same row (1 line: 2); "
        "values: '2024-12-01'",
    ]


def test_case_variant_gets_a_hint(tmp_path: Path, spec) -> None:  # type: ignore[no-untyped-def]
    folder = write(tmp_path, sex=["male", "Female", "Unknown", "Male"])
    (message,) = problems(folder, spec)
    assert "'male' should be written exactly 'Male'" in message


LIMIT = "larger than statgen can count (beyond 9,223,372,036,854,775,807, or below"


def test_integers_beyond_64_bits_are_named_as_too_large(tmp_path: Path, spec) -> None:  # type: ignore[no-untyped-def]
    """2**63 = 9223372036854775808 is one past the largest Int64; -2**63 - 1 one below the
    smallest (as a float it rounds to -2**63, which must not be taken for it)."""
    folder = write(
        tmp_path, age_at_start=["9223372036854775808", "", "-9223372036854775809", "forty"]
    )
    csv = tmp_path / "orders.csv"
    found = problems(folder, spec)
    assert found[0] == (
        f"{csv}: column 'age_at_start': values that are not whole numbers (1 line: 5); "
        "values: 'forty'"
    )
    assert LIMIT in found[1]
    assert found[1].endswith(
        "(2 lines: 2, 4); values: '9223372036854775808', '-9223372036854775809'"
    )
    assert len(found) == 2


def test_parquet_uint64_beyond_int64_is_too_large(tmp_path: Path, spec) -> None:  # type: ignore[no-untyped-def]
    frame = pl.DataFrame(GOOD).with_columns(pl.all().replace("", None))
    ages = pl.Series("age_at_start", [30, 2**63, 41, 2**64 - 1], dtype=pl.UInt64)
    frame.with_columns(ages).with_columns(
        pl.col(c).str.to_date() for c in ("notification_date", "start_date", "end_date")
    ).write_parquet(tmp_path / "orders.parquet")
    (found,) = problems(tmp_path, spec)
    assert LIMIT in found
    assert found.endswith("(2 rows: 2, 4); values: '9223372036854775808', '18446744073709551615'")


def run_build(tmp_path: Path, extracts: Path) -> tuple[int, str, Path]:
    drafts = tmp_path / "build"  # a build writes drafts here (never releases/)
    result = CliRunner().invoke(
        app,
        ["build", "electronic-monitoring", "--extracts", str(extracts), "--out", str(drafts),
         "--root", str(ROOT)],
    )  # fmt: skip
    return result.exit_code, result.output, drafts


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"order_type": ["Court bail", "Curfew", "Post-release", "Specials"]},
            "column 'order_type': values not in the allowed list",
        ),
        (
            {"start_date": ["2025-01-05", "05/02/2025", "", "2025-03-06"]},
            "column 'start_date': values that are not dates",
        ),
        ({"order_id": ["O1", "O1", "O3", "O4"]}, "column 'order_id': duplicate values"),
        ({"end_date": ["2025-01-01", "", "", ""]}, "column 'end_date': dates before start_date"),
    ],
)
def test_cli_refuses_bad_input_and_publishes_nothing(
    tmp_path: Path, change: dict, expected: str
) -> None:
    code, output, releases = run_build(tmp_path, write(tmp_path, **change))
    assert code == 1
    assert "orders.csv" in " ".join(output.split())
    assert expected in " ".join(output.split())
    assert "Traceback" not in output
    assert not releases.exists() or not any(releases.rglob("index.html"))


def test_cli_missing_column(tmp_path: Path) -> None:
    pl.DataFrame({k: v for k, v in GOOD.items() if k != "sex"}).write_csv(tmp_path / "orders.csv")
    code, output, releases = run_build(tmp_path, tmp_path)
    assert code == 1
    assert "column 'sex': column is missing" in " ".join(output.split())
    assert not any(releases.rglob("index.html")) if releases.exists() else True


# --- One-pass validation of clean extracts -------------------------------------------------
# load() reads a clean extract once (extracts.clean_typed) and runs the detailed checks only
# when that pass finds something. The pass must never accept what the detailed checks refuse.


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_one_pass_gives_the_detailed_checks_frame(tmp_path: Path, spec, fmt: str) -> None:  # type: ignore[no-untyped-def]
    from statgen.extracts.clean import clean_typed
    from statgen.extracts.files import _read_raw, find, raw_for_checks
    from statgen.extracts.validate import validate

    folder = write(tmp_path)
    if fmt == "parquet":
        frame = pl.read_csv(folder / "orders.csv", infer_schema=False)
        frame = frame.with_columns(pl.all().replace("", None))
        frame.with_columns(
            pl.col(c).str.to_date() for c in ("notification_date", "start_date", "end_date")
        ).with_columns(pl.col("age_at_start").cast(pl.Int64)).write_parquet(
            folder / "orders.parquet"
        )
        (folder / "orders.csv").unlink()
    source = find(folder, "orders")
    fast = clean_typed(source, spec["orders"], TODAY)
    assert fast is not None
    assert fast.equals(validate(source, _read_raw(source), spec["orders"], TODAY))
    assert fast.schema == validate(source, _read_raw(source), spec["orders"], TODAY).schema
    lazy = validate(source, raw_for_checks(source), spec["orders"], TODAY)  # a Parquet scan
    assert fast.equals(lazy)
    assert fast.schema == lazy.schema


@pytest.mark.parametrize(
    "changes",
    [
        {"notification_date": ["2025-01-02", "2025/02/03", "2025-03-04", "2025-03-05"]},
        {"order_type": ["Court bail", "court bail", "Post-release", "Specials"]},
        {"order_id": ["O1", "O2", "O2", "O4"]},
        {"person_id": ["A", "", "C", "D"]},
        {"age_at_start": ["30", "", "41", "9"]},
        {"age_at_start": ["30", "", "111", "22"]},
        {"age_at_start": ["30", "", "4x", "22"]},
        {"start_date": ["2024-12-31", "2025-02-05", "", "2025-03-06"]},
        {"notification_date": ["2025-01-02", "2025-02-03", "2025-03-04", "2027-01-01"]},
        {"notification_date": ["1999-12-31", "2025-02-03", "2025-03-04", "2025-03-05"]},
    ],
    ids=[
        "date",
        "category",
        "duplicate",
        "empty",
        "min",
        "max",
        "integer",
        "order",
        "future",
        "earliest",
    ],  # fmt: skip
)
def test_one_pass_refuses_every_kind_of_problem(tmp_path: Path, spec, changes) -> None:  # type: ignore[no-untyped-def]
    from statgen.extracts.clean import clean_typed
    from statgen.extracts.files import find

    folder = write(tmp_path, **changes)
    assert clean_typed(find(folder, "orders"), spec["orders"], TODAY) is None
    assert problems(folder, spec)  # and the detailed checks name the problem


def test_within_check_in_one_pass(tmp_path: Path) -> None:
    from statgen.extracts.clean import clean_typed
    from statgen.extracts.files import find

    cases = load_publication(ROOT / "publications" / "criminal-courts").extracts["cases"]
    row = {
        "case_id": "C1", "court_type": "Crown Court", "case_type": "Trial",
        "offence_group": "Robbery", "region": "Wales", "offence_date": "2024-01-01",
        "charge_date": "2024-02-01", "receipt_date": "2024-03-01", "completion_date": "",
        "trial_outcome": "", "remand_status": "Bail",
    }  # fmt: skip
    good = pl.DataFrame([row, {**row, "case_id": "C2"}])
    good.write_csv(tmp_path / "cases.csv")
    assert clean_typed(find(tmp_path, "cases"), cases, TODAY) is not None
    bad = pl.DataFrame([row, {**row, "case_id": "C2", "case_type": "Either way"}])
    bad.write_csv(tmp_path / "cases.csv")
    assert clean_typed(find(tmp_path, "cases"), cases, TODAY) is None


# --- Detailed checks of a large Parquet extract, read a slice at a time --------------------
# The detailed checks scan a Parquet extract lazily and fetch the values of flagged rows in
# slices of CHUNK_ROWS rows (issue 14: a broken 20M-row extract within 2 GB). With slices of 3
# rows, the problems must be what one read of the whole file gives: rows numbered across slices,
# counts and values taken over every slice, the caps applied once.

SMALL = {
    "id": {"type": "string", "unique": True},
    "kind": {"type": "category", "values": ["a", "b"]},
    "n": {"type": "integer", "max": 10},
}


def _small_extract() -> pl.DataFrame:
    kinds = ["a"] * 25
    for rows, value in (([2, 9, 20, 24], "x"), ([5, 14], "y"), ([13, 21, 22, 23, 25], "z")):
        for row in rows:
            kinds[row - 1] = value
    ids = [f"P{i}" for i in range(1, 26)]
    ids[17], ids[24] = "P3", "P1 "  # rows 18 and 25 repeat rows 3 and 1 ('P1 ' is trimmed)
    n = [1] * 25
    n[6] = n[15] = 11  # rows 7 and 16 are above the maximum
    return pl.DataFrame({"id": ids, "kind": kinds, "n": n})


def test_broken_parquet_is_checked_a_slice_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from statgen.config import Extract

    checks = importlib.import_module(
        "statgen.extracts.validate"
    )  # the package's validate() shadows it
    from statgen.extracts.files import find, raw_for_checks

    spec = Extract(description="test", columns=SMALL)  # type: ignore[arg-type]
    _small_extract().write_parquet(tmp_path / "small.parquet", row_group_size=4)
    monkeypatch.setattr(checks, "CHUNK_ROWS", 3)
    source = find(tmp_path, "small")
    raw = raw_for_checks(source)
    assert isinstance(raw, pl.LazyFrame)
    with pytest.raises(ExtractError) as info:
        checks.validate(source, raw, spec, TODAY)
    found = {p.column: p for p in info.value.problems}
    assert [p.column for p in info.value.problems] == ["id", "kind", "n"]
    kind = found["kind"]
    # 11 rows of three unknown kinds: the first 10 rows shown, values by how often they occur.
    assert kind.rows == (2, 5, 9, 13, 14, 20, 21, 22, 23, 24)
    assert kind.count == 11
    assert kind.values == ("z", "x", "y")
    assert found["id"].message == "duplicate values in a unique column"
    assert found["id"].rows == (1, 3, 18, 25)
    assert found["id"].count == 4
    assert sorted(found["id"].values) == ["P1", "P1 ", "P3"]  # raw values, as written
    assert (found["n"].rows, found["n"].values) == ((7, 16), ("11",))
    # The same extract as CSV text read whole gives the same problems, on lines one further on.
    (tmp_path / "small.parquet").unlink()
    _small_extract().write_csv(tmp_path / "small.csv")
    with pytest.raises(ExtractError) as whole:
        load(tmp_path, {"small": spec}, TODAY)
    lines = {p.column: p for p in whole.value.problems}
    for column, problem in found.items():
        assert lines[column].rows == tuple(r + 1 for r in problem.rows)
        assert (lines[column].count, lines[column].message) == (problem.count, problem.message)
        assert sorted(lines[column].values) == sorted(problem.values)


def test_duplicates_are_confirmed_on_the_values(tmp_path: Path) -> None:
    """Rows whose hashes repeat are duplicates only when their values are the same too."""
    checks = importlib.import_module(
        "statgen.extracts.validate"
    )  # the package's validate() shadows it
    from statgen.extracts.files import ExtractFile

    raw = pl.DataFrame({"id": ["A", "B", "A", "C", None, "B"]})
    checker = checks._Checker(checks._Raw(ExtractFile("x", tmp_path / "x.csv"), raw))
    colliding = pl.Series([7, 7, 7, 7, None, 7], dtype=pl.UInt64)  # every value hashed alike
    mask = checker._duplicated("id", colliding, pl.col("id"))
    assert mask.to_list() == [True, True, True, False, False, True]


@pytest.mark.parametrize(
    "ids",
    [
        ["O1", "O1", "O2", "O3"],  # in order, with the repeat side by side
        ["O3", "O1", "O2", "O1"],  # in no order
        ["O4", "O3", "O2", "O2"],  # in decreasing order
    ],
)
def test_a_repeated_key_is_found_whatever_the_order_of_the_rows(
    tmp_path: Path,
    spec,  # type: ignore[no-untyped-def]
    ids: list[str],
) -> None:
    """Keys in increasing order are known to be unique without hashing them; any other order
    (or a repeat within the order) is checked value by value."""
    [problem] = problems(write(tmp_path, order_id=ids), spec)
    assert "column 'order_id': duplicate values in a unique column" in problem


def test_the_label_of_empty_cells_typed_into_an_extract_is_not_an_allowed_value(
    tmp_path: Path,
    spec,  # type: ignore[no-untyped-def]
) -> None:
    """Empty end reasons are counted as "Not recorded"; the words themselves, in the extract,
    are not one of the allowed reasons (the export would be hiding a blank)."""
    found = problems(write(tmp_path, end_reason=["Not recorded", "", "", ""]), spec)
    assert len(found) == 1 and "column 'end_reason'" in found[0] and "Not recorded" in found[0]
