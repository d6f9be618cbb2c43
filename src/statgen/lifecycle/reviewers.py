"""The reviewers' index of one publication's drafts: every period's drafts, newest first,
with their inputs and checks."""

from __future__ import annotations

import json
from pathlib import Path

from statgen.layout import Layout

QA_LABELS = {"pass": "Pass", "warn": "Warnings", "fail": "Fail"}


def write_index(layout: Layout, slug: str, title: str, organisation: str = "Statistics") -> Path:
    """Write the reviewers' index of one publication's drafts (:meth:`Layout.reviewers_index`)."""
    from statgen.outputs.page.shell import write_page

    periods = []
    for period in reversed(layout.draft_periods(slug)):
        period_dir = layout.period_drafts(slug, period)
        rows = []
        for n in reversed(layout.draft_numbers(slug, period)):
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
                    "qa": QA_LABELS.get(str(meta.get("qa_status")), "not recorded"),
                    "qa_href": f"{period_dir.name}/draft-{n}/qa.html",
                }
            )
        label = (
            period_dir.name.upper().replace("-Q", " Q")
            if period.frequency == "quarterly"
            else period.long_label
        )
        periods.append({"label": label, "drafts": rows})
    # Written whole then renamed: readers see the old index or the new one.
    return write_page(
        layout.reviewers_index(slug),
        "pages/drafts.html",
        title=f"{title}: drafts for review",
        organisation=organisation,
        noindex=True,
        periods=periods,
    )
