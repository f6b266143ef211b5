"""Regression tests for what the fuzzing campaign (``benchmarks/fuzz.py``) found.

Each test holds the minimal input the campaign's shrinker produced. Bugs in the language
extractors, which other work is still changing, are pinned with ``xfail(strict=True)``: the
test starts passing (and so fails strictly) once the extractor is fixed, and the marker goes.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tracklint.errors import TracklintError
from tracklint.extract import extract_file
from tracklint.extract.presets import DEFAULT_PRESETS, build_specs
from tracklint.importers import import_plan

SPECS = build_specs(DEFAULT_PRESETS)


def _runs(name: str, data: bytes, times: int = 300) -> set[str]:
    """The distinct results of extracting ``data`` ``times`` times (1 when deterministic)."""
    return {repr(extract_file(name, data, SPECS)) for _ in range(times)}


# ---------------------------------------------------------------------------------------------
# extractors: the same file must give the same result every time

# tree-sitter's QueryCursor.captures() does not return nodes in a stable order across parses
# (two calls starting at the same byte, two imports, two ERROR regions): whatever an extractor
# does in capture order must sort first by (start_byte, end_byte).


def test_python_nested_calls_at_one_offset_come_out_in_a_stable_order() -> None:
    assert len(_runs("x.py", b"k( analytics.track().analytics.identify())")) == 1


# Not strict: whether the unstable order shows within one process depends on allocation (it
# does when run alone, not always inside the whole suite).
def test_javascript_syntax_error_notices_are_stable() -> None:
    assert len(_runs("x.js", b'function(d{s.track("";t{""track;')) == 1


def test_typescript_syntax_error_notices_are_stable() -> None:
    assert len(_runs("x.ts", b'function a():d{\na.track("";\no(){\ns.track("";')) == 1


def test_kotlin_imports_of_one_name_resolve_the_same_every_time() -> None:
    assert len(_runs("x.kt", b"import c\nimport o.e\nimport.e")) == 1


# ---------------------------------------------------------------------------------------------
# extractors: directive positions stay on their line


@pytest.mark.parametrize(
    "name",
    [
        "x.js",
        "x.swift",
        "x.kt",
    ],
)
def test_directive_in_a_multi_line_block_comment_ends_on_its_line(name: str) -> None:
    data = b"/*\ntracklint:ignore[TL001]*/"
    (directive,) = extract_file(name, data, SPECS).directives
    first_line = data.split(b"\n")[directive.line - 1].decode()
    assert 1 <= directive.column <= directive.end_column <= len(first_line) + 1


# ---------------------------------------------------------------------------------------------
# extractors: a grammar whose error recovery runs away must not hang the gate

_HANG_SCRIPT = textwrap.dedent(
    """
    import resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (1500 * 1024 * 1024, resource.RLIM_INFINITY))
    from tracklint.extract import base, extract_file
    from tracklint.extract.presets import DEFAULT_PRESETS, build_specs
    base.PARSE_SECONDS = 1.0
    fx = extract_file(sys.argv[1], bytes.fromhex(sys.argv[2]), build_specs(DEFAULT_PRESETS))
    print([n.kind for n in fx.notices])
    """
)


@pytest.mark.parametrize("name", ["x.ts", "x.tsx"])
def test_typescript_error_recovery_blow_up_is_bounded(name: str) -> None:
    # tree-sitter-typescript 0.23 on `[[`, 100 blank lines and `}`: parsing never ends and
    # memory grows by ~50 MB/s. Run in a child process with a memory cap and a timeout.
    data = b"[[\n" + b"  \n" * 100 + b"}"
    try:
        done = subprocess.run([sys.executable, "-c", _HANG_SCRIPT, name, data.hex()],
                              capture_output=True, text=True, timeout=8)
    except subprocess.TimeoutExpired:
        pytest.fail("extract_file did not return within 8 s")
    assert done.returncode == 0, done.stderr[-500:]
    assert "skipped" in done.stdout or "internal" in done.stdout


def test_parse_bounded_resets_the_parser_after_a_timeout() -> None:
    # A cancelled tree-sitter parse is resumed by the parser's next parse() unless reset: the
    # next file would get the broken file's tree (or a segfault).
    from tree_sitter import Language, Parser
    import tree_sitter_typescript

    from tracklint.extract.base import ParseTimeout, parse_bounded

    parser = Parser(Language(tree_sitter_typescript.language_typescript()))
    with pytest.raises(ParseTimeout):
        parse_bounded(parser, b"[[\n" + b"  \n" * 100 + b"}", seconds=0.2)
    tree = parse_bounded(parser, b"analytics.track('x')")
    assert not tree.root_node.has_error
    assert tree.root_node.child(0).type == "expression_statement"


# ---------------------------------------------------------------------------------------------
# importers: a value of the wrong type is a PlanError or a warning, never a TypeError


def _import(tmp_path: Path, name: str, data: object):
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return import_plan([path])


def test_segment_common_schema_with_a_non_string_required_entry(tmp_path: Path) -> None:
    data = {
        "properties": {"context": {}, "properties": {"properties": {"x": {"type": "string"}}}},
        "required": [{"a": 1}, "properties", "userId"],
    }
    result = _import(tmp_path, "common.json", data)
    assert "x" in result.plan.common_properties


def test_segment_plan_name_that_is_not_a_string(tmp_path: Path) -> None:
    data = {"display_name": 7, "rules": {"events": [{"name": "A", "rules": {}}]}}
    try:
        plan = _import(tmp_path, "plan.json", data).plan
    except TracklintError:
        return
    assert plan.name is None


@pytest.mark.parametrize(
    "point",
    [
        {"match": {"type": "custom_event", "criteria": True}},
        {"match": [1], "validator": {"definition": {}}},
        {"match": {"type": "screen_view", "criteria": {"screen_name": "Home"}}, "validator": "json_schema"},
        {"match": {"type": "custom_event", "criteria": {"event_name": "A"}},
         "validator": {"definition": {"properties": [1]}}},
        {"match": {"type": "custom_event", "criteria": {"event_name": "A"}},
         "validator": {"definition": {"properties": {"data": {"properties": "x"}}}}},
    ],
)
def test_mparticle_data_point_parts_of_the_wrong_type(tmp_path: Path, point: dict) -> None:
    data = {"data_plan_id": ["not", "a", "string"], "version_document": {"data_points": [point]}}
    try:
        plan = _import(tmp_path, "plan.json", data).plan
    except TracklintError:
        return
    assert plan.name is None


def test_rudderstack_document_whose_spec_is_not_a_mapping(tmp_path: Path) -> None:
    (tmp_path / "events.yaml").write_text("version: rudder/v0.1\nkind: events\nmetadata: {name: e}\nspec: [1, 2]\n")
    plan = tmp_path / "tracking-plan.yaml"
    plan.write_text("version: rudder/v0.1\nkind: tp\nmetadata: {name: p}\nspec: 7\n")
    try:
        import_plan([plan])
    except TracklintError:
        pass


# ---------------------------------------------------------------------------------------------
# plan loader: positions count code points


def test_invalid_utf8_position_is_a_code_point_column() -> None:
    from tracklint.errors import PlanError
    from tracklint.plan.load import load_plan_text

    with pytest.raises(PlanError) as info:
        load_plan_text(b"\xc3\xa9\xc3\xa9\xc3", "p.yaml")
    assert (info.value.line, info.value.column) == (1, 3)
    assert "byte column 5" in info.value.render()
