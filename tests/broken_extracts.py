"""A corpus of broken extracts, each made from a small valid CSV extract by one mutation.

Each case names what is wrong and a fragment the error message must contain, so the messages
analysts see are pinned down.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl


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
]
"""Every broken extract the build must refuse."""
