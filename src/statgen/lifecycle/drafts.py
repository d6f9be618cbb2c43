"""Drafts: numbered, stamped builds in ``build/<slug>/<period>/draft-<n>/`` that reviewers check
before anything is published.

Every draft is written into a hidden temporary folder beside its destination (``.draft-<n>.*``)
and renamed into place only when complete, so a killed build leaves no partial folder visible;
the next build removes the leftovers.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from statgen.errors import StatgenError
from statgen.periods import format_date

DRAFT = re.compile(r"^draft-(\d+)$")
PAUSE_ENV = "STATGEN_PAUSE_AT"
"""Test hook: the name of a stage at which a build pauses (so a test can kill it there)."""
PAUSE_FILE_ENV = "STATGEN_PAUSE_FILE"
"""Test hook: a file written when the build reaches the pause point."""


@dataclass(frozen=True)
class Stamp:
    """What marks a page as a draft: its number, the short hash of its inputs and the embargo."""

    number: int
    inputs_short: str
    embargo: str

    def front_matter(self) -> dict[str, Any]:
        """Front-matter variables the page template shows as the draft banner."""
        return {
            # The page template of the foundation reads ``draft``; the reworked template reads
            # ``statgen_draft``. Both are given so either shows the banner.
            "draft": True,
            "statgen_draft": True,
            "draft_label": f"Draft {self.number}, inputs {self.inputs_short}",
            "embargo": self.embargo,
            # Drafts live one folder deeper than releases: link to the reviewers' index instead.
            "draft_breadcrumbs": [
                {"text": "Drafts for review", "href": "../../index.html"},
                {"text": f"Draft {self.number}"},
            ],
        }


STAMP_KEYS = ("draft", "statgen_draft", "draft_label", "embargo", "draft_breadcrumbs")
"""Front-matter keys removed when a draft is published."""

PAGE_SOURCE = "publication.qmd"
"""The page's Quarto markdown, kept in each draft so publishing can render it again."""


def restamp(source: str, *, add: dict[str, Any] | None = None, remove: tuple[str, ...] = ()) -> str:
    """The page source with front-matter keys added or removed (same YAML form as the page)."""
    if not source.startswith("---\n"):
        raise StatgenError("the page source has no front matter to stamp")
    end = source.index("\n---\n", 3)
    meta = yaml.safe_load(source[4 : end + 1])
    for key in remove:
        meta.pop(key, None)
    meta.update(add or {})
    dumped = yaml.safe_dump(meta, sort_keys=True, allow_unicode=True, width=1000)
    return "---\n" + dumped + source[end + 1 :]


def embargo_notice(release_date: dt.date, release_time: str) -> str:
    """ "Official statistics: embargoed until 09:30 on 10 December 2026"."""
    return f"Official statistics: embargoed until {release_time} on {format_date(release_date)}"


def numbers(period_dir: Path) -> list[int]:
    """The numbers of the finished drafts of one period, in order."""
    if not period_dir.is_dir():
        return []
    found = (DRAFT.match(p.name) for p in period_dir.iterdir() if p.is_dir())
    return sorted(int(m.group(1)) for m in found if m)


def latest(period_dir: Path) -> Path | None:
    """The newest finished draft of one period, or None."""
    drafts = numbers(period_dir)
    return period_dir / f"draft-{drafts[-1]}" if drafts else None


def remove_leftovers(folder: Path) -> None:
    """Remove hidden temporary folders left by killed builds (call while holding the lock)."""
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if path.name.startswith(".") and path.is_dir() and ".building-" in path.name:
            shutil.rmtree(path, ignore_errors=True)


def staging_for(dest: Path) -> Path:
    """A new hidden temporary folder beside ``dest``."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=dest.parent, prefix=f".{dest.name}.building-"))


def move_into_place(staging: Path, dest: Path) -> None:
    """Rename the finished folder to ``dest``, which must not exist (nothing is overwritten)."""
    if dest.exists():
        raise StatgenError(f"{dest} already exists; it is never overwritten")
    staging.chmod(0o755)
    staging.rename(dest)


def pause_point(stage: str) -> None:
    """Test hook: when ``STATGEN_PAUSE_AT`` names this stage, say so and wait to be killed."""
    if os.environ.get(PAUSE_ENV) != stage:
        return
    marker = os.environ.get(PAUSE_FILE_ENV)
    if marker:
        Path(marker).write_text(f"{os.getpid()}\n", encoding="utf-8")
    time.sleep(float(os.environ.get("STATGEN_PAUSE_SECONDS", "60")))


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


def write_index(base: Path, title: str, organisation: str = "Statistics") -> Path:
    """The reviewers' index of one publication's drafts: ``build/<slug>/index.html``."""
    from statgen.outputs.page.shell import write_page

    periods = []
    for period_dir in sorted(
        (p for p in base.iterdir() if p.is_dir() and numbers(p)), reverse=True
    ):
        rows = []
        for n in reversed(numbers(period_dir)):
            try:
                meta = json.loads((period_dir / f"draft-{n}" / "manifest.json").read_text("utf-8"))
            except (OSError, ValueError):
                continue
            failed = [c["name"] for c in meta.get("checks", []) if not c.get("passed")]
            rows.append(
                {
                    "number": n,
                    "href": f"{period_dir.name}/draft-{n}/index.html",
                    "inputs": meta.get("inputs_sha256", "")[:8],
                    "checks": "passed" if not failed else "failed: " + ", ".join(failed),
                }
            )
        periods.append({"label": period_dir.name.upper().replace("-Q", " Q"), "drafts": rows})
    return write_page(
        base / "index.html",
        "pages/drafts.html",
        title=f"{title}: drafts for review",
        organisation=organisation,
        noindex=True,
        periods=periods,
    )
