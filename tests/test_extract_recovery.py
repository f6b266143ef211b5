"""Tests for the recovery of calls hidden in unreadable regions (tracklint/extract/recover.py).

The same assertions must hold on every supported tree-sitter core (0.25.2 and 0.26.1), whose
error recovery differs: a broken file must keep the calls of its valid parts, and every call the
extractor could not read must be named by a ``syntax-error`` notice.
"""

from __future__ import annotations

import re
import time

import pytest

from tracklint.extract import extract_file
from tracklint.extract.presets import DEFAULT_PRESETS, build_specs
from tracklint.extract.recover import closing_paren, fragments

SPECS = build_specs(DEFAULT_PRESETS)


def run(path: str, source: str):
    return extract_file(path, source.encode("utf-8"), SPECS)


def syntax_notices(result):
    return [n for n in result.notices if n.kind == "syntax-error"]


# One template per language: call(event, extra), a broken function head and its end, an unclosed
# literal, a stray statement.
LANGUAGES = {
    "App.swift": (
        lambda e, x=None: f'analytics.track(name: "{e}"' + (f", properties: {x}" if x else "") + ")",
        "func broken( {", "}", '["k": 1,', "let = = 3",
    ),
    "App.kt": (
        lambda e, x=None: f'analytics.track("{e}"' + (f", {x}" if x else "") + ")",
        "fun broken( {", "}", 'mapOf("k" to 1,', "val = = 3",
    ),
    "app.py": (
        lambda e, x=None: f'analytics.track("u", "{e}"' + (f", {x}" if x else "") + ")",
        "def broken(:", "", '{"k": 1,', "= = 3",
    ),
    "app.js": (
        lambda e, x=None: f'analytics.track("{e}"' + (f", {x}" if x else "") + ");",
        "function broken( {", "}", "{k: 1,", "const = = 3;",
    ),
}
LANGUAGES["app.ts"] = LANGUAGES["app.js"]
LANGUAGES["app.tsx"] = LANGUAGES["app.js"]


def shapes(path: str) -> dict[str, str]:
    call, head, end, literal, stray = LANGUAGES[path]
    before, after = call("Before"), call("After")
    return {
        "unclosed function": f"{before}\n{head}\n    {call('Inside')}\n{end}\n{after}\n",
        "unclosed function, broken call inside":
            f"{before}\n{head}\n    {call('Inside', literal)}\n{end}\n{after}\n",
        "unclosed literal": f"{before}\n{call('Lost', literal)}\n{after}\n",
        "unclosed call": f"{before}\n{call('Lost')[:-1]}\n{after}\n",
        "stray statement": f"{before}\n{stray}\n{after}\n",
        "stray closers": f"{before}\n) ] }}\n{after}\n",
    }


def covers(notice, row: int) -> bool:
    """Whether a notice's span, or the line range its message names ("lines 2-5"), has ``row``."""
    if notice.line <= row <= notice.end_line:
        return True
    named = re.search(r"lines (\d+)-(\d+)", notice.message)
    return named is not None and int(named.group(1)) <= row <= int(named.group(2))


CASES = [(path, name, source) for path in LANGUAGES for name, source in shapes(path).items()]


@pytest.mark.parametrize(("path", "name", "source"), CASES, ids=[f"{p}:{n}" for p, n, _ in CASES])
def test_broken_code_keeps_valid_calls_and_reports_the_rest(path, name, source):
    result = run(path, source)
    events = [c.event for c in result.calls]
    assert events[0] == "Before"
    assert events[-1] == "After"
    lines = source.split("\n")
    notices = syntax_notices(result)
    for event in ("Inside", "Lost", "After"):
        if event in events or f'"{event}"' not in source:
            continue
        # a call that was not read lies in a reported region
        row = next(i for i, line in enumerate(lines) if f'"{event}"' in line) + 1
        assert any(covers(n, row) for n in notices), (event, result.notices)
    for notice in notices:
        assert notice.line >= 1 and notice.column >= 1


# -- Swift and Kotlin: the shapes whose trees differ between cores ------------------------------


def test_swift_call_after_broken_function_head_is_recovered():
    # core 0.26.1 swallows `After` into the ERROR node of the broken function (0.25.2 keeps it)
    source = (
        'analytics.track(name: "Before")\n'
        "func broken( {\n"
        '    analytics.track(name: "Inside", properties: [\n'
        "}\n"
        'analytics.track(name: "After")\n'
    )
    result = run("App.swift", source)
    assert [(c.event, c.span.line, c.span.column) for c in result.calls] == [
        ("Before", 1, 1), ("After", 5, 1)]
    notices = syntax_notices(result)
    assert len(notices) == 1
    assert "`track(` at line 3, column 15 may hide an analytics call" in notices[0].message


def test_swift_stray_quote_before_a_function_keeps_its_calls():
    # the stray quote puts the quotes out of step: on 0.25.2 the next lines read as string text
    source = (
        'analytics.track(name: "Before")\n'
        '"func f(a: Int) {\n'
        '    analytics.track(name: "Inside", properties: ["k": [1, 2]])\n'
        "}\n"
        'analytics.track(name: "After")\n'
    )
    result = run("App.swift", source)
    assert [(c.event, c.span.line) for c in result.calls] == [("Before", 1), ("Inside", 3), ("After", 5)]
    assert [c.properties.properties["k"].items[1].value for c in result.calls[1:2]] == [2]
    assert syntax_notices(result) and all("recovered" in n.message for n in syntax_notices(result))


@pytest.mark.parametrize(("path", "source"), [
    ("App.swift", 'analytics.track(name: "Before")\nlet = = 3 analytics.track(name: "Mid")\n'
                  'analytics.track(name: "After")\n'),
    ("App.kt", 'analytics.track("Before")\nval = = 3 analytics.track("Mid")\nanalytics.track("After")\n'),
])
def test_call_glued_to_junk_before_it_is_reread(path, source):
    # the parser reads `3 analytics.track(...)` as a call on `3`: not taken as read
    result = run(path, source)
    assert [(c.event, c.span.line, c.receiver) for c in result.calls] == [
        ("Before", 1, "analytics"), ("Mid", 2, "analytics"), ("After", 3, "analytics")]
    assert any("recovered" in n.message for n in syntax_notices(result))


def test_kotlin_text_skipped_without_an_error_node_is_read():
    # tree-sitter-kotlin 1.1.0 reads this file as `fun a()` alone, with has_error false
    source = 'fun a()[ { analytics.track("Before") }\nfun f() {\n    analytics.track("Inside", mapOf("k" to 1))\n}\n'
    result = run("App.kt", source)
    assert [(c.event, c.span.line, c.span.column) for c in result.calls] == [("Before", 1, 12), ("Inside", 3, 5)]
    notices = syntax_notices(result)
    assert len(notices) == 1 and (notices[0].line, notices[0].column) == (1, 8)
    assert "2 call(s)" in notices[0].message


@pytest.mark.parametrize(("path", "source"), [
    ("App.swift", '// analytics.track(name: "Commented")\nlet = = 3 // analytics.track(name: "C")\n'
                  'analytics.track(name: "After")\n'),
    ("App.swift", 'let s = "analytics.track(name: \\"X\\")" ]\nanalytics.track(name: "After")\n'),
    ("App.swift", 'func track(name: String {\n}\nanalytics.track(name: "After")\n'),
    ("App.kt", 'val s = "analytics.track(\\"X\\")" ]\nfun f() { analytics.track("After") }\n'),
    ("App.kt", 'fun track(name: String {\n}\nfun f() { analytics.track("After") }\n'),
])
def test_names_in_comments_strings_and_declarations_are_not_calls(path, source):
    result = run(path, source)
    assert [c.event for c in result.calls] == ["After"]
    assert not any("may hide" in n.message for n in syntax_notices(result))


def test_error_regions_of_a_deep_broken_tree_are_found_quickly():
    # an (ERROR) query takes minutes on this tree; the has_error walk does not
    for path, source in (
        ("App.swift", b'analytics.track(name: "S", properties: ' + b"x.f(" * 50_000 + b"1" + b")" * 49_990),
        ("App.kt", b'fun f() { analytics.track("S", ' + b"listOf(" * 50_000 + b"1" + b")" * 49_990),
    ):
        started = time.perf_counter()
        result = extract_file(path, source, SPECS)
        assert time.perf_counter() - started < 20
        assert result.calls == []
        assert [n.line for n in syntax_notices(result)] == [1]


def test_reparse_budget_is_bounded_and_the_rest_reported(monkeypatch):
    import tracklint.extract.recover as recover

    monkeypatch.setattr(recover, "MAX_FRAGMENT_PARSES", 1)
    source = 'fun f( {\n    analytics.track("A")\n}\nfun g() {\n    analytics.track("B")\n}\n'
    result = run("App.kt", source)
    assert [c.event for c in result.calls] == ["A"]
    notices = syntax_notices(result)
    assert len(notices) == 1
    assert "1 call(s)" in notices[0].message and "line 5, column 15 may hide" in notices[0].message


# -- the byte-level helpers ---------------------------------------------------------------------


@pytest.mark.parametrize(("text", "end"), [
    ('f(a, "(", b)', 12),
    ('f(a, """\n)(\n""", b)', 19),
    ('f(#"\\"#, ")"#) x', 14),
    ("f(a /* ( /* ) */ ( */, b) x", 25),
    ("f(a // )\n, b) x", 13),
    ("f(')', b) x", 9),
    ("f(a, [1, 2}, b)", None),
    ("f(a, [1, 2", None),
    ("f(a", None),
])
def test_closing_paren(text, end):
    assert closing_paren(text.encode(), 1) == end


def test_fragments_start_at_the_line_and_at_the_receiver():
    data = b'x = 1\nlet y = (analytics.track("A"))\n'
    method = data.index(b"track")
    got = [data[s:e] for s, e in fragments(data, method, data.index(b"(", method))]
    assert got == [b'let y = (analytics.track("A")', b'analytics.track("A")']
    data = b'fun f() {\n    analytics\n        .track("B")\n}\n'
    method = data.index(b"track")
    got = [data[s:e] for s, e in fragments(data, method, data.index(b"(", method))]
    assert got[0] == b'    analytics\n        .track("B")'


# -- Python and JavaScript/TypeScript go through the same recovery ----------------------------


def test_python_call_after_an_unclosed_parameter_list_is_recovered():
    source = (
        'analytics.track("u", "Before")\n'
        "def send(user, plan:\n"
        '    analytics.track(user, "Inside", {"plan": plan})\n'
        "\n"
        'analytics.track("u", "After", {"step": 2})\n'
    )
    result = run("app.py", source)
    assert [(c.event, c.span.line, c.span.column) for c in result.calls] == [
        ("Before", 1, 1), ("Inside", 3, 5), ("After", 5, 1)]
    assert result.calls[-1].properties.properties["step"].value == 2
    notices = syntax_notices(result)
    assert [(n.line, n.column) for n in notices] == [(2, 1)]
    assert "1 call(s) here (`track`) were recovered by re-reading them" in notices[0].message


@pytest.mark.parametrize("path", ["app.js", "app.ts", "app.tsx"])
def test_js_call_after_an_unclosed_literal_is_recovered(path):
    source = (
        'analytics.track("Before");\n'
        "const steps = [1, {\n"
        "function next() {\n"
        '  analytics.track("Inside");\n'
        "}\n"
        'analytics.track("After", {k: [1, 2]});\n'
    )
    result = run(path, source)
    assert [(c.event, c.span.line, c.span.column) for c in result.calls] == [
        ("Before", 1, 1), ("Inside", 4, 3), ("After", 6, 1)]
    assert [i.value for i in result.calls[-1].properties.properties["k"].items] == [1, 2]
    notices = syntax_notices(result)
    assert len(notices) == 1 and notices[0].line == 2
    assert "1 call(s) here (`track`) were recovered" in notices[0].message


CART = """\
export function Cart({ items, total }) {
  return (
    <section className="cart">
      <h2>Your cart</h2>
      {items.map((item) => (
        <Row key={item.id} onRemove={() => analytics.track("Item Removed", { id: item.id })}>
          <img src={item.image} alt="" /{>
          <span>{item.name}</span>
        </Row>
      ))}
      <button onClick={() => analytics.track("Checkout Clicked", { total })}>Pay</button>
    </section>
  );
}
analytics.track("Cart Loaded");
"""


@pytest.mark.parametrize("path", ["cart.jsx", "cart.tsx"])
def test_jsx_element_broken_mid_tag_keeps_the_calls_after_it(path):
    result = run(path, CART)
    assert [(c.event, c.span.line) for c in result.calls] == [
        ("Item Removed", 6), ("Checkout Clicked", 11), ("Cart Loaded", 15)]
    assert all("recovered" in n.message for n in syntax_notices(result))


def test_minified_bundle_with_one_bad_token_keeps_every_call():
    # one stray `/` in one function's parameters; before, the parser lost the rest of the line
    body = ";".join(
        f'function f{i}({"/" if i == 3 else ""}a){{return a?a.v+{i}:null}}'
        f'var c{i}={{k:[{i},{{n:"x"}}]}};window.analytics.track("E{i}",{{i:{i},s:"é"}})'
        for i in range(50))
    source = "!function(){" + body + "}();"
    result = run("bundle.min.js", source)
    assert [c.event for c in result.calls] == [f"E{i}" for i in range(50)]
    last = result.calls[-1]
    assert (last.span.line, last.span.column) == (1, source.index('window.analytics.track("E49"') + 1)
    assert last.properties.properties["i"].value == 49
    notices = syntax_notices(result)
    assert len(notices) == 1 and "47 call(s) here (`track`) were recovered" in notices[0].message


def test_python_docstring_example_near_an_error_is_not_a_call():
    # the broken `class` puts the docstring in an unreadable region; its example is only text
    source = (
        "c{lass Checkout:\n"
        '    """Sends analytics.track("u", "Documented") as an example."""\n'
        "\n"
        "    def start(self):\n"
        '        analytics.track("u", "Started")\n'
    )
    result = run("app.py", source)
    assert [c.event for c in result.calls] == ["Started"]


@pytest.mark.parametrize(("path", "source"), [
    ("app.py", 'x = (\n  "      # analytics.track("u", "Quoted")\n)\nanalytics.track("u", "After")\n'),
    ("app.py", '"""Example: analytics.track("u", "Quoted")."[""\nanalytics.track("u", "Later")\n'),
    ("app.js", 'const s = [\n  "; analytics.track("Quoted")\n];\nanalytics.track("After");\n'),
])
def test_name_behind_a_stray_quote_is_reported_not_read(path, source):
    # read from its line's start, the name is string text: a call there cannot be known
    result = run(path, source)
    assert "Quoted" not in [c.event for c in result.calls]
    assert any("may hide an analytics call" in n.message for n in syntax_notices(result))


@pytest.mark.parametrize(("path", "source"), [
    ("app.ts", "import { track } from '@amplitude/analytics-browser';\n"
               "class Tracker {\n  broken( {\n  }\n  track(event: string): void {\n"
               "    console.log(event);\n  }\n}\ntrack('After');\n"),
    ("app.js", "import { track } from '@amplitude/analytics-browser';\n"
               "const api = {\n  broken( {\n  },\n  track(event) {\n    return event;\n  },\n};\n"
               "track('After');\n"),
    ("app.py", 'from posthog import capture\nclass A:\n    def broken(self:\n        pass\n'
               '    def capture(self, event):\n        pass\ncapture("u", "After")\n'),
])
def test_definitions_in_broken_code_are_not_calls(path, source):
    # `track` / `capture` are bound to an SDK here: a definition read as a call would match
    result = run(path, source)
    assert [c.event for c in result.calls] == ["After"]


@pytest.mark.parametrize(("path", "source"), [
    ("deep.js", b"analytics.track(" * 50_000),
    ("deep.py", b"analytics.track(" * 50_000),
    ("strings.py", b"x = (\n" + b'"analytics.track(\\"u\\", \\"a\\")",\n' * 20_000),
    ("methods.js", b"class A { broken( {\n" + b"  track(e) { return e }\n" * 20_000),
    ("quoted.min.js", b"var s='" + b";".join(b'analytics.track("E%d")' % i for i in range(20_000))),
])
def test_recovery_is_bounded_on_pathological_input(path, source):
    started = time.process_time()
    result = extract_file(path, source, SPECS)
    assert time.process_time() - started < 10
    assert [n.kind for n in result.notices if n.kind == "internal"] == []
    assert syntax_notices(result)


@pytest.mark.parametrize(("path", "text", "end"), [
    ("app.py", "f(a, ')', b) x", 12),
    ("app.py", "f(a # )\n, b) x", 12),
    ("app.py", "f(a // 2) x", 9),
    ("app.py", "f('''\n)\n''', b) x", 15),
    ("app.js", "f(`)${x}`, b) x", 13),
    ("app.js", "f(/* /* */ a) x", 13),
    ("app.js", "f('it\\'s (', b) x", 15),
])
def test_closing_paren_skips_strings_and_comments_as_the_language_writes_them(path, text, end):
    from tracklint.extract import languages

    syntax = languages.BY_NAME[languages.language_for(path)].text_syntax
    assert closing_paren(text.encode(), 1, syntax) == end



@pytest.mark.parametrize(("module", "path"), [("python", "a.py"), ("javascript", "a.ts")])
def test_a_windowed_parse_with_an_unreadable_region_asks_for_a_whole_parse(module, path):
    # windows.py uses a parse of the kept blocks only when it reads without errors; a window
    # that starts inside a docstring reads its prose as code, even where it hides no call
    import importlib

    from tracklint.extract.base import SourceText

    extractor = importlib.import_module(f"tracklint.extract.{module}")
    language = "python" if module == "python" else "typescript"
    data = b"track versions, one per upload.\n\nanalytics.track('u', 'Synced')\n"
    whole = extractor.extract(SourceText.from_bytes(path, language, data), SPECS)
    assert len(whole.calls) == 1 and syntax_notices(whole) == []
    windowed = extractor.extract(SourceText.from_bytes(path, language, data, [(0, len(data))]),
                                 SPECS)
    assert [n.message for n in syntax_notices(windowed)] == [
        "the parser could not read this region of the windowed parse; the file is parsed whole"]
