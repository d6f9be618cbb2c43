"""Checks across columns and extracts, on the typed frames: keys of several columns
(``unique: [prison, month]``) and references between extracts (every prison of ``incidents``
exists in ``population``). Problems are listed with the other extract problems."""

from __future__ import annotations

import polars as pl

from statgen.config import Extract
from statgen.errors import Problem
from statgen.extracts.files import MAX_ROWS_SHOWN, MAX_VALUES_SHOWN

ROW = "__statgen_row"


def _numbered(frame: pl.DataFrame, first_row: int) -> pl.DataFrame:
    return frame.with_row_index(ROW, offset=first_row)


def _shown(hits: pl.DataFrame, columns: list[str]) -> tuple[str, ...]:
    combos = hits.select(
        pl.concat_str([pl.col(c).cast(pl.String).fill_null("") for c in columns], separator=", ")
    ).to_series()
    return tuple(combos.unique(maintain_order=True).head(MAX_VALUES_SHOWN).to_list())


def duplicate_keys(
    name: str, where: str, frame: pl.DataFrame, spec: Extract, first_row: int, unit: str
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
                    tuple(hits[ROW].head(MAX_ROWS_SHOWN).to_list()),
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
                    tuple(hits[ROW].head(MAX_ROWS_SHOWN).to_list()),
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
) -> list[Problem]:
    """Every key and reference problem of the extracts read; ``sources`` gives, by extract
    name, its label in messages, the number of its first data row and the unit ("line")."""
    problems = []
    for name, frame in frames.items():
        spec = specs[name]
        where, first, unit = sources[name]
        problems += duplicate_keys(name, where, frame, spec, first, unit)
        problems += missing_references(name, where, frame, spec, frames, first, unit)
    return problems
