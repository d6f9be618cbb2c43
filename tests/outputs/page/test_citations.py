"""main-points.json: which figures the commentary's main points cite, recorded by the page
stage for ``statgen diff``."""

from __future__ import annotations

import json

import polars as pl

from statgen.outputs.page import citations
from statgen.periods import Quarter
from statgen.pipeline import BuildResult


def _cell(folder, table: str, **where: str) -> float:  # type: ignore[no-untyped-def]
    frame = pl.read_csv(folder / "csv" / f"{table}.csv", infer_schema=False)
    for column, value in where.items():
        frame = frame.filter(pl.col(column) == value)
    assert frame.height == 1, where
    return float(frame["value"][0])


def test_the_main_points_and_the_figures_they_cite_are_recorded(em_release: BuildResult) -> None:
    record = json.loads((em_release.folder / citations.FILE).read_text(encoding="utf-8"))
    points = record["main_points"]
    # The commentary's main points block has four bullets, each citing its figures in order.
    assert len(points) == 4
    assert [len(p["figures"]) for p in points] == [3, 1, 3, 2]
    period = em_release.period
    assert isinstance(period, Quarter)
    year_earlier = period.shift(-4)
    folder = em_release.folder
    people = _cell(folder, "people-by-order-type", quarter=period.label, order_type="Total")
    people_before = _cell(
        folder, "people-by-order-type", quarter=year_earlier.label, order_type="Total"
    )
    first = points[0]["figures"]
    assert first[0]["how"] == "value" and first[0]["value"] == people
    assert first[0]["sources"] == [
        {
            "table": "people-by-order-type",
            "measure": "people",
            "keys": {"quarter": period.code, "order_type": "Total"},
        }
    ]
    assert first[0]["text"] == f"{people:,.0f}"
    # "up/down N% from X a year earlier": the change, worked out from the two cells.
    assert first[1]["how"] == "abs change" and first[1]["format"] == "percent1"
    assert first[1]["text"] == f"{abs(100 * (people - people_before) / people_before):.1f}%"
    assert first[2]["value"] == people_before
    # The words of the point, as plain text, with the figures in them.
    assert points[0]["text"].startswith(f"{people:,.0f} people were subject to electronic")
    post = _cell(folder, "people-by-order-type", quarter=period.label, order_type="Post-release")
    assert points[1]["figures"][0]["how"] == "share"
    assert points[1]["figures"][0]["text"] == f"{100 * post / people:.1f}%"
    # Figures outside the main points (the sections below them) are not recorded.
    cited = {json.dumps(f["sources"], sort_keys=True) for p in points for f in p["figures"]}
    assert not any("people-by-device-type" in c for c in cited)


def test_the_section_is_the_main_points_block_or_heading() -> None:
    text = (
        "Intro 1.\n\n## Main points {#main-points}\n\n::: {.statgen-main-points}\n- **A** one\n"
        "- B two\n:::\n\nAfter 3.\n"
    )
    assert citations._section(text) == "- **A** one\n- B two\n"
    heading_only = "## Main points {#main-points}\n\n- A\n\n### Sub\n\n- B\n\n## Next\n\n- C\n"
    assert citations._section(heading_only) == "\n- A\n\n### Sub\n\n- B\n\n"
    assert citations._section("## Other\n\n- A\n") == ""
