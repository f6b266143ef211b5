"""Errors that end a run with exit code 2 and a positioned, human message (never a traceback)."""

from __future__ import annotations

from dataclasses import dataclass

EXIT_SUCCESS = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


@dataclass
class TracklintError(Exception):
    """A user-facing error: bad usage, config or plan.

    ``path``/``line``/``column`` (1-based) point at the cause when it is known.
    """

    #: The code a machine-readable report gives this kind of error (JSON ``code``, SARIF ``ruleId``).
    CODE = "error"

    message: str
    path: str | None = None
    line: int | None = None
    column: int | None = None
    hint: str | None = None

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.render()

    def render(self) -> str:
        where = ""
        if self.path:
            where = self.path
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        text = f"{where}{self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class PlanError(TracklintError):
    """The tracking plan cannot be loaded or is invalid."""

    CODE = "plan-error"


class ConfigError(TracklintError):
    """The configuration (pyproject/tracklint.toml or CLI flags) is invalid."""

    CODE = "config-error"


class UsageError(TracklintError):
    """The command line is invalid."""

    CODE = "usage-error"


class OutputError(TracklintError):
    """A file tracklint was asked to write cannot be written (read-only, full, too large)."""

    CODE = "output-error"
