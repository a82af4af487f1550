#!/usr/bin/env python3
"""The Reflex-shaped fixture's backend: socket.io at /_event the way Reflex's backend speaks it.

The page's utils/state.js connects with socket.io-client to /_event (WebSocket transport, a
`token` query) and emits `event` messages {name, payload, token, router_data}; the backend
answers each with an `event` message {delta: {state: {var: value}}, events: [], final: true}.
State is held per token, so a reconnecting page (a restarted backend, a hot update) keeps its
count only while this process lives, as with Reflex's in-memory state manager. Plain HTTP:
/ping ("pong"), /_health ({"status": true}); anything else is 404.

Run: python3 bench/reflexapp/backend.py --port 8000  (prints "listening on PORT" when ready).
Uses python3-socketio and python3-uvicorn from Debian.
"""
import argparse
import json
import sys

import socketio
import uvicorn

STATE = "reflex___state____state.app___state____app_state"
COUNT_VAR = "count_rx_state_"

sio = socketio.AsyncServer(async_mode="asgi", cors_allowed_origins="*")
counts = {}  # token -> count
tokens = {}  # sid -> token


@sio.event
async def connect(sid, environ, auth=None):
    query = dict(p.split("=", 1) for p in environ.get("QUERY_STRING", "").split("&") if "=" in p)
    tokens[sid] = query.get("token", sid)


@sio.event
async def disconnect(sid):
    tokens.pop(sid, None)


@sio.on("event")
async def on_event(sid, event):
    if isinstance(event, str):
        event = json.loads(event)
    token = event.get("token") or tokens.get(sid, sid)
    name = event.get("name", "")
    if name == f"{STATE}.increment":
        counts[token] = counts.get(token, 0) + 1
    elif not name.startswith(STATE):
        print(f"backend: unknown event {name!r}", file=sys.stderr)
    update = {"delta": {STATE: {COUNT_VAR: counts.get(token, 0)}}, "events": [], "final": True}
    await sio.emit("event", update, to=sid)


async def http_app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "http":
        return
    path = scope["path"]
    if path == "/ping":
        status, body, ctype = 200, b'"pong"', b"application/json"
    elif path == "/_health":
        status, body, ctype = 200, b'{"status": true}', b"application/json"
    else:
        status, body, ctype = 404, b"not found", b"text/plain"
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", ctype), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


socket_app = socketio.ASGIApp(sio, other_asgi_app=http_app, socketio_path="_event")


async def app(scope, receive, send):
    """Accepts the WebSocket subprotocol the page offers (Reflex's client offers its version, and
    Reflex's backend echoes it: a browser fails a handshake that leaves it unanswered)."""
    async def send_with_subprotocol(message):
        if message["type"] == "websocket.accept" and scope.get("subprotocols"):
            message = {**message, "subprotocol": scope["subprotocols"][0]}
        await send(message)

    await socket_app(scope, receive, send_with_subprotocol)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True, help="port to listen on (127.0.0.1)")
    args = parser.parse_args()
    config = uvicorn.Config(app, host="127.0.0.1", port=args.port, log_level="warning")
    server = uvicorn.Server(config)

    async def started():
        print(f"listening on {args.port}", flush=True)

    import asyncio

    async def run():
        task = asyncio.create_task(server.serve())
        while not server.started and not task.done():
            await asyncio.sleep(0.02)
        if server.started:
            await started()
        await task

    asyncio.run(run())


if __name__ == "__main__":
    main()
