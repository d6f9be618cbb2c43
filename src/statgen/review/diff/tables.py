"""Tables in two builds compared figure by figure, from their tidy CSVs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

TIDY_VALUES = ("value", "marker")
"""The non-key columns of a tidy CSV: every other column identifies the figure."""


@dataclass(frozen=True)
class CellChange:
    """One figure whose value or marker changed."""

    key: tuple[str, ...]
    old: str
    new: str

    def difference(self) -> tuple[str, str]:
        """Absolute and percentage difference as text ("" when not both numbers)."""
        try:
            old, new = float(self.old.split()[0]), float(self.new.split()[0])
        except (ValueError, IndexError):
            return "", ""
        delta = new - old
        absolute = f"{delta:+,.1f}".replace(".0", "") if delta % 1 == 0 else f"{delta:+,.1f}"
        pct = f"{100 * delta / old:+.1f}%" if old else "n/a"
        return absolute, pct


@dataclass
class TableDiff:
    """How one table changed."""

    id: str
    caption: str
    keys: list[str]
    changed: list[CellChange] = field(default_factory=list)
    rows_added: list[tuple[str, ...]] = field(default_factory=list)
    rows_removed: list[tuple[str, ...]] = field(default_factory=list)
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)
    status: str = "compared"  # or "added", "removed"
    values_added: list[str] = field(default_factory=list)
    """The figure of each added row (value and marker, as :attr:`CellChange.new`)."""
    values_removed: list[str] = field(default_factory=list)
    """The figure each removed row had."""

    @property
    def unchanged(self) -> bool:
        """Whether nothing at all changed."""
        return self.status == "compared" and not (
            self.changed
            or self.rows_added
            or self.rows_removed
            or self.columns_added
            or self.columns_removed
        )


def split(text: str) -> tuple[float | None, str | None]:
    """ "28305 [r]" -> (28305.0, "r"); "[c]" -> (None, "c"); "" -> (None, None)."""
    found = re.match(r"^\s*([^\s\[]*)\s*(?:\[(\w+)\])?\s*$", text or "")
    if not found:
        return None, None
    try:
        value = float(found[1]) if found[1] else None
    except ValueError:
        value = None
    return value, found[2]


def _read_csv(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False)


def _cell(row: dict[str, Any], suffix: str = "") -> str:
    value = row.get(f"value{suffix}") or ""
    marker = row.get(f"marker{suffix}")
    return f"{value} [{marker}]".strip() if marker else value


def compare_table(table_id: str, caption: str, old: Path | None, new: Path | None) -> TableDiff:
    """Compare one tidy CSV in two builds, keyed by every column but value and marker."""
    if old is None or new is None:
        status = "added" if old is None else "removed"
        return TableDiff(table_id, caption, [], status=status)
    a, b = _read_csv(old), _read_csv(new)
    keys = [c for c in b.columns if c in a.columns and c not in TIDY_VALUES]
    out = TableDiff(
        table_id,
        caption,
        keys,
        columns_added=[c for c in b.columns if c not in a.columns],
        columns_removed=[c for c in a.columns if c not in b.columns],
    )
    for frame in (a, b):
        for col in TIDY_VALUES:
            if col not in frame.columns:
                frame.insert_column(frame.width, pl.lit(None, pl.String).alias(col))
    a = a.select(*keys, *TIDY_VALUES).with_columns(pl.lit(True).alias("__in_old"))
    b = b.select(*keys, *TIDY_VALUES).with_columns(pl.lit(True).alias("__in_new"))
    joined = a.join(b, on=keys, how="full", coalesce=True, suffix="__new", nulls_equal=True)
    for row in joined.iter_rows(named=True):
        key = tuple(str(row[k]) for k in keys)
        if not row["__in_new"]:
            out.rows_removed.append(key)
            out.values_removed.append(_cell(row))
        elif not row["__in_old"]:
            out.rows_added.append(key)
            out.values_added.append(_cell(row, "__new"))
        else:
            # the join names the new build's value and marker columns value__new, marker__new
            before, after = _cell(row), _cell(row, "__new")
            if before != after:
                out.changed.append(CellChange(key, before, after))
    return out


def compare_tables(
    old: Path, new: Path, m_old: dict[str, Any], m_new: dict[str, Any]
) -> list[TableDiff]:
    """Every table of either build, in the new build's order."""
    meta = {**m_old.get("tables", {}), **m_new.get("tables", {})}
    ids = [p.stem for p in sorted((new / "csv").glob("*.csv"))]
    ids += [p.stem for p in sorted((old / "csv").glob("*.csv")) if p.stem not in ids]

    # Publication order: the manifests list tables by id, so order by the captions' numbers.
    def number(table_id: str) -> int:
        found = re.match(r"Table (\d+)", str(meta.get(table_id, {}).get("caption", "")))
        return int(found[1]) if found else 10**6

    ids = sorted(ids, key=lambda i: (number(i), i))
    out = []
    for table_id in ids:
        a, b = old / "csv" / f"{table_id}.csv", new / "csv" / f"{table_id}.csv"
        caption = meta.get(table_id, {}).get("caption", table_id)
        out.append(
            compare_table(table_id, caption, a if a.exists() else None, b if b.exists() else None)
        )
    return out
