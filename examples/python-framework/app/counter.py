"""The counter: a React state (clicks on this page, kept across hot updates) beside a backend state
(the server's count, changed by the `increment` handler in state.py)."""

from framework import component, el, use_state

from .state import CounterState


@component
def Counter():
    clicks = use_state(0, name="clicks")
    return el.section(
        el.h2("Counter", data_testid="counter-title"),
        el.p(
            el.span("Clicks on this page: ", data_testid="local-label"),
            el.span(clicks, data_testid="local-count"),
            " ",
            el.button("+1 here", on_click=clicks.set(clicks + 1), data_testid="local-button"),
        ),
        el.p(
            el.span("Count on the server: ", data_testid="count-label"),
            el.span(CounterState.count, data_testid="count"),
            " ",
            el.button("+ on the server", on_click=CounterState.increment, data_testid="increment"),
            el.button("reset", on_click=CounterState.reset, data_testid="reset"),
        ),
        class_name="card",
        data_testid="counter",
    )
