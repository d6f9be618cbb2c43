"""What a reader sees of a ``statgen new`` financial-year publication, published: the page
header in Chromium and the spreadsheet cover as LibreOffice prints it, each saved as a
screenshot for the issue (build/screenshots/new-financial-year-*.png). The browser checks of
every ``statgen new`` page (axe, keyboard, reflow, requests, Nu checker) are in
tests/outputs/page/test_page_browser.py, on the same ``new_site``."""

from __future__ import annotations

import datetime as dt
import shutil
import struct
import subprocess
from pathlib import Path
from typing import Any

import yaml
from conftest import ROOT, Pilot, new_slug, require

SCREENSHOTS = ROOT / "build" / "screenshots"
SLUG = new_slug("financial_year")
LABEL = "April 2025 to March 2026"
"""The release's period in words: a publication made on 25 November 2026 first releases
2025-26, the latest financial year then complete (1 April 2025 to 31 March 2026)."""


def published(new_site: dict) -> Pilot:
    found = new_site[SLUG]
    assert isinstance(found, Pilot), found
    return found


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_financial_year_page_header_names_the_year_and_is_saved(
    browser: Any, new_site: dict
) -> None:
    p = published(new_site)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(p.page.as_uri(), wait_until="load")
    title = page.locator("h1").inner_text()
    rows = page.evaluate(
        """[...document.querySelectorAll('dl.statgen-metadata .govuk-summary-list__row')]
             .map(r => [r.querySelector('dt').innerText.trim(),
                        r.querySelector('dd').innerText.trim()])"""
    )
    # Everything from the top of the page to the end of the release's metadata.
    bottom = page.evaluate(
        "Math.ceil(document.querySelector('dl.statgen-metadata').getBoundingClientRect().bottom)"
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / "new-financial-year-header.png"
    page.screenshot(path=str(shot), clip={"x": 0, "y": 0, "width": 1280, "height": bottom + 16})
    page.close()
    assert LABEL in title and "January to March" not in title
    metadata = dict(rows)
    assert metadata["Period covered"] == LABEL
    # The next release is the next financial year's date in the publication's calendar.
    config = yaml.safe_load(
        (p.folder.parents[2] / "publications" / SLUG / "publication.yaml").read_text("utf-8")
    )
    upcoming: dt.date = config["release_calendar"]["2026-27"]
    assert metadata["Next release"] == f"{upcoming.day} {upcoming:%B %Y}"
    assert png_size(shot)[0] == 1280 and png_size(shot)[1] >= 200


def test_the_financial_year_spreadsheet_cover_as_printed_names_the_year_and_is_saved(
    new_site: dict, tmp_path: Path
) -> None:
    soffice = shutil.which("soffice")
    require(soffice is not None, "LibreOffice", "install libreoffice-calc-nogui (see .ci/run)")
    import pypdfium2

    p = published(new_site)
    (ods,) = p.folder.glob("*.ods")
    # LibreOffice prints the workbook (the cover is its first sheet, so the first page) ...
    subprocess.run(
        [str(soffice), "--headless", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(ods)],
        check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    pdf = pypdfium2.PdfDocument(tmp_path / f"{ods.stem}.pdf")
    cover = pdf[0]
    text = cover.get_textpage().get_text_range()
    # ... and PDFium draws that page.
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / "new-financial-year-cover.png"
    cover.render(scale=2).to_pil().save(shot)
    pdf.close()
    assert f"{p.publication.title}: {LABEL}" in " ".join(text.split())
    assert "January to March" not in text and "To be announced" not in text
    for heading in ("Source", "Release date", "Next release", "Contact", "Licence"):
        assert heading in text
    width, height = png_size(shot)
    assert width > 1000 and height > width  # an A4 page, portrait
