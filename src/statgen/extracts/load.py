"""Read and validate every extract of a publication, listing every problem of every extract at
once, and the newest date the extracts hold."""

from __future__ import annotations

import datetime as dt
from functools import partial
from pathlib import Path

import polars as pl

from statgen.config import Extract
from statgen.errors import ExtractError, Problem
from statgen.extracts import csvtext, database, relations
from statgen.extracts.clean import clean_typed
from statgen.extracts.files import ExtractFile, blank_text_to_null, find, raw_for_checks
from statgen.extracts.validate import validate


def load(
    folder: Path,
    specs: dict[str, Extract],
    today: dt.date,
    queried: dict[str, pl.DataFrame] | None = None,
) -> dict[str, pl.DataFrame]:
    """Read and validate every extract; raise one :class:`ExtractError` listing all problems.

    ``queried`` holds the rows of extracts read from a database (``query``), validated here
    like a file's. Keys of several columns and references between extracts are checked once
    every extract is typed (:mod:`statgen.extracts.relations`).
    """
    frames: dict[str, pl.DataFrame] = {}
    problems: list[Problem] = []
    sources: dict[str, tuple[str, int, str]] = {}
    lines: dict[str, relations.Numbering] = {}
    hint = ExtractError().hint
    for name, spec in specs.items():
        try:
            if spec.query is not None:
                source = ExtractFile(name, Path(database.label(name)))
                rows = blank_text_to_null((queried or {})[name])  # the rule of CSV and Parquet text
                frames[name] = validate(source, rows, spec, today)
            else:
                source = find(folder, name)
                clean = clean_typed(source, spec, today)
                frames[name] = (
                    clean
                    if clean is not None
                    else validate(source, raw_for_checks(source), spec, today)
                )
            sources[name] = (
                str(source.path),
                2 if source.is_csv else 1,
                "line" if source.is_csv else "row",
            )
            if source.is_csv:
                lines[name] = partial(_line_numbers, source.path)
        except ExtractError as exc:
            problems.extend(exc.problems)
            hint = exc.hint
    problems.extend(relations.check(specs, frames, sources, lines))
    if problems:
        raise ExtractError(problems, hint=hint)
    return frames


def _line_numbers(path: Path) -> pl.Series:
    """The physical line of each row of a CSV extract (blank lines skipped, line breaks inside
    quoted values counted), as the detailed checks number them."""
    return csvtext.lines(path)[1]


def newest_date(frames: dict[str, pl.DataFrame]) -> dt.date | None:
    """The newest date in any date column: the extracts are complete up to this day."""
    newest: dt.date | None = None
    for frame in frames.values():
        for name, dtype in frame.schema.items():
            if dtype == pl.Date:
                value = frame[name].max()
                if isinstance(value, dt.date) and (newest is None or value > newest):
                    newest = value
    return newest
