"""``resnet-inspect compare``: networks side by side, the paper's Table 1, and block comparisons."""

from __future__ import annotations

import argparse
import json
import textwrap
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from .common import add_format, check_output, emit

if TYPE_CHECKING:
    from ..analysis.compare import BlockFigures, ModelSummary, PaperTable, StridePlacement
    from ..render.tables import Table

NAME = "compare"
HELP = "compare networks side by side (depth, params, MACs, memory, receptive field, stage outputs)"
EXAMPLE = """examples:
  resnet-inspect compare resnet50 resnet101
  resnet-inspect compare resnet18 resnet34 resnet50 resnet101 resnet152 --layout paper
  resnet-inspect compare resnet50-v1 resnet101-v1 resnet152-v1 --layout paper   (the paper's stride placement)
  resnet-inspect compare --blocks                        (BasicBlock vs Bottleneck at 256 channels, 56×56)
  resnet-inspect compare --blocks --channels 512 --input 28
  resnet-inspect compare --v1-vs-v15                     (ResNet-50: stride on the 1×1 or on the 3×3)

MACs count conv + fc multiply-accumulates; FLOPs = 2 × MACs, except in --layout paper, whose "FLOPs"
row follows the paper (multiply-adds)."""

WRAP = 110


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("models", nargs="*", metavar="MODEL",
                        help="two or more variant names or custom specs (none with --blocks or --v1-vs-v15)")
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
                        help="with --blocks: the block's input and output channels (default: 256)")
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


# --------------------------------------------------------------------------- cells


def _count(n: int, exact: bool, digits: int = 3) -> str:
    from ..render import fmt

    return fmt.grouped(n) if exact else fmt.scaled(n, digits)


def _percent(new: int, old: int) -> str:
    return f"{(new - old) / old * 100:+.1f}%".replace("-", "−") if old else ""


def _wrap(lines: Sequence[str]) -> list[str]:
    return [part for line in lines for part in (textwrap.wrap(line, WRAP) if line else [""])]


# --------------------------------------------------------------------------- side by side


Metric = tuple[str, str, Callable[["ModelSummary"], Any], Callable[["ModelSummary", bool], str]]


def _metrics() -> list[Metric]:
    from ..render import fmt

    return [
        ("depth", "depth", lambda s: s.depth.depth, lambda s, e: str(s.depth.depth)),
        ("depth formula", "formula", lambda s: s.depth.formula, lambda s, e: s.depth.formula),
        ("input (C×H×W)", "input_shape", lambda s: list(s.input_shape), lambda s, e: fmt.shape(s.input_shape)),
        ("params", "params", lambda s: s.params, lambda s, e: _count(s.params, e)),
        ("MACs (conv + fc)", "macs", lambda s: s.macs, lambda s, e: _count(s.macs, e)),
        ("FLOPs (2 × MACs)", "flops", lambda s: s.flops, lambda s, e: _count(s.flops, e)),
        ("activation memory", "activation_bytes", lambda s: s.activation_bytes,
         lambda s, e: fmt.grouped(s.activation_bytes) + " B" if e else fmt.nbytes(s.activation_bytes)),
        ("final receptive field", "rf", lambda s: list(s.rf) if s.rf else None,
         lambda s, e: f"{fmt.pair(s.rf)} px" if s.rf else "n/a"),
        ("output", "output_shape", lambda s: list(s.output_shape), lambda s, e: fmt.shape(s.output_shape)),
    ]


def side_table(summaries: Sequence[ModelSummary], exact: bool = False) -> Table:
    """One column per model: depth, cost, memory, receptive field, then each stage's output C×H×W."""
    from ..render import fmt
    from ..render.tables import Table

    names = [s.model for s in summaries]
    t = Table(["", *names], ["metric", *names], [False, *[True] * len(names)],
              title=f"{' vs '.join(names)}")
    for label, key, raw, text in _metrics():
        t.add([label, *[text(s, exact) for s in summaries]], [key, *[raw(s) for s in summaries]])
    stage_keys = list(dict.fromkeys(st.name for s in summaries for st in s.stages))
    for i, key in enumerate(stage_keys):
        found = [next((st for st in s.stages if st.name == key), None) for s in summaries]
        label = next(st.label for st in found if st is not None)
        t.add([label, *[fmt.shape(st.output_shape) if st else "" for st in found]],
              [f"{key}_output_shape", *[list(st.output_shape) if st else None for st in found]], strong=i == 0)
    t.notes = _wrap(_side_notes(summaries))
    return t


def _side_notes(summaries: Sequence[ModelSummary]) -> list[str]:
    result = summaries[0].result
    return [
        f"MACs count {result.conventions['macs']}.",
        f"Activation memory: every layer output of one forward pass, {result.dtype}, each tensor once.",
        "Receptive field: in input pixels, at the last feature map before global pooling.",
        "Stage rows: the output of each stage, channels × height × width.",
        "Depth: weighted layers on the main path (stem conv, block convs, fc); shortcut projections, "
        "BN, ReLU and pooling not counted (see `resnet-inspect depth`).",
    ]


def side_json(summaries: Sequence[ModelSummary]) -> str:
    """``{"conventions": ..., "models": [...]}`` with exact numbers."""
    conventions = {k: v for k, v in summaries[0].result.conventions.items() if k != "final_rf"}
    return json.dumps({"layout": "side", "conventions": conventions, "models": [s.to_dict() for s in summaries]},
                      indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- the paper's Table 1


def paper_table(paper: PaperTable) -> Table:
    """Table 1's columns: layer name, output size, one column per model; a FLOPs row at the bottom."""
    from ..analysis.compare import paper_flops
    from ..render.tables import Table

    names = list(paper.models)
    headers = [f"{m} ({d}-layer)" for m, d in zip(paper.models, paper.depths, strict=True)]
    t = Table(["layer name", "output size", *headers], ["layer", "output_size", *names],
              [False, False, *[False] * len(names)], title=f"{', '.join(names)} — the layout of He et al. 2015, "
              "Table 1")
    for row in paper.rows:
        t.add([row.label, row.output_size, *row.cells], [row.key, row.output_size, *row.cells])
    t.add(["FLOPs", "", *[paper_flops(m) for m in paper.macs]], ["flops", "", *paper.macs], strong=True)
    t.notes = _wrap(list(paper.notes))
    return t


def paper_json(paper: PaperTable) -> str:
    """Table 1 as data: each row's cells by model, and the paper's FLOPs (multiply-adds) exactly."""
    rows = [{"layer": r.key, "label": r.label, "output_size": r.output_size,
             "cells": dict(zip(paper.models, r.cells, strict=True))} for r in paper.rows]
    return json.dumps({"layout": "paper", "models": list(paper.models), "rows": rows,
                       "flops_multiply_adds": dict(zip(paper.models, paper.macs, strict=True)),
                       "notes": list(paper.notes)}, indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- blocks


def blocks_table(pair: tuple[BlockFigures, BlockFigures], exact: bool = False) -> Table:
    """Basic block vs bottleneck: channels, convs, conv weights, params with BN, MACs, and the ratio."""
    from ..render import fmt
    from ..render.tables import Table

    basic, neck = pair
    size = "×".join(map(str, basic.input_shape[2:]))
    t = Table(["Block", "Channels", "Convs (kernel, out channels)", "Conv weights", "Params with BN",
               f"MACs at {size}"], ["block", "channels", "convs", "weights", "params", "macs"],
              [False, False, False, True, True, True],
              title=f"Basic block vs bottleneck at {basic.input_shape[1]} channels, {size} feature map")
    for b in pair:
        t.add([b.name, b.channels, b.convs, fmt.grouped(b.weights), fmt.grouped(b.params), _count(b.macs, exact)],
              [b.name, b.channels, b.convs, b.weights, b.params, b.macs])
    ratios = [basic.weights / neck.weights, basic.params / neck.params, basic.macs / neck.macs]
    t.add(["basic / bottleneck", "", "", *[f"{r:.1f}×" for r in ratios]],
          ["ratio", None, None, *[round(r, 3) for r in ratios]], strong=True)
    t.notes = _wrap(_block_notes(pair))
    return t


def _block_notes(pair: tuple[BlockFigures, BlockFigures]) -> list[str]:
    from ..render import fmt

    notes = [f"{b.name}: {b.weights_formula} = {fmt.grouped(b.weights)} conv weights" for b in pair]
    positions = pair[0].output_shape[2] * pair[0].output_shape[3]
    if all(b.macs == b.weights * positions for b in pair):
        notes.append(f"MACs = conv weights × {fmt.grouped(positions)} output positions (stride 1); "
                     "BN and the add are not counted. Both blocks map the same input to the same output shape.")
    return notes


def blocks_json(pair: tuple[BlockFigures, BlockFigures]) -> str:
    """Both blocks' figures and the basic / bottleneck ratios."""
    from dataclasses import asdict

    records = [{k: list(v) if isinstance(v, tuple) else v for k, v in asdict(b).items()} for b in pair]
    ratio = {"weights": pair[0].weights / pair[1].weights, "macs": pair[0].macs / pair[1].macs}
    return json.dumps({"layout": "blocks", "blocks": records, "ratio": ratio}, indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- v1 vs v1.5


def _stage_macs(p: StridePlacement) -> dict[str, tuple[str, int]]:
    return {s.name: (s.label, s.macs) for s in p.summary.stages if s.name.startswith("layer")}


def v15_table(pair: tuple[StridePlacement, ...], exact: bool = False) -> Table:
    """Where the stride sits, params, MACs (total and per stage), FLOPs and final receptive field."""
    from ..render import fmt
    from ..render.tables import Table

    a, b = pair[0], pair[1]
    sa, sb = a.summary, b.summary
    t = Table(["", sa.model, sb.model, "Change"], ["metric", sa.model, sb.model, "change"],
              [False, True, True, True], title=f"{sa.model} (v1, the paper) vs {sb.model} (v1.5, torchvision)")
    where = f"stride-2 conv in {', '.join(a.blocks)}" if a.blocks == b.blocks else "stride-2 conv"
    t.add([where, ", ".join(a.stride_convs), ", ".join(b.stride_convs), ""],
          ["stride_conv", list(a.stride_convs), list(b.stride_convs), None])
    rows: list[tuple[str, str, int, int, int]] = [("params", "params", sa.params, sb.params, 3),
                                                  ("MACs (conv + fc)", "macs", sa.macs, sb.macs, 4),
                                                  ("FLOPs (2 × MACs)", "flops", sa.flops, sb.flops, 4)]
    for label, key, x, y, digits in rows:
        change = "same" if x == y else f"{_signed_scaled(y - x, exact)} ({_percent(y, x)})"
        t.add([label, _count(x, exact, digits), _count(y, exact, digits), change], [key, x, y, y - x])
    stages_a, stages_b = _stage_macs(a), _stage_macs(b)
    for name, (label, x) in stages_a.items():
        y = stages_b.get(name, ("", 0))[1]
        change = "same" if x == y else f"{_signed_scaled(y - x, exact)} ({_percent(y, x)})"
        t.add([f"  {label} MACs", _count(x, exact, 4), _count(y, exact, 4), change], [f"{name}_macs", x, y, y - x])
    ra, rb = (sa.rf or (0, 0))[0], (sb.rf or (0, 0))[0]
    t.add(["final receptive field", f"{fmt.pair(sa.rf)} px", f"{fmt.pair(sb.rf)} px",
           f"{_signed(rb - ra)} px"], ["rf", ra, rb, rb - ra])
    t.notes = _wrap(_v15_notes(a, b))
    return t


def _signed(n: int) -> str:
    from ..analysis.depth import signed

    return signed(n)


def _signed_scaled(n: int, exact: bool) -> str:
    sign = "+" if n > 0 else "−" if n < 0 else ""
    return sign + _count(abs(n), exact)


def _v15_notes(a: StridePlacement, b: StridePlacement) -> list[str]:
    from ..analysis.compare import extra_macs_at

    where = extra_macs_at(a, b)
    notes = [f"{a.summary.model} downsamples with its {' / '.join(a.stride_convs)}, {b.summary.model} with its "
             f"{' / '.join(b.stride_convs)}."]
    if where:
        notes.append(f"All of the extra MACs are in {', '.join(where)}, which {b.summary.model} runs before "
                     "the stride, on the larger map.")
    notes += [
        "Same weights, same output shapes: only the MACs and the receptive field change.",
        f"MACs count {a.summary.result.conventions['macs']}.",
        "Receptive field: in input pixels, at the last feature map before global pooling.",
    ]
    return notes


def v15_json(pair: tuple[StridePlacement, ...]) -> str:
    """Both models' summaries with where each puts its stride."""
    records = [{**p.summary.to_dict(), "stride_convs": list(p.stride_convs), "downsampling_blocks": list(p.blocks)}
               for p in pair]
    return json.dumps({"layout": "v1-vs-v1.5", "models": records}, indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- run


def _block_input(args: argparse.Namespace) -> tuple[int, tuple[int, int]]:
    """(channels, (H, W)) for --blocks from --channels and --input (HxW or CxHxW)."""
    from ..analysis import parse_input
    from ..errors import InspectError

    channels = args.channels if args.channels is not None else 256
    shape = parse_input(args.input, channels, (56, 56))
    if len(shape) != 4 or shape[0] != 1:
        raise InspectError(f"--input {args.input!r}: with --blocks give the feature map as 56, 56x56 or 256x56x56")
    if args.channels is not None and shape[1] != args.channels:
        raise InspectError(f"--input {args.input!r} has {shape[1]} channels but --channels is {args.channels}; "
                           "give one of them")
    return shape[1], (shape[2], shape[3])


def render_compare(args: argparse.Namespace, mode: str) -> str:
    """Run the chosen comparison and render it in ``args.format``."""
    from ..analysis import compare
    from ..render.tables import render

    fmt_name: str = args.format
    if mode == "blocks":
        channels, size = _block_input(args)
        pair = compare.block_comparison(channels, size)
        return blocks_json(pair) if fmt_name == "json" else render(blocks_table(pair, args.exact), fmt_name)
    if mode == "v1-vs-v15":
        placements = compare.stride_placement(input_size=args.input)
        return v15_json(placements) if fmt_name == "json" else render(v15_table(placements, args.exact), fmt_name)
    summaries = compare.compare_models(args.models, args.input)
    if mode == "paper":
        paper = compare.paper_layout(summaries)
        return paper_json(paper) if fmt_name == "json" else render(paper_table(paper), fmt_name)
    return side_json(summaries) if fmt_name == "json" else render(side_table(summaries, args.exact), fmt_name)


def run(args: argparse.Namespace) -> int:
    mode = _check_mode(args)
    check_output(args)
    emit(render_compare(args, mode), args)
    return 0
