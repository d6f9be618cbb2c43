"""The layers drawn in docs/architecture.md are the import-linter contracts, and they hold."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def contracts() -> list[dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["importlinter"]["contracts"]


def test_import_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert f"{len(contracts())} kept, 0 broken" in done.stdout


def test_the_contracts_forbid_what_the_architecture_promises() -> None:
    forbidden = {
        (src, bad)
        for c in contracts()
        if c["type"] == "forbidden"
        for src in c["source_modules"]
        for bad in c["forbidden_modules"]
    }
    assert ("statgen.protection", "statgen.outputs") in forbidden
    assert ("statgen.outputs", "statgen.cli") in forbidden
    assert ("statgen.outputs", "statgen.lifecycle") in forbidden


def test_the_architecture_page_draws_every_layer_in_contract_order() -> None:
    (layers,) = [c["layers"] for c in contracts() if c["type"] == "layers"]
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    drawn = re.search(r"```text\n(.*?)```", page, flags=re.S)
    assert drawn, "docs/architecture.md needs its layer drawing in a ```text block"
    lines = [line.split()[0] for line in drawn.group(1).splitlines() if line[:1].strip()]
    names = [layer.removeprefix("statgen.") for layer in layers]
    missing = [n for n in names if n not in lines]
    assert not missing, f"docs/architecture.md does not draw {missing}"
    positions = [lines.index(n) for n in names]
    assert positions == sorted(positions), "the drawing lists the layers top to bottom"


def test_every_subpackage_is_in_a_layer() -> None:
    (layers,) = [c["layers"] for c in contracts() if c["type"] == "layers"]
    package = ROOT / "src" / "statgen"
    parts = {p.stem for p in package.glob("*.py") if p.stem != "__init__"}
    parts |= {p.parent.name for p in package.glob("*/__init__.py")}
    assert sorted(parts) == sorted(layer.removeprefix("statgen.") for layer in layers)
