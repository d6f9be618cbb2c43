"""The criminal courts release end to end, from a small sample extract, with real Pandoc."""

# ruff: noqa: E501

from __future__ import annotations

import csv
import html
import re

import pytest
from conftest import small_build

from statgen.pipeline import BuildResult


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return small_build(tmp_path_factory.mktemp("cc"), "criminal-courts", 0.01)


def csv_value(release: BuildResult, table: str, measure: str, **keys: str) -> str:
    """A figure from a published CSV (the tidy long form), as written there."""
    with (release.folder / "csv" / f"{table}.csv").open(encoding="utf-8") as fh:
        rows = [
            r for r in csv.DictReader(fh)
            if r["measure"] == measure and all(r[k] == v for k, v in keys.items())
        ]  # fmt: skip
    assert len(rows) == 1, (table, measure, keys)
    return rows[0]["value"]


def test_page_quotes_the_tables(release: BuildResult) -> None:
    page = html.unescape(release.page.read_text(encoding="utf-8"))
    text = re.sub(r"<[^>]+>", "", page)
    end = release.period.end_label
    open_cc = int(
        csv_value(
            release,
            "caseload",
            "open_cases",
            quarter=release.period.label,
            court_type="Crown Court",
        )
    )
    assert f"{open_cc:,} cases were open in the Crown Court on {end}" in text
    median = float(
        csv_value(
            release,
            "timeliness",
            "median_days",
            quarter=release.period.label,
            court_type="Crown Court",
        )
    )
    assert f"took {median:.1f} days or more" in text


def test_outputs(release: BuildResult) -> None:
    names = sorted(p.name for p in release.downloads)
    assert names == sorted(
        [f"criminal-courts-{release.period.year}-q{release.period.q}.{ext}" for ext in ("ods", "xlsx")]
        + [f"{t}.csv" for t in ["caseload", "receipts-by-offence", "crown-open-by-age", "timeliness",
                               "trial-effectiveness", "open-by-region", "crown-receipts-by-remand"]]
    )  # fmt: skip
    page = release.page.read_text(encoding="utf-8")
    for n in (1, 2, 3):
        assert f'id="figure-{n}"' in page
    assert page.count("<table") >= 7 + 3  # seven data tables and each figure's data
