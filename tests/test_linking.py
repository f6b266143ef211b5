"""Cross-file constants (tracklint.extract.linking), on extraction records alone."""

from __future__ import annotations

from tracklint.extract import linking
from tracklint.extract.base import FileExtraction, Span, TrackCall


def _call(path: str, language: str, ref: str) -> TrackCall:
    return TrackCall(path=path, language=language, span=Span(1, 1, 1, 2, 1, 2), sdk="segment",
                     receiver="analytics", method="track", kind="track", event=None,
                     event_kind="dynamic", event_ref=ref)


def test_a_python_import_resolves_and_records_its_file() -> None:
    events = FileExtraction("app/events.py", "python", exports={"ORDER": "Order Completed"})
    # `from . import events`: the imported name is a submodule
    user = FileExtraction("app/views.py", "python", imports={"events": (".", "events")},
                          calls=[_call("app/views.py", "python", "events.ORDER")])
    linking.resolve_constants([events, user])
    call = user.calls[0]
    assert (call.event, call.event_kind, call.event_from) == ("Order Completed", "constant", "app/events.py")
    assert linking.depends_on(user, call, frozenset({"app/events.py"}), set())
    assert not linking.depends_on(user, call, frozenset({"app/other.py"}), set())


def test_a_javascript_import_tries_typescript_first_and_index_files() -> None:
    events = FileExtraction("src/events/index.ts", "typescript", exports={"Events.SIGN_UP": "Signed Up"})
    user = FileExtraction("src/app.tsx", "tsx", imports={"Events": ("./events", "Events")},
                          calls=[_call("src/app.tsx", "tsx", "Events.SIGN_UP")])
    linking.resolve_constants([events, user])
    assert user.calls[0].event == "Signed Up"
    assert user.calls[0].event_from == "src/events/index.ts"


def test_an_unparsed_imported_module_is_wanted_whole() -> None:
    user = FileExtraction("src/app.js", "javascript", imports={"E": ("./events", "E")},
                          calls=[_call("src/app.js", "javascript", "E.X")])
    wanted = linking.wanted_files([user], {"src/events.js": "javascript"}, lambda path: None)
    assert wanted == {"src/events.js"}


def test_a_shared_namespace_uses_a_name_defined_once() -> None:
    once = FileExtraction("A/Events.swift", "swift", exports={"Events.signUp": "Signed Up"})
    user = FileExtraction("A/View.swift", "swift", calls=[_call("A/View.swift", "swift", "Events.signUp.rawValue")])
    wanted = linking.wanted_files([user], {"A/Other.swift": "swift", "A/x.kt": "kotlin"},
                                  lambda path: b"case signUp" if path.endswith(".swift") else b"signUp")
    assert wanted == {"A/Other.swift"}
    linking.resolve_constants([once, user])
    assert user.calls[0].event == "Signed Up"
    call = _call("A/View.swift", "swift", "Missing.name")
    assert linking.depends_on(user, call, frozenset({"B/x.swift"}), linking.changed_families({"B/x.swift"}))
    assert not linking.depends_on(user, call, frozenset({"B/x.kt"}), linking.changed_families({"B/x.kt"}))


def test_a_name_defined_twice_with_two_values_stays_unresolved() -> None:
    files = [FileExtraction(f"{n}.kt", "kotlin", exports={"EVENT": n}) for n in ("a", "b")]
    user = FileExtraction("c.kt", "kotlin", calls=[_call("c.kt", "kotlin", "EVENT")])
    linking.resolve_constants(files + [user])
    assert user.calls[0].event is None
