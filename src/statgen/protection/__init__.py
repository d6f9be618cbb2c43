"""Protect the tables before anything is written: disclosure control, provisional figures,
revisions. Each step takes tables and returns tables with values suppressed or markers set."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from statgen.config import Disclosure, Publication
from statgen.periods import Period
from statgen.protection import disclosure, linked, revision_table, revisions
from statgen.tables import StatTable

Public = dict[str, dict[str, frozenset[tuple[str, ...]]]]
"""By table and measure, the cells published before and unchanged."""

Forced = dict[str, frozenset[tuple[str, ...]]] | None
"""By measure, the cells of a table suppressed because another table suppresses the same count."""


def public_cells(
    tables: list[StatTable],
    previous: Path | None,
    earlier: Sequence[Path] = (),
    period: Period | None = None,
) -> Public:
    """What the baseline release, or any ``earlier`` release, published that is unchanged in
    ``tables`` (before disclosure control): public already, so disclosure control must not rely
    on it to hide anything. A figure revised by the baseline and now back at the value an older
    release published is as public as one the baseline published. Tables with no period
    dimension take only what releases of the same ``period`` published."""
    folders = list(dict.fromkeys([*([previous] if previous else []), *earlier]))
    if not folders:
        return {}
    out: Public = {}
    for t in tables:
        found: dict[str, frozenset[tuple[str, ...]]] = {}
        for folder in folders:
            for m, cells in revisions.unchanged_cells(t, folder, period).items():
                found[m] = found.get(m, frozenset()) | cells
        out[t.id] = found
    return out


def apply(
    publication: Publication,
    tables: list[StatTable],
    period: Period | None = None,
    previous: Path | None = None,
    public: Public | None = None,
) -> list[StatTable]:
    """Suppress ([c]) and round, mark provisional ([p]) and revised ([r]) figures.

    When figures were revised since ``previous`` (the last release's folder), a "Revisions"
    table listing them is added after the publication's own tables.
    """
    if public is None:
        public = public_cells(tables, previous, period=period)
    known = public

    def protect(table: StatTable, rules: Disclosure, forced: Forced) -> StatTable:
        return disclosure.protect_table(table, rules, known.get(table.id), forced)

    tables = linked.protect_all(publication, tables, protect)
    if period is not None:
        tables = revisions.mark_provisional(publication, tables, period)
    if previous is None:
        return tables
    revised = revisions.compare(tables, previous, period)
    if not revised:
        return tables
    tables = revisions.mark_revised(tables, revised)
    number = len(tables) + 1
    return [*tables, revision_table.revisions_table(publication, revised, previous, number)]
