"""Shared test fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _find_shared() -> Path | None:
    env = os.environ.get("TRACKLINT_SHARED_DIR")
    candidates = [Path(env)] if env else []
    candidates.append(REPO.parent / "shared")
    for candidate in candidates:
        if (candidate / "SPEC.md").is_file():
            return candidate
    return None


SHARED = _find_shared()


@pytest.fixture
def shared_dir() -> Path:
    """The ``shared/`` folder beside the checkout (CI has it; a user's clone does not)."""
    if SHARED is None:
        pytest.skip("../shared/ is not beside this checkout (set TRACKLINT_SHARED_DIR to run)")
    return SHARED


@pytest.fixture
def sarif_schema(shared_dir: Path) -> dict:
    import json

    return json.loads((shared_dir / "schemas" / "sarif-schema-2.1.0.json").read_text())
