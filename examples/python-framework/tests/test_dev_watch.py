"""The dev command's reaction to saves, without a server: `DevServer.on_change` with the real loader
and compiler on a copy of the demo app, the build (compile + hr-orchestrate call) recorded instead
of run, and a scripted watcher standing for the next poll.

An editor that truncates then writes can be caught between the two; the app then fails to import.
Such a torn save must build once the write is done, with no failure printed; a save that is really
broken must print its failure once and build nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from framework.compiler import Compiler
from framework.dev import DevServer, parse
from framework.loader import load_app

EXAMPLE_APP = Path(__file__).resolve().parents[1] / "app"
OLD, NEW = '"Clicks on this page: "', '"Clicks in this tab: "'


class NextPoll:
    """The watcher's next poll: runs `save` (the rest of the editor's write), then reports `files`."""

    def __init__(self, save, files: set[str]):
        self.save, self.files, self.polls = save, files, 0

    def changed(self) -> set[str]:
        self.polls += 1
        if self.polls > 1:
            return set()
        self.save()
        return self.files


@pytest.fixture
def dev(tmp_path: Path):
    app_dir = tmp_path / "app"
    shutil.copytree(EXAMPLE_APP, app_dir, ignore=shutil.ignore_patterns("__pycache__"))
    d = DevServer(parse(["--app", str(app_dir), "--web", str(tmp_path / ".web"), "--interval", "0.01"]))
    d.app = load_app(app_dir)
    d.compiler = Compiler(app_dir, tmp_path / ".web", tmp_path / "node_modules", "http://127.0.0.1:1")
    d.built = []
    d.build = lambda changed, reload_backend, what: d.built.append((sorted(changed), what))
    return d


def counter_text(dev: DevServer) -> str:
    return (dev.app_dir / "counter.py").read_text()


def compiled_counter(dev: DevServer) -> str:
    """The Counter module the compiler writes from the app as last loaded."""
    dev.compiler.compile(dev.app, None)
    return (dev.web_dir / "components" / "Counter.js").read_text()


def test_a_torn_save_builds_the_written_file_and_prints_no_failure(dev, capsys):
    counter = dev.app_dir / "counter.py"
    edited = counter_text(dev).replace(OLD, NEW)
    counter.write_text("")  # the editor truncated; the poll saw the empty file
    poll = NextPoll(lambda: counter.write_text(edited), {str(counter.resolve())})
    dev.on_change({str(counter.resolve())}, poll)
    assert "failed to import" not in capsys.readouterr().out
    assert dev.built == [([str(counter.resolve())], "app/counter.py changed")]
    assert "Clicks in this tab" in compiled_counter(dev)
    assert dev.unbuilt == set()


def test_a_broken_save_prints_its_failure_once_and_builds_nothing(dev, capsys):
    counter = dev.app_dir / "counter.py"
    counter.write_text(counter_text(dev).replace(OLD, '"Clicks" +)'))
    poll = NextPoll(lambda: None, set())
    dev.on_change({str(counter.resolve())}, poll)
    out = capsys.readouterr().out
    assert out.count("app/counter.py changed: the app failed to import or compile") == 1, out
    assert "SyntaxError" in out
    assert dev.built == []
    # The file stays owed to the next build.
    assert dev.unbuilt == {str(counter.resolve())}


def test_a_broken_save_then_its_fix_builds_the_fix(dev, capsys):
    counter = dev.app_dir / "counter.py"
    good = counter_text(dev)
    counter.write_text(good.replace(OLD, '"Clicks" +)'))
    poll = NextPoll(lambda: counter.write_text(good.replace(OLD, NEW)), {str(counter.resolve())})
    dev.on_change({str(counter.resolve())}, poll)
    assert "failed to import" not in capsys.readouterr().out
    assert len(dev.built) == 1
