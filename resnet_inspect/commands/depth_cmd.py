"""``resnet-inspect depth MODEL [MODEL...]``: where the number in a ResNet's name comes from."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .common import add_format, check_output, emit, render
from .model_args import add_model_args, load_models

if TYPE_CHECKING:
    from ..analysis.depth import DepthAccount

NAME = "depth"
HELP = "depth accounting: which layers the number in the name counts, and what other counts give"
EXAMPLE = """examples:
  resnet-inspect depth resnet101
  resnet-inspect depth resnet50 resnet101          (explains the +51 layers)
  resnet-inspect depth cifar-resnet20 preact-resnet164 vgg19
  resnet-inspect depth resnet50 --format json
  resnet-inspect depth mynet.py:build --kwargs depth=20

convention: weighted layers on the main path (stem conv, block convs, fc) as in He et al. 2015, Table 1;
projection shortcuts, batch norm, ReLU and pooling are not counted."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_model_args(parser)
    add_format(parser)


def accounts(args: argparse.Namespace, names: Sequence[str]) -> list[DepthAccount]:
    """Load every MODEL first (an unknown name fails before any work), then account for each: a variant
    with the network a backbone was cut from, any other module from its own rows."""
    from ..analysis.depth import account, account_model
    from ..loaders import analyse

    return [account_model(m.spec) if m.spec is not None else account(analyse(m))
            for m in load_models(args, names)]


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
    emit(render_depth(accounts(args, args.models), args.format), args)
    return 0
