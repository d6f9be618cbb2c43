"""A commentary-only build reuses the previous draft's data outputs (CSVs, CSVW, workbooks,
charts and their images): the same files, hard-linked after checking them against that draft's manifest; any change to what
they are made from, or a file that no longer matches its manifest, writes them again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TODAY, copy_project

from statgen.layout import Layout
from statgen.lifecycle import manifest
from statgen.outputs import govuk
from statgen.pipeline import BuildResult, build

SLUG = "electronic-monitoring"
DATA = ("csv/", ".xlsx", ".ods", "charts/", "govuk/images/")


def draft(root: Path) -> BuildResult:
    return build(root, SLUG, today=TODAY)


def data_files(folder: Path) -> list[Path]:
    files = [folder / e["path"] for e in manifest.read(folder)["files"]]
    return [f for f in files if any(part in f.as_posix() for part in DATA)]


def inode(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_dev, stat.st_ino


def reword(root: Path, old: str, new: str) -> None:
    commentary = root / "publications" / SLUG / "commentary.qmd"
    text = commentary.read_text(encoding="utf-8")
    assert old in text
    commentary.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("reuse"), SLUG, 0.02)


def test_commentary_only_build_links_the_data_outputs(project: Path) -> None:
    first = draft(project)
    assert first.reused == ()
    files = data_files(first.folder)
    assert any(f.suffix == ".xlsx" for f in files) and any(f.suffix == ".json" for f in files)
    assert any(f.suffix == ".png" for f in files) and any(f.suffix == ".svg" for f in files)

    reword(project, "after release from prison.", "after their release from prison.")
    second = draft(project)
    assert second.reused == ("csv", "spreadsheets", "charts")
    for old in files:
        new = second.folder / old.relative_to(first.folder)
        assert inode(new) == inode(old), f"{new.name} was written again"
    page = second.page.read_text(encoding="utf-8")
    assert "after their release from prison." in page
    # The page still shows every chart, from the linked files.
    charts = [f for f in files if f.parent.name == "charts" and f.suffix == ".svg"]
    assert charts and all(f'"charts/{f.name}"' in page for f in charts)
    assert manifest.verify(second.folder) == []
    assert data_files(second.folder) == [second.folder / f.relative_to(first.folder) for f in files]
    # The govspeak's tables and figures came from the first draft's fragment cache: the same
    # govspeak as Pandoc reading every fragment again gives, with the new sentence.
    assert (Layout.at(project).govspeak_cache(SLUG) / govuk.FRAGMENTS).is_file()
    fresh = govuk.write_govspeak(second.folder / "publication.qmd", project / "fresh")
    cached = second.folder / "govuk" / govuk.GOVSPEAK
    assert cached.read_bytes() == fresh.read_bytes()
    assert "after their release from prison." in cached.read_text(encoding="utf-8")

    # A file changed after the build is never reused: every data output is written afresh.
    tampered = next(f for f in data_files(second.folder) if f.suffix == ".csv")
    os.unlink(tampered)  # break the hard link first: draft 1 keeps its own copy
    tampered.write_bytes(b"changed after the build\n")
    reword(project, "after their release from prison.", "after release from prison.")
    third = draft(project)
    assert "csv" not in third.reused
    assert "spreadsheets" in third.reused and "charts" in third.reused
    rewritten = third.folder / tampered.relative_to(second.folder)
    assert (
        rewritten.read_bytes() == (first.folder / tampered.relative_to(second.folder)).read_bytes()
    )
    assert inode(rewritten) != inode(first.folder / tampered.relative_to(second.folder))


def test_a_chart_image_changed_after_the_build_is_drawn_again(project: Path) -> None:
    """A tampered chart file in the previous draft is not linked: the charts come from the
    chart cache or the browser instead, with the bytes the first draft had."""
    before = draft(project)
    png = next(f for f in data_files(before.folder) if f.suffix == ".png")
    original = png.read_bytes()
    os.unlink(png)
    png.write_bytes(b"not the chart\n")
    reword(project, "after release from prison.", "after their release from prison.")
    after = draft(project)
    assert "charts" not in after.reused and "csv" in after.reused
    assert (after.folder / png.relative_to(before.folder)).read_bytes() == original
    reword(project, "after their release from prison.", "after release from prison.")


def test_a_config_change_writes_the_outputs_again(project: Path) -> None:
    before = draft(project)
    config = project / "publications" / SLUG / "publication.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    after = draft(project)
    assert after.reused == ()
    for old in data_files(before.folder):
        assert inode(after.folder / old.relative_to(before.folder)) != inode(old)


HEAVY = ("plotly", "openpyxl", "odf", "kaleido", "asyncio", "pypandoc", "urllib.request")
"""Libraries a build imports only to write what a commentary-only build reuses (asyncio: the
chart browser's), and pypandoc's downloader (statgen finds Pandoc without it)."""


def test_a_commentary_only_build_imports_no_library_of_the_data_outputs(project: Path) -> None:
    """In a process of its own, as on the command line: the outputs are linked, so neither the
    libraries that write workbooks nor those that draw charts are imported."""
    draft(project)  # the draft to reuse, whatever the tests before left
    reword(project, "after release from prison.", "after their release from prison.")
    code = (
        "import datetime, json, pathlib, sys\n"
        "from statgen.pipeline import build\n"
        f"today = datetime.date.fromisoformat({TODAY.isoformat()!r})\n"
        f"result = build(pathlib.Path({str(project)!r}), {SLUG!r}, today=today)\n"
        f"print(json.dumps([list(result.reused), [m for m in {HEAVY!r} if m in sys.modules]]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    reused, imported = json.loads(done.stdout.splitlines()[-1])
    assert reused == ["csv", "spreadsheets", "charts"]
    assert imported == []
    reword(project, "after their release from prison.", "after release from prison.")
