"""The reviewers' index of one publication's drafts: every period's drafts, newest first,
with their inputs and checks."""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path

from statgen.layout import Layout
from statgen.outputs.assets import assets


def write_index(layout: Layout, slug: str, title: str) -> Path:
    """Write the reviewers' index of one publication's drafts (:meth:`Layout.reviewers_index`)."""
    esc = html.escape
    base = layout.drafts(slug)
    sections = []
    for period in reversed(layout.draft_periods(slug)):
        period_dir = layout.period_drafts(slug, period)
        rows = []
        for n in reversed(layout.draft_numbers(slug, period)):
            try:
                meta = json.loads((period_dir / f"draft-{n}" / "manifest.json").read_text("utf-8"))
            except (OSError, ValueError):
                continue
            failed = [c["name"] for c in meta.get("checks", []) if not c.get("passed")]
            checks = "passed" if not failed else "failed: " + ", ".join(failed)
            rows.append(
                f'<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">'
                f'<a class="govuk-link" href="{period_dir.name}/draft-{n}/index.html">Draft {n}</a>'
                f'</th><td class="govuk-table__cell">{esc(meta.get("inputs_sha256", "")[:8])}</td>'
                f'<td class="govuk-table__cell">{esc(checks)}</td></tr>'
            )
        name = esc(
            period_dir.name.upper().replace("-Q", " Q")
            if period.frequency == "quarterly"
            else period.long_label
        )
        sections.append(
            f"<h2>{name}</h2>\n"
            f'<table class="govuk-table"><caption class="govuk-table__caption">Drafts of {name}, '
            "newest first</caption>\n"
            '<thead class="govuk-table__head"><tr class="govuk-table__row">'
            '<th scope="col" class="govuk-table__header">Draft</th>'
            '<th scope="col" class="govuk-table__header">Inputs</th>'
            '<th scope="col" class="govuk-table__header">Checks</th></tr></thead>\n'
            f'<tbody class="govuk-table__body">{"".join(rows)}</tbody></table>'
        )
    page = f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>{esc(title)}: drafts for review</title>
<link rel="stylesheet" href="statgen.css">
</head>
<body class="statgen-page">
<div class="statgen-width-container">
<main class="statgen-main" id="main-content">
<h1 class="statgen-heading-xl">{esc(title)}: drafts for review</h1>
<p>Drafts are not for publication. Compare a draft with the last release with
<code>make diff</code>; publish a signed-off draft with <code>make publish</code>.</p>
{chr(10).join(sections)}
</main>
</div>
</body>
</html>
"""
    shutil.copyfile(assets(["statgen.css"])[0], base / ".statgen.css.tmp")
    (base / ".statgen.css.tmp").replace(base / "statgen.css")
    target = layout.reviewers_index(slug)
    temporary = base / ".index.html.tmp"
    temporary.write_text(page, encoding="utf-8")
    temporary.replace(target)  # atomic: readers see the old index or the new one
    return target
