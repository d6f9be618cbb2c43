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
import concurrent.futures
import contextlib
import copy
import functools
import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import tempfile
import threading
import time
import warnings
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from statgen.errors import RenderError

if TYPE_CHECKING:  # asyncio loads only when a chart is drawn (50 ms of every start-up)
    import asyncio

CHROMIUM_PACKAGE = "chromium-headless-shell"
"""The Debian package that gives kaleido its browser: Chromium's headless shell, the browser
kaleido is made for (its own ``kaleido_get_chrome`` downloads the same). It draws the same
bytes as the full ``chromium`` (the same Blink), with half the CPU time: a 10M-row build's
charts were ready 0.5 s sooner and the build 0.8 s quicker (median of 6 builds each way)."""
CHROMIUM_ENV = "STATGEN_CHROMIUM"
"""Path of the browser to use; set to an empty string to draw no static charts."""
CANDIDATES = (
    "/usr/bin/chromium-headless-shell",
    "chromium-headless-shell",
    "chrome-headless-shell",
    "/usr/bin/chromium",
    "chromium",
    "chromium-browser",
    "google-chrome",
)
"""Browsers looked for on the PATH, in order: the headless shell, then a full Chromium."""

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


class _Browser:
    """One kaleido browser per process, in a thread of its own, opened when the charts stage
    starts (:func:`open_browser`, before the figures are made, beside the workbooks: the data
    stages keep both cores busy, so starting it earlier only slowed them) and closed at exit.

    Every drawing is submitted at once (:func:`submit`), to :data:`TABS` tab(s), and collected
    afterwards. The tabs load the vendored plotly.js basic bundle, the one the pages ship (a
    quarter of the full bundle's size, so the browser is ready about twice as fast), or
    plotly's full bundle where ``make vendor`` has not run.

    kaleido reloads a tab after every drawing, and each drawing's result waits for that (about
    0.08 s of each image). plotly.js keeps some state between drawings in one page: with no
    reload at all, the same figure gave SVGs whose attributes came in a different order,
    depending on what had been drawn before it. So a chart's three images are drawn one after
    the other on one tab, always in the same order, and the tab is reloaded after the chart
    (:meth:`submit_chart`): what a chart's images start from is then always a freshly loaded
    page, whatever was drawn before, and a build draws three reloads' worth of charts less
    (the three charts of a court release in about 0.8 s instead of 1.5 s).

    Chromium's profile lives in a folder statgen owns (:attr:`profile`), removed at exit after
    the browser has stopped: Chromium may still write into its profile while choreographer's
    own clean-up runs, which then printed a traceback from the temporary folder's finaliser
    after a successful build ("Directory not empty: 'Default'").
    """

    loop: asyncio.AbstractEventLoop | None = None
    ready: concurrent.futures.Future[Any] | None = None
    profile: Path | None = None
    thread: threading.Thread | None = None
    closing: threading.Thread | None = None
    """A :meth:`close_soon` under way."""
    lock = threading.Lock()

    @classmethod
    def _closed(cls) -> None:
        """Wait for a close already under way (another thread's) to finish."""
        closing = cls.closing
        if closing is not None and closing is not threading.current_thread():
            closing.join()

    @classmethod
    def start(cls) -> asyncio.AbstractEventLoop:
        """The browser's event loop, starting the browser (in the background) if need be."""
        cls._closed()  # the last build's browser may still be closing: a new one is needed
        with cls.lock:
            if cls.loop is not None:
                return cls.loop
            load_plotly_safely()
            import asyncio

            import kaleido  # noqa: F401  (here, not in the browser's thread)

            quiet_choreographer()

            # Finalisers run at exit after the atexit functions registered after their own
            # hook: registering it now (the browser's folder gets its finaliser later, in the
            # browser's thread) makes :meth:`close` stop the browser before any finaliser runs.
            weakref.finalize(cls, int)
            remove_abandoned_profiles()
            cls.profile = Path(tempfile.mkdtemp(prefix=f"{PROFILE_PREFIX}{os.getpid()}-"))
            loop = asyncio.new_event_loop()
            cls.thread = threading.Thread(
                target=loop.run_forever, name="statgen-charts", daemon=True
            )
            cls.thread.start()
            cls.ready = asyncio.run_coroutine_threadsafe(cls._open(str(cls.profile)), loop)
            cls.loop = loop
            atexit.register(cls.close)
            return loop

    @staticmethod
    async def _open(profile: str) -> Any:
        import kaleido

        browser = kaleido.Kaleido(
            n=TABS,
            mathjax=False,
            plotlyjs=str(plotly_js()),
            path=find_chromium(),
            tmp_dir=profile,
        )
        await browser.open()
        return browser

    @classmethod
    def submit_chart(
        cls, images: list[tuple[dict[str, Any], str]]
    ) -> concurrent.futures.Future[list[bytes]]:
        """Draw each ``(figure, format)`` of one chart (figures laid out by
        :func:`static_layout`), in order on one tab, in the background."""
        loop = cls.start()
        assert cls.ready is not None
        ready = cls.ready
        import asyncio

        async def calc() -> list[bytes]:
            browser = await asyncio.wrap_future(ready)
            return await _draw_on_one_tab(browser, images)

        return asyncio.run_coroutine_threadsafe(calc(), loop)

    @classmethod
    def close_soon(cls) -> None:
        """:meth:`close` in the background (the build goes on with its page meanwhile)."""
        cls.closing = threading.Thread(target=cls.close, name="statgen-charts-close")
        cls.closing.start()

    @classmethod
    def close(cls) -> None:
        """Stop the browser, then remove its profile, retrying while its last processes exit
        (the temporary folder's own finaliser then finds nothing left to remove)."""
        cls._closed()  # at exit: a close already under way finishes first
        with cls.lock:
            loop, ready, thread = cls.loop, cls.ready, cls.thread
            cls.loop = cls.ready = cls.thread = None
            folder, cls.profile = cls.profile, None
        if loop is None or ready is None or thread is None:
            return
        import asyncio

        try:
            browser = ready.result(timeout=60)
            asyncio.run_coroutine_threadsafe(browser.close(), loop).result(timeout=60)
        except Exception:  # noqa: BLE001 - a browser that never opened has nothing to close
            pass
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        for _ in range(50):
            if folder is None or not folder.exists():
                return
            shutil.rmtree(folder, ignore_errors=True)
            time.sleep(0.1)


PROFILE_PREFIX = "statgen-chromium-"
"""Chromium's profile folders, in the temporary folder: ``statgen-chromium-<pid>-<random>``,
named for the statgen process that owns it."""
_ABANDONED = re.compile(re.escape(PROFILE_PREFIX) + r"(\d+)-")


def remove_abandoned_profiles(folder: Path | None = None) -> list[Path]:
    """Remove the profile folders of statgen processes that no longer run (killed: a process
    killed with SIGKILL cannot remove its own), ours only; returns those removed. A folder
    whose process still runs is left alone, as is one whose number another process now has."""
    removed = []
    for path in Path(folder or tempfile.gettempdir()).glob(f"{PROFILE_PREFIX}*"):
        found = _ABANDONED.match(path.name)
        try:
            if not found or path.lstat().st_uid != os.getuid() or not path.is_dir():
                continue
            os.kill(int(found.group(1)), 0)
        except ProcessLookupError:  # no such process: abandoned
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
        except (OSError, OverflowError):  # another user's process, or gone meanwhile
            continue
    return removed


def _opts(figure: dict[str, Any], fmt: str) -> dict[str, Any]:
    layout = figure["layout"]
    return {"format": fmt, "width": layout["width"], "height": layout["height"]}


@functools.cache
def _one_tab_api() -> tuple[Any, Any, Any] | None:
    """kaleido's own parts for drawing several images between two reloads of a tab (what its
    ``calc_fig`` does for one image), or ``None`` where this kaleido has no such parts."""
    import inspect

    try:
        from kaleido import _profiler
        from kaleido._kaleido_tab import _devtools_utils
        from kaleido._kaleido_tab._tab import _KaleidoTab
        from kaleido._utils import fig_tools
        from kaleido.kaleido import Kaleido

        parts = set(inspect.signature(_KaleidoTab._calc_fig).parameters)
        tabs = all(hasattr(Kaleido, f) for f in ("_get_kaleido_tab", "_return_kaleido_tab"))
        tabs = tabs and callable(getattr(_devtools_utils, "exec_js_fn", None))
        tabs = tabs and all(hasattr(_KaleidoTab, f) for f in ("navigate", "reload"))
    except (ImportError, AttributeError, TypeError, ValueError):
        return None
    if not tabs or not {"spec", "topojson", "render_prof", "stepper"} <= parts:
        return None
    return fig_tools.coerce_for_js, _profiler.RenderTaskProfile, _devtools_utils.exec_js_fn


async def _draw_on_one_tab(browser: Any, images: list[tuple[dict[str, Any], str]]) -> list[bytes]:
    """The images, drawn one after the other on one tab, which is reloaded after the last (see
    :class:`_Browser`); image by image through ``calc_fig`` where kaleido has changed."""
    import asyncio

    api = _one_tab_api()
    if api is None:
        return [await browser.calc_fig(figure, opts=_opts(figure, fmt)) for figure, fmt in images]
    coerce, profile, exec_js = api
    tab = await browser._get_kaleido_tab()  # noqa: SLF001
    try:
        await _loaded(browser, tab, exec_js)
        drawn = []
        for figure, fmt in images:
            spec = coerce(figure, None, _opts(figure, fmt))
            calc = tab._calc_fig(  # noqa: SLF001
                spec,
                topojson=None,
                render_prof=profile(spec, None, tab.tab.target_id),
                stepper=False,
            )
            drawn.append(await asyncio.wait_for(calc, TIMEOUT))
        return drawn
    finally:
        await browser._return_kaleido_tab(tab)  # noqa: SLF001  (the reload)


LOAD_TRIES = 5
"""Times a tab is sent to kaleido's page again when its script is missing (:func:`_loaded`)."""


async def _loaded(browser: Any, tab: Any, exec_js: Any) -> None:
    """Make sure the tab holds kaleido's page, with its script, before it draws.

    On a busy machine kaleido sometimes took the blank page a new tab starts with for its own
    page: its first drawing then failed with "kaleido_scopes is not defined" (2 of 15 fresh
    browsers, with both cores busy). The tab is asked whether the script is there (one round
    trip), and sent to the page again until it is."""
    for _ in range(LOAD_TRIES):
        if await _script_type(tab, exec_js) == "object":
            return
        index = getattr(browser, "_index", None)
        await (send_to(tab, index) if index else tab.reload())
    # Still not there: the drawing fails with kaleido's own message, which the caller reports.


async def _script_type(tab: Any, exec_js: Any = None) -> Any:
    """``typeof kaleido_scopes`` in the tab's page (``object`` once kaleido's script is there)."""
    if exec_js is None:
        from kaleido._kaleido_tab import _devtools_utils

        exec_js = _devtools_utils.exec_js_fn
    check = "function() { return typeof kaleido_scopes; }"
    answer = await exec_js(tab.tab, tab._current_js_id, check)  # noqa: SLF001
    return answer.get("result", {}).get("result", {}).get("value")


def _next(page: Any, event: str) -> asyncio.Future[Any]:
    """The next ``event`` of the tab's page (one already received is not the next)."""
    future = page.subscribe_once(event)
    while future.done():
        future = page.subscribe_once(event)
    return future


async def send_to(tab: Any, url: str) -> None:
    """Load ``url`` in kaleido's ``tab`` and make its script the one drawings run in: what
    kaleido's ``reload`` does, with another address. kaleido's own ``navigate`` (made for a new
    tab) waits for the page's scripts to be reported again, which a tab that has already drawn
    never does: it waited for ever (both Chromium and its headless shell)."""
    page = tab.tab
    script = _next(page, "Runtime.executionContextCreated")
    loaded = _next(page, "Page.loadEventFired")
    answer = await page.send_command("Page.navigate", params={"url": url})
    if "error" in answer or answer.get("result", {}).get("errorText"):
        raise RuntimeError(f"Chromium could not load {url}: {answer}")
    context = (await script).get("params", {}).get("context", {})
    tab._current_js_id = context["id"]  # noqa: SLF001
    await loaded
    tab.js_logger.reset()


def load_plotly_safely() -> None:
    """Import numpy fully before any thread uses Plotly or kaleido.

    Plotly (and its JSON encoder, which kaleido uses) looks numpy up in ``sys.modules`` without
    importing it; while another thread is still importing numpy (openpyxl does, as the workbooks
    are written beside the charts) it found a half-made module ("partially initialized module
    'numpy' has no attribute 'ndarray'"). An ``import`` statement waits for that import to end.
    """
    with contextlib.suppress(ImportError):
        import numpy  # noqa: F401


def _not_the_ignored_message(record: Any) -> bool:
    return not str(record.msg).startswith("JSONError decoding message. Ignoring")


def quiet_choreographer() -> None:
    """Keep choreographer's "JSONError decoding message. Ignoring", and its traceback, off the
    terminal. When the browser closes, the thread reading the browser's pipe sometimes reads a
    last, broken message; choreographer ignores it, but logged it with a traceback, which then
    showed after a successful build (about one build in ten). A message a drawing needed would
    not be ignored silently: the drawing would fail, with its own error."""
    import logistro  # choreographer's logging (its loggers are its own class)

    pipe = logistro.getLogger("choreographer.channels.pipe")
    if _not_the_ignored_message not in pipe.filters:
        pipe.addFilter(_not_the_ignored_message)


TABS = 1
"""Browser tabs drawing charts. One: on two cores, with the workbooks written beside the charts,
a second tab cost more to open (about 0.5 s) than it saved in drawing (each image is
mostly the tab's reload, which competes for the same cores); a 10M-row build's charts went
from 2.85 to about 2.2 s after the workbooks with one tab."""
TIMEOUT = 300
"""Seconds to wait for one chart's images (the browser's start included) before giving up."""


def plotly_js() -> Path:
    """The plotly.js the browser draws with: the vendored basic bundle the pages ship, else the
    full bundle inside the plotly package."""
    from statgen.outputs.assets import PLOTLY_BASIC, full_plotly_bundle

    return PLOTLY_BASIC if PLOTLY_BASIC.is_file() else full_plotly_bundle()


_ONE_SHOT = threading.Event()


@contextlib.contextmanager
def one_shot() -> Iterator[None]:
    """For a build whose process exits afterwards (the command line's): close the browser as
    soon as the charts are drawn, in the background, instead of at exit. Elsewhere (a warm
    preview, many builds in one test run) one browser serves every build."""
    _ONE_SHOT.set()
    try:
        yield
    finally:
        _ONE_SHOT.clear()


def drawn() -> None:
    """A build's charts are all drawn (see :func:`one_shot`)."""
    if _ONE_SHOT.is_set() and _Browser.loop is not None:
        _Browser.close_soon()


class Drawing:
    """One chart being drawn: its three images, collected by :meth:`result`."""

    def __init__(self, figure: dict[str, Any], name: str) -> None:
        self.name = name
        wide = static_layout(figure, narrow=False)
        narrow = static_layout(figure, narrow=True)
        self._images = _Browser.submit_chart([(wide, "svg"), (narrow, "svg"), (wide, "png")])

    def result(self) -> Images:
        try:
            svg, narrow, png = self._images.result(timeout=TIMEOUT)
        except Exception as exc:  # noqa: BLE001 - the browser's own errors are many and vary
            raise RenderError(
                f"Chromium could not draw chart {self.name} ({type(exc).__name__}: "
                f"{str(exc)[:300]}); check that it starts (`{find_chromium()} --headless "
                f"--no-sandbox --dump-dom about:blank`), or set {CHROMIUM_ENV}= (empty) to "
                "draw interactive charts instead"
            ) from None
        return Images(
            svg=reproducible(svg, self.name),
            narrow_svg=reproducible(narrow, f"{self.name}n"),
            png=png,
        )


def open_browser() -> None:
    """Start the browser in the background, if there is one, ahead of the first drawing (while
    the figures are made: its start-up is most of the charts' cost)."""
    if find_chromium() is not None:
        _Browser.start()


def start_drawing(figure: dict[str, Any], name: str) -> Callable[[], Images]:
    """Start drawing ``figure``; the returned function waits for its images."""
    return Drawing(figure, name).result


def draw(figure: dict[str, Any], name: str) -> Images:
    """Render ``figure`` to SVG (wide and narrow) and PNG (960 px wide)."""
    return start_drawing(figure, name)()


_FILES = ("svg", "narrow_svg", "png")


@functools.cache
def software() -> tuple[str, ...]:
    """What the drawing depends on besides the figure: kaleido, Plotly, the plotly.js bundle
    and the browser (looked up once per process, and without importing any of them)."""

    def version(path: str) -> str:
        try:
            stat = os.stat(shutil.which(path) or path)
        except OSError:
            return path
        return f"{path} {stat.st_size} {stat.st_mtime_ns}"

    packages = [importlib.metadata.version(p) for p in ("kaleido", "plotly")]
    return (*packages, version(str(plotly_js())), version(find_chromium() or ""))


def draw_cached(figure: dict[str, Any], name: str, cache: Path | None) -> Images:
    """:func:`draw`, through a cache folder (``None``: always draw). A cache entry whose files
    do not match their recorded SHA-256 is drawn again, never used."""
    return submit_cached(figure, name, cache)()


def submit_cached(figure: dict[str, Any], name: str, cache: Path | None) -> Callable[[], Images]:
    """Start drawing ``figure`` unless the cache holds it; the returned function gives its
    images (waiting for the browser if need be). Submitting every chart before collecting any
    draws them side by side."""
    if cache is None:
        return start_drawing(figure, name)
    parts = json.dumps([figure, name, software()], sort_keys=True, default=str)
    key = hashlib.sha256(parts.encode()).hexdigest()
    entry = cache / f"{key}.json"
    try:
        recorded = json.loads(entry.read_text(encoding="utf-8"))
        data = {f: (cache / f"{key}.{f}").read_bytes() for f in _FILES}
        if all(hashlib.sha256(data[f]).hexdigest() == recorded[f] for f in _FILES):
            images = Images(**data)
            return lambda: images
    except (OSError, ValueError, KeyError, TypeError):
        pass  # no entry, or a broken one: draw
    drawing = start_drawing(figure, name)

    def store() -> Images:
        images = drawing()
        cache.mkdir(parents=True, exist_ok=True)
        for f in _FILES:
            _write_atomic(cache / f"{key}.{f}", getattr(images, f))
        hashes = {f: hashlib.sha256(getattr(images, f)).hexdigest() for f in _FILES}
        _write_atomic(entry, json.dumps(hashes).encode())  # last: the entry is whole or absent
        _prune(cache)
        return images

    return store


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
