"""A draft's own checks of its outputs (spreadsheets open, CSVs read back, the page rendered),
recorded in its manifest and checked again before publishing."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import polars as pl


def run_checks(folder: Path) -> list[dict[str, Any]]:
    """Check a finished draft's outputs; each check is recorded with whether it passed."""
    results = []

    def record(name: str, problems: list[str]) -> None:
        results.append({"name": name, "passed": not problems, "problems": problems})

    problems = []
    for path in sorted(folder.glob("*.xlsx")) + sorted(folder.glob("*.ods")):
        try:
            with zipfile.ZipFile(path) as zf:
                bad = zf.testzip()
            if bad:
                problems.append(f"{path.name}: damaged entry {bad}")
        except zipfile.BadZipFile as exc:
            problems.append(f"{path.name}: {exc}")
    if not list(folder.glob("*.xlsx")):
        problems.append("no XLSX workbook was written")
    record("spreadsheets open", problems)

    problems = []
    for path in sorted((folder / "csv").glob("*.csv")):
        try:
            frame = pl.read_csv(path, infer_schema=False)
        except pl.exceptions.PolarsError as exc:
            problems.append(f"csv/{path.name}: {exc}")
            continue
        if frame.height == 0:
            problems.append(f"csv/{path.name}: no rows")
    record("CSV files read back", problems)

    problems = []
    page = folder / "index.html"
    text = page.read_text(encoding="utf-8") if page.exists() else ""
    if "<h1" not in text:
        problems.append("index.html has no main heading")
    # Chart data (JSON in <script> elements) may hold braces; the words may not.
    words = re.sub(r"<script\b.*?</script>", "", text, flags=re.DOTALL)
    for leftover in ("{{", "{%"):
        if leftover in words:
            problems.append(f"index.html still holds template code {leftover!r}")
    record("page rendered", problems)
    return results


def failed_checks(manifest: dict[str, Any]) -> list[str]:
    """The problems of a draft's failed checks, as recorded in its manifest."""
    out = []
    for check in manifest.get("checks", []):
        if not check.get("passed"):
            out += [f"{check['name']}: {p}" for p in check.get("problems") or ["failed"]]
    if not manifest.get("checks"):
        out.append("the draft records no checks (it was built by an older statgen)")
    return out
