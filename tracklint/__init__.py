"""tracklint: a tracking-plan linter and CI gate for product analytics calls."""

from __future__ import annotations

__version__ = "0.1.0"


def main() -> None:
    """Run the command-line interface."""
    from tracklint.cli import main as _main

    _main()
