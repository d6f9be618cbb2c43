"""Static chart images: each Plotly figure drawn by Plotly itself (kaleido driving Chromium) to
SVG and PNG, the same bytes from the same figure.

Pages show the SVG (visible with JavaScript off, in print and on GOV.UK); the GOV.UK bundle
ships the PNG at 960 px wide. Where no Chromium is found, :func:`renderer` says so, naming the
Debian package to install, and the build falls back to interactive plotly.js charts.

Drawing starts a browser, which costs seconds: :func:`draw_cached` keeps each chart's files in
a cache keyed by a hash of the figure and of the software drawing it, with each file's SHA-256
checked on load, so a build whose charts did not change (a commentary-only edit) copies them
instead of drawing them again.
"""

from __future__ import annotations

import atexit
import copy
import functools
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
import warnings
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHROMIUM_PACKAGE = "chromium"
"""The Debian package that gives kaleido its browser."""
CHROMIUM_ENV = "STATGEN_CHROMIUM"
"""Path of the browser to use; set to an empty string to draw no static charts."""
CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")

WIDTH = 960
"""Pixels: the width of every image (GOV.UK's chart images are 960 px wide)."""
NARROW_WIDTH = 480
"""Pixels: the width of the SVG shown on narrow screens, where 960 px text would be too small."""
FONT_SIZE = 18


@dataclass(frozen=True)
class Images:
    """The files of one chart: wide and narrow SVG, and the PNG for GOV.UK."""

    svg: bytes
    narrow_svg: bytes
    png: bytes


def find_chromium() -> str | None:
    """The browser kaleido drives: ``$STATGEN_CHROMIUM``, or the first Chromium on the PATH."""
    chosen = os.environ.get(CHROMIUM_ENV)
    if chosen is not None:
        return chosen if chosen and Path(chosen).is_file() else None
    for candidate in CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def renderer() -> str:
    """``kaleido`` when static charts can be drawn, else ``plotly.js`` (with a warning)."""
    if find_chromium() is not None:
        return "kaleido"
    warnings.warn(
        "no Chromium was found, so charts are interactive plotly.js charts instead of static "
        f"images (install the Debian package `{CHROMIUM_PACKAGE}`: apt-get install "
        f"{CHROMIUM_PACKAGE}, or set {CHROMIUM_ENV} to a Chrome or Chromium binary)",
        stacklevel=1,
    )
    return "plotly.js"


def height(figure: dict[str, Any], narrow: bool) -> int:
    """Pixels: tall enough for every label of a horizontal bar chart, else a 4:3 or 5:4 box."""
    rows = max(
        (len(t.get("y") or []) for t in figure.get("data", []) if t.get("orientation") == "h"),
        default=0,
    )
    if rows:
        return rows * (34 if narrow else 38) + 140
    return 600 if narrow else 640


def static_layout(figure: dict[str, Any], narrow: bool) -> dict[str, Any]:
    """The figure laid out for a fixed-size image: larger text, legend above on narrow images."""
    fig = copy.deepcopy(figure)
    layout = fig.setdefault("layout", {})
    layout["width"] = NARROW_WIDTH if narrow else WIDTH
    layout["height"] = height(figure, narrow)
    layout.setdefault("font", {})["size"] = FONT_SIZE if not narrow else 16
    layout["margin"] = {"l": 10, "r": 20, "t": 20, "b": 10}
    for i, trace in enumerate(fig.get("data", [])):
        trace["uid"] = f"t{i}"  # plotly.js gives traces random ids otherwise
    if narrow:
        legend = layout.setdefault("legend", {})
        legend.update({"x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"})
        horizontal = any(t.get("orientation") == "h" for t in fig.get("data", []))
        if not horizontal:
            layout.setdefault("xaxis", {}).update({"nticks": 3, "tickangle": 0})
    return fig


_UID = re.compile(rb'id="defs-([0-9a-f]{6})"')


def reproducible(svg: bytes, name: str) -> bytes:
    """The SVG with plotly.js's random figure id (in clip-path and legend ids) replaced by
    ``name``, so the same figure gives the same bytes and ids are unique within a page."""
    found = _UID.search(svg)
    if not found:
        return svg
    uid = re.escape(found.group(1))
    return re.sub(rb"(clip|legend|defs-|topdefs-)" + uid, rb"\g<1>" + name.encode(), svg)


class _Server:
    """One kaleido browser per process, opened on first use and closed at exit.

    Chromium's profile lives in a folder statgen owns (:attr:`profile`), removed at exit after
    the browser has stopped: Chromium may still write into its profile while choreographer's
    own clean-up runs, which then printed a traceback from the temporary folder's finaliser
    after a successful build ("Directory not empty: 'Default'").
    """

    open = False
    profile: Path | None = None

    @classmethod
    def calc(cls, figure: dict[str, Any], fmt: str) -> bytes:
        import kaleido

        if not cls.open:
            os.environ["BROWSER_PATH"] = find_chromium() or ""
            cls.profile = Path(tempfile.mkdtemp(prefix="statgen-chromium-"))
            # Finalisers run at exit after the atexit functions registered after their own
            # hook: registering it now (the browser's folder gets its finaliser later, in the
            # server's thread) makes :meth:`close` stop the browser before any finaliser runs.
            weakref.finalize(cls, int)
            kaleido.start_sync_server(
                silence_warnings=True, mathjax=False, tmp_dir=str(cls.profile)
            )
            atexit.register(cls.close)
            cls.open = True
        layout = figure["layout"]
        opts = {"format": fmt, "width": layout["width"], "height": layout["height"]}
        result: bytes = kaleido.calc_fig_sync(figure, opts=opts)
        return result

    @classmethod
    def close(cls) -> None:
        """Stop the browser, then remove its profile, retrying while its last processes exit
        (the temporary folder's own finaliser then finds nothing left to remove)."""
        import kaleido

        kaleido.stop_sync_server(silence_warnings=True)
        cls.open = False
        folder, cls.profile = cls.profile, None
        for _ in range(50):
            if folder is None or not folder.exists():
                return
            shutil.rmtree(folder, ignore_errors=True)
            time.sleep(0.1)


def draw(figure: dict[str, Any], name: str) -> Images:
    """Render ``figure`` to SVG (wide and narrow) and PNG (960 px wide)."""
    wide = static_layout(figure, narrow=False)
    narrow = static_layout(figure, narrow=True)
    return Images(
        svg=reproducible(_Server.calc(wide, "svg"), name),
        narrow_svg=reproducible(_Server.calc(narrow, "svg"), f"{name}n"),
        png=_Server.calc(wide, "png"),
    )


_FILES = ("svg", "narrow_svg", "png")


@functools.cache
def _software() -> tuple[str, ...]:
    """What the drawing depends on besides the figure: kaleido, Plotly and the browser (looked
    up once per process, not once per chart)."""
    import kaleido
    import plotly

    browser = find_chromium() or ""
    try:
        stat = os.stat(shutil.which(browser) or browser)
        browser += f" {stat.st_size} {stat.st_mtime_ns}"
    except OSError:
        pass
    return (getattr(kaleido, "__version__", "?"), plotly.__version__, browser)


def draw_cached(figure: dict[str, Any], name: str, cache: Path | None) -> Images:
    """:func:`draw`, through a cache folder (``None``: always draw). A cache entry whose files
    do not match their recorded SHA-256 is drawn again, never used."""
    if cache is None:
        return draw(figure, name)
    parts = json.dumps([figure, name, _software()], sort_keys=True, default=str)
    key = hashlib.sha256(parts.encode()).hexdigest()
    entry = cache / f"{key}.json"
    try:
        recorded = json.loads(entry.read_text(encoding="utf-8"))
        data = {f: (cache / f"{key}.{f}").read_bytes() for f in _FILES}
        if all(hashlib.sha256(data[f]).hexdigest() == recorded[f] for f in _FILES):
            return Images(**data)
    except (OSError, ValueError, KeyError, TypeError):
        pass  # no entry, or a broken one: draw
    images = draw(figure, name)
    cache.mkdir(parents=True, exist_ok=True)
    for f in _FILES:
        _write_atomic(cache / f"{key}.{f}", getattr(images, f))
    hashes = {f: hashlib.sha256(getattr(images, f)).hexdigest() for f in _FILES}
    _write_atomic(entry, json.dumps(hashes).encode())  # last: the entry is whole or absent
    _prune(cache)
    return images


KEEP_IMAGES = 200
"""Chart cache entries kept (the newest): a few releases' worth of charts."""


def _prune(cache: Path) -> None:
    entries = sorted(cache.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP_IMAGES:]:
        for path in [old, *(old.with_suffix(f".{f}") for f in _FILES)]:
            path.unlink(missing_ok=True)


def _write_atomic(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
