"""The home page: composes the components; each keeps its own module and its own hot updates."""

from framework import el, page

from .counter import Counter
from .todos import Todos


@page("/")
def Index():
    return el.main(
        el.h1("hr-orchestrate: Python in, React out", data_testid="page-title"),
        el.p("Edit app/counter.py, app/todos.py or app/state.py and save: the page follows."),
        Counter(),
        Todos(),
    )
