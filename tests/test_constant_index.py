"""The cross-file constant index is cached: an unchanged run parses no file, and any change to a
file that defines an event constant (its value, its removal, its move) shows on the next run."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings as hyp_settings, strategies as st

from tracklint import engine, pool
from tracklint.cache import Cache
from tracklint.config import resolve_settings
from tracklint.extract.base import FileExtraction

#: Each project: a file that defines an event constant and has no call (the pre-filter skips
#: it: its exports are read on demand), and a file whose call sends that constant.
PROJECTS = {
    "swift": ("ios/Events.swift", 'enum Events: String {{\n    case signedUp = "{value}"\n}}\n',
              "ios/App.swift", "analytics.track(name: Events.signedUp.rawValue)\n"),
    "kotlin": ("android/Events.kt", 'package com.acme\nobject Events {{ const val SIGNED_UP = "{value}" }}\n',
               "android/App.kt", "import com.acme.Events\nfun f() {{ analytics.track(Events.SIGNED_UP) }}\n"),
    "python": ("app/names.py", 'ORDER = "{value}"\n',
               "app/view.py", 'import analytics\nfrom app.names import ORDER\nanalytics.track("u", ORDER)\n'),
    "typescript": ("web/events.ts", 'export const Events = {{ A: "{value}" }} as const;\n',
                   "web/page.ts", 'import {{ Events }} from "./events";\nanalytics.track(Events.A);\n'),
}

_CLOCK = [time.time() - 100_000]


def write(root: Path, rel: str, text: str) -> None:
    """Write ``rel`` with an mtime of its own, well outside the racy window (a run may trust
    the stat of an entry it stores)."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    _CLOCK[0] += 10
    os.utime(path, (_CLOCK[0], _CLOCK[0]))


def make(root: Path, language: str, value: str) -> tuple[str, str]:
    defining, template, calling, call = PROJECTS[language]
    (root / ".git").mkdir(exist_ok=True)
    if language == "python":
        write(root, "app/__init__.py", "")
    write(root, defining, template.format(value=value))
    write(root, calling, call.format())
    return defining, calling


class Parses:
    """Counts the files parsed (every parse goes through ``pool.extract_file``)."""

    def __init__(self, monkeypatch) -> None:
        self.paths: list[str] = []
        real = pool.extract_file

        def counting(rel, *args, **kwargs):
            self.paths.append(rel)
            return real(rel, *args, **kwargs)

        monkeypatch.setattr(pool, "extract_file", counting)

    def take(self) -> list[str]:
        taken, self.paths = sorted(self.paths), []
        return taken


def events(root: Path, *, cache: bool = True, jobs: int = 1) -> list[tuple[str, str | None, str | None]]:
    settings = resolve_settings(cwd=root, overrides={"cache": cache, "jobs": jobs})
    return sorted((c.path, c.event, c.event_from) for c in engine.scan(settings).calls)


def test_an_unchanged_run_parses_no_file_and_resolves_every_constant(tmp_path: Path, monkeypatch) -> None:
    for language in PROJECTS:
        make(tmp_path, language, f"{language} signed up")
    parses = Parses(monkeypatch)
    cold = events(tmp_path)
    assert [e for _, e, _ in cold] == [f"{language} signed up" for language in ("kotlin", "python", "swift", "typescript")]
    assert "ios/Events.swift" in parses.take()  # skipped by the pre-filter, parsed for its exports
    reads: list[str] = []
    real_read = engine.read_with_stat
    monkeypatch.setattr(engine, "read_with_stat", lambda path, *a: reads.append(path) or real_read(path, *a))
    assert events(tmp_path) == cold
    assert parses.take() == []
    assert reads == []  # nor read to find which files mention the constants' names
    assert events(tmp_path, cache=False) == cold


def test_a_change_to_the_constants_file_alone_shows_on_the_next_run(tmp_path: Path, monkeypatch) -> None:
    for language in PROJECTS:
        defining, calling = make(tmp_path, language, "Signed Up")
        events(tmp_path)
        parses = Parses(monkeypatch)
        write(tmp_path, defining, PROJECTS[language][1].format(value="Signed In"))
        got = [c for c in events(tmp_path) if c[0] == calling]
        assert got == [(calling, "Signed In", defining)], language
        assert parses.take() == [defining], language  # the call's own file came from the cache
        monkeypatch.undo()


def test_a_constant_renamed_deleted_or_moved(tmp_path: Path) -> None:
    defining, calling = make(tmp_path, "swift", "Signed Up")
    assert events(tmp_path) == [(calling, "Signed Up", defining)]
    text = (tmp_path / defining).read_text()
    write(tmp_path, defining, renamed(text))
    assert events(tmp_path) == [(calling, None, None)]
    write(tmp_path, defining, text)
    assert events(tmp_path) == [(calling, "Signed Up", defining)]
    moved = "ios/Shared/Names.swift"
    (tmp_path / moved).parent.mkdir()
    os.rename(tmp_path / defining, tmp_path / moved)
    assert events(tmp_path) == [(calling, "Signed Up", moved)]
    os.unlink(tmp_path / moved)
    assert events(tmp_path) == [(calling, None, None)]
    assert events(tmp_path) == events(tmp_path, cache=False)


#: The constant renamed in its file, in each project's text (the call no longer resolves).
RENAMED = (("signedUp", "signedOn"), ("SIGNED_UP", "SIGNED_ON"), ("ORDER =", "OTHER ="), (" A:", " B:"))


def renamed(text: str) -> str:
    for old, new in RENAMED:
        text = text.replace(old, new)
    return text


_STEPS = st.lists(st.tuples(st.sampled_from(["value", "delete", "move", "touch", "nothing", "break", "rename"]),
                            st.sampled_from(["Signed Up", "Signed In", "Logged Out"])), min_size=1, max_size=6)


@hyp_settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(language=st.sampled_from(sorted(PROJECTS)), steps=_STEPS)
def test_a_warm_run_always_equals_a_run_without_cache(language: str, steps: list[tuple[str, str]]) -> None:
    with tempfile.TemporaryDirectory() as where:
        root = Path(where)
        defining, _ = make(root, language, "Signed Up")
        template = PROJECTS[language][1]
        here = defining
        for step, value in steps:
            if step == "value" or (step != "nothing" and not (root / here).exists()):
                write(root, here, template.format(value=value))
            elif step == "delete":
                os.unlink(root / here)
            elif step == "move":
                there = os.path.join(os.path.dirname(here), "Moved" + os.path.basename(here))
                os.rename(root / here, root / there)
                here = there
            elif step == "touch":  # the same bytes, another mtime (a checkout back and forth)
                write(root, here, (root / here).read_text())
            elif step == "break":  # the same length, another value
                write(root, here, template.format(value=value).replace("S", "Z", 1))
            elif step == "rename":  # the constant's name changes (the file no longer mentions it)
                write(root, here, renamed(template.format(value=value)))
            assert events(root) == events(root, cache=False), (step, value)


def test_a_whole_file_record_is_kept_only_for_the_content_it_was_made_from(tmp_path: Path) -> None:
    f = tmp_path / "Events.swift"
    f.write_text("enum E {}\n")
    os.utime(f, (time.time() - 3600,) * 2)
    whole = FileExtraction(path="Events.swift", language="swift", exports={"E.a": "A"})
    c = Cache(tmp_path / ".tracklint_cache", "s")
    st_before = f.stat()
    c.store_unparsed("Events.swift", st_before)
    assert c.store_whole("Events.swift", st_before, whole)
    assert c.lookup_whole("Events.swift") == whole
    other = pool.FileStat(st_before.st_size, st_before.st_mtime_ns + 1, st_before.st_mode)
    assert not c.store_whole("Events.swift", other, whole)  # read after the file changed: not kept
    c.save()
    again = Cache(tmp_path / ".tracklint_cache", "s")
    assert again.lookup_whole("Events.swift") is None  # not looked up in this run: not trusted yet
    assert again.lookup("Events.swift", f.stat()) is not None
    assert again.lookup_whole("Events.swift") == whole
    racy = tmp_path / "New.swift"
    racy.write_text("enum N {}\n")  # written just now: its stat cannot vouch for its bytes
    again.store_unparsed("New.swift", racy.stat())
    assert not again.store_whole("New.swift", racy.stat(), whole)
    again.store("Events.swift", f.stat(), "d1", FileExtraction(path="Events.swift", language="swift"))
    assert again.lookup_whole("Events.swift") is None  # replaced by an entry of unknown content


def test_what_a_file_mentions_is_remembered_for_the_content_it_was_read_from(tmp_path: Path) -> None:
    f = tmp_path / "Other.swift"
    f.write_text("struct Other { let signedUp = 1 }\n")
    os.utime(f, (time.time() - 3600,) * 2)
    c = Cache(tmp_path / ".tracklint_cache", "s")
    c.store_unparsed("Other.swift", f.stat())
    assert c.mentions("Other.swift", "k1") is None
    assert c.store_mentions("Other.swift", f.stat(), "k1", True)
    assert c.mentions("Other.swift", "k1") is True
    assert c.mentions("Other.swift", "k2") is None  # another set of names: not known
    assert c.store_whole("Other.swift", f.stat(), FileExtraction(path="Other.swift", language="swift"))
    assert c.store_mentions("Other.swift", f.stat(), "k2", False)
    assert c.mentions("Other.swift", "k2") is False and c.lookup_whole("Other.swift") is not None
    c.save()
    again = Cache(tmp_path / ".tracklint_cache", "s")
    assert again.mentions("Other.swift", "k2") is None  # not looked up in this run
    assert again.lookup("Other.swift", f.stat()) is not None
    assert again.mentions("Other.swift", "k2") is False
    f.write_text("struct Other { let signedUp = 2, x = 0 }\n")
    os.utime(f, (time.time() - 1800,) * 2)
    again.store_unparsed("Other.swift", f.stat())  # the file changed: what it mentioned is forgotten
    assert again.mentions("Other.swift", "k2") is None and again.lookup_whole("Other.swift") is None


def test_results_with_workers_equal_results_in_process(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(pool, "PARALLEL_MIN_FILES", 2)
    for language in PROJECTS:
        make(tmp_path, language, "Signed Up")
    for i in range(8):
        write(tmp_path, f"ios/Filler{i}.swift", f"struct Filler{i} {{ let signedUp = {i} }}\n")
    assert events(tmp_path, jobs=2) == events(tmp_path, jobs=2) == events(tmp_path, cache=False, jobs=1)
