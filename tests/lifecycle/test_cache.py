"""The table cache is never trusted blindly, and a cache hit changes nothing but the time taken:
entries are checksummed, QA runs on every draft, the extract is what was hashed (issue 14)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import polars as pl
import pytest
from conftest import TODAY, copy_project, edit_commentary

from statgen import extracts
from statgen.config import load_publication
from statgen.errors import ExtractError, QAError
from statgen.layout import Layout
from statgen.pipeline import build

SLUG = "electronic-monitoring"


def _entry(root: Path) -> Path:
    entries = [p for p in Layout.at(root).cache(SLUG).iterdir() if not p.name.startswith(".")]
    assert len(entries) == 1
    return entries[0]


def _csv_total(folder: Path) -> int:
    frame = pl.read_csv(folder / "csv" / "notifications.csv", infer_schema=False)
    return int(frame.filter(pl.col("value").str.len_chars() > 0)["value"].cast(pl.Int64).sum())


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path, SLUG, 0.01)


def test_an_edited_cache_entry_is_recomputed_with_a_warning(project: Path) -> None:
    first = build(project, SLUG, today=TODAY)
    entry = _entry(project)
    path = entry / "notifications.parquet"
    doubled = pl.read_parquet(path).with_columns(pl.col("orders") * 2)
    doubled.write_parquet(path)
    edit_commentary(project, SLUG)  # a new draft, whose tables come from the cache
    second = build(project, SLUG, today=TODAY)
    assert "tables" in second.ran
    assert any("damaged" in w and "computing them again" in w for w in second.warnings)
    assert _csv_total(second.folder) == _csv_total(first.folder)


def test_a_truncated_cache_file_is_recomputed(project: Path) -> None:
    first = build(project, SLUG, today=TODAY)
    path = _entry(project) / "notifications.parquet"
    path.write_bytes(path.read_bytes()[:100])
    edit_commentary(project, SLUG)
    second = build(project, SLUG, today=TODAY)
    assert "tables" in second.ran and second.warnings
    assert _csv_total(second.folder) == _csv_total(first.folder)
    meta = _entry(project) / "tables.json"
    meta.write_text(meta.read_text()[:50])
    edit_commentary(project, SLUG)
    third = build(project, SLUG, today=TODAY)
    assert "tables" in third.ran and third.warnings
    json.loads((_entry(project) / "tables.json").read_text())  # stored whole again


def test_qa_runs_on_every_draft_including_cache_hits(project: Path) -> None:
    publication = load_publication(project / "publications" / SLUG)
    path = publication.extracts_path(project) / "orders.parquet"
    orders = pl.read_parquet(path)
    # A quarter with no notifications at all: a gap in the series.
    gap = pl.col("notification_date").dt.year().eq(2025) & pl.col(
        "notification_date"
    ).dt.quarter().eq(2)
    orders.filter(~gap).write_parquet(path)
    for _ in range(2):  # the identical rebuild (a cache hit) fails the same way
        with pytest.raises(QAError):
            build(project, SLUG, today=TODAY)


def test_an_extract_replaced_while_the_build_reads_it_is_refused(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    publication = load_publication(project / "publications" / SLUG)
    path = publication.extracts_path(project) / "orders.parquet"
    real_load = extracts.load

    def swapped(*args, **kwargs):  # type: ignore[no-untyped-def]
        # Another export replaces the file after statgen hashed it, as it reads it.
        frame = pl.read_parquet(path)
        frame.head(frame.height - 1).write_parquet(path)
        return real_load(*args, **kwargs)

    monkeypatch.setattr(extracts, "load", swapped)
    cache = Layout.at(project).cache(SLUG)
    before = sorted(cache.rglob("*")) if cache.exists() else []
    with pytest.raises(ExtractError, match="changed while the build was reading it"):
        build(project, SLUG, today=TODAY)
    assert not list(Layout.at(project).drafts(SLUG).glob("*/draft-*"))  # nothing written
    # The tables of the new file were never kept under the hash of the old one.
    assert (sorted(cache.rglob("*")) if cache.exists() else []) == before


def _rewrite_in_place(path: Path) -> None:
    """Another export rewrites the file: same size, same mtime, one byte different."""
    import os
    import time

    stat = path.stat()
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    time.sleep(0.05)  # past the file system clock's tick, as a real second write would be
    path.write_bytes(bytes(data))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # its times set back


@pytest.mark.parametrize("racy_ns", [0, 10**12], ids=["by-state", "hashed-again"])
def test_an_extract_rewritten_with_its_times_set_back_is_refused(
    project: Path, monkeypatch: pytest.MonkeyPatch, racy_ns: int
) -> None:
    # Judged by its state (the ctime moves on, whatever the mtime says), or, for a file
    # changed just before the build, hashed again: either way the rewrite is found.
    from statgen.lifecycle import manifest

    monkeypatch.setattr(manifest, "RACY_NS", racy_ns)
    path = load_publication(project / "publications" / SLUG).extracts_path(project)
    target = path / "orders.parquet"
    real_load = extracts.load

    def rewritten(*args, **kwargs):  # type: ignore[no-untyped-def]
        frames = real_load(*args, **kwargs)
        _rewrite_in_place(target)
        return frames

    monkeypatch.setattr(extracts, "load", rewritten)
    with pytest.raises(ExtractError, match="orders.parquet.*changed while the build"):
        build(project, SLUG, today=TODAY)
    assert not list(Layout.at(project).drafts(SLUG).glob("*/draft-*"))


def _count_hashing(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files hashed from now on (the manifest's SHA-256), in order."""
    from statgen.lifecycle import manifest

    hashed: list[str] = []
    real = manifest.sha256

    def counting(path: Path) -> str:
        hashed.append(path.name)
        return real(path)

    monkeypatch.setattr(manifest, "sha256", counting)
    return hashed


def test_an_extract_untouched_since_before_the_build_is_not_hashed_twice(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from statgen.lifecycle import manifest

    monkeypatch.setattr(manifest, "RACY_NS", 0)  # every file is old enough to judge by state
    hashed = _count_hashing(monkeypatch)
    build(project, SLUG, today=TODAY)
    extract_files = _extract_files(project)
    assert extract_files
    for path in extract_files:
        assert hashed.count(path.name) == 1


def test_the_cache_key_covers_every_module_of_statgen(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # An edit to the code that computes tables (tables/, protection/, extracts/), committed or
    # not, must give a new key: a copy of the package with one such module changed.
    import shutil

    from statgen.lifecycle import cache

    package = tmp_path / "statgen"
    shutil.copytree(cache.SOURCE, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "SOURCE", package)
    before = cache.source_hash()
    with (package / "tables" / "run.py").open("a", encoding="utf-8") as f:
        f.write("\n# an edit\n")
    assert cache.source_hash() != before


def _extract_files(project: Path) -> list[Path]:
    from statgen.lifecycle import manifest

    publication = load_publication(project / "publications" / SLUG)
    return manifest.input_files(publication, publication.extracts_path(project))


def test_a_build_takes_the_hash_of_an_extract_not_written_since_the_last_build(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second build hashes no extract (its state is the one recorded), and its draft is
    the first's: the same inputs hash, so no new draft."""
    from statgen.lifecycle import manifest

    monkeypatch.setattr(manifest, "RACY_NS", 0)  # the files are old enough to judge by state
    first = build(project, SLUG, today=TODAY)
    hashed = _count_hashing(monkeypatch)
    second = build(project, SLUG, today=TODAY)
    assert second.unchanged and second.folder == first.folder
    assert not {p.name for p in _extract_files(project)} & set(hashed)


@pytest.mark.parametrize("change", ["rewritten, times set back", "replaced", "removed record"])
def test_an_extract_written_since_the_last_build_is_hashed_and_read_again(
    project: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    from statgen.lifecycle import manifest

    monkeypatch.setattr(manifest, "RACY_NS", 0)
    first = build(project, SLUG, today=TODAY)
    assert (Layout.at(project).cache(SLUG) / manifest.HASHES).is_file()
    target = next(p for p in _extract_files(project) if p.name == "orders.parquet")
    frame = pl.read_parquet(target)
    if change == "rewritten, times set back":
        _rewrite_in_place(target)  # same size and mtime (its ctime moved on), a broken end
        with pytest.raises(ExtractError, match="orders.parquet: could not be read"):
            build(project, SLUG, today=TODAY)  # read again, not taken on trust
        return
    if change == "replaced":  # another file renamed over it, its times copied
        other = target.with_name("orders.new")
        frame.head(frame.height - 1).write_parquet(other)
        stat = target.stat()
        os.utime(other, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        os.replace(other, target)
    else:
        (Layout.at(project).cache(SLUG) / manifest.HASHES).unlink()
    second = build(project, SLUG, today=TODAY)
    recorded = manifest.read(second.folder)["inputs"] if not second.unchanged else None
    if change == "removed record":  # the same bytes: hashed again, the same draft
        assert second.unchanged and second.folder == first.folder
    else:
        assert "extracts" in second.ran and not second.unchanged
        assert recorded is not None
        assert manifest.sha256(target) in json.dumps(recorded)


def test_a_broken_or_racy_record_of_the_hashes_is_not_trusted(project: Path) -> None:
    from statgen.lifecycle import manifest

    publication = load_publication(project / "publications" / SLUG)
    source = publication.extracts_path(project)
    record = project / "record.json"
    looked, states = manifest.file_states(publication, source)
    hashes = manifest.input_hashes(publication, source)
    # Written just now: too recent to judge by its state, so not recorded.
    manifest.remember_hashes(record, source, (looked, states), hashes)
    assert manifest.remembered_hashes(record, publication, source, (looked, states)) is None
    later = (looked + manifest.RACY_NS, states)  # the same files, looked at 3 s on
    manifest.remember_hashes(record, source, later, hashes)
    assert manifest.remembered_hashes(record, publication, source, later) == hashes
    for broken in ["", "{}", '{"files": {"x": 1}}', json.dumps({"files": {
        str((source / n).resolve()): {"state": list(s), "sha256": "not a hash"}
        for n, s in states.items()
    }})]:  # fmt: skip
        record.write_text(broken, encoding="utf-8")
        assert manifest.remembered_hashes(record, publication, source, later) is None
