"""Generate a synthetic monorepo for the performance benchmark (seeded, reproducible).

The tree looks like the one in the performance issue: Python services, a JS/TS/TSX web app,
Swift and Kotlin mobile apps, about 17 KB per file on average, about 5% of the files with
analytics calls (Segment ``analytics.track`` in every language, plus PostHog, Mixpanel and
Amplitude shapes), four one-line minified bundles of 1-5 MB, an ignored ``node_modules/`` and
``build/`` (with a ``.gitignore``), a ``git init`` + commit so that git-aware listing applies,
a few files that merely mention ``page``/``group`` (pre-filter false friends), and a few with
spaces and non-ASCII characters in their names.

It writes ``ground_truth.json`` (every planted call outside ignored and minified files:
path, line, event, language, sdk) and a ``tracking-plan.yaml`` that plans most planted events
(a few are deliberately left out).

    python benchmarks/generate.py /tmp/tl-bench-20k --files 20000
    python benchmarks/generate.py /tmp/tl-bench-1k --files 1000 --avg-kb 17 --seed 7
    python benchmarks/generate.py /tmp/tl-bench-real-20k --files 20000 --density real

``--density real`` plants the pre-filter's needles as often as the pinned real repositories hold
them (``density.json``, measured by ``density.py`` on the "speed" repositories of
``corpus.toml``): the median share of source files and of source bytes that contain a needle as
a word, and the median share that contain a call-shaped occurrence (``name(``, ``name<T>(``,
``name?.(``). Planted SDK calls go down to 1% of files (real code has few); the rest is made up
of snippets that are not SDK calls: word-only ones (``{ page: 20 }``, comments, string keys) and
call-shaped ones on other receivers (``m.group(1)``-like). Larger files are chosen more often,
with a probability ``min(1, c * (size / avg) ** g)`` whose ``c`` and ``g`` are solved so that both
the file share and the byte share come out at the median. ``--density sparse`` (the default)
is the tree as before, byte for byte.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

LANG_SHARE = [  # (language, suffix, share of files)
    ("python", ".py", 0.25),
    ("javascript", ".js", 0.12),
    ("typescript", ".ts", 0.25),
    ("tsx", ".tsx", 0.15),
    ("swift", ".swift", 0.115),
    ("kotlin", ".kt", 0.115),
]
AREA = {  # where each language's files live
    "python": "services",
    "javascript": "apps/web/src",
    "typescript": "apps/web/src",
    "tsx": "apps/web/src",
    "swift": "apps/ios/Shop/Sources",
    "kotlin": "apps/android/app/src/main/java/com/shop",
}
CALL_FILE_SHARE = 0.05
FALSE_FRIEND_SHARE = 0.01  # files that say `page`/`group` as a word but hold no call

PLANNED_EVENTS = [
    "Product Viewed", "Product Added", "Product Removed", "Product Clicked", "Product Shared",
    "Products Searched", "Product List Viewed", "Product List Filtered", "Cart Viewed",
    "Checkout Started", "Checkout Step Viewed", "Checkout Step Completed", "Payment Info Entered",
    "Order Completed", "Order Updated", "Order Refunded", "Order Cancelled", "Coupon Entered",
    "Coupon Applied", "Coupon Denied", "Coupon Removed", "Promotion Viewed", "Promotion Clicked",
    "Wishlist Product Added", "Wishlist Product Removed", "Signed Up", "Signed In", "Signed Out",
    "Password Reset", "Profile Updated", "Subscription Started", "Subscription Cancelled",
    "Trial Started", "Trial Ended", "Invite Sent", "Invite Accepted", "Search Performed",
    "Filter Applied", "Video Played", "Video Paused", "Video Completed", "Notification Opened",
    "Notification Dismissed", "Push Enabled", "Push Disabled", "Review Submitted",
    "Support Ticket Created", "Feedback Submitted", "Onboarding Started", "Onboarding Completed",
    "Feature Flag Evaluated", "Settings Changed", "Language Changed", "Address Added",
    "Address Removed", "Share Sheet Opened", "Referral Link Copied", "App Opened",
    "App Backgrounded", "Deep Link Opened",
]
UNPLANNED_EVENTS = ["Legacy Checkout Started", "purchase_completed", "Cart Viewd", "Beta Banner Seen"]
PROPERTIES = {  # name -> (plan type, python literal, js literal, swift literal, kotlin literal)
    "order_id": ("string", '"ord_{n}"', '"ord_{n}"', '"ord_{n}"', '"ord_{n}"'),
    "revenue": ("number", "{f}", "{f}", "{f}", "{f}"),
    "currency": ("string", '"USD"', '"USD"', '"USD"', '"USD"'),
    "product_id": ("string", '"sku_{n}"', '"sku_{n}"', '"sku_{n}"', '"sku_{n}"'),
    "quantity": ("integer", "{n}", "{n}", "{n}", "{n}"),
    "position": ("integer", "{n}", "{n}", "{n}", "{n}"),
    "query": ("string", "query", "query", "query", "query"),
    "step": ("integer", "{n}", "{n}", "{n}", "{n}"),
    "is_first_time": ("boolean", "True", "true", "true", "true"),
    "plan_name": ("string", '"pro"', '"pro"', '"pro"', '"pro"'),
}

WORDS = ("user account order item cart price total value count index buffer cache result "
         "config option handler request response payload record entry node layer state "
         "token session client server model view store route widget panel form field label "
         "amount balance invoice ledger report metric sample window frame stream queue batch "
         "tracking tracker pageSize pager groupId grouped screenshot screens aliased captured "
         "identifier trackingId pagination").split()


def ident(rng: random.Random, style: str = "snake") -> str:
    parts = [rng.choice(WORDS).lower() for _ in range(rng.randint(1, 3))]
    if style == "snake":
        return "_".join(parts)
    if style == "camel":
        return parts[0] + "".join(p.capitalize() for p in parts[1:])
    return "".join(p.capitalize() for p in parts)


# --- filler chunks (no whole-word needle: only substrings such as tracking, pageSize) ---------


def py_chunk(rng: random.Random) -> str:
    fn, a, b, v = ident(rng), ident(rng), ident(rng), ident(rng)
    n = rng.randint(2, 97)
    kind = rng.randrange(3)
    if kind == 0:
        return (
            f"def {fn}({a}, {b}=None):\n"
            f'    """Compute the {a.replace("_", " ")} summary for {b.replace("_", " ")}."""\n'
            f"    {v} = [x for x in {a} if x is not None]\n"
            f"    if not {v}:\n        return {b}\n"
            f"    total = 0\n    for item in {v}:\n        total += len(str(item)) * {n}\n"
            f'    logger.debug("{fn}: %s items", len({v}))\n'
            f'    return {{"count": len({v}), "total": total, "{a}": {b}}}\n\n\n'
        )
    if kind == 1:
        cls = ident(rng, "pascal")
        return (
            f"class {cls}:\n"
            f'    """A {cls} keeps the {a.replace("_", " ")} in memory."""\n\n'
            f"    def __init__(self, {a}: int = {n}) -> None:\n        self.{a} = {a}\n"
            f"        self._{v}: dict[str, int] = {{}}\n\n"
            f"    def {fn}(self, key: str) -> int:\n"
            f"        value = self._{v}.get(key, self.{a})\n"
            f"        self._{v}[key] = value + {n}\n        return value\n\n\n"
        )
    return (
        f"async def {fn}(session, {a}):\n"
        f"    async with session.get(f\"/api/{a}/{{{a}}}\") as response:\n"
        f"        payload = await response.json()\n"
        f"    {v} = payload.get(\"{b}\", [])\n"
        f"    return sorted({v}, key=lambda row: row.get(\"{a}\", {n}))\n\n\n"
    )


def js_chunk(rng: random.Random, typed: bool, jsx: bool) -> str:
    fn, a, b, v = ident(rng, "camel"), ident(rng, "camel"), ident(rng, "camel"), ident(rng, "camel")
    n = rng.randint(2, 97)
    t = ": number" if typed else ""
    ts = ": string[]" if typed else ""
    kind = rng.randrange(3 if not jsx else 4)
    if kind == 0:
        return (
            f"export function {fn}({a}{ts}, {b}{t}) {{\n"
            f"  const {v} = {a}.filter((x) => x != null).map((x) => String(x).length * {n});\n"
            f"  if ({v}.length === 0) {{\n    return {b};\n  }}\n"
            f"  let total = 0;\n  for (const item of {v}) {{\n    total += item;\n  }}\n"
            f"  console.debug(`{fn}: ${{{v}.length}} items`);\n  return total + {b};\n}}\n\n"
        )
    if kind == 1:
        cls = ident(rng, "pascal")
        return (
            f"export class {cls} {{\n  private {v}{': Map<string, number>' if typed else ''} = new Map();\n\n"
            f"  constructor(private readonly {a}{t} = {n}) {{}}\n\n"
            f"  {fn}(key{': string' if typed else ''}){t} {{\n"
            f"    const value = this.{v}.get(key) ?? this.{a};\n"
            f"    this.{v}.set(key, value + {n});\n    return value;\n  }}\n}}\n\n"
        ).replace("private ", "" if typed else "").replace("readonly ", "" if typed else "")
    if kind == 2:
        return (
            f"export const {fn} = async ({a}{': string' if typed else ''}) => {{\n"
            f"  const response = await fetch(`/api/{a}/${{{a}}}`);\n"
            f"  const payload = await response.json();\n"
            f"  return (payload.{b} || []).slice(0, {n});\n}};\n\n"
        )
    comp = ident(rng, "pascal")
    return (
        f"export function {comp}({{ {a}, {b} }}{': { ' + a + ': string; ' + b + ': number }' if typed else ''}) {{\n"
        f"  const [{v}, set{v[0].upper() + v[1:]}] = useState({n});\n"
        f"  return (\n    <div className=\"{a}\" onClick={{() => set{v[0].upper() + v[1:]}({v} + 1)}}>\n"
        f"      <span>{{{a}}}</span>\n      <strong>{{{b} * {v}}}</strong>\n    </div>\n  );\n}}\n\n"
    )


def swift_chunk(rng: random.Random) -> str:
    fn, a, b, v = ident(rng, "camel"), ident(rng, "camel"), ident(rng, "camel"), ident(rng, "camel")
    n = rng.randint(2, 97)
    if rng.randrange(2):
        cls = ident(rng, "pascal")
        return (
            f"final class {cls} {{\n    private var {v}: [String: Int] = [:]\n"
            f"    let {a}: Int\n\n    init({a}: Int = {n}) {{\n        self.{a} = {a}\n    }}\n\n"
            f"    func {fn}(_ key: String) -> Int {{\n"
            f"        let value = {v}[key] ?? {a}\n        {v}[key] = value + {n}\n"
            f"        return value\n    }}\n}}\n\n"
        )
    return (
        f"func {fn}(_ {a}: [String?], {b}: Int) -> Int {{\n"
        f"    let {v} = {a}.compactMap {{ $0 }}.map {{ $0.count * {n} }}\n"
        f"    guard !{v}.isEmpty else {{ return {b} }}\n"
        f"    return {v}.reduce(0, +) + {b}\n}}\n\n"
    )


def kotlin_chunk(rng: random.Random) -> str:
    fn, a, b, v = ident(rng, "camel"), ident(rng, "camel"), ident(rng, "camel"), ident(rng, "camel")
    n = rng.randint(2, 97)
    if rng.randrange(2):
        cls = ident(rng, "pascal")
        return (
            f"class {cls}(private val {a}: Int = {n}) {{\n"
            f"    private val {v} = mutableMapOf<String, Int>()\n\n"
            f"    fun {fn}(key: String): Int {{\n"
            f"        val value = {v}[key] ?: {a}\n        {v}[key] = value + {n}\n"
            f"        return value\n    }}\n}}\n\n"
        )
    return (
        f"fun {fn}({a}: List<String?>, {b}: Int): Int {{\n"
        f"    val {v} = {a}.filterNotNull().map {{ it.length * {n} }}\n"
        f"    if ({v}.isEmpty()) return {b}\n"
        f"    return {v}.sum() + {b}\n}}\n\n"
    )


_POOLS: dict[str, list[str]] = {}
POOL_SIZE = 3000  # distinct chunks per language; files draw from the pool (fast for 100k files)


def make_pools(seed: int) -> None:
    _POOLS.clear()
    for language, _, _ in LANG_SHARE:
        rng = random.Random(f"{seed}:{language}")
        _POOLS[language] = [make_filler(rng, language) for _ in range(POOL_SIZE)]


def filler(rng: random.Random, language: str) -> str:
    pool = _POOLS.get(language)
    return rng.choice(pool) if pool else make_filler(rng, language)


def make_filler(rng: random.Random, language: str) -> str:
    if language == "python":
        return py_chunk(rng)
    if language in ("javascript", "typescript", "tsx"):
        return js_chunk(rng, typed=language != "javascript", jsx=language == "tsx")
    if language == "swift":
        return swift_chunk(rng)
    return kotlin_chunk(rng)


FALSE_FRIENDS = {
    "python": 'def parse_header(line):\n    match = HEADER.match(line)\n    return match.group(1) if match else None\n\n\n',
    "javascript": "export function nextPage(state) {\n  return { ...state, page: state.page + 1 };\n}\n\n",
    "typescript": "export function nextPage(state: { page: number }) {\n  return { ...state, page: state.page + 1 };\n}\n\n",
    "tsx": "export function Pager({ page }: { page: number }) {\n  return <nav>{page}</nav>;\n}\n\n",
    "swift": "func screen(for size: CGSize) -> String {\n    return size.width > 600 ? \"wide\" : \"narrow\"\n}\n\n",
    "kotlin": "fun group(items: List<Int>): Map<Boolean, List<Int>> {\n    return items.groupBy { it % 2 == 0 }\n}\n\n",
}


# --- planted calls ------------------------------------------------------------------------------


def _props(rng: random.Random, column: int) -> list[tuple[str, str]]:
    names = rng.sample(sorted(PROPERTIES), rng.randint(1, 4))
    out = []
    for name in names:
        text = PROPERTIES[name][column].format(n=rng.randint(1, 999), f=round(rng.uniform(1, 500), 2))
        out.append((name, text))
    return out


def call_chunk(rng: random.Random, language: str, event: str) -> tuple[str, int, str]:
    """A function holding one call. Returns (text, line of the call within the text, sdk)."""
    fn = ident(rng, "snake" if language == "python" else "camel")
    if language == "python":
        props = "{" + ", ".join(f'"{k}": {v}' for k, v in _props(rng, 1)) + "}"
        shape = rng.randrange(5)
        if shape == 0:
            call, sdk = f'analytics.track(user_id, "{event}", {props})', "segment"
        elif shape == 1:
            call, sdk = f'analytics.track(user_id=user_id, event="{event}", properties={props})', "segment"
        elif shape == 2:
            call, sdk = f'posthog.capture("{event}", distinct_id=user_id, properties={props})', "posthog"
        elif shape == 3:
            call, sdk = f'mp.track(user_id, "{event}", {props})', "mixpanel"
        else:
            call, sdk = f'self.analytics.track(user_id, "{event}", {props})', "segment"
        text = f"def {fn}(self, user_id, query=None):\n    {call}\n    return True\n\n\n"
        return text, 2, sdk
    if language in ("javascript", "typescript", "tsx"):
        props = "{ " + ", ".join(f"{k}: {v}" for k, v in _props(rng, 2)) + " }"
        shape = rng.randrange(5)
        receiver, method, sdk = [
            ("analytics", "track", "segment"), ("window.analytics", "track", "segment"),
            ("posthog", "capture", "posthog"), ("mixpanel", "track", "mixpanel"),
            ("amplitude", "track", "amplitude"),
        ][shape]
        text = (
            f"export function {fn}(query{': string' if language != 'javascript' else ''}) {{\n"
            f'  {receiver}.{method}("{event}", {props});\n}}\n\n'
        )
        return text, 2, sdk
    if language == "swift":
        props = "[" + ", ".join(f'"{k}": {v}' for k, v in _props(rng, 3)) + "]"
        shape = rng.randrange(4)
        if shape == 0:
            call, sdk = f'analytics.track(name: "{event}", properties: {props})', "segment"
        elif shape == 1:
            call, sdk = f'Analytics.shared().track(name: "{event}", properties: {props})', "segment"
        elif shape == 2:
            call, sdk = f'Mixpanel.mainInstance().track(event: "{event}", properties: {props})', "mixpanel"
        else:
            call, sdk = f'amplitude.track(eventType: "{event}", eventProperties: {props})', "amplitude"
        text = f"func {fn}(query: String) {{\n    {call}\n}}\n\n"
        return text, 2, sdk
    props = ", ".join(f'"{k}" to {v}' for k, v in _props(rng, 4))
    shape = rng.randrange(3)
    if shape == 0:
        call, sdk = f'analytics.track("{event}", buildJsonObject {{ put("step", 1) }})', "segment"
    elif shape == 1:
        call, sdk = f'PostHog.capture(event = "{event}", properties = mapOf({props}))', "posthog"
    else:
        call, sdk = f'amplitude.track("{event}", mapOf({props}))', "amplitude"
    text = f"fun {fn}(query: String) {{\n    {call}\n}}\n\n"
    return text, 2, sdk


def header(rng: random.Random, language: str) -> str:
    if language == "python":
        return '"""Service module."""\n\nfrom __future__ import annotations\n\nimport logging\n\nlogger = logging.getLogger(__name__)\n\n\n'
    if language in ("javascript", "typescript", "tsx"):
        extra = 'import { useState } from "react";\n' if language == "tsx" else ""
        return f'{extra}import {{ api }} from "../lib/api";\n\n'
    if language == "swift":
        return "import Foundation\nimport UIKit\n\n"
    return "package com.shop\n\nimport kotlinx.serialization.json.buildJsonObject\nimport kotlinx.serialization.json.put\n\n"


@dataclass
class Planted:
    path: str
    line: int
    event: str
    language: str
    sdk: str


@dataclass
class Tree:
    root: Path
    files: int = 0
    bytes: int = 0
    truth: list[Planted] = field(default_factory=list)


def file_size(rng: random.Random, avg: int) -> int:
    sigma = 1.0
    size = avg * rng.lognormvariate(-sigma * sigma / 2, sigma)
    return int(min(max(size, 300), avg * 25))


#: What a Swift file that calls the SDKs imports (Swift needs the module for `Analytics.shared()`
#: or `Mixpanel.mainInstance()`; tracklint takes a type-named receiver in a file that imports
#: none of its SDK's modules for the app's own class).
SWIFT_SDK_IMPORTS = "import Segment\nimport Mixpanel\nimport AmplitudeSwift\n"


def build_file(rng: random.Random, language: str, size: int, events: list[str]) -> tuple[str, list[tuple[int, str, str]]]:
    """File text of about ``size`` bytes with one call per event; returns (text, [(line, event, sdk)])."""
    parts = [header(rng, language)]
    if language == "swift" and events:
        parts[0] = parts[0].replace("import UIKit\n", "import UIKit\n" + SWIFT_SDK_IMPORTS)
    length = len(parts[0])
    line = parts[0].count("\n") + 1
    calls: list[tuple[int, str, str]] = []
    slots = sorted(rng.random() for _ in events)
    pending = list(zip(slots, events))
    while length < size or pending:
        if pending and (length >= size * pending[0][0] or length >= size):
            _, event = pending.pop(0)
            text, offset, sdk = call_chunk(rng, language, event)
            calls.append((line + offset - 1, event, sdk))
        else:
            text = filler(rng, language)
        parts.append(text)
        length += len(text)
        line += text.count("\n")
    return "".join(parts), calls


def minified_bundle(rng: random.Random, size: int) -> str:
    pieces = []
    total = 0
    k = 0
    while total < size:
        k += 1
        if k % 400 == 0:
            piece = f'analytics.track("Bundle Event {k % 7}",{{a:{k}}});'
        else:
            a, b = rng.choice("abcdefghijklmnopqrstuvwxyz"), rng.choice("etnrsx")
            piece = f"function {a}{k}({b},t){{return {b}&&t?{b}.concat(t):[{k},{b}]}}var q{k}={a}{k}([],{k});"
        pieces.append(piece)
        total += len(piece)
    return "!function(){" + "".join(pieces) + "}();"


def write(path: Path, text: str) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    path.write_bytes(data)
    return len(data)


# --- calibrated density (--density real) -------------------------------------------------------

DENSITY_FILE = Path(__file__).resolve().parent / "density.json"
REAL_CALL_FILE_SHARE = 0.01

WORD_FRIEND = {  # the needle as a word only: keys, comments, strings (never `name(`)
    "python": 'def {id}_options(limit=50):\n    # the {n} comes from the request\n    return {{"{n}": {k}, "limit": limit}}\n\n\n',
    "javascript": "export const {id}Options = {{ {n}: {k}, limit: 50 }}; // default {n}\n\n",
    "typescript": "export const {id}Options: Record<string, number> = {{ {n}: {k}, limit: 50 }}; // default {n}\n\n",
    "tsx": "export const {id}Options: Record<string, number> = {{ {n}: {k}, limit: 50 }}; // default {n}\n\n",
    "swift": 'let {id}Options: [String: Int] = ["{n}": {k}] // default {n}\n\n',
    "kotlin": 'val {id}Options = mapOf("{n}" to {k}) // default {n}\n\n',
}
CALL_FRIEND = {  # call-shaped, on a receiver that is no SDK client
    "python": "def {id}_lookup(source):\n    {id}_found = PATTERN.search(source)\n    return {id}_found.{n}({k}) if {id}_found else None\n\n\n",
    "javascript": "export function {id}Lookup(source) {{\n  return {id}Registry.{n}({k}, source);\n}}\n\n",
    "typescript": "export function {id}Lookup(source: string): number {{\n  return {id}Registry.{n}({k}, source);\n}}\n\n",
    "tsx": "export function {id}Lookup(source: string): number {{\n  return {id}Registry.{n}({k}, source);\n}}\n\n",
    "swift": "func {id}Lookup(_ source: String) -> Int {{\n    return {id}Registry.{n}({k}, source)\n}}\n\n",
    "kotlin": "fun {id}Lookup(source: String): Int {{\n    return {id}Registry.{n}({k}, source)\n}}\n\n",
}


def _solve_share(sizes: list[int], avg: int, files: float, byte_share: float) -> tuple[float, float]:
    """``c`` and ``g`` such that choosing a file of size ``s`` with probability
    ``min(1, c * (s / avg) ** g)`` picks ``files`` of the files and ``byte_share`` of the bytes."""
    total = sum(sizes)
    rel = [s / avg for s in sizes]

    def shares(c: float, g: float) -> tuple[float, float]:
        ps = [min(1.0, c * r ** g) for r in rel]
        return sum(ps) / len(ps), sum(p * s for p, s in zip(ps, sizes)) / total

    def c_for(g: float) -> float:
        lo, hi = 0.0, 1e6
        for _ in range(40):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if shares(mid, g)[0] < files else (lo, mid)
        return (lo + hi) / 2

    if files <= 0:
        return 0.0, 0.0
    lo, hi = 0.0, 4.0
    for _ in range(25):
        g = (lo + hi) / 2
        lo, hi = (g, hi) if shares(c_for(g), g)[1] < byte_share else (lo, g)
    g = (lo + hi) / 2
    return c_for(g), g


_TOP_LEVEL = re.compile(r"(?<=\n\n)[^ \t\n}\])]")


class Density:
    """Where the calibrated needles go (a random stream of its own: the sparse tree is unchanged)."""

    def __init__(self, seed: int, avg: int, data: dict) -> None:
        med = data["median"]
        self.rng = random.Random(f"{seed}:density")
        p = REAL_CALL_FILE_SHARE  # planted files hold call-shaped needles; size-independent
        net = lambda share: max(0.0, (share - p) / (1 - p))  # noqa: E731 - among the other files
        sample_rng = random.Random(f"{seed}:density-sizes")
        sizes = [file_size(sample_rng, avg) for _ in range(4000)]
        self.avg = avg
        self.word = _solve_share(sizes, avg, net(med["word_files"]), net(med["word_bytes"]))
        self.call = _solve_share(sizes, avg, net(med["call_files"]), net(med["call_bytes"]))
        needles = med["needles"]
        self.word_needles = sorted(needles)
        self.word_weights = [max(needles[n]["word_files"], 1e-4) for n in self.word_needles]
        self.call_weights = [max(needles[n]["call_files"], 1e-4) for n in self.word_needles]

    def _p(self, cg: tuple[float, float], size: int) -> float:
        c, g = cg
        return min(1.0, c * (size / self.avg) ** g) if c else 0.0

    def decorate(self, text: str, language: str) -> str:
        """``text`` with word-only or call-shaped snippets at top-level positions, or unchanged."""
        rng = self.rng
        u = rng.random()
        size = len(text)
        if u < self._p(self.call, size):
            kinds = ["call"] + ["word"] * rng.randint(0, 2)
        elif u < max(self._p(self.word, size), self._p(self.call, size)):
            kinds = ["word"] * rng.randint(1, 3)
        else:
            return text
        # positions that start a top-level chunk: after a blank line, not indented
        starts = [m.start() for m in _TOP_LEVEL.finditer(text)]
        inserts = []
        for kind in kinds:
            weights = self.call_weights if kind == "call" else self.word_weights
            needle = rng.choices(self.word_needles, weights)[0]
            template = (CALL_FRIEND if kind == "call" else WORD_FRIEND)[language]
            style = "snake" if language == "python" else "camel"
            snippet = template.format(id=ident(rng, style) + f"{rng.randint(0, 999)}", n=needle, k=rng.randint(1, 99))
            inserts.append((rng.choice(starts) if starts else len(text), snippet))
        for at, snippet in sorted(inserts, reverse=True):
            text = text[:at] + snippet + text[at:]
        return text


def generate(root: Path, *, files: int, seed: int, avg_kb: float, git: bool = True,
             density: str = "sparse") -> Tree:
    rng = random.Random(seed)
    make_pools(seed)
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    tree = Tree(root)
    avg = int(avg_kb * 1024)
    real = None
    if density == "real":
        real = Density(seed, avg, json.loads(DENSITY_FILE.read_text()))
    call_share = REAL_CALL_FILE_SHARE if real else CALL_FILE_SHARE
    languages = [lang for lang, _, _ in LANG_SHARE]
    suffix = {lang: suf for lang, suf, _ in LANG_SHARE}
    weights = [share for _, _, share in LANG_SHARE]
    dir_counts: dict[str, int] = {}
    events = PLANNED_EVENTS + UNPLANNED_EVENTS
    odd_names = ["legacy pages/Old Checkout", "i18n/Übersetzung", "ünïcode/ファイル"]
    for i in range(files):
        language = rng.choices(languages, weights)[0]
        area = AREA[language]
        feature = f"{ident(rng, 'snake' if language == 'python' else 'camel')}"
        bucket = i // 20
        directory = f"{area}/{feature[:12]}_{bucket % max(1, files // 400)}"
        if language == "python":
            directory = f"services/svc_{bucket % 37}/{feature[:12]}"
        dir_counts[directory] = dir_counts.get(directory, 0) + 1
        name = f"{ident(rng, 'snake' if language in ('python',) else 'pascal')}_{i}"
        if i < len(odd_names):
            directory, name = f"{area}/{odd_names[i].split('/')[0]}", odd_names[i].split("/")[1] + f" {i}"
        rel = f"{directory}/{name}{suffix[language]}"
        has_calls = rng.random() < call_share
        planted = [rng.choice(events) for _ in range(rng.randint(1, 4))] if has_calls else []
        text, calls = build_file(rng, language, file_size(rng, avg), planted)
        if not has_calls and rng.random() < FALSE_FRIEND_SHARE and real is None:
            text += FALSE_FRIENDS[language]
        if real is not None and not has_calls:
            text = real.decorate(text, language)
        tree.bytes += write(root / rel, text)
        tree.files += 1
        for line, event, sdk in calls:
            tree.truth.append(Planted(rel, line, event, language, sdk))
    # Four one-line minified bundles (tracked, skipped by tracklint, excluded from the truth).
    for rel, mb in (("apps/web/public/vendor/analytics-bundle.js", 1.2),
                    ("apps/web/public/vendor/charts.min.js", 2.1),
                    ("apps/web/static/js/main.3f2a1b.js", 3.4),
                    ("apps/web/static/js/vendor.7c1d9e.js", 4.8)):
        tree.bytes += write(root / rel, minified_bundle(rng, int(mb * 1024 * 1024)))
        tree.files += 1
    # Generated files (no calls): skipped by default, harmless otherwise.
    for k in range(5):
        tree.bytes += write(root / f"services/proto/gen_{k}_pb2.py",
                            "# -*- coding: utf-8 -*-\n# Generated by the protocol buffer compiler.  DO NOT EDIT!\n"
                            + py_chunk(rng) * 20)
        tree.files += 1
    # Ignored trees: calls in here must not be reported.
    ignored = max(20, files // 20)
    for k in range(ignored):
        base = rng.choice(["node_modules/@shop/sdk/dist", "apps/web/node_modules/lib",
                           "build/lib/services", "apps/android/app/build/generated"])
        language = "javascript" if "node_modules" in base else rng.choice(["python", "kotlin"])
        text, _ = build_file(rng, language, file_size(rng, avg // 2), [rng.choice(events)])
        write(root / f"{base}/ignored_{k}{suffix[language]}", text)
    write(root / ".gitignore", "node_modules/\nbuild/\ndist/\n.tracklint_cache/\n")
    write(root / "tracking-plan.yaml", plan_yaml())
    truth = [p.__dict__ for p in sorted(tree.truth, key=lambda p: (p.path, p.line))]
    meta = {"files": tree.files, "bytes": tree.bytes, "seed": seed, "avg_kb": avg_kb,
            "calls": len(truth), "files_with_calls": len({p["path"] for p in truth}),
            "unplanned_events": UNPLANNED_EVENTS, "ignored_files": ignored}
    if density != "sparse":
        meta["density"] = density
    (root / "ground_truth.json").write_text(json.dumps({"meta": meta, "calls": truth}, indent=1))
    if git:
        git_commit(root)
    return tree


def plan_yaml() -> str:
    lines = [
        "tracklint: 1",
        "name: Synthetic benchmark plan",
        "version: 1.0.0",
        "conventions:",
        "  event_name: title-case",
        "  property_name: snake_case",
        "sources:",
        '  web: {paths: ["apps/web/**"]}',
        '  ios: {paths: ["apps/ios/**"]}',
        '  android: {paths: ["apps/android/**"]}',
        '  backend: {paths: ["services/**"]}',
        "properties:",
    ]
    for name, (ptype, *_rest) in sorted(PROPERTIES.items()):
        lines.append(f"  {name}: {{type: {ptype}, description: The {name.replace('_', ' ')}.}}")
    lines.append("events:")
    for event in PLANNED_EVENTS:
        lines.append(f"  {event}:")
        lines.append(f"    description: The user did {event.lower()}.")
        lines.append("    properties:")
        for name in sorted(PROPERTIES):
            lines.append(f"      {name}: {{}}")
    return "\n".join(lines) + "\n"


def git_commit(root: Path) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        env.pop(var, None)
    run = lambda *args: subprocess.run(["git", "-C", str(root), *args], check=True,  # noqa: E731
                                       capture_output=True, env=env)
    run("init", "-q")
    run("config", "gc.auto", "0")
    run("config", "core.autocrlf", "false")
    run("add", "-A")
    run("commit", "-q", "-m", "synthetic monorepo")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path, help="where to write the tree (replaced if present)")
    parser.add_argument("--files", type=int, default=20000, help="source files (default 20000)")
    parser.add_argument("--seed", type=int, default=20250101)
    parser.add_argument("--avg-kb", type=float, default=17.0, help="average file size in KB (default 17)")
    parser.add_argument("--no-git", action="store_true", help="do not git init/commit")
    parser.add_argument("--density", choices=("sparse", "real"), default="sparse",
                        help="sparse: 5%% of files with calls, 1%% false friends (the tree before #14); "
                             "real: needle shares of the pinned real repositories (density.json)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    if root in (Path("/"), Path.home()) or (root / ".git").exists() and not (root / "ground_truth.json").exists():
        print(f"refusing to overwrite {root}: not a generated benchmark tree", file=sys.stderr)
        return 2
    started = time.perf_counter()
    tree = generate(root, files=args.files, seed=args.seed, avg_kb=args.avg_kb, git=not args.no_git,
                    density=args.density)
    print(f"{root}: {tree.files:,} files, {tree.bytes / 1e6:,.0f} MB, {len(tree.truth):,} planted calls "
          f"in {len({p.path for p in tree.truth}):,} files ({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
