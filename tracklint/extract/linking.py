"""Cross-file constants: event names that are constants defined in another file of the project.

An extractor records what a file exports (``FileExtraction.exports``: constant name -> value),
what it imports (``FileExtraction.imports``: local name -> (module, name)) and, for a call whose
event is a name it cannot read locally, that name (``TrackCall.event_ref``). This module links
them across files, with the rules of each language taken from its row in
:mod:`tracklint.extract.languages`:

* languages whose modules import each other by path (Python, JavaScript/TypeScript) follow the
  import to the file its ``module_paths`` names;
* languages whose files share one namespace per module (Swift, Kotlin) use the constant if the
  project defines that name once, with one value, in its family.

An enum case's own name (``FileExtraction.case_names``) is turned into the name that is sent by
the call's wrapper ``transform``, as :func:`~tracklint.extract.base.build_call` does for a name
resolved in the call's own file.

A resolved call records the file its constant came from (``TrackCall.event_from``): the edge
that makes PR modes re-check the call when that file changes (:func:`depends_on`).

SDK clients cross files the same way: a call on a receiver imported from another module of the
project (``import { posthog } from "@/lib/posthog"``) waits in ``FileExtraction.pending`` until
:func:`resolve_clients` finds that the module binds that name to the client the call needs
(``FileExtraction.clients``).
"""

from __future__ import annotations

import hashlib
import os
from typing import Callable, Iterable, Iterator, Mapping, Protocol

from tracklint.extract import languages
from tracklint.extract.base import FileExtraction, TrackCall
from tracklint.naming import transform


class Mentions(Protocol):
    """What a run remembers of whether a file mentions a set of names (the cache, see
    :meth:`tracklint.cache.Cache.mentions`)."""

    def recall(self, path: str, key: str) -> bool | None: ...

    def learn(self, path: str, key: str, verdict: bool) -> None: ...


def wanted_files(files: list[FileExtraction], unparsed: Mapping[str, str],
                 read: Callable[[str], bytes | None], mentions: Mentions | None = None) -> set[str]:
    """The files to parse whole because they may define a constant used as an event name:
    modules imported by such calls that were not parsed (``unparsed``: path -> language) or
    parsed only in windows, and, for a shared namespace, the files of the language that mention
    the constant's name (``read(path)`` gives their bytes, None when unreadable; ``mentions``,
    when given, answers for the files whose answer for the same names it remembers, and learns
    the others' answers)."""
    by_path = {f.path: f for f in files}
    wanted: set[str] = set()
    needles: dict[str, set[bytes]] = {}
    for f in files:
        for _call, module, name, _binding in f.pending:
            wanted.update(_unread_modules(f, (module, name), "", by_path, unparsed))
        for call in f.calls:
            if call.event is not None or not call.event_ref:
                continue
            imported, rest = _import_of(f, call.event_ref)
            if imported is not None:
                wanted.update(_unread_modules(f, imported, rest, by_path, unparsed))
            elif (accessors := _shared_namespace(f.language)) is not None:
                parts = [p for p in call.event_ref.split(".") if p not in accessors]
                if parts:
                    needles.setdefault(f.language, set()).add(parts[-1].encode())
    if needles:
        candidates = list(unparsed.items()) + [(f.path, f.language) for f in files if not f.parsed]
        wanted.update(_mentioning(candidates, needles, read, mentions))
    return wanted


def _mentioning(candidates: list[tuple[str, str]], needles: dict[str, set[bytes]],
                read: Callable[[str], bytes | None], mentions: Mentions | None) -> Iterator[str]:
    """The candidate (path, language) pairs whose bytes contain one of their language's needles."""
    searches = {language: (_key(words), _any_of(words)) for language, words in needles.items()}
    for path, language in candidates:
        if language not in searches:
            continue
        key, search = searches[language]
        verdict = mentions.recall(path, key) if mentions is not None else None
        if verdict is None:
            data = read(path)
            if data is None:
                continue
            verdict = search(data)
            if mentions is not None:
                mentions.learn(path, key, verdict)
        if verdict:
            yield path


def _key(needles: set[bytes]) -> str:
    """A short name for a set of needles (what a remembered answer was an answer to)."""
    return hashlib.blake2b(b"\0".join(sorted(needles)), digest_size=8).hexdigest()


def _any_of(needles: set[bytes]) -> Callable[[bytes], bool]:
    """Whether bytes contain any of ``needles`` (as plain substrings): one RE2 pass whatever
    their number (an app's hundreds of enum cases, tested one by one on every file, cost more
    than parsing), else one ``in`` per needle."""
    words = sorted(needles)
    try:
        import re
        import re2

        options = re2.Options()
        options.encoding = re2.Options.Encoding.LATIN1  # bytes as they are, UTF-8 or not
        search = re2.compile(b"|".join(re.escape(w) for w in words), options=options).search
        return lambda data: search(data) is not None
    except Exception:  # noqa: BLE001 - re2 is a dependency; keep working without it
        return lambda data: any(w in data for w in words)


def _unread_modules(f: FileExtraction, imported: tuple[str, str], rest: str,
                    by_path: dict[str, FileExtraction], unparsed: Mapping[str, str]) -> set[str]:
    """The first existing file of each module an import may name, when it was not read whole."""
    wanted: set[str] = set()
    for module, _key in _import_targets(f, imported, rest):
        for cand in _module_candidates(f, module):
            if cand in unparsed:
                wanted.add(cand)
                break
            target = by_path.get(cand)
            if target is not None:
                if not target.parsed:  # parsed in windows: exports incomplete
                    wanted.add(cand)
                break
    return wanted


def resolve_clients(files: list[FileExtraction]) -> None:
    """Add to each file's calls its pending calls whose receiver another file of the project
    binds to the SDK client they need (idempotent: a call already added is not added again)."""
    by_path = {f.path: f for f in files}
    for f in files:
        added = False
        for call, module, name, binding in f.pending:
            target = _module_file(f, module, by_path)
            if target is None or target.clients.get(name) != binding:
                continue
            if all(c.span != call.span for c in f.calls):
                f.calls.append(call)
                added = True
        if added:
            f.calls.sort(key=lambda c: (c.span.start_byte, -c.span.end_byte))


def resolve_constants(files: list[FileExtraction]) -> None:
    """Resolve event names that refer to constants defined in other files of the project. Each
    resolved call records the file its constant came from (``TrackCall.event_from``)."""
    by_path = {f.path: f for f in files}
    global_exports: dict[str, dict[str, dict[str, str]]] = {}  # family -> key -> value -> a file
    for f in files:
        table = global_exports.setdefault(languages.family(f.language), {})
        for key, value in f.exports.items():
            table.setdefault(key, {}).setdefault(value, f.path)
    for f in files:
        for call in f.calls:
            if call.event is not None or not call.event_ref:
                continue
            found = _resolve_ref(f, call.event_ref, by_path, global_exports.get(languages.family(f.language), {}))
            if found is not None:
                call.event, origin, key = found
                call.event_kind = "constant"
                call.event_from = origin if origin != f.path else None
                call.event_case = key in by_path[origin].case_names
                if call.event_case and call.transform:
                    call.event = transform(call.event, call.transform)


def changed_families(paths: Iterable[str]) -> set[str]:
    """The language families of changed files (for :func:`depends_on`)."""
    return {languages.family(languages.language_for(p) or "") for p in paths}


def depends_on(f: FileExtraction, call: TrackCall, changed: frozenset[str], families: set[str]) -> bool:
    """Whether ``call`` (in the unchanged file ``f``) resolves through a changed file: its event
    constant came from one, or it names an imported constant that no longer resolves (the module
    changed or went away; in a shared namespace, any changed file of the family may have defined
    it), or its receiver is a client that a changed module binds (a pending call that
    :func:`resolve_clients` confirmed)."""
    for pending, module, _name, _binding in f.pending:
        if pending.span == call.span and any(c in changed for c in _module_candidates(f, module)):
            return True
    if call.event_from is not None:
        return call.event_from in changed
    if call.event is not None or not call.event_ref:
        return False
    if _shared_namespace(f.language) is not None:
        return languages.family(f.language) in families
    imported, rest = _import_of(f, call.event_ref)
    if imported is None:
        return False
    return any(c in changed for module, _key in _import_targets(f, imported, rest)
               for c in _module_candidates(f, module))


def _shared_namespace(language: str) -> tuple[str, ...] | None:
    row = languages.get(language)
    return row.shared_namespace if row is not None else None


def _import_targets(f: FileExtraction, imported: tuple[str, str], rest: str) -> list[tuple[str, str]]:
    """(module, export key) pairs an imported reference may resolve to: the name inside the
    module, or, in Python, a submodule of that name (``from app import events``)."""
    module, name = imported
    if name == "*":
        return [(module, rest)]
    out = [(module, name + ("." + rest if rest else ""))]
    row = languages.get(f.language)
    if row is not None and row.submodule_imports and rest:
        out.append((module + name if module.endswith(".") else f"{module}.{name}", rest))
    return out


def _import_of(f: FileExtraction, ref: str) -> tuple[tuple[str, str] | None, str]:
    """The import a dotted reference starts with (the longest dotted local name that the file
    imports: ``import a.b`` is recorded as ``a.b``), and the rest of the reference."""
    parts = ref.split(".")
    for n in range(len(parts), 0, -1):
        imported = f.imports.get(".".join(parts[:n]))
        if imported is not None:
            return imported, ".".join(parts[n:])
    return None, ref


def _resolve_ref(f: FileExtraction, ref: str, by_path: dict[str, FileExtraction],
                 global_table: dict[str, dict[str, str]]) -> tuple[str, str, str] | None:
    """(value, path of the file that defines it, its key there) for a reference to another
    file's constant."""
    imported, rest = _import_of(f, ref)
    if imported is not None:
        for module, key in _import_targets(f, imported, rest):
            target = _module_file(f, module, by_path)
            value = target.exports.get(key) if target is not None else None
            if value is not None:
                return value, target.path, key
    if _shared_namespace(f.language) is not None:
        for key in (ref, ref.removesuffix(".rawValue"), ".".join(ref.split(".")[-2:])):
            values = global_table.get(key)
            if values is not None and len(values) == 1:
                value, path = next(iter(values.items()))
                return value, path, key
    return None


def _module_file(f: FileExtraction, module: str, by_path: dict[str, FileExtraction]) -> FileExtraction | None:
    for cand in _module_candidates(f, module):
        target = by_path.get(cand)
        if target is not None:
            return target
    return None


def _module_candidates(f: FileExtraction, module: str) -> list[str]:
    """Repo-relative paths that an import of ``module`` from file ``f`` may refer to."""
    row = languages.get(f.language)
    if row is None or row.module_paths is None:
        return []
    candidates = row.module_paths(os.path.dirname(f.path), module)
    return [c[2:] if c.startswith("./") else c for c in candidates]
