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
    return {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "en"}],
        "url": f"{table.id}.csv",
        "dc:title": table.caption,
        "dc:description": spec.summary or spec.title,
        "dc:publisher": publication.organisation,
        "dc:source": publication.source,
        "dc:issued": {"@value": release_date.isoformat(), "@type": "xsd:date"},
        "dc:license": {"@id": OGL},
        "dcat:keyword": publication.keywords,
        "rdfs:comment": [f"[note {n.number}] {n.text}" for n in notes],
        "dialect": {"encoding": "utf-8", "header": True, "delimiter": ","},
        "tableSchema": {"columns": columns, "primaryKey": [*spec.dims, "measure"]},
    }


def write_csvw(
    publication: Publication, table: StatTable, folder: Path, release_date: dt.date
) -> Path:
    """Write ``<folder>/<table>.csv-metadata.json`` beside the table's CSV."""
    path = folder / f"{table.id}.csv-metadata.json"
    text = json.dumps(metadata(publication, table, release_date), indent=2, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")
    return path


MONEY = {"currency": "", "currency_thousand": "thousands", "currency_million": "millions"}


def _money(fmt: str) -> str:
    """For pound measures: ", pounds (GBP)" and the multiple the values are in."""
    if fmt not in MONEY:
        return ""
    return ", pounds (GBP)" + (f", in {MONEY[fmt]}" if MONEY[fmt] else "")
