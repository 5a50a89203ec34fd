"""``resnet-inspect diagram KIND [MODEL...]``: block and network diagrams drawn from the built model."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .common import add_input
from .model_args import add_model_args, inspect_models

NAME = "diagram"
HELP = "Graphviz diagrams of a block, a network, and the paper's comparisons, drawn from the built model"
KINDS = ("block", "contrast", "bottleneck-kinds", "v1-vs-v15", "network", "plain-vs-residual")
EXAMPLE = """kinds:
  block MODEL [--block PATH]     one residual block: every conv/BN/ReLU/add, the shortcut (dashed = projection)
  contrast [MODEL MODEL]         basic block vs bottleneck: the paper's Fig. 5 pair (64-d beside 256-d) and the
                                 same-width pair; or two models' blocks, paired where they compare
  bottleneck-kinds [MODEL]       the kinds of block in a network (default resnet50: conv2_1, conv3_1…, identity)
  v1-vs-v15 [MODEL]              where the bottleneck's stride sits: paper (1×1) vs torchvision (3×3)
  network MODEL [--expand STAGE] the macro view: stem, stages × n blocks, sizes and cumulative stride, head
  plain-vs-residual [MODEL...]   columns like the paper's Fig. 3 (default vgg19 plain34 resnet34)

examples:
  resnet-inspect diagram block resnet50 -o block.svg
  resnet-inspect diagram block resnext50_32x4d --block layer3.0 -o resnext.png
  resnet-inspect diagram contrast -o contrast.pdf
  resnet-inspect diagram contrast resnet34 resnet50 -o fig5.png
  resnet-inspect diagram v1-vs-v15 -o stride.png
  resnet-inspect diagram network resnet152 --expand layer3 -o resnet152.svg
  resnet-inspect diagram network resnet50 > resnet50.dot
  resnet-inspect diagram block mynet.py:build --kwargs width=32 -o mynet-block.svg
  resnet-inspect diagram plain-vs-residual --layout tb --font-size 16 -o fig3.png

layout: --layout lr (landscape) or tb (top to bottom); each kind's default is the one that fits a 16:9
slide best (network, bottleneck-kinds and plain-vs-residual: lr; the others: tb).

output: -o FILE picks the format from its extension (.svg .png .pdf .dot; all but .dot need Graphviz's
`dot` program); without -o the DOT source is printed."""

# kind -> (fewest, most) models, what to say, an example
MODEL_COUNTS = {"block": (1, 1, "one MODEL", "resnet50"), "network": (1, 1, "one MODEL", "resnet152"),
                "contrast": (0, 2, "two MODELs or none", "resnet34 resnet50"),
                "bottleneck-kinds": (0, 1, "at most one MODEL", "resnet101"),
                "v1-vs-v15": (0, 1, "at most one MODEL", "resnet50"),
                "plain-vs-residual": (0, 99, "MODELs", "vgg19 plain34 resnet34")}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", choices=KINDS, metavar="KIND", help=f"what to draw: {', '.join(KINDS)}")
    add_model_args(parser, nargs="*")
    parser.add_argument("--block", "-b", metavar="PATH",
                        help="the block to draw, e.g. layer2.0 (block: default the first block with a stride; "
                        "contrast: default the first pair that compares; v1-vs-v15: default layer2.0)")
    parser.add_argument("--expand", "-e", action="append", default=[], metavar="STAGE",
                        help="network: draw this stage's blocks (repeatable; 'all' for every stage)")
    parser.add_argument("--channels", type=int, default=256, metavar="N",
                        help="contrast: the bottleneck's width in channels (default 256; the paper's basic "
                        "block has a quarter of it)")
    parser.add_argument("--layout", choices=("lr", "tb"), metavar="lr|tb",
                        help="lr: landscape, left to right (long chains wrap into rows); tb: top to bottom "
                        "(default: whichever fits a 16:9 slide better for the kind)")
    parser.add_argument("--font-size", type=float, metavar="PT",
                        help="node text size in points, 4 to 72 (default 13); every other text scales with it")
    add_input(parser)
    parser.add_argument("--output", "-o", metavar="FILE",
                        help="write FILE (.svg .png .pdf .dot) atomically instead of printing DOT source")


def _check_models(args: argparse.Namespace) -> None:
    from ..errors import InspectError

    low, high, want, example = MODEL_COUNTS[args.kind]
    n = len(args.models)
    if not low <= n <= high or (args.kind == "contrast" and n == 1):
        raise InspectError(f"diagram {args.kind} takes {want}, got {n}; e.g. "
                           f"`resnet-inspect diagram {args.kind} {example}`")


def _output_format(args: argparse.Namespace) -> str:
    """The format from -o's extension, checked (and the renderer found) before any work."""
    from ..figures.diagram import check_format, check_renderer
    from .common import check_output

    if not args.output:
        return "dot"
    fmt = check_format(Path(args.output).suffix or "(none)")
    check_output(args)
    check_renderer(fmt)
    return fmt


def _registry_only(args: argparse.Namespace) -> str:
    """v1-vs-v15 rebuilds a variant with its stride moved: only a name or a spec can be rebuilt."""
    from ..errors import InspectError
    from ..loaders import kind_of

    name = args.models[0] if args.models else "resnet50"
    if kind_of(name) != "registry":
        raise InspectError(f"diagram v1-vs-v15 rebuilds a variant with its stride moved, which only a variant name "
                           f"or a custom spec allows, not {name}; e.g. `resnet-inspect diagram v1-vs-v15 resnet101`")
    return name


def make(args: argparse.Namespace) -> object:
    """The diagram the arguments ask for: parse → analysis → the diagram of the results."""
    from ..analysis import compare
    from ..figures import diagram as d

    m = args.models
    if args.kind == "block":
        return d.block_diagram(inspect_models(args, m)[0], args.block)
    if args.kind == "network":
        return d.network_diagram(inspect_models(args, m)[0], args.expand)
    if args.kind == "contrast":
        if m:
            a, b = inspect_models(args, m, at_input=False)
            return d.contrast_diagram((a, b), args.block)
        return d.block_contrasts_diagram(*compare.contrast_nets(args.channels), block=args.block or "layer1.1")
    if args.kind == "bottleneck-kinds":
        return d.bottleneck_kinds_diagram(inspect_models(args, m or ["resnet50"], at_input=False)[0])
    if args.kind == "v1-vs-v15":
        v1, v15, base = compare.stride_variants(_registry_only(args))
        return d.v1_vs_v15_diagram(v1, v15, base, args.block or "layer2.0")
    return d.plain_vs_residual_diagram(inspect_models(args, m or ["vgg19", "plain34", "resnet34"], at_input=False))


def run(args: argparse.Namespace) -> int:
    from ..errors import InspectError
    from ..figures.diagram import Diagram
    from ..io import said, write_atomic

    _check_models(args)
    if args.expand and args.kind != "network":
        raise InspectError("--expand only applies to `diagram network`")
    from ..figures import diagram_style

    diagram_style.check_look(args.layout, args.font_size)
    fmt = _output_format(args)
    with diagram_style.look(args.layout, args.font_size):
        diagram = make(args)
    assert isinstance(diagram, Diagram)
    if not args.output:
        sys.stdout.write(diagram.source)
        return 0
    path = write_atomic(args.output, diagram.render(fmt))
    print(f"wrote {said(path)}", file=sys.stderr)
    return 0
