"""Importers: other tools' tracking plans -> the tracklint plan model.

``FORMATS`` maps a format name to its module (a readable registry, one module per format). Each
module has ``NAME``, ``sniff(data) -> bool`` (on parsed JSON/YAML) and
``read(paths, sink) -> Plan``. ``import_plan`` runs one and returns the plan with the warnings
(everything the source says that a tracklint plan cannot); ``load_any`` reads a plan of any
format, for commands such as ``diff`` that compare two versions.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from tracklint.errors import PlanError, UsageError
from tracklint.importers.base import Collector, ImportWarning, read_data
from tracklint.plan.model import Plan

__all__ = ["FORMATS", "ImportResult", "ImportWarning", "detect_format", "import_plan", "load_any", "plan_text"]

#: Most of the loader's problems quoted when an imported plan would not load.
_QUOTED_PROBLEMS = 5

#: format name -> module path. Order matters for detection: the most specific shapes first.
FORMATS: dict[str, str] = {
    "iglu": "tracklint.importers.iglu",
    "amplitude": "tracklint.importers.amplitude",
    "mparticle": "tracklint.importers.mparticle",
    "segment": "tracklint.importers.segment",
    "rudderstack": "tracklint.importers.rudderstack",
}

#: The name ``detect_format`` gives a tracklint YAML plan.
TRACKLINT = "tracklint"


@dataclass
class ImportResult:
    """An imported plan and what could not be carried over."""

    plan: Plan
    warnings: list[ImportWarning]


def importer(fmt: str) -> ModuleType:
    """The module for format ``fmt``; a :class:`UsageError` listing the formats otherwise."""
    if fmt not in FORMATS:
        raise UsageError(
            f"unknown import format {fmt!r}",
            hint="choose one of: " + ", ".join(sorted(FORMATS)) + " (or auto)",
        )
    return importlib.import_module(FORMATS[fmt])


def _sniff_data(data: Any) -> str | None:
    if isinstance(data, dict):
        if "tracklint" in data:
            return TRACKLINT
        if str(data.get("version", "")).startswith("rudder/"):
            return "rudderstack"
    for fmt in FORMATS:
        if fmt == "rudderstack":
            continue
        if importer(fmt).sniff(data):
            return fmt
    return None


def detect_format(path: Path | str) -> str | None:
    """Guess the format of a file or directory: a name in ``FORMATS``, ``"tracklint"``, or None.

    Directories: RudderStack projects (YAML with ``version: rudder/...``), Iglu registries
    (``<vendor>/<name>/jsonschema/<version>``) and a folder holding an Ampli ``schema.json``.
    """
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file())
        for p in files:
            if p.suffix.lower() in (".yaml", ".yml"):
                try:
                    head = p.read_text(encoding="utf-8", errors="replace")[:4096]
                except OSError:
                    continue
                if "rudder/v" in head:
                    return "rudderstack"
        if any(p.parent.name == "jsonschema" and not p.suffix for p in files):
            return "iglu"
        if (path / "schema.json").is_file():
            return detect_format(path / "schema.json")
        return None
    try:
        data = read_data(path)
    except PlanError:
        if path.suffix.lower() in (".yaml", ".yml", ".json"):
            raise
        return None
    return _sniff_data(data)


def import_plan(paths: list[Path], format: str | None = None) -> ImportResult:  # noqa: A002
    """Import ``paths`` as ``format`` (None or ``"auto"``: detected from the first path).

    Raises :class:`PlanError` for unreadable or unrecognised input, :class:`UsageError` for an
    unknown format.
    """
    paths = [Path(p) for p in paths]
    if not paths:
        raise UsageError("no file to import")
    for path in paths:
        if not path.exists():
            raise PlanError("no such file or directory", path=str(path))
    fmt = format
    if fmt in (None, "auto"):
        fmt = detect_format(paths[0])
        if fmt is None:
            raise PlanError(
                "cannot tell which tool wrote this file",
                path=str(paths[0]),
                hint="name the format: " + ", ".join(sorted(FORMATS)),
            )
        if fmt == TRACKLINT:
            raise UsageError(
                "this is already a tracklint plan", hint="nothing to import", path=str(paths[0])
            )
    sink = Collector()
    plan = importer(fmt).read(paths, sink)
    return ImportResult(plan=plan, warnings=sink.sorted())


def plan_text(result: ImportResult, source: str) -> str:
    """The imported plan as tracklint YAML, read back with the plan loader before anyone
    writes it: what ``tracklint import`` writes, tracklint loads. An input whose plan would not
    load (an empty event name, an empty enum, ``minLength: -1``, an invalid pattern...) is a
    :class:`PlanError` on ``source`` that quotes the loader's findings by plan path."""
    from tracklint.plan.dump import dump_plan
    from tracklint.plan.load import load_plan_text

    text = dump_plan(result.plan)
    try:
        load_plan_text(text, "<imported plan>")
    except PlanError as err:
        problems = [p.message for p in getattr(err, "problems", ())] or [err.message]
        listed = "; ".join(problems[:_QUOTED_PROBLEMS])
        more = f" (and {len(problems) - _QUOTED_PROBLEMS} more)" if len(problems) > _QUOTED_PROBLEMS else ""
        raise PlanError(
            f"the imported plan would not be a valid tracklint plan: {listed}{more}",
            path=source,
            hint="correct these in the input (tracklint writes only plans it can load)",
        ) from None
    return text


def load_any(path: Path | str, format: str | None = None) -> Plan:  # noqa: A002
    """Load a plan of any format: tracklint YAML through ``load_plan``, anything else through
    its importer (warnings ignored)."""
    path = Path(path)
    fmt = format if format not in (None, "auto") else None
    if fmt is None:
        fmt = detect_format(path)
        if fmt is None:
            raise PlanError(
                "cannot tell which tool wrote this plan",
                path=str(path),
                hint="pass the format: tracklint, " + ", ".join(sorted(FORMATS)),
            )
    if fmt == TRACKLINT:
        from tracklint.plan.load import load_plan

        return load_plan(path)
    return import_plan([path], fmt).plan
