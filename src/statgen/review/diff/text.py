"""The page's commentary compared paragraph by paragraph, word by word."""

from __future__ import annotations

import difflib
from html.parser import HTMLParser
from pathlib import Path


class _TextBlocks(HTMLParser):
    """The readable text of a page's body, one string per paragraph, heading or list item;
    tables, figures, scripts, table notes and sources, and the downloads (with their sizes) are
    left out (tables, charts and downloads are compared on their own)."""

    SKIP = {"table", "figure", "script", "style", "details", "nav", "svg"}
    SKIP_CLASSES = {
        "statgen-table-notes",
        "statgen-downloads-section",
        "statgen-downloads",
        "statgen-file-meta",
        "statgen-figure__download",
    }
    BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "blockquote", "div"}
    HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
    VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.headings: list[bool] = []
        self._current: list[str] = []
        self._open: list[tuple[str, bool]] = []  # (tag, skipped) of each open element
        self._in_body = 0
        self._heading = False

    @property
    def _skipping(self) -> bool:
        return bool(self._open) and self._open[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = set((dict(attrs).get("class") or "").split())
        if not self._in_body:
            if tag == "div" and "statgen-body" in classes:
                self._in_body = 1
            return
        if tag in self.VOID:
            return
        if tag in self.BLOCKS and not self._skipping:
            self._flush()
            self._heading = tag in self.HEADINGS
        skip = self._skipping or tag in self.SKIP or bool(classes & self.SKIP_CLASSES)
        self._open.append((tag, skip))

    def handle_endtag(self, tag: str) -> None:
        if not self._in_body or tag in self.VOID:
            return
        if not any(t == tag for t, _ in self._open):
            if tag == "div":
                self._in_body = 0  # the end of the body
            return
        while self._open:
            open_tag, skipped = self._open.pop()
            if open_tag == tag:
                break
        if tag in self.BLOCKS and not self._skipping and not skipped:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._in_body and not self._skipping:
            self._current.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self._current).split())
        if text:
            self.blocks.append(text)
            self.headings.append(self._heading)
        self._current = []
        self._heading = False


def _parse(page: Path) -> _TextBlocks:
    parser = _TextBlocks()
    parser.feed(page.read_text(encoding="utf-8") if page.exists() else "")
    parser.close()
    return parser


def page_text(page: Path) -> list[str]:
    """The commentary of a rendered page as blocks of plain text."""
    return _parse(page).blocks


def page_headings(page: Path) -> list[bool]:
    """For each block of :func:`page_text`, whether it is a heading."""
    return _parse(page).headings


Segment = tuple[str, str]
"""A run of words and what happened to it: ``same``, ``del`` (deleted) or ``ins`` (inserted);
the report's template marks them up (escaped)."""


def word_diff(old: str, new: str) -> list[Segment]:
    """One block as runs of words kept, deleted and inserted."""
    a, b = old.split(), new.split()
    out: list[Segment] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("same", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("del", " ".join(a[i1:i2])))
        if j2 > j1:
            out.append(("ins", " ".join(b[j1:j2])))
    return out


def text_diff(old: list[str], new: list[str]) -> tuple[list[list[Segment]], bool]:
    """Every paragraph as runs of words, and whether anything changed."""
    out: list[list[Segment]] = []
    changed = False
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out += [[("same", p)] for p in old[i1:i2]]
            continue
        changed = True
        pairs = list(zip(old[i1:i2], new[j1:j2], strict=False))
        out += [word_diff(a, b) for a, b in pairs]
        out += [[("del", p)] for p in old[i1 + len(pairs) : i2]]
        out += [[("ins", p)] for p in new[j1 + len(pairs) : j2]]
    return out, changed


def changed_blocks(
    old: list[str], new: list[str], headings: list[bool]
) -> tuple[list[tuple[str, list[list[Segment]]]], int]:
    """Only the paragraphs that changed, each under the heading of its section in the new page
    (``headings`` marks which of ``new`` are headings), and how many paragraphs did not change
    (headings not counted)."""
    sections: list[tuple[str, list[list[Segment]]]] = []
    unchanged = 0

    def heading_of(j: int) -> str:
        return next((new[i] for i in range(min(j, len(new) - 1), -1, -1) if headings[i]), "")

    def add(j: int, segments: list[Segment]) -> None:
        title = heading_of(j)
        if not sections or sections[-1][0] != title:
            sections.append((title, []))
        sections[-1][1].append(segments)

    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            unchanged += sum(not headings[j] for j in range(j1, j2))
            continue
        pairs = list(zip(old[i1:i2], new[j1:j2], strict=False))
        for k, (a, b) in enumerate(pairs):
            add(j1 + k, word_diff(a, b))
        for a in old[i1 + len(pairs) : i2]:
            add(j1, [("del", a)])
        for k, b in enumerate(new[j1 + len(pairs) : j2]):
            add(j1 + len(pairs) + k, [("ins", b)])
    return sections, unchanged
