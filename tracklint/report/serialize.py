"""Plain-data forms of call sites and findings, shared by the JSON outputs (documented in
``docs/json-output.md``; ``schema_version`` changes only when a field changes meaning)."""

from __future__ import annotations

import json
import re
from typing import Any

from tracklint.diagnostics import Diagnostic, Fix
from tracklint.extract.base import Notice, TrackCall, Value

SCHEMA_VERSION = 1
MAX_DEPTH = 32

#: Characters JSON may carry raw that are escaped anyway: DEL and the C1 controls (CSI drives a
#: terminal that shows the file), bidirectional controls and line separators (they reorder or
#: break what a reader sees), and lone surrogates (UTF-8 cannot encode them).
_ESCAPED = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def dumps(doc: Any, *, sort_keys: bool = False) -> str:
    """``doc`` as indented JSON text that UTF-8 can always encode, ending with a newline.

    Text is kept exact: other non-ASCII characters as themselves, and the characters of
    ``_ESCAPED`` as their ``\\uXXXX`` escapes, which every JSON reader turns back into the
    same string (a lone surrogate from a JavaScript ``"\\ud800"`` included).
    """
    text = json.dumps(doc, indent=2, sort_keys=sort_keys, ensure_ascii=False)
    if _ESCAPED.search(text) is not None:
        # json.dumps leaves them raw inside string literals (never elsewhere): escape in place.
        text = _ESCAPED.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text + "\n"


def value_shape(value: Value | None, depth: int = 0) -> dict[str, Any] | None:
    """The statically known shape of a value: type, literal value, nested keys/items."""
    if value is None:
        return None
    out: dict[str, Any] = {"type": value.type}
    if value.known:
        out["value"] = value.value
    elif value.type == "unknown" and value.text:
        out["expression"] = value.brief()
    if value.properties is not None and depth < MAX_DEPTH:
        out["properties"] = {k: value_shape(v, depth + 1) for k, v in value.properties.items()}
        out["open"] = value.open
    if value.items is not None and depth < MAX_DEPTH:
        out["items"] = [value_shape(v, depth + 1) for v in value.items]
        out["open"] = value.open
    return out


def call_dict(call: TrackCall) -> dict[str, Any]:
    """One call site as plain data (``tracklint scan --output-format json``)."""
    s = call.span
    return {
        "path": call.path,
        "line": s.line,
        "column": s.column,
        "end_line": s.end_line,
        "end_column": s.end_column,
        "language": call.language,
        "sdk": call.sdk,
        "receiver": call.receiver,
        "method": call.method,
        "kind": call.kind,
        "event": call.event,
        "event_kind": call.event_kind,
        "event_expression": call.event_text or None,
        "properties_kind": call.properties_kind,
        "properties": value_shape(call.properties),
        "source": call.source,
    }


def diagnostic_dict(d: Diagnostic) -> dict[str, Any]:
    loc = d.location
    return {
        "code": d.code,
        "name": d.name,
        "severity": d.severity.value,
        "message": d.message,
        "help": d.help,
        "path": loc.path,
        "line": loc.line,
        "column": loc.column,
        "end_line": loc.end_line,
        "end_column": loc.end_column,
        "event": d.event,
        "fingerprint": d.fingerprint,
        "suppressed": d.suppressed,
        "fix": fix_dict(d.fix),
    }


def fix_dict(fix: Fix | None) -> dict[str, Any] | None:
    """A finding's fix: whether ``check --fix`` applies it (``safe``) or only with
    ``--unsafe-fixes``, what it does, and its edits (byte offsets into the file as UTF-8 without
    a byte order mark; 1-based lines and code-point columns, end exclusive)."""
    if fix is None:
        return None
    return {
        "applicability": "safe" if fix.safe else "unsafe",
        "description": fix.description,
        "edits": [
            {"path": e.path, "start_byte": e.start_byte, "end_byte": e.end_byte, "line": e.line,
             "column": e.column, "end_line": e.end_line, "end_column": e.end_column,
             "replacement": e.replacement}
            for e in fix.edits
        ],
    }


def notice_dict(n: Notice) -> dict[str, Any]:
    return {"path": n.path, "kind": n.kind, "message": n.message, "line": n.line, "column": n.column}
