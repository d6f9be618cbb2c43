"""The wide, human-readable layout of a table, shared by the HTML page and both workbooks.

One :class:`Grid` per table, so the page, the ODS and the XLSX can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import polars as pl

from statgen.config import Measure, Publication
from statgen.tables import StatTable, category_label, format_column, marker_column

Format = Literal[
    "text",
    "integer",
    "decimal1",
    "percent1",
    "currency",
    "currency_thousand",
    "currency_million",
    "signed_integer",
    "signed_decimal1",
]
"""How a number is shown. The ``signed_`` formats (differences, e.g. in the revisions table)
write "+300" and "\u2212""41" (a real minus sign, as GOV.UK style does)."""

MINUS = "\u2212"

CURRENCY: dict[str, tuple[int, str]] = {
    "currency": (0, ""),
    "currency_thousand": (0, " thousand"),
    "currency_million": (1, " million"),
}
"""Pound formats: decimal places and the unit written after the number ("£1,562 thousand")."""

SHORTHAND: dict[str, str] = {
    "x": "not available",
    "z": "not applicable",
    "c": "confidential: suppressed to protect the people counted",
    "low": "rounds to zero but is not zero",
    "p": "provisional: may change in a later release",
    "r": "revised since the previous release",
    "u": "low reliability",
}
"""The Analysis Function's shorthand, in the order the cover sheet explains it."""


@dataclass(frozen=True)
class Cell:
    """One cell: a number (or None) with its format and an optional shorthand marker."""

    value: float | int | str | None
    format: Format = "text"
    marker: str | None = None
    link: str | None = None
    """For text cells: the name of a sheet this cell links to (contents tables)."""

    @property
    def text(self) -> str:
        """The cell as people read it: "1,234", "12.5%", "[c]", "1,234 [r]"."""
        if self.format == "text":
            return str(self.value)
        if self.value is None:
            return f"[{self.marker or 'x'}]"
        number = format_number(float(self.value), self.format)
        return f"{number} [{self.marker}]" if self.marker else number

    @property
    def is_number(self) -> bool:
        """Whether the cell holds a number (so it is right-aligned and stored numerically)."""
        return self.format != "text" and self.value is not None


@dataclass(frozen=True)
class Header:
    """A column heading: the words and, on its own line, the unit in brackets."""

    title: str
    unit: str | None = None
    numeric: bool = False

    @property
    def text(self) -> str:
        """Heading text with the unit on a new line, as the guidance asks."""
        return f"{self.title}\n({self.unit})" if self.unit else self.title


@dataclass(frozen=True)
class Grid:
    """A table laid out for people: headings, then rows whose first cells label the row."""

    headers: list[Header]
    rows: list[list[Cell]]
    label_columns: int

    @property
    def markers(self) -> set[str]:
        """The shorthand used anywhere in the table."""
        return {c.marker for row in self.rows for c in row if c.marker}


def format_number(value: float | int, fmt: Format) -> str:
    """A number as people read it, with thousands separators."""
    if fmt.startswith("signed_"):
        plain = format_number(abs(value), fmt.removeprefix("signed_"))  # type: ignore[arg-type]
        return plain if plain.strip("0.,") == "" else ("+" if value > 0 else MINUS) + plain
    if fmt == "integer":
        return f"{round(value):,}"
    if fmt == "decimal1":
        return f"{value:,.1f}"
    if fmt == "percent1":
        return f"{value:,.1f}%"
    if fmt in CURRENCY:
        places, unit = CURRENCY[fmt]
        sign = "-" if value < 0 else ""
        return f"{sign}£{abs(value):,.{places}f}{unit}"
    return str(value)


def layout(publication: Publication, table: StatTable) -> Grid:
    """Pivot a tidy table: row dimensions down the side, column categories x measures across."""
    spec = table.spec
    headers = [Header(publication.dimension_title(d)) for d in spec.rows]
    columns: list[tuple[str | None, Measure]] = []
    col_cats = table.categories[spec.columns] if spec.columns else [None]
    for cat in col_cats:
        for m in spec.measures:
            columns.append((cat, m))
            if cat is None:
                title = m.title
            elif len(spec.measures) == 1:
                title = category_label(spec.columns or "", cat)
            else:
                title = f"{category_label(spec.columns or '', cat)}: {m.title}"
            headers.append(Header(title, m.unit, numeric=True))

    data = table.data
    keys = data.select(spec.rows).unique(maintain_order=True)
    lookup: dict[tuple[str, ...], dict[str, object]] = {}
    for row in data.iter_rows(named=True):
        lookup[tuple(row[d] for d in spec.dims)] = row
    rows: list[list[Cell]] = []
    for key in keys.iter_rows():
        cells = [Cell(category_label(d, v)) for d, v in zip(spec.rows, key, strict=True)]
        for cat, m in columns:
            record = lookup[(*key, cat) if cat is not None else key]
            value = record[m.name]
            fmt = record.get(format_column(m.name)) or m.format  # a row's own format, if any
            cells.append(Cell(value, fmt, record[marker_column(m.name)]))  # type: ignore[arg-type]
        rows.append(cells)
    for extra in table.summary_rows:  # shown to people after the figures; not in the tidy CSV
        cells = [Cell(str(extra[d])) for d in spec.rows]
        for _, m in columns:
            fmt = extra.get(format_column(m.name)) or m.format
            cells.append(Cell(extra.get(m.name), fmt, extra.get(marker_column(m.name))))
        rows.append(cells)
    return Grid(headers, rows, len(spec.rows))


def tidy(publication: Publication, table: StatTable) -> pl.DataFrame:
    """The machine-readable long form: dimensions, measure, value, marker; one row per figure
    (or the table's own machine-readable form, where it has one: the revisions table)."""
    if table.tidy is not None:
        return table.tidy
    spec = table.spec
    frames = []
    for m in spec.measures:
        frames.append(
            table.data.select(
                *[
                    pl.col(d).replace_strict(
                        {v: category_label(d, v) for v in table.categories[d]},
                        return_dtype=pl.String,
                    )
                    for d in spec.dims
                ],
                pl.lit(m.name).alias("measure"),
                _as_text(pl.col(m.name), m.format).alias("value"),
                pl.col(marker_column(m.name)).alias("marker"),
            )
        )
    return pl.concat(frames)


def _as_text(value: pl.Expr, fmt: Format) -> pl.Expr:
    """Numbers written plainly for machines: whole numbers without ".0", others to 1 decimal."""
    if fmt in ("integer", "currency", "currency_thousand"):
        return value.round(0).cast(pl.Int64).cast(pl.String)
    return value.round(1).cast(pl.String)
