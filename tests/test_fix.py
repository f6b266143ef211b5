"""``check --fix``, ``--diff`` and ``--unsafe-fixes``: the rename example in every language, the
literal forms a fix keeps, constants fixed at their definition, the outputs that announce a fix,
and idempotence over generated sources."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tracklint import fix
from tracklint.extract.base import LineIndex
from tracklint.cli import app

PLAN = """tracklint: 1
events:
  User Signed Up:
    description: A user signed up.
    previous_names: [signup]
  Order Completed:
    description: Paid.
    properties:
      order_id: {type: string}
"""

_JAVA = ("import com.segment.analytics.Analytics;\nimport com.segment.analytics.messages.TrackMessage;\n"
         "class A {{\n  private final Analytics analytics;\n  void f() {{\n{call}\n  }}\n}}\n")

_GO = ('package app\n\nimport analytics "github.com/segmentio/analytics-go/v3"\n\n'
       'func f(client analytics.Client) {{\n\tclient.Enqueue(analytics.Track{{UserId: "u", Event: {lit}}})\n}}\n')
_RUBY = "class A\n  def f\n    Analytics.track(user_id: 'u', event: {lit})\n  end\nend\n"

#: One call of the old name ``signup`` in each language, and the same call after the fix.
RENAME = {
    "app.py": ('import analytics\nanalytics.track("u1", "signup")\n',
               'import analytics\nanalytics.track("u1", "User Signed Up")\n'),
    "app.js": ("analytics.track('signup');\n", "analytics.track('User Signed Up');\n"),
    "app.ts": ("analytics.track(`signup`, {});\n", "analytics.track(`User Signed Up`, {});\n"),
    "App.tsx": ('export const A = () => { analytics.track("signup"); return <b/>; };\n',
                'export const A = () => { analytics.track("User Signed Up"); return <b/>; };\n'),
    "App.swift": ('import Segment\nfunc f(analytics: Analytics) { analytics.track(name: "signup") }\n',
                  'import Segment\nfunc f(analytics: Analytics) { analytics.track(name: "User Signed Up") }\n'),
    "App.kt": ('import com.segment.analytics.kotlin.core.Analytics\nfun f(analytics: Analytics) { analytics.track("signup") }\n',
               'import com.segment.analytics.kotlin.core.Analytics\nfun f(analytics: Analytics) { analytics.track("User Signed Up") }\n'),
    "App.java": (_JAVA.format(call='analytics.enqueue(TrackMessage.builder("signup").userId("u"));'),
                 _JAVA.format(call='analytics.enqueue(TrackMessage.builder("User Signed Up").userId("u"));')),
    "app.go": (_GO.format(lit="`signup`"), _GO.format(lit="`User Signed Up`")),
    "app.rb": (_RUBY.format(lit='"signup"'), _RUBY.format(lit='"User Signed Up"')),
}


def invoke(cwd: Path, *args: str):
    old = os.getcwd()
    os.chdir(cwd)
    try:
        env = {"TRACKLINT_OUTPUT_FORMAT": None, "GITHUB_STEP_SUMMARY": None, "GITHUB_WORKSPACE": None}
        return CliRunner().invoke(app, ["check", "--no-cache", *args], env=env, catch_exceptions=False)
    finally:
        os.chdir(old)


def project(root: Path, files: dict[str, str | bytes], plan: str = PLAN) -> Path:
    (root / ".git").mkdir(parents=True)
    (root / "tracking-plan.yaml").write_text(plan)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize("name", sorted(RENAME))
def test_the_rename_example_is_fixed_in_every_language(tmp_path, name):
    before, after = RENAME[name]
    root = project(tmp_path, {name: before})
    diff = invoke(root, "--diff", "--select", "TL001")
    assert diff.exit_code == 1
    changed = next(i for i, (a, b) in enumerate(zip(before.splitlines(), after.splitlines())) if a != b)
    assert f"-{before.splitlines()[changed]}" in diff.stdout and f"+{after.splitlines()[changed]}" in diff.stdout
    assert (root / name).read_text() == before  # --diff changes nothing
    fixed = invoke(root, "--fix", "--select", "TL001")
    assert (root / name).read_text() == after
    assert fixed.exit_code == 0, fixed.stdout
    assert invoke(root, "--select", "TL001").exit_code == 0
    again = invoke(root, "--diff", "--select", "TL001")
    assert again.exit_code == 0 and again.stdout == ""


def test_unsafe_fixes_need_the_flag(tmp_path):
    source = 'analytics.track("Order Complete", {order_id: "1"});\n'
    root = project(tmp_path, {"app.js": source})
    assert invoke(root, "--fix").exit_code == 1
    assert (root / "app.js").read_text() == source  # a close name is a guess
    report = invoke(root, "-f", "full", "--color", "never")
    assert "[fixable with --unsafe-fixes]" in report.stdout
    assert invoke(root, "--fix", "--unsafe-fixes").exit_code == 0
    assert (root / "app.js").read_text() == 'analytics.track("Order Completed", {order_id: "1"});\n'


def test_a_constant_is_fixed_once_at_its_definition_in_its_own_file(tmp_path):
    root = project(tmp_path, {
        "events.py": "# the events\nSIGNED_UP: str = 'signup'\nOTHER = 'signup_other'\n",
        "a.py": "import analytics\nfrom events import SIGNED_UP\nanalytics.track('u', SIGNED_UP)\n",
        "b.py": "import analytics\nfrom events import SIGNED_UP\nanalytics.track('u', SIGNED_UP, {})\n",
    })
    doc = json.loads(invoke(root, "-f", "json", "--select", "TL001").stdout)
    edits = {json.dumps(d["fix"]["edits"]) for d in doc["diagnostics"]}
    assert len(doc["diagnostics"]) == 2 and len(edits) == 1  # both calls ask for the same edit
    assert invoke(root, "--fix", "--select", "TL001").exit_code == 0
    assert (root / "events.py").read_text() == "# the events\nSIGNED_UP: str = 'User Signed Up'\nOTHER = 'signup_other'\n"
    assert "SIGNED_UP)" in (root / "a.py").read_text()


def test_a_constant_defined_twice_alike_gets_no_fix(tmp_path):
    # two definitions that could be the one: no guess
    source = ("const K = { SIGNED: 'signup' };\nconst L = { SIGNED: 'signup' };\n"
              "const SIGNED = 'signup';\nanalytics.track(SIGNED);\n")
    root = project(tmp_path, {"app.js": source})
    doc = json.loads(invoke(root, "-f", "json", "--select", "TL001").stdout)
    assert [d["fix"] for d in doc["diagnostics"]] == [None]


def test_property_keys_are_fixed_after_the_event_and_a_shorthand_key_is_not(tmp_path):
    root = project(tmp_path, {"app.js": "analytics.track('signup', {});\nanalytics.track('Order Completed', {orderId: 1});\n"
                                          "analytics.track('Order Completed', {'Order-ID': 1});\n"
                                          "analytics.track('Order Completed', {orderId});\n"})
    invoke(root, "--fix")
    assert (root / "app.js").read_text() == (
        "analytics.track('User Signed Up', {});\nanalytics.track('Order Completed', {order_id: 1});\n"
        "analytics.track('Order Completed', {'order_id': 1});\nanalytics.track('Order Completed', {orderId});\n")


def test_no_key_rename_gives_an_object_a_key_twice(tmp_path):
    source = ("analytics.track('Order Completed', {orderId: 1, 'order-id': 2});\n"
              "analytics.track('Order Completed', {orderId: 1, order_id: '2'});\n")
    root = project(tmp_path, {"app.js": source})
    doc = json.loads(invoke(root, "-f", "json", "--select", "TL005").stdout)
    assert len(doc["diagnostics"]) == 3 and [d["fix"] for d in doc["diagnostics"]] == [None] * 3


def test_ruby_symbol_keys_are_renamed(tmp_path):
    root = project(tmp_path, {"app.rb": "Analytics.track(user_id: 'u', event: 'Order Completed', properties: { orderId: '1' })\n"})
    assert invoke(root, "--fix").exit_code == 0
    assert "{ order_id: '1' }" in (root / "app.rb").read_text()


def test_byte_order_mark_and_crlf_line_ends_are_kept(tmp_path):
    data = b"\xef\xbb\xbfimport analytics\r\nanalytics.track('u', 'signup')\r\n# \xc3\xa9t\xc3\xa9\r\n"
    root = project(tmp_path, {"app.py": data})
    invoke(root, "--fix")
    assert (root / "app.py").read_bytes() == data.replace(b"'signup'", b"'User Signed Up'")


def test_suppressed_findings_are_not_fixed(tmp_path):
    source = "// tracklint: ignore[TL001]\nanalytics.track('signup');\n"
    root = project(tmp_path, {"app.js": source})
    invoke(root, "--fix")
    assert (root / "app.js").read_text() == source


def test_sarif_fixes_are_schema_valid(tmp_path, sarif_schema):
    root = project(tmp_path, {"app.js": "analytics.track('signup');\n", "app.py": "import analytics\nanalytics.track('u', 'Order Complete')\n"})
    log = json.loads(invoke(root, "-f", "sarif").stdout)
    validator = jsonschema.validators.validator_for(sarif_schema)(sarif_schema)
    assert not list(validator.iter_errors(log))
    fixes = [r["fixes"][0] for r in log["runs"][0]["results"] if "fixes" in r]
    replacements = [c["replacements"][0] for f in fixes for c in f["artifactChanges"]]
    assert {r["insertedContent"]["text"] for r in replacements} == {"User Signed Up", "Order Completed"}
    assert any("unsafe" in f["description"]["text"] for f in fixes)
    js = next(r for r in replacements if r["insertedContent"]["text"] == "User Signed Up")
    assert js["deletedRegion"] == {"startLine": 1, "startColumn": 18, "endLine": 1, "endColumn": 24}


# --------------------------------------------------------------------------- literal forms


def _fixed(language: str, literal: str, old: str, new: str) -> str | None:
    """The literal after renaming ``old`` to ``new`` in it, or None when no fix is offered."""
    data = f"x({literal})".encode()
    rename = fix.Rename("f", LineIndex(data).span(2, 2 + len(literal.encode())), old, new, True, language)
    found = fix.Fixer(lambda _path: data).fix(rename)
    if found is None:
        return None
    (edit,) = found.edits
    return fix.edited(data, [edit]).decode()[2:-1]


@pytest.mark.parametrize("language, literal, old, new, expected", [
    ("python", "'signup'", "signup", "Don't", "'Don\\'t'"),
    ("python", '"signup"', "signup", "Don't", '"Don\'t"'),
    ("python", "r'sign\\up'", "sign\\up", "a\\b", "r'a\\b'"),
    ("python", "r'signup'", "signup", "it's", None),  # a raw string cannot hold its quote
    ("python", "f'signup'", "signup", "a{b}", None),  # nor an f-string a brace
    ("python", "f'{{x}}'", "{x}", "y", "f'y'"),
    ("python", "f'{x}'", "{x}", "y", None),  # a substitution: not the literal it seems
    ("python", "b'signup'", "signup", "y", None),
    ("python", '"""signup"""', "signup", 'a"b', '"""a\\"b"""'),
    ("python", "'sign\\u0075p'", "signup", "é\n", "'é\\n'"),
    ("python", "'sign\\dup'", "sign\\dup", "x", None),  # an escape Python keeps: not read exactly
    ("javascript", "`signup`", "signup", "${a} `b`", "`\\${a} \\`b\\``"),
    ("javascript", "`sign${up}`", "signup", "x", None),
    ("typescript", "'signup'", "signup", "a\\b", "'a\\\\b'"),
    ("kotlin", '"signup"', "signup", "$5 off", '"\\$5 off"'),
    ("kotlin", '"""signup"""', "signup", "$5", None),
    ("kotlin", '"$signup"', "$signup", "x", None),
    ("swift", '#"signup"#', "signup", 'say "hi"', '#"say "hi""#'),
    ("swift", '"sign\\(up)"', "signup", "x", None),
    ("swift", '"signup"', "signup", "a\\(b)", '"a\\\\(b)"'),
    ("ruby", "'signup'", "signup", "#{x}", "'#{x}'"),
    ("ruby", '"signup"', "signup", "#{x}", '"\\#{x}"'),
    ("go", "`signup`", "signup", "a`b", None),
    ("go", '"signup"', "signup", "it's", '"it\'s"'),
    ("java", '"signup"', "signup", 'a"b', '"a\\"b"'),
    ("java", '"""\n  signup"""', "signup", "x", None),  # a text block strips indentation
    ("python", '"sign" "up"', "signup", "x", None),  # two literals
])
def test_a_fix_keeps_the_literal_form_or_is_not_offered(language, literal, old, new, expected):
    assert _fixed(language, literal, old, new) == expected


def test_an_identifier_key_is_renamed_only_where_keys_are_data_and_only_to_an_identifier():
    data = b"{orderId: 1}"
    span = LineIndex(data).span(1, 8)
    fixer = fix.Fixer(lambda _path: data)
    assert fixer.fix(fix.Rename("f", span, "orderId", "order_id", True, "javascript", identifier=True)) is not None
    assert fixer.fix(fix.Rename("f", span, "orderId", "order id", True, "javascript", identifier=True)) is None
    assert fixer.fix(fix.Rename("f", span, "orderId", "order_id", True, "swift")) is None


# --------------------------------------------------------------------------- idempotence

_FORMS = {
    "app.py": ("import analytics\n", "analytics.track('u', {lit})\n", ["'{s}'", '"{s}"', "r'{s}'", '"""{s}"""']),
    "app.js": ("", "analytics.track({lit});\n", ["'{s}'", '"{s}"', "`{s}`"]),
    "app.ts": ("", "analytics.track({lit}, {{}});\n", ["'{s}'", '"{s}"', "`{s}`"]),
    "App.swift": ("import Segment\nfunc f(analytics: Analytics) {{\n", "analytics.track(name: {lit})\n", ['"{s}"', '#"{s}"#']),
    "App.kt": ("import com.segment.analytics.kotlin.core.Analytics\nfun f(analytics: Analytics) {{\n",
               "analytics.track({lit})\n", ['"{s}"', '"""{s}"""']),
    "App.java": ("import com.segment.analytics.Analytics;\nimport com.segment.analytics.messages.TrackMessage;\n"
                 "class A {{\n  private final Analytics analytics;\n  void f() {{\n",
                 "analytics.enqueue(TrackMessage.builder({lit}).userId(\"u\"));\n", ['"{s}"']),
    "app.go": ('package app\n\nimport analytics "github.com/segmentio/analytics-go/v3"\n\nfunc f(client analytics.Client) {{\n',
               "client.Enqueue(analytics.Track{{UserId: \"u\", Event: {lit}}})\n", ['"{s}"', "`{s}`"]),
    "app.rb": ("", "Analytics.track(user_id: 'u', event: {lit})\n", ["'{s}'", '"{s}"']),
}
_NAMES = ["signup", "SIGNUP", "user-signed-up", "userSignedUp", "order_completed", "Order Complete",
          "ORDER-COMPLETED", "unrelated", "Order Completed"]


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
@pytest.mark.parametrize("name", sorted(_FORMS))
def test_fix_is_idempotent_over_generated_sources(tmp_path_factory, name, data):
    head, call, forms = _FORMS[name]
    calls = data.draw(st.lists(st.tuples(st.sampled_from(_NAMES), st.sampled_from(forms)), min_size=1, max_size=5))
    body = "".join(call.format(lit=form.format(s=event)) for event, form in calls)
    source = head.format() + body + "}\n" * head.count("{{\n")
    root = project(tmp_path_factory.mktemp("idem"), {name: source})
    unsafe = data.draw(st.booleans())
    flags = ["--unsafe-fixes"] if unsafe else []
    invoke(root, "--fix", *flags)
    once = (root / name).read_text()
    doc = json.loads(invoke(root, "-f", "json").stdout)
    left = [d for d in doc["diagnostics"] if d["fix"] and (unsafe or d["fix"]["applicability"] == "safe")]
    assert left == []
    invoke(root, "--fix", *flags)
    assert (root / name).read_text() == once


def test_a_property_key_listed_in_previous_names_is_renamed(tmp_path):
    plan = PLAN.replace("order_id: {type: string}", "order_id: {type: string, previous_names: [ref]}")
    root = project(tmp_path, {"app.py": "import analytics\nanalytics.track('u', 'Order Completed', {'ref': 'x'})\n"}, plan=plan)
    doc = json.loads(invoke(root, "-f", "json", "--select", "TL005").stdout)
    (finding,) = doc["diagnostics"]
    assert "renamed to `order_id`" in finding["help"] and finding["fix"]["applicability"] == "safe"
    assert invoke(root, "--fix").exit_code == 0
    assert "{'order_id': 'x'}" in (root / "app.py").read_text()


def test_fixes_are_computed_from_the_text_the_caller_reads(tmp_path):
    # An editor checks its unsaved buffer: the fix's offsets must be those of that text, not of
    # the file on disk (diagnose's ``read``).
    from tracklint import engine
    from tracklint.config import resolve_settings
    from tracklint.diagnose import diagnose
    from tracklint.plan.load import load_plan

    buffer = "analytics.track('signup');\n"
    root = project(tmp_path, {"app.js": buffer})
    settings = resolve_settings(cwd=root, overrides={"cache": False, "jobs": 1})
    calls = engine.scan(settings).calls
    (root / "app.js").write_text("// moved\n\n" + buffer)  # the disk has changed since
    plan = load_plan(root / "tracking-plan.yaml")
    found = diagnose(settings, plan, [], [], calls, read=lambda path: buffer.encode() if path == "app.js" else None)
    (edit,) = next(d.fix for d in found if d.code == "TL001").edits
    assert (edit.line, edit.column, edit.start_byte, edit.replacement) == (1, 18, 17, "User Signed Up")


# --------------------------------------------------------------------------- round trip

_ROUND_TRIP = {
    "app.py": ("import analytics\nanalytics.track('u', {lit})\n", ["'{s}'", '"{s}"', "r'{s}'", '"""{s}"""', "f'{s}'", "u'{s}'"]),
    "app.js": ("analytics.track({lit});\n", ["'{s}'", '"{s}"', "`{s}`"]),
    "app.ts": ("analytics.track({lit}, {{}});\n", ["'{s}'", '"{s}"', "`{s}`"]),
    "App.tsx": ("export const A = () => {{ analytics.track({lit}); return <b/>; }};\n", ["'{s}'", "`{s}`"]),
    "App.swift": ("import Segment\nfunc f(analytics: Analytics) {{ analytics.track(name: {lit}) }}\n", ['"{s}"', '#"{s}"#']),
    "App.kt": ("import com.segment.analytics.kotlin.core.Analytics\nfun f(analytics: Analytics) {{ analytics.track({lit}) }}\n",
               ['"{s}"', '"""{s}"""']),
    "App.java": (_JAVA.format(call="analytics.enqueue(TrackMessage.builder({lit}).userId(\"u\"));")
                 .replace("{", "{{").replace("}", "}}").replace("{{lit}}", "{lit}"), ['"{s}"']),
    "app.go": (_GO, ['"{s}"', "`{s}`"]),
    "app.rb": (_RUBY, ["'{s}'", '"{s}"']),
}
_NAME = st.text(alphabet=st.sampled_from(list("aZ09 _-.'\"`$#{}\\()\n\té€😀")), min_size=1, max_size=10)


@settings(max_examples=60, deadline=None)
@given(new=_NAME, data=st.data())
@pytest.mark.parametrize("name", sorted(_ROUND_TRIP))
def test_a_fixed_literal_reads_back_as_the_new_name(name, new, data):
    # Whatever the new name holds (quotes, backslashes, $, #, braces, newlines, astral
    # characters), a literal fixed to it parses and is read by the extractor as exactly that name.
    from tracklint.extract import extract_file
    from tracklint.extract.presets import DEFAULT_PRESETS, build_specs

    specs = build_specs(DEFAULT_PRESETS)
    template, forms = _ROUND_TRIP[name]
    source = template.format(lit=data.draw(st.sampled_from(forms)).format(s="signup")).encode()
    (call,) = extract_file(name, source, specs).calls
    rename = fix.Rename(name, call.event_span, "signup", new, True, call.language)
    found = fix.Fixer(lambda _path: source).fix(rename)
    if new.isalnum():
        assert found is not None  # a plain name always fits
    if found is None:
        return
    after = extract_file(name, fix.edited(source, list(found.edits)), specs)
    assert [n for n in after.notices if n.kind == "syntax-error"] == []
    assert [c.event for c in after.calls] == [new]


@pytest.mark.parametrize("fmt, marker", [
    ("full", "[fixable]"), ("concise", "[fixable]"), ("json", '"applicability": "safe"'), ("sarif", '"fixes"'),
    ("github", "Fixable: `tracklint check --fix`"), ("markdown", "(fixable)"), ("gitlab", "[fixable]"),
    ("junit", "[fixable]"),
])
def test_every_format_says_a_finding_is_fixable(tmp_path, fmt, marker):
    root = project(tmp_path, {"app.js": "analytics.track('signup');\n"})
    assert marker in invoke(root, "-f", fmt, "--color", "never").stdout
    (root / "app.js").write_text("analytics.track('Something Else');\n")  # no fix: no mark
    assert marker not in invoke(root, "-f", fmt, "--color", "never").stdout


def test_an_enum_entry_read_through_its_property_is_fixed_at_the_entry(tmp_path):
    root = project(tmp_path, {
        "EventName.kt": 'package app\n\nenum class EventName(val eventName: String) {\n    SIGNED_UP("signup"),\n    OTHER("other"),\n}\n',
        "App.kt": ("import com.segment.analytics.kotlin.core.Analytics\nimport app.EventName.SIGNED_UP\n\n"
                   "fun f(analytics: Analytics) { analytics.track(SIGNED_UP.eventName) }\n"),
    })
    assert invoke(root, "--fix", "--select", "TL001").exit_code == 0
    assert 'SIGNED_UP("User Signed Up"),' in (root / "EventName.kt").read_text()


@pytest.mark.parametrize("form", ['"{s}"', '#"{s}"#'])
@pytest.mark.parametrize("new", ["\\(", "\\#", "a\\#b", "\\\\("])
def test_swift_backslash_names_round_trip_or_get_no_fix(form, new):
    # found by the round-trip property: `"\\("` was read as an interpolation, and a raw
    # `#"\#"#` ends in an escape
    from tracklint.extract import extract_file
    from tracklint.extract.presets import DEFAULT_PRESETS, build_specs

    specs = build_specs(DEFAULT_PRESETS)
    source = ("func f(analytics: Analytics) { analytics.track(name: %s) }\n" % form.format(s="signup")).encode()
    (call,) = extract_file("App.swift", source, specs).calls
    found = fix.Fixer(lambda _path: source).fix(fix.Rename("App.swift", call.event_span, "signup", new, True, call.language))
    if found is not None:
        after = extract_file("App.swift", fix.edited(source, list(found.edits)), specs)
        assert [c.event for c in after.calls] == [new]
