"""Configuration: discovery of ``[tool.tracklint]`` / ``tracklint.toml`` / ``.tracklint.toml`` and
the frozen :class:`Settings` every command runs with.

The closest file wins and files are not merged (as in ruff). In one directory,
``.tracklint.toml`` > ``tracklint.toml`` > ``pyproject.toml`` (only when it has a
``[tool.tracklint]`` table). Paths in a config file resolve against its directory. Precedence,
highest first: CLI flags, ``--config FILE``, the discovered file, defaults.
"""

from __future__ import annotations

import difflib
import logging
import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from tracklint.diagnostics import Severity
from tracklint.errors import ConfigError, PlanError
from tracklint.extract.presets import DEFAULT_PRESETS
from tracklint.report import formats

LOG = logging.getLogger(__name__)
CONFIG_NAMES = (".tracklint.toml", "tracklint.toml", "pyproject.toml")
PLAN_NAMES = ("tracking-plan.yaml", "tracking-plan.yml", "tracking_plan.yaml", "tracking_plan.yml")
#: The formats ``check`` writes (from its reporter registry); ``output-format`` in the config.
OUTPUT_FORMATS = formats("check")


@dataclass(frozen=True)
class Settings:
    """Everything a run depends on. Built by :func:`resolve_settings`; never mutated."""

    root: Path = field(default_factory=Path.cwd)
    plan: Path | None = None
    paths: tuple[Path, ...] = ()
    files_given: bool = False  # explicit file list (pre-commit): project rules are off
    exclude: tuple[str, ...] = ()
    extend_exclude: tuple[str, ...] = ()
    force_exclude: bool = False
    # Leave test, fixture and harness files out (tracklint.testpaths); `init` sets it when it
    # leaves their calls out of the plan, so `check` reads the code the plan was made from.
    exclude_tests: bool = False
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    fail_on: Severity = Severity.ERROR
    exit_zero: bool = False
    output_format: str = "full"
    output_file: Path | None = None
    color: str = "auto"
    show_suppressed: bool = False
    presets: tuple[str, ...] = DEFAULT_PRESETS
    wrappers: tuple[dict[str, Any], ...] = ()
    jobs: int = 0  # 0: one worker per core
    cache: bool = True
    cache_dir: Path | None = None
    max_file_size: int = 2 * 1024 * 1024
    prefilter: bool = True  # False: parse every file whole (the reference for the shortcuts)
    skip_minified: bool = True
    skip_generated: bool = True
    baseline: Path | None = None
    write_baseline: Path | None = None
    changed_since: str | None = None
    # The paths a change touched, repo-relative (``check --affected FILE...``, the per-file
    # pre-commit hook): the run checks what they can affect, like --changed-since.
    changed_files: tuple[str, ...] | None = None
    # In those PR modes, a changed file that tracklint skips (too large, minified, generated,
    # binary) fails the gate (TL014) unless this is false.
    fail_on_skipped_changes: bool = True
    config_file: Path | None = None
    progress: bool = True

    def with_(self, **changes: Any) -> "Settings":
        return replace(self, **changes)

    @property
    def cache_directory(self) -> Path:
        """Where the cache, the run memo and the plan marker live."""
        return self.cache_dir or self.root / ".tracklint_cache"

    def extraction_key(self) -> str:
        """The settings that change what extraction produces (for the cache key)."""
        import json

        return json.dumps(
            {
                "presets": list(self.presets),
                "wrappers": list(self.wrappers),
                "max_file_size": self.max_file_size,
                "prefilter": self.prefilter,
                "skip_minified": self.skip_minified,  # a skipped file's record says "skipped"
                "skip_generated": self.skip_generated,
            },
            sort_keys=True,
            default=str,
        )


# Keys accepted in [tool.tracklint] (kebab-case, as ruff), with their expected types.
_KEYS: dict[str, tuple[type, ...]] = {
    "plan": (str,),
    "exclude": (list,),
    "extend-exclude": (list,),
    "force-exclude": (bool,),
    "exclude-tests": (bool,),
    "select": (list,),
    "ignore": (list,),
    "severity": (dict,),
    "rules": (dict,),
    "fail-on": (str,),
    "output-format": (str,),
    "presets": (list,),
    "wrappers": (list,),
    "jobs": (int,),
    "cache": (bool,),
    "cache-dir": (str,),
    "max-file-size": (int,),
    "skip-minified": (bool,),
    "skip-generated": (bool,),
    "fail-on-skipped-changes": (bool,),
    "baseline": (str,),
}


def find_config(start: Path) -> Path | None:
    """The nearest config file from ``start`` upwards, stopping at a repository root or home."""
    start = start.resolve()
    home = Path.home().resolve()
    for directory in (start, *start.parents):
        for name in CONFIG_NAMES:
            candidate = directory / name
            if candidate.is_file() and (name != "pyproject.toml" or _has_table(candidate)):
                return candidate
        if (directory / ".git").exists() or directory == home:
            break
    return None


def find_plan(start: Path) -> Path | None:
    """The nearest ``tracking-plan.yaml`` from ``start`` upwards (stopping at the repo root).

    A plan found this way is part of the checkout, so it must not lead outside it: a symbolic
    link to a file outside the repository (or outside the plan's directory when there is no
    repository) is a :class:`PlanError`, and the file it points to is never read.
    """
    start = start.resolve()
    for directory in (start, *start.parents):
        for name in PLAN_NAMES:
            if (directory / name).is_file():
                return _inside_checkout(directory / name, find_root(directory))
        if (directory / ".git").exists():
            break
    return None


def _inside_checkout(candidate: Path, root: Path) -> Path:
    top = root if (root / ".git").exists() else candidate.parent
    if not candidate.resolve().is_relative_to(top):
        raise PlanError(
            f"the plan is a symbolic link to a file outside the project ({top})",
            path=str(candidate),
            hint="a plan in the repository must be a file in the repository; pass --plan FILE to use one elsewhere",
        )
    return candidate


def find_root(start: Path) -> Path:
    """The repository root containing ``start`` (the directory with ``.git``), else ``start``."""
    start = start.resolve()
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return start


def _has_table(pyproject: Path) -> bool:
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return isinstance(data.get("tool"), dict) and "tracklint" in data["tool"]


def read_config(path: Path) -> dict[str, Any]:
    """Read and validate one config file; returns the tracklint table (may be empty)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config: {exc}", path=str(path)) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        col = getattr(exc, "colno", None)
        raise ConfigError(f"invalid TOML: {exc.args[0] if exc.args else exc}", path=str(path), line=line, column=col) from None
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("tracklint", {})
    else:
        table = data.get("tool", {}).get("tracklint", data) if "tool" in data else data
    if not isinstance(table, dict):
        raise ConfigError("[tool.tracklint] must be a table", path=str(path))
    _validate(table, path)
    return table


def _validate(table: dict[str, Any], path: Path) -> None:
    for key, value in table.items():
        norm = key.replace("_", "-")
        if norm not in _KEYS:
            close = difflib.get_close_matches(norm, list(_KEYS), n=1)
            raise ConfigError(
                f"unknown option `{key}`",
                path=str(path),
                hint=f"did you mean `{close[0]}`?" if close else f"valid options: {', '.join(_KEYS)}",
            )
        if not isinstance(value, _KEYS[norm]) or (isinstance(value, bool) and bool not in _KEYS[norm]):
            raise ConfigError(
                f"option `{key}` must be a {_KEYS[norm][0].__name__}, not {type(value).__name__}",
                path=str(path),
            )


def _codes(values: list[Any], what: str, path: Path | None) -> tuple[str, ...]:
    from tracklint.rules import RULES, BY_NAME

    out = []
    for raw in values:
        code = str(raw).strip()
        if not code:
            continue
        upper = code.upper()
        if upper in RULES or upper == "ALL" or any(c.startswith(upper) for c in RULES):
            out.append(upper)
        elif code.lower() in BY_NAME:
            out.append(BY_NAME[code.lower()].CODE)
        else:
            close = difflib.get_close_matches(upper, list(RULES) + list(BY_NAME), n=1)
            raise ConfigError(
                f"unknown rule `{code}` in {what}",
                path=str(path) if path else None,
                hint=f"did you mean `{close[0]}`?" if close else "run `tracklint rule` to list the rules",
            )
    return tuple(out)


def _severity(value: Any, where: str, path: Path | None) -> Severity:
    try:
        return Severity.parse(str(value))
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}", path=str(path) if path else None) from None


def settings_from_table(table: dict[str, Any], base_dir: Path, path: Path | None) -> dict[str, Any]:
    """Turn a validated config table into :class:`Settings` keyword arguments."""
    from tracklint.extract.presets import PRESETS

    kw: dict[str, Any] = {}
    t = {k.replace("_", "-"): v for k, v in table.items()}
    if "plan" in t:
        kw["plan"] = (base_dir / t["plan"]).resolve()
    for key in ("exclude", "extend-exclude"):
        if key in t:
            kw[key.replace("-", "_")] = tuple(str(x) for x in t[key])
    if "force-exclude" in t:
        kw["force_exclude"] = t["force-exclude"]
    if "exclude-tests" in t:
        kw["exclude_tests"] = t["exclude-tests"]
    if "select" in t:
        kw["select"] = _codes(t["select"], "select", path)
    if "ignore" in t:
        kw["ignore"] = _codes(t["ignore"], "ignore", path)
    if "severity" in t:
        sev = {}
        for code, level in t["severity"].items():
            (c,) = _codes([code], "severity", path)
            sev[c] = _severity(level, f"severity of {code}", path)
        kw["severity"] = sev
    if "rules" in t:
        opts = {}
        for code, options in t["rules"].items():
            (c,) = _codes([code], "rules", path)
            if not isinstance(options, dict):
                raise ConfigError(f"[rules.{code}] must be a table", path=str(path) if path else None)
            opts[c] = _validate_rule_options(c, options, path)
        kw["rule_options"] = opts
    if "fail-on" in t:
        kw["fail_on"] = _severity(t["fail-on"], "fail-on", path)
    if "output-format" in t:
        if t["output-format"] not in OUTPUT_FORMATS:
            raise ConfigError(f"output-format must be one of {', '.join(OUTPUT_FORMATS)}", path=str(path) if path else None)
        kw["output_format"] = t["output-format"]
    if "presets" in t:
        unknown = [p for p in t["presets"] if p not in PRESETS]
        if unknown:
            raise ConfigError(
                f"unknown preset `{unknown[0]}`",
                path=str(path) if path else None,
                hint=f"known presets: {', '.join(PRESETS)}",
            )
        kw["presets"] = tuple(t["presets"])
    if "wrappers" in t:
        kw["wrappers"] = validate_wrappers(t["wrappers"], path)
    if "jobs" in t:
        kw["jobs"] = _config_jobs(t["jobs"], path)
    for key in ("cache", "max-file-size", "skip-minified", "skip-generated", "fail-on-skipped-changes"):
        if key in t:
            kw[key.replace("-", "_")] = t[key]
    if "cache-dir" in t:
        cache_dir = (base_dir / t["cache-dir"]).resolve()
        # A repository's own config must not make tracklint write outside the repository.
        if not cache_dir.is_relative_to(base_dir.resolve()):
            raise ConfigError(
                f"cache-dir must be inside the project ({base_dir}), not {cache_dir}",
                path=str(path) if path else None,
                hint="use --no-cache, or set TRACKLINT_CACHE_DIR for a cache elsewhere",
            )
        kw["cache_dir"] = cache_dir
    if "baseline" in t:
        kw["baseline"] = (base_dir / t["baseline"]).resolve()
    return kw


def _validate_rule_options(code: str, options: dict[str, Any], path: Path | None) -> dict[str, Any]:
    from tracklint.rules import RULES

    rule = RULES[code]
    known: dict[str, Any] = getattr(rule, "OPTIONS", {})
    out = {}
    for key, value in options.items():
        norm = key.replace("_", "-")
        if norm not in known:
            raise ConfigError(
                f"rule {code} has no option `{key}`",
                path=str(path) if path else None,
                hint=f"options: {', '.join(known)}" if known else f"{code} takes no options",
            )
        want = known[norm]
        if not isinstance(value, want) or (want is int and isinstance(value, bool)):
            raise ConfigError(f"option `{key}` of {code} must be a {want.__name__}", path=str(path) if path else None)
        out[norm] = value
    return out


#: ``jobs`` from a config file is capped at the usable cores (a committed ``jobs = 300`` must
#: not start 300 processes on a CI runner); ``--jobs`` on the command line at this many per core.
MAX_CLI_JOBS_PER_CPU = 4


def usable_cpus() -> int:
    """The cores this process may run on (the affinity mask where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def _config_jobs(value: int, path: Path | None) -> int:
    if value < 0:
        raise ConfigError(f"jobs must be 0 (one per core) or a positive number, not {value}", path=str(path) if path else None)
    cpus = usable_cpus()
    if value > cpus:
        LOG.warning("note: %s: jobs = %d is more than the %d usable core(s); using %d (pass --jobs to override)",
                    path, value, cpus, cpus)
        return cpus
    return value


def _cli_jobs(value: int) -> int:
    limit = usable_cpus() * MAX_CLI_JOBS_PER_CPU
    if value > limit:
        LOG.warning("note: --jobs %d is more than %d per usable core; using %d", value, MAX_CLI_JOBS_PER_CPU, limit)
        return limit
    return max(value, 0)


def _check_paths_inside(kw: dict[str, Any], config_path: Path, overridden: set[str]) -> None:
    """``plan`` and ``baseline`` from a config file must stay inside the project (the config's
    repository, else its directory): the file is part of the checkout, and an error message
    about a file outside it could print its content (a CI token) into the log. Paths given on
    the command line are the user's own and not checked."""
    top = find_root(config_path.parent)
    if not (top / ".git").exists():
        top = config_path.parent.resolve()
    for key in ("plan", "baseline"):
        target = kw.get(key)
        if target is None or key in overridden or Path(target).resolve().is_relative_to(top):
            continue
        raise ConfigError(
            f"`{key}` must be a file inside the project ({top}); it resolves to {target}",
            path=str(config_path),
            line=_key_line(config_path, key),
            hint=f"symbolic links are followed; to use a file elsewhere pass --{key} on the command line",
        )


def _key_pattern(key: str) -> re.Pattern[str]:
    """A TOML line assigning ``key`` (bare or quoted)."""
    return re.compile(rf"\s*[\"']?{re.escape(key)}[\"']?\s*=")


def _key_line(path: Path, key: str) -> int | None:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    pattern = _key_pattern(key)
    return next((n + 1 for n, text in enumerate(lines) if pattern.match(text)), None)


# --------------------------------------------------------------------------------------------
# [[tool.tracklint.wrappers]]: validated in full here, so that a wrapper that cannot match is a
# config error with its place in the file, never an internal error on every file or a wrapper
# whose calls are silently dropped (issue #12).

_WRAPPER_KEYS = ("function", "event", "properties", "kind", "languages", "sdk", "modules", "from",
                 "module", "transform")
_ARG_KEYS = ("position", "keyword", "key", "kwargs", "exclude")
_IDENT = r"(?:[^\W\d]|\$)(?:\w|\$)*"
#: ``trackEvent``, ``tracker.log``, ``Tracker.shared.log``, ``*.logEvent`` (one line, no spaces).
_FUNCTION = re.compile(rf"(?:\*\.)?{_IDENT}(?:\.{_IDENT})*\Z")
_WRAPPER_HEADER = re.compile(r"\s*\[\[\s*(?:tool\s*\.\s*tracklint\s*\.\s*)?wrappers\s*\]\]")


class _WrapperPlace:
    """Names one wrapper entry (and one of its keys) in messages: table path and, when the
    TOML text shows it, the line."""

    def __init__(self, path: Path | None, index: int) -> None:
        self.path, self.index = path, index
        table = "[[tool.tracklint.wrappers]]" if path is None or path.name == "pyproject.toml" else "[[wrappers]]"
        self.table = f"{table} #{index + 1}"

    def error(self, key: str | None, message: str, hint: str | None = None) -> ConfigError:
        where = f"{self.table} .{key}" if key else self.table
        return ConfigError(f"{where}: {message}", path=str(self.path) if self.path else None,
                           line=self._line(key), hint=hint)

    def _line(self, key: str | None) -> int | None:
        """The line of the entry's header (or of ``key`` in it); None for inline tables."""
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines() if self.path else []
        except (OSError, UnicodeDecodeError):
            return None
        headers = [n for n, text in enumerate(lines) if _WRAPPER_HEADER.match(text)]
        if len(headers) <= self.index:
            return None
        start = headers[self.index]
        if key:
            pattern = _key_pattern(key)
            for n in range(start + 1, len(lines)):
                if lines[n].lstrip().startswith("["):
                    break
                if pattern.match(lines[n]):
                    return n + 1
        return start + 1


def validate_wrappers(entries: list[Any], path: Path | None) -> tuple[dict[str, Any], ...]:
    """Check every ``wrappers`` entry; a :class:`ConfigError` names the entry, the key and
    (when it can be found) the line."""
    from tracklint.extract.presets import wrapper_specs

    for index, entry in enumerate(entries):
        _check_wrapper(entry, _WrapperPlace(path, index))
    wrappers = tuple(entries)
    wrapper_specs(wrappers)  # validated above: compiling cannot fail now
    return wrappers


def _check_wrapper(entry: Any, place: _WrapperPlace) -> None:
    from tracklint.extract.presets import KINDS, LANGUAGES

    if not isinstance(entry, dict):
        raise place.error(None, f"must be a table, not {_kind(entry)}")
    for key in entry:
        if key not in _WRAPPER_KEYS:
            raise place.error(key, f"unknown key `{key}`", _did_you_mean(key, _WRAPPER_KEYS))
    if "function" not in entry:
        raise place.error(None, "needs a `function` key", 'for example: function = "trackEvent"')
    function = entry["function"]
    if not isinstance(function, str) or not _FUNCTION.match(function):
        raise place.error("function", f"expected a function name such as \"trackEvent\", \"tracker.log\" or \"*.log\", not {_show(function)}")
    kind = entry.get("kind", "track")
    if kind not in KINDS:
        raise place.error("kind", f"unknown kind {_show(kind)}", f"one of: {', '.join(KINDS)}")
    languages = entry.get("languages", list(LANGUAGES))
    if not isinstance(languages, list) or not languages:
        raise place.error("languages", f"expected a non-empty list of languages, not {_kind(languages)}",
                          f'for example: languages = ["javascript"]; one or more of: {", ".join(LANGUAGES)}')
    for language in languages:
        if language not in LANGUAGES:
            raise place.error("languages", f"unknown language {_show(language)}",
                              _did_you_mean(language, LANGUAGES) if isinstance(language, str) else None)
    for key in ("sdk",):
        if key in entry and not isinstance(entry[key], str):
            raise place.error(key, f"expected a string, not {_kind(entry[key])}")
    modules = entry.get("modules", [])
    if not isinstance(modules, list) or not all(isinstance(m, str) and m for m in modules):
        raise place.error("modules", "expected a list of module names")
    _check_transform(entry, place)
    for key, example in (("from", 'from = "useAnalytics"'), ("module", 'module = "@/lib/analytics"')):
        scope = entry.get(key, [])
        names = [scope] if isinstance(scope, str) else scope
        if not isinstance(names, list) or (key in entry and not names) \
                or not all(isinstance(n, str) and n.strip() for n in names):
            raise place.error(key, f"expected a name or a list of names, not {_show(scope)}",
                              f"for example: {example}")
    for key, default in (("event", 0), ("properties", 1)):
        _check_arg(entry.get(key, default), place, key, top=True)


def _check_transform(entry: dict[str, Any], place: _WrapperPlace) -> None:
    """``transform``: one of the names :func:`tracklint.naming.transform` knows."""
    from tracklint.naming import TRANSFORMS

    if "transform" not in entry:
        return
    how = entry["transform"]
    if not isinstance(how, str):
        raise place.error("transform", f"expected a string, not {_kind(how)}", f"one of: {', '.join(TRANSFORMS)}")
    if how not in TRANSFORMS:
        raise place.error("transform", f"unknown transform {_show(how)}",
                          _did_you_mean(how, TRANSFORMS))


def _check_arg(where: Any, place: _WrapperPlace, key: str, *, top: bool) -> None:
    """``event``/``properties``: a position, a keyword, ``"**kwargs"``, a table, ``false``, or
    (at the top) a list of these alternatives."""
    expected = 'a position (0, 1, …), a keyword ("name"), "**kwargs", a table {position = 0, key = "name"}, a list of these, or false'
    if where is False or (isinstance(where, int) and not isinstance(where, bool) and where >= 0):
        return
    if isinstance(where, str) and (where == "**kwargs" or re.fullmatch(_IDENT, where)):
        return
    if isinstance(where, list) and top and where:
        for item in where:
            _check_arg(item, place, key, top=False)
        return
    if isinstance(where, dict):
        _check_arg_table(where, place, key)
        return
    raise place.error(key, f"expected {expected}; got {_show(where)}")


def _check_arg_table(where: dict[str, Any], place: _WrapperPlace, key: str) -> None:
    for name, value in where.items():
        if name not in _ARG_KEYS:
            raise place.error(key, f"unknown key `{name}`", _did_you_mean(name, _ARG_KEYS))
        if name == "position" and not (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
            raise place.error(key, f"`position` must be a whole number from 0, not {_show(value)}")
        if name in ("keyword", "key") and not (isinstance(value, str) and re.fullmatch(_IDENT, value)):
            raise place.error(key, f"`{name}` must be a name, not {_show(value)}")
        if name == "kwargs" and not isinstance(value, bool):
            raise place.error(key, f"`kwargs` must be true or false, not {_show(value)}")
        if name == "exclude" and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise place.error(key, "`exclude` must be a list of keyword names")
    if not ({"position", "keyword"} & set(where) or where.get("kwargs")):
        raise place.error(key, "a table needs `position` or `keyword` (or kwargs = true)")


def _did_you_mean(word: str, choices: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f"did you mean `{close[0]}`?" if close else f"expected one of: {', '.join(choices)}"


def _kind(value: Any) -> str:
    return {dict: "a table", list: "a list", str: "a string", bool: "a boolean"}.get(type(value), f"a {type(value).__name__}")


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def resolve_settings(
    *,
    cwd: Path | None = None,
    config: Path | None = None,
    isolated: bool = False,
    overrides: dict[str, Any] | None = None,
) -> Settings:
    """Discover configuration and apply CLI ``overrides`` (keys of :class:`Settings`; ``None``
    values are ignored, so unset flags do not override the file)."""
    cwd = (cwd or Path.cwd()).resolve()
    kw: dict[str, Any] = {}
    config_path: Path | None = None
    if config is not None:
        config_path = config.resolve()
        if not config_path.is_file():
            raise ConfigError("config file not found", path=str(config))
    # Discovery starts at the first path given (``tracklint check ../other-repo``), else here.
    given = [Path(p) for p in (overrides or {}).get("paths") or ()][:1]
    starts = [p if p.is_dir() else p.parent for p in given] + [cwd]
    if config is None and not isolated:
        config_path = next((found for s in starts if (found := find_config(s)) is not None), None)
    root = find_root(starts[0])
    overridden = {key for key, value in (overrides or {}).items() if value is not None}
    if config_path is not None:
        table = read_config(config_path)
        kw.update(settings_from_table(table, config_path.parent, config_path))
        if not (config_path.parent / ".git").exists() and root == starts[0].resolve():
            root = config_path.parent
        _check_paths_inside(kw, config_path, overridden)
    env_cache = os.environ.get("TRACKLINT_CACHE_DIR")
    if env_cache:
        kw["cache_dir"] = Path(env_cache).expanduser().resolve()
    for key, value in (overrides or {}).items():
        if value is None:
            continue
        if key not in {f.name for f in fields(Settings)}:
            raise KeyError(key)
        kw[key] = _cli_jobs(value) if key == "jobs" else value
    kw.setdefault("root", root)
    kw["config_file"] = config_path
    if kw.get("plan") is None:
        # the plan nearest to the first path given, else to the working directory
        starts = [p if p.is_dir() else p.parent for p in kw.get("paths", ())[:1]] + [cwd]
        kw["plan"] = next((found for s in starts if (found := find_plan(s)) is not None), None)
    return Settings(**kw)
