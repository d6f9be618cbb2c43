"""``statgen diff OLD NEW``: an HTML report for reviewers of what changed between two builds
(draft against draft, or draft against the last published release).

- tables: every changed cell (old, new, absolute and percentage difference), rows and columns
  added or removed; unchanged tables are collapsed;
- commentary: a word-level diff of the paragraphs that changed, insertions and deletions marked;
- charts: both versions of each changed chart side by side;
- downloads: which files changed, from the manifests' hashes.

The report is an accessible page in the project's style (headings in order, tables with
captions and header scopes, language and title set).
"""

from statgen.review.diff.charts import compare_files, page_charts
from statgen.review.diff.pair import default_pair
from statgen.review.diff.report import DiffReport, label, write_report
from statgen.review.diff.tables import CellChange, TableDiff, compare_table, compare_tables
from statgen.review.diff.text import changed_blocks, page_text, text_diff, word_diff

__all__ = [
    "CellChange",
    "DiffReport",
    "TableDiff",
    "changed_blocks",
    "compare_files",
    "compare_table",
    "compare_tables",
    "default_pair",
    "label",
    "page_charts",
    "page_text",
    "text_diff",
    "word_diff",
    "write_report",
]
