"""statgen installed from a wheel renders a whole page: everything a build needs is package data.

The wheel is built from this checkout and installed into a fresh virtual environment outside
the repository; that environment sees statgen's dependencies (not statgen) through a .pth file
pointing at the development environment's site-packages, so no download is needed. A
publication copied into a folder of its own is then built with ``statgen build SLUG --root``.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SLUG = "electronic-monitoring"


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "link" and a.get("rel") == "stylesheet" and a.get("href"):
            self.found.append(str(a["href"]))
        if tag in ("script", "img") and a.get("src"):
            self.found.append(str(a["src"]))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(ROOT)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    (built,) = out.glob("statgen-*.whl")
    return built


def test_the_wheel_carries_every_asset(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    package = ROOT / "src" / "statgen" / "templates"
    for path in package.rglob("*"):
        if path.is_file() and not path.name.startswith(".") and "__pycache__" not in path.parts:
            assert f"statgen/templates/{path.relative_to(package).as_posix()}" in names, path


def test_a_wheel_install_builds_a_publication_outside_the_repository(
    wheel: Path, tmp_path: Path
) -> None:
    env = tmp_path / "venv"
    venv.create(env, with_pip=False)
    python = env / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True, capture_output=True, text=True,
        ).stdout.strip()
    )  # fmt: skip
    # The dependencies come from the development environment; statgen itself from the wheel.
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(site)
    script = env / "bin" / "statgen"
    script.write_text(f"#!{python}\nfrom statgen.cli import app\napp()\n")
    script.chmod(0o755)

    project = tmp_path / "elsewhere"
    (project / "publications").mkdir(parents=True)
    subprocess.run(["cp", "-r", str(ROOT / "publications" / SLUG), str(project / "publications")])
    where = subprocess.run(
        [str(python), "-c", "import statgen; print(statgen.__file__)"],
        check=True, capture_output=True, text=True, cwd=project,
    ).stdout  # fmt: skip
    assert where.startswith(str(site)), f"statgen came from {where}, not from the wheel"

    def statgen(*args: str) -> None:
        done = subprocess.run([str(script), *args], capture_output=True, text=True, cwd=project)
        assert done.returncode == 0, done.stdout + done.stderr

    statgen("sample-data", SLUG, "--scale", "0.02", "--root", str(project))
    statgen("build", SLUG, "--root", str(project))

    (draft,) = (project / "build" / SLUG).glob("*/draft-1")
    page = (draft / "index.html").read_text(encoding="utf-8")
    assert "<h1" in page and "{{" not in page
    parser = _Assets()
    parser.feed(page)
    assert parser.found, "the page links no stylesheet or script"
    for href in parser.found:
        asset = draft / href
        assert asset.is_file() and asset.stat().st_size > 0, f"{href} is missing beside the page"
    shipped = site / "statgen" / "templates" / "assets" / "statgen.css"
    if "statgen.css" in parser.found:
        assert (draft / "statgen.css").read_bytes() == shipped.read_bytes()
