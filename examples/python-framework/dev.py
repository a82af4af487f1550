#!/usr/bin/python3
"""Runs the demo: `/usr/bin/python3 examples/python-framework/dev.py [--port 3000]`, then edit
app/*.py. Puts the repository's python/ folder (hr_orchestrate) on the path and never writes .pyc
files (the app is re-imported from its source at every change); the work is framework/dev.py's."""

import sys

sys.dont_write_bytecode = True

from pathlib import Path  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent.parent / "python")]

from framework.dev import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
