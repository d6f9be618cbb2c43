"""The page's commentary compared paragraph by paragraph, word by word."""

from __future__ import annotations

import difflib
import html
from html.parser import HTMLParser
from pathlib import Path

esc = html.escape


class _TextBlocks(HTMLParser):
    """The readable text of a page's body, one string per paragraph, heading or list item;
    tables, figures and scripts are left out (they are compared as tables and charts)."""

    SKIP = {"table", "figure", "script", "style", "details", "nav", "svg"}
    BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "blockquote", "div"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._current: list[str] = []
        self._skip = 0
        self._in_body = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if self._in_body:
            if tag == "div":
                self._in_body += 1
            if tag in self.SKIP or self._skip:
                self._skip += tag in self.SKIP
            if tag in self.BLOCKS:
                self._flush()
        elif tag == "div" and "statgen-body" in classes:
            self._in_body = 1

    def handle_endtag(self, tag: str) -> None:
        if not self._in_body:
            return
        if tag in self.SKIP and self._skip:
            self._skip -= 1
        if tag in self.BLOCKS:
            self._flush()
        if tag == "div":
            self._in_body -= 1

    def handle_data(self, data: str) -> None:
        if self._in_body and not self._skip:
            self._current.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self._current).split())
        if text:
            self.blocks.append(text)
        self._current = []


def page_text(page: Path) -> list[str]:
    """The commentary of a rendered page as blocks of plain text."""
    parser = _TextBlocks()
    parser.feed(page.read_text(encoding="utf-8") if page.exists() else "")
    parser.close()
    return parser.blocks


def word_diff(old: str, new: str) -> str:
    """HTML of one block with deleted words in <del> and inserted words in <ins>."""
    a, b = old.split(), new.split()
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(esc(" ".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(_mark("del", " ".join(a[i1:i2])))
        if j2 > j1:
            out.append(_mark("ins", " ".join(b[j1:j2])))
    return " ".join(out)


def _mark(tag: str, text: str) -> str:
    said = "deleted" if tag == "del" else "inserted"
    return (
        f'<{tag} class="statgen-diff-{tag}"><span class="statgen-visually-hidden">[{said}: </span>'
        f'{esc(text)}<span class="statgen-visually-hidden">]</span></{tag}>'
    )


def text_diff(old: list[str], new: list[str]) -> tuple[list[str], bool]:
    """Paragraphs of HTML marking every change, and whether anything changed."""
    out = []
    changed = False
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out += [esc(p) for p in old[i1:i2]]
            continue
        changed = True
        pairs = list(zip(old[i1:i2], new[j1:j2], strict=False))
        out += [word_diff(a, b) for a, b in pairs]
        out += [_mark("del", p) for p in old[i1 + len(pairs) : i2]]
        out += [_mark("ins", p) for p in new[j1 + len(pairs) : j2]]
    return out, changed
