"""``python -m tracklint``."""

from __future__ import annotations

from tracklint.cli import main

if __name__ == "__main__":
    main()
