"""MODEL arguments, shared by every command that analyses models: the forms a MODEL takes, ``--kwargs``,
and loading then analysing them (through :mod:`resnet_inspect.loaders`)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..analysis.result import Inspection
    from ..loaders import Loaded

FORMS = ("a variant name (see `resnet-inspect list`), a custom spec such as 'bottleneck:3-4-6-3,groups=32', "
         "torchvision:NAME, timm:NAME, path/to/file.py:FACTORY, package.module:FACTORY (runs that code; "
         "arguments with --kwargs) or a TorchScript file")


def add_model_args(parser: argparse.ArgumentParser, nargs: str = "+", default: str = "") -> None:
    """The MODEL arguments and ``--kwargs`` for the factories among them; the forms are said once, here."""
    parser.add_argument("models", nargs=nargs, metavar="MODEL",
                        help=f"{FORMS}{f' (default: {default})' if default else ''}")
    parser.add_argument("--kwargs", metavar="ARGS",
                        help="arguments of every factory MODEL: JSON ('{\"num_classes\": 10}') or key=value,...")


def load_models(args: argparse.Namespace, names: Sequence[str]) -> list[Loaded]:
    """Every MODEL argument loaded, each checked before any analysis, with the command's ``--kwargs``."""
    from ..loaders import load_all

    return load_all(names, getattr(args, "kwargs", None))


def inspect_models(args: argparse.Namespace, names: Sequence[str], *, at_input: bool = True) -> list[Inspection]:
    """Load every MODEL argument, then analyse each once (:func:`resnet_inspect.loaders.analyse`) at the
    command's ``--input`` (or, with ``at_input`` false, at each model's own default size)."""
    from ..loaders import analyse

    size = getattr(args, "input", None) if at_input else None
    return [analyse(item, input_size=size) for item in load_models(args, names)]
