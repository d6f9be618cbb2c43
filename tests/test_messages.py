"""What people read when something is wrong: every kind of user-facing error message, as the
command line prints it (snapshots in __snapshots__/test_messages.ambr; review a change with
`pytest --snapshot-update` and read the diff)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT, normalise
from typer.testing import CliRunner

from statgen.cli import app
from statgen.config import load_publication
from statgen.extracts.sample import write_sample

SLUG = "electronic-monitoring"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project of its own with the electronic monitoring publication and small extracts."""
    dest = tmp_path_factory.mktemp("messages")
    shutil.copytree(ROOT / "publications" / SLUG, dest / "publications" / SLUG)
    publication = load_publication(dest / "publications" / SLUG)
    write_sample(publication, publication.extracts_path(dest), scale=0.02)
    return dest


def edited(project: Path, tmp: Path, name: str, old: str, new: str) -> Path:
    """A copy of the project whose publication file ``name`` has ``old`` replaced by ``new``."""
    copy = tmp / "project"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("build"))
    path = copy / "publications" / SLUG / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return copy


def run(root: Path, *args: str, **paths: Path) -> str:
    result = CliRunner().invoke(app, [*args, "--root", str(root)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return normalise(result.output, root=root, **paths)


CASES = {
    "unknown table in commentary": (
        "commentary.qmd", 'ranked("people-by-region"', 'ranked("peple-by-region"'),
    "unknown category in commentary": (
        "commentary.qmd", 'order_type="Total"', 'order_type="Totl"'),
    "unknown chart in commentary": (
        "commentary.qmd", 'chart("caseload-by-region")', 'chart("caseload-by-regoin")'),
    "unknown key in publication.yaml": ("publication.yaml", "\nsummary:", "\nsumary:"),
    "transform that raises": (
        "transforms.py", "\ndef notifications(", "\ndef notifications(orders, periods):\n"
        "    raise ValueError('no such region: Narnia')\n\n\ndef _unused("),
    "zero denominator in commentary": (
        "commentary.qmd", "{% set regions", "{{ share(value('notifications', quarter=period, "
        "order_type='Total'), value('notifications', quarter=period, order_type='Total') - "
        "value('notifications', quarter=period, order_type='Total')) }}\n{% set regions"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
def test_build_errors_say_where_and_what(
    case: str, project: Path, tmp_path: Path, snapshot
) -> None:  # noqa: ANN001
    root = edited(project, tmp_path, *CASES[case])
    assert run(root, "build", SLUG) == snapshot


def test_a_period_that_is_not_a_quarter(project: Path, snapshot) -> None:  # noqa: ANN001
    assert run(project, "build", SLUG, "--period", "2026Q9") == snapshot


def test_a_publication_that_does_not_exist(project: Path, snapshot) -> None:  # noqa: ANN001
    assert run(project, "build", "no-such-publication") == snapshot


def test_publishing_with_no_draft(project: Path, tmp_path: Path, snapshot) -> None:  # noqa: ANN001
    out = tmp_path / "empty-build"
    assert run(project, "publish", SLUG, "2026Q3", "--out", str(out), out=out) == snapshot


def test_diff_with_nothing_to_compare(project: Path, tmp_path: Path, snapshot) -> None:  # noqa: ANN001
    out = tmp_path / "empty-build"
    assert run(project, "diff", "--pub", SLUG, "--out", str(out), out=out) == snapshot
