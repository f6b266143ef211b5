"""Reporters: one registry of reporter classes per command, looked up by format name.

Each command that writes a report has its table here (``check``, ``scan``, ``diff``, ``coverage``); the
formats a command accepts, its ``--output-format`` help text, ``config.OUTPUT_FORMATS`` and the
handling of ``TRACKLINT_OUTPUT_FORMAT`` (:func:`resolve_format`) all derive from these tables,
so adding a format is its reporter module plus one row.

A ``check`` reporter is constructed with keyword-only options and sees the whole run::

    reporter = get_reporter(name)(color=False, show_suppressed=False)
    reporter.report(result, rules, stream)

``result`` is a :class:`tracklint.result.Result`; ``rules`` is the rule registry
(``tracklint.rules.RULES``) so that formats like SARIF can describe every rule; ``stream`` is a
text stream. Every reporter accepts (and may ignore) ``color`` and ``show_suppressed``. A
``scan`` reporter gets ``report(calls, result, stream)``, a ``diff`` reporter
``report(diff, stream)``, a ``coverage`` reporter ``report(coverage, change, stream)``. Modules are imported only when their format is used.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Mapping
from typing import Any

#: format name -> "module:Class", per command. The first format is the command's default.
REGISTRIES: dict[str, dict[str, str]] = {
    "check": {
        "full": "tracklint.report.terminal:FullReporter",
        "concise": "tracklint.report.concise:ConciseReporter",
        "json": "tracklint.report.json:JsonReporter",
        "sarif": "tracklint.report.sarif:SarifReporter",
        "github": "tracklint.report.github:GithubReporter",
        "markdown": "tracklint.report.markdown:MarkdownReporter",
        "gitlab": "tracklint.report.gitlab:GitlabReporter",
        "junit": "tracklint.report.junit:JunitReporter",
    },
    "scan": {
        "full": "tracklint.report.scan:FullScanReporter",
        "concise": "tracklint.report.scan:ConciseScanReporter",
        "json": "tracklint.report.scan:JsonScanReporter",
    },
    "diff": {
        "full": "tracklint.report.diff_formats:FullDiffReporter",
        "json": "tracklint.report.diff_formats:JsonDiffReporter",
        "markdown": "tracklint.report.diff_formats:MarkdownDiffReporter",
        "github": "tracklint.report.diff_formats:GithubDiffReporter",
    },
    "coverage": {
        "full": "tracklint.coverage.terminal:FullCoverageReporter",
        "json": "tracklint.coverage.document:JsonCoverageReporter",
        "markdown": "tracklint.coverage.markdown:MarkdownCoverageReporter",
        "html": "tracklint.coverage.html:HtmlCoverageReporter",
    },
}

# ``validate`` reports its findings exactly as ``check`` does.
REGISTRIES["validate"] = REGISTRIES["check"]

#: The environment variable that picks the format of every command's report.
ENV_VAR = "TRACKLINT_OUTPUT_FORMAT"

#: Every format some command writes (a value of ``TRACKLINT_OUTPUT_FORMAT`` outside it is a typo).
ALL_FORMATS = tuple(dict.fromkeys(name for table in REGISTRIES.values() for name in table))


def formats(command: str = "check") -> tuple[str, ...]:
    """The formats ``command`` writes, its default first."""
    return tuple(REGISTRIES[command])


def format_help(command: str = "check") -> str:
    """The ``--output-format`` help text of ``command``."""
    return f"{' | '.join(formats(command))} (default {formats(command)[0]}; env {ENV_VAR})."


def get_reporter(name: str, command: str = "check") -> type[Any]:
    """The reporter class for a format name (raises KeyError for an unknown name)."""
    module_name, _, class_name = REGISTRIES[command][name].partition(":")
    return getattr(importlib.import_module(module_name), class_name)


def resolve_format(
    command: str,
    given: str | None,
    *,
    environ: Mapping[str, str] | None = None,
    note: Callable[[str], None] | None = None,
) -> str | None:
    """The format ``command`` writes: ``given`` (the command line), else ``TRACKLINT_OUTPUT_FORMAT``,
    else None (the configuration file's or the command's default).

    A ``given`` format the command does not write is a usage error. The variable is often set
    for a whole CI job, so a format that another command writes falls back to the command's
    default with a ``note``; a value no command knows is a usage error (a typo).
    """
    from tracklint.errors import UsageError

    known = formats(command)
    if given is not None:
        if given not in known:
            raise UsageError(f"{command}'s --output-format must be one of {', '.join(known)}, not {given!r}")
        return given
    value = (os.environ if environ is None else environ).get(ENV_VAR, "")
    if not value:
        return None
    if value in known:
        return value
    if value not in ALL_FORMATS:
        raise UsageError(f"{ENV_VAR} must be one of {', '.join(ALL_FORMATS)}, not {value!r}")
    if note is not None:
        note(f"tracklint: note: {command} cannot write {ENV_VAR}={value!r} (it writes {', '.join(known)}); using {known[0]}")
    return known[0]
