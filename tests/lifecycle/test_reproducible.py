"""Reproducible byte for byte: the same extracts, config and code give the same bytes in every
file, whichever folder they are built in; the manifest says what made them and verifies them."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from conftest import ROOT, TODAY
from typer.testing import CliRunner

from statgen.cli import app
from statgen.lifecycle import manifest
from statgen.pipeline import BuildResult, build


def hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder``, by relative path (whatever kinds exist)."""
    return {
        p.relative_to(folder).as_posix(): manifest.sha256(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def rebuilt(em_release: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The same draft built again from the same extracts into another, empty folder."""
    extracts = em_release.folder.parents[3] / "extracts" / "electronic-monitoring"
    return build(
        ROOT,
        "electronic-monitoring",
        extracts_dir=extracts,
        work_dir=tmp_path_factory.mktemp("again") / "build",
        today=TODAY,
    )


def test_two_builds_into_empty_folders_give_identical_bytes(
    em_release: BuildResult, rebuilt: BuildResult
) -> None:
    assert rebuilt.folder != em_release.folder
    assert "tables" in rebuilt.ran  # computed afresh: the second folder had no cache
    first, second = hashes(em_release.folder), hashes(rebuilt.folder)
    assert {Path(p).suffix for p in first} >= {".html", ".xlsx", ".csv", ".json"}
    assert sorted(first) == sorted(second)
    differing = [p for p in first if first[p] != second[p]]
    assert differing == []


def test_no_absolute_path_or_clock_reaches_an_output(em_release: BuildResult) -> None:
    tmp = str(em_release.folder.parents[3])
    for path in em_release.folder.rglob("*"):
        if path.suffix in (".html", ".json", ".csv", ".qmd"):
            text = path.read_text(encoding="utf-8")
            assert tmp not in text, path
            assert str(ROOT) not in text, path
    # The workbook's properties carry the release date, never the build time.
    import zipfile

    with zipfile.ZipFile(next(em_release.folder.glob("*.xlsx"))) as zf:
        core = zf.read("docProps/core.xml").decode()
        assert {i.date_time for i in zf.infolist()} == {(2026, 12, 10, 9, 30, 0)}
    assert '<dcterms:modified xsi:type="dcterms:W3CDTF">2026-12-10T09:30:00Z' in core


def test_manifest_records_inputs_outputs_software_and_parameters(
    em_release: BuildResult,
) -> None:
    data = json.loads((em_release.folder / "manifest.json").read_text(encoding="utf-8"))
    extract = em_release.folder.parents[3] / "extracts" / "electronic-monitoring"
    assert data["inputs"] == [
        {"name": "orders.parquet", "sha256": manifest.sha256(extract / "orders.parquet")}
    ]
    listed = {f["path"]: f["sha256"] for f in data["files"]}
    on_disk = hashes(em_release.folder)
    del on_disk["manifest.json"]
    assert listed == on_disk
    software = data["software"]
    assert set(software) >= {"statgen", "statgen_commit", "python", "polars", "plotly",
                             "openpyxl", "pandoc", "quarto"}  # fmt: skip
    assert software["python"] == ".".join(str(v) for v in sys.version_info[:3])
    assert software["statgen_commit"] == "unknown" or len(software["statgen_commit"]) == 40
    assert data["parameters"] == {
        "chart_renderer": "kaleido",
        "draft": 1,
        "engine": em_release.engine,
        "requested_period": None,
        "sample_extracts": True,
        "series_quarters": 12,
    }
    assert data["period"] == "2026Q3" and data["release_date"] == "2026-12-10"
    assert [c["name"] for c in data["checks"]] == [
        "spreadsheets open", "CSV files read back", "page rendered", "QA report"]  # fmt: skip
    assert all(c["passed"] for c in data["checks"])


def test_verify_passes_on_a_build_and_names_every_tampered_file(
    em_release: BuildResult, tmp_path: Path
) -> None:
    import shutil

    runner = CliRunner()
    ok = runner.invoke(app, ["verify", str(em_release.folder)])
    assert ok.exit_code == 0, ok.output
    assert "every file matches its manifest" in ok.output

    copy = tmp_path / "copy"
    shutil.copytree(em_release.folder, copy)
    (copy / "csv" / "notifications.csv").write_text("tampered\n", encoding="utf-8")
    (copy / "statgen.css").unlink()
    (copy / "extra.txt").write_text("x", encoding="utf-8")
    assert manifest.verify(copy) == [
        "csv/notifications.csv: SHA-256 "
        f"{manifest.sha256(copy / 'csv' / 'notifications.csv')[:12]}... but the manifest says "
        f"{manifest.sha256(em_release.folder / 'csv' / 'notifications.csv')[:12]}... "
        "(the file was changed after the build)",
        "statgen.css: missing",
        "extra.txt: not in the manifest (added after the build)",
    ]
    bad = runner.invoke(app, ["verify", str(copy)])
    assert bad.exit_code == 1
    assert "csv/notifications.csv" in bad.output
