"""Accessible spreadsheets: one sheet model, written as XLSX (openpyxl) and ODS (odfpy)."""

from pathlib import Path

from statgen.outputs.spreadsheets.check import check_or_raise
from statgen.outputs.spreadsheets.model import Line, Sheet, WorkbookModel, build_model
from statgen.outputs.spreadsheets.ods import write_ods
from statgen.outputs.spreadsheets.xlsx import write_xlsx

__all__ = ["Line", "Sheet", "WorkbookModel", "build_model", "write_workbooks"]


def write_workbooks(model: WorkbookModel, stem: Path) -> list[Path]:
    """Write ``<stem>.ods`` and ``<stem>.xlsx`` and check both; raise CheckError if either fails."""
    paths = [stem.with_name(f"{stem.name}.ods"), stem.with_name(f"{stem.name}.xlsx")]
    write_ods(model, paths[0])
    write_xlsx(model, paths[1])
    check_or_raise(paths)
    return paths
