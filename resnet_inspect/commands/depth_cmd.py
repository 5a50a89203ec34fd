"""``resnet-inspect depth MODEL [MODEL...]``: where the number in a ResNet's name comes from."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .common import add_format, check_output, emit, render

if TYPE_CHECKING:
    from ..analysis.depth import DepthAccount

NAME = "depth"
HELP = "depth accounting: which layers the number in the name counts, and what other counts give"
EXAMPLE = """examples:
  resnet-inspect depth resnet101
  resnet-inspect depth resnet50 resnet101          (explains the +51 layers)
  resnet-inspect depth cifar-resnet20 preact-resnet164 vgg19
  resnet-inspect depth resnet50 --format json

convention: weighted layers on the main path (stem conv, block convs, fc) as in He et al. 2015, Table 1;
projection shortcuts, batch norm, ReLU and pooling are not counted."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("models", nargs="+", metavar="MODEL",
                        help="variant names (see `resnet-inspect list`) or custom specs such as "
                        "'bottleneck:3-4-6-3,groups=32'")
    add_format(parser)


def accounts(names: Sequence[str]) -> list[DepthAccount]:
    """Check every name first (an unknown name fails before any work), then account for each."""
    from ..analysis.depth import account_model
    from ..registry import get_spec

    specs = [get_spec(n) for n in names]
    return [account_model(s) for s in specs]


def render_depth(accs: Sequence[DepthAccount], fmt: str) -> str:
    """``resnet-inspect depth`` in any format."""
    import json

    from ..views import depth

    if fmt == "json":
        return json.dumps(depth.records(accs), indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return render(depth.csv_document(accs), "csv")
    return render(depth.document(accs), fmt)


def run(args: argparse.Namespace) -> int:
    check_output(args)
    emit(render_depth(accounts(args.models), args.format), args)
    return 0
