"""What every importer shares: the warning record, file reading with positioned errors, and
small helpers that keep the imported plan deterministic."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


from tracklint.errors import PlanError
from tracklint.importers.strict import (
    MAX_IMPORT_BYTES,
    MAX_IMPORT_DEPTH,
    BadNumber,
    RepeatedKey,
    data_problem,
    depth_offset,
    line_column,
    loads,
    number_offset,
    pointer,
    problem_offset,
    repeated_key_offset,
)
from tracklint.plan.jsonschema import Warn
from tracklint.plan.model import Event, Plan


@dataclass(frozen=True, order=True)
class ImportWarning:  # noqa: A001 - the name the import API promises; not the builtin category
    """Something in an imported file that the tracklint plan cannot say, or that was changed.

    ``pointer`` is a JSON pointer into the file (JSON inputs, and YAML read as data); ``line``
    is set when the position is known as a line.
    """

    path: str | None
    pointer: str | None
    message: str
    line: int | None = None

    def render(self) -> str:
        where = self.path or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        if self.pointer:
            where += f"#{self.pointer}"
        return f"{where}: {self.message}"


@dataclass
class Collector:
    """Collects warnings; ``for_file(path)`` gives the ``warn(message, pointer)`` callback that
    the JSON Schema reader expects."""

    warnings: list[ImportWarning] = field(default_factory=list)

    def add(self, message: str, *, path: Path | str | None = None, pointer: str | None = None,
            line: int | None = None) -> None:
        self.warnings.append(
            ImportWarning(str(path) if path is not None else None, pointer or None, message, line)
        )

    def for_file(self, path: Path | str, prefix: str = "") -> Warn:
        def warn(message: str, pointer: str) -> None:
            self.add(message, path=path, pointer=prefix + pointer)

        return warn

    def sorted(self) -> list[ImportWarning]:
        """Warnings without duplicates, in file then pointer order (stable output)."""
        seen: dict[ImportWarning, None] = {}
        for item in self.warnings:
            seen.setdefault(item, None)
        return sorted(seen, key=lambda w: (w.path or "", w.pointer or "", w.line or 0, w.message))


def _read_text(path: Path) -> str:
    """The file's text, refused before reading when it is larger than ``MAX_IMPORT_BYTES``."""
    try:
        size = path.stat().st_size
        if size > MAX_IMPORT_BYTES:
            mb = 1024 * 1024
            raise PlanError(
                f"the file is too large to import ({size / mb:.1f} MB; the limit is {MAX_IMPORT_BYTES // mb} MB)",
                path=str(path),
                hint="the limit is the size of a tracklint plan file; split the export, or import only the plan you check",
            )
        with path.open("rb") as handle:
            data = handle.read(MAX_IMPORT_BYTES + 1)
        if len(data) > MAX_IMPORT_BYTES:  # it grew while we looked, or is not a regular file
            raise PlanError(f"the file is too large to import (the limit is {MAX_IMPORT_BYTES // (1024 * 1024)} MB)", path=str(path))
        return data.decode("utf-8-sig")
    except OSError as exc:
        raise PlanError(f"cannot read the file: {exc.strerror or exc}", path=str(path)) from None
    except UnicodeDecodeError as exc:
        line, column = line_column(data.decode("utf-8", "replace"), len(data[: exc.start].decode("utf-8", "replace")))
        raise PlanError("the file is not UTF-8 text", path=str(path), line=line, column=column) from None


def read_json(path: Path) -> Any:
    """Parse a JSON file strictly: a syntax error, a repeated key, a number Python cannot hold,
    ``NaN``, an unpaired surrogate escape or nesting deeper than ``MAX_IMPORT_DEPTH`` is a
    positioned :class:`PlanError` (JSON readers disagree on these, so no silent choice)."""
    text = _read_text(path)
    try:
        data = loads(text)
    except json.JSONDecodeError as exc:
        raise PlanError(f"invalid JSON: {exc.msg}", path=str(path), line=exc.lineno,
                        column=exc.colno) from None
    except RepeatedKey as exc:
        line, column = line_column(text, repeated_key_offset(text))
        raise PlanError(f"the key {exc.key!r} appears twice in one object", path=str(path), line=line, column=column,
                        hint="JSON readers disagree on which value wins; keep one") from None
    except BadNumber as exc:
        line, column = line_column(text, number_offset(text, exc.text))
        raise PlanError(exc.message, path=str(path), line=line, column=column) from None
    except RecursionError:
        line, column = line_column(text, depth_offset(text, MAX_IMPORT_DEPTH))
        raise PlanError(f"the JSON is nested too deeply (more than {MAX_IMPORT_DEPTH} levels)", path=str(path),
                        line=line, column=column) from None
    problem = data_problem(data)
    if problem is not None:
        message, jpath = problem
        line, column = line_column(text, problem_offset(text, jpath))
        raise PlanError(f"{message} (at {pointer(jpath)})", path=str(path), line=line, column=column)
    return data


def read_yaml(path: Path) -> Any:
    """Parse a YAML file (safe loader); a syntax error becomes a positioned :class:`PlanError`."""
    text = _read_text(path)
    # The plan loader's reader: no object construction, and size, alias bombs, nesting and
    # duplicate keys are refused with a position, as for tracklint's own plans.
    from tracklint.plan.yaml_loader import YamlProblems
    from tracklint.plan.yaml_loader import read_yaml as read_plan_yaml

    try:
        document = read_plan_yaml(text, str(path))
    except YamlProblems as exc:
        first = exc.problems[0]
        raise PlanError(first.message, path=first.path or str(path), line=first.line,
                        column=first.column, hint=first.hint) from None
    except RecursionError:
        raise PlanError("the YAML is nested too deeply to read", path=str(path)) from None
    if document.problems:
        first = document.problems[0]
        raise PlanError(first.message, path=first.path or str(path), line=first.line,
                        column=first.column, hint=first.hint)
    problem = data_problem(document.data)
    if problem is not None:
        message, jpath = problem
        pos = document.key_pos(jpath)
        raise PlanError(f"{message} (at {pointer(jpath)})", path=str(path), line=pos.line if pos else None,
                        column=pos.column if pos else None)
    return document.data


def read_data(path: Path) -> Any:
    """JSON or YAML by extension (files without a known extension are tried as JSON)."""
    if path.suffix.lower() in (".yaml", ".yml"):
        return read_yaml(path)
    return read_json(path)


def sorted_events(events: dict[str, Event]) -> dict[str, Event]:
    """Events ordered by name, so that the plan does not depend on file or API order."""
    return dict(sorted(events.items()))


def finish(plan: Plan) -> Plan:
    """Sort the plan's tables (events, pages, screens) for deterministic output."""
    plan.events = sorted_events(plan.events)
    plan.pages = sorted_events(plan.pages)
    plan.screens = sorted_events(plan.screens)
    return plan


def expect_dict(data: Any, path: Path, what: str) -> dict:
    """``data`` if it is a mapping, else a :class:`PlanError` saying what was expected."""
    if not isinstance(data, dict):
        raise PlanError(f"expected {what} (a JSON/YAML object), found {type(data).__name__}",
                        path=str(path))
    return data
