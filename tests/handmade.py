"""Helpers for tests on small hand-made extracts."""

from __future__ import annotations

import polars as pl

from statgen.tables import StatTable


def cells(table: StatTable, measure: str, **fixed: str) -> dict[tuple[str, ...], object]:
    """Non-zero cells of a table as {dimension values: value}, with some dimensions fixed."""
    frame = table.data
    for k, v in fixed.items():
        frame = frame.filter(pl.col(k) == v)
    dims = [d for d in table.spec.dims if d not in fixed]
    return {
        tuple(r[d] for d in dims): r[measure]
        for r in frame.iter_rows(named=True)
        if r[measure] not in (0, None)
    }
