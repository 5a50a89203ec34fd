"""The ``resnet-inspect`` command line: argument parsing, dispatch and the error policy.

A problem with the user's input prints one line naming it and a fix, and exits 2; ``--debug`` shows
the traceback instead.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence
from typing import NoReturn

from . import __version__
from .commands import load
from .commands.common import add_terminal, terminal
from .terminal import session

PROG = "resnet-inspect"
DESCRIPTION = """Take ResNets apart and show every number in them: output shapes, parameters,
MACs/FLOPs and receptive fields layer by layer, depth accounting, comparisons and diagrams.
Every number is computed from the built model."""
EPILOG = """examples:
  resnet-inspect list
  resnet-inspect table resnet101
  resnet-inspect table resnet50 --input 600x800 --depth 1
  resnet-inspect depth resnet50 resnet101
  resnet-inspect compare --layout paper resnet18 resnet34 resnet50 resnet101 resnet152
  resnet-inspect diagram block resnet50 -o block.svg
  resnet-inspect plot rf resnet50 -o rf.png
run `resnet-inspect COMMAND --help` for a command's options."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (exit 2) that point at ``--help``."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{PROG}: error: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description=DESCRIPTION, epilog=EPILOG,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument("--debug", action="store_true", help="show a traceback on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in load():
        p = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP, epilog=module.EXAMPLE,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show a traceback on errors")
        module.add_arguments(p)
        add_terminal(p)
        p.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # A short-lived process: a full cyclic collection over torch's object graph costs ~0.1 s and frees
    # nothing we would miss, so the command line runs without the cyclic garbage collector.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _run(argv)
    finally:
        if was_enabled:
            gc.enable()


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    from .errors import InspectError

    try:
        with session(terminal(args)):
            code: int = args.run(args)
        return code
    except InspectError as e:
        if args.debug:
            raise
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as e:
        if args.debug:
            raise
        print(f"{PROG}: internal error: {type(e).__name__}: {e} (run again with --debug for the traceback)",
              file=sys.stderr)
        return 1
