"""Rates and percentages (``kind: rate`` / ``percentage``): computed from their numerator and
denominator, totals from the summed parts, [x] without a denominator. Figures worked by hand."""

from __future__ import annotations

import polars as pl
import pytest
from pydantic import ValidationError
from tablemaking import PUBLICATION

from statgen import tables
from statgen.config import Disclosure, Measure, Table
from statgen.errors import ConfigError
from statgen.protection import disclosure
from statgen.tables import StatTable, marker_column

MEASURES = [
    Measure(name="incidents", title="Incidents", unit="number"),
    Measure(name="population", title="Prisoners", unit="number"),
    Measure(
        name="rate", title="Incidents per 1,000 prisoners", unit="rate", kind="rate", per=1000,
        numerator="incidents", denominator="population",
    ),
    Measure(
        name="pct", title="Incidents as a share of prisoners", unit="%", kind="percentage",
        numerator="incidents", denominator="population",
    ),
]  # fmt: skip


def finished(rows: list[dict[str, object]], totals: list[str] | None = None) -> StatTable:
    spec = Table(
        id="rates", title="Rates", transform="rates", rows=["prison"], measures=MEASURES,
        totals=["prison"] if totals is None else totals, sheet="Rates",
    )  # fmt: skip
    frame = pl.DataFrame(
        rows, schema={"prison": pl.String, "incidents": pl.Int64, "population": pl.Int64}
    )
    return tables.finish(PUBLICATION, spec, frame, 1)


def cell(table: StatTable, prison: str, measure: str) -> tuple[object, object]:
    row = table.row(prison=prison)
    return row[measure], row[marker_column(measure)]


def test_rates_and_the_total_rate_from_summed_parts() -> None:
    table = finished(
        [
            {"prison": "A", "incidents": 12, "population": 400},
            {"prison": "B", "incidents": 3, "population": 600},
        ]
    )
    # 12 / 400 * 1000 = 30.0; 3 / 600 * 1000 = 5.0; the total is 15 / 1000 * 1000 = 15.0,
    # not 30 + 5 = 35 (added up) nor 17.5 (the mean of the two rates).
    assert cell(table, "A", "rate") == (pytest.approx(30.0), None)
    assert cell(table, "B", "rate") == (pytest.approx(5.0), None)
    assert cell(table, "Total", "rate") == (pytest.approx(15.0), None)
    assert cell(table, "Total", "pct") == (pytest.approx(1.5), None)  # 15 of 1,000
    assert MEASURES[2].format == "decimal1" and MEASURES[3].format == "percent1"


def test_a_missing_denominator_is_not_available_x_not_z() -> None:
    table = finished(
        [
            {"prison": "A", "incidents": 12, "population": 400},
            {"prison": "C", "incidents": 5, "population": None},  # no population row
        ]
    )
    assert cell(table, "C", "rate") == (None, "x")
    assert cell(table, "C", "pct") == (None, "x")
    # The total's denominator lacks C's prisoners, so the total rate is not available either.
    assert cell(table, "Total", "rate") == (None, "x")
    assert cell(table, "A", "rate") == (pytest.approx(30.0), None)


def test_suppression_follows_the_numerator() -> None:
    table = finished(
        [
            {"prison": "A", "incidents": 12, "population": 400},
            {"prison": "B", "incidents": 3, "population": 600},
            {"prison": "C", "incidents": 40, "population": 800},
        ]
    )
    protected = disclosure.protect_table(table, Disclosure(measures=["incidents"]))
    # B's 3 is primary; the prison line (Total 55 = 12 + 3 + 40) would give it away, so the
    # smaller of the others, A's 12, is suppressed too. Their rates and percentages follow.
    for prison in ("A", "B"):
        assert cell(protected, prison, "incidents") == (None, "c")
        assert cell(protected, prison, "rate") == (None, "c")
        assert cell(protected, prison, "pct") == (None, "c")
    assert cell(protected, "C", "rate") == (pytest.approx(50.0), None)  # 40 / 800 * 1000
    assert cell(protected, "Total", "rate") == (pytest.approx(55 / 1800 * 1000), None)


def test_ratio_config_is_checked() -> None:
    with pytest.raises(ValidationError, match="needs 'per'"):
        Measure(name="r", title="R", unit="rate", kind="rate", numerator="a", denominator="b")
    with pytest.raises(ValidationError, match="cannot be added up"):
        Measure(name="p", title="P", unit="%", kind="percentage", additive=True,
                numerator="a", denominator="b")  # fmt: skip
    with pytest.raises(ValidationError, match="no measure 'people'"):
        Table(id="t", title="T", transform="t", rows=["x"], measures=[
            Measure(name="a", title="A", unit="n"),
            Measure(name="p", title="P", unit="%", kind="percentage", numerator="a",
                    denominator="people"),
        ])  # fmt: skip


def test_a_transform_may_not_return_a_computed_rate() -> None:
    spec = Table(
        id="rates", title="Rates", transform="rates", rows=["prison"], measures=MEASURES, sheet="R"
    )
    frame = pl.DataFrame({"prison": ["A"], "incidents": [1], "population": [2], "rate": [500.0]})
    with pytest.raises(ConfigError, match="statgen computes"):
        tables.finish(PUBLICATION, spec, frame, 1)
