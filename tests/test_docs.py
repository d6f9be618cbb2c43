"""Docs are tested: the config reference is current, and every command and target is documented."""

from __future__ import annotations

import re
from pathlib import Path

from typer.main import get_command

from statgen.cli import app
from statgen.config.reference import markdown

ROOT = Path(__file__).resolve().parents[1]


def test_config_reference_is_current() -> None:
    current = (ROOT / "docs" / "config.md").read_text(encoding="utf-8")
    assert current == markdown(), "docs/config.md is out of date: run `make docs`"


def test_every_cli_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = get_command(app).commands  # type: ignore[attr-defined]
    missing = [name for name in commands if f"statgen {name}" not in readme]
    assert not missing, f"README.md does not mention: {missing}"


def test_every_make_target_explains_itself() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    phony = re.search(r"^\.PHONY: (.+)$", makefile, re.M)
    assert phony
    for target in phony.group(1).split():
        assert re.search(rf"^{target}:.*## \S", makefile, re.M), (
            f"make {target} has no ## description"
        )


def test_readme_starts_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```")[1]
    assert "make release" in first_block and "make test" in first_block
