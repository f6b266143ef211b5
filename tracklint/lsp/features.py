"""The language server's answers, as LSP objects: diagnostics, hover, completion, definition,
references and code actions, computed from a document's check (:class:`~tracklint.lsp.project.Checked`)
and the plan.

Positions inside tracklint are 1-based lines and code-point columns; the client counts in the
encoding it negotiated (UTF-16 by default). :class:`Texts` converts, through pygls' codec,
with the text of each file (the editor's for open documents, the disk's for the rest).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from lsprotocol import types as lsp

from tracklint.diagnostics import Diagnostic, Severity, normalise_name
from tracklint.extract.base import Span, TrackCall, Value
from tracklint.lsp.project import Checked
from tracklint.rules import RULES, docs_url
from tracklint.plan.model import Event, Plan, PlanLocation, PropertySpec

#: Where each kind of call finds its planned names.
_KIND_TABLES = {"track": "events", "page": "pages", "screen": "screens"}

_SEVERITY = {
    Severity.ERROR: lsp.DiagnosticSeverity.Error,
    Severity.WARNING: lsp.DiagnosticSeverity.Warning,
    Severity.NOTE: lsp.DiagnosticSeverity.Information,
}

_PLAIN_YAML_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9 _./-]*")
_YAML_WORDS = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"}


def split_lines(text: str) -> list[str]:
    """A text's lines with their endings, split where tracklint counts lines (``\\n`` only)."""
    rows = [row + "\n" for row in text.split("\n")]
    rows[-1] = rows[-1][:-1]
    return rows


@dataclass
class Texts:
    """Line lookups in client units: ``lines(path)`` gives a file's lines (None if unreadable),
    ``codec`` is pygls' position codec for the negotiated encoding."""

    lines: Callable[[str], list[str] | None]
    codec: Any

    def position(self, path: str, line: int, column: int) -> lsp.Position:
        """The client position of a 1-based line and code-point column."""
        from pygls.workspace.position_codec import ServerTextPosition

        rows = self.lines(path) or []
        if line - 1 >= len(rows):
            return lsp.Position(line=max(0, line - 1), character=max(0, column - 1))
        return self.codec.position_to_client_units(rows, ServerTextPosition(line - 1, max(0, column - 1)))

    def range(self, path: str, line: int, column: int, end_line: int, end_column: int) -> lsp.Range:
        return lsp.Range(start=self.position(path, line, column), end=self.position(path, end_line, end_column))

    def cursor(self, path: str, position: lsp.Position) -> tuple[int, int]:
        """A client position as (1-based line, 1-based code-point column)."""
        rows = self.lines(path) or []
        if position.line >= len(rows):
            return position.line + 1, position.character + 1
        server = self.codec.position_from_client_units(rows, position)
        return server.line + 1, server.character + 1


def file_uri(path: str) -> str:
    from pygls.uris import from_fs_path

    return from_fs_path(path) or "file://" + path


# ---------------------------------------------------------------------------------------------
# diagnostics


def diagnostics(checked: Checked, texts: Texts) -> list[lsp.Diagnostic]:
    """The document's findings (or one note saying why it could not be checked)."""
    if checked.problem:
        return [lsp.Diagnostic(range=lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=0, character=1)),
                               message=f"tracklint: {checked.problem}", severity=lsp.DiagnosticSeverity.Warning,
                               source="tracklint")]
    return [_diagnostic(d, checked.path, texts) for d in checked.diagnostics]


def _diagnostic(d: Diagnostic, path: str, texts: Texts) -> lsp.Diagnostic:
    loc = d.location
    message = d.message + (f"\n{d.help}" if d.help else "")
    return lsp.Diagnostic(
        range=texts.range(path, loc.line, loc.column, loc.end_line, loc.end_column),
        message=message,
        severity=_SEVERITY.get(d.severity, lsp.DiagnosticSeverity.Warning),
        code=d.code,
        code_description=lsp.CodeDescription(href=docs_url(d.code)) if d.code in RULES else None,
        source="tracklint",
        data={"fingerprint": d.fingerprint, "event": d.event},
    )


# ---------------------------------------------------------------------------------------------
# what is under the cursor


@dataclass
class Target:
    """What the cursor is on: a call's event name, or one of its property keys."""

    call: TrackCall
    key: str | None = None  # the property key, when on one
    in_properties: bool = False  # inside the properties object (completion of keys)


def _inside(span: Span | None, line: int, column: int) -> bool:
    if span is None:
        return False
    return (span.line, span.column) <= (line, column) <= (span.end_line, span.end_column)


def target_at(checked: Checked, line: int, column: int) -> Target | None:
    """The call part at a 1-based line and code-point column of the document."""
    for call in checked.result.calls if checked.result else ():
        if _inside(call.event_span, line, column):
            return Target(call)
        props = call.properties
        if props is None or props.properties is None:
            continue
        for key, value in props.properties.items():
            if _inside(value.key_span, line, column):
                return Target(call, key=key, in_properties=True)
            if _inside(value.span, line, column):
                return None  # on a value: neither a name nor a key
        if _inside(props.span, line, column):
            return Target(call, in_properties=True)
    return None


def planned_event(plan: Plan, call: TrackCall) -> Event | None:
    """The plan entry a call's event names: exactly, as a previous name, or up to case and
    separators (the spellings TL001 tells apart)."""
    name = call.event
    if name is None:
        return None
    table: dict[str, Event] = getattr(plan, _KIND_TABLES.get(call.kind, "events"))
    if name in table:
        return table[name]
    for event in table.values():
        if name in event.previous_names:
            return event
    wanted = normalise_name(name)
    matches = [e for e in table.values() if normalise_name(e.name) == wanted]
    return matches[0] if len(matches) == 1 else None


def _property_spec(plan: Plan, event: Event | None, key: str) -> PropertySpec | None:
    if event is not None and key in event.properties:
        return event.properties[key]
    return plan.common_properties.get(key)


# ---------------------------------------------------------------------------------------------
# hover


def hover(checked: Checked, line: int, column: int) -> str | None:
    """Markdown for the event name or property key under the cursor."""
    target = target_at(checked, line, column)
    if target is None or checked.plan is None:
        return None
    event = planned_event(checked.plan, target.call)
    if target.key is not None:
        spec = _property_spec(checked.plan, event, target.key)
        if spec is None:
            return f"`{target.key}`: not a planned property of `{target.call.event}`"
        return _property_markdown(spec)
    if target.in_properties:
        return None
    if event is None:
        return f"`{target.call.event}` is not in the tracking plan" if target.call.event else None
    return _event_markdown(event, target.call.event)


def _event_markdown(event: Event, written: str | None) -> str:
    kind = {"track": "event", "page": "page", "screen": "screen"}.get(event.kind, event.kind)
    out = [f"**{event.name}** ({kind} in the tracking plan)"]
    if written and written != event.name:
        out.append(f"\nwritten here as `{written}`; the plan spells it `{event.name}`")
    if event.description:
        out.append("\n" + event.description)
    facts = []
    if event.owner:
        facts.append(f"owner: {event.owner}")
    if event.sources is not None:
        facts.append("sources: " + (", ".join(event.sources) or "none"))
    if event.previous_names:
        facts.append("previously: " + ", ".join(f"`{n}`" for n in event.previous_names))
    if event.deprecated:
        facts.append("**deprecated**" + (f": {event.deprecated}" if isinstance(event.deprecated, str) else ""))
    if facts:
        out.append("\n" + " · ".join(facts))
    if event.properties:
        out.append("\n| property | type | required | description |\n| --- | --- | --- | --- |")
        for name, spec in event.properties.items():
            out.append(f"| `{name}` | {_type_text(spec)} | {'yes' if spec.required else ''} | {_cell(spec.description)} |")
    return "\n".join(out)


def _property_markdown(spec: PropertySpec) -> str:
    out = [f"**{spec.name}**: {_type_text(spec)}" + (" (required)" if spec.required else " (optional)")]
    if spec.description:
        out.append("\n" + spec.description)
    facts = []
    if spec.enum is not None:
        facts.append("one of " + ", ".join(f"`{json.dumps(v)}`" for v in spec.enum))
    if spec.pattern:
        facts.append(f"pattern `{spec.pattern}`")
    if spec.format:
        facts.append(f"format `{spec.format}`")
    for label, value in (("minimum", spec.minimum), ("maximum", spec.maximum)):
        if value is not None:
            facts.append(f"{label} {value:g}")
    if spec.pii:
        facts.append("PII")
    if spec.deprecated:
        facts.append("deprecated")
    if facts:
        out.append("\n" + " · ".join(facts))
    return "\n".join(out)


def _type_text(spec: PropertySpec) -> str:
    return " \\| ".join(spec.type) if spec.type else "any"


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


# ---------------------------------------------------------------------------------------------
# completion


def completion(checked: Checked, line: int, column: int, texts: Texts) -> list[lsp.CompletionItem]:
    """Planned event names inside a call's event argument; the event's planned property keys
    (not yet given) inside its properties object."""
    target = target_at(checked, line, column)
    if target is None or checked.plan is None:
        return []
    if not target.in_properties:
        table: dict[str, Event] = getattr(checked.plan, _KIND_TABLES.get(target.call.kind, "events"))
        edit_range = _content_range(checked, target.call.event_span, texts)
        return [lsp.CompletionItem(label=name, kind=lsp.CompletionItemKind.Value,
                                   detail=(event.description or "")[:80] or None,
                                   text_edit=lsp.TextEdit(range=edit_range, new_text=name) if edit_range else None)
                for name, event in sorted(table.items()) if not event.is_deprecated]
    event = planned_event(checked.plan, target.call)
    given = set(target.call.properties.properties or {}) if target.call.properties else set()
    specs = {**checked.plan.common_properties, **(event.properties if event else {})}
    items = []
    for key, spec in sorted(specs.items()):
        if key in given and key != target.key:
            continue
        on_key = target.key is not None
        items.append(lsp.CompletionItem(
            label=key, kind=lsp.CompletionItemKind.Property,
            detail=_type_text(spec) + (" (required)" if spec.required else ""),
            insert_text=key if on_key else _key_text(key, target.call.language),
            sort_text=("0" if spec.required else "1") + key,
        ))
    return items


def _content_range(checked: Checked, span: Span | None, texts: Texts) -> lsp.Range | None:
    """The range of a one-line string literal's content (inside its quotes)."""
    if span is None or span.line != span.end_line:
        return None
    rows = texts.lines(checked.path) or []
    text = rows[span.line - 1] if span.line - 1 < len(rows) else ""
    literal = text[span.column - 1:span.end_column - 1]
    if len(literal) < 2 or literal[0] not in "\"'`" or literal[-1] != literal[0]:
        return None
    return texts.range(checked.path, span.line, span.column + 1, span.line, span.end_column - 1)


def _key_text(key: str, language: str) -> str:
    """A property key as the language writes it in an object literal."""
    if language in ("javascript", "typescript", "tsx") and re.fullmatch(r"[A-Za-z_$][A-Za-z0-9_$]*", key):
        return key
    if language == "ruby" and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
        return key + ":"  # a symbol key, as Ruby hashes of properties are usually written
    return json.dumps(key, ensure_ascii=False)


# ---------------------------------------------------------------------------------------------
# definition and references


def definition(checked: Checked, line: int, column: int, texts: Texts) -> list[lsp.Location]:
    """The plan line of the event name (or property key) under the cursor."""
    target = target_at(checked, line, column)
    if target is None or checked.plan is None:
        return []
    event = planned_event(checked.plan, target.call)
    where: PlanLocation | None = None
    if target.key is not None:
        spec = _property_spec(checked.plan, event, target.key)
        where = spec.location if spec is not None else None
    elif not target.in_properties and event is not None:
        where = event.location
    return [plan_location(where, texts)] if where is not None else []


def plan_location(where: PlanLocation, texts: Texts) -> lsp.Location:
    path = os.path.abspath(where.path)
    return lsp.Location(uri=file_uri(path), range=texts.range(path, where.line, where.column, where.end_line or where.line,
                                                                 where.end_column or where.column + 1))


def plan_event_at(plan: Plan, path: str, line: int) -> Event | None:
    """The plan entry whose name is on ``line`` of the plan file ``path``."""
    real = os.path.realpath(path)
    for event in plan.all_events():
        loc = event.location
        if loc is not None and loc.line == line and os.path.realpath(loc.path) == real:
            return event
    return None


def references(names: Iterable[str], calls: Iterable[TrackCall], root: str, texts: Texts) -> list[lsp.Location]:
    """Every call site whose event is one of ``names`` (up to case and separators, as
    ``scan --event``)."""
    wanted = {normalise_name(name) for name in names}
    out = []
    for call in sorted(calls, key=lambda c: (c.path, c.span.start_byte)):
        if call.event is None or normalise_name(call.event) not in wanted:
            continue
        path = os.path.join(root, call.path)
        span = call.event_span or call.span
        out.append(lsp.Location(uri=file_uri(path), range=texts.range(path, span.line, span.column, span.end_line, span.end_column)))
    return out


# ---------------------------------------------------------------------------------------------
# code actions


def fix_actions(checked: Checked, wanted: list[lsp.Diagnostic], root: str, texts: Texts) -> list[lsp.CodeAction]:
    """A quick fix for each finding in ``wanted`` that carries a fix (``Diagnostic.fix``)."""
    by_print = {d.fingerprint: d for d in checked.diagnostics}
    actions = []
    for shown in wanted:
        data = shown.data if isinstance(shown.data, dict) else {}
        finding = by_print.get(data.get("fingerprint", ""))
        fix = finding.fix if finding is not None else None
        if fix is None:
            continue
        changes: dict[str, list[lsp.TextEdit]] = {}
        for edit in fix.edits:
            path = os.path.join(root, edit.path)
            changes.setdefault(file_uri(path), []).append(lsp.TextEdit(
                range=texts.range(path, edit.line, edit.column, edit.end_line, edit.end_column), new_text=edit.replacement))
        actions.append(lsp.CodeAction(title=fix.description + ("" if fix.safe else " (unsafe)"), kind=lsp.CodeActionKind.QuickFix,
                                      diagnostics=[shown], is_preferred=fix.safe, edit=lsp.WorkspaceEdit(changes=changes)))
    return actions


def add_event_actions(checked: Checked, wanted: list[lsp.Diagnostic], texts: Texts) -> list[lsp.CodeAction]:
    """"Add `X` to the tracking plan" for each unplanned event among ``wanted`` (TL001 on a
    name the plan does not know under any spelling)."""
    plan = checked.plan
    if plan is None or plan.path is None or checked.result is None:
        return []
    actions = []
    done: set[str] = set()
    for shown in wanted:
        data = shown.data if isinstance(shown.data, dict) else {}
        if shown.code != "TL001" or not data.get("event") or data["event"] in done:
            continue
        call = next((c for c in checked.result.calls if c.event == data["event"] and c.event_kind != "dynamic"), None)
        if call is None or planned_event(plan, call) is not None:
            continue
        edit = _plan_insertion(plan, call, texts)
        if edit is None:
            continue
        done.add(call.event)
        table = _KIND_TABLES.get(call.kind, "events")
        actions.append(lsp.CodeAction(
            title=f"Add `{call.event}` to the tracking plan ({table})", kind=lsp.CodeActionKind.QuickFix, diagnostics=[shown],
            edit=lsp.WorkspaceEdit(changes={file_uri(os.path.abspath(plan.path)): [edit]})))
    return actions


def _plan_insertion(plan: Plan, call: TrackCall, texts: Texts) -> lsp.TextEdit | None:
    """The edit that adds ``call``'s event to the plan file, with the keys (and literal types)
    of its properties: before the first entry of its table (keeping that entry's indentation),
    or as a new table at the end of the file."""
    path = os.path.abspath(plan.path or "")
    rows = texts.lines(path)
    if rows is None:
        return None
    table = _KIND_TABLES.get(call.kind, "events")
    entries = [e for e in getattr(plan, table).values() if e.location and os.path.realpath(e.location.path) == os.path.realpath(path)]
    if entries:
        first = min(entries, key=lambda e: e.location.line)
        row = rows[first.location.line - 1] if first.location.line - 1 < len(rows) else ""
        indent = first.location.column - 1
        if row[:indent].strip():  # a flow mapping ({A: ...}): not a place for a block entry
            return None
        at = lsp.Position(line=first.location.line - 1, character=0)
        return lsp.TextEdit(range=lsp.Range(start=at, end=at), new_text=_entry_text(call, indent))
    if any(re.match(rf"{table}\s*:", r) for r in rows):
        return None  # present but empty or in flow style
    end = texts.position(path, len(rows), len(rows[-1]) + 1)
    prefix = "\n" if rows[-1] else ""  # the last line has no line break yet
    return lsp.TextEdit(range=lsp.Range(start=end, end=end), new_text=f"{prefix}{table}:\n" + _entry_text(call, 2))


def _entry_text(call: TrackCall, indent: int) -> str:
    pad, step = " " * indent, "  "
    lines = [f"{pad}{_yaml_key(call.event or '')}:"]
    props = call.properties.properties if call.properties and call.properties.properties else {}
    if props:
        lines.append(f"{pad}{step}properties:")
        for key, value in props.items():
            lines.append(f"{pad}{step}{step}{_yaml_key(key)}: {_yaml_type(value)}")
    else:
        lines[0] += " {}"
    return "\n".join(lines) + "\n"


def _yaml_key(name: str) -> str:
    plain = _PLAIN_YAML_KEY.fullmatch(name) and not name.endswith(" ") and name.lower() not in _YAML_WORDS
    return name if plain else json.dumps(name, ensure_ascii=False)


def _yaml_type(value: Value) -> str:
    known = {"string", "integer", "number", "boolean", "object", "array"}
    if value.type in known:
        return f"{{type: {value.type}}}"
    if value.properties is not None:
        return "{type: object}"
    if value.items is not None:
        return "{type: array}"
    return "{}"
