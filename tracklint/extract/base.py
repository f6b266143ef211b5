"""The shared call-site model and the language-independent half of extraction.

Every language extractor turns a file into :class:`RawCall` records (callee, receiver chain,
arguments as :class:`Value`) and hands them to :func:`match_call`, which decides, from the
configured :class:`CallSpec` presets and wrappers, whether a call is an analytics call and where
its event name and properties are. The result is one :class:`TrackCall` per call site, the same
record for every language.

Positions: tree-sitter reports 0-based rows and UTF-8 byte columns. :class:`LineIndex` converts
them, once per file, into 1-based lines and 1-based code-point (and UTF-16) columns.
"""

from __future__ import annotations

import bisect
import itertools
import operator
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Literal

from tracklint.extract.languages import family as language_family
from tracklint.naming import transform as transform_name

EventKind = Literal["literal", "constant", "dynamic", "none"]
ValueType = Literal["string", "integer", "number", "boolean", "null", "object", "array", "unknown"]

_UTF8_LEAD = re.compile(rb"[\xc0-\xf7]")
_UTF8_CONT = re.compile(rb"[\x80-\xbf]*")

#: Properties whose literal text is longer than this are truncated in messages.
MAX_TEXT = 80


@dataclass(frozen=True)
class Span:
    """1-based line/column span (end column exclusive), columns in code points and UTF-16."""

    line: int
    column: int
    end_line: int
    end_column: int
    column_utf16: int
    end_column_utf16: int
    start_byte: int = 0
    end_byte: int = 0


class LineIndex:
    """Byte offset -> (line, code-point column, UTF-16 column), computed once per file.

    Rows split on ``\\n`` only, as tree-sitter counts them. ASCII lines (the common case, and
    every line of a typical minified bundle) convert in O(1); other lines decode only their prefix.
    """

    def __init__(self, data: bytes) -> None:
        self.data = data
        self._multibyte: dict[int, tuple[list[int], list[int], list[int]]] = {}
        # line starts: running sums of (line length + 1), all in C (twice as fast as a find loop)
        starts = list(itertools.accumulate(map(operator.add, map(len, data.split(b"\n")), itertools.repeat(1)), initial=0))
        starts.pop()
        self.starts = starts
        self._ascii: dict[int, bool] = {}

    def line_bytes(self, row: int) -> bytes:
        start = self.starts[row]
        end = self.starts[row + 1] - 1 if row + 1 < len(self.starts) else len(self.data)
        return self.data[start:end]

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its line ending."""
        if line < 1 or line > len(self.starts):
            return ""
        return self.line_bytes(line - 1).decode("utf-8", "replace").rstrip("\r")

    def position(self, offset: int) -> tuple[int, int, int]:
        """1-based (line, code-point column, UTF-16 column) of a byte offset."""
        row = bisect.bisect_right(self.starts, offset) - 1
        start = self.starts[row]
        rel = offset - start
        if self._is_ascii(row):
            return row + 1, rel + 1, rel + 1
        # Non-ASCII line: subtract the continuation bytes of the multi-byte characters that start
        # before the offset (and add one UTF-16 unit per astral character). A per-line table and
        # a bisect keep this O(log n) per lookup, so a long minified line is not quadratic.
        leads, extra, astral = self._multibyte_table(row)
        k = bisect.bisect_left(leads, rel)
        cp = rel - extra[k]
        return row + 1, cp + 1, cp + astral[k] + 1

    def _multibyte_table(self, row: int) -> tuple[list[int], list[int], list[int]]:
        table = self._multibyte.get(row)
        if table is None:
            line = self.line_bytes(row)
            leads: list[int] = []
            extra = [0]
            astral = [0]
            for match in _UTF8_LEAD.finditer(line):
                lead = line[match.start()]
                width = 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
                # count only the continuation bytes really present (invalid UTF-8 stays 1:1)
                cont = len(_UTF8_CONT.match(line, match.start() + 1, match.start() + width).group())
                leads.append(match.start())
                extra.append(extra[-1] + cont)
                astral.append(astral[-1] + (1 if width == 4 and cont == 3 else 0))
            table = self._multibyte[row] = (leads, extra, astral)
        return table

    def _is_ascii(self, row: int) -> bool:
        cached = self._ascii.get(row)
        if cached is None:
            cached = self._ascii[row] = self.line_bytes(row).isascii()
        return cached

    def span(self, start_byte: int, end_byte: int) -> Span:
        line, col, col16 = self.position(start_byte)
        end_line, end_col, end_col16 = self.position(end_byte)
        return Span(line, col, end_line, end_col, col16, end_col16, start_byte, end_byte)


@dataclass
class Value:
    """What is statically known about one expression.

    ``type`` is the literal's JSON type, or ``"unknown"``. ``known`` says whether ``value`` holds
    the literal itself (strings, numbers, booleans, null). Objects carry ``properties`` (and
    ``open`` when a spread or computed key hides some keys); arrays carry ``items`` (and
    ``open`` for spreads). ``kind`` tells how a string was known: ``literal`` or ``constant``
    (resolved from a definition); ``dynamic`` when it could not be. ``ref`` is the name of the
    constant or variable the expression refers to (kept for cross-file resolution and messages).
    """

    type: ValueType = "unknown"
    value: Any = None
    known: bool = False
    properties: dict[str, "Value"] | None = None
    items: list["Value"] | None = None
    open: bool = False
    kind: EventKind = "dynamic"
    text: str = ""
    span: Span | None = None
    key_span: Span | None = None
    ref: str | None = None
    ctor: str | None = None  # constructor/function name when the value is a call (e.g. BaseEvent)
    #: The string is an enum case's own name (``ORDER_CREATED``, Swift's implicit raw value), not
    #: a string the code wrote: a wrapper's ``transform`` turns it into the name that is sent.
    case_name: bool = False

    def brief(self) -> str:
        """The expression on one line for messages: white space runs (a multi-line argument's
        line breaks and indentation) folded to one space, at most :data:`MAX_TEXT` characters."""
        text = " ".join(self.text.split())
        return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def literal(value: Any, *, text: str = "", span: Span | None = None) -> Value:
    """A :class:`Value` for a known scalar literal."""
    if value is None:
        vtype: ValueType = "null"
    elif isinstance(value, bool):
        vtype = "boolean"
    elif isinstance(value, int):
        vtype = "integer"
    elif isinstance(value, float):
        vtype = "number"
    else:
        vtype = "string"
    return Value(type=vtype, value=value, known=True, kind="literal", text=text, span=span)


def unknown(text: str = "", *, span: Span | None = None, ref: str | None = None) -> Value:
    """A :class:`Value` that cannot be known statically."""
    return Value(type="unknown", kind="dynamic", text=text, span=span, ref=ref)


@dataclass(frozen=True)
class ArgRef:
    """Where an argument lives in a call.

    ``position`` (0-based, among positional arguments) and/or ``keyword`` (a Python keyword, a
    Swift label, a Kotlin named argument); ``object_key`` then looks inside that argument (an
    object literal such as analytics-node's ``track({event, properties})``, or a constructor call
    with keyword arguments such as Amplitude's ``BaseEvent(event_type=...)``). ``kwargs``: the
    Python keyword arguments not named in ``exclude_keywords`` form the properties object.
    ``types``: accept the argument only if its type is one of these (or unknown).
    """

    position: int | None = None
    keyword: str | None = None
    object_key: str | None = None
    kwargs: bool = False
    exclude_keywords: tuple[str, ...] = ()
    types: tuple[str, ...] = ()


@dataclass(frozen=True)
class CallSpec:
    """One call shape of one SDK (or of a team's wrapper).

    A call matches when its method (or bare function) name is ``method`` and its receiver matches
    one of ``receivers``: a dotted suffix of the receiver chain with calls and optional markers
    removed (``"analytics"`` matches ``window.analytics``, ``self.analytics`` and
    ``analytics?``; ``"Analytics.shared"`` matches ``Analytics.shared()``); ``"*"`` matches any
    receiver; ``""`` a bare function call. A receiver is also matched when it is a variable
    bound in the file to one of ``constructors`` (``mp = Mixpanel(token)``), and a bare call
    when the function was imported from one of ``modules``.

    ``event`` and ``properties`` list alternatives, tried in order; the first that resolves wins.
    """

    sdk: str
    method: str
    kind: str  # track | identify | page | screen | group | alias
    languages: frozenset[str]
    receivers: tuple[str, ...] = ()
    constructors: tuple[str, ...] = ()
    modules: tuple[str, ...] = ()
    event: tuple[ArgRef, ...] = ()
    properties: tuple[ArgRef, ...] = ()
    min_args: int = 0
    # When set, the first positional argument must be a literal of one of these types
    # (analytics-node's ``track({...})`` form vs analytics.js's ``track(name, {...})``).
    first_arg: tuple[str, ...] = ()
    # With ``first_arg``: the object must have one of these keys (or hide keys behind a spread).
    # Tells analytics-node's ``identify({userId, traits})`` from analytics.js's ``identify({email})``.
    first_arg_keys: tuple[str, ...] = ()
    # When set, the first positional argument must be a value built by one of these constructors
    # (its ``Value.ctor``, matched as a dotted suffix like a receiver): message-style SDKs send
    # one call for every kind, and the message's type says which (Go's
    # ``client.Enqueue(analytics.Track{...})``, Java's ``analytics.enqueue(TrackMessage.builder(...))``).
    first_arg_ctor: tuple[str, ...] = ()
    # When set, every labelled argument (a Swift label, a Kotlin named argument) must be one of
    # these: an SDK method takes only its own labels (analytics-swift's `track(name:properties:)`
    # is not an app's `flowParameters.analytics.track(screen: .roomCall)`).
    labels: tuple[str, ...] | None = None
    # How the code turns an enum case's name into the name it sends (a wrapper's ``transform``:
    # ``lowercase``, ``snake_case``...; see :func:`tracklint.naming.transform`).
    transform: str | None = None
    # When set, the call's name must come from one of these (a wrapper scoped with `from` /
    # `module` in the config): the binding of the bare function's name, or of the receiver's
    # first name, is ``"call:F"`` (assigned from a call of ``F``, destructured too) or
    # ``"import:M"`` (imported from module ``M`` or a submodule of it), as the extractor records
    # them in its bindings.
    origins: tuple[str, ...] = ()


@dataclass
class Arg:
    """One argument of a raw call: positional (``position``) or named (``keyword``)."""

    value: Value
    position: int | None = None
    keyword: str | None = None


@dataclass
class RawCall:
    """A call expression as a language extractor sees it, before matching against specs.

    ``receiver_parts`` is the receiver chain with calls and ``?``/``!`` removed
    (``window.analytics`` -> ``["window", "analytics"]``, ``Analytics.shared()`` ->
    ``["Analytics", "shared"]``); empty for a bare function call.
    """

    method: str
    receiver_parts: list[str]
    receiver_text: str
    args: list[Arg]
    span: Span
    language: str
    has_splat: bool = False  # positional arguments hidden by *args / ...spread


@dataclass
class TrackCall:
    """One analytics call site: the record every rule, reporter and command works on."""

    path: str
    language: str
    span: Span
    sdk: str
    receiver: str
    method: str
    kind: str
    event: str | None
    event_kind: EventKind
    event_text: str = ""
    event_span: Span | None = None
    event_ref: str | None = None
    properties: Value | None = None
    source: str | None = None  # the plan source (web, ios...) that the path belongs to
    # The project file the event name's constant was resolved from, when another file defines
    # it (``extract.linking.resolve_constants``): the edge that makes a change to that file re-check
    # this call in PR modes.
    event_from: str | None = None
    # The event name was an enum case's own name (before ``transform``, see :class:`Value`).
    event_case: bool = False
    # The spec's ``transform``, kept for names resolved later from another file's constants.
    transform: str | None = None

    @property
    def properties_kind(self) -> str:
        """``none`` (no argument), ``literal`` (a closed literal object), ``open`` (literal keys
        plus a spread or computed part) or ``dynamic`` (not an object literal)."""
        props = self.properties
        if props is None:
            return "none"
        if props.properties is None:
            return "dynamic"
        return "open" if props.open else "literal"


@dataclass
class Notice:
    """Something about a file that is not a finding of a rule: a file that could not be read,
    was skipped (minified, too large, binary), or has a region the parser could not read."""

    path: str
    kind: str  # syntax-error | unreadable | skipped | decode | internal
    # (and ``reparse``: an extractor asks a windowed parse to be redone whole, never reported)
    message: str
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None


@dataclass
class Directive:
    """An inline ``tracklint: ignore[...]`` / ``ignore-file[...]`` comment."""

    line: int  # 1-based line of the comment
    codes: tuple[str, ...]
    file_level: bool = False
    column: int = 1
    end_column: int = 1
    own_line: bool = False  # the comment is alone on its line (applies to the next line)


@dataclass
class FileExtraction:
    """Everything extraction learned about one file."""

    path: str
    language: str
    calls: list[TrackCall] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    directives: list[Directive] = field(default_factory=list)
    # Module-level string constants this file defines (``Events.ORDER_COMPLETED`` -> value), for
    # resolving names that other files import.
    exports: dict[str, str] = field(default_factory=dict)
    # Local name -> (module specifier, imported name) for names imported from other modules.
    imports: dict[str, tuple[str, str]] = field(default_factory=dict)
    lines: dict[int, str] = field(default_factory=dict)  # text of lines that carry findings
    # False when the pre-filter ruled the file out without parsing it (no calls, and exports
    # unknown): cross-file resolution parses such a file on demand when a call refers to it.
    parsed: bool = True
    # The keys of ``exports`` whose value is an enum case's own name (see ``Value.case_name``).
    case_names: set[str] = field(default_factory=set)
    # SDK clients this file binds at module level, by exported name (``"new:PostHog"``), and
    # calls on a client imported from another module of the project, kept until linking shows
    # that module binds it: (the call, module, imported name, the binding it needs).
    clients: dict[str, str] = field(default_factory=dict)
    pending: list[tuple[TrackCall, str, str, str]] = field(default_factory=list)


def receiver_matches(parts: list[str], pattern: str) -> bool:
    """Whether a receiver chain ends with the dotted ``pattern`` ("*": any receiver; "": none)."""
    if pattern == "*":
        return bool(parts)
    if pattern == "":
        return not parts
    want = pattern.split(".")
    if len(parts) < len(want):
        return False
    tail = parts[-len(want):]
    if tail[:-1] != want[:-1]:
        return False
    # a private attribute is the same client: self._analytics, self._posthog
    name, wanted = tail[-1].lstrip("_"), want[-1]
    # a variable's name in another case is the same variable name (`postHog`, `posthog`); a
    # type's is not (`Analytics.track` is an app's facade, `analytics.track` the SDK's client)
    return name == wanted or (name[:1].islower() and wanted[:1].islower()
                              and name.lower() == wanted.lower())


def _find_arg(raw: RawCall, ref: ArgRef) -> Value | None:
    if ref.kwargs:
        props = {
            a.keyword: a.value
            for a in raw.args
            if a.keyword is not None and a.keyword not in ref.exclude_keywords and a.keyword != "**"
        }
        has_double_splat = any(a.keyword == "**" for a in raw.args)
        if not props and not has_double_splat:
            return None
        first = next((a.value for a in raw.args if a.keyword in props), None)
        return Value(
            type="object",
            properties=props,
            open=has_double_splat,
            kind="literal",
            text=", ".join(f"{k}={v.brief()}" for k, v in props.items()),
            span=first.span if first else raw.span,
        )
    found: Value | None = None
    if ref.keyword is not None:
        found = next((a.value for a in raw.args if a.keyword == ref.keyword), None)
    if found is None and ref.position is not None:
        positional = [a for a in raw.args if a.position is not None]
        if ref.position < len(positional):
            found = positional[ref.position].value
    if found is None:
        return None
    if ref.object_key is not None:
        if found.properties is None or ref.object_key not in found.properties:
            return None
        found = found.properties[ref.object_key]
    if ref.types and found.type != "unknown" and found.type not in ref.types:
        return None
    return found


def resolve(raw: RawCall, refs: Iterable[ArgRef]) -> Value | None:
    """The first of ``refs`` that resolves in ``raw``, or None."""
    for ref in refs:
        value = _find_arg(raw, ref)
        if value is not None:
            return value
    return None


def spec_applies(raw: RawCall, spec: CallSpec, bindings: dict[str, str]) -> bool:
    """Whether ``spec`` describes ``raw`` (method name, receiver, language)."""
    if raw.method != spec.method or raw.language not in spec.languages:
        return False
    if len(raw.args) < spec.min_args:
        return False
    if spec.first_arg:
        first = next((a.value for a in raw.args if a.position == 0), None)
        if first is None or first.type not in spec.first_arg:
            return False
        if spec.first_arg_keys and not first.open and not any(
            k in (first.properties or {}) for k in spec.first_arg_keys
        ):
            return False
    if spec.labels is not None and any(
        a.keyword is not None and a.keyword not in spec.labels for a in raw.args
    ):
        return False
    if spec.first_arg_ctor:
        first = next((a.value for a in raw.args if a.position == 0), None)
        ctor = first.ctor.split(".") if first is not None and first.ctor else None
        if ctor is None or not any(receiver_matches(ctor, p) for p in spec.first_arg_ctor):
            return False
    parts = raw.receiver_parts
    if spec.origins:
        root = parts[1] if len(parts) > 1 and parts[0] in ("self", "this") else \
            parts[0] if parts else raw.method
        return any(receiver_matches(parts, pattern) for pattern in spec.receivers) \
            and origin_allowed(bindings.get(root), spec.origins)
    if any(receiver_matches(parts, pattern) for pattern in spec.receivers):
        return True
    if parts and spec.constructors:
        origin = bindings.get(parts[-1]) if len(parts) == 1 or parts[0] in ("self", "this") else None
        if origin is not None and origin.startswith("new:") and origin[4:] in spec.constructors:
            return True
    if parts and through_binding(parts, spec, bindings):
        return True
    if not parts and spec.modules:
        origin = bindings.get(raw.method)
        if origin is not None and origin.startswith("import:"):
            module = origin[7:]
            return any(module == m or module.startswith(m + "/") for m in spec.modules)
    return False


def origin_allowed(origin: str | None, allowed: tuple[str, ...]) -> bool:
    """Whether a name's binding (``"call:usePostHogCapture"``, ``"import:@/lib/analytics"``) is
    one of ``allowed``: the same function (or a dotted name ending in it: ``"call:hooks.useX"``
    is ``useX``), or the same module or one of its submodules (``/`` or ``.``-separated)."""
    if origin is None:
        return False
    kind, _, name = origin.partition(":")
    for want in allowed:
        want_kind, _, wanted = want.partition(":")
        if kind != want_kind or not name:
            continue
        if kind == "call" and (name == wanted or name.endswith("." + wanted)):
            return True
        if kind == "import" and (name == wanted or name.startswith((wanted + "/", wanted + "."))):
            return True
    return False


def through_binding(parts: list[str], spec: CallSpec, bindings: dict[str, str]) -> bool:
    """Whether the receiver chain, read through the variable it starts with, is one of the
    spec's type-rooted receivers: ``ph`` after ``let ph = PostHogSDK.shared`` is
    ``PostHogSDK.shared``, ``mp.people`` after ``val mp = MixpanelAPI.getInstance(...)`` is
    ``MixpanelAPI.getInstance.people``. Only receivers that start with a type name
    (``Analytics.shared``, not ``analytics``) are read so: a variable's origin names a type."""
    head = 1 if parts[0] in ("self", "this") and len(parts) > 1 else 0
    origin = bindings.get(parts[head])
    if origin is None or not origin.startswith("new:"):
        return False
    expanded = origin[4:].split(".") + parts[head + 1:]
    return any(receiver_matches(expanded, pattern) for pattern in spec.receivers
               if "." in pattern and pattern[:1].isupper())


class SpecIndex:
    """Lookups over one list of specs: the specs for a call's method and language (in their
    order), and whether a receiver's name alone makes a call of a method an SDK call."""

    def __init__(self, specs: list[CallSpec]) -> None:
        self.by_call: dict[tuple[str, str], list[CallSpec]] = {}
        self.receivers: dict[str, set[str]] = {}
        for spec in specs:
            for language in spec.languages:
                self.by_call.setdefault((spec.method, language), []).append(spec)
            self.receivers.setdefault(spec.method, set()).update(spec.receivers)

    def for_call(self, method: str, language: str) -> list[CallSpec]:
        return self.by_call.get((method, language), [])

    def bound_by_name(self, method: str, parts: list[str]) -> bool:
        return any(receiver_matches(parts, p) for p in self.receivers.get(method, ()))


_SPEC_INDEX: dict[int, tuple[list[CallSpec], int, SpecIndex]] = {}


def spec_index(specs: list[CallSpec]) -> SpecIndex:
    """The :class:`SpecIndex` of ``specs``, built once per list: a run passes the same list for
    every file and call (scanning a hundred specs per call was most of the time spent matching,
    and hashing them per file cost more than the lookups)."""
    held = _SPEC_INDEX.get(id(specs))
    if held is None or held[0] is not specs or held[1] != len(specs):
        if len(_SPEC_INDEX) > 16:
            _SPEC_INDEX.clear()
        # the list is kept alive with its index, so its id cannot be reused meanwhile
        held = _SPEC_INDEX[id(specs)] = (specs, len(specs), SpecIndex(specs))
    return held[2]


#: How messages show positional arguments hidden by a spread, by language family (the Python,
#: Kotlin and Ruby form otherwise): a JavaScript spread printed as ``*args`` read as Python.
_SPREAD = {"js": "...args"}


def match_call(
    raw: RawCall, specs: Iterable[CallSpec], *, path: str, bindings: dict[str, str] | None = None
) -> TrackCall | None:
    """Turn ``raw`` into a :class:`TrackCall` with the first spec that applies, else None.

    ``bindings`` maps local names to their origin in this file: ``"new:Mixpanel"`` for a variable
    assigned from a constructor call, ``"import:@amplitude/analytics-browser"`` for an import.
    """
    bindings = bindings or {}
    candidates = spec_index(specs).for_call(raw.method, raw.language) if isinstance(specs, list) else specs
    for spec in candidates:
        if not spec_applies(raw, spec, bindings):
            continue
        event_value = resolve(raw, spec.event) if spec.event else None
        props = resolve(raw, spec.properties) if spec.properties else None
        if spec.event and event_value is None and raw.has_splat:
            event_value = unknown(_SPREAD.get(language_family(raw.language), "*args"))
        return build_call(raw, spec, event_value, props, path=path)
    return None


def build_call(
    raw: RawCall, spec: CallSpec, event_value: Value | None, props: Value | None, *, path: str
) -> TrackCall:
    """Assemble the :class:`TrackCall` record from resolved parts."""
    if event_value is None:
        event, kind, text, span, ref = None, "none", "", None, None
    elif event_value.type == "string" and event_value.known:
        event = event_value.value
        kind = "constant" if event_value.kind == "constant" else "literal"
        text, span, ref = event_value.text, event_value.span, event_value.ref
        if event_value.case_name and spec.transform:
            event = transform_name(event, spec.transform)
    else:
        event, kind = None, "dynamic"
        text, span, ref = event_value.text, event_value.span, event_value.ref
    if props is not None and props.properties is None and props.type == "null":
        props = None  # an explicit None/null/nil means "no properties"
    return TrackCall(
        path=path,
        language=raw.language,
        span=raw.span,
        sdk=spec.sdk,
        receiver=raw.receiver_text,
        method=raw.method,
        kind=spec.kind,
        event=event,
        event_kind=kind,
        event_text=text,
        event_span=span,
        event_ref=ref,
        properties=props,
        event_case=event_value is not None and event_value.case_name and event is not None,
        transform=spec.transform,
    )


def parse_directive(comment: str) -> tuple[tuple[str, ...], bool] | None:
    """Parse ``tracklint: ignore[TL001, TL005]`` / ``tracklint: ignore-file[TL001]`` in a
    comment's text. Returns (codes, file_level) or None. Codes are required."""
    import re

    match = re.search(r"tracklint:\s*(ignore-file|ignore)\[([^\]]*)\]", comment)
    if not match:
        return None
    codes = tuple(c.strip().upper() for c in match.group(2).split(",") if c.strip())
    if not codes:
        return None
    return codes, match.group(1) == "ignore-file"


@dataclass
class SourceText:
    """A file ready for parsing: UTF-8 bytes (BOM removed, UTF-16 transcoded) and its index."""

    path: str
    language: str
    data: bytes
    index: LineIndex
    # Byte ranges to parse (windowed parsing); None: the whole text. Offsets stay those of
    # ``data``, and the parser skips what lies between the ranges as if it were blank.
    ranges: tuple[tuple[int, int], ...] | None = None

    @classmethod
    def from_bytes(cls, path: str, language: str, data: bytes,
                   ranges: Iterable[tuple[int, int]] | None = None) -> "SourceText":
        return cls(path, language, data, LineIndex(data), tuple(ranges) if ranges is not None else None)

    def parse_ranges(self) -> list[Any] | None:
        """:attr:`ranges` as tree-sitter ``Range`` objects (rows and byte columns), or None."""
        if self.ranges is None:
            return None
        from tree_sitter import Point, Range

        starts = self.index.starts

        def point(offset: int) -> Any:
            row = bisect.bisect_right(starts, offset) - 1
            return Point(row, offset - starts[row])

        return [Range(point(start), point(end), start, end) for start, end in self.ranges if end > start]

    def text(self, start_byte: int, end_byte: int) -> str:
        return self.data[start_byte:end_byte].decode("utf-8", "replace")

    def span(self, start_byte: int, end_byte: int) -> Span:
        return self.index.span(start_byte, end_byte)


#: Longest a single parse may take, in seconds. Real files parse in milliseconds; some broken
#: inputs send a grammar's error recovery into a loop that also eats memory without bound
#: (tree-sitter-typescript on ``[[`` followed by a hundred blank lines and ``}``).
PARSE_SECONDS = 10.0


class ParseTimeout(Exception):
    """A parse ran over :data:`PARSE_SECONDS`; ``extract_file`` turns it into a notice."""


def parse_bounded(parser: Any, data: bytes, *, seconds: float | None = None,
                  ranges: list[Any] | None = None) -> Any:
    """``parser.parse(data)`` with a time limit (raises :class:`ParseTimeout`), limited to the
    tree-sitter ``ranges`` when given (see :meth:`SourceText.parse_ranges`).

    tree-sitter 0.25 has ``Parser.timeout_micros``; 0.26 removed it and cancels through a
    ``progress_callback`` instead (which, given to 0.25, crashes the process), so the mechanism
    is chosen by what the installed core offers. A cancelled parse is resumed by the parser's
    next ``parse`` call unless the parser is reset, so it is reset before the error leaves.
    """
    import time
    import warnings

    limit = PARSE_SECONDS if seconds is None else seconds
    tree = None
    if ranges:
        parser.included_ranges = ranges
    try:
        if hasattr(type(parser), "timeout_micros"):  # tree-sitter 0.25 (the class: no getter call)
            with warnings.catch_warnings():  # deprecated in 0.25, still the way there
                warnings.simplefilter("ignore", DeprecationWarning)
                parser.timeout_micros = max(1, int(limit * 1_000_000))
                tree = parser.parse(data)
        else:  # tree-sitter 0.26
            deadline = time.monotonic() + limit
            size = len(data)

            def read(offset: int, _point: Any) -> bytes:
                return data[offset:offset + 65536] if offset < size else b""

            def progress(*_: Any) -> bool:
                return time.monotonic() > deadline

            tree = parser.parse(read, progress_callback=progress)
    except ValueError:
        tree = None
    finally:
        if ranges:
            parser.included_ranges = []  # back to the whole text (parsers are reused)
    if tree is None:
        parser.reset()
        raise ParseTimeout(f"parsing took longer than {limit:g} s")
    return tree


#: Query matches may start at most this deep in the syntax tree. Without a bound, tree-sitter's
#: query cursor is quadratic on pathological nesting (40,000 nested ``listOf(`` took 80 s in
#: Kotlin); with it, such a file costs milliseconds. No real analytics call sits this deep.
MAX_QUERY_START_DEPTH = 400


def query_cursor(query: Any) -> Any:
    """A tree-sitter ``QueryCursor`` for ``query`` with the start-depth bound applied."""
    from tree_sitter import QueryCursor

    cursor = QueryCursor(query)
    cursor.set_max_start_depth(MAX_QUERY_START_DEPTH)
    return cursor
