"""Backend state: the fields live in the Python backend, one copy per browser session; the methods
are event handlers run by the backend. Editing a handler's body changes no JavaScript: the browser
gets no update, the backend reloads and the next event runs the new body."""

from framework import State


class CounterState(State):
    count: int = 0

    def increment(self):
        self.count += 1

    def reset(self):
        self.count = 0


class TodoState(State):
    items: list = ["Edit app/counter.py"]

    def add(self, text):
        text = text.strip()
        if text:
            self.items = self.items + [text]

    def clear(self):
        self.items = []
