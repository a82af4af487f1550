"""The element DSL: what a component's Python function builds, and how it becomes JavaScript.

A component or page is a Python function that runs at compile time (never in the browser) and
returns a tree of `Element`s. Values in that tree are either Python literals (baked into the JS),
`Var`s (JavaScript expressions: a React state, a backend state field, arithmetic on those), or
actions (`on_*` props: a React state setter, or an event sent to a backend handler). `to_js`
turns the tree into `React.createElement` calls; no JSX, so esbuild needs no JSX transform.

While a component compiles, a `CompileContext` collects what its module needs besides the tree:
its `useState` hooks, whether it reads the backend's state or sends events, the component modules
it renders, and the Python files its output depends on (the compiler recompiles a component only
when one of those files changes).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass
class CompileContext:
    """What the component being compiled needs in its module, filled while its function runs."""

    hooks: list[str] = field(default_factory=list)  # `const [x, set_x] = useState(...)` lines
    names: set[str] = field(default_factory=set)
    uses_backend: bool = False
    uses_send: bool = False
    children: dict[str, Any] = field(default_factory=dict)  # component name -> Component
    deps: set[str] = field(default_factory=set)  # Python files this output depends on
    locals: int = 0  # counter for loop variables (foreach)


_context: CompileContext | None = None


def current() -> CompileContext:
    if _context is None:
        raise RuntimeError("use_state/foreach and state references work only inside a component function")
    return _context


def compiling(ctx: CompileContext | None) -> CompileContext | None:
    """Sets the context of the component being compiled; returns the previous one."""
    global _context
    previous, _context = _context, ctx
    return previous


class Var:
    """A JavaScript expression standing for a value known only in the browser."""

    def __init__(self, js: str, on_use: Callable[[CompileContext], None] | None = None):
        self.js = js
        self._on_use = on_use

    def use(self) -> str:
        if self._on_use and _context is not None:
            self._on_use(_context)
        return self.js

    def _op(self, op: str, other: Any, reverse: bool = False) -> Var:
        left, right = (to_js(other), self.use()) if reverse else (self.use(), to_js(other))
        return Var(f"({left} {op} {right})")

    def __add__(self, other: Any) -> Var:
        return self._op("+", other)

    def __radd__(self, other: Any) -> Var:
        return self._op("+", other, reverse=True)

    def __sub__(self, other: Any) -> Var:
        return self._op("-", other)

    def __mul__(self, other: Any) -> Var:
        return self._op("*", other)

    def length(self) -> Var:
        return Var(f"({self.use()} ?? []).length")

    def __bool__(self) -> bool:
        # A Var has no value at compile time: `if var:` in a component is a mistake; use cond().
        raise TypeError(f"a Var ({self.js}) has no value at compile time; use cond()")


class Action:
    """The JavaScript function an `on_*` prop calls (a React setter or an event to the backend)."""

    def __init__(self, js: str, on_use: Callable[[CompileContext], None] | None = None):
        self.js = js
        self._on_use = on_use

    def use(self) -> str:
        if self._on_use and _context is not None:
            self._on_use(_context)
        return self.js


class ReactState(Var):
    """A `useState` hook of the component: read it as a Var, change it with set()."""

    def __init__(self, name: str):
        super().__init__(name)
        self.setter = f"set_{name}"

    def set(self, value: Any) -> Action:
        return Action(f"() => {self.setter}({to_js(value)})")

    def set_from_input(self) -> Action:
        return Action(f"(event) => {self.setter}(event.target.value)")


def use_state(initial: Any, name: str | None = None) -> ReactState:
    """Declares a React state of the component; it survives hot updates of the component."""
    ctx = current()
    name = name or f"state{len(ctx.hooks)}"
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) or name in ctx.names:
        raise ValueError(f"use_state name {name!r} must be a new identifier")
    ctx.names.add(name)
    ctx.hooks.append(f"const [{name}, set_{name}] = useState({to_js(initial)});")
    return ReactState(name)


class Element:
    """An HTML tag or a component, with props and children."""

    def __init__(self, tag: Any, props: dict[str, Any], children: list[Any]):
        self.tag = tag
        self.props = props
        self.children = children

    def js(self) -> str:
        if isinstance(self.tag, str):
            tag = json.dumps(self.tag)
        else:  # a Component: its module is imported under its name
            # Not a dependency on the child's file: the parent's text holds only the child's name and
            # module id, and those come from the parent's own reference to it.
            current().children[self.tag.name] = self.tag
            tag = self.tag.name
        props = "null"
        if self.props:
            props = "{ " + ", ".join(f"{json.dumps(prop_name(k))}: {to_js(v)}" for k, v in self.props.items()) + " }"
        children = [to_js(c) for c in self.children]
        if not any(isinstance(c, Element) for c in self.children):
            return f"h({', '.join([tag, props] + children)})"
        # One child per line, nested ones indented further, so the module reads like the Python.
        pad = "\n  "
        return f"h({tag}, {props},{pad}" + f",{pad}".join(indent(c) for c in children) + ")"


def indent(js: str) -> str:
    return js.replace("\n", "\n  ")


def prop_name(python_name: str) -> str:
    """class_name -> className, on_click -> onClick, data_testid -> data-testid."""
    if python_name == "class_name":
        return "className"
    if python_name.startswith(("data_", "aria_")):
        return python_name.replace("_", "-")
    head, *rest = python_name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def to_js(value: Any) -> str:
    """A compile-time value as a JavaScript expression."""
    if isinstance(value, (Var, Action)):
        return value.use()
    if isinstance(value, Element):
        return value.js()
    if hasattr(value, "event_action"):  # a backend event handler given without arguments
        return value.event_action().use()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(to_js(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(str(k))}: {to_js(v)}" for k, v in value.items()) + " }"
    if value is None or isinstance(value, (str, int, float, bool)):
        return json.dumps(value)
    raise TypeError(f"cannot put a {type(value).__name__} into a component: {value!r}")


def foreach(items: Var, render: Callable[[Var], Any]) -> Var:
    """Renders `render(item)` for every item of a list Var (keyed by position)."""
    ctx = current()
    ctx.locals += 1
    item = Var(f"item{ctx.locals}")
    index = f"index{ctx.locals}"
    child = render(item)
    if isinstance(child, Element):
        child.props = {"key": Var(index), **child.props}
    return Var(f"({items.use()} ?? []).map(({item.js}, {index}) => {to_js(child)})")


def cond(test: Var, then: Any, otherwise: Any = None) -> Var:
    """`then` when test is truthy in the browser, else `otherwise`."""
    return Var(f"({test.use()} ? {to_js(then)} : {to_js(otherwise)})")


class _Tags:
    """`el.div(*children, **props)`: any attribute name is an HTML tag."""

    def __getattr__(self, tag: str) -> Callable[..., Element]:
        if tag.startswith("__"):
            raise AttributeError(tag)

        def make(*children: Any, **props: Any) -> Element:
            return Element(tag, props, list(children))

        return make


el = _Tags()
