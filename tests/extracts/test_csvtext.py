"""What statgen accepts from real extracts (issue 14): blank lines, physical line numbers,
time zones, whole-number floats, Arrow's null type, trimmed ids, plausibility of row counts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statgen.config import Extract, load_publication
from statgen.errors import ExtractError
from statgen.extracts import load

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 11, 25)
HEADER = ("order_id,person_id,order_type,device_type,region,sex,age_at_start,"
          "notification_date,start_date,end_date,end_reason")  # fmt: skip
LINES = [
    "O1,A,Court bail,RF curfew,London,Male,30,2025-01-02,2025-01-05,2025-03-01,Completed",
    "O2,B,Court order,GPS location,Wales,Female,,2025-02-03,2025-02-05,,",
    "O3,C,Post-release,RF curfew,North East,Unknown,41,2025-03-04,,,",
    "O4,D,Specials,Alcohol monitoring,London,Male,22,2025-03-05,2025-03-06,,",
]


@pytest.fixture(scope="module")
def spec() -> dict[str, Extract]:
    return load_publication(ROOT / "publications" / "electronic-monitoring").extracts


def _csv(tmp_path: Path, lines: list[str]) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "orders.csv").write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return tmp_path


def _problems(folder: Path, spec: dict[str, Extract]) -> str:
    with pytest.raises(ExtractError) as info:
        load(folder, spec, TODAY)
    return "\n".join(p.describe() for p in info.value.problems)


def test_blank_lines_and_rows_of_commas_are_skipped(tmp_path: Path, spec) -> None:  # type: ignore[no-untyped-def]
    lines = [LINES[0], "", LINES[1], ",,,,,,,,,,", LINES[2], LINES[3], "", "", ",,,,,,,,,,"]
    orders = load(_csv(tmp_path, lines), spec, TODAY)["orders"]
    assert orders["order_id"].to_list() == ["O1", "O2", "O3", "O4"]


def test_line_numbers_are_physical_lines(tmp_path: Path, spec) -> None:  # type: ignore[no-untyped-def]
    # A quoted value holding a line break (line 2-3), a blank line (4), then a bad age on line 6.
    quoted = LINES[0].replace("O1,A,", 'O1,"A\nsecond line",')
    bad = LINES[2].replace(",41,", ",forty,")
    message = _problems(_csv(tmp_path, [quoted, "", LINES[1], bad, LINES[3]]), spec)
    assert "column 'age_at_start': values that are not whole numbers (1 line: 6)" in message


def test_short_line_after_a_quoted_newline_names_its_physical_line(tmp_path: Path, spec) -> None:  # type: ignore[no-untyped-def]
    quoted = LINES[0].replace("O1,A,", 'O1,"A\nsecond line",')
    short = ",".join(LINES[2].split(",")[:9])
    message = _problems(_csv(tmp_path, [quoted, LINES[1], short, LINES[3]]), spec)
    assert "fewer fields than the header's 11 (they have 9)" in message
    assert "(1 line: 5)" in message


def test_whole_number_floats_are_integers_and_fractions_are_refused(tmp_path: Path, spec) -> None:  # type: ignore[no-untyped-def]
    lines = [LINES[0].replace(",30,", ",34.0,"), *LINES[1:]]
    orders = load(_csv(tmp_path, lines), spec, TODAY)["orders"]
    assert orders["age_at_start"].to_list() == [34, None, 41, 22]
    lines = [LINES[0].replace(",30,", ",110.9,"), *LINES[1:]]
    assert "values that are not whole numbers (1 line: 2); values: '110.9'" in _problems(
        _csv(tmp_path, lines), spec
    )


def _typed(tmp_path: Path) -> pl.DataFrame:
    frame = pl.read_csv(_csv(tmp_path, LINES) / "orders.csv", infer_schema=False)
    (tmp_path / "orders.csv").unlink()
    dates = ["notification_date", "start_date", "end_date"]
    return frame.with_columns(
        *[pl.col(d).str.to_date() for d in dates], pl.col("age_at_start").cast(pl.Int64)
    )


def test_timestamps_at_local_midnight_are_that_date(tmp_path: Path, spec) -> None:  # type: ignore[no-untyped-def]
    frame = _typed(tmp_path)
    # What pandas tz_localize and SQL datetimeoffset write: local midnight, summer time included.
    summer = frame.with_columns(
        notification_date=pl.Series([dt.date(2025, 7, 1), dt.date(2025, 8, 1),
                                     dt.date(2025, 3, 30), dt.date(2025, 10, 26)]),
        start_date=None, end_date=None, end_reason=None,
    )  # fmt: skip
    local = summer.with_columns(
        pl.col("notification_date").cast(pl.Datetime("us")).dt.replace_time_zone("Europe/London")
    )
    local.write_parquet(tmp_path / "orders.parquet")
    orders = load(tmp_path, spec, TODAY)["orders"]
    assert orders["notification_date"].to_list() == summer["notification_date"].to_list()


def test_timestamps_with_a_time_are_refused_unless_the_schema_takes_the_date(
    tmp_path: Path, spec
) -> None:  # type: ignore[no-untyped-def]
    frame = _typed(tmp_path).with_columns(
        pl.col("notification_date").cast(pl.Datetime("us")) + pl.duration(hours=9, minutes=15)
    )
    frame.write_parquet(tmp_path / "orders.parquet")
    assert "timestamps with a time of day" in _problems(tmp_path, spec)
    orders = spec["orders"]
    column = orders.columns["notification_date"].model_copy(update={"take_date": True})
    taking = orders.model_copy(update={"columns": {**orders.columns, "notification_date": column}})
    loaded = load(tmp_path, {"orders": taking}, TODAY)["orders"]
    assert loaded["notification_date"][0] == dt.date(2025, 1, 2)


def test_an_all_null_column_of_arrow_null_type_is_read(tmp_path: Path, spec) -> None:  # type: ignore[no-untyped-def]
    table = _typed(tmp_path).to_arrow()
    index = table.schema.get_field_index("age_at_start")
    table = table.set_column(index, "age_at_start", pa.nulls(table.num_rows))
    pq.write_table(table, tmp_path / "orders.parquet")
    orders = load(tmp_path, spec, TODAY)["orders"]
    assert orders.schema["age_at_start"] == pl.Int64
    assert orders["age_at_start"].null_count() == 4


def test_ids_are_trimmed(tmp_path: Path, spec) -> None:  # type: ignore[no-untyped-def]
    lines = [LINES[0].replace("O1,A,", "O1,P123 ,"), LINES[1].replace("O2,B,", " O2,P123,"),
             *LINES[2:]]  # fmt: skip
    orders = load(_csv(tmp_path, lines), spec, TODAY)["orders"]
    assert orders["person_id"].to_list()[:2] == ["P123", "P123"]
    assert orders["order_id"].to_list()[1] == "O2"


def test_too_few_rows_name_the_extract(tmp_path: Path, spec) -> None:  # type: ignore[no-untyped-def]
    orders = spec["orders"].model_copy(update={"min_rows": 10})
    message = _problems(_csv(tmp_path, LINES), {"orders": orders})
    assert "the extract 'orders' has only 4 rows, fewer than the 10" in message
    assert "min_rows" in message


def test_offence_after_completion_is_refused(tmp_path: Path) -> None:
    cases = load_publication(ROOT / "publications" / "criminal-courts").extracts
    frame = pl.DataFrame({
        "case_id": ["C1", "C2"], "court_type": ["Crown Court"] * 2, "case_type": ["Trial"] * 2,
        "offence_group": ["Robbery"] * 2, "region": ["London"] * 2,
        "offence_date": ["2025-01-01", "2025-06-01"], "charge_date": ["2025-01-05", "2025-01-05"],
        "receipt_date": ["2025-01-10", "2025-01-10"], "completion_date": ["2025-04-01", "2025-04-01"],
        "trial_outcome": ["Effective", "Cracked"], "remand_status": ["Bail", ""],
    })  # fmt: skip
    frame.write_csv(tmp_path / "cases.csv")
    message = _problems(tmp_path, cases)
    assert (
        "column 'offence_date': dates after completion_date in the same row (1 line: 3)" in message
    )


# --- The one-pass read of a clean CSV (perf): it counts bytes rather than parsing lines ------


def test_a_long_line_and_a_short_line_are_refused_though_their_commas_balance(
    tmp_path: Path, spec: dict[str, Extract]
) -> None:
    # 10 + 9 commas on lines 3 and 4: the file's comma count is what four good lines have.
    long = LINES[1] + ",extra"
    short = ",".join(LINES[2].split(",")[:10])
    assert long.count(",") + short.count(",") == 2 * HEADER.count(",")
    from statgen.extracts.clean import clean_typed
    from statgen.extracts.files import find

    folder = _csv(tmp_path, [LINES[0], long, short, LINES[3]])
    assert clean_typed(find(folder, "orders"), spec["orders"], TODAY) is None
    message = _problems(folder, spec)
    assert "fewer fields than the header's 11 (they have 10)" in message
    assert "(1 line: 4)" in message
    assert "more fields than the header's 11 (they have 12)" in message
    assert "(1 line: 3)" in message


@pytest.mark.parametrize("cell", ["   ", '""'], ids=["spaces", "quoted-empty"])
def test_a_blank_cell_reads_as_the_detailed_read_reads_it(
    tmp_path: Path, spec: dict[str, Extract], cell: str
) -> None:
    # person_id may not be empty: a cell of spaces (or "") in it is an empty cell, not an id.
    from statgen.extracts.clean import clean_typed
    from statgen.extracts.files import _read_raw, find
    from statgen.extracts.validate import validate

    blank = LINES[1].replace(",B,", f",{cell},")
    folder = _csv(tmp_path, [LINES[0], blank, LINES[2], LINES[3]])
    assert clean_typed(find(folder, "orders"), spec["orders"], TODAY) is None
    assert "column 'person_id': empty cells in a column that may not be empty (1 line: 3)" in (
        _problems(folder, spec)
    )
    # In a column that may be empty (end_reason), the cell is empty, by either read: "" in the
    # one pass, spaces only in the detailed read (the one pass leaves them to it).
    folder = _csv(tmp_path, [LINES[0], LINES[1] + cell, LINES[2], LINES[3]])
    source = find(folder, "orders")
    detailed = validate(source, _read_raw(source), spec["orders"], TODAY)
    fast = clean_typed(source, spec["orders"], TODAY)
    assert (fast is None) == (cell == "   ")
    assert fast is None or (fast.equals(detailed) and fast.schema == detailed.schema)
    orders = load(folder, spec, TODAY)["orders"]
    assert orders.equals(detailed)
    assert orders["end_reason"].to_list()[1] == "Not recorded"


def test_line_numbers_of_a_file_without_quotes_skip_blank_lines(tmp_path: Path, spec) -> None:  # type: ignore[no-untyped-def]
    # No quotes: lines are counted as bytes. Blank lines (empty, only commas, only spaces) at
    # lines 3, 5 and 6 are skipped, and the bad values keep their physical lines (7 and 9).
    bad_age = LINES[2].replace(",41,", ",forty,")
    bad_region = LINES[3].replace(",London,", ",Atlantis,")
    lines = [LINES[0], "", LINES[1], ",,,,,,,,,,", " , ,   ,", bad_age, "", bad_region]
    message = _problems(_csv(tmp_path, lines), spec)
    assert "column 'age_at_start': values that are not whole numbers (1 line: 7)" in message
    assert "column 'region': values not in the allowed list" in message
    assert "(1 line: 9)" in message
    assert "empty cells" not in message


_FIELD = st.text(alphabet="ab ,\t", max_size=3).map(lambda s: s.replace(",", ""))


@settings(max_examples=150, deadline=None)
@given(
    width=st.integers(1, 4),
    rows=st.lists(st.lists(_FIELD, min_size=0, max_size=6), max_size=12),
    crlf=st.booleans(),
    last_end=st.booleans(),
    chunk=st.integers(1, 9),
)
def test_counting_commas_as_bytes_finds_the_lines_the_csv_module_finds(  # type: ignore[no-untyped-def]
    tmp_path_factory, width: int, rows: list[list[str]], crlf: bool, last_end: bool, chunk: int
) -> None:
    # Lines of random shapes (short, long, blank, spaces), read in chunks of a few bytes so
    # lines straddle them: the byte count must give the csv module's problems exactly.
    from statgen.extracts import csvtext

    end = "\r\n" if crlf else "\n"
    text = end.join([",".join(f"c{i}" for i in range(width)), *(",".join(r) for r in rows)])
    path = tmp_path_factory.mktemp("shapes") / "x.csv"
    path.write_bytes((text + (end if last_end else "")).encode())
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(csvtext, "SHAPE_CHUNK", chunk)
        by_bytes = csvtext._byte_shapes(path, width)
    assert by_bytes is not None and not by_bytes.quoted
    parsed = csvtext._parsed_shapes(path, width)
    assert by_bytes.problems() == parsed.problems()


def test_a_file_with_quotes_is_counted_by_the_csv_module(tmp_path: Path) -> None:
    from statgen.extracts import csvtext

    path = tmp_path / "x.csv"
    path.write_text('a,b\n"x,y",1\n2\n', encoding="utf-8")
    assert csvtext._byte_shapes(path, 2) is None
    (problem,) = csvtext.shape_problems(path, 2)
    assert problem.rows == (3,)


@pytest.mark.parametrize("chunk", [1 << 24, 5, 2])
def test_text_that_is_not_utf8_names_its_line_and_byte(tmp_path: Path, spec, chunk: int) -> None:  # type: ignore[no-untyped-def]
    # "Ynys Môn" saved as Latin-1 on line 4, after a line with a two-byte character ("é"):
    # read a few bytes at a time too, so characters straddle the reads.
    from statgen.extracts import csvtext

    lines = [LINES[0], LINES[1].replace("B,", "Bé,"), LINES[2].replace("North East", "Ynys Môn")]
    path = _csv(tmp_path, lines) / "orders.csv"
    path.write_bytes(path.read_bytes().replace("Ynys Môn".encode(), "Ynys Môn".encode("latin-1")))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(csvtext, "CHUNK", chunk)
        message = _problems(tmp_path, spec)
    assert "the file is not UTF-8 text (line 4 has the byte 0xf4, in " in message
    assert "Ynys M\\xf4n" in message


def test_dates_and_numbers_with_spaces_around_them_are_read(tmp_path: Path, spec) -> None:  # type: ignore[no-untyped-def]
    # The one pass reads values as they are (stripping every cell of a large CSV is slow) and
    # leaves a padded value to the detailed read, which strips it: the same frame either way.
    from statgen.extracts.clean import clean_typed
    from statgen.extracts.files import find

    plain = load(_csv(tmp_path / "plain", LINES), spec, TODAY)["orders"]
    padded = [LINES[0].replace(",30,2025-01-02,", ", 30 ,  2025-01-02 ,"), *LINES[1:]]
    folder = _csv(tmp_path / "padded", padded)
    assert clean_typed(find(folder, "orders"), spec["orders"], TODAY) is None
    assert load(folder, spec, TODAY)["orders"].equals(plain)


def test_a_csv_is_counted_once_for_each_version_of_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build counts a CSV's commas beside the hashing and the read takes that count; a file
    written again (another size, time or inode) is counted again, and a quote stops the count."""
    import os

    from statgen.extracts import csvtext

    reads: list[Path] = []
    real = csvtext._count_commas

    def counting(path: Path) -> tuple[int, int] | None:
        reads.append(path)
        return real(path)

    monkeypatch.setattr(csvtext, "_count_commas", counting)
    path = tmp_path / "cases.csv"
    path.write_text("a,b,c\n1,2,3\n4,5,6\n")
    assert csvtext.count_commas(path) == (6, 3)
    assert csvtext.shape_is_clean(path, 3) and len(reads) == 1  # the count was kept
    path.write_text("a,b,c\n1,2\n4,5,6\n")  # a short line, written over the file
    os.utime(path, ns=(1, 1))  # even with an old modification time
    assert not csvtext.shape_is_clean(path, 3) and len(reads) == 2
    path.write_text('a,b,c\n"1,5",2,3\n')
    assert csvtext.count_commas(path) is None and csvtext.shape_is_clean(path, 3)


@pytest.mark.parametrize("cell", ["3E+01", "1.23457E+15", "4e1", "inf"])
def test_integers_written_in_exponent_notation_are_refused(tmp_path: Path, spec, cell: str) -> None:  # type: ignore[no-untyped-def]
    # Excel writes large numbers as 1.23457E+15: the digits past the sixth are lost, so the
    # whole number it stood for cannot be known. Never read as 1234570000000000.
    lines = [LINES[0].replace(",30,", f",{cell},"), *LINES[1:]]
    message = _problems(_csv(tmp_path, lines), spec)
    assert "column 'age_at_start': values that are not whole numbers (1 line: 2)" in message


def test_whole_numbers_written_with_a_point_are_read_from_their_digits(tmp_path: Path) -> None:
    # '34.0' was read through a float: 9007199254740993.0 became 9007199254740992 (a count out
    # by one), and 30.000000000000001 became 30 (a fraction taken as a whole number).
    spec = {
        "things": Extract.model_validate(
            {
                "description": "Things.",
                "columns": {"id": {"type": "string"}, "n": {"type": "integer"}},
            }
        )
    }
    good = ["9007199254740993.0", "34.", "0030.00", "-12.000", "9223372036854775807.0"]
    lines = "".join(f"g{i},{cell}\n" for i, cell in enumerate(good))
    (tmp_path / "things.csv").write_text("id,n\n" + lines)
    read = load(tmp_path, spec, TODAY)["things"]["n"].to_list()
    assert read == [9007199254740993, 34, 30, -12, 9223372036854775807]
    (tmp_path / "things.csv").write_text("id,n\n" + lines + "b,30.000000000000001\nc,2.50\n")
    message = _problems(tmp_path, spec)
    assert "column 'n': values that are not whole numbers (2 lines: 7, 8)" in message, message


def test_lines_ending_with_a_comma_are_named_as_a_column_with_no_name(tmp_path: Path, spec) -> None:  # type: ignore[no-untyped-def]
    header = ",".join(spec["orders"].columns)
    folder = _csv(tmp_path, LINES)
    path = folder / "orders.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text("".join(line + ",\n" for line in text.splitlines()), encoding="utf-8")
    assert path.read_text(encoding="utf-8").startswith(header + ",\n")
    message = _problems(folder, spec)
    assert "a column with no name (the header ends with a comma" in message, message


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "\n \r\n,,,\n" + HEADER + "\n" + "\n".join(LINES) + "\n",
            "orders.csv: line 1 is blank, but the header (the column names) must be the first "
            "line; it seems to be line 4: delete the blank lines above it",
        ),
        ("  \n\t\n,,\n\n", "orders.csv: the file holds only blank lines"),
        ("\ufeff\r\n\r\n", "orders.csv: the file holds only blank lines"),
    ],
    ids=["blank-lines-above-the-header", "only-blank-lines", "bom-and-line-ends"],
)
def test_a_blank_first_line_is_named_not_read_as_the_header(  # type: ignore[no-untyped-def]
    tmp_path: Path, spec, text: str, expect: str
) -> None:
    # A blank line above the header was read as a header of no columns: every data line was
    # "more fields than the header's 0", and a file of spaces listed every column as missing.
    (tmp_path / "orders.csv").write_text(text, encoding="utf-8", newline="")
    message = _problems(tmp_path, spec)
    assert expect in message, message
    assert "column is missing" not in message and "header's 0" not in message


@pytest.mark.parametrize(
    ("lines", "expect"),
    [
        # A value with a quote but not in quotes (an unquoted height, 5'10"): "CSV malformed".
        (
            [LINES[0], LINES[1].replace(",B,", ",5'10\","), LINES[2], LINES[3]],
            "lines opening a quoted value that is never closed (a missing \" or a stray one); "
            "export the extract again (1 line: 3)",
        ),
        # Text after a closing quote: "could not parse `\"B\" x` as dtype `str`".
        (
            [LINES[0], LINES[1], LINES[2].replace(",C,", ',"C" x,'), LINES[3]],
            "lines with a quote (\") where CSV does not allow one: a value holding quotes or "
            "commas must be wholly in quotes",
        ),
        # A quote opened in the last line and never closed.
        ([*LINES[:3], LINES[3] + ',"'], "never closed"),
        # A carriage return ending a line of a file with \n line ends (and quotes elsewhere).
        (
            [LINES[0].replace("O1,A,", 'O1,"A, B",'), LINES[1] + "\r" + LINES[2], LINES[3]],
            "lines holding a carriage return (\\r) that does not end the line (an old Mac line "
            "end, or one inside a value that is not in quotes); save the extract as CSV UTF-8 "
            "again (1 line: 3)",
        ),
        # The same in a file without a quote (its lines' commas are counted as bytes).
        ([LINES[0], LINES[1] + "\r" + LINES[2], LINES[3]], "(1 line: 3)"),
    ],
    ids=["quote-in-unquoted-value", "text-after-closing-quote", "never-closed", "lone-cr",
         "lone-cr-no-quotes"],
)  # fmt: skip
def test_broken_quoting_names_its_line(tmp_path: Path, spec, lines: list[str], expect: str) -> None:  # type: ignore[no-untyped-def]
    # Polars refused these as "CSV malformed: expected 0 rows, actual 4 rows" or "could not
    # parse ... as dtype str", "truncated or corrupt?", naming no line; a lone carriage return
    # joined two lines into one of "21 fields". The line is named, with what is wrong.
    message = _problems(_csv(tmp_path, lines), spec)
    assert expect in message, message
    assert "truncated or corrupt" not in message and "more fields" not in message


def test_good_quoting_is_not_taken_for_broken(tmp_path: Path, spec) -> None:  # type: ignore[no-untyped-def]
    # Quoted commas, doubled quotes, quoted line breaks (\n and \r\n) and a final line without
    # its line end: read exactly, and nothing for the quoting check to name.
    from statgen.extracts import csvtext

    ids = ['"O,1"', '"O ""2"""', '"O\n3"', '"O\r\n4"']
    text = "\r\n".join(
        [HEADER, *(f"{i},{line.split(',', 1)[1]}" for i, line in zip(ids, LINES, strict=True))]
    )
    (tmp_path / "orders.csv").write_bytes(("\ufeff" + text).encode())
    assert csvtext.quoting(tmp_path / "orders.csv") == []
    orders = load(tmp_path, spec, TODAY)["orders"]
    assert orders["order_id"].to_list() == ["O,1", 'O "2"', "O\n3", "O\r\n4"]
    assert orders["age_at_start"].to_list() == [30, None, 41, 22]


@pytest.mark.parametrize("chunk", [3, 4, 5, 1 << 24])
def test_a_lone_carriage_return_is_found_across_chunks(  # type: ignore[no-untyped-def]
    tmp_path: Path, monkeypatch, chunk: int
) -> None:
    from statgen.extracts import csvtext

    monkeypatch.setattr(csvtext, "CHUNK", chunk)
    path = tmp_path / "x.csv"
    for text, lone in [(b"ab\r\ncd\r\n", False), (b"abc\rd\n", True), (b"ab\r\r\n", True),
                       (b"a\r\nb\r", False), (b"abcd\r\n", False), (b"abcd\rx", True)]:  # fmt: skip
        path.write_bytes(text)
        assert csvtext.has_lone_cr(path) == lone, text


@pytest.mark.parametrize("earliest", [None, "0001-01-01"], ids=["default-earliest", "year-1"])
@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_dates_with_a_year_of_two_digits_are_refused_as_not_dates(  # type: ignore[no-untyped-def]
    tmp_path: Path, earliest: str | None, kind: str
) -> None:
    # Polars' %Y reads '25-01-02' as the year 25 and '01-02-25' (1 February 2025, as a UK
    # export may write it) as 0001-02-25: refused as "dates before 2000-01-01", or taken as
    # dates of the first century where the column's earliest allowed them.
    day: dict[str, object] = {"type": "date"} | ({"earliest": earliest} if earliest else {})
    spec = {
        "things": Extract.model_validate(
            {"description": "Things.", "columns": {"id": {"type": "string"}, "day": day}}
        )
    }
    days = ["2025-01-02", "25-01-02", "2025-1-3", "01-02-25"]
    frame = pl.DataFrame({"id": list("abcd"), "day": days})
    if kind == "csv":
        frame.write_csv(tmp_path / "things.csv")
        where = "(2 lines: 3, 5)"
    else:
        frame.write_parquet(tmp_path / "things.parquet")
        where = "(2 rows: 2, 4)"
    message = _problems(tmp_path, spec)
    assert f"column 'day': values that are not dates written YYYY-MM-DD {where}" in message
    assert "before" not in message, message
    frame.filter(pl.col("id").is_in(["a", "c"])).write_csv(tmp_path / "things.csv")
    (tmp_path / "things.parquet").unlink(missing_ok=True)
    read = load(tmp_path, spec, TODAY)["things"]["day"].to_list()
    assert read == [dt.date(2025, 1, 2), dt.date(2025, 1, 3)]
