"""Disclosure control between tables: the same count is protected in every table that shows it.

Two cells are *the same count* when their measures declare the same ``counts`` name and they
have the same categories once total categories are left out: ``incidents`` for (2026Q1, Prison
A) in a table by quarter and prison is the same count as (2026Q1, Prison A, Total) in a table
that also splits by type. A measure without ``counts`` is its own table's count only.

- :func:`protect_all` suppresses, in every table, the counts another table suppresses (then
  protects them there from subtraction too), until no table adds anything.
- :func:`exposures` finds suppressed counts that the published tables still give away: shown
  as a number in another table, or rebuilt from a published rate or percentage and its
  published denominator (8.2% of 49 is 4), in any table of the release.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from statgen.config import Disclosure, Measure, Publication
from statgen.protection.disclosure import Key, count_measures, total_categories
from statgen.tables import StatTable, category_label

Identity = tuple[str, frozenset[tuple[str, str]]]
MAX_ROUNDS = 10


def identity(table: StatTable, rules: Disclosure, measure: str, key: Key) -> Identity:
    """What a cell counts: its measure's ``counts`` (or table and measure) and its categories,
    total categories left out."""
    spec = next((m for m in table.spec.measures if m.name == measure), None)
    name = spec.counts if spec and spec.counts else f"{table.id}/{measure}"
    totals = total_categories(table, rules)
    dims = table.spec.dims
    cats = frozenset((d, v) for d, v in zip(dims, key, strict=True) if totals.get(d) != v)
    return name, cats


def _keys(table: StatTable) -> list[Key]:
    return [tuple(r) for r in table.data.select(table.spec.dims).rows()]


@dataclass(frozen=True)
class _Cell:
    table: StatTable
    key: Key
    measure: str

    def where(self) -> str:
        cats = ", ".join(
            category_label(d, v) for d, v in zip(self.table.spec.dims, self.key, strict=True)
        )
        return f"Table {self.table.number} ({self.table.id}), {cats}"


def hidden_cells(
    computed: list[StatTable], published: list[StatTable], rules: dict[str, Disclosure]
) -> dict[Identity, list[_Cell]]:
    """Every count suppressed by disclosure control, by what it counts."""
    out: dict[Identity, list[_Cell]] = defaultdict(list)
    by_id = {t.id: t for t in published}
    for raw in computed:
        table, r = by_id[raw.id], rules[raw.id]
        if not r.enabled:
            continue
        keys = _keys(raw)
        for m in count_measures(raw, r):
            before, after = raw.data[m].to_list(), table.data[m].to_list()
            for key, b, a in zip(keys, before, after, strict=True):
                if a is None and b is not None:
                    out[identity(raw, r, m, key)].append(_Cell(table, key, m))
    return out


def protect_all(
    publication: Publication,
    tables: list[StatTable],
    protect: Callable[..., StatTable],
) -> list[StatTable]:
    """Protect every table, suppressing in each the counts any other table suppresses."""
    rules = {t.id: publication.disclosure_for(t.spec) for t in tables}
    forced: dict[str, dict[str, frozenset[Key]]] = {t.id: {} for t in tables}
    out = [protect(t, rules[t.id], forced=forced[t.id]) for t in tables]
    for _ in range(MAX_ROUNDS):
        hidden = hidden_cells(tables, out, rules)
        wanted: dict[str, dict[str, frozenset[Key]]] = {}
        for t in tables:
            r = rules[t.id]
            wanted[t.id] = {}
            if not r.enabled:
                continue
            for m in count_measures(t, r):
                keys = frozenset(
                    k
                    for k in _keys(t)
                    if any(c.table.id != t.id for c in hidden.get(identity(t, r, m, k), []))
                )
                if keys:
                    wanted[t.id][m] = keys | forced[t.id].get(m, frozenset())
        if wanted == forced:
            break
        forced = wanted
        out = [protect(t, rules[t.id], forced=forced[t.id]) for t in tables]
    return out


def published_precision(measure: Measure) -> float:
    """Half the step a published figure is rounded to (0.05 for one decimal place)."""
    return 0.5 if measure.format in ("integer", "currency", "currency_thousand") else 0.05


def rebuilt(rate: float, denominator: float, measure: Measure) -> int | None:
    """The one whole count a published rate and denominator leave possible, if only one."""
    step = published_precision(measure)
    shown = round(rate / (2 * step)) * 2 * step  # the figure as people read it
    low = (shown - step) * denominator / measure.scale
    high = (shown + step) * denominator / measure.scale
    candidates = range(max(0, math.ceil(low - 1e-9)), math.floor(high + 1e-9) + 1)
    return candidates[0] if len(candidates) == 1 else None


def exposures(
    publication: Publication, computed: list[StatTable], published: list[StatTable]
) -> list[str]:
    """Suppressed counts that another published figure of the release gives away."""
    rules = {t.id: publication.disclosure_for(t.spec) for t in computed}
    hidden = hidden_cells(computed, published, rules)
    published = [t for t in published if t.id in rules]  # not the added "Revisions" table
    shown: dict[Identity, tuple[_Cell, float]] = {}
    for table in published:
        r = rules[table.id]
        keys = _keys(table)
        for m in [m for m in table.spec.measures if m.additive]:
            for key, v in zip(keys, table.data[m.name].to_list(), strict=True):
                if v is not None:
                    shown.setdefault(
                        identity(table, r, m.name, key), (_Cell(table, key, m.name), v)
                    )
    problems = []
    for ident, cells in hidden.items():
        if ident in shown:
            cell, v = shown[ident]
            problems.append(
                f"{cells[0].where()}: {cells[0].measure} is suppressed, but {cell.where()} shows "
                f"it ({v:g})"
            )
    for table in published:
        r = rules[table.id]
        keys = _keys(table)
        rows = table.data.to_dicts()
        for m in [m for m in table.spec.measures if m.is_ratio]:
            for key, row in zip(keys, rows, strict=True):
                num = identity(table, r, m.numerator or "", key)
                if row[m.name] is None or num not in hidden:
                    continue
                den = row[m.denominator or ""]
                if den is None:
                    found = shown.get(identity(table, r, m.denominator or "", key))
                    den = found[1] if found else None
                count = rebuilt(row[m.name], den, m) if den else None
                if count is not None:
                    problems.append(
                        f"{hidden[num][0].where()}: {hidden[num][0].measure} is suppressed, but "
                        f"{_Cell(table, key, m.name).where()} gives it away: {m.title} "
                        f"{row[m.name]:.1f} of {den:g} is {count}"
                    )
    return problems
