"""``resnet-inspect plot KIND MODEL... -o FILE``: matplotlib figures of the analysis."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .common import add_input
from .model_args import add_model_args, inspect_models

NAME = "plot"
HELP = "matplotlib plots: per-stage params/MACs, receptive field, shapes along depth, the family, memory"
KINDS = ("stages", "rf", "shapes", "family", "memory")
EXAMPLE = """kinds:
  stages MODEL...    per-stage parameters and MACs, stacked bars, one bar per model
  rf MODEL           receptive field and effective stride per layer, the input size as a line
  shapes MODEL       feature-map size and channels along depth
  family [MODEL...]  MACs vs parameters, point area by depth (default: torchvision's ten ResNets); --log
  memory MODEL...    activation memory per stage

examples:
  resnet-inspect plot stages resnet18 resnet34 resnet50 resnet101 resnet152 -o stages.png
  resnet-inspect plot rf resnet50 -o rf.svg
  resnet-inspect plot rf resnet50 --input 600x800 -o rf-600.png
  resnet-inspect plot shapes preact-resnet1001 -o shapes.pdf
  resnet-inspect plot family -o family.png
  resnet-inspect plot family resnet18 resnet34 plain34 resnet50 vgg19 --log -o family-log.png
  resnet-inspect plot memory resnet18 resnet50 -o memory.png
  resnet-inspect plot rf mynet.py:build --kwargs width=32 -o mynet-rf.png

output: -o FILE (.svg .png .pdf) is required; the file is written whole or not at all."""

# kind -> (fewest, most) models and an example
MODEL_COUNTS = {"stages": (1, 99, "resnet18 resnet50"), "rf": (1, 1, "resnet50"), "shapes": (1, 1, "resnet50"),
                "family": (0, 99, ""), "memory": (1, 99, "resnet18 resnet50")}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", choices=KINDS, metavar="KIND", help=f"what to plot: {', '.join(KINDS)}")
    add_model_args(parser, nargs="*")
    add_input(parser)
    parser.add_argument("--log", action="store_true",
                        help="family: logarithmic axes (VGG-19 beside ResNet-18 stays readable)")
    parser.add_argument("--output", "-o", metavar="FILE", help="the file to write: .svg, .png or .pdf")


def _check(args: argparse.Namespace) -> None:
    """Model count, output file and its format, all before any work."""
    from ..errors import InspectError
    from ..figures.plots import check_format
    from .common import check_output

    low, high, example = MODEL_COUNTS[args.kind]
    n = len(args.models)
    if not low <= n <= high:
        want = "one MODEL" if high == 1 else "at least one MODEL"
        raise InspectError(f"plot {args.kind} takes {want}, got {n}; e.g. "
                           f"`resnet-inspect plot {args.kind} {example} -o {args.kind}.png`")
    if not args.output:
        raise InspectError(f"plot writes a file: add -o FILE with .svg, .png or .pdf, e.g. "
                           f"`resnet-inspect plot {args.kind} {' '.join(args.models)} -o {args.kind}.png`"
                           .replace("  ", " "))
    if args.log and args.kind != "family":
        raise InspectError(f"--log applies to `plot family` only; drop it from `plot {args.kind}`")
    check_format(args.output)
    check_output(args)


def make(args: argparse.Namespace) -> Any:
    """The figure the arguments ask for: parse → analysis (each model once) → the plot of the results."""
    from ..figures import plots

    names = args.models or (list(plots.FAMILY) if args.kind == "family" else [])
    insps: Any = inspect_models(args, names)
    if args.kind == "stages":
        return plots.stages_figure(insps)
    if args.kind == "rf":
        return plots.rf_figure(insps[0])
    if args.kind == "shapes":
        return plots.shapes_figure(insps[0])
    if args.kind == "family":
        return plots.family_figure(insps, log=args.log)
    return plots.memory_figure(insps)


def run(args: argparse.Namespace) -> int:
    from ..figures.plots import check_format, to_bytes
    from ..io import said, write_atomic

    _check(args)
    path = write_atomic(args.output, to_bytes(make(args), check_format(args.output)))
    print(f"wrote {said(path)}", file=sys.stderr)
    return 0
