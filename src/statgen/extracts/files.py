"""Find an extract's file and read its raw text or Parquet columns (before any type is
checked)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from statgen.errors import ExtractError, Problem

MAX_ROWS_SHOWN = 10


MAX_VALUES_SHOWN = 8


ROW = "__statgen_row"


@dataclass(frozen=True)
class ExtractFile:
    """An extract file on disk and how its rows are numbered in messages."""

    name: str
    path: Path

    @property
    def is_csv(self) -> bool:
        """CSV rows are reported as file line numbers (the header is line 1)."""
        return self.path.suffix.lower() == ".csv"


def find(folder: Path, name: str) -> ExtractFile:
    """Locate ``<name>.parquet`` or ``<name>.csv`` in ``folder``."""
    for suffix in (".parquet", ".csv"):
        path = folder / f"{name}{suffix}"
        if path.is_file():
            return ExtractFile(name, path)
    raise ExtractError(
        [
            Problem(
                str(folder),
                "-",
                f"no extract called '{name}': expected {name}.parquet or {name}.csv",
            )
        ],
        hint="Point the build at the folder holding the extracts (make release EXTRACTS=DIR, "
        "or statgen build SLUG --extracts DIR), or run `statgen sample-data SLUG` for sample data.",
    )


def _read_raw(source: ExtractFile) -> pl.DataFrame:
    """Read the file as it is: CSV columns all as text (types are checked afterwards)."""
    path = source.path
    if path.stat().st_size == 0:
        raise _fatal(source, "the file is empty (0 bytes)")
    try:
        if source.is_csv:
            _check_csv_shape(source)
            frame = pl.read_csv(path, infer_schema=False, encoding="utf8")
            # An empty field is a missing value, whether written as ,, or ,"",
            return frame.with_columns(
                pl.when(pl.col(c).str.strip_chars() == "").then(None).otherwise(pl.col(c)).alias(c)
                for c in frame.columns
            )
        return pl.read_parquet(path)
    except pl.exceptions.ComputeError as exc:
        text = str(exc).splitlines()[0]
        if "utf-8" in text.lower() or "utf8" in text.lower():
            raise _fatal(source, "the file is not UTF-8 text; save it as CSV UTF-8") from None
        raise _fatal(source, f"could not be read ({text}); is it truncated or corrupt?") from None
    except pl.exceptions.NoDataError:
        raise _fatal(source, "the file has no data") from None
    except (OSError, pl.exceptions.PolarsError) as exc:
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise _fatal(source, f"could not be read ({text}); is it truncated or corrupt?") from None


def _check_csv_shape(source: ExtractFile) -> None:
    """Refuse CSVs that are not comma-separated or whose last line was cut off."""
    with source.path.open("rb") as f:
        header = f.readline().decode("utf-8", errors="replace")
        f.seek(max(0, source.path.stat().st_size - 65536))
        tail = f.read().decode("utf-8", errors="replace")
    fields = next(csv.reader([header]), [])
    if len(fields) == 1 and any(sep in header for sep in ";\t|"):
        sep = next(s for s in ";\t|" if s in header)
        raise _fatal(
            source,
            f"the file does not use commas between columns (its header is separated by {sep!r}); "
            "save it as CSV (comma delimited)",
        )
    lines = tail.splitlines()
    if len(lines) < 2 or tail.endswith(("\n", "\r")):
        return
    last = next(csv.reader([lines[-1]]), [])
    if len(last) < len(fields):
        with source.path.open("rb") as f:
            number = sum(1 for _ in f)
        raise _fatal(
            source,
            f"the file looks truncated: its last line ({number:,}) has {len(last)} of "
            f"{len(fields)} columns and no line end; export the extract again",
        )


def _fatal(source: ExtractFile, message: str) -> ExtractError:
    return ExtractError([Problem(str(source.path), "-", message)])


def _scan_raw(source: ExtractFile) -> pl.LazyFrame:
    """The file as a lazy scan, read as :func:`_read_raw` reads it."""
    if source.is_csv:
        _check_csv_shape(source)
        raw = pl.scan_csv(source.path, infer_schema=False)
        return raw.with_columns(
            pl.when(pl.col(c).str.strip_chars() == "").then(None).otherwise(pl.col(c)).alias(c)
            for c in raw.collect_schema().names()
        )
    return pl.scan_parquet(source.path)
