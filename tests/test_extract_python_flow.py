"""Python receivers followed through the code (tracklint/extract/pyflow.py, issue #13 item 1).

The fixtures in ``tests/fixtures/extract/python/`` mark every SDK call a user expects found with
a trailing ``# expect: <sdk> <kind> <event>`` comment (``<dynamic>``: an event that is not a
literal, ``<none>``: a call without one); a call without the comment must not be reported.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracklint.extract import extract_file
from tracklint.extract.presets import DEFAULT_PRESETS, build_specs
from tracklint.extract.pyflow import annotated_class

SPECS = build_specs(DEFAULT_PRESETS)
FIXTURES = Path(__file__).parent / "fixtures" / "extract" / "python"
_EXPECT = re.compile(r"#\s*expect:\s*(\S+)\s+(\S+)\s+(.+?)\s*$")


def _found(path: str, data: bytes, *, windows: bool = True) -> list[tuple[int, str, str, str]]:
    result = extract_file(path, data, SPECS, windows=windows)
    assert [n for n in result.notices if n.kind in ("internal", "reparse")] == []
    return [(c.span.line, c.sdk, c.kind,
             c.event if c.event is not None else "<none>" if c.event_kind == "none" else "<dynamic>")
            for c in result.calls]


def _expected(text: str) -> list[tuple[int, str, str, str]]:
    return [(number, *match.groups()) for number, line in enumerate(text.splitlines(), 1)
            if (match := _EXPECT.search(line))]


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.py")))
def test_fixture_calls_are_found_and_nothing_else(name: str) -> None:
    data = (FIXTURES / name).read_bytes()
    expected = _expected(data.decode())
    assert expected or name == "receiver_lookalikes.py"
    assert _found(f"app/{name}", data) == expected


def test_a_factory_far_from_its_call_survives_windowed_parsing() -> None:
    """A large file is parsed only around the calls when that provably changes nothing; the
    function a receiver comes from may lie outside those windows, so such a file is parsed whole."""
    filler = "".join(f"def helper_{i}(value):\n    return value + {i}\n\n\n" for i in range(150))
    source = ("from posthog import Posthog\n\n\ndef _make():\n    return Posthog('key')\n\n\n" + filler
              + "def use():\n    made = _make()\n    made.capture('Far Factory Used', distinct_id='u')\n")
    data = source.encode()
    assert _found("app/far.py", data) == _found("app/far.py", data, windows=False)
    assert [call[3] for call in _found("app/far.py", data)] == ["Far Factory Used"]


_KEYWORDS = {"and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
             "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in",
             "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
             "with", "yield", "self", "cls", "match", "case", "type"}
NAMES = st.from_regex(r"\A[a-z_][a-z0-9_]{0,11}\Z").filter(lambda n: n not in _KEYWORDS)


@settings(max_examples=60, deadline=None)
@given(NAMES, st.sampled_from(["local", "attribute", "parameter"]))
def test_a_client_is_found_under_any_name(name: str, form: str) -> None:
    """Names are evidence, not the rule: whatever the client is called, the call is found."""
    source = {
        "local": f"""
            from posthog import Posthog
            def f():
                {name} = Posthog("k")
                {name}.capture("Any Name", distinct_id="u")
            """,
        "attribute": f"""
            from posthog import Posthog
            class C:
                def __init__(self):
                    self.{name} = Posthog("k")
                def go(self):
                    self.{name}.capture("Any Name", distinct_id="u")
            """,
        "parameter": f"""
            from posthog import Posthog
            def f({name}: Posthog):
                {name}.capture("Any Name", distinct_id="u")
            """,
    }[form]
    found = _found("app/any.py", textwrap.dedent(source).encode())
    assert [(sdk, event) for _, sdk, _, event in found] == [("posthog", "Any Name")]


@pytest.mark.parametrize(("text", "expected"), [
    ("Posthog", "Posthog"), ("posthog.Posthog", "posthog.Posthog"), ("Optional[Posthog]", "Posthog"),
    ("Posthog | None", "Posthog"), ("None | Posthog", "Posthog"), ('"Posthog"', "Posthog"),
    ("Union[None, 'Posthog']", "Posthog"), ("typing.Optional[Posthog]", "Posthog"),
    ("list[Posthog]", None), ("Posthog | Mixpanel", None), ("Any", None), ("Optional[Any]", None),
    ("dict[str, Posthog]", None), ("", None),
])
def test_annotated_class(text: str, expected: str | None) -> None:
    assert annotated_class(text) == expected


@given(st.text(max_size=40))
def test_annotated_class_never_raises(text: str) -> None:
    result = annotated_class(text)
    assert result is None or re.fullmatch(r"[A-Za-z_][\w.]*", result)


def test_clients_bound_in_another_module_of_the_project(tmp_path: Path) -> None:
    """A client imported from the project's module that binds it, or made by that module's
    function, is found; the module is parsed on demand and the result survives the cache."""
    import shutil

    from tracklint import engine
    from tracklint.config import resolve_settings

    shutil.copytree(FIXTURES / "project", tmp_path, dirs_exist_ok=True)
    (tmp_path / ".git").mkdir()
    expected = [("app/views.py", *row) for row in _expected((tmp_path / "app/views.py").read_text())]
    for cache in (False, True, True):  # without the cache, filling it, read from it
        settings = resolve_settings(cwd=tmp_path, overrides={"cache": cache, "jobs": 1})
        calls = engine.scan(settings).calls
        found = [(c.path, c.span.line, c.sdk, c.kind, c.event or "<none>") for c in calls]
        assert found == expected
