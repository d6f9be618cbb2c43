"""End to end: a real build of Electronic Monitoring statistics from a small sample extract."""

from __future__ import annotations

import hashlib
import json
import re
from html.parser import HTMLParser

import polars as pl
from openpyxl import load_workbook

from statgen.periods import Quarter
from statgen.pipeline import BuildResult


class Text(HTMLParser):
    """Collects the visible text of a page and the ids and srcs of its elements."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.ids: set[str] = set()
        self.urls: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        for key in ("src", "href"):
            if a.get(key):
                self.urls.append(a[key] or "")
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


def parse(result: BuildResult) -> Text:
    page = Text()
    page.feed(result.page.read_text(encoding="utf-8"))
    return page


def csv_value(result: BuildResult, table: str, measure: str, **keys: str) -> float:
    frame = pl.read_csv(result.folder / "csv" / f"{table}.csv", infer_schema_length=0)
    for k, v in keys.items():
        frame = frame.filter(pl.col(k) == v)
    frame = frame.filter(pl.col("measure") == measure)
    assert frame.height == 1, (table, keys)
    return float(frame["value"][0])


def test_release_folder_holds_page_workbook_csvs_and_manifest(em_release: BuildResult) -> None:
    names = {
        p.relative_to(em_release.folder).as_posix()
        for p in em_release.folder.rglob("*")
        if p.is_file()
    }
    period = f"{em_release.period.year}-q{em_release.period.q}"
    assert {"index.html", "manifest.json", f"electronic-monitoring-{period}.xlsx"} <= names
    for table in em_release.publication.tables:
        assert f"csv/{table.id}.csv" in names


def test_manifest_hashes_every_file(em_release: BuildResult) -> None:
    manifest = json.loads((em_release.folder / "manifest.json").read_text())
    listed = {f["path"]: f for f in manifest["files"]}
    on_disk = {
        p.relative_to(em_release.folder).as_posix()
        for p in em_release.folder.rglob("*")
        if p.is_file()
    }
    assert set(listed) == on_disk - {"manifest.json"}
    for path, entry in listed.items():
        data = (em_release.folder / path).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["bytes"] == len(data)


def test_page_has_every_table_and_chart(em_release: BuildResult) -> None:
    page = parse(em_release)
    for n, table in enumerate(em_release.publication.tables, 1):
        assert f"table-{n}" in page.ids
        assert f"Table {n}: {table.title}" in page.text
    for n, _chart in enumerate(em_release.publication.charts, 1):
        assert f"figure-{n}" in page.ids
        assert f"figure-{n}-desc" in page.ids
    assert page.text.count("Show the data") == len(em_release.publication.charts)


def test_main_points_quote_the_tables(em_release: BuildResult) -> None:
    text = parse(em_release).text
    q: Quarter = em_release.period
    total = csv_value(
        em_release, "people-by-order-type", "people", quarter=q.label, order_type="Total"
    )
    year_ago = csv_value(
        em_release, "people-by-order-type", "people", quarter=q.shift(-4).label, order_type="Total"
    )
    post = csv_value(
        em_release, "people-by-order-type", "people", quarter=q.label, order_type="Post-release"
    )
    change = abs(100 * (total - year_ago) / year_ago)
    direction = "up" if total > year_ago else "down"
    assert (
        f"{total:,.0f} people were subject to electronic monitoring on {q.end_label}, "
        f"{direction} {change:.1f}% from {year_ago:,.0f} a year earlier."
    ) in text
    assert f"{100 * post / total:.1f}% of them were monitored on a post-release licence" in text


def test_page_makes_no_request_to_another_host(em_release: BuildResult) -> None:
    page = parse(em_release)
    html = em_release.page.read_text(encoding="utf-8")
    for src in re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', html):
        assert "://" not in src and not src.startswith("//"), src
    # Static charts (the default): images beside the page, and no plotly.js.
    assert len(re.findall(r'<img[^>]+src="charts/[^"]+\.svg"', html)) == len(
        em_release.publication.charts
    )
    assert not re.findall(r'<script[^>]+src="[^"]*plotly[^"]*"', html)
    assert page.text


def test_workbook_structure(em_release: BuildResult) -> None:
    xlsx = next(em_release.folder.glob("*.xlsx"))
    wb = load_workbook(xlsx)
    tables = em_release.publication.tables
    assert wb.sheetnames == [
        "Cover",
        "Contents",
        "Notes",
        *[f"Table_{i}" for i in range(1, len(tables) + 1)],
    ]
    assert wb.active.title == "Cover"
    assert wb.properties.title and wb.properties.language == "en-GB"
    for ws in wb.worksheets:
        assert not ws.merged_cells.ranges, ws.title
        assert ws["A1"].value and ws["A1"].font.b, ws.title
    for i, table in enumerate(tables, 1):
        ws = wb[f"Table_{i}"]
        assert ws["A1"].value == f"Table {i}: {table.title}"
        assert ws["A2"].value == "This worksheet contains one table."
        (obj,) = ws.tables.values()
        top_left = obj.ref.split(":")[0]
        assert top_left.startswith("A")
        # No blank cell inside the table.
        for row in ws[obj.ref]:
            for cell in row:
                assert cell.value is not None and cell.value != "", (ws.title, cell.coordinate)


def test_workbook_values_equal_the_csv(em_release: BuildResult) -> None:
    wb = load_workbook(next(em_release.folder.glob("*.xlsx")))
    ws = wb["Table_1"]
    (obj,) = ws.tables.values()
    rows = list(ws[obj.ref])
    headers = [c.value for c in rows[0]]
    for row in rows[1:]:
        quarter = row[0].value
        for header, cell in zip(headers[1:], row[1:], strict=True):
            order_type = header.split("\n")[0]
            assert cell.value == csv_value(
                em_release, "people-by-order-type", "people", quarter=quarter, order_type=order_type
            )


def test_commentary_cannot_quote_an_unpublished_cell(em_release: BuildResult) -> None:
    import pytest

    from statgen import tables as tables_mod
    from statgen.errors import TemplateError
    from statgen.outputs.page.commentary import Context
    from statgen.periods import Periods

    # The median days of a device type with no orders started is [z]: nothing to quote.
    table = next(t for t in em_release.publication.tables if t.id == "days-to-start")
    frame = pl.DataFrame(
        {"quarter": ["2026Q3", "2026Q3"], "device_type": ["RF curfew", "GPS location"],
         "median_days": [3.0, None], "orders": [4, 0]}
    )  # fmt: skip
    stat = tables_mod.finish(em_release.publication, table, frame, 7)
    context = Context(em_release.publication, Periods.ending(Quarter(2026, 3), 1), {stat.id: stat})
    assert context.published(
        "days-to-start", "median_days", quarter="2026Q3", device_type="RF curfew"
    )
    assert not context.published(
        "days-to-start", "median_days", quarter="2026Q3", device_type="GPS location"
    )
    with pytest.raises(TemplateError) as err:
        context.value("days-to-start", "median_days", quarter="2026Q3", device_type="GPS location")
    assert str(err.value) == (
        "value(): the cell quarter=2026Q3, device_type=GPS location of table 'days-to-start' is "
        "not published (suppressed or not applicable), so the commentary cannot quote it: guard "
        'the sentence with {% if published("days-to-start", ...) %} or quote another figure'
    )
