"""The string formats a plan's ``format:`` may name, and how each one is checked.

Every format listed in :data:`FORMATS` has a checker here, built only from the standard library
and the packages ``pyproject.toml`` declares (rfc3339-validator, rfc3986-validator, fqdn, idna).
Nothing depends on which optional packages happen to be installed: the same plan and the same
call give the same findings everywhere. A checker's library is imported the first time the
format is used, so plans without that format do not pay for it.

A format whose library cannot be imported (a broken installation) raises
:class:`FormatUnavailable` instead of passing every value.
"""

from __future__ import annotations

import functools
import importlib.util
import ipaddress
import re
from datetime import date
from typing import Callable

from tracklint.errors import TracklintError

#: (format, the distribution that checks it, or None for the standard library)
_TABLE: tuple[tuple[str, str | None], ...] = (
    ("date-time", "rfc3339-validator"),
    ("date", None),
    ("time", "rfc3339-validator"),
    ("duration", None),
    ("email", None),
    ("idn-email", None),
    ("hostname", "fqdn"),
    ("idn-hostname", "idna"),
    ("ipv4", None),
    ("ipv6", None),
    ("uri", "rfc3986-validator"),
    ("uri-reference", "rfc3986-validator"),
    ("uuid", None),
    ("regex", None),
    ("json-pointer", None),
)

#: Every format a plan may name, in the order of the table above.
FORMATS: tuple[str, ...] = tuple(name for name, _ in _TABLE)
#: The distributions behind the checkers -> the module each one installs (all declared in
#: pyproject.toml).
PACKAGES: dict[str, str] = {
    "rfc3339-validator": "rfc3339_validator",
    "rfc3986-validator": "rfc3986_validator",
    "fqdn": "fqdn",
    "idna": "idna",
}


class FormatUnavailable(TracklintError):
    """A format's checking library cannot be imported (a broken installation): the run ends with
    exit 2 and this message rather than pass every value of the format."""

    CODE = "environment-error"


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
# RFC 3339 appendix A (ISO 8601 durations).
_DUR_TIME = r"T(?:[0-9]+H(?:[0-9]+M(?:[0-9]+S)?)?|[0-9]+M(?:[0-9]+S)?|[0-9]+S)"
_DUR_DATE = r"(?:[0-9]+D|[0-9]+M(?:[0-9]+D)?|[0-9]+Y(?:[0-9]+M(?:[0-9]+D)?)?)"
_DURATION = re.compile(rf"P(?:{_DUR_DATE}(?:{_DUR_TIME})?|{_DUR_TIME}|[0-9]+W)\Z")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\Z")
_JSON_POINTER = re.compile(r"(?:/(?:[^~/]|~[01])*)*\Z")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")


def _date(value: str) -> bool:
    if not _DATE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _ip(version: int) -> Callable[[str], bool]:
    def check(value: str) -> bool:
        try:
            return ipaddress.ip_address(value).version == version
        except ValueError:
            return False

    return check


def _regex(value: str) -> bool:
    from tracklint.plan.patterns import pattern_error

    return pattern_error(value) is None


def _library_checker(name: str) -> Callable[[str], bool]:
    """The checker of a format backed by a declared dependency (imported here, lazily)."""
    if name in ("date-time", "time"):
        from rfc3339_validator import validate_rfc3339

        if name == "time":
            return lambda value: bool(validate_rfc3339("1970-01-01T" + value))
        return lambda value: bool(validate_rfc3339(value))
    if name in ("uri", "uri-reference"):
        from rfc3986_validator import validate_rfc3986

        rule = "URI" if name == "uri" else "URI_reference"
        return lambda value: bool(validate_rfc3986(value, rule=rule))
    if name == "hostname":
        from fqdn import FQDN

        return lambda value: bool(value) and FQDN(value, min_labels=1).is_valid
    import idna

    def idn_hostname(value: str) -> bool:
        try:
            idna.encode(value)
        except (idna.IDNAError, UnicodeError, ValueError):
            return False
        return True

    return idn_hostname


_BUILTIN: dict[str, Callable[[str], bool]] = {
    "date": _date,
    "duration": lambda value: bool(_DURATION.match(value)),
    "email": lambda value: bool(_EMAIL.match(value)),
    "idn-email": lambda value: bool(_EMAIL.match(value)),
    "ipv4": _ip(4),
    "ipv6": _ip(6),
    "uuid": lambda value: bool(_UUID.match(value)),
    "regex": _regex,
    "json-pointer": lambda value: bool(_JSON_POINTER.match(value)),
}


@functools.cache
def missing_package(name: str) -> str | None:
    """The declared distribution that format ``name`` needs and that cannot be found (without
    importing it), or None."""
    package = dict(_TABLE).get(name)
    if package is None:
        return None
    try:
        found = importlib.util.find_spec(PACKAGES[package]) is not None
    except (ImportError, ValueError, AttributeError):  # e.g. a module blocked in sys.modules
        found = False
    return None if found else package


@functools.cache
def checker(name: str) -> Callable[[str], bool]:
    """The checker of format ``name`` (KeyError for a format not in :data:`FORMATS`).

    Raises :class:`FormatUnavailable` when the format's library cannot be imported.
    """
    package = dict(_TABLE)[name]
    if package is None:
        return _BUILTIN[name]
    try:
        return _library_checker(name)
    except ImportError as exc:
        raise FormatUnavailable(
            f"format {name!r} cannot be checked: the package {package!r} cannot be imported ({exc})",
            hint="reinstall tracklint with its dependencies",
        ) from None


def conforms(value: str, name: str) -> bool:
    """Whether ``value`` is a valid ``name`` (a format of :data:`FORMATS`)."""
    return checker(name)(value)
