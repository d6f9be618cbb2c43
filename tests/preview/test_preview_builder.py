"""The preview's incremental builder, watcher and page injection, without a browser: each kind
of change runs only the stages it needs, a failed rebuild keeps the last good page, and the
reload script exists only in what the preview server sends, never in a draft."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from conftest import TODAY, copy_project
from watchfiles import Change

from statgen.layout import Layout
from statgen.outputs.assets import TEMPLATES
from statgen.pipeline import build
from statgen.preview.builder import EXTRACTS, PAGE, TABLES, Builder
from statgen.preview.server import BANNER_ID, inject
from statgen.preview.watcher import classify

SLUG = "electronic-monitoring"
MARKERS = ("__statgen__", "reload.js", BANNER_ID)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("preview"), SLUG, 0.02)


@pytest.fixture(scope="module")
def builder(project: Path) -> Builder:
    made = Builder(Layout.at(project), SLUG, today=TODAY)
    status = made.rebuild(TABLES)
    assert status.error is None
    assert status.did == ("extracts", "tables", "page")
    return made


def files_of(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file's inode and modification time: a rewritten file changes one of them."""
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


def test_the_preview_is_not_a_draft_and_holds_no_preview_script(
    project: Path, builder: Builder
) -> None:
    assert builder.folder == project / "build" / SLUG / "preview"
    assert not list((project / "build" / SLUG).glob("*/draft-*"))
    for path in builder.folder.rglob("*"):
        if path.suffix in (".html", ".js", ".qmd"):
            text = path.read_text(encoding="utf-8")
            assert not any(m in text for m in MARKERS), path


def test_a_draft_holds_no_preview_script(tmp_path: Path) -> None:
    project = copy_project(tmp_path, SLUG, 0.02)
    draft = build(project, SLUG, today=TODAY)
    for path in draft.folder.rglob("*"):
        if path.suffix in (".html", ".js", ".qmd", ".json"):
            text = path.read_text(encoding="utf-8")
            assert not any(m in text for m in MARKERS), path


def test_commentary_change_renders_only_the_page(project: Path, builder: Builder) -> None:
    before = files_of(builder.folder)
    commentary = project / "publications" / SLUG / "commentary.qmd"
    good = commentary.read_text(encoding="utf-8")
    commentary.write_text(good + "\nWritten while previewing.\n", encoding="utf-8")
    status = builder.rebuild(PAGE)
    assert status.error is None and status.did == ("page",)
    after = files_of(builder.folder)
    assert "Written while previewing." in (builder.folder / "index.html").read_text()
    assert after["index.html"] != before["index.html"]
    untouched = {k: v for k, v in before.items() if k.startswith("csv/") or k.endswith("ds")}
    assert untouched and all(after[k] == v for k, v in untouched.items())

    # A mistake in the commentary: the error as the command line shows it; the page stays.
    commentary.write_text(good + "\n{{ no_such_figure }}\n", encoding="utf-8")
    page = (builder.folder / "index.html").read_bytes()
    status = builder.rebuild(PAGE)
    assert status.error is not None and status.error.startswith("Error [")
    assert "no_such_figure" in status.error
    assert (builder.folder / "index.html").read_bytes() == page
    commentary.write_text(good, encoding="utf-8")
    assert builder.rebuild(PAGE).error is None


def test_config_change_recomputes_the_tables_from_the_extracts_in_memory(
    project: Path, builder: Builder
) -> None:
    config = project / "publications" / SLUG / "publication.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text + "\n# edited during the preview\n", encoding="utf-8")
    status = builder.rebuild(TABLES)
    assert status.error is None
    assert status.did == ("tables", "page")  # the extracts were not read again
    config.write_text(text, encoding="utf-8")


def test_extract_change_reads_the_extracts_again(project: Path, builder: Builder) -> None:
    extract = project / "data" / "extracts" / SLUG / "orders.parquet"
    csv = builder.folder / "csv"
    before = {p.name: p.read_bytes() for p in csv.glob("*.csv")}
    orders = pl.read_parquet(extract)
    orders.filter(pl.int_range(pl.len()) % 89 != 0).write_parquet(extract)
    status = builder.rebuild(EXTRACTS)
    assert status.error is None and status.did == ("extracts", "tables", "page")
    assert any(p.read_bytes() != before[p.name] for p in csv.glob("*.csv"))


def test_a_failed_full_rebuild_keeps_the_last_good_preview(project: Path, builder: Builder) -> None:
    config = project / "publications" / SLUG / "publication.yaml"
    text = config.read_text(encoding="utf-8")
    page = (builder.folder / "index.html").read_bytes()
    config.write_text(text + "\ntables: [\n", encoding="utf-8")
    status = builder.rebuild(TABLES)
    assert status.error is not None and status.error.startswith("Error [config-invalid]: ")
    assert (builder.folder / "index.html").read_bytes() == page
    # Even a commentary change rebuilds everything until the config is fixed.
    assert builder.rebuild(PAGE).error == status.error
    config.write_text(text, encoding="utf-8")
    before = files_of(builder.folder)
    fixed = builder.rebuild(PAGE)
    assert fixed.error is None
    after = files_of(builder.folder)  # the whole preview was built again, not just the page
    assert all(after[k] != v for k, v in before.items() if k.startswith("csv/"))
    assert fixed.version == status.version + 2


def test_the_banner_escapes_the_error_and_sits_first_in_the_body() -> None:
    page = "<html><head><title>t</title></head><body class='x'><h1>Page</h1></body></html>"
    shown = inject(page, 7, 'Error [template-error]: <script>alert("x")</script>')
    assert "<script>alert" not in shown
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in shown
    assert shown.index(BANNER_ID) < shown.index("<h1>Page</h1>")
    assert 'data-version="7"' in shown[: shown.index("</head>")]
    assert BANNER_ID not in inject(page, 8, None)


def test_each_change_asks_for_the_work_it_needs(project: Path, builder: Builder) -> None:
    folder = project / "publications" / SLUG
    extract = project / "data" / "extracts" / SLUG / "orders.parquet"

    def kind(*paths: Path) -> str | None:
        return classify(builder, [(Change.modified, str(p)) for p in paths])

    assert kind(folder / "commentary.qmd") == PAGE
    assert kind(TEMPLATES / "page.html") == PAGE
    assert kind(folder / "publication.yaml") == TABLES
    assert kind(folder / "transforms.py") == TABLES
    assert kind(extract) == EXTRACTS
    assert kind(folder / "commentary.qmd", extract, folder / "transforms.py") == EXTRACTS
    assert kind(folder / "signoff.yaml") is None
    assert kind(TEMPLATES / "preview" / "reload.js") is None
