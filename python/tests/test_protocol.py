"""The client's side of the control protocol, against stand-in servers and a stand-in CLI.

A stand-in server is a Unix socket in the app's state folder whose answer each test chooses
(silence, garbage, an error, a closed connection); the stand-in CLI is a script that records its
arguments and prints the answer the test chose. What is checked: the request's fields, that every
wait is bounded, that each reply kind becomes its exception, and when the client runs the CLI.
"""

from __future__ import annotations

import json
import socket
import stat
import threading
import time
from pathlib import Path
from typing import Callable, Iterator

import pytest

from hr_orchestrate import Client, ManifestError, ProtocolError, ServerError, find_binary

Answer = Callable[[socket.socket, dict], None]


class StandInServer:
    def __init__(self, manifest: Path, answer: Answer) -> None:
        self.path = manifest.parent / ".hr" / "control.sock"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.requests: list[dict] = []
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(str(self.path))
        self.sock.listen(8)
        self.sock.settimeout(0.1)
        self.answer = answer
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        while not self.done.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(5)
                data = b""
                while not data.endswith(b"\n"):
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                request = json.loads(data)
                self.requests.append(request)
                self.answer(conn, request)

    def close(self) -> None:
        self.done.set()
        self.thread.join(timeout=5)
        self.sock.close()


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    m = tmp_path / "web" / "manifest.json"
    m.parent.mkdir()
    m.write_text('{"version": 1, "entries": [], "modules": []}')
    return m


@pytest.fixture
def serve(manifest: Path) -> Iterator[Callable[[Answer], StandInServer]]:
    servers: list[StandInServer] = []

    def start(answer: Answer) -> StandInServer:
        servers.append(StandInServer(manifest, answer))
        return servers[-1]

    yield start
    for s in servers:
        s.close()


def reply(obj: dict) -> Answer:
    return lambda conn, _req: conn.sendall((json.dumps(obj) + "\n").encode())


NONE = {
    "build": "3",
    "action": "none",
    "reason": "nothing",
    "changed": [],
    "rebuilt": [],
    "boundaries": [],
    "errors": [],
    "clients": 0,
    "merged": 1,
    "timings": {"read": 0.1, "plan": 0.2, "esbuild": 0, "push": 0, "total": 1.5},
}


def test_a_recompile_request_carries_the_protocol_version_and_the_wait(
    manifest: Path, serve
) -> None:
    server = serve(reply(NONE))
    before = time.monotonic_ns()
    r = Client(manifest, binary="/nonexistent").recompile(wait_applied=250)
    assert (
        r.action == "none"
        and r.build == "3"
        and r.timings.total == 1.5
        and r.timings.applied is None
    )
    (req,) = server.requests
    assert req["cmd"] == "recompile" and req["protocol"] == 1 and req["wait_applied_ms"] == 250
    assert req["manifest"] == str(manifest) and before <= req["sent_at_ns"] <= time.monotonic_ns()


def test_compile_errors_are_typed(manifest: Path, serve) -> None:
    errs = [{"file": "a.jsx", "line": 3, "column": 7, "text": 'Unexpected ";"'}]
    serve(reply({**NONE, "action": "js-update", "errors": errs}))
    r = Client(manifest).recompile()
    assert r.exit_code == 1
    assert str(r.errors[0]) == 'a.jsx:3:7: Unexpected ";"' and r.errors[0].line == 3


@pytest.mark.parametrize(
    "answer, error, message",
    [
        (
            {"action": "error", "error": "manifest", "reason": "/modules/3/id: duplicate id"},
            ManifestError,
            "/modules/3/id",
        ),
        (
            {"action": "error", "error": "server", "reason": "esbuild is gone"},
            ServerError,
            "esbuild is gone",
        ),
        (
            {"action": "error", "error": "protocol", "protocol": 7, "reason": "speaks version 7"},
            ProtocolError,
            "version 7",
        ),
        ({"error": "unknown control command"}, ServerError, "unknown control command"),
        ({"what": "no action"}, ServerError, "no action"),
    ],
)
def test_each_error_reply_raises_its_exception_with_the_servers_message(
    manifest: Path, serve, answer, error, message
) -> None:
    serve(reply(answer))
    with pytest.raises(error, match=message) as caught:
        Client(manifest).recompile()
    assert caught.value.reply == answer
    if error is ManifestError:
        assert not isinstance(caught.value, ServerError)


def test_a_server_that_never_answers_is_an_error_after_the_timeout_not_a_hang(
    manifest: Path, serve
) -> None:
    serve(lambda conn, req: time.sleep(2))
    t0 = time.monotonic()
    with pytest.raises(ServerError, match="did not answer within 0.3 s"):
        Client(manifest, timeout=0.3).recompile()
    assert time.monotonic() - t0 < 1.5


def test_a_reply_that_is_not_json_is_a_server_error(manifest: Path, serve) -> None:
    serve(lambda conn, req: conn.sendall(b"<html>\n"))
    with pytest.raises(ServerError, match="not JSON"):
        Client(manifest).recompile()


def stand_in_cli(folder: Path, code: int, stdout: str, stderr: str = "") -> tuple[Path, Path]:
    """A script in place of hr-orchestrate: records its argv, prints, exits with `code`."""
    script, args = folder / "fake-hr-orchestrate", folder / "argv.json"
    script.write_text(
        "#!/usr/bin/python3\nimport json, sys\n"
        f"open({str(args)!r}, 'w').write(json.dumps(sys.argv[1:]))\n"
        f"sys.stdout.write({stdout!r}); sys.stderr.write({stderr!r}); sys.exit({code})\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script, args


def test_with_no_server_the_client_runs_the_cli_once_with_the_server_settings(
    manifest: Path, tmp_path: Path
) -> None:
    cli, args = stand_in_cli(
        tmp_path, 0, "hr-orchestrate noise\n" + json.dumps(NONE) + "\n", "serving http://x/\n"
    )
    r = Client(
        manifest, binary=cli, port=0, backend="http://127.0.0.1:9", log_level="warn"
    ).recompile(wait_applied=100)
    assert r.action == "none"
    argv = json.loads(args.read_text())
    assert argv[:2] == ["--manifest", str(manifest)]
    for flag, value in (
        ("--port", "0"),
        ("--host", "127.0.0.1"),
        ("--backend", "http://127.0.0.1:9"),
        ("--log-level", "warn"),
    ):
        assert argv[argv.index(flag) + 1] == value
    assert "--wait-applied=100" in argv


@pytest.mark.parametrize(
    "code, stdout, error, message",
    [
        (
            2,
            json.dumps(
                {"action": "error", "error": "manifest", "reason": "/entries/0: unknown module"}
            ),
            ManifestError,
            "/entries/0",
        ),
        (
            3,
            json.dumps(
                {"action": "error", "error": "server", "reason": "cannot open the server log"}
            ),
            ServerError,
            "server log",
        ),
        (2, "", ServerError, "exited 2 without an answer: hr-orchestrate: unknown option"),
    ],
)
def test_the_clis_failures_raise_the_same_exceptions(
    manifest: Path, tmp_path: Path, code, stdout, error, message
) -> None:
    cli, _ = stand_in_cli(tmp_path, code, stdout + "\n", "hr-orchestrate: unknown option\n")
    with pytest.raises(error, match=message):
        Client(manifest, binary=cli).recompile()


def test_a_server_that_closes_without_answering_is_handed_to_the_cli(
    manifest: Path, tmp_path: Path, serve
) -> None:
    server = serve(lambda conn, req: None)  # takes the request, closes: killed during the call
    cli, args = stand_in_cli(tmp_path, 0, json.dumps({**NONE, "build": "from the cli"}) + "\n")
    assert Client(manifest, binary=cli).recompile().build == "from the cli"
    assert len(server.requests) == 1 and args.exists()


def test_status_and_stop_without_a_server(manifest: Path, tmp_path: Path) -> None:
    cli, args = stand_in_cli(tmp_path, 0, "")
    c = Client(manifest, binary=cli)
    assert c.status() is None
    assert c.stop() is False
    assert not args.exists(), "status and stop never start a server"


def test_status_and_stop_carry_the_version(manifest: Path, serve) -> None:
    server = serve(
        reply(
            {
                "ok": True,
                "protocol": 1,
                "url": "http://127.0.0.1:1/",
                "pid": 5,
                "counters": {"recompiles": 2},
            }
        )
    )
    s = Client(manifest).status()
    assert s is not None and s.pid == 5 and s.counters == {"recompiles": 2} and s.protocol == 1
    assert server.requests == [{"cmd": "status", "protocol": 1}]


def test_the_binary_is_found_by_argument_then_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli, _ = stand_in_cli(tmp_path, 0, "")
    monkeypatch.setenv("HR_ORCHESTRATE", str(cli))
    assert find_binary() == cli
    with pytest.raises(ServerError, match="not an executable"):
        find_binary(tmp_path / "missing")
    monkeypatch.setenv("HR_ORCHESTRATE", str(tmp_path / "missing"))
    with pytest.raises(ServerError, match=r"\$HR_ORCHESTRATE"):
        find_binary()
    assert find_binary(cli) == cli
