"""Components and pages: Python functions that the compiler turns into one JS module each.

`@component` registers a function as a component (module `components/<Name>.js`); `@page("/")`
registers a page for a route (module `pages/<name>.js`). Calling a component inside another
component's function (`Counter()`) does not run it: it places it in the tree, and the compiled
parent module imports the child's module. `compile_component` runs the function under a
`CompileContext` and writes the module's text.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass
from typing import Any, Callable

from . import dsl

COMPONENTS: dict[str, Component] = {}  # module id -> Component, filled as the app is imported
RUNTIME_ID = "runtime/backend.js"


class Component:
    def __init__(self, fn: Callable[[], Any], kind: str, route: str | None = None):
        self.fn = fn
        self.name = fn.__name__
        self.kind = kind
        self.route = route
        self.source_file = fn.__code__.co_filename
        if not re.fullmatch(r"[A-Z][A-Za-z0-9_]*", self.name):
            # React Fast Refresh only keeps state for functions it takes for components.
            raise ValueError(f"component {self.name!r}: the name must start with a capital letter")
        folder = "pages" if kind == "page" else "components"
        self.module_id = f"{folder}/{self.name}.js"

    def __call__(self, **props: Any) -> dsl.Element:
        return dsl.Element(self, props, [])

    def __repr__(self) -> str:
        return f"<{self.kind} {self.name} from {self.source_file}>"


def _register(c: Component) -> Component:
    if c.module_id in COMPONENTS:
        raise ValueError(f"two components named {c.name}: {COMPONENTS[c.module_id].source_file} and {c.source_file}")
    COMPONENTS[c.module_id] = c
    return c


def component(fn: Callable[[], Any]) -> Component:
    """Registers a component: one JS module, hot-swapped with its React state kept."""
    return _register(Component(fn, "component"))


def page(route: str) -> Callable[[Callable[[], Any]], Component]:
    """Registers a page rendered at `route`."""

    def register(fn: Callable[[], Any]) -> Component:
        return _register(Component(fn, "page", route))

    return register


@dataclass
class CompiledModule:
    id: str
    kind: str
    route: str | None
    text: str
    imports: list[str]
    deps: set[str]  # Python files whose change may change `text`


def _specifier(from_id: str, to_id: str) -> str:
    rel = posixpath.relpath(to_id, posixpath.dirname(from_id))
    return rel if rel.startswith(".") else "./" + rel


def compile_component(c: Component, source_label: str) -> CompiledModule:
    """Runs the component's function and writes its module (React.createElement, no JSX)."""
    ctx = dsl.CompileContext(deps={c.source_file})
    previous = dsl.compiling(ctx)
    try:
        tree = c.fn()
        body = dsl.to_js(tree)
    finally:
        dsl.compiling(previous)
    react_names = ["createElement as h"] + (["useState"] if ctx.hooks else [])
    runtime_names = (["send"] if ctx.uses_send else []) + (["useBackend"] if ctx.uses_backend else [])
    imports = [RUNTIME_ID] if runtime_names else []
    lines = [
        f"// Compiled from {source_label} ({c.kind} {c.name}) by examples/python-framework: edit the Python.",
        f"import {{ {', '.join(react_names)} }} from \"react\";",
    ]
    if runtime_names:
        lines.append(f"import {{ {', '.join(runtime_names)} }} from {json.dumps(_specifier(c.module_id, RUNTIME_ID))};")
    for child in sorted(ctx.children.values(), key=lambda x: x.name):
        lines.append(f"import {child.name} from {json.dumps(_specifier(c.module_id, child.module_id))};")
        imports.append(child.module_id)
    lines += ["", f"export default function {c.name}() {{"]
    if ctx.uses_backend:
        lines.append("  const backend = useBackend();")
    lines += [f"  {hook}" for hook in ctx.hooks]
    lines += [f"  return {dsl.indent(body)};", "}", ""]
    return CompiledModule(c.module_id, c.kind, c.route, "\n".join(lines), imports, ctx.deps)
