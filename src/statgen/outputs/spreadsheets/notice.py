"""A correction notice added to finished workbooks, on the cover sheet only.

A correction's text is given at publish, after the draft was reviewed and signed off, so it
cannot be part of the sheet model. The notice ("Correction" heading and the text, as plain text)
goes under the cover's title; every other part of the file is copied byte for byte (XLSX: every
zip member but the cover's worksheet; ODS: every member but ``content.xml``, in which every
sheet but the cover is unchanged), so the data a reviewer signed off stays exactly as reviewed.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

HEADING = "Correction"


def add_cover_notice(path: Path, text: str) -> None:
    """Put the notice under the cover sheet's title of the ODS or XLSX at ``path``."""
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", text)  # not allowed in XML
    with zipfile.ZipFile(path) as z:
        members = [(info, z.read(info)) for info in z.infolist()]
    names = {info.filename: i for i, (info, _) in enumerate(members)}
    edit: Callable[[str, str], str] = _ods_notice
    part = "content.xml"
    if path.suffix == ".xlsx":
        part, edit = _xlsx_cover_part({i.filename: b for i, b in members}), _xlsx_notice
    info, data = members[names[part]]
    members[names[part]] = (info, edit(data.decode("utf-8"), text).encode("utf-8"))
    tmp = path.with_name(f".{path.name}.notice")
    with zipfile.ZipFile(tmp, "w") as out:
        for info, data in members:  # same order, dates and compression: a reproducible file
            out.writestr(info, data)
    os.replace(tmp, path)


def _xlsx_cover_part(parts: dict[str, bytes]) -> str:
    """The worksheet of the sheet named "Cover", from the workbook and its relationships."""
    book = parts["xl/workbook.xml"].decode("utf-8")
    found = re.search(r'<sheet name="Cover"[^>]*r:id="([^"]+)"', book)
    rels = parts["xl/_rels/workbook.xml.rels"].decode("utf-8")
    target = re.search(rf'<Relationship[^>]*Id="{found[1] if found else ""}"[^>]*/>', rels)
    where = re.search(r'Target="([^"]+)"', target[0]) if target else None
    if not where:
        raise ValueError("the workbook has no sheet called Cover")
    return "xl/" + where[1].removeprefix("/xl/")


def _xlsx_notice(sheet: str, text: str) -> str:
    """Two rows under row 1 (heading, text), later rows moved down two."""

    def row_after(m: re.Match[str]) -> str:
        n = int(m[2])
        return f"{m[1]}{n + 2 if n >= 2 else n}"

    style = {n: re.search(rf'<c r="A{n}" s="(\d+)"', sheet) for n in (2, 3)}
    text_style = style[2][1] if style[2] else "0"  # the summary's style: body text
    heading_style = style[3][1] if style[3] else text_style  # "Source": a heading
    body = sheet[sheet.index("<sheetData>") : sheet.index("</sheetData>")]
    moved = re.sub(r'(<row r=")(\d+)', row_after, body)
    moved = re.sub(r'(<c r="[A-Z]+)(\d+)', row_after, moved)
    rows = "".join(
        f'<row r="{n}"><c r="A{n}" s="{s}" t="inlineStr"><is><t>{escape(words)}</t></is></c></row>'
        for n, s, words in ((2, heading_style, HEADING), (3, text_style, text))
    )
    moved = moved.replace("</row>", "</row>" + rows, 1)
    head, tail = sheet.split(body, 1)
    tail = re.sub(r'(<hyperlink[^>]* ref="[A-Z]+)(\d+)', row_after, tail)
    head = re.sub(r'(<dimension ref="A1:[A-Z]+)(\d+)', lambda m: f"{m[1]}{int(m[2]) + 2}", head)
    return head + moved + tail


def _ods_notice(content: str, text: str) -> str:
    """Two rows after the first row of the table named Cover; the other tables untouched."""
    start = content.index('<table:table table:name="Cover"')
    first = content.index("</table:table-row>", start) + len("</table:table-row>")
    rows = "".join(
        '<table:table-row><table:table-cell office:value-type="string" '
        f'table:style-name="{style}"><text:p>{escape(words)}</text:p>'
        "</table:table-cell></table:table-row>"
        for style, words in (("ce_heading", HEADING), ("ce_text", text))
    )
    return content[:first] + rows + content[first:]
