"""``statgen preview``: build a publication once into its preview folder, serve it on the
loopback address, rebuild what each saved change needs, and reload the open page.

:mod:`statgen.preview.builder` keeps the build warm, :mod:`statgen.preview.watcher` watches the
files, :mod:`statgen.preview.server` serves the folder with the reload script and error banner.
"""

from __future__ import annotations

import asyncio
import errno
import signal
import socket
import threading
from collections.abc import Callable
from typing import Any

from statgen.errors import OptionError
from statgen.preview.builder import TABLES, Builder

__all__ = ["Builder", "serve"]


def serve(
    builder: Builder,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    say: Callable[[str], None] = print,
) -> None:
    """Build once, then serve and watch until interrupted (Ctrl-C, or a SIGTERM or SIGHUP as
    ``kill`` or a closed terminal sends); the preview folder is removed on the way out."""
    stop = _StopRequest()
    previous = stop.install()
    try:
        asyncio.run(_main(builder, host, port, say, stop))
    except KeyboardInterrupt:
        pass
    finally:
        builder.remove()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        say("Preview stopped.")


class _StopRequest:
    """SIGTERM and SIGHUP ask the preview to stop, as Ctrl-C does: the server is told to shut
    down (or, during the first build, not to start). The handler only sets flags: an exception
    raised from it could land anywhere in the event loop or the thread pools' bookkeeping, and
    once left the process hanging instead of stopping. (uvicorn, which handles SIGTERM itself
    while it serves, sends it on once it has stopped; it arrives here, and changes nothing.)"""

    def __init__(self) -> None:
        self.requested = False
        self.server: Any = None

    def install(self) -> dict[int, Any]:
        if threading.current_thread() is not threading.main_thread():
            return {}
        wanted = [signal.SIGTERM] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])
        return {sig: signal.signal(sig, self) for sig in wanted}

    def __call__(self, signum: int, frame: object) -> None:
        self.requested = True
        self.attach(self.server)

    def attach(self, server: Any) -> None:
        """``server`` is the one to stop (told at once if a stop was asked for already)."""
        self.server = server
        if server is not None and self.requested:
            server.should_exit = True


async def _main(
    builder: Builder, host: str, port: int, say: Callable[[str], None], stopping_asked: _StopRequest
) -> None:
    import uvicorn

    from statgen.preview.server import make_app
    from statgen.preview.watcher import watch

    listening = listen(host, port)  # before the build: a port in use fails at once
    port = listening.getsockname()[1]  # (the one chosen, for --port 0)
    status = await asyncio.to_thread(builder.rebuild, TABLES)
    say(status.error or f"Built in {status.seconds:.2f} s")
    if stopping_asked.requested:
        listening.close()
        return
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
    stopping_asked.attach(server)
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
        await server.serve(sockets=[listening])
    finally:
        stop.set()
        await watching
        announcing.cancel()


def listen(host: str, port: int) -> socket.socket:
    """The server's socket, bound to ``host`` and ``port`` (0: a free port), or an
    :class:`~statgen.errors.OptionError` saying why not (a port in use: another preview?)."""
    if not 0 <= port <= 65535:
        raise OptionError(f"--port {port}: give a port from 1 to 65535 (or 0 for any free port)")
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        return socket.create_server((host, port), family=family)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        hint = (
            "another program (another preview?) is using it; stop it, or give another port "
            "with --port (--port 0 takes any free port)"
            if exc.errno == errno.EADDRINUSE
            else "give --host an address of this machine (the default is 127.0.0.1)"
        )
        raise OptionError(f"cannot serve on {host} port {port}: {reason}; {hint}") from None
