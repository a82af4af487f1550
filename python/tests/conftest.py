"""Shared by the suite: the package from this checkout, and the hr-orchestrate binary under test.

CTest sets ``HR_ORCHESTRATE`` to the binary of its build tree; a run by hand falls back to the
checkout's Release build. Tests of the writer and of the protocol need no binary.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

PYTHON_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PYTHON_DIR))
sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture(scope="session")
def binary() -> Path:
    named = os.environ.get("HR_ORCHESTRATE")
    if named:
        assert os.access(named, os.X_OK), f"HR_ORCHESTRATE={named} is not an executable"
        return Path(named)
    checkout = PYTHON_DIR.parent / "build" / "release" / "orchestrator" / "hr-orchestrate"
    if not checkout.exists():
        pytest.skip("no hr-orchestrate binary: set HR_ORCHESTRATE or build build/release")
    return checkout
