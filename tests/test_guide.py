"""docs/writing-a-publication.md works as written: its Python blocks run, and its shell steps
(statgen new, build, diff, check, sign-off, publish) run in order in a fresh project."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from statgen.cli import app
from statgen.config import load_publication

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "writing-a-publication.md"


def blocks(language: str) -> list[str]:
    """The guide's fenced blocks of one language, in order (indented ones included)."""
    text = GUIDE.read_text(encoding="utf-8")
    found = re.findall(rf"^( *)```{language}\n(.*?)^\1```", text, flags=re.S | re.M)
    return [re.sub(rf"^{indent}", "", body, flags=re.M) for indent, body in found]


@pytest.mark.parametrize("number", range(len(blocks("python"))))
def test_python_examples_run(number: int) -> None:
    exec(compile(blocks("python")[number], f"{GUIDE.name} python block {number + 1}", "exec"), {})


def test_the_shell_steps_take_a_new_publication_to_a_release(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    commands = [line for block in blocks("sh") for line in block.splitlines() if line.strip()]
    steps = [c.split()[1] for c in commands if c.startswith("statgen ")]
    assert steps == ["new", "build", "build", "diff", "check", "publish"]
    (approval,) = [b for b in blocks("yaml") if b.startswith("approvals:")]
    period = None
    for command in commands:
        if not command.startswith("statgen "):  # a shell step of the guide's, such as an edit
            subprocess.run(command, shell=True, check=True, cwd=tmp_path)
            continue
        args = shlex.split(command)[1:]
        if period is not None:
            # The guide was written on a day whose latest financial year is 2025-26; a later
            # day's first release is a later year.
            args = [a.replace("2025-26", period.code) for a in args]
        if args[0] == "publish":
            entry = yaml.safe_load(approval)
            entry["approvals"][0]["period"] = period.code
            # The outputs hash the reviewer reads off the banner of the draft approved.
            number = entry["approvals"][0]["draft"]
            draft = tmp_path / "build" / "legal-aid" / period.slug / f"draft-{number}"
            meta = json.loads((draft / "manifest.json").read_text(encoding="utf-8"))
            entry["approvals"][0]["outputs"] = meta["outputs_sha256"][:8]
            signoff = tmp_path / "publications" / "legal-aid" / "signoff.yaml"
            signoff.write_text(yaml.safe_dump(entry), encoding="utf-8")
            args.append("--override-embargo")  # the guide's release date may be ahead
        done = runner.invoke(app, args)
        assert done.exit_code == 0, f"{command}\n{done.output}"
        if args[0] == "new":
            publication = load_publication(tmp_path / "publications" / "legal-aid")
            period = publication.parse_period(next(iter(publication.release_calendar))).next()
    assert period is not None
    release = tmp_path / "releases" / "legal-aid" / period.slug / "index.html"
    assert period.long_label in release.read_text(encoding="utf-8")
    # The site index lists the release by its financial year, in words.
    site = (tmp_path / "releases" / "index.html").read_text(encoding="utf-8")
    assert f"Legal aid statistics: {period.long_label}" in site
