"""The compiler: the loaded app -> the React app in `.web/`, through hr_orchestrate's ManifestWriter.

Each compile declares every module of the app to the writer; the writer writes only files whose
bytes changed and tells which (`hints.changed`). A component's module is compiled again only when a
Python file it depends on changed (its own file, the files of the state classes it reads or sends
events to, the files of the components it renders); the others keep the text of the previous
compile. The compiled text depends on state fields' and handlers' names, never on a handler's
body: a body edit compiles to the same bytes, so no module changes and hr-orchestrate answers
`none`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from hr_orchestrate import ManifestWriter

from . import static
from .component import RUNTIME_ID, CompiledModule, compile_component
from .loader import LoadedApp

ENTRY_ID = "app/entry.js"
ROOT_ID = "app/root.js"


@dataclass
class CompileResult:
    compiled: list[str]  # module ids whose Python ran this time
    changed: list[str]  # module ids whose bytes changed on disk (the writer's hint)
    removed: list[str]
    cached: list[str] = field(default_factory=list)


class Compiler:
    def __init__(self, app_dir: Path, web_dir: Path, node_modules: Path, backend_url: str, title: str = "Python demo"):
        self.app_dir = app_dir.resolve()
        self.web_dir = web_dir.resolve()
        self.node_modules = node_modules.resolve()
        self.backend_url = backend_url
        self.title = title
        self.cache: dict[str, CompiledModule] = {}  # module id -> last compile of that component
        self.writer = ManifestWriter(str(self.web_dir), entries=[ENTRY_ID], backend=backend_url)

    def label(self, file: str) -> str:
        """A Python file as `app/counter.py` (relative to the app folder's parent)."""
        try:
            return Path(file).resolve().relative_to(self.app_dir.parent).as_posix()
        except ValueError:
            return file

    def compile(self, app: LoadedApp, changed_files: set[str] | None) -> CompileResult:
        """changed_files: the resolved paths of the app files that changed; None compiles everything."""
        self._prepare_web_dir()
        compiled, cached, modules = [], [], []
        for c in app.components:
            old = self.cache.get(c.module_id)
            if old is None or changed_files is None or old.deps & changed_files:
                self.cache[c.module_id] = compile_component(c, self.label(c.source_file))
                compiled.append(c.module_id)
            else:
                cached.append(c.module_id)
            modules.append(self.cache[c.module_id])
        for stale in set(self.cache) - {c.module_id for c in app.components}:
            del self.cache[stale]
        styles = self._styles()
        pages = sorted((m for m in modules if m.kind == "page"), key=lambda m: m.route or "")
        page_list = [(m.route or "/", Path(m.id).stem, m.id) for m in pages]
        w = self.writer
        w.module(RUNTIME_ID, static.RUNTIME_JS, kind="module", imports=[])
        w.module(ROOT_ID, static.router_js(page_list, [sid for sid, _ in styles]), kind="module",
                 imports=[sid for sid, _ in styles] + [m.id for m in pages])
        w.module(ENTRY_ID, static.ENTRY_JS, kind="entry", imports=[ROOT_ID])
        for sid, text in styles:
            w.module(sid, text, kind="style")
        for m in modules:
            options = {"route": m.route} if m.route else {}
            w.module(m.id, m.text, kind=m.kind, imports=m.imports, **options)
        hints = w.write()
        return CompileResult(compiled, list(hints.changed), list(hints.removed), cached=cached)

    def _styles(self) -> list[tuple[str, str]]:
        """Every .css file of the app folder, as `styles/<path>` style modules."""
        return [("styles/" + f.relative_to(self.app_dir).as_posix(), f.read_text())
                for f in sorted(self.app_dir.rglob("*.css"))]

    def _prepare_web_dir(self) -> None:
        # The HTML shell and the npm packages are not modules: written/linked here, once.
        self.web_dir.mkdir(parents=True, exist_ok=True)
        link = self.web_dir / "node_modules"
        if not link.exists():
            if link.is_symlink():
                link.unlink()
            os.symlink(self.node_modules, link, target_is_directory=True)
        shell = self.web_dir / "index.html"
        text = static.html(self.title)
        if not shell.exists() or shell.read_text() != text:
            shell.write_text(text)
