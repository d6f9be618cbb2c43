"""Commentary and chart descriptions run in Jinja's sandbox; raw scripts in commentary are
refused unless the publication opts in; correction notices are plain text (issue 14)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from test_escaping import COMMENTARY, YAML, write_publication
from typer.testing import CliRunner

from statgen.cli import app
from statgen.errors import TemplateError
from statgen.lifecycle.publish import plain_markdown
from statgen.outputs.page.templating import render_text

ESCAPE = "{{ ''.__class__.__mro__[1].__subclasses__() }}"


def _extract(root: Path) -> Path:
    n = 60
    frame = pl.DataFrame(
        {
            "id": [f"R{i}" for i in range(n)],
            "group": ["Plain"] * n,
            "day": [dt.date(2026, 1 + (i % 6), 30 if i % 6 == 5 else 10) for i in range(n)],
        }
    )
    (root / "extracts").mkdir()
    frame.write_csv(root / "extracts" / "records.csv")
    return root / "extracts"


def _build(root: Path):  # type: ignore[no-untyped-def]
    args = ["build", "hostile", "--extracts", str(_extract(root)), "--root", str(root)]
    return CliRunner().invoke(app, [*args, "--period", "2026Q2"])


def test_commentary_cannot_reach_python_internals(tmp_path: Path) -> None:
    write_publication(tmp_path, commentary=COMMENTARY + f"\n{ESCAPE}\n")
    result = _build(tmp_path)
    assert result.exit_code == 1
    assert "unsafe" in result.output and "Traceback" not in result.output
    assert not list((tmp_path / "build").glob("*/*/draft-*"))


def test_chart_descriptions_are_sandboxed() -> None:
    with pytest.raises(TemplateError, match="unsafe"):
        render_text(ESCAPE)
    assert render_text("{{ n }} records", n=3) == "3 records"


def test_raw_script_in_commentary_is_refused_unless_opted_in(tmp_path: Path) -> None:
    commentary = COMMENTARY + "\n<script>fetch('https://example.org')</script>\n"
    write_publication(tmp_path / "a", commentary=commentary)
    refused = _build(tmp_path / "a")
    assert refused.exit_code == 1
    message = " ".join(refused.output.split())
    assert "[commentary-script]" in message and "commentary_scripts: true" in message
    write_publication(tmp_path / "b", YAML + "commentary_scripts: true\n", commentary)
    allowed = _build(tmp_path / "b")
    assert allowed.exit_code == 0, allowed.output
    page = next((tmp_path / "b" / "build").glob("*/*/draft-1/index.html")).read_text()
    assert "<script>fetch('https://example.org')</script>" in page


def test_correction_notice_is_plain_text() -> None:
    import pypandoc

    hostile = (
        '<script>alert(1)</script> <img src=x onerror="alert(2)"> '
        "[read more](javascript:alert(3)) **bold** <a href='javascript:x'>x</a>"
    )
    html = pypandoc.convert_text(plain_markdown(hostile), "html", format="markdown")
    assert "<script" not in html and "<img" not in html and "<a " not in html
    assert "<strong>" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "[read more](javascript:alert(3)) **bold**" in html


@pytest.mark.parametrize(
    ("markup", "down", "what"),
    [
        ('<img src="x.png" onerror="fetch(location.hash)">', 0, "(onerror=)"),
        ("<div\n  onclick='go()'>a paragraph</div>", 1, "(onclick=)"),
        ('[a span]{onmouseover="go()"}', 0, "(onmouseover=)"),
        ("[the data](javascript:fetch(document.cookie))", 0, "a javascript: link"),
        ('<a href=" JavaScript:go()">raw link</a>', 0, "a javascript: link"),
        ('<a href="java&#115;cript:go()">an entity hides the scheme</a>', 0, "javascript:"),
        ('<iframe srcdoc="&lt;script&gt;go()&lt;/script&gt;"></iframe>', 0, "<iframe>"),
        ('<object data="https://example.org/x.swf"></object>', 0, "<object>"),
        ("```{=html}\n<svg onload=go()></svg>\n```", 1, "(onload=)"),
    ],
)
def test_script_by_another_name_in_commentary_is_refused(
    tmp_path: Path, markup: str, down: int, what: str
) -> None:
    """An event handler, a javascript: link or an embedded document runs script as surely as
    a <script> element: refused the same way, naming the line (``down`` lines into the
    markup) and what was found."""
    commentary = COMMENTARY + "\nSome text.\n\n" + markup + "\n"
    write_publication(tmp_path, commentary=commentary)
    refused = _build(tmp_path)
    assert refused.exit_code == 1, refused.output
    message = " ".join(refused.output.split())
    assert "[commentary-script]" in message and "commentary_scripts: true" in message
    line = COMMENTARY.count("\n") + 4 + down  # the markup starts on line 8
    assert f"commentary.qmd:{line}:" in message and what in message
    assert not (tmp_path / "build" / "hostile" / "2026-q2" / "draft-1").exists()


def test_ordinary_raw_html_and_links_in_commentary_still_build(tmp_path: Path) -> None:
    commentary = COMMENTARY + (
        '\n<div class="note">Read the <a href="https://www.gov.uk/x">online version</a>.</div>\n'
        "\nSee [the methodology](https://www.gov.uk/methodology) about JavaScript: none.\n"
    )
    write_publication(tmp_path, commentary=commentary)
    built = _build(tmp_path)
    assert built.exit_code == 0, built.output
