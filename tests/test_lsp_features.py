"""The language server's answers computed in-process (tracklint.lsp.features / project): the
parts the end-to-end tests (tests/test_lsp.py) cannot reach yet or only slowly: quick fixes
from ``Diagnostic.fix`` with their UTF-16 ranges, adding an event to a plan that has no
events, a project without a plan, and the text of hovers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("pygls", reason="the language server needs pygls (the lsp extra)")

from lsprotocol import types as lsp  # noqa: E402
from pygls.workspace.position_codec import PositionCodec  # noqa: E402

from tracklint.diagnostics import Edit, Fix  # noqa: E402
from tracklint.lsp import features  # noqa: E402
from tracklint.lsp.project import Projects, check_document  # noqa: E402

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "lsp"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURE, tmp_path / "p")
    (tmp_path / "p" / ".git").mkdir()
    return tmp_path / "p"


def texts_for(files: dict[str, str]) -> features.Texts:
    return features.Texts(lambda path: features.split_lines(files[path]) if path in files else None, PositionCodec())


def test_a_fix_becomes_a_quick_fix_with_utf16_ranges(root: Path) -> None:
    path = str(root / "web" / "new.ts")
    text = '/* 🎉 */ analytics.track("order completed");\n'
    checked = check_document(Projects(str(root)).for_path(path), path, text)
    finding = checked.diagnostics[0]
    start = text.index("order")
    edit = Edit("web/new.ts", len(text[:start].encode()), len(text[:start].encode()) + 15, "Purchase Completed",
                1, start + 1, 1, start + 16)
    checked.diagnostics[0] = finding.with_(fix=Fix((edit,), True, "Rename to `Purchase Completed`"))
    texts = texts_for({path: text})
    shown = features.diagnostics(checked, texts)
    action, = features.fix_actions(checked, shown, str(root), texts)
    assert action.title == "Rename to `Purchase Completed`" and action.is_preferred
    (uri, (change,)), = action.edit.changes.items()
    assert uri == features.file_uri(path) and change.new_text == "Purchase Completed"
    # the emoji is two UTF-16 units: the edit starts one unit after its code-point column
    assert change.range.start == lsp.Position(line=0, character=start + 1)
    unsafe = checked.diagnostics[0].with_(fix=Fix((edit,), False, "Rename"))
    checked.diagnostics[0] = unsafe
    action, = features.fix_actions(checked, shown, str(root), texts)
    assert action.title == "Rename (unsafe)" and not action.is_preferred


def test_add_event_to_a_plan_without_events_appends_the_table(root: Path) -> None:
    plan = root / "tracking-plan.yaml"
    plan.write_text("tracklint: 1\nname: empty\n")
    path = str(root / "server" / "new.py")
    text = 'import segment.analytics as analytics\nanalytics.track("u", "Signed Up", {"plan": "pro", "seats": 3})\n'
    checked = check_document(Projects(str(root)).for_path(path), path, text)
    texts = texts_for({path: text, str(plan): plan.read_text()})
    action, = features.add_event_actions(checked, features.diagnostics(checked, texts), texts)
    (edit,), = action.edit.changes.values()
    assert edit.range.start == lsp.Position(line=2, character=0)
    assert edit.new_text == "events:\n  Signed Up:\n    properties:\n      plan: {type: string}\n      seats: {type: integer}\n"


def test_a_name_that_yaml_would_misread_is_quoted() -> None:
    assert features._yaml_key("Signed Up") == "Signed Up"
    assert features._yaml_key("yes") == '"yes"'
    assert features._yaml_key("a: b") == '"a: b"'
    assert features._yaml_key("#tag") == '"#tag"'


def test_without_a_plan_the_document_says_why(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    path = str(tmp_path / "app.ts")
    checked = check_document(Projects(str(tmp_path)).for_path(path), path, 'analytics.track("X");\n')
    shown = features.diagnostics(checked, texts_for({}))
    assert [d.message for d in shown] == ["tracklint: no tracking plan found (tracking-plan.yaml from the document up to the project root)"]


def test_hover_on_a_property_lists_its_constraints(root: Path) -> None:
    (root / "tracking-plan.yaml").write_text(
        "tracklint: 1\nevents:\n  Signed Up:\n    description: New.\n    properties:\n"
        "      plan: {type: string, enum: [free, pro], description: The plan chosen., pii: true}\n")
    path = str(root / "android" / "A.kt")
    text = 'fun f() {\n    analytics.track("Signed Up", mapOf("plan" to "pro"))\n}\n'
    checked = check_document(Projects(str(root)).for_path(path), path, text)
    line, column = 2, text.split("\n")[1].index("plan") + 1
    assert features.hover(checked, line, column) == (
        '**plan**: string (optional)\n\nThe plan chosen.\n\none of `"free"`, `"pro"` · PII')


from hypothesis import given, settings as hsettings, strategies as st  # noqa: E402

_PROJECTS: dict[str, Projects] = {}


@hsettings(max_examples=40, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list('analytics.track("Purchase Completed", {order_id: 1})\n é🎉\'[]:')), max_size=200),
       name=st.sampled_from(["a.py", "a.ts", "a.tsx", "A.swift", "A.kt", "tracking-plan.yaml"]),
       line=st.integers(1, 6), column=st.integers(1, 40))
def test_any_text_and_any_cursor_give_answers_not_tracebacks(text: str, name: str, line: int, column: int) -> None:
    projects = _PROJECTS.setdefault("p", Projects(str(FIXTURE)))
    path = str(FIXTURE / "web" / name) if name != "tracking-plan.yaml" else str(FIXTURE / name)
    checked = check_document(projects.for_path(path), path, text)
    assert checked.problem is None or "internal error" not in checked.problem
    texts = texts_for({path: text})
    features.diagnostics(checked, texts)
    features.hover(checked, line, column)
    features.completion(checked, line, column, texts)
    features.definition(checked, line, column, texts)


def test_a_script_without_a_suffix_is_read_by_its_shebang(root: Path) -> None:
    path = str(root / "bin" / "deploy")
    text = "#!/usr/bin/env ruby\nAnalytics.track(user_id: 'u', event: 'Order Completed')\n"
    checked = check_document(Projects(str(root)).for_path(path), path, text)
    assert [d.code for d in checked.diagnostics] == ["TL001"]
    assert check_document(Projects(str(root)).for_path(path), path, "echo hi\n").diagnostics == []
