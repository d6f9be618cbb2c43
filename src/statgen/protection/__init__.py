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

Sums = dict[str, dict[str, list[list[tuple[str, ...]]]]]
"""By table and measure, the sums earlier releases give away (:func:`earlier_sums`), each as a
line of :func:`statgen.protection.disclosure.lines`."""


def release_folders(previous: Path | None, earlier: Sequence[Path] = ()) -> list[Path]:
    """The baseline release, then every earlier one, each once."""
    return list(dict.fromkeys([*([previous] if previous else []), *earlier]))


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
    folders = release_folders(previous, earlier)
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


def earlier_sums(
    publication: Publication,
    tables: list[StatTable],
    folders: Sequence[Path],
    period: Period | None = None,
) -> Sums:
    """The sums of cells that earlier releases give away and that still hold now.

    A line an earlier release published its total of, with some parts suppressed, tells
    everyone what those suppressed cells added up to then (176 - 133 - 22 = 21 for b and d).
    Where the cells add up to the same now (unchanged, as nothing marks them [r]), that sum
    is known now too: with b published now, d = 21 - b. Each such sum is returned as a line
    (the cells suppressed then, after a stand-in for the known total), for secondary
    suppression and QA's exact check to take with the table's own lines."""
    out: Sums = {}
    for t in tables:
        rules = publication.disclosure_for(t.spec)
        if not rules.enabled:
            continue
        found: dict[str, list[list[tuple[str, ...]]]] = {}
        for folder in dict.fromkeys(folders):
            for m, sums in revisions.earlier_sums(
                t, folder, disclosure.count_measures(t, rules), rules, period
            ).items():
                found.setdefault(m, []).extend(s for s in sums if s not in found.get(m, []))
        if found:
            out[t.id] = found
    return out


def apply(
    publication: Publication,
    tables: list[StatTable],
    period: Period | None = None,
    previous: Path | None = None,
    public: Public | None = None,
    sums: Sums | None = None,
) -> list[StatTable]:
    """Suppress ([c]) and round, mark provisional ([p]) and revised ([r]) figures.

    ``sums``: what earlier releases give away that still holds (:func:`earlier_sums`). When
    figures were revised since ``previous`` (the last release's folder), a "Revisions" table
    listing them is added after the publication's own tables.
    """
    if public is None:
        public = public_cells(tables, previous, period=period)
    known = public
    given = sums or {}

    def protect(table: StatTable, rules: Disclosure, forced: Forced) -> StatTable:
        return disclosure.protect_table(
            table, rules, known.get(table.id), forced, given.get(table.id)
        )

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
