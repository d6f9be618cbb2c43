"""Small finished tables made in code, for the protection and QA tests."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from statgen import tables
from statgen.config import Measure, Publication, Table, load_publication
from statgen.tables import StatTable

ROOT = Path(__file__).resolve().parents[1]
PUBLICATION = load_publication(ROOT / "publications" / "electronic-monitoring")


def make_table(
    counts: dict[tuple[str, ...], int],
    rows: list[str],
    columns: str | None,
    totals: list[str],
    publication: Publication = PUBLICATION,
) -> StatTable:
    """A finished StatTable (totals added by statgen) from counts of the innermost cells."""
    dims = [*rows, *([columns] if columns else [])]
    spec = Table(
        id="t",
        title="Test table",
        transform="t",
        rows=rows,
        columns=columns,
        measures=[Measure(name="n", title="Count", unit="number")],
        totals=totals,
        sheet="Test",
    )
    frame = pl.DataFrame(
        [dict(zip(dims, k, strict=True)) | {"n": v} for k, v in counts.items()],
        schema={**{d: pl.String for d in dims}, "n": pl.Int64},
    )
    return tables.finish(publication, spec, frame, 1)
