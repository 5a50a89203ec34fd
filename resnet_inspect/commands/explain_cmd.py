"""``resnet-inspect explain MODEL LAYER``: the arithmetic behind one row of the layer table."""

from __future__ import annotations

import argparse

from .common import add_format, add_input, add_policy, check_output, emit, render
from .table_cmd import add_model, inspect_args

NAME = "explain"
HELP = "the arithmetic of one row: output size, parameters, MACs, receptive field, memory, with the numbers in"
EXAMPLE = """examples:
  resnet-inspect explain resnet50 layer3.0.conv2
  resnet-inspect explain resnet50-c4 maxpool --input 600
  resnet-inspect explain resnet50 layer3.0.add          # the receptive field where two paths meet
  resnet-inspect explain resnet50 layer1.0              # a block: its parts and their sum
  resnet-inspect explain resnet50 layer3.0.bn2 --count fvcore --format json

LAYER is a name from `resnet-inspect table MODEL` (`network` for the whole model)."""
FORMATS = ("text", "markdown", "json")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_model(parser)
    parser.add_argument("layer", help="a row of the layer table, e.g. layer3.0.conv2, layer3.0, layer3, network")
    add_input(parser)
    parser.add_argument("--dtype", default="float32", help="dtype for activation memory (default: float32)")
    add_policy(parser)
    add_format(parser, FORMATS)


def run(args: argparse.Namespace) -> int:
    """Parse → inspect → explain one row → the explain view → the backend (JSON: the terms themselves)."""
    import json

    from ..analysis.explain import explain
    from ..analysis.result import Inspection
    from ..views.explain import explain_document

    check_output(args)
    result = inspect_args(args)
    assert isinstance(result, Inspection)
    explanation = explain(result, args.layer)
    if args.format == "json":
        emit(json.dumps(explanation.to_dict(), indent=2) + "\n", args)
        return 0
    emit(render(explain_document(explanation), args.format), args)
    return 0
