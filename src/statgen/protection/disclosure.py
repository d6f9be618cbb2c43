"""Statistical disclosure control: suppress small counts ([c]), protect them from being worked
out by subtraction, and optionally round what is published.

- **Primary suppression**: counts from 1 to the threshold (and zeros, if configured).
- **Secondary suppression**: a *line* is a set of cells that add up to a published total: the
  categories of one totalled dimension, with every other dimension fixed, plus their Total cell.
  A line with exactly one suppressed cell gives that cell away (total minus the others), so
  further cells are suppressed until every line has none or at least two. Each step chooses the
  cell that protects the most exposed lines, then a part before a total, a non-zero before a zero,
  the smallest value, and the first in table order: the same table always gives the same pattern.
- **Rounding** (optional) to a base such as 5, after suppression, every cell independently.
- **Derived measures** (medians) are suppressed wherever their count is; rates and percentages
  (``kind: rate`` or ``percentage``) wherever their numerator or denominator is.
- **Between tables** (:mod:`statgen.protection.linked`): a count suppressed in one table is
  suppressed wherever another table shows the same count, and a rate or percentage wherever
  it would give such a count away (found by name, categories and value, with no config).
- **Across releases**: a figure the baseline release published and that is unchanged is public.
  Secondary suppression never chooses it (hiding it again hides nothing), a line counts it as
  known, and a last exact check (linear algebra over every line) adds cells until no primary
  cell can be worked out from what is published now plus what was published before. The sum
  of the cells an earlier release suppressed in a line whose total it published is known too
  while it still holds (:data:`EARLIER`): such a sum is one more line.
"""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import polars as pl

from statgen.config import Disclosure
from statgen.tables import TOTAL, StatTable, marker_column

Key = tuple[str, ...]
SUPPRESSED = "c"
EARLIER: Key = ("\x00a sum an earlier release gives away",)
"""The stand-in for the known total of a line made from an earlier release: never a cell."""


@dataclass(frozen=True)
class Pattern:
    """Which cells of one measure are suppressed, and why."""

    primary: frozenset[Key]
    secondary: frozenset[Key]

    @property
    def suppressed(self) -> frozenset[Key]:
        """Every suppressed cell."""
        return self.primary | self.secondary


def total_categories(table: StatTable, rules: Disclosure) -> dict[str, str]:
    """The dimensions whose categories add up to a total, with that total's category."""
    totals = {d: TOTAL for d in table.spec.totals}
    return {**totals, **rules.total_categories}


def lines(keys: Iterable[Key], dims: Sequence[str], totals: dict[str, str]) -> list[list[Key]]:
    """Every set of cells that adds up to a published total (the total cell included).

    For each totalled dimension, cells that agree on every other dimension form one line: its
    total cell first, then the parts in table order. Lines come in a fixed order.
    """
    keys = list(keys)
    out: list[list[Key]] = []
    for d in totals:
        i = dims.index(d)
        groups: dict[Key, list[Key]] = defaultdict(list)
        for key in keys:
            groups[key[:i] + key[i + 1 :]].append(key)
        for members in groups.values():
            total = [k for k in members if k[i] == totals[d]]
            if total and len(members) > 1:
                out.append(total + [k for k in members if k[i] != totals[d]])
    return out


def is_primary(value: float | None, rules: Disclosure) -> bool:
    """Whether a count is small enough to be suppressed in its own right."""
    if value is None:
        return False
    if value == 0:
        return rules.suppress_zero
    return 0 < value <= rules.threshold


def exposed(
    lines_: Iterable[Sequence[Key]], suppressed: frozenset[Key] | set[Key]
) -> list[list[Key]]:
    """Lines holding exactly one suppressed cell: that cell is its total minus the others."""
    return [list(line) for line in lines_ if sum(k in suppressed for k in line) == 1]


def derivable(
    lines_: Sequence[Sequence[Key]], hidden: Iterable[Key], targets: Iterable[Key]
) -> set[Key]:
    """The ``targets`` among the ``hidden`` cells whose value follows exactly from the lines
    (each line's total is the sum of its parts) when every other cell is known.

    A hidden cell is determined when its unit vector lies in the row space of the lines'
    equations over the hidden cells, i.e. when every solution of the homogeneous system is zero
    there: its row of the null space is zero.
    """
    unknown = sorted(set(hidden))
    index = {k: n for n, k in enumerate(unknown)}
    wanted = [k for k in set(targets) if k in index]
    if not wanted:
        return set()
    import numpy as np  # here: a build with nothing suppressed never loads numpy (0.15 s)

    rows = []
    for line in lines_:
        # The total cell is the sum of the parts: total - parts = 0.
        row = np.zeros(len(unknown))
        for n, k in enumerate(line):
            if k in index:
                row[index[k]] = 1.0 if n == 0 else -1.0
        if row.any():
            rows.append(row)
    if not rows:
        return set()  # no line ties them to anything: hidden, and nothing gives them away
    matrix = np.array(rows)
    _, sing, vt = np.linalg.svd(matrix)
    rank = int((sing > 1e-9).sum())
    null = vt[rank:]  # an orthonormal basis of the null space, one row per dimension
    return {k for k in wanted if null.shape[0] == 0 or np.abs(null[:, index[k]]).max() < 1e-9}


def suppress(
    values: dict[Key, float | None],
    lines_: list[list[Key]],
    totals: dict[str, str],
    dims: Sequence[str],
    rules: Disclosure,
    public: frozenset[Key] = frozenset(),
    forced: frozenset[Key] = frozenset(),
) -> Pattern:
    """Choose the cells to suppress among ``values`` (keys in table order).

    ``public`` cells were published before, unchanged, so never hide anything. ``forced`` cells
    are suppressed because another table suppresses the same count; they are protected like
    primary cells but reported as secondary.
    """
    primary = {k for k, v in values.items() if is_primary(v, rules)}
    chosen: set[Key] = set(primary)
    order = {k: n for n, k in enumerate(values)}
    total_at = [(dims.index(d), cat) for d, cat in totals.items()]

    def is_total(key: Key) -> bool:
        return any(key[i] == cat for i, cat in total_at)

    by_cell: dict[Key, list[int]] = defaultdict(list)
    for n, line in enumerate(lines_):
        for k in line:
            by_cell[k].append(n)

    def hidden(k: Key) -> bool:
        return k in chosen and k not in public

    def cost(k: Key, counts: list[int]) -> tuple[int, bool, bool, float, int]:
        fixes = sum(counts[n] == 1 for n in by_cell[k])
        value = float(values[k] or 0)
        return (-fixes, is_total(k), value == 0, value, order[k])

    def free(line: Sequence[Key]) -> list[Key]:
        return [
            k for k in line if k not in chosen and k not in public and values.get(k) is not None
        ]

    forced_in = {k for k in forced if k in values}
    chosen |= forced_in
    while rules.secondary:
        counts = [sum(hidden(k) for k in line) for line in lines_]
        open_lines = [n for n, c in enumerate(counts) if c == 1]
        stuck = [n for n in open_lines if free(lines_[n])]
        if not stuck:
            # Every line is safe (or has nothing left to hide behind): check exactly.
            targets = {k for k in primary | forced_in if k not in public}
            found = derivable(lines_, {k for k in chosen if k not in public}, targets)
            widen = [c for c in (free(line) for line in lines_ if found & set(line)) if c]
            if found and not widen:  # its own lines are all public: widen where others hide
                secret = {k for k in chosen if k not in public}
                widen = [c for c in (free(line) for line in lines_ if secret & set(line)) if c]
            if not found or not widen:
                break
            chosen.add(min(widen[0], key=lambda k: cost(k, counts)))
            continue
        candidates = free(lines_[stuck[0]])
        chosen.add(min(candidates, key=lambda k, c=counts: cost(k, c)))  # type: ignore[misc]
    return Pattern(frozenset(primary), frozenset(chosen - primary))


def round_to(value: float, base: int) -> int:
    """Round half up to the nearest multiple of ``base`` (12.5 -> 15 for base 5)."""
    return int(base * math.floor(value / base + 0.5))


def rounding_note(base: int) -> str:
    """The note shown with a rounded table."""
    return (
        f"Figures are rounded to the nearest {base} after suppression. Totals are rounded "
        "independently, so they may not equal the sum of the rounded figures."
    )


def count_measures(table: StatTable, rules: Disclosure) -> list[str]:
    """The count measures protected: configured, or every additive count.

    Amounts of money (``currency`` formats) and ``kind: other`` figures are not counts of
    people or events: a spend of £3 thousand is not a small count, so they are protected only
    when ``measures`` names them.
    """
    if rules.measures is not None:
        return list(rules.measures)
    return [
        m.name
        for m in table.spec.measures
        if m.additive
        and m.kind == "count"
        and not m.format.startswith("currency")
        and m.name not in rules.derived
    ]


def patterns(
    table: StatTable,
    rules: Disclosure,
    public: dict[str, frozenset[Key]] | None = None,
    forced: dict[str, frozenset[Key]] | None = None,
    sums: dict[str, list[list[Key]]] | None = None,
) -> dict[str, Pattern]:
    """The suppression pattern of each protected count measure of a table (``public``: by
    measure, the cells published before and unchanged; ``forced``: by measure, the cells
    another table suppresses; ``sums``: by measure, the sums of cells earlier releases give
    away that still hold, as lines)."""
    dims = table.spec.dims
    totals = total_categories(table, rules)
    rows = table.data.select(*dims, *count_measures(table, rules)).rows(named=True)
    keys = [tuple(r[d] for d in dims) for r in rows]
    table_lines = lines(keys, dims, totals)
    out = {}
    for m in count_measures(table, rules):
        values = {k: r[m] for k, r in zip(keys, rows, strict=True)}
        out[m] = suppress(
            values,
            table_lines + (sums or {}).get(m, []),
            totals,
            dims,
            rules,
            (public or {}).get(m, frozenset()),
            (forced or {}).get(m, frozenset()),
        )
    return out


def follows(table: StatTable, rules: Disclosure, measure: str) -> list[str]:
    """The measures hidden wherever ``measure`` is: itself, what is derived from it, and the
    rates and percentages it is the numerator or denominator of."""
    ratios = [m.name for m in table.spec.measures if measure in (m.numerator, m.denominator)]
    derived = [d for d, base in rules.derived.items() if base == measure]
    return [measure, *derived, *ratios]


def protect_table(
    table: StatTable,
    rules: Disclosure,
    public: dict[str, frozenset[Key]] | None = None,
    forced: dict[str, frozenset[Key]] | None = None,
    sums: dict[str, list[list[Key]]] | None = None,
) -> StatTable:
    """The table with small counts (and what would give them away) suppressed, then rounded."""
    if not rules.enabled:
        return table
    dims = table.spec.dims
    found = patterns(table, rules, public, forced, sums)
    key = pl.concat_list([pl.col(d) for d in dims]).list.join("\x1f")
    data = table.data
    for measure, pattern in found.items():
        hidden = ["\x1f".join(k) for k in sorted(pattern.suppressed)]
        data = data.with_columns(__hidden=key.is_in(hidden))
        affected = follows(table, rules, measure)
        data = data.with_columns(
            *[
                pl.when(pl.col("__hidden")).then(None).otherwise(pl.col(m)).alias(m)
                for m in affected
            ],
            *[
                pl.when(pl.col("__hidden"))
                .then(pl.lit(SUPPRESSED))
                .otherwise(pl.col(marker_column(m)))
                .alias(marker_column(m))
                for m in affected
            ],
        ).drop("__hidden")
    notes = list(table.notes_extra)
    if rules.rounding:
        base = rules.rounding
        data = data.with_columns(
            ((pl.col(m) / base + 0.5).floor() * base).cast(data.schema[m]).alias(m) for m in found
        )
        notes.append(rounding_note(base))
    return dataclasses.replace(table, data=data, notes_extra=notes)
