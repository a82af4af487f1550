"""The compiler's client of one app's server: recompile, status, stop.

``Client(".web/manifest.json").recompile()`` is the CLI's compiler call without a process: it
sends the request over the control socket (protocol.py) and returns the answer typed
(result.py). Only when no server answers does it run the CLI once (launcher.py), which starts the
background server and answers that first call; a server killed between calls is found gone the
same way (its socket refuses) and started again, and a server that dies during a call (the
connection closes unanswered) is handed to the CLI too, which starts a new one and asks once
more, as cli.cc's run_recompile does.

Timeouts: a recompile waits for its answer up to ``timeout`` seconds (default 300, the CLI's 5
minutes; a cold start of a large app takes a while), status and stop up to 10 s.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from pathlib import Path
from typing import Sequence

from .errors import ServerError
from .launcher import ServerOptions, find_binary, run_compiler_call
from .protocol import (
    PROTOCOL_VERSION,
    NoServer,
    ReplyLost,
    call,
    command_request,
    recompile_request,
    socket_path,
)
from .result import RecompileResult, Status, interpret, status_of

log = logging.getLogger("hr_orchestrate")

_COMMAND_TIMEOUT = 10.0
_POLL = 0.02


class Client:
    """Talks to the server of the app whose manifest is ``manifest``, starting it when needed.

    ``binary``: the hr-orchestrate binary (see launcher.find_binary); ``port``, ``host``,
    ``backend``, ``esbuild``, ``allow_hosts``, ``log_level``: the server's settings when this client
    starts it. ``protocol``: the control protocol version requests carry (a test of the server's
    version check may set another).
    """

    def __init__(
        self,
        manifest: str | os.PathLike[str],
        *,
        binary: str | os.PathLike[str] | None = None,
        port: int = 3000,
        host: str = "127.0.0.1",
        backend: str | None = None,
        esbuild: str | None = None,
        allow_hosts: Sequence[str] = (),
        log_level: str = "info",
        timeout: float = 300.0,
        protocol: int = PROTOCOL_VERSION,
    ) -> None:
        # The CLI's own normalization (absolute, lexically normal), so both find the same socket.
        self.manifest = Path(os.path.normpath(os.path.abspath(manifest)))
        self.socket_path = socket_path(self.manifest)
        self.options = ServerOptions(port, host, backend, esbuild, tuple(allow_hosts), log_level)
        self.binary = binary
        self.timeout = timeout
        self.protocol = protocol

    def recompile(self, wait_applied: int | None = None) -> RecompileResult:
        """Hands the server the manifest as it is on disk and returns what it did.

        ``wait_applied``: also wait up to this many ms until every connected browser applied the
        update (``timings.applied``), as the CLI's ``--wait-applied=MS``. Raises ManifestError
        when the manifest is refused, ServerError when the server failed.
        """
        if wait_applied is not None and (isinstance(wait_applied, bool) or int(wait_applied) < 0):
            raise ValueError(
                f"wait_applied must be a number of ms >= 0 or None, got {wait_applied!r}"
            )
        request = recompile_request(self.manifest, wait_applied, self.protocol)
        try:
            reply = call(self.socket_path, request, self.timeout)
        except (NoServer, ReplyLost) as gone:
            return self._through_cli(wait_applied, str(gone))
        return interpret(reply, self.protocol)

    def status(self) -> Status | None:
        """The running server's status, or None when no server runs for this app."""
        try:
            reply = call(
                self.socket_path, command_request("status", self.protocol), _COMMAND_TIMEOUT
            )
        except (NoServer, ReplyLost):
            return None
        return status_of(reply, self.protocol)

    def stop(self) -> bool:
        """Stops the running server and waits (bounded) until it is gone; False when none ran."""
        try:
            call(self.socket_path, command_request("stop", self.protocol), _COMMAND_TIMEOUT)
        except NoServer:
            return False
        except ReplyLost:
            pass  # on its way out already
        deadline = time.monotonic() + 5.0
        while self._answers() and time.monotonic() < deadline:
            time.sleep(_POLL)
        self._wait_for_dying_server()
        return True

    def _through_cli(self, wait_applied: int | None, why: str) -> RecompileResult:
        binary = find_binary(self.binary)
        log.info("%s; running %s to start the server", why, binary)
        # The CLI's own wait for the answer is its 5 minutes, a start's up to 2 more.
        answer = run_compiler_call(
            binary, self.manifest, self.options, wait_applied, self.timeout + 150
        )
        for line in answer.stderr.splitlines():
            log.info("%s", line)
        if answer.reply is None:
            tail = answer.stderr.strip()[-2000:]
            raise ServerError(f"{binary} exited {answer.code} without an answer: {tail}")
        # The CLI spoke its own version (the one this package ships with).
        return interpret(answer.reply, PROTOCOL_VERSION)

    def _answers(self) -> bool:
        try:
            call(self.socket_path, command_request("status", self.protocol), 1.0)
            return True
        except (NoServer, ReplyLost, ServerError):
            return False

    # A stopped server may hold .hr/server.lock a moment after its socket closed, and a server
    # started meanwhile would find it held and exit (server_start.h, wait_for_dying_server).
    def _wait_for_dying_server(self) -> None:
        lock = self.socket_path.parent / "server.lock"
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CLOEXEC)
        except OSError:
            return
        try:
            deadline = time.monotonic() + 10.0
            while time.monotonic() < deadline:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return
                except BlockingIOError:
                    time.sleep(_POLL)
        finally:
            os.close(fd)
