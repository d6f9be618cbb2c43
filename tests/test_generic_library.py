"""The library is generic: nothing under src/statgen/ names a publication.

Publication knowledge lives in publications/<slug>/. If this test fails, move the
publication-specific words or logic there (config, transforms, commentary), or make the library
code general enough to serve every publication.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = ROOT / "src" / "statgen"

# Words that only make sense for one of the publications (case-insensitive). "Crown Court", not
# "Crown": the page footer's "Crown copyright" is generic.
FORBIDDEN = re.compile(
    r"electronic[\s_-]+monitoring|criminal[\s_-]+courts?|crown[\s_-]+court|magistrates|probation",
    re.IGNORECASE,
)


def library_files() -> list[Path]:
    """Every text file of the library (source, templates, data), not compiled caches."""
    return sorted(p for p in LIBRARY.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def mentions(path: Path) -> list[str]:
    """Lines of a file that name a publication, as "path:line: text"."""
    text = path.read_text(encoding="utf-8", errors="replace")
    return [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for n, line in enumerate(text.splitlines(), 1)
        if FORBIDDEN.search(line)
    ]


def test_library_names_no_publication() -> None:
    found = [hit for path in library_files() for hit in mentions(path)]
    assert not found, (
        "src/statgen/ must not name a publication; move these to publications/<slug>/:\n"
        + "\n".join(found)
    )


def test_the_check_can_fail() -> None:
    # The same check finds each publication's own words in its folder, so it is not vacuous.
    assert library_files(), "no library files found: is LIBRARY right?"
    for slug in ("electronic-monitoring", "criminal-courts"):
        assert mentions(ROOT / "publications" / slug / "publication.yaml"), slug


@pytest.mark.parametrize(
    "text",
    ["Electronic monitoring statistics", "electronic_monitoring", "Crown Court", "crown-court",
     "magistrates' courts", "Probation region", "criminal-courts", "Criminal court statistics"],
)  # fmt: skip
def test_forbidden_words(text: str) -> None:
    assert FORBIDDEN.search(text)


def test_generic_words_allowed() -> None:
    assert not FORBIDDEN.search(
        "© Crown copyright; court_type; monitoring of builds; a criminal offence"
    )
