"""Tests for tracklint.cache: exact round trip, stat and digest hits, invalidation, atomicity."""

from __future__ import annotations

import dataclasses
import json
import math
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tracklint import cache as cache_mod
from tracklint.cache import (
    Cache,
    default_directory,
    extraction_from_dict,
    extraction_to_dict,
    file_digest,
)
from tracklint.extract.base import (
    Directive,
    FileExtraction,
    Notice,
    Span,
    TrackCall,
    Value,
    literal,
    unknown,
)


def span(line: int, col: int = 1) -> Span:
    return Span(line, col, line, col + 10, col, col + 10, 100 * line, 100 * line + 10)


def rich_extraction(path: str = "src/app.ts") -> FileExtraction:
    props = Value(
        type="object",
        properties={
            "total": literal(12.5, text="12.5", span=span(3, 20)),
            "count": literal(3, text="3"),
            "ok": literal(True, text="true"),
            "none": literal(None, text="null"),
            "big": literal(2**70, text=str(2**70)),
            "nan": literal(math.inf, text="Infinity"),
            "name": Value(type="string", value="Ünï 😀", known=True, kind="constant", ref="NAME",
                          key_span=span(3, 5)),
            "items": Value(type="array", items=[literal("a"), unknown("x", ref="x")], open=True),
            "nested": Value(type="object", properties={}, open=True, ctor="BaseEvent"),
        },
        kind="literal",
        text="{total: 12.5, ...}",
        span=span(3, 15),
    )
    call = TrackCall(
        path=path, language="typescript", span=span(3), sdk="segment", receiver="window.analytics",
        method="track", kind="track", event="Order Completed", event_kind="literal",
        event_text='"Order Completed"', event_span=span(3, 17), event_ref=None, properties=props,
        source="web",
    )
    dynamic = TrackCall(
        path=path, language="typescript", span=span(9), sdk="posthog", receiver="posthog",
        method="capture", kind="track", event=None, event_kind="dynamic", event_text="name",
        event_ref="name",
    )
    return FileExtraction(
        path=path,
        language="typescript",
        calls=[call, dynamic],
        notices=[Notice(path, "syntax-error", "cannot parse", 4, 2, 4, 9),
                 Notice(path, "skipped", "minified")],
        directives=[Directive(2, ("TL001", "TL005"), False, 3, 30, True),
                    Directive(1, ("TL010",), True)],
        exports={"Events.ORDER": "Order Completed"},
        imports={"ORDER": ("./events", "ORDER_COMPLETED")},
        lines={3: "analytics.track('Order Completed', {total: 12.5})", 9: "posthog.capture(name)"},
    )


def test_round_trip_is_exact() -> None:
    original = rich_extraction()
    data = json.loads(json.dumps(extraction_to_dict(original)))
    back = extraction_from_dict(data)
    assert back == original
    assert isinstance(back.calls[0].properties.properties["count"].value, int)
    assert isinstance(back.calls[0].properties.properties["total"].value, float)
    assert back.directives[0].codes == ("TL001", "TL005")
    assert back.imports["ORDER"] == ("./events", "ORDER_COMPLETED")
    assert list(back.calls[0].properties.properties) == list(original.calls[0].properties.properties)
    assert back.lines == original.lines and all(isinstance(k, int) for k in back.lines)


def test_serialiser_covers_every_field() -> None:
    """Fields the serialisers do not name are carried generically, which works for JSON data
    only (scalars, dicts and lists): a field of other data must be added to the serialiser."""
    generic = {Notice, Directive}  # dataclasses.asdict, every field
    for cls, handled in cache_mod.HANDLED.items():
        for f in dataclasses.fields(cls):
            if f.name not in handled:
                if f.default_factory is not dataclasses.MISSING:
                    assert f.default_factory in (dict, list), f"{cls.__name__}.{f.name}"
                else:
                    assert isinstance(f.default, cache_mod._SCALARS), f"{cls.__name__}.{f.name}"
    for cls in generic:
        for f in dataclasses.fields(cls):
            assert f.name == "codes" or f.default_factory is dataclasses.MISSING
    assert cache_mod.LAYOUT == cache_mod._layout_fingerprint()


@dataclasses.dataclass
class _Grown:
    """A record that gained fields after its serialiser was written."""

    path: str
    count: int = 0
    bindings: dict = dataclasses.field(default_factory=dict)
    cases: list = dataclasses.field(default_factory=list)


def test_extra_json_fields_round_trip_and_other_data_is_refused() -> None:
    handled = frozenset({"path"})
    grown = _Grown("a.swift", 3, {"client": {"sdk": "posthog", "names": ["ph", "postHog"]}}, [["A.b", "a_b"]])
    data = cache_mod._extras_to(grown, handled, {"path": grown.path})
    assert _Grown(**{"path": "a.swift", **cache_mod._extras_from(_Grown, handled, json.loads(json.dumps(data)))}) == grown
    assert cache_mod._extras_to(_Grown("b.kt"), handled, {}) == {}  # defaults are left out
    with pytest.raises(TypeError, match="bindings"):  # a tuple would come back as a list
        cache_mod._extras_to(_Grown("a", bindings={"x": ("m", "n")}), handled, {})
    for bad in ({"bindings": []}, {"bindings": "x"}, {"count": {}}, {"cases": {"a": 1}}, {"other": 1}):
        with pytest.raises(ValueError):
            cache_mod._extras_from(_Grown, handled, bad)


def test_extra_scalar_fields_round_trip() -> None:
    names = {f.name for f in dataclasses.fields(FileExtraction)}
    if "parsed" in names:  # the engine marks pre-filtered files parsed=False
        fx = FileExtraction(path="a.py", language="python", parsed=False)
        assert extraction_from_dict(json.loads(json.dumps(extraction_to_dict(fx)))) == fx
    with pytest.raises(ValueError):
        extraction_from_dict({"path": "a.py", "language": "python", "bogus": 1})


def stat_of(path: Path) -> os.stat_result:
    return path.stat()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    old = time.time() - 3600  # well outside the racy window
    for name in ("app.ts", "b.py"):
        f = tmp_path / "src" / name
        f.write_text(f"// {name}\n")
        os.utime(f, (old, old))
    return tmp_path


def test_hit_on_stat_and_persistence(project: Path) -> None:
    f = project / "src" / "app.ts"
    ext = rich_extraction()
    c = Cache(default_directory(project), "0.1.0:abc")
    assert c.lookup("src/app.ts", stat_of(f)) is None
    c.store("src/app.ts", stat_of(f), file_digest(f.read_bytes()), ext)
    empty = FileExtraction(path="src/b.py", language="python")
    c.store("src/b.py", stat_of(project / "src" / "b.py"), "d", empty)
    assert c.save() is True
    assert c.save() is False  # nothing changed: nothing written
    again = Cache(default_directory(project), "0.1.0:abc")
    assert again.load_problem is None
    assert again.lookup("src/app.ts", stat_of(f)) == ext
    assert again.lookup("src/b.py", stat_of(project / "src" / "b.py")) == empty
    assert (project / ".tracklint_cache" / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (project / ".tracklint_cache" / "CACHEDIR.TAG").exists()


def test_miss_on_changed_stat_then_digest_fallback(project: Path) -> None:
    f = project / "src" / "app.ts"
    ext = rich_extraction()
    c = Cache(project / ".tracklint_cache", "s")
    digest = file_digest(f.read_bytes())
    c.store("src/app.ts", stat_of(f), digest, ext)
    c.save()
    later = time.time() - 60
    os.utime(f, (later, later))  # a checkout touches the mtime, the content is the same
    c2 = Cache(project / ".tracklint_cache", "s")
    assert c2.lookup("src/app.ts", stat_of(f)) is None
    assert c2.lookup_digest("src/app.ts", digest) == ext
    assert c2.lookup_digest("src/app.ts", "other") is None
    f.write_text("// changed, longer\n")  # size changes too
    assert c2.lookup("src/app.ts", stat_of(f)) is None


def test_digest_hit_for_renamed_file_rewrites_paths(project: Path) -> None:
    c = Cache(project / ".tracklint_cache", "s")
    c.store("src/app.ts", stat_of(project / "src" / "app.ts"), "dd", rich_extraction())
    moved = c.lookup_digest("lib/moved.ts", "dd")
    assert moved == rich_extraction("lib/moved.ts")
    assert c.lookup_digest("lib/moved.py", "dd") is None  # another language: not reused


def test_entry_without_digest_hits_by_stat_only(project: Path) -> None:
    f = project / "src" / "b.py"
    c = Cache(project / ".tracklint_cache", "s")
    fx = FileExtraction(path="src/b.py", language="python")
    c.store("src/b.py", stat_of(f), None, fx)
    assert "src/b.py" in c and "src/x.py" not in c
    assert c.lookup("src/b.py", stat_of(f)) == fx
    assert c.lookup_digest("src/b.py", "") is None
    assert c.lookup_digest("src/other.py", "") is None


def test_racily_clean_entry_trusts_only_the_digest(tmp_path: Path) -> None:
    f = tmp_path / "a.py"
    f.write_text("x = 1\n")  # mtime is now: inside the racy window
    c = Cache(tmp_path / ".tracklint_cache", "s")
    ext = FileExtraction(path="a.py", language="python")
    c.store("a.py", stat_of(f), "d1", ext)
    assert c.lookup("a.py", stat_of(f)) is None
    assert c.lookup_digest("a.py", "d1") == ext


def test_salt_change_invalidates(project: Path) -> None:
    f = project / "src" / "app.ts"
    c = Cache(project / ".tracklint_cache", "0.1.0:settings-a")
    c.store("src/app.ts", stat_of(f), "d", rich_extraction())
    c.save()
    other = Cache(project / ".tracklint_cache", "0.1.0:settings-b")
    assert other.lookup("src/app.ts", stat_of(f)) is None
    assert len(other) == 0
    # the first salt's cache still exists beside it
    assert Cache(project / ".tracklint_cache", "0.1.0:settings-a").lookup("src/app.ts", stat_of(f))


def test_foreign_salt_inside_the_file_is_ignored(project: Path) -> None:
    c = Cache(project / ".tracklint_cache", "s")
    c.store("src/app.ts", stat_of(project / "src" / "app.ts"), "d", rich_extraction())
    c.save()
    doc = json.loads(c.path.read_text())
    doc["salt"] = "not-s"
    c.path.write_text(json.dumps(doc))
    again = Cache(project / ".tracklint_cache", "s")
    assert len(again) == 0 and again.load_problem


@pytest.mark.parametrize(
    "content",
    [b"", b"{", b"\xff\xfe", b"[]", b'{"format": 1}', b"null", b"[" * 100000,
     b'{"format":1,"layout":"%s","salt":"s","entries":{"a.py":[1,2]}}'],
)
def test_corrupt_cache_is_ignored_and_rebuilt(project: Path, content: bytes) -> None:
    c = Cache(project / ".tracklint_cache", "s")
    c.path.parent.mkdir(parents=True)
    c.path.write_bytes(content.replace(b"%s", cache_mod.LAYOUT.encode()))
    broken = Cache(project / ".tracklint_cache", "s")
    assert len(broken) == 0
    f = project / "src" / "app.ts"
    broken.store("src/app.ts", stat_of(f), "d", rich_extraction())
    assert broken.save()
    assert Cache(project / ".tracklint_cache", "s").lookup("src/app.ts", stat_of(f)) is not None


def test_damaged_entry_is_a_miss(project: Path) -> None:
    f = project / "src" / "app.ts"
    c = Cache(project / ".tracklint_cache", "s")
    c.store("src/app.ts", stat_of(f), "d", rich_extraction())
    c.save()
    doc = json.loads(c.path.read_text())
    record = json.loads(doc["entries"]["src/app.ts"][3])
    record["calls"][0]["span"] = [1, 2]
    doc["entries"]["src/app.ts"][3] = json.dumps(record)
    c.path.write_text(json.dumps(doc))
    assert Cache(project / ".tracklint_cache", "s").lookup("src/app.ts", stat_of(f)) is None
    doc["entries"]["src/app.ts"][3] = "{not json"
    c.path.write_text(json.dumps(doc))
    assert Cache(project / ".tracklint_cache", "s").lookup("src/app.ts", stat_of(f)) is None


def test_atomic_write_survives_a_crash(project: Path, monkeypatch) -> None:
    f = project / "src" / "app.ts"
    c = Cache(project / ".tracklint_cache", "s")
    c.store("src/app.ts", stat_of(f), "d", rich_extraction())
    c.save()
    before = c.path.read_bytes()

    c2 = Cache(project / ".tracklint_cache", "s")
    c2.store("src/b.py", stat_of(project / "src" / "b.py"), "e", FileExtraction("src/b.py", "python"))

    def crash(src, dst, **where):  # the process dies after writing the temp file, before the rename
        raise KeyboardInterrupt

    monkeypatch.setattr(cache_mod.os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        c2.save()
    monkeypatch.undo()
    assert c.path.read_bytes() == before
    assert [p.name for p in c.path.parent.iterdir()] == [c.path.name]  # no temp file left
    assert Cache(project / ".tracklint_cache", "s").lookup("src/app.ts", stat_of(f)) is not None


def test_save_drops_entries_of_deleted_files(project: Path) -> None:
    a, b = project / "src" / "app.ts", project / "src" / "b.py"
    c = Cache(project / ".tracklint_cache", "s")
    c.store("src/app.ts", stat_of(a), "d", rich_extraction())
    c.store("src/b.py", stat_of(b), "e", FileExtraction("src/b.py", "python"))
    c.save()
    b.unlink()
    c2 = Cache(project / ".tracklint_cache", "s")  # a file-list run touching nothing
    assert c2.save() is False  # nothing changed: not even a stat
    new = project / "src" / "new.py"
    new.write_text("y = 2\n")
    c2.store("src/new.py", stat_of(new), "n", FileExtraction("src/new.py", "python"))
    assert c2.save() is True  # written anyway: untouched entries whose file is gone are dropped
    c3 = Cache(project / ".tracklint_cache", "s")
    assert len(c3) == 2
    assert c3.lookup("src/app.ts", stat_of(a)) is not None
    c3.save(prune=True)  # app.ts was looked up, new.py not: only app.ts is kept
    assert len(Cache(project / ".tracklint_cache", "s")) == 1
    c4 = Cache(project / ".tracklint_cache", "s")
    c4.save(prune=True)  # a full run that did not see app.ts: dropped
    assert len(Cache(project / ".tracklint_cache", "s")) == 0


def test_no_pickle_and_plain_json(project: Path) -> None:
    source = Path(cache_mod.__file__).read_text()
    assert "pickle" not in source.replace("never pickle", "").replace("not pickle", "")
    assert "marshal" not in source
    c = Cache(project / ".tracklint_cache", "s")
    c.store("src/app.ts", stat_of(project / "src" / "app.ts"), "d", rich_extraction())
    c.save()
    json.loads(c.path.read_bytes())  # the cache file is plain JSON


def test_load_of_20k_entries_is_fast(tmp_path: Path) -> None:
    c = Cache(tmp_path / ".tracklint_cache", "s", root=tmp_path)
    st = os.stat(tmp_path)
    rel0 = "pkg0/module_0.ts"
    c.store(rel0, st, "0" * 32, rich_extraction(rel0))
    record = c._entries[rel0][3]  # one rich record, shared by every 20th entry below
    entries = {
        f"pkg{i % 100}/module_{i}.ts": [1000 + i, 1_700_000_000_000_000_000 + i, f"{i:032x}",
                                        record if i % 20 == 0 else None]
        for i in range(20000)
    }
    doc = {"format": cache_mod.FORMAT, "layout": cache_mod.LAYOUT, "salt": "s",
           "environment": cache_mod.environment(), "entries": entries}
    c.path.parent.mkdir(parents=True)
    c.path.write_text(json.dumps(doc, separators=(",", ":")))
    start = time.process_time()
    loaded = Cache(tmp_path / ".tracklint_cache", "s", root=tmp_path)
    elapsed = time.process_time() - start
    assert len(loaded) == 20000 and loaded.load_problem is None
    # measured ~0.03 s of CPU; ripgrep needs ~0.5 s on the 20,000-file benchmark tree
    assert elapsed < 0.5, elapsed


def test_small_scalar_records_decode_fresh_objects(project: Path) -> None:
    names = {f.name for f in dataclasses.fields(FileExtraction)}
    if "parsed" not in names:
        pytest.skip("FileExtraction has no scalar extra field")
    c = Cache(project / ".tracklint_cache", "s")
    langs = {"app.ts": "typescript", "b.py": "python"}
    for name, lang in langs.items():
        f = project / "src" / name
        c.store(f"src/{name}", stat_of(f), None, FileExtraction(f"src/{name}", lang, parsed=False))
    c.save()
    c2 = Cache(project / ".tracklint_cache", "s")
    a = c2.lookup("src/app.ts", stat_of(project / "src" / "app.ts"))
    b = c2.lookup("src/b.py", stat_of(project / "src" / "b.py"))
    assert a == FileExtraction("src/app.ts", "typescript", parsed=False)
    assert b == FileExtraction("src/b.py", "python", parsed=False)
    assert len(c2._simple) == 1  # the second record came from the memo
    a.calls.append(None)  # type: ignore[arg-type]
    assert b.calls == []


def test_span_lists_follow_the_span_fields_in_order() -> None:
    # span_to_list spells the fields out for speed; it must stay in step with Span itself
    import dataclasses

    from tracklint.cache import span_from_list, span_to_list
    from tracklint.extract.base import Span

    names = [f.name for f in dataclasses.fields(Span)]
    span = Span(*range(1, len(names) + 1))
    assert span_to_list(span) == [getattr(span, n) for n in names]
    assert span_from_list(span_to_list(span)) == span


# --- the environment, and the cache directory opened safely ------------------------------------


def test_another_environment_has_another_cache(project: Path, tmp_path: Path, monkeypatch) -> None:
    import sys

    f = project / "src" / "app.ts"
    c = Cache(project / ".tracklint_cache", "s")
    c.store("src/app.ts", stat_of(f), "d", rich_extraction())
    c.save()
    site = tmp_path / "site-packages"
    site.mkdir()
    monkeypatch.setattr(sys, "path", [*sys.path, str(site)])
    for change in (lambda: None, lambda: (site / "rfc3339_validator-0.1.4.dist-info").mkdir(),
                   lambda: (site / "rfc3339_validator-0.1.4.dist-info").rename(site / "rfc3339_validator-0.2.dist-info")):
        change()  # a path more, a package installed, another version of it
        cache_mod.environment.cache_clear()
        other = Cache(project / ".tracklint_cache", "s")
        assert other.path != c.path and other.lookup("src/app.ts", stat_of(f)) is None
    monkeypatch.undo()
    cache_mod.environment.cache_clear()
    assert Cache(project / ".tracklint_cache", "s").lookup("src/app.ts", stat_of(f)) is not None


def test_a_cache_file_from_another_environment_is_not_read(project: Path) -> None:
    f = project / "src" / "app.ts"
    c = Cache(project / ".tracklint_cache", "s")
    c.store("src/app.ts", stat_of(f), "d", rich_extraction())
    c.save()
    doc = json.loads(c.path.read_text())
    doc["environment"] = "0" * 32  # copied from elsewhere under this name
    c.path.write_text(json.dumps(doc))
    again = Cache(project / ".tracklint_cache", "s")
    assert len(again) == 0 and again.load_problem


def _refused(directory: Path) -> str | None:
    cache_mod._VERDICTS.clear()
    return cache_mod.refusal(directory)


def test_the_cache_directory_must_be_a_real_directory_of_this_user(tmp_path: Path) -> None:
    directory = tmp_path / ".tracklint_cache"
    assert _refused(directory) is None  # made by the run
    (tmp_path / "elsewhere").mkdir()
    directory.symlink_to(tmp_path / "elsewhere")
    assert "symbolic link" in _refused(directory)
    with pytest.raises(cache_mod.Unusable):
        Cache(directory, "s")
    directory.unlink()
    directory.write_text("")
    assert "not a directory" in _refused(directory)
    directory.unlink()
    directory.mkdir()
    assert _refused(directory) is None
    if os.geteuid() == 0:  # only root can hand a directory to someone else
        os.chown(directory, 4242, 4242)
        assert "another user" in _refused(directory)
    cache_mod._VERDICTS.clear()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize("tracked", [".tracklint_cache/v1/x.json", ".tracklint_cache/.gitignore", ".tracklint_cache"])
def test_a_cache_directory_with_anything_tracked_in_it_is_refused(tmp_path: Path, tracked: str) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, capture_output=True)
    (tmp_path / ".tracklint_cache").mkdir()
    if tracked == ".tracklint_cache":  # a submodule (or a symbolic link) at the cache's place
        subprocess.run(["git", "-C", str(tmp_path), "update-index", "--add", "--cacheinfo",
                        f"160000,{'1' * 40},.tracklint_cache"], check=True, capture_output=True)
    else:
        (tmp_path / tracked).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / tracked).write_text("{}")
        subprocess.run(["git", "-C", str(tmp_path), "add", "-f", tracked], check=True, capture_output=True)
    assert "git tracks" in _refused(tmp_path / ".tracklint_cache")
    subprocess.run(["git", "-C", str(tmp_path), "rm", "-q", "-r", "--cached", ".tracklint_cache"],
                   check=True, capture_output=True)
    assert _refused(tmp_path / ".tracklint_cache") is None
    cache_mod._VERDICTS.clear()


@pytest.mark.parametrize("listing, answer", [
    (b"a.js\0b/c.py\0", ""),
    (b".tracklint_cache\0a.js\0", ".tracklint_cache"),  # a submodule or a symbolic link
    (b".tracklint_cache/v1/x.json\0a.js\0", ".tracklint_cache/v1/x.json"),
    (b".a\0.tracklint_cache/.gitignore\0", ".tracklint_cache/.gitignore"),
    (b".tracklint_cache_old/x\0.tracklint_cache.json\0sub/.tracklint_cache/x\0", ""),
])
def test_the_runs_own_listing_says_whether_git_tracks_the_cache(listing: bytes, answer: str) -> None:
    from tracklint import gitlisting

    gitlisting.ask_tracked("/some/where", ".tracklint_cache")
    assert gitlisting.tracked_answer("/some/where", ".tracklint_cache") is None  # not listed yet
    gitlisting.answer_tracked("/some/where", listing)
    assert gitlisting.tracked_answer("/some/where", ".tracklint_cache") == answer
    gitlisting._QUESTIONS.clear()


@pytest.fixture(params=[True, False], ids=["openat", "paths"])
def openat(request, monkeypatch) -> bool:
    """Both ways of reaching names in the cache directory: relative to its descriptor (POSIX),
    and by path with an ``lstat`` check first (where ``openat`` is missing)."""
    monkeypatch.setattr(cache_mod, "_AT", request.param)
    return request.param


@pytest.mark.parametrize("kind", ["dev-zero", "fifo", "sparse", "directory"])
def test_a_cache_file_that_is_not_a_small_regular_file_is_never_read(tmp_path: Path, kind: str, openat: bool) -> None:
    directory = tmp_path / ".tracklint_cache"
    (directory / "v1").mkdir(parents=True)
    path = directory / "v1" / "doc.json"
    if kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "sparse":
        with open(path, "wb") as handle:
            handle.truncate(cache_mod.MAX_SMALL_BYTES + 1)
    else:
        path.mkdir()
    started = time.perf_counter()
    with pytest.raises(OSError):
        cache_mod.read_file(directory, ("v1", "doc.json"), cache_mod.MAX_SMALL_BYTES)
    assert time.perf_counter() - started < 1


def test_writes_never_follow_a_symbolic_link(tmp_path: Path, openat: bool) -> None:
    directory = tmp_path / ".tracklint_cache"
    directory.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (directory / "v1").symlink_to(outside)
    (directory / "CACHEDIR.TAG").symlink_to(outside / "tag")
    with pytest.raises(OSError):
        cache_mod.write_file(directory, ("v1", "doc.json"), [b"{}"])
    (directory / "v1").unlink()
    (directory / "v1").mkdir()
    (directory / "v1" / "doc.json").symlink_to(outside / "victim")
    cache_mod.write_file(directory, ("v1", "doc.json"), [b"{}"])
    assert list(outside.iterdir()) == []  # the link was replaced, not written through
    assert (directory / "v1" / "doc.json").read_bytes() == b"{}" and not (directory / "v1" / "doc.json").is_symlink()
    assert cache_mod.read_file(directory, ("v1", "doc.json"), 10) == b"{}"
