"""Command-line values that are not what they seem are refused with a message, exit code 1 and
no traceback, and nothing is written (issue 14)."""

from __future__ import annotations

import errno
import re
from pathlib import Path

import pytest
from conftest import copy_project
from typer.testing import CliRunner

from statgen.cli import app
from statgen.outputs import csvw

SLUG = "electronic-monitoring"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("cli"), SLUG, 0.01)


def _run(project: Path, *args: str):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(app, [*args, "--root", str(project)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return " ".join(result.output.split())


@pytest.mark.parametrize(
    "slug", [f"../publications/{SLUG}", f"/abs/publications/{SLUG}", "Electronic", "a/b", ".."]
)
def test_a_slug_is_a_name_never_a_path(project: Path, slug: str) -> None:
    message = _run(project, "build", slug)
    assert "[slug-invalid]" in message and "never a path" in message
    assert not (project / "build").exists()


def test_period_year_zero_is_refused(project: Path) -> None:
    message = _run(project, "build", SLUG, "--period", "0000Q1")
    assert "[period-invalid]" in message and "out of range" in message


def test_a_period_the_extracts_do_not_cover_is_a_period_error(project: Path) -> None:
    # It was the base class's generic code, which docs/errors.md cannot say what to do about.
    message = _run(project, "build", SLUG, "--period", "2030Q1")
    assert "[period-invalid]" in message and "2030Q1 is not complete in the extracts" in message
    assert "build 2026Q3, or point --extracts at" in message
    assert not list((project / "build").glob("*/*/draft-*"))


def test_publish_with_a_period_of_another_frequency_names_the_form(project: Path) -> None:
    # A quarterly publication: September 2026 is in 2026Q3.
    message = _run(project, "publish", SLUG, "2026-09")
    assert "[period-invalid]" in message
    assert "'2026-09' is a month, but this publication's periods are quarters" in message
    assert "write it as YYYYQn (2026-09 is in 2026Q3)" in message
    assert not (project / "releases").exists()


@pytest.mark.parametrize("wait", ["nan", "inf", "-1"])
def test_wait_must_be_finite(project: Path, wait: str) -> None:
    message = _run(project, "build", SLUG, f"--wait={wait}")
    assert "[option-invalid]" in message and "not infinite or NaN" in message


def test_a_full_disk_is_said_and_nothing_half_written_is_left(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError(errno.ENOSPC, "No space left on device", "csv/orders-ended.csv")

    monkeypatch.setattr(csvw, "write_csvw", full)
    message = _run(project, "build", SLUG)
    assert "[disk-full]" in message and "no space left on device" in message
    assert not list((project / "build" / SLUG).glob("*/draft-*"))
    assert not list((project / "build" / SLUG).glob("*/.*draft*"))


@pytest.mark.parametrize(
    ("file", "text", "expected"),
    [
        ("transforms.py", "def broken(:\n", r"transforms.py:\d+: the transforms cannot be read"),
        ("transforms.py", "import not_a_module_here\n", "importing the transforms failed"),
        ("commentary.qmd", None, r"commentary.qmd: not UTF-8 text \(byte"),
    ],
    ids=["syntax-error", "failed-import", "commentary-latin1"],
)
def test_a_broken_publication_file_is_named_not_a_traceback(
    tmp_path: Path, file: str, text: str | None, expected: str
) -> None:
    project = copy_project(tmp_path, SLUG, 0.01)
    path = project / "publications" / SLUG / file
    if text is None:
        path.write_bytes("Caf\xe9 figures\n".encode("latin-1") + path.read_bytes())
    else:
        path.write_text(path.read_text() + text)
    message = _run(project, "build", SLUG)
    assert re.search(expected, message), message
    assert not list((project / "build").glob("*/*/draft-*"))
