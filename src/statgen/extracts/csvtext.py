"""What statgen accepts as CSV text, checked before Polars parses it (see docs/extracts.md).

UTF-8 (with or without a byte order mark), commas between fields, ``\\n`` or ``\\r\\n`` line
ends, a header line first, and every line with every field. Fully blank lines (nothing, or only
commas and spaces) are skipped. Messages give physical line numbers: a quoted value holding a
line break does not put later lines out.
"""

from __future__ import annotations

import csv
import re
import threading
from pathlib import Path

import polars as pl

from statgen.errors import ExtractError, Problem

ROW = "__statgen_row"
HEAD = 65536
MAX_LINES_SHOWN = 10


NOT_TEXT = {
    b"PK\x03\x04": "a zip archive (an Excel .xlsx or .ods workbook?)",
    b"\x1f\x8b": "compressed with gzip",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "an old Excel .xls workbook (or another Office file)",
    b"PAR1": "a Parquet file",
}
"""The first bytes of files often saved under an extract's CSV name, and what they are."""


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
    for magic, kind in NOT_TEXT.items():
        if head.startswith(magic):
            hint = f"; name it {path.stem}.parquet" if magic == b"PAR1" else ""
            raise _fatal(
                path,
                f"the file is {kind}, not CSV text{hint or '; save the extract as CSV UTF-8'}",
            )
    if two_byte_text(head):
        raise _fatal(
            path,
            "the file is UTF-16 (or another two-byte encoding), not UTF-8; save it as "
            "CSV UTF-8 (comma delimited)",
        )
    nul = _nul_problem(head, tail, size)
    if nul:
        raise _fatal(path, nul)
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
    if not first.strip(" \t,"):
        raise _fatal(path, _blank_header(head, size <= HEAD))
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


def two_byte_text(head: bytes) -> bool:
    """Whether the file starts as UTF-16 text: with a byte-order mark, or without one as text
    whose every other byte is NUL (the ASCII letters of UTF-16)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    sample = head[:4096]
    pairs = len(sample) // 2
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    return pairs > 0 and max(even, odd) >= pairs // 2 and min(even, odd) <= pairs // 20


def _nul_problem(head: bytes, tail: bytes, size: int) -> str | None:
    """What a NUL byte in UTF-8 text (never part of a CSV) says about the file: padding at its
    end (a copy or export that stopped part way), or damage where it is."""
    if head and not head.strip(b"\x00"):
        what = f"is {size:,}" if len(head) == size else f"starts with {len(head):,}"
        return f"the file {what} NUL bytes and no text: export the extract again"
    padding = len(tail) - len(tail.rstrip(b"\x00"))
    if padding:
        start = size - padding
        return (
            f"the file ends in {padding:,} NUL bytes (from byte {start + 1:,} of {size:,}): a "
            "copy or export that did not finish; export the extract again"
        )
    at = head.find(b"\x00")
    if at < 0:
        where = tail.find(b"\x00")
        if where < 0:
            return None
        return (
            f"the file holds a NUL byte (byte {size - len(tail) + where + 1:,}): it is damaged "
            "or not CSV text; export the extract again"
        )
    line = head.count(b"\n", 0, at) + 1
    return (
        f"the file holds a NUL byte (byte {at + 1:,}, line {line:,}): it is damaged or not CSV "
        "text; export the extract again"
    )


def _blank_header(head: bytes, whole: bool) -> str:
    """Why a CSV whose first line is blank has no header, and which line looks like it (from
    the ``head`` of the file, which is ``whole`` when the file is no longer)."""
    lines = head.splitlines()
    for number, line in enumerate(lines, start=1):
        if line.strip(BLANK_BYTES):
            return (
                "line 1 is blank, but the header (the column names) must be the first line; "
                f"it seems to be line {number:,}: delete the blank lines above it"
            )
    if not whole:
        return (
            f"the file starts with more than {len(lines):,} blank lines, not the header (the "
            "column names); delete the blank lines above it"
        )
    return (
        "the file holds only blank lines (spaces, commas or line ends): no header and no rows; "
        "export the extract again"
    )


def first_not_utf8(path: Path) -> str:
    """Where the file first stops being UTF-8, in words (``" (line 4 has the byte 0xe9, in
    'North \\xe9ast')"``), or nothing if it is UTF-8 throughout."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 1
    read = 0  # bytes before ``chunk``
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                # The decoder may hold the start of a character from the chunk before.
                start = exc.start - (len(exc.object) - len(chunk))  # below 0: in the chunk before
                line = lines + chunk.count(b"\n", 0, max(0, start))
                at = read + start  # the bad byte's offset in the file
                begins = max(0, at - 30)
                f.seek(begins)
                window = f.read(at - begins + 30)
                bad = at - begins
                near = window[window.rfind(b"\n", 0, bad) + 1 :].split(b"\n")[0].rstrip(b"\r")
                shown = near.decode("utf-8", errors="backslashreplace")
                return f" (line {line:,} has the byte {window[bad]:#04x}, in '{shown}')"
            lines += chunk.count(b"\n")
            read += len(chunk)
    return ""


def _is_blank(row: list[str]) -> bool:
    return all(not field.strip() for field in row)


def shape_problems(path: Path, width: int) -> list[Problem]:
    """Lines with fewer or more fields than the header, by physical line number."""
    return shapes(path, width).problems()


def shapes(path: Path, width: int) -> _Shapes:
    """Every line's number of fields checked against the header's ``width``.

    A file without quotes is checked as bytes (commas between line ends, a chunk at a time);
    one with quotes is read with the ``csv`` module, which knows a quoted comma or line break.
    """
    found = _byte_shapes(path, width)
    return found if found is not None else _parsed_shapes(path, width)


class _Shapes:
    """The lines found too short or too long: how many, and the first few of each."""

    def __init__(self, path: Path, width: int, quoted: bool) -> None:
        self.path, self.width = path, width
        self.quoted = quoted
        """Whether the file has quotes (so values may hold line breaks)."""
        self.lines: dict[str, list[int]] = {"short": [], "long": []}
        self.fields: dict[str, dict[int, None]] = {"short": {}, "long": {}}
        self.count = {"short": 0, "long": 0}

    def add(self, kind: str, lines: list[int], fields: list[int]) -> None:
        """Record lines of ``kind`` (with their numbers of fields), in file order."""
        self.count[kind] += len(lines)
        room = MAX_LINES_SHOWN - len(self.lines[kind])
        self.lines[kind] += lines[:room]
        self.fields[kind].update(dict.fromkeys(fields[:room]))

    def problems(self) -> list[Problem]:
        """One problem for the short lines and one for the long, if there are any."""
        found = []
        for kind, word in (("short", "fewer"), ("long", "more")):
            if self.count[kind]:
                have = ", ".join(str(c) for c in self.fields[kind])
                found.append(
                    Problem(
                        str(self.path),
                        "-",
                        f"lines with {word} fields than the header's {self.width} (they have "
                        f"{have}); "
                        "every line must have every field, even if empty: export the extract "
                        "again",
                        tuple(self.lines[kind]),
                        (),
                        self.count[kind],
                        "line",
                    )
                )
        return found


def _parsed_shapes(path: Path, width: int) -> _Shapes:
    """Every line's fields counted by the ``csv`` module (quoted values, line breaks in them)."""
    csv.field_size_limit(2**31 - 1)
    shapes = _Shapes(path, width, quoted=True)
    with path.open(encoding="utf-8", errors="replace", newline="") as f:
        reader = csv.reader(f)
        next(reader, None)
        before = reader.line_num
        for row in reader:
            line, before = before + 1, reader.line_num
            if _is_blank(row) or len(row) == width:
                continue
            shapes.add("short" if len(row) < width else "long", [line], [len(row)])
    return shapes


_FIELD = r'(?:"(?:[^"]|"")*"|[^",\r\n]*)'
_RECORD = re.compile(rf"{_FIELD}(?:,{_FIELD})*")
"""A line (or the lines of one record) quoted as CSV allows: each value wholly in quotes,
with its quotes doubled, or holding no quote, comma or line break."""

QUOTING = {
    "cr": "lines holding a carriage return (\\r) that does not end the line (an old Mac line "
    "end, or one inside a value that is not in quotes); save the extract as CSV UTF-8 again",
    "open": 'lines opening a quoted value that is never closed (a missing " or a stray one); '
    "export the extract again",
    "quote": 'lines with a quote (") where CSV does not allow one: a value holding quotes or '
    "commas must be wholly in quotes, with nothing before its opening quote or after its "
    'closing one, and each quote inside it doubled (such as "5\'10""")',
}
"""What is wrong with a line that breaks CSV quoting, by kind."""


def quoting(path: Path) -> list[Problem]:
    """The lines that break CSV quoting (a stray quote, a value never closed, a lone carriage
    return), by physical line: what Polars refuses as "CSV malformed" without naming a line.

    Read a line at a time in Python, so only called once a read has failed.
    """
    found: dict[str, list[int]] = {kind: [] for kind in QUOTING}
    with path.open("rb") as f:
        numbered = enumerate(f, start=1)
        again: list[tuple[int, bytes]] = []  # lines to read again, the next one last

        def pop() -> tuple[int, bytes] | None:
            return again.pop() if again else next(numbered, None)

        while (read := pop()) is not None:
            start, line = read
            if b'"' not in line and b"\r" not in line.rstrip(b"\r\n"):
                continue  # the quick case: no quote, no carriage return inside the line
            record, quotes = [line], line.count(b'"')
            while quotes % 2 and (more := pop()) is not None:  # a quoted line break: read on
                record.append(more[1])
                quotes += more[1].count(b'"')
            if kind := _broken(record, quotes):
                found[kind].append(start)
                # Read again from the record's second line: a stray quote joined lines that
                # are not one record.
                again += [(start + i, later) for i, later in enumerate(record[1:], 1)][::-1]
    return [
        Problem(str(path), "-", QUOTING[kind], tuple(at[:MAX_LINES_SHOWN]), (), len(at), "line")
        for kind, at in found.items()
        if at
    ]


def has_lone_cr(path: Path) -> bool:
    """Whether the file holds a carriage return followed by anything but a line feed (a search
    a chunk at a time, at the speed of reading; a last byte ``\\r`` ends the file's last line)."""
    carry = b""
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            data = carry + chunk
            # A carriage return ending the chunk may be followed by a line feed in the next.
            body, carry = (data[:-1], data[-1:]) if data.endswith(b"\r") else (data, b"")
            if _LONE_CR.search(body):
                return True
    return False


_LONE_CR = re.compile(rb"\r(?!\n)")


def _broken(record: list[bytes], quotes: int) -> str | None:
    """How the lines of one ``record`` (holding ``quotes`` quotes) break CSV quoting, if they
    do: a kind of :data:`QUOTING`."""
    text = b"".join(record).removeprefix(b"\xef\xbb\xbf")
    text = text[:-2] if text.endswith(b"\r\n") else text.removesuffix(b"\n")
    decoded = text.decode("utf-8", errors="replace")
    if _RECORD.fullmatch(decoded):
        return None
    if re.search("\r(?!\n)", decoded):
        return "cr"
    return "open" if quotes % 2 else "quote"


BLANK_BYTES = b", \t\r\n"
"""The bytes a blank line may hold: commas, spaces, tabs and line ends."""


def _byte_shapes(path: Path, width: int) -> _Shapes | None:
    """Every line's commas counted as bytes, a chunk at a time; None if the file has quotes.

    A line of only commas and spaces is blank (skipped, as the ``csv`` module's count does).
    """
    import numpy as np  # here: a build of a clean extract never loads numpy

    filled = np.ones(256, dtype=bool)
    filled[list(BLANK_BYTES)] = False
    shapes = _Shapes(path, width, quoted=False)
    done = 0  # physical lines counted so far (the header is line 1)
    carry = b""
    with path.open("rb") as f:
        while True:
            chunk = f.read(SHAPE_CHUNK)
            if b'"' in chunk:
                return None
            data = carry + chunk if chunk else carry + b"\n" * bool(carry)
            if not data:
                return shapes
            octets = np.frombuffer(data, dtype=np.uint8)
            ends = np.flatnonzero(octets == 10)
            complete = int(ends[-1]) + 1 if len(ends) else 0
            carry = data[complete:]
            octets = octets[:complete]
            commas = np.diff(np.searchsorted(np.flatnonzero(octets == 44), ends), prepend=0)
            numbers = np.arange(done + 1, done + 1 + len(ends))
            bad = (commas != width - 1) & (numbers > 1)
            if bad.any():  # unless the line is blank
                held = np.diff(np.searchsorted(np.flatnonzero(filled[octets]), ends), prepend=0)
                bad &= held > 0
                fields, found = commas[bad] + 1, numbers[bad]
                for kind, which in (("short", fields < width), ("long", fields > width)):
                    shapes.add(kind, found[which].tolist(), fields[which].tolist())
            done += len(ends)
            if not chunk:
                return shapes


SHAPE_CHUNK = 1 << 22
"""Bytes read at a time when counting each line's commas (a few of numpy's arrays of each)."""


def shape_is_clean(path: Path, width: int) -> bool:
    """Whether no line has fewer fields than the header: a count of bytes, without parsing.

    Without quotes in the file, every line has ``width - 1`` commas exactly when the file's
    commas number ``width - 1`` for each of its lines, and no line has more fields than the
    header: Polars refuses such a line when it parses the file ("found more fields"), so the
    caller must parse it with Polars (as :func:`statgen.extracts.files._scan_raw` does). A file
    with quotes, or whose count is out (blank lines, short lines), gets the exact check of
    :func:`shape_problems`.
    """
    counted = count_commas(path)
    if counted is not None and counted[0] == (width - 1) * counted[1]:
        return True
    return not shape_problems(path, width)


def count_commas(path: Path) -> tuple[int, int] | None:
    """The file's commas and lines, or ``None`` when it holds a quote (then only parsing can
    tell its fields apart). Counted once for each version of the file (its size, time and
    inode): :func:`statgen.stages.read_extracts` counts a CSV beside the hashing of the
    extracts, and the read takes the count from here."""
    try:
        stat = path.stat()
    except OSError:
        return _count_commas(path)  # the read names the problem
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, stat.st_ino)
    with _COUNTS_LOCK:
        if key in _COUNTS:
            return _COUNTS[key]
    counted = _count_commas(path)
    with _COUNTS_LOCK:
        while len(_COUNTS) >= KEEP_COUNTS:
            _COUNTS.pop(next(iter(_COUNTS)))  # the oldest
        _COUNTS[key] = counted
    return counted


KEEP_COUNTS = 32
"""Counts kept: a build's CSV extracts (a changed file has a new key, and is counted again)."""


_COUNTS: dict[tuple[str, int, int, int], tuple[int, int] | None] = {}
_COUNTS_LOCK = threading.Lock()


def _count_commas(path: Path) -> tuple[int, int] | None:
    import numpy as np  # its comparisons count bytes three times as fast as bytes.count

    commas = newlines = 0
    last = b""
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            if b'"' in chunk:
                return None
            octets = np.frombuffer(chunk, dtype=np.uint8)
            commas += int(np.count_nonzero(octets == 44))
            newlines += int(np.count_nonzero(octets == 10))
            last = chunk[-1:]
    return commas, newlines + (0 if last in (b"\n", b"") else 1)


CHUNK = 1 << 24
"""Bytes read at a time when counting a CSV's commas and lines."""


def lines(path: Path, quoted: bool = True) -> tuple[pl.LazyFrame, pl.Series]:
    """The CSV's text as a lazy scan (empty cells and cells of only spaces null, fully blank
    lines dropped) and the physical line number of each of its rows.

    The caller must have checked the lines' shape (:func:`shape_problems`). Nothing is held
    but the line numbers: each query reads only the columns it needs (never the whole text of
    20M lines at once, which takes 5 GB as Polars strings). Line breaks inside quoted values
    are counted (when the file has ``quoted`` values) in one streaming pass, with the fully
    blank lines, so the numbers stay physical.
    """
    raw = pl.scan_csv(path, infer_schema=False, encoding="utf8")
    names = raw.collect_schema().names()
    text = raw.with_columns(
        pl.when(pl.col(c).str.strip_chars() == "").then(None).otherwise(pl.col(c)).alias(c)
        for c in names
    )
    breaks = [pl.col(c).str.count_matches("\n", literal=True).fill_null(0) for c in names]
    facts = text.select(
        breaks=pl.sum_horizontal(breaks).cast(pl.Int64) if quoted else pl.lit(0, pl.Int64),
        blank=pl.all_horizontal(pl.col(names).is_null()),
    ).collect(engine="streaming")
    embedded = facts["breaks"]
    numbers = (
        facts.select(pl.int_range(pl.len(), dtype=pl.Int64) + 2 + embedded.cum_sum() - embedded)
        .to_series()
        .alias(ROW)
    )
    blank = facts["blank"]
    if not blank.any():
        return text, numbers
    index = "__statgen_index"
    kept = text.with_row_index(index).filter(~pl.col(index).is_in(blank.arg_true().implode()))
    return kept.drop(index), numbers.filter(~blank)
