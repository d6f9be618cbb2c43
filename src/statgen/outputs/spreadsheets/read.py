"""Read any XLSX or ODS workbook into plain facts the checker can test (statgen's or anyone's).

XLSX is read with openpyxl (:mod:`.read_xlsx`) and ODS with odfpy (:mod:`.read_ods`); both become
the same :class:`Workbook` (:mod:`.facts`), so each rule of the checklist is written once.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from statgen.errors import WorkbookError
from statgen.outputs.spreadsheets.facts import (
    CellFacts,
    NumberFormat,
    SheetFacts,
    TableFacts,
    Workbook,
    cell_name,
    excel_format,
)
from statgen.outputs.spreadsheets.read_ods import _read_ods
from statgen.outputs.spreadsheets.read_xlsx import _read_xlsx

__all__ = [
    "CellFacts",
    "NumberFormat",
    "SheetFacts",
    "TableFacts",
    "Workbook",
    "cell_name",
    "excel_format",
    "read_workbook",
]


def read_workbook(path: Path) -> Workbook:
    """Read an .xlsx or .ods file; anything else is an error that says what is accepted."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise WorkbookError(f"{path}: no such file")
    if not zipfile.is_zipfile(path):
        raise WorkbookError(f"{path}: not an XLSX or ODS file (it is not a zip archive)")
    if suffix == ".xlsx":
        return _read_xlsx(path)
    if suffix == ".ods":
        return _read_ods(path)
    raise WorkbookError(f"{path}: statgen check reads .xlsx and .ods files only")
