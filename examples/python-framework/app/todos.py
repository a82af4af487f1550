"""A todo list held by the backend; the text being typed is React state of the component."""

from framework import component, el, foreach, use_state

from .state import TodoState


@component
def Todos():
    draft = use_state("", name="draft")
    return el.section(
        el.h2("Todos", data_testid="todos-title"),
        el.ul(foreach(TodoState.items, lambda item: el.li(item, class_name="todo")), data_testid="todo-list"),
        el.input(value=draft, on_change=draft.set_from_input(), placeholder="something to do",
                 data_testid="todo-input"),
        el.button("add", on_click=TodoState.add(draft), data_testid="todo-add"),
        el.button("clear", on_click=TodoState.clear, data_testid="todo-clear"),
        class_name="card",
        data_testid="todos",
    )
