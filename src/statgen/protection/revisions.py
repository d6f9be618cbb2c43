"""Revised and provisional figures.

A release compares every figure it shares with the previous release of the same publication
(its tidy CSVs: dimension labels, measure, value, marker). A figure published before whose value
has changed is marked [r] and listed in a "Revisions" table with its previous and new values.
Only tables with a ``quarter`` dimension are compared: other tables describe the release period
alone, so their figures from the last release are about a different date, not revised.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import polars as pl

from statgen.config import Measure, Publication, Table
from statgen.errors import ConfigError
from statgen.layout import Layout
from statgen.periods import PERIOD_DIMENSIONS, Period
from statgen.tables import StatTable, category_label, marker_column

REVISED = "r"
PROVISIONAL = "p"


@dataclass(frozen=True)
class Revision:
    """One figure whose published value changed."""

    table: StatTable
    measure: Measure
    key: tuple[str, ...]
    previous: float
    new: float

    @property
    def difference(self) -> float:
        """New value minus the previous one."""
        return self.new - self.previous

    @property
    def label(self) -> str:
        """The figure in words: its categories, e.g. "Jan to Mar 2026, Court bail"."""
        dims = self.table.spec.dims
        return ", ".join(category_label(d, v) for d, v in zip(dims, self.key, strict=True))


def previous_release(publication: Publication, layout: Layout, period: Period) -> Path | None:
    """The release to compare with: configured, or the latest earlier published one."""
    configured = publication.revisions.previous_release
    if configured:
        path = Path(configured)
        path = path if path.is_absolute() else layout.root / path
        if not (path / "csv").is_dir():
            raise ConfigError(
                f"{publication.folder / 'publication.yaml'}: revisions.previous_release: "
                f"{path} holds no csv/ folder of a release; point it at a release folder"
            )
        return path
    found = [
        r
        for r in layout.releases_of(publication.slug)
        if r.version == 1 and r.period < period and (r.folder / "csv").is_dir()
    ]
    return found[-1].folder if found else None


def _labelled(table: StatTable) -> pl.DataFrame:
    """The table's data with each dimension as the label the CSVs use."""
    return table.data.with_columns(
        pl.col(d)
        .replace_strict(
            {v: category_label(d, v) for v in table.categories[d]}, return_dtype=pl.String
        )
        .alias(f"__label_{d}")
        for d in table.spec.dims
    )


def _decimals(measure: Measure) -> int:
    return 0 if measure.format == "integer" else 1


def compare(tables: list[StatTable], previous: Path) -> list[Revision]:
    """Every figure published in ``previous`` whose value is now different."""
    out: list[Revision] = []
    for table in tables:
        dims = table.spec.dims
        path = previous / "csv" / f"{table.id}.csv"
        if table.period_dim is None or not path.is_file():
            continue
        before = pl.read_csv(path, infer_schema=False)
        if not {*dims, "measure", "value"} <= set(before.columns):
            continue  # the table's shape changed: nothing to compare figure by figure
        current = _labelled(table)
        for m in table.spec.measures:
            old = before.filter(pl.col("measure") == m.name).select(
                *[pl.col(d).alias(f"__label_{d}") for d in dims],
                pl.col("value").cast(pl.Float64, strict=False).alias("__previous"),
            )
            joined = current.join(old, on=[f"__label_{d}" for d in dims], how="inner").filter(
                pl.col("__previous").is_not_null()
                & pl.col(m.name).is_not_null()
                & (pl.col(m.name).cast(pl.Float64).round(_decimals(m)) != pl.col("__previous"))
            )
            for row in joined.iter_rows(named=True):
                new = round(float(row[m.name]), _decimals(m))
                key = tuple(row[d] for d in dims)
                out.append(Revision(table, m, key, row["__previous"], new))
    return out


def _mark(table: StatTable, measure: str, cells: pl.Expr, code: str, over: list[str]) -> StatTable:
    col = marker_column(measure)
    marker = pl.col(col)
    keep = marker.is_not_null() & ~marker.is_in(over)
    data = table.data.with_columns(
        pl.when(cells & ~keep).then(pl.lit(code)).otherwise(marker).alias(col)
    )
    return dataclasses.replace(table, data=data)


def mark_revised(tables: list[StatTable], revisions: list[Revision]) -> list[StatTable]:
    """Mark every revised figure [r] (a provisional [p] marker gives way to it)."""
    out = []
    for table in tables:
        for m in table.spec.measures:
            keys = [r.key for r in revisions if r.table.id == table.id and r.measure.name == m.name]
            if keys:
                dims = table.spec.dims
                hit = pl.struct(dims).is_in(
                    pl.Series([dict(zip(dims, k, strict=True)) for k in keys]).implode()
                )
                table = _mark(table, m.name, hit, REVISED, [PROVISIONAL])
        out.append(table)
    return out


def mark_provisional(
    publication: Publication, tables: list[StatTable], period: Period
) -> list[StatTable]:
    """Mark [p] every figure of the configured number of latest periods (in a table with a
    finer period dimension, every finer period within them)."""
    n = publication.revisions.provisional_quarters
    if n == 0:
        return tables
    latest = [period.shift(-i) for i in range(n)]
    out = []
    for table in tables:
        pdim = table.period_dim
        if pdim is not None:
            frequency = PERIOD_DIMENSIONS[pdim]
            codes = [p.code for big in latest for p in big.divide(frequency)]
            if frequency == period.frequency:
                codes = [p.code for p in latest]
            for m in table.spec.measures:
                table = _mark(table, m.name, pl.col(pdim).is_in(codes), PROVISIONAL, [])
        out.append(table)
    return out


def revisions_table(
    publication: Publication, revisions: list[Revision], previous: Path, number: int
) -> StatTable:
    """The "Revisions" table: each revised figure with its previous and new value."""
    fmt: Literal["integer", "decimal1"] = (
        "integer" if all(r.measure.format == "integer" for r in revisions) else "decimal1"
    )
    measures = [
        Measure(name="previous", title="Previously published", unit="as published", format=fmt),
        Measure(name="revised", title="Revised", unit="as published", format=fmt),
        Measure(name="difference", title="Difference", unit="revised minus previous", format=fmt),
    ]
    spec = Table(
        id="revisions",
        title=f"Figures revised since the previous release ({previous.name})",
        summary="Each figure that changed since the previous release, with both values",
        transform="revisions",
        rows=["table", "revised_figure", "revised_measure"],
        measures=measures,
        sheet="Revisions",
    )
    rows: dict[str, list[Any]] = {
        "table": [f"Table {r.table.number}" for r in revisions],
        "revised_figure": [r.label for r in revisions],
        "revised_measure": [r.measure.title for r in revisions],
        "previous": [r.previous for r in revisions],
        "revised": [r.new for r in revisions],
        "difference": [r.difference for r in revisions],
    }
    data = pl.DataFrame(rows).with_columns(
        pl.lit(None, pl.String).alias(marker_column(m.name)) for m in measures
    )
    data = data.select(*spec.rows, *[c for m in measures for c in (m.name, marker_column(m.name))])
    categories = {d: list(dict.fromkeys(rows[d])) for d in spec.rows}
    return StatTable(spec, number, "Revisions", data, categories)
