""""Did you mean" stays cheap on huge plans and unchanged on normal ones (TL001, TL002)."""

from __future__ import annotations

import difflib
import random
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from tracklint.diagnostics import normalise_name
from tracklint.extract.base import Span, TrackCall
from tracklint.plan.model import Event, Plan
from tracklint.rules import unknown_event
from tracklint.rules._common import FUZZY_CAP, NEAR_TIE, name_index
from tracklint.rules.base import RuleContext

WORDS = ["Order", "Product", "Cart", "Checkout", "User", "Signup", "Video", "Search", "Coupon",
         "Payment", "Review", "Invite", "Share", "Report", "Profile", "Trial", "Invoice", "Refund"]
VERBS = ["Viewed", "Added", "Removed", "Started", "Completed", "Failed", "Updated", "Clicked"]


def _plan(names: list[str]) -> Plan:
    return Plan(events={name: Event(name) for name in names})


def _call(name: str, line: int) -> TrackCall:
    span = Span(line, 1, line, 10, 1, 10)
    return TrackCall("a.js", "javascript", span, "segment", "analytics", "track", "track", name, "literal")


def _big_plan(count: int) -> list[str]:
    rng = random.Random(7)
    names: set[str] = set()
    while len(names) < count:
        words = rng.sample(WORDS, rng.randint(1, 3))
        names.add(" ".join(words) + f" {rng.choice(VERBS)} {rng.randint(1, 999)}")
    return sorted(names)


def test_unknown_events_against_a_20k_event_plan_are_cheap():
    # Before: every unknown call re-normalised all 20,000 names and ran difflib over all of
    # them (2,000 calls took minutes and a gigabyte); now one index per plan and a bounded search.
    names = _big_plan(20_000)
    ctx = RuleContext(plan=_plan(names))
    calls = [_call(name.replace(" ", "_").lower() + "x", i) for i, name in enumerate(names[::100], 1)]
    started = time.monotonic()
    findings = [f for call in calls for f in unknown_event.check(call, ctx)]
    elapsed = time.monotonic() - started
    assert len(findings) == len(calls) == 200
    assert sum("the closest planned event" in (f.help or "") for f in findings) >= 190
    assert elapsed < 6, f"{len(calls)} unknown calls took {elapsed:.1f}s"


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text(alphabet="abcdeor _-ABC", min_size=1, max_size=14), min_size=1, max_size=60, unique=True),
    st.text(alphabet="abcdeor _-ABC", min_size=1, max_size=14),
)
def test_suggestion_equals_difflib_over_every_name_on_normal_plans(names, unknown):
    index = name_index(_plan(names).events)
    assert len(index.shown) <= FUZZY_CAP
    folded = normalise_name(unknown)
    expected = difflib.get_close_matches(folded, list(index.shown), n=1, cutoff=0.75)
    suggested = index.suggest(folded)
    assert suggested[:1] == tuple(expected)
    best = difflib.SequenceMatcher(None, folded, expected[0]).ratio() if expected else 0
    for other in suggested[1:]:  # named beside the best only when nearly as close
        assert difflib.SequenceMatcher(None, folded, other).ratio() >= best - NEAR_TIE


def test_suggestions_past_the_cap_still_find_a_near_spelling():
    names = _big_plan(20_000)
    index = name_index(_plan(names).events)
    for name in names[::997]:
        folded = normalise_name(name)
        assert index.suggest(folded + "x")[0] == folded


def test_look_alike_planned_names_are_named_together_not_guessed():
    # `user_signed_in` was renamed to `user_logged_in`; naming only `user_signed_up` (the
    # closest by spelling) was a confident wrong answer.
    ctx = RuleContext(plan=_plan(["user_signed_up", "user_logged_in", "order_completed"]))
    (finding,) = unknown_event.check(_call("user_signed_in", 1), ctx)
    assert "`user_signed_up` and `user_logged_in`" in finding.help
    assert "order_completed" not in finding.help


def test_look_alike_planned_properties_are_named_together_not_guessed():
    from tracklint.extract.base import Value, literal
    from tracklint.plan.model import PropertySpec
    from tracklint.rules import unplanned_property

    event = Event("Signed Up", properties={n: PropertySpec(name=n) for n in ("user_id", "users_id", "plan")})
    ctx = RuleContext(plan=Plan(events={"Signed Up": event}))
    call = _call("Signed Up", 1)
    call.properties = Value(type="object", properties={"user_ids": literal("u"), "plna": literal("p")}, kind="literal")
    helps = {f.key: f.help for f in unplanned_property.check(call, ctx)}
    assert helps["user_ids"] == "the closest planned names are `user_id` and `users_id`; otherwise add `user_ids` to the plan"
    assert helps["plna"] == "did you mean `plan`? Otherwise add `plna` to the plan"
