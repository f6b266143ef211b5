"""House rule (issue #15): no function or method in the package is longer than 80 lines.

A function's length is ``end_lineno - lineno + 1`` from its ``def`` line (decorators not counted),
nested functions counted on their own as well as inside their parent. A new long function fails
here with its file, line, qualified name and length, so it is split before it lands.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 80


def long_functions(source: str, filename: str, limit: int = MAX_LINES) -> list[str]:
    """``file:line qualname (N lines)`` for each function in ``source`` longer than ``limit``."""
    found: list[str] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    length = child.end_lineno - child.lineno + 1
                    if length > limit:
                        found.append(f"{filename}:{child.lineno} {name} ({length} lines)")
                visit(child, f"{name}.")
            else:
                visit(child, prefix)

    visit(ast.parse(source, filename=filename), "")
    return found


def test_no_function_in_the_package_is_over_80_lines() -> None:
    files = sorted((ROOT / "tracklint").rglob("*.py"))
    assert len(files) > 20  # the package was found (an empty walk would pass vacuously)
    offenders = [
        line
        for path in files
        for line in long_functions(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())
    ]
    assert offenders == [], (
        f"functions longer than {MAX_LINES} lines (split them into pieces that each do one job):\n"
        + "\n".join(offenders)
    )


def _function(name: str, body_lines: int, indent: str = "") -> str:
    body = "".join(f"{indent}    x{i} = {i}\n" for i in range(body_lines - 1))
    return f"{indent}def {name}():\n{body}"


def test_the_measure_names_methods_and_nested_functions_and_counts_from_the_def_line() -> None:
    source = (
        "import functools\n"
        "class Reader:\n"
        "    @functools.cache\n"  # decorators are not counted
        + _function("fits", 80, indent="    ")
        + _function("too_long", 81, indent="    ")
        + "async def outer():\n"
        + _function("inner", 81, indent="    ")
    )
    assert long_functions(source, "m.py") == [
        "m.py:84 Reader.too_long (81 lines)",
        "m.py:165 outer (82 lines)",
        "m.py:166 outer.inner (81 lines)",
    ]
