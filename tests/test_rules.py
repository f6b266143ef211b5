"""Every rule against annotated fixtures in every language.

Each directory under ``tests/fixtures/rules/`` holds sources in Python, JavaScript, TypeScript,
Swift and Kotlin. A ``tracklint-expect: CODE`` comment sits on the line before each expected
finding, ``tracklint-ok: CODE`` before each call that must not produce one. The test runs the
real engine on the directory with every rule enabled and compares, for the codes annotated in
that directory, the findings with the annotations, line for line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tracklint import engine
from tracklint.config import resolve_settings
from tracklint.extract import languages
from tracklint.plan.load import load_plan

RULE_FIXTURES = Path(__file__).parent / "fixtures" / "rules"
MARK = re.compile(r"tracklint-(expect|ok):\s*([A-Z0-9, ]+)")
#: The suffixes of each language family (from the table of languages).
FAMILY_SUFFIXES: dict[str, set[str]] = {}
for _row in languages.LANGUAGES:
    FAMILY_SUFFIXES.setdefault(_row.family, set()).update(_row.suffixes)


def _annotations(directory: Path) -> tuple[set, set, set[str]]:
    expected, ok, codes = set(), set(), set()
    for path in sorted(directory.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(directory).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = MARK.search(line)
            if not match:
                continue
            for code in (c.strip() for c in match.group(2).split(",")):
                if not code:
                    continue
                codes.add(code)
                (expected if match.group(1) == "expect" else ok).add((rel, number + 1, code))
    return expected, ok, codes


def _run(directory: Path):
    plan_path = directory / "plan.yaml"
    if not plan_path.is_file():
        plan_path = RULE_FIXTURES / "plan.yaml"
    settings = resolve_settings(
        cwd=directory,
        isolated=True,
        overrides={"root": directory, "paths": (directory,), "plan": plan_path, "cache": False, "jobs": 1},
    )
    return engine.run(settings, load_plan(plan_path))


CASES = sorted(p.name for p in RULE_FIXTURES.iterdir() if p.is_dir())


@pytest.mark.parametrize("case", [c for c in CASES if c != "TL000"])
def test_rule_fixture(case: str) -> None:
    directory = RULE_FIXTURES / case
    expected, ok, codes = _annotations(directory)
    assert expected, f"{case} has no tracklint-expect annotation"
    result = _run(directory)
    found = {
        (d.location.path, d.location.line, d.code)
        for d in result.active
        if d.code in codes
    }
    missing = sorted(expected - found)
    unexpected = sorted(found - expected)
    assert not missing and not unexpected, (
        f"missing findings: {missing}\nunexpected findings: {unexpected}\n"
        + "\n".join(f"  {d.location.path}:{d.location.line} {d.code} {d.message}" for d in result.active)
    )
    assert not (ok & found)


@pytest.mark.parametrize("case", [c for c in CASES if c.startswith("TL0") and c not in ("TL000", "TL012")])
def test_every_language_has_positive_and_negative_cases(case: str) -> None:
    directory = RULE_FIXTURES / case
    expected, ok, _ = _annotations(directory)
    suffixes_expected = {Path(p).suffix for p, _, _ in expected}
    suffixes_ok = {Path(p).suffix for p, _, _ in ok} | suffixes_expected
    for family, suffixes in sorted(FAMILY_SUFFIXES.items()):
        assert suffixes & suffixes_expected, f"{case}: no positive case in a {family} file"
        assert suffixes & suffixes_ok, f"{case}: no negative case in a {family} file"


def test_syntax_error_region_is_reported_and_valid_calls_still_checked() -> None:
    result = _run(RULE_FIXTURES / "TL000")
    by_file = {}
    for d in result.active:
        by_file.setdefault(d.location.path, set()).add(d.code)
    for name in ("app.py", "app.ts", "App.java", "app.rb"):
        assert "TL000" in by_file.get(name, set()), f"{name}: the broken region was not reported: {by_file}"
    sent = {(c.path, c.event) for c in result.calls}
    assert all((name, "Signed Up") in sent for name in ("app.py", "app.ts", "App.java", "app.rb"))


def test_rules_registry_is_complete_and_documented() -> None:
    from tracklint.rules import RULES

    for code, rule in RULES.items():
        assert re.fullmatch(r"TL\d{3}", code)
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.NAME)
        assert rule.SCOPE in ("call", "project", "plan", "engine")
        assert rule.DEFAULT_SEVERITY in ("error", "warning", "note")
        doc = rule.__doc__ or ""
        for section in ("## What it does", "## Why is this bad?", "## Example"):
            assert section in doc, f"{code} lacks {section!r}"
    names = [r.NAME for r in RULES.values()]
    assert len(names) == len(set(names))
