"""Charts in two builds, and their downloads compared by hash."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from statgen.lifecycle import manifest
from statgen.periods import parse_any_code

DOWNLOADS = (".xlsx", ".ods", ".csv", ".json")
"""Files compared in the downloads section (the page itself is compared as text)."""


@dataclass(frozen=True)
class PageChart:
    """A chart as drawn on a page: its number, title, text alternative and Plotly JSON."""

    number: int
    title: str
    description: str
    figure_json: str
    image: Path | None = None
    """The chart's static SVG in its build, when it was drawn as one."""


CHART = re.compile(
    r'<figure class="statgen-figure" id="figure-(\d+)">.*?'
    r'<span class="statgen-figure__number">Figure \d+:</span>\s*(.*?)</figcaption>.*?'
    r'<p class="statgen-figure__description"[^>]*>(.*?)</p>.*?'
    r'<script type="application/json" id="figure-\d+-json">(.*?)</script>',
    re.DOTALL,
)


def page_charts(page: Path) -> dict[int, PageChart]:
    """The charts of a build, by figure number: from ``charts/charts.json`` (the figures stored
    with each build), or, for builds made before it was written, from the page's HTML."""
    stored = page.parent / "charts" / "charts.json"
    if stored.is_file():
        specs = json.loads(stored.read_text(encoding="utf-8"))
        svg = {s["number"]: stored.parent / f"{s.get('id')}.svg" for s in specs}
        return {
            s["number"]: PageChart(
                s["number"],
                s["title"],
                s["description"],
                json.dumps(s["figure"], separators=(",", ":"), sort_keys=True).replace(
                    "<", "\\u003c"
                ),
                svg[s["number"]] if s.get("static") and svg[s["number"]].is_file() else None,
            )
            for s in specs
        }
    text = page.read_text(encoding="utf-8") if page.exists() else ""
    return {
        int(m.group(1)): PageChart(
            int(m.group(1)), html.unescape(m.group(2)), html.unescape(m.group(3)), m.group(4)
        )
        for m in CHART.finditer(text)
    }


# ---------------------------------------------------------------------------------------------
# Downloads


def _downloads(meta: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A build's downloads by name with its period's slug taken out, so a workbook renamed for
    the new period (``...-2026-q2.xlsx`` -> ``...-2026-q3.xlsx``) is the same download."""
    try:
        slug = parse_any_code(str(meta.get("period"))).slug
    except Exception:  # noqa: BLE001 - no period: compare the names as they are
        slug = ""
    return {
        (f["path"].replace(slug, "{period}") if slug else f["path"]): f
        for f in meta.get("files", [])
        if f["path"].endswith(DOWNLOADS)
        and f["path"] not in manifest.STAMPED
        and f["path"] != "main-points.json"
        and not f["path"].startswith(("charts/", "govuk/"))
    }


def compare_files(
    m_old: dict[str, Any], m_new: dict[str, Any]
) -> list[tuple[str, str, int | None, int | None]]:
    """(path, change, old bytes, new bytes) for every download of either build (the new
    build's name; the QA report, which is not a download, left out)."""
    a, b = _downloads(m_old), _downloads(m_new)
    out = []
    for key in sorted(a.keys() | b.keys()):
        path = b[key]["path"] if key in b else a[key]["path"]
        if key not in a:
            change = "added"
        elif key not in b:
            change = "removed"
        else:
            change = "unchanged" if a[key]["sha256"] == b[key]["sha256"] else "changed"
        out.append((path, change, a.get(key, {}).get("bytes"), b.get(key, {}).get("bytes")))
    return out
