"""``statgen diff``: what reviewers see when they compare two builds."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import polars as pl
import pytest
from conftest import TODAY, copy_project
from typer.testing import CliRunner

from statgen.cli import app
from statgen.outputs.assets import plotly_bundle
from statgen.pipeline import BuildResult, build
from statgen.review import diff

SLUG = "electronic-monitoring"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_table_changes_cells_rows_and_columns(tmp_path: Path) -> None:
    old = write(tmp_path / "old.csv", "quarter,region,measure,value,marker\n"
                "2026Q2,Wales,people,100,\n2026Q3,Wales,people,120,\n2026Q3,London,people,50,\n"
                "2026Q3,Kent,people,7,\n")  # fmt: skip
    new = write(tmp_path / "new.csv", "quarter,region,measure,value,marker,note\n"
                "2026Q2,Wales,people,100,,\n2026Q3,Wales,people,126,r,\n2026Q3,London,people,40,,\n"
                "2026Q4,Wales,people,1,,\n")  # fmt: skip
    result = diff.compare_table("people", "Table 1: People", old, new)
    assert result.keys == ["quarter", "region", "measure"]
    assert [(c.key, c.old, c.new, c.difference()) for c in result.changed] == [
        (("2026Q3", "Wales", "people"), "120", "126 [r]", ("+6", "+5.0%")),
        (("2026Q3", "London", "people"), "50", "40", ("-10", "-20.0%")),
    ]
    assert result.rows_added == [("2026Q4", "Wales", "people")]
    assert result.rows_removed == [("2026Q3", "Kent", "people")]
    assert result.columns_added == ["note"] and result.columns_removed == []
    assert not result.unchanged
    same = diff.compare_table("people", "Table 1: People", old, old)
    assert same.unchanged


def test_word_level_diff_marks_insertions_and_deletions() -> None:
    paragraphs, changed = diff.text_diff(
        ["Main points", "London had the most people (4,056)."],
        ["Main points", "London had the most people monitored (3,968).", "A new paragraph."],
    )
    assert changed
    assert paragraphs == [
        [("same", "Main points")],
        [("same", "London had the most people"), ("del", "(4,056)."),
         ("ins", "monitored (3,968).")],
        [("ins", "A new paragraph.")],
    ]  # fmt: skip
    assert diff.text_diff(["Same words."], ["Same words."]) == ([[("same", "Same words.")]], False)


def test_only_changed_paragraphs_are_kept_under_their_headings() -> None:
    old = ["Main points", "513 people.", "Unchanged one.", "About", "Unchanged two.", "Gone."]
    new = ["Main points", "586 people.", "Unchanged one.", "About", "Unchanged two.", "Added."]
    headings = [True, False, False, True, False, False]
    sections, unchanged = diff.changed_blocks(old, new, headings)
    assert sections == [
        ("Main points", [[("del", "513"), ("ins", "586"), ("same", "people.")]]),
        ("About", [[("del", "Gone."), ("ins", "Added.")]]),
    ]
    assert unchanged == 2  # the two unchanged paragraphs; headings are not counted


def test_figures_are_shown_as_published() -> None:
    from statgen.review.diff.cells import percent, shown, signed

    assert shown(28305.0, "integer") == "28,305"
    assert shown(28305.0, "integer", "r") == "28,305 [r]"
    assert shown(None, "integer", "c") == "[c]"
    assert shown(2.0, "decimal1") == "2.0"
    assert shown(41.5, "percent1") == "41.5%"
    assert shown(1234.5) == "1,234.5" and shown(7.0) == "7"  # no format recorded
    assert signed(300.0, "integer") == "+300"
    assert signed(-41.0, "integer") == "\u221241"
    assert signed(0.2, "integer") == "0"  # rounds to nothing as published
    assert signed(3.14, "percent1") == "+3.1 points"  # percentages change in points
    assert percent(72.0, 513.0) == "+14.0%"  # 72 / 513 = 0.14035
    assert percent(-5.0, 553.0) == "\u22120.9%"  # 5 / 553 = 0.00904
    assert percent(1.0, 41.5, "percent1") == ""


class Structure(HTMLParser):
    """What an accessibility check looks at: language, title, headings, table captions/scopes."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = None
        self.title = ""
        self.headings: list[int] = []
        self.tables = 0
        self.captions = 0
        self.th_without_scope = 0
        self._in_title = False

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "title":
            self._in_title = True
        elif tag in ("h1", "h2", "h3", "h4"):
            self.headings.append(int(tag[1]))
        elif tag == "table":
            self.tables += 1
        elif tag == "caption":
            self.captions += 1
        elif tag == "th" and a.get("scope") not in ("col", "row", "rowgroup"):
            self.th_without_scope += 1

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self._in_title:
            self.title += data


def structure(page: Path) -> Structure:
    parser = Structure()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def test_a_build_against_itself_reports_no_change(em_release: BuildResult, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["diff", str(em_release.folder), str(em_release.folder), "--report", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "No change: the tables, commentary, charts and downloads are the same." in result.output
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "0 of 7 tables changed." in page
    assert "The words of the page did not change." in page
    assert "0 of 2 charts changed; the unchanged ones are not shown." in page
    assert "<figure" not in page
    assert "<ins" not in page and "<del" not in page


@pytest.fixture(scope="module")
def changed(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[BuildResult, BuildResult, diff.DiffReport]:
    root = copy_project(tmp_path_factory.mktemp("diff"), SLUG, 0.01)
    first = build(root, SLUG, today=TODAY)
    commentary = root / "publications" / SLUG / "commentary.qmd"
    text = commentary.read_text(encoding="utf-8")
    commentary.write_text(text.replace("after release from prison", "on licence after release"))
    extract = root / "data" / "extracts" / SLUG / "orders.parquet"
    orders = pl.read_parquet(extract)
    moved = pl.when(pl.int_range(pl.len()) % 40 == 0).then(pl.lit("Wales")).otherwise("region")
    orders.with_columns(moved.alias("region")).write_parquet(extract)
    second = build(root, SLUG, today=TODAY)
    report = diff.write_report(first.folder, second.folder, root / "report")
    return first, second, report


def test_report_shows_changed_cells_words_charts_and_downloads(changed) -> None:  # type: ignore[no-untyped-def]
    first, second, report = changed
    assert not report.no_change
    by_id = {t.id: t for t in report.tables}
    assert not by_id["people-by-region"].unchanged
    assert by_id["notifications"].unchanged  # moving orders between regions changes no totals
    region = by_id["people-by-region"]
    wales = [c for c in region.changed if c.key[:2] == ("Wales", "Total")]
    assert len(wales) == 1 and float(wales[0].new) > float(wales[0].old)
    assert report.text_changed
    assert report.files_changed == [
        "csv/people-by-region.csv",
        "electronic-monitoring-2026-q3.ods",
        "electronic-monitoring-2026-q3.xlsx",
    ]
    assert report.charts_changed == [2]  # the chart of people by region
    page = report.path.read_text(encoding="utf-8")
    assert "on licence" in page and 'class="statgen-diff-ins"' in page
    assert 'class="statgen-diff-del"' in page
    assert "1 of 2 charts changed; the unchanged ones are not shown." in page
    assert 'id="old-figure-1"' not in page  # the unchanged chart is left out
    if (second.folder / "charts" / "caseload-by-region.svg").is_file():
        # Static charts: each build's own SVG, copied beside the report; no plotly.js.
        for side, build_ in (("old", first), ("new", second)):
            copied = report.path.parent / "charts" / f"{side}-figure-2.svg"
            assert f'src="charts/{side}-figure-2.svg"' in page
            assert (
                copied.read_bytes()
                == (build_.folder / "charts" / "caseload-by-region.svg").read_bytes()
            )
        assert not (report.path.parent / plotly_bundle().name).exists()
    else:
        assert 'id="old-figure-2-chart"' in page and 'id="new-figure-2-chart"' in page
        for asset in (plotly_bundle().name, "statgen-charts.js"):
            assert (report.path.parent / asset).is_file() and f'"{asset}"' in page
    assert (report.path.parent / "statgen.css").is_file() and '"statgen.css"' in page
    assert '<details class="govuk-details">' in page  # unchanged tables collapsed
    assert "Changes from draft 1 to draft 2: electronic-monitoring 2026Q3" in page


def test_report_is_structured_for_assistive_technology(changed) -> None:  # type: ignore[no-untyped-def]
    page = structure(changed[2].path)
    assert page.lang == "en-GB"
    assert page.title.startswith("Changes from draft 1 to draft 2")
    assert page.headings[0] == 1 and page.headings.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:], strict=False))
    assert page.tables >= 2 and page.captions == page.tables
    assert page.th_without_scope == 0


def test_main_points_and_labels_reach_the_report_as_text_only() -> None:
    from statgen.review.diff.panel import Panel
    from statgen.review.diff.points import Figure, Point
    from statgen.review.diff.report import REPORT

    hostile = '<script>alert("x")</script> & <b>bold</b>'
    figure = Figure("", hostile, 1.0, 2.0, None, "r", "revised", "", "integer")
    panel = Panel("Apr to Jun 2026", "Jul to Sep 2026", [Point(hostile, [figure])], [figure])
    html = REPORT.environment.get_template("panel.html").render(
        p=panel, links={"page": "index.html"}, top=10
    )
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert ">1</td>" in html and ">2 [r]</td>" in html and "+1 (+100.0%)" in html
