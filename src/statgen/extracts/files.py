"""Find an extract's file and read its raw text or Parquet columns (before any type is
checked)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from statgen.errors import ExtractError, Problem, cut
from statgen.extracts import csvtext

MAX_ROWS_SHOWN = 10


MAX_VALUES_SHOWN = 8


ROW = csvtext.ROW

SUFFIXES = (".parquet", ".csv")


@dataclass(frozen=True)
class ExtractFile:
    """An extract file on disk and how its rows are numbered in messages."""

    name: str
    path: Path

    @property
    def is_csv(self) -> bool:
        """CSV rows are reported as file line numbers (the header is line 1)."""
        return self.path.suffix.lower() == ".csv"


def _problem(path: Path | str, message: str) -> ExtractError:
    return ExtractError([Problem(str(path), "-", message)])


def find(folder: Path, name: str) -> ExtractFile:
    """Locate ``<name>.parquet`` or ``<name>.csv`` in ``folder`` (exactly one of them)."""
    wanted = [f"{name}{suffix}" for suffix in SUFFIXES]
    try:
        entries = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    except OSError:
        entries = []
    # Every entry that is this extract, whatever case its name is written in.
    same = [e for e in entries if e.casefold() in wanted]
    exact = [e for e in same if e in wanted]
    if len(same) > 1:
        raise _problem(
            folder,
            f"two extracts for '{name}': {' and '.join(same)}; keep one of them "
            "(statgen will not choose between them)",
        )
    if not exact:
        hint = ""
        if same:
            hint = f"; found {same[0]}: rename it {name}{Path(same[0]).suffix.lower()}"
        else:
            close = difflib.get_close_matches(f"{name}.csv", entries, n=1, cutoff=0.75)
            hint = f"; is {close[0]} this extract?" if close else ""
        raise ExtractError(
            [
                Problem(
                    str(folder),
                    "-",
                    f"no extract called '{name}': expected {name}.parquet or {name}.csv{hint}",
                )
            ],
            hint="Point the build at the folder holding the extracts (make release EXTRACTS=DIR, "
            "or statgen build SLUG --extracts DIR), or run `statgen sample-data SLUG` for "
            "sample data.",
        )
    path = folder / exact[0]
    _check_is_file(path)
    return ExtractFile(name, path)


def _check_is_file(path: Path) -> None:
    """Refuse folders, dangling links and link loops with a message naming the path."""
    if path.is_symlink():
        try:
            path.resolve(strict=True)
        except RuntimeError:
            raise _problem(path, "is a symbolic link that loops back on itself") from None
        except OSError as exc:
            if "loop" in str(exc).lower() or getattr(exc, "errno", None) == 40:
                raise _problem(path, "is a symbolic link that loops back on itself") from None
            target = path.readlink()
            raise _problem(
                path,
                f"is a symbolic link to {target}, which does not exist; fix or remove the link",
            ) from None
    if path.is_dir():
        raise _problem(
            path,
            "is a folder, not a file (a partitioned Parquet dataset?); write the extract as a "
            "single file",
        )
    if not path.is_file():  # read, a pipe waits for a writer and a device never ends
        raise _problem(
            path,
            "is not a regular file (a pipe or device); write the extract as a file, or link to one",
        )


def _read_raw(source: ExtractFile) -> pl.DataFrame:
    """Read the file as it is: CSV columns all as text (types are checked afterwards).

    CSV rows carry their physical line number in :data:`ROW`; fully blank lines are skipped.
    """
    read = _raw(source)
    if isinstance(read, Numbered):
        return _collected(source, read.scan).with_columns(read.numbers)
    return read


def _raw(source: ExtractFile) -> pl.DataFrame | Numbered:
    """A Parquet file read whole, or a CSV's lazy text and line numbers (see
    :func:`csvtext.lines`), after the checks that need no parsing."""
    path = source.path
    if path.stat().st_size == 0:
        raise _fatal(source, "the file is empty (0 bytes)")
    try:
        if source.is_csv:
            width = len(csvtext.sniff(path))
            shapes = csvtext.shapes(path, width)
            if problems := shapes.problems():
                # A stray quote joins lines, or splits one: then it is the fault to name.
                # So does a carriage return that does not end its line.
                suspect = shapes.quoted or csvtext.has_lone_cr(path)
                raise ExtractError((suspect and csvtext.quoting(path)) or problems)
            return Numbered(*csvtext.lines(path, shapes.quoted))
        return blank_text_to_null(pl.read_parquet(path))
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise read_failure(source, exc) from None


def _collected(source: ExtractFile, scan: pl.LazyFrame) -> pl.DataFrame:
    try:
        return scan.collect()
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise read_failure(source, exc) from None


@dataclass(frozen=True)
class Numbered:
    """A CSV's rows as a lazy scan of their text, and the physical line of each row."""

    scan: pl.LazyFrame
    numbers: pl.Series


def read_failure(source: ExtractFile, exc: BaseException) -> ExtractError:
    """The error for a file Polars could not read, saying why in words where it can."""
    if isinstance(exc, pl.exceptions.ComputeError):
        text = str(exc).splitlines()[0]
        if "utf-8" in text.lower() or "utf8" in text.lower():
            where = csvtext.first_not_utf8(source.path) if source.is_csv else ""
            return _fatal(source, f"the file is not UTF-8 text{where}; save it as CSV UTF-8")
        if source.is_csv and (quoting := csvtext.quoting(source.path)):
            return ExtractError(quoting)  # "CSV malformed", "could not parse": name the lines
        return _fatal(source, f"could not be read ({text}); is it truncated or corrupt?")
    if isinstance(exc, pl.exceptions.NoDataError):
        return _fatal(source, "the file has no data")
    if isinstance(exc, pl.exceptions.DuplicateError):
        # Parquet allows two columns of one name; Polars reads neither.
        twice = re.search(r"name '(.*?)' has more than one", str(exc))
        name = f" ({twice[1]!r})" if twice else ""
        return _fatal(
            source,
            f"the file names a column more than once{name}; each column needs its own name: "
            "rename or remove the repeated one",
        )
    return _unreadable(source, exc)


def raw_for_checks(source: ExtractFile) -> pl.DataFrame | pl.LazyFrame | Numbered:
    """The raw extract for the detailed checks, never held whole: a CSV as a lazy scan of its
    text with each row's line number, a Parquet file as a lazy scan (both read a few columns
    at a time), or a Parquet file read in full when the scan cannot even read its schema (for
    the message)."""
    if source.is_csv or source.path.stat().st_size == 0:
        return _raw(source)
    try:
        scan = _scan_raw(source)
        scan.collect_schema()
    except (OSError, pl.exceptions.PolarsError):
        return _read_raw(source)
    return scan


def _unreadable(source: ExtractFile, exc: BaseException) -> ExtractError:
    """The error for a file the reader failed on, saying why in words where it can."""
    import errno

    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return _fatal(source, "no space left on device while reading it")
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return _fatal(source, f"could not be read ({cut(text)}); is it truncated or corrupt?")


def _fatal(source: ExtractFile, message: str) -> ExtractError:
    return ExtractError([Problem(str(source.path), "-", message)])


def _scan_raw(source: ExtractFile, spaces: bool = True) -> pl.LazyFrame:
    """The file as a lazy scan, read as :func:`_read_raw` reads it (without line numbers).

    Raises :class:`ExtractError` when a CSV's lines are not all the same shape. Empty CSV
    fields (``,,`` or ``,"",``) are null, and lines of only commas are dropped, but cells of
    only spaces are left as they are: the caller must treat them as suspect (the detailed read
    makes them null). Parquet text of only spaces is null too, unless ``spaces`` is false:
    then only empty text is (a comparison, where stripping every cell takes a second at 10M
    rows), and the caller must treat cells of spaces as suspect, as a CSV's.
    """
    if source.is_csv:
        header = csvtext.sniff(source.path)
        if not csvtext.shape_is_clean(source.path, len(header)):
            raise ExtractError([])  # the detailed read names the lines
        raw = pl.scan_csv(source.path, infer_schema=False)
        names = raw.collect_schema().names()
        nulled = raw.with_columns(pl.when(pl.col(c) != "").then(pl.col(c)).alias(c) for c in names)
        return nulled.filter(~pl.all_horizontal(pl.col(names).is_null()))
    return blank_text_to_null(pl.scan_parquet(source.path), spaces)


def blank_text_to_null(frame: pl.LazyFrame | pl.DataFrame, spaces: bool = True):  # type: ignore[no-untyped-def]
    """Parquet text cells and database rows follow the CSV rule: empty text, or only spaces
    (unless ``spaces`` is false), is a missing value (so ``''`` in a nullable category is
    counted as not recorded, never refused as a value)."""
    schema = frame.collect_schema() if isinstance(frame, pl.LazyFrame) else frame.schema
    text = [
        n for n, t in schema.items() if t == pl.String or isinstance(t, pl.Categorical | pl.Enum)
    ]
    # Dictionary-encoded strings arrive as Categorical (an Enum when Polars wrote the file):
    # compared as the text they hold.
    frame = frame.with_columns(pl.col(n).cast(pl.String) for n in text if schema[n] != pl.String)
    return frame.with_columns(
        pl.when((pl.col(c).str.strip_chars() if spaces else pl.col(c)) == "")
        .then(None)
        .otherwise(pl.col(c))
        .alias(c)
        for c in text
    )
