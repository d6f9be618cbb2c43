"""CSV on the Web metadata: every tidy CSV is described, and validates with the `csvw` library."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from csvw import CSVW

from statgen.outputs.csvw import OGL


def _valid(csv_path: Path) -> bool:
    meta = csv_path.with_name(f"{csv_path.name}-metadata.json")
    return CSVW(str(csv_path), md_url=str(meta), validate=True).is_valid


def test_every_csv_has_metadata_that_validates(em_release) -> None:
    csvs = sorted((em_release.folder / "csv").glob("*.csv"))
    assert [p.stem for p in csvs] == sorted(t.id for t in em_release.publication.tables)
    for path in csvs:
        assert _valid(path), path.name


def test_metadata_describes_columns_units_notes_and_licence(em_release) -> None:
    folder = em_release.folder / "csv"
    meta = json.loads((folder / "days-to-start.csv-metadata.json").read_text())
    with (folder / "days-to-start.csv").open(encoding="utf-8") as f:
        header = next(csv.reader(f))
    columns = meta["tableSchema"]["columns"]
    assert [c["name"] for c in columns] == header == [
        "quarter", "device_type", "measure", "value", "marker",
    ]  # fmt: skip
    assert [c["dc:title"] for c in columns] == [
        "Quarter", "Device type", "Measure", "Value", "Shorthand marker",
    ]  # fmt: skip
    assert [c["datatype"] if isinstance(c["datatype"], str) else c["datatype"]["base"]
            for c in columns] == ["string", "string", "string", "decimal", "string"]  # fmt: skip
    assert columns[2]["dc:description"] == (
        "What the value counts, and its unit. median_days: Median days to start (days); "
        "orders: Orders started (number of orders)"
    )
    assert meta["dc:license"] == {"@id": OGL}
    assert meta["url"] == "days-to-start.csv"
    assert meta["tableSchema"]["primaryKey"] == ["quarter", "device_type", "measure"]
    assert [c[:8] for c in meta["rdfs:comment"]] == ["[note 2]", "[note 5]"]
    single = json.loads((folder / "notifications.csv-metadata.json").read_text())
    value = single["tableSchema"]["columns"][-2]
    assert (value["datatype"], value["schema:unitText"]) == ("integer", "number of orders")


@pytest.mark.parametrize(
    ("column", "bad"),
    [("value", "twelve"), ("marker", "q"), ("device_type", "Jetpack")],
)
def test_validation_catches_a_bad_value(em_release, tmp_path: Path, column: str, bad: str) -> None:
    source = em_release.folder / "csv"
    shutil.copy(source / "days-to-start.csv-metadata.json", tmp_path)
    rows = list(csv.reader((source / "days-to-start.csv").open(encoding="utf-8")))
    rows[3][rows[0].index(column)] = bad
    with (tmp_path / "days-to-start.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    assert not _valid(tmp_path / "days-to-start.csv")
