"""Imports the app's Python files afresh for each compile.

The app is a folder of .py files (a package named after the folder). Each load forgets the
previous import of the package, clears the framework's registries and imports every file again, so
the registries hold exactly what the files now say. Files are always compiled from their source
text, never from a cached .pyc: Python checks a .pyc against the source's mtime in whole seconds
and its size, so an edit like `+= 1` -> `+= 2` saved within the same second would load the old code.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import linecache
import sys
from dataclasses import dataclass
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any

# Names, not the submodules: the package's `component` is the decorator.
from .component import COMPONENTS, Component
from .state import STATE_CLASSES


class _SourceLoader(importlib.machinery.SourceFileLoader):
    def get_code(self, fullname: str) -> CodeType:
        path = self.get_filename(fullname)
        return compile(self.get_data(path), path, "exec", dont_inherit=True)


class _AppFinder(importlib.abc.MetaPathFinder):
    """Finds the app package and its submodules in the app folder, whatever sys.path says."""

    def __init__(self, package: str, folder: Path):
        self.package = package
        self.folder = folder

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if fullname != self.package and not fullname.startswith(self.package + "."):
            return None
        rel = fullname.split(".")[1:]
        base = self.folder.joinpath(*rel)
        if base.is_dir():
            init = base / "__init__.py"
            return importlib.util.spec_from_file_location(
                fullname, init, loader=_SourceLoader(fullname, str(init)), submodule_search_locations=[str(base)]
            )
        file = base.with_suffix(".py")
        if file.is_file():
            return importlib.util.spec_from_file_location(fullname, file, loader=_SourceLoader(fullname, str(file)))
        return None


@dataclass
class LoadedApp:
    components: list[Component]  # pages included
    states: dict[str, type]  # class name -> State subclass
    state_files: set[str]  # the files that define State classes (backend code)


def load_app(folder: Path) -> LoadedApp:
    """Imports every .py file of the app folder; raises what the app's code raised."""
    folder = folder.resolve()
    package = folder.name
    if not package.isidentifier():
        raise ValueError(f"the app folder's name must be a Python identifier: {folder}")
    for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
        del sys.modules[name]
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _AppFinder)]
    sys.meta_path.insert(0, _AppFinder(package, folder))
    linecache.checkcache()  # tracebacks show the new text
    COMPONENTS.clear()
    STATE_CLASSES.clear()
    modules: list[ModuleType] = [importlib.import_module(package)]
    for file in sorted(folder.rglob("*.py")):
        rel = file.relative_to(folder).with_suffix("")
        if not all(part.isidentifier() for part in rel.parts):
            continue  # not importable: an editor's lock or backup file (.#counter.py)
        if rel.name == "__init__":
            rel = rel.parent
        if rel.parts:
            modules.append(importlib.import_module(".".join((package, *rel.parts))))
    states = dict(STATE_CLASSES)
    state_files = {str(Path(sys.modules[c.__module__].__file__ or "").resolve()) for c in states.values()}
    return LoadedApp(list(COMPONENTS.values()), states, state_files)
