"""The demo's own tests: its framework package and the repository's hr_orchestrate on the path."""

import sys
from pathlib import Path

EXAMPLE_DIR = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(EXAMPLE_DIR), str(EXAMPLE_DIR.parent.parent / "python")]
