"""The plan means what it says: every ``format`` the plan schema allows is checked with declared
dependencies, and a plan naming what it cannot honour (an unknown format, an undeclared source or
destination, a reference to a shared property that does not exist) is refused with a position."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracklint.errors import PlanError
from tracklint.extract.base import Value
from tracklint.plan import formats, load_plan_text
from tracklint.plan.load import plan_schema
from tracklint.plan.model import PropertySpec
from tracklint.rules._common import value_problems

ROOT = Path(__file__).resolve().parent.parent

# format -> (clearly valid literal, clearly invalid literal)
SAMPLES = {
    "date-time": ("2024-03-01T12:30:00Z", "definitely not valid!!"),
    "date": ("2024-02-29", "2023-02-29"),
    "time": ("12:30:00+01:00", "25:61:00Z"),
    "duration": ("P1Y2M3DT4H5M6S", "P1H"),
    "email": ("ada@example.com", "definitely not valid!!"),
    "idn-email": ("用户@例子.广告", "no at sign"),
    "hostname": ("api.example.com", "definitely not valid!!"),
    "idn-hostname": ("bücher.example", "-bad-.example"),
    "ipv4": ("192.168.0.1", "256.1.1.1"),
    "ipv6": ("2001:db8::1", "2001:db8:::1"),
    "uri": ("https://example.com/a?b=c", "definitely not valid!!"),
    "uri-reference": ("../a/b?c#d", "http://[bad"),
    "uuid": ("123e4567-e89b-12d3-a456-426614174000", "123e4567e89b12d3a456426614174000"),
    "regex": ("^ord_[a-z0-9]+$", "(unclosed"),
    "json-pointer": ("/a/b~1c/0", "a/b"),
}


def _problems(value: str, fmt: str) -> list[str]:
    spec = PropertySpec(name="x", type=("string",), format=fmt)
    return value_problems(Value(type="string", value=value, known=True, kind="literal"), spec)


def test_the_schema_allows_exactly_the_checked_formats():
    allowed = plan_schema()["$defs"]["property"]["properties"]["format"]["enum"]
    assert sorted(allowed) == sorted(formats.FORMATS) == sorted(SAMPLES)


@pytest.mark.parametrize("fmt", formats.FORMATS)
def test_every_allowed_format_has_an_installed_checker(fmt):
    # Fails when a format's library is missing: it must never silently accept every value.
    assert formats.missing_package(fmt) is None
    assert callable(formats.checker(fmt))


@pytest.mark.parametrize("fmt", formats.FORMATS)
def test_every_allowed_format_rejects_an_invalid_literal_and_accepts_a_valid_one(fmt):
    valid, invalid = SAMPLES[fmt]
    assert _problems(valid, fmt) == []
    assert _problems(invalid, fmt) == [f'"{invalid}" is not a valid {fmt}']


def test_format_packages_are_declared_dependencies():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    dependencies = text[text.index("dependencies = ["):text.index("]", text.index("dependencies = ["))]
    for package in formats.PACKAGES:
        assert f'"{package}>=' in dependencies


@given(st.text(max_size=40), st.sampled_from(formats.FORMATS))
def test_checkers_never_raise(value, fmt):
    assert formats.conforms(value, fmt) in (True, False)


def _check(tmp_path: Path, plan: str, code: str, *, pre: str = "") -> subprocess.CompletedProcess:
    (tmp_path / "plan.yaml").write_text(textwrap.dedent(plan))
    (tmp_path / "a.js").write_text(code)
    script = pre + "import sys\nfrom tracklint.__main__ import main\nsys.argv = sys.argv[1:]\nmain()\n"
    return subprocess.run(
        [sys.executable, "-c", script, "tracklint", "check", "--no-cache", "--plan", "plan.yaml", "a.js"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"},
    )


FORMAT_PLAN = """\
    tracklint: 1
    events:
      A:
        description: a.
        properties:
          t: {type: string, format: date-time}
          u: {type: string, format: uri}
          h: {type: string, format: hostname}
    """
BAD_CALL = 'analytics.track("A", {t: "definitely not valid!!", u: "definitely not valid!!", h: "definitely not valid!!"});\n'


def test_date_time_uri_hostname_are_checked_end_to_end(tmp_path):
    result = _check(tmp_path, FORMAT_PLAN, BAD_CALL)
    assert result.returncode == 1, result.stdout + result.stderr
    for fmt in ("date-time", "uri", "hostname"):
        assert f'"definitely not valid!!" is not a valid {fmt}' in result.stdout


def test_a_missing_format_library_is_an_error_not_a_silent_pass(tmp_path):
    # Hide rfc3339-validator as if it were not installed: the old code then let every
    # date-time through (exit 0); now the plan cannot be honoured and says so.
    plan = "events:\n  A:\n    description: a.\n    properties:\n      t: {type: string, format: date-time}\n"
    hide = "import sys\nsys.modules['rfc3339_validator'] = None\n"
    result = _check(tmp_path, plan, 'analytics.track("A", {t: "definitely not valid!!"});\n', pre=hide)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "plan.yaml:5:" in result.stderr and "'rfc3339-validator' is not installed" in result.stderr


def test_a_format_library_that_is_found_but_broken_is_a_clear_error(tmp_path):
    # The module exists (the loader's look-up finds it) but importing it fails: the rule that
    # needs it ends the run with a message, never "internal error ... a bug".
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "rfc3339_validator.py").write_text("raise ImportError('a broken installation')\n")
    pre = f"import sys\nsys.path.insert(0, {str(broken)!r})\n"
    result = _check(tmp_path, FORMAT_PLAN, BAD_CALL, pre=pre)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "internal error" not in result.stderr
    assert "format 'date-time' cannot be checked" in result.stderr and "reinstall tracklint" in result.stderr


# ---------------------------------------------------------------------------------------------
# What the plan cannot honour is a positioned plan error


def _error(text: str) -> PlanError:
    with pytest.raises(PlanError) as info:
        load_plan_text(textwrap.dedent(text), "plan.yaml")
    return info.value


def test_unknown_format_is_an_error_with_a_suggestion():
    error = _error("""\
        events:
          A:
            properties:
              email: {type: string, format: emial}
        """)
    assert (error.path, error.line, error.column) == ("plan.yaml", 4, 37)
    assert "'emial'" in error.message
    assert error.hint == "did you mean 'email'?"


def test_undeclared_source_is_an_error_even_when_no_sources_are_declared():
    error = _error("""\
        events:
          A:
            sources: [nowhere]
        """)
    assert (error.line, error.column) == (3, 15)
    assert "source 'nowhere' is not declared" in error.message


def test_undeclared_source_and_destination_with_suggestions():
    error = _error("""\
        sources:
          web: {paths: ["web/**"]}
        destinations: [warehouse]
        events:
          A:
            sources: [webb]
            destinations: [warehous]
        """)
    problems = {(p.line, p.column): p for p in error.problems}
    assert problems[(6, 15)].hint == "did you mean 'web'?"
    assert problems[(7, 20)].hint == "did you mean 'warehouse'?"
    assert "destination 'warehous' is not declared" in problems[(7, 20)].message


def test_unknown_shared_property_reference_is_an_error():
    error = _error("""\
        properties:
          order_id: {type: string}
        events:
          A:
            properties:
              ordr_id: {required: true}
        """)
    assert (error.line, error.column) == (6, 7)
    assert "'ordr_id'" in error.message and "does not define" in error.message
    assert error.hint == "did you mean 'order_id'?"


def test_typed_local_properties_and_plans_without_shared_properties_still_load():
    plan = load_plan_text(textwrap.dedent("""\
        properties:
          order_id: {type: string}
        events:
          A:
            properties:
              order_id: {required: true}
              note: {type: string}
        """), "plan.yaml")
    assert plan.events["A"].properties["order_id"].type == ("string",)
    # Without shared definitions there is nothing to refer to: {} is a property of any type
    # (what importers write for an untyped property).
    plan = load_plan_text("events:\n  A:\n    properties:\n      anything: {}\n", "plan.yaml")
    assert plan.events["A"].properties["anything"].type == ()


def test_check_exits_2_with_the_position_for_an_undeclared_source(tmp_path):
    result = _check(tmp_path, "events:\n  A:\n    sources: [nowhere]\n", 'analytics.track("A");\n')
    assert result.returncode == 2
    assert "plan.yaml:3:15" in result.stderr
