"""The browser that draws static charts leaves nothing behind: its profile is in a folder statgen
owns, removed at exit after the browser stopped, and no traceback reaches the terminal (Chromium
writing into its profile during choreographer's clean-up printed one after a good build)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import require

from statgen.outputs.chart_images import find_chromium

SCRIPT = """
import sys
from statgen.outputs import chart_images
import contextlib
figure = {"data": [{"type": "bar", "x": ["a", "b"], "y": [3, 1]}],
          "layout": {"width": 960, "height": 480}}
with chart_images.one_shot() if sys.argv[1] == "one-shot" else contextlib.nullcontext():
    images = chart_images.draw(figure, "c1")
    assert images.svg.startswith(b"<svg") and images.png.startswith(b"\\x89PNG")
    print(chart_images._Browser.profile, flush=True)
    chart_images.drawn()  # one-shot: the browser closes in the background from here
images = chart_images.draw(figure, "c1")  # and a later drawing starts a browser again
print(chart_images._Browser.profile)
"""


@pytest.mark.parametrize("mode", ["warm", "one-shot"])
def test_the_chart_browser_cleans_up_after_itself_without_a_traceback(mode: str) -> None:
    """Closed at exit, or (as the command line does) in the background once the charts are
    drawn: either way no profile folder, no browser process and no traceback is left."""
    require(find_chromium() is not None, "Chromium", "apt-get install chromium-headless-shell")
    for _ in range(2):  # the race showed in about one run in ten; each run must be clean
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT, mode], capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr + done.stdout, done.stderr
        profiles = [Path(line) for line in done.stdout.split()]
        assert len(profiles) == 2 and all(p.name.startswith("statgen-chromium-") for p in profiles)
        assert (profiles[0] == profiles[1]) == (mode == "warm")
        for profile in profiles:
            assert not profile.exists()
            assert not running_with(str(profile)), "browser processes left running"


def running_with(text: str) -> list[str]:
    """Command lines of running processes that mention ``text`` (read from /proc)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            line = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # the process ended meanwhile
        if text in line:
            found.append(line)
    return found


def test_drawn_charts_are_taken_from_the_cache_only_when_their_files_are_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same figure is drawn once; a cached file that no longer matches its SHA-256, or a
    changed figure, is drawn again (a fake drawing counts the calls: no browser needed)."""
    from statgen.outputs import chart_images

    calls: list[str] = []

    def fake_start(figure: dict, name: str):  # type: ignore[no-untyped-def,type-arg]
        calls.append(figure["title"])
        text = f"{figure['title']}-{len(calls)}".encode()
        images = chart_images.Images(svg=b"<svg>" + text, narrow_svg=b"<svg n>" + text, png=text)
        return lambda: images

    monkeypatch.setattr(chart_images, "start_drawing", fake_start)
    monkeypatch.setattr(chart_images, "software", lambda: ("test",))
    cache = tmp_path / "cache"
    first = chart_images.draw_cached({"title": "a"}, "f1", cache)
    again = chart_images.draw_cached({"title": "a"}, "f1", cache)
    assert again == first and calls == ["a"]
    chart_images.draw_cached({"title": "b"}, "f1", cache)  # another figure: drawn
    assert calls == ["a", "b"]
    png = next(p for p in cache.glob("*.png") if p.read_bytes() == first.png)
    png.write_bytes(b"tampered")
    redrawn = chart_images.draw_cached({"title": "a"}, "f1", cache)
    assert calls == ["a", "b", "a"] and redrawn.png == b"a-3"
    assert chart_images.draw_cached({"title": "a"}, "f1", None).png == b"a-4"  # no cache


def test_static_images_and_interactive_charts_are_drawn_by_one_plotly_js() -> None:
    """The browser draws the static images with the basic bundle the pages ship, and that
    bundle is the plotly.js version inside plotly.py (what kaleido would otherwise load)."""
    import re

    from statgen.outputs import chart_images
    from statgen.outputs.assets import PLOTLY_BASIC, full_plotly_bundle

    require(PLOTLY_BASIC.is_file(), "the vendored plotly.js bundle", "run `make vendor`")
    assert chart_images.plotly_js() == PLOTLY_BASIC

    def version(bundle: Path) -> str:
        found = re.search(rb"plotly\.js[^\n]*v(\d+\.\d+\.\d+)", bundle.read_bytes()[:400])
        assert found, f"no version in the header of {bundle}"
        return found.group(1).decode()

    assert version(PLOTLY_BASIC) == version(full_plotly_bundle())


def test_a_browser_that_cannot_start_fails_the_build_with_a_message(tmp_path: Path) -> None:
    """A Chromium that exits at once (here /bin/false) is a clear error naming the browser,
    with exit code 1, no traceback and no draft: never a hang or a half-made draft."""
    import os

    from conftest import copy_project

    project = copy_project(tmp_path, "electronic-monitoring", 0.01)
    env = {**os.environ, "STATGEN_CHROMIUM": "/bin/false"}
    done = subprocess.run(
        [sys.executable, "-m", "statgen.cli", "build", "electronic-monitoring"],
        cwd=project, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    output = " ".join((done.stdout + done.stderr).split())
    assert done.returncode == 1, output
    assert "Traceback" not in output
    assert "[render-failed]" in output and "Chromium could not draw chart" in output
    assert "/bin/false" in output
    assert not list((project / "build").glob("*/*/draft-*"))


def line_chart(series: dict[str, list[int]]) -> dict:  # type: ignore[type-arg]
    """A small line chart with a legend (the legend is where plotly.js's state showed)."""
    x = ["2024 Q1", "2024 Q2", "2024 Q3"]
    data = [
        {"type": "scatter", "mode": "lines", "name": n, "x": x, "y": y} for n, y in series.items()
    ]
    return {"data": data, "layout": {"legend": {"orientation": "h"}, "title": {"text": "Cases"}}}


def test_a_chart_gives_the_same_bytes_whatever_was_drawn_before_it() -> None:
    """A chart's three images share a tab, which is reloaded only after the chart: drawn alone
    or after another chart, a figure gives the same wide SVG, narrow SVG and PNG. (With no
    reload between charts, plotly.js's state carried over: the SVGs' attributes came in
    another order.)"""
    from statgen.outputs import chart_images

    require(find_chromium() is not None, "Chromium", "apt-get install chromium-headless-shell")
    courts = line_chart({"Magistrates' court": [1, 2, 3], "Crown Court": [3, 2, 1]})
    remand = line_chart({"Bail": [5, 1, 2], "Custody": [1, 1, 1], "Summons": [0, 3, 2]})
    alone = chart_images.draw(courts, "f1")
    chart_images.draw(remand, "f2")
    after = chart_images.draw(courts, "f1")
    assert (after.svg, after.narrow_svg, after.png) == (alone.svg, alone.narrow_svg, alone.png)
    assert alone.svg != alone.narrow_svg and b'width="480"' in alone.narrow_svg


def test_a_tab_left_on_a_blank_page_is_sent_back_to_kaleidos_page_before_it_draws() -> None:
    """On a busy machine kaleido sometimes took a new tab's blank page for its own, and the
    first chart failed with "kaleido_scopes is not defined". A tab found without kaleido's
    script is sent to its page again before drawing."""
    import asyncio

    from statgen.outputs import chart_images

    require(find_chromium() is not None, "Chromium", "apt-get install chromium-headless-shell")
    courts = line_chart({"Magistrates' court": [1, 2, 3], "Crown Court": [3, 2, 1]})
    expected = chart_images.draw(courts, "f1")
    loop = chart_images._Browser.start()
    assert chart_images._Browser.ready is not None
    browser = chart_images._Browser.ready.result(timeout=60)

    async def blank() -> None:  # what kaleido did: its tab on a page without its script
        tab = await browser._get_kaleido_tab()
        await chart_images.send_to(tab, "data:text/html,<p>A page without kaleido's script</p>")
        assert await chart_images._script_type(tab) == "undefined"
        await browser.tabs_ready.put(tab)

    asyncio.run_coroutine_threadsafe(blank(), loop).result(timeout=60)
    again = chart_images.draw(courts, "f1")
    assert (again.svg, again.png) == (expected.svg, expected.png)


def test_choreographers_ignored_broken_message_stays_off_the_terminal(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The broken last message choreographer ignores as the browser closes is not printed with
    its traceback (the logger's other messages still are)."""
    import logistro

    from statgen.outputs.chart_images import quiet_choreographer

    quiet_choreographer()
    quiet_choreographer()  # once is enough: the filter is not added twice
    pipe = logistro.getLogger("choreographer.channels.pipe")
    assert len(pipe.filters) == 1
    try:
        raise ValueError("Expecting property name enclosed in double quotes")
    except ValueError:
        pipe.exception("JSONError decoding message. Ignoring")
        pipe.exception("Error in trying to decode JSON off our read.")
    assert [r.getMessage() for r in caplog.records] == [
        "Error in trying to decode JSON off our read."
    ]


def test_the_profiles_of_killed_statgen_processes_are_removed(tmp_path: Path) -> None:
    """A statgen process killed with SIGKILL leaves its browser profile behind; the next one
    to start a browser removes it, but never the profile of a process that still runs."""
    from statgen.outputs.chart_images import PROFILE_PREFIX, remove_abandoned_profiles

    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()  # its number is free now (reaped)
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        abandoned = tmp_path / f"{PROFILE_PREFIX}{ended.pid}-abc123"
        (abandoned / "Default").mkdir(parents=True)
        (abandoned / "Default" / "Preferences").write_text("{}", encoding="utf-8")
        in_use = tmp_path / f"{PROFILE_PREFIX}{alive.pid}-def456"
        in_use.mkdir()
        unnamed = tmp_path / f"{PROFILE_PREFIX}xyz789"  # an older statgen's: no process named
        unnamed.mkdir()
        other = tmp_path / "chromium-profile"
        other.mkdir()
        assert remove_abandoned_profiles(tmp_path) == [abandoned]
        assert not abandoned.exists()
        assert in_use.is_dir() and unnamed.is_dir() and other.is_dir()
    finally:
        alive.kill()
        alive.wait()
