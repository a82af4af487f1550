"""The exceptions a compiler catches.

Every failure the server reports arrives as one of two kinds, so a compiler can tell its own
mistake from the tool's: :class:`ManifestError` when the manifest was refused (the CLI's exit 2,
``"error": "manifest"``; the last good build keeps serving) and :class:`ServerError` when the
server could not do the work (exit 3, ``"error": "server"``: it could not start, died and could not
be started again, did not answer in time, or answered something unreadable).
:class:`ProtocolError` is the server failure of a server that speaks another control protocol
version (docs/control-protocol.md). Each carries the server's own message as ``reason`` and, when
there was one, the reply it came in as ``reply``.
"""

from __future__ import annotations

from typing import Any, Mapping


class HrError(Exception):
    """Base of the errors hr_orchestrate raises for the server's answers."""

    def __init__(self, reason: str, reply: Mapping[str, Any] | None = None) -> None:
        super().__init__(reason)
        self.reason: str = reason
        self.reply: Mapping[str, Any] | None = reply


class ManifestError(HrError):
    """The server refused the manifest; ``reason`` names the field (a JSON pointer) at fault."""


class ServerError(HrError):
    """The server failed: it could not start, died and could not be restarted, or did not answer."""


class ProtocolError(ServerError):
    """The server speaks another control protocol version than this client."""

    def __init__(
        self,
        reason: str,
        reply: Mapping[str, Any] | None = None,
        *,
        server_version: int | None = None,
        client_version: int | None = None,
    ) -> None:
        super().__init__(reason, reply)
        self.server_version = server_version
        self.client_version = client_version
