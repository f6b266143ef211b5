"""``tracklint lsp``: tracklint as a language server, for editors (docs/editors.md).

The server itself is :mod:`tracklint.lsp.server` (pygls 2, an optional dependency: the
``tracklint[lsp]`` extra); :mod:`tracklint.lsp.project` holds what it knows about each project
and :mod:`tracklint.lsp.features` its answers. This module only starts it.
"""

from __future__ import annotations

import gc
import logging
from dataclasses import dataclass

from tracklint.errors import UsageError


@dataclass(frozen=True)
class LspOptions:
    """``tracklint lsp`` takes no options yet: the editor talks to it over stdio."""


def run_lsp(_options: LspOptions, _target: object = None) -> int:
    """Serve until the editor says exit; 0 then."""
    try:
        import pygls  # noqa: F401
    except ImportError:
        raise UsageError(
            "the language server needs pygls, which is not installed",
            hint="pip install 'tracklint[lsp]'",
        ) from None
    from tracklint.commands.common import VERBOSITY

    level = {-1: logging.ERROR, 1: logging.INFO}.get(VERBOSITY[0], logging.WARNING)
    logging.basicConfig(level=level, format="tracklint lsp: %(levelname)s: %(message)s")
    # A command turns the cyclic collector off for its short life (commands.common.guarded);
    # a server lives as long as the editor does.
    gc.enable()
    from tracklint.lsp.server import serve

    serve()
    return 0
