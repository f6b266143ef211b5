"""The commands behind the CLI, one module each: an options dataclass (``CheckOptions``,
``DiffOptions``, ...) and ``run_x(options) -> int`` that runs the command and returns its exit
code. ``tracklint/cli.py`` only declares the typer options and builds the options object; the
one error guard, colour choice and report writer they share are :mod:`tracklint.commands.common`.
Imports of heavy modules happen inside the commands so that ``tracklint --help`` stays fast."""
