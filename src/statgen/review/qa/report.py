"""The QA report: each check's outcome, the report's status, and its pages (``qa.html``
for people, ``qa.json`` for machines) written into the draft."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import jinja2

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


PAGE = jinja2.Environment(autoescape=True).from_string(
    """<!DOCTYPE html>
<html lang="en-GB">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>QA report: {{ r.slug }} {{ r.period }}</title>
<style>body{font-family:Arial,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
line-height:1.5;color:#0b0c0c}table{border-collapse:collapse;width:100%}
th,td{text-align:left;border-bottom:1px solid #b1b4b6;padding:.5rem;vertical-align:top}
.pass{color:#00703c}.warn{color:#594d00}.fail{color:#d4351c}strong{font-weight:700}
a{color:#1d70b8}a:focus{outline:3px solid transparent;background:#fd0;color:#0b0c0c;
box-shadow:0 -2px #fd0,0 4px #0b0c0c;text-decoration:none}
.skip{position:absolute;left:-9999px}.skip:focus{position:static;display:inline-block}
main:focus{outline:none}</style>
</head>
<body><a class="skip" href="#main-content">Skip to main content</a>
<main id="main-content" tabindex="-1">
<h1>QA report: {{ r.slug }}, {{ r.period }}</h1>
<p>{% if r.draft %}Draft {{ r.draft }}, inputs {{ r.inputs }}.{% else %}This build failed its
checks, so it is not a draft (inputs {{ r.inputs }}).{% endif %}</p>
<p>Overall: <strong class="{{ r.status }}">{{ labels[r.status] }}</strong>.
A failed check stops the release; warnings need a statistician's review.</p>
<table><caption>Checks and their results</caption>
<thead><tr><th scope="col">Check</th><th scope="col">Result</th>
<th scope="col">Summary</th></tr></thead>
<tbody>
{% for c in r.checks %}<tr><th scope="row">{% if c.details -%}
<a href="#check-{{ loop.index }}">{{ c.name }}</a>{% else %}{{ c.name }}{% endif %}</th>
<td><strong class="{{ c.status }}">{{ labels[c.status] }}</strong></td><td>{{ c.summary }}</td></tr>
{% endfor %}</tbody></table>
{% for c in r.checks %}{% if c.details %}
<h2 id="check-{{ loop.index }}">{{ c.name }}: {{ labels[c.status] }}</h2>
<ul>{% for d in c.details %}<li>{{ d }}</li>{% endfor %}</ul>
{% endif %}{% endfor %}
</main></body></html>
"""
)


def write(report: QAReport, folder: Path) -> None:
    """Write ``qa.html`` (for people) and ``qa.json`` (for machines) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    data = {"slug": report.slug, "period": report.period, "status": report.status,
            "draft": report.draft, "inputs": report.inputs,
            "checks": [dataclasses.asdict(c) for c in report.checks]}  # fmt: skip
    labels = {"pass": "Pass", "warn": "Warning", "fail": "Fail"}
    for name, text in [
        ("qa.json", json.dumps(data, indent=1) + "\n"),
        ("qa.html", PAGE.render(r=report, labels=labels)),
    ]:
        # Written whole then renamed, so a killed build never leaves half a report.
        tmp = folder / f".{name}.tmp"
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(folder / name)


def as_draft_check(report: QAReport) -> dict[str, object]:
    """The QA result as one of a draft's recorded checks (warnings do not stop publishing)."""
    return {
        "name": "QA report",
        "passed": report.status != "fail",
        "problems": [f"{c.name}: {c.summary}" for c in report.checks if c.status != "pass"],
    }
