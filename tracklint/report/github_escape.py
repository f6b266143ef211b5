"""GitHub Actions workflow commands, escaped, and the step summary: the one place every
reporter builds them.

Escaping follows actions/toolkit (packages/core/src/command.ts): a message escapes ``%``,
``\\r`` and ``\\n``; a property value also escapes ``:`` and ``,``; ``%`` always first. Before
that, :func:`command` shows control characters, bidirectional controls and lone surrogates as
visible escapes (:mod:`tracklint.report.visible`), so that text from the scanned code can neither
start a workflow command of its own on a new line nor drive the log viewer.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from tracklint.fsutil import write_text
from tracklint.report.visible import visible, visible_lines

#: GitHub rejects step summaries over 1 MiB; stay a little below it.
SUMMARY_LIMIT = 1024 * 1024 - 4096


def escape_data(text: str) -> str:
    """Escape a workflow command's message (actions/toolkit ``escapeData``)."""
    return str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command's property value (actions/toolkit ``escapeProperty``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, properties: Mapping[str, object] | None = None) -> str:
    """One workflow command line (without the newline), e.g. ``::error file=a.py,line=1::msg``.

    Properties whose value is None or empty are left out, as actions/toolkit does. Line breaks
    in ``message`` stay line breaks of the annotation (escaped); reporters pass user text
    through :func:`~tracklint.report.visible.visible` first when a break in it must show.
    """
    text = f"::{name}"
    props = [(k, str(v)) for k, v in (properties or {}).items() if v is not None and str(v) != ""]
    if props:
        text += " " + ",".join(f"{key}={escape_property(visible(value))}" for key, value in props)
    return f"{text}::{escape_data(visible_lines(message))}"


def summary_budget(path: str) -> int:
    """How many more UTF-8 bytes the step summary at ``path`` takes."""
    try:
        used = os.path.getsize(path)
    except OSError:
        used = 0
    return SUMMARY_LIMIT - used


def append_summary(path: str, text: str) -> str | None:
    """Append ``text`` (Markdown, escaped by the caller) to the step summary at ``path``, cut
    on a character boundary to what it still takes. The reason it could not, or None."""
    budget = summary_budget(path)
    if budget <= 0:
        return "GITHUB_STEP_SUMMARY is already full"
    encoded = text.encode("utf-8")
    if len(encoded) > budget:
        text = encoded[: max(0, budget - 32)].decode("utf-8", "ignore") + "\n\n*(truncated)*\n"
    try:
        with open(path, "a", encoding="utf-8", newline="\n") as handle:
            write_text(handle, text)
    except OSError as exc:
        return f"cannot write the step summary {path}: {exc.strerror or exc}"
    return None
