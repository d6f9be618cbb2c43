"""Accessible spreadsheets: one sheet model, written as XLSX (openpyxl) and ODS (odfpy)."""

from statgen.spreadsheets.model import Line, Sheet, WorkbookModel, build_model

__all__ = ["Line", "Sheet", "WorkbookModel", "build_model"]
