"""Tests for naming conventions: checking, describing and suggesting names."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracklint.naming import STYLES, canonical_style, check_name, convention, describe, split_words, to_style
from tracklint.plan.model import Conventions

# name -> the styles it follows
CASES = {
    "Order Completed": {"title-case"},
    "Product Added to Cart": {"title-case"},
    "CTA Clicked": {"title-case"},
    "Checkout Step 2 Viewed": {"title-case"},
    "Checkout": {"title-case", "PascalCase"},
    "order_completed": {"snake_case"},
    "größe_gewählt": {"snake_case"},
    "orderCompleted": {"camelCase"},
    "userID": {"camelCase"},
    "OrderCompleted": {"PascalCase"},
    "order-completed": {"kebab-case"},
    "order": {"snake_case", "camelCase", "kebab-case"},
    "Order  Completed": set(),
    " Order Completed": set(),
    "to Cart": set(),
    "order completed": set(),
    "Order_Completed": set(),
    "order__completed": set(),
    "_order": set(),
    "order-": set(),
    "2fa_enabled": set(),
    "": set(),
}


@pytest.mark.parametrize(("name", "styles"), CASES.items())
def test_check_name(name, styles):
    assert {style for style in STYLES if check_name(name, style)} == styles


@pytest.mark.parametrize(
    ("name", "style", "expected"),
    [
        ("order_completed", "title-case", "Order Completed"),
        ("product_added_to_cart", "title-case", "Product Added to Cart"),
        ("to_cart", "title-case", "To Cart"),
        ("CTA_clicked", "title-case", "CTA Clicked"),
        ("Order Completed", "snake_case", "order_completed"),
        ("orderCompleted", "snake_case", "order_completed"),
        ("order-completed", "camelCase", "orderCompleted"),
        ("Order Completed", "PascalCase", "OrderCompleted"),
        ("URLOpened", "kebab-case", "url-opened"),
        ("checkout_step2", "camelCase", "checkoutStep2"),
        ("__", "snake_case", "__"),
        ("userID", "camelCase", "userID"),  # already conforming: unchanged
    ],
)
def test_to_style(name, style, expected):
    assert to_style(name, style) == expected


def test_split_words():
    assert split_words("orderCompleted") == ["order", "Completed"]
    assert split_words("URLOpened") == ["URL", "Opened"]
    assert split_words("order__completed--now") == ["order", "completed", "now"]


def test_pattern_convention():
    assert check_name("ord_x", {"pattern": "^ord_"})
    assert not check_name("x_ord", {"pattern": "^ord_"})
    assert describe({"pattern": "^ord_"}) == "names must match the pattern `^ord_`"


def test_aliases_and_unknown_style():
    assert canonical_style("snake") == "snake_case"
    assert canonical_style("Title Case") == "title-case"
    assert check_name("order_completed", "snake")
    with pytest.raises(ValueError, match="unknown naming style"):
        check_name("x", "SCREAMING")


def test_describe():
    assert "Order Completed" in describe("title-case")
    assert describe("snake_case") == "snake_case, e.g. 'order_completed'"


def test_convention_helper():
    assert convention(Conventions(event_name="title-case"), "event") == "title-case"
    assert convention(Conventions(property_name_pattern="^p_"), "property") == {"pattern": "^p_"}
    assert convention(Conventions(), "event") is None


_names = st.from_regex(r"[A-Za-z][A-Za-z0-9 _\-]{0,30}", fullmatch=True)


@given(_names, st.sampled_from(STYLES))
def test_to_style_conforms(name, style):
    suggestion = to_style(name, style)
    assert check_name(suggestion, style), suggestion
    assert to_style(suggestion, style) == suggestion  # a conforming name is kept as it is
