"""No dead code: vulture over the package, with the tests, scripts and benchmarks as its users
and ``tests/vulture_whitelist.py`` for the names frameworks use (typer commands, registry
strings, library hooks). A new unused function, class, variable or import fails here."""

from __future__ import annotations

from pathlib import Path

import vulture  # the `test` extra: pip install -e '.[test]'

ROOT = Path(__file__).resolve().parent.parent
#: vulture's default; below it every dynamic attribute would be reported.
MIN_CONFIDENCE = 60


def test_no_dead_code() -> None:
    finder = vulture.Vulture()
    users = [ROOT / "tracklint", ROOT / "tests", ROOT / "scripts", ROOT / "benchmarks"]
    finder.scavenge([str(p) for p in users if p.exists()])
    package = str(ROOT / "tracklint")
    dead = [
        f"{Path(item.filename).relative_to(ROOT)}:{item.first_lineno}: {item.message}"
        for item in finder.get_unused_code(min_confidence=MIN_CONFIDENCE)
        if str(item.filename).startswith(package)
    ]
    assert dead == [], "dead code (remove it, or whitelist a framework name in tests/vulture_whitelist.py):\n" + "\n".join(dead)
