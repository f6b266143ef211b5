"""In-house trackers: call shapes no preset knows that look like a team's tracking facade.

Mature apps send events through their own facade (``AnalyticsTracker.track(AnalyticsEvent.X,
...)``, ``Analytics.track(.episodeDownloaded, ...)``), and without a wrapper declaration
``scan`` finds nothing and ``init`` writes an empty plan (issue #13). :func:`discover` counts,
over the project's source files, the calls ``receiver.method(`` whose method is a tracking verb
and whose first argument reads like an event (a string literal, an enum case or a constant),
leaves out the ones extraction already matched and those in tests, and returns the shapes seen
often enough, each with the wrapper declaration that would make tracklint read them
(:func:`wrapper_toml`).

It is a text scan, not a parse: one regular expression over each file that mentions a tracking
verb at all, so that it stays a small fraction of the scan it follows. Two more things are read
on the way: the call sites of the functions :func:`tracklint.forwarding.forwarders` found sending
their parameter to an SDK call (each proposed where its definition takes the event), and the
rules by which a facade's own file derives an enum's wire name (``stat.name.lowercase()``,
``rawValue`` through a camel-to-snake helper), proposed as the wrapper's ``transform``.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Iterator

from tracklint.config import Settings
from tracklint.extract.base import TrackCall
from tracklint.forwarding import Forwarder
from tracklint.testpaths import is_test_path

#: Fewest unmatched calls of one shape for it to be proposed.
MIN_CALLS = 5
#: Largest file read (bytes): larger ones are generated or vendored.
MAX_BYTES = 1_000_000

#: Method names of tracking facades: ``track``, ``capture`` and the ``...Event`` verbs (a bare
#: ``log("...")`` is a logger, and Sentry's ``captureMessage("...")`` is not an event).
_VERBS = (rb"track|capture|(?:track|capture|log|send|record|report|post)_?[Ee]vent|track_?[Aa]ction"
          rb"|(?:log|track)_?[Aa]nalytics_?[Ee]vent")
# receiver chain, dot, verb, open parenthesis, then the first argument's start
_CALL = re.compile(
    rb"(?<![\w$.])((?:[A-Za-z_$][\w$]*(?:\(\))?\s*\??\.\s*)+?)(" + _VERBS + rb")\s*\(\s*([^\n]{0,80})"
)
#: First arguments that read like an event: a string, a Swift enum case (``.signUp``), a
#: dotted constant or enum entry (``AnalyticsEvent.ORDER_CREATED``), an upper-case constant.
_EVENTISH = re.compile(
    rb"""(?:["'`]|\.[a-z]\w*\b(?!\s*\()|[A-Z]\w*(?:\.[A-Za-z_]\w*)+\b(?!\s*\()|[A-Z][A-Z0-9_]{2,}\b(?![\w(.]))"""
)
#: A label or named argument before a value: Swift ``event:``, Kotlin ``event =``, Python ``event=``.
_LABEL = re.compile(rb"([A-Za-z_]\w*)\s*(?::(?!:)|=(?!=))\s*")
#: The label of the second argument (after the first comma of the line's first argument).
_NEXT_LABEL = re.compile(rb"^[^,()\[{]*,\s*([A-Za-z_]\w*)\s*(?::(?!:)|=(?![=>]))")
_QUICK = re.compile(rb"\.\s*(?:" + _VERBS + rb")\s*\(")
#: Receiver parts that say nothing about the tracker: the object itself, a singleton accessor.
_SELF = frozenset({"self", "this", "it", "Self"})
_ACCESSORS = frozenset({"shared", "instance", "default", "current", "main", "sharedInstance",
                        "getInstance", "get", "INSTANCE", "standard"})


#: Where the code derives an enum's wire name by a rule: the ``transform`` that says so.
_RULES = (
    (re.compile(rb"\.name\s*\.\s*(?:lowercase|toLowerCase|lower)\s*\("), "lowercase", ".name lower-cased"),
    (re.compile(rb"\.name\s*\.\s*(?:uppercase|toUpperCase|upper)\s*\("), "uppercase", ".name upper-cased"),
    (re.compile(rb"(?:rawValue|\.name)\b[^\n]{0,60}?[Ss]nake"), "snake_case", "a camel-to-snake rule"),
    (re.compile(rb"(?:rawValue|\.name)\b[^\n]{0,60}?[Kk]ebab"), "kebab-case", "a kebab-case rule"),
)
_RULE_QUICK = re.compile(rb"rawValue|\.name\s*\.")
#: Languages whose enums a name can be shared by (one enum type per name in a family).
_FAMILIES = {"kt": "jvm", "kts": "jvm", "java": "jvm", "swift": "swift", "py": "python", "ts": "js", "tsx": "js",
             "js": "js", "jsx": "js", "mjs": "js", "cjs": "js", "mts": "js", "cts": "js", "go": "go", "rb": "ruby"}
def _family(path: str) -> str:
    return _FAMILIES.get(path.rpartition(".")[2], "")


#: An enum entry as an event argument is written (``AnalyticsEvent.ORDER_CREATED``).
_ENUM_ENTRY = re.compile(r"([A-Z]\w*)\.[A-Za-z_]\w*\Z")
#: A Swift or Kotlin tracking method whose first parameter has a type: the enum its calls pass.
_SIGNATURE = re.compile(rb"func?\s+(" + _VERBS + rb")\s*\(\s*(?:_\s+)?\w+\s*:\s*([A-Z]\w*)")
#: A type a file declares (the facade's own class, object or struct).
_DECLARES = re.compile(rb"\b(?:class|object|struct|enum|extension|interface|protocol)\s+([A-Z]\w*)")
#: The first argument's shape: a string, a Swift case (``.x``), ``Type.ENTRY``, a CONSTANT.
_FORMS = ((re.compile(rb"[\"'`]"), "string"), (re.compile(rb"\.[a-z]"), "case"),
          (re.compile(rb"([A-Z]\w*)(?:\.[A-Za-z_]\w*)+"), "enum"), (re.compile(rb"[A-Z]"), "constant"))


@dataclass
class Facade:
    """One call shape no preset matched: how it is declared, and where it was seen."""

    function: str  # the wrapper's ``function`` (``AnalyticsTracker.track``)
    calls: int = 0
    files: set[str] = field(default_factory=set)
    examples: list[tuple[str, int]] = field(default_factory=list)  # the first two call sites
    # how the event and properties are passed at each call: a label (Swift ``properties:``,
    # a Kotlin or Python named argument) or "" for a position
    event_labels: Counter = field(default_factory=Counter)
    property_labels: Counter = field(default_factory=Counter)
    # the first argument's shape at each call: "string", "case", "enum:AnalyticsEvent", "constant"
    event_forms: Counter = field(default_factory=Counter)
    transform: str | None = None  # the wire-name rule found in the code, and where
    transform_source: str = ""
    forwarder: Forwarder | None = None  # a function found sending its parameter to an SDK
    # most calls pass their properties as a variable tracklint cannot read (set by init's trial):
    # declared without them rather than reported at every call
    opaque_properties: bool = False
    # where a bare function's name must come from (``from``: the function whose call returns
    # it, ``module``: the module it is imported from), read from the bindings at its calls
    scope: dict[str, list[str]] = field(default_factory=dict)

    def recount(self, calls: list[TrackCall]) -> None:
        """Count the calls a trial extraction matched, in place of the text scan's count."""
        calls = sorted(calls, key=lambda c: (c.path, c.span.line))
        self.calls, self.files = len(calls), {c.path for c in calls}
        self.examples = [(c.path, c.span.line) for c in calls[:2]]

    def where(self) -> tuple[Any, Any]:
        """The wrapper's ``event`` and ``properties`` (a forwarder's: where its definition takes
        them). Swift passes an argument by its label when it has one: the label most calls use,
        else 0 and 1. Where a named argument is optional (Kotlin, Python), the position and,
        when some calls name it, that name as the alternative (``[0, "stat"]``)."""
        if self.forwarder is not None:
            event, where = self.forwarder.event, self.forwarder.properties
        else:
            swift = bool(self.examples) and self.examples[0][0].endswith(".swift")
            event, where = _argument(self.event_labels, 0, swift), _argument(self.property_labels, 1, swift)
        return event, False if self.opaque_properties else where

    def enum_events(self) -> str | None:
        """How most calls name the event when it is an enum value or constant (``AnalyticsEvent.X``,
        ``.caseName``), else None."""
        form = self.event_forms.most_common(1)[0][0] if self.event_forms else "string"
        return None if form == "string" else form

    def seen(self, path: str, line: int, args: bytes, label: re.Match | None) -> None:
        """Count one call site (``args``: the text after its parenthesis)."""
        self.calls += 1
        self.files.add(path)
        if len(self.examples) < 2:
            self.examples.append((path, line))
        self.event_labels[label.group(1).decode() if label else ""] += 1
        after = _NEXT_LABEL.search(args)
        self.property_labels[after.group(1).decode() if after else ""] += 1
        self.event_forms[_form(args, label.end() if label else 0)] += 1


def _argument(labels: Counter, position: int, swift: bool) -> Any:
    """Where calls pass one argument, from the labels they give it ("" for none)."""
    named = [label for label, _ in labels.most_common() if label]
    if not named:
        return position
    return named[0] if swift or not labels[""] else [position, named[0]]


def _form(args: bytes, at: int) -> str:
    for pattern, form in _FORMS:
        match = pattern.match(args, at)
        if match:
            return f"{form}:{match.group(1).decode()}" if form == "enum" else form
    return "string"


class _Rules:
    """The wire-name rules the files show, by the type declared in the same file and by path;
    and the enum type a Swift or Kotlin tracking method takes (``func track(_ event: AnalyticsEvent``),
    by the type that declares it, so that facades called with ``.caseName`` are known to share it."""

    def __init__(self) -> None:
        self.by_type: dict[str, tuple[str, str]] = {}
        self.by_path: dict[str, tuple[str, str]] = {}
        self.takes: dict[tuple[str, str], str] = {}
        # enum (``enum:Type@family``) -> rule: from a type whose file has the rule and whose
        # tracking method takes that enum, or from a declared wrapper's transform
        self.by_enum: dict[str, tuple[str, str]] = {}

    def read(self, path: str, data: bytes) -> None:
        signatures = [(m.group(1).decode(), m.group(2).decode()) for m in _SIGNATURE.finditer(data)]
        declares = [m.group(1).decode() for m in _DECLARES.finditer(data)] if signatures else []
        for declared in declares:
            for method, kind in signatures:
                self.takes.setdefault((declared, method), kind)
        if (b"rawValue" not in data and b".name" not in data) or not _RULE_QUICK.search(data):
            return
        for pattern, transform, what in _RULES:
            match = pattern.search(data)
            if match:
                line = data.count(b"\n", 0, match.start()) + 1
                found = (transform, f"{path}:{line} derives the wire name by {what}")
                self.by_path.setdefault(path, found)
                for _, kind in signatures:
                    self.by_enum.setdefault(f"enum:{kind}@{_family(path)}", found)
                for declared in _DECLARES.finditer(data):
                    self.by_type.setdefault(declared.group(1).decode(), found)
                return

    def declared(self, wrappers: Iterable[dict[str, Any]], calls: list[TrackCall]) -> None:
        """The enums passed (``AnalyticsEvent.X``) to each declared wrapper with a ``transform``."""
        for entry in wrappers:
            if not entry.get("transform"):
                continue
            owner, _, method = str(entry.get("function", "")).rpartition(".")
            for call in calls:
                receiver = call.receiver.replace("?", "").replace("!", "")
                enum = _ENUM_ENTRY.match(call.event_text or "")
                if call.sdk == "custom" and call.method == method and enum is not None and (
                        owner in ("*", receiver) or receiver.endswith(f".{owner}")):
                    self.by_enum.setdefault(f"enum:{enum.group(1)}@{_family(call.path)}",
                                            (str(entry["transform"]), f"as declared for {entry['function']}"))

    def assign(self, facades: list[Facade]) -> None:
        """Give each facade called with enum values the rule of its own type (``AnalyticsTracker``,
        ``analyticsTrackerWrapper`` -> ``AnalyticsTrackerWrapper``) or definition, then to the
        facades called with the same enum the rule one of them has."""
        by_enum = dict(self.by_enum)
        forms = {f.function: self._form(f) for f in facades}
        for f in facades:
            form = forms[f.function]
            if form is None:
                continue
            owner = f.function.split(".")[0]
            found = (self.by_path.get(f.forwarder.path) if f.forwarder is not None
                     else self.by_type.get(owner[:1].upper() + owner[1:]))
            if found is not None:
                f.transform, f.transform_source = found
                by_enum.setdefault(form, found)
        for f in facades:
            form = forms[f.function]
            if f.transform is None and form in by_enum and form.startswith("enum:") and not form.endswith("@"):
                f.transform, f.transform_source = by_enum[form]

    def _form(self, f: Facade) -> str | None:
        """How ``f`` is called: ``enum:Type@family`` when the type is known (written at the calls,
        or taken by the method the facade's type declares), else its :meth:`Facade.enum_events`."""
        form = f.enum_events()
        if form in ("case", "constant"):
            owner, method = f.function.split(".")[0], f.function.rpartition(".")[2]
            kind = (f.forwarder.event_type if f.forwarder is not None
                    else self.takes.get((owner[:1].upper() + owner[1:], method)))
            form = f"enum:{kind}" if kind else form
        family = _family(f.examples[0][0]) if f.examples else ""
        return f"{form}@{family}" if form and form.startswith("enum:") else form


def discover(files: Iterable[tuple[str, bytes]], calls: Iterable[TrackCall],
             forwarders: Iterable[Forwarder] = (), wrappers: Iterable[dict[str, Any]] = ()) -> list[Facade]:
    """The facades in ``files`` ((project path, bytes) pairs) that ``calls`` (what extraction
    found) do not already cover, most calls first: call shapes seen at least :data:`MIN_CALLS`
    times, and the call sites of ``forwarders`` (functions that send their parameter to an SDK).
    The ``transform`` of a declared wrapper (in ``wrappers``) is proposed for the forwarders
    whose event parameter has the type of the enum that wrapper's calls pass."""
    matched: dict[str, list[tuple[int, int, str]]] = {}
    for call in calls:
        matched.setdefault(call.path, []).append((call.span.line, call.span.end_line, call.method))
    shapes: dict[str, Facade] = {}
    forwarded = _Forwarded(forwarders)
    calls = list(calls)
    rules = _Rules()
    rules.declared(wrappers, calls)
    for path, data in files:
        if len(data) > MAX_BYTES or is_test_path(path):
            continue
        rules.read(path, data)
        known = matched.get(path, ())
        if _QUICK.search(data):
            _count_shapes(path, data, known, shapes)
        forwarded.count(path, data, known)
    found = forwarded.facades()
    found += [s for s in shapes.values() if s.calls >= MIN_CALLS and s.function not in forwarded.found]
    rules.assign(found)
    return sorted(found, key=lambda s: (-s.calls, s.function))


def _count_shapes(path: str, data: bytes, known, shapes: dict[str, Facade]) -> None:
    """Count the ``receiver.verb(event, ...)`` calls of one file that extraction did not match."""
    for match in _CALL.finditer(data):
        # the arguments as far as a label can be seen (Kotlin names them one a line)
        args = data[match.start(3):match.start(3) + 300]
        label = _LABEL.match(args)
        if not _EVENTISH.match(args, label.end() if label else 0):
            continue
        method = match.group(2).decode()
        line = data.count(b"\n", 0, match.start(2)) + 1
        if any(start <= line <= end and m == method for start, end, m in known):
            continue
        function = _function(match.group(1).decode("utf-8", "replace"), method)
        if function is not None:
            shapes.setdefault(function, Facade(function)).seen(path, line, args, label)


class _Forwarded:
    """The call sites of functions found forwarding their parameter to an SDK call: a plain
    function by its name, a method by its receiver as written (like the shapes above), on
    receivers that name its class (``telemetry`` or ``Telemetry.shared`` for ``Telemetry``)."""

    def __init__(self, forwarders: Iterable[Forwarder]) -> None:
        from tracklint.extract.presets import PRESETS

        sdk_methods = {(spec.method, lang) for specs in PRESETS.values() for spec in specs for lang in spec.languages}
        self.bare: dict[str, Forwarder] = {}
        self.methods: dict[str, list[Forwarder]] = {}
        for fw in forwarders:
            if fw.owner is None:
                self.bare.setdefault(fw.name, fw)
            elif (fw.name, fw.language) not in sdk_methods:  # ``x.track(`` is an SDK's too: the shapes above cover it
                self.methods.setdefault(fw.name, []).append(fw)
        self.found: dict[str, Facade] = {}
        self._names = [name.encode() for name in (*self.bare, *self.methods)]
        self._calls = _names_call(sorted({*self.bare, *self.methods}))

    def count(self, path: str, data: bytes, known) -> None:
        if not any(name in data for name in self._names):
            return
        for match in self._calls.finditer(data) if self._calls is not None else ():
            name = match.group(1).decode()
            line_start = data.rfind(b"\n", 0, match.start()) + 1
            before = data[max(line_start, match.start() - 200):match.start()]
            dot = _DOT_END.search(before)
            if before and (before[-1:].isalnum() or before[-1:] in b"_$"):
                continue  # a longer name
            line = data.count(b"\n", 0, match.start(1)) + 1
            if _DEFINITION.search(data, line_start, match.start(1)) or any(
                    start <= line <= end and m == name for start, end, m in known):
                continue
            receiver = ""
            if dot is not None:  # the chain before the dot, read back from it
                chain = _CHAIN_END.search(before[:dot.start() + 1])
                receiver = chain.group(1).decode("utf-8", "replace") if chain else "?"
            fw, function = self._which(receiver, name, path)
            if fw is None or (path, line) == (fw.path, fw.line):
                continue
            args = match.group(2)
            facade = self.found.setdefault(function, Facade(function, forwarder=fw))
            facade.seen(path, line, args, _LABEL.match(args))

    def _which(self, receiver: str, name: str, path: str) -> tuple[Forwarder | None, str]:
        """The forwarder a call ``receiver name(`` in ``path`` reaches, and the wrapper
        ``function`` for it (a method called without a receiver in its own file: by its name)."""
        if not receiver:
            here = next((fw for fw in self.methods.get(name, ()) if fw.path == path), None)
            return self.bare.get(name, here), name
        if receiver == "?":  # not a name: a call's result, an index
            return None, ""
        function = _function(receiver, name)
        if function is None:
            return None, ""
        owner = function.split(".")[0].lower()
        for fw in self.methods.get(name, ()):
            kind = (fw.owner or "").lower()
            if not kind or owner == kind or kind.endswith(owner) or owner.endswith(kind):
                return fw, function
        return None, ""

    def facades(self) -> list[Facade]:
        return list(self.found.values())


def _names_call(names: list[str]) -> re.Pattern[bytes] | None:
    """A call of one of ``names`` (what is before the name is judged by the caller: a regular
    expression that starts with a look-behind is slow on large files)."""
    if not names:
        return None
    alternatives = b"|".join(re.escape(n.encode()) for n in names)
    return re.compile(rb"(" + alternatives + rb")\s*\(\s*([^\n]{0,80})")


#: A receiver chain ending at a dot (``self.tracker.``, ``Telemetry.shared().``).
_CHAIN_END = re.compile(rb"(?<![\w$.])((?:[A-Za-z_$][\w$]*(?:\(\))?\s*\??\.\s*)+)\Z")
#: A dot ending the text before a method's name.
_DOT_END = re.compile(rb"\.\s*\Z")
#: Words before a name on its line that make it a definition, not a call.
_DEFINITION = re.compile(rb"(?:\b(?:def|function|fun|func|fn|void)\s+|^\s*(?:public|private|protected|internal|static|override|async)\b[^=(]*)\Z", re.M)


def _function(receiver: str, method: str) -> str | None:
    """The wrapper ``function`` for a receiver chain as written (``self.tracker.`` ->
    ``tracker.track``; ``Analytics.shared.`` -> ``Analytics.shared.track``)."""
    parts = [p.strip().removesuffix("()").rstrip("?").strip() for p in receiver.rstrip().rstrip(".").split(".")]
    parts = [p.rstrip("?").strip() for p in parts if p]
    while parts and parts[0] in _SELF:
        parts.pop(0)
    if not parts:
        return None
    keep = 2 if parts[-1] in _ACCESSORS and len(parts) > 1 else 1
    return ".".join(parts[-keep:] + [method])


def wrapper_entry(f: Facade) -> dict[str, Any]:
    """The ``[[wrappers]]`` entry for ``f`` (with its scope and ``transform``)."""
    event, props = f.where()
    entry: dict[str, Any] = {"function": f.function, "event": event, "properties": props}
    for key, values in f.scope.items():
        entry[key] = values[0] if len(values) == 1 else list(values)
    if f.transform:
        entry["transform"] = f.transform
    return entry


def wrapper_toml(facades: list[Facade], *, pyproject: bool, comments: bool = False) -> str:
    """The wrapper declarations for ``facades``, to paste into the configuration (``comments``:
    each preceded by what was seen, as TOML comments)."""
    header = "[[tool.tracklint.wrappers]]" if pyproject else "[[wrappers]]"
    blocks = []
    for f, seen in zip(facades, describe(facades)):
        lines = [f"# {_one_line(seen)}"] if comments else []
        lines.append(header)
        lines += [f"{key} = {_toml_value(value)}" for key, value in wrapper_entry(f).items()]
        lines += [f"# {_one_line(note)}" for note in _notes(f)]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def _one_line(text: str) -> str:
    """``text`` as the rest of one TOML comment line (a path may hold a line break)."""
    return " ".join(text.split())


def _toml_value(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value) if isinstance(value, int) else json.dumps(value)


def _notes(f: Facade) -> list[str]:
    """The comments under a declaration: how it was found, the wire-name rule (or its absence)."""
    notes = []
    if f.opaque_properties:
        notes.append("properties = false: most calls pass a variable as the properties, which tracklint cannot "
                     "read; name where they are to have each such call reported")
    if f.forwarder is not None:
        notes.append(f"{f.forwarder.path}:{f.forwarder.line} sends its parameter to an SDK call as the event")
    form = f.enum_events()
    if f.transform:
        notes.append(f"transform: {f.transform_source}")
    elif form is not None:
        example = f"{form[5:]}.X" if form.startswith("enum:") else {"case": ".someCase"}.get(form, "a constant")
        notes.append(f"events are enum values or constants ({example}) and no rule deriving their wire names "
                     f"was found: they are read as written; if the code derives them, add "
                     f'transform = "snake_case" (or "lowercase", "kebab-case", "camelCase", ...)')
    return notes


def describe(facades: list[Facade]) -> list[str]:
    """One line per facade: how many calls, in how many files, two of them."""
    from tracklint.wording import plural

    return [f"{f.function}(…): {plural(f.calls, 'call')} in {plural(len(f.files), 'file')} "
            f"(e.g. {', '.join(f'{p}:{n}' for p, n in f.examples)})" for f in facades]


def facades_json(facades: list[Facade], *, pyproject: bool) -> list[dict[str, Any]]:
    """``scan --discover -f json``: one object per proposed wrapper (see docs/configuration.md)."""
    return [{
        "function": f.function, "event": f.where()[0], "properties": f.where()[1],
        "transform": f.transform, "transform_source": f.transform_source or None,
        "transform_written": bool(f.transform),
        "calls": f.calls, "files": len(f.files),
        "examples": [{"path": p, "line": n} for p, n in f.examples],
        "found_by": "forwarding" if f.forwarder is not None else "call-sites",
        "definition": {"path": f.forwarder.path, "line": f.forwarder.line} if f.forwarder is not None else None,
        "toml": wrapper_toml([f], pyproject=pyproject),
    } for f in facades]


def proposals(settings: Settings, calls: list[TrackCall]) -> list[Facade]:
    """The wrappers to propose for the project that ``calls`` (what extraction found) leave
    unread: the forwarding functions around them (around a declared wrapper's calls too, except
    in that wrapper's own definition), and the facades called at many places."""
    from tracklint.forwarding import forwarders, forwarding_calls

    root = Path(settings.root)
    inner = forwarding_calls(root, calls, settings.wrappers)
    found = forwarders(root, [c for c in calls if (c.path, c.span.start_byte) not in inner])
    facades = verify(settings, discover(_project_files(settings), calls, found, settings.wrappers))
    for f in facades:
        f.examples = [(_shown(settings, p), n) for p, n in f.examples]
        if f.forwarder is not None:
            f.forwarder = replace(f.forwarder, path=_shown(settings, f.forwarder.path))
    return facades


def _shown(settings: Settings, path: str) -> str:
    """A project path as the user reads it: from the scanned folder when the configuration
    (the paths' base) lies elsewhere (``../../repo/app/x.ts`` -> ``app/x.ts``)."""
    import os

    if not path.startswith("../") or not settings.paths:
        return path
    base = Path(settings.paths[0])
    base = base if base.is_dir() else base.parent
    full = os.path.normpath(os.path.join(settings.root, path))
    shown = os.path.relpath(full, os.path.abspath(base))
    return path if shown.startswith("..") else shown.replace(os.sep, "/")


def owner_of(call: TrackCall, facades: list[Facade]) -> str | None:
    """The proposed wrapper (its ``function``) that matched ``call``."""
    receiver = call.receiver.replace("?", "").replace("!", "")
    for f in facades:
        owner, _, method = f.function.rpartition(".")
        if call.method == method and (owner in ("*", receiver) or receiver.endswith(f".{owner}")):
            return f.function
    return None


def verify(settings: Settings, facades: list[Facade]) -> list[Facade]:
    """``facades`` counted as their declarations match: a bare function scoped to where its
    calls' name comes from (:func:`_scope`), then the files where the text scan saw the calls
    extracted with the declarations as proposed (a call in a comment or a string is then no
    call, nor one the scope leaves out); a proposal left with too few calls is dropped."""
    paths = sorted({p for f in facades for p in f.files})
    if not paths:
        return facades
    from tracklint.engine import scan_calls

    root = Path(settings.root)
    for f in facades:
        if "." not in f.function:
            _scope(root, f)
    # the entries init declares (its trial of them then finds these files in the cache)
    entries = tuple(wrapper_entry(f) for f in facades)
    trial = settings.with_(paths=tuple(root / p for p in paths), wrappers=tuple(settings.wrappers) + entries,
                           progress=False)
    matched: dict[str, list[TrackCall]] = {f.function: [] for f in facades}
    for call in scan_calls(trial):
        owner = owner_of(call, facades) if call.sdk == "custom" and not is_test_path(call.path) else None
        if owner is not None:
            matched[owner].append(call)
    kept = []
    for f in facades:
        f.recount(matched[f.function])
        if f.calls >= (1 if f.forwarder is not None else MIN_CALLS):
            kept.append(f)
    return kept


#: Languages whose extractors tell where a name comes from (``from``/``module`` scopes).
_SCOPED_LANGUAGES = {"ts": "javascript", "tsx": "javascript", "js": "javascript", "jsx": "javascript",
                     "mjs": "javascript", "cjs": "javascript", "mts": "javascript", "cts": "javascript",
                     "py": "python"}
#: Files whose bindings are read to choose a bare function's scope (spread over its files).
SCOPE_SAMPLE = 24


def _scope(root: Path, f: Facade) -> None:
    """Set the scope of the bare function ``f`` (``f.scope``) from where its name comes from in
    the files that call it, as extraction records it (``call:useCapture``, ``import:app.analytics``,
    what ``from``/``module`` match): each origin seen in two files or more, or the commonest one;
    a JavaScript relative import (``../lib/analytics``, spelled per folder) in every spelling.
    A name bound by no call or import in any of them (a parameter, a local function) leaves
    ``f`` unscoped."""
    files = sorted(f.files)
    seen = _origins_in(root, f.function, files[::max(1, len(files) // SCOPE_SAMPLE)][:SCOPE_SAMPLE])
    if any(o.startswith("import:.") for o in seen):  # a relative import is spelled per folder:
        seen = _origins_in(root, f.function, files)  # every spelling, from every file
    if not seen:
        return
    top = seen.most_common(1)[0][0]
    f.scope = {}
    for origin in sorted(o for o, n in seen.items() if n >= 2 or o == top or o.startswith("import:.")):
        kind, _, name = origin.partition(":")
        key, value = ("from", name.rpartition(".")[2]) if kind == "call" else ("module", name)
        if value not in f.scope.setdefault(key, []):
            f.scope[key].append(value)


def _origins_in(root: Path, name: str, paths: list[str]) -> Counter:
    """How many of ``paths`` bind ``name`` to each origin (a call's result, an import)."""
    seen: Counter = Counter()
    for path in paths:
        origin = _name_origins(root, path).get(name)
        if origin and origin.startswith(("call:", "import:")):
            seen[origin] += 1
    return seen


def _name_origins(root: Path, path: str) -> dict[str, str]:
    """Where the names of the project file ``path`` come from (its extractor's bindings)."""
    import importlib
    import os

    from tracklint.extract import decode
    from tracklint.extract.base import ParseTimeout, SourceText
    from tracklint.pool import read_with_stat

    from tracklint.extract.languages import language_for

    family, language = _SCOPED_LANGUAGES.get(path.rpartition(".")[2]), language_for(path)
    if family is None or language is None:
        return {}
    try:
        raw, _ = read_with_stat(str(root / path), MAX_BYTES, os.path.realpath(root))
    except OSError:
        return {}
    data, problem = decode(raw) if raw is not None else (b"", "unread")
    if problem is not None:
        return {}
    module = importlib.import_module(f"tracklint.extract.{family}")
    try:
        return module.name_origins(SourceText.from_bytes(path, language, data, None))
    except (ParseTimeout, RecursionError):
        return {}


def facade_notes(settings: Settings, calls: list[TrackCall], facades: list[Facade] | None = None) -> list[str]:
    """The lines ``scan`` and ``init`` print about the facades of the project that ``calls``
    (what extraction found) left unread: what was seen and the declarations to paste."""
    facades = proposals(settings, calls) if facades is None else facades
    if not facades:
        return []
    from tracklint.wording import plural

    config = settings.config_file
    pyproject = config is not None and config.name == "pyproject.toml"
    where = config.name if config is not None else "tracklint.toml"
    total = sum(f.calls for f in facades)
    lines = [f"{plural(total, 'call')} look{'s' if total == 1 else ''} like an in-house tracker that no preset "
             f"reads; declare {'it' if len(facades) == 1 else 'them'} as a wrapper to check "
             f"{'it' if total == 1 else 'them'} (then run again):"]
    lines += [f"  {line}" for line in describe(facades)]
    lines.append(f"  add to {where} (event and properties: an argument's position or label; adjust if they differ):")
    lines += [f"    {line}" if line else "" for line in wrapper_toml(facades, pyproject=pyproject).splitlines()]
    return lines


def _project_files(settings: Settings) -> Iterator[tuple[str, bytes]]:
    """(project path, bytes) of the run's source files, read as extraction reads them (regular
    files only, never blocking on a FIFO, never through a link out of the project)."""
    import os

    from tracklint.listing import list_paths
    from tracklint.pool import read_with_stat

    root = os.path.realpath(settings.root)
    for path, rel in list_paths(settings):
        if is_test_path(rel):  # never proposed from, nor read for a rule
            continue
        try:
            data, _ = read_with_stat(path, MAX_BYTES, root)
        except OSError:  # unreadable, not a regular file, a link out of the project
            continue
        if data is not None:
            yield rel, data
