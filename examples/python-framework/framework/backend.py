"""The Python backend: holds each browser session's state and runs the event handlers.

A WebSocket server (Debian's python3-websockets) on loopback, in a thread of the dev process with
its own asyncio loop. The page never talks to it directly: it opens `/_ws` on hr-orchestrate's
port, and hr-orchestrate proxies the upgrade here (the manifest's `backend`).

Messages (JSON text frames): the page sends `{"type":"hello","token":T}` once, then
`{"type":"event","name":"CounterState.increment","args":[...]}`; the backend answers each with
`{"type":"state","state":{"CounterState":{"count":1},...}}` (every session's class), or
`{"type":"error","message":...}` when a handler raised.

`reload(classes)` swaps in the state classes of a new compile while the server runs: every
session's instances are rebuilt from the new classes, keeping the value of each field that still
exists. Sockets stay open, so the next event already runs the new handler body.
"""

from __future__ import annotations

import asyncio
import http
import json
import sys
import threading
import traceback
from typing import Any

import websockets
import websockets.server

WS_PATH = "/_ws"


class Backend:
    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self.host = host
        self.port = port
        self.classes: dict[str, type] = {}
        self.sessions: dict[str, dict[str, Any]] = {}  # token -> class name -> instance
        self.sockets: dict[str, set[Any]] = {}  # token -> open sockets of that session
        self.loop: asyncio.AbstractEventLoop | None = None
        self._server: Any = None
        self._stopped: asyncio.Future[None] | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # --- lifecycle (called from the dev process's main thread) ---

    def start(self, classes: dict[str, type], timeout: float = 10.0) -> None:
        """Starts the server thread; returns once it listens (self.port is then the real port)."""
        self.classes = dict(classes)
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            try:
                asyncio.run(self._serve(ready))
            except BaseException as e:  # reported to start(); the thread ends
                failure.append(e)
                ready.set()

        self._thread = threading.Thread(target=run, name="backend", daemon=True)
        self._thread.start()
        if not ready.wait(timeout) or failure:
            raise RuntimeError(f"the backend did not start: {failure[0] if failure else 'timeout'}")

    def reload(self, classes: dict[str, type], timeout: float = 10.0) -> None:
        """Swaps in new state classes; returns when the backend uses them."""
        assert self.loop is not None

        async def swap() -> None:
            self._swap(classes)
            # Fields may have come or gone: every open page gets its session's state again.
            for token, peers in self.sockets.items():
                message = self._state_message(token)
                for peer in list(peers):
                    try:
                        await peer.send(message)
                    except websockets.ConnectionClosed:
                        pass

        asyncio.run_coroutine_threadsafe(swap(), self.loop).result(timeout)

    def stop(self, timeout: float = 10.0) -> None:
        if self.loop is None or self._stopped is None:
            return
        self.loop.call_soon_threadsafe(self._stopped.set_result, None)
        if self._thread:
            self._thread.join(timeout)

    # --- the server (on the backend's own loop) ---

    async def _serve(self, ready: threading.Event) -> None:
        self.loop = asyncio.get_running_loop()
        self._stopped = self.loop.create_future()
        async with websockets.server.serve(
            self._handle, self.host, self.port, process_request=self._only_ws, compression=None
        ) as server:
            self.port = server.sockets[0].getsockname()[1]
            ready.set()
            await self._stopped

    async def _only_ws(self, path: str, headers: Any) -> Any:
        # Everything hr-orchestrate does not serve is proxied here; only /_ws is ours.
        if path.split("?")[0] != WS_PATH:
            return http.HTTPStatus.NOT_FOUND, [("Content-Type", "text/plain")], b"not found\n"
        return None

    async def _handle(self, ws: Any, path: str = WS_PATH) -> None:
        token: str | None = None
        try:
            async for raw in ws:
                message = json.loads(raw)
                if message.get("type") == "hello":
                    token = str(message.get("token") or id(ws))
                    self.sockets.setdefault(token, set()).add(ws)
                    await ws.send(self._state_message(token))
                elif message.get("type") == "event" and token is not None:
                    reply = self._run_event(token, message.get("name", ""), message.get("args") or [])
                    for peer in list(self.sockets.get(token, ())):
                        await peer.send(reply)
        except websockets.ConnectionClosed:
            pass
        finally:
            if token is not None:
                self.sockets.get(token, set()).discard(ws)

    def _session(self, token: str) -> dict[str, Any]:
        session = self.sessions.setdefault(token, {})
        for name, cls in self.classes.items():
            if name not in session:
                session[name] = cls()
        return session

    def _state_message(self, token: str) -> str:
        state = {name: inst.snapshot() for name, inst in self._session(token).items()}
        return json.dumps({"type": "state", "state": state})

    def _run_event(self, token: str, name: str, args: list[Any]) -> str:
        class_name, _, handler_name = name.partition(".")
        session = self._session(token)
        instance = session.get(class_name)
        handler = getattr(type(instance), "_handlers", {}).get(handler_name) if instance else None
        if handler is None:
            return json.dumps({"type": "error", "message": f"no event handler {name}"})
        try:
            handler.fn(instance, *args)
        except Exception as e:
            traceback.print_exc(file=sys.stderr)
            return json.dumps({"type": "error", "message": f"{name} raised {type(e).__name__}: {e}"})
        return self._state_message(token)

    def _swap(self, classes: dict[str, type]) -> None:
        self.classes = dict(classes)
        for token, session in self.sessions.items():
            fresh: dict[str, Any] = {}
            for name, cls in classes.items():
                instance = cls()
                old = session.get(name)
                for field in cls._fields:
                    if old is not None and field in type(old)._fields:
                        instance.__dict__[field] = old.__dict__[field]
                fresh[name] = instance
            self.sessions[token] = fresh
