"""The writer's hints against a brute-force diff, over random recompiles of random module sets.

Each round the "compiler" adds, removes, edits (sometimes with the same text), re-kinds and
reorders modules, sometimes restarts (a new writer that knows only the manifest on disk) and
sometimes a file is edited behind the writer's back. The expected hints are computed the slow way,
from what the last manifest named and what is on disk; the disk is then checked against what was
declared.
"""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

import pytest

from hr_orchestrate import ManifestWriter

POOL = (
    [f"app/m{i}.jsx" for i in range(12)]
    + [f"lib/deep/n{i}.js" for i in range(10)]
    + [f"s{i}.css" for i in range(6)]
)
KINDS = ["module", "component", "page", "style", "asset"]


def random_text(rng: random.Random) -> str:
    # A tiny alphabet and short lengths: equal texts, and edits back to an earlier text, are common.
    return "".join(rng.choice("ab\né") for _ in range(rng.randint(0, 6)))


def read_manifest(root: Path) -> dict:
    return json.loads((root / "manifest.json").read_text("utf-8"))


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("check_files", [True, False])
def test_hints_match_a_brute_force_diff(tmp_path: Path, seed: int, check_files: bool) -> None:
    rng = random.Random(seed)
    root = tmp_path / "web"
    writer = ManifestWriter(root, check_files=check_files)
    named: dict[str, bytes] = {}  # what the last manifest named: id -> the bytes declared then
    kinds: dict[str, str] = {}
    order: list[str] = []
    writes = skips = restarts = tampers = 0
    for _ in range(120):
        if rng.random() < 0.1:
            writer = ManifestWriter(root, check_files=check_files)
            restarts += 1
        tampered = None
        # Files edited behind the writer's back are noticed with check_files only (or at a restart).
        if check_files and named and rng.random() < 0.08:
            tampered = rng.choice(sorted(named))
            with open(root / tampered, "ab") as f:  # grows the file: its stamp moves
                f.write(b"//tampered")
            tampers += 1
        declared: dict[str, str] = {}
        new_kinds: dict[str, str] = {}
        identical = rng.random() < 0.15  # the commonest recompile: nothing changed
        for i in order if identical else POOL:
            present = i in named
            if identical:
                declared[i], new_kinds[i] = named[i].decode("utf-8"), kinds[i]
            elif (present and rng.random() < 0.85) or (not present and rng.random() < 0.2):
                old = named.get(i, b"").decode("utf-8")
                declared[i] = random_text(rng) if not present or rng.random() < 0.4 else old
                new_kinds[i] = kinds.get(i, "module") if rng.random() < 0.9 else rng.choice(KINDS)
        ids = list(declared)
        if not identical and rng.random() < 0.2:
            rng.shuffle(ids)
        for i in ids:
            writer.module(i, declared[i], kind=new_kinds[i])
        first_write = not (root / "manifest.json").exists()
        hints = writer.write()

        on_disk_before = {i: named[i] + (b"//tampered" if i == tampered else b"") for i in named}
        expected_changed = [
            i
            for i in ids
            if i not in named
            or named[i] != declared[i].encode()
            or on_disk_before[i] != declared[i].encode()
        ]
        expected_removed = [i for i in order if i not in declared]
        expected_written = bool(
            first_write
            or expected_changed
            or expected_removed
            or ids != order
            or any(new_kinds[i] != kinds[i] for i in ids)
        )
        assert hints.changed == expected_changed
        assert hints.removed == expected_removed
        assert hints.written == expected_written
        writes += hints.written
        skips += not hints.written

        m = read_manifest(root)
        assert [x["id"] for x in m["modules"]] == ids
        assert [x["kind"] for x in m["modules"]] == [new_kinds[i] for i in ids]
        for x in m["modules"]:
            data = (root / x["id"]).read_bytes()
            assert data == declared[x["id"]].encode()
            assert x["hash"] == hashlib.blake2b(data, digest_size=16).hexdigest()
        if hints.written:
            assert m["changed"] == hints.changed and m["removed"] == hints.removed
            assert m["build"] == hints.build
        for i in expected_removed:
            assert not (root / i).exists(), f"{i} was removed but its file is still there"
        named = {i: declared[i].encode() for i in ids}
        kinds, order = new_kinds, ids
    # The rounds must have exercised every path, or the property says little.
    assert writes > 20 and skips > 3 and restarts > 3 and (tampers > 3 or not check_files), (
        writes,
        skips,
        restarts,
        tampers,
    )


def test_a_restarted_writer_takes_its_hints_from_the_manifest_on_disk(tmp_path: Path) -> None:
    first = ManifestWriter(tmp_path)
    for i in ("a.js", "b.js", "c.js"):
        first.module(i, f"// {i}")
    assert first.write().build == "1"
    again = ManifestWriter(tmp_path)  # a new compiler process
    again.module("a.js", "// a.js")
    again.module("b.js", "// b.js edited")
    again.module("d.js", "// d.js")
    hints = again.write()
    assert hints.changed == ["b.js", "d.js"]
    assert hints.removed == ["c.js"]
    assert hints.build == "2"
    assert hints.files_written == ["b.js", "d.js"]


def test_a_manifest_it_cannot_trust_makes_every_module_new_but_rewrites_no_identical_file(
    tmp_path: Path,
) -> None:
    (tmp_path / "a.js").write_text("same")
    (tmp_path / "manifest.json").write_text('{"version": 1, "modules": [')  # cut short
    w = ManifestWriter(tmp_path)
    w.module("a.js", "same")
    w.module("b.js", "new")
    hints = w.write()
    assert hints.changed == ["a.js", "b.js"]
    assert hints.files_written == ["b.js"]
    assert read_manifest(tmp_path)["entries"] == []


def test_a_hashless_manifest_is_compared_by_the_bytes_on_disk(tmp_path: Path) -> None:
    (tmp_path / "a.js").write_text("kept")
    (tmp_path / "b.js").write_text("old")
    modules = [{"id": "a.js"}, {"id": "b.js"}]
    (tmp_path / "manifest.json").write_text(
        json.dumps({"version": 1, "build": "7", "entries": [], "modules": modules})
    )
    w = ManifestWriter(tmp_path)
    w.module("a.js", "kept")
    w.module("b.js", "new")
    hints = w.write()
    assert hints.changed == ["b.js"]
    assert hints.build == "8"


def test_settings_entries_and_build_ids(tmp_path: Path) -> None:
    w = ManifestWriter(
        tmp_path,
        alias={"$": "."},
        backend="http://127.0.0.1:8000",
        extra={"router": "app/root.jsx"},
    )
    w.module("app/entry.jsx", "x", kind="entry", imports=["app/root.jsx"])
    w.module("app/root.jsx", "y", accept=False)
    w.module("app/page.jsx", "z", kind="page", route="/")
    assert w.write(build="b-1").build == "b-1"
    m = read_manifest(tmp_path)
    assert m["entries"] == ["app/entry.jsx"]
    assert m["resolve"] == {"alias": {"$": "."}}
    assert m["backend"] == "http://127.0.0.1:8000" and m["router"] == "app/root.jsx"
    assert m["modules"][0]["imports"] == ["app/root.jsx"] and m["modules"][1]["accept"] is False
    assert m["modules"][2]["route"] == "/"
    # A setting alone rewrites the manifest, with nothing changed; a non-numeric build id restarts at 1.
    w.backend = "http://127.0.0.1:9000"
    for i, t in (("app/entry.jsx", "x"), ("app/root.jsx", "y"), ("app/page.jsx", "z")):
        w.module(
            i,
            t,
            kind={"app/entry.jsx": "entry", "app/page.jsx": "page"}.get(i, "module"),
            imports=["app/root.jsx"] if i == "app/entry.jsx" else (),
            accept=False if i == "app/root.jsx" else None,
            route="/" if i == "app/page.jsx" else None,
        )
    hints = w.write()
    assert hints.written and hints.changed == [] and hints.build == "1"
    assert read_manifest(tmp_path)["backend"] == "http://127.0.0.1:9000"


@pytest.mark.parametrize(
    "bad", ["", "/abs.js", "a/../b.js", "a//b.js", "./a.js", "a\\b.js", ".hr/x.js", "manifest.json"]
)
def test_invalid_module_ids_are_refused_at_declaration(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ValueError):
        ManifestWriter(tmp_path).module(bad, "x")


def test_declaration_mistakes_are_refused(tmp_path: Path) -> None:
    w = ManifestWriter(tmp_path)
    w.module("a.js", "x")
    with pytest.raises(ValueError, match="declared twice"):
        w.module("a.js", "y")
    with pytest.raises(ValueError, match="kind"):
        w.module("b.js", "x", kind="widget")
    with pytest.raises(TypeError):
        w.module("c.js", "x", imports="a.js")
    w2 = ManifestWriter(tmp_path, entries=["missing.js"])
    w2.module("a.js", "x")
    with pytest.raises(ValueError, match="entries"):
        w2.write()
    assert not (tmp_path / "manifest.json").exists()
