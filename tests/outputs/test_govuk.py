"""The GOV.UK bundle: the govspeak rendered by an independent renderer (marked with
@x-govuk/marked-govspeak, node), checked against the HTML page and the CSV files; axe on the
result; snapshots of both pilots' govspeak; static chart images."""

from __future__ import annotations

import html
import json
import re
import shutil
import struct
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from conftest import NODE_MODULES, ROOT, Pilot, pilot_slugs, require

from statgen.outputs import chart_images

RENDER = Path(__file__).with_name("govspeak_render.js")


class Tables(HTMLParser):
    """Headings, tables (cells with tag and scope), images and callout classes of an HTML text."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[tuple[str, str]] = []
        self.tables: list[list[list[tuple[str, str | None, str]]]] = []
        self.images: list[dict[str, str | None]] = []
        self.captions: list[str] = []
        self.classes: list[str] = []
        self._figures: list[str] = []
        self._text: list[str] | None = None
        self._cell: tuple[str, str | None] | None = None
        self._heading: str | None = None
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.classes += (a.get("class") or "").split()
        if tag == "details":
            self._skip += 1
        if self._skip:
            return
        if tag in ("h2", "h3", "h4"):
            self._heading, self._text = tag, []
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("th", "td") and self.tables:
            self._cell, self._text = (tag, a.get("scope")), []
        elif tag == "figure":
            self._figures.append(a.get("class") or "")
        elif tag == "figcaption":
            self._text = []
        elif tag == "img":
            self.images.append({**a, "figure": self._figures[-1] if self._figures else None})
        elif tag == "br" and self._text is not None:
            self._text.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "details":
            self._skip -= 1
        if self._skip:
            return
        if tag == "figure" and self._figures:
            self._figures.pop()
        elif tag == "figcaption" and self._text is not None:
            self.captions.append(" ".join("".join(self._text).split()))
            self._text = None
        elif tag == self._heading and self._text is not None:
            self.headings.append((tag, " ".join("".join(self._text).split())))
            self._heading = self._text = None
        elif tag in ("th", "td") and self._cell and self._text is not None:
            text = " ".join("".join(self._text).split())
            self.tables[-1][-1].append((self._cell[0], self._cell[1], text))
            self._cell = self._text = None

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)


def parse(text: str, part: str | None = None) -> Tables:
    if part:
        text = text[text.index(part) :]
    parser = Tables()
    parser.feed(text)
    return parser


def render_govspeak(text: str, images: Path) -> str:
    """HTML of govspeak ``text``, its ``[Image:id]`` embeds resolved from ``images`` (JSON)."""
    require(shutil.which("node") is not None, "Node.js", "install nodejs (see .ci/run)")
    require(
        (NODE_MODULES / "@x-govuk" / "marked-govspeak").is_dir(),
        "node_modules (@x-govuk/marked-govspeak, marked)",
        "run `npm ci` (`make test` does it)",
    )
    run = subprocess.run(
        ["node", str(RENDER), str(images)],
        input=text,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return run.stdout


def pilot(pilot_site: dict, slug: str) -> Pilot:
    found = pilot_site[slug]
    assert isinstance(found, Pilot), found
    return found


def govspeak(p: Pilot) -> str:
    return (p.folder / "govuk" / "publication.govspeak.md").read_text(encoding="utf-8")


def rendered(p: Pilot) -> str:
    """The pilot's govspeak in HTML, with the images Whitehall would hold (govuk/images.json)."""
    return render_govspeak(govspeak(p), p.folder / "govuk" / "images.json")


@pytest.mark.parametrize("slug", pilot_slugs())
def test_govspeak_renders_every_heading_table_image_and_callout(
    pilot_site: dict, slug: str
) -> None:
    p = pilot(pilot_site, slug)
    text = govspeak(p)
    assert re.search(r"<[A-Za-z/!]", text) is None  # no raw HTML
    assert not re.search(r"^# ", text, re.M)  # the title (h1) is Whitehall's
    html = rendered(p)
    got = parse(html)
    page = parse(p.page.read_text(encoding="utf-8"), '<div class="statgen-body">')
    assert [h for h in got.headings if h[0] == "h2"] == [h for h in page.headings if h[0] == "h2"]
    # Every data table of the page, cell for cell, each header cell a th with its scope.
    assert len(got.tables) == len(page.tables) > 0
    for mine, theirs in zip(got.tables, page.tables, strict=True):
        assert [[c[2] for c in row] for row in mine] == [[c[2] for c in row] for row in theirs]
        head, *body = mine
        assert all(tag == "th" and scope == "col" for tag, scope, _ in head)
        # The first column's cells are row headers; govspeak reads no other cell as one, so
        # a second label column (order type by quarter) is data cells whose text, compared
        # above, is the page's label (no "# " left in it).
        assert all(row[0][:2] == ("th", "row") for row in body)
        assert all(c[:2] == ("td", None) for row in body for c in row[1:])
    # Each chart embedded by its file name alone on a line (no markdown image to replace), shown
    # as govspeak shows an uploaded image: a figure with the description as the alternative
    # text and "Figure N: title" as the caption; the PNG 960 px wide.
    charts = json.loads((p.folder / "charts" / "charts.json").read_text(encoding="utf-8"))
    assert re.findall(r"^\[Image:(.*)\]$", text, re.M) == [f"{c['id']}.png" for c in charts]
    assert "![" not in text and "images/" not in text
    assert [(i["figure"], i["src"], i["alt"]) for i in got.images] == [
        ("image embedded", f"images/{c['id']}.png", c["description"]) for c in charts
    ]
    assert got.captions == [f"Figure {c['number']}: {c['title']}" for c in charts]
    for image in got.images:
        png = (p.folder / "govuk" / str(image["src"])).read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">I", png[16:20])[0] == chart_images.WIDTH
        assert (p.folder / "govuk" / str(image["src"])).with_suffix(".svg").is_file()
    # The sample-data notice is a warning callout; the contact details a contact block.
    assert "govspeak-warning-callout" in got.classes and "govspeak-contact" in got.classes
    assert "Sample data: This release was built from a sample extract" in html


@pytest.mark.parametrize("slug", pilot_slugs())
def test_every_figure_in_the_govspeak_is_the_pages_and_the_csvs(
    pilot_site: dict, slug: str
) -> None:
    p = pilot(pilot_site, slug)
    got = parse(rendered(p))
    listed = json.loads((p.folder / "govuk" / "attachments.json").read_text(encoding="utf-8"))
    csvs = [(p.folder / "govuk" / a["file"]).resolve() for a in listed if a["format"] == "CSV"]
    assert len(csvs) == len(got.tables)
    for table, csv in zip(got.tables, csvs, strict=True):
        values = pl.read_csv(csv, infer_schema=False)["value"].drop_nulls().to_list()
        published = {float(v) for v in values}
        for row in table[1:]:
            for _, _, text in row[1:]:
                number = re.sub(r"\s*\[[a-z]\]$", "", text).replace(",", "")
                if re.fullmatch(r"-?\d+(\.\d+)?", number):
                    assert any(abs(float(number) - v) < 0.05 + 1e-9 for v in published), (
                        csv.name,
                        text,
                    )


@pytest.mark.parametrize("slug", pilot_slugs())
def test_the_readme_says_upload_the_images_with_their_texts_and_paste_unchanged(
    pilot_site: dict, slug: str
) -> None:
    p = pilot(pilot_site, slug)
    readme = (p.folder / "govuk" / "README.md").read_text(encoding="utf-8")
    charts = json.loads((p.folder / "charts" / "charts.json").read_text(encoding="utf-8"))
    for c in charts:  # each upload named, with the alt text and caption to give it
        line = next(x for x in readme.splitlines() if f"`{c['id']}.png`" in x)
        assert c["description"] in line and f"Figure {c['number']}: {c['title']}" in line
    assert "unchanged" in readme and "replace" not in readme.lower()
    assert "images.json" in readme


def _list_after(html_text: str, marker: str) -> list[tuple[str | None, str]]:
    """(link target, text) of each item of the first list after ``marker`` in ``html_text``."""
    start = html_text.index(marker)
    block = html_text[start : html_text.index("</ul>", start)]
    items = []
    for item in re.findall(r"<li[^>]*>(.*?)</li>", block, re.S):
        href = re.search(r'href="([^"]+)"', item)
        text = html.unescape(" ".join(re.sub(r"<[^>]+>", " ", item).split()))
        items.append((href.group(1) if href else None, text.replace(" )", ")")))
    return items


@pytest.mark.parametrize("slug", pilot_slugs())
def test_the_govspeak_offers_only_the_files_attached_in_whitehall(
    pilot_site: dict, slug: str
) -> None:
    """The bulletin's "Download the data" names each file uploaded as an attachment (the
    README's list), in its order, and nothing that is not uploaded (the XLSX workbook)."""
    p = pilot(pilot_site, slug)
    listed = json.loads((p.folder / "govuk" / "attachments.json").read_text(encoding="utf-8"))
    uploaded = [(p.folder / "govuk" / a["file"]).resolve() for a in listed]
    offered = _list_after(p.page.read_text(encoding="utf-8"), 'class="statgen-downloads"')
    by_file = {(p.page.parent / str(href)).resolve(): text for href, text in offered}
    assert any(f.suffix == ".xlsx" for f in by_file)  # the page offers the workbook ...
    assert all(f.suffix in (".ods", ".csv") for f in uploaded)  # ... Whitehall does not get it
    csvs = [f for f in by_file if f.suffix == ".csv"]  # one per table
    assert uploaded[0].suffix == ".ods" and uploaded[1:] == csvs and csvs
    govspeak_items = _list_after(rendered(p), ">Download the data</h2>")
    assert [text for _, text in govspeak_items] == [by_file[f] for f in uploaded]


@pytest.mark.parametrize("slug", pilot_slugs())
def test_govspeak_snapshot(pilot_site: dict, slug: str, snapshot: Any) -> None:
    assert govspeak(pilot(pilot_site, slug)) == snapshot


@pytest.mark.parametrize("slug", pilot_slugs())
def test_axe_finds_no_violations_in_the_rendered_govspeak(
    browser: Any, pilot_site: dict, slug: str, tmp_path: Path
) -> None:
    import axe_playwright_python

    axe = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text("utf-8")
    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
    p = pilot(pilot_site, slug)
    body = rendered(p)
    page_file = p.folder / "govuk" / "rendered-for-test.html"
    page_file.write_text(
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{p.publication.title}</title></head><body><main>{body}</main></body></html>",
        encoding="utf-8",
    )
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(page_file.as_uri())
        shots = ROOT / "build" / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / f"{slug}-govspeak.png"), full_page=True)
        page.add_script_tag(content=axe)
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", tags
        )
        page.close()
    finally:
        page_file.unlink()
    assert [v["id"] for v in result["violations"]] == []
    assert len(result["passes"]) >= 5


def test_chart_images_are_the_same_bytes_each_time_with_no_random_ids(em_release: Any) -> None:
    charts = json.loads((em_release.folder / "charts" / "charts.json").read_text("utf-8"))
    figure = charts[0]["figure"]
    first, second = chart_images.draw(figure, "f1"), chart_images.draw(figure, "f1")
    assert first == second
    assert (em_release.folder / "charts" / f"{charts[0]['id']}.svg").read_bytes() == first.svg
    assert re.search(rb"(clip|trace|legend|defs-)[0-9a-f]{6}", first.svg) is None


def test_without_chromium_the_build_says_so_and_falls_back_to_interactive_charts(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from conftest import TODAY, copy_project

    from statgen.pipeline import build

    monkeypatch.setenv(chart_images.CHROMIUM_ENV, "")
    project = copy_project(tmp_path, "electronic-monitoring", 0.02)
    with pytest.warns(UserWarning, match="install the Debian package `chromium-headless-shell`"):
        result = build(project, "electronic-monitoring", today=TODAY)
    meta = json.loads((result.folder / "manifest.json").read_text(encoding="utf-8"))
    assert meta["parameters"]["chart_renderer"] == "plotly.js"
    page = result.page.read_text(encoding="utf-8")
    assert 'class="statgen-chart"' in page and "<img" not in page
    assert not (result.folder / "govuk" / "images").exists()
    readme = (result.folder / "govuk" / "README.md").read_text(encoding="utf-8")
    assert "images/" not in readme  # nothing to upload from a folder that is not there
    assert "no chart images to upload" in readme


def test_govspeak_markers_in_text_stay_text(tmp_path: Path) -> None:
    # Govspeak reads a line starting "%", "^", "@" or "$CTA" as a callout: a category label
    # written at the start of a sentence ("% of cases %", "$CTA ... $CTA") must stay text.
    from statgen.outputs.govuk import write_govspeak
    from statgen.outputs.page.html import markdown_text

    labels = ["% warn % text", "^info^ label", "@imp@ x", "$CTA act $CTA"]
    body = "\n\n".join(f"{markdown_text(label)} is a group." for label in labels)
    qmd = tmp_path / "page.qmd"
    qmd.write_text(f"---\ntitle: T\n---\n\n{body}\n", encoding="utf-8")
    text = write_govspeak(qmd, tmp_path / "govuk").read_text(encoding="utf-8")
    images = tmp_path / "images.json"
    images.write_text("[]", encoding="utf-8")
    html = render_govspeak(text, images)
    assert "callout" not in html and "call-to-action" not in html, html
    assert all(not line.startswith(("%", "^", "@", "$")) for line in text.splitlines()), text
    # The text reads as written (entities for the markers' first characters).
    from html import unescape

    shown = unescape(re.sub(r"<[^>]+>", "", html))
    for label in labels:
        assert f"{label} is a group." in shown, shown


def write_page(tmp_path: Path, body: str) -> tuple[str, str]:
    """The govspeak of a page source whose body is ``body``, and its HTML (no images)."""
    from statgen.outputs.govuk import write_govspeak

    qmd = tmp_path / "page.qmd"
    qmd.write_text(f"---\ntitle: T\n---\n\n{body}\n", encoding="utf-8")
    text = write_govspeak(qmd, tmp_path / "govuk").read_text(encoding="utf-8")
    images = tmp_path / "images.json"
    images.write_text("[]", encoding="utf-8")
    return text, render_govspeak(text, images)


def test_only_the_first_label_column_is_marked_as_a_govspeak_row_header(tmp_path: Path) -> None:
    # Govspeak makes a row header of the first cell of a body row only (post_processor.rb,
    # "td:first-child"): a "# " written in the second label column would be shown as text.
    table = (
        "```{=html}\n<table><caption>Table 1: Orders</caption><thead><tr>"
        '<th scope="col">Quarter</th><th scope="col">Order type</th><th scope="col">Orders</th>'
        '</tr></thead><tbody><tr><th scope="row">Jan to Mar 2026</th>'
        '<th scope="row">Court bail</th><td>5</td></tr></tbody></table>\n```'
    )
    text, html = write_page(tmp_path, table)
    assert "| # Jan to Mar 2026 | Court bail | 5 |" in text, text
    rows = parse(html).tables[0]
    assert rows == [
        [("th", "col", "Quarter"), ("th", "col", "Order type"), ("th", "col", "Orders")],
        [("th", "row", "Jan to Mar 2026"), ("td", None, "Court bail"), ("td", None, "5")],
    ]


# Govspeak's (and Whitehall's) extensions are regular expressions run over the source before
# kramdown reads it (lib/govspeak.rb, Document#preprocess), so a backslash does not hide them:
# each, as govspeak writes it, with what a label holding it must never give.
GOVSPEAK_EXTENSIONS = {
    "Contact": r"\[Contact:\s*(.*?)\s*\]",
    "embed link": r"\[embed:link:\s*(.*?)\s*\]",
    "embed attachment inline": r"\[embed:attachments:inline:\s*(.*?)\s*\]",
    "AttachmentLink": r"\[AttachmentLink:\s*(.*?)\s*\]",
    "Image": r"(?m)^\[Image:\s*(.*?)\s*\]",
    "Attachment": r"(?m)^\[Attachment:\s*(.*?)\s*\]",
    "barchart": r"{barchart(.*?)}",
    "devolved": r"(?s):(scotland|england|england-wales|northern-ireland|wales|london):(.*?):\1:",
    "attached image": r"(?m)^!!([0-9]+)",
    "numbered list": r"(?m)^[ \t]*((s\d+\.\s.*(?:\n|$))+)",
    # Whitehall's own, before govspeak: an attachment block and an inline attachment.
    "Whitehall attachment": r"(?m)^!@([0-9]+)",
    "Whitehall inline attachment": r"\[InlineAttachment:([0-9]+)\]",
}


def test_labels_at_a_line_start_or_holding_govspeak_extensions_stay_text(tmp_path: Path) -> None:
    from html import unescape

    from statgen.outputs.page.html import markdown_text

    labels = [
        "# Hash group",
        "- Dash group",
        "+ Plus group",
        "1. First group",
        ": Colon group",
        "s1. Step group",
        "!!1 Image group",
        "!@1 Attachment group",
        "[Contact: team]",
        "[InlineAttachment:1]",
        "[AttachmentLink: data.ods]",
        "[embed:link: abc]",
        "{barchart}",
        ":wales: Welsh :wales:",
    ]
    paragraphs = "\n\n".join(f"{markdown_text(label)} is a group." for label in labels)
    items = "\n".join(f"- {markdown_text(label)}: 5" for label in labels)
    text, html = write_page(tmp_path, f"{paragraphs}\n\n{items}")
    for name, pattern in GOVSPEAK_EXTENSIONS.items():
        assert not re.search(pattern, text), (name, text)
    # Read by kramdown's rules (marked here): no heading, no list but the one list of labels,
    # the text as written.
    assert not re.search(r"<h\d|<ol|govspeak-steps", html), html
    assert html.count("<ul") == 1 and html.count("<li") == len(labels), html
    shown = unescape(re.sub(r"<[^>]+>", "", html))
    for label in labels:
        assert f"{label} is a group." in shown, (label, shown)
        assert f"{label}: 5" in shown, (label, shown)
