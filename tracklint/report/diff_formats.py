"""Output formats for ``tracklint diff``: ``full`` (rich), ``json``, ``markdown`` and ``github``.

Each reporter is a class registered in :data:`tracklint.report.REGISTRIES` (``"diff"``), constructed with keyword-only options
(``color``, ``fail_on``) and given the whole diff: ``reporter.report(diff, stream)``. The JSON
schema is documented in ``docs/json-diff.md``; bump :data:`JSON_SCHEMA_VERSION` on any
incompatible change.
"""

from __future__ import annotations

import os
from typing import IO, Any, Iterable

from tracklint.fsutil import write_text
from tracklint.plan.diff import BREAKING, COSMETIC, NON_BREAKING, Change, PlanDiff
from tracklint.plan.model import PlanLocation
from tracklint.report.github_escape import append_summary, command
from tracklint.report.markdown_escape import code, escape_text, format_message
from tracklint.report.serialize import dumps
from tracklint.report.visible import visible

#: Version of the ``--output-format json`` document (``schema_version``).
JSON_SCHEMA_VERSION = 1

_ORDER = (BREAKING, NON_BREAKING, COSMETIC)
_LABEL = {BREAKING: "breaking", NON_BREAKING: "non-breaking", COSMETIC: "cosmetic"}


# --------------------------------------------------------------------------- shared helpers


def group_changes(diff: PlanDiff) -> list[tuple[str, list[tuple[int, Change]]]]:
    """Changes grouped by what they belong to (an event, common properties, traits, the plan),
    groups with breaking changes first, and within a group the most serious first (stable)."""
    groups: dict[str, list[tuple[int, Change]]] = {}
    for index, change in enumerate(diff.changes):
        groups.setdefault(group_title(change), []).append((index, change))
    ordered = []
    for position, (title, items) in enumerate(groups.items()):
        items = sorted(items, key=lambda item: (-item[1].rank, item[0]))
        worst = items[0][1].rank
        ordered.append((-worst, position, title, items))
    ordered.sort(key=lambda g: (g[0], g[1]))
    return [(title, items) for _, _, title, items in ordered]


def group_title(change: Change) -> str:
    if change.scope == "plan":
        return "Plan"
    if change.scope == "common":
        return "Common properties"
    if change.scope in ("identify", "group"):
        return f"{change.scope} traits"
    noun = {"track": "Event", "page": "Page", "screen": "Screen"}.get(change.scope, "Event")
    return f"{noun} {change.event}"


def _jsonable(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
            return str(value)
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    return str(value)


def _loc_json(loc: PlanLocation | None) -> dict[str, Any] | None:
    if loc is None:
        return None
    return {
        "path": loc.path,
        "line": loc.line,
        "column": loc.column,
        "end_line": loc.end_line,
        "end_column": loc.end_column,
    }


# --------------------------------------------------------------------------- json


def diff_to_json(diff: PlanDiff, *, fail_on: str = "breaking", failed: bool | None = None,
                 old_label: str | None = None, new_label: str | None = None) -> dict[str, Any]:
    """The ``--output-format json`` document (see docs/json-diff.md)."""
    from tracklint import __version__

    verdict = diff.version_verdict
    changes = []
    for index, change in enumerate(diff.changes):
        item: dict[str, Any] = {
            "kind": change.kind,
            "severity": change.severity,
            "schemaver": change.schemaver,
            "path": change.path,
            "scope": change.scope,
            "event": change.event,
            "message": change.message,
            "note": change.note,
            "old": _jsonable(change.old),
            "new": _jsonable(change.new),
            "sources": list(change.sources),
            "destinations": list(change.destinations),
            "location": _loc_json(change.location),
            "location_side": change.side,
            "anchor": _loc_json(change.anchor),
        }
        if diff.impact is not None:
            item["call_sites"] = [
                {
                    "path": site.path,
                    "line": site.line,
                    "column": site.column,
                    "end_line": site.end_line,
                    "end_column": site.end_column,
                    "method": site.method,
                    "event": site.event,
                    "reason": site.reason,
                }
                for site in diff.impact.get(index, [])
            ]
        changes.append(item)
    counts = diff.counts()
    return {
        "schema_version": JSON_SCHEMA_VERSION,
        "tool": {"name": "tracklint", "version": __version__},
        "old": {"path": old_label or diff.old_path, "version": diff.old_version},
        "new": {"path": new_label or diff.new_path, "version": diff.new_version},
        "verdict": diff.verdict,
        "summary": {
            "breaking": counts[BREAKING],
            "non_breaking": counts[NON_BREAKING],
            "cosmetic": counts[COSMETIC],
            "total": len(diff.changes),
        },
        "version_check": None
        if verdict is None
        else {
            "scheme": verdict.scheme,
            "old": verdict.old,
            "new": verdict.new,
            "required": verdict.required,
            "actual": verdict.actual,
            "ok": verdict.ok,
            "minimal": verdict.minimal,
            "suggested": verdict.suggested,
            "message": verdict.message,
        },
        "fail_on": fail_on,
        "failed": failed,
        "code_checked": diff.impact is not None,
        "changes": changes,
    }


class JsonDiffReporter:
    """A stable JSON document (``schema_version`` 1), sorted keys, two-space indent."""

    def __init__(self, *, fail_on: str = "breaking", failed: bool | None = None,
                 old_label: str | None = None, new_label: str | None = None, **_: Any) -> None:
        self.fail_on = fail_on
        self.failed = failed
        self.old_label = old_label
        self.new_label = new_label

    def report(self, diff: PlanDiff, stream: IO[str]) -> None:
        doc = diff_to_json(diff, fail_on=self.fail_on, failed=self.failed,
                           old_label=self.old_label, new_label=self.new_label)
        write_text(stream, dumps(doc, sort_keys=True))


# --------------------------------------------------------------------------- full (rich)

_STYLE = {BREAKING: "bold red", NON_BREAKING: "yellow", COSMETIC: "dim"}


class FullDiffReporter:
    """The human view: grouped by event, breaking first, with a summary line."""

    def __init__(self, *, color: bool = False, old_label: str | None = None,
                 new_label: str | None = None, **_: Any) -> None:
        self.color = color
        self.old_label = old_label
        self.new_label = new_label

    def report(self, diff: PlanDiff, stream: IO[str]) -> None:
        from rich.console import Console
        from rich.text import Text

        console = Console(
            file=stream,
            force_terminal=self.color,
            no_color=not self.color,
            color_system="auto" if self.color else None,
            highlight=False,
            soft_wrap=True,
            emoji=False,
            markup=False,
        )
        old_name = self.old_label or diff.old_path or "old"
        new_name = self.new_label or diff.new_path or "new"
        console.print(Text.assemble(("tracklint diff ", "bold"), visible(f"{old_name} -> {new_name}")))
        for title, items in group_changes(diff):
            console.print()
            head = Text(visible(title), style="bold")
            first = items[0][1]
            if first.scope in ("track", "page", "screen"):
                route = f"  ({', '.join(first.sources) or 'every source'} -> {', '.join(first.destinations) or 'every destination'})"
                head.append(visible(route), style="dim")
            console.print(head)
            for index, change in items:
                line = Text("  ")
                line.append(f"{_LABEL[change.severity]:<12}", style=_STYLE[change.severity])
                line.append(" ")
                line.append(visible(change.message))
                console.print(line)
                detail = Text("               ", style="dim")
                detail.append(visible(change.path), style="dim")
                where = change.location if change.location is not None else change.anchor
                if where is not None:
                    side = " (old plan)" if change.side == "old" and change.location is not None else ""
                    detail.append(visible(f"  {where}{side}"), style="dim")
                if change.schemaver:
                    detail.append(f"  SchemaVer {change.schemaver}", style="dim")
                console.print(detail)
                if change.note:
                    console.print(Text(f"               note: {visible(change.note)}", style="dim"))
                if diff.impact is not None and index in diff.impact:
                    for site in diff.impact[index]:
                        console.print(Text(visible(f"               affects {site.path}:{site.line}:{site.column} ({site.reason})"),
                                           style="cyan"))
        console.print()
        verdict = diff.version_verdict
        summary = Text()
        counts = diff.counts()
        if not diff.changes:
            summary.append("No changes.", style="bold green")
        else:
            for i, severity in enumerate(_ORDER):
                if i:
                    summary.append(", ")
                style = _STYLE[severity] if counts[severity] else "dim"
                summary.append(f"{counts[severity]} {_LABEL[severity]}", style=style)
            summary.append(f" ({len(diff.changes)} changes).")
        if verdict is not None:
            summary.append(" ")
            summary.append(visible(verdict.message), style="green" if verdict.ok else "bold red")
        if diff.impact is not None:
            sites = sum(len(v) for v in diff.impact.values())
            summary.append(f" {sites} affected call site{'s' if sites != 1 else ''} in the code.")
        console.print(summary)


# --------------------------------------------------------------------------- markdown

def md_message(message: str) -> str:
    """A change message in Markdown: names quoted with backticks become code, the rest is
    escaped (:mod:`tracklint.report.markdown_escape`), on one line of a table."""
    return format_message(_one_line(message))


def md_text(text: str) -> str:
    """User text (a title, a note, a list of sources) escaped for one table cell or heading."""
    return escape_text(_one_line(text))


def _one_line(text: str) -> str:
    return " ".join(str(text).replace("\r", "\n").split("\n"))


class MarkdownDiffReporter:
    """A PR comment / step summary: a headline, the version check, one table per group."""

    def __init__(self, *, old_label: str | None = None, new_label: str | None = None,
                 max_rows: int = 500, **_: Any) -> None:
        self.old_label = old_label
        self.new_label = new_label
        self.max_rows = max_rows

    def render(self, diff: PlanDiff) -> str:
        counts = diff.counts()
        lines = []
        if not diff.changes:
            lines.append("### tracklint diff: no changes")
        else:
            icon = ":x:" if counts[BREAKING] else ":white_check_mark:"
            parts = ", ".join(f"{counts[s]} {_LABEL[s]}" for s in _ORDER)
            lines.append(f"### {icon} tracklint diff: {parts}")
        old_name = self.old_label or diff.old_path
        new_name = self.new_label or diff.new_path
        if old_name or new_name:
            lines.append("")
            lines.append(f"{code(_one_line(old_name or 'old'))} → {code(_one_line(new_name or 'new'))}")
        verdict = diff.version_verdict
        if verdict is not None:
            lines.append("")
            mark = ":white_check_mark:" if verdict.ok else ":x:"
            lines.append(f"{mark} **Version:** {md_text(verdict.message)}")
        shown = 0
        for title, items in group_changes(diff):
            lines.append("")
            lines.append(f"#### {md_text(title)}")
            lines.append("")
            lines.append("| class | change | path | sources | destinations |")
            lines.append("| --- | --- | --- | --- | --- |")
            for index, change in items:
                if shown >= self.max_rows:
                    break
                shown += 1
                text = md_message(change.message)
                if change.note:
                    text += f"<br>*{md_text(change.note)}*"
                if diff.impact is not None and index in diff.impact:
                    sites = diff.impact[index]
                    listed = ", ".join(code(_one_line(f"{s.path}:{s.line}")) for s in sites[:10])
                    more = f" and {len(sites) - 10} more" if len(sites) > 10 else ""
                    text += f"<br>affects {listed}{more}"
                label = f"**{_LABEL[change.severity]}**" if change.severity == BREAKING else _LABEL[change.severity]
                lines.append(
                    f"| {label} | {text} | {code(_one_line(change.path))} | "
                    f"{md_text(', '.join(change.sources)) or '—'} | {md_text(', '.join(change.destinations)) or '—'} |"
                )
        if shown < len(diff.changes):
            lines.append("")
            lines.append(f"*{len(diff.changes) - shown} more changes not shown.*")
        return "\n".join(lines) + "\n"

    def report(self, diff: PlanDiff, stream: IO[str]) -> None:
        write_text(stream, self.render(diff))


# --------------------------------------------------------------------------- github


#: GitHub shows at most this many annotations of one kind per step.
ANNOTATIONS_PER_KIND = 10


class GithubDiffReporter:
    """Workflow-command annotations on the new plan file's lines: breaking changes and a
    too-small version bump as errors, non-breaking changes as notices (cosmetic ones only in the
    step summary). Every annotation is printed; one notice counts those GitHub will not show.
    The Markdown report is appended to ``$GITHUB_STEP_SUMMARY`` when it is set."""

    def __init__(self, *, new_label: str | None = None, old_label: str | None = None,
                 env: dict[str, str] | None = None, **_: Any) -> None:
        self.new_label = new_label
        self.old_label = old_label
        self.env = os.environ if env is None else env

    def lines(self, diff: PlanDiff) -> list[str]:
        plan_file = self.new_label or diff.new_path
        out: list[str] = []
        counts = {"error": 0, "notice": 0}
        verdict = diff.version_verdict
        if verdict is not None and not verdict.ok:
            counts["error"] += 1
            out.append(command("error", verdict.message,
                                        {"title": "tracklint diff (version bump too small)", "file": plan_file}))
        ordered: Iterable[tuple[int, Change]] = sorted(
            enumerate(diff.changes), key=lambda item: (-item[1].rank, item[0])
        )
        for index, change in ordered:
            if change.severity == COSMETIC:
                continue
            level = "error" if change.severity == BREAKING else "notice"
            counts[level] += 1
            anchor = change.anchor
            props: dict[str, Any] = {
                "title": f"tracklint diff ({_LABEL[change.severity]}: {change.kind})",
                "file": anchor.path if anchor is not None else plan_file,
                "line": anchor.line if anchor is not None else None,
            }
            if anchor is not None and anchor.end_line in (None, anchor.line):
                props["col"] = anchor.column
                if anchor.end_column is not None and anchor.end_line == anchor.line:
                    props["endColumn"] = anchor.end_column
            if anchor is not None and anchor.end_line not in (None, anchor.line):
                props["endLine"] = anchor.end_line
            message = f"{visible(change.message)} [{visible(change.path)}]"
            if change.note:
                message += f"\nNote: {visible(change.note)}"
            if diff.impact is not None and index in diff.impact:
                sites = diff.impact[index]
                message += "\nAffected call sites: " + ", ".join(f"{visible(s.path)}:{s.line}" for s in sites[:20])
                if len(sites) > 20:
                    message += f" and {len(sites) - 20} more"
            out.append(command(level, message, props))
        hidden = sum(max(0, n - ANNOTATIONS_PER_KIND) for n in counts.values())
        if hidden:
            out.append(command(
                "notice",
                f"{hidden} more annotations than GitHub shows per step; see the step summary or "
                f"run `tracklint diff` locally for the full list.",
                {"title": "tracklint diff"},
            ))
        return out

    def report(self, diff: PlanDiff, stream: IO[str]) -> None:
        for line in self.lines(diff):
            stream.write(line + "\n")
        summary_path = self.env.get("GITHUB_STEP_SUMMARY")
        if summary_path:
            # the annotations already went out; a summary that cannot be written is not an error
            append_summary(summary_path, MarkdownDiffReporter(old_label=self.old_label, new_label=self.new_label).render(diff))

