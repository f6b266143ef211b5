"""The table of languages tracklint reads: one row a language, everything else derives from it.

A row says which suffixes a language owns, which tree-sitter grammar parses it, which extractor
module reads it, how its modules name each other (for event names that are constants defined in
another file, see :mod:`tracklint.extract.linking`), and its declaration syntax (for recovering
calls from unreadable regions, see :mod:`tracklint.extract.recover`: the text before a name
that makes it a declaration, and the node types of strings and comments).

This module imports no grammar and no extractor: the engine asks it about every listed file, and
a run only pays for the grammars it needs (:func:`grammar` loads one on first use).

Adding a language: its extractor module, one row here, its preset data in
:mod:`tracklint.extract.presets`, its grammar pin in ``pyproject.toml``, and its tests.
"""

from __future__ import annotations

import functools
import importlib
import os
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable

#: ``(directory of the importing file, module as written) -> repo-relative candidate paths``.
ModulePaths = Callable[[str, str], "list[str]"]


@dataclass(frozen=True)
class Language:
    """One language tracklint reads."""

    name: str
    #: Languages of one family share their cross-file constants (JavaScript and TypeScript).
    family: str
    #: Lower-case file suffixes, with the dot.
    suffixes: tuple[str, ...]
    #: ``(module, function)`` of the tree-sitter grammar package that returns the language.
    grammar: tuple[str, str]
    #: The extractor module: ``extract(source, specs)`` and ``prepare(specs, languages)``.
    extractor: str
    #: Where an imported module's file may be (None: modules do not import each other by path).
    module_paths: ModulePaths | None = None
    #: ``from pkg import name`` may name a submodule (Python).
    submodule_imports: bool = False
    #: The files of a module share one namespace, so a constant defined once in the project is
    #: found by its name (Swift, Kotlin); the names listed are accessors that may end such a
    #: reference (``Events.signUp.rawValue``) and are not part of the constant's name.
    shared_namespace: tuple[str, ...] | None = None
    #: Text just before a method name that makes it a declaration, not a call (``func track(``).
    declaration: re.Pattern[bytes] | None = None
    #: Node types of string contents and comments: a method name there is text, not a call.
    not_code: frozenset[str] = frozenset()
    #: What may stand between a method name and its arguments in a call, ending with what opens
    #: the arguments (an RE2 fragment; the pre-filter appends it to the method names, see
    #: :mod:`tracklint.extract.prefilter`). None: the name alone (languages whose calls need no
    #: parentheses). It must over-approximate: a call the extractor reads always matches.
    call_opener: bytes | None = None


# --- how modules name each other --------------------------------------------------------------

#: The order in which TypeScript's resolution tries suffixes (one file may exist in two forms).
_JS_RESOLUTION_ORDER = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts")


def _js_module_paths(here: str, module: str) -> list[str]:
    """``./events`` is ``events.ts``, ``events.js``, ``events/index.ts``, ...; packages are not
    in the project."""
    if not module.startswith("."):
        return []
    base = os.path.normpath(os.path.join(here, module)).replace(os.sep, "/")
    return ([base] + [base + s for s in _JS_RESOLUTION_ORDER]
            + [f"{base}/index{s}" for s in _JS_RESOLUTION_ORDER])


def _python_module_paths(here: str, module: str) -> list[str]:
    """``.events`` relative to the package; ``app.events`` from the repository root and from
    every ancestor of the importing file (source roots are not configured)."""
    if module.startswith("."):
        dots = len(module) - len(module.lstrip("."))
        pkg = here
        for _ in range(dots - 1):
            pkg = os.path.dirname(pkg)
        tail = module.lstrip(".").replace(".", "/")
        base = f"{pkg}/{tail}" if tail else pkg
        bases = [base.lstrip("/")]
    else:
        tail = module.replace(".", "/")
        parts = here.split("/") if here else []
        bases = [tail] + ["/".join(parts[:i] + [tail]) for i in range(len(parts), 0, -1)]
    return [path for base in bases for path in (base + ".py", base + "/__init__.py")]


#: ``fun track(`` / ``func track(`` / ``override fun <T> Analytics.track(``: a declaration.
_FUNC_DECLARATION = re.compile(rb"\bfunc?\b[^\n(){}=;]*$")
_SWIFT_KOTLIN_ACCESSORS = ("rawValue", "value", "eventName")

# --- what may follow a method name in a call ---------------------------------------------------

#: Between a method name and its arguments: anything but an identifier character, and comments
#: (which may hold identifiers). Not only blanks: tree-sitter's error recovery skips stray
#: characters (``track \\\n(`` in JS is still read as a call), and what the extractor reads
#: the pre-filter must pass.
_C_GAP = rb"(?:[^0-9A-Za-z_]|//[^\n]*|/\*(?:[^*]|\*+[^*/])*\*+/)*"
#: Python: the same with ``#`` comments (inside brackets a call may span lines).
_PY_OPENER = rb"(?:[^0-9A-Za-z_]|#[^\n]*)*\("
#: JS/TS: ``track(``, ``track?.(``, ``track!(``, ``track<Props>(``.
_JS_OPENER = _C_GAP + rb"[(<]"
#: Swift and Kotlin: ``track(``, ``track<T>(``, and a trailing closure ``track {``.
_SWIFT_KOTLIN_OPENER = _C_GAP + rb"[(<{]"

_JS = dict(family="js", extractor="tracklint.extract.javascript", module_paths=_js_module_paths,
           call_opener=_JS_OPENER)
#: Java: ``track(`` (type arguments come before the name: ``analytics.<T>track(``).
_JAVA_OPENER = _C_GAP + rb"\("

#: ``void track(`` / ``public static <T> List<T> track(``: a type (not a keyword) right before
#: the name makes it a declaration; ``return track(`` and ``new Track(`` stay calls.
_JAVA_DECLARATION = re.compile(
    rb"(?:^|[\s(){};=,@])(?!(?:return|new|throw|else|case|yield|assert|do)\b)"
    rb"[A-Za-z_$][\w$.]*(?:<[^\n(){};=]*>)?(?:\s*\[\s*\])*\s+$")
#: Accessors that may end a reference to an enum constant's value (``Events.SIGNED_UP.value``).
_JAVA_ACCESSORS = ("value", "eventName", "name", "getValue", "getEventName", "getName")

LANGUAGES: tuple[Language, ...] = (
    Language("python", "python", (".py", ".pyi"), ("tree_sitter_python", "language"),
             "tracklint.extract.python", module_paths=_python_module_paths, submodule_imports=True,
             call_opener=_PY_OPENER),
    Language("javascript", suffixes=(".js", ".mjs", ".cjs", ".jsx"),
             grammar=("tree_sitter_javascript", "language"), **_JS),
    Language("typescript", suffixes=(".ts", ".mts", ".cts"),
             grammar=("tree_sitter_typescript", "language_typescript"), **_JS),
    Language("tsx", suffixes=(".tsx",), grammar=("tree_sitter_typescript", "language_tsx"), **_JS),
    Language("swift", "swift", (".swift",), ("tree_sitter_swift", "language"),
             "tracklint.extract.swift", shared_namespace=_SWIFT_KOTLIN_ACCESSORS,
             declaration=_FUNC_DECLARATION,
             not_code=frozenset({"line_str_text", "multi_line_str_text", "raw_str_part",
                                 "raw_str_end_part", "comment", "multiline_comment"}),
             call_opener=_SWIFT_KOTLIN_OPENER),
    Language("kotlin", "kotlin", (".kt", ".kts"), ("tree_sitter_kotlin", "language"),
             "tracklint.extract.kotlin", shared_namespace=_SWIFT_KOTLIN_ACCESSORS,
             declaration=_FUNC_DECLARATION,
             not_code=frozenset({"string_content", "line_comment", "block_comment",
                                 "character_literal"}),
             call_opener=_SWIFT_KOTLIN_OPENER),
    Language("java", "java", (".java",), ("tree_sitter_java", "language"),
             "tracklint.extract.java", shared_namespace=_JAVA_ACCESSORS,
             declaration=_JAVA_DECLARATION,
             not_code=frozenset({"string_fragment", "multiline_string_fragment", "escape_sequence",
                                 "line_comment", "block_comment", "character_literal"}),
             call_opener=_JAVA_OPENER),
)

BY_NAME: dict[str, Language] = {language.name: language for language in LANGUAGES}
NAMES: tuple[str, ...] = tuple(BY_NAME)
BY_SUFFIX: dict[str, str] = {s: language.name for language in LANGUAGES for s in language.suffixes}


def get(name: str) -> Language | None:
    """The row of ``name`` (None for a language tracklint does not read, such as "unknown")."""
    return BY_NAME.get(name)


def family(name: str) -> str:
    """The family of ``name``: languages that share cross-file constants."""
    row = BY_NAME.get(name)
    return row.family if row is not None else name


def of_family(name: str) -> frozenset[str]:
    """The languages of the family ``name``."""
    return frozenset(language.name for language in LANGUAGES if language.family == name)


def language_for(path: str) -> str | None:
    """The language of a path, from its suffix (``None``: not a language tracklint reads)."""
    # rfind instead of os.path.splitext: this runs once per listed file on every run
    dot = path.rfind(".")
    if dot <= path.rfind("/") + 1 or dot <= path.rfind(os.sep) + 1:
        return None  # no suffix, or a dot file such as ".ts"
    return BY_SUFFIX.get(path[dot:].lower())


def languages_of(paths: Iterable[str]) -> set[str]:
    """The languages among ``paths`` (one suffix lookup per distinct suffix: the engine asks
    this of every listed file before it forks its workers)."""
    suffixes = {path[path.rfind("."):].lower() for path in paths}
    return {BY_SUFFIX[s] for s in suffixes if s in BY_SUFFIX}


@functools.cache
def grammar(name: str) -> Any:
    """The tree-sitter ``Language`` of ``name`` (its grammar package is imported on first use)."""
    from tree_sitter import Language as TreeSitterLanguage

    module, function = BY_NAME[name].grammar
    return TreeSitterLanguage(getattr(importlib.import_module(module), function)())
