"""The generated rule pages match the rules' docstrings (regenerate with
``python scripts/generate_rule_docs.py``)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "generate_rule_docs.py"


def test_rule_docs_are_current() -> None:
    spec = importlib.util.spec_from_file_location("generate_rule_docs", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    stale = [p.name for p, text in module.pages().items() if not p.exists() or p.read_text(encoding="utf-8") != text]
    assert not stale, f"run python scripts/generate_rule_docs.py: {stale}"
