"""Starting the server the way the CLI does: by running the CLI.

When no server answers, the client runs the compiler's call of the ``hr-orchestrate`` binary
once. That call starts the background server exactly as the CLI always does (one start for calls
at once, a lock file, a stale socket taken over, nothing of ours inherited by the server: see
orchestrator/server_start.h), hands it the manifest and prints the answer, which the client
returns; later calls go straight to the socket. The server's settings (port, host, backend,
esbuild, log level, allowed hosts) only matter here, at a start.

The binary is the first of: the ``binary`` argument, ``$HR_ORCHESTRATE``, ``hr-orchestrate`` on
PATH, the checkout's ``build/release/orchestrator/hr-orchestrate``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from .errors import ServerError

CHECKOUT_BINARY = (
    Path(__file__).resolve().parents[2] / "build" / "release" / "orchestrator" / "hr-orchestrate"
)


def find_binary(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The hr-orchestrate binary to run, or ServerError saying where it was looked for."""
    candidates: list[tuple[str, str | None]] = [
        ("binary=", os.fspath(explicit) if explicit is not None else None),
        ("$HR_ORCHESTRATE", os.environ.get("HR_ORCHESTRATE") or None),
        ("PATH", shutil.which("hr-orchestrate")),
        ("checkout", str(CHECKOUT_BINARY)),
    ]
    for source, path in candidates:
        if path is None:
            continue
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return Path(path)
        if source in ("binary=", "$HR_ORCHESTRATE"):  # asked for by name: no silent fallback
            raise ServerError(f"{source} names {path}, which is not an executable file")
    raise ServerError(
        "cannot find the hr-orchestrate binary: pass binary=, set $HR_ORCHESTRATE, put it on PATH, "
        f"or build the checkout ({CHECKOUT_BINARY})"
    )


@dataclass(frozen=True)
class ServerOptions:
    """How a server is started (the CLI's flags of the same names)."""

    port: int = 3000
    host: str = "127.0.0.1"
    backend: str | None = None
    esbuild: str | None = None
    allow_hosts: Sequence[str] = ()
    log_level: str = "info"

    def args(self) -> list[str]:
        a = ["--port", str(self.port), "--host", self.host, "--log-level", self.log_level]
        if self.backend is not None:
            a += ["--backend", self.backend]
        if self.esbuild is not None:
            a += ["--esbuild", self.esbuild]
        for h in self.allow_hosts:
            a += ["--allow-host", h]
        return a


@dataclass(frozen=True)
class CliAnswer:
    """What one run of the compiler's call printed: its exit code, JSON line and stderr."""

    code: int
    reply: dict[str, Any] | None
    stderr: str


def run_compiler_call(
    binary: Path, manifest: Path, options: ServerOptions, wait_applied: int | None, timeout: float
) -> CliAnswer:
    """Runs ``hr-orchestrate --manifest M ...`` once; ServerError if it cannot run or hangs."""
    argv = [str(binary), "--manifest", str(manifest), *options.args()]
    if wait_applied is not None:
        argv.append(f"--wait-applied={int(wait_applied)}")
    try:
        done = subprocess.run(
            argv,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ServerError(f"{binary} did not finish within {timeout:g} s") from None
    except OSError as e:
        raise ServerError(f"cannot run {binary}: {e}") from None
    lines = done.stdout.strip().splitlines()
    reply: dict[str, Any] | None = None
    if lines:
        try:
            value = json.loads(lines[-1])
            reply = value if isinstance(value, dict) else None
        except ValueError:
            reply = None
    return CliAnswer(done.returncode, reply, done.stderr)
