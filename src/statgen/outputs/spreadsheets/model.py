"""The sheet model both workbook formats are written from (so ODS and XLSX never drift).

It follows the Analysis Function guidance "Releasing statistics in spreadsheets": a cover sheet,
a contents sheet, a notes sheet, then one table per sheet with its title in A1.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Literal

from statgen.config import Publication
from statgen.outputs.grid import SHORTHAND, Cell, Grid, Header, layout
from statgen.periods import Period, format_date
from statgen.tables import StatTable

ONE_TABLE = "This worksheet contains one table."


@dataclass(frozen=True)
class Line:
    """A line of text above a table (or on the cover), one cell in column A."""

    text: str
    style: Literal["text", "heading", "link"] = "text"
    target: str | None = None
    """For links: an internal sheet name or an external URL."""


@dataclass(frozen=True)
class Sheet:
    """One worksheet: title in A1, lines below it, then at most one table."""

    name: str
    title: str
    lines: list[Line] = field(default_factory=list)
    table: Grid | None = None
    table_name: str | None = None
    """Name of the table object (letters, digits and underscores)."""

    @property
    def table_row(self) -> int:
        """1-based row where the table's header row is written."""
        return 2 + len(self.lines)


@dataclass(frozen=True)
class WorkbookModel:
    """A whole workbook and its document properties."""

    title: str
    subject: str
    author: str
    keywords: list[str]
    language: str
    created: dt.datetime
    sheets: list[Sheet]


def column_widths(sheet: Sheet) -> list[float]:
    """Column widths in characters: fit the longest entry, within sensible limits (both formats)."""
    if sheet.table is None:
        return [100.0]
    widths = []
    for j, header in enumerate(sheet.table.headers):
        texts = [row[j].text for row in sheet.table.rows]
        longest = max([len(t) for t in texts] + [max(len(p) for p in header.text.split("\n"))])
        limit = 24 if header.numeric else 60
        widths.append(float(min(max(12, longest + 3), limit)))
    return widths


def table_object_name(sheet_name: str) -> str:
    """A table name Excel and LibreOffice accept: letters, digits, underscores."""
    return re.sub(r"[^A-Za-z0-9_]", "_", sheet_name)


def shorthand_lines(markers: set[str]) -> list[Line]:
    """One line per shorthand symbol used, in the guidance's order."""
    return [Line(f"[{code}] = {meaning}") for code, meaning in SHORTHAND.items() if code in markers]


def build_model(
    publication: Publication,
    period: Period,
    tables: list[StatTable],
    release_date: dt.date,
    next_release: dt.date | None,
) -> WorkbookModel:
    """Lay out the cover, contents, notes and table sheets for one release."""
    grids = {t.id: layout(publication, t) for t in tables}
    used = set().union(*(g.markers for g in grids.values())) if grids else set()
    title = f"{publication.title}: {period.long_label}, {publication.geography}"

    cover_lines = [
        Line(publication.summary),
        Line("Source", "heading"),
        Line(publication.source),
        Line("Release date", "heading"),
        Line(format_date(release_date)),
        Line("Next release", "heading"),
        Line(format_date(next_release) if next_release else "To be announced"),
        Line("Status", "heading"),
        Line(publication.status),
        Line("Contact", "heading"),
        Line(publication.contact.name),
        Line(publication.contact.email, "link", f"mailto:{publication.contact.email}"),
        *([Line(publication.contact.phone)] if publication.contact.phone else []),
        Line("Shorthand used in these tables", "heading"),
        *(shorthand_lines(used) or [Line("No shorthand is used in these tables.")]),
        # The guidance wants a Notes sheet only when there are notes.
        *(
            [
                Line("Notes", "heading"),
                Line(
                    "Notes referred to as [note 1] and so on are on the Notes worksheet.",
                    "link",
                    "Notes",
                ),
            ]
            if publication.notes
            else []
        ),
        Line("Licence", "heading"),
        Line(
            "You may re-use this information free of charge under the "
            "Open Government Licence v3.0.",
            "link",
            "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        ),
    ]
    cover = Sheet("Cover", title, cover_lines)

    contents_rows = [
        [Cell("Cover", link="Cover"), Cell("About these tables: source, dates, status, contact")],
        *(
            [[Cell("Notes", link="Notes"), Cell("Notes used in the tables")]]
            if publication.notes
            else []
        ),
        *[
            [
                Cell(t.sheet, link=t.sheet),
                Cell(f"Table {t.number}: {t.spec.summary or t.spec.title}"),
            ]
            for t in tables
        ],
    ]
    contents = Sheet(
        "Contents",
        "Table of contents",
        [Line(ONE_TABLE), Line("Select a sheet name to go to that worksheet.")],
        Grid([Header("Sheet name"), Header("Table title")], contents_rows, 1),
        "Table_of_contents",
    )

    note_rows = []
    for note in publication.notes:
        applies = [t.sheet for t in tables if note.number in t.spec.notes]
        note_rows.append(
            [
                Cell(f"[note {note.number}]"),
                Cell(note.text),
                Cell(", ".join(applies) if applies else "All tables"),
            ]
        )
    notes = Sheet(
        "Notes",
        "Notes",
        [Line(ONE_TABLE)],
        Grid(
            [Header("Note number"), Header("Note text"), Header("Tables the note applies to")],
            note_rows,
            1,
        ),
        "Notes_table",
    )

    sheets = [cover, contents, notes] if publication.notes else [cover, contents]
    for t in tables:
        grid = grids[t.id]
        lines = [Line(ONE_TABLE)]
        if t.spec.notes:
            lines.append(Line("Notes for this table are on the Notes worksheet.", "link", "Notes"))
        lines.extend(shorthand_lines(grid.markers))
        lines.extend(Line(text) for text in t.notes_extra)
        lines.append(Line(f"Source: {publication.source}"))
        sheets.append(Sheet(t.sheet, t.caption, lines, grid, table_object_name(t.sheet)))

    when = dt.datetime.combine(release_date, dt.time(9, 30))
    return WorkbookModel(
        title=title,
        subject=publication.summary,
        author=publication.organisation,
        # Keywords are a required document property: fall back on the title and geography.
        keywords=publication.keywords or [publication.title, publication.geography],
        language="en-GB",
        created=when,
        sheets=sheets,
    )
