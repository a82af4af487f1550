"""The client against the real hr-orchestrate binary, on a small real app (small_app.py).

One server for the module, driven like a compiler drives it: the first call starts it, then each
test makes one kind of edit through the writer and checks the typed answer and what is served.
The tests run in order (pytest keeps a module's order); each says what it expects of the server.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest

from hr_orchestrate import (
    Client,
    CompileError,
    ManifestError,
    ProtocolError,
    RecompileResult,
    ServerError,
)
from small_app import CSS, LABEL, SmallApp, get, load_everything


class Served:
    def __init__(self, app: SmallApp, client: Client) -> None:
        self.app, self.client = app, client

    @property
    def url(self) -> str:
        s = self.client.status()
        assert s is not None, "no server runs"
        return s.url

    def counters(self) -> dict:
        s = self.client.status()
        assert s is not None
        return dict(s.counters)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, binary: Path) -> Iterator[Served]:
    app = SmallApp(tmp_path_factory.mktemp("client") / "web")
    client = Client(app.manifest, binary=binary, port=0, log_level="warn", timeout=120)
    yield Served(app, client)
    client.stop()


def started(served: Served) -> Served:
    """The server of the module, started (and loaded by a "browser") if a test left none."""
    if served.client.status() is None:
        served.app.compile()
        served.client.recompile()
        load_everything(served.url, served.app.manifest)
    return served


def test_the_first_call_starts_the_server_and_has_nothing_to_do(served: Served) -> None:
    assert served.client.status() is None
    served.app.compile()
    r = served.client.recompile()
    assert r.action == "none" and r.errors == [] and r.exit_code == 0
    s = served.client.status()
    assert s is not None and s.protocol == 1 and s.manifest == str(served.app.manifest)
    # Served once the entries are built; the rest on request or in the background.
    assert s.url.startswith("http://127.0.0.1:") and s.modules + s.unbuilt == 7 and s.modules >= 1
    assert get(s.url, "/")[0] == 200
    load_everything(s.url, served.app.manifest)


def test_a_component_edit_is_a_js_update_over_the_socket_with_no_process(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = started(served)

    def no_process(*a: object, **k: object) -> None:
        raise AssertionError("a recompile with a running server must not start a process")

    monkeypatch.setattr(subprocess, "run", no_process)
    monkeypatch.setattr(subprocess, "Popen", no_process)
    s.app.label = "edited once"
    assert s.app.compile().changed == [LABEL]
    r = s.client.recompile()
    assert r.action == "js-update", r.reason
    assert r.changed == [LABEL] and r.boundaries == [LABEL] and LABEL in r.rebuilt
    assert r.timings.total > 0 and r.timings.esbuild > 0
    monkeypatch.undo()
    assert "edited once" in get(s.url, "/" + LABEL)[1]


def test_a_style_edit_is_a_css_update_without_esbuild(served: Served) -> None:
    s = started(served)
    builds = s.counters()["esbuild_module_builds"]
    s.app.color = "#abcdef"
    assert s.app.compile().changed == [CSS]
    r = s.client.recompile()
    assert r.action == "css", r.reason
    assert r.boundaries == [CSS]
    assert s.counters()["esbuild_module_builds"] == builds
    assert "#abcdef" in get(s.url, "/" + CSS)[1]


def test_an_identical_recompile_is_none_and_builds_nothing(served: Served) -> None:
    s = started(served)
    builds = s.counters()["esbuild_module_builds"]
    hints = s.app.compile()
    assert not hints.written
    r = s.client.recompile()
    assert r.action == "none" and r.rebuilt == [] and r.changed == []
    assert s.counters()["esbuild_module_builds"] == builds


def test_a_syntax_error_is_a_typed_error_with_its_location_then_recovers(served: Served) -> None:
    s = started(served)
    good = get(s.url, "/" + LABEL)[1]
    s.app.broken = True
    s.app.compile()
    r = s.client.recompile()
    assert r.exit_code == 1 and len(r.errors) == 1
    e = r.errors[0]
    assert isinstance(e, CompileError)
    assert (e.file, (e.line, e.column)) == (LABEL, s.app.broken_location()), e
    assert e.text
    assert get(s.url, "/" + LABEL)[1] == good, "the last good module keeps serving"
    s.app.broken = False
    s.app.label = "fixed"
    s.app.compile()
    fixed = s.client.recompile()
    assert fixed.errors == [] and fixed.action == "js-update"


def test_a_bad_manifest_raises_manifest_error_naming_the_field_and_the_server_keeps_serving(
    served: Served,
) -> None:
    s = started(served)
    manifest = s.app.manifest
    good = manifest.read_bytes()
    bad = json.loads(good)
    bad["modules"][3]["id"] = bad["modules"][2]["id"]
    manifest.write_text(json.dumps(bad))
    try:
        with pytest.raises(ManifestError, match=r"/modules/3/id: duplicate id") as caught:
            s.client.recompile()
        assert not isinstance(caught.value, ServerError)
        assert caught.value.reply is not None and caught.value.reply["error"] == "manifest"
    finally:
        manifest.write_bytes(good)
    assert get(s.url, "/" + LABEL)[0] == 200
    assert s.client.recompile().errors == []


def test_a_request_of_another_protocol_version_gets_a_clear_error_not_a_hang(
    served: Served, binary: Path
) -> None:
    s = started(served)
    other = Client(s.app.manifest, binary=binary, protocol=2, timeout=20)
    t0 = time.monotonic()
    with pytest.raises(ProtocolError) as caught:
        other.recompile()
    assert time.monotonic() - t0 < 10
    assert "speaks version 1" in caught.value.reason and "request version 2" in caught.value.reason
    assert caught.value.server_version == 1 and caught.value.client_version == 2
    # Status is answered at any version, saying which one the server speaks.
    st = other.status()
    assert st is not None and st.protocol == 1
    assert s.client.recompile().errors == []


def test_wait_applied_with_no_browser_answers_at_once(served: Served) -> None:
    s = started(served)
    s.app.label = "waited"
    s.app.compile()
    r = s.client.recompile(wait_applied=5000)
    assert r.clients == 0 and r.acknowledged == 0
    assert r.timings.applied is not None and r.timings.applied < 5000


def test_a_server_killed_between_calls_is_started_again(served: Served) -> None:
    s = started(served)
    old = s.client.status()
    assert old is not None
    os.kill(old.pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while s.client.status() is not None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert s.client.status() is None, "the killed server still answers"
    s.app.label = "after the kill"
    s.app.compile()
    r = s.client.recompile()
    assert r.errors == []
    new = s.client.status()
    assert new is not None and new.pid != old.pid
    assert "after the kill" in get(new.url, "/" + LABEL)[1]


def test_stop_stops_the_server(served: Served) -> None:
    s = started(served)
    assert s.client.stop() is True
    assert s.client.status() is None
    assert s.client.stop() is False


def test_a_bad_manifest_at_the_first_call_raises_manifest_error_and_starts_no_server(
    tmp_path: Path, binary: Path
) -> None:
    app = SmallApp(tmp_path / "web")
    app.compile()
    m = json.loads(app.manifest.read_text())
    m["entries"] = ["app/nowhere.jsx"]
    app.manifest.write_text(json.dumps(m))
    c = Client(app.manifest, binary=binary, port=0, log_level="warn", timeout=120)
    try:
        with pytest.raises(ManifestError, match="/entries/0"):
            c.recompile()
        assert c.status() is None
    finally:
        c.stop()


def test_first_calls_at_once_share_one_server(tmp_path: Path, binary: Path) -> None:
    app = SmallApp(tmp_path / "web")
    app.compile()
    clients = [
        Client(app.manifest, binary=binary, port=0, log_level="warn", timeout=120) for _ in range(3)
    ]
    results: list[object] = [None] * len(clients)

    def call(i: int) -> None:
        try:
            results[i] = clients[i].recompile()
        except Exception as e:  # reported below, with the others' results
            results[i] = e

    threads = [threading.Thread(target=call, args=(i,)) for i in range(len(clients))]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=180)
        assert all(isinstance(r, RecompileResult) and r.errors == [] for r in results), results
        pids = {c.status().pid for c in clients}  # type: ignore[union-attr]
        assert len(pids) == 1
    finally:
        clients[0].stop()
