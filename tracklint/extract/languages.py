"""The table of languages tracklint reads: one row a language, everything else derives from it.

A row says which suffixes a language owns, which tree-sitter grammar parses it, which extractor
module reads it, how its modules name each other (for event names that are constants defined in
another file, see :mod:`tracklint.extract.linking`), and its declaration syntax (for recovering
calls from unreadable regions, see :mod:`tracklint.extract.recover`: the text before a name
that makes it a declaration, the node types of strings and comments, and how strings and
comments are written, to match brackets in text the parser could not read).

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
class TextSyntax:
    """How strings and comments are written, for matching brackets in raw bytes (recovery reads
    a hidden call from its name to its closing ``)``: brackets in strings and comments do not
    count). The defaults are Swift's and Kotlin's."""

    #: What starts a comment that runs to the end of the line.
    line_comment: bytes = b"//"
    #: ``/* ... */`` comments; ``nested``: ``/* /* */ */`` is one comment (Swift, Kotlin).
    block_comments: bool = True
    nested_comments: bool = True
    #: Delimiters of one-line strings; each one tripled (``"""``) opens a multi-line string.
    quotes: bytes = b'"'
    #: Delimiters of strings that may span lines as written (JavaScript's template literals).
    multi_line_quotes: bytes = b""
    #: ``'x'``: a character literal of a few bytes (Kotlin), skipped when it closes nearby.
    char_literals: bool = True
    #: Swift's raw strings, ``#"..."#``.
    raw_strings: bool = True


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
    #: The extractor module: a ``GRAMMAR`` for the shared driver (:mod:`tracklint.extract.driver`),
    #: or its own ``extract(source, specs)`` and ``prepare(specs, languages)`` (Python, JS).
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
    #: Text just after the ``)`` of a name without receiver that makes it a method definition,
    #: not a call (JavaScript's ``track(event) {``, TypeScript's ``track(e: E): void {``).
    definition_tail: re.Pattern[bytes] | None = None
    #: Node types of string contents and comments: a method name there is text, not a call.
    not_code: frozenset[str] = frozenset()
    #: How strings and comments are written (see :class:`TextSyntax`).
    text_syntax: TextSyntax = TextSyntax()
    #: What may stand between a method name and its arguments in a call, ending with what opens
    #: the arguments (an RE2 fragment; the pre-filter appends it to the method names, see
    #: :mod:`tracklint.extract.prefilter`). None: the name alone (languages whose calls need no
    #: parentheses). It must over-approximate: a call the extractor reads always matches.
    call_opener: bytes | None = None
    #: Whether a large file may be parsed only around the tracked names
    #: (:mod:`tracklint.extract.windows`). Its proof that the hidden text changes nothing reads
    #: callees lexically (a name followed by ``(``); a language whose calls need no parentheses
    #: (Ruby's ``tracker.track 'id', 'X'``) defeats it, and is parsed whole.
    windowed: bool = True
    #: Interpreters whose ``#!`` line makes a file without a suffix one of this language's
    #: (``bin/deploy`` starting with ``#!/usr/bin/env ruby``): see :func:`script_language`.
    interpreters: tuple[str, ...] = ()


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
#: ``func Track(`` / ``func (c *client) Track(``: a Go function or method declaration.
_GO_FUNC_DECLARATION = re.compile(rb"\bfunc\s*(?:\([^()\n]*\)\s*)?$")
_SWIFT_KOTLIN_ACCESSORS = ("rawValue", "value", "eventName")
#: ``def track(`` / ``async def track(``.
_PYTHON_DECLARATION = re.compile(rb"\bdef[ \t]+$")
#: ``function track(`` / ``async function* track(`` / ``declare function track(``.
_JS_DECLARATION = re.compile(rb"\bfunction\b[ \t*]*$")
#: ``track(event) {`` / ``async track(e: string): Promise<void> {`` in a class or object.
_JS_METHOD_TAIL = re.compile(rb"[ \t]*(?::[ \t]*[A-Za-z_$][^\n;{}()]*)?\{")

#: ``def track(`` / ``def self.track(``: a declaration.
_RUBY_DECLARATION = re.compile(rb"\bdef\s+(?:self\s*\.\s*)?$")
#: Ruby's constants live in one namespace once loaded (``Events::SIGNED_UP`` from any file).
_RUBY_ACCESSORS = ("freeze",)

# --- what may follow a method name in a call ---------------------------------------------------

#: Between a method name and its arguments in a file that parses: blanks and comments (which
#: may hold identifiers) only. A call that tree-sitter's error recovery glues together across
#: other characters (``track", (`` or ``track \\\n(`` in JS) is in a file with a syntax error;
#: the property tests of ``tests/test_prefilter.py`` hold the test to every gap the extractors
#: accept in clean files. (Until December 2026 the gap was "anything but an identifier
#: character", which passed ``group", () =>``, ``when (alias) {`` and ``page);``: it sent 368
#: files of the six app repositories of ``benchmarks/corpus.toml`` to the parser where this
#: sends 277, and none of the other 91 holds a call.)
C_BLANK = rb"(?:[ \t\f\r\n\v]|//[^\n]*|/\*(?:[^*]|\*+[^*/])*\*+/)*"
#: Swift and Kotlin comments nest (``/* a /* b */ c */``): a block comment is read as anything
#: up to some later ``*/`` (a superset, cheap for RE2).
_NESTED_BLANK = rb"(?:[ \t\f\r\n\v]|//[^\n]*|/\*[\s\S]*\*/)*"
#: Python: blanks, line continuations and ``#`` comments (inside brackets a call may span lines).
_PY_OPENER = rb"(?:[ \t\f\r\n\\]|#[^\n]*)*\("
#: JS/TS: ``track(``, ``track?.(``, ``track!(``, ``track<Props>(`` (the type arguments may hold
#: anything, so ``<`` ends the test).
_JS_OPENER = C_BLANK + rb"(?:(?:\?\.|!)" + C_BLANK + rb")*[(<]"
#: Swift and Kotlin: ``track(``, ``track?(``, ``track<T>(``, and a trailing closure ``track {``.
_SWIFT_KOTLIN_OPENER = _NESTED_BLANK + rb"(?:[?!]" + _NESTED_BLANK + rb")*[(<{]"
#: Go: ``Enqueue(`` and a generic function's ``Track[T](``.
_GO_OPENER = C_BLANK + rb"[(\[]"

_JS = dict(family="js", extractor="tracklint.extract.javascript", module_paths=_js_module_paths,
           call_opener=_JS_OPENER, declaration=_JS_DECLARATION, definition_tail=_JS_METHOD_TAIL,
           not_code=frozenset({"string_fragment", "comment", "html_comment", "regex_pattern",
                               "jsx_text"}),
           text_syntax=TextSyntax(nested_comments=False, quotes=b"\"'",
                                  multi_line_quotes=b"`", char_literals=False, raw_strings=False))
#: Java: ``track(`` (type arguments come before the name: ``analytics.<T>track(``).
_JAVA_OPENER = C_BLANK + rb"\("

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
             call_opener=_PY_OPENER, declaration=_PYTHON_DECLARATION,
             not_code=frozenset({"string_content", "comment"}),
             text_syntax=TextSyntax(line_comment=b"#", block_comments=False, quotes=b"\"'",
                                    char_literals=False, raw_strings=False)),
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
             text_syntax=TextSyntax(nested_comments=False, raw_strings=False),
             call_opener=_JAVA_OPENER),
    Language("ruby", "ruby", (".rb", ".rake", ".ru"), ("tree_sitter_ruby", "language"),
             "tracklint.extract.ruby", shared_namespace=_RUBY_ACCESSORS,
             declaration=_RUBY_DECLARATION,
             not_code=frozenset({"string_content", "heredoc_content", "comment"}),
             text_syntax=TextSyntax(line_comment=b"#", block_comments=False, quotes=b"\"'",
                                    char_literals=False, raw_strings=False),
             windowed=False, interpreters=("ruby", "jruby", "truffleruby")),
    # the files of a Go package share one namespace; another package's constant is
    # `events.SignedUp`, which the defining file also exports under its package's name
    Language("go", "go", (".go",), ("tree_sitter_go", "language"), "tracklint.extract.go",
             shared_namespace=(), declaration=_GO_FUNC_DECLARATION,
             not_code=frozenset({"interpreted_string_literal_content", "raw_string_literal_content",
                                 "escape_sequence", "rune_literal", "comment"}),
             text_syntax=TextSyntax(nested_comments=False, multi_line_quotes=b"`", raw_strings=False),
             call_opener=_GO_OPENER),
)

BY_NAME: dict[str, Language] = {language.name: language for language in LANGUAGES}
NAMES: tuple[str, ...] = tuple(BY_NAME)
BY_SUFFIX: dict[str, str] = {s: language.name for language in LANGUAGES for s in language.suffixes}
BY_INTERPRETER: dict[bytes, str] = {i.encode(): row.name for row in LANGUAGES for i in row.interpreters}
#: How much of a file without a suffix is read to find its ``#!`` line.
SHEBANG_BYTES = 256
_INTERPRETER = re.compile(rb"[A-Za-z_-]+")


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


def may_be_script(path: str) -> bool:
    """Whether ``path`` names a file without a suffix (``bin/deploy``, not ``.envrc`` or
    ``app.rb``), which :func:`script_language` may find to be a script, when any language has
    interpreters."""
    name = path[max(path.rfind("/"), path.rfind(os.sep)) + 1:]
    return bool(BY_INTERPRETER) and bool(name) and "." not in name


def script_language(head: bytes) -> str | None:
    """The language whose interpreter the ``#!`` line at the start of ``head`` runs
    (``#!/usr/bin/env ruby``, ``#!/usr/bin/ruby -w``, ``#!/usr/bin/env -S ruby3.3 -W0``), or
    None."""
    if not head.startswith(b"#!"):
        return None
    words = head[2:].split(b"\n", 1)[0].split()
    if words and words[0].rsplit(b"/", 1)[-1] == b"env":
        words = [w for w in words[1:] if not w.startswith(b"-") and b"=" not in w]
    if not words:
        return None
    program = _INTERPRETER.match(words[0].rsplit(b"/", 1)[-1])
    return BY_INTERPRETER.get(program.group().rstrip(b"-")) if program else None


def read_script_language(path: str) -> str | None:
    """:func:`script_language` of the regular file at ``path`` (None when it is not one or
    cannot be read: a named pipe would block the reader)."""
    try:
        if not os.path.isfile(path):
            return None
        with open(path, "rb") as handle:
            return script_language(handle.read(SHEBANG_BYTES))
    except OSError:
        return None


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
