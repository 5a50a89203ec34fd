"""The ``resnet-inspect`` command line: argument parsing, dispatch and the error policy.

Error policy: a problem with the user's input or environment (a bad name or option, a file that cannot
be written, a full disk, too little memory) prints one line naming it and a fix, and exits 2.  Anything
else that escapes is a fault of the program: one line saying so, a pointer to ``--debug``, exit 1.
``--debug`` shows the traceback instead.  Ctrl-C exits 130, SIGTERM 143, and a closed pipe
(``| head``) exits 141 silently, as other Unix tools do.
"""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
from collections.abc import Sequence
from contextlib import suppress
from typing import NoReturn

from . import __version__
from .commands import load
from .commands.common import add_terminal, terminal
from .console import console_streams
from .errors import InspectError, one_line
from .io import (
    STDOUT,
    Terminated,
    acknowledge_signal,
    check_signals,
    check_writable,
    folder_text,
    os_error,
    signals_raise,
)
from .limits import LIMITS_HELP
from .terminal import session

PROG = "resnet-inspect"
SIGNAL_WORDS = {int(signal.SIGINT): "interrupted", int(signal.SIGTERM): "terminated"}  # any other: SIGHUP
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
    """argparse with one-line errors (exit 2) that point at ``--help``; what the user typed is escaped."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{PROG}: error: {one_line(message)} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description=DESCRIPTION, epilog=EPILOG,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument("--debug", action="store_true", help="show a traceback on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in load():
        epilog = module.EXAMPLE if module.NAME == "list" else f"{module.EXAMPLE}\n\n{wrap(LIMITS_HELP)}"
        p = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP, epilog=epilog,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show a traceback on errors")
        module.add_arguments(p)
        add_terminal(p)
        p.set_defaults(run=module.run, output_is_folder=getattr(module, "OUTPUT_IS_FOLDER", False))
    return parser


def wrap(text: str, width: int = 100) -> str:
    """``text`` broken into lines of at most ``width`` characters."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (see the error policy at the top of this module)."""
    # A short-lived process: a full cyclic collection over torch's object graph costs ~0.1 s and frees
    # nothing we would miss, so the command line runs without the cyclic garbage collector.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        with console_streams(), signals_raise():
            code = _run(argv)
    finally:
        if was_enabled:
            gc.enable()
    if argv is None:  # the program itself, not a caller in Python
        _ignore_late_signals()
        _exit_past_threads(code)  # threads a model's code left do not hold it
    return code


def _ignore_late_signals() -> None:
    """The run is over and its output is written (or refused): a signal that arrives while the process exits
    changes nothing, so it must not turn a finished run into a death by signal."""
    import signal

    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)


def _exit_past_threads(code: int) -> None:
    """End the process now when threads that are not daemons (started by a user's factory) are still
    running: Python would wait for them at exit, for ever if they never end."""
    import threading

    if not any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        return
    for stream in (sys.stdout, sys.stderr):
        with suppress(Exception):
            stream.flush()
    os._exit(code)


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = argparse.Namespace(debug=False)
    try:
        args = parser.parse_args(argv)
        if not getattr(args, "command", None):
            parser.print_help()
            code = 2
        else:
            _check_output(args)
            with session(terminal(args)):  # the width, colour and pager of this run's text
                code = args.run(args)
        check_signals()  # a signal some library swallowed still ends the run as interrupted
        sys.stdout.flush()  # a full disk or a closed pipe shows here, inside the error policy
        return code
    except SystemExit:  # argparse's --help, --version and usage errors: their output must get out too
        try:
            sys.stdout.flush()
        except OSError as e:
            return _report(e)
        raise
    except BaseException as e:  # every outcome is mapped to one line and an exit code by _report
        if args.debug and not isinstance(e, BrokenPipeError):
            raise
        return _report(e)


def _check_output(args: argparse.Namespace) -> None:
    """``-o``, checked once for every command before any work: ``-`` is standard output, ``''`` an error."""
    if getattr(args, "output", None) is None:
        return
    if getattr(args, "output_is_folder", False):
        folder_text(args.output)  # an empty name is refused here; the rest by the command that writes it
        return
    if args.output == STDOUT:
        args.output = None
        return
    check_writable(args.output)


def _report(e: BaseException) -> int:
    """Say what went wrong in one line on standard error, and give the exit code."""
    signum = acknowledge_signal()  # a signal arrived: that is the outcome, whatever it was turned into
    if signum is not None or isinstance(e, KeyboardInterrupt | Terminated):
        if signum is None:
            signum = e.signum if isinstance(e, Terminated) else signal.SIGINT
        _say(SIGNAL_WORDS.get(int(signum), "hung up"))
        return 128 + signum
    if isinstance(e, BrokenPipeError):  # `resnet-inspect table resnet152 | head`: the reader has enough
        _silence_stdout()
        return 141  # 128 + SIGPIPE, what a shell reports for a writer the pipe stopped
    if isinstance(e, InspectError):
        _say(f"error: {e}")
        return 2
    if isinstance(e, OSError):
        if e.filename is None:  # not a named file: standard output (a full disk, a closed stream)
            _silence_stdout()
        _say(f"error: {os_error(e, e.filename)} (--debug shows the traceback)")
        return 2
    if isinstance(e, MemoryError):
        _say("error: ran out of memory; try a smaller --input or batch, or a smaller model (--debug shows the "
             "traceback)")
        return 2
    if not isinstance(e, Exception):
        raise e
    detail = str(e).strip().splitlines()[0] if str(e).strip() else ""
    _say(f"internal error: {type(e).__name__}{': ' + detail if detail else ''} -- a fault in {PROG}, not in "
         "your input; run again with --debug and report the traceback")
    return 1


def _say(message: str) -> None:
    """One line on standard error, whatever the message holds."""
    with suppress(OSError, ValueError):  # no standard error to speak on: the exit code still says it
        print(f"{PROG}: {one_line(message)}", file=sys.stderr, flush=True)


def _silence_stdout() -> None:
    """Point standard output at the null device, so the final flush at exit cannot fail a second time."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)
