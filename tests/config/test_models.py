"""The publication config is strict: unknown keys and broken references are errors naming the
file and the key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from statgen.config import load_publication
from statgen.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]


def copy_with(tmp_path: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    folder = tmp_path / "electronic-monitoring"
    shutil.copytree(ROOT / "publications" / "electronic-monitoring", folder)
    path = folder / "publication.yaml"
    data = yaml.safe_load(path.read_text())
    edit(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return folder


def test_real_publications_load() -> None:
    for slug in ("electronic-monitoring",):
        publication = load_publication(ROOT / "publications" / slug)
        assert publication.slug == slug
        assert publication.tables


def test_unknown_key_is_refused_with_file_and_key(tmp_path: Path) -> None:
    folder = copy_with(tmp_path, lambda d: d["tables"][2].update(colour="red"))
    with pytest.raises(ConfigError) as info:
        load_publication(folder)
    assert str(info.value) == (
        f"{folder / 'publication.yaml'}: tables[2].colour: unknown key (check its spelling against docs/config.md)"
    )


def test_chart_naming_a_missing_table(tmp_path: Path) -> None:
    folder = copy_with(tmp_path, lambda d: d["charts"][0].update(table="orderz"))
    with pytest.raises(
        ConfigError, match=r"charts\[0\]\.table: no table called 'orderz' \(known: "
    ):
        load_publication(folder)


def test_note_reference_must_exist(tmp_path: Path) -> None:
    folder = copy_with(tmp_path, lambda d: d["tables"][0].update(notes=[1, 9]))
    with pytest.raises(ConfigError, match=r"tables\[0\]\.notes: no note numbered \[9\]"):
        load_publication(folder)


def test_commentary_outside_the_folder_is_refused(tmp_path: Path) -> None:
    folder = copy_with(tmp_path, lambda d: d.update(commentary="../../etc/passwd"))
    with pytest.raises(ConfigError, match="must be a file inside the publication folder"):
        load_publication(folder)


def test_release_date_missing_says_what_to_add() -> None:
    from statgen.periods import Quarter

    publication = load_publication(ROOT / "publications" / "electronic-monitoring")
    with pytest.raises(ConfigError, match="add a line '2019Q1: YYYY-MM-DD'"):
        publication.release_date(Quarter(2019, 1))


def test_a_category_value_listed_twice_is_refused(tmp_path: Path) -> None:
    def twice(d: dict) -> None:  # type: ignore[type-arg]
        column = d["extracts"]["orders"]["columns"]["region"]
        column["values"] = [*column["values"], column["values"][0]]

    folder = copy_with(tmp_path, twice)
    with pytest.raises(ConfigError) as info:
        load_publication(folder)
    message = str(info.value)
    assert str(folder / "publication.yaml") in message
    assert "extracts.orders.columns.region" in message and "listed twice" in message


def test_an_impossible_date_names_the_file_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "electronic-monitoring"
    shutil.copytree(ROOT / "publications" / "electronic-monitoring", folder)
    path = folder / "publication.yaml"
    lines = path.read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("release_calendar:")) + 1
    code = lines[at].split(":")[0]
    lines[at] = f"{code}: 2026-13-01"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ConfigError) as info:
        load_publication(folder)
    assert str(info.value).startswith(f"{path}: line {at + 1}: ")
    assert "'2026-13-01' is not a date" in str(info.value)
