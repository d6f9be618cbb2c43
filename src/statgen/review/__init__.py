"""Review: what a reviewer reads before signing a draft off — the QA report of each draft
(:mod:`statgen.review.qa`) and the comparison with the last release (:mod:`statgen.review.diff`)."""
