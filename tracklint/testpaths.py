"""Which project paths hold tests, fixtures and test harnesses rather than the product.

``tracklint init`` leaves the calls in these paths out of the plan it writes (a test's
``track("test_event")`` is not an event anyone plans), and says so with the flag that keeps
them (``--include-tests``); wrapper discovery does not count call sites there either.

The conventions are the common ones of each language family: test directories (``tests/``,
``__tests__/``, ``spec/``, Gradle's ``src/test`` and ``src/androidTest``, Xcode's
``AppTests``/``AppUITests`` targets, ``fixtures/``, ``testdata/``) and test file names
(``test_x.py``, ``x_test.py``, ``x_test.go``, ``x.test.ts``, ``x.spec.tsx``, a runner's own kind of
test ``x.clienttest.tsx``/``x.servertest.ts`` (a fixed list of kinds: ``x.latest.ts`` is no test), ``XTest.kt``,
``XTests.swift``, ``x_spec.rb``, ``conftest.py``).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Iterable, Sequence

#: Directory names (compared case-insensitively) whose whole subtree is tests or test data.
TEST_DIRS = frozenset({
    "test", "tests", "__tests__", "spec", "specs", "testing", "__mocks__", "mocks", "fixtures",
    "__fixtures__", "testdata", "test-data", "test_data", "e2e", "cypress", "playwright",
    "androidtest", "testfixtures", "integrationtest", "uitests", "unittests",
})
#: Directory names in CamelCase that end like a test target: ``ShopTests``, ``ShopUITests``.
_TEST_TARGET = re.compile(r"[a-z0-9](?:UI)?(?:Tests?|Specs?)$")
#: File names of tests, whatever the directory.
_TEST_FILE = re.compile(
    r"""^(?:test_.+\.py|.+_test\.(?:py|go|rb|js|ts)|conftest\.py
         |.+\.(?:test|spec|e2e)\.[cm]?[jt]sx?
         |.+\.(?:client|server|unit|integration|browser|node|dom|api|component|e2e)(?:test|spec)\.[cm]?[jt]sx?
         |.+_spec\.rb
         |.+[a-z0-9](?:UI)?(?:Tests?|Specs?)\.(?:kt|kts|swift|java|m|mm))$""",
    re.VERBOSE,
)

#: How the output names the conventions above, in one line.
DESCRIPTION = "tests/, __tests__/, spec/, fixtures/, *Tests/, test_*.py, *_test.*, *.test.*, *.spec.*, *.clienttest.*, *Test.kt"


def is_test_path(path: str) -> bool:
    """Whether the project-relative POSIX ``path`` is a test, a fixture or a test harness."""
    *dirs, name = path.split("/")
    if _TEST_FILE.match(name):
        return True
    return any(d.lower() in TEST_DIRS or _TEST_TARGET.search(d) for d in dirs)


def named_dirs(root: str, paths: Iterable[Path]) -> list[str]:
    """The directories among ``paths`` (as a command named them) as project-relative prefixes
    ending in ``/``, longest first; the project root and directories outside it are left out."""
    top = os.path.realpath(root)
    named = [os.path.relpath(os.path.realpath(p), top).replace(os.sep, "/") for p in paths if p.is_dir()]
    return sorted((f"{d}/" for d in named if d != "." and not d.startswith("../")), key=len, reverse=True)


def is_test_below(path: str, named: Sequence[str]) -> bool:
    """:func:`is_test_path` of ``path`` judged below the directory the command named that holds
    it (``named``: :func:`named_dirs`): ``tracklint init tests/fixtures/app`` asks for that app."""
    below = next((path[len(d):] for d in named if path.startswith(d)), path)
    return is_test_path(below)
