"""Java extraction accuracy on the pinned real repositories (issue #15): found / expected, and
lookalikes (reported calls that are no SDK call), per repository.

The expected calls are data below: the path and line of every SDK call in each pinned tree,
counted by reading the code (see ``corpus.md``, "Ground truth: Java"). Each repository is
scanned with ``tracklint scan -f json --no-cache`` (with the repository's wrapper declarations,
when it needs some, in a configuration file of its own); a reported call is *found* when its
path and first line are expected, a *lookalike* otherwise.

    python benchmarks/accuracy_java.py [--only owner/name ...]

Checkouts are read from ``$TRACKLINT_CORPUS/<owner>+<name>/`` (default ``/work/corpus``; see
``corpus.py``). Exit status 1 when a repository is under 98% or has a lookalike.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET = 0.98


def _lines(path: str, *lines: int) -> list[tuple[str, int]]:
    return [(path, line) for line in lines]


_MIXPANEL_TEST = "src/test/java/com/mixpanel/mixpanelapi/MixpanelAPITest.java"

#: repo -> (the expected SDK calls as (path, line), wrapper declarations in TOML or "").
EXPECTED: dict[str, tuple[list[tuple[str, int]], str]] = {
    # Analytics.enqueue/offer(MessageBuilder): the sample's inline TrackMessage.builder chain,
    # the e2e CLI's builder picked in a switch, the tests' builder parameters (offer too)
    "segmentio/analytics-java": ([
        *_lines("analytics-sample/src/main/java/sample/Main.java", 32),
        *_lines("e2e-cli/src/main/java/cli/Main.java", 168),
        *_lines("analytics/src/test/java/com/segment/analytics/AnalyticsTest.java",
                55, 67, 79, 107, 139),
    ], ""),
    "rudderlabs/rudder-sdk-java": ([
        *_lines("analytics-sample/src/main/java/sample/Main.java", 38),
        *_lines("analytics/src/test/java/com/rudderstack/sdk/java/analytics/RudderAnalyticsTest.java",
                55, 67, 79, 107, 139),
    ], ""),
    # capture/identify/alias/set/setOnce on a PostHog client (a local and a typed field)
    "PostHog/posthog-java": ([
        *_lines("example/src/main/java/com/posthog/java_example/App.java",
                22, 29, 36, 38, 55, 66, 73, 79, 80, 81),
        *_lines("posthog/src/test/java/com/posthog/java/PostHogTest.java",
                52, 72, 73, 88, 105, 120, 138, 163, 181, 199, 228, 229, 230, 232, 268, 270, 273),
    ], ""),
    # every message a MessageBuilder makes: events, imports, people and group updates
    "mixpanel/mixpanel-java": ([
        *_lines("src/demo/java/com/mixpanel/mixpanelapi/demo/MixpanelAPIDemo.java",
                114, 118, 129, 135, 139, 149, 159, 169, 174),
        # the flags' exposure events: builder.event(distinctId, eventName, properties)
        *_lines("src/main/java/com/mixpanel/mixpanelapi/MixpanelAPI.java", 672),
        *_lines(_MIXPANEL_TEST,
                88, 91, 96, 99, 126, 132, 138, 144, 149, 158, 169, 176, 182, 195, 210,
                220, 236, 250, 251, 252, 253, 254, 255, 259, 262, 265, 268, 275, 282,
                289, 299, 305, 311, 317, 330, 341, 356, 357, 358, 359, 360, 361, 365,
                368, 371, 374, 381, 388, 395, 406, 409, 414, 417, 422, 427, 430, 433,
                439, 445, 468, 471, 474, 480, 624, 720, 765, 773, 829, 887, 928, 948,
                967, 981, 991, 1002, 1073, 1149, 1590, 1627, 1661),
    ], ""),
    # BaseActivity's Mixpanel call, and the activities' calls of its track(name) wrapper
    "higepon/Lovamimi-For-Android": ([
        *_lines("src/com/lovamimi/BaseActivity.java", 28, 93, 101, 109),
        *_lines("src/com/lovamimi/MainActivity.java", 72, 197),
        *_lines("src/com/lovamimi/PostCommentActivity.java", 19, 32),
        *_lines("src/com/lovamimi/PostSecretActivity.java", 19, 31),
        *_lines("src/com/lovamimi/CommentActivity.java", 23, 51),
    ], '[[wrappers]]\nfunction = "track"\nlanguages = ["java"]\nevent = 0\nproperties = false\n'),
}


def scan(tree: Path, wrappers: str) -> set[tuple[str, int]]:
    """(path relative to ``tree``, line) of each call ``tracklint scan`` reports in ``tree``."""
    with tempfile.TemporaryDirectory() as scratch:
        config = Path(scratch) / "tracklint.toml"
        config.write_text(wrappers, encoding="utf-8")
        command = [sys.executable, "-m", "tracklint", "scan", "-f", "json", "--no-cache",
                   "--config", str(config), "."]
        env = dict(os.environ, PYTHONPATH=str(HERE.parent))
        done = subprocess.run(command, cwd=tree, capture_output=True, text=True, env=env, check=False)
        if done.returncode not in (0, 1):
            raise RuntimeError(f"{tree}: tracklint scan exited {done.returncode}: {done.stderr}")
        # paths are relative to the configuration's directory, the project root
        return {(os.path.relpath(os.path.join(scratch, c["path"]), tree), c["line"])
                for c in json.loads(done.stdout)["calls"]}


def measure(repo: str, corpus: Path) -> tuple[int, int, list[str], list[str]]:
    """(found, expected, missed, lookalikes) for one repository."""
    expected, wrappers = EXPECTED[repo]
    reported = scan(corpus / repo.replace("/", "+"), wrappers)
    want = set(expected)
    missed = sorted(f"{p}:{n}" for p, n in want - reported)
    lookalikes = sorted(f"{p}:{n}" for p, n in reported - want)
    return len(want & reported), len(want), missed, lookalikes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", default=None, help="owner/name of the repositories")
    args = parser.parse_args(argv)
    corpus = Path(os.environ.get("TRACKLINT_CORPUS", "/work/corpus"))
    failed = False
    print(f"{'repository':32} {'found':>5} / {'expected':<8} {'recall':>7} {'lookalikes':>10}")
    for repo in args.only or list(EXPECTED):
        found, expected, missed, lookalikes = measure(repo, corpus)
        recall = found / expected if expected else 1.0
        print(f"{repo:32} {found:5} / {expected:<8} {recall:7.1%} {len(lookalikes):10}")
        for where in missed:
            print(f"    missed    {where}")
        for where in lookalikes:
            print(f"    lookalike {where}")
        failed = failed or recall < TARGET or bool(lookalikes)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
