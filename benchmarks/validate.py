"""Throughput of ``tracklint validate`` on a large JSON Lines file, beside ``jq`` on the same file.

Generates Segment-format events for the bundled example plan (``examples/acme``) into a file
under /tmp (never committed): mostly conforming, about 2% with a violation, each with a
realistic ``context`` (no broken lines by default: jq stops at the first one). Then runs, one after the other, ``jq -c 'select(.event)'`` and
``tracklint validate`` on it (both writing to /dev/null) and prints wall time, CPU time and peak
RSS of each (from ``wait4``'s resource usage of the child). Run it twice with different
``--size`` to see that memory stays flat as the file grows.

    python benchmarks/validate.py [--size-mb 1024] [--file /tmp/tracklint-events.jsonl] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PLAN = ROOT / "examples" / "acme" / "tracking-plan.yaml"

_CONTEXT = {
    "library": {"name": "analytics.js", "version": "4.15.3"},
    "page": {"path": "/shop/product", "referrer": "https://www.example.com/", "search": "",
             "title": "Acme Shop", "url": "https://shop.example.com/shop/product"},
    "userAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0 Safari/537.36",
    "locale": "en-GB", "ip": "203.0.113.7", "timezone": "Europe/London",
}


def _event(rng: random.Random, i: int) -> dict:
    pick = rng.random()
    base = {"messageId": f"ajs-{i:012x}", "anonymousId": f"anon-{rng.randrange(10**9)}",
            "userId": f"user_{rng.randrange(10**6)}", "timestamp": "2026-11-30T12:34:56.789Z",
            "sentAt": "2026-11-30T12:34:57.001Z", "context": _CONTEXT}
    if pick < 0.35:
        props = {"product_id": f"sku_{rng.randrange(10**5)}", "position": rng.randrange(40), "app_version": "5.2.0"}
        return {**base, "type": "track", "event": "Product Viewed", "properties": props}
    if pick < 0.6:
        props = {"product_id": f"sku_{rng.randrange(10**5)}", "quantity": 1 + rng.randrange(3)}
        return {**base, "type": "track", "event": "Product Added", "properties": props}
    if pick < 0.75:
        props = {"cart_value": round(rng.random() * 300, 2), "currency": "EUR"}
        return {**base, "type": "track", "event": "Checkout Started", "properties": props}
    if pick < 0.9:
        items = [{"product_id": f"sku_{rng.randrange(10**5)}", "price": round(rng.random() * 90, 2)}
                 for _ in range(1 + rng.randrange(3))]
        props = {"order_id": f"ord_{rng.randrange(10**8):x}", "revenue": round(rng.random() * 300, 2),
                 "currency": "USD", "coupon": None, "products": items}
        return {**base, "type": "track", "event": "Purchase Completed", "properties": props}
    return {**base, "type": "identify", "traits": {"email": f"user{i}@example.com", "plan": "plus"}}


def _broken(event: dict, rng: random.Random) -> dict:
    props = event.get("properties")
    if props is None:
        event["traits"]["plan"] = "gold"
    elif "quantity" in props:
        props["quantity"] = str(props["quantity"])
    else:
        props["colour"] = "red"
    return event


def generate(path: Path, size: int, *, broken: float = 0.0, seed: int = 7) -> int:
    """Write about ``size`` bytes of events to ``path``, a share ``broken`` of the lines cut
    short; the number of lines."""
    rng = random.Random(seed)
    written = lines = 0
    dumps = json.JSONEncoder(separators=(",", ":")).encode
    with path.open("w", encoding="utf-8") as out:
        while written < size:
            chunk = []
            for _ in range(2000):
                event = _event(rng, lines)
                roll = rng.random()
                if roll < 0.02:
                    event = _broken(event, rng)
                text = dumps(event)
                if roll > 1 - broken:
                    text = text[: len(text) // 2]  # a line cut short
                chunk.append(text)
                lines += 1
            block = "\n".join(chunk) + "\n"
            out.write(block)
            written += len(block)
    return lines


def measure(argv: list[str]) -> dict:
    """Wall time, CPU time and peak RSS of one command (its output to /dev/null)."""
    started = time.perf_counter()
    with open(os.devnull, "wb") as devnull:
        proc = subprocess.Popen(argv, stdout=devnull, stderr=subprocess.PIPE, cwd=ROOT,
                                env={**os.environ, "PYTHONPATH": str(ROOT)})
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024,
            "exit": proc.returncode}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--file", type=Path, default=Path("/tmp/tracklint-events.jsonl"))
    parser.add_argument("--keep", action="store_true", help="reuse the file if it has the size already")
    parser.add_argument("--broken", type=float, default=0.0, help="share of lines cut short (jq stops at the first)")
    args = parser.parse_args()
    size = args.size_mb << 20
    if not (args.keep and args.file.is_file() and args.file.stat().st_size >= size):
        started = time.perf_counter()
        lines = generate(args.file, size, broken=args.broken)
        print(f"generated {args.file}: {args.file.stat().st_size / 2**20:.0f} MiB, {lines} lines "
              f"in {time.perf_counter() - started:.1f}s", flush=True)
    runs = {
        "jq -c 'select(.event)'": ["jq", "-c", "select(.event)", str(args.file)],
        "tracklint validate": [sys.executable, "-m", "tracklint", "validate", str(args.file), "--plan", str(PLAN),
                               "-f", "concise", "--isolated"],
    }
    results = {name: measure(argv) for name, argv in runs.items()}
    mib = args.file.stat().st_size / 2**20
    for name, r in results.items():
        print(f"{name:<26} wall {r['wall']:7.1f}s  cpu {r['cpu']:7.1f}s  peak RSS {r['rss_mb']:7.1f} MiB  "
              f"{mib / r['wall']:6.1f} MiB/s  exit {r['exit']}")
    jq, ours = results["jq -c 'select(.event)'"], results["tracklint validate"]
    print(f"tracklint / jq wall time: {ours['wall'] / jq['wall']:.2f}x (target <= 3x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
