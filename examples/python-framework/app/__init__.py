"""The demo app: a page with a counter (React state + backend state) and a todo list. Edit any
file while `dev.py` runs; see ../README.md for what each kind of edit does."""
