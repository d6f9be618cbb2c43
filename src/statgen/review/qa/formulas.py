"""QA warning: category labels a spreadsheet program would run as a formula.

The tidy CSVs keep every label exactly as it is (docs/extracts.md says why), so a label that
begins with one of OWASP's formula characters (``=``, ``+``, ``-``, ``@``, a tab or a carriage
return) runs as a formula when someone opens the CSV in a spreadsheet. The check names each such
label, its table and its column, and warns: the release may go ahead, but the statistician
should rename the category in the schema.
"""

from __future__ import annotations

from statgen.review.qa.report import MAX_DETAILS, Check
from statgen.tables import StatTable, category_label

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""OWASP's list of the first characters that make a spreadsheet cell a formula."""
NAME = "Category labels are not spreadsheet formulas"


def runs_as_formula(label: str) -> bool:
    """Whether a spreadsheet program would run ``label`` as a formula."""
    return label.startswith(FORMULA_STARTS)


def formula_labels(tables: list[StatTable]) -> list[Check]:
    """A warning listing every category label of the tables' CSVs that would run as a formula
    (table, column and label); no check at all when there is none."""
    found = []
    for table in tables:
        for dim in table.spec.dims:
            for value in table.categories[dim]:
                label = category_label(dim, value)
                if runs_as_formula(label):
                    found.append(f"Table {table.number} ({table.id}), column {dim}: {label!r}")
    if not found:
        return []
    summary = (
        f"{len(found)} category label{'s' if len(found) != 1 else ''} begin with =, +, -, @, a "
        "tab or a carriage return: a spreadsheet program opening the CSV would run "
        f"{'them' if len(found) != 1 else 'it'} as a formula (the CSV keeps labels unchanged). "
        "Rename the categories in the schema (the column's values, or the transform that "
        "makes them), e.g. 'Minus 5 or lower' for '-5 or lower'."
    )
    return [Check(NAME, "warn", summary, found[:MAX_DETAILS])]
