"""YAML surprises get a hint that says what happened, not "unknown key"."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT

from statgen.config import load_publication
from statgen.errors import ConfigError


def edited(tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "electronic-monitoring"
    shutil.copytree(ROOT / "publications" / "electronic-monitoring", folder)
    path = folder / "publication.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return folder


def test_a_comma_in_an_unquoted_title_is_explained(tmp_path: Path) -> None:
    # In {...}, "title: People per 1,000 residents" is read as title "People per 1" and a key
    # "000 residents".
    folder = edited(
        tmp_path,
        "{name: people, title: People, unit: number of people}",
        "{name: people, title: People per 1,000 residents, unit: number of people}",
    )
    with pytest.raises(ConfigError) as err:
        load_publication(folder)
    message = str(err.value)
    assert "unknown key" not in message
    assert "tables[0].measures[0].000 residents: '000 residents' is not a key" in message
    assert 'Put the value in quotes, e.g. title: "Incidents per 1,000 prisoners"' in message
    # Quoted, it loads.
    fixed = edited(
        tmp_path / "b",
        "{name: people, title: People, unit: number of people}",
        '{name: people, title: "People per 1,000 residents", unit: number of people}',
    )
    assert load_publication(fixed).tables[0].measures[0].title == "People per 1,000 residents"


def test_yes_and_numbers_read_as_text_are_explained(tmp_path: Path) -> None:
    folder = edited(tmp_path, "values: [Court bail,", "values: [Yes, 2024, Court bail,")
    with pytest.raises(ConfigError) as err:
        load_publication(folder)
    message = str(err.value)
    assert "values[0]: YAML read this as true/false (True), not text; put it in quotes" in message
    assert "values[1]: YAML read this as a number (2024), not text" in message


def test_a_real_unknown_key_keeps_its_hint(tmp_path: Path) -> None:
    folder = edited(tmp_path, "title: People, unit:", "titel: People, unit:")
    with pytest.raises(ConfigError, match=r"titel: unknown key \(check its spelling"):
        load_publication(folder)


def test_a_key_written_twice_is_refused_naming_both_lines(tmp_path: Path) -> None:
    # Plain YAML keeps the last of two equal keys silently: a second date for a quarter in the
    # calendar, or a column declared twice, would change the release without a word.
    folder = edited(
        tmp_path, "  2024Q2: 2024-09-26\n", "  2024Q2: 2024-09-26\n  2024Q2: 2024-10-03\n"
    )
    with pytest.raises(ConfigError) as err:
        load_publication(folder)
    message = str(err.value)
    assert "publication.yaml: line 21: the key '2024Q2' is written twice" in message
    assert "(first on line 20)" in message
    column = edited(
        tmp_path / "b", "      end_reason:", "      region: {type: string}\n      end_reason:"
    )
    with pytest.raises(ConfigError, match="the key 'region' is written twice"):
        load_publication(column)


@pytest.mark.parametrize("raw", [b"\xff\xfet\x00i\x00", "title: Caf\xe9\n".encode("latin-1")])
def test_a_config_that_is_not_utf8_is_named_not_a_traceback(tmp_path: Path, raw: bytes) -> None:
    folder = edited(tmp_path, "slug:", "slug:")
    (folder / "publication.yaml").write_bytes(raw)
    with pytest.raises(ConfigError, match=r"publication.yaml: not UTF-8 text \(byte \d+"):
        load_publication(folder)
