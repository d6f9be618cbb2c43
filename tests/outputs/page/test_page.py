"""The HTML page as text: draft banner, metadata for search engines, downloads with sizes,
plotly.js shipped once, the site index, and the Quarto engine where it is installed."""

from __future__ import annotations

import itertools
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import Pilot

from statgen.layout import Layout
from statgen.lifecycle import site
from statgen.outputs import assets as assets_mod
from statgen.outputs.assets import plotly_bundle
from statgen.outputs.page.html import human_size
from statgen.outputs.page.render import front_matter, render
from statgen.outputs.page.shell import GOVUK_FRONTEND_CSS, stylesheet
from statgen.pipeline import BuildResult


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text of <script type=ld+json>."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.jsonld: list[str] = []
        self._in_jsonld = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_jsonld = tag == "script" and dict(attrs).get("type") == "application/ld+json"

    def handle_endtag(self, tag: str) -> None:
        self._in_jsonld = False

    def handle_data(self, data: str) -> None:
        if self._in_jsonld:
            self.jsonld.append(data)


def parse(path: Path) -> Tags:
    tags = Tags()
    tags.feed(path.read_text(encoding="utf-8"))
    return tags


def render_meta(tmp_path: Path, meta: dict) -> str:
    qmd = tmp_path / "p.qmd"
    qmd.write_text(front_matter(meta, {}) + "\n## Body\n\nText.\n", encoding="utf-8")
    render(qmd, tmp_path / "p.html", "pandoc")
    return (tmp_path / "p.html").read_text(encoding="utf-8")


def test_a_draft_shows_the_banner_its_label_and_embargo_and_is_not_indexed(tmp_path: Path) -> None:
    html = render_meta(
        tmp_path,
        {
            "title": "T",
            "statgen_draft": True,
            "draft_label": "Draft 2 for review",
            "embargo": "Embargoed until 09:30 on 10 December 2026",
        },
    )
    banner = re.search(
        r'<div class="govuk-notification-banner statgen-draft-banner".*?</div>\n</div>', html, re.S
    )
    assert banner is not None
    text = re.sub(r"<[^>]+>", "", banner.group(0)).split("\n")
    assert [t for t in text if t.strip()] == [
        "Draft",
        "Draft: not for publication",
        "Draft 2 for review",
        "Embargoed until 09:30 on 10 December 2026",
    ]
    assert '<meta name="robots" content="noindex, nofollow">' in html


def test_a_published_page_has_no_banner_and_may_be_indexed(tmp_path: Path) -> None:
    html = render_meta(tmp_path, {"title": "T"})
    assert "statgen-draft-banner" not in html
    assert "noindex" not in html


def test_file_sizes_read_as_gov_uk_shows_them() -> None:
    assert [human_size(n) for n in (10, 2048, 2600, 1024 * 1024 * 1.25)] == [
        "1 KB",
        "2 KB",
        "3 KB",
        "1.2 MB",
    ]


def test_downloads_name_their_format_and_real_size(em_release: BuildResult) -> None:
    html = em_release.page.read_text(encoding="utf-8")
    listed = re.findall(
        r'<li><a class="govuk-link" href="([^"]+)">[^<]+</a> '
        r'<span class="statgen-file-meta">\((\w+), ([^)]+)\)</span></li>',
        html,
    )
    expected = [
        (
            p.relative_to(em_release.folder).as_posix(),
            p.suffix.lstrip(".").upper(),
            human_size(p.stat().st_size),
        )
        for p in em_release.downloads
    ]
    assert listed == expected
    figure_links = re.findall(r"Download the data for figure \d+ \(CSV, \d+ KB\)", html)
    assert len(figure_links) == len(em_release.publication.charts)


def test_the_page_describes_itself_to_search_engines_and_social_media(
    em_release: BuildResult,
) -> None:
    tags = parse(em_release.page)
    meta = {a.get("property"): a.get("content") for t, a in tags.tags if t == "meta"}
    period = em_release.period
    title = f"{em_release.publication.title}: {period.long_label}"
    assert meta["og:title"] == title
    assert meta["og:description"] == em_release.publication.summary
    assert meta["og:type"] == "article"
    assert meta["og:locale"] == "en_GB"
    (jsonld,) = tags.jsonld
    data = json.loads(jsonld)
    assert data["@type"] == "Dataset"
    assert data["name"] == title
    assert data["temporalCoverage"] == f"{period.start.isoformat()}/{period.end.isoformat()}"
    assert data["publisher"] == {"@type": "Organization", "name": "Ministry of Justice"}
    assert "open-government-licence" in data["license"]
    assert [(d["contentUrl"], d["encodingFormat"]) for d in data["distribution"]] == [
        (
            p.relative_to(em_release.folder).as_posix(),
            {
                ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ".ods": "application/vnd.oasis.opendocument.spreadsheet",
                ".csv": "text/csv",
            }[p.suffix],
        )
        for p in em_release.downloads
    ]


def test_a_page_of_static_charts_loads_no_plotly_js(em_release: BuildResult) -> None:
    scripts = [a["src"] for t, a in parse(em_release.page).tags if t == "script" and "src" in a]
    assert scripts == ["statgen-charts.js"]
    assert not list(em_release.folder.glob("plotly*"))
    images = [a["src"] for t, a in parse(em_release.page).tags if t == "img"]
    assert images == [f"charts/{c.id}.svg" for c in em_release.publication.charts]


def test_plotly_js_is_loaded_once_before_the_chart_script_when_interactive(
    tmp_path: Path,
) -> None:
    from conftest import ROOT, TODAY, copy_project

    from statgen.pipeline import build

    project = copy_project(tmp_path, "electronic-monitoring", 0.02)
    config = project / "publications" / "electronic-monitoring" / "publication.yaml"
    config.write_text(config.read_text("utf-8") + "interactive: true\n", "utf-8")
    result = build(project, "electronic-monitoring", today=TODAY)
    scripts = [a["src"] for t, a in parse(result.page).tags if t == "script" and "src" in a]
    assert scripts == [plotly_bundle().name, "statgen-charts.js"]
    assert (result.folder / scripts[0]).read_bytes() == plotly_bundle().read_bytes()
    assert not (result.folder / "charts" / "caseload-by-region.svg").exists()
    assert ROOT.is_dir()


def test_without_node_modules_the_full_plotly_bundle_is_used_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(assets_mod, "PLOTLY_BASIC", tmp_path / "missing.js")
    with pytest.warns(UserWarning, match="make vendor"):
        bundle = plotly_bundle()
    assert bundle.name == "plotly.min.js"
    assert bundle.is_file()


def write_release(releases: Path, slug: str, period: str, released: str) -> None:
    folder = releases / slug / period.lower().replace("q", "-q")
    folder.mkdir(parents=True)
    manifest = {"publication": slug, "period": period, "release_date": released}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def link_texts(html: str) -> list[str]:
    return re.findall(r'<a class="govuk-link" href="[^"]+/index.html">([^<]+)</a> \(', html)


def test_site_index_lists_every_publication_and_its_releases_newest_first(
    root: Path, tmp_path: Path
) -> None:
    releases = tmp_path / "releases"
    write_release(releases, "electronic-monitoring", "2026Q2", "2026-09-10")
    write_release(releases, "electronic-monitoring", "2026Q3", "2026-12-10")
    write_release(releases, "electronic-monitoring", "2025Q4", "2026-03-26")
    write_release(releases, "retired-series", "2024Q1", "2024-06-01")
    corrected = releases / "electronic-monitoring" / "2026-q2-v2"
    corrected.mkdir()
    (corrected / "manifest.json").write_text(
        json.dumps({"period": "2026Q2", "release_date": "2026-09-10", "published": {"version": 2}})
    )
    (releases / "electronic-monitoring" / ".2026-q4.building-x").mkdir()  # ignored
    pages = site.write_indexes(Layout(root, tmp_path / "work", releases))
    assert pages == [
        releases / "index.html",
        releases / "electronic-monitoring" / "index.html",
        releases / "retired-series" / "index.html",
    ]
    index = (releases / "index.html").read_text(encoding="utf-8")
    spans = re.findall(
        r"<li><a [^>]+>([^<]+)</a>(?: \(superseded[^)]*\))? <span [^>]+>\(([^)]+)\)", index
    )
    assert index.count("(superseded by version 2)") == 1
    assert spans == [
        ("Electronic monitoring statistics: July to September 2026", "published 10 December 2026"),
        (
            "Electronic monitoring statistics: April to June 2026 (corrected, version 2)",
            "published 10 September 2026",
        ),
        ("Electronic monitoring statistics: April to June 2026", "published 10 September 2026"),
        ("Electronic monitoring statistics: October to December 2025", "published 26 March 2026"),
        ("retired-series: January to March 2024", "published 1 June 2024"),
    ]
    assert 'href="electronic-monitoring/2026-q3/index.html"' in index
    one = (releases / "electronic-monitoring" / "index.html").read_text(encoding="utf-8")
    assert 'href="../statgen.css"' in one
    assert re.findall(r'<li><a class="govuk-link" href="([^"]+)"', one) == [
        "2026-q3/index.html",
        "2026-q2-v2/index.html",
        "2026-q2/index.html",
        "2025-q4/index.html",
    ]
    assert (releases / "statgen.css").read_bytes() == stylesheet()
    assert stylesheet().startswith(GOVUK_FRONTEND_CSS.read_bytes())


def test_publishing_writes_the_site_index_the_pages_links_lead_to(pilot_site: dict) -> None:
    pilot = pilot_site["electronic-monitoring"]
    assert isinstance(pilot, Pilot), pilot
    releases = pilot.folder.parent.parent
    index = (releases / "index.html").read_text(encoding="utf-8")
    for slug, other in pilot_site.items():
        if isinstance(other, Pilot):
            assert f'href="{slug}/{other.folder.name}/index.html"' in index
    html = pilot.page.read_text(encoding="utf-8")
    assert "statgen-draft-banner" not in html
    # The page's breadcrumbs and "Previous releases" link lead to these indexes.
    for href in ("../../index.html", "../index.html"):
        assert f'href="{href}"' in html
        assert (pilot.folder / href).resolve().is_file()
    # Drafts are not listed: the indexes are for the public.
    assert "draft" not in index.lower()


@pytest.mark.skipif(shutil.which("quarto") is None, reason="quarto is not installed")
def test_the_quarto_engine_renders_the_same_page(em_release: BuildResult, tmp_path: Path) -> None:
    """Quarto, where installed, gives a page with the same structure as Pandoc's."""
    qmd = tmp_path / "publication.qmd"
    shutil.copyfile(em_release.folder / "publication.qmd", qmd)
    assert render(qmd, tmp_path / "quarto.html", "quarto") == "quarto"
    render(qmd, tmp_path / "pandoc.html", "pandoc")

    def outline(path: Path) -> list[tuple[str, str]]:
        return [
            (t, a.get("id", ""))
            for t, a in parse(path).tags
            if t in ("h1", "h2", "table", "figure")
        ]

    assert outline(tmp_path / "quarto.html") == outline(tmp_path / "pandoc.html")
    assert "statgen-skip-link" in (tmp_path / "quarto.html").read_text(encoding="utf-8")


def test_the_page_has_one_h1_headings_in_order_and_landmarks(pilot_site: dict) -> None:
    pilot = pilot_site["electronic-monitoring"]
    assert isinstance(pilot, Pilot), pilot
    releases = pilot.folder.parent.parent
    for path in (
        pilot.page,
        pilot.draft.page,
        releases / "index.html",
        pilot.folder.parent / "index.html",
    ):
        tags = [t for t, _ in parse(path).tags]
        # Notification banners (draft, sample data) come before the h1, as GOV.UK places them.
        levels = [
            int(t[1])
            for t, a in parse(path).tags
            if re.fullmatch(r"h[1-6]", t) and a.get("class") != "govuk-notification-banner__title"
        ]
        assert levels[0] == 1 and levels.count(1) == 1, path
        assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), (path, levels)
        assert {"header", "nav", "main", "footer"} <= set(tags), path
        assert parse(path).tags[0] == ("html", {"lang": "en-GB", "class": "govuk-template no-js"})
