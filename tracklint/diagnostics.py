"""The diagnostic model shared by rules, suppressions, baselines and reporters."""

from __future__ import annotations

import enum
import functools
import hashlib
import unicodedata
from dataclasses import dataclass, replace


class Severity(str, enum.Enum):
    """How serious a finding is. The config sets it per rule."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "note": 1}[self.value]

    @classmethod
    def parse(cls, text: str) -> "Severity":
        try:
            return cls(text.lower())
        except ValueError:
            raise ValueError(f"unknown severity {text!r}: expected error, warning or note") from None


def _default_utf16_columns(span: "Location | Edit") -> None:
    """UTF-16 columns not given are the code-point columns (every character in the BMP)."""
    if not span.column_utf16:
        object.__setattr__(span, "column_utf16", span.column)
    if not span.end_column_utf16:
        object.__setattr__(span, "end_column_utf16", span.end_column)


@dataclass(frozen=True, order=True)
class Location:
    """A span in a file. Lines and columns are 1-based; columns count code points; the end
    column is exclusive. ``*_utf16`` give the same columns in UTF-16 code units (SARIF, LSP)."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    column_utf16: int = 0
    end_column_utf16: int = 0

    def __post_init__(self) -> None:
        _default_utf16_columns(self)


@dataclass(frozen=True, order=True)
class Edit:
    """Replace the bytes ``[start_byte, end_byte)`` of the file at ``path`` with ``replacement``.

    ``line``/``column`` .. ``end_line``/``end_column`` give the same span as a :class:`Location`
    does (1-based, code points, end exclusive); ``*_utf16`` the columns in UTF-16 code units
    (SARIF, LSP). Offsets are into the file's bytes as read (UTF-8), so an edit applies only to
    the text it was computed from."""

    path: str
    start_byte: int
    end_byte: int
    replacement: str
    line: int
    column: int
    end_line: int
    end_column: int
    column_utf16: int = 0
    end_column_utf16: int = 0

    def __post_init__(self) -> None:
        _default_utf16_columns(self)


@dataclass(frozen=True)
class Fix:
    """What would resolve a finding: every edit applies together or not at all. ``safe`` fixes
    are applied by ``check --fix``; the others need ``--unsafe-fixes`` too. ``description``
    says what the fix does, e.g. ``Rename "signup" to "user_signed_up"``."""

    edits: tuple[Edit, ...]
    safe: bool
    description: str


@functools.lru_cache(maxsize=4096)
def normalise_name(name: str) -> str:
    """Fold case, separators and spacing: ``"Purchase Completed"``, ``"purchase_completed"``,
    ``"purchaseCompleted"`` and ``"purchase-completed"`` all become ``"purchasecompleted"``."""
    text = unicodedata.normalize("NFKC", name).casefold()
    return "".join(ch for ch in text if ch.isalnum())


@dataclass(frozen=True)
class Diagnostic:
    """One finding. ``fingerprint_key`` is what identifies it across edits (never the line)."""

    code: str
    name: str
    severity: Severity
    message: str
    location: Location
    help: str | None = None
    event: str | None = None
    # Extra, stable identity (e.g. the property name) so two findings of one rule on one event
    # in one file get different fingerprints without using the line number.
    key: str = ""
    occurrence: int = 0
    suppressed: str | None = None  # None, "inSource" or "external" (baseline)
    fix: Fix | None = None

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.code, self.location.path, self.event or "", self.key, self.occurrence)

    def sort_key(self) -> tuple:
        loc = self.location
        return (loc.path, loc.line, loc.column, self.code, self.key)

    def with_(self, **changes) -> "Diagnostic":
        return replace(self, **changes)


def fingerprint(code: str, path: str, event: str, key: str, occurrence: int) -> str:
    """A line-independent identity: inserting lines above a finding does not change it."""
    raw = "\x1f".join((code, path, normalise_name(event) if event else "", key, str(occurrence)))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def assign_occurrences(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Number findings that share (code, path, event, key) in source order, so that each gets a
    distinct fingerprint that does not depend on its line."""
    seen: dict[tuple, int] = {}
    out = []
    for diag in sorted(diagnostics, key=Diagnostic.sort_key):
        ident = (diag.code, diag.location.path, normalise_name(diag.event or ""), diag.key)
        n = seen.get(ident, 0)
        seen[ident] = n + 1
        out.append(diag if diag.occurrence == n else diag.with_(occurrence=n))
    return out
