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
    from ..verify import require_tools, to_table

    if not args.models and not args.all:
        raise InspectError("name a model to verify (e.g. resnet-inspect verify resnet50) or give --all")
    if args.all and args.models:
        raise InspectError("give model names or --all, not both")
    check_output(args)
    require_tools()
    kwargs = parse_kwargs(args.kwargs)
    models = registry.names() if args.all else [load_model(m, kwargs) for m in args.models]
    labels: list[str] = [str(m) for m in models] if args.all else list(args.models)
    for model, label in zip(models, labels, strict=True):
        check_memory(model, label, args.input)
    with _progress(len(models), args.all and sys.stderr.isatty()) as bar:

        def step(i: int, label: str) -> None:
            if bar is not None:
                bar[0].update(bar[1], completed=i, description=label)

        report = _verify_owned(models, labels, args.input, step)
    if args.format == "json":
        text = json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
    else:
        text = render_tables([to_table(report)], "text")
    emit(text, args)
    if args.output or args.format == "json":
        print(report.summary(), file=sys.stderr)
    return exit_code(report, labels)


def _verify_owned(models: list[Any], labels: list[str], input_size: Any, step: Any) -> Any:
    """Run the comparisons; what a user's module raises in its own forward is reported as its error."""
    from ..loaders import model_error, raised_by_model
    from ..verify import verify

    current = [""]

    def on_model(i: int, label: str) -> None:
        current[0] = labels[i]
        step(i, label)

    try:
        return verify(models, input_size, on_model=on_model, labels=labels)
    except (Exception, SystemExit) as e:
        from ..errors import InspectError

        index = labels.index(current[0]) if current[0] in labels else -1
        user_module = index >= 0 and not isinstance(models[index], str)
        if isinstance(e, InspectError) or not user_module or not raised_by_model(e):
            raise
        raise model_error(current[0], "raised in its forward:", e) from None


def exit_code(report: Any, labels: list[str]) -> int:
    """0 only when every model named was compared and nothing differs without a stated reason; else 1."""
    from ..errors import InspectError

    if len(report.models) != len(labels):
        raise InspectError(f"verify compared {len(report.models)} of the {len(labels)} models named; nothing "
                           "can be said about the others")
    unchecked = [m.model for m in report.models if not any(c.status != "skipped" for c in m.checks)]
    if unchecked:
        print(f"resnet-inspect: {', '.join(unchecked)}: no number could be compared (every check skipped)",
              file=sys.stderr)
        return 1
    return 0 if report.ok else 1


def available_memory() -> int | None:
    """Bytes of memory the system can give now (MemAvailable), or None where it cannot say."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def check_memory(model: Any, label: str, input_size: Any) -> None:
    """Refuse before allocating when a real forward pass at this input cannot fit in memory.

    The forward keeps at most every layer's output alive at once (float32) beside the weights and the
    input: that sum is the estimate, from the analysis (on meta tensors, which cost nothing)."""
    from ..errors import InspectError
    from ..loaders import analyse

    if input_size is None:
        return  # verify's own small inputs
    result = analyse(model, input_size=input_size)
    shape = result.input_shape
    need = result.totals.activation_bytes + 4 * (result.totals.params + shape[0] * shape[1] * shape[2] * shape[3])
    free = available_memory()
    if free is not None and need > free:
        raise InspectError(f"verify {label} at --input {input_size}: a real forward pass needs about "
                           f"{need:,} bytes ({need / 2**30:.1f} GiB) and {free:,} bytes are available; give a "
                           "smaller --input", option="--input")
