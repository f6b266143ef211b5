"""How often the pre-filter's needles occur in a tree: the calibration of ``generate.py --density real``.

For every source file tracklint reads (a suffix that ``tracklint.extract.LANGUAGE_BY_SUFFIX``
knows, outside ``node_modules``/``build``/``dist``/``vendor``/``.git``, minified bundles left
out as tracklint leaves them out), it records which needles occur

* **as a word**: the needle with no identifier character ``[0-9A-Za-z_]`` directly before or
  after it, which is exactly what ``tracklint.prefilter.Prefilter`` tests today;
* **call-shaped**: as a word and then, after optional whitespace, optional generic arguments
  (``<...>`` without parentheses inside, up to 200 bytes) and an optional ``?.``, a ``(``.

The needles are the method names of the default SDK presets (``tracklint.extract.presets``:
``alias capture group identify logEvent page screen track trackMap``). Shares are of files and
of bytes; the summary's median across trees is what ``generate.py --density real`` plants.

    python benchmarks/density.py /work/corpus/owner+name ... [--json-out benchmarks/density.json]
    python benchmarks/density.py --speed-corpus --json-out benchmarks/density.json

``--speed-corpus`` takes the repositories with role "speed" in ``corpus.toml`` under
``$TRACKLINT_CORPUS`` (default ``/work/corpus``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tracklint.extract import LANGUAGE_BY_SUFFIX  # noqa: E402
from tracklint.extract.presets import DEFAULT_PRESETS, build_specs, method_names  # noqa: E402
from tracklint.extract.prefilter import is_minified  # noqa: E402

NEEDLES = tuple(sorted(set(method_names(build_specs(DEFAULT_PRESETS)))))
SKIP_DIRS = {"node_modules", "build", "dist", "vendor", ".git", ".tracklint_cache"}
_ALT = "|".join(re.escape(n) for n in sorted(NEEDLES, key=lambda n: (-len(n), n)))
#: group 1: the needle; group 2: non-empty when the occurrence is call-shaped
OCCURRENCE = re.compile(
    rf"(?<![0-9A-Za-z_])({_ALT})(?![0-9A-Za-z_])((?:\s*<[^<>()]{{0,200}}>)?\s*(?:\?\.)?\s*\()?".encode()
)


def source_files(root: Path):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS]
        for name in filenames:
            dot = name.rfind(".")
            if dot > 0 and name[dot:].lower() in LANGUAGE_BY_SUFFIX:
                path = os.path.join(dirpath, name)
                if not os.path.islink(path):
                    yield path, LANGUAGE_BY_SUFFIX[name[dot:].lower()]


def measure_tree(root: Path) -> dict:
    files = size = 0
    word_files = {n: 0 for n in NEEDLES}
    word_bytes = {n: 0 for n in NEEDLES}
    call_files = {n: 0 for n in NEEDLES}
    any_word = [0, 0]
    any_call = [0, 0]
    by_language: dict[str, list[int]] = {}  # language -> [files, bytes, word files, call files]
    for path, language in source_files(root):
        try:
            data = open(path, "rb").read()
        except OSError:
            continue
        if is_minified(data, path):
            continue
        files += 1
        size += len(data)
        words, calls = set(), set()
        for match in OCCURRENCE.finditer(data):
            name = match.group(1).decode()
            words.add(name)
            if match.group(2) is not None:
                calls.add(name)
        for name in words:
            word_files[name] += 1
            word_bytes[name] += len(data)
        for name in calls:
            call_files[name] += 1
        lang = by_language.setdefault(language, [0, 0, 0, 0])
        lang[0] += 1
        lang[1] += len(data)
        if words:
            any_word[0] += 1
            any_word[1] += len(data)
            lang[2] += 1
        if calls:
            any_call[0] += 1
            any_call[1] += len(data)
            lang[3] += 1
    share = lambda part, whole: round(part / whole, 4) if whole else 0.0  # noqa: E731
    return {
        "tree": root.name,
        "files": files,
        "bytes": size,
        "word_files": share(any_word[0], files),
        "word_bytes": share(any_word[1], size),
        "call_files": share(any_call[0], files),
        "call_bytes": share(any_call[1], size),
        "needles": {n: {"word_files": share(word_files[n], files), "word_bytes": share(word_bytes[n], size),
                        "call_files": share(call_files[n], files)} for n in NEEDLES},
        "languages": {k: {"files": v[0], "bytes": v[1], "word_files": share(v[2], v[0]),
                          "call_files": share(v[3], v[0])} for k, v in sorted(by_language.items())},
    }


def summary(trees: list[dict]) -> dict:
    keys = ("word_files", "word_bytes", "call_files", "call_bytes")
    med = {k: round(statistics.median(t[k] for t in trees), 4) for k in keys}
    med["needles"] = {n: {k: round(statistics.median(t["needles"][n][k] for t in trees), 4)
                          for k in ("word_files", "word_bytes", "call_files")} for n in NEEDLES}
    return med


def speed_corpus() -> list[Path]:
    import tomllib

    corpus = Path(os.environ.get("TRACKLINT_CORPUS", "/work/corpus"))
    with open(HERE / "corpus.toml", "rb") as handle:
        entries = tomllib.load(handle)["repo"]
    return [corpus / e["repo"].replace("/", "+") for e in entries if "speed" in e["roles"]]


def pct(x: float) -> str:
    return f"{100 * x:.1f}%" if 0 < x < 0.1 else f"{100 * x:.0f}%"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("roots", type=Path, nargs="*")
    parser.add_argument("--speed-corpus", action="store_true", help="the 'speed' repositories of corpus.toml")
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args(argv)
    roots = list(args.roots) + (speed_corpus() if args.speed_corpus else [])
    if not roots:
        parser.error("no trees given")
    trees = [measure_tree(r) for r in roots]
    print("| tree | files | MB | needle as a word: files / bytes | call-shaped: files / bytes | "
          + " | ".join(f"`{n}`" for n in NEEDLES) + " |")
    print("| --- | ---: | ---: | ---: | ---: | " + " | ".join("---:" for _ in NEEDLES) + " |")
    for t in trees:
        print(f"| {t['tree']} | {t['files']:,} | {t['bytes'] / 1e6:.1f} | {pct(t['word_files'])} / {pct(t['word_bytes'])} | "
              f"{pct(t['call_files'])} / {pct(t['call_bytes'])} | "
              + " | ".join(f"{pct(t['needles'][n]['word_files'])} ({pct(t['needles'][n]['call_files'])})" for n in NEEDLES) + " |")
    med = summary(trees)
    if len(trees) > 1:
        print(f"| **median** | | | {pct(med['word_files'])} / {pct(med['word_bytes'])} | "
              f"{pct(med['call_files'])} / {pct(med['call_bytes'])} | "
              + " | ".join(f"{pct(med['needles'][n]['word_files'])} ({pct(med['needles'][n]['call_files'])})" for n in NEEDLES) + " |")
    if args.json_out:
        args.json_out.write_text(json.dumps({"needles": list(NEEDLES), "median": med, "trees": trees}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
