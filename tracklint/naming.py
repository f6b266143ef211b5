"""Naming conventions for event and property names, shared by plan and code rules.

A convention is a style name (``title-case``, ``snake_case``, ``camelCase``, ``PascalCase``,
``kebab-case``) or ``{"pattern": REGEX}`` (a plan pattern, run in linear time by
:mod:`tracklint.plan.patterns`). :func:`check_name` says whether a name follows one,
:func:`describe` explains it in a message, and :func:`to_style` suggests the conforming spelling
(``"order_completed"`` -> ``"Order Completed"``).

Styles are checked with Unicode-aware character tests, so ``größe_gewählt`` is snake_case.
"""

from __future__ import annotations

from typing import Any, Mapping

#: The canonical style names (what the plan schema accepts).
STYLES = ("title-case", "snake_case", "camelCase", "PascalCase", "kebab-case")

# Spellings accepted for the canonical names (configuration written by hand varies).
_ALIASES = {
    "title-case": "title-case",
    "title case": "title-case",
    "titlecase": "title-case",
    "title_case": "title-case",
    "title": "title-case",
    "snake_case": "snake_case",
    "snake-case": "snake_case",
    "snake": "snake_case",
    "camelcase": "camelCase",
    "camel_case": "camelCase",
    "camel-case": "camelCase",
    "camel": "camelCase",
    "pascalcase": "PascalCase",
    "pascal_case": "PascalCase",
    "pascal-case": "PascalCase",
    "pascal": "PascalCase",
    "kebab-case": "kebab-case",
    "kebab_case": "kebab-case",
    "kebab": "kebab-case",
}

#: Short words that stay lower case inside a title-case name ("Product Added to Cart"), as in
#: Segment's e-commerce spec.
MINOR_WORDS = frozenset(
    "a an and as at but by for from in into of on or per the to via vs with".split()
)

_EXAMPLES = {
    "title-case": "Order Completed",
    "snake_case": "order_completed",
    "camelCase": "orderCompleted",
    "PascalCase": "OrderCompleted",
    "kebab-case": "order-completed",
}


def canonical_style(style: str) -> str:
    """The canonical name of a style (``"snake"`` -> ``"snake_case"``); ValueError if unknown."""
    found = _ALIASES.get(style.strip().lower()) if isinstance(style, str) else None
    if found is None:
        raise ValueError(f"unknown naming style {style!r}: expected one of {', '.join(STYLES)} or {{pattern: REGEX}}")
    return found


def _lowerish(ch: str) -> bool:
    """A lower-case letter, or a letter without case (CJK...)."""
    return ch.isalpha() and not ch.isupper()


def _is_title(name: str) -> bool:
    words = name.split(" ")
    for index, word in enumerate(words):
        if not word or not all(ch.isalnum() for ch in word):
            return False
        if index > 0 and word in MINOR_WORDS:
            continue
        if not (word[0].isupper() or word[0].isdigit()):
            return False
        if any(_lowerish(a) and b.isupper() for a, b in zip(word, word[1:])):
            return False  # a camel hump: "OrderCompleted" is one PascalCase word, not Title Case
    return True


def _is_separated(name: str, sep: str) -> bool:
    parts = name.split(sep)
    if not parts[0] or not _lowerish(parts[0][0]):
        return False
    return all(part and all(_lowerish(ch) or ch.isdigit() for ch in part) for part in parts)


def _is_camel(name: str, *, first_upper: bool) -> bool:
    if not name or not all(ch.isalnum() for ch in name):
        return False
    return name[0].isupper() if first_upper else _lowerish(name[0])


def check_name(name: str, style_or_pattern: str | Mapping[str, Any]) -> bool:
    """Whether ``name`` follows a style name or ``{"pattern": REGEX}``."""
    if isinstance(style_or_pattern, Mapping):
        from tracklint.plan.patterns import compile_pattern

        return compile_pattern(str(style_or_pattern["pattern"])).search(name)
    style = canonical_style(style_or_pattern)
    if style == "title-case":
        return _is_title(name)
    if style == "snake_case":
        return _is_separated(name, "_")
    if style == "kebab-case":
        return _is_separated(name, "-")
    return _is_camel(name, first_upper=style == "PascalCase")


def describe(style_or_pattern: str | Mapping[str, Any]) -> str:
    """A short phrase for messages: ``"snake_case, e.g. 'order_completed'"``."""
    if isinstance(style_or_pattern, Mapping):
        return f"names must match the pattern `{style_or_pattern['pattern']}`"
    style = canonical_style(style_or_pattern)
    if style == "title-case":
        return f"title-case: capitalised words separated by single spaces, e.g. '{_EXAMPLES[style]}'"
    return f"{style}, e.g. '{_EXAMPLES[style]}'"


def split_words(name: str) -> list[str]:
    """Split a name into words at separators and case changes.

    ``"orderCompleted"`` -> ``["order", "Completed"]``; ``"URLOpened"`` -> ``["URL", "Opened"]``;
    ``"checkout_step2"`` -> ``["checkout", "step2"]`` (digits stay with their word).
    """
    words: list[str] = []
    current = ""
    for index, ch in enumerate(name):
        if not ch.isalnum():
            if current:
                words.append(current)
            current = ""
            continue
        if current and ch.isupper():
            prev = current[-1]
            nxt = name[index + 1] if index + 1 < len(name) else ""
            if _lowerish(prev) or prev.isdigit() or (prev.isupper() and _lowerish(nxt)):
                words.append(current)
                current = ""
        current += ch
    if current:
        words.append(current)
    return words


def _capitalise(word: str) -> str:
    if len(word) > 1 and word.isupper():
        return word  # an acronym: "CTA", "URL"
    return word[:1].upper() + word[1:].lower()


def to_style(name: str, style: str) -> str:
    """The spelling of ``name`` in ``style`` (``"order_completed"``, ``"title-case"`` ->
    ``"Order Completed"``). A name that already follows the style, or has no letters or
    digits, is returned unchanged."""
    style = canonical_style(style)
    if check_name(name, style):
        return name
    words = split_words(name)
    if not words:
        return name
    if style == "title-case":
        out = [_capitalise(words[0])]
        for word in words[1:]:
            out.append(word.lower() if word.lower() in MINOR_WORDS else _capitalise(word))
        return " ".join(out)
    if style == "snake_case":
        return "_".join(word.lower() for word in words)
    if style == "kebab-case":
        return "-".join(word.lower() for word in words)
    pascal = "".join(word[:1].upper() + word[1:].lower() for word in words)
    if style == "PascalCase":
        return pascal
    return words[0].lower() + pascal[len(words[0]) :]


#: The values of a wrapper's ``transform`` key: how an app turns an enum case's name into the
#: event name it sends (``ORDER_CREATED`` -> ``order_created``, ``episodeDownloaded`` ->
#: ``episode_downloaded``).
TRANSFORMS = (*STYLES, "lowercase", "uppercase")


def transform(name: str, how: str) -> str:
    """``name`` (an enum case's name) as the app sends it under the ``transform`` ``how``: one of
    :data:`STYLES` (:func:`to_style`), ``lowercase`` or ``uppercase``."""
    if how == "lowercase":
        return name.lower()
    if how == "uppercase":
        return name.upper()
    if not any(ch.islower() for ch in name):
        name = name.lower()  # ORDER_CREATED: words, not acronyms ("Order Created", not "ORDER CREATED")
    return to_style(name, how)


def convention(conventions: Any, kind: str) -> str | dict[str, str] | None:
    """The plan's convention for ``kind`` (``"event"`` or ``"property"``) as accepted by
    :func:`check_name`, or ``None`` when the plan sets none."""
    pattern = getattr(conventions, f"{kind}_name_pattern", None)
    if pattern:
        return {"pattern": pattern}
    return getattr(conventions, f"{kind}_name", None) or None
