"""What the writer does to the disk: nothing at all for an identical recompile, one file for a
one-module edit, and a manifest that a reader in another process never catches half-written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest

from hr_orchestrate import ManifestWriter

MODULES = {
    f"app/c{i}/comp{i}.jsx": f"export default function C{i}() {{ return {i}; }}\n"
    for i in range(40)
}


def declare(w: ManifestWriter, edits: dict[str, str] | None = None) -> None:
    for i, text in MODULES.items():
        w.module(i, (edits or {}).get(i, text), kind="component")


def snapshot(root: Path) -> dict[str, tuple[int, int, int, int]]:
    """Every file under root with its inode, size, mtime and ctime (ns)."""
    out = {}
    for folder, _, files in os.walk(root):
        for f in files:
            st = os.stat(os.path.join(folder, f))
            out[os.path.relpath(os.path.join(folder, f), root)] = (
                st.st_ino,
                st.st_size,
                st.st_mtime_ns,
                st.st_ctime_ns,
            )
    return out


@pytest.fixture
def write_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Records every call that could change the disk (os.open for writing, replace, unlink, rename)."""
    calls: list[str] = []
    real_open, real_replace, real_unlink, real_rename = os.open, os.replace, os.unlink, os.rename

    def open_(path, flags, *a, **k):  # type: ignore[no-untyped-def]
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC):
            calls.append(f"open {path}")
        return real_open(path, flags, *a, **k)

    monkeypatch.setattr(os, "open", open_)
    monkeypatch.setattr(
        os, "replace", lambda a, b, **k: (calls.append(f"replace {b}"), real_replace(a, b, **k))[1]
    )
    monkeypatch.setattr(
        os, "unlink", lambda p, **k: (calls.append(f"unlink {p}"), real_unlink(p, **k))[1]
    )
    monkeypatch.setattr(
        os, "rename", lambda a, b, **k: (calls.append(f"rename {b}"), real_rename(a, b, **k))[1]
    )
    yield calls


@pytest.mark.parametrize("restart", [False, True])
@pytest.mark.parametrize("check_files", [True, False])
def test_an_identical_recompile_writes_no_file(
    tmp_path: Path, write_calls: list[str], restart: bool, check_files: bool
) -> None:
    w = ManifestWriter(tmp_path, check_files=check_files)
    declare(w)
    first = w.write()
    assert first.written and len(first.files_written) == len(MODULES)
    before = snapshot(tmp_path)
    write_calls.clear()
    time.sleep(0.02)  # past a timestamp tick, so a rewrite with the same bytes would show in mtime
    if restart:
        w = ManifestWriter(tmp_path, check_files=check_files)
    declare(w)
    hints = w.write()
    assert (hints.changed, hints.removed, hints.written, hints.files_written) == ([], [], False, [])
    assert hints.build == first.build
    assert write_calls == []
    assert snapshot(tmp_path) == before


def test_a_one_module_edit_writes_that_file_and_the_manifest_only(
    tmp_path: Path, write_calls: list[str]
) -> None:
    w = ManifestWriter(tmp_path)
    declare(w)
    w.write()
    before = snapshot(tmp_path)
    write_calls.clear()
    time.sleep(0.02)
    edited = "app/c7/comp7.jsx"
    declare(w, {edited: "export default function C7() { return 'edited'; }\n"})
    hints = w.write()
    assert hints.changed == [edited] and hints.files_written == [edited]
    after = snapshot(tmp_path)
    assert set(after) == set(before)
    moved = sorted(f for f in after if after[f] != before[f])
    assert moved == sorted([edited, "manifest.json"])
    assert [c.split(" ", 1)[0] for c in write_calls] == ["open", "replace", "open", "replace"]


READER = r"""
import json, os, sys, time
manifest, stop = sys.argv[1], sys.argv[2]
reads, builds, bad = 0, set(), []
deadline = time.monotonic() + 60
while not os.path.exists(stop) and time.monotonic() < deadline:
    try:
        with open(manifest, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        continue
    reads += 1
    try:
        m = json.loads(data)
        assert m["version"] == 1 and len(m["modules"]) == int(m["count"]), "modules missing"
        assert len(m["padding"]) in (0, 200000), "padding cut"
        builds.add(m["build"])
    except Exception as e:
        bad.append(f"{type(e).__name__}: {e} ({len(data)} bytes)")
print(json.dumps({"reads": reads, "builds": len(builds), "bad": bad[:5], "bad_count": len(bad)}))
"""


def test_a_concurrent_reader_never_sees_a_partial_manifest(tmp_path: Path) -> None:
    w = ManifestWriter(tmp_path)
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(w.manifest_path), str(stop)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        # Manifests of very different sizes (30 KB to 230 KB, modules dropped and back): a torn
        # read of one would not parse, or would miss modules. Dropped modules keep their files, so
        # the rounds cost manifest writes, not module writes.
        w.delete_removed = False
        for round_ in range(120):
            count = 300 if round_ % 2 else 200
            w.extra = {"count": count, "padding": "x" * 200000 if round_ % 3 == 0 else ""}
            for i in range(count):
                w.module(f"m/{i}.js", f"// {i} {round_ if i == 0 else ''}")
            assert w.write().written
    finally:
        stop.touch()
        out, _ = reader.communicate(timeout=90)
    summary = json.loads(out)
    assert summary["bad_count"] == 0, summary["bad"]
    # The reader must have raced the writer, or the property was not tested.
    assert summary["reads"] >= 50 and summary["builds"] >= 5, summary
