"""Inline suppressions (``tracklint: ignore[CODE]``) and the baseline file.

Two ways to silence a finding without fixing it, both applied after the rules ran and before
the reporters see the result:

* **Directives** are comments in the source, behind the language's own comment marker::

      analytics.track("legacy_event")  # tracklint: ignore[TL001]

      // tracklint: ignore[TL001, TL005]
      analytics.track("legacy_event", props)

      # tracklint: ignore-file[TL010]

  A trailing comment covers findings that start (or end) on its line; a comment alone on its
  line covers the next line; ``ignore-file`` covers the whole file. Codes are required. A code
  that suppresses nothing is reported as ``TL013 unused-suppression`` (so stale directives do
  not pile up), and so is a code no rule has.

* **The baseline** is a committed file of finding fingerprints (one per line, sorted) written by
  ``--write-baseline``; ``--baseline`` then marks the findings it lists as suppressed
  (``"external"``), so a team can adopt tracklint on a codebase that already has violations and
  fail only new ones. Fingerprints never include the line number
  (:attr:`tracklint.diagnostics.Diagnostic.fingerprint`), so moving code keeps it baselined.

Suppressed findings stay in the result with ``Diagnostic.suppressed`` set; reporters hide
them unless asked (SARIF lists them with ``suppressions``).
"""

from __future__ import annotations

import collections
import os
import re
from collections.abc import Collection, Iterable
from pathlib import Path

from tracklint.diagnostics import Diagnostic, Location, Severity, assign_occurrences
from tracklint.errors import TracklintError
from tracklint.extract.base import Directive
from tracklint.fsutil import write_atomic

#: The rule code and name of the findings this module creates itself.
UNUSED_CODE = "TL013"
UNUSED_NAME = "unused-suppression"

#: First line of a baseline file. The version lets a future format be told apart.
BASELINE_HEADER = "# tracklint baseline v1"
_BASELINE_VERSION = re.compile(r"^#\s*tracklint baseline v(\d+)\b")
_FINGERPRINT = re.compile(r"^[0-9a-f]{32}$")

IN_SOURCE = "inSource"
EXTERNAL = "external"


# --------------------------------------------------------------------------- directives


def _covers(directive: Directive, diag: Diagnostic) -> bool:
    """Whether ``directive`` is placed so that it applies to ``diag`` (ignoring its codes)."""
    if directive.file_level:
        return True
    loc = diag.location
    if directive.own_line:
        # A comment alone on its line applies to the line below it.
        return directive.line + 1 == loc.line
    # A trailing comment applies to its own line: where the finding starts, or where a
    # multi-line call ends (the natural place for a comment after `})`).
    return directive.line in (loc.line, loc.end_line)


def _known_codes(enabled_codes: Collection[str]) -> set[str]:
    """Every rule code that exists, enabled or not (the registry, when it can be imported)."""
    known = set(enabled_codes) | {UNUSED_CODE}
    try:
        from tracklint.rules import RULES
    except ImportError:  # the registry is not importable (a partial checkout): trust enabled_codes
        return known
    return known | set(RULES)


def apply_directives(
    diagnostics: list[Diagnostic],
    directives: dict[str, list[Directive]],
    *,
    enabled_codes: set[str],
    known_codes: Collection[str] | None = None,
    severity: Severity = Severity.WARNING,
) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """Mark findings covered by an inline directive as suppressed (``"inSource"``).

    ``directives`` maps a path (as in ``Diagnostic.location.path``) to the directives found in
    that file. ``enabled_codes`` are the rules that ran: a directive naming a rule that did not
    run (``--select``, a file-list run without project rules) is not reported as unused, because
    it might be needed by a full run. ``known_codes`` are all rule codes (default: the registry);
    a code outside it is reported as unknown.

    Returns ``(diagnostics, problems)``: every input finding, in order, with ``suppressed`` set
    where a directive covers it (findings already suppressed are left alone), and new
    ``TL013 unused-suppression`` findings (at ``severity``) for codes that suppressed nothing or
    do not exist. The caller adds ``problems`` to the result only when TL013 is enabled; they are
    returned with occurrence numbers already assigned.
    """
    known = set(known_codes) | {UNUSED_CODE} if known_codes is not None else _known_codes(enabled_codes)
    # (path, index of the directive, code) -> used?
    used: set[tuple[str, int, str]] = set()
    out: list[Diagnostic] = []
    for diag in diagnostics:
        path = diag.location.path
        file_directives = directives.get(path)
        if diag.suppressed is not None or not file_directives:
            out.append(diag)
            continue
        hit = False
        for index, directive in enumerate(file_directives):
            if diag.code in directive.codes and _covers(directive, diag):
                used.add((path, index, diag.code))
                hit = True
        out.append(diag.with_(suppressed=IN_SOURCE) if hit else diag)

    problems: list[Diagnostic] = []
    for path in sorted(directives):
        for index, directive in enumerate(directives[path]):
            seen: set[str] = set()
            for code in directive.codes:
                if code in seen:
                    continue
                seen.add(code)
                if code not in known:
                    problems.append(_problem(path, directive, code, severity, unknown=True))
                elif (
                    code in enabled_codes
                    # A directive on TL013 itself is about these very findings; never call it unused.
                    and code != UNUSED_CODE
                    and (path, index, code) not in used
                ):
                    problems.append(_problem(path, directive, code, severity, unknown=False))
    return out, assign_occurrences(problems)


def _problem(path: str, directive: Directive, code: str, severity: Severity, *, unknown: bool) -> Diagnostic:
    form = "ignore-file" if directive.file_level else "ignore"
    if unknown:
        message = f"Suppression `tracklint: {form}[{code}]` names an unknown rule code `{code}`."
        hint = "Check the code with `tracklint rule`, or remove it from the comment."
        key = f"unknown:{code}"
    else:
        where = "in this file" if directive.file_level else "on the line it covers"
        message = f"Unused suppression: `{code}` reports nothing {where}."
        hint = f"Remove `{code}` from the comment (or the whole comment if it lists nothing else)."
        key = f"unused:{code}"
    end_column = max(directive.end_column, directive.column)
    location = Location(path, directive.line, directive.column, directive.line, end_column)
    return Diagnostic(
        code=UNUSED_CODE,
        name=UNUSED_NAME,
        severity=severity,
        message=message,
        location=location,
        help=hint,
        key=key,
    )


# --------------------------------------------------------------------------- baseline


def baseline_fingerprints(diagnostics: Iterable[Diagnostic]) -> list[str]:
    """The sorted, unique fingerprints a baseline of ``diagnostics`` holds.

    Findings suppressed inline are left out (the comment already accepts them); findings the
    previous baseline suppressed are kept, so rewriting a baseline never loses entries that
    still match.
    """
    return sorted({d.fingerprint for d in diagnostics if d.suppressed != IN_SOURCE})


def write_baseline(path: str | os.PathLike[str], diagnostics: Iterable[Diagnostic]) -> int:
    """Write a baseline file for ``diagnostics`` atomically; return how many entries it has.

    The file is written with :func:`tracklint.fsutil.write_atomic`, so an interrupted run never
    leaves a half-written baseline that would un-suppress findings on the next run.
    """
    target = Path(path)
    prints = baseline_fingerprints(diagnostics)
    text = "".join(
        [
            f"{BASELINE_HEADER}: {len(prints)} accepted finding(s), one fingerprint per line.\n",
            "# Written by `tracklint check --write-baseline`; used with `--baseline`.\n",
            "# Fingerprints do not depend on line numbers. Regenerate instead of editing by hand.\n",
        ]
        + [f"{fp}\n" for fp in prints]
    )
    write_atomic(target, text, what="the baseline")
    return len(prints)


def load_baseline(path: str | os.PathLike[str]) -> collections.Counter[str]:
    """Read a baseline file: fingerprint -> how many findings it accepts.

    Blank lines and ``#`` comments are ignored. Anything else must be a fingerprint; a corrupt
    line, an unknown format version, a missing or unreadable file raise :class:`TracklintError`
    naming the file (and line).
    """
    name = os.fspath(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise TracklintError(
            "baseline file not found",
            path=name,
            hint="create it with `tracklint check --write-baseline FILE`",
        ) from None
    except OSError as exc:
        raise TracklintError(f"cannot read the baseline: {exc.strerror or exc}", path=name) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TracklintError("baseline is not UTF-8 text", path=name, line=line) from None
    counts: collections.Counter[str] = collections.Counter()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            version = _BASELINE_VERSION.match(line)
            if version and version.group(1) != "1":
                raise TracklintError(
                    f"unsupported baseline format v{version.group(1)} (this tracklint reads v1)",
                    path=name,
                    line=number,
                    hint="upgrade tracklint, or regenerate the baseline with --write-baseline",
                )
            continue
        if not _FINGERPRINT.match(line):
            shown = line if len(line) <= 40 else line[:39] + "…"
            raise TracklintError(
                f"not a baseline fingerprint: {shown!r} (expected 32 lowercase hex digits)",
                path=name,
                line=number,
                column=raw.index(line[0]) + 1,
                hint="the file may be corrupt or a merge conflict; regenerate it with --write-baseline",
            )
        counts[line] += 1
    return counts


def apply_baseline(diagnostics: list[Diagnostic], baseline: collections.Counter[str]) -> list[Diagnostic]:
    """Mark findings listed in ``baseline`` as suppressed (``"external"``).

    Each baseline entry accepts one finding: if the code now has two findings where the baseline
    had one, the second is reported. Findings already suppressed inline do not use up entries.
    """
    remaining = collections.Counter(baseline)
    out: list[Diagnostic] = []
    for diag in diagnostics:
        if diag.suppressed is None:
            fp = diag.fingerprint
            if remaining[fp] > 0:
                remaining[fp] -= 1
                diag = diag.with_(suppressed=EXTERNAL)
        out.append(diag)
    return out
