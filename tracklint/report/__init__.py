"""Reporters: one class per output format, looked up by name.

A reporter is constructed with keyword-only options and sees the whole run::

    reporter = get_reporter(name)(color=False, show_suppressed=False)
    reporter.report(result, rules, stream)

``result`` is a :class:`tracklint.result.Result`; ``rules`` is the rule registry
(``tracklint.rules.RULES``: code -> rule module with ``CODE``, ``NAME``, ``SUMMARY``,
``DEFAULT_SEVERITY`` and a docstring) so that formats like SARIF can describe every rule;
``stream`` is a text stream. Every reporter accepts (and may ignore) ``color`` and
``show_suppressed``. Modules are imported only when their format is used.
"""

from __future__ import annotations

import importlib
from typing import Any

#: format name -> "module:Class"
REPORTERS: dict[str, str] = {
    "full": "tracklint.report.terminal:FullReporter",
    "concise": "tracklint.report.concise:ConciseReporter",
    "json": "tracklint.report.json:JsonReporter",
    "sarif": "tracklint.report.sarif:SarifReporter",
    "github": "tracklint.report.github:GithubReporter",
    "markdown": "tracklint.report.markdown:MarkdownReporter",
}

#: Formats meant for people (they may print headers, summaries and colour).
HUMAN_FORMATS = frozenset({"full", "concise"})


def get_reporter(name: str) -> type[Any]:
    """The reporter class for a format name (raises KeyError for an unknown name)."""
    module_name, _, class_name = REPORTERS[name].partition(":")
    return getattr(importlib.import_module(module_name), class_name)
