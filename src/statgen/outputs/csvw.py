"""CSV on the Web (CSVW) metadata for each tidy CSV: ``csv/<table>.csv-metadata.json``.

The metadata tells machines what each column is (name, title, datatype, unit, the categories
and shorthand codes it may hold), which notes apply, who published it and under what licence, so
the CSV can be validated and loaded without reading the page. See https://www.w3.org/TR/tabular-metadata/.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import polars as pl

from statgen.config import Publication
from statgen.outputs.grid import SHORTHAND
from statgen.tables import StatTable, category_label

OGL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
"""The Open Government Licence v3.0."""


def _enum(values: list[str]) -> dict[str, Any]:
    """A string datatype restricted to these values (CSVW formats strings by regular expression)."""
    escaped = "|".join(_regex_escape(v) for v in values)
    return {"base": "string", "format": f"^(?:{escaped})$"}


def _regex_escape(text: str) -> str:
    # XML Schema / ECMAScript-safe escaping of the few metacharacters category labels can hold.
    return "".join(f"\\{ch}" if ch in r".^$*+?()[]{}|\/" else ch for ch in text)


def metadata(publication: Publication, table: StatTable, release_date: dt.date) -> dict[str, Any]:
    """The CSVW metadata for one table's tidy CSV (as written by ``presentation.tidy``)."""
    if table.tidy is not None:
        return revisions_metadata(publication, table, release_date)
    spec = table.spec
    columns: list[dict[str, Any]] = []
    for dim in spec.dims:
        labels = [category_label(dim, v) for v in table.categories[dim]]
        columns.append(
            {
                "name": dim,
                "titles": dim,
                "dc:title": publication.dimension_title(dim),
                "dc:description": f"{publication.dimension_title(dim)} (a breakdown of the table)",
                "datatype": _enum(labels),
                "required": True,
            }
        )
    measures = {m.name: m for m in spec.measures}
    units = "; ".join(f"{m.name}: {m.title} ({m.unit}{_money(m.format)})" for m in spec.measures)
    columns.append(
        {
            "name": "measure",
            "titles": "measure",
            "dc:title": "Measure",
            "dc:description": f"What the value counts, and its unit. {units}",
            "datatype": _enum(list(measures)),
            "required": True,
        }
    )
    whole = ("integer", "currency", "currency_thousand")
    numeric = "integer" if all(m.format in whole for m in spec.measures) else "decimal"
    value: dict[str, Any] = {
        "name": "value",
        "titles": "value",
        "dc:title": "Value",
        "dc:description": (
            "The figure, in the unit of its measure; empty when it is withheld or not available "
            "(the marker column says why)."
        ),
        "datatype": numeric,
        "null": "",
    }
    if len(spec.measures) == 1:
        value["schema:unitText"] = spec.measures[0].unit
    if all(m.format in MONEY for m in spec.measures):
        value["schema:unitCode"] = "GBP"
    columns.append(value)
    columns.append(
        {
            "name": "marker",
            "titles": "marker",
            "dc:title": "Shorthand marker",
            "dc:description": "Shorthand about the value: "
            + "; ".join(f"{code}: {meaning}" for code, meaning in SHORTHAND.items())
            + ". Empty when there is none.",
            "datatype": _enum(list(SHORTHAND)),
            "null": "",
        }
    )
    notes = [n for n in publication.notes if n.number in spec.notes]
    return _described(
        publication, table, release_date, [f"[note {n.number}] {n.text}" for n in notes]
    ) | {
        "tableSchema": {"columns": columns, "primaryKey": [*spec.dims, "measure"]},
    }


def _described(
    publication: Publication, table: StatTable, release_date: dt.date, comments: list[str]
) -> dict[str, Any]:
    """What every table's metadata says about it: title, publisher, date, licence, notes."""
    return {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "en"}],
        "url": f"{table.id}.csv",
        "dc:title": table.caption,
        "dc:description": table.spec.summary or table.spec.title,
        "dc:publisher": publication.organisation,
        "dc:source": publication.source,
        "dc:issued": {"@value": release_date.isoformat(), "@type": "xsd:date"},
        "dc:license": {"@id": OGL},
        "dcat:keyword": publication.keywords,
        "rdfs:comment": comments,
        "dialect": {"encoding": "utf-8", "header": True, "delimiter": ","},
    }


def revisions_metadata(
    publication: Publication, table: StatTable, release_date: dt.date
) -> dict[str, Any]:
    """The metadata of the revisions table's CSV: a row per revised figure, a column per
    dimension of the tables listed (empty where a figure's table has no such dimension)."""
    frame = table.tidy
    assert frame is not None, "the revisions table has its own tidy form"
    listed = list(dict.fromkeys(frame["table"].to_list()))
    dims = [c for c in frame.columns if c not in ("table", *REVISION_VALUES, "measure", "marker")]
    measures = {t: {m.name: m for m in publication.table(t).measures} for t in listed}
    columns: list[dict[str, Any]] = [
        {
            "name": "table",
            "titles": "table",
            "dc:title": "Table",
            "dc:description": "The table the figure is in: its id, which names its own CSV "
            "(<id>.csv) where the figure is published now.",
            "datatype": _enum(listed),
            "required": True,
        }
    ]
    for dim in dims:
        labels = [v for v in dict.fromkeys(frame[dim].to_list()) if v is not None]
        title = publication.dimension_title(dim)
        columns.append(
            {
                "name": dim,
                "titles": dim,
                "dc:title": title,
                "dc:description": f"{title} of the figure, as in its table's CSV; empty when "
                "its table has no such breakdown.",
                "datatype": _enum(labels),
                "null": "",
            }
        )
    names = sorted({m for t in listed for m in measures[t]})
    units = "; ".join(
        f"{t} {m.name}: {m.title} ({m.unit}{_money(m.format)})"
        for t in listed
        for m in measures[t].values()
        if m.name in frame.filter(pl.col("table") == t)["measure"].to_list()
    )
    columns.append(
        {
            "name": "measure",
            "titles": "measure",
            "dc:title": "Measure",
            "dc:description": f"Which measure of its table the figure is, and its unit. {units}",
            "datatype": _enum(names),
            "required": True,
        }
    )
    whole = all(
        measures[t][m].format in ("integer", "currency", "currency_thousand")
        for t, m in frame.select("table", "measure").rows()
    )
    for name, title, what in REVISION_COLUMNS:
        columns.append(
            {
                "name": name,
                "titles": name,
                "dc:title": title,
                "dc:description": what,
                "datatype": "integer" if whole else "decimal",
                **({"required": True} if name == "previously_published" else {"null": ""}),
            }
        )
    columns.append(
        {
            "name": "marker",
            "titles": "marker",
            "dc:title": "Shorthand marker",
            "dc:description": f"c: {SHORTHAND['c']} (the figure published before is now "
            "withheld, so revised and difference are empty). Empty otherwise.",
            "datatype": _enum(["c"]),
            "null": "",
        }
    )
    described = _described(publication, table, release_date, [])
    described["dc:description"] = (
        f"{table.spec.title}. One row per published figure whose value changed; the figures of "
        "each row are in the unit of its measure."
    )
    return described | {"tableSchema": {"columns": columns}}


REVISION_COLUMNS = [
    (
        "previously_published",
        "Previously published",
        "The figure as the earlier release published it.",
    ),
    ("revised", "Revised", "The figure as this release publishes it; empty when now withheld."),
    (
        "difference",
        "Difference",
        "Revised minus previously published (negative when revised down); empty when the "
        "figure is now withheld.",
    ),
]
REVISION_VALUES = [name for name, _, _ in REVISION_COLUMNS]


def write_csvw(
    publication: Publication, table: StatTable, folder: Path, release_date: dt.date
) -> Path:
    """Write ``<folder>/<table>.csv-metadata.json`` beside the table's CSV."""
    path = folder / f"{table.id}.csv-metadata.json"
    text = json.dumps(metadata(publication, table, release_date), indent=2, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def add_correction(path: Path, notice: str, on: dt.date) -> None:
    """Record a correction notice in a published table's CSVW metadata, as plain text.

    ``schema:correction`` (schema.org: "a correction to a CreativeWork ... textually") is the
    term made for exactly this and its prefix is in the CSVW context; ``rdfs:comment`` already
    holds the table's notes, and DCAT's ``adms:versionNotes`` needs a prefix CSVW does not
    declare. ``dc:modified`` dates the corrected version.
    """
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta["schema:correction"] = notice
    meta["dc:modified"] = {"@value": on.isoformat(), "@type": "xsd:date"}
    text = json.dumps(meta, indent=2, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


MONEY = {"currency": "", "currency_thousand": "thousands", "currency_million": "millions"}


def _money(fmt: str) -> str:
    """For pound measures: ", pounds (GBP)" and the multiple the values are in."""
    if fmt not in MONEY:
        return ""
    return ", pounds (GBP)" + (f", in {MONEY[fmt]}" if MONEY[fmt] else "")
