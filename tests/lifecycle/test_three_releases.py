"""Three monthly releases of a new team's publication: a figure published two releases ago,
revised in the last one and now back at its first value is public, so disclosure control must
not rely on it to hide a small count."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from statgen.config import load_publication
from statgen.lifecycle.publish import publish
from statgen.periods import Month
from statgen.pipeline import BuildResult, build
from statgen.scaffold import new_publication

SLUG = "fines"
REGIONS = ["North", "Midlands", "South", "Wales"]
OCTOBER = Month(2026, 10)
TODAY = dt.date(2026, 11, 25)
EVERY_MONTH = {"North": 50, "Midlands": 40, "South": 30, "Wales": 20}
# October 2026 as each extract records it: South revised 30 -> 31 in November's extract,
# then back to 30 in December's, when Wales is also revised down to 3 (a small count).
OCTOBER_AS = [
    EVERY_MONTH,
    {**EVERY_MONTH, "South": 31},
    {**EVERY_MONTH, "Wales": 3},
]


def extract(last: Month, october: dict[str, int]) -> pl.DataFrame:
    """Events in every month from September 2024 to ``last``: the counts of ``EVERY_MONTH``,
    October 2026's from ``october``; one event of each region on each month's last day."""
    rows = []
    month = Month(2024, 9)
    while month <= last:
        counts = october if month == OCTOBER else EVERY_MONTH
        for region, n in counts.items():
            for k in range(n):
                day = month.end if k == 0 else month.start + dt.timedelta(days=k % 28)
                rows.append((f"{month.code}-{region}-{k}", region, day))
        month = month.shift(1)
    return pl.DataFrame(rows, schema=["event_id", "region", "event_date"], orient="row")


def _sign(root: Path, drafts: list[BuildResult]) -> None:
    lines = ["approvals:"]
    for d in drafts:
        lines.append(
            f'  - {{period: "{d.period.code}", draft: {d.draft}, outputs: {d.outputs_short}, '
            "approved_by: A. Reviewer, approved_on: 2026-11-25}"
        )
    (root / "publications" / SLUG / "signoff.yaml").write_text("\n".join(lines) + "\n")


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("three")
    new_publication(root, SLUG, "monthly", today=TODAY)
    source = load_publication(root / "publications" / SLUG).extracts_path(root)
    source.mkdir(parents=True)
    drafts: list[BuildResult] = []
    folders = []
    for i, october in enumerate(OCTOBER_AS):
        period = OCTOBER.shift(i)
        extract(period, october).write_parquet(source / "events.parquet")
        today = period.end + dt.timedelta(days=25)
        drafts.append(build(root, SLUG, period=period, today=today))
        _sign(root, drafts)
        folders.append(publish(root, SLUG, period, override_embargo=True).folder)
    return folders


def _october(folder: Path) -> dict[str, int | None]:
    csv = pl.read_csv(folder / "csv" / "events-by-region.csv", infer_schema=False)
    rows = csv.filter(pl.col("month") == OCTOBER.label).rows(named=True)
    return {r["region"]: None if r["value"] is None else int(r["value"]) for r in rows}


def test_a_count_published_two_releases_ago_cannot_be_the_secondary(
    releases: list[Path],
) -> None:
    true = OCTOBER_AS[-1]
    shown = [_october(folder) for folder in releases]
    assert shown[0] == {**EVERY_MONTH, "Total": 140}
    assert shown[1] == {**EVERY_MONTH, "South": 31, "Total": 141}
    latest = shown[-1]
    assert latest["Wales"] is None  # 3: primary
    # What anyone knows of October now: each region's count that a release shows with the value
    # it has now, and the total as now published.
    known = {r for r in REGIONS if any(s[r] == true[r] for s in shown)}
    if latest["Total"] is not None:
        assert latest["Total"] == sum(true.values())  # 123
        assert len(set(REGIONS) - known) >= 2, (known, shown)  # Wales is not Total - the rest
