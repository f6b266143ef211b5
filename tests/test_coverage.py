"""``tracklint coverage``: the plan's events × sources, in every output.

The bundled example renames the web checkout's event (`purchase_completed` instead of the
planned `Purchase Completed`): every output must show the web cell of the new name as sent but
unplanned and the web cell of the planned name as planned but missing."""

from __future__ import annotations

import json
import os
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import tracklint
from tracklint.cli import app
from tracklint.coverage.model import MISSING, NO_SOURCE, STATUSES, UNPLANNED, build
from tracklint.extract.base import Span, TrackCall, Value
from tracklint.plan.load import load_plan_text

REPO = Path(tracklint.__file__).resolve().parent.parent
ACME = REPO / "examples" / "acme"
SCHEMA = json.loads((REPO / "docs" / "coverage.schema.json").read_text())


def invoke(cwd: Path, *args: str):
    old = os.getcwd()
    os.chdir(cwd)
    try:
        env = {"TRACKLINT_OUTPUT_FORMAT": None, "NO_COLOR": None, "COLUMNS": None}
        return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)
    finally:
        os.chdir(old)


def acme(*args: str):
    return invoke(REPO, "coverage", "examples/acme", "--plan", "examples/acme/tracking-plan.yaml", "--no-cache", *args)


# --------------------------------------------------------------------------- the example, in every output


def test_json_shows_the_web_rename_and_is_valid_against_the_documented_schema():
    result = acme("-f", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    jsonschema.validate(doc, SCHEMA)
    events = {e["name"]: e for e in doc["events"]}
    renamed = events["purchase_completed"]["cells"]["web"]
    assert renamed["status"] == UNPLANNED and renamed["count"] == 1
    assert renamed["first"]["path"] == "examples/acme/apps/web/src/checkout.ts" and renamed["first"]["line"] == 14
    assert events["Purchase Completed"]["cells"]["web"]["status"] == MISSING
    assert events["Purchase Completed"]["cells"]["backend"]["status"] == "implemented"
    assert events["purchase_completed"]["planned"] is False and events["Purchase Completed"]["owner"] == "growth"
    assert doc["totals"]["sources"]["web"] == {"planned": 4, "implemented": 3, "unverifiable": 0, "missing": 1,
                                               "unplanned": 1, "percent": 75.0}


def _table_cells(lines: list[str], sep: str, event: str) -> dict[str, str]:
    """The cells of ``event``'s row of a text table, by column name."""
    head = next(line for line in lines if line.strip().startswith(("event", "| event")))
    names = [c.strip() for c in head.strip().strip("|").split(sep)]
    row = next(line for line in lines if line.strip().strip("|").split(sep)[0].strip().strip("*") == event)
    return dict(zip(names, (c.strip() for c in row.strip().strip("|").split(sep))))


def test_terminal_table_shows_the_web_rename_fits_80_columns_and_has_a_legend_and_totals():
    result = acme("-f", "full", "--color", "never")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    heavy = [line.replace("┃", "│") for line in lines]
    assert _table_cells(heavy, "│", "purchase_completed")["web"] == "+ 1"
    assert _table_cells(heavy, "│", "Purchase Completed")["web"] == "✗"
    assert _table_cells(heavy, "│", "covered")["web"] == "75%"
    text = " ".join(result.stdout.split())
    assert "+ sent but unplanned" in text and "✗ planned but missing" in text
    assert "purchase_completed [web]: sent but unplanned, 1 call site, first at" in text
    assert "examples/acme/apps/web/src/checkout.ts:14:3" in text


def test_markdown_shows_the_web_rename_in_the_matrix_and_in_what_needs_attention():
    result = acme("-f", "markdown")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert _table_cells(lines, "|", "purchase\\_completed")["web"] == "➕ 1"
    assert _table_cells(lines, "|", "Purchase Completed")["web"] == "❌"
    assert "- ❌ **Purchase Completed** in web: planned but missing" in lines
    assert any(line.startswith("- ➕ **purchase\\_completed** in web: sent but unplanned") for line in lines)
    assert len(result.stdout) < 65536  # a GitHub comment


class _Cells(HTMLParser):
    """(row name, source) -> (status, first link) of the page's matrix."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: dict[tuple[str, str], list] = {}
        self.row: str | None = None
        self.cell: tuple[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and "data-name" in a:
            self.row = a["data-name"]
        elif tag == "td" and self.row is not None and "data-source" in a:
            self.cell = (self.row, a["data-source"])
            self.cells[self.cell] = [a["data-status"], None]
        elif tag == "a" and self.cell is not None and "site" in (a.get("class") or ""):
            self.cells[self.cell][1] = a["href"]

    def handle_endtag(self, tag):
        if tag == "td":
            self.cell = None


def test_html_shows_the_web_rename_and_links_each_cell_to_its_call_site(tmp_path):
    out = tmp_path / "report" / "coverage.html"
    out.parent.mkdir()
    result = acme("-f", "html", "-o", str(out))
    assert result.exit_code == 0, result.output
    page = out.read_text()
    parser = _Cells()
    parser.feed(page)
    status, href = parser.cells[("purchase_completed", "web")]
    assert status == UNPLANNED
    assert parser.cells[("Purchase Completed", "web")] == [MISSING, None]
    target, _, anchor = href.partition("#")
    assert anchor == "L14"
    assert (out.parent / target).resolve() == ACME / "apps" / "web" / "src" / "checkout.ts"
    # self-contained: nothing to fetch, and the policy forbids fetching
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "@import" not in page and "url(" not in page
    assert "default-src &#x27;none&#x27;" in page  # the page's Content-Security-Policy


# --------------------------------------------------------------------------- hostile names


HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


def _hostile_project(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir(parents=True)
    name = HOSTILE.replace('"', '\\"')
    plan = ("tracklint: 1\nname: '<script>alert(3)</script>'\nevents:\n  Signed Up:\n    description: x\n"
            "    owner: '<b onmouseover=alert(4)>'\n")
    (tmp_path / "tracking-plan.yaml").write_text(plan)
    (tmp_path / "app.js").write_text(f'analytics.track("{name}", {{}});\nanalytics.track("Signed Up");\n')
    return tmp_path


def test_hostile_names_are_escaped_in_html_and_markdown(tmp_path):
    root = _hostile_project(tmp_path)
    page = invoke(root, "coverage", "--no-cache", "-f", "html").stdout
    assert "<script>alert" not in page and "<img" not in page and "<b onmouseover" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<script>") == 1  # ours
    md = invoke(root, "coverage", "--no-cache", "-f", "markdown").stdout
    assert not re.search(r"(?<!\\)<(script|img|b )", md)  # every `<` backslash-escaped
    assert "\\<script\\>alert(1)\\</script\\>" in md


# --------------------------------------------------------------------------- the model


PLAN = """tracklint: 1
sources:
  web: {paths: ["web/**"]}
  api: {paths: ["api/**"]}
common:
  properties:
    app_version: {type: string}
events:
  Signed Up:
    description: x
    owner: growth
    properties:
      method: {type: string, required: true}
  Order Paid:
    description: x
    owner: payments
    sources: [api]
  Old Thing:
    description: x
    deprecated: use Signed Up
    previous_names: [Legacy Thing]
"""


def _project(tmp_path: Path, files: dict[str, str], plan: str = PLAN) -> Path:
    (tmp_path / ".git").mkdir(exist_ok=True)
    (tmp_path / "tracking-plan.yaml").write_text(plan)
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return tmp_path


def _doc(root: Path, *args: str) -> dict:
    result = invoke(root, "coverage", "--no-cache", "-f", "json", *args)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    jsonschema.validate(doc, SCHEMA)
    return doc


def _status(doc: dict, event: str, source: str) -> str | None:
    return next(e for e in doc["events"] if e["name"] == event)["cells"][source]["status"]


def test_cells_follow_the_plans_sources_and_deprecation(tmp_path):
    root = _project(tmp_path, {
        "web/a.js": 'analytics.track("Signed Up", {method: "x"});\nanalytics.track("Order Paid");\n',
        "api/b.js": 'analytics.track("Legacy Thing");\n',
        "tools/c.js": 'analytics.track("Signed Up", {method: "y"});\n',
    })
    doc = _doc(root)
    assert doc["sources"] == ["web", "api", NO_SOURCE]
    assert _status(doc, "Signed Up", "web") == "implemented"
    assert _status(doc, "Signed Up", "api") == MISSING  # no `sources:`: every source
    assert _status(doc, "Signed Up", NO_SOURCE) == UNPLANNED  # outside every source's paths
    assert _status(doc, "Order Paid", "web") == UNPLANNED  # planned for api only
    assert _status(doc, "Order Paid", "api") == MISSING
    assert _status(doc, "Old Thing", "web") is None  # deprecated: not expected
    legacy = next(e for e in doc["events"] if e["name"] == "Legacy Thing")
    assert legacy["renamed_to"] == "Old Thing" and legacy["cells"]["api"]["status"] == UNPLANNED
    assert doc["groups"] == ["growth", "payments", "(no owner)"]
    assert doc["totals"]["groups"]["payments"]["api"]["missing"] == 1


def test_dynamic_names_and_open_properties_are_unverifiable(tmp_path):
    root = _project(tmp_path, {
        "web/a.js": "analytics.track(name, {});\nanalytics.track(\"Signed Up\", {...extra, method: 'x'});\n",
        "api/b.js": 'analytics.track("Signed Up", props);\n',
    })
    doc = _doc(root)
    assert _status(doc, "(dynamic event name)", "web") == "unverifiable"
    assert _status(doc, "Signed Up", "web") == "unverifiable"
    assert _status(doc, "Signed Up", "api") == "unverifiable"
    (prop,) = next(e for e in doc["events"] if e["name"] == "Signed Up")["properties"]
    assert prop["name"] == "method" and prop["status"] == "unknown"
    assert [s["path"] for s in prop["unknown"]] == ["api/b.js"]  # the spread one sends `method`


def test_required_properties_left_out_are_listed_with_their_call_sites(tmp_path):
    root = _project(tmp_path, {
        "web/a.js": 'analytics.track("Signed Up", {method: "x"});\n\nanalytics.track("Signed Up", {other: 1});\n',
        "api/b.js": 'analytics.track("Signed Up");\n',
    })
    (prop,) = next(e for e in _doc(root)["events"] if e["name"] == "Signed Up")["properties"]
    assert prop["status"] == "missing" and prop["sites"] == 3
    assert [(s["path"], s["line"]) for s in prop["missing"]] == [("api/b.js", 1), ("web/a.js", 3)]
    text = " ".join(invoke(root, "coverage", "--no-cache", "--color", "never").stdout.split())
    assert "Signed Up: required `method` left out at 2 of 3 call sites, first at api/b.js:1:1" in text


def test_a_plan_without_sources_expects_every_event_in_one_column(tmp_path):
    root = _project(tmp_path, {"a.js": 'analytics.track("A");\n'},
                    plan="tracklint: 1\nevents:\n  A:\n    description: x\n  B:\n    description: x\n")
    doc = _doc(root)
    assert doc["sources"] == [NO_SOURCE]
    assert _status(doc, "A", NO_SOURCE) == "implemented" and _status(doc, "B", NO_SOURCE) == MISSING
    assert doc["totals"]["all"]["percent"] == 50.0


_NAMES = st.sampled_from(["Signed Up", "Order Paid", "Old Thing", "Legacy Thing", "Other", None])
_PLACES = st.sampled_from(["web/a.js", "api/b.js", "tools/c.js"])
_PROPS = st.sampled_from(["none", "literal", "dynamic"])


def _call(i: int, event: str | None, path: str, props: str) -> TrackCall:
    value = None if props == "none" else Value("object", properties={} if props == "literal" else None)
    source = {"web": "web", "api": "api"}.get(path.split("/")[0])
    return TrackCall(path, "javascript", Span(i + 1, 1, i + 1, 2, 1, 2), "segment", "analytics", "track", "track",
                     event, "literal" if event else "dynamic", properties=value, source=source)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_NAMES, _PLACES, _PROPS), max_size=12))
def test_every_call_lands_in_exactly_one_cell_and_totals_add_up(calls):
    plan = load_plan_text(PLAN, "/project/tracking-plan.yaml")
    sites = [_call(i, *c) for i, c in enumerate(calls)]
    coverage = build(plan, sites)
    assert sum(len(cell.sites) for row in coverage.rows for cell in row.cells.values()) == len(sites)
    totals = coverage.totals()
    assert totals.planned == totals.implemented + totals.unverifiable + totals.missing
    assert totals.percent is None or 0 <= totals.percent <= 100
    for row in coverage.rows:
        for source, cell in row.cells.items():
            assert (cell.status is None) == (not cell.sites and cell.status != MISSING)
            assert cell.status in (*STATUSES, None)
            if cell.status == MISSING:
                assert row.planned and not cell.sites
            if not row.planned and cell.sites:
                assert cell.status in (UNPLANNED, "unverifiable")


# --------------------------------------------------------------------------- exit codes


def test_fail_under_is_a_gate_and_bad_input_exits_2(tmp_path):
    assert acme("-f", "json", "--fail-under", "80").exit_code == 0  # 83.3%
    below = acme("-f", "json", "--fail-under", "90")
    assert below.exit_code == 1 and "coverage 83.3% is below --fail-under 90%" in below.stderr
    assert acme("--fail-under", "101").exit_code == 2
    root = _project(tmp_path, {"a.js": 'analytics.track("A");\n'}, plan="tracklint: 1\nevents:\n  A: [unclosed\n")
    broken = invoke(root, "coverage", "--no-cache")
    assert broken.exit_code == 2 and "tracking-plan.yaml:" in broken.stderr and "Traceback" not in broken.output
    (root / "tracking-plan.yaml").unlink()
    missing = invoke(root, "coverage", "--no-cache", "-f", "html")
    assert missing.exit_code == 2 and "no tracking plan found" in missing.stderr


# --------------------------------------------------------------------------- --changed-since


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args], cwd=root, check=True,
                   capture_output=True)


def test_changed_since_shows_what_the_change_added_and_removed(tmp_path):
    root = tmp_path
    _git(root, "init", "-q", "-b", "main")
    _project(root, {"web/a.js": 'analytics.track("Signed Up", {method: "x"});\n', "api/b.js": "\n"})
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "base")
    _git(root, "checkout", "-qb", "feature")
    (root / "web" / "a.js").write_text('analytics.track("signed_up", {method: "x"});\n')
    (root / "api" / "b.js").write_text('analytics.track("Order Paid");\n')
    (root / "tracking-plan.yaml").write_text(PLAN + "  New One:\n    description: x\n    sources: [api]\n")
    doc = _doc(root, "--changed-since", "main")
    change = {(c["event"], c["source"]): (c["before"], c["after"]) for c in doc["change"]["cells"]}
    assert change == {("Signed Up", "web"): ("implemented", MISSING), ("signed_up", "web"): (None, UNPLANNED),
                      ("Order Paid", "api"): (MISSING, "implemented"), ("New One", "api"): (None, MISSING)}
    assert doc["change"]["before"]["implemented"] == 1
    md = invoke(root, "coverage", "--no-cache", "-f", "markdown", "--changed-since", "main").stdout
    assert "**Since `main`**" in md
    assert "| 🔴 | Signed Up | web | ✅ implemented | ❌ planned but missing |" in md
    assert "| 🟢 | Order Paid | api | ❌ planned but missing | ✅ implemented |" in md
    unknown = invoke(root, "coverage", "--no-cache", "--changed-since", "nope")
    assert unknown.exit_code == 2 and "nope" in unknown.stderr
