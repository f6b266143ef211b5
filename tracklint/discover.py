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
verb at all, so that it stays a small fraction of the scan it follows.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from tracklint.config import Settings
from tracklint.extract.base import TrackCall
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
_NEXT_LABEL = re.compile(rb"^[^,(\[{]*,\s*([A-Za-z_]\w*)\s*(?::(?!:)|=(?![=>]))")
_QUICK = re.compile(rb"\.\s*(?:" + _VERBS + rb")\s*\(")
#: Receiver parts that say nothing about the tracker: the object itself, a singleton accessor.
_SELF = frozenset({"self", "this", "it", "Self"})
_ACCESSORS = frozenset({"shared", "instance", "default", "current", "main", "sharedInstance",
                        "getInstance", "get", "INSTANCE", "standard"})


@dataclass
class Facade:
    """One call shape no preset matched: how it is declared, and where it was seen."""

    function: str  # the wrapper's ``function`` (``AnalyticsTracker.track``)
    calls: int = 0
    files: set[str] = field(default_factory=set)
    first: tuple[str, int] = ("", 0)
    # how the event and properties are passed at each call: a label (Swift ``properties:``,
    # a Kotlin or Python named argument) or "" for a position
    event_labels: Counter = field(default_factory=Counter)
    property_labels: Counter = field(default_factory=Counter)

    def where(self) -> tuple[str | int, str | int]:
        """The wrapper's ``event`` and ``properties``: the label most calls use, else 0 and 1."""
        event = self.event_labels.most_common(1)[0][0] if self.event_labels else ""
        props = self.property_labels.most_common(1)[0][0] if self.property_labels else ""
        return event or 0, props or 1


def discover(files: Iterable[tuple[str, bytes]], calls: Iterable[TrackCall]) -> list[Facade]:
    """The facades in ``files`` ((project path, bytes) pairs) that ``calls`` (what extraction
    found) do not already cover, most calls first."""
    matched: dict[str, list[tuple[int, int, str]]] = {}
    for call in calls:
        matched.setdefault(call.path, []).append((call.span.line, call.span.end_line, call.method))
    shapes: dict[str, Facade] = {}
    for path, data in files:
        if len(data) > MAX_BYTES or is_test_path(path) or not _QUICK.search(data):
            continue
        known = matched.get(path, ())
        for match in _CALL.finditer(data):
            args = match.group(3)
            label = _LABEL.match(args)
            if not _EVENTISH.match(args, label.end() if label else 0):
                continue
            method = match.group(2).decode()
            line = data.count(b"\n", 0, match.start(2)) + 1
            if any(start <= line <= end and m == method for start, end, m in known):
                continue
            function = _function(match.group(1).decode("utf-8", "replace"), method)
            if function is None:
                continue
            shape = shapes.setdefault(function, Facade(function))
            shape.calls += 1
            if not shape.files:
                shape.first = (path, line)
            shape.files.add(path)
            shape.event_labels[label.group(1).decode() if label else ""] += 1
            after = _NEXT_LABEL.search(args)
            shape.property_labels[after.group(1).decode() if after else ""] += 1
    found = [s for s in shapes.values() if s.calls >= MIN_CALLS]
    return sorted(found, key=lambda s: (-s.calls, s.function))


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


def wrapper_toml(facades: list[Facade], *, pyproject: bool) -> str:
    """The wrapper declarations for ``facades``, to paste into the configuration."""
    header = "[[tool.tracklint.wrappers]]" if pyproject else "[[wrappers]]"
    blocks = []
    for f in facades:
        event, props = (f'"{w}"' if isinstance(w, str) else str(w) for w in f.where())
        blocks.append(f'{header}\nfunction = "{f.function}"\nevent = {event}\nproperties = {props}')
    return "\n\n".join(blocks) + "\n"


def describe(facades: list[Facade]) -> list[str]:
    """One line per facade: how many calls, in how many files, the first one."""
    from tracklint.wording import plural

    return [f"{f.function}(…): {plural(f.calls, 'call')} in {plural(len(f.files), 'file')} "
            f"(first: {f.first[0]}:{f.first[1]})" for f in facades]


def facade_notes(settings: Settings, calls: list[TrackCall]) -> list[str]:
    """The lines ``scan`` and ``init`` print about the facades of the project that ``calls``
    (what extraction found) left unread: what was seen and the declarations to paste."""
    facades = discover(_project_files(settings), calls)
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
        try:
            data, _ = read_with_stat(path, MAX_BYTES, root)
        except OSError:  # unreadable, not a regular file, a link out of the project
            continue
        if data is not None:
            yield rel, data
