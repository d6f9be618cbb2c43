"""Keys of several columns and references between extracts, on CSV files."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import TODAY

from statgen import extracts
from statgen.config import Column, Extract, Reference
from statgen.errors import ExtractError

POPULATION = Extract(
    description="Prisoners by prison and month.",
    columns={"prison": Column(type="string"), "month": Column(type="string"),
             "prisoners": Column(type="integer")},
    unique=["prison", "month"],
)  # fmt: skip
INCIDENTS = Extract(
    description="One row per incident.",
    columns={"incident_id": Column(type="string", unique=True), "prison": Column(type="string"),
             "month": Column(type="string")},
    references=[Reference(columns=["prison"], extract="population"),
                Reference(columns=["prison", "month"], extract="population")],
)  # fmt: skip
SPECS = {"population": POPULATION, "incidents": INCIDENTS}


def write(folder: Path, population: str, incidents: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "population.csv").write_text(population)
    (folder / "incidents.csv").write_text(incidents)
    return folder


GOOD_POPULATION = "prison,month,prisoners\nA,2026-01,510\nA,2026-02,520\nB,2026-01,640\n"


def test_clean_extracts_pass(tmp_path: Path) -> None:
    folder = write(
        tmp_path, GOOD_POPULATION, "incident_id,prison,month\n1,A,2026-01\n2,B,2026-01\n"
    )
    frames = extracts.load(folder, SPECS, TODAY)
    assert frames["population"]["prisoners"].sum() == 1670


def test_a_repeated_prison_and_month_is_named_with_its_lines(tmp_path: Path) -> None:
    # Issue 15: a duplicated row raised a denominator silently (7,227 to 7,436).
    population = GOOD_POPULATION + "A,2026-01,209\n"
    folder = write(tmp_path, population, "incident_id,prison,month\n1,A,2026-01\n")
    with pytest.raises(ExtractError) as err:
        extracts.load(folder, SPECS, TODAY)
    (problem,) = err.value.problems
    assert problem.column == "prison, month"
    assert problem.rows == (2, 5)  # CSV lines 2 and 5 (the header is line 1)
    assert problem.values == ("A, 2026-01",)
    # Single columns may repeat: only the pair is a key.
    assert "rows repeat the same prison and month" in problem.describe()


def test_every_prison_in_incidents_exists_in_population(tmp_path: Path) -> None:
    incidents = "incident_id,prison,month\n1,A,2026-01\n2,C,2026-01\n3,C,2026-02\n4,B,2026-02\n"
    folder = write(tmp_path, GOOD_POPULATION, incidents)
    with pytest.raises(ExtractError) as err:
        extracts.load(folder, SPECS, TODAY)
    text = [p.describe() for p in err.value.problems]
    assert text == [
        f"{folder / 'incidents.csv'}: column 'prison': values not found in population (prison) "
        "(2 lines: 3, 4); values: 'C'",
        # B exists, but not for February: the pair is checked as a pair.
        f"{folder / 'incidents.csv'}: column 'prison, month': values not found in population "
        "(prison, month) (3 lines: 3, 4, 5); values: 'C, 2026-01', 'C, 2026-02', 'B, 2026-02'",
    ]


def test_keys_and_references_name_real_columns() -> None:
    with pytest.raises(ValueError, match=r"unique: \['year'\] are not columns"):
        Extract(description="x", columns={"a": Column(type="string")}, unique=["a", "year"])


def test_key_and_reference_problems_name_physical_lines_after_blank_lines(tmp_path: Path) -> None:
    # The typed frame had lost the CSV's line numbers: rows were counted from line 2, so a
    # blank line (or a line break inside a quoted value) before the problem named the wrong
    # lines: the repeated B, 2026-01 on lines 6 and 8 was reported on lines 4 and 5.
    population = 'prison,month,prisoners\n"A\nX",2026-01,510\n\nA,2026-02,520\nB,2026-01,640\n,,\nB,2026-01,650\n'  # fmt: skip
    incidents = "incident_id,prison,month\n\n\n1,A,2026-02\n2,C,2026-01\n"
    folder = write(tmp_path, population, incidents)
    with pytest.raises(ExtractError) as err:
        extracts.load(folder, SPECS, TODAY)
    found = {(p.file, p.column): p.rows for p in err.value.problems}
    assert found == {
        (str(folder / "population.csv"), "prison, month"): (6, 8),
        (str(folder / "incidents.csv"), "prison"): (5,),
        (str(folder / "incidents.csv"), "prison, month"): (5,),
    }
