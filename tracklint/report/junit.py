"""``--output-format junit``: JUnit XML, for CI systems that show test reports (GitLab's
``artifacts:reports:junit``, Jenkins, Azure Pipelines, CircleCI, Buildkite).

The document follows the Apache Ant JUnit schema (the ``JUnit.xsd`` most readers accept; the
copy tests validate against is ``tests/schemas/junit.xsd``): a ``<testsuites>`` root with one
``<testsuite>`` per file that has findings, and in it one ``<testcase>`` per finding, whose
``<failure>`` carries the rule code as ``type``, the message (and hint) as ``message`` and the
location in its text. A run without findings is one passing ``<testcase>``, so that the CI
shows that the gate ran and passed. Suppressed findings are never written.

Text from the scanned code reaches the XML through :func:`~tracklint.report.visible.visible`:
XML 1.0 cannot carry most control characters at all, even escaped.
"""

from __future__ import annotations

import socket
import time
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any, TextIO

from tracklint.diagnostics import Diagnostic
from tracklint.fsutil import write_text
from tracklint.report.visible import fixable_label, visible
from tracklint.result import Result


class JunitReporter:
    """The active findings as JUnit XML test failures."""

    #: A broken plan or config is reported as one error finding on the file (report/failure.py).
    REPORTS_FAILURES = True

    def __init__(self, *, color: bool = False, show_suppressed: bool = False, **_: Any) -> None:
        self.stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())

    def report(self, result: Result, rules: Mapping[str, Any], stream: TextIO) -> None:
        root = ET.Element("testsuites")
        by_path: dict[str, list[Diagnostic]] = {}
        for diag in result.active:
            by_path.setdefault(diag.location.path, []).append(diag)
        seconds = f"{result.stats.seconds:.3f}"
        if not by_path:
            suite = self._suite(root, "tracklint", 0, tests=1, failures=0, seconds=seconds)
            files = result.stats.files_listed
            ET.SubElement(suite, "testcase", name=f"tracklint check ({files} file{'s' if files != 1 else ''})",
                          classname="tracklint", time=seconds)
            _close(suite)
        for index, (path, found) in enumerate(by_path.items()):
            name = visible(path) or "tracklint"
            suite = self._suite(root, name, index, tests=len(found), failures=len(found), seconds="0")
            for diag in found:
                _testcase(suite, diag, rules, name)
            _close(suite)
        ET.indent(root)
        text = ET.tostring(root, encoding="unicode", xml_declaration=False)
        write_text(stream, '<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n")

    def _suite(self, root: ET.Element, name: str, index: int, *, tests: int, failures: int,
               seconds: str) -> ET.Element:
        suite = ET.SubElement(root, "testsuite", name=name, package=name, id=str(index),
                              timestamp=self.stamp, hostname=_hostname(), tests=str(tests),
                              failures=str(failures), errors="0", time=seconds)
        ET.SubElement(suite, "properties")
        return suite


def _testcase(suite: ET.Element, diag: Diagnostic, rules: Mapping[str, Any], classname: str) -> None:
    loc = diag.location
    rule = rules.get(diag.code)
    title = f"{diag.code} {rule.NAME}" if rule is not None else diag.code
    case = ET.SubElement(suite, "testcase", name=f"{title} at line {loc.line}, column {loc.column}",
                         classname=classname, time="0")
    message = visible(diag.message) + (f" ({visible(diag.help)})" if diag.help else "")
    if diag.fix is not None:
        message += f" [{fixable_label(diag)}]"
    failure = ET.SubElement(case, "failure", message=message, type=diag.code)
    failure.text = f"{visible(loc.path)}:{loc.line}:{loc.column}: {diag.code} [{diag.severity.value}] {message}"


def _close(suite: ET.Element) -> None:
    """The schema wants ``<system-out>`` and ``<system-err>`` after the test cases."""
    ET.SubElement(suite, "system-out")
    ET.SubElement(suite, "system-err")


def _hostname() -> str:
    return socket.gethostname() or "localhost"
