"""What the preview watches (the publication's folder, its extracts, the package's templates)
and what each change asks the builder to do. Watching is :func:`watchfiles.awatch`."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from pathlib import Path

from watchfiles import Change, awatch

from statgen.outputs.assets import TEMPLATES
from statgen.preview.builder import EXTRACTS, KINDS, PAGE, TABLES, Builder

EXTRACT_SUFFIXES = (".csv", ".parquet")
TABLE_FILES = ("publication.yaml", "transforms.py")


def classify(builder: Builder, changes: Iterable[tuple[Change, str]]) -> str | None:
    """The most work any of ``changes`` asks for (:data:`KINDS`), or None for files the build
    does not read (a sign-off, an editor's backup)."""
    extracts = builder.source_dir().resolve()
    publication = builder.publication_folder.resolve()
    templates = TEMPLATES.resolve()
    wanted: set[str] = set()
    for _, name in changes:
        path = Path(name).resolve()
        if path.is_relative_to(extracts) and path.suffix in EXTRACT_SUFFIXES:
            wanted.add(EXTRACTS)
        elif path.parent == publication and path.name in TABLE_FILES:
            wanted.add(TABLES)
        else:
            commentary = path.parent == publication and path.name == builder.commentary_name()
            template = path.is_relative_to(templates) and "preview" not in path.parts
            if commentary or template:
                wanted.add(PAGE)
    return max(wanted, key=KINDS.index) if wanted else None


def folders(builder: Builder) -> list[Path]:
    """The folders watched (those that exist)."""
    found = [builder.publication_folder, builder.source_dir(), TEMPLATES]
    return [f for f in dict.fromkeys(found) if f.is_dir()]


async def watch(
    builder: Builder, stop: asyncio.Event, report: Callable[[str], None] = lambda _: None
) -> None:
    """Rebuild after each batch of changes until ``stop`` is set (builds run in a thread, so
    the server keeps answering). An extracts folder that does not exist yet is waited for
    (:func:`appearing`); once it appears the extracts are read and it is watched too."""
    while not stop.is_set():
        appeared, until = asyncio.Event(), asyncio.Event()
        waiting = asyncio.create_task(appearing(builder.source_dir(), appeared, stop))
        either = asyncio.create_task(_first(stop, appeared, then=until))
        try:
            async for changes in awatch(*folders(builder), stop_event=until, debounce=50, step=20):
                kind = classify(builder, changes)
                if kind is not None:
                    await _rebuild(builder, kind, report)
        finally:
            waiting.cancel()
            either.cancel()
        if appeared.is_set() and not stop.is_set():
            await _rebuild(builder, EXTRACTS, report)


async def _rebuild(builder: Builder, kind: str, report: Callable[[str], None]) -> None:
    status = await asyncio.to_thread(builder.rebuild, kind)
    outcome = status.error or "rebuilt"
    report(f"{kind} changed: {outcome} ({status.seconds:.2f} s)")


async def _first(*events: asyncio.Event, then: asyncio.Event) -> None:
    """Set ``then`` once any of ``events`` is set."""
    waits = [asyncio.create_task(e.wait()) for e in events]
    try:
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for w in waits:
            w.cancel()
    then.set()


async def appearing(folder: Path, appeared: asyncio.Event, stop: asyncio.Event) -> None:
    """Set ``appeared`` when ``folder``, missing now, exists (never, if it exists already):
    its nearest existing parent is watched, not recursively (a project's root holds .venv)."""
    if folder.is_dir():
        return
    while not stop.is_set():
        parent = next((p for p in folder.parents if p.is_dir()), None)
        if parent is None:
            return
        async for _ in awatch(parent, stop_event=stop, recursive=False, debounce=50, step=20):
            if folder.is_dir():
                appeared.set()
                return
            if next((p for p in folder.parents if p.is_dir()), None) != parent:
                break  # a folder nearer the extracts' appeared: watch that one
