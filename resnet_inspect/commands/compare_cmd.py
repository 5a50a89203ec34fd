"""``resnet-inspect compare``: networks side by side, the paper's Table 1, and block comparisons."""

from __future__ import annotations

import argparse
import json
from typing import Any

from .common import add_format, check_output, emit, render
from .model_args import add_model_args, load_models

NAME = "compare"
HELP = "compare networks side by side (depth, params, MACs, memory, receptive field, stage outputs)"
EXAMPLE = """examples:
  resnet-inspect compare resnet50 resnet101
  resnet-inspect compare resnet18 resnet34 resnet50 resnet101 resnet152 --layout paper
  resnet-inspect compare resnet50-v1 resnet101-v1 resnet152-v1 --layout paper   (the paper's stride placement)
  resnet-inspect compare --blocks                        (He et al.'s Fig. 5 pair, 64-d beside 256-d, and the
                                                         same-width pair at 256 channels; 56×56)
  resnet-inspect compare --blocks --channels 512 --input 28
  resnet-inspect compare --v1-vs-v15                     (ResNet-50: stride on the 1×1 or on the 3×3)
  resnet-inspect compare resnet18 mynet.py:build --kwargs depth=18

MACs count conv + fc multiply-accumulates; FLOPs = 2 × MACs, except in --layout paper, whose "FLOPs"
row follows the paper (multiply-adds)."""

def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_model_args(parser, nargs="*")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--layout", choices=("side", "paper"), default="side",
                      help="side: one column per model (default); paper: the layout of He et al. 2015, Table 1")
    mode.add_argument("--blocks", action="store_true",
                      help="BasicBlock vs Bottleneck at the same width: weights and MACs of each")
    mode.add_argument("--v1-vs-v15", action="store_true", dest="v1_vs_v15",
                      help="ResNet-50 v1 (stride on the first 1×1, the paper) vs v1.5 (on the 3×3, torchvision)")
    parser.add_argument("--input", "-i", metavar="SIZE",
                        help="input size for every model: 224, 600x800, 3x224x224 (default: each variant's); "
                        "with --blocks the feature map, HxW or CxHxW (default: 56)")
    parser.add_argument("--channels", type=int, metavar="C",
                        help="with --blocks: the bottleneck's input and output channels (default: 256); the "
                        "same-width basic block has as many, the paper's (Fig. 5) a quarter")
    parser.add_argument("--exact", action="store_true", help="print every count as an exact integer")
    add_format(parser)


def _check_mode(args: argparse.Namespace) -> str:
    """``side``, ``paper``, ``blocks`` or ``v1-vs-v15``, after checking the models fit the mode."""
    from ..errors import InspectError

    if args.channels is not None and not args.blocks:
        raise InspectError("--channels applies to --blocks only; drop it, or add --blocks")
    if args.blocks or args.v1_vs_v15:
        flag = "--blocks" if args.blocks else "--v1-vs-v15"
        if args.models:
            raise InspectError(f"{flag} builds its own models; drop {' '.join(args.models)}, or drop {flag} "
                               "to compare them")
        return "blocks" if args.blocks else "v1-vs-v15"
    if len(args.models) < 2:
        got = f"got only {args.models[0]!r}" if args.models else "got none"
        raise InspectError(f"compare needs at least two models ({got}), e.g. `resnet-inspect compare resnet50 "
                           "resnet101`; or use --blocks or --v1-vs-v15, which take none")
    return str(args.layout)


# --------------------------------------------------------------------------- run


def _block_input(args: argparse.Namespace) -> tuple[int, tuple[int, int]]:
    """(channels, (H, W)) for --blocks from --channels and --input (HxW or CxHxW)."""
    from ..analysis import parse_input
    from ..errors import InspectError

    channels = args.channels if args.channels is not None else 256
    shape = parse_input(args.input, channels, (56, 56))
    if len(shape) != 4 or shape[0] != 1:
        raise InspectError(f"--input {args.input!r}: with --blocks give the feature map as 56, 56x56 or 256x56x56",
                           option="--input")
    if args.channels is not None and shape[1] != args.channels:
        raise InspectError(f"--input {args.input!r} has {shape[1]} channels but --channels is {args.channels}; "
                           "give one of them", option="--input")
    return shape[1], (shape[2], shape[3])


def _json(record: dict[str, Any]) -> str:
    return json.dumps(record, indent=2, ensure_ascii=False) + "\n"


def render_compare(args: argparse.Namespace, mode: str) -> str:
    """Run the chosen comparison and render it in ``args.format``."""
    from ..analysis import compare
    from ..views import compare as view

    fmt_name: str = args.format
    if mode == "blocks":
        channels, size = _block_input(args)
        both = compare.block_comparisons(channels, size)
        return _json(view.blocks_record(both[compare.SAME_WIDTH], both)) if fmt_name == "json" else render(
            view.blocks_document(both, args.exact), fmt_name)
    if mode == "v1-vs-v15":
        placements = compare.stride_placement(input_size=args.input)
        return _json(view.v15_record(placements)) if fmt_name == "json" else render(
            view.document(view.v15_table(placements, args.exact)), fmt_name)
    from ..loaders import analyse

    summaries = [compare.summarize(analyse(m, input_size=args.input), m.spec)
                 for m in load_models(args, args.models)]
    if mode == "paper":
        paper = compare.paper_layout(summaries)
        return _json(view.paper_record(paper)) if fmt_name == "json" else render(
            view.document(view.paper_table(paper)), fmt_name)
    return _json(view.side_record(summaries)) if fmt_name == "json" else render(
        view.document(view.side_table(summaries, args.exact)), fmt_name)


def run(args: argparse.Namespace) -> int:
    mode = _check_mode(args)
    check_output(args)
    emit(render_compare(args, mode), args)
    return 0
