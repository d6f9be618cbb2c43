"""``statgen preview``: build a publication once into its preview folder, serve it on the
loopback address, rebuild what each saved change needs, and reload the open page.

:mod:`statgen.preview.builder` keeps the build warm, :mod:`statgen.preview.watcher` watches the
files, :mod:`statgen.preview.server` serves the folder with the reload script and error banner.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from statgen.preview.builder import TABLES, Builder

__all__ = ["Builder", "serve"]


def serve(
    builder: Builder,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    say: Callable[[str], None] = print,
) -> None:
    """Build once, then serve and watch until interrupted (Ctrl-C); the preview folder is
    removed on the way out."""
    try:
        asyncio.run(_main(builder, host, port, say))
    except KeyboardInterrupt:
        pass
    finally:
        builder.remove()
        say("Preview stopped.")


async def _main(builder: Builder, host: str, port: int, say: Callable[[str], None]) -> None:
    import uvicorn

    from statgen.preview.server import make_app
    from statgen.preview.watcher import watch

    status = await asyncio.to_thread(builder.rebuild, TABLES)
    say(status.error or f"Built in {status.seconds:.2f} s")
    server: uvicorn.Server | None = None

    def stopping() -> bool:
        return server is not None and server.should_exit

    config = uvicorn.Config(
        make_app(builder, stopping),
        host=host,
        port=port,
        log_level="warning",
        lifespan="off",
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)
    stop = asyncio.Event()
    watching = asyncio.create_task(watch(builder, stop, say))
    shown = host if ":" not in host else f"[{host}]"

    async def announce() -> None:
        while not server.started and not server.should_exit:
            await asyncio.sleep(0.02)
        if server.started:
            say(f"Preview at http://{shown}:{port}/ (Ctrl-C to stop)")

    announcing = asyncio.create_task(announce())
    try:
        await server.serve()
    finally:
        stop.set()
        await watching
        announcing.cancel()
