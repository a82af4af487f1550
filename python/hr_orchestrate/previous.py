"""What the last write left on disk, which the next write's hints are computed against.

A compiler process may restart between two recompiles (a crash, a reload of the framework), so
the writer's memory of its last write is only a cache: the truth is the manifest on disk. Read
back, it gives each module's hash and the manifest's settings; the module files are not read
here (the writer reads a file only when it must decide whether to rewrite it). A manifest that is
missing, unreadable or not version 1 gives an empty state: every module then counts as new, and
the files that already hold the right bytes are still left untouched.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .files import Stamp

# Per-recompile fields: they differ at every write and never make one necessary.
HINT_FIELDS = ("build", "changed", "removed")


@dataclass
class Known:
    """A module of the last write: its hash and manifest fields; when this process wrote or checked
    the file, the file's stamp then, and its bytes and manifest text (to skip hashing and
    serializing it again)."""

    hash: str | None
    fields: dict[str, Any]
    stamp: Stamp | None = None
    data: bytes | None = None
    text: str | None = None
    key: tuple[Any, ...] | None = None  # what the fields were made from (Module.key)


@dataclass
class Previous:
    """The last write: its modules in manifest order, the manifest's fields other than hints and
    modules, its build id, and the manifest's stamp when it was read or written."""

    modules: dict[str, Known] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    build: str | None = None
    manifest_stamp: Stamp | None = None


def read_previous(manifest: Path) -> Previous:
    """The state the manifest on disk describes; empty when there is none to trust."""
    stamp = None
    try:
        # The stamp of the very file read: a replacement meanwhile shows at the next write.
        with open(manifest, "rb") as f:
            st = os.fstat(f.fileno())
            stamp = Stamp(st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
            doc = json.loads(f.read())
    except (OSError, ValueError):
        return Previous(manifest_stamp=stamp)
    if (
        not isinstance(doc, dict)
        or doc.get("version") != 1
        or not isinstance(doc.get("modules"), list)
    ):
        return Previous(manifest_stamp=stamp)
    prev = Previous(manifest_stamp=stamp)
    for m in doc["modules"]:
        if not isinstance(m, dict) or not isinstance(m.get("id"), str) or m["id"] in prev.modules:
            return Previous(manifest_stamp=stamp)
        h = m.get("hash")
        prev.modules[m["id"]] = Known(hash=h if isinstance(h, str) else None, fields=m)
    prev.settings = {k: v for k, v in doc.items() if k not in HINT_FIELDS and k != "modules"}
    build = doc.get("build")
    prev.build = build if isinstance(build, str) else None
    return prev
