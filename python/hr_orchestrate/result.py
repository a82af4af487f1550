"""The server's answers as typed values.

A recompile's answer is the JSON line the CLI prints (orchestrator/result.h,
docs/control-protocol.md): the build, what the browser must do (``action``: ``none``, ``css``,
``js-update``, ``full-reload``) and why, what changed and was rebuilt, compile errors with their
locations, and timings in milliseconds. :func:`interpret` turns a reply into a :class:`RecompileResult`, or
raises the error it reports: :class:`ManifestError` for ``"error": "manifest"``,
:class:`ProtocolError` for ``"protocol"``, :class:`ServerError` for anything else. Fields a later
server adds are kept in ``raw``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from .errors import ManifestError, ProtocolError, ServerError


@dataclass(frozen=True)
class CompileError:
    """A compile error esbuild reported: the module's id, 1-based line, 0-based column, message."""

    file: str
    line: int
    column: int
    text: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.text}"


@dataclass(frozen=True)
class Timings:
    """Where a recompile's time went, in ms; ``total`` runs from the client's send to the push.

    ``read_ahead``: the server had read the manifest on its write, in this long (None: it read it
    in the call). ``message``: from the call until the pages were sent the update or reload (None:
    no message). ``applied``: with ``wait_applied``, until every browser applied the update;
    ``browser``: the slowest page's own time from the message to its acknowledgement.
    """

    read: float = 0.0
    plan: float = 0.0
    esbuild: float = 0.0
    push: float = 0.0
    total: float = 0.0
    read_ahead: float | None = None
    message: float | None = None
    applied: float | None = None
    browser: float | None = None


@dataclass(frozen=True)
class RecompileResult:
    """One recompile's answer."""

    build: str
    action: str
    reason: str
    changed: list[str]
    rebuilt: list[str]
    boundaries: list[str]
    errors: list[CompileError]
    clients: int
    merged: int
    acknowledged: int | None
    timings: Timings
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def exit_code(self) -> int:
        """The CLI's exit code for this answer: 0 applied or nothing to do, 1 compile errors."""
        return 1 if self.errors else 0


@dataclass(frozen=True)
class Status:
    """What a running server says of itself (``hr-orchestrate status``)."""

    url: str
    pid: int
    manifest: str
    modules: int  # built and served
    clients: int
    esbuild_pid: int
    error_standing: bool
    protocol: int
    counters: Mapping[str, int]
    # App modules not built yet: built when a page first asks for them, or in the background.
    unbuilt: int = 0
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)


def _strings(v: Any) -> list[str]:
    return [s for s in v if isinstance(s, str)] if isinstance(v, list) else []


def _number(v: Any, default: float | None = 0.0) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else default


def _int(v: Any, default: int = 0) -> int:
    return v if isinstance(v, int) and not isinstance(v, bool) else default


def raise_for_error(reply: Mapping[str, Any], client_version: int) -> None:
    """Raises the error a reply reports, if it reports one."""
    kind = reply.get("error")
    if kind is None:
        return
    reason = reply.get("reason")
    message = reason if isinstance(reason, str) and reason else str(kind)
    if kind == "manifest":
        raise ManifestError(message, reply)
    if kind == "protocol":
        server = reply.get("protocol")
        raise ProtocolError(
            message,
            reply,
            server_version=server if isinstance(server, int) else None,
            client_version=client_version,
        )
    raise ServerError(message, reply)


def interpret(reply: Mapping[str, Any], client_version: int) -> RecompileResult:
    """The result a recompile's reply describes, or the error it reports, raised."""
    raise_for_error(reply, client_version)
    if not isinstance(reply.get("action"), str):
        raise ServerError(f"the server's answer has no action: {dict(reply)}", reply)
    t = reply.get("timings") if isinstance(reply.get("timings"), dict) else {}
    timings = Timings(
        read=_number(t.get("read")) or 0.0,
        plan=_number(t.get("plan")) or 0.0,
        esbuild=_number(t.get("esbuild")) or 0.0,
        push=_number(t.get("push")) or 0.0,
        total=_number(t.get("total")) or 0.0,
        read_ahead=_number(t.get("read_ahead"), None),
        message=_number(t.get("message"), None),
        applied=_number(t.get("applied"), None),
        browser=_number(t.get("browser"), None),
    )
    errors = [
        CompileError(
            str(e.get("file", "")),
            _int(e.get("line")),
            _int(e.get("column")),
            str(e.get("text", "")),
        )
        for e in reply.get("errors") or []
        if isinstance(e, dict)
    ]
    acknowledged = reply.get("acknowledged")
    return RecompileResult(
        build=str(reply.get("build", "")),
        action=reply["action"],
        reason=str(reply.get("reason", "")),
        changed=_strings(reply.get("changed")),
        rebuilt=_strings(reply.get("rebuilt")),
        boundaries=_strings(reply.get("boundaries")),
        errors=errors,
        clients=_int(reply.get("clients")),
        merged=_int(reply.get("merged"), 1),
        acknowledged=acknowledged if isinstance(acknowledged, int) else None,
        timings=timings,
        raw=dict(reply),
    )


def status_of(reply: Mapping[str, Any], client_version: int) -> Status:
    """The Status a status reply describes."""
    raise_for_error(reply, client_version)
    counters = reply.get("counters") if isinstance(reply.get("counters"), dict) else {}
    return Status(
        url=str(reply.get("url", "")),
        pid=_int(reply.get("pid")),
        manifest=str(reply.get("manifest", "")),
        modules=_int(reply.get("modules")),
        clients=_int(reply.get("clients")),
        esbuild_pid=_int(reply.get("esbuild_pid")),
        error_standing=bool(reply.get("error_standing", False)),
        protocol=_int(reply.get("protocol"), 1),  # servers before versioning spoke version 1
        counters={k: v for k, v in counters.items() if isinstance(v, int)},
        unbuilt=_int(reply.get("unbuilt")),
        raw=dict(reply),
    )
