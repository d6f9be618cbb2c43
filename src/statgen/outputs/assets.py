"""Files a build ships, found inside the package: templates, CSS, JS, the Lua filter and the
vendored front-end bundles (``templates/vendor/``, copied from ``node_modules`` by ``make`` and
shipped in the wheel). Nothing is looked up relative to a source checkout, so statgen installed
from a wheel renders the same page."""

from __future__ import annotations

import functools
import importlib.util
import os
import shutil
import warnings
from collections.abc import Iterable
from importlib.resources import files
from pathlib import Path

import jinja2

TEMPLATES = Path(str(files("statgen") / "templates"))
"""The package's templates folder: page.html, the Jinja skeleton, fragments, filters, assets."""

VENDOR = TEMPLATES / "vendor"
"""Front-end bundles from npm packages, copied here by ``make`` (see the Makefile's ``vendor``)."""

PLOTLY_BASIC = VENDOR / "plotly-basic.min.js"
"""The plotly.js "basic" bundle (scatter, bar, pie: all statgen draws)."""


@functools.cache
def pandoc() -> str:
    """The Pandoc binary: ``$PYPANDOC_PANDOC``, else the one pypandoc-binary ships, else
    ``pandoc`` on PATH, as pypandoc looks for it, but without importing pypandoc (it loads
    urllib and the email parser for its downloader: 90 ms of every build's start-up)."""
    if os.environ.get("PYPANDOC_PANDOC"):
        return os.environ["PYPANDOC_PANDOC"]
    spec = importlib.util.find_spec("pypandoc")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "files" / ("pandoc.exe" if os.name == "nt" else "pandoc")
        if binary.is_file():
            return str(binary)
    found = shutil.which("pandoc")
    if found:
        return found
    import pypandoc  # its own search, and its own message when there is no Pandoc

    return str(pypandoc.get_pandoc_path())


def assets(names: Iterable[str]) -> list[Path]:
    """Paths of shared assets in ``templates/assets``."""
    return [TEMPLATES / "assets" / n for n in names]


def plotly_bundle() -> Path:
    """The plotly.js file to ship beside a page: the basic bundle (about 1 MB) when ``make`` has
    vendored it, otherwise the full bundle inside the plotly Python package (about 4.6 MB),
    with a warning, so a release can still be built on a machine without npm."""
    if PLOTLY_BASIC.is_file():
        return PLOTLY_BASIC
    warnings.warn(
        f"{PLOTLY_BASIC} is missing, so pages ship the full plotly.js bundle (over the 1.5 MB "
        "page budget): run `make vendor` (or `make release`, which runs it) in the statgen folder",
        stacklevel=1,  # one warning per run, however many pages
    )
    return full_plotly_bundle()


def full_plotly_bundle() -> Path:
    """The full plotly.js bundle inside the plotly Python package (found without importing it)."""
    spec = importlib.util.find_spec("plotly")
    assert spec is not None and spec.origin, "plotly is a dependency of statgen"
    return Path(spec.origin).parent / "package_data" / "plotly.min.js"


@functools.cache
def template_cache(kind: str = "") -> jinja2.BytecodeCache | None:
    """Compiled Jinja templates kept between runs, so each process does not compile every
    template again (about 0.4 s a build). Jinja's own cache: a folder of this user's in the
    temporary folder, refused if anyone else owns it, each entry keyed by its template's source
    (an edited template is compiled afresh). ``None`` where no such folder can be made.

    An environment that compiles templates differently (Jinja builds ``finalize`` into the
    compiled code) names its ``kind``, so its entries are kept apart."""
    try:
        if kind:
            return jinja2.FileSystemBytecodeCache(pattern=f"__statgen_{kind}_%s.cache")
        return jinja2.FileSystemBytecodeCache()
    except (OSError, RuntimeError):
        return None
