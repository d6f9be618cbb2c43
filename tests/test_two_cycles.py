"""Two cycles of Electronic monitoring statistics, as a statistician and a reviewer live them.

1. The extract as it stood on 31 July 2026 is built and 2026Q2 published.
2. A September extract revises the past (2% of Q1-Q2 end dates recorded late, late-notified Q2
   orders, some regions fixed) and 2026Q3 is built from it.
3. [r] sits exactly on the changed figures in the CSV, and on as many cells of each table in the
   HTML, XLSX and ODS.
4. A draft whose baseline is no longer the latest release is refused at publish.
5. A -v2 correction of 2026Q2 becomes the baseline.
6. The diff's top panel shows the revised headline figure.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest
from conftest import TODAY, copy_project

from statgen.config import load_publication
from statgen.errors import PublishError
from statgen.layout import Layout
from statgen.lifecycle import manifest
from statgen.lifecycle.publish import publish
from statgen.outputs.spreadsheets.read_ods import _read_ods
from statgen.periods import Quarter
from statgen.pipeline import BuildResult, build
from statgen.review import diff

SLUG = "electronic-monitoring"
Q2, Q3 = Quarter(2026, 2), Quarter(2026, 3)
CUT = dt.date(2026, 7, 31)


def july_extract(truth: pl.DataFrame) -> pl.DataFrame:
    """The case management system as it stood on 31 July 2026: nothing after the cut, 2% of the
    end dates of Q1-Q2 2026 not yet recorded, a quarter of Q2's notifications (at most 300) not
    yet in, and 40 orders filed under the wrong region."""
    n = pl.int_range(pl.len())
    cut = truth.filter(pl.col("notification_date") <= CUT).with_columns(
        pl.when(pl.col("end_date") > CUT)
        .then(None)
        .otherwise(pl.col("end_date"))
        .alias("end_date"),
        pl.when(pl.col("end_date") > CUT)
        .then(None)
        .otherwise(pl.col("end_reason"))
        .alias("end_reason"),
    )
    ended_h1 = pl.col("end_date").is_between(dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    late_end = ended_h1 & (n % 50 == 7)
    cut = cut.with_columns(
        pl.when(late_end).then(None).otherwise(pl.col("end_date")).alias("end_date"),
        pl.when(late_end).then(None).otherwise(pl.col("end_reason")).alias("end_reason"),
    )
    q2 = cut.filter(pl.col("notification_date").is_between(dt.date(2026, 4, 1), CUT))
    late = q2["order_id"].head(min(300, q2.height // 4))
    cut = cut.filter(~pl.col("order_id").is_in(late.implode()))
    regions = sorted(truth["region"].unique().to_list())
    wrong = pl.col("order_id").is_in(cut["order_id"].gather_every(97).head(40).implode())
    other = pl.col("region").replace_strict(
        {r: regions[(i + 1) % len(regions)] for i, r in enumerate(regions)}
    )
    return cut.with_columns(pl.when(wrong).then(other).otherwise(pl.col("region")).alias("region"))


def sign(project: Path, *drafts: BuildResult) -> None:
    lines = ["approvals:"]
    for d in drafts:
        lines.append(
            f"  - {{period: {d.period.code}, draft: {d.draft}, outputs: {d.outputs_short}, "
            f"inputs: {d.inputs_short}, approved_by: A. Reviewer, approved_on: 2026-09-20}}"
        )
    (project / "publications" / SLUG / "signoff.yaml").write_text("\n".join(lines) + "\n")


def _build(project: Path, extracts: Path, period: Quarter) -> BuildResult:
    return build(project, SLUG, period=period, extracts_dir=extracts, today=TODAY)


@pytest.fixture(scope="module")
def cycles(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("cycles")
    project = copy_project(tmp / "project", SLUG, 0.02)
    source = load_publication(project / "publications" / SLUG).extracts_path(project)
    truth = pl.read_parquet(source / "orders.parquet")
    july, september = tmp / "july", tmp / "september"
    for folder, frame in [(july, july_extract(truth)), (september, truth)]:
        shutil.copytree(source, folder)
        frame.write_parquet(folder / "orders.parquet")
    out: dict[str, Any] = {"project": project, "july": july, "september": september}

    out["q2"] = _build(project, july, Q2)
    out["q3_early"] = _build(project, september, Q3)  # built before 2026Q2 was published
    sign(project, out["q2"])
    out["v1"] = publish(project, SLUG, Q2, override_embargo=True)
    sign(project, out["q2"], out["q3_early"])
    with pytest.raises(PublishError) as stale:
        publish(project, SLUG, Q3, override_embargo=True)
    out["stale_no_release"] = str(stale.value)

    out["q3"] = _build(project, september, Q3)  # against 2026Q2 as published
    # The hash of v1's manifest then (publishing v2 records superseded_by in it).
    out["v1_manifest"] = (out["v1"].folder / "manifest.json").read_bytes()
    # A correction of 2026Q2: the regions fixed.
    fixed = tmp / "july-fixed"
    shutil.copytree(july, fixed)
    july_frame = pl.read_parquet(july / "orders.parquet")
    regions = truth.select("order_id", pl.col("region").alias("true_region"))
    july_frame.join(regions, on="order_id").with_columns(
        pl.col("true_region").alias("region")
    ).drop("true_region").write_parquet(fixed / "orders.parquet")
    out["q2_fixed"] = _build(project, fixed, Q2)
    sign(project, out["q2"], out["q3"], out["q2_fixed"])
    out["v2"] = publish(
        project, SLUG, Q2, override_embargo=True, correction="The regions of 40 orders were wrong."
    )
    with pytest.raises(PublishError) as stale:
        publish(project, SLUG, Q3, override_embargo=True)
    out["stale_v1"] = str(stale.value)
    # Commentary can speak of revisions (previously_published(), revision()).
    commentary = project / "publications" / SLUG / "commentary.qmd"
    cell = 'quarter=previous_quarter, order_type="Total"'
    commentary.write_text(
        commentary.read_text(encoding="utf-8")
        + f"\nOn {{{{ previous_quarter.end_label }}}}, {{{{ value('people-by-order-type', {cell}) }}}}"
        f" people were monitored, revised from {{{{ previously_published('people-by-order-type',"
        f" {cell}) }}}} (a revision of {{{{ revision('people-by-order-type', {cell}) }}}}).\n",
        encoding="utf-8",
    )
    out["q3_final"] = _build(project, september, Q3)  # against the correction
    layout = Layout.at(project)
    old, new = diff.default_pair(layout, SLUG, None)
    out["pair"] = (old, new)
    out["report"] = diff.write_report(old, new, layout.diff_report(old, new))
    return out


def _values(folder: Path, table: str) -> pl.DataFrame:
    return pl.read_csv(folder / "csv" / f"{table}.csv", infer_schema=False)


def expected_revised(release: Path, draft: Path, table: str) -> set[tuple[str, ...]]:
    """The figures whose value differs between the release's CSV and the draft's, worked out
    from the two CSVs alone: keys of every column but value and marker."""
    before, after = _values(release, table), _values(draft, table)
    keys = [c for c in after.columns if c not in ("value", "marker")]
    joined = after.join(before, on=keys, suffix="_before")
    changed = joined.filter(
        pl.col("value_before").is_not_null()
        & pl.col("value").is_not_null()
        & (pl.col("value").cast(pl.Float64) != pl.col("value_before").cast(pl.Float64))
    )
    return {tuple(r) for r in changed.select(keys).rows()}


def test_a_draft_built_before_the_release_it_should_compare_with_is_refused(cycles) -> None:  # noqa: ANN001
    # Defect 2: the 2026Q3 draft was compared with nothing; publish refuses it.
    message = cycles["stale_no_release"]
    assert "compared with no release" in message
    assert f"{SLUG}/2026-q2" in message and "Rebuild the draft" in message
    assert not (cycles["project"] / "releases" / SLUG / "2026-q3").exists()
    # After the correction, the draft compared with the superseded v1 is refused too.
    assert f"compared with {SLUG}/2026-q2," in cycles["stale_v1"]
    assert f"is now {SLUG}/2026-q2-v2" in cycles["stale_v1"]


def test_the_manifest_records_the_baseline_and_its_hash(cycles) -> None:  # noqa: ANN001
    meta = manifest.read(cycles["q3"].folder)
    import hashlib

    assert meta["baseline"] == {
        "path": f"{SLUG}/2026-q2",
        "manifest_sha256": hashlib.sha256(cycles["v1_manifest"]).hexdigest(),
    }
    assert manifest.read(cycles["q3_early"].folder)["baseline"] is None
    assert cycles["q3"].baseline == f"{SLUG}/2026-q2" and cycles["q3"].revised > 0
    # QA's revisions check: no quarter is provisional in this publication, so every revision
    # is outside the provisional window and a warning names it; the largest is reported.
    import json

    report = json.loads((cycles["q3"].folder / "qa.json").read_text())
    assert report["draft"] == cycles["q3"].draft
    check = next(c for c in report["checks"] if c["name"] == "Revisions")
    assert check["status"] == "warn"
    assert check["summary"].startswith(f"{cycles['q3'].revised} published figures revised")
    assert any("outside the provisional window" in d for d in check["details"])


def test_r_sits_exactly_on_the_changed_figures(cycles) -> None:  # noqa: ANN001
    release, draft = cycles["v1"].folder, cycles["q3"].folder
    meta = manifest.read(draft)
    html = (draft / "index.html").read_text(encoding="utf-8")
    book = openpyxl.load_workbook(next(draft.glob("*.xlsx")))
    ods = _read_ods(next(draft.glob("*.ods")))
    ods_sheets = {s.name: s for s in ods.sheets}
    total = 0
    for table_id, info in meta["tables"].items():
        if table_id == "revisions" or "quarter" not in info["keys"]:
            continue
        want = expected_revised(release, draft, table_id)
        total += len(want)
        csv = _values(draft, table_id)
        keys = [c for c in csv.columns if c not in ("value", "marker")]
        marked = {tuple(r[:-1]) for r in csv.select(*keys, "marker").rows() if r[-1] == "r"}
        assert marked == want, table_id  # CSV: exactly the changed cells
        number = int(re.match(r"Table (\d+)", info["caption"])[1])  # type: ignore[index]
        start = html.index(f'id="table-{number}"')
        end = html.index("</table>", start)
        assert html[start:end].count(" [r]</td>") == len(want), f"HTML {table_id}"
        sheet = book[f"Table_{number}"]
        in_xlsx = sum("[r]" in str(c.number_format) for row in sheet.iter_rows() for c in row)
        assert in_xlsx == len(want), f"XLSX {table_id}"
        cells = ods_sheets[f"Table_{number}"].cells.values()
        in_ods = sum("[r]" in (c.fmt.literal or "") for c in cells)
        assert in_ods == len(want), f"ODS {table_id}"
    assert total > 0
    # Unchanged figures carry no [r], and the newest quarter is never revised.
    latest = _values(draft, "people-by-order-type").filter(pl.col("quarter") == Q3.label)
    assert "r" not in latest["marker"].to_list()


def test_a_correction_becomes_the_baseline(cycles) -> None:  # noqa: ANN001
    v2 = cycles["v2"].folder
    assert v2.name == "2026-q2-v2"
    final = cycles["q3_final"]
    assert final.baseline == f"{SLUG}/2026-q2-v2"
    # Revisions are now judged against v2: the fixed regions are no revision.
    meta = manifest.read(final.folder)
    for table_id in meta["tables"]:
        if table_id == "revisions" or "quarter" not in meta["tables"][table_id]["keys"]:
            continue
        csv = _values(final.folder, table_id)
        keys = [c for c in csv.columns if c not in ("value", "marker")]
        marked = {tuple(r[:-1]) for r in csv.select(*keys, "marker").rows() if r[-1] == "r"}
        assert marked == expected_revised(v2, final.folder, table_id), table_id
    # And it can be published.
    sign(cycles["project"], cycles["q2_fixed"], final)
    done = publish(cycles["project"], SLUG, Q3, override_embargo=True)
    assert done.folder.name == "2026-q3"


def test_the_diff_compares_with_the_last_release_and_shows_the_revised_headline(cycles) -> None:  # noqa: ANN001
    # Defect 1: with one draft of 2026Q3, the default comparison is with the last release.
    old, new = cycles["pair"]
    assert old == cycles["v2"].folder and new == cycles["q3_final"].folder
    publication = load_publication(cycles["project"] / "publications" / SLUG)
    listed = [t.id for t in cycles["report"].tables if t.id != "revisions"]
    assert listed == [t.id for t in publication.tables]  # publication order
    page = cycles["report"].path.read_text(encoding="utf-8")
    panel = page[page.index('id="panel-heading"') : page.index("</section>")]
    before = _values(old, "people-by-order-type")
    after = _values(new, "people-by-order-type")
    june = (pl.col("quarter") == Q2.label) & (pl.col("order_type") == "Total")
    was = int(float(before.filter(june)["value"][0]))
    now = int(float(after.filter(june)["value"][0]))
    assert was != now  # the September extract revises 30 June
    sep = _values(new, "people-by-order-type").filter(
        (pl.col("quarter") == Q3.label) & (pl.col("order_type") == "Total")
    )
    q3 = int(float(sep["value"][0]))
    # The main point "N people were subject to electronic monitoring on 30 September 2026":
    # as the last release said it for 30 June, and now; then the 30 June figure revised.
    new_period = _panel_row(panel, "Table 1 (People): Jul to Sep 2026, Total")
    assert new_period[:2] == (f"{was:,}", f"{q3:,}")
    assert new_period[2] == f"{_signed(q3 - was)} ({_signed(100 * (q3 - was) / was, 1)}%)"
    assert new_period[3] == "new period"
    revised = _panel_row(panel, "Table 1 (People): Apr to Jun 2026, Total")
    assert revised[:2] == (f"{was:,}", f"{now:,} [r]")  # as published, marked [r]
    assert revised[2] == f"{_signed(now - was)} ({_signed(100 * (now - was) / was, 1)}%)"
    assert revised[3] == "revised"
    # The largest revisions are the largest by size, worked out from the two builds' CSVs.
    sizes = []
    for table_id, info in manifest.read(new)["tables"].items():
        if table_id == "revisions" or "quarter" not in info["keys"]:
            continue
        joined = _values(new, table_id).join(_values(old, table_id), on=info["keys"], suffix="_old")
        number = {c: pl.col(c).cast(pl.Float64, strict=False) for c in ("value", "value_old")}
        joined = joined.filter((pl.col("quarter") != Q3.label) & number["value_old"].is_not_null())
        for n, o in joined.select(*number.values()).rows():
            if n is None or n != o:
                sizes.append(round(abs(o) if n is None else abs(n - o), 1))
    largest = panel[panel.index('id="largest-revisions"') :]
    listed = re.findall(r"<li>[^<]*?: ([\d,.]+) → ([^<(]*?) \(([^<]*?)\)</li>", largest)
    assert len(listed) == 5
    shown_sizes = [
        round(float(o.replace(",", "")) if d == "now suppressed" else float(
            d.split(", ")[0].lstrip("+\u2212").replace(",", "")), 1)
        for o, _, d in listed
    ]  # fmt: skip
    assert shown_sizes == sorted(sizes, reverse=True)[:5]
    assert f"<strong>{len(sizes)}</strong> published figures revised" in panel
    # Tables of a single date (no quarter) are a new date, not changes.
    single = [
        info["caption"]
        for table_id, info in manifest.read(new)["tables"].items()
        if "quarter" not in info["keys"] and table_id != "revisions"
    ]
    dated = page[page.index('id="new-date"') : page.index('id="tables"')]
    tables = page[page.index('id="tables"') : page.index('id="commentary"')]
    assert single and all(c in dated and c not in tables for c in single)
    # Only the commentary paragraphs that changed: no table notes, sources or download sizes.
    words = page[page.index('id="commentary"') : page.index('id="charts"')]
    assert "unchanged paragraph" in words and "revised from" in words
    for left_out in ("Source:", "Shorthand:", "KB)", "These are official statistics"):
        assert left_out not in words
    # The workbooks renamed for 2026Q3 are the same downloads, changed.
    downloads = page[page.index('id="downloads"') :]
    assert ">electronic-monitoring-2026-q3.xlsx</th><td" in downloads
    assert "electronic-monitoring-2026-q2" not in downloads
    for book in ("xlsx", "ods"):  # matched across the rename: changed, not added and removed
        assert re.search(
            rf">electronic-monitoring-2026-q3\.{book}</th><td[^>]*>changed</td>", downloads
        )
    assert ">removed<" not in downloads  # only the revisions table's CSV is new
    assert "published figures revised" in panel or "published figure revised" in panel
    assert 'href="../../electronic-monitoring/2026-q3/draft-' in panel
    assert "qa.html" in panel


def _signed(x: float, places: int = 0) -> str:
    text = f"{abs(x):,.{places}f}"
    return "0" if float(text.replace(",", "")) == 0 else ("+" if x > 0 else "\u2212") + text


def _panel_row(panel: str, label: str) -> tuple[str, ...]:
    """Before, after, difference and what of one row of the main points' figures."""
    row = re.search(
        re.escape(label) + r"</th>\s*<td[^>]*>([^<]*)</td>\s*<td[^>]*>([^<]*)</td>\s*"
        r"<td[^>]*>([^<]*)</td>\s*<td[^>]*><strong[^>]*>([^<]*)</strong>",
        panel,
    )
    assert row, f"no row {label!r} in {panel[:3000]}"
    return row.groups()


def test_commentary_quotes_the_previously_published_figure_and_its_revision(cycles) -> None:  # noqa: ANN001
    final = cycles["q3_final"].folder
    before = _values(cycles["v2"].folder, "people-by-order-type")
    after = _values(final, "people-by-order-type")
    june = (pl.col("quarter") == Q2.label) & (pl.col("order_type") == "Total")
    was = int(float(before.filter(june)["value"][0]))
    now = int(float(after.filter(june)["value"][0]))
    page = (final / "index.html").read_text(encoding="utf-8")
    assert (
        f"On 30 June 2026, {now:,} people were monitored, revised from {was:,} "
        f"(a revision of {now - was:,})."
    ) in " ".join(page.split())
    import json

    report = json.loads((final / "qa.json").read_text())
    traced = next(c for c in report["checks"] if c["name"].startswith("Commentary figures"))
    assert traced["status"] == "pass", traced["details"]


def test_the_revisions_table_lists_the_revised_headline_with_its_signed_difference(cycles) -> None:  # noqa: ANN001
    # The 30 June total as the baseline (v2) and the final draft publish it, from their CSVs.
    final, v2 = cycles["q3_final"].folder, cycles["v2"].folder
    june = (pl.col("quarter") == Q2.label) & (pl.col("order_type") == "Total")
    was = float(_values(v2, "people-by-order-type").filter(june)["value"][0])
    now = float(_values(final, "people-by-order-type").filter(june)["value"][0])
    assert was != now
    listed = _values(final, "revisions").filter(
        (pl.col("table") == "people-by-order-type")
        & (pl.col("quarter") == Q2.label)
        & (pl.col("order_type") == "Total")
    )
    assert listed.select("previously_published", "revised", "difference").row(0) == (
        f"{was:.0f}", f"{now:.0f}", f"{now - was:.0f}",
    )  # fmt: skip
    # On the page: a real row of the table, signed with + or a real minus sign (U+2212).
    page = (final / "index.html").read_text(encoding="utf-8")
    number = int(
        re.search(r'id="table-(\d+)">\s*<caption[^>]*>Table \d+: Figures revised', page)[1]
    )  # type: ignore[index]
    table = page[
        page.index(f'id="table-{number}"') : page.index(
            "</table>", page.index(f'id="table-{number}"')
        )
    ]
    sign = "+" if now > was else "\u2212"
    row = re.search(
        r"<tr><th[^>]*>Table 1</th><th[^>]*>Apr to Jun 2026, Total</th>(.*?)</tr>", table
    )
    assert row, table[:1500]
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", row[1])
    assert cells[2].startswith(f"{sign}{abs(now - was):,.0f}")
    assert "All tables" in table.split("</tbody>")[0].rsplit("<tr>", 1)[1]  # summary row last
    # In the XLSX the difference is a number, shown signed by its format.
    sheet = openpyxl.load_workbook(next(final.glob("*.xlsx")))["Revisions"]
    hit = next(
        r
        for r in sheet.iter_rows()
        if r[1].value == "Apr to Jun 2026, Total" and r[0].value == "Table 1"
    )
    assert hit[5].value == now - was
    assert '"+"' in hit[5].number_format and '"\u2212"' in hit[5].number_format


def test_the_diff_report_in_a_browser(cycles, browser) -> None:  # type: ignore[no-untyped-def]
    """axe (WCAG 2.2 AA) finds nothing with every section opened; the page's height at 1280 px
    goes to build/diff-report-height.json and the top panel to
    build/screenshots/diff-top-panel.png, for the reviewers' record (no pixel assertions)."""
    import json

    import axe_playwright_python
    from conftest import ROOT

    report = cycles["report"].path
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(report.as_uri(), wait_until="load")
    height = page.evaluate("document.documentElement.scrollHeight")
    panel = page.locator("section.statgen-diff-panel")
    shots = ROOT / "build" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    panel.screenshot(path=str(shots / "diff-top-panel.png"))
    opened = page.evaluate(
        "() => { document.querySelectorAll('details').forEach(d => d.open = true);"
        " return document.documentElement.scrollHeight; }"
    )
    axe = Path(axe_playwright_python.__file__).parent / "axe.min.js"
    page.add_script_tag(content=axe.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    )
    context.close()
    (ROOT / "build" / "diff-report-height.json").write_text(
        json.dumps({"width": 1280, "height": height, "height_all_open": opened}, indent=1) + "\n"
    )
    assert [f"{v['id']}: {v['help']}" for v in result["violations"]] == []
    assert len(result["passes"]) >= 10  # the rules really ran
    # Sanity only: the folded report is shorter than everything opened, and not empty.
    assert 900 < height < opened
    assert (shots / "diff-top-panel.png").stat().st_size > 10_000
