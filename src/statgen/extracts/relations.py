"""Checks across columns and extracts, on the typed frames: keys of several columns
(``unique: [prison, month]``) and references between extracts (every prison of ``incidents``
exists in ``population``). Problems are listed with the other extract problems."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from statgen.config import Extract
from statgen.errors import Problem
from statgen.extracts.files import MAX_ROWS_SHOWN, MAX_VALUES_SHOWN

ROW = "__statgen_row"


Numbering = Callable[[], pl.Series]
"""The number of each row of a typed frame as messages show it (a CSV's physical lines, which
blank lines and line breaks inside quoted values put apart from its row positions)."""


def _numbered(frame: pl.DataFrame, first_row: int) -> pl.DataFrame:
    return frame.with_row_index(ROW, offset=first_row)


def _rows(hits: pl.DataFrame, first_row: int, lines: Numbering | None) -> tuple[int, ...]:
    """The first rows of ``hits`` as messages number them: by the extract's ``lines`` (read
    only now, when there is a problem to show), else counted from ``first_row``."""
    shown = hits[ROW].head(MAX_ROWS_SHOWN)
    if lines is None:
        return tuple(shown.to_list())
    return tuple(lines().gather(shown - first_row).to_list())


def _shown(hits: pl.DataFrame, columns: list[str]) -> tuple[str, ...]:
    combos = hits.select(
        pl.concat_str([pl.col(c).cast(pl.String).fill_null("") for c in columns], separator=", ")
    ).to_series()
    return tuple(combos.unique(maintain_order=True).head(MAX_VALUES_SHOWN).to_list())


def duplicate_keys(
    name: str,
    where: str,
    frame: pl.DataFrame,
    spec: Extract,
    first_row: int,
    unit: str,
    lines: Numbering | None = None,
) -> list[Problem]:
    """Rows that share every value of a multi-column key with another row."""
    problems = []
    numbered = _numbered(frame, first_row)
    for key in spec.keys:
        hits = numbered.filter(pl.struct(key).is_duplicated())
        if hits.height:
            problems.append(
                Problem(
                    where,
                    ", ".join(key),
                    f"rows repeat the same {' and '.join(key)} (declared unique together)",
                    _rows(hits, first_row, lines),
                    _shown(hits, key),
                    hits.height,
                    unit,
                )  # fmt: skip
            )
    return problems


def missing_references(
    name: str,
    where: str,
    frame: pl.DataFrame,
    spec: Extract,
    frames: dict[str, pl.DataFrame],
    first_row: int,
    unit: str,
    lines: Numbering | None = None,
) -> list[Problem]:
    """Rows whose values are not found in the extract they refer to."""
    problems = []
    numbered = _numbered(frame, first_row)
    for ref in spec.references:
        other = frames.get(ref.extract)
        if other is None:  # the other extract has problems of its own, already listed
            continue
        to = ref.to or ref.columns
        known = other.select(
            [pl.col(t).cast(pl.String).alias(c) for c, t in zip(ref.columns, to, strict=True)]
        ).unique()
        mine = numbered.with_columns(pl.col(c).cast(pl.String) for c in ref.columns)
        hits = mine.join(known, on=ref.columns, how="anti", nulls_equal=False).filter(
            pl.all_horizontal(pl.col(c).is_not_null() for c in ref.columns)
        )
        if hits.height:
            hits = hits.sort(ROW)
            problems.append(
                Problem(
                    where,
                    ", ".join(ref.columns),
                    f"values not found in {ref.extract} ({', '.join(to)})",
                    _rows(hits, first_row, lines),
                    _shown(hits, ref.columns),
                    hits.height,
                    unit,
                )  # fmt: skip
            )
    return problems


def check(
    specs: dict[str, Extract],
    frames: dict[str, pl.DataFrame],
    sources: dict[str, tuple[str, int, str]],
    lines: dict[str, Numbering] | None = None,
) -> list[Problem]:
    """Every key and reference problem of the extracts read; ``sources`` gives, by extract
    name, its label in messages, the number of its first data row and the unit ("line");
    ``lines``, for CSV extracts, how to number their rows by physical line."""
    problems = []
    for name, frame in frames.items():
        spec = specs[name]
        where, first, unit = sources[name]
        numbering = (lines or {}).get(name)
        problems += duplicate_keys(name, where, frame, spec, first, unit, numbering)
        problems += missing_references(name, where, frame, spec, frames, first, unit, numbering)
    return problems
