"""Revised and provisional figures.

A release compares every figure it shares with the previous release of the same publication
(its tidy CSVs: dimension labels, measure, value, marker). A figure published before whose value
has changed is marked [r] and listed in a "Revisions" table with its previous and new values.
Tables with a period dimension are compared; a table without one describes the release period
alone, so it is compared only with a release of the same period (the version a correction
replaces): the last period's release gave figures about a different date, not revised ones.
The public table of revisions is built in :mod:`statgen.protection.revision_table`.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from statgen.config import Disclosure, Measure, Publication
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
    new: float | None
    """The value now, or None when it is now suppressed ([c])."""

    @property
    def difference(self) -> float | None:
        """New value minus the previous one (None when the figure is now suppressed)."""
        return None if self.new is None else self.new - self.previous

    @property
    def label(self) -> str:
        """The figure in words: its categories, e.g. "Jan to Mar 2026, Court bail"."""
        dims = self.table.spec.dims
        return ", ".join(category_label(d, v) for d, v in zip(dims, self.key, strict=True))


def previous_release(publication: Publication, layout: Layout, period: Period) -> Path | None:
    """The release to compare with: configured, or the latest published version (corrections
    ``-vN`` included) of the latest period up to and including ``period``."""
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
    latest: dict[Period, Path] = {}
    for r in layout.releases_of(publication.slug):  # by period then version: corrections last
        if r.period <= period and (r.folder / "csv").is_dir():
            latest[r.period] = r.folder
    return latest[max(latest)] if latest else None


def published_releases(publication: Publication, layout: Layout) -> list[Path]:
    """Every published version of every period of the publication (superseded versions too:
    what they published is public), by period then version."""
    return [r.folder for r in layout.releases_of(publication.slug) if (r.folder / "csv").is_dir()]


def baseline_record(layout: Layout, previous: Path | None) -> dict[str, str] | None:
    """How a draft's manifest names its baseline: the release folder (relative to the releases
    folder where it lies there) and the SHA-256 of that release's manifest."""
    if previous is None:
        return None
    try:
        where = previous.resolve().relative_to(layout.releases.resolve()).as_posix()
    except ValueError:
        where = previous.as_posix()
    manifest = previous / "manifest.json"
    digest = hashlib.sha256(manifest.read_bytes()).hexdigest() if manifest.is_file() else ""
    return {"path": where, "manifest_sha256": digest}


def public_record(layout: Layout, folders: list[Path]) -> list[dict[str, str]]:
    """How a draft's manifest names the published releases its disclosure control treated as
    public (:func:`published_releases`): each as :func:`baseline_record` names the baseline.
    Publish refuses the draft once another release is published, or one of these changes."""
    return [r for r in (baseline_record(layout, f) for f in folders) if r is not None]


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


WHOLE = ("integer", "currency", "currency_thousand")
"""Formats the tidy CSVs publish as whole numbers (:func:`statgen.outputs.grid.tidy`); the
others are published to one decimal place."""


def _decimals(measure: Measure) -> int:
    """The decimal places a figure is published to, so compared at: an amount of money in whole
    pounds or thousands published as 1562 is unchanged at 1562.4."""
    return 0 if measure.format in WHOLE else 1


def release_period(release: Path) -> str | None:
    """The code of the period a release is of, from its manifest (None if unreadable)."""
    try:
        meta = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    period = meta.get("period") if isinstance(meta, dict) else None
    return str(period) if period is not None else None


@functools.lru_cache(maxsize=256)
def _read_release_csv(path: Path, mtime_ns: int, size: int) -> pl.DataFrame:
    """A published CSV, read once per build for the public cells, the sums its suppression
    gives away and the revisions (keyed by its state: a release's files do not change)."""
    return pl.read_csv(path, infer_schema=False)


def _published(table: StatTable, previous: Path, period: Period | None) -> pl.DataFrame | None:
    """The tidy CSV ``previous`` published of ``table``, when the CSV has exactly the table's
    dimensions (a table that gained or lost a dimension changed shape: by quarter and region
    now, its North is not the last release's North for one sex) and the figures describe the
    same dates: a table with a period dimension always; one without (the release period alone)
    only when ``previous`` is a release of the same ``period``, as the version a correction
    replaces is."""
    path = previous / "csv" / f"{table.id}.csv"
    if not path.is_file():
        return None
    if table.period_dim is None and (period is None or release_period(previous) != period.code):
        return None
    stat = path.stat()
    before = _read_release_csv(path, stat.st_mtime_ns, stat.st_size)
    if set(before.columns) - {"marker"} != {*table.spec.dims, "measure", "value"}:
        return None  # the table's shape changed: nothing to compare figure by figure
    return before


def compare(
    tables: list[StatTable], previous: Path, period: Period | None = None
) -> list[Revision]:
    """Every figure published in ``previous`` whose value is now different (in a table with no
    period dimension, only when ``previous`` is of the same ``period``)."""
    out: list[Revision] = []
    for table in tables:
        dims = table.spec.dims
        before = _published(table, previous, period)
        if before is None:
            continue
        current = _labelled(table)
        for m in table.spec.measures:
            old = before.filter(pl.col("measure") == m.name).select(
                *[pl.col(d).alias(f"__label_{d}") for d in dims],
                pl.col("value").cast(pl.Float64, strict=False).alias("__previous"),
            )
            joined = current.join(old, on=[f"__label_{d}" for d in dims], how="inner").filter(
                pl.col("__previous").is_not_null()
                & (
                    pl.col(m.name).is_null()  # published before, suppressed now
                    | (pl.col(m.name).cast(pl.Float64).round(_decimals(m)) != pl.col("__previous"))
                )
            )
            for row in joined.iter_rows(named=True):
                value = row[m.name]
                if value is None and row[marker_column(m.name)] != "c":
                    continue  # not available now for another reason: not a revision
                new = None if value is None else round(float(value), _decimals(m))
                key = tuple(row[d] for d in dims)
                out.append(Revision(table, m, key, row["__previous"], new))
    return out


def unchanged_cells(
    table: StatTable, previous: Path, period: Period | None = None
) -> dict[str, frozenset[tuple[str, ...]]]:
    """By measure, the cells of ``table`` (before disclosure control) that ``previous``
    published with the same value: they are public already. A table with no period dimension
    describes the release period alone, so only a release of the same ``period`` (the version
    a correction replaces) published its cells."""
    dims = table.spec.dims
    before = _published(table, previous, period)
    if before is None:
        return {}
    current = _labelled(table)
    out = {}
    for m in table.spec.measures:
        old = before.filter(pl.col("measure") == m.name).select(
            *[pl.col(d).alias(f"__label_{d}") for d in dims],
            pl.col("value").cast(pl.Float64, strict=False).alias("__previous"),
        )
        same = current.join(old, on=[f"__label_{d}" for d in dims], how="inner").filter(
            pl.col("__previous").is_not_null()
            & (pl.col(m.name).cast(pl.Float64).round(_decimals(m)) == pl.col("__previous"))
        )
        out[m.name] = frozenset(tuple(r) for r in same.select(dims).rows())
    return out


def earlier_sums(
    table: StatTable,
    previous: Path,
    measures: list[str],
    rules: Disclosure,
    period: Period | None = None,
) -> dict[str, list[list[tuple[str, ...]]]]:
    """By measure, the sums of cells of ``table`` that ``previous`` gives away and that still
    hold (values before disclosure control): for each line of the table whose cells
    ``previous`` published, its total or some parts suppressed ([c]) and the others shown, the
    suppressed cells (the total counted positive, the parts negative) add up to what the shown
    ones leave. Where the cells' values now add up to the same, the line of those cells, after
    :data:`disclosure.EARLIER` for the known total, is returned."""
    from statgen.protection import disclosure

    before = _published(table, previous, period)
    if before is None:
        return {}
    dims = table.spec.dims
    labelled = _labelled(table)
    keys = [tuple(r) for r in table.data.select(dims).rows()]
    labels = [tuple(r) for r in labelled.select(f"__label_{d}" for d in dims).rows()]
    table_lines = disclosure.lines(keys, dims, disclosure.total_categories(table, rules))
    out: dict[str, list[list[tuple[str, ...]]]] = {}
    for m in measures:
        old = before.filter(pl.col("measure") == m)
        shown: dict[tuple[str, ...], float | None] = {
            tuple(r[:-2]): (
                float(r[-2]) if r[-2] not in (None, "") else None if r[-1] == "c" else math.nan
            )
            for r in old.select(*dims, "value", "marker").rows()
        }
        now = dict(zip(keys, table.data[m].to_list(), strict=True))
        label = dict(zip(keys, labels, strict=True))
        found = []
        for line in table_lines:
            then = [shown.get(label[k], math.nan) for k in line]
            values = [now[k] for k in line]
            if any(v is not None and math.isnan(v) for v in then) or None in values:
                continue  # not published then (or not available): says nothing
            hidden = [n for n, v in enumerate(then) if v is None]
            if not hidden or len(hidden) == len(line):
                continue
            sign = [1.0 if n == 0 else -1.0 for n in range(len(line))]
            known = -sum(sign[n] * float(v) for n, v in enumerate(then) if v is not None)
            total = sum(sign[n] * float(values[n]) for n in hidden)  # type: ignore[arg-type]
            if abs(total - known) > 1e-6:
                continue  # changed since: the old sum no longer gives anything away
            parts = [line[n] for n in hidden if n != 0]
            found.append([line[0] if hidden[0] == 0 else disclosure.EARLIER, *parts])
        if found:
            out[m] = found
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
