"""The table of languages: one row a language, and what derives from it."""

from __future__ import annotations

import importlib

import pytest

from tracklint.extract import languages
from tracklint.extract.presets import LANGUAGES as PRESET_LANGUAGES


def test_every_suffix_has_one_language() -> None:
    suffixes = [s for row in languages.LANGUAGES for s in row.suffixes]
    assert len(suffixes) == len(set(suffixes))
    assert all(s.startswith(".") and s == s.lower() for s in suffixes)


@pytest.mark.parametrize("row", languages.LANGUAGES, ids=lambda row: row.name)
def test_each_row_names_a_grammar_and_an_extractor(row: languages.Language) -> None:
    module = importlib.import_module(row.extractor)
    grammar = getattr(module, "GRAMMAR", None)
    if grammar is not None:  # on the shared driver
        assert grammar.language == row.name
    else:
        assert callable(module.extract) and callable(module.prepare)
    assert languages.grammar(row.name) is languages.grammar(row.name)


def test_javascript_resolution_tries_every_suffix_of_its_family() -> None:
    family = {s for name in languages.of_family("js") for s in languages.BY_NAME[name].suffixes}
    tried = languages._js_module_paths("src", "./events")
    assert {path.removeprefix("src/events") for path in tried[1:]} == family | {
        f"/index{s}" for s in family}


def test_python_modules_are_found_from_every_ancestor() -> None:
    assert languages._python_module_paths("a/b", "app.events") == [
        "app/events.py", "app/events/__init__.py", "a/b/app/events.py", "a/b/app/events/__init__.py",
        "a/app/events.py", "a/app/events/__init__.py"]
    assert languages._python_module_paths("a/b", "..events")[0] == "a/events.py"


def test_derived_names() -> None:
    assert PRESET_LANGUAGES == tuple(row.name for row in languages.LANGUAGES)
    assert languages.family("tsx") == languages.family("javascript") == "js"
    assert languages.family("unknown") == "unknown"
    assert languages.language_for("src/App.TSX") == "tsx"
    assert languages.language_for("src/.ts") is None


def test_sdk_value_shapes_are_keyed_by_known_languages() -> None:
    from tracklint.config import Settings
    from tracklint.extract.presets import DEFAULT_PRESETS, VALUE_SHAPES, value_shapes

    assert set(VALUE_SHAPES) <= set(languages.NAMES)
    assert value_shapes("tsx") == value_shapes("javascript")
    assert value_shapes("unknown").factory_methods == frozenset()
    assert Settings().presets == DEFAULT_PRESETS
