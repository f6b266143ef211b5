"""Write docs/rules/<CODE>.md for every rule from its docstring (the one source of rule docs).

Run: python scripts/generate_rule_docs.py [--check]
With --check, exit 1 if a page is missing or out of date (the test suite runs this check).
"""

from __future__ import annotations

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules"


def render(rule) -> str:
    import inspect

    body = inspect.cleandoc(rule.__doc__ or "").strip()
    return (
        f"# {rule.CODE} {rule.NAME}\n\n"
        f"{rule.SUMMARY}\n\n"
        f"- Scope: `{rule.SCOPE}`\n"
        f"- Default severity: `{rule.DEFAULT_SEVERITY}`\n\n"
        f"{body}\n"
    )


def pages() -> dict[Path, str]:
    from tracklint.rules import RULES

    out = {DOCS / f"{code}.md": render(rule) for code, rule in RULES.items()}
    index = ["# Rules\n", "| code | name | default | summary |", "| --- | --- | --- | --- |"]
    for code, rule in RULES.items():
        index.append(f"| [{code}]({code}.md) | {rule.NAME} | {rule.DEFAULT_SEVERITY} | {rule.SUMMARY} |")
    out[DOCS / "README.md"] = "\n".join(index) + "\n"
    return out


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for path, text in pages().items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != text:
            stale.append(path)
            if not check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    if check and stale:
        print("out of date: " + ", ".join(str(p) for p in stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
