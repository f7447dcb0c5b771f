"""A WebSocket server on 127.0.0.1 that sends every client each gaze sample as JSON text.

It runs its own asyncio loop in a thread of its own. `publish` (any thread) appends to a
bounded buffer and wakes the loop at most once per batch; the loop copies each message into
every client's bounded deque, and one task per client sends from it. A client that reads too
slowly loses its oldest samples (counted in `dropped`); nothing grows without bound and the
tracker never waits for the network.

Browsers send an Origin header; only clients without one (programs) and the origins given
in `origins` may connect, so a web page you happen to visit cannot read your gaze.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import deque
from collections.abc import Sequence

from eyetracker.core.types import GazeSample
from eyetracker.outputs.streams.base import (
    StreamError,
    StreamSettings,
    loopback_host,
    register_stream,
    sample_to_json,
)

PENDING_LIMIT = 256  # samples between two wake-ups of the loop (~8 s at 30 fps)
CLIENT_LIMIT = 64  # samples one client may fall behind before its oldest are dropped
START_TIMEOUT_S = 10.0


class _Client:
    def __init__(self) -> None:
        self.messages: deque[str] = deque(maxlen=CLIENT_LIMIT)
        self.ready = asyncio.Event()
        self.dropped = 0


@register_stream("websocket")
class WebSocketStream:
    @classmethod
    def from_settings(cls, settings: StreamSettings) -> WebSocketStream:
        return cls(settings.host, settings.port, origins=settings.origins)

    def __init__(self, host: str = "127.0.0.1", port: int = 8765, origins: Sequence[str] = ()):
        self.host = loopback_host(host)
        if not 0 <= int(port) <= 65535:
            raise StreamError(f"Port {port} is out of range; choose one from 1024 to 65535.")
        self.port = int(port)  # 0: any free port; the bound one is set by start()
        self.origins = [None, *origins]
        self.dropped = 0  # samples dropped for slow clients, all clients together
        self._pending: deque[str] = deque(maxlen=PENDING_LIMIT)
        self._lock = threading.Lock()
        self._wake_scheduled = False
        self._clients: set[_Client] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopping: asyncio.Event | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"ws://{host}:{self.port}"

    @property
    def clients(self) -> int:
        return len(self._clients)

    def describe(self) -> str:
        return f"WebSocket: {self.url} (JSON samples)"

    # --- thread and loop -------------------------------------------------------------------

    def start(self) -> None:
        """Bind and serve; raises StreamError when the port is taken or websockets is missing."""
        if self._thread is not None:
            return
        try:
            import websockets.asyncio.server  # noqa: F401
        except ImportError:
            raise StreamError(
                "Streaming over WebSocket needs the websockets package; pip install 'websockets>=13,<18'."
            ) from None
        started = threading.Event()
        outcome: dict[str, BaseException | None] = {"error": None}
        self._thread = threading.Thread(
            target=self._run, args=(started, outcome), name="gaze-websocket", daemon=True
        )
        self._thread.start()
        if not started.wait(START_TIMEOUT_S):
            outcome["error"] = TimeoutError("the server did not start")
        if outcome["error"] is not None:
            self._thread.join(START_TIMEOUT_S)
            self._thread = None
            error = outcome["error"]
            if isinstance(error, OSError):
                raise StreamError(
                    f"Cannot listen on {self.host}:{self.port} ({error.strerror or error}); "
                    "choose another --stream-port."
                ) from None
            raise StreamError(f"The WebSocket server did not start ({error}).") from None

    def _run(self, started: threading.Event, outcome: dict) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._serve(started, outcome))
        except BaseException as error:  # keep the thread from printing; start() reports it
            outcome["error"] = error
            started.set()
        finally:
            loop.close()

    async def _serve(self, started: threading.Event, outcome: dict) -> None:
        from websockets.asyncio.server import serve

        self._stopping = asyncio.Event()
        async with serve(
            self._handler, self.host, self.port, origins=self.origins, compression=None
        ) as server:
            self.port = server.sockets[0].getsockname()[1]
            started.set()
            await self._stopping.wait()
            for client in list(self._clients):
                client.ready.set()  # wake each handler so it sees the closing connection
            server.close()
            await server.wait_closed()

    async def _handler(self, connection) -> None:
        from websockets.exceptions import ConnectionClosed

        client = _Client()
        self._clients.add(client)
        closed = asyncio.ensure_future(connection.wait_closed())
        closed.add_done_callback(lambda _: client.ready.set())
        try:
            while not closed.done():
                await client.ready.wait()
                client.ready.clear()
                while client.messages and not closed.done():
                    await connection.send(client.messages.popleft())
        except ConnectionClosed:
            pass
        finally:
            self._clients.discard(client)
            closed.cancel()

    # --- from the tracker ------------------------------------------------------------------

    def publish(self, sample: GazeSample) -> None:
        loop = self._loop
        if loop is None or self._stopping is None:
            return
        message = json.dumps(sample_to_json(sample, time.time() - time.monotonic()))
        with self._lock:
            self._pending.append(message)
            if self._wake_scheduled:
                return
            self._wake_scheduled = True
        try:
            loop.call_soon_threadsafe(self._deliver)
        except RuntimeError:  # the loop closed meanwhile: the stream is stopping
            pass

    def _deliver(self) -> None:
        with self._lock:
            messages = list(self._pending)
            self._pending.clear()
            self._wake_scheduled = False
        for client in self._clients:
            for message in messages:
                if len(client.messages) == CLIENT_LIMIT:
                    client.dropped += 1
                    self.dropped += 1
                client.messages.append(message)
            client.ready.set()

    def stop(self) -> None:
        """Close every connection and end the thread; idempotent."""
        thread, loop = self._thread, self._loop
        if thread is None or loop is None:
            return
        stopping = self._stopping
        if stopping is not None:
            try:
                loop.call_soon_threadsafe(stopping.set)
            except RuntimeError:
                pass
        thread.join(START_TIMEOUT_S)
        self._thread = self._loop = self._stopping = None
