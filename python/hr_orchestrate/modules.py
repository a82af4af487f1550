"""One module as the compiler declares it, checked as the manifest contract requires.

A module is a file of the app (``id``: its path relative to the app root, ``/``-separated) with
its bytes and what the server plans updates with: its ``kind``, the ``route`` of a page, the app
modules it ``imports`` and whether it ``accept``s updates on its own (manifest-v1.md, Module).
Mistakes the server would refuse are caught here, at the compiler's call that made them, as
ValueError: an id that is absolute, has ``..`` or empty segments, a backslash, or lands on the
manifest or the server's state folder (``.hr``); an unknown kind.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any, Iterable

KINDS = ("entry", "page", "component", "module", "style", "asset")
STATE_FOLDER = ".hr"  # the server's: control socket, log, locks (orchestrator/server_start.h)


@dataclass(frozen=True)
class Module:
    """A module of one recompile: its manifest fields and its bytes."""

    id: str
    data: bytes
    kind: str = "module"
    route: str | None = None
    imports: tuple[str, ...] = ()
    accept: bool | None = None

    def key(self, hash_: str) -> tuple[Any, ...]:
        """Everything the module's manifest object is made of: equal keys, equal objects."""
        return (self.kind, self.route, self.imports, self.accept, hash_)

    def manifest_fields(self, hash_: str) -> dict[str, Any]:
        """The module's object in the manifest; fields left at their defaults are not written."""
        fields: dict[str, Any] = {"id": self.id, "kind": self.kind}
        if self.route is not None:
            fields["route"] = self.route
        fields["hash"] = hash_
        fields["imports"] = list(self.imports)
        if self.accept is not None:
            fields["accept"] = self.accept
        return fields


# Cached: a compiler declares the same ids at every recompile (only valid ids are cached).
@functools.lru_cache(maxsize=1 << 16)
def check_id(module_id: str, manifest_name: str) -> None:
    """Raises ValueError unless ``module_id`` is a valid, safe module id."""
    if not isinstance(module_id, str) or not module_id:
        raise ValueError(f"module id must be a non-empty string, got {module_id!r}")
    if module_id.startswith("/") or "\\" in module_id or "\0" in module_id:
        raise ValueError(f"module id {module_id!r}: must be relative, '/'-separated, without NUL")
    parts = module_id.split("/")
    if any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"module id {module_id!r}: no empty, '.' or '..' segments")
    if parts[0] == STATE_FOLDER or module_id == manifest_name:
        raise ValueError(
            f"module id {module_id!r}: names the manifest or the server's state folder"
        )


def make_module(
    module_id: str,
    text: str | bytes,
    *,
    kind: str,
    route: str | None,
    imports: Iterable[str],
    accept: bool | None,
    manifest_name: str,
) -> Module:
    """Checks a declaration and makes its Module (text is written as UTF-8)."""
    if not isinstance(module_id, str):
        raise TypeError(f"module id must be a string, got {type(module_id).__name__}")
    check_id(module_id, manifest_name)
    if kind not in KINDS:
        raise ValueError(
            f"module {module_id!r}: kind must be one of {', '.join(KINDS)}, got {kind!r}"
        )
    if isinstance(text, str):
        data = text.encode("utf-8")
    elif isinstance(text, (bytes, bytearray, memoryview)):
        data = bytes(text)
    else:
        raise TypeError(
            f"module {module_id!r}: text must be str or bytes, got {type(text).__name__}"
        )
    if isinstance(imports, str):
        raise TypeError(f"module {module_id!r}: imports must be a list of ids, not one string")
    listed = tuple(imports)
    for imported in listed:
        if not isinstance(imported, str):
            raise TypeError(f"module {module_id!r}: imports must be ids (strings)")
        check_id(imported, manifest_name)
    if route is not None and not isinstance(route, str):
        raise TypeError(f"module {module_id!r}: route must be a string")
    if accept is not None and not isinstance(accept, bool):
        raise TypeError(f"module {module_id!r}: accept must be a bool")
    return Module(module_id, data, kind, route, listed, accept)


def module_json(fields: dict[str, Any]) -> str:
    """A module object's text in the manifest: compact, fields in a fixed order.

    The same module gives the same bytes at every write, which lets the server's incremental
    reader take unchanged modules over without parsing them (graph/manifest.h).
    """
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
