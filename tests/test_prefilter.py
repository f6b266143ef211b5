"""Tests for tracklint.extract.prefilter: soundness against the extractors, minified/generated files."""

from __future__ import annotations

import importlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tree_sitter import Parser

from tracklint.extract import decode, extract_file, languages
from tracklint.extract.presets import DEFAULT_PRESETS, build_specs, method_names
from tracklint.extract.prefilter import Prefilter, generated_marker, is_generated, is_minified

WRAPPERS = [
    {"function": "trackEvent"},
    {"function": "tracker.logAction", "languages": ["javascript", "python"]},
]
SPECS = build_specs(DEFAULT_PRESETS, WRAPPERS)
PREFILTER = Prefilter(SPECS)


def _available(language: languages.Language) -> bool:
    try:
        importlib.import_module(language.extractor)
    except ImportError:
        return False
    return True


#: One suffix of each language
SUFFIXES = [row.suffixes[0] for row in languages.LANGUAGES if _available(row)]

RECEIVERS = ["analytics", "window.analytics", "self.analytics", "this.analytics", "posthog",
             "mixpanel", "mp", "amplitude", "Analytics.shared()", "Analytics.shared", "client",
             "tracker", "rudderanalytics", "PostHogSDK.shared", "analytics?", "foo", "", "ph", "self.ph",
             "this.mp", "_analytics", "postHog", "ANALYTICS"]
NEAR_MISSES = ["tracking", "Track", "_track", "track_", "trackX", "pageview", "groups", "$track",
               "tr\\u0061ck", "`track`", "TRACK", "logevent"]
METHODS = sorted(method_names(SPECS)) + NEAR_MISSES
#: What may stand between a method name and its arguments, in some language or other; a
#: generated call puts a random sequence of these there.
GAP_PARTS = ["", " ", "\t", "\n", "\r\n", "\n    ", "/* c */", "/* a /* nested */ */", "// c\n",
             "# c\n", "<T>", "<Map<String, Int>>", "?.", " \\\n", "\\\r\n", "!!", "?", "!", "::",
             "`", "{ $0 }", " {", "\f", '", ', ") ", ", ", "] ", "=> ", ": ", "?(", " ?. "]
GAPS = st.lists(st.sampled_from(GAP_PARTS), max_size=4).map("".join)
EVENTS = ["Order Completed", "page", "track", "x", "Ü", "e\u2028f", "", "a'b"]
QUOTES = ['"', "'", "`"]


def _parses_cleanly(path: str, data: bytes) -> bool:
    """Whether the file parses without an error anywhere. The call-shaped test is sound for
    these; in broken text, tree-sitter's error recovery may glue a name to a bracket across
    anything (``track$0(`` in Python reads as a call), and only the name is sure to be there."""
    text, _ = decode(data)
    return not Parser(languages.grammar(languages.language_for(path))).parse(text).root_node.has_error


@st.composite
def calls(draw) -> str:
    receiver = draw(st.sampled_from(RECEIVERS))
    method = draw(st.sampled_from(sorted(method_names(SPECS))) | st.sampled_from(METHODS))
    gap = draw(GAPS)
    quote = draw(st.sampled_from(QUOTES))
    event = draw(st.sampled_from(EVENTS) | st.text(max_size=12))
    first = draw(st.sampled_from(["", '"user", ', "distinct_id=1, ", "name: ", "event="]))
    props = draw(st.sampled_from(["", ", {a: 1}", ', {"a": 1, "b": [1, 2]}', ", properties: [\"a\": 1]",
                                  ", mapOf(\"a\" to 1)", ", props", ", **kw", ", ...rest"]))
    callee = f"{receiver}.{method}" if receiver else method
    return f"{callee}{gap}({first}{quote}{event}{quote}{props})"


@st.composite
def sources(draw) -> tuple[str, bytes]:
    suffix = draw(st.sampled_from(SUFFIXES))
    lines = draw(st.lists(calls() | calls() | calls() | st.text(max_size=30) | st.sampled_from(
        ["import analytics", "const analytics = new Analytics()", "mp = Mixpanel(token)",
         "// tracklint: ignore[TL001]", "# comment", "def f():", "    pass", "}", "{", "fun f() {",
         "import { track } from '@amplitude/analytics-browser'",
         # bindings the typed languages' readers follow (Swift, Kotlin, Java)
         "let ph = PostHogSDK.shared", "val ph = PostHogSDK.shared", "lateinit var ph: PostHogInterface",
         "private let ph: PostHogSDK", "MixpanelAPI mp = MixpanelAPI.getInstance(ctx, \"t\");",
         "val mp = MixpanelAPI.getInstance(ctx, \"t\")", "let mp = Mixpanel.mainInstance()",
         "class A(private val ph: PostHogInterface) {", "fun make(): PostHogInterface = PostHog.with(ctx)",
         "val ph = make()", "import com.posthog.PostHog", "import PostHog",
         # Python: names another module may bind (pending calls), and names bound here
         "from app.telemetry import ph", "from .clients import (\n    tracker,  # see f(x)\n    foo,\n)",
         "from app import get_client", "foo = get_client()", "import app.telemetry as tracker",
         "ph = Posthog('k')", "self.ph = posthog.Posthog('k')", "def f(ph: Optional[Posthog]):",
         "from app.x import \\\n    foo", "x = 1; from app.y import ph",
         # JavaScript: a call made under another name
         "const { capture: send } = usePostHog()", "import { track as t } from '@amplitude/analytics-browser'",
         "const { track: t } = require('@amplitude/analytics-browser')", "send('Order Completed')",
         "t('Order Completed', { a: 1 })", "import { usePostHog } from 'posthog-js/react'"]), min_size=1, max_size=8))
    text = "\n".join(lines) + draw(st.sampled_from(["", "\n", "\r\n"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-8-sig", "utf-16"]))
    return f"generated{suffix}", text.encode(encoding, "surrogatepass")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sources())
def test_prefilter_is_sound(case: tuple[str, bytes]) -> None:
    path, data = case
    extraction = extract_file(path, data, SPECS)
    # pending: calls on a name another module of the project may bind to a client (linking
    # confirms them): the file must be parsed for them too
    found = extraction.calls + [call for call, *_ in extraction.pending]
    if found and _parses_cleanly(path, data):
        assert PREFILTER.may_contain(data, languages.language_for(path)), (path, data, found)
    if found:  # a call the parser pieced together from broken text: the name passes
        assert PREFILTER.may_contain(data), (path, data, found)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SUFFIXES), st.text(max_size=60), st.integers(min_value=0, max_value=200))
def test_prefilter_sound_under_noise(suffix: str, noise: str, where: int) -> None:
    base = {
        ".py": 'analytics.track("u1", "Order Completed", {"total": 1})\n',
        ".js": 'analytics.track("Order Completed", {total: 1});\n',
        ".ts": 'analytics.track<Props>("Order Completed", {total: 1});\n',
        ".tsx": 'analytics.track("Order Completed", {total: 1});\n',
        ".swift": 'analytics.track(name: "Order Completed", properties: ["total": 1])\n',
        ".kt": 'analytics.track("Order Completed", buildJsonObject { put("total", 1) })\n',
        ".java": 'analytics.track("Order Completed", Map.of("total", 1));\n',
        ".rb": "Analytics.track(user_id: 'u1', event: 'Order Completed', properties: { total: 1 })\n",
        ".go": 'import analytics "github.com/segmentio/analytics-go/v3"\n'
               'func f(c analytics.Client) { c.Enqueue(analytics.Track{Event: "Order Completed"}) }\n',
    }[suffix]
    pos = where % (len(base) + 1)
    data = (base[:pos] + noise + base[pos:]).encode("utf-8", "surrogatepass")
    if extract_file(f"x{suffix}", data, SPECS).calls and _parses_cleanly(f"x{suffix}", data):
        assert PREFILTER.may_contain(data, languages.language_for(f"x{suffix}"))


@pytest.mark.parametrize(
    ("language", "source"),
    [
        ("typescript", b"analytics.track /* why */ ('x')"),
        ("javascript", b"analytics.track\n  ('x')"),
        ("javascript", b"analytics.track // why\n  ('x')"),
        ("typescript", b"analytics.track?.('x')"),
        ("typescript", b"analytics.track!('x')"),
        ("typescript", b"analytics.track<Props>('x')"),
        ("swift", b"Analytics.shared().track(name: \"x\")"),
        ("swift", b"analytics.track { $0 }"),
        ("swift", b"analytics.track /* a /* b */ */ (name: \"x\")"),
        ("swift", b"analytics.track /* a /* b */ c */ (name: \"x\")"),
        ("swift", b"analytics?.track?(name: \"x\")"),
        ("javascript", b"analytics.track /* a */ ?. /* b */ ('x')"),
        ("typescript", b"analytics.track<{ a: string; b: () => void }>('x')"),
        ("java", b"analytics.<Event>track(\"x\");"),
        ("go", b"client.Enqueue[analytics.Track](msg)"),
        ("kotlin", b"analytics.track<Event>(\"x\")"),
        ("kotlin", b"analytics!!.track {\n}"),
        ("python", b"posthog.capture \\\n ('x')"),
        ("python", b"f(posthog.capture  # why\n ('x'))"),
        ("javascript", b"amplitude.getInstance().logEvent('x')"),
        ("python", b"trackEvent('x')"),
        ("javascript", b"tracker.logAction('x')"),
        ("javascript", b"x=1;analytics.track('x')"),
        ("python", "analytics.track('Ünïcode')".encode("utf-16")),
        ("python", "\ufeffanalytics.track('x')".encode("utf-8")),
        (None, b"analytics.track"),  # a language without an opener: the name alone
    ],
)
def test_prefilter_passes_call_shapes(language: str | None, source: bytes) -> None:
    assert PREFILTER.may_contain(source, language)


@pytest.mark.parametrize(
    ("language", "source"),
    [
        ("python", b"for group in groups:  # track them\n    size = page.size\n"),
        ("python", b'"""Track the page: group them, then identify."""\n'),
        ("javascript", b"const { page, group } = params; // track it\nrender(page)"),
        ("typescript", b"type Props = { track: Track; screen: string }"),
        ("kotlin", b"val page = 1 // track it\n"),
        ("swift", b"let group = DispatchGroup() /* track x */"),
        # seen in the real repositories of benchmarks/corpus.toml: a name, then punctuation,
        # then some other bracket (the old test let anything but a letter stand between)
        ("typescript", b'describe("group", () => {\n  it("works", () => {});\n});'),
        ("tsx", b"items.map((group) => (<Row key={group.id} />))"),
        ("typescript", b"const next = clamp(page);\n}); // see f()"),
        ("kotlin", b"when (alias) {\n    else -> Unit\n}"),
        ("swift", b"if case .group]) { f() }"),
        ("python", b"sorted(items, key=lambda group: (group.size, group.name))"),
        ("java", b"return page; } void f() { g(); }"),
    ],
)
def test_a_name_that_is_not_called_is_not_worth_parsing(language: str, source: bytes) -> None:
    """The call-shaped test rejects what the word test passes: the names as plain words,
    in comments and strings that do not call them."""
    assert PREFILTER.may_contain(source)  # the words are there
    assert not PREFILTER.may_contain(source, language)


@pytest.mark.parametrize(
    "source",
    [
        b"def tracking(): pass\n",
        b"const trackingId = 1; pageSize = 2; groups = []; screenshot()",
        b"x = track_ + _track + track2",
        b"",
        "tracking".encode("utf-16"),
    ],
)
def test_prefilter_rejects_files_without_the_names(source: bytes) -> None:
    assert not PREFILTER.may_contain(source)


def test_extra_needles_and_non_word_needles() -> None:
    pf = Prefilter([], extra_needles=["ORDER_COMPLETED", "Events."])
    assert pf.may_contain(b"x = ORDER_COMPLETED")
    assert not pf.may_contain(b"x = ORDER_COMPLETED_2")
    assert pf.may_contain(b"x = Events.ORDER")  # no boundary needed after the "."
    assert not pf.may_contain(b"MyEvents.x")  # a boundary before the word character
    assert not Prefilter([]).may_contain(b"analytics.track('x')")


def test_minified() -> None:
    assert is_minified(b"x", "vendor/app.min.js")
    assert is_minified(b"x", "vendor/app-min.js")
    assert not is_minified(b"x", "vendor/admin.js")
    bundle = b"!function(e){" + b"var a=1;" * 2000 + b"}();"
    assert is_minified(bundle, "dist/app.js")
    assert is_minified(bundle + b"\n" + b"x\n" * 20, "dist/app.js")  # long line, few newlines
    normal = b"def f(x):\n    return x + 1\n\n" * 500
    assert not is_minified(normal, "src/app.py")
    # a normal file with one long data line stays parsed
    assert not is_minified(normal + b"DATA = '" + b"A" * 6000 + b"'\n" + normal, "src/data.py")
    assert not is_minified(b"x" * 3000, "small.js")  # short files are cheap: always parsed


@pytest.mark.parametrize(
    "head",
    [
        b"// @" + b"generated by relay\n",
        b"# Code generated by protoc-gen-go. DO NOT EDIT.\n",
        b"# -*- coding: utf-8 -*-\n# Generated by the protocol buffer compiler.  DO NOT EDIT!\n",
        b"/* eslint-disable */\n/**\n * This file was automatically generated by a tool.\n */\n",
        b"// <auto-generated>\n",
        b"/**\n * This client was automatically generated by Segment Typewriter. ** Do Not Edit **\n */\n",
    ],
)
def test_generated(head: bytes) -> None:
    assert is_generated(head + b"analytics.track('x')\n")
    assert generated_marker(head) is not None


def test_not_generated() -> None:
    assert not is_generated(b"import os\n\ndef generate():\n    '''Generated files are skipped.'''\n")
    late = b"x = 1\n" * 40 + b"// @" + b"generated\n"
    assert not is_generated(late)  # only the first lines count
    assert not is_generated(b"# auto-generated ids are used below\nx = 1\n")


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("A.swift", "import PostHog\nfinal class A {\n    let ph = PostHogSDK.shared\n"
                    "    func f() { ph.capture(\"x\") }\n}\n"),
        ("A.kt", "class A(private val ph: PostHogInterface) {\n    fun f() { ph.capture(\"x\") }\n}\n"),
        ("A.kt", "fun f() {\n    val mp = MixpanelAPI.getInstance(ctx, \"t\")\n    mp.track(\"x\")\n}\n"),
        ("A.java", "class A {\n  void f() {\n    MixpanelAPI mp = MixpanelAPI.getInstance(ctx, \"t\");\n"
                   "    mp.track(\"x\");\n  }\n}\n"),
        ("A.kt", "fun f() { _analytics.track(\"x\") }\n"),
        ("A.swift", "func f() { Mixpanel.mainInstance().track(event: \"x\") }\n"),
    ],
)
def test_a_typed_language_call_passes_through_its_receivers_words(path: str, source: str) -> None:
    """Swift, Kotlin and Java decide receivers from the file alone, through the spec's own
    words (receivers, constructors, type-rooted singletons): a file with a call has one."""
    data = source.encode()
    assert extract_file(path, data, SPECS).calls, "the extractor finds the call"
    assert PREFILTER.may_contain(data, languages.language_for(path))


@pytest.mark.parametrize(
    ("language", "source"),
    [
        ("java", b"class S {\n  void f() { q.offer(1); sb.append(\"a\"); cnt.remove(k); uf.union(a, b); }\n}\n"),
        ("kotlin", b"fun f() { stack.remove(x); groups.group(1); ids.union(other) }\n"),
        ("swift", b"func f() { seen.union(other); queue.track(1) }\n"),
    ],
)
def test_a_typed_language_call_on_no_sdk_receiver_is_not_worth_parsing(language: str, source: bytes) -> None:
    """Call-shaped names on receivers that no spec names (a queue's ``offer``, a builder's
    ``append``), in a file without any SDK receiver's word, are not parsed in Swift, Kotlin and
    Java; the same bytes as Python or JavaScript pass (their clients may come from another file)."""
    assert not PREFILTER.may_contain(source, language)
    assert PREFILTER.may_contain(source.replace(b"f()", b"g(analytics)"), language)
    assert PREFILTER.may_contain(b"x.track(1)", "javascript")


@pytest.mark.parametrize(
    "source",
    [
        b"from app.telemetry import tel\ntel.track('u', 'Signed Up')\n",
        b"from app import get_client\nc = get_client()\nc.track('u', 'Signed Up')\n",
        b"from .clients import (\n    a,  # see f(x)\n    tel,\n)\ntel.track('u', 'Signed Up')\n",
        b"from x import \\\n    tel\ntel.track('u', 'Signed Up')\n",
        b"x = 1; from app import telemetry as tel\ntel.track('u', 'Signed Up')\n",
    ],
)
def test_a_python_call_on_a_name_another_module_may_bind_passes(source: bytes) -> None:
    """A single name the file imports (or assigns from an imported function) may hold a client
    another module creates: its calls wait for linking (pending), so the file is parsed."""
    found = extract_file("app.py", source, SPECS)
    assert found.pending and not found.calls
    assert PREFILTER.may_contain(source, "python")


@pytest.mark.parametrize(
    ("source", "worth"),
    [
        (b"def f(state):\n    state.set('a')\n", False),
        (b"import re\nmatch = re.match(p, s)\nprint(match.group(1))\n", False),
        (b"def f(self):\n    self.state.merge(other)\n", False),
        (b"class A:\n    def f(self):\n        self._mp.track('u', 'E')\n", True),
        (b"import analytics\nanalytics.track('u', 'E')\n", True),
        (b"ph = Posthog('key')\nph.set(distinct_id='u', properties={'a': 1})\n", True),
        (b"def f(c: 'Client'):\n    c.track('u', 'E')\n", True),
        (b"(c).set('a')\n", True),  # not a plain name before the dot: passes
    ],
)
def test_python_method_calls_need_a_receiver_that_can_be_a_client(source: bytes, worth: bool) -> None:
    assert PREFILTER.may_contain(source, "python") is worth
    if not worth:
        assert not extract_file("app.py", source, SPECS).calls


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("a.tsx", "import { usePostHog } from 'posthog-js/react';\n"
                  "export function A() { const { capture: send } = usePostHog(); send('x'); }\n"),
        ("a.js", "const { track: t } = require('@amplitude/analytics-browser');\nt('x');\n"),
        ("a.ts", "import { track as t } from '@amplitude/analytics-browser';\nt('x');\n"),
    ],
)
def test_a_js_call_under_another_name_passes(path: str, source: str) -> None:
    """The extractor follows a destructuring or import rename to the call; the tracked name
    itself is never called in such a file, so the rename counts when the new name is called."""
    data = source.encode()
    assert extract_file(path, data, SPECS).calls
    assert PREFILTER.may_contain(data, languages.language_for(path))


def test_a_js_rename_without_a_call_of_the_new_name_is_not_worth_parsing() -> None:
    assert not PREFILTER.may_contain(b"const x = { page: page, group: groupName };\n", "typescript")
    assert not PREFILTER.may_contain(b"type P = { track: Track; screen: string }\n", "typescript")
    # a type after the colon, and the same name called as another object's method
    assert not PREFILTER.may_contain(
        b"test('x', async ({ page }: { page: import('@playwright/test').Page }) => {});\n", "typescript")
    assert not PREFILTER.may_contain(b"const { page: field } = props;\nform.field('a');\n", "tsx")
    assert PREFILTER.may_contain(b"const { page: field } = props;\nfield('a');\n", "tsx")


def test_a_bare_wrapper_in_a_typed_language_passes_without_receiver_words() -> None:
    assert PREFILTER.may_contain(b'fun f() { trackEvent("x") }\n', "kotlin")


def test_a_name_only_another_languages_sdk_uses_does_not_pass_a_file() -> None:
    # mixpanel-java's MessageBuilder has `append`/`set`; Python's list.append is no call of it
    data = b"items = []\nitems.append(1)\nsettings.increment('a', 1)\n"
    assert PREFILTER.may_contain(data)  # by name, any language
    assert not PREFILTER.may_contain(data, "python")
    assert PREFILTER.may_contain(b"messageBuilder.append(id, props);", "java")


def test_a_python_method_with_no_bare_form_passes_only_after_a_dot() -> None:
    """posthog-python's ``set`` is a method of the client: the builtin ``set(...)`` is no reason
    to parse a file, ``x.set(...)`` is (also across a line continuation or a comment)."""
    assert not PREFILTER.may_contain(b"seen = set()\nnames = set(items)\n", "python")
    for source in (b"posthog.set('u', {'a': 1})", b"client .set('u')", b"(client.  # c\n set('u'))",
                   b"client.\\\n  set('u')"):
        assert PREFILTER.may_contain(source, "python"), source
    # a name that also has a bare form (``from posthog import set_once``) passes bare too
    assert PREFILTER.may_contain(b"set_once('u', {'a': 1})", "python")


#: Ways a JS file binds a tracked method to the name it then calls ({m}: the method, {a}: another
#: name, {g}: a gap of blanks and comments); the import line gives the hooks their SDK.
JS_BINDINGS = [
    ("import {{ {m}{g}as{g}{a} }} from '@amplitude/analytics-browser';", "{a}"),
    ("import {{ {m} }} from '@amplitude/analytics-browser';", "{m}"),
    ("const {{ {m}{g}:{g}{a} }} = usePostHog();", "{a}"),
    ("const {{ {m} }} = usePostHog();", "{m}"),
    ("const {{ {m}{g}:{g}{a} }} = require('@amplitude/analytics-browser');", "{a}"),
    ("const {a} = usePostHog();", "{a}.{m}"),
    ("const {{ {m}{g}:{g}{a}, other }} = usePostHog();", "{a}"),
]
JS_GAPS = st.lists(st.sampled_from(["", " ", "\n", " /* c */ ", "// c\n"]), max_size=2).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(JS_BINDINGS), st.sampled_from(sorted(method_names(SPECS, "typescript"))),
       st.sampled_from(["send", "t", "ph", "track2"]), JS_GAPS, JS_GAPS,
       st.sampled_from([".ts", ".tsx", ".js"]))
def test_prefilter_is_sound_for_js_bindings(binding, method, alias, gap, call_gap, suffix) -> None:
    """Whole, valid JS/TS files that bind a tracked method under some name and call it: when
    the extractor finds a call, the pre-filter passes the file."""
    declare, callee = binding
    source = ("import { usePostHog } from 'posthog-js/react';\nexport function A() {\n  "
              + declare.format(m=method, a=alias, g=gap) + "\n  "
              + callee.format(m=method, a=alias) + call_gap + "('Order Completed', { a: 1 });\n}\n")
    path = f"app{suffix}"
    data = source.encode()
    if extract_file(path, data, SPECS).calls and _parses_cleanly(path, data):
        assert PREFILTER.may_contain(data, languages.language_for(path)), source
