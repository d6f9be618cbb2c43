"""Disclosure control between tables: the same count is protected in every table that shows it.

Two cells are *the same count* when their measures declare the same ``counts`` name and they
have the same categories once total categories are left out: ``incidents`` for (2026Q1, Prison
A) in a table by quarter and prison is the same count as (2026Q1, Prison A, Total) in a table
that also splits by type. A table without a period dimension describes the release period, so
its (Prison A) is the same count as (2026Q3, Prison A) in a 2026Q3 release's table by quarter.
A measure without ``counts`` is its own table's count only.

Rates and percentages are linked without being told. The count a published rate or percentage
*implies* (its numerator where that is shown, else the one whole count its figure and its
published denominator leave possible: 8.2% of 49 is 4) is checked against every count the
release suppresses that describes the same population:

- the same **name**: the suppressed measure's ``counts`` if declared, else its name, equals the
  numerator's (``counts`` if declared, else its name); a declared ``counts`` overrides the
  name on either side, so ``counts: night_incidents`` never matches ``incidents``;
- **matching categories**, total categories left out: every dimension one cell splits by, the
  other splits by too, with the same category (one set of categories contains the other), so a
  table by prison for the latest quarter matches a table by quarter and prison, and (2026Q1,
  Prison A, Total) matches (2026Q1, Prison A); cells that disagree on a dimension, or that each
  split by a dimension the other does not, never match;
- the **same value**: the implied count equals the suppressed count (before suppression), which
  is what giving it away means; a count of another population with the same name and categories
  but a different value is not linked;
- in **another table** (within one table, totals and secondary suppression protect it).

- :func:`protect_all` suppresses, in every table, the counts another table suppresses (then
  protects them there from subtraction too), and the numerators whose rate or percentage would
  give a suppressed count away (the rate or percentage is suppressed with its numerator), until
  no table adds anything. These cells are reported as secondary suppression.
- :func:`exposures` finds suppressed counts that the published tables still give away: shown
  as a number in another table, or rebuilt from a published rate or percentage and its
  published denominator, in any table of the release.
- :func:`explained` says, for the QA report, which cells were suppressed with another table's.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from statgen.config import Disclosure, Measure, Publication
from statgen.periods import period_type
from statgen.protection.disclosure import Key, count_measures, is_primary, total_categories
from statgen.tables import StatTable, category_label

Categories = frozenset[tuple[str, str]]
Identity = tuple[str, Categories]
Forced = dict[str, dict[str, frozenset[Key]]]
MAX_ROUNDS = 10


def _spec(table: StatTable, measure: str) -> Measure | None:
    return next((m for m in table.spec.measures if m.name == measure), None)


def categories(table: StatTable, rules: Disclosure, key: Key) -> Categories:
    """A cell's categories, total categories left out."""
    totals = total_categories(table, rules)
    dims = table.spec.dims
    return frozenset((d, v) for d, v in zip(dims, key, strict=True) if totals.get(d) != v)


def identity(table: StatTable, rules: Disclosure, measure: str, key: Key) -> Identity:
    """What a cell counts: its measure's ``counts`` (or table and measure) and its categories,
    total categories left out."""
    spec = _spec(table, measure)
    name = spec.counts if spec and spec.counts else f"{table.id}/{measure}"
    return name, categories(table, rules, key)


Release = tuple[str, str] | None
"""The release period as a category: its dimension and code, e.g. ``("quarter", "2026Q3")``."""


def release_category(publication: Publication, tables: list[StatTable]) -> Release:
    """The release period as a category of its dimension: the latest period the tables with
    that dimension cover (they end with the release period); None if no table has it."""
    dim = period_type(publication.frequency).dimension
    codes = [t.categories[dim][-1] for t in tables if dim in t.spec.dims and t.categories[dim]]
    return (dim, max(codes)) if codes else None


def same_count(
    table: StatTable, rules: Disclosure, measure: str, key: Key, release: Release
) -> Identity:
    """A cell's :func:`identity`, with the release period among the categories of a table that
    has no period dimension (it describes the release period), so that it matches the release
    period's cells of a table by period."""
    name, cats = identity(table, rules, measure, key)
    if release is not None and table.period_dim is None:
        cats = cats | {release}
    return name, cats


def population(table: StatTable, measure: str) -> str:
    """The name a count is matched by automatically: its ``counts``, else its measure name."""
    spec = _spec(table, measure)
    return spec.counts if spec and spec.counts else measure


def same_categories(a: Categories, b: Categories) -> bool:
    """Whether two cells' categories (totals left out) can describe the same population: one
    set holds the other, so they agree on every dimension both split by."""
    return a <= b or b <= a


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


@dataclass(frozen=True)
class _Hidden:
    """A suppressed count: where it is, what it counts and its value before suppression."""

    cell: _Cell
    identity: Identity
    value: float


def _suppressed(
    computed: list[StatTable], published: list[StatTable], rules: dict[str, Disclosure]
) -> list[_Hidden]:
    out = []
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
                    out.append(_Hidden(_Cell(table, key, m), identity(raw, r, m, key), b))
    return out


def hidden_cells(
    computed: list[StatTable],
    published: list[StatTable],
    rules: dict[str, Disclosure],
    release: Release = None,
) -> dict[Identity, list[_Cell]]:
    """Every count suppressed by disclosure control, by what it counts (:func:`same_count`)."""
    out: dict[Identity, list[_Cell]] = defaultdict(list)
    for h in _suppressed(computed, published, rules):
        c = h.cell
        out[same_count(c.table, rules[c.table.id], c.measure, c.key, release)].append(c)
    return out


def _described(table: StatTable, measure: str, cats: Categories, release: Release) -> Categories:
    """A cell's categories for automatic matching: with the release period added when its
    table has no period dimension and its measure declares ``counts`` (such a table describes
    the release period, as in :func:`same_count`), so that it matches only the release
    period's cells of a table by period, not every period's. Without ``counts`` the period is
    left open: the cell may describe any period."""
    spec = _spec(table, measure)
    if release is not None and table.period_dim is None and spec is not None and spec.counts:
        return cats | {release}
    return cats


class _Populations:
    """The suppressed counts of a release by population name, for automatic matching."""

    def __init__(self, hidden: list[_Hidden], release: Release = None) -> None:
        self.release = release
        self.by_name: dict[str, list[_Hidden]] = defaultdict(list)
        for h in hidden:
            self.by_name[population(h.cell.table, h.cell.measure)].append(h)

    def revealed(
        self, table: StatTable, rules: Disclosure, numerator: str, key: Key, implied: float
    ) -> list[_Hidden]:
        """The suppressed counts of other tables that ``implied``, the count a rate or
        percentage of ``table`` implies at ``key``, gives away."""
        cats = _described(table, numerator, categories(table, rules, key), self.release)
        return [
            h
            for h in self.by_name.get(population(table, numerator), [])
            if h.cell.table.id != table.id
            and h.value == implied
            and same_categories(
                cats, _described(h.cell.table, h.cell.measure, h.identity[1], self.release)
            )
        ]


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


def implied_count(
    row: dict[str, object], measure: Measure, denominator: float | None = None
) -> tuple[float, str] | None:
    """The count a published rate or percentage gives away in one row, and how: its numerator
    where that is shown, else rebuilt from the figure and its denominator (``denominator``:
    the published value, when the row does not show it)."""
    num = row[measure.numerator or ""]
    if isinstance(num, int | float):
        return float(num), f"{measure.numerator} {num:g} is shown with {measure.title}"
    value, den = row[measure.name], row[measure.denominator or ""]
    den = den if isinstance(den, int | float) else denominator
    if not isinstance(value, int | float) or not den:
        return None
    count = rebuilt(value, den, measure)
    if count is None:
        return None
    return float(count), f"{measure.title} {value:.1f} of {den:g} is {count}"


def _ratio_links(
    tables: list[StatTable], out: list[StatTable], rules: dict[str, Disclosure], release: Release
) -> Forced:
    """By table and numerator, the cells whose rate or percentage gives away a count another
    table suppresses (the numerator is then suppressed, and its ratios with it)."""
    found: Forced = {}
    populations: _Populations | None = None
    for raw, table in zip(tables, out, strict=True):
        r = rules[raw.id]
        protected = count_measures(raw, r) if r.enabled else []
        ratios = [m for m in raw.spec.measures if m.is_ratio and m.numerator in protected]
        if not ratios:
            continue
        if populations is None:
            populations = _Populations(_suppressed(tables, out, rules), release)
        rows = table.data.to_dicts()
        for m in ratios:
            keys = frozenset(
                key
                for key, row in zip(_keys(table), rows, strict=True)
                if (implied := implied_count(row, m)) is not None
                and populations.revealed(raw, r, m.numerator or "", key, implied[0])
            )
            if keys:
                mine = found.setdefault(raw.id, {})
                mine[m.numerator or ""] = mine.get(m.numerator or "", frozenset()) | keys
    return found


def _shared_links(
    tables: list[StatTable], out: list[StatTable], rules: dict[str, Disclosure], release: Release
) -> Forced:
    """By table and measure, the cells of a count another table suppresses (same identity)."""
    hidden = hidden_cells(tables, out, rules, release)
    found: Forced = {}
    for t in tables:
        r = rules[t.id]
        if not r.enabled:
            continue
        for m in count_measures(t, r):
            keys = frozenset(
                k
                for k in _keys(t)
                if any(c.table.id != t.id for c in hidden.get(same_count(t, r, m, k, release), []))
            )
            if keys:
                found.setdefault(t.id, {})[m] = keys
    return found


def _union(*parts: Forced) -> Forced:
    out: Forced = {}
    for part in parts:
        for table, by_measure in part.items():
            mine = out.setdefault(table, {})
            for m, keys in by_measure.items():
                mine[m] = mine.get(m, frozenset()) | keys
    return out


def protect_all(
    publication: Publication,
    tables: list[StatTable],
    protect: Callable[..., StatTable],
) -> list[StatTable]:
    """Protect every table, suppressing in each the counts any other table suppresses and the
    numerators whose rates or percentages would give such a count away."""
    rules = {t.id: publication.disclosure_for(t.spec) for t in tables}
    release = release_category(publication, tables)
    forced: Forced = {t.id: {} for t in tables}
    out = [protect(t, rules[t.id], forced=forced[t.id]) for t in tables]
    for _ in range(MAX_ROUNDS):
        found = _union(
            _shared_links(tables, out, rules, release), _ratio_links(tables, out, rules, release)
        )
        wanted = _union(forced, found)  # once suppressed, always: the rounds only add
        if wanted == forced:
            break
        forced = wanted
        out = [protect(t, rules[t.id], forced=forced[t.id]) for t in tables]
    return out


def exposures(
    publication: Publication, computed: list[StatTable], published: list[StatTable]
) -> list[str]:
    """Suppressed counts that another published figure of the release gives away."""
    rules = {t.id: publication.disclosure_for(t.spec) for t in computed}
    release = release_category(publication, computed)
    suppressed = _suppressed(computed, published, rules)
    hidden = hidden_cells(computed, published, rules, release)
    populations = _Populations(suppressed, release)
    published = [t for t in published if t.id in rules]  # not the added "Revisions" table
    shown: dict[Identity, tuple[_Cell, float]] = {}
    for table in published:
        r = rules[table.id]
        keys = _keys(table)
        for m in [m for m in table.spec.measures if m.additive]:
            for key, v in zip(keys, table.data[m.name].to_list(), strict=True):
                if v is not None:
                    shown.setdefault(
                        same_count(table, r, m.name, key, release), (_Cell(table, key, m.name), v)
                    )
    problems = []
    for ident, cells in hidden.items():
        if ident in shown:
            cell, v = shown[ident]
            problems.append(
                f"{cells[0].where()}: {cells[0].measure} is suppressed, but {cell.where()} shows "
                f"it ({v:g})"
            )
    seen: set[tuple[str, Key, str, Key]] = set()
    for table in published:
        r = rules[table.id]
        keys = _keys(table)
        rows = table.data.to_dicts()
        for m in [m for m in table.spec.measures if m.is_ratio]:
            numerator = m.numerator or ""
            for key, row in zip(keys, rows, strict=True):
                found = shown.get(same_count(table, r, m.denominator or "", key, release))
                implied = implied_count(row, m, found[1] if found else None)
                if implied is None:
                    continue
                num = same_count(table, r, numerator, key, release)
                here = _Cell(table, key, m.name).where()
                if num in hidden and row[numerator] is None:
                    first = hidden[num][0]
                    problems.append(
                        f"{first.where()}: {first.measure} is suppressed, but {here} gives it "
                        f"away: {implied[1]}"
                    )
                for h in populations.revealed(table, r, numerator, key, implied[0]):
                    pair = (h.cell.table.id, h.cell.key, table.id, key)
                    same = same_count(
                        h.cell.table, rules[h.cell.table.id], h.cell.measure, h.cell.key, release
                    )
                    if same == num or pair in seen:  # reported already
                        continue
                    seen.add(pair)
                    problems.append(
                        f"{h.cell.where()}: {h.cell.measure} is suppressed, but {here} gives "
                        f"it away: {implied[1]}"
                    )
    return problems


def explained(
    publication: Publication, computed: list[StatTable], published: list[StatTable]
) -> list[str]:
    """Why cells were suppressed with another table's: one line per numerator suppressed
    because its rate or percentage would have given a suppressed count away."""
    rules = {t.id: publication.disclosure_for(t.spec) for t in computed}
    by_id = {t.id: t for t in published}
    release = release_category(publication, computed)
    suppressed = _suppressed(computed, published, rules)
    populations = _Populations(suppressed, release)
    lines = []
    for raw in computed:
        r = rules[raw.id]
        if not r.enabled:
            continue
        table = by_id[raw.id]
        ratios: dict[str, list[str]] = defaultdict(list)
        for m in raw.spec.measures:
            if m.is_ratio and m.numerator in count_measures(raw, r):
                ratios[m.numerator or ""].append(m.name)
        for num, names in ratios.items():
            before, after = raw.data[num].to_list(), table.data[num].to_list()
            for key, b, a in zip(_keys(raw), before, after, strict=True):
                if a is not None or b is None or is_primary(b, r):
                    continue
                others = populations.revealed(raw, r, num, key, b)
                if others:
                    lines.append(
                        f"{_Cell(table, key, num).where()}: {num} ({', '.join(names)} with it) "
                        f"suppressed because {others[0].cell.where()} suppresses the same count"
                    )
    return lines
