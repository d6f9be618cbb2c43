"""Tests for the standalone criminal courts sample-extract generator."""

from __future__ import annotations

import datetime
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import polars as pl
import pytest

from statgen.config import load_publication

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE_PATH = REPO_ROOT / "publications" / "criminal-courts" / "sample.py"
SMALL = 0.002

# The allowed values come from the publication's schema: the sample must pass statgen's checks.
COLUMNS = load_publication(REPO_ROOT / "publications" / "criminal-courts").extracts["cases"].columns
COURT_CASE_TYPES = {
    court: set(types) for court, types in (COLUMNS["case_type"].within or {})["court_type"].items()
}
OFFENCE_GROUPS = set(COLUMNS["offence_group"].values or [])
REGIONS = set(COLUMNS["region"].values or [])
TRIAL_OUTCOMES = set(COLUMNS["trial_outcome"].values or [])
REMAND_STATUSES = set(COLUMNS["remand_status"].values or [])
SCHEMA = {
    "case_id": pl.String,
    "court_type": pl.String,
    "case_type": pl.String,
    "offence_group": pl.String,
    "region": pl.String,
    "offence_date": pl.Date,
    "charge_date": pl.Date,
    "receipt_date": pl.Date,
    "completion_date": pl.Date,
    "trial_outcome": pl.String,
    "remand_status": pl.String,
}
DATE_COLUMNS = ["offence_date", "charge_date", "receipt_date", "completion_date"]


@pytest.fixture(scope="module")
def sample() -> ModuleType:
    # The publications folder name has a hyphen, so import the file by path.
    spec = importlib.util.spec_from_file_location("criminal_courts_sample", SAMPLE_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def cases(sample: ModuleType) -> pl.DataFrame:
    return sample.generate(scale=SMALL)["cases"]


def test_returns_cases_only(sample: ModuleType) -> None:
    assert list(sample.generate(scale=SMALL)) == ["cases"]


def test_deterministic(sample: ModuleType, cases: pl.DataFrame) -> None:
    assert cases.equals(sample.generate(scale=SMALL)["cases"])
    assert not cases.equals(sample.generate(scale=SMALL, seed=1)["cases"])


def test_schema_and_column_order(cases: pl.DataFrame) -> None:
    assert cases.schema == pl.Schema(SCHEMA)


def test_row_count_scales(cases: pl.DataFrame) -> None:
    assert 2_700 <= cases.height <= 3_300


def test_case_ids_unique_and_sorted(cases: pl.DataFrame) -> None:
    ids = cases["case_id"]
    assert ids.null_count() == 0
    assert ids.n_unique() == cases.height
    assert ids.is_sorted()
    assert ids.str.contains(r"^C\d{8}$").all()


@pytest.mark.parametrize(
    ("column", "allowed", "nullable"),
    [
        ("court_type", set(COURT_CASE_TYPES), False),
        ("case_type", set().union(*COURT_CASE_TYPES.values()), False),
        ("offence_group", OFFENCE_GROUPS, False),
        ("region", REGIONS, False),
        ("trial_outcome", TRIAL_OUTCOMES, True),
        ("remand_status", REMAND_STATUSES, True),
    ],
)
def test_categories(cases: pl.DataFrame, column: str, allowed: set[str], nullable: bool) -> None:
    values = set(cases[column].drop_nulls().unique())
    assert values <= allowed
    if not nullable:
        assert cases[column].null_count() == 0


def test_case_type_matches_court_type(cases: pl.DataFrame) -> None:
    for court, case_types in COURT_CASE_TYPES.items():
        got = set(cases.filter(pl.col("court_type") == court)["case_type"].unique())
        assert got <= case_types


def test_non_nullable_dates(cases: pl.DataFrame) -> None:
    assert cases["receipt_date"].null_count() == 0


def test_date_ordering(cases: pl.DataFrame) -> None:
    bad = cases.filter(
        (pl.col("offence_date") >= pl.col("charge_date"))
        | (pl.col("charge_date") > pl.col("receipt_date"))
        | (pl.col("offence_date") > pl.col("receipt_date"))
        | (pl.col("completion_date") < pl.col("receipt_date"))
    )
    assert bad.height == 0


def test_no_date_after_extract(sample: ModuleType, cases: pl.DataFrame) -> None:
    for column in DATE_COLUMNS:
        latest = cases[column].max()
        assert latest is None or latest <= sample.EXTRACT_DATE
    assert cases["receipt_date"].min() >= datetime.date(2016, 11, 1)


def test_some_open_and_some_nulls(cases: pl.DataFrame) -> None:
    # Realistic extracts have open cases and missing values in the nullable columns.
    for column in ["offence_date", "charge_date", "completion_date", "trial_outcome"]:
        assert 0 < cases[column].null_count() < cases.height


def test_invalid_scale(sample: ModuleType) -> None:
    with pytest.raises(ValueError):
        sample.generate(scale=0)


def test_full_scale_volume_and_crown_backlog(sample: ModuleType) -> None:
    cases = sample.generate()["cases"]
    assert 1_300_000 <= cases.height <= 1_700_000
    d = datetime.date(2025, 12, 31)
    open_crown = cases.filter(
        (pl.col("court_type") == "Crown Court")
        & (pl.col("receipt_date") <= d)
        & (pl.col("completion_date").is_null() | (pl.col("completion_date") > d))
    ).height
    assert 65_000 <= open_crown <= 90_000
