"""``python -m tracklint`` and the ``tracklint`` command."""

from __future__ import annotations

import sys


def main() -> None:
    """Console-script entry point. ``check`` and ``scan`` list the work tree with git: that
    listing starts here, for the current directory, before the rest of tracklint is imported
    (the CLI reaps it if the run lists somewhere else)."""
    if len(sys.argv) > 1 and sys.argv[1] in ("check", "scan") and not _names_paths(sys.argv[2:]):
        from tracklint.gitlisting import prefetch

        prefetch(["."])
    from tracklint.cli import main as cli_main

    cli_main()


#: The options of ``check`` and ``scan`` that take a value (``tests/test_cli.py`` keeps this in
#: step with the commands' definitions).
VALUE_OPTIONS = frozenset({
    "--plan", "-p", "--config", "--output-format", "-f", "--output-file", "-o", "--color",
    "--jobs", "-j", "--exclude", "--select", "--ignore", "--fail-on", "--baseline",
    "--write-baseline", "--changed-since", "--event", "-e", "--stdin-filename",
})


def _names_paths(args: list[str]) -> bool:
    """Whether the arguments name files or directories to check (a pre-commit run names its
    files): then the current directory is not listed ahead."""
    expect_value = False
    for arg in args:
        if expect_value:
            expect_value = False
        elif arg == "--":
            return True
        elif arg.startswith("-") and arg != "-":
            expect_value = "=" not in arg and arg in VALUE_OPTIONS
        else:
            return True
    return False


if __name__ == "__main__":
    main()
