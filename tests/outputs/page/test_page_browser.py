"""The HTML pages in a real browser: axe-core (WCAG 2.2 AA), keyboard, reflow, requests, budgets,
JavaScript off, valid HTML (Nu HTML Checker) and screenshots for reviewers.

The pilots are built at a small scale (``pilot_site``), and so is a ``statgen new`` publication of
every frequency (``new_site``), each published into a site of its own: each one's page, draft,
list of releases and QA report, the pilots' diff reports and both site indexes are checked.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import pytest
from conftest import (
    FREQUENCIES,
    ROOT,
    VNU_JAR,
    Pilot,
    new_slug,
    pilot_slugs,
    require,
    require_node_modules,
)

from statgen.errors import StatgenError
from statgen.review import diff

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENSHOTS = ROOT / "build" / "screenshots"
PAGE_BUDGET = 250_000
"""Bytes: everything a default page (static charts) loads: HTML, the stylesheet, scripts, SVGs."""

NEW = [new_slug(f) for f in FREQUENCIES]
PAGES = [
    *pilot_slugs(),
    *(f"{slug}/draft" for slug in pilot_slugs()),
    *(f"{slug}/releases" for slug in pilot_slugs()),
    "site-index",
    *(f"{slug}/diff" for slug in pilot_slugs()),
    *(f"{slug}/qa" for slug in pilot_slugs()),
    *(f"{slug}/reviewers" for slug in pilot_slugs()),
    *NEW,
    *(f"{slug}/{kind}" for slug in NEW for kind in ("draft", "releases", "qa", "reviewers")),
    "new-site-index",
]
"""Every page statgen writes: each publication's published page, its draft (with the banner),
its list of releases, its QA report and its reviewers' index of drafts, the pilots' diff reports
(draft against release) and the two site indexes."""


def page_file(site: dict[str, Pilot], which: str) -> tuple[Path, Path]:
    """The HTML file of a page and the folder its requests must stay in."""
    if which in ("site-index", "new-site-index"):
        releases = site[NEW_ROOT if which.startswith("new") else SITE_ROOT]  # type: ignore[assignment]
        return releases / "index.html", releases
    slug, _, kind = which.partition("/")
    releases = site[NEW_ROOT if slug in NEW else SITE_ROOT]  # type: ignore[assignment]
    if kind == "releases":
        site[slug]  # a publication that did not build fails here
        # The publication's index links its stylesheet from the site folder above it.
        return releases / slug / "index.html", releases
    if kind == "draft":
        return site[slug].draft.page, site[slug].draft.folder
    if kind == "diff":
        # The reviewers' report: the draft against the release published from it.
        out = site[slug].draft.folder.parents[1] / "diff-for-browser-tests"
        if not (out / "index.html").is_file():
            diff.write_report(site[slug].folder, site[slug].draft.folder, out)
        return out / "index.html", out
    if kind == "reviewers":
        index = site[slug].draft.folder.parents[1] / "index.html"  # build/<slug>/index.html
        return index, index.parent
    if kind == "qa":
        qa_page = site[slug].draft.folder / "qa.html"
        return qa_page, qa_page.parent
    return site[slug].page, site[slug].folder


def axe_script() -> str:
    """axe-core, as shipped in the axe-playwright-python package."""
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


SITE_ROOT = "releases folder"
NEW_ROOT = "releases folder of the statgen new site"


class Built(dict):
    """The pilot builds by slug; a publication whose build failed fails its own tests."""

    def __getitem__(self, slug: str) -> Any:
        value = super().__getitem__(slug)
        if isinstance(value, StatgenError):
            pytest.fail(f"{slug} did not build: {value}")
        return value


@pytest.fixture(scope="module")
def site(request: pytest.FixtureRequest) -> dict[str, Pilot]:
    require_node_modules()  # before building anything
    found: dict[str, Any] = {}
    for fixture, key in (("pilot_site", SITE_ROOT), ("new_site", NEW_ROOT)):
        each: dict[str, Pilot | StatgenError] = request.getfixturevalue(fixture)
        built = [b for b in each.values() if isinstance(b, Pilot)]
        if not built:
            pytest.fail(f"no publication built: {each}")
        found |= {**each, key: built[0].folder.parent.parent}
    return Built(found)


def open_page(browser: Any, path: Path, width: int = 1280, js: bool = True) -> tuple[Any, list]:
    """Open ``path`` in a fresh context; returns the page and the list of requested URLs."""
    context = browser.new_context(
        viewport={"width": width, "height": 900}, java_script_enabled=js, reduced_motion="reduce"
    )
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri(), wait_until="load")
    if js and page.locator(".statgen-chart").count():
        page.wait_for_function(
            "[...document.querySelectorAll('.statgen-chart')]"
            ".every(d => d.hidden || d.querySelector('.main-svg'))",
            timeout=20_000,
        )
    return page, requests


@pytest.mark.parametrize("which", PAGES)
def test_axe_finds_no_wcag_22_aa_violations(browser: Any, site: dict, which: str) -> None:
    path, _ = page_file(site, which)
    page, _ = open_page(browser, path)
    # Open every "Show the data" so the tables inside are checked as well.
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    page.add_script_tag(content=axe_script())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    page.context.close()
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + "; ".join(
            n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
            for n in v["nodes"][:5]
        )
        for v in result["violations"]
    ]
    assert violations == []
    assert len(result["passes"]) >= 10  # the rules really ran against this page
    assert result["testEngine"]["name"] == "axe-core"


FOCUSABLE = (
    "a[href], button:not([disabled]), input:not([disabled]), select, textarea, summary, "
    "[tabindex]:not([tabindex='-1'])"
)


@pytest.mark.parametrize("which", PAGES)
def test_tab_reaches_every_control_in_order_with_visible_focus(
    browser: Any, site: dict, which: str
) -> None:
    path, _ = page_file(site, which)
    page, _ = open_page(browser, path)
    expected = page.evaluate(
        """sel => [...document.querySelectorAll(sel)]
             .filter(e => e.checkVisibility({visibilityProperty: true}))
             .map((e, i) => { e.dataset.tabOrder = i; return i; })""",
        FOCUSABLE,
    )
    style_js = """e => { const s = getComputedStyle(e);
        return [s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor, s.boxShadow,
                s.backgroundColor, s.color, s.textDecorationLine].join(' | '); }"""
    reached, not_visible = [], []
    for _ in range(len(expected) + 5):
        page.keyboard.press("Tab")
        order = page.evaluate("document.activeElement.dataset.tabOrder ?? null")
        if order is None:
            break
        focused = page.evaluate_handle("document.activeElement")
        style = page.evaluate(style_js, focused)
        shown = page.evaluate(
            "e => getComputedStyle(e).outlineStyle !== 'none' || getComputedStyle(e).boxShadow !== 'none'",
            focused,
        )
        page.evaluate("e => e.blur()", focused)
        if not shown or style == page.evaluate(style_js, focused):
            not_visible.append(page.evaluate("e => e.outerHTML.slice(0, 120)", focused))
        page.evaluate("e => e.focus()", focused)
        reached.append(int(order))
    page.context.close()
    assert reached == expected
    assert not_visible == []


@pytest.mark.parametrize("which", PAGES)
def test_skip_link_moves_focus_to_main(browser: Any, site: dict, which: str) -> None:
    path, _ = page_file(site, which)
    page, _ = open_page(browser, path)
    page.keyboard.press("Tab")
    first = page.evaluate("[document.activeElement.textContent]")
    page.keyboard.press("Enter")
    focused = page.evaluate("document.activeElement.id")
    page.keyboard.press("Tab")
    inside_main = page.evaluate("!!document.activeElement.closest('main')")
    page.context.close()
    assert first[0] == "Skip to main content"
    assert focused == "main-content"
    assert inside_main


@pytest.mark.parametrize("which", PAGES)
def test_no_horizontal_scrolling_at_320_css_pixels(browser: Any, site: dict, which: str) -> None:
    path, _ = page_file(site, which)
    page, _ = open_page(browser, path, width=320)
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.body.scrollWidth, window.innerWidth]"
    )
    page.context.close()
    assert widths[0] <= widths[2] and widths[1] <= widths[2], widths


@pytest.mark.parametrize("which", PAGES)
def test_no_request_leaves_the_release_folder(browser: Any, site: dict, which: str) -> None:
    path, folder = page_file(site, which)
    page, requests = open_page(browser, path)
    page.wait_for_timeout(300)  # anything a script fetches late
    page.context.close()
    outside = [
        url
        for url in requests
        if urlparse(url).scheme != "file"
        or not Path(unquote(urlparse(url).path)).resolve().is_relative_to(folder.resolve())
    ]
    assert requests and outside == []


def page_weight(requests: list[str]) -> dict[str, int]:
    """Bytes of every file a page loaded, by file name."""
    weights: dict[str, int] = {}
    for url in dict.fromkeys(requests):
        file = Path(unquote(urlparse(url).path))
        weights[file.name] = weights.get(file.name, 0) + file.stat().st_size
    return weights


@pytest.mark.parametrize("slug", pilot_slugs())
def test_page_weight_is_within_budget(browser: Any, site: dict, slug: str) -> None:
    page, requests = open_page(browser, site[slug].page)
    page.context.close()
    weights = page_weight(requests)
    total = sum(weights.values())
    plotly = sum(v for k, v in weights.items() if k.startswith("plotly"))
    report = ROOT / "build" / "page-weights.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    known = json.loads(report.read_text()) if report.exists() else {}
    known[slug] = {"total": total, "without_plotly": total - plotly, "files": weights}
    report.write_text(json.dumps(known, indent=2, sort_keys=True) + "\n")
    assert plotly == 0, weights  # static charts: no plotly.js
    assert total <= PAGE_BUDGET, weights
    assert sum(1 for k in weights if k.endswith(".svg")) == len(site[slug].publication.charts)


@pytest.mark.parametrize("slug", pilot_slugs())
def test_without_javascript_the_charts_and_their_data_are_shown(
    browser: Any, site: dict, slug: str
) -> None:
    page, requests = open_page(browser, site[slug].page, js=False)
    figures = page.locator("figure.statgen-figure")
    n = figures.count()
    charts_shown = page.evaluate(
        "[...document.querySelectorAll('figure.statgen-figure img')]"
        ".map(i => i.complete && i.naturalWidth > 0 && i.getBoundingClientRect().height > 100)"
    )
    for i in range(n):
        figures.nth(i).locator("summary").click()
    rows_shown = [
        figures.nth(i).locator("details table tbody tr").first.is_visible() for i in range(n)
    ]
    page.context.close()
    assert not any(name.startswith("plotly") for name in page_weight(requests))
    assert charts_shown == [True] * n and n == len(site[slug].publication.charts)
    assert rows_shown == [True] * n


@pytest.mark.parametrize("slug", pilot_slugs())
def test_charts_draw_and_screenshots_are_saved(browser: Any, site: dict, slug: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    drawn = []
    for name, width in (("desktop", 1280), ("mobile", 320)):
        page, _ = open_page(browser, site[slug].page, width=width)
        # The narrow SVG on small screens, the wide one otherwise; each drawn by Plotly.
        drawn.append(
            page.evaluate(
                "[...document.querySelectorAll('figure.statgen-figure img')].map(i => "
                "i.complete && i.naturalWidth > 0 && i.currentSrc.includes(arguments[0]))".replace(
                    "arguments[0]", "'-narrow.svg'" if width == 320 else "'.svg'"
                )
            )
        )
        page.screenshot(path=str(SCREENSHOTS / f"{slug}-{name}.png"), full_page=True)
        page.context.close()
    assert all(drawn[0]) and all(drawn[1]) and len(drawn[0]) == len(site[slug].publication.charts)


def test_nu_html_checker_finds_no_errors(site: dict) -> None:
    require(
        shutil.which("java") is not None,
        "Java",
        "install a JRE (`apt-get install default-jre-headless`)",
    )
    # Pages of publications that did not build fail in their own tests.
    built = [w for w in PAGES if not isinstance(dict.get(site, w.split("/")[0]), StatgenError)]
    files = [str(page_file(site, w)[0]) for w in built]
    run = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(run.stderr or run.stdout or '{"messages": []}')["messages"]
    errors = [
        f"{Path(unquote(urlparse(m.get('url', '')).path)).name}:{m.get('lastLine')}: {m['message']}"
        for m in messages
    ]
    assert errors == []
    assert run.returncode == 0


@pytest.mark.parametrize("slug", pilot_slugs())
def test_print_gives_a_paper_copy_with_the_data_and_without_navigation(
    browser: Any, site: dict, slug: str
) -> None:
    page, _ = open_page(browser, site[slug].page)
    page.emulate_media(media="print")
    shown = page.evaluate(
        """() => ({
          navigation: [...document.querySelectorAll('.statgen-skip-link, .statgen-breadcrumbs')]
            .filter(e => e.checkVisibility()).length,
          figureTables: [...document.querySelectorAll('figure details table')]
            .map(t => t.checkVisibility() && t.getBoundingClientRect().height > 0),
        })"""
    )
    out = ROOT / "build" / "print" / f"{slug}.pdf"
    out.parent.mkdir(parents=True, exist_ok=True)
    page.pdf(path=str(out), format="A4")
    page.context.close()
    assert shown["navigation"] == 0
    assert shown["figureTables"] == [True] * len(site[slug].publication.charts)
    assert out.read_bytes()[:5] == b"%PDF-"
