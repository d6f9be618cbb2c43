"""The workbook structure people read: sheet names, cell values and number formats, read back
with openpyxl (XLSX) and python-calamine (ODS), never by statgen's own reader."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from python_calamine import CalamineWorkbook


def xlsx_structure(path: Path) -> dict[str, list[str]]:
    book = openpyxl.load_workbook(path)
    out = {}
    for ws in book.worksheets:
        cells = []
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    fmt = "" if c.number_format == "General" else f" [{c.number_format}]"
                    cells.append(f"{c.coordinate}: {c.value!r}{fmt}")
        out[ws.title] = cells
    return out


def ods_values(path: Path) -> dict[str, list[list[object]]]:
    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_electronic_monitoring_workbook(em_release, snapshot) -> None:  # noqa: ANN001
    (xlsx,) = em_release.folder.glob("*.xlsx")
    assert xlsx_structure(xlsx) == snapshot(name="xlsx")
    (ods,) = em_release.folder.glob("*.ods")
    values = ods_values(ods)
    assert list(values) == list(xlsx_structure(xlsx)), "the same sheets, in the same order"
    assert values == snapshot(name="ods values")
