"""The QA report written into every draft: ``build/<slug>/<period>/draft-<n>/qa.html`` and
``qa.json``, stamped with the draft number and inputs hash. A build that fails its checks writes
its report to ``build/<slug>/<period>/failed-qa/`` instead, never over a good draft's.

Each check passes, warns or fails. A failing check stops the release (nothing is published);
warnings are for the statistician to read before signing the release off.
"""

from statgen.review.qa.checks import (
    changes_plausible,
    commentary_traced,
    counts_reconcile,
    disclosure_safe,
    numbers_in_text,
    revisions_expected,
    run,
    series_complete,
    totals_add_up,
)
from statgen.review.qa.formulas import formula_labels
from statgen.review.qa.report import Check, QAReport, Status, as_draft_check, write

__all__ = [
    "Check",
    "QAReport",
    "Status",
    "as_draft_check",
    "changes_plausible",
    "commentary_traced",
    "counts_reconcile",
    "disclosure_safe",
    "formula_labels",
    "numbers_in_text",
    "revisions_expected",
    "run",
    "series_complete",
    "totals_add_up",
    "write",
]
