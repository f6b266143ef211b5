"""Fuzzing campaign for tracklint: structure-aware generated input against stated invariants.

Run from the repository root::

    python benchmarks/fuzz.py                          # every target, 2000 inputs each
    python benchmarks/fuzz.py --examples 5000 --target python
    python benchmarks/fuzz.py --seconds 120 --target plan

Targets and what each one asserts:

* ``python``, ``javascript``, ``jsx``, ``typescript``, ``tsx``, ``swift``, ``kotlin``, ``java``:
  :func:`tracklint.extract.extract_file` never raises; every call, event, property, key,
  notice and directive position lies inside the file (1 <= line <= lines, 1 <= column <=
  len(line) + 1, start <= end); span byte offsets agree with the lines and columns; two runs
  give the same result.
* ``plan``: :func:`tracklint.plan.load.load_plan_text` returns a plan or raises
  :class:`~tracklint.errors.PlanError` whose positions lie inside the text; a plan that loads
  diffs empty against itself and survives :func:`~tracklint.plan.dump.dump_plan` + reload.
* ``import``: :func:`tracklint.importers.import_plan` on mutated copies of the public plans in
  ``../shared/data/plans`` (read at run time) raises only :class:`TracklintError` subclasses.
* ``engine``: ``tracklint check`` (through typer's ``CliRunner``) on a small generated tree ends
  with exit code 0, 1 or 2 and never with a traceback.

Inputs are not random bytes: generators compose real SDK calls of every language (nested
literals, comments, directives, strings that look like calls, unicode) and plan/importer
documents, then mutate them (truncate, splice, duplicate, delete, deep nesting, BOMs, CR/LF
mixes, invalid UTF-8, UTF-16). The campaign is seeded (``--seed``), so a run is repeatable.

Per target it prints the inputs tried, the time taken and the failures, deduplicated by
exception type and location (or by the invariant that broke). Each distinct failure's input
is written to ``--out`` (default: a ``tracklint-fuzz`` folder in the temp directory), both as
found and shrunk by a greedy minimiser, with the traceback beside it. Exit status: 0 when
nothing failed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
import json
import os
import random
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any, Callable, Iterator

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
#: Inputs slower than this (seconds) count as a failure ("hang").
SLOW_SECONDS = 10.0


def shared_plans_dir() -> Path | None:
    """``../shared/data/plans`` beside the checkout (or ``$TRACKLINT_SHARED_DIR/data/plans``)."""
    env = os.environ.get("TRACKLINT_SHARED_DIR")
    for base in ([Path(env)] if env else []) + [REPO.parent / "shared"]:
        if (base / "data" / "plans").is_dir():
            return base / "data" / "plans"
    return None


class Violation(Exception):
    """An invariant that did not hold. ``key`` names the invariant (used for deduplication)."""

    def __init__(self, key: str, detail: str = "") -> None:
        super().__init__(f"{key}: {detail}" if detail else key)
        self.key = key


# =============================================================================================
# Source snippets, by language. Placeholders: {E} an event-name expression, {P} a properties
# expression, {S} a plain string literal.

EXTRACT_TARGETS = {
    "python": "py",
    "javascript": "js",
    "jsx": "jsx",
    "typescript": "ts",
    "tsx": "tsx",
    "swift": "swift",
    "kotlin": "kt",
    "java": "java",
}

_FAMILY = {"py": "py", "js": "js", "jsx": "js", "ts": "js", "tsx": "js", "swift": "swift", "kt": "kt",
           "java": "java"}

CALLS = {
    "py": [
        "analytics.track({S}, {E}, {P})",
        "analytics.track(user_id={S}, event={E}, properties={P})",
        "self.analytics.identify({S}, {P})",
        "analytics.page({S}, {E}, {E}, {P})",
        "analytics.screen({S}, {E})",
        "analytics.group({S}, {S}, {P})",
        "analytics.alias({S}, {S})",
        "mp.track({S}, {E}, {P})",
        "posthog.capture({E}, distinct_id={S}, properties={P})",
        "posthog.capture({S}, {E}, {P})",
        "capture({E}, properties={P})",
        "client.track(BaseEvent(event_type={E}, user_id={S}, event_properties={P}))",
        "rudder_analytics.track({S}, {E}, {P}, **extra)",
        "analytics.track(*args)",
        "analytics.track({S}, {E}, **{P})",
        "await analytics.track({S}, {E}, {P})",
        "lambda: analytics.track({S}, {E})",
    ],
    "js": [
        "analytics.track({E}, {P});",
        "window.analytics.track({E}, {P}, {{ context: {{ ip: 0 }} }});",
        "analytics?.track?.({E}, {P});",
        "analytics.track({{ userId: {S}, event: {E}, properties: {P} }});",
        "rudderanalytics.page({E}, {E}, {P});",
        "analytics.identify({S}, {P});",
        "analytics.group({S}, {P});",
        "posthog.capture({E}, {P});",
        "client.capture({{ distinctId: {S}, event: {E}, properties: {P} }});",
        "mixpanel.track({E}, {P});",
        "amplitude.track({E}, {P});",
        "amplitude.getInstance().logEvent({E}, {P});",
        "track({{ event_type: {E}, event_properties: {P} }});",
        "analytics.track(...args);",
        "await analytics.track({E}, {{ ...base, [key]: 1, ...{P} }});",
        "const f = () => analytics.track({E}, {P});",
    ],
    "swift": [
        "analytics.track(name: {E}, properties: {P})",
        "Analytics.shared().track({E}, properties: {P})",
        "analytics?.screen(title: {E}, properties: {P})",
        "analytics.identify(userId: {S}, traits: {P})",
        "Mixpanel.mainInstance().track(event: {E}, properties: {P})",
        "amplitude.track(eventType: {E}, eventProperties: {P})",
        "amplitude.track(event: BaseEvent(eventType: {E}, eventProperties: {P}))",
        "PostHogSDK.shared.capture({E}, properties: {P})",
        "RSClient.sharedInstance()?.track({E}, properties: {P})",
        "self.analytics!.track(name: {E})",
        "Amplitude.instance().logEvent({E}, withEventProperties: {P})",
    ],
    "kt": [
        "analytics.track({E}, {P})",
        "analytics.track(name = {E}, properties = {P})",
        "Analytics.with(context).track({E}, Properties().putValue({S}, 1))",
        "analytics?.screen({E}, {P})",
        "analytics.identify({S}, {P})",
        "mixpanel.track({E}, JSONObject().put({S}, 1).put({S}, true))",
        "mixpanel.trackMap({E}, {P})",
        "amplitude.track({E}, {P})",
        "amplitude.track(BaseEvent().apply {{ eventType = {E}; eventProperties = {P} }})",
        "PostHog.capture(event = {E}, properties = {P})",
        "RudderClient.getInstance()!!.track({E}, {P})",
    ],
    "java": [
        "analytics.enqueue(TrackMessage.builder({E}).userId({S}).properties({P}));",
        "analytics.enqueue(IdentifyMessage.builder().traits({P}));",
        "analytics.offer(PageMessage.builder({E}).properties({P}).build());",
        "analytics.enqueue(builder);",
        "Analytics.with(context).track({E}, new Properties().putValue({S}, 1));",
        "analytics.screen({S}, {E}, {P});",
        "rudderClient.track({E}, new RudderProperty().putValue({S}, true));",
        "posthog.capture({S}, {E}, {P});",
        "messageBuilder.event({S}, {E}, {P});",
        "mixpanel.track({E}, new JSONObject().put({S}, 1));",
        "Amplitude.getInstance().logEvent({E}, {P});",
        "client.logEvent(new Event({E}, {S}));",
        "this.analytics.track({E});",
    ],
}

STATEMENTS = {
    "py": [
        "ORDER = {S}",
        "class Events:\n    SIGNED_UP = {S}\n    DONE: str = {S}",
        "from segment import analytics",
        "import posthog\nfrom posthog import capture",
        "mp = Mixpanel(token)",
        "client = Amplitude(api_key)",
        "def handler(event, props):\n    {C}\n    return None",
        "if x:\n    {C}\nelse:\n    pass",
        "async def go():\n    async with lock:\n        {C}",
        "x = f\"{{name}} {S}\"",
        "doc = \"\"\"analytics.track('u', 'Not A Call')\"\"\"",
        "# analytics.track('u', 'In A Comment')",
        "{C}  # tracklint: ignore[TL001]",
        "# tracklint: ignore-file[TL003, TL004]",
        "# tracklint: ignore[]",
        "@decorator(analytics.track)\ndef g(): ...",
        "match e:\n    case {{\"event\": name}}:\n        {C}",
    ],
    "js": [
        "const ORDER = {S};",
        "export const Events = {{ SIGNED_UP: {S}, DONE: {S} }} as const;",
        "import {{ track }} from '@amplitude/analytics-browser';",
        "import * as amplitude from \"@amplitude/analytics-node\";",
        "const analytics = new AnalyticsBrowser();",
        "const posthog = new PostHog('key');",
        "function handler(event, props) {{\n  {C}\n}}",
        "class A {{ go() {{ this.analytics.track({E}); }} }}",
        "const s = `analytics.track(\"Not A Call\") ${{x}}`;",
        "// analytics.track('In A Comment')",
        "/* analytics.track('In A Block') */",
        "{C} // tracklint: ignore[TL001]",
        "// tracklint: ignore-file[TL003]",
        "const re = /analytics\\.track\\(\"x\"\\)/g;",
        "export default {{ methods: {{ go() {{ {C} }} }} }};",
        "const el = <Button onClick={{() => analytics.track({E}, {P})}}>Buy</Button>;",
        "let x: Record<string, unknown> = {P} as any;",
        "enum Ev {{ A = {S}, B = 'b' }}",
    ],
    "swift": [
        "let order = {S}",
        "enum Events: String {{\n    case signedUp = {S}\n    case done\n}}",
        "struct Names {{ static let done = {S} }}",
        "let analytics = Analytics(configuration: config)",
        "let posthog = PostHogSDK.with(config)",
        "func handler() {{\n    {C}\n}}",
        "let s = \"analytics.track(name: \\(x))\"",
        "let m = \"\"\"\n  analytics.track(name: \"Not A Call\")\n  \"\"\"",
        "// analytics.track(name: \"In A Comment\")",
        "/* nested /* analytics.track(name: \"x\") */ */",
        "{C} // tracklint: ignore[TL001]",
        "guard let a = analytics else {{ return }}",
        "DispatchQueue.main.async {{ [weak self] in {C} }}",
    ],
    "kt": [
        "const val ORDER = {S}",
        "object Events {{ const val SIGNED_UP = {S}; val DONE = {S} }}",
        "import com.segment.analytics.kotlin.core.Analytics",
        "val analytics = Analytics(writeKey, applicationContext)",
        "val mixpanel = MixpanelAPI.getInstance(context, token)",
        "fun handler() {{\n    {C}\n}}",
        "val s = \"analytics.track(${{x}})\"",
        "val raw = \"\"\"analytics.track(\"Not A Call\")\"\"\"",
        "// analytics.track(\"In A Comment\")",
        "/* analytics.track(\"In A Block\") */",
        "{C} // tracklint: ignore[TL001]",
        "companion object {{ const val NAME = {S} }}",
        "scope.launch {{ {C} }}",
    ],
    "java": [
        "static final String ORDER = {S};",
        "interface Events {{ String SIGNED_UP = {S}; }}",
        "enum Kind {{ A({S}), B({S}); final String name; Kind(String n) {{ name = n; }} }}",
        "import static com.acme.Events.SIGNED_UP;",
        "private final Analytics analytics = Analytics.builder(key).build();",
        "void handler(PostHog posthog) {{\n    {C}\n}}",
        "class A {{ void f() {{ {C} }} }}",
        "Map<String, Object> props = new HashMap<>() {{{{ put({S}, 1); }}}};",
        "JSONObject p = new JSONObject(); p.put({S}, 2); {C}",
        "String s = \"analytics.track(\\\"Not A Call\\\")\";",
        "String block = \"\"\"\n  analytics.track(\"Not A Call\")\n  \"\"\";",
        "// analytics.track(\"In A Comment\")",
        "/* analytics.track(\"In A Block\") */",
        "{C} // tracklint: ignore[TL001]",
        "MessageBuilder b = TrackMessage.builder({E}); b = null; analytics.enqueue(b);",
    ],
}

WEIRD_TEXT = [
    "Order Completed", "Signed Up", "", " ", "a", "Ünïcödé Ëvent", "日本語イベント", "emoji 🎉🚀",
    "e\u0301", "\u202eRTL", "zero\u200bwidth", "tab\there", "new\\nline", "quote\\\"d", "back\\\\",
    "x" * 300, "%s {0} ${x}", "\U0001f600" * 5, "\u2028sep", "\ufeffbom", "#hash", "--", "<b>",
]

_ESCAPES = {"py": "\\", "js": "\\", "swift": "\\", "kt": "\\", "java": "\\"}


def _string(rng: random.Random, fam: str) -> str:
    text = rng.choice(WEIRD_TEXT)
    form = rng.randrange(10)
    if fam == "py":
        if form == 0:
            return f"f'{text} {{x}}'"
        if form == 1:
            return f"'{text}'"
        if form == 2:
            return f'"""{text}"""'
        if form == 3:
            return f"r'{text}'"
        if form == 4:
            return f"'{text}' '{text}'"
        if form == 5:
            return f"b'{text.encode('ascii', 'replace').decode()}'"
    elif fam == "js":
        if form == 0:
            return f"`{text} ${{x}}`"
        if form == 1:
            return f"`{text}`"
        if form == 2:
            return f"'{text}'"
    elif fam == "swift":
        if form == 0:
            return f'"{text} \\(x)"'
        if form == 1:
            return f'"""\n{text}\n"""'
        if form == 2:
            return f'#"{text}"#'
    elif fam == "kt":
        if form == 0:
            return f'"{text} ${{x}}"'
        if form == 1:
            return f'"""{text}"""'
        if form == 2:
            return f'"{text} $x"'
    elif fam == "java":
        if form == 0:
            return f'"{text} " + x'
        if form == 1:
            return f'"""\n    {text}\n    """'
        if form == 2:
            return f'"{text}" + "{text}"'
    return f'"{text}"'


def _scalar(rng: random.Random, fam: str) -> str:
    choice = rng.randrange(12)
    if choice < 4:
        return _string(rng, fam)
    numbers = ["0", "-1", "1.5", "1e309", "0x1F", "1_000", "007", "9" * 40, ".5", "1L", "2.0f"]
    if choice < 7:
        return rng.choice(numbers)
    literals = {
        "py": ["True", "False", "None", "...", "x", "obj.attr", "f(x)", "[*xs]"],
        "js": ["true", "false", "null", "undefined", "x", "obj?.attr", "f(x)", "NaN", "new Date()"],
        "swift": ["true", "false", "nil", "x", "obj.attr", "f(x)", "x!", ".some(1)"],
        "kt": ["true", "false", "null", "x", "obj.attr", "f(x)", "x!!", "it"],
        "java": ["true", "false", "null", "x", "obj.attr", "f(x)", "'c'", "(int) x", "-0x1FL"],
    }[fam]
    return rng.choice(literals)


def _object(rng: random.Random, fam: str, depth: int) -> str:
    """A nested object/array literal of the language."""
    n = rng.randrange(0, 5)
    parts = []
    for _ in range(n):
        key = _string(rng, fam) if rng.random() < 0.8 else rng.choice(["k", "[k]", "**d", "...d", "1"])
        value = _object(rng, fam, depth - 1) if depth > 0 and rng.random() < 0.4 else _scalar(rng, fam)
        if rng.random() < 0.15:
            value += rng.choice([" /* c */", " # c\n", " // c\n"])
        if fam == "py":
            parts.append(key if key.startswith("**") else f"{key}: {value}")
        elif fam == "js":
            bare = key.strip("'\"`")
            parts.append(key if key.startswith("...") else f"{rng.choice([key, bare or 'k'])}: {value}")
        elif fam == "swift":
            parts.append(f"{key}: {value}")
        else:
            parts.append(f"{key} to {value}")
    sep = rng.choice([", ", ",\n    ", " ,", ","])
    trailing = "," if rng.random() < 0.2 and parts else ""
    body = sep.join(parts) + trailing
    if rng.random() < 0.2:  # an array instead of an object
        items = ", ".join(_scalar(rng, fam) for _ in range(rng.randrange(4)))
        return {"py": f"[{items}]", "js": f"[{items}]", "swift": f"[{items}]", "kt": f"listOf({items})",
                "java": f"List.of({items})"}[fam]
    if fam == "py":
        return rng.choice([f"{{{body}}}", f"dict({', '.join(p.replace(': ', '=', 1).strip(chr(34) + chr(39)) for p in parts)})"])
    if fam == "js":
        return f"{{{body}}}"
    if fam == "swift":
        return f"[{body}]" if parts else "[:]"
    if fam == "java":  # the key/value pairs were written `k to v`
        pairs = [p.replace(" to ", ", ", 1) for p in parts]
        return rng.choice([f"Map.of({', '.join(pairs)})",
                           "new HashMap<String, Object>() {{ " + "".join(f"put({p}); " for p in pairs) + "}}",
                           "new Properties()" + "".join(f".putValue({p})" for p in pairs)])
    return rng.choice([f"mapOf({body})", f"hashMapOf<String, Any>({body})", f"buildJsonObject {{ put({_string(rng, fam)}, 1) }}"])


def _event(rng: random.Random, fam: str) -> str:
    r = rng.random()
    if r < 0.6:
        return _string(rng, fam)
    refs = {
        "py": ["ORDER", "Events.SIGNED_UP", "name", "EVENTS['x']"],
        "js": ["ORDER", "Events.SIGNED_UP", "Ev.A", "name", "EVENTS[k]"],
        "swift": ["order", "Events.signedUp.rawValue", "Names.done", ".signedUp"],
        "kt": ["ORDER", "Events.SIGNED_UP", "NAME", "name"],
        "java": ["ORDER", "Events.SIGNED_UP", "Kind.A.name", "Kind.B.getName()", "name"],
    }[fam]
    return rng.choice(refs)


def _fill(template: str, rng: random.Random, fam: str, depth: int = 3) -> str:
    out = template
    for _ in range(12):
        if "{E}" in out:
            out = out.replace("{E}", _event(rng, fam), 1)
        elif "{P}" in out:
            out = out.replace("{P}", _object(rng, fam, depth), 1)
        elif "{S}" in out:
            out = out.replace("{S}", _string(rng, fam), 1)
        elif "{C}" in out:
            out = out.replace("{C}", _call(rng, fam), 1)
        else:
            break
    return out


def _call(rng: random.Random, fam: str) -> str:
    return _fill(rng.choice(CALLS[fam]).replace("{{", "{").replace("}}", "}"), rng, fam)


def _statement(rng: random.Random, fam: str) -> str:
    if rng.random() < 0.5:
        return _call(rng, fam)
    return _fill(rng.choice(STATEMENTS[fam]).replace("{{", "{").replace("}}", "}"), rng, fam)


def _fixture_seeds(suffixes: tuple[str, ...]) -> list[bytes]:
    if not FIXTURES.is_dir():
        return []
    return [p.read_bytes() for p in sorted(FIXTURES.rglob("*")) if p.is_file() and p.suffix in suffixes]


# ---------------------------------------------------------------------------------------------
# Byte-level, structure-blind mutations shared by every text target

TOKENS = [
    b"(", b")", b"[", b"]", b"{", b"}", b"'", b'"', b"`", b'"""', b"'''", b"/*", b"*/", b"//", b"#",
    b"${", b"\\(", b"\\", b",", b":", b"=", b";", b"\n", b"\r", b"\r\n", b"\t", b"    ", b"\xef\xbb\xbf",
    b"\xff", b"\xc3", b"\xe2\x80", b"\xed\xa0\x80", b"\xf0\x9f\x98", "\u2028".encode(), "é".encode(),
    "😀".encode(), b"\x00", b"\x0c", b"@", b"?.", b"!!", b"...", b"**", b"<", b">", b"</", b"tracklint: ignore[",
    b"track(", b"analytics.", b"capture(", b"identify(",
]


def _line_endings(data: bytes, rng: random.Random) -> bytes:
    lines = data.split(b"\n")
    mode = rng.randrange(3)
    if mode == 0:
        return b"\r\n".join(lines)
    if mode == 1:
        return b"\r".join(lines)
    return b"".join(line + rng.choice([b"\n", b"\r\n", b"\r"]) for line in lines)[: len(data) + len(lines)]


def mutate_bytes(data: bytes, rng: random.Random, splice_from: list[bytes], *, nest: tuple[bytes, bytes] = (b"[", b"]")) -> bytes:
    """One random structure-blind mutation of ``data``."""
    n = len(data)
    op = rng.randrange(13)
    pos = rng.randrange(n + 1)
    if op == 0 and n:  # truncate
        return data[:pos]
    if op == 1 and n:  # delete a region
        end = min(n, pos + rng.randrange(1, 40))
        return data[:pos] + data[end:]
    if op == 2:  # insert a token
        return data[:pos] + rng.choice(TOKENS) + data[pos:]
    if op == 3 and n:  # duplicate a region
        end = min(n, pos + rng.randrange(1, 200))
        return data[:end] + data[pos:end] + data[end:]
    if op == 4 and splice_from:  # splice in a piece of another input
        other = rng.choice(splice_from)
        a = rng.randrange(len(other) + 1)
        b = min(len(other), a + rng.randrange(1, 400))
        return data[:pos] + other[a:b] + data[pos:]
    if op == 5:  # line endings
        return _line_endings(data, rng)
    if op == 6:  # BOMs and encodings
        k = rng.randrange(4)
        if k == 0:
            return b"\xef\xbb\xbf" + data
        text = data.decode("utf-8", "replace")
        if k == 1:
            return text.encode("utf-16")
        if k == 2:
            return b"\xfe\xff" + text.encode("utf-16-be")
        return b"\xff\xfe" + data  # a BOM that lies
    if op == 7:  # deep nesting around a point
        depth = rng.choice([10, 100, 1000, 5000])
        return data[:pos] + nest[0] * depth + b"1" + nest[1] * rng.choice([depth, depth // 2, 0]) + data[pos:]
    if op == 8 and n:  # flip a byte
        return data[:pos] + bytes([rng.randrange(256)]) + data[pos + 1:]
    if op == 9:  # a long line
        return data[:pos] + rng.choice([b"x", b"a.b(", b" ", "é".encode()]) * rng.choice([500, 5000]) + data[pos:]
    if op == 10 and n:  # swap two lines
        lines = data.split(b"\n")
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
        return b"\n".join(lines)
    if op == 11:  # indentation change on a line
        lines = data.split(b"\n")
        i = rng.randrange(len(lines))
        lines[i] = rng.choice([b"", b"  ", b"\t", b"        "]) + lines[i].lstrip()
        return b"\n".join(lines)
    # repeat the whole input (many calls in one file)
    return data * rng.randrange(1, 4)


# =============================================================================================
# Targets


@dataclasses.dataclass
class Case:
    """One generated input: ``data`` (bytes) or ``files`` (a tree), with a name for saving."""

    name: str
    data: bytes = b""
    files: dict[str, bytes] | None = None
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)


class Target:
    """A fuzz target: ``generate`` one case, ``run`` it (raising on any failure)."""

    name = ""
    shrinkable = True

    def setup(self, workdir: Path) -> None:
        self.workdir = workdir

    def generate(self, rng: random.Random) -> Case:
        raise NotImplementedError

    def run(self, case: Case) -> None:
        raise NotImplementedError

    def regression_hint(self, case: Case) -> str:
        return ""


# ---------------------------------------------------------------------------------------------
# extractors


def _iter_values(value: Any) -> Iterator[Any]:
    stack = [value]
    while stack:
        v = stack.pop()
        if v is None:
            continue
        yield v
        if v.properties:
            stack.extend(v.properties.values())
        if v.items:
            stack.extend(v.items)


def check_extraction(path: str, data: bytes, fx: Any) -> None:
    """The position invariants of one :class:`FileExtraction` for the file ``data``."""
    from tracklint.extract import decode
    from tracklint.extract.base import LineIndex

    text, problem = decode(data)
    if problem:
        text = b""
    index = LineIndex(text)
    nlines = len(index.starts)

    def line_len(line: int) -> tuple[int, int]:
        raw = index.line_bytes(line - 1).decode("utf-8", "replace")
        return len(raw), len(raw) + sum(1 for ch in raw if ord(ch) > 0xFFFF)

    def point(what: str, line: int | None, column: int | None) -> None:
        if line is None:
            return
        if not 1 <= line <= nlines:
            raise Violation(f"{what} line out of range", f"line {line}, file has {nlines}")
        if column is not None and not 1 <= column <= line_len(line)[0] + 1:
            raise Violation(f"{what} column out of range", f"{line}:{column}, line has {line_len(line)[0]} code points")

    def span(what: str, s: Any) -> None:
        if s is None:
            return
        point(what, s.line, s.column)
        point(what + " end", s.end_line, s.end_column)
        if (s.line, s.column) > (s.end_line, s.end_column):
            raise Violation(f"{what} start after end", repr(s))
        for line, col16 in ((s.line, s.column_utf16), (s.end_line, s.end_column_utf16)):
            if not 1 <= col16 <= line_len(line)[1] + 1:
                raise Violation(f"{what} UTF-16 column out of range", repr(s))
        if s.start_byte == 0 and s.end_byte == 0 and (s.line, s.column) != (1, 1):
            raise Violation(f"{what} has no byte offsets", repr(s))
        if not 0 <= s.start_byte <= s.end_byte <= len(text):
            raise Violation(f"{what} byte offsets out of range", f"{s!r}, file has {len(text)} bytes")
        if index.span(s.start_byte, s.end_byte) != s:
            raise Violation(f"{what} bytes disagree with line/column", f"{s!r} vs {index.span(s.start_byte, s.end_byte)!r}")

    if fx.path != path:
        raise Violation("extraction path changed", f"{fx.path!r} != {path!r}")
    for call in fx.calls:
        if call.path != path:
            raise Violation("call path changed", call.path)
        span("call span", call.span)
        span("event span", call.event_span)
        for value in _iter_values(call.properties):
            span("value span", value.span)
            span("key span", value.key_span)
        if call.event is not None and not isinstance(call.event, str):
            raise Violation("event is not a string", repr(call.event))
    for notice in fx.notices:
        point(f"notice ({notice.kind})", notice.line, notice.column)
        point(f"notice ({notice.kind}) end", notice.end_line, notice.end_column)
        if notice.line is not None and notice.end_line is not None and notice.end_column is not None and notice.column is not None:
            if (notice.line, notice.column) > (notice.end_line, notice.end_column):
                raise Violation("notice start after end", repr(notice))
    for directive in fx.directives:
        point("directive", directive.line, directive.column)
        point("directive end", directive.line, directive.end_column)
        if directive.column > directive.end_column:
            raise Violation("directive start after end", repr(directive))
    for line in fx.lines:
        point("finding line", line, None)


class ExtractTarget(Target):
    def __init__(self, name: str, suffix: str) -> None:
        self.name = name
        self.suffix = suffix
        self.fam = _FAMILY[suffix]
        self._specs = None
        seeds = {"py": (".py",), "js": (".js", ".jsx", ".ts", ".tsx"), "swift": (".swift",), "kt": (".kt",),
                 "java": (".java",)}[self.fam]
        self.seeds = _fixture_seeds(seeds)
        self.nest = {"py": (b"[", b"]"), "js": (b"[", b"]"), "swift": (b"[", b"]"), "kt": (b"listOf(", b")"),
                     "java": (b"List.of(", b")")}[self.fam]

    @property
    def specs(self):
        if self._specs is None:
            from tracklint.extract.presets import DEFAULT_PRESETS, build_specs

            self._specs = build_specs(DEFAULT_PRESETS)
        return self._specs

    def generate(self, rng: random.Random) -> Case:
        if self.seeds and rng.random() < 0.25:
            data = rng.choice(self.seeds)
        else:
            data = "\n".join(_statement(rng, self.fam) for _ in range(rng.randrange(1, 8))).encode("utf-8", "surrogatepass")
        for _ in range(rng.choice([0, 0, 1, 1, 2, 3, 5])):
            data = mutate_bytes(data, rng, self.seeds, nest=self.nest)
        return Case(name=f"input.{self.suffix}", data=data)

    def run(self, case: Case) -> None:
        from tracklint.extract import extract_file

        path = f"src/fuzz input.{self.suffix}"
        first = extract_file(path, case.data, self.specs)
        check_extraction(path, case.data, first)
        second = extract_file(path, case.data, self.specs)
        if repr(first) != repr(second):
            raise Violation("extraction is not deterministic")

    def regression_hint(self, case: Case) -> str:
        return f"extract_file('x.{self.suffix}', {case.data!r}, SPECS)"


# ---------------------------------------------------------------------------------------------
# plan loader

PLAN_SEEDS = [
    """tracklint: 1
name: Fuzz
version: 1.2.0
conventions:
  event_name: title-case
  property_name: {pattern: "^[a-z_]+$"}
sources:
  web: {paths: ["web/**"]}
  ios:
    paths: [ios/**, "*.swift"]
destinations: [amplitude, bigquery]
properties:
  currency: {type: string, enum: [USD, EUR], description: ISO 4217}
  revenue: {type: number, minimum: 0, exclusiveMaximum: 1e9}
common:
  app_version: {type: string, pattern: "^\\\\d+\\\\.\\\\d+$", required: true}
events:
  Order Completed:
    description: An order went through.
    owner: checkout
    sources: [web, ios]
    previous_names: [Completed Order]
    properties:
      order_id: {type: string, required: true, minLength: 1, maxLength: 64}
      currency: {required: true}
      revenue: {}
      products:
        type: array
        minItems: 0
        items:
          type: object
          additional_properties: false
          properties:
            sku: {type: string}
            qty: {type: integer, minimum: 1}
  Signed Up:
    deprecated: use Account Created
    properties:
      plan: {type: [string, "null"], const: pro}
      email: {type: string, format: email, pii: true}
identify:
  traits:
    email: {type: string, pii: true}
  additional_properties: true
group:
  traits:
    seats: {type: integer}
pages:
  Home: {}
screens:
  Checkout:
    properties:
      step: {type: integer, maximum: 5}
""",
    "tracklint: 1\nevents:\n  A: {}\n",
    "tracklint: 1\ninclude: [inc.yaml, \"events/*.yaml\"]\nevents:\n  B:\n    properties:\n      x: {type: string}\n",
    "tracklint: 1\nevents: &e\n  A: {properties: &p {x: {type: string}}}\nscreens: *e\n",
]

PLAN_VALUES = [
    "", "~", "null", "true", "no", "0", "-1", "1.5", "1e999", "-.inf", ".nan", "0x1F", "0o17", "2001-12-14",
    "[", "]", "{", "}", "[]", "{}", "[a, b]", "{a: 1}", "&anchor x", "*anchor", "*nope", "!!python/object:os.system",
    "!!binary aGVsbG8=", "!custom x", "'single'", '"double"', '"\\uD800"', '"\\x00"', "|\n  block", ">-\n  folded",
    "(a+)+$", "'['", "'(?<n>x)'", "'\\p{L}+'", "'\\d{2,}'", "'[[:alpha:]]'", "'(?i)abc'", "'a{99999}'", "'\\'",
    "string", "integer", "number", "boolean", "object", "array", "[string, 'null']", "[integer, 1]",
    "title-case", "snake_case", "camelCase", "PascalCase", "kebab-case", "SCREAMING", "{pattern: '^x$'}",
    "Ünïcödé", "🎉", "x" * 200, "'a: b'", "- item", "? complex", "@at", "`tick`", "%pct", "a #comment",
]

PLAN_KEYS = [
    "tracklint", "name", "version", "include", "conventions", "event_name", "property_name", "sources", "paths",
    "destinations", "properties", "common", "events", "identify", "group", "traits", "pages", "screens",
    "type", "enum", "const", "pattern", "format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    "minLength", "maxLength", "minItems", "maxItems", "items", "additional_properties", "required",
    "description", "pii", "deprecated", "owner", "previous_names", "$ref", "<<", "Order Completed", "x", "A",
    "evnets", "propertie", "typ",
]


class PlanTarget(Target):
    name = "plan"

    def setup(self, workdir: Path) -> None:
        super().setup(workdir)
        self.dir = workdir / "plan"
        (self.dir / "events").mkdir(parents=True, exist_ok=True)
        (self.dir / "inc.yaml").write_text("events:\n  Included: {properties: {y: {type: integer}}}\n")
        (self.dir / "events" / "bad.yaml").write_text("events:\n  Bad: {properties: {z: {type: strin}}}\n")
        self.path = self.dir / "tracking-plan.yaml"
        self.seeds = [s.encode() for s in PLAN_SEEDS]
        if (FIXTURES / "plans").is_dir():
            self.seeds += [p.read_bytes() for p in sorted((FIXTURES / "plans").rglob("*.yaml"))]

    def _mutate_lines(self, data: bytes, rng: random.Random) -> bytes:
        lines = data.decode("utf-8", "replace").split("\n")
        i = rng.randrange(len(lines))
        op = rng.randrange(7)
        line = lines[i]
        indent = line[: len(line) - len(line.lstrip())]
        if op == 0 and ":" in line:  # replace a value
            key = line.split(":", 1)[0]
            lines[i] = f"{key}: {rng.choice(PLAN_VALUES)}"
        elif op == 1:  # insert a key
            lines.insert(i, f"{indent}{rng.choice(PLAN_KEYS)}: {rng.choice(PLAN_VALUES)}")
        elif op == 2:  # duplicate a line (duplicate keys)
            lines.insert(i, line)
        elif op == 3:  # delete a line
            del lines[i]
        elif op == 4:  # re-indent
            lines[i] = rng.choice(["", " ", "  ", "    ", "\t", indent + "  "]) + line.lstrip()
        elif op == 5:  # rename a key
            if ":" in line:
                lines[i] = f"{indent}{rng.choice(PLAN_KEYS)}:{line.split(':', 1)[1]}"
        else:  # a document marker, directive or comment
            lines.insert(i, rng.choice(["---", "...", "%YAML 1.1", "%TAG ! tag:x,2000:", "# comment", "- x"]))
        return "\n".join(lines).encode("utf-8", "surrogatepass")

    def _random_doc(self, rng: random.Random) -> bytes:
        import yaml

        def value(depth: int) -> Any:
            r = rng.random()
            if depth <= 0 or r < 0.4:
                return rng.choice([None, True, 0, -5, 2.5, 10**20, "x", "string", "(a+)+$", "", "Ünï", ["string", "null"]])
            if r < 0.6:
                return [value(depth - 1) for _ in range(rng.randrange(4))]
            return {rng.choice(PLAN_KEYS): value(depth - 1) for _ in range(rng.randrange(5))}

        doc = {"tracklint": rng.choice([1, 2, "1", None]), "events": {rng.choice(PLAN_KEYS): value(4) for _ in range(rng.randrange(4))}}
        for _ in range(rng.randrange(4)):
            doc[rng.choice(PLAN_KEYS)] = value(4)
        return yaml.safe_dump(doc, allow_unicode=True).encode()

    def generate(self, rng: random.Random) -> Case:
        data = self._random_doc(rng) if rng.random() < 0.2 else rng.choice(self.seeds)
        for _ in range(rng.choice([0, 1, 1, 2, 3, 4, 6])):
            if rng.random() < 0.7:
                data = self._mutate_lines(data, rng)
            else:
                data = mutate_bytes(data, rng, self.seeds)
        return Case(name="tracking-plan.yaml", data=data)

    @staticmethod
    def _lines(text: str) -> list[str]:
        # YAML's own line breaks (PyYAML counts \r\n, \r, \n, NEL, LS and PS).
        return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x85", "\n").replace("\u2028", "\n").replace("\u2029", "\n").split("\n")

    def _check_position(self, problem: Any, texts: dict[str, str]) -> None:
        line, column = getattr(problem, "line", None), getattr(problem, "column", None)
        if line is None:
            return
        text = texts.get(str(problem.path))
        if text is None:
            return
        lines = self._lines(text)
        if not 1 <= line <= len(lines):
            raise Violation("plan error line out of range", f"{problem.path}:{line}, {len(lines)} lines")
        if column is not None and not 1 <= column <= len(lines[line - 1]) + 1:
            raise Violation("plan error column out of range", f"{problem.path}:{line}:{column}, line has {len(lines[line - 1])}")

    def run(self, case: Case) -> None:
        from tracklint.errors import PlanError
        from tracklint.plan.diff import diff_plans
        from tracklint.plan.dump import dump_plan
        from tracklint.plan.load import load_plan_text

        path = str(self.path)
        text: str | bytes = case.data
        if case.extra.get("as_text", True):
            try:
                text = case.data.decode("utf-8")
            except UnicodeDecodeError:
                pass
        texts = {path: case.data.decode("utf-8", "replace").lstrip("\ufeff")}
        for p in self.dir.rglob("*.yaml"):
            texts.setdefault(str(p), p.read_text())
        try:
            plan = load_plan_text(text, path)
        except PlanError as exc:
            self._check_position(exc, texts)
            for problem in getattr(exc, "problems", ()):
                self._check_position(problem, texts)
            if not exc.render():
                raise Violation("empty plan error message") from None
            return
        changes = diff_plans(plan, plan)
        if changes:
            raise Violation("diff of a plan with itself is not empty", "; ".join(str(c) for c in list(changes)[:3]))
        dumped = dump_plan(plan)
        try:
            again = load_plan_text(dumped, path)
        except PlanError as exc:
            raise Violation("dumped plan does not reload", exc.render()) from None
        if _strip_plan(again) != _strip_plan(plan):
            raise Violation("dumped plan reloads different")

    def regression_hint(self, case: Case) -> str:
        return f"load_plan_text({case.data!r}, ...)"


def _strip_plan(plan: Any) -> Any:
    """A plan without positions and file bookkeeping, for round-trip comparison."""
    from tracklint.plan.model import Event, PropertySpec, Traits

    def clean(obj: Any) -> Any:
        if isinstance(obj, PropertySpec):
            return dataclasses.replace(
                obj, location=None, shared=None, items=clean(obj.items) if obj.items else None,
                properties={k: clean(v) for k, v in obj.properties.items()},
            )
        if isinstance(obj, Event):
            return dataclasses.replace(obj, location=None, properties={k: clean(v) for k, v in obj.properties.items()})
        if isinstance(obj, Traits):
            return dataclasses.replace(obj, location=None, traits={k: clean(v) for k, v in obj.traits.items()})
        return obj

    sources = {k: dataclasses.replace(v, location=None) for k, v in plan.sources.items()}
    return dataclasses.replace(
        plan, path=None, files=(), root=None, sources=sources,
        events={k: clean(v) for k, v in plan.events.items()},
        pages={k: clean(v) for k, v in plan.pages.items()},
        screens={k: clean(v) for k, v in plan.screens.items()},
        common_properties={k: clean(v) for k, v in plan.common_properties.items()},
        shared_properties={k: clean(v) for k, v in plan.shared_properties.items()},
        identify=clean(plan.identify) if plan.identify else None,
        group=clean(plan.group) if plan.group else None,
    )


# ---------------------------------------------------------------------------------------------
# importers

IMPORT_DIRS = ("segment", "rudderstack", "mparticle", "amplitude-ampli", "opentp")


def _mutate_data(data: Any, rng: random.Random) -> Any:
    """Replace, delete or add one node somewhere in a JSON-like tree (iteratively)."""
    nodes: list[tuple[Any, Any]] = []  # (container, key)
    stack = [data]
    while stack and len(nodes) < 5000:
        node = stack.pop()
        if isinstance(node, dict):
            for k, v in node.items():
                nodes.append((node, k))
                stack.append(v)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                nodes.append((node, i))
                stack.append(v)
    replacements = [
        None, True, False, 0, -1, 1.5, 10**30, float("inf"), "", "x", "string", "(a+)+$", "[", "Ünï 🎉", "#/definitions/x",
        "#/events/a/b", "#event:nope", "#property:nope", "{{ .X }}", [], {}, [None], {"type": "object"},
        {"$ref": "#/definitions/Missing"}, {"$ref": "#"}, {"type": ["string", 1]}, {"enum": []}, {"items": None},
        {"properties": []}, {"required": "x"}, {"version": "rudder/v0.1", "kind": "x"},
    ]
    if not nodes:
        return rng.choice(replacements)
    container, key = rng.choice(nodes)
    op = rng.randrange(5)
    if op == 0:
        if isinstance(container, dict):
            del container[key]
        else:
            container.pop(key)
    elif op == 1:  # deep nesting
        value: Any = "x"
        for _ in range(rng.choice([5, 50, 500])):
            value = rng.choice([[value], {"properties": value}, {"items": value}])
        container[key] = value
    elif op == 2 and isinstance(container, dict):  # add a key
        container[rng.choice(["type", "properties", "$ref", "required", "items", "enum", "name", "id", "kind", "spec", "rules", "events", "x"])] = rng.choice(replacements)
    elif op == 3:  # copy another node here (shared structure, self-reference through copies)
        other_container, other_key = rng.choice(nodes)
        container[key] = json.loads(json.dumps(other_container[other_key], default=str))
    else:
        container[key] = rng.choice(replacements)
    return data


class ImportTarget(Target):
    name = "import"

    def setup(self, workdir: Path) -> None:
        super().setup(workdir)
        root = shared_plans_dir()
        self.seeds: list[tuple[Path, Path]] = []  # (file, the folder to copy with it)
        if root is None:
            return
        for sub in IMPORT_DIRS:
            for p in sorted((root / sub).rglob("*")):
                if p.is_file() and p.suffix in (".json", ".yaml", ".yml") and p.name != "manifest.json":
                    folder = p.parent if sub in ("rudderstack", "opentp") else None
                    self.seeds.append((p, folder))
        self._cache: dict[Path, bytes] = {}

    def generate(self, rng: random.Random) -> Case:
        import yaml

        if not self.seeds:
            raise RuntimeError("no plans to import: ../shared/data/plans is not beside this checkout")
        seed, folder = rng.choice(self.seeds)
        raw = self._cache.setdefault(seed, seed.read_bytes())
        data = raw
        if rng.random() < 0.75:
            try:
                tree = json.loads(raw) if seed.suffix == ".json" else yaml.safe_load(raw)
                for _ in range(rng.randrange(1, 6)):
                    tree = _mutate_data(tree, rng)
                if seed.suffix == ".json":
                    data = json.dumps(tree, ensure_ascii=rng.random() < 0.5, default=str).encode()
                else:
                    data = yaml.safe_dump(tree, allow_unicode=True).encode()
            except (ValueError, yaml.YAMLError, RecursionError):
                data = raw
        for _ in range(rng.choice([0, 0, 0, 1, 2])):
            data = mutate_bytes(data, rng, [], nest=(b"[", b"]") if seed.suffix == ".json" else (b"- ", b""))
        files: dict[str, bytes] = {}
        if folder is not None:
            for p in sorted(folder.iterdir()):
                if p.is_file() and p != seed:
                    files[p.name] = self._cache.setdefault(p, p.read_bytes())
        files[seed.name] = data
        return Case(name=seed.name, data=data, files=files, extra={"seed": str(seed), "main": seed.name, "folder": folder is not None})

    def run(self, case: Case) -> None:
        from tracklint.errors import TracklintError
        from tracklint.importers import import_plan
        from tracklint.plan.dump import dump_plan

        folder = Path(tempfile.mkdtemp(dir=self.workdir))
        try:
            for name, data in (case.files or {case.name: case.data}).items():
                (folder / name).write_bytes(data)
            target = folder if case.extra.get("folder") and case.extra.get("whole") else folder / case.extra.get("main", case.name)
            try:
                result = import_plan([target])
            except TracklintError as exc:
                if not exc.render():
                    raise Violation("empty import error message") from None
                return
            dump_plan(result.plan)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def regression_hint(self, case: Case) -> str:
        return f"import_plan([path]) with {case.extra.get('seed')} mutated"


# ---------------------------------------------------------------------------------------------
# engine end to end

FORMATS = ("json", "full", "concise", "sarif", "github", "markdown")
CONFIGS = [
    "",
    "plan = 'tracking-plan.yaml'\n",
    "presets = ['segment', 'posthog']\n[[wrappers]]\nfunction = 'tracker.trackEvent'\nevent = 0\nproperties = {position = 1, key = 'props'}\n",
    "select = ['TL0']\nignore = ['TL003']\nfail-on = 'warning'\n",
    "exclude = ['vendor/**']\nmax-file-size = 100\nskip-minified = false\n",
    "[[wrappers]]\nfunction = 'track'\nevent = '**kwargs'\nproperties = [0, 'p', {keyword = 'q'}]\n",
    "[severity]\nTL001 = 'note'\nTL999 = 'error'\n",
    "presets = 'nope'\n",
    "[tool\n",
    "unknown-key = 1\n",
    "[[wrappers]]\nfunction = 1\nevent = true\n",
]
NAMES = ["app.py", "web/a b.js", "web/ü.tsx", "ios/App.swift", "android/Main.kt", "srv/x.ts", "w/c.jsx", "vendor/v.js", "lib/m.py",
         "server/Billing.java"]


class EngineTarget(Target):
    name = "engine"
    shrinkable = False

    def setup(self, workdir: Path) -> None:
        super().setup(workdir)
        self.extractors = {suffix: ExtractTarget(name, suffix) for name, suffix in EXTRACT_TARGETS.items()}
        self.plan = PlanTarget()
        self.plan.setup(workdir)

    def generate(self, rng: random.Random) -> Case:
        files: dict[str, bytes] = {}
        for name in rng.sample(NAMES, rng.randrange(1, 5)):
            suffix = name.rsplit(".", 1)[1]
            files[name] = self.extractors[suffix].generate(rng).data
        files["tracking-plan.yaml"] = self.plan.generate(rng).data if rng.random() < 0.3 else PLAN_SEEDS[0].encode()
        config = rng.choice(CONFIGS)
        if config:
            files["tracklint.toml"] = config.encode()
        args = ["check", "--no-cache", "-f", rng.choice(FORMATS), "--jobs", "1"]
        if rng.random() < 0.2:
            args.append("--show-suppressed")
        if rng.random() < 0.1:
            args.append("--exit-zero")
        return Case(name="tree", files=files, extra={"args": args})

    def run(self, case: Case) -> None:
        from typer.testing import CliRunner

        from tracklint.cli import app

        root = Path(tempfile.mkdtemp(dir=self.workdir))
        old = os.getcwd()
        try:
            (root / ".git").mkdir()
            for name, data in (case.files or {}).items():
                target = root / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            os.chdir(root)
            result = CliRunner().invoke(app, case.extra["args"], catch_exceptions=True)
            if result.exception is not None and not isinstance(result.exception, SystemExit):
                exc = result.exception
                raise exc.with_traceback(result.exc_info[2] if result.exc_info else None)
            if result.exit_code not in (0, 1, 2):
                raise Violation("unexpected exit code", str(result.exit_code))
            if "Traceback (most recent call last)" in result.output:
                raise Violation("traceback in output", result.output[-500:])
            if case.extra["args"][3] == "json" and result.exit_code in (0, 1):
                try:
                    json.loads(result.stdout)
                except ValueError as exc:
                    raise Violation("json report does not parse", str(exc)) from None
        finally:
            os.chdir(old)
            shutil.rmtree(root, ignore_errors=True)

    def regression_hint(self, case: Case) -> str:
        return f"tracklint {' '.join(case.extra['args'])} on a tree of {sorted(case.files or {})}"


def all_targets() -> dict[str, Target]:
    targets: dict[str, Target] = {name: ExtractTarget(name, suffix) for name, suffix in EXTRACT_TARGETS.items()}
    targets["plan"] = PlanTarget()
    targets["import"] = ImportTarget()
    targets["engine"] = EngineTarget()
    return targets


# =============================================================================================
# The campaign


def failure_key(exc: BaseException) -> str:
    """Deduplication key: the broken invariant, or the exception type and where in tracklint it
    was raised (the innermost frame in the package, else the innermost frame)."""
    if isinstance(exc, Violation):
        return f"violation: {exc.key}"
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "tracklint" in f.filename and "benchmarks" not in f.filename]
    where = (ours or frames or [None])[-1]
    loc = f"{Path(where.filename).name}:{where.lineno} in {where.name}" if where else "?"
    return f"{type(exc).__name__} at {loc}"


def attempt(target: Target, case: Case) -> tuple[str | None, str, float]:
    """Run one case: (failure key or None, traceback text, seconds)."""
    started = time.perf_counter()
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            target.run(case)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - finding these is the point
        return failure_key(exc), "".join(traceback.format_exception(exc)), time.perf_counter() - started
    elapsed = time.perf_counter() - started
    if elapsed > SLOW_SECONDS:
        return f"slow: over {SLOW_SECONDS:.0f}s", f"took {elapsed:.1f}s", elapsed
    return None, "", elapsed


def shrink(target: Target, case: Case, key: str, *, budget: float = 20.0) -> Case:
    """Greedy delta minimisation of ``case.data`` keeping the same failure key."""
    if not target.shrinkable or case.files is not None and len(case.files) > 1:
        return case
    deadline = time.perf_counter() + budget
    data = case.data

    def still(candidate: bytes) -> bool:
        trial = dataclasses.replace(case, data=candidate, files={**case.files, case.extra.get("main", case.name): candidate} if case.files else None)
        return attempt(target, trial)[0] == key

    for unit in (b"\n", None):
        chunk = max(1, len(data.split(b"\n")) // 2) if unit else max(1, len(data) // 2)
        while chunk >= 1 and time.perf_counter() < deadline:
            pieces = data.split(b"\n") if unit else [data[i:i + 1] for i in range(len(data))]
            i, changed = 0, False
            while i < len(pieces) and time.perf_counter() < deadline:
                candidate_pieces = pieces[:i] + pieces[i + chunk:]
                candidate = (b"\n" if unit else b"").join(candidate_pieces)
                if candidate != data and still(candidate):
                    data, pieces, changed = candidate, candidate_pieces, True
                else:
                    i += chunk
            if not changed:
                chunk //= 2
    files = {**case.files, case.extra.get("main", case.name): data} if case.files else None
    return dataclasses.replace(case, data=data, files=files)


@dataclasses.dataclass
class Report:
    target: str
    tried: int = 0
    seconds: float = 0.0
    slowest: float = 0.0
    failures: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)


def save(out: Path, target: Target, index: int, case: Case, small: Case, key: str, tb: str) -> Path:
    folder = out / target.name / f"{index:02d}"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for label, c in (("found", case), ("min", small)):
        if c.files is not None:
            for name, data in c.files.items():
                p = folder / label / name
                p.parent.mkdir(parents=True, exist_ok=True)
                p.write_bytes(data)
        else:
            (folder / f"{label}-{c.name}").write_bytes(c.data)
    meta = {"key": key, "extra": {k: v for k, v in small.extra.items()}, "hint": target.regression_hint(small)}
    (folder / "failure.json").write_text(json.dumps(meta, indent=2, default=str))
    (folder / "traceback.txt").write_text(tb)
    return folder


def campaign(target: Target, *, examples: int, seconds: float | None, seed: int, out: Path, minimise: bool = True,
             quiet: bool = False, trace: bool = False, start: int = 0, first_index: int = 1,
             state: Path | None = None) -> Report:
    """Run ``target`` on generated inputs number ``start`` .. ``examples - 1`` (or for ``seconds``).

    ``state``: a JSON file rewritten before each input (the index, the input's file and what was
    found so far), so that a supervising process can tell which input hung or killed this one.
    """
    rng = random.Random(f"{seed}:{target.name}")
    report = Report(target.name)
    started = time.perf_counter()
    current = out / f"current-{target.name}.bin"
    for _ in range(start):  # the same inputs as an uninterrupted run: regenerate and skip
        target.generate(rng)
    index = start
    while index < examples and (seconds is None or time.perf_counter() - started < seconds):
        case = target.generate(rng)
        if trace or state is not None:  # kept if the process dies (a crash in C, the memory limit)
            current.write_bytes(case.data if case.files is None else json.dumps({k: v.decode("latin-1") for k, v in case.files.items()}).encode())
        if state is not None:
            _write_state(state, report, index, time.perf_counter() - started)
        key, tb, elapsed = attempt(target, case)
        report.tried += 1
        index += 1
        report.slowest = max(report.slowest, elapsed)
        if key is None:
            continue
        entry = report.failures.get(key)
        if entry is not None:
            entry["count"] += 1
            continue
        small = shrink(target, case, key) if minimise else case
        folder = save(out, target, first_index + len(report.failures), case, small, key, tb)
        report.failures[key] = {"count": 1, "folder": str(folder), "input": small.data[:300] if small.files is None else sorted(small.files)}
        if not quiet:
            print(f"  [{target.name}] new failure: {key}\n      minimal input: {report.failures[key]['input']!r}\n      saved in {folder}", flush=True)
    report.seconds = time.perf_counter() - started
    if state is not None:
        _write_state(state, report, index, report.seconds, done=True)
    return report


def _write_state(path: Path, report: Report, index: int, seconds: float, *, done: bool = False) -> None:
    data = {"index": index, "tried": report.tried, "seconds": seconds, "slowest": report.slowest, "done": done,
            "failures": {k: {"count": v["count"], "folder": v["folder"]} for k, v in report.failures.items()}}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data))
    os.replace(tmp, path)


def supervise(name: str, args: argparse.Namespace) -> Report:
    """Run one target's campaign in child processes. A child that hangs (no progress for
    ``--hang`` seconds) or dies (segfault, memory limit) is recorded as a failure of the input
    it was on, and a new child continues with the next input."""
    import subprocess

    report = Report(name)
    state = args.out / f"state-{name}.json"
    start, started = 0, time.perf_counter()
    while start < args.examples:
        left = None if args.seconds is None else args.seconds - (time.perf_counter() - started)
        if left is not None and left <= 0:
            break
        state.unlink(missing_ok=True)
        cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", "--target", name, "--examples", str(args.examples),
               "--start", str(start), "--first-index", str(len(report.failures) + 1), "--seed", str(args.seed),
               "--out", str(args.out), "--max-memory", str(args.max_memory)]
        if left is not None:
            cmd += ["--seconds", str(left)]
        if args.no_minimise:
            cmd.append("--no-minimise")
        child = subprocess.Popen(cmd)
        last, last_change, hung = None, time.monotonic(), False
        while child.poll() is None:
            time.sleep(0.5)
            stamp = state.stat().st_mtime if state.exists() else None
            if stamp != last:
                last, last_change = stamp, time.monotonic()
            elif time.monotonic() - last_change > args.hang:
                hung = True
                child.kill()
                child.wait()
        info = json.loads(state.read_text()) if state.exists() else {"index": start, "tried": 0, "failures": {}, "slowest": 0}
        report.tried += info["tried"]
        report.slowest = max(report.slowest, info.get("slowest", 0))
        for key, entry in info["failures"].items():
            merged = report.failures.setdefault(key, {"count": 0, "folder": entry["folder"], "input": ""})
            merged["count"] += entry["count"]
        if info.get("done"):
            break
        key = f"hang: no progress for {args.hang:g}s" if hung else f"process died (exit {child.returncode})"
        report.tried += 1
        merged = report.failures.get(key)
        if merged is None:
            folder = args.out / name / f"{len(report.failures) + 1:02d}"
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copy(args.out / f"current-{name}.bin", folder / "found-input.bin")
            (folder / "failure.json").write_text(json.dumps({"key": key, "index": info["index"]}))
            report.failures[key] = {"count": 1, "folder": str(folder), "input": ""}
            print(f"  [{name}] new failure: {key} (input {info['index']})\n      saved in {folder}", flush=True)
        else:
            merged["count"] += 1
        start = info["index"] + 1
    report.seconds = time.perf_counter() - started
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=2000, help="inputs per target (default 2000)")
    parser.add_argument("--seconds", type=float, default=None, help="time budget per target (stops at whichever comes first)")
    parser.add_argument("--target", action="append", help="one target (repeatable); default: all. " + ", ".join(all_targets()))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "tracklint-fuzz", help="where failing inputs go")
    parser.add_argument("--no-minimise", action="store_true", help="save failing inputs as found, without shrinking")
    parser.add_argument("--max-memory", type=int, default=4096, help="address-space limit in MB per process (0: none), so a blow-up fails instead of swapping a shared machine")
    parser.add_argument("--hang", type=float, default=60.0, help="seconds without progress before an input counts as a hang")
    parser.add_argument("--trace", action="store_true", help="write each input to OUT/current-TARGET.bin before running it")
    parser.add_argument("--in-process", action="store_true", help="run in this process (no protection from hangs and crashes)")
    parser.add_argument("--json", type=Path, default=None, help="also write the per-target summary as JSON here")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--start", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--first-index", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    targets = all_targets()
    names = args.target or list(targets)
    unknown = [n for n in names if n not in targets]
    if unknown:
        parser.error(f"unknown target(s) {', '.join(unknown)}; choose from {', '.join(targets)}")
    args.out.mkdir(parents=True, exist_ok=True)
    in_process = args.worker or args.in_process
    if in_process and args.max_memory:
        import resource

        limit = args.max_memory * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))
    reports = []
    with tempfile.TemporaryDirectory(prefix="tracklint-fuzz-work-") as work:
        for name in names:
            if not args.worker:
                print(f"== {name}", flush=True)
            if in_process:
                target = targets[name]
                target.setup(Path(work))
                report = campaign(target, examples=args.examples, seconds=args.seconds, seed=args.seed, out=args.out,
                                  minimise=not args.no_minimise, trace=args.trace, start=args.start,
                                  first_index=args.first_index, state=args.out / f"state-{name}.json" if args.worker else None)
            else:
                report = supervise(name, args)
            reports.append(report)
            if not args.worker:
                print(f"   {report.tried} inputs in {report.seconds:.1f}s (slowest {report.slowest:.2f}s), {len(report.failures)} distinct failure(s)", flush=True)
    if args.worker:
        return 0
    print("\ntarget        inputs    seconds  failures")
    for r in reports:
        print(f"{r.target:<12} {r.tried:>7} {r.seconds:>10.1f}  {len(r.failures)}")
        for key, entry in r.failures.items():
            print(f"    {entry['count']:>5} x {key}")
    if args.json:
        args.json.write_text(json.dumps([
            {"target": r.target, "inputs": r.tried, "seconds": round(r.seconds, 2), "slowest": round(r.slowest, 3),
             "failures": {k: {"count": v["count"], "folder": v["folder"]} for k, v in r.failures.items()}}
            for r in reports
        ], indent=2))
    return 1 if any(r.failures for r in reports) else 0


if __name__ == "__main__":
    raise SystemExit(main())
