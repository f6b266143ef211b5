"""Extraction: from a file's bytes to the analytics call sites in it.

:func:`extract_file` is the one entry point. It decodes the bytes (UTF-8 with or without BOM,
UTF-16 with BOM), refuses what it should not parse (binary files, oversized files), and hands
the text to the language's extractor module, imported lazily so that a run only pays for the
grammars it needs. Each language module provides ``extract(source, specs) -> FileExtraction``.
"""

from __future__ import annotations

import functools
from typing import Any
import importlib
import re

from tracklint.extract import driver, languages
from tracklint.extract.base import CallSpec, FileExtraction, Notice, ParseTimeout, SourceText, spec_index
from tracklint.extract.prefilter import words_regex
from tracklint.extract.presets import method_names

#: Suffix -> language, from the table of languages (:mod:`tracklint.extract.languages`).
LANGUAGE_BY_SUFFIX = languages.BY_SUFFIX

#: Files larger than this are not parsed (reported as skipped). Configurable (max_file_size).
DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024


language_for = languages.language_for
languages_of = languages.languages_of


_LONE_CR = re.compile(rb"\r(?!\n)")


def decode(data: bytes) -> tuple[bytes, str | None]:
    """Normalise file bytes to UTF-8 without BOM. Returns (bytes, problem or None).

    A lone CR (classic Mac line ending) becomes LF, so that line numbers match what editors show;
    the replacement keeps every byte offset. CRLF is left alone (the CR ends up outside spans).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as exc:
            return b"", f"invalid UTF-16 at byte {exc.start}"
    if b"\r" in data:
        data = _LONE_CR.sub(b"\n", data)
    return data, None


def is_binary(data: bytes) -> bool:
    """Git's heuristic: a NUL byte in the first 8000 bytes."""
    return b"\0" in data[:8000]


@functools.lru_cache(maxsize=16)
def _needles(names: tuple[str, ...]) -> Any:
    """The tracked method names as whole words, for finditer over a file (the pre-filter's
    pattern; RE2: one linear scan)."""
    return words_regex(tuple(n.encode() for n in names))


def _normalised(result: FileExtraction, text: bytes) -> FileExtraction:
    """One order for everything an extractor returns (tree-sitter's query matches do not come in
    a stable order), and directive spans kept on their own line."""
    result.calls.sort(key=lambda c: (c.span.start_byte, c.span.end_byte, c.method, c.sdk))
    result.notices.sort(key=lambda n: (n.line or 0, n.column or 0, n.end_line or 0, n.end_column or 0, n.kind, n.message))
    if result.directives:
        lines = text.split(b"\n")
        for d in result.directives:
            if 1 <= d.line <= len(lines):
                width = len(lines[d.line - 1].decode("utf-8", "replace").rstrip("\r")) + 1
                d.end_column = min(d.end_column, width)
        result.directives.sort(key=lambda d: (d.line, d.column, d.codes))
    return result


def prepare(wanted: set[str], specs: list[CallSpec]) -> None:
    """Load the grammars and compile the queries that extracting files of ``wanted`` needs,
    in this process. The engine calls it just before it forks its workers, so that they inherit
    them: each worker compiled them itself on its first file of each language, about 0.2 s of
    CPU per worker for five languages. Never raises (a worker will meet the problem itself)."""
    modules: dict[str, set[str]] = {}
    for language in wanted:
        row = languages.get(language)
        if row is not None:
            modules.setdefault(row.extractor, set()).add(language)
    for name, langs in sorted(modules.items()):
        try:
            module = importlib.import_module(name)
            grammar = getattr(module, "GRAMMAR", None)
            if grammar is not None:
                driver.prepare(grammar, specs)
            else:
                module.prepare(specs, langs)
        except Exception:  # noqa: BLE001 - preparing is an optimisation only
            continue


def extract_file(
    path: str,
    data: bytes,
    specs: list[CallSpec],
    *,
    language: str | None = None,
    max_file_size: int = DEFAULT_MAX_FILE_SIZE,
    windows: bool = True,
) -> FileExtraction:
    """Extract every analytics call from one file's bytes. Never raises on bad input: problems
    become :class:`Notice` records on the result.

    With ``windows`` (the default), large files are parsed only around the tracked method names
    when that provably gives the same result (see :mod:`tracklint.extract.windows`) and the
    language's row allows it (``Language.windowed``)."""
    language = language or language_for(path) or (
        languages.script_language(data[:languages.SHEBANG_BYTES]) if languages.may_be_script(path) else None)
    result = FileExtraction(path=path, language=language or "unknown")
    if language is None:
        return result
    if len(data) > max_file_size:
        result.notices.append(
            Notice(path, "skipped", f"file is {len(data):,} bytes, over the {max_file_size:,}-byte limit (max_file_size); not parsed")
        )
        return result
    text, problem = decode(data)
    if problem:
        result.notices.append(Notice(path, "decode", f"cannot decode: {problem}; not parsed"))
        return result
    if is_binary(text):
        result.notices.append(Notice(path, "skipped", "file contains NUL bytes (binary); not parsed"))
        return result
    row = languages.BY_NAME[language]
    module = importlib.import_module(row.extractor)

    def run(raw: bytes, ranges: list[tuple[int, int]] | None = None) -> FileExtraction:
        source = SourceText.from_bytes(path, language, raw, ranges)
        grammar = getattr(module, "GRAMMAR", None)
        if grammar is not None:  # a language on the shared driver (extract/driver.py)
            return driver.extract(grammar, source, specs)
        return module.extract(source, specs)

    try:
        # the names of this language's specs: no other spec can match a call in this file
        needles = _needles(tuple(sorted(method_names(specs, language)))) if windows and row.windowed else None
        if needles is None:
            return _normalised(run(text), text)
        from tracklint.extract.windows import extract_windowed

        return _normalised(extract_windowed(text, needles, run, spec_index(specs).bound_by_name), text)
    except ParseTimeout as exc:
        result.notices.append(Notice(path, "skipped", f"{exc}; not analysed"))
        return result
    except RecursionError:
        result.notices.append(Notice(path, "internal", "nesting too deep to analyse; not parsed"))
        return result
