"""Which figures the commentary's main points cite, written into each draft as
``main-points.json`` for ``statgen diff`` (so the diff never reads them back from the HTML).

The main points are the commentary's ``::: {.statgen-main-points}`` block (or, without one, the
section under the heading ``{#main-points}``). The commentary is filled a second time with every
figure wrapped in private-use marks as it is written, so each figure's place in the text, and so
its main point, is known exactly.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

from statgen.config import Publication
from statgen.outputs.page.commentary import TAG_CLOSE, TAG_MID, TAG_OPEN, TAGGED, Context, Figure
from statgen.outputs.page.templating import fill

FILE = "main-points.json"
"""The record's name in a draft."""

_BLOCK = re.compile(
    r"^:::+\s*\{[^}\n]*\.statgen-main-points\b[^}\n]*\}[ \t]*\n(.*?)^:::+[ \t]*$", re.M | re.S
)
_HEADING = re.compile(r"^(#+)[^\n]*\{#main-points\}[^\n]*\n", re.M)
_TAG = re.compile(f"{TAG_OPEN}(\\d+){TAG_MID}(.*?){TAG_CLOSE}", re.S)


def _section(text: str) -> str:
    """The main points of the filled commentary ("" when it has none)."""
    block = _BLOCK.search(text)
    if block:
        return block[1]
    heading = _HEADING.search(text)
    if not heading:
        return ""
    level = len(heading[1])
    rest = text[heading.end() :]
    after = re.search(rf"^#{{1,{level}}}\s", rest, re.M)
    return rest[: after.start()] if after else rest


def _plain(text: str) -> str:
    """A main point as plain text: marks, emphasis and list bullets taken out."""
    text = _TAG.sub(lambda m: m[2], text)
    text = re.sub(r"(?<!\\)[*_`]+", "", text)
    text = re.sub(r"\\([^\w\s])", r"\1", text)  # values are written as markdown text: "\(" is "("
    return " ".join(re.sub(r"^\s*[-+*]\s+", "", text).split())


def _record(figure: Figure, text: str) -> dict[str, Any]:
    return {
        "text": text,
        "value": figure.value,
        "format": figure.format,
        "how": figure.how,
        "sources": [
            {"table": s.table, "measure": s.measure, "keys": dict(s.keys)} for s in figure.sources
        ],
    }


def main_points(publication: Publication, context: Context) -> list[dict[str, Any]]:
    """Each main point (its plain text) and the figures it cites, in the order written."""
    traced = dataclasses.replace(context, quoted=[], literals=[], placed=[])
    tagged: list[Figure] = []
    token = TAGGED.set(tagged)
    try:
        text = fill(publication, traced, publication.commentary)
    finally:
        TAGGED.reset(token)
    section = _section(text)
    points = [p for p in re.split(r"\n(?=\s*[-+*]\s)|\n\s*\n", section) if p.strip()]
    out = []
    for point in points:
        figures = [_record(tagged[int(m[1])], _plain(m[2])) for m in _TAG.finditer(point)]
        if figures:
            out.append({"text": _plain(point), "figures": figures})
    return out


def write(folder: Path, publication: Publication, context: Context) -> Path:
    """Write ``main-points.json`` into a build folder."""
    path = folder / FILE
    record = {"main_points": main_points(publication, context)}
    path.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
