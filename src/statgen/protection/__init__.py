"""Protect the tables before anything is written: disclosure control, provisional figures,
revisions. Each step takes tables and returns tables with values suppressed or markers set."""

from __future__ import annotations

from pathlib import Path

from statgen.config import Publication
from statgen.periods import Period
from statgen.protection import disclosure, revisions
from statgen.tables import StatTable


def apply(
    publication: Publication,
    tables: list[StatTable],
    period: Period | None = None,
    previous: Path | None = None,
) -> list[StatTable]:
    """Suppress ([c]) and round, mark provisional ([p]) and revised ([r]) figures.

    When figures were revised since ``previous`` (the last release's folder), a "Revisions"
    table listing them is added after the publication's own tables.
    """
    tables = disclosure.apply(publication, tables)
    if period is not None:
        tables = revisions.mark_provisional(publication, tables, period)
    if previous is None:
        return tables
    revised = revisions.compare(tables, previous)
    if not revised:
        return tables
    tables = revisions.mark_revised(tables, revised)
    number = len(tables) + 1
    return [*tables, revisions.revisions_table(publication, revised, previous, number)]
