"""``resnet-inspect table MODEL``: every layer's numbers."""

from __future__ import annotations

import argparse

from .common import add_format, add_input, add_policy, check_output, emit, render

NAME = "table"
HELP = "layer by layer: shapes, parameters, MACs/FLOPs, receptive fields, memory"
EXAMPLE = """examples:
  resnet-inspect table resnet101
  resnet-inspect table resnet50 --depth 1 --input 600x800
  resnet-inspect table resnet50 --columns name,output,params,macs,flops,memory --exact
  resnet-inspect table resnet50 --format json -o resnet50.json
  resnet-inspect table 'bottleneck:3-4-6-3,groups=32,width_per_group=4'

columns: name, type, kernel, groups, input, output, params, macs, flops, memory, rf, jump, rf_padding"""


def add_model(parser: argparse.ArgumentParser) -> None:
    from .model_args import FORMS

    parser.add_argument("model", help=f"{FORMS}; a spec's keys: block, layers, width, widths, stem_width, groups, "
                        "width_per_group, stride_on, stem, shortcut, classes, top, stages, input")
    parser.add_argument("--num-classes", type=int, metavar="N", help="change the size of the fc head")
    parser.add_argument("--no-top", action="store_true", help="drop the pooling + fc head (a backbone)")
    parser.add_argument("--kwargs", metavar="ARGS", help="arguments of a factory MODEL: JSON ('{\"num_classes\": 10}') "
                        "or key=value,...")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_model(parser)
    add_input(parser)
    parser.add_argument("--depth", "-d", type=int, metavar="N",
                        help="rows down to nesting depth N: 1 stages, 2 blocks, 3 layers (default: all)")
    parser.add_argument("--columns", "-c", metavar="LIST", help="comma-separated columns (see below)")
    parser.add_argument("--exact", action="store_true", help="print every count as an exact integer")
    parser.add_argument("--dtype", default="float32", help="dtype for activation memory (default: float32)")
    add_policy(parser)
    add_format(parser)


def inspect_args(args: argparse.Namespace) -> object:
    from ..errors import InspectError
    from ..loaders import analyse

    if args.num_classes is not None and args.num_classes < 1:
        raise InspectError(f"--num-classes {args.num_classes} must be a positive whole number",
                           option="--num-classes")
    return analyse(args.model, kwargs=getattr(args, "kwargs", None), input_size=args.input, name_errors=False,
                       policy=getattr(args, "count", "conv-fc"), dtype=getattr(args, "dtype", "float32"),
                       num_classes=args.num_classes, include_top=False if args.no_top else None)


def run(args: argparse.Namespace) -> int:
    """Parse → inspect → the table view → the backend (JSON: the result's own export)."""
    import json

    from ..analysis.result import Inspection
    from ..errors import InspectError
    from ..views import table

    columns = table.parse_columns(args.columns)
    if args.depth is not None and args.depth < 0:
        raise InspectError(f"--depth {args.depth} must be 0 or more (1 stages, 2 blocks, 3 layers)")
    check_output(args)
    result = inspect_args(args)
    assert isinstance(result, Inspection)
    if args.format == "json":
        emit(json.dumps(table.record(result, args.depth), indent=2) + "\n", args)
        return 0
    doc = table.document(result, columns, args.depth, args.exact, stages=args.format != "csv")
    emit(render(doc, args.format), args)
    return 0
