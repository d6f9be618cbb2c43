"""``statgen new``: a publication of every frequency builds at once on its own sample, passes
``statgen check`` and QA, and labels, names and dates follow its frequency."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from conftest import TODAY
from typer.testing import CliRunner

from statgen.cli import app
from statgen.config import load_publication
from statgen.errors import ConfigError, QAError
from statgen.extracts.sample import write_sample
from statgen.pipeline import build
from statgen.scaffold import new_publication

runner = CliRunner()

# What a new publication made on TODAY (25 November 2026) releases first, worked out by hand:
# the latest complete period before that day, its folder, its label and the series length.
EXPECTED = {
    "monthly": ("2026-10", "October 2026", "Oct 2026", 24),
    "quarterly": ("2026-q3", "July to September 2026", "Jul to Sep 2026", 12),
    "annual": ("2025", "2025", "2025", 6),
    "financial_year": ("fy2025-26", "April 2025 to March 2026", "Apr 2025 to Mar 2026", 6),
}
DIMENSION = {"monthly": "month", "quarterly": "quarter", "annual": "year",
             "financial_year": "financial_year"}  # fmt: skip


def _project(tmp: Path, frequency: str) -> tuple[Path, str]:
    slug = f"new-{frequency.replace('_', '-')}"
    new_publication(tmp, slug, frequency, today=TODAY)
    publication = load_publication(tmp / "publications" / slug)
    write_sample(publication, publication.extracts_path(tmp), scale=publication.test_sample_scale)
    return tmp, slug


@pytest.mark.parametrize("frequency", list(EXPECTED))
def test_a_new_publication_of_every_frequency_builds_and_passes_check_and_qa(
    tmp_path: Path, frequency: str
) -> None:
    root, slug = _project(tmp_path, frequency)
    folder, long_label, label, series = EXPECTED[frequency]
    done = runner.invoke(app, ["build", slug, "--root", str(root)])
    assert done.exit_code == 0, done.output
    draft = root / "build" / slug / folder / "draft-1"
    workbooks = [draft / f"{slug}-{folder}.ods", draft / f"{slug}-{folder}.xlsx"]
    checked = runner.invoke(app, ["check", *map(str, workbooks)])
    assert checked.exit_code == 0, checked.output
    qa = json.loads((draft / "qa.json").read_text("utf-8"))  # each draft holds its QA report
    assert qa["status"] == "pass", qa
    # The page and the spreadsheet cover name the period in words.
    page = (draft / "index.html").read_text("utf-8")
    assert "<h1" in page and long_label in re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)[1]
    cover = openpyxl.load_workbook(workbooks[1])["Cover"]
    assert long_label in str(cover["A1"].value)
    # The series has the frequency's length, in its own dimension, labelled by period.
    tidy = pl.read_csv(draft / "csv" / "events-by-region.csv", infer_schema=False)
    dim = DIMENSION[frequency]
    assert tidy[dim].n_unique() == series
    assert tidy[dim].to_list()[-1] == label
    # Every event of the release period is counted once (counted here from the extract).
    events = pl.read_parquet(root / "data" / "extracts" / slug / "events.parquet")
    meta = json.loads((draft / "manifest.json").read_text("utf-8"))
    period = load_publication(root / "publications" / slug).parse_period(meta["period"])
    expected = events.filter(pl.col("event_date").is_between(period.start, period.end)).height
    total = tidy.filter((pl.col(dim) == label) & (pl.col("region") == "Total"))["value"]
    assert int(total[0]) == expected


def test_statgen_new_then_build_on_the_command_line(tmp_path: Path) -> None:
    made = runner.invoke(
        app, ["new", "legal-aid", "--frequency", "financial_year", "--root", str(tmp_path)]
    )
    assert made.exit_code == 0, made.output
    for name in [
        "publication.yaml",
        "transforms.py",
        "commentary.qmd",
        "sample.py",
        "signoff.yaml",
    ]:
        assert (tmp_path / "publications" / "legal-aid" / name).is_file()
    built = runner.invoke(app, ["build", "legal-aid", "--root", str(tmp_path)])
    assert built.exit_code == 0, built.output
    assert "April" in built.output and "to March" in built.output
    again = runner.invoke(app, ["new", "legal-aid", "--root", str(tmp_path)])
    assert again.exit_code == 1 and "already exists" in again.output
    wrong = runner.invoke(app, ["new", "x", "--frequency", "weekly", "--root", str(tmp_path)])
    assert wrong.exit_code == 1 and "financial_year" in wrong.output


def test_a_period_code_of_another_frequency_names_the_expected_form(tmp_path: Path) -> None:
    root, slug = _project(tmp_path, "financial_year")
    done = runner.invoke(app, ["build", slug, "--period", "2025Q3", "--root", str(root)])
    assert done.exit_code == 1
    message = " ".join(done.output.split())
    assert "'2025Q3' is a quarter" in message and "periods are financial years" in message
    assert "write it as YYYY-YY (2025Q3 is in 2025-26)" in message
    assert not (root / "build" / slug).exists()


def test_a_financial_year_deleted_from_the_extract_fails_qa(tmp_path: Path) -> None:
    root, slug = _project(tmp_path, "financial_year")
    path = root / "data" / "extracts" / slug / "events.parquet"
    events = pl.read_parquet(path)
    kept = events.filter(
        ~pl.col("event_date").is_between(dt.date(2023, 4, 1), dt.date(2024, 3, 31))
    )
    assert kept.height < events.height
    kept.write_parquet(path)
    with pytest.raises(QAError):
        build(root, slug, today=TODAY)
    failed = root / "build" / slug / "fy2025-26" / "failed-qa" / "qa.json"  # never in a draft
    qa = json.loads(failed.read_text("utf-8"))
    gaps = next(c for c in qa["checks"] if c["name"] == "Series have no gaps")
    assert gaps["status"] == "fail"
    assert any("2023-24" in line for line in gaps["details"])
    assert not (root / "build" / slug / "fy2025-26" / "draft-1").exists()


def test_a_draft_without_previous_releases_url_links_to_a_page_that_exists(
    tmp_path: Path,
) -> None:
    root, slug = _project(tmp_path, "quarterly")
    result = build(root, slug, today=TODAY)
    page = result.page.read_text("utf-8")
    (link,) = re.findall(r'href="([^"]+)"[^>]*>[^<]*releases page', page)
    assert (result.page.parent / link).resolve().is_file()


def test_series_quarters_is_refused_outside_quarterly_publications(tmp_path: Path) -> None:
    root, slug = _project(tmp_path, "annual")
    config = root / "publications" / slug / "publication.yaml"
    config.write_text(
        config.read_text("utf-8").replace("series_periods: 6", "series_quarters: 6"), "utf-8"
    )
    with pytest.raises(ConfigError, match="series_periods"):
        load_publication(config.parent)


MONTHLY_TABLES = """
  - id: events-by-month
    title: Events recorded in each month of the last two quarters
    transform: events_by_month
    rows: [month]
    measures:
      - {name: events, title: Events, unit: number of events}
    periods: 2
  - id: rolling-year
    title: Events recorded in the 12 months to each month
    transform: rolling_year
    rows: [month]
    measures:
      - {name: events, title: Events in the 12 months to the month, unit: number of events}
    periods: 1
"""

MONTHLY_TRANSFORMS = """

from statgen import rolling_12_months


def events_by_month(events: pl.LazyFrame) -> pl.LazyFrame:
    return group_by_period(events, "event_date", "monthly", events=pl.len())


def rolling_year(events: pl.LazyFrame) -> pl.LazyFrame:
    monthly = group_by_period(events, "event_date", "monthly", events=pl.len())
    return rolling_12_months(monthly, "events")
"""


def test_monthly_tables_and_rolling_totals_in_a_quarterly_release(tmp_path: Path) -> None:
    root, slug = _project(tmp_path, "quarterly")
    folder = root / "publications" / slug
    config = (folder / "publication.yaml").read_text("utf-8")
    config = config.replace("\ncharts:", MONTHLY_TABLES + "\ncharts:")
    (folder / "publication.yaml").write_text(config, "utf-8")
    with (folder / "transforms.py").open("a", encoding="utf-8") as out:
        out.write(MONTHLY_TRANSFORMS)
    result = build(root, slug, today=TODAY)
    assert result.period.code == "2026Q3"
    events = pl.read_parquet(root / "data" / "extracts" / slug / "events.parquet")
    months = pl.read_csv(result.folder / "csv" / "events-by-month.csv", infer_schema=False)
    # The months of 2026Q2 and 2026Q3, labelled, each counted from the extract here.
    assert months["month"].to_list() == [
        "Apr 2026", "May 2026", "Jun 2026", "Jul 2026", "Aug 2026", "Sep 2026"
    ]  # fmt: skip
    july = events.filter(pl.col("event_date").is_between(dt.date(2026, 7, 1), dt.date(2026, 7, 31)))
    assert int(months["value"][3]) == july.height
    rolling = pl.read_csv(result.folder / "csv" / "rolling-year.csv", infer_schema=False)
    assert rolling["month"].to_list() == ["Jul 2026", "Aug 2026", "Sep 2026"]
    year_to_september = events.filter(
        pl.col("event_date").is_between(dt.date(2025, 10, 1), dt.date(2026, 9, 30))
    )
    assert int(rolling["value"][2]) == year_to_september.height
    qa = json.loads((result.folder / "qa.json").read_text("utf-8"))
    assert qa["status"] == "pass", qa


# Titles a team may well type: a colon (YAML's mapping indicator), a leading quote, " #"
# (a YAML comment), a backslash and triple quotes (Python docstrings), Jinja's comment end.
AWKWARD_TITLES = [
    "Criminal courts: quarterly",
    '"Quoted" statistics',
    "Prisons #1 & 'others'",
    'Back\\slash """and""" quotes ##} {{ x }}',
]


@pytest.mark.parametrize("title", AWKWARD_TITLES)
def test_statgen_new_keeps_any_title_exactly_and_builds(tmp_path: Path, title: str) -> None:
    made = runner.invoke(
        app, ["new", "awkward", "--title", title, "--frequency", "annual", "--root", str(tmp_path)]
    )
    assert made.exit_code == 0, made.output
    publication = load_publication(tmp_path / "publications" / "awkward")
    assert publication.title == title
    assert publication.contact.name == f"{title} team"
    folder = tmp_path / "publications" / "awkward"
    for module in ("transforms.py", "sample.py"):  # still Python, with the title in its docstring
        source = (folder / module).read_text("utf-8")
        docstring = compile(source, module, "exec").co_consts[0]
        assert isinstance(docstring, str) and title in docstring
    built = runner.invoke(app, ["build", "awkward", "--root", str(tmp_path)])
    assert built.exit_code == 0, built.output


def test_statgen_new_with_a_title_on_two_lines_writes_nothing(tmp_path: Path) -> None:
    made = runner.invoke(
        app, ["new", "two-lines", "--title", "First\nSecond", "--root", str(tmp_path)]
    )
    assert made.exit_code == 1
    assert "--title" in made.output and "one line" in made.output
    assert not (tmp_path / "publications" / "two-lines").exists()
    assert not (tmp_path / "data").exists()


def test_the_written_release_calendar_announces_thursdays_that_are_not_holidays(
    tmp_path: Path,
) -> None:
    """Official statistics are released on a working day (the pilots: every Thursday), never
    at a weekend: the dates a new publication's calendar announces, worked out by hand."""
    made = {}
    for frequency in EXPECTED:
        root = tmp_path / frequency
        new_publication(root, "dates", frequency, today=TODAY)
        made[frequency] = load_publication(root / "publications" / "dates").release_calendar
    # October 2026 ends on Saturday 31 October; 8 weeks later is Saturday 26 December (Boxing
    # Day), so the next Thursday, 31 December. November: Monday 25 January, so Thursday 28.
    assert made["monthly"]["2026-10"] == dt.date(2026, 12, 31)
    assert made["monthly"]["2026-11"] == dt.date(2027, 1, 28)
    # July to September 2026 ends Wednesday 30 September: 25 November, so Thursday 26.
    assert made["quarterly"]["2026Q3"] == dt.date(2026, 11, 26)
    assert made["quarterly"]["2026Q4"] == dt.date(2027, 2, 25)  # 31 Dec 2026 + 8 weeks: Thu
    # 2025 ends Wednesday 31 December 2025: 25 February 2026, so Thursday 26 February.
    assert made["annual"]["2025"] == dt.date(2026, 2, 26)
    for calendar in made.values():
        for code, day in calendar.items():
            assert day.weekday() == 3, (code, day)  # Thursday
            assert (day.month, day.day) not in {(12, 25), (12, 26), (1, 1)}, (code, day)


def test_statgen_new_never_replaces_extracts_already_in_its_folder(tmp_path: Path) -> None:
    """A team's real extract already in data/extracts/<slug>/ (the default folder): statgen new
    refuses, naming it, and writes nothing, rather than replace it with a sample."""
    extracts = tmp_path / "data" / "extracts" / "legal-aid"
    extracts.mkdir(parents=True)
    (extracts / "events.csv").write_text("event_id,region,event_date\nE1,North,2026-01-05\n")
    made = runner.invoke(app, ["new", "legal-aid", "--root", str(tmp_path)])
    assert made.exit_code == 1
    message = " ".join(made.output.split())
    assert "events.csv" in message and "legal-aid" in message
    assert (extracts / "events.csv").read_text().startswith("event_id,region,event_date\nE1,")
    assert sorted(p.name for p in extracts.iterdir()) == ["events.csv"]
    assert not (tmp_path / "publications" / "legal-aid").exists()


def test_sample_data_never_overwrites_extracts_it_did_not_write(tmp_path: Path) -> None:
    made = runner.invoke(app, ["new", "legal-aid", "--root", str(tmp_path)])
    assert made.exit_code == 0, made.output
    extracts = tmp_path / "data" / "extracts" / "legal-aid"
    again = runner.invoke(app, ["sample-data", "legal-aid", "--root", str(tmp_path)])
    assert again.exit_code == 0, again.output  # its own sample: written again
    # The team's real extract replaces the sample (and its marker goes with it).
    for path in extracts.iterdir():
        path.unlink()
    (extracts / "events.csv").write_text("event_id,region,event_date\nE1,North,2026-01-05\n")
    refused = runner.invoke(
        app, ["sample-data", "legal-aid", "--format", "csv", "--root", str(tmp_path)]
    )
    assert refused.exit_code == 1
    assert "events.csv" in " ".join(refused.output.split())
    assert (extracts / "events.csv").read_text().count("\n") == 2
    elsewhere = tmp_path / "sample"
    done = runner.invoke(
        app, ["sample-data", "legal-aid", "--out", str(elsewhere), "--root", str(tmp_path)]
    )
    assert done.exit_code == 0, done.output
    assert (elsewhere / "events.parquet").is_file()
