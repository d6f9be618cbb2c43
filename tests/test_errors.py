"""Every kind of error has a stable, unique code, listed in docs/errors.md with what to do."""

from __future__ import annotations

import re
from pathlib import Path

from statgen.errors import StatgenError, all_errors

DOC = Path(__file__).resolve().parents[1] / "docs" / "errors.md"


def test_every_error_has_its_own_code() -> None:
    codes = [cls.code for cls in all_errors()]
    assert len(codes) == len(set(codes)), codes
    for cls in all_errors()[1:]:
        assert cls.code != StatgenError.code, f"{cls.__name__} needs its own code"
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", cls.code), cls.code


def test_docs_list_every_code_and_no_other() -> None:
    documented = re.findall(r"^## ([a-z-]+)$", DOC.read_text(encoding="utf-8"), flags=re.M)
    assert sorted(documented) == sorted(cls.code for cls in all_errors())
    for section in DOC.read_text(encoding="utf-8").split("\n## ")[1:]:
        assert len(section.split("\n", 1)[1].strip()) > 40, f"say what to do: {section[:40]}"
