"""The HTML publication: assemble the page's Quarto markdown (front matter, commentary, tables,
downloads), copy its assets, and render it."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

from markupsafe import Markup

from statgen.config import Publication
from statgen.outputs import charts as charts_mod
from statgen.outputs.assets import assets, plotly_bundle
from statgen.outputs.page.commentary import Context
from statgen.outputs.page.html import human_size
from statgen.outputs.page.render import front_matter
from statgen.outputs.page.shell import STYLESHEET, write_stylesheet
from statgen.outputs.page.templating import check_placement, fill
from statgen.periods import Period, format_date

SAMPLE_NOTICE = (
    "This release was built from a sample extract generated for testing. The figures are "
    "realistic in scale but they are not real data and must not be used."
)
"""The notice on pages (and in the GOV.UK bundle) built from sample extracts."""


def page_source(
    publication: Publication,
    context: Context,
    period: Period,
    release_date: dt.date,
    next_release: dt.date | None,
    downloads: list[Path],
    drawn: list[charts_mod.DrawnChart],
    is_sample: bool,
) -> str:
    """The Quarto markdown of the page: front matter, commentary, tables, downloads.

    Drafts are stamped afterwards (:mod:`statgen.lifecycle.drafts`): ``statgen_draft``,
    ``draft_label``
    and ``embargo`` show the "Draft: not for publication" banner and keep search engines away.
    """
    title = f"{publication.title}: {period.long_label}"
    links = download_links(publication, context, period, downloads)
    # The commentary was rendered with autoescaping already: insert it as it is.
    context.placed.clear()
    commentary = Markup(fill(publication, context, publication.commentary))
    check_placement(publication, context.placed, drawn)
    body = fill(
        publication,
        context,
        "publication.qmd.j2",
        commentary=commentary,
        downloads=links,
        tables=list(context.tables.values()),
        sample=is_sample,
    )
    meta: dict[str, Any] = {
        "lang": "en-GB",
        "title": title,
        "pagetitle": f"{title} - {publication.organisation}",
        "description": publication.summary,
        "organisation": publication.organisation,
        "status": publication.status,
        "release_date": format_date(release_date),
        "next_release_date": format_date(next_release) if next_release else "To be announced",
        "period_label": period.long_label,
        "contact": publication.contact.model_dump(exclude_none=True),
        "breadcrumbs": [
            {"text": "Statistics", "href": "../../index.html"},
            {"text": publication.title, "href": "../index.html"},
            {"text": period.long_label},
        ],
        "publication_index_href": publication.previous_releases_url or "../index.html",
        "stylesheets": [STYLESHEET],
        # The plotly.js bundle (about 1 MB) loads only on pages with an interactive chart.
        "scripts": ([plotly_bundle().name] if any(not c.static for c in drawn) else [])
        + (["statgen-charts.js"] if drawn else []),
        "og": {"title": title, "description": publication.summary, "type": "article"},
        "format": {"html": {"minimal": True, "embed-resources": False}},
    }
    if is_sample:
        meta["sample_data"] = SAMPLE_NOTICE
    jsonld = dataset_jsonld(publication, period, release_date, links)
    return front_matter(meta, {"jsonld": jsonld}) + "\n" + body


def download_links(
    publication: Publication, context: Context, period: Period, downloads: list[Path]
) -> list[dict[str, str]]:
    """The page's downloads: relative link, title, format and size of each file."""
    staging = downloads[0].parent if downloads else Path(".")
    links = []
    for path in downloads:
        fmt = path.suffix.lstrip(".").upper()
        rel = path.relative_to(staging).as_posix()
        label = {
            "XLSX": f"{publication.title} data tables, {period.long_label} (Excel spreadsheet)",
            "ODS": (
                f"{publication.title} data tables, {period.long_label} (OpenDocument spreadsheet)"
            ),
        }.get(
            fmt,
            f"{context.tables[path.stem].caption}" if path.stem in context.tables else path.name,
        )
        links.append(
            {
                "href": rel,
                "title": label,
                "format": fmt,
                "size": human_size(path.stat().st_size),
            }
        )
    return links


def dataset_jsonld(
    publication: Publication, period: Period, release_date: dt.date, links: list[dict[str, str]]
) -> str:
    """schema.org Dataset description for search engines."""
    media = {
        "XLSX": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ODS": "application/vnd.oasis.opendocument.spreadsheet",
        "CSV": "text/csv",
    }
    data = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": f"{publication.title}: {period.long_label}",
        "description": publication.summary,
        "temporalCoverage": f"{period.start.isoformat()}/{period.end.isoformat()}",
        "spatialCoverage": publication.geography,
        "datePublished": release_date.isoformat(),
        "publisher": {"@type": "Organization", "name": publication.organisation},
        "license": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        "keywords": publication.keywords,
        "distribution": [
            {
                "@type": "DataDownload",
                "name": link["title"],
                "encodingFormat": media.get(link["format"], "application/octet-stream"),
                "contentUrl": link["href"],
            }
            for link in links
        ],
    }
    # No "<" at all: "</script>" would end the element, and "<!--<script>" keep it open past its
    # own end tag (the HTML parser's "script data double escaped" state).
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False).replace("<", "\\u003c")


def copy_assets(staging: Path, with_charts: bool, interactive: bool = True) -> None:
    """Copy the stylesheet, for pages with charts the chart script, and for pages with an
    interactive chart plotly.js."""
    write_stylesheet(staging / STYLESHEET)
    if with_charts:
        for asset in assets(["statgen-charts.js"]):
            shutil.copyfile(asset, staging / asset.name)
    if with_charts and interactive:
        bundle = plotly_bundle()
        shutil.copyfile(bundle, staging / bundle.name)
