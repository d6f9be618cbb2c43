"""A corpus of broken extracts, each made from a small valid CSV extract by one mutation.

Each case names what is wrong and a fragment the error message must contain, so the messages
analysts see are pinned down.
"""

from __future__ import annotations

import gzip
import io
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from conftest import ROOT

from statgen.config import Extract, load_publication


def em_extracts() -> dict[str, Extract]:
    """The electronic-monitoring publication's extract definitions (what EM_ORDERS fits)."""
    return load_publication(ROOT / "publications" / "electronic-monitoring").extracts


@dataclass(frozen=True)
class Case:
    """One broken extract: how to break the valid one, and what the message must say."""

    id: str
    make: Callable[[pl.DataFrame, Path], None]
    expect: str


def _csv(frame: pl.DataFrame, folder: Path) -> Path:
    path = folder / "orders.csv"
    frame.write_csv(path)
    return path


def _text(edit: Callable[[str], str]) -> Callable[[pl.DataFrame, Path], None]:
    def make(frame: pl.DataFrame, folder: Path) -> None:
        path = _csv(frame, folder)
        path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")

    return make


def _frame(edit: Callable[[pl.DataFrame], pl.DataFrame]) -> Callable[[pl.DataFrame, Path], None]:
    def make(frame: pl.DataFrame, folder: Path) -> None:
        _csv(edit(frame), folder)

    return make


def _latin1(frame: pl.DataFrame, folder: Path) -> None:
    path = _csv(frame.with_columns(region=pl.lit("Ynys Môn")), folder)
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))


def _set(column: str, rows: list[int], value: str | None) -> Callable[[pl.DataFrame], pl.DataFrame]:
    def edit(frame: pl.DataFrame) -> pl.DataFrame:
        frame = frame.with_columns(pl.col(column).cast(pl.String))
        index = pl.int_range(pl.len())
        return frame.with_columns(
            pl.when(index.is_in(rows)).then(pl.lit(value)).otherwise(pl.col(column)).alias(column)
        )

    return edit


def _parquet(content: bytes) -> Callable[[pl.DataFrame, Path], None]:
    def make(frame: pl.DataFrame, folder: Path) -> None:
        (folder / "orders.parquet").write_bytes(content)

    return make


def _corrupt_parquet(frame: pl.DataFrame, folder: Path) -> None:
    path = folder / "orders.parquet"
    frame.write_parquet(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _lines(edit: Callable[[list[str]], list[str]]) -> Callable[[pl.DataFrame, Path], None]:
    """Edit the CSV as a list of physical lines (header first), written back with \n."""

    def make(frame: pl.DataFrame, folder: Path) -> None:
        path = _csv(frame, folder)
        lines = path.read_text(encoding="utf-8").splitlines()
        path.write_text("\n".join(edit(lines)) + "\n", encoding="utf-8")

    return make


def _drop_fields(n: int, line: int) -> Callable[[list[str]], list[str]]:
    def edit(lines: list[str]) -> list[str]:
        fields = lines[line - 1].split(",")
        lines[line - 1] = ",".join(fields[: len(fields) - n] if n > 0 else [*fields, "x"])
        return lines

    return edit


def _bytes(encode: Callable[[str], bytes]) -> Callable[[pl.DataFrame, Path], None]:
    def make(frame: pl.DataFrame, folder: Path) -> None:
        path = _csv(frame, folder)
        path.write_bytes(encode(path.read_text(encoding="utf-8")))

    return make


def _zipped(name: str, text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, text)
    return buffer.getvalue()


def _parquet_bytes(text: str) -> bytes:
    buffer = io.BytesIO()
    pl.read_csv(io.StringIO(text), infer_schema=False).write_parquet(buffer)
    return buffer.getvalue()


def _special(make_at: Callable[[Path], None]) -> Callable[[pl.DataFrame, Path], None]:
    """Put a pipe or a link to a device where the extract's file goes."""

    def make(frame: pl.DataFrame, folder: Path) -> None:
        make_at(folder / "orders.csv")

    return make


def typed(frame: pl.DataFrame) -> pl.DataFrame:
    """The valid extract with its stored types (as a Parquet extract holds them)."""
    dates = ["notification_date", "start_date", "end_date"]
    return frame.with_columns(
        *[pl.col(d).str.to_date() for d in dates], pl.col("age_at_start").cast(pl.Int64)
    )


def _typed_parquet(
    edit: Callable[[pl.DataFrame], pl.DataFrame],
) -> Callable[[pl.DataFrame, Path], None]:
    def make(frame: pl.DataFrame, folder: Path) -> None:
        edit(typed(frame)).write_parquet(folder / "orders.parquet")

    return make


def _arrow(edit: Callable[[pl.DataFrame], object]) -> Callable[[pl.DataFrame, Path], None]:
    """Write a Parquet file through pyarrow (for types Polars does not write)."""

    def make(frame: pl.DataFrame, folder: Path) -> None:
        import pyarrow.parquet as pq

        pq.write_table(edit(typed(frame)), folder / "orders.parquet")  # type: ignore[arg-type]

    return make


def _binary_region(frame: pl.DataFrame) -> object:
    import pyarrow as pa

    table = frame.to_arrow()
    index = table.schema.get_field_index("region")
    values = [b"\xff\xfe" for _ in range(table.num_rows)]
    return table.set_column(index, "region", pa.array(values, pa.binary()))


def _two_files(frame: pl.DataFrame, folder: Path) -> None:
    _csv(frame, folder)
    typed(frame).write_parquet(folder / "orders.parquet")


def _renamed(name: str) -> Callable[[pl.DataFrame, Path], None]:
    def make(frame: pl.DataFrame, folder: Path) -> None:
        _csv(frame, folder).rename(folder / name)

    return make


def _folder(frame: pl.DataFrame, folder: Path) -> None:
    (folder / "orders.parquet").mkdir()
    typed(frame).write_parquet(folder / "orders.parquet" / "part-0.parquet")


def _dangling(frame: pl.DataFrame, folder: Path) -> None:
    (folder / "orders.csv").symlink_to(folder / "gone.csv")


def _loop(frame: pl.DataFrame, folder: Path) -> None:
    (folder / "orders.csv").symlink_to(folder / "other.csv")
    (folder / "other.csv").symlink_to(folder / "orders.csv")


def _where_ended(column: str, value: str | None) -> Callable[[pl.DataFrame], pl.DataFrame]:
    """Set ``column`` on the first order that has not ended (no end_date)."""

    def edit(frame: pl.DataFrame) -> pl.DataFrame:
        first = frame.with_row_index("i").filter(pl.col("end_date").is_null())["i"][0]
        return _set(column, [first], value)(frame)

    return edit


def _end_without_start(frame: pl.DataFrame) -> pl.DataFrame:
    i = frame.with_row_index("i").filter(pl.col("end_date").is_not_null())["i"][0]
    return _set("start_date", [i], None)(frame)


def _wide(frame: pl.DataFrame) -> pl.DataFrame:
    frame = frame.head(20)  # the flood is in the columns; few rows keep the test quick
    extra = pl.DataFrame({f"extra_{i}": ["x"] * frame.height for i in range(10_000)})
    return pl.concat([frame, extra], how="horizontal")


EM_ORDERS = {
    # Four good electronic-monitoring orders, as text (CSV cells): the base of many extract tests.
    "order_id": ["O1", "O2", "O3", "O4"],
    "person_id": ["A", "B", "C", "D"],
    "order_type": ["Court bail", "Court order", "Post-release", "Specials"],
    "device_type": ["RF curfew", "GPS location", "RF curfew", "Alcohol monitoring"],
    "region": ["London", "Wales", "North East", "London"],
    "sex": ["Male", "Female", "Unknown", "Male"],
    "age_at_start": ["30", "", "41", "22"],
    "notification_date": ["2025-01-02", "2025-02-03", "2025-03-04", "2025-03-05"],
    "start_date": ["2025-01-05", "2025-02-05", "", "2025-03-06"],
    "end_date": ["2025-03-01", "", "", ""],
    "end_reason": ["Completed", "", "", ""],
}


CASES = [
    Case("semicolon-delimiter", _text(lambda t: t.replace(",", ";")), "does not use commas"),
    Case("latin-1-encoding", _latin1, "not UTF-8"),
    Case("truncated", _text(lambda t: t[: len(t) // 2].rsplit(",", 3)[0]), "looks truncated"),
    Case(
        "extra-column",
        _frame(lambda f: f.with_columns(notes=pl.lit("x"))),
        "unexpected column: notes",
    ),
    Case("missing-column", _frame(lambda f: f.drop("sex")), "'sex': column is missing"),
    Case(
        "renamed-column",
        _frame(lambda f: f.rename({"device_type": "device_typ"})),
        "is 'device_typ' this column renamed?",
    ),
    Case("wrong-type-integer", _frame(_set("age_at_start", [3, 7], "forty")), "not whole numbers"),
    Case("wrong-type-date", _frame(_set("notification_date", [2], "31/02/2024")), "YYYY-MM-DD"),
    Case(
        "future-date", _frame(_set("notification_date", [5], "2099-01-01")), "dates in the future"
    ),
    Case(
        "date-before-2000",
        _frame(_set("notification_date", [5], "1999-12-31")),
        "before 2000-01-01",
    ),
    Case("empty-file", _text(lambda t: ""), "empty (0 bytes)"),
    Case("header-only", _text(lambda t: t.splitlines()[0] + "\n"), "header but no rows"),
    Case("duplicate-ids", _frame(lambda f: pl.concat([f, f.head(3)])), "duplicate values"),
    Case(
        "unknown-category",
        _frame(_set("order_type", [4], "Home detention")),
        "not in the allowed list",
    ),
    Case("case-variant", _frame(_set("sex", [1], "male")), "should be written exactly 'Male'"),
    Case(
        "whitespace-variant",
        _frame(_set("region", [1], " London ")),
        "should be written exactly 'London'",
    ),
    Case("zero-byte-parquet", _parquet(b""), "empty (0 bytes)"),
    Case("corrupt-parquet", _corrupt_parquet, "truncated or corrupt"),
    # Every line must have every field (issue 14); line numbers are physical lines.
    Case(
        "short-line",
        _lines(_drop_fields(2, 6)),
        "fewer fields than the header's 11 (they have 9); every line must have every field, even if empty: export the extract again (1 line: 6)",
    ),
    Case("long-line", _lines(_drop_fields(-1, 4)), "more fields than the header's 11"),
    Case("cr-only-line-ends", _text(lambda t: t.replace("\n", "\r")), "old Mac line endings"),
    Case("utf-16", _bytes(lambda t: t.encode("utf-16")), "UTF-16"),
    Case("utf-16-no-bom", _bytes(lambda t: t.encode("utf-16-le")), "not UTF-8"),
    Case("excel-sep-line", _text(lambda t: "sep=,\n" + t), "Excel's delimiter hint"),
    # NUL bytes in UTF-8 text: not UTF-16 (its every other byte would be NUL)
    Case(
        "nul-padded",
        _bytes(lambda t: t.encode() + bytes(4096)),
        "orders.csv: the file ends in 4,096 NUL bytes (from byte ",
    ),
    Case(
        "nul-in-a-line",
        _bytes(lambda t: t.encode().replace(b"\n", b"\x00\n", 3)),
        "orders.csv: the file holds a NUL byte (byte ",
    ),
    Case("all-nul", _bytes(lambda t: bytes(len(t))), "NUL bytes and no text"),
    # Other files saved with the extract's name (binary bytes: never called UTF-16)
    Case(
        "xlsx-named-csv",
        _bytes(lambda t: _zipped("xl/workbook.xml", t)),
        "orders.csv: the file is a zip archive (an Excel .xlsx or .ods workbook?), not CSV text",
    ),
    Case(
        "gzip-named-csv",
        _bytes(lambda t: gzip.compress(t.encode())),
        "orders.csv: the file is compressed with gzip, not CSV text",
    ),
    Case(
        "xls-named-csv",
        _bytes(lambda t: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)),
        "orders.csv: the file is an old Excel .xls workbook (or another Office file), not CSV text",
    ),
    Case(
        "parquet-named-csv",
        _bytes(lambda t: _parquet_bytes(t)),
        "orders.csv: the file is a Parquet file, not CSV text; name it orders.parquet",
    ),
    Case("fifo", _special(os.mkfifo), "orders.csv: is not a regular file (a pipe or device)"),
    Case(
        "link-to-device",
        _special(lambda path: os.symlink("/dev/zero", path)),
        "orders.csv: is not a regular file (a pipe or device)",
    ),
    # Parquet types
    Case(
        "int-dates",
        _typed_parquet(
            lambda f: f.with_columns(
                pl.col("notification_date").dt.strftime("%Y%m%d").cast(pl.Int64)
            )
        ),
        "column 'notification_date': dates are stored as whole numbers (such as 20250331)",
    ),
    Case(
        "list-column",
        _typed_parquet(lambda f: f.with_columns(pl.concat_list("region"))),
        "column 'region': the column is stored as list",
    ),
    Case(
        "struct-column",
        _typed_parquet(lambda f: f.with_columns(pl.struct("sex"))),
        "column 'sex': the column is stored as struct",
    ),
    Case(
        "binary-column", _arrow(_binary_region), "column 'region': the column is stored as binary"
    ),
    Case(
        "timestamp-with-time",
        _typed_parquet(
            lambda f: f.with_columns(
                pl.col("notification_date").cast(pl.Datetime("us")) + pl.duration(hours=13)
            )
        ),
        "timestamps with a time of day",
    ),
    Case(
        "fractional-age",
        _typed_parquet(lambda f: f.with_columns(pl.col("age_at_start").cast(pl.Float64) + 0.9)),
        "column 'age_at_start': values that are not whole numbers",
    ),
    # Identifiers are trimmed: 'X ' is a duplicate of 'X'.
    Case(
        "id-trailing-space",
        _frame(lambda f: pl.concat([f, f.head(1).with_columns(pl.col("order_id") + " ")])),
        "column 'order_id': duplicate values",
    ),
    # Files
    Case("two-extracts", _two_files, "two extracts for 'orders': orders.csv and orders.parquet"),
    Case("near-miss-name", _renamed("orders.CSV"), "found orders.CSV: rename it orders.csv"),
    Case("folder-extract", _folder, "is a folder, not a file"),
    Case("dangling-symlink", _dangling, "which does not exist"),
    Case("symlink-loop", _loop, "loops back on itself"),
    # Cross-field rules in the schema
    Case(
        "end-reason-without-end-date",
        _frame(_where_ended("end_reason", "Completed")),
        "column 'end_reason': values in rows where end_date is empty (end_reason requires end_date)",
    ),
    Case(
        "end-date-without-start-date",
        _frame(_end_without_start),
        "column 'end_date': values in rows where start_date is empty",
    ),
    # Floods are capped
    Case("ten-thousand-columns", _frame(_wide), "extra_9 and 9,990 more"),
    Case(
        "huge-value",
        _frame(_set("sex", [2], "M" * 100_000)),
        "... (100,000 characters)",
    ),
]
"""Every broken extract the build must refuse."""
