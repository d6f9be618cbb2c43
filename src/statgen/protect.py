"""Protect the tables before anything is written: disclosure control, revisions, provisional
figures. Each step takes tables and returns tables with values suppressed or markers set."""

from __future__ import annotations

from statgen.config import Publication
from statgen.tables import StatTable


def apply(publication: Publication, tables: list[StatTable]) -> list[StatTable]:
    """Apply every protection step configured for the publication (none yet)."""
    return tables
