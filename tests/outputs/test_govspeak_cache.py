"""The govspeak fragment cache (statgen.outputs.govuk): a page's HTML fragments are read back by
Pandoc only when the cache does not hold them; what comes out is the same govspeak as without the
cache; a damaged cache is not used (with a warning); another writer or Pandoc binary does not
use the cache either."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pypandoc
import pytest

from statgen.outputs import govuk

TABLE = """<table class="govuk-table" id="table-1">
<caption class="govuk-table__caption">Table 1: Orders by region</caption>
<thead><tr><th scope="col">Region</th><th scope="col">Orders</th></tr></thead>
<tbody><tr><th scope="row">North</th><td>1,204</td></tr>
<tr><th scope="row">South</th><td>[c]</td></tr></tbody></table>"""

NOTES = """<h3>About the figures</h3>
<p>Figures are <strong>provisional</strong>, <a href="csv/orders.csv">the CSV</a>.</p>"""


def page(folder: Path, heading: str = "#", words: str = "Orders rose.") -> Path:
    """A page source with two HTML fragments (the form statgen writes them in)."""
    qmd = folder / "publication.qmd"
    qmd.write_text(
        "---\ntitle: A test\n---\n\n"
        f"{heading} Main points\n\n{words}\n\n"
        f"```{{=html}}\n{TABLE}\n```\n\n"
        f"{heading} Notes\n\n"
        f"```{{=html}}\n{NOTES}\n```\n",
        encoding="utf-8",
    )
    return qmd


def written(qmd: Path, out: Path, cache: Path | None, warnings: list[str] | None = None) -> str:
    sink = warnings.append if warnings is not None else None
    return govuk.write_govspeak(qmd, out, cache, sink).read_text(encoding="utf-8")


def entry(cache: Path) -> dict:
    return json.loads((cache / govuk.FRAGMENTS).read_text(encoding="utf-8"))


def test_the_cache_gives_the_same_govspeak_and_keeps_one_entry_a_fragment(tmp_path: Path) -> None:
    qmd, cache = page(tmp_path), tmp_path / "cache"
    plain = written(qmd, tmp_path / "plain", None)
    # Worked out by hand from TABLE and NOTES: header cells marked with #, the numeric column
    # right-aligned, every heading raised one level (the page's highest is #), the link to a
    # file beside the page as plain text.
    assert "| # Region | # Orders |\n| --- | ---: |\n| # North | 1,204 |\n" in plain
    assert "\n#### About the figures\n\nFigures are **provisional**, the CSV.\n" in plain
    assert "\n## Notes\n" in plain
    warnings: list[str] = []
    first = written(qmd, tmp_path / "first", cache, warnings)
    second = written(page(tmp_path, words="Orders fell."), tmp_path / "second", cache, warnings)
    assert first == plain
    assert second == plain.replace("Orders rose.", "Orders fell.")
    assert warnings == []
    assert len(entry(cache)["fragments"]) == 2  # the table and the notes, nothing else


def test_a_cached_fragment_is_not_read_again(tmp_path: Path) -> None:
    """The writer takes a fragment's govspeak from a sound cache as it is (so a commentary-only
    rebuild does not read the tables back): shown by planting a text in a checked entry."""
    qmd, cache = page(tmp_path), tmp_path / "cache"
    written(qmd, tmp_path / "first", cache)
    data = entry(cache)
    key = next(k for k, v in data["fragments"].items() if "Region" in v)
    data["fragments"][key] = "PLANTED TABLE\n"
    data["sha256"] = govuk._fragments_digest(data["fragments"])
    (cache / govuk.FRAGMENTS).write_text(json.dumps(data), encoding="utf-8")
    got = written(qmd, tmp_path / "second", cache)
    assert "PLANTED TABLE" in got and "# Region" not in got


@pytest.mark.parametrize("damage", ["edited", "truncated", "not json", "wrong shape"])
def test_a_damaged_cache_is_not_used_and_says_so(tmp_path: Path, damage: str) -> None:
    qmd, cache = page(tmp_path), tmp_path / "cache"
    plain = written(qmd, tmp_path / "plain", None)
    written(qmd, tmp_path / "first", cache)
    path = cache / govuk.FRAGMENTS
    text = path.read_text(encoding="utf-8")
    if damage == "edited":  # a fragment changed on disk, its checksum not
        data = json.loads(text)
        key = next(iter(data["fragments"]))
        data["fragments"][key] = "EDITED\n"
        path.write_text(json.dumps(data), encoding="utf-8")
    elif damage == "truncated":
        path.write_text(text[: len(text) // 2], encoding="utf-8")
    elif damage == "not json":
        path.write_bytes(b"\xff\xfe not json")
    else:
        path.write_text(json.dumps({"writer": entry(cache)["writer"], "fragments": [1]}))
    warnings: list[str] = []
    got = written(qmd, tmp_path / "second", cache, warnings)
    assert got == plain and "EDITED" not in got
    assert len(warnings) == 1 and str(path) in warnings[0] and "damaged" in warnings[0]
    # Written again whole: the next build uses it without a warning.
    assert written(qmd, tmp_path / "third", cache, warnings) == plain and len(warnings) == 1


def test_the_heading_shift_is_part_of_a_fragments_key(tmp_path: Path) -> None:
    """The same fragment under level-2 headings (no shift: its h3 stays ###) is govspeak of its
    own, not the level-1 page's (where its h3 is raised to ####)."""
    cache = tmp_path / "cache"
    written(page(tmp_path), tmp_path / "one", cache)
    qmd = page(tmp_path, heading="##")
    plain = written(qmd, tmp_path / "plain", None)
    assert "\n#### About" not in plain and "\n### About the figures\n" in plain
    assert written(qmd, tmp_path / "two", cache) == plain


def test_another_writer_or_pandoc_binary_does_not_use_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    qmd, cache = page(tmp_path), tmp_path / "cache"
    written(qmd, tmp_path / "first", cache)
    pandoc = tmp_path / "bin" / "pandoc"
    pandoc.parent.mkdir()
    shutil.copy2(pypandoc.get_pandoc_path(), pandoc)
    key = govuk._writer_key(str(pandoc))
    assert key != entry(cache)["writer"]  # another binary (here: another path)
    os.utime(pandoc, ns=(0, 0))
    assert govuk._writer_key(str(pandoc)) != key  # the same path, replaced (another mtime)

    # An edited writer: the planted entry of the old writer's cache is ignored, silently.
    data = entry(cache)
    data["fragments"] = {k: "PLANTED\n" for k in data["fragments"]}
    data["sha256"] = govuk._fragments_digest(data["fragments"])
    (cache / govuk.FRAGMENTS).write_text(json.dumps(data), encoding="utf-8")
    writer = tmp_path / "govspeak.lua"
    writer.write_text(govuk.WRITER.read_text(encoding="utf-8") + "\n-- edited\n")
    monkeypatch.setattr(govuk, "WRITER", writer)
    warnings: list[str] = []
    got = written(qmd, tmp_path / "second", cache, warnings)
    assert "PLANTED" not in got and "# Region" in got and warnings == []
    assert entry(cache)["writer"] == govuk._writer_key(pypandoc.get_pandoc_path())


def test_statgen_runs_the_pandoc_pypandoc_finds(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # statgen looks Pandoc up without importing pypandoc: the same binary as pypandoc's own
    # search, and $PYPANDOC_PANDOC first, as pypandoc honours it.
    from statgen.outputs import assets

    assets.pandoc.cache_clear()
    assert Path(assets.pandoc()).resolve() == Path(pypandoc.get_pandoc_path()).resolve()
    monkeypatch.setenv("PYPANDOC_PANDOC", "/opt/pandoc-3/bin/pandoc")
    assets.pandoc.cache_clear()
    assert assets.pandoc() == "/opt/pandoc-3/bin/pandoc"
    monkeypatch.delenv("PYPANDOC_PANDOC")
    assets.pandoc.cache_clear()
