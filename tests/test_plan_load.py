"""Tests for plan loading: the model built from valid plans, and positioned errors for bad ones."""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tracklint.errors import PlanError
from tracklint.plan import load_plan, load_plan_text
from tracklint.plan.load import SCHEMA_PATH, plan_schema
from tracklint.plan.model import SCHEMA_WORDS
from tracklint.plan.yaml_loader import MAX_BYTES

PLANS = Path(__file__).resolve().parent / "fixtures" / "plans"


def _error(text: str | bytes, path: str = "plan.yaml") -> PlanError:
    with pytest.raises(PlanError) as info:
        load_plan_text(text, path)
    return info.value


# ---------------------------------------------------------------------------------------------
# Valid plans -> model


@pytest.fixture(scope="module")
def acme():
    return load_plan(PLANS / "acme.yaml")


def test_top_level(acme):
    assert acme.name == "Acme tracking plan"
    assert acme.version == "2.3.0"
    assert acme.format_version == 1
    assert acme.conventions.event_name == "title-case"
    assert acme.conventions.property_name == "snake_case"
    assert acme.destinations == ("warehouse", "amplitude", "braze")
    assert acme.root == str(PLANS)
    assert acme.files == (str(PLANS / "acme.yaml"),)
    web = acme.sources["web"]
    assert web.paths == ("apps/web/**",)
    assert (web.location.line, web.location.column) == (9, 3)


def test_shared_definition_merged_into_use(acme):
    order_id = acme.events["Order Completed"].properties["order_id"]
    assert order_id.required is True  # overridden locally
    assert order_id.type == ("string",)  # from the shared definition
    assert order_id.pattern == "^ord_[a-z0-9]+$"
    assert order_id.shared == "order_id"
    assert (order_id.location.line, order_id.location.column) == (30, 7)  # the use, not the def
    assert acme.shared_properties["order_id"].required is False


def test_empty_spec_uses_shared_definition(acme):
    currency = acme.events["Order Completed"].properties["currency"]
    assert currency.enum == ("USD", "EUR", "GBP")
    assert currency.shared == "currency"
    assert acme.screens["Cart"].properties["currency"].enum == ("USD", "EUR", "GBP")


def test_types_are_tuples_and_null_is_a_type(acme):
    props = acme.events["Order Completed"].properties
    assert props["revenue"].type == ("number",)
    assert props["revenue"].minimum == 0
    assert props["revenue"].required is True
    assert props["coupon"].type == ("string", "null")
    assert props["coupon"].nullable


def test_nested_objects_and_arrays(acme):
    products = acme.events["Order Completed"].properties["products"]
    assert products.type == ("array",)
    assert products.items.type == ("object",)
    sku = products.items.properties["sku"]
    assert sku.type == ("string",) and sku.required
    assert products.items.properties["quantity"].minimum == 1
    assert sku.location.line == 39


def test_event_fields_and_defaults(acme):
    completed = acme.events["Order Completed"]
    assert completed.description.startswith("Checkout succeeded")
    assert completed.owner == "growth"
    assert completed.sources == ("web", "ios", "android")
    assert completed.destinations == ("warehouse", "amplitude")
    assert completed.previous_names == ("Completed Order",)
    assert completed.deprecated is False
    assert completed.required == ["order_id", "revenue"]
    assert (completed.location.line, completed.location.column) == (21, 3)
    signed_up = acme.events["Signed Up"]
    assert signed_up.sources is None and signed_up.destinations is None
    assert signed_up.additional_properties is False
    assert signed_up.deprecated == "use 'Account Created'"
    assert signed_up.is_deprecated


def test_common_pages_screens_traits(acme):
    assert acme.common_properties["app_version"].type == ("string",)
    assert acme.pages["Home"].kind == "page"
    assert acme.pages["Home"].description == "The landing page."
    assert acme.screens["Cart"].kind == "screen"
    email = acme.identify.traits["email"]
    assert email.format == "email" and email.pii is True
    assert acme.identify.additional_properties is True
    assert acme.group is not None and acme.group.traits == {}
    assert [e.name for e in acme.all_events()] == ["Order Completed", "Signed Up", "Home", "Cart"]


def test_minimal_and_null_bodies():
    plan = load_plan_text("events:\n  Signed Up:\n  Logged In: {properties: {method:}}\n", "p.yaml")
    assert set(plan.events) == {"Signed Up", "Logged In"}
    assert plan.events["Logged In"].properties["method"].type == ()
    assert plan.identify is None
    assert plan.format_version == 1


def test_version_kept_as_written():
    assert load_plan_text("version: 2.10\nevents: {}\n", "p.yaml").version == "2.10"


def test_yaml_booleans_as_keys_stay_names():
    plan = load_plan_text("events:\n  A:\n    properties:\n      on: {type: boolean}\n      404: {}\n", "p.yaml")
    assert list(plan.events["A"].properties) == ["on", "404"]


def test_merge_keys_and_aliases():
    text = (
        "properties:\n"
        "  base: &money {type: number, minimum: 0}\n"
        "events:\n"
        "  A:\n"
        "    properties:\n"
        "      revenue: {<<: *money, required: true}\n"
        "      tax: *money\n"
    )
    props = load_plan_text(text, "p.yaml").events["A"].properties
    assert props["revenue"].type == ("number",) and props["revenue"].required
    assert props["tax"].minimum == 0


def test_const_and_ranges():
    text = "events:\n  A:\n    properties:\n      kind: {const: x}\n      n: {type: integer, exclusiveMinimum: 0, maxLength: 3}\n"
    props = load_plan_text(text, "p.yaml").events["A"].properties
    assert props["kind"].has_const and props["kind"].const == "x"
    assert props["n"].exclusive_minimum == 0
    assert props["n"].max_length == 3


def test_utf8_bom_accepted():
    plan = load_plan_text("\ufeffevents:\n  Café Viewed: {}\n".encode("utf-8"), "p.yaml")
    assert list(plan.events) == ["Café Viewed"]


def test_include_split_plan():
    plan = load_plan(PLANS / "split" / "plan.yaml")
    assert set(plan.events) == {"App Opened", "Order Completed", "Signed Up"}
    assert set(plan.pages) == {"Pricing"}
    assert len(plan.files) == 4
    order_id = plan.events["Order Completed"].properties["order_id"]
    assert order_id.pattern == "^ord_" and order_id.required
    assert order_id.location.path.endswith(os.path.join("events", "checkout.yaml"))
    assert plan.events["Order Completed"].location.path == str(PLANS / "split" / "events" / "checkout.yaml")


def test_load_time_200_events(tmp_path):
    events = {}
    for i in range(200):
        events[f"Event Number {i}"] = {
            "description": f"Event {i}.",
            "owner": "growth",
            "properties": {
                "order_id": {"required": True},
                **{f"prop_{j}": {"type": "string", "enum": ["a", "b"], "required": j % 2 == 0} for j in range(8)},
                "items": {"type": "array", "items": {"type": "object", "properties": {"sku": {"type": "string"}}}},
            },
        }
    data = {"tracklint": 1, "properties": {"order_id": {"type": "string", "pattern": "^ord_"}}, "events": events}
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    load_plan(path)  # warm imports and caches
    start = time.perf_counter()
    plan = load_plan(path)
    elapsed = time.perf_counter() - start
    assert len(plan.events) == 200
    assert elapsed < 3.0, elapsed


# ---------------------------------------------------------------------------------------------
# Errors: file, line, column, message


@pytest.mark.parametrize(
    ("text", "line", "column", "needle"),
    [
        ("events:\n  A: {description: x\n", 3, 1, "invalid YAML"),
        ("a: b: c\n", 1, 5, "mapping values are not allowed"),
        ("events:\n\t- b\n", 2, 1, "a tab cannot indent"),
        ("events:\n  A:\n    descripton: x\n", 3, 5, "unknown key 'descripton'"),
        ("events:\n  A:\n    properties:\n      x: {type: strng}\n", 4, 17, "'strng' is not one of"),
        ("events:\n  A:\n    properties:\n      x: {minimum: zero}\n", 4, 20, "expected a number, got string 'zero'"),
        ("events:\n  A:\n    deprecated: 3\n", 3, 17, "expected true or false or a string"),
        ("conventions: {event_name: snake-case}\n", 1, 27, "'snake-case' is not one of"),
        ("tracklint: 2\n", 1, 12, "unsupported plan format version 2"),
        ("events: [a, b]\n", 1, 9, "events: expected a mapping, got a list"),
        ("sources:\n  web: {}\n", 2, 3, "missing required key 'paths'"),
        ("- a\n", 1, 1, "expected the plan to be a mapping"),
        ("", 1, 1, "the plan is empty"),
        ("events:\n  A: {}\n  A: {}\n", 3, 3, "duplicate key 'A' (first defined at line 2, column 3)"),
        ("events: !!python/object:os.system {}\n", 1, 9, "unsupported YAML tag !!python/object:os.system"),
        ("events:\n  A\x01: {}\n", 2, 4, "U+0001"),
        ("a: &a [*a]\n", 1, 4, "recursive YAML alias"),
        ("properties:\n  x: {pattern: '(?=a)'}\n", 2, 16, "lookahead"),
        ("properties:\n  x: {pattern: '[a-'}\n", 2, 16, "invalid pattern"),
        ("conventions:\n  property_name: {pattern: '(a)\\1'}\n", 2, 28, "backreferences"),
        ("sources: {web: {paths: [a]}}\nevents:\n  A: {sources: [webb]}\n", 3, 17, "source 'webb' is not declared"),
        ("destinations: [amplitude]\nevents:\n  A: {destinations: [amplitud]}\n", 3, 22, "destination 'amplitud' is not declared"),
        ("events:\n  A:\n    properties:\n      n: {minimum: 5, maximum: 1}\n", 4, 20, "minimum 5 is greater than maximum 1"),
        ("properties:\n  n: {maxLength: 1}\nevents:\n  A:\n    properties:\n      n: {minLength: 3}\n", 6, 7, "minLength 3 is greater than maxLength 1"),
        ("events:\n  A:\n    sources: [web, web]\n", 3, 14, "duplicate items"),
        ("include: [missing.yaml]\n", 1, 11, "included file 'missing.yaml' does not exist"),
        ("include: ['nothing/*.yaml']\n", 1, 11, "matches no file"),
    ],
)
def test_error_positions(text, line, column, needle, tmp_path):
    error = _error(text, str(tmp_path / "plan.yaml"))
    assert error.path == str(tmp_path / "plan.yaml")
    assert (error.line, error.column) == (line, column), error.render()
    assert needle in error.message, error.render()
    assert error.render().startswith(f"{tmp_path / 'plan.yaml'}:{line}:{column}: ")


def test_unknown_key_did_you_mean():
    error = _error("events:\n  A:\n    properties:\n      x: {typ: string}\n")
    assert error.hint == "did you mean 'type'?"
    error = _error("evnts: {}\n")
    assert error.hint == "did you mean 'events'?"
    error = _error("zzzzzz: {}\n")
    assert error.hint.startswith("expected one of: ")


def test_enum_did_you_mean():
    assert _error("conventions: {event_name: snake-case}\n").hint == "did you mean 'snake_case'?"


def test_several_errors_reported_together():
    text = "evnts: {}\nevents:\n  A:\n    owner: 3\n    properties:\n      x: {type: strng}\n"
    error = _error(text)
    lines = error.render().splitlines()
    assert lines[0] == "plan.yaml: the plan has 3 problems:"
    assert lines[1].startswith("  plan.yaml:1:1: unknown key 'evnts'")
    assert lines[2].startswith("  plan.yaml:4:12: events.A.owner: expected a string")
    assert lines[3].startswith("  plan.yaml:6:17: ")
    assert [(p.line, p.column) for p in error.problems] == [(1, 1), (4, 12), (6, 17)]


def test_alias_bomb_rejected_quickly():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    start = time.perf_counter()
    error = _error("\n".join(lines) + "\n")
    elapsed = time.perf_counter() - start
    assert "expands to more than" in error.message
    assert elapsed < 1.0, elapsed


def test_deep_nesting_rejected():
    error = _error("a: " + "[" * 5000 + "]" * 5000 + "\n")
    assert "nested too deeply" in error.message
    error = _error("a: " + "[" * 100 + "]" * 100 + "\n")
    assert "nested too deeply" in error.message


def test_huge_file_rejected(tmp_path):
    path = tmp_path / "plan.yaml"
    with path.open("wb") as handle:
        handle.write(b"events: {}\n# " + b"x" * (MAX_BYTES + 10) + b"\n")
    with pytest.raises(PlanError) as info:
        load_plan(path)
    assert "too large" in info.value.message and "10 MB" in info.value.message
    assert "too large" in _error("#" + "x" * (MAX_BYTES + 1)).message


def test_not_utf8():
    error = _error(b"events:\n  caf\xe9: {}\n")
    assert (error.line, error.column) == (2, 6)
    assert "not valid UTF-8" in error.message
    assert "UTF-16" in _error("events: {}\n".encode("utf-16")).message


def test_missing_file(tmp_path):
    with pytest.raises(PlanError, match="does not exist"):
        load_plan(tmp_path / "nope.yaml")
    with pytest.raises(PlanError, match="directory"):
        load_plan(tmp_path)


def test_include_cycle():
    with pytest.raises(PlanError) as info:
        load_plan(PLANS / "cycle" / "plan.yaml")
    error = info.value
    assert "include cycle: a.yaml -> b.yaml -> a.yaml" in error.message
    assert error.path.endswith(os.path.join("cycle", "b.yaml"))
    assert (error.line, error.column) == (3, 11)


def test_include_glob_skips_the_including_file(tmp_path):
    (tmp_path / "plan.yaml").write_text("include: ['*.yaml']\nevents:\n  A: {}\n")
    (tmp_path / "more.yaml").write_text("events:\n  B: {}\n")
    plan = load_plan(tmp_path / "plan.yaml")
    assert set(plan.events) == {"A", "B"}
    assert plan.files == (str(tmp_path / "plan.yaml"), str(tmp_path / "more.yaml"))


def test_include_self_by_name_is_a_cycle(tmp_path):
    (tmp_path / "plan.yaml").write_text("include: [plan.yaml]\n")
    with pytest.raises(PlanError, match="include cycle: plan.yaml -> plan.yaml"):
        load_plan(tmp_path / "plan.yaml")


def test_many_problems_are_capped():
    text = "events:\n" + "".join(f"  E{i}: {{ownr: x}}\n" for i in range(150))
    error = _error(text)
    assert error.message.startswith("the plan has 150 problems:")
    assert error.message.endswith("... and 50 more")
    assert len(error.problems) == 150


def test_include_escaping_tree():
    with pytest.raises(PlanError) as info:
        load_plan(PLANS / "escape" / "plan.yaml")
    assert "outside the plan's directory" in info.value.message
    assert (info.value.line, info.value.column) == (2, 5)


def test_include_escaping_through_symlink(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text("events:\n  X: {}\n")
    plan_dir = tmp_path / "plan"
    plan_dir.mkdir()
    (plan_dir / "link.yaml").symlink_to(outside / "secret.yaml")
    (plan_dir / "plan.yaml").write_text("include: [link.yaml]\n")
    with pytest.raises(PlanError, match="outside the plan's directory"):
        load_plan(plan_dir / "plan.yaml")


def test_duplicates_across_files_name_both_locations():
    with pytest.raises(PlanError) as info:
        load_plan(PLANS / "dupes" / "plan.yaml")
    error = info.value
    assert error.path.endswith(os.path.join("dupes", "more.yaml"))
    assert (error.line, error.column) == (3, 3)
    assert "event 'Order Completed' is defined twice" in error.message
    assert f"{PLANS / 'dupes' / 'plan.yaml'}:3:3" in error.message


def test_errors_in_included_file_are_positioned_there(tmp_path):
    (tmp_path / "plan.yaml").write_text("include: [more.yaml]\n")
    (tmp_path / "more.yaml").write_text("events:\n  A:\n    ownr: x\n")
    with pytest.raises(PlanError) as info:
        load_plan(tmp_path / "plan.yaml")
    assert info.value.path == str(tmp_path / "more.yaml")
    assert (info.value.line, info.value.column) == (3, 5)
    assert info.value.hint == "did you mean 'owner'?"


def test_fragment_rejects_main_plan_keys(tmp_path):
    (tmp_path / "plan.yaml").write_text("include: [more.yaml]\n")
    (tmp_path / "more.yaml").write_text("sources: {}\n")
    with pytest.raises(PlanError, match="unknown key 'sources'"):
        load_plan(tmp_path / "plan.yaml")


# ---------------------------------------------------------------------------------------------
# The schema


def test_schema_is_a_valid_json_schema():
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"].endswith("schema.json")
    assert schema["title"] and schema["description"]


def test_schema_property_words_match_the_model():
    words = set(plan_schema()["$defs"]["property"]["properties"])
    assert set(SCHEMA_WORDS) <= words
    assert {"required", "pii", "deprecated", "description", "additional_properties"} <= words


def test_schema_accepts_the_spec_example(acme):
    data = yaml.safe_load((PLANS / "acme.yaml").read_text())
    jsonschema.Draft202012Validator(plan_schema()).validate(data)


# ---------------------------------------------------------------------------------------------
# Robustness


# An empty directory, so that fuzzed `include:` globs find nothing to read.
_FUZZ_DIR = Path(tempfile.mkdtemp(prefix="tracklint-fuzz-"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
@example("a: &a [*a]")
@example("? [a]\n: b")
@example("events: {A: {properties: {x: {type: [string, 1]}}}}")
@example("x: 99999999999999999999999999999999999999999999e99999")
@example("%YAML 1.1\n---\na: b\n---\nc: d")
def test_loader_only_raises_plan_error_on_text(text):
    try:
        load_plan_text(text, str(_FUZZ_DIR / "fuzz.yaml"))
    except PlanError:
        pass


_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=8))
_keys = st.sampled_from(
    ["events", "properties", "type", "enum", "items", "pattern", "required", "sources", "paths",
     "destinations", "include", "conventions", "event_name", "identify", "traits", "common",
     "minimum", "maximum", "A", "x", "deprecated", "previous_names", "pages", "const"]
)
_data = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_keys, inner, max_size=4), max_leaves=25)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.dictionaries(_keys, _data, max_size=5))
def test_loader_only_raises_plan_error_on_plan_like_data(data):
    text = yaml.safe_dump(data)
    try:
        load_plan_text(text, str(_FUZZ_DIR / "fuzz.yaml"))
    except PlanError:
        pass


# ---------------------------------------------------------------------------------------------
# Include globs: bounded, inside the plan's directory


def test_include_glob_does_not_follow_directory_symlink_loops(tmp_path):
    events = tmp_path / "events"
    events.mkdir()
    (events / "b.yaml").write_text("events:\n  B: {}\n")
    (events / "l1").symlink_to("..")
    (events / "l2").symlink_to("..")
    (tmp_path / "plan.yaml").write_text('include: ["events/**/*.yaml"]\nevents:\n  A: {}\n')
    started = time.monotonic()
    plan = load_plan(tmp_path / "plan.yaml")
    assert time.monotonic() - started < 5
    assert set(plan.events) == {"A", "B"}
    assert plan.files == (str(tmp_path / "plan.yaml"), str(events / "b.yaml"))


def test_include_glob_does_not_descend_into_a_symlink_out_of_the_tree(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.yaml").write_text("events:\n  X: {}\n")
    plan_dir = tmp_path / "plan"
    (plan_dir / "events").mkdir(parents=True)
    (plan_dir / "events" / "out").symlink_to(outside)
    (plan_dir / "events" / "a.yaml").write_text("events:\n  A: {}\n")
    (plan_dir / "plan.yaml").write_text('include: ["events/**/*.yaml"]\n')
    assert set(load_plan(plan_dir / "plan.yaml").events) == {"A"}


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("/**/*.x", "include pattern '/**/*.x' is absolute"),
        ("../../**/*.x", "outside the plan's directory"),
        ("sub/../../**/*.x", "outside the plan's directory"),
    ],
)
def test_include_glob_outside_the_tree_is_refused_before_walking(tmp_path, entry, message):
    (tmp_path / "a" / "sub").mkdir(parents=True)
    (tmp_path / "a" / "plan.yaml").write_text(f"events: {{}}\ninclude: ['{entry}']\n")
    with pytest.raises(PlanError) as info:
        load_plan(tmp_path / "a" / "plan.yaml")
    assert message in info.value.message
    assert (info.value.path, info.value.line, info.value.column) == (str(tmp_path / "a" / "plan.yaml"), 2, 11)


def test_include_glob_has_a_budget_of_directory_entries(tmp_path, monkeypatch):
    from tracklint.plan import load as load_module

    monkeypatch.setattr(load_module, "MAX_INCLUDE_ENTRIES", 50)
    for i in range(60):
        (tmp_path / "many" / f"d{i}").mkdir(parents=True)
    (tmp_path / "plan.yaml").write_text("events: {}\ninclude: ['many/**/*.yaml']\n")
    with pytest.raises(PlanError) as info:
        load_plan(tmp_path / "plan.yaml")
    assert "looks at more than 50 directory entries" in info.value.message
    assert (info.value.line, info.value.column) == (2, 11)


def test_included_files_have_a_total_size_cap(tmp_path, monkeypatch):
    from tracklint.plan import load as load_module

    monkeypatch.setattr(load_module, "MAX_TOTAL_BYTES", 200)
    for i in range(3):
        (tmp_path / f"part{i}.yaml").write_text(f"events:\n  E{i}:\n    description: {'x' * 80}\n")
    (tmp_path / "plan.yaml").write_text("events: {}\ninclude: ['part*.yaml']\n")
    with pytest.raises(PlanError) as info:
        load_plan(tmp_path / "plan.yaml")
    assert "larger than" in info.value.message
    assert (info.value.path, info.value.line) == (str(tmp_path / "plan.yaml"), 2)


_GLOB_PARTS = st.sampled_from(["a", "b", "*", "**", "*.yaml", "?.yaml", "a*"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    files=st.lists(st.lists(st.sampled_from(["a", "b", "ab", "a.yaml", "b.yaml", "c.yml"]), min_size=1, max_size=4),
                   min_size=1, max_size=8),
    parts=st.lists(_GLOB_PARTS, min_size=1, max_size=4),
)
def test_include_glob_walk_matches_glob_on_trees_without_symlinks(tmp_path_factory, files, parts):
    # Without symlinks the bounded walk finds exactly the files that glob.glob finds.
    import glob as globlib

    from tracklint.plan.load import _glob_parts, _GlobWalk

    root = tmp_path_factory.mktemp("tree")
    for segments in files:
        path = root.joinpath(*segments)
        if any(p.is_file() for p in [*path.parents][: len(segments) - 1]) or path.is_dir():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("events: {}\n")
    pattern = "/".join(parts)
    if not globlib.has_magic(pattern):
        return
    expected = sorted({m for m in globlib.glob(os.path.join(root, pattern), recursive=True) if os.path.isfile(m)})
    walk = _GlobWalk(Path(os.path.realpath(root)))
    found = sorted({m for m in walk.match(str(root), _glob_parts(pattern)) if os.path.isfile(m)})
    assert [os.path.normpath(m) for m in found] == [os.path.normpath(m) for m in expected]


@pytest.mark.parametrize(
    "text, line, column",
    [
        ('tracklint: 1\nevents:\n  "Bad \\ud800 Event":\n    description: x\n', 3, 3),
        ('tracklint: 1\nevents:\n  A:\n    description: "half \\udfff a pair"\n', 4, 18),
    ],
    ids=["key", "value"],
)
def test_an_escaped_lone_surrogate_is_a_positioned_error(text, line, column):
    # A "\ud800" escape loaded silently, then broke `export` (a traceback) and every report that
    # printed the name: no UTF-8 output can hold it.
    err = _error(text)
    problem = err.problems[0] if getattr(err, "problems", None) else err
    assert "unpaired surrogate" in str(err)
    assert (problem.line, problem.column) == (line, column)


def test_an_unreadable_huge_number_is_quoted_short():
    digits = "9" * 5000
    err = _error(f"tracklint: 1\nevents:\n  A:\n    properties:\n      n: {{type: integer, maximum: {digits}}}\n")
    assert "5000 characters" in str(err)
    assert digits not in str(err)
