"""Backend state: classes whose fields live in the Python backend and whose methods handle events.

```python
class CounterState(State):
    count: int = 0                 # a field: the page reads it as `CounterState.count`
    def increment(self, by=1):     # an event handler: runs on the backend, never in the browser
        self.count += by
```

Read on the class (inside a component function), a field is a `Var` (the browser's copy of the
value, `backend.CounterState?.count`) and a method is an `EventHandler`, which becomes a JS function
that sends the event by name over the WebSocket. On an instance (in the backend) both are plain
Python: `self.count` is the value, `self.increment()` a call. The compiled JavaScript depends only
on the names, never on a handler's body: editing a body changes no module, only the backend.
"""

from __future__ import annotations

import copy
import sys
from typing import Any

from .dsl import Action, CompileContext, Var, to_js

STATE_CLASSES: dict[str, type[State]] = {}  # name -> class, filled as the app's files are imported


def _file_of(cls: type) -> str:
    return getattr(sys.modules.get(cls.__module__), "__file__", "") or ""


class Field:
    """A state field: a Var on the class, the instance's value on an instance."""

    def __init__(self, name: str, default: Any):
        self.name = name
        self.default = default
        self.owner: type | None = None

    def __set_name__(self, owner: type, name: str) -> None:
        self.owner = owner

    def __get__(self, instance: Any, owner: type) -> Any:
        if instance is None:
            source = _file_of(owner)

            def on_use(ctx: CompileContext) -> None:
                ctx.uses_backend = True
                ctx.deps.add(source)

            return Var(f"backend.{owner.__name__}?.{self.name}", on_use)
        return instance.__dict__[self.name]

    def __set__(self, instance: Any, value: Any) -> None:
        instance.__dict__[self.name] = value


class EventHandler:
    """A method of a State class, seen from a component: an event sent to the backend by name."""

    def __init__(self, fn: Any):
        self.fn = fn
        self.owner: type | None = None

    def __set_name__(self, owner: type, name: str) -> None:
        self.owner = owner

    @property
    def event_name(self) -> str:
        assert self.owner is not None
        return f"{self.owner.__name__}.{self.fn.__name__}"

    def __get__(self, instance: Any, owner: type) -> Any:
        if instance is None:
            return self
        return self.fn.__get__(instance, owner)

    def event_action(self, *args: Any) -> Action:
        source = _file_of(self.owner) if self.owner else ""

        def on_use(ctx: CompileContext) -> None:
            ctx.uses_send = True
            ctx.deps.add(source)

        sent = ", ".join([repr_js(self.event_name)] + [to_js(a) for a in args])
        return Action(f"() => send({sent})", on_use)

    def __call__(self, *args: Any) -> Action:
        """`on_click=TodoState.add(draft)`: the event with arguments evaluated in the browser."""
        return self.event_action(*args)


def repr_js(text: str) -> str:
    return to_js(text)


class State:
    """Base of the app's backend state classes (one instance per browser session and class)."""

    _fields: dict[str, Field] = {}
    _handlers: dict[str, EventHandler] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields: dict[str, Field] = {}
        handlers: dict[str, EventHandler] = {}
        for name in cls.__dict__.get("__annotations__", {}):
            if name.startswith("_"):
                continue
            f = Field(name, cls.__dict__.get(name))
            setattr(cls, name, f)
            f.__set_name__(cls, name)
            fields[name] = f
        for name, value in list(cls.__dict__.items()):
            if callable(value) and not name.startswith("_") and not isinstance(value, (Field, type)):
                handler = EventHandler(value)
                setattr(cls, name, handler)
                handler.__set_name__(cls, name)
                handlers[name] = handler
        cls._fields = fields
        cls._handlers = handlers
        STATE_CLASSES[cls.__name__] = cls

    def __init__(self) -> None:
        for name, f in type(self)._fields.items():
            self.__dict__[name] = copy.deepcopy(f.default)

    def snapshot(self) -> dict[str, Any]:
        """The fields' values as the browser gets them (JSON)."""
        return {name: self.__dict__[name] for name in type(self)._fields}
