"""Both workbook formats, written from one sheet model, read back the way users' software reads them."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook
from workbooks import CREATED, RISKY, tiny_model

from statgen.errors import CheckError
from statgen.outputs.spreadsheets import write_workbooks
from statgen.outputs.spreadsheets.check import check_file
from statgen.outputs.spreadsheets.read import read_workbook

FORMATS = ["ods", "xlsx"]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The tiny model written as ODS and XLSX (and checked, as the build does)."""
    folder = tmp_path_factory.mktemp("tiny")
    ods, xlsx = write_workbooks(tiny_model(), folder / "tiny")
    return {"ods": ods, "xlsx": xlsx}


@pytest.mark.parametrize("fmt", FORMATS)
def test_sheets_in_order_and_table_values_read_back(tiny: dict[str, Path], fmt: str) -> None:
    wb = CalamineWorkbook.from_path(str(tiny[fmt]))
    assert wb.sheet_names == ["Cover", "Contents", "Notes", "Table_1"]
    rows = wb.get_sheet_by_name("Table_1").to_python()
    assert rows[0][0] == "Table 1: Orders by label [note 1]"
    assert rows[1][0] == "This worksheet contains one table."
    assert [r[0] for r in rows[2:7]] == [
        "[x] = not available",
        "[c] = confidential: suppressed to protect the people counted",
        "[p] = provisional: may change in a later release",
        "[r] = revised since the previous release",
        "Source: a test system.",
    ]
    assert rows[7:] == [
        ["Label [note 1]", "Orders\n(number of orders)", "Median days\n(days)"],
        ["North", 1234.0, 12.34],
        [RISKY[0], 5678.0, "[c]"],
        [RISKY[1], "[x]", 3.5],
        [RISKY[2], 0.0, 1.0],
        [RISKY[3], 10.0, 2.0],
    ]


def test_xlsx_numbers_with_markers_stay_numbers(tiny: dict[str, Path]) -> None:
    ws = load_workbook(tiny["xlsx"])["Table_1"]
    assert [(c.value, c.data_type, c.number_format) for c in ws[10]] == [
        (RISKY[0], "s", "General"),
        (5678, "n", '#,##0" [r]"'),
        ("[c]", "s", "General"),
    ]
    assert (ws["C11"].value, ws["C11"].number_format) == (3.5, '#,##0.0" [p]"')
    assert ws["B9"].number_format == "#,##0"


def test_ods_numbers_with_markers_stay_numbers(tiny: dict[str, Path]) -> None:
    sheet = read_workbook(tiny["ods"]).sheets[3]
    revised, provisional, plain = sheet.cells[(10, 2)], sheet.cells[(11, 3)], sheet.cells[(9, 2)]
    assert (revised.kind, revised.value, revised.fmt.literal) == ("number", 5678.0, " [r]")
    assert (revised.fmt.decimals, revised.fmt.grouping) == (0, True)
    assert (provisional.value, provisional.fmt.decimals, provisional.fmt.literal) == (
        3.5,
        1,
        " [p]",
    )
    assert (plain.fmt.decimals, plain.fmt.grouping, plain.fmt.literal) == (0, True, "")


def test_text_from_data_is_never_a_formula(tiny: dict[str, Path]) -> None:
    ws = load_workbook(tiny["xlsx"])["Table_1"]
    assert [(ws.cell(r, 1).value, ws.cell(r, 1).data_type) for r in range(10, 14)] == [
        (text, "s") for text in RISKY
    ]
    with zipfile.ZipFile(tiny["xlsx"]) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert not any("<f>" in s or "<f " in s for s in sheets)
    with zipfile.ZipFile(tiny["ods"]) as z:
        content = z.read("content.xml").decode()
    assert "table:formula" not in content
    facts = read_workbook(tiny["ods"]).sheets[3]
    assert [(facts.cells[(r, 1)].kind, facts.cells[(r, 1)].value) for r in range(10, 14)] == [
        ("text", text) for text in RISKY
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_document_properties(tiny: dict[str, Path], fmt: str) -> None:
    props = read_workbook(tiny[fmt]).properties
    assert {k: props[k] for k in ("title", "subject", "creator", "keywords", "language")} == {
        "title": "Test statistics: July to September 2026, England",
        "subject": "Test statistics",
        "creator": "Ministry of Justice",
        "keywords": "test, statistics",
        "language": "en-GB",
    }
    assert props["created"].startswith("2026-12-10T09:30:00")


@pytest.mark.parametrize("fmt", FORMATS)
def test_tables_are_named_objects_without_filter_buttons(tiny: dict[str, Path], fmt: str) -> None:
    wb = read_workbook(tiny[fmt])
    found = [(s.name, t.name, t.top, t.left, t.bottom, t.right, t.header, t.filter_buttons)
             for s in wb.sheets for t in s.tables]  # fmt: skip
    assert found == [
        ("Contents", "Table_of_contents", 3, 1, 6, 2, True, False),
        ("Notes", "Notes_table", 3, 1, 4, 3, True, False),
        ("Table_1", "Table_1", 8, 1, 13, 3, True, False),
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_view_first_sheet_active_cursor_a1_gridlines(tiny: dict[str, Path], fmt: str) -> None:
    wb = read_workbook(tiny[fmt])
    assert wb.active == 0
    assert {(s.cursor, s.gridlines, s.hidden) for s in wb.sheets} == {("A1", True, False)}


@pytest.mark.parametrize("fmt", FORMATS)
def test_formatting_arial_12_titles_bold_no_fill(tiny: dict[str, Path], fmt: str) -> None:
    sheet = read_workbook(tiny[fmt]).sheets[3]
    title, header, number = sheet.cells[(1, 1)], sheet.cells[(8, 2)], sheet.cells[(9, 2)]
    assert (title.font, title.size, title.bold) == ("Arial", 16.0, True)
    assert (header.font, header.size, header.bold, header.wrap) == ("Arial", 12.0, True, True)
    assert (number.font, number.size, number.bold, number.color, number.fill) == (
        "Arial", 12.0, False, None, None,
    )  # fmt: skip


@pytest.mark.parametrize("fmt", FORMATS)
def test_contents_links_to_a1_of_every_sheet(tiny: dict[str, Path], fmt: str) -> None:
    sheet = read_workbook(tiny[fmt]).sheets[1]
    links = [sheet.cells[(r, 1)].link for r in range(4, 7)]
    expected = {
        "ods": ["#Cover.A1", "#Notes.A1", "#Table_1.A1"],
        "xlsx": ["'Cover'!A1", "'Notes'!A1", "'Table_1'!A1"],
    }
    assert links == expected[fmt]


@pytest.mark.parametrize("fmt", FORMATS)
def test_reproducible_bytes_with_release_timestamps(tmp_path: Path, fmt: str) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = write_workbooks(tiny_model(), tmp_path / "a" / "book")
    read_workbook(first[0])  # reading an ODS must not change how the next one is written
    second = write_workbooks(tiny_model(), tmp_path / "b" / "book")
    index = FORMATS.index(fmt)
    assert first[index].read_bytes() == second[index].read_bytes()
    with zipfile.ZipFile(first[index]) as z:
        assert {i.date_time for i in z.infolist()} == {CREATED.timetuple()[:6]}
        if fmt == "ods":
            assert z.infolist()[0].filename == "mimetype"
            assert z.infolist()[0].compress_type == zipfile.ZIP_STORED


@pytest.mark.parametrize("fmt", FORMATS)
def test_statgen_workbooks_pass_the_check(tiny: dict[str, Path], em_release, fmt: str) -> None:
    assert check_file(tiny[fmt]).failures == []
    book = next(p for p in em_release.downloads if p.suffix == f".{fmt}")
    assert check_file(book).failures == []


def test_a_release_that_fails_its_check_is_not_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conftest import small_build

    import statgen.outputs.spreadsheets.xlsx as xlsx

    monkeypatch.setattr(xlsx, "FONT", "Times New Roman")
    with pytest.raises(CheckError, match=r"(?s)Cover!A1: font 'Times New Roman'.*and \d+ more"):
        small_build(tmp_path, "electronic-monitoring", 0.01)
    assert not (tmp_path / "releases" / "electronic-monitoring").exists() or not any(
        p.name.startswith("20") for p in (tmp_path / "releases" / "electronic-monitoring").iterdir()
    )


def _sheets(path: Path) -> dict[str, list[list]]:
    wb = CalamineWorkbook.from_path(str(path))
    return {name: wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names}


def test_both_formats_hold_the_same_cells(em_release) -> None:
    books = {p.suffix: p for p in em_release.downloads if p.suffix in (".ods", ".xlsx")}
    assert _sheets(books[".ods"]) == _sheets(books[".xlsx"])


def test_release_cover_and_notes_read_as_the_guidance_asks(em_release) -> None:
    book = next(p for p in em_release.downloads if p.suffix == ".xlsx")
    assert book.name == "electronic-monitoring-2026-q3.xlsx"
    sheets = _sheets(book)
    assert list(sheets)[:3] == ["Cover", "Contents", "Notes"]
    cover = [row[0] for row in sheets["Cover"]]
    assert cover[0] == "Electronic monitoring statistics: July to September 2026, England and Wales"
    assert cover[2:11] == [
        "Source",
        "Electronic monitoring case management system, extracted by the Ministry of Justice.",
        "Release date",
        "10 December 2026",
        "Next release",
        "25 March 2027",
        "Status",
        "Official statistics",
        "Contact",
    ]
    assert "Shorthand used in these tables" in cover
    notes = sheets["Notes"]
    assert notes[2] == ["Note number", "Note text", "Tables the note applies to"]
    assert [(r[0], r[2]) for r in notes[3:]] == [
        ("[note 1]", "Table_1, Table_2, Table_3, Table_6"),
        ("[note 2]", "Table_1, Table_2, Table_4, Table_5, Table_7"),
        ("[note 3]", "Table_6"),
        ("[note 4]", "Table_4"),
        ("[note 5]", "Table_7"),
    ]
    contents = sheets["Contents"]
    assert contents[0][0] == "Table of contents"
    assert [r[0] for r in contents[contents.index(["Sheet name", "Table title"]) + 1 :]] == [
        "Cover", "Notes", *[f"Table_{n}" for n in range(1, 8)],
    ]  # fmt: skip
