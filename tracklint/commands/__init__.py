"""Sub-commands that live outside ``cli.py``. Each module defines ``register(app)``, which adds
its typer command(s) to the application. Imports of heavy modules happen inside the commands."""
