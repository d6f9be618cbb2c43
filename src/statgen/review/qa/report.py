"""The QA report: each check's outcome, the report's status, and its pages (``qa.html``
for people, ``qa.json`` for machines) written into the draft."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from statgen.errors import QAError

Status = Literal["pass", "warn", "fail"]
MAX_DETAILS = 50


@dataclass(frozen=True)
class Check:
    """One check's outcome: a one-line summary and the figures behind a warning or failure."""

    name: str
    status: Status
    summary: str
    details: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class QAReport:
    """Every check of one build."""

    slug: str
    period: str
    checks: list[Check]
    draft: int | None = None
    """The draft number the report belongs to (None: not yet stamped)."""
    inputs: str = ""
    """The short hash of the draft's inputs."""

    @property
    def status(self) -> Status:
        """The worst status of any check."""
        for worst in ("fail", "warn"):
            if any(c.status == worst for c in self.checks):
                return worst  # type: ignore[return-value]
        return "pass"

    def stop_on_failure(self, folder: Path) -> None:
        """Raise :class:`CheckError` naming each failed check, so nothing is published."""
        failed = [c for c in self.checks if c.status == "fail"]
        if not failed:
            return
        lines = [f"the QA checks failed, so nothing was published (report: {folder / 'qa.html'}):"]
        for c in failed:
            lines.append(f"  - {c.name}: {c.summary}")
            lines.extend(f"      {d}" for d in c.details[:5])
        raise QAError("\n".join(lines))


def write(report: QAReport, folder: Path) -> None:
    """Write ``qa.html`` (for people, in the one page shell) and ``qa.json`` (for machines)."""
    from statgen.outputs.page.shell import write_page

    folder.mkdir(parents=True, exist_ok=True)
    data = {"slug": report.slug, "period": report.period, "status": report.status,
            "draft": report.draft, "inputs": report.inputs,
            "checks": [dataclasses.asdict(c) for c in report.checks]}  # fmt: skip
    labels = {"pass": "Pass", "warn": "Warning", "fail": "Fail"}
    # Written whole then renamed, so a killed build never leaves half a report.
    tmp = folder / ".qa.json.tmp"
    tmp.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    tmp.replace(folder / "qa.json")
    write_page(
        folder / "qa.html",
        "pages/qa.html",
        title=f"QA report: {report.slug} {report.period}",
        noindex=True,
        r=report,
        labels=labels,
    )


def as_draft_check(report: QAReport) -> dict[str, object]:
    """The QA result as one of a draft's recorded checks (warnings do not stop publishing)."""
    return {
        "name": "QA report",
        "passed": report.status != "fail",
        "problems": [f"{c.name}: {c.summary}" for c in report.checks if c.status != "pass"],
    }
