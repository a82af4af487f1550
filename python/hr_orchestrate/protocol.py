"""The control protocol, client side: one JSON line each way over the server's Unix socket.

The server of an app listens on ``.hr/control.sock`` beside the manifest. A call connects, sends
one request line (``{"cmd": ..., "protocol": 1, ...}``), reads one reply line and closes; the
contract is docs/control-protocol.md. Every step is bounded: connecting, sending and the wait for
the reply each stop at the call's deadline, and a reply longer than :data:`MAX_REPLY` is refused,
so a stuck or confused server is an error, never a hang.

Two failures are told apart because the client acts on them: :class:`NoServer` (nothing listens:
start one) and :class:`ReplyLost` (a server took the request but closed without answering, e.g.
it was killed during the call: start one if it is gone, and ask again). Everything else is a
:class:`ServerError`.
"""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path
from typing import Any, Mapping

from .errors import ServerError

PROTOCOL_VERSION = 1
MAX_REPLY = 64 << 20  # a reply lists module ids; 64 MiB is far beyond any app


class NoServer(Exception):
    """No server listens on the socket (missing, or nothing accepts on it)."""


class ReplyLost(Exception):
    """The server took the request, then closed the connection without a reply."""


def socket_path(manifest: Path) -> Path:
    """The control socket of the app whose manifest is ``manifest`` (absolute)."""
    return manifest.parent / ".hr" / "control.sock"


def recompile_request(
    manifest: Path, wait_applied: int | None, protocol: int = PROTOCOL_VERSION
) -> dict[str, Any]:
    """A recompile request; ``sent_at_ns`` lets the server count the call's time from now."""
    req: dict[str, Any] = {"cmd": "recompile", "protocol": protocol, "manifest": str(manifest)}
    # time.monotonic_ns is CLOCK_MONOTONIC, the server's steady_clock: one clock per machine.
    req["sent_at_ns"] = time.monotonic_ns()
    if wait_applied is not None:
        req["wait_applied_ms"] = int(wait_applied)
    return req


def command_request(cmd: str, protocol: int = PROTOCOL_VERSION) -> dict[str, Any]:
    """A request that is only its command: status or stop."""
    return {"cmd": cmd, "protocol": protocol}


def call(sock_path: Path, request: Mapping[str, Any], timeout: float) -> dict[str, Any]:
    """Sends one request and returns the reply's JSON object, within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    line = (json.dumps(request, separators=(",", ":")) + "\n").encode("utf-8")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(max(0.001, min(timeout, 10.0)))
        try:
            s.connect(str(sock_path))
        except (FileNotFoundError, ConnectionRefusedError) as e:
            raise NoServer(f"no server answers on {sock_path}: {e.strerror}") from None
        except OSError as e:
            raise ServerError(
                f"cannot reach the hr-orchestrate server at {sock_path}: {e}"
            ) from None
        try:
            s.sendall(line)
        except (BrokenPipeError, ConnectionResetError) as e:
            raise ReplyLost(
                f"the server closed the connection while we sent: {e.strerror}"
            ) from None
        except OSError as e:
            raise ServerError(f"sending to the hr-orchestrate server failed: {e}") from None
        reply = _read_line(s, deadline, timeout)
    try:
        value = json.loads(reply)
    except ValueError:
        raise ServerError(f"the server's reply is not JSON: {reply[:200]!r}") from None
    if not isinstance(value, dict):
        raise ServerError(f"the server's reply is not a JSON object: {reply[:200]!r}")
    return value


def _read_line(s: socket.socket, deadline: float, timeout: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise ServerError(f"the hr-orchestrate server did not answer within {timeout:g} s")
        s.settimeout(left)
        try:
            chunk = s.recv(1 << 16)
        except socket.timeout:
            continue  # the deadline check above says so
        except ConnectionResetError as e:
            raise ReplyLost(f"the server closed the connection: {e.strerror}") from None
        if not chunk:
            raise ReplyLost("the server closed the connection without answering")
        end = chunk.find(b"\n")
        if end >= 0:
            chunks.append(chunk[:end])
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_REPLY:
            raise ServerError(f"the server's reply is longer than {MAX_REPLY} bytes")
