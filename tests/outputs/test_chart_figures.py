"""Chart figures: excluded categories (drawn and described neither), wrapped titles and labels,
and charts the commentary must place, once each and in order."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import polars as pl
import pytest
from tablemaking import PUBLICATION

from statgen import tables
from statgen.config import Chart, Measure, Table
from statgen.errors import ChartPlacementError
from statgen.outputs import charts
from statgen.outputs.page.templating import check_placement


def incidents() -> tables.StatTable:
    # A computed "All incidents" category (the transform's own total) beside two kinds.
    spec = Table(
        id="incidents", title="Incidents", transform="t", rows=["prison"], columns="kind",
        measures=[Measure(name="n", title="Incidents per 1,000 prisoners", unit="rate")],
        sheet="I",
    )  # fmt: skip
    rows = [
        ("HMP Aylesbury and the Young Offender Institution", "Assault", 10),
        ("HMP Aylesbury and the Young Offender Institution", "Self-harm", 5),
        ("HMP Aylesbury and the Young Offender Institution", "All incidents", 15),
        ("HMP Bedford", "Assault", 2),
        ("HMP Bedford", "Self-harm", 7),
        ("HMP Bedford", "All incidents", 9),
    ]
    frame = pl.DataFrame(rows, schema=["prison", "kind", "n"], orient="row")
    return tables.finish(PUBLICATION, spec, frame, 1)


def chart(**extra: Any) -> Chart:
    base: dict[str, Any] = {
        "id": "c", "table": "incidents", "kind": "bar", "title": "T", "x": "prison",
        "measure": "n", "description": "d",
    }  # fmt: skip
    return Chart(**{**base, **extra})


def test_wrap_at_word_boundaries() -> None:
    # "Incidents per 1,000" is 19 characters; adding " prisoners" would make 29 > 26.
    assert (
        charts.wrap("Incidents per 1,000 prisoners (rate)")
        == "Incidents per 1,000<br>prisoners (rate)"
    )
    assert charts.wrap("Oct to Dec 2025", 12) == "Oct to Dec<br>2025"
    assert charts.wrap("Short") == "Short"
    assert (
        charts.wrap("Supercalifragilisticexpialidocious", 10)
        == "Supercalifragilisticexpialidocious"
    )


def test_excluded_categories_are_neither_drawn_nor_described() -> None:
    table = incidents()
    spec = chart(x="kind", series=None, where={"prison": "HMP Bedford"}, exclude=["All incidents"])
    frame = charts.chart_data(spec, table)
    assert frame["kind"].to_list() == ["Assault", "Self-harm"]
    facts = charts.facts(spec, table, frame)
    # Without the exclusion "All incidents" (9) would be "the highest".
    assert (facts["top_category"], facts["top_value"]) == ("Self-harm", "7")
    assert facts["n_categories"] == 2
    fig = charts.figure(spec, table, frame, "T", "Incidents per 1,000 prisoners (rate)")
    assert [list(t["y"]) for t in fig["data"]] == [["Self-harm", "Assault"]]


def test_excluded_series_and_long_labels_wrap() -> None:
    table = incidents()
    spec = chart(kind="column", series="kind", exclude=["All incidents"])
    frame = charts.chart_data(spec, table)
    fig = charts.figure(spec, table, frame, "T", "Incidents per 1,000 prisoners (rate)")
    assert [t["name"] for t in fig["data"]] == ["Assault", "Self-harm"]
    assert fig["layout"]["yaxis"]["title"]["text"] == "Incidents per 1,000<br>prisoners (rate)"
    # Two categories share 72 characters, but lines under the plot stay within 12.
    assert fig["data"][0]["x"] == [
        "HMP<br>Aylesbury<br>and the<br>Young<br>Offender<br>Institution", "HMP Bedford",
    ]  # fmt: skip
    assert fig["layout"]["xaxis"]["tickangle"] == 0
    # Six lines of labels: the legend moves down by five steps of 0.08 from -0.15.
    assert fig["layout"]["legend"]["y"] == pytest.approx(-0.15 - 0.08 * 5)


def test_a_misspelt_exclusion_is_an_error() -> None:
    pub = PUBLICATION.model_copy(
        update={"charts": [chart(series="kind", exclude=["All incident"])]}
    )
    with pytest.raises(Exception, match="'All incident'"):
        charts.draw(pub, {"incidents": incidents()}, {}, lambda text, **_: text)


def drawn(*ids: str) -> list[Any]:
    return [SimpleNamespace(id=i) for i in ids]


def test_every_chart_is_placed_once_and_in_order() -> None:
    check_placement(PUBLICATION, ["a", "b"], drawn("a", "b"))
    with pytest.raises(ChartPlacementError, match=r"chart 'b' \(figure 2\) is never placed"):
        check_placement(PUBLICATION, ["a"], drawn("a", "b"))
    with pytest.raises(ChartPlacementError, match="placed in the order"):
        check_placement(PUBLICATION, ["b", "a"], drawn("a", "b"))
    with pytest.raises(ChartPlacementError, match="more than once"):
        check_placement(PUBLICATION, ["a", "a", "b"], drawn("a", "b"))
    assert ChartPlacementError.code == "chart-not-placed"
