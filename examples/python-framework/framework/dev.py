"""The dev command: compile, serve through hr-orchestrate, then recompile what each save changed.

Start-up: import the app, start the backend (a thread of this process), compile every component,
write `.web/` and its manifest, and call hr-orchestrate's Python client, which starts the server
on the given port. Then poll the app's .py and .css files (standard library only: a stat per file
per interval; a file's bytes are hashed only when its stat changed, so a save that rewrites the
same text is no change). On a change:

1. import the app afresh; a Python error is printed and the last good build keeps serving (unless
   a file changes again within one interval: that was a save caught mid-write, built once done);
2. compile the components that depend on a changed file (the writer writes only changed bytes);
3. if a file defining backend state changed, reload the backend (handlers and fields, values kept);
4. call the client: hr-orchestrate pushes the changed modules (`js-update`, state kept), or answers
   `none` when no module's bytes changed, as for an edit of a handler's body.

Each build prints one line `[pyfw] build N: ...` with what it did and hr-orchestrate's action.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import signal
import sys
import threading
import time
import traceback
from pathlib import Path

from hr_orchestrate import Client, HrError

from .backend import Backend
from .compiler import Compiler
from .loader import LoadedApp, load_app

EXAMPLE_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = EXAMPLE_DIR.parent.parent


def log(text: str) -> None:
    print(f"[pyfw] {text}", flush=True)


class Watcher:
    """Polls the app folder's .py and .css files; changed() returns the paths whose bytes changed."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.stats: dict[str, tuple[int, int]] = {}
        self.hashes: dict[str, str] = {}
        self.changed()

    def _files(self) -> list[Path]:
        # Editors' lock and backup files (.#x.py, .x.py.swp) are not the app's.
        return [p for p in self.folder.rglob("*") if p.suffix in (".py", ".css") and "__pycache__" not in p.parts
                and not p.name.startswith(".")]

    def changed(self) -> set[str]:
        seen: dict[str, tuple[int, int]] = {}
        changed: set[str] = set()
        for p in self._files():
            try:
                st = p.stat()
            except FileNotFoundError:
                continue  # removed between the listing and the stat: seen as removed below
            key = str(p.resolve())
            if self.stats.get(key) == (st.st_mtime_ns, st.st_size):
                seen[key] = self.stats[key]
                continue
            try:
                digest = hashlib.sha256(p.read_bytes()).hexdigest()
            except OSError:  # gone or unreadable mid-save: looked at again at the next poll
                if key in self.stats:
                    seen[key] = self.stats[key]
                continue
            seen[key] = (st.st_mtime_ns, st.st_size)
            if self.hashes.get(key) != digest:
                changed.add(key)
                self.hashes[key] = digest
        for gone in set(self.stats) - set(seen):
            changed.add(gone)
            self.hashes.pop(gone, None)
        self.stats = seen
        return changed


class DevServer:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.app_dir = Path(args.app).resolve()
        self.web_dir = Path(args.web).resolve() if args.web else self.app_dir.parent / ".web"
        self.manifest = self.web_dir / "manifest.json"
        self.backend = Backend(port=args.backend_port)
        self.client: Client | None = None
        self.compiler: Compiler | None = None
        self.app: LoadedApp | None = None
        self.builds = 0
        self.unbuilt: set[str] = set()
        self.stopping = threading.Event()

    def start(self) -> None:
        self.app = load_app(self.app_dir)
        self.backend.start(self.app.states)
        self.compiler = Compiler(self.app_dir, self.web_dir, Path(args_node_modules(self.args)), self.backend.url)
        self.client = Client(str(self.manifest), port=self.args.port, binary=self.args.hr_orchestrate)
        self.build(changed=None, reload_backend=False, what="start")
        status = self.client.status()
        url = status.url if status else f"http://127.0.0.1:{self.args.port}/"
        rel = lambda p: os.path.relpath(p)  # noqa: E731
        log(f"serving {url} (backend {self.backend.url}, app {rel(self.app_dir)}, output {rel(self.web_dir)})")
        log(f"edit {rel(self.app_dir / 'counter.py')} (a component) or {rel(self.app_dir / 'state.py')} (handlers); Ctrl-C stops")

    def build(self, changed: set[str] | None, reload_backend: bool, what: str) -> None:
        assert self.compiler and self.client and self.app
        started = time.perf_counter()
        result = self.compiler.compile(self.app, changed)
        self.builds += 1
        compile_ms = (time.perf_counter() - started) * 1000
        if reload_backend:
            self.backend.reload(self.app.states)
        try:
            r = self.client.recompile(wait_applied=self.args.wait_applied)
            outcome = f"hr-orchestrate: {r.action} ({r.reason}) in {r.timings.total:.1f} ms"
            if r.errors:
                outcome += "; errors: " + "; ".join(str(e) for e in r.errors)
        except HrError as e:
            outcome = f"hr-orchestrate failed: {type(e).__name__}: {e.reason}"
        total_ms = (time.perf_counter() - started) * 1000
        names = lambda ids: ",".join(ids) or "-"  # noqa: E731
        log(f"build {self.builds}: {what}; compiled {names(result.compiled)}; written {names(result.changed)}; "
            f"backend {'reloaded' if reload_backend else 'kept'}; {outcome}; compile {compile_ms:.1f} ms, total {total_ms:.1f} ms")

    def on_change(self, saved: set[str], watcher: Watcher | None = None) -> None:
        # An editor that truncates then writes can be caught between the two: the app then fails to
        # import. When a file changes again within one more interval, the save was torn, not wrong:
        # build what is on disk now instead of reporting the torn read.
        while (failed := self._rebuild(saved)) and watcher and not self.stopping.wait(self.args.interval):
            saved = watcher.changed()
            if not saved:
                break
        if failed:
            log(failed)
            sys.stdout.flush()

    def _rebuild(self, saved: set[str]) -> str | None:
        """Imports the app afresh and builds it; on a Python error returns the message to print."""
        assert self.app and self.compiler
        what = ", ".join(sorted(self.compiler.label(p) for p in saved)) + " changed"
        # Files saved since the last good build count as changed until a build succeeds: a state
        # edit saved beside a broken component must still reload the backend once both build.
        changed = saved | self.unbuilt
        self.unbuilt = changed
        old = self.app
        try:
            self.app = load_app(self.app_dir)
            backend_files = old.state_files | self.app.state_files
            reload_backend = bool(changed & backend_files) or set(old.states) != set(self.app.states)
            self.build(changed, reload_backend, what)
        except Exception:
            self.app = old
            return (f"{what}: the app failed to import or compile; the last good build keeps serving\n"
                    + traceback.format_exc().rstrip())
        self.unbuilt = set()
        return None

    def watch(self) -> None:
        watcher = Watcher(self.app_dir)
        while not self.stopping.wait(self.args.interval):
            changed = watcher.changed()
            if changed:
                self.on_change(changed, watcher)

    def close(self) -> None:
        self.backend.stop()
        if self.client and not (self.args.keep_server or self.args.once):
            try:
                self.client.stop()
            except HrError as e:
                log(f"stopping hr-orchestrate: {e.reason}")


def args_node_modules(args: argparse.Namespace) -> str:
    return args.node_modules or str(REPO_DIR / "npm" / "node_modules")


def parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="dev.py", description="Serve the Python demo app with hot reload.")
    p.add_argument("--app", default=str(EXAMPLE_DIR / "app"), help="the app's folder (a Python package)")
    p.add_argument("--web", help="output folder (default: .web beside the app folder)")
    p.add_argument("--port", type=int, default=3000, help="hr-orchestrate's port (the page's only port)")
    p.add_argument("--backend-port", type=int, default=0, help="the backend's loopback port (0: any free)")
    p.add_argument("--interval", type=float, default=0.1, help="seconds between two polls of the app's files")
    p.add_argument("--wait-applied", type=int, default=None,
                   help="ms to wait until open pages applied each update (default: do not wait)")
    p.add_argument("--node-modules", help="npm packages for the page (default: the repository's npm/node_modules)")
    p.add_argument("--hr-orchestrate", help="the binary (default: $HR_ORCHESTRATE, PATH, then this checkout's Release build)")
    p.add_argument("--keep-server", action="store_true", help="leave hr-orchestrate running on exit")
    p.add_argument("--once", action="store_true", help="compile and call hr-orchestrate once, then exit (its server keeps running)")
    args = p.parse_args(argv)
    if not 0.01 <= args.interval <= 5:
        p.error("--interval must be 0.01 to 5 seconds")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    dev = DevServer(args)
    # SIGTERM (a test, a process manager) ends the loop like Ctrl-C, so the cleanup runs.
    signal.signal(signal.SIGTERM, lambda *_: dev.stopping.set())
    signal.signal(signal.SIGINT, lambda *_: dev.stopping.set())
    try:
        dev.start()
        if not args.once:
            dev.watch()
    except HrError as e:
        log(f"hr-orchestrate failed: {type(e).__name__}: {e.reason}")
        return 3
    finally:
        dev.close()
    return 0
