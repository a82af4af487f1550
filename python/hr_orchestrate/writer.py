"""The manifest writer: the compiler declares its modules, the writer puts them on disk.

After every recompile the compiler declares every module of the app with
:meth:`ManifestWriter.module` and calls :meth:`ManifestWriter.write`, which

- writes a module's file only when its bytes differ from the file's, so an identical recompile
  writes no file and the server sees nothing to do;
- hashes each module (the manifest's ``hash``) and lists in ``changed`` the modules whose hash is
  not the last write's (new modules included, and any whose file no longer held its bytes) and in
  ``removed`` the modules the last write had and this one has not, then deletes their files
  (``delete_removed``);
- replaces ``manifest.json`` atomically (files.py), after writing the module files and before
  deleting the removed ones, so every file the new manifest names is there when it appears, and
  a reader of the old one still finds the files it names.

When nothing changed (no module's hash, no module's fields, no setting, nothing removed) the
manifest is not rewritten either: it keeps its build id, and the next call answers ``none`` for it.

The last write is derived from the manifest on disk (previous.py) when the writer starts and
whenever the manifest is no longer the file it wrote (one stat per write tells), so hints stay
right across a restart of the compiler, and each module file is then read once to check it holds
its bytes. In between, what it wrote is remembered and its module files are trusted to still hold
it: the compiler owns the folder. ``check_files=True`` also stats every module file at each write
(one stat per module: about 10 ms at 2,000 modules on a busy machine) and checks the bytes of a
file whose stamp moved, to notice files changed behind the writer's back.
Not thread-safe: one writer per app, used from one thread.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from .files import content_hash, holds, remove_file, stamp_of, write_atomic
from .modules import Module, make_module, module_json
from .previous import HINT_FIELDS, Known, Previous, read_previous


@dataclass(frozen=True)
class Hints:
    """What one write did: the manifest's ``changed`` and ``removed`` hints, the build id the
    manifest on disk carries, whether the manifest was replaced, and the module files written."""

    changed: list[str]
    removed: list[str]
    build: str
    written: bool
    files_written: list[str]


class ManifestWriter:
    """Writes one app's modules and its manifest (``root/manifest.json``).

    The settings (``entries``, ``alias``, ``extensions``, ``html``, ``public``, ``backend``,
    ``ignore``, ``extra``: top-level fields for the manifest, e.g. a later version's) are
    attributes, read at each write. ``entries`` left None are the modules declared with kind
    ``"entry"``.
    """

    def __init__(
        self,
        root: str | Path,
        *,
        manifest: str = "manifest.json",
        entries: Sequence[str] | None = None,
        alias: Mapping[str, str] | None = None,
        extensions: Sequence[str] | None = None,
        html: str | None = None,
        public: str | None = None,
        backend: str | None = None,
        ignore: Sequence[str] | None = None,
        extra: Mapping[str, Any] | None = None,
        delete_removed: bool = True,
        check_files: bool = False,
        durable: bool = False,
    ) -> None:
        self.root = Path(root)
        self._root = os.fspath(self.root)
        if "/" in manifest or manifest in ("", ".", ".."):
            raise ValueError(f"manifest must be a file name in the app root, got {manifest!r}")
        self.manifest_path = self.root / manifest
        self._manifest_name = manifest
        self.entries = entries
        self.alias = alias
        self.extensions = extensions
        self.html = html
        self.public = public
        self.backend = backend
        self.ignore = ignore
        self.extra = extra
        self.delete_removed = delete_removed
        self.check_files = check_files
        self.durable = durable
        self._declared: dict[str, Module] = {}
        self._last: Previous | None = None

    def module(
        self,
        id: str,
        text: str | bytes,
        *,
        kind: str = "module",
        route: str | None = None,
        imports: Iterable[str] = (),
        accept: bool | None = None,
    ) -> None:
        """Declares one module of this recompile (ValueError for an invalid or repeated id)."""
        m = make_module(
            id,
            text,
            kind=kind,
            route=route,
            imports=imports,
            accept=accept,
            manifest_name=self._manifest_name,
        )
        if id in self._declared:
            raise ValueError(f"module {id!r} declared twice in one recompile")
        self._declared[id] = m

    def write(self, *, build: str | None = None) -> Hints:
        """Writes this recompile (every module declared since the last write) and its manifest.

        ``build``: the build id; by default the last one plus one (a write that changes nothing
        writes no manifest, so it keeps the last id, whatever ``build`` says). The declarations are
        cleared, also when writing fails (the next recompile declares every module again).
        """
        declared, self._declared = self._declared, {}
        prev = self._previous()
        settings = self._settings(declared)
        current: dict[str, Known] = {}
        changed: list[str] = []
        written: list[str] = []
        for m in declared.values():
            known, is_changed, was_written = self._put(m, prev.modules.get(m.id))
            current[m.id] = known
            if is_changed:
                changed.append(m.id)
            if was_written:
                written.append(m.id)
        removed = [i for i in prev.modules if i not in current]
        same = (
            not changed
            and not removed
            and settings == prev.settings
            and list(current) == list(prev.modules)
            and all(
                k.fields is prev.modules[i].fields or k.fields == prev.modules[i].fields
                for i, k in current.items()
            )
        )
        if same and prev.build is not None:
            self._last = Previous(current, settings, prev.build, prev.manifest_stamp)
            return Hints([], [], prev.build, False, written)
        build_id = build if build is not None else _next_build(prev.build)
        self._write_manifest(build_id, settings, changed, removed, current)
        if self.delete_removed:
            for i in removed:
                remove_file(os.path.join(self._root, i))
        self._last = Previous(current, settings, build_id, stamp_of(self.manifest_path))
        return Hints(changed, removed, build_id, True, written)

    # The last write: remembered while the manifest on disk is the file we wrote.
    def _previous(self) -> Previous:
        if self._last is not None and stamp_of(self.manifest_path) == self._last.manifest_stamp:
            return self._last
        self._last = read_previous(self.manifest_path)
        return self._last

    def _put(self, m: Module, known: Known | None) -> tuple[Known, bool, bool]:
        """Writes one module's file if needed: its new state, whether it changed, was written."""
        path = self._root + "/" + m.id  # ids are checked: relative, '/'-separated, no '..'
        if known is not None and known.data is not None and known.hash and known.data == m.data:
            h = known.hash  # the same bytes as last time: no need to hash them again
        else:
            h = content_hash(m.data)
        same_hash = known is not None and known.hash == h
        if (
            same_hash
            and known is not None
            and known.stamp is not None
            and (not self.check_files or stamp_of(path) == known.stamp)
        ):
            on_disk, stamp = True, known.stamp  # written or checked by us, and not touched since
        else:
            stamp = stamp_of(path)
            on_disk = holds(path, m.data)
        if not on_disk:
            write_atomic(path, m.data, durable=self.durable)
            stamp = stamp_of(path)
        # Without a hash of its own, the last write's module is compared by its bytes on disk.
        changed = known is None or not on_disk or (known.hash is not None and not same_hash)
        key = m.key(h)
        if known is not None and known.key == key and known.text is not None:
            fields, text = known.fields, known.text
        else:
            fields = m.manifest_fields(h)
            text = module_json(fields)
        return Known(h, fields, stamp, m.data, text, key), changed, not on_disk

    def _settings(self, declared: Mapping[str, Module]) -> dict[str, Any]:
        s: dict[str, Any] = {"version": 1}
        if self.html is not None:
            s["html"] = self.html
        if self.public is not None:
            s["public"] = self.public
        entries = (
            list(self.entries)
            if self.entries is not None
            else [m.id for m in declared.values() if m.kind == "entry"]
        )
        unknown = [e for e in entries if e not in declared]
        if unknown:
            raise ValueError(f"entries name modules not declared in this recompile: {unknown}")
        s["entries"] = entries
        resolve: dict[str, Any] = {}
        if self.alias is not None:
            resolve["alias"] = dict(self.alias)
        if self.extensions is not None:
            resolve["extensions"] = list(self.extensions)
        if resolve:
            s["resolve"] = resolve
        if self.ignore is not None:
            s["ignore"] = list(self.ignore)
        if self.backend is not None:
            s["backend"] = self.backend
        for k, v in (self.extra or {}).items():
            if k in s or k in HINT_FIELDS or k in ("modules", "version"):
                raise ValueError(f"extra field {k!r} is one the writer writes itself")
            s[k] = v
        return s

    def _write_manifest(
        self,
        build: str,
        settings: Mapping[str, Any],
        changed: list[str],
        removed: list[str],
        modules: Mapping[str, Known],
    ) -> None:
        head = {"version": 1, "build": build, **settings, "changed": changed, "removed": removed}
        text = json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1]
        body = ",".join(
            k.text if k.text is not None else module_json(k.fields) for k in modules.values()
        )
        data = f'{text},"modules":[{body}]}}\n'.encode("utf-8")
        write_atomic(self.manifest_path, data, durable=self.durable)


def _next_build(last: str | None) -> str:
    return str(int(last) + 1) if last is not None and last.isdigit() else "1"
