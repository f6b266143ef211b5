"""Configuration: discovery of ``[tool.tracklint]`` / ``tracklint.toml`` / ``.tracklint.toml`` and
the frozen :class:`Settings` every command runs with.

The closest file wins and files are not merged (as in ruff). In one directory,
``.tracklint.toml`` > ``tracklint.toml`` > ``pyproject.toml`` (only when it has a
``[tool.tracklint]`` table). Paths in a config file resolve against its directory. Precedence,
highest first: CLI flags, ``--config FILE``, the discovered file, defaults.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from tracklint.diagnostics import Severity
from tracklint.errors import ConfigError

CONFIG_NAMES = (".tracklint.toml", "tracklint.toml", "pyproject.toml")
PLAN_NAMES = ("tracking-plan.yaml", "tracking-plan.yml", "tracking_plan.yaml", "tracking_plan.yml")
OUTPUT_FORMATS = ("full", "concise", "json", "sarif", "github", "markdown")


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
    presets: tuple[str, ...] = ("segment", "rudderstack", "posthog", "mixpanel", "amplitude")
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
    """The nearest ``tracking-plan.yaml`` from ``start`` upwards (stopping at the repo root)."""
    start = start.resolve()
    for directory in (start, *start.parents):
        for name in PLAN_NAMES:
            if (directory / name).is_file():
                return directory / name
        if (directory / ".git").exists():
            break
    return None


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
    from tracklint.extract.presets import PRESETS, wrapper_specs

    kw: dict[str, Any] = {}
    t = {k.replace("_", "-"): v for k, v in table.items()}
    if "plan" in t:
        kw["plan"] = (base_dir / t["plan"]).resolve()
    for key in ("exclude", "extend-exclude"):
        if key in t:
            kw[key.replace("-", "_")] = tuple(str(x) for x in t[key])
    if "force-exclude" in t:
        kw["force_exclude"] = t["force-exclude"]
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
        wrappers = tuple(t["wrappers"])
        for i, entry in enumerate(wrappers):
            if not isinstance(entry, dict) or "function" not in entry:
                raise ConfigError(f"wrappers[{i}] needs a `function` key", path=str(path) if path else None)
        try:
            wrapper_specs(wrappers)
        except (ValueError, TypeError, KeyError) as exc:
            raise ConfigError(f"invalid wrapper: {exc}", path=str(path) if path else None) from None
        kw["wrappers"] = wrappers
    for key in ("jobs", "cache", "max-file-size", "skip-minified", "skip-generated"):
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
    if config_path is not None:
        table = read_config(config_path)
        kw.update(settings_from_table(table, config_path.parent, config_path))
        if not (config_path.parent / ".git").exists() and root == starts[0].resolve():
            root = config_path.parent
    env_cache = os.environ.get("TRACKLINT_CACHE_DIR")
    if env_cache:
        kw["cache_dir"] = Path(env_cache).expanduser().resolve()
    env_format = os.environ.get("TRACKLINT_OUTPUT_FORMAT")
    if env_format:
        if env_format not in OUTPUT_FORMATS:
            raise ConfigError(f"TRACKLINT_OUTPUT_FORMAT must be one of {', '.join(OUTPUT_FORMATS)}, not {env_format!r}")
        kw["output_format"] = env_format
    for key, value in (overrides or {}).items():
        if value is None:
            continue
        if key not in {f.name for f in fields(Settings)}:
            raise KeyError(key)
        kw[key] = value
    kw.setdefault("root", root)
    kw["config_file"] = config_path
    if kw.get("plan") is None:
        # the plan nearest to the first path given, else to the working directory
        starts = [p if p.is_dir() else p.parent for p in kw.get("paths", ())[:1]] + [cwd]
        kw["plan"] = next((found for s in starts if (found := find_plan(s)) is not None), None)
    return Settings(**kw)
