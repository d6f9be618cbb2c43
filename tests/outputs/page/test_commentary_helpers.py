"""Commentary helpers: literal() and allowed phrases (definitions the QA check accepts, and no
other typed number), points() and difference() (traced like value())."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from tablemaking import PUBLICATION

from statgen import tables
from statgen.config import Checks, Measure, Publication, Table
from statgen.outputs.page.commentary import Context
from statgen.outputs.page.templating import fill
from statgen.periods import Periods, Quarter
from statgen.review import qa


def shares() -> tables.StatTable:
    spec = Table(
        id="shares", title="Shares", transform="t", rows=["year"], sheet="S",
        measures=[
            Measure(name="incidents", title="Incidents", unit="number"),
            Measure(name="prisoners", title="Prisoners", unit="number"),
            Measure(name="pct", title="Share", unit="%", kind="percentage",
                    numerator="incidents", denominator="prisoners"),
        ],
    )  # fmt: skip
    frame = pl.DataFrame(
        {"year": ["2025", "2026"], "incidents": [82, 105], "prisoners": [1000, 1000]}
    )
    return tables.finish(PUBLICATION, spec, frame, 1)


def setup(
    tmp_path: Path, text: str, allowed: list[str] | None = None
) -> tuple[Publication, Context]:
    (tmp_path / "commentary.qmd").write_text(text, encoding="utf-8")
    pub = PUBLICATION.model_copy(update={"checks": Checks(allowed_phrases=allowed or [])})
    pub._folder = tmp_path
    table = shares()
    context = Context(pub, Periods.ending(Quarter.parse("2026Q3"), 12), {"shares": table})
    return pub, context


def traced(tmp_path: Path, text: str, allowed: list[str] | None = None) -> qa.Check:
    pub, context = setup(tmp_path, text, allowed)
    return qa.commentary_traced(pub, context, list(context.tables.values()))


NEW = 'value("shares", "pct", year=2026)'
OLD = 'value("shares", "pct", year=2025)'


def test_points_and_difference_are_figures_from_the_tables(tmp_path: Path) -> None:
    text = (
        f"{{% set p = points({NEW}, {OLD}) %}}"
        "The share rose {{ p.direction }} {{ p|abs }} percentage points; "
        'incidents rose by {{ difference(value("shares", "incidents", year=2026), '
        'value("shares", "incidents", year=2025)) }}.\n'
    )
    pub, context = setup(tmp_path, text)
    # 10.5% - 8.2% = 2.3 points; 105 - 82 = 23 incidents.
    assert fill(pub, context, "commentary.qmd") == (
        "The share rose up 2.3 percentage points; incidents rose by 23.\n"
    )
    check = traced(tmp_path, text)
    assert check.status == "pass", check.details


def test_a_definition_is_accepted_only_where_it_is_declared(tmp_path: Path) -> None:
    sentence = f'The rate is {{{{ {NEW} }}}} {{{{ literal("per 1,000 prisoners") }}}}.\n'
    assert traced(tmp_path, sentence).status == "pass"
    # The same number typed anywhere else is still refused.
    check = traced(tmp_path, sentence + "About 1,000 people were counted.\n")
    assert check.status == "fail"
    assert any("'1,000' does not come from a table" in d for d in check.details)
    # Without literal(), "per 1,000 prisoners" is a typed number...
    typed = f"The rate is {{{{ {NEW} }}}} per 1,000 prisoners over 12 months.\n"
    assert traced(tmp_path, typed).status == "fail"
    # ...unless the publication lists the phrases as definitions.
    allowed = ["per 1,000 prisoners", "12 months"]
    assert traced(tmp_path, typed, allowed).status == "pass"
    check = traced(tmp_path, typed + "There were 12 prisons.\n", allowed)
    assert [d for d in check.details if "does not come" in d] == [
        "commentary.qmd: the number '12' does not come from a table; quote it with value() (or "
        'share(), change(), difference(), points()); a definition such as "per 1,000 '
        'prisoners" is written {{ literal("...") }} or listed in checks.allowed_phrases'
    ]
