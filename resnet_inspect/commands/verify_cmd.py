"""``resnet-inspect verify [MODEL...]``: our numbers beside torchinfo, fvcore, PyTorch and a real forward pass."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .common import add_input, check_output, emit, render_tables
from .model_args import add_model_args

NAME = "verify"
HELP = "check every number against torchinfo, fvcore, FlopCounterMode, a real forward pass and published figures"
EXAMPLE = """examples:
  resnet-inspect verify resnet50
  resnet-inspect verify resnet18 cifar-resnet20 --format json
  resnet-inspect verify torchvision:resnet50
  resnet-inspect verify --all

Each comparison runs under the other tool's own convention (--count torchinfo, --count fvcore, ...).
Exit status: 0 when everything agrees or differs for a stated reason, 1 on any unexplained difference.
Needs torchinfo and fvcore: pip install 'resnet-inspect[verify]'."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_model_args(parser, nargs="*")
    parser.add_argument("--all", action="store_true", help="every variant of the registry")
    add_input(parser)
    parser.add_argument("--format", "-f", default="text", choices=("text", "json"), metavar="FORMAT",
                        help="output format: text, json (default: text)")
    parser.add_argument("--output", "-o", metavar="FILE", help="write to FILE (atomically) instead of standard output")


@contextmanager
def _progress(total: int, enabled: bool) -> Iterator[Any]:
    """A progress bar on standard error when it is a terminal; otherwise nothing."""
    try:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    except ImportError:  # rich comes with the verify extra; without it, no bar
        enabled = False
    if not enabled:
        yield None
        return

    with Progress(TextColumn("verify {task.description:<20}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=Console(stderr=True), transient=True) as bar:
        yield bar, bar.add_task("", total=total)


def run(args: argparse.Namespace) -> int:
    from .. import registry
    from ..errors import InspectError
    from ..loaders import load_model, parse_kwargs
    from ..verify import require_tools, to_table, verify

    if not args.models and not args.all:
        raise InspectError("name a model to verify (e.g. resnet-inspect verify resnet50) or give --all")
    if args.all and args.models:
        raise InspectError("give model names or --all, not both")
    check_output(args)
    require_tools()
    kwargs = parse_kwargs(args.kwargs)
    models = registry.names() if args.all else [load_model(m, kwargs) for m in args.models]
    with _progress(len(models), args.all and sys.stderr.isatty()) as bar:

        def step(i: int, label: str) -> None:
            if bar is not None:
                bar[0].update(bar[1], completed=i, description=label)

        report = verify(models, args.input, on_model=step, labels=None if args.all else args.models)
    if args.format == "json":
        text = json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
    else:
        text = render_tables([to_table(report)], "text")
    emit(text, args)
    if args.output or args.format == "json":
        print(report.summary(), file=sys.stderr)
    return 0 if report.ok else 1
