"""The per-event tally of a ``validate`` run: records seen, conforming, and each violation with
its count and first examples; plus the records that were not events or could not be read."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import IO, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tracklint.report.visible import visible


@dataclass
class Violation:
    """One kind of problem on one event: a rule and the property it is about."""

    code: str
    key: str
    count: int = 0
    examples: list[str] = field(default_factory=list)  # "path:line"


@dataclass
class Tally:
    """What the run saw of one event."""

    label: str  # "event `Order Completed`", "identify", "page `Home`"
    records: int = 0
    conforming: int = 0
    violations: dict[tuple[str, str], Violation] = field(default_factory=dict)


@dataclass
class Summary:
    """The whole run's figures."""

    files: int = 0
    records: int = 0
    events: int = 0
    bad: int = 0
    skipped: Counter = field(default_factory=Counter)  # reason -> records
    tallies: dict[str, Tally] = field(default_factory=dict)
    examples: int = 3  # examples kept per violation

    def tally(self, label: str) -> Tally:
        found = self.tallies.get(label)
        if found is None:
            found = self.tallies[label] = Tally(label)
        return found

    def as_dict(self) -> dict[str, Any]:
        """The summary for ``--output-format json`` (docs/json-output.md, "validate")."""
        return {
            "files": self.files,
            "records": self.records,
            "events": self.events,
            "bad_records": self.bad,
            "skipped": dict(sorted(self.skipped.items())),
            "by_event": [
                {
                    "event": t.label,
                    "records": t.records,
                    "conforming": t.conforming,
                    "violations": [
                        {"code": v.code, "key": v.key or None, "count": v.count, "examples": v.examples}
                        for v in sorted(t.violations.values(), key=lambda v: (-v.count, v.code, v.key))
                    ],
                }
                for t in self.ordered()
            ],
        }

    def ordered(self) -> list[Tally]:
        """Events with the most violating records first, then by label."""
        return sorted(self.tallies.values(), key=lambda t: (t.conforming - t.records, t.label))

    def write_text(self, stream: IO[str], *, color: bool, rich: bool) -> None:
        """The summary for people: a table (``full``) or one line per event (``concise``)."""
        if not rich:
            for t in self.ordered():
                parts = [f"{v.code} {v.key or ''} x{v.count} (first: {', '.join(v.examples)})".replace("  ", " ")
                         for v in t.violations.values()]
                tail = ("; " + "; ".join(parts)) if parts else ""
                stream.write(visible(f"summary: {t.label}: {t.records} records, {t.conforming} conforming{tail}") + "\n")
            stream.write(self._totals() + "\n")
            return
        console = Console(file=stream, force_terminal=color, no_color=not color, color_system="auto" if color else None,
                          highlight=False, soft_wrap=True, emoji=False, markup=False,
                          width=None if _is_terminal(stream) else 160)
        table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        for name in ("event", "records", "conforming", "violation", "count", "first at"):
            table.add_column(name, justify="right" if name in ("records", "conforming", "count") else "left")
        for t in self.ordered():
            found = sorted(t.violations.values(), key=lambda v: (-v.count, v.code, v.key))
            head = [Text(visible(t.label), style="" if not found else "bold"), str(t.records), str(t.conforming)]
            if not found:
                table.add_row(*head, "–", "", "")
            for i, v in enumerate(found):
                cells = head if i == 0 else ["", "", ""]
                table.add_row(*cells, visible(f"{v.code} {v.key}".rstrip()), str(v.count), visible(_compact(v.examples)))
        console.print()
        console.print(table)
        console.print(Text(self._totals(), style="dim"))

    def _totals(self) -> str:
        skipped = sum(self.skipped.values())
        text = (f"{self.records} record{'s' * (self.records != 1)} in {self.files} file{'s' * (self.files != 1)}: "
                f"{self.events} event{'s' * (self.events != 1)} checked, {self.bad} unreadable")
        if skipped:
            reasons = ", ".join(f"{n} {reason}" for reason, n in self.skipped.most_common())
            text += f", {skipped} not checked ({reasons})"
        return text


def _compact(examples: list[str]) -> str:
    """``a.jsonl:2, a.jsonl:9`` shown as ``a.jsonl:2, :9``."""
    out: list[str] = []
    last = None
    for example in examples:
        path, _, line = example.rpartition(":")
        out.append(f":{line}" if path == last else example)
        last = path
    return ", ".join(out)


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
