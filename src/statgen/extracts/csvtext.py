"""What statgen accepts as CSV text, checked before Polars parses it (see docs/extracts.md).

UTF-8 (with or without a byte order mark), commas between fields, ``\\n`` or ``\\r\\n`` line
ends, a header line first, and every line with every field. Fully blank lines (nothing, or only
commas and spaces) are skipped. Messages give physical line numbers: a quoted value holding a
line break does not put later lines out.
"""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl

from statgen.errors import ExtractError, Problem

ROW = "__statgen_row"
HEAD = 65536
MAX_LINES_SHOWN = 10


def _fatal(path: Path, message: str) -> ExtractError:
    return ExtractError([Problem(str(path), "-", message)])


def sniff(path: Path) -> list[str]:
    """The header's field names, after refusing encodings, line ends and shapes statgen cannot
    read (each with a message that names the fault)."""
    size = path.stat().st_size
    with path.open("rb") as f:
        head = f.read(HEAD)
        f.seek(max(0, size - HEAD))
        tail = f.read()
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:4096]:
        raise _fatal(
            path,
            "the file is UTF-16 (or another two-byte encoding), not UTF-8; save it as "
            "CSV UTF-8 (comma delimited)",
        )
    head = head.removeprefix(b"\xef\xbb\xbf")
    if b"\r" in head and b"\n" not in head:
        raise _fatal(
            path,
            "the file has old Mac line endings (carriage returns only); save it with Windows "
            "or Unix line endings (CSV UTF-8)",
        )
    with path.open("rb") as f:
        line = f.readline(1 << 26)
    line = line.removeprefix(b"\xef\xbb\xbf")
    first = line.rstrip(b"\r\n").decode("utf-8", errors="replace")
    if first.strip().strip('"').lower().startswith("sep=") and len(first.strip()) <= 8:
        raise _fatal(
            path,
            f"the first line is {first.strip()!r}, Excel's delimiter hint, not the header; "
            "delete that line (or save as CSV UTF-8 without it)",
        )
    fields = next(csv.reader([first]), [])
    if len(fields) == 1 and any(sep in first for sep in ";\t|"):
        sep = next(s for s in ";\t|" if s in first)
        raise _fatal(
            path,
            f"the file does not use commas between columns (its header is separated by {sep!r}); "
            "save it as CSV (comma delimited)",
        )
    twice = sorted({f for f in fields if fields.count(f) > 1})
    if twice:
        places = {n: ", ".join(str(i + 1) for i, f in enumerate(fields) if f == n) for n in twice}
        where = "; ".join(f"{name!r} in columns {places[name]}" for name in twice[:10])
        raise _fatal(
            path,
            f"the header names a column more than once ({where}); each column needs its own "
            "name: rename or remove the repeated one",
        )
    text = tail.decode("utf-8", errors="replace")
    lines = text.splitlines()
    if len(lines) >= 2 and not text.endswith(("\n", "\r")):
        last = next(csv.reader([lines[-1]]), [])
        if len(last) < len(fields):
            with path.open("rb") as f:
                number = sum(1 for _ in f)
            raise _fatal(
                path,
                f"the file looks truncated: its last line ({number:,}) has {len(last)} of "
                f"{len(fields)} columns and no line end; export the extract again",
            )
    return fields


def _is_blank(row: list[str]) -> bool:
    return all(not field.strip() for field in row)


def shape_problems(path: Path, width: int) -> list[Problem]:
    """Lines with fewer or more fields than the header, by physical line number."""
    csv.field_size_limit(2**31 - 1)
    short: list[int] = []
    long: list[int] = []
    counts: dict[str, dict[int, None]] = {"short": {}, "long": {}}
    n_short = n_long = 0
    with path.open(encoding="utf-8", errors="replace", newline="") as f:
        reader = csv.reader(f)
        next(reader, None)
        before = reader.line_num
        for row in reader:
            line, before = before + 1, reader.line_num
            if _is_blank(row) or len(row) == width:
                continue
            if len(row) < width:
                n_short += 1
                if len(short) < MAX_LINES_SHOWN:
                    short.append(line)
                    counts["short"][len(row)] = None
            else:
                n_long += 1
                if len(long) < MAX_LINES_SHOWN:
                    long.append(line)
                    counts["long"][len(row)] = None
    problems = []
    for kind, rows, n, word in (("short", short, n_short, "fewer"), ("long", long, n_long, "more")):
        if n:
            found = ", ".join(str(c) for c in counts[kind])
            problems.append(
                Problem(
                    str(path),
                    "-",
                    f"lines with {word} fields than the header's {width} (they have {found}); "
                    "every line must have every field, even if empty: export the extract again",
                    tuple(rows),
                    (),
                    n,
                    "line",
                )
            )
    return problems


def shape_is_clean(path: Path, width: int) -> bool:
    """Whether no line has fewer fields than the header: a count of bytes, without parsing.

    Without quotes in the file, every line has ``width - 1`` commas exactly when the file's
    commas number ``width - 1`` for each of its lines, and no line has more fields than the
    header: Polars refuses such a line when it parses the file ("found more fields"), so the
    caller must parse it with Polars (as :func:`statgen.extracts.files._scan_raw` does). A file
    with quotes, or whose count is out (blank lines, short lines), gets the exact check of
    :func:`shape_problems`.
    """
    commas = newlines = 0
    last = b""
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            if b'"' in chunk:
                return not shape_problems(path, width)
            commas += chunk.count(b",")
            newlines += chunk.count(b"\n")
            last = chunk[-1:]
    lines = newlines + (0 if last in (b"\n", b"") else 1)
    if commas == (width - 1) * lines:
        return True
    return not shape_problems(path, width)


CHUNK = 1 << 24
"""Bytes read at a time when counting a CSV's commas and lines."""


def with_lines(frame: pl.DataFrame) -> pl.DataFrame:
    """The parsed CSV with each row's physical line number in :data:`ROW`, empty fields as
    nulls, and fully blank lines dropped.

    ``frame`` is emptied as it is worked through, a column at a time, so a large extract is
    never held twice (20M lines of text: 5 GB, not 9)."""
    names = frame.columns
    # Line breaks inside quoted values, counted a column at a time (and only where there are).
    embedded = pl.zeros(frame.height, pl.Int64, eager=True)
    for c in names:
        breaks = pl.col(c).str.count_matches("\n", literal=True).fill_null(0)
        if frame.select(pl.col(c).str.contains("\n", literal=True).any()).item():
            embedded += frame.select(breaks.cast(pl.Int64)).to_series()
    lines = frame.select(
        (pl.int_range(pl.len(), dtype=pl.Int64) + 2 + embedded.cum_sum() - embedded).alias(ROW)
    ).to_series()
    for i, c in enumerate(names):
        text = pl.col(c)
        blank = pl.when(text.str.strip_chars() == "").then(None).otherwise(text).alias(c)
        # One chunk per column now, a column at a time: Polars would otherwise join the
        # parser's chunks of every column at once in the first query (twice the memory).
        frame.replace_column(i, frame.select(blank).to_series().rechunk())
    keep = frame.select(~pl.all_horizontal(pl.col(names).is_null())).to_series()
    if keep.all():
        return frame.with_columns(lines)
    kept = [frame.drop_in_place(c).filter(keep) for c in names]
    return pl.DataFrame([*kept, lines.filter(keep)])
