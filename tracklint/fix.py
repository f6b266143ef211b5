"""Fixes: from a rule's "write `new` where `old` is written" to byte edits, and applying them.

A rule that knows the right spelling attaches a :class:`Rename` to its finding: the string at a
span of a file (an event name, a property key), or, when the name comes from a constant, the
constant's name and the file that defines it. :class:`Fixer` turns it into a
:class:`~tracklint.diagnostics.Fix` by reading the text the extractor read:

* only the content between the quotes is replaced, so the quote style, prefixes (``r""``,
  ``f""``), raw delimiters (``#"…"#``) and template forms stay; the new text is escaped as the
  literal's form needs (a quote, a backslash, ``${`` in a template, ``$`` in Kotlin, ``#{`` in
  Ruby), and a literal whose form cannot carry it gets no fix (a raw string that would need a
  quote, a Python f-string that would need a brace, a byte string);
* the literal is read back first: a fix exists only when its content, decoded, is exactly the
  old name (an escape or an interpolation tracklint does not know means no fix);
* a name from a constant is fixed at the constant's definition, once, in its own file: the one
  place in that file where the constant's name is followed by ``=``/``:``/``(`` (a type
  annotation allowed) and a string literal holding the old name; none or several: no fix;
* a key written as a bare identifier (a JavaScript object's or a Ruby hash's) is renamed only to
  an identifier.

:func:`plan_edits` picks the edits of a run (safe fixes, or all with ``--unsafe-fixes``), merges
identical edits (every call of one constant asks for the same one) and skips a fix whose edits
overlap one already taken; :func:`apply` writes each file once, atomically; :func:`unified_diff`
shows the same edits without writing.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from tracklint.diagnostics import Diagnostic, Edit, Fix
from tracklint.extract.base import LineIndex, Span

#: Reads a project-relative path as the extractor saw it (decoded UTF-8), None when unreadable.
Reader = Callable[[str], "bytes | None"]


@dataclass(frozen=True)
class Rename:
    """What a rule asks for: the string ``old`` written at ``span`` of ``path`` becomes ``new``.
    ``ref``: the name of the constant the string was read from (``Events.SIGNED_UP``); the edit
    then goes to its definition in ``ref_path`` (None: ``path`` itself). ``identifier``: the
    string may be written as a bare identifier (a JavaScript object key), renamed only to one."""

    path: str
    span: Span | None
    old: str
    new: str
    safe: bool
    language: str
    what: str = "event"  # what the string is, for the description: "event", "property"
    ref: str | None = None
    ref_path: str | None = None
    identifier: bool = False  # a key written as a bare identifier may become another identifier


# --------------------------------------------------------------------------------------------
# String literal forms


@dataclass(frozen=True)
class Form:
    """How a string literal is written: ``prefix`` (letters, raw delimiters and the opening
    quote), ``close`` (the closing quote), whether backslash escapes are read (``raw``), which
    interpolation the content may hold (``interp``: "", "template", "kotlin", "swift", "ruby",
    "f"), and whether it may span lines."""

    prefix: str
    close: str
    raw: bool = False
    interp: str = ""
    multiline: bool = False
    single_escapes: bool = False  # Ruby '…': only \\ and \' are escapes


_PY_PREFIX = re.compile(r"([rRuUfFbB]{0,2})('''|\"\"\"|'|\")")
_SWIFT_OPEN = re.compile(r'(#*)("""|")')


def literal_form(text: str, language: str) -> Form | None:
    """The form of the string literal ``text`` (its whole source text), or None when it is not
    one tracklint can rewrite in ``language``."""
    if language == "python":
        m = _PY_PREFIX.match(text)
        if m is None or "b" in m.group(1).lower():
            return None
        letters, quote = m.group(1).lower(), m.group(2)
        return Form(m.group(0), quote, raw="r" in letters, interp="f" if "f" in letters else "",
                    multiline=len(quote) == 3)
    if language in ("javascript", "typescript", "tsx"):
        if text[:1] == "`":
            return Form("`", "`", interp="template", multiline=True)
        return Form(text[0], text[0]) if text[:1] in ("'", '"') else None
    if language == "swift":
        m = _SWIFT_OPEN.match(text)
        if m is None or m.group(2) == '"""':  # multi-line: indentation is not content
            return None
        hashes = m.group(1)
        return Form(m.group(0), '"' + hashes, raw=bool(hashes), interp="" if hashes else "swift")
    if language == "kotlin":
        if text.startswith('"""'):
            return Form('"""', '"""', raw=True, interp="kotlin", multiline=True)
        return Form('"', '"', interp="kotlin") if text[:1] == '"' else None
    if language == "go":
        if text[:1] == "`":
            return Form("`", "`", raw=True, multiline=True)
        return Form('"', '"') if text[:1] == '"' else None
    if language == "ruby":
        if text[:1] == "'":
            return Form("'", "'", single_escapes=True, multiline=True)
        return Form('"', '"', interp="ruby", multiline=True) if text[:1] == '"' else None
    # Java and any other C-like language: plain double-quoted strings only (not text blocks)
    return Form('"', '"') if text[:1] == '"' and not text.startswith('"""') else None


_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", "'": "'", '"': '"', "`": "`",
           "$": "$", "/": "/", "b": "\b", "f": "\f", "v": "\v", "a": "\a", "e": "\x1b", "s": " "}
_HEX = re.compile(r"x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|u\{([0-9a-fA-F]{1,6})\}|U([0-9a-fA-F]{8})")


def decode(content: str, form: Form) -> str | None:
    """The value of a literal's content, or None when it holds something tracklint does not read
    exactly (an interpolation, an unknown escape): such a literal gets no fix."""
    if _has_interpolation(content, form):
        return None
    if form.interp == "f":
        content = content.replace("{{", "{").replace("}}", "}")
    if form.raw:
        return content
    out: list[str] = []
    i, n = 0, len(content)
    while i < n:
        ch = content[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        if i + 1 >= n:
            return None
        nxt = content[i + 1]
        if form.single_escapes:
            out.append(nxt if nxt in "\\'" else "\\" + nxt)
            i += 2
            continue
        m = _HEX.match(content, i + 1)
        if m is not None:
            out.append(chr(int(next(g for g in m.groups() if g is not None), 16)))
            i = m.end()
        elif nxt in _SIMPLE and not (nxt == "0" and i + 2 < n and content[i + 2].isdigit()):
            out.append(_SIMPLE[nxt])
            i += 2
        else:
            return None
    if not form.multiline and "\n" in "".join(out) and "\n" in content:
        return None
    return "".join(out)


def _has_interpolation(content: str, form: Form) -> bool:
    if form.interp == "template":
        return re.search(r"(?<!\\)(?:\\\\)*\$\{", content) is not None
    if form.interp == "kotlin":
        return re.search(r"(?<!\\)(?:\\\\)*\$[{A-Za-z_`]", content) is not None
    if form.interp == "swift":
        return re.search(r"(?<!\\)(?:\\\\)*\\\(", content) is not None
    if form.interp == "ruby":
        return re.search(r"(?<!\\)(?:\\\\)*#[{@$]", content) is not None
    if form.interp == "f":
        return "{" in content.replace("{{", "") or "}" in content.replace("}}", "")
    return False


_CONTROL = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def encode(value: str, form: Form) -> str | None:
    """``value`` written as the content of a literal of ``form``, or None when that form cannot
    hold it unchanged."""
    if form.raw:
        if form.close in value or (form.prefix.endswith(form.close) and form.close[0] in value):
            return None
        if any(c in value for c in "\r\0") or ("\n" in value and not form.multiline):
            return None
        if form.interp == "kotlin" and "$" in value:
            return None
        if form.prefix[:1].lower() == "r" and value.endswith("\\"):
            return None
        if form.prefix.startswith("#") and "\\" + form.close[1:] in value:
            return None  # Swift's raw `#"…"#` reads `\#` as an escape
        return value
    if form.interp == "f" and ("{" in value or "}" in value):
        return None
    out: list[str] = []
    quote = form.close[0]
    for ch in value:
        if ch == "\\" or ch == quote:
            out.append("\\" + ch)
        elif ch in _CONTROL:
            out.append(_CONTROL[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            return None
        elif ch == "$" and form.interp in ("kotlin", "template"):
            out.append("\\$")
        elif ch == "#" and form.interp == "ruby":
            out.append("\\#")
        else:
            out.append(ch)
    text = "".join(out)
    if form.single_escapes:  # only \\ and \' exist: a control character cannot be written
        if any(c in value for c in _CONTROL):
            return None
    return text


def scan_literal(text: str, start: int, language: str) -> tuple[int, Form] | None:
    """The end offset (exclusive) and form of the string literal that starts at ``start`` in
    ``text``, or None when no literal tracklint can rewrite starts there."""
    head = text[start:start + 8]
    form = literal_form(head, language)
    if form is None or not head.startswith(form.prefix):
        return None
    i = start + len(form.prefix)
    close = form.close
    n = len(text)
    while i < n:
        if text.startswith(close, i):
            return i + len(close), form
        ch = text[i]
        if ch == "\n" and not form.multiline:
            return None
        i += 2 if ch == "\\" and not form.raw else 1
    return None


# --------------------------------------------------------------------------------------------
# Renames -> edits


_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*\Z")
_ACCESSORS = ("rawValue", "value")


@dataclass
class Fixer:
    """Builds the :class:`Fix` of a :class:`Rename` from the files' text (each read once)."""

    read: Reader
    _texts: dict[str, tuple[bytes, LineIndex] | None] = field(default_factory=dict)
    _definitions: dict[Rename, Edit | None] = field(default_factory=dict)

    def fix(self, rename: Rename) -> Fix | None:
        """The fix of ``rename``, or None when it cannot be made keeping the source's form."""
        try:
            if rename.ref:
                # every call of one constant asks for the same definition: looked for once
                key = dataclasses.replace(rename, path=rename.ref_path or rename.path, ref_path=None, span=None)
                if key not in self._definitions:
                    self._definitions[key] = self._definition_edit(rename)
                edit = self._definitions[key]
            else:
                edit = self._literal_edit(rename)
        except (UnicodeDecodeError, ValueError, IndexError):
            return None
        if edit is None:
            return None
        where = f" in the definition of `{rename.ref}`" if rename.ref else ""
        return Fix((edit,), rename.safe, f"Rename {rename.what} `{rename.old}` to `{rename.new}`{where}")

    def _text(self, path: str) -> tuple[bytes, LineIndex] | None:
        if path not in self._texts:
            data = self.read(path)
            self._texts[path] = None if data is None else (data, LineIndex(data))
        return self._texts[path]

    def _literal_edit(self, rename: Rename) -> Edit | None:
        found = self._text(rename.path)
        span = rename.span
        if found is None or span is None or span.end_byte <= span.start_byte:
            return None
        data, index = found
        text = data[span.start_byte:span.end_byte].decode("utf-8")
        if not text[:1] in "'\"`#rRuUfFbB" or _IDENTIFIER.match(text):
            # a bare identifier (a Python keyword argument, a JS object key)
            if not rename.identifier or text != rename.old or not _IDENTIFIER.match(rename.new) or (
                    "$" in rename.new and rename.language not in ("javascript", "typescript", "tsx")):
                return None
            return _edit(rename.path, index, span.start_byte, span.end_byte, rename.new)
        return _content_edit(rename.path, index, text, span.start_byte, rename)

    def _definition_edit(self, rename: Rename) -> Edit | None:
        """The edit of the constant's definition: the last name of the reference that is defined
        once with the old name (``Events.SIGNED`` -> ``SIGNED``; ``PAGE_VIEWED.eventName``, an
        enum entry's property, -> ``PAGE_VIEWED``)."""
        path = rename.ref_path or rename.path
        found = self._text(path)
        if found is None or rename.ref is None:
            return None
        data, index = found
        text = data.decode("utf-8")
        parts = [p for p in re.split(r"\.|::", rename.ref) if p and p not in _ACCESSORS]
        for name in reversed(parts[-3:]):
            places = _definitions(text, name, rename)
            if len(places) > 1:
                return None  # defined twice alike: no guess
            if places:
                start_char, literal = places[0]
                start = len(text[:start_char].encode("utf-8"))
                return _content_edit(path, index, literal, start, rename)
        return None


def _definitions(text: str, name: str, rename: Rename) -> list[tuple[int, str]]:
    """(offset, literal) of each place in ``text`` where ``name`` is given a string literal that
    holds ``rename.old``: ``name = "…"``, ``name: T = "…"``, ``name T = "…"``, ``name := "…"``,
    ``name: "…"``, ``name("…")``."""
    pattern = re.compile(
        r"(?<![\w$.])" + re.escape(name) +
        r"(?![\w$])[ \t]*(?::[ \t]*[\w.<>?\[\] \t]+?[ \t]*=|[ \t]+[\w.]+[ \t]*=|:=|=|:|\()[ \t]*")
    places = []
    for m in pattern.finditer(text):
        scanned = scan_literal(text, m.end(), rename.language)
        if scanned is None:
            continue
        end, form = scanned
        literal = text[m.end():end]
        if decode(literal[len(form.prefix):len(literal) - len(form.close)], form) == rename.old:
            places.append((m.end(), literal))
    return places


def _content_edit(path: str, index: LineIndex, literal: str, start: int, rename: Rename) -> Edit | None:
    """The edit of a literal's content (between its quotes) to ``rename.new``."""
    scanned = scan_literal(literal, 0, rename.language)
    if scanned is None or scanned[0] != len(literal):  # not one literal: "sign" "up"
        return None
    form = scanned[1]
    content = literal[len(form.prefix):len(literal) - len(form.close)]
    if decode(content, form) != rename.old:
        return None
    new = encode(rename.new, form)
    if new is None:
        return None
    begin = start + len(form.prefix.encode("utf-8"))
    return _edit(path, index, begin, begin + len(content.encode("utf-8")), new)


def _edit(path: str, index: LineIndex, start: int, end: int, replacement: str) -> Edit:
    s = index.span(start, end)
    return Edit(path, start, end, replacement, s.line, s.column, s.end_line, s.end_column,
                s.column_utf16, s.end_column_utf16)


# --------------------------------------------------------------------------------------------
# Choosing and applying


def plan_edits(diagnostics: Iterable[Diagnostic], *, unsafe: bool) -> tuple[dict[str, list[Edit]], int]:
    """The edits to make, per file, and how many findings they fix: fixes of active findings
    (safe ones, or every one with ``unsafe``), identical edits merged, a fix whose edits
    overlap an edit already taken skipped (the next run offers it again)."""
    taken: dict[str, list[Edit]] = {}
    fixed = 0
    for d in diagnostics:
        fix = d.fix
        if fix is None or d.suppressed is not None or not (fix.safe or unsafe):
            continue
        if all(e in taken.get(e.path, ()) for e in fix.edits):
            fixed += 1
            continue
        if any(_overlaps(e, other) for e in fix.edits for other in taken.get(e.path, ()) if e != other):
            continue
        for e in fix.edits:
            if e not in taken.setdefault(e.path, []):
                taken[e.path].append(e)
        fixed += 1
    return {path: sorted(edits) for path, edits in taken.items()}, fixed


def _overlaps(a: Edit, b: Edit) -> bool:
    return a.start_byte < b.end_byte and b.start_byte < a.end_byte


def edited(data: bytes, edits: list[Edit]) -> bytes:
    """``data`` with ``edits`` (sorted, not overlapping) made."""
    out, last = [], 0
    for e in edits:
        out += [data[last:e.start_byte], e.replacement.encode("utf-8")]
        last = e.end_byte
    out.append(data[last:])
    return b"".join(out)


_BOM = b"\xef\xbb\xbf"


def new_contents(root: Path, edits: dict[str, list[Edit]]) -> dict[str, tuple[bytes, bytes]]:
    """(old bytes, new bytes) of every file the edits change. Offsets are those of the text the
    extractor read: after a UTF-8 byte order mark; a UTF-16 file is left alone."""
    out: dict[str, tuple[bytes, bytes]] = {}
    for path, file_edits in edits.items():
        try:
            raw = (root / path).read_bytes()
        except OSError:
            continue
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        bom = _BOM if raw.startswith(_BOM) else b""
        new = bom + edited(raw[len(bom):], file_edits)
        if new != raw:
            out[path] = (raw, new)
    return out


def apply(root: Path, contents: dict[str, tuple[bytes, bytes]]) -> None:
    """Write each changed file once, atomically (its mode kept)."""
    from tracklint.fsutil import write_atomic_bytes

    for path, (_old, new) in sorted(contents.items()):
        write_atomic_bytes(root / path, new, what=f"the fixed file {path}")


def unified_diff(contents: dict[str, tuple[bytes, bytes]]) -> str:
    """A unified diff (``a/``, ``b/`` paths, as git shows) of the changes."""
    chunks = []
    for path, (old, new) in sorted(contents.items()):
        a = old.decode("utf-8", "replace").splitlines(keepends=True)
        b = new.decode("utf-8", "replace").splitlines(keepends=True)
        lines = list(difflib.unified_diff(a, b, f"a/{path}", f"b/{path}"))
        chunks.append("".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                              for line in lines))
    return "".join(chunks)
