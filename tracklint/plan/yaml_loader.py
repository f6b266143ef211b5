"""Safe, positioned YAML reading for plan files.

PyYAML's constructors forget where a value came from and silently keep the last of two equal
mapping keys. Plan errors must name the file, line and column, so this module composes the YAML
node graph with a :class:`yaml.SafeLoader` subclass (no object construction at all: only the
core schema's null/bool/int/float/str, sequences and mappings are accepted) and converts it to
plain JSON-like data itself, recording the position of every value and every mapping key by its
path (``("events", "Order Completed", "properties")``).

The conversion is guarded:

* duplicate keys are reported (with both positions) instead of overwritten;
* aliases are expanded, but the expanded size is measured first on the node graph (memoised, so
  a "billion laughs" document is rejected in microseconds) and recursive aliases are rejected;
* nesting depth and input size are capped;
* text that is not UTF-8 is reported with the line of the first bad byte.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

LOG = logging.getLogger(__name__)

#: Largest plan file read, in bytes. Real plans are well under 1 MB.
MAX_BYTES = 10 * 1024 * 1024
#: Largest number of nodes a document may have once its aliases are expanded.
MAX_NODES = 1_000_000
#: Deepest nesting of mappings/sequences accepted.
MAX_DEPTH = 64

_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_CORE}{name}" for name in ("str", "int", "float", "bool", "null", "timestamp", "value")}
_SEQ_TAG = f"{_CORE}seq"
_MAP_TAG = f"{_CORE}map"
_MERGE_TAG = f"{_CORE}merge"

Path_ = tuple  # a JSON path: keys (str) and indexes (int)


@dataclass(frozen=True)
class Pos:
    """A 1-based position span (columns count code points; the end column is exclusive)."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class Problem:
    """One positioned problem found while reading or validating a plan file."""

    message: str
    path: str
    line: int | None = None
    column: int | None = None
    hint: str | None = None

    def sort_key(self) -> tuple:
        return (self.path, self.line or 0, self.column or 0, self.message)

    def render(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


class YamlProblems(Exception):
    """Raised when a file cannot be turned into data at all (syntax, encoding, size, bombs)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.render() for p in problems))
        self.problems = problems


@dataclass
class YamlDocument:
    """A plan file's data plus the position of every value and mapping key, by JSON path."""

    path: str
    data: Any
    values: dict[Path_, Pos] = field(default_factory=dict)
    keys: dict[Path_, Pos] = field(default_factory=dict)
    #: The source text of every non-string scalar (``version: 2.10`` reads as the float 2.1).
    scalar_text: dict[Path_, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def value_pos(self, jpath: Path_) -> Pos | None:
        """Where the value at ``jpath`` (or its nearest recorded ancestor) is."""
        jpath = tuple(jpath)
        while True:
            pos = self.values.get(jpath)
            if pos is not None or not jpath:
                return pos
            jpath = jpath[:-1]

    def key_pos(self, jpath: Path_) -> Pos | None:
        """Where the mapping key naming ``jpath`` is (falls back to the value's position)."""
        jpath = tuple(jpath)
        return self.keys.get(jpath) or self.value_pos(jpath)

    def problem(self, message: str, jpath: Path_, *, key: bool = False, hint: str | None = None) -> Problem:
        pos = self.key_pos(jpath) if key else self.value_pos(jpath)
        if pos is None:
            return Problem(message, self.path, hint=hint)
        return Problem(message, self.path, pos.line, pos.column, hint)


class PlanYamlLoader(yaml.SafeLoader):
    """A safe loader used only to *compose* nodes; values are built by :func:`read_yaml`."""


# LibYAML's parser is about ten times faster than PyYAML's pure-Python one (a 200-event plan
# parses in ~0.1 s instead of ~1 s) and caps nesting at 1000 levels itself. Its marks also count
# code points. When it rejects a document, the pure-Python parser reads it again: users expect
# what ``yaml.safe_load`` accepts (LibYAML is stricter in corners such as ``{key:}``), and
# PyYAML's error messages are the clearer ones.
_C_BASE = getattr(yaml, "CSafeLoader", None)
PlanCYamlLoader = type("PlanCYamlLoader", (_C_BASE,), {"__doc__": "LibYAML composer."}) if _C_BASE else None


def _compose_fast(text: str) -> yaml.Node | None | bool:
    """Compose with LibYAML; ``False`` when unavailable or when it rejects the text."""
    if PlanCYamlLoader is None:
        return False
    loader = PlanCYamlLoader(text)
    try:
        return loader.get_single_node()
    except (yaml.YAMLError, RecursionError):
        return False
    finally:
        loader.dispose()


def _pos(node: yaml.Node) -> Pos:
    start, end = node.start_mark, node.end_mark
    return Pos(start.line + 1, start.column + 1, end.line + 1, end.column + 1)


def decode(data: bytes, path: str) -> str:
    """Decode plan bytes as UTF-8 (a BOM is dropped) or raise :class:`YamlProblems`."""
    if len(data) > MAX_BYTES:
        raise YamlProblems([_size_problem(len(data), path)])
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise YamlProblems([Problem("the plan is UTF-16 encoded; save it as UTF-8", path, 1, 1)])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        byte_column = exc.start - line_start + 1
        # Positions count code points; the bytes before the bad one are valid UTF-8.
        column = len(data[line_start : exc.start].decode("utf-8", "replace")) + 1
        return _raise_encoding(path, line, column, data[exc.start : exc.start + 1], byte_column)


def _raise_encoding(path: str, line: int, column: int, byte: bytes, byte_column: int | None = None) -> str:
    raise YamlProblems(
        [Problem(f"the plan is not valid UTF-8 (byte 0x{byte.hex()} at byte column {byte_column or column}); save it as UTF-8", path, line, column)]
    )


def _size_problem(size: int, path: str) -> Problem:
    return Problem(
        f"the plan file is too large ({size / 1024 / 1024:.1f} MB; the limit is {MAX_BYTES // (1024 * 1024)} MB)",
        path,
    )


def read_yaml(text: str, path: str) -> YamlDocument:
    """Parse ``text`` (one YAML document) into a :class:`YamlDocument`.

    Raises :class:`YamlProblems` when the text is not usable YAML at all; softer problems
    (duplicate keys, unsupported tags) are collected in ``document.problems``.
    """
    if len(text) > MAX_BYTES:
        raise YamlProblems([_size_problem(len(text.encode("utf-8", "surrogatepass")), path)])
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        line = text.count("\n", 0, exc.start) + 1
        column = exc.start - (text.rfind("\n", 0, exc.start) + 1) + 1
        raise YamlProblems([Problem("the plan contains an unpaired surrogate code point; save it as UTF-8", path, line, column)]) from None
    node = _compose_fast(text)
    if node is False:
        node = _compose_slow(text, path)
    document = YamlDocument(path=path, data=None)
    if node is None:
        return document
    _measure(node, path)
    document.data = _convert(node, document)
    return document


def _compose_slow(text: str, path: str) -> yaml.Node | None:
    loader = None
    try:
        # The reader checks for forbidden characters in its constructor, so build it in here.
        loader = PlanYamlLoader(text)
        return loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise YamlProblems([_marked_problem(exc, path, text)]) from None
    except yaml.YAMLError as exc:
        # ReaderError (control characters) has a position but no mark object.
        raise YamlProblems([_reader_problem(exc, path, text)]) from None
    except RecursionError:
        raise YamlProblems([Problem(f"the plan is nested too deeply (more than {MAX_DEPTH} levels)", path)]) from None
    finally:
        if loader is not None:
            loader.dispose()


def _marked_problem(exc: yaml.MarkedYAMLError, path: str, text: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    if mark is not None and 0 <= mark.index < len(text) and text[mark.index] == "\t":
        return Problem("invalid YAML: a tab cannot indent or start a value; YAML indents with spaces", path, mark.line + 1, mark.column + 1)
    message = f"invalid YAML: {exc.problem or exc.context or 'cannot parse'}"
    if exc.context and exc.problem:
        message += f" ({exc.context}"
        start = exc.context_mark
        if start is not None and (exc.problem_mark is None or start.index != exc.problem_mark.index):
            message += f" that started at line {start.line + 1}, column {start.column + 1}"
        message += ")"
    if mark is None:
        return Problem(message, path)
    return Problem(message, path, mark.line + 1, mark.column + 1)


def _tag(tag: str) -> str:
    return "!!" + tag[len(_CORE):] if tag.startswith(_CORE) else tag


def _reader_problem(exc: yaml.YAMLError, path: str, text: str) -> Problem:
    position = getattr(exc, "position", None)
    character = getattr(exc, "character", None)
    message = f"invalid YAML: {exc}"
    if isinstance(character, str):
        message = f"the plan contains a character YAML does not allow: U+{ord(character):04X}"
    elif isinstance(character, int):
        message = f"the plan contains a character YAML does not allow: U+{character:04X}"
    if not isinstance(position, int) or position < 0:
        return Problem(message, path)
    position = min(position, len(text))
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    return Problem(message, path, line, column)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _measure(root: yaml.Node, path: str) -> None:
    """Reject alias cycles, excessive depth and excessive alias expansion, before converting.

    The expanded size is computed on the node graph with memoisation, so it costs one visit
    per distinct node however many times aliases repeat it.
    """
    sizes: dict[int, int] = {}
    on_stack: set[int] = set()
    # Iterative post-order walk: (node, depth, children or None before they are pushed)
    stack: list[tuple[yaml.Node, int, list[yaml.Node] | None]] = [(root, 1, None)]
    while stack:
        node, depth, children = stack.pop()
        ident = id(node)
        if children is not None:
            on_stack.discard(ident)
            total = 1
            for child in children:
                total += sizes[id(child)]
            sizes[ident] = total
            if total > MAX_NODES:
                raise YamlProblems([_at(node, path, f"the plan expands to more than {MAX_NODES:,} values (are aliases nested to repeat data exponentially?)")])
            continue
        if ident in sizes:
            continue
        if ident in on_stack:
            raise YamlProblems([_at(node, path, "recursive YAML alias: a value contains itself")])
        if depth > MAX_DEPTH:
            raise YamlProblems([_at(node, path, f"the plan is nested too deeply (more than {MAX_DEPTH} levels)")])
        if isinstance(node, yaml.ScalarNode):
            sizes[ident] = 1
            continue
        kids = _children(node)
        on_stack.add(ident)
        stack.append((node, depth, kids))
        for child in kids:
            if id(child) not in sizes:
                stack.append((child, depth + 1, None))


def _at(node: yaml.Node, path: str, message: str) -> Problem:
    return Problem(message, path, node.start_mark.line + 1, node.start_mark.column + 1)


# An escape such as "\ud800" in a double-quoted scalar makes a lone surrogate: no UTF-8 output
# (a report, an export, a cache record) can hold it, so the plan is refused where it says so.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _shorten(text: str, limit: int = 60) -> str:
    """A scalar as quoted in a message, cut to ``limit`` characters (a 5000-digit number stays short)."""
    return repr(text) if len(text) <= limit else repr(text[:limit]) + f"... ({len(text)} characters)"


def _scalar(node: yaml.ScalarNode, document: YamlDocument, jpath: Path_) -> Any:
    tag = node.tag
    if _SURROGATE.search(node.value):
        document.problems.append(document.problem(
            "an unpaired surrogate code point (\\ud800-\\udfff) cannot be written as UTF-8", jpath,
            hint="use the character itself, or a \\U escape of a real code point"))
        return _SURROGATE.sub("\ufffd", node.value)
    if tag not in _SCALAR_TAGS:
        document.problems.append(document.problem(f"unsupported YAML tag {_tag(tag)}: plans hold plain data only", jpath))
        return node.value
    if tag in (f"{_CORE}str", f"{_CORE}timestamp", f"{_CORE}value"):
        # Timestamps stay text: a plan's dates and versions are strings, not datetime objects.
        return node.value
    document.scalar_text[jpath] = node.value
    try:
        return PlanYamlLoader.yaml_constructors[tag](_SCALAR_CONSTRUCTOR, node)
    except (ValueError, OverflowError, yaml.YAMLError):
        document.problems.append(document.problem(f"cannot read the {tag.rsplit(':', 1)[-1]} {_shorten(node.value)}", jpath))
        return node.value


# A constructor instance used only for its scalar converters (int/float/bool/null).
_SCALAR_CONSTRUCTOR = yaml.constructor.SafeConstructor()


def _key_text(node: yaml.Node) -> str | None:
    """Mapping keys are names: keep them as written (``yes``, ``404``, ``null`` stay text)."""
    if isinstance(node, yaml.ScalarNode):
        return node.value
    return None


def _convert(root: yaml.Node, document: YamlDocument) -> Any:
    """Build plain data from the node graph, recording positions (iterative, depth-capped)."""

    def build(node: yaml.Node, jpath: Path_) -> Any:
        document.values[jpath] = _pos(node)
        if isinstance(node, yaml.ScalarNode):
            return _scalar(node, document, jpath)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ_TAG:
                document.problems.append(document.problem(f"unsupported YAML tag {_tag(node.tag)}: plans hold plain data only", jpath))
            out_list: list[Any] = []
            for index, child in enumerate(node.value):
                out_list.append(build(child, (*jpath, index)))
            return out_list
        if node.tag != _MAP_TAG:
            document.problems.append(document.problem(f"unsupported YAML tag {_tag(node.tag)}: plans hold plain data only", jpath))
        out: dict[str, Any] = {}
        merges: list[yaml.Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merges.append(value_node)
                continue
            key = _key_text(key_node)
            if key is None:
                document.values.setdefault(jpath, _pos(node))
                pos = _pos(key_node)
                document.problems.append(
                    Problem("a mapping key must be a plain name, not a list or mapping", document.path, pos.line, pos.column)
                )
                continue
            if _SURROGATE.search(key):
                pos = _pos(key_node)
                document.problems.append(Problem(
                    "a key with an unpaired surrogate code point (\\ud800-\\udfff) cannot be written as UTF-8",
                    document.path, pos.line, pos.column))
                continue
            child_path = (*jpath, key)
            if key in out:
                first = document.keys[child_path]
                pos = _pos(key_node)
                document.problems.append(
                    Problem(
                        f"duplicate key {key!r} (first defined at line {first.line}, column {first.column}); YAML would silently keep only the last",
                        document.path,
                        pos.line,
                        pos.column,
                        "remove or rename one of them",
                    )
                )
                continue
            document.keys[child_path] = _pos(key_node)
            out[key] = build(value_node, child_path)
        for merge in merges:
            sources = merge.value if isinstance(merge, yaml.SequenceNode) else [merge]
            for source in sources:
                if not isinstance(source, yaml.MappingNode):
                    pos = _pos(source)
                    document.problems.append(Problem("a '<<' merge key needs a mapping (or a list of mappings)", document.path, pos.line, pos.column))
                    continue
                for key_node, value_node in source.value:
                    key = _key_text(key_node)
                    if key is None or key in out or key_node.tag == _MERGE_TAG:
                        continue
                    child_path = (*jpath, key)
                    document.keys[child_path] = _pos(key_node)
                    out[key] = build(value_node, child_path)
        return out

    # Depth is capped at MAX_DEPTH by _measure, so this recursion stays shallow.
    return build(root, ())
