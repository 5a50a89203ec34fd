"""Thin commands: parse, call one library function, hand the result to one renderer.

Each module here has ``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``; importing
one must stay cheap (heavy packages are imported inside ``run``).
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

COMMAND_MODULES = ("list_cmd", "table_cmd", "explain_cmd", "depth_cmd", "compare_cmd", "diagram_cmd", "plot_cmd",
                   "report_cmd", "slides_cmd", "verify_cmd")


def load() -> list[ModuleType]:
    """The command modules that exist, in the order ``--help`` lists them."""
    found = []
    for name in COMMAND_MODULES:
        try:
            found.append(import_module(f"{__name__}.{name}"))
        except ModuleNotFoundError as e:
            if e.name != f"{__name__}.{name}":
                raise
    return found
