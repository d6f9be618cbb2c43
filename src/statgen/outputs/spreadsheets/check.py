"""`statgen check FILE...`: audit any XLSX or ODS against the Analysis Function checklist.

The guidance "Releasing statistics in spreadsheets" asks for a cover, contents and notes sheet,
one marked-up table per sheet starting in column A, no merged or blank cells, numbers stored as
numbers, shorthand explained, plain sans-serif formatting and document properties. Each rule
below returns :class:`Failure` values that name the sheet and the cell, so a person can fix them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from statgen.errors import CheckError
from statgen.outputs.spreadsheets.read import (
    CellFacts,
    SheetFacts,
    TableFacts,
    Workbook,
    cell_name,
    read_workbook,
)

SANS_SERIF = {
    "arial", "helvetica", "liberation sans", "calibri", "verdana", "tahoma", "segoe ui",
    "open sans", "noto sans", "dejavu sans", "carlito", "arimo", "roboto", "source sans pro",
    "gill sans", "trebuchet ms", "lato", "inter",
}  # fmt: skip
SHORTHAND = re.compile(r"^\[([a-z]+)\]$")
"""A cell holding only shorthand, e.g. "[c]" or "[low]"."""
NOTE = re.compile(r"\[note \d+\]", re.IGNORECASE)
NUMBER_AS_TEXT = re.compile(r"^[-+]?[\d,]*\.?\d+%?$")
YEAR_LABEL = re.compile(r"^\d{4}$")
"""A calendar year as a category label (``2026``): text in a column with no numbers."""
DEFAULT_TABLE_NAME = re.compile(r"^(Table\d+|Database\d*|__Anonymous_Sheet_DB__\d+)$", re.I)
ONE_TABLE = "this worksheet contains one table"
COVER_MENTIONS = {
    "the source of the data": ("source",),
    "the release date": ("release date", "published", "publication date"),
    "the next release date": ("next release", "next update", "next publication"),
    "a contact": ("contact", "email"),
    "the status (official statistics or in development)": (
        "official statistics",
        "in development",
        "management information",
    ),
}


@dataclass(frozen=True)
class Failure:
    """One way a workbook fails the checklist, and where."""

    sheet: str
    cell: str
    message: str

    def describe(self) -> str:
        """The failure as one line: sheet, cell, what is wrong and what to do."""
        where = f"{self.sheet}!{self.cell}" if self.cell else self.sheet
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class WorkbookReport:
    """The result of checking one file."""

    path: Path
    failures: list[Failure]

    @property
    def ok(self) -> bool:
        """Whether the workbook passed every check."""
        return not self.failures

    def describe(self, limit: int | None = None) -> str:
        """A readable report: a pass line, or one line per failure (the first ``limit`` only)."""
        if self.ok:
            return f"{self.path}: passes the spreadsheet accessibility checks"
        n = len(self.failures)
        head = f"{self.path}: {n} problem{'s' if n != 1 else ''} found"
        shown = self.failures[:limit] if limit else self.failures
        lines = [head, *(f"  - {f.describe()}" for f in shown)]
        if len(shown) < n:
            lines.append(f"  ... and {n - len(shown)} more (run `statgen check {self.path}`)")
        return "\n".join(lines)


Rule = Callable[[Workbook], Iterator[Failure]]
RULES: list[Rule] = []


def rule(fn: Rule) -> Rule:
    """Register a check."""
    RULES.append(fn)
    return fn


def check_file(path: Path) -> WorkbookReport:
    """Check one workbook against every rule."""
    workbook = read_workbook(path)
    return WorkbookReport(path, [f for r in RULES for f in r(workbook)])


def check_or_raise(paths: list[Path]) -> list[WorkbookReport]:
    """Check workbooks; raise :class:`CheckError` listing every failure if any fails."""
    reports = [check_file(p) for p in paths]
    bad = [r for r in reports if not r.ok]
    if bad:
        text = "\n".join(r.describe(limit=20) for r in bad)
        raise CheckError(
            f"{text}\nThe spreadsheets fail the accessibility checks, so the release was not "
            "written. Fix the sheet model or the publication.yaml and build again."
        )
    return reports


# ---------------------------------------------------------------- helpers


def _table_sheets(wb: Workbook) -> list[SheetFacts]:
    return [s for s in wb.sheets[1:] if "cover" not in s.name.lower()]


def _in_table(t: TableFacts, row: int, col: int) -> bool:
    return t.top <= row <= t.bottom and t.left <= col <= t.right


def _all_text(sheet: SheetFacts) -> str:
    return "\n".join(str(c.value) for c in sheet.cells.values() if c.value is not None)


def _link_sheet(link: str) -> str | None:
    """The sheet an internal link points to ("#'Notes'!A1", "Notes!A1", "#Notes.A1")."""
    if re.match(r"^[a-z]+:", link):
        return None
    m = re.match(r"^#?'?(.+?)'?[!.]\$?[A-Z]+\$?\d+$", link)
    return m.group(1).replace("''", "'") if m else None


def _shorthand_codes(cell: CellFacts) -> set[str]:
    codes = set()
    if cell.kind == "text" and (m := SHORTHAND.match(str(cell.value).strip())):
        codes.add(m.group(1))
    if cell.kind == "number":
        codes.update(re.findall(r"\[([a-z]+)\]", cell.fmt.literal))
    return codes


# ---------------------------------------------------------------- workbook rules


@rule
def properties(wb: Workbook) -> Iterator[Failure]:
    """Document properties: title, subject, author, keywords, language en-GB."""
    for key, label in [
        ("title", "title"),
        ("subject", "subject"),
        ("creator", "author (the organisation)"),
        ("keywords", "keywords"),
    ]:
        if not wb.properties.get(key, "").strip():
            yield Failure("document properties", "", f"no {label} property: set the {label}")
    language = wb.properties.get("language", "")
    if language.lower() != "en-gb":
        yield Failure(
            "document properties", "", f"language property is {language!r}: set it to en-GB"
        )


@rule
def sheets(wb: Workbook) -> Iterator[Failure]:
    """Cover first, then contents; names unique without spaces; nothing blank or hidden."""
    if not wb.sheets:
        yield Failure("workbook", "", "the workbook has no sheets")
        return
    first = wb.sheets[0]
    if "cover" not in first.name.lower():
        yield Failure(
            first.name, "", "the first sheet must be a cover sheet (named 'Cover'); none found"
        )
    if not any("content" in s.name.lower() for s in wb.sheets):
        yield Failure("workbook", "", "no contents sheet: add a sheet named 'Contents'")
    if wb.active != 0:
        yield Failure(wb.sheets[wb.active].name, "", "the first sheet must be the active sheet")
    seen: set[str] = set()
    for s in wb.sheets:
        if " " in s.name:
            yield Failure(s.name, "", "sheet name has spaces: use underscores or none")
        if s.name.lower() in seen:
            yield Failure(s.name, "", "sheet name is not unique")
        seen.add(s.name.lower())
        if not s.cells:
            yield Failure(s.name, "", "blank sheet: remove it")
        if s.hidden:
            yield Failure(s.name, "", "hidden sheet: unhide or remove it")
        for r in s.hidden_rows:
            yield Failure(s.name, f"A{r}", f"row {r} is hidden: unhide it")
        for c in s.hidden_columns:
            yield Failure(s.name, cell_name(1, c), f"column {cell_name(1, c)[:-1]} is hidden")
        if s.cursor.upper().replace("$", "") != "A1":
            yield Failure(s.name, s.cursor, "the cursor must be in cell A1 when the file opens")
        if s.merged:
            for m in s.merged:
                yield Failure(s.name, m.split(":")[0], f"merged cells {m}: unmerge them")


@rule
def contents(wb: Workbook) -> Iterator[Failure]:
    """The contents sheet links to every other sheet."""
    sheet = next((s for s in wb.sheets if "content" in s.name.lower()), None)
    if sheet is None:
        return
    linked = {_link_sheet(c.link) for c in sheet.cells.values() if c.link}
    for s in wb.sheets:
        if s is not sheet and s.name not in linked:
            yield Failure(sheet.name, "", f"no link to sheet {s.name!r} in the table of contents")


@rule
def notes(wb: Workbook) -> Iterator[Failure]:
    """Every [note N] used is explained on a notes sheet."""
    used: dict[str, tuple[str, str]] = {}
    for s in wb.sheets:
        if "note" in s.name.lower():
            continue
        for (r, c), cell in sorted(s.cells.items()):
            for m in NOTE.findall(str(cell.value)):
                used.setdefault(m.lower(), (s.name, cell_name(r, c)))
    if not used:
        return
    sheet = next((s for s in wb.sheets if "note" in s.name.lower()), None)
    if sheet is None:
        where = next(iter(used.values()))
        yield Failure(*where, "note markers are used but there is no Notes sheet")
        return
    defined = {str(c.value).strip().lower() for (_, col), c in sheet.cells.items() if col == 1}
    for note, where in used.items():
        if note not in defined:
            yield Failure(*where, f"{note} is not on the {sheet.name} sheet")


@rule
def cover(wb: Workbook) -> Iterator[Failure]:
    """The cover says source, dates, status, contact and explains the shorthand used."""
    if not wb.sheets or "cover" not in wb.sheets[0].name.lower():
        return
    sheet = wb.sheets[0]
    text = _all_text(sheet).lower()
    for what, words in COVER_MENTIONS.items():
        if not any(w in text for w in words):
            yield Failure(sheet.name, "", f"the cover does not give {what}")
    explained = set(re.findall(r"\[([a-z]+)\]", text))
    for s in wb.sheets[1:]:
        for (r, c), cell in sorted(s.cells.items()):
            for code in sorted(_shorthand_codes(cell) - explained):
                yield Failure(
                    s.name, cell_name(r, c), f"shorthand [{code}] is not explained on the cover"
                )
                explained.add(code)


# ---------------------------------------------------------------- sheet rules


@rule
def titles(wb: Workbook) -> Iterator[Failure]:
    """A1 holds the sheet title, in bold and larger than the text."""
    for s in wb.sheets:
        if not s.cells:
            continue
        a1 = s.cells.get((1, 1))
        if a1 is None or a1.kind != "text" or not str(a1.value).strip():
            yield Failure(s.name, "A1", "A1 must hold the sheet's title")
        elif not a1.bold or (a1.size or 0) <= 12:
            yield Failure(s.name, "A1", "the title must be bold and larger than 12pt")


@rule
def cells(wb: Workbook) -> Iterator[Failure]:
    """No formulas; sans-serif 12pt or larger; automatic font colour; no fill."""
    for s in wb.sheets:
        for (r, c), cell in sorted(s.cells.items()):
            where = cell_name(r, c)
            if cell.kind == "formula":
                yield Failure(s.name, where, f"formula {cell.value!s}: write the value instead")
            if cell.kind == "error":
                yield Failure(s.name, where, "error value in the cell")
            if cell.font and cell.font.lower() not in SANS_SERIF:
                yield Failure(s.name, where, f"font {cell.font!r}: use Arial or another sans serif")
            if cell.size is not None and cell.size < 12:
                yield Failure(s.name, where, f"font size {cell.size:g}pt: use 12pt or larger")
            if cell.color and not cell.link:
                yield Failure(s.name, where, f"font colour {cell.color}: use automatic colour")
            if cell.fill:
                yield Failure(s.name, where, f"fill colour {cell.fill}: remove the fill")


@rule
def tables(wb: Workbook) -> Iterator[Failure]:
    """Each sheet after the cover holds one marked-up table, placed as the guidance says."""
    for s in _table_sheets(wb):
        if not s.cells:
            continue
        if not s.tables:
            yield Failure(s.name, "", "no table object: mark the table up as a table")
            continue
        if len(s.tables) == 1 and ONE_TABLE not in s.text(2).lower():
            yield Failure(s.name, "A2", "A2 must say 'This worksheet contains one table.'")
        for t in s.tables:
            yield from _table(s, t)


def _table(s: SheetFacts, t: TableFacts) -> Iterator[Failure]:
    corner = cell_name(t.top, t.left)
    if t.left != 1:
        yield Failure(s.name, corner, "the table must start in column A")
    if " " in t.name or DEFAULT_TABLE_NAME.match(t.name):
        yield Failure(s.name, corner, f"table name {t.name!r}: give it a meaningful name")
    if not t.header:
        yield Failure(s.name, corner, "the table has no header row")
    if t.filter_buttons:
        yield Failure(s.name, corner, "the table shows filter buttons: switch them off")
    for r in range(1, t.top):
        if not s.text(r).strip():
            yield Failure(s.name, f"A{r}", "blank row above the table: remove it")
    for (r, c), _ in sorted(s.cells.items()):
        if c > 1 and r < t.top:
            yield Failure(s.name, cell_name(r, c), "text above the table belongs in column A")
        elif r > t.bottom or (r >= t.top and not _in_table(t, r, c)):
            yield Failure(s.name, cell_name(r, c), "content outside the table: move it above")
    if t.header:
        yield from _headers(s, t)
    yield from _body(s, t)


def _headers(s: SheetFacts, t: TableFacts) -> Iterator[Failure]:
    seen: set[str] = set()
    for c in range(t.left, t.right + 1):
        cell = s.cells.get((t.top, c))
        where = cell_name(t.top, c)
        if cell is None or not str(cell.value).strip():
            yield Failure(s.name, where, "blank column heading: describe the column")
            continue
        if cell.kind != "text":
            yield Failure(s.name, where, "column heading must be text")
        if str(cell.value) in seen:
            yield Failure(s.name, where, f"heading {cell.value!s} is not unique")
        seen.add(str(cell.value))
        if not cell.wrap:
            yield Failure(s.name, where, "column headings must wrap text")


def _body(s: SheetFacts, t: TableFacts) -> Iterator[Failure]:
    first = t.top + 1 if t.header else t.top
    for c in range(t.left, t.right + 1):
        column = [(r, s.cells.get((r, c))) for r in range(first, t.bottom + 1)]
        numeric = any(cell is not None and cell.kind == "number" for _, cell in column)
        decimals: int | None = None
        for r, cell in column:
            where = cell_name(r, c)
            if cell is None or (cell.kind == "text" and not str(cell.value).strip()):
                yield Failure(s.name, where, "blank cell in the table: use [x], [z] or [c]")
                continue
            text = str(cell.value).strip()
            # A column of year labels (an annual table's row headings) is categories, not numbers.
            label = not numeric and YEAR_LABEL.match(text)
            if cell.kind == "text" and NUMBER_AS_TEXT.match(text) and not label:
                yield Failure(s.name, where, f"number stored as text ({text}): store a number")
            elif numeric and cell.kind == "text" and NOTE.search(text):
                yield Failure(s.name, where, "note marker in a data cell: put it in the heading")
            elif numeric and cell.kind == "text" and not SHORTHAND.match(text):
                yield Failure(s.name, where, f"text {text!r} in a column of numbers")
            if cell.kind != "number":
                continue
            value = float(cell.value)
            if cell.fmt.decimals is None and not value.is_integer():
                yield Failure(s.name, where, "number has no fixed decimal places: set a format")
            if abs(value) >= 1000 and not cell.fmt.grouping:
                yield Failure(s.name, where, "no thousands separator: use a format like #,##0")
            if decimals is None:
                decimals = cell.fmt.decimals
            elif cell.fmt.decimals != decimals:
                yield Failure(s.name, where, "decimal places differ within the column")
