"""Tests for the electronic monitoring sample extract generator."""

from __future__ import annotations

import datetime
import importlib.util
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

import numpy as np
import polars as pl
import pytest

from statgen.config import load_publication

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE_PATH = REPO_ROOT / "publications" / "electronic-monitoring" / "sample.py"

# The allowed values come from the publication's schema: the sample must pass statgen's checks.
COLUMNS = (
    load_publication(REPO_ROOT / "publications" / "electronic-monitoring")
    .extracts["orders"]
    .columns
)
ORDER_TYPES = set(COLUMNS["order_type"].values or [])
DEVICE_TYPES = set(COLUMNS["device_type"].values or [])
REGIONS = set(COLUMNS["region"].values or [])
SEXES = set(COLUMNS["sex"].values or [])
END_REASONS = set(COLUMNS["end_reason"].values or [])
EXPECTED_SCHEMA = {
    "order_id": pl.String,
    "person_id": pl.String,
    "order_type": pl.String,
    "device_type": pl.String,
    "region": pl.String,
    "sex": pl.String,
    "age_at_start": pl.Int64,
    "notification_date": pl.Date,
    "start_date": pl.Date,
    "end_date": pl.Date,
    "end_reason": pl.String,
}
REFERENCE_DATE = datetime.date(2025, 12, 31)


def _load() -> ModuleType:
    """Import the generator by file path (the folder name is not a valid package name)."""
    spec = importlib.util.spec_from_file_location("em_sample", SAMPLE_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("em_sample", module)
    spec.loader.exec_module(module)
    return module


em = _load()


@cache
def _orders(scale: float, seed: int = 20261031) -> pl.DataFrame:
    """Cached extract so several tests share one generation."""
    return em.generate(scale=scale, seed=seed)["orders"]


def _subject_to_monitoring(orders: pl.DataFrame, d: datetime.date) -> pl.DataFrame:
    """One row per person with an order active at ``d``, keeping their primary order."""
    active = orders.filter(
        (pl.col("start_date") <= d) & (pl.col("end_date").is_null() | (pl.col("end_date") > d))
    )
    return active.sort("person_id", "start_date", "order_id").group_by("person_id").last()


@pytest.fixture(scope="module")
def small() -> pl.DataFrame:
    """A tiny extract for structural checks."""
    return _orders(0.01)


def test_returns_orders_only() -> None:
    result = em.generate(scale=0.002)
    assert list(result) == ["orders"]
    assert isinstance(result["orders"], pl.DataFrame)


def test_extract_date_constant() -> None:
    assert datetime.date(2026, 10, 31) == em.EXTRACT_DATE


def test_deterministic_for_same_scale_and_seed() -> None:
    first = em.generate(scale=0.01, seed=7)["orders"]
    second = em.generate(scale=0.01, seed=7)["orders"]
    assert first.equals(second)


def test_seed_changes_output() -> None:
    assert not em.generate(scale=0.01, seed=1)["orders"].equals(
        em.generate(scale=0.01, seed=2)["orders"]
    )


def test_small_scale_is_small(small: pl.DataFrame) -> None:
    assert 1_000 <= small.height <= 10_000


def test_scale_is_roughly_linear() -> None:
    ratio = _orders(0.02).height / _orders(0.01).height
    assert 1.8 < ratio < 2.2


def test_rejects_non_positive_scale() -> None:
    with pytest.raises(ValueError):
        em.generate(scale=0)


def test_schema(small: pl.DataFrame) -> None:
    assert dict(small.schema) == EXPECTED_SCHEMA
    assert list(small.columns) == list(EXPECTED_SCHEMA)


def test_no_unexpected_nulls(small: pl.DataFrame) -> None:
    always_present = [
        "order_id",
        "person_id",
        "order_type",
        "device_type",
        "region",
        "sex",
        "notification_date",
    ]
    assert small.select(pl.col(always_present).null_count()).row(0) == (0,) * len(always_present)


@pytest.mark.parametrize(
    ("column", "allowed"),
    [
        ("order_type", ORDER_TYPES),
        ("device_type", DEVICE_TYPES),
        ("region", REGIONS),
        ("sex", SEXES),
        ("end_reason", END_REASONS),
    ],
)
def test_categories_from_lists(small: pl.DataFrame, column: str, allowed: set[str]) -> None:
    assert set(small[column].drop_nulls().unique()) <= allowed


def test_all_regions_and_order_types_present() -> None:
    orders = _orders(0.05)
    assert set(orders["region"].unique()) == REGIONS
    assert set(orders["order_type"].unique()) == ORDER_TYPES
    assert set(orders["device_type"].unique()) == DEVICE_TYPES
    assert set(orders["end_reason"].drop_nulls().unique()) == END_REASONS


def test_unique_sorted_order_ids(small: pl.DataFrame) -> None:
    assert small["order_id"].is_unique().all()
    assert small["order_id"].is_sorted()
    assert small["order_id"].str.contains(r"^EM\d{7,}$").all()
    assert small["person_id"].str.contains(r"^P\d{6,}$").all()


def test_end_not_before_start(small: pl.DataFrame) -> None:
    both = small.filter(pl.col("end_date").is_not_null())
    assert (both["end_date"] >= both["start_date"]).all()
    assert (
        small["start_date"].drop_nulls() >= small.drop_nulls("start_date")["notification_date"]
    ).all()


def test_null_patterns(small: pl.DataFrame) -> None:
    assert (small["end_reason"].is_null() == small["end_date"].is_null()).all()
    not_started = small.filter(pl.col("start_date").is_null())
    assert not_started["end_date"].null_count() == not_started.height
    assert not_started["end_reason"].null_count() == not_started.height
    # Real extracts contain these gaps, so the sample should too.
    assert small["start_date"].null_count() > 0
    assert small["end_date"].null_count() > 0
    assert small["age_at_start"].null_count() > 0
    assert (small["sex"] == "Unknown").any()


def test_no_date_after_extract_date(small: pl.DataFrame) -> None:
    for column in ("notification_date", "start_date", "end_date"):
        latest = small[column].max()
        assert latest is None or latest <= em.EXTRACT_DATE, column
    assert small["notification_date"].min() >= datetime.date(2016, 11, 1)


def test_ages_plausible(small: pl.DataFrame) -> None:
    ages = small["age_at_start"].drop_nulls()
    assert ages.min() >= 18
    assert ages.max() <= 100
    assert 25 <= ages.median() <= 40


def test_some_people_have_several_orders() -> None:
    per_person = _orders(0.05).group_by("person_id").len()
    share = (per_person["len"] >= 2).mean()
    assert 0.15 <= share <= 0.35


def test_type_mix_constants_sum_to_one() -> None:
    # The last category takes whatever the others leave, so each mix must sum to 1.
    assert np.isclose(em._TYPE_MIX_START.sum(), 1.0)
    assert np.isclose(em._TYPE_MIX_END.sum(), 1.0)
    assert np.allclose(em._END_REASON_P.sum(axis=1), 1.0)
    assert np.allclose(em._DEVICE_P.sum(axis=1), 1.0)


def test_caseload_at_reference_date_full_scale() -> None:
    """At scale 1 the people subject to monitoring and the post-release share are realistic."""
    primary = _subject_to_monitoring(_orders(1.0), REFERENCE_DATE)
    assert 26_000 <= primary.height <= 30_000
    post_release_share = (primary["order_type"] == "Post-release").mean()
    assert 0.33 <= post_release_share <= 0.41
