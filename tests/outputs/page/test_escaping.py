"""Hostile text in extracts and config reaches pages only escaped and workbooks only as text;
config that is misspelt or points outside its publication is refused."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import textwrap
import zipfile
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from typer.testing import CliRunner

from statgen.cli import app
from statgen.config import load_publication
from statgen.errors import ConfigError

SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://x","y")'

YAML = f"""
slug: hostile
title: Hostile test statistics
summary: 'Testing escaping {SCRIPT}'
organisation: Test
geography: Nowhere
status: Official statistics
source: 'A test extract {SCRIPT}'
contact: {{name: Team, email: team@example.org}}
release_calendar: {{2026Q2: 2026-09-24}}
series_quarters: 2
extracts:
  records:
    description: One row per record.
    columns:
      id: {{type: string, unique: true}}
      group: {{type: category, values: ['{SCRIPT}', '{FORMULA.replace("'", "''")}', Plain]}}
      day: {{type: date}}
tables:
  - id: records
    title: 'Records by group {SCRIPT}'
    transform: records
    rows: [quarter]
    columns: group
    measures: [{{name: n, title: Records, unit: number of records}}]
    totals: [group]
"""

TRANSFORMS = """
import polars as pl
from statgen import Periods
from statgen import quarter_code

def records(records: pl.LazyFrame, periods: Periods) -> pl.LazyFrame:
    return (
        records.with_columns(quarter=quarter_code(pl.col("day")))
        .filter(pl.col("quarter").is_in(periods.codes))
        .group_by("quarter", "group").agg(n=pl.len())
    )
"""

COMMENTARY = """
## Main points {#main-points}

There were {{ value("records", quarter=period, group="Total") }} records.
"""


def write_publication(root: Path, yaml_text: str = YAML, commentary: str = COMMENTARY) -> Path:
    folder = root / "publications" / "hostile"
    folder.mkdir(parents=True)
    (folder / "publication.yaml").write_text(yaml_text, encoding="utf-8")
    (folder / "transforms.py").write_text(TRANSFORMS, encoding="utf-8")
    (folder / "commentary.qmd").write_text(commentary, encoding="utf-8")
    return folder


def build_records(root: Path, groups: list[str], n: int) -> Path:
    """Write a records extract of ``n`` rows cycling through ``groups``, build 2026 Q2 of the
    publication in ``root`` and return its draft folder (the build must succeed)."""
    extract = pl.DataFrame(
        {
            "id": [f"R{i}" for i in range(n)],
            "group": [groups[i % len(groups)] for i in range(n)],
            "day": [dt.date(2026, 1 + (i % 6), 30 if i % 6 == 5 else 10) for i in range(n)],
        }
    )
    (root / "extracts").mkdir()
    extract.write_csv(root / "extracts" / "records.csv")
    args = ["build", "hostile", "--extracts", str(root / "extracts"), "--root", str(root)]
    result = CliRunner().invoke(app, [*args, "--period", "2026Q2"])
    assert result.exit_code == 0, result.output
    return root / "build" / "hostile" / "2026-q2" / "draft-1"


@pytest.fixture(scope="module")
def hostile_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    write_publication(root)
    return build_records(root, [SCRIPT, FORMULA, "Plain"], 60)


def test_html_only_escaped(hostile_release: Path) -> None:
    html = (hostile_release / "index.html").read_text(encoding="utf-8")
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Records by group &lt;script&gt;" in html


def test_workbook_only_text(hostile_release: Path) -> None:
    path = next(hostile_release.glob("*.xlsx"))
    book = openpyxl.load_workbook(path)
    texts = [
        c
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str)
    ]
    formulas = [c for c in texts if c.data_type == "f"]
    assert formulas == []
    assert any(c.value.startswith(FORMULA) for c in texts)
    with zipfile.ZipFile(path) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert not any("<f>" in s for s in sheets)


def test_csv_holds_the_values_as_text(hostile_release: Path) -> None:
    tidy = pl.read_csv(hostile_release / "csv" / "records.csv")
    assert {SCRIPT, FORMULA} <= set(tidy["group"].to_list())


def test_unknown_key_refused(tmp_path: Path) -> None:
    folder = write_publication(tmp_path, YAML + "tables_extra: 1\n")
    with pytest.raises(ConfigError, match=r"publication.yaml: tables_extra: unknown key"):
        load_publication(folder)


def test_table_disclosure_unknown_key_refused(tmp_path: Path) -> None:
    text = YAML.replace("totals: [group]", "totals: [group]\n    disclosure: {treshold: 9}")
    with pytest.raises(ConfigError, match=r"tables\[0\]\.disclosure\.treshold: unknown key"):
        load_publication(write_publication(tmp_path, text))


@pytest.mark.parametrize("path", ["../../etc/passwd", "/etc/passwd"])
def test_commentary_outside_the_publication_refused(tmp_path: Path, path: str) -> None:
    folder = write_publication(tmp_path, YAML + f"commentary: {path}\n")
    with pytest.raises(ConfigError) as err:
        load_publication(folder)
    assert str(err.value) == (
        f"{folder / 'publication.yaml'}: commentary: {path!r} must be a file inside the "
        "publication folder"
    )


def test_commentary_linked_outside_refused(tmp_path: Path) -> None:
    folder = write_publication(tmp_path, YAML + "commentary: sneaky.qmd\n")
    (folder / "sneaky.qmd").symlink_to("/etc/passwd")
    with pytest.raises(ConfigError, match="leads outside the publication folder"):
        load_publication(folder)


def test_extracts_may_be_anywhere(tmp_path: Path) -> None:
    folder = write_publication(tmp_path, YAML + "extracts_dir: /srv/secure/extracts\n")
    assert load_publication(folder).extracts_path(tmp_path) == Path("/srv/secure/extracts")


def test_previous_release_missing_is_refused(tmp_path: Path) -> None:
    text = YAML + textwrap.dedent("""
        revisions:
          previous_release: ../nowhere
    """)
    folder = write_publication(tmp_path, text)
    from statgen.layout import Layout
    from statgen.periods import Quarter
    from statgen.protection import revisions

    with pytest.raises(ConfigError, match="revisions.previous_release: .* holds no csv/ folder"):
        layout = Layout.at(tmp_path)
        revisions.previous_release(load_publication(folder), layout, Quarter(2026, 2))


COMMENT_OPEN = "<!--<script>"
"""In a script element, "<!--" then "<script" makes the HTML parser wait for a second
"</script>": the rest of the page becomes script text, and the reader sees a blank page."""


def test_json_in_script_elements_cannot_swallow_the_page(tmp_path: Path) -> None:
    chart = """
charts:
  - id: records-chart
    table: records
    kind: column
    title: 'Records {hostile}'
    x: quarter
    series: group
    measure: n
    interactive: true
    description: 'Records by group {hostile}'
"""
    yaml_text = YAML.replace(SCRIPT, COMMENT_OPEN) + chart.format(hostile=COMMENT_OPEN)
    write_publication(tmp_path, yaml_text, COMMENTARY + '\n{{ chart("records-chart") }}\n')
    draft = build_records(tmp_path, [COMMENT_OPEN, "Plain"], 40)
    page = (draft / "index.html").read_text(encoding="utf-8")
    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", page, flags=re.S | re.I)
    data = [s for s in scripts if "Records" in s]
    assert len(data) >= 2  # the page's JSON-LD and the chart's figure
    for text in data:
        assert "<!--" not in text and "</" not in text
        assert COMMENT_OPEN in json.dumps(json.loads(text), ensure_ascii=False)
    assert "<h2" in page.rsplit("</script>", 1)[0]  # headings are still markup, not script


MARKDOWN_TITLE = "Fines [click](https://example.org/x) ^up^ *em* @cite $x$ `code` ~sub~"


def test_config_text_in_the_page_skeleton_is_not_read_as_markdown(tmp_path: Path) -> None:
    """The title and contact go into the page's Markdown skeleton (releases link, contact
    box): Markdown in them stays text, as HTML in them does."""
    yaml_text = YAML.replace(
        "title: Hostile test statistics", f"title: '{MARKDOWN_TITLE}'"
    ).replace("contact: {name: Team,", f"contact: {{name: '{MARKDOWN_TITLE} team',")
    write_publication(tmp_path, yaml_text)
    draft = build_records(tmp_path, ["Plain"], 40)
    page = (draft / "index.html").read_text(encoding="utf-8")
    main = page.split('id="main-content"', 1)[1]
    for markup in ("https://example.org/x", "<sup>", "<em>", "<code>", "<sub>", "citation"):
        assert markup not in main.replace("[click](https://example.org/x)", ""), markup
    shown = html.unescape(re.sub(r"<[^>]+>", "", main))
    assert shown.count(MARKDOWN_TITLE) >= 2  # the releases link and the contact box


@pytest.mark.parametrize(
    ("edit", "key"),
    [
        ("contact: {name: Team, email: 'a@b.org](javascript:go()) [x'}", "contact.email"),
        ("contact: {name: Team, email: team@example.org}\nprevious_releases_url: "
         "'javascript:go()'", "previous_releases_url"),
    ],
)  # fmt: skip
def test_an_email_or_address_that_is_not_one_is_refused(
    tmp_path: Path, edit: str, key: str
) -> None:
    yaml_text = YAML.replace("contact: {name: Team, email: team@example.org}", edit)
    folder = write_publication(tmp_path, yaml_text)
    with pytest.raises(ConfigError) as info:
        load_publication(folder)
    assert f"publication.yaml: {key}: " in str(info.value)


def test_govspeak_markers_in_config_text_do_not_end_blocks(tmp_path: Path) -> None:
    """Govspeak ends a contact block at the next "$C" and a callout at its next marker, wherever
    it is: a title or contact name holding them must not close the block early."""
    title = "Costs $C and $A: 5% ^up^ @home@"
    yaml_text = YAML.replace("title: Hostile test statistics", f"title: '{title}'").replace(
        "contact: {name: Team,", f"contact: {{name: '{title} team',"
    )
    write_publication(tmp_path, yaml_text)
    draft = build_records(tmp_path, ["Plain"], 40)
    text = (draft / "govuk" / "publication.govspeak.md").read_text(encoding="utf-8")
    assert text.count("$C") == 2  # the contact block's own opening and closing lines
    assert text.count("$A") == 0
    contact = text.split("\n$C\n", 1)[1].split("\n$C", 1)[0]
    assert "team" in contact and "Email:" in contact
    for line in text.splitlines():  # each callout's marker appears only at its two ends
        if len(line) > 1 and line[0] in "%^" and line.endswith(line[0]):
            assert line[0] not in line[1:-1], line


# Markdown in labels: the page is Pandoc markdown, so text that is only HTML-escaped would still
# become a link (to javascript:), an image fetched from another site, attributes or emphasis.
LINK = "[click](javascript:alert(1))"
IMAGE = "![img](https://evil.example/x.png)"
ATTRIBUTES = "[hover](x){onmouseover=alert(2)}"
EMPHASIS = "*emph* and `code`"
MARKDOWN_LABELS = [LINK, IMAGE, ATTRIBUTES, EMPHASIS]
COMMENT_SCRIPT = "<!--<script>"  # in a script element, the HTML parser then ignores </script>

MARKDOWN_COMMENTARY = """
## Main points {#main-points}

{% set groups = ranked("records", "group", quarter=period) %}
The largest group was {{ groups[0][0] }}, counted {{ literal("per 1,000 (all_records)") }}.

{% for g, n in groups %}
- {{ g }}: {{ n }}
{% endfor %}
"""


@pytest.fixture(scope="module")
def markdown_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("markdown")
    labels = ", ".join("'" + label.replace("'", "''") + "'" for label in MARKDOWN_LABELS)
    text = (
        YAML.replace(
            f"values: ['{SCRIPT}', '{FORMULA.replace(chr(39), chr(39) * 2)}', Plain]",
            f"values: [{labels}]",
        )
        .replace(
            f"summary: 'Testing escaping {SCRIPT}'",
            f"summary: 'Testing {LINK} {ATTRIBUTES} {COMMENT_SCRIPT}'",
        )
        .replace(f"title: 'Records by group {SCRIPT}'", f"title: 'Records by group {LINK}'")
    )
    assert LINK in text.split("tables:")[0].split("group:")[1]
    write_publication(root, text, MARKDOWN_COMMENTARY)
    # The QA figure check passes: the numbers of the labels and of the literal() (both written
    # as markdown text) are not taken for typed figures.
    return build_records(root, MARKDOWN_LABELS, 80)


def test_markdown_in_labels_reaches_the_page_only_as_text(markdown_release: Path) -> None:
    html = (markdown_release / "index.html").read_text(encoding="utf-8")
    assert "javascript:" not in html.replace(LINK, "")  # only inside the label's own text
    assert "<img" not in html.split("<main", 1)[-1].replace('src="charts/', "")
    assert "onmouseover" not in html.replace(ATTRIBUTES, "")
    assert "<em>emph</em>" not in html and "<code>code</code>" not in html
    # Each label is written out as it is, in the commentary's list (HTML-escaped only).
    for label in MARKDOWN_LABELS:
        assert f"<li>{label}:" in html, label
    assert "counted per 1,000 (all_records)." in html


def test_no_script_element_holds_markup_that_changes_where_it_ends(markdown_release: Path) -> None:
    # JSON in <script> (the JSON-LD, a chart's figure) holding "<!--<script>" keeps the parser
    # in the element past its own </script> ("script data double escaped" state): no "<" at all.
    import re

    html = (markdown_release / "index.html").read_text(encoding="utf-8")
    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", html, flags=re.S | re.I)
    assert scripts
    assert not [s for s in scripts if "<!--" in s or "<script" in s.lower()], scripts


def test_main_points_hold_the_labels_as_written(markdown_release: Path) -> None:
    import json

    points = json.loads((markdown_release / "main-points.json").read_text(encoding="utf-8"))
    texts = [p["text"] for p in points["main_points"]]
    for label in MARKDOWN_LABELS:
        assert any(text.startswith(f"{label}: ") for text in texts), (label, texts)


# A label that begins a paragraph or list item ("{{ g }} had {{ n }}.") starts a line of the
# page's Pandoc markdown, where a list marker, definition or quote opens a block.
LINE_START_LABELS = ["- Dash", "+ Plus", "1. First", "2) Second", "a. Low", "iv. Four", ": Colon"]


@pytest.mark.parametrize("label", LINE_START_LABELS)
def test_a_label_at_the_start_of_a_line_is_not_read_as_a_block(label: str) -> None:
    import subprocess

    from statgen.outputs.assets import pandoc
    from statgen.outputs.page.html import markdown_text

    source = f"Term\n\n{markdown_text(label)} had 5.\n\n- {markdown_text(label)}: 5\n"
    run = subprocess.run(
        [pandoc(), "--from=markdown", "--to=html5"],
        input=source,
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stdout.split() == (
        f"<p>Term</p> <p>{label} had 5.</p> <ul> <li>{label}: 5</li> </ul>".split()
    ), run.stdout
