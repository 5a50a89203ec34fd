"""``resnet-inspect list``: every variant of the zoo."""

from __future__ import annotations

import argparse
import json

from .common import add_format, emit

NAME = "list"
HELP = "list every ResNet variant with its block, stages, default input, parameters and paper"
EXAMPLE = "example: resnet-inspect list --format json"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_format(parser)
    parser.add_argument("--family", help="only this family (resnet, resnet-v1, resnext, wide-resnet, "
                        "resnet-cifar, cifar-resnet, preact-resnet, plain, vgg, backbone)")


def catalogue(family: str | None = None) -> list[dict[str, object]]:
    """One record per variant; ``params`` is counted from the network the spec builds (torch-free pass)."""
    from .. import registry
    from ..analysis.symbolic import trace_spec
    from ..errors import InspectError

    specs = registry.specs()
    if family is not None:
        families = sorted({s.family for s in specs})
        if family not in families:
            raise InspectError(f"unknown family {family!r}; choose from: {', '.join(families)}")
        specs = [s for s in specs if s.family == family]
    out = []
    for s in specs:
        _, params = trace_spec(s, (1, s.in_channels, *s.input_size))
        out.append({
            "name": s.name, "family": s.family, "block": s.block, "layers": list(s.layers),
            "default_input": list(s.input_size), "params": params,
            "num_classes": s.num_classes if s.include_top else None, "paper": s.paper,
            "description": s.description,
        })
    return out


def run(args: argparse.Namespace) -> int:
    from ..render import fmt
    from ..render.tables import Table, render

    records = catalogue(args.family)
    if args.format == "json":
        emit(json.dumps(records, indent=2) + "\n", args)
        return 0
    t = Table(["Name", "Family", "Block", "Blocks per stage", "Input", "Params", "Paper"],
              ["name", "family", "block", "layers", "default_input", "params", "paper"],
              [False, False, False, False, False, True, False], title="resnet-inspect model zoo")
    for r in records:
        layers, size = r["layers"], r["default_input"]
        assert isinstance(layers, list) and isinstance(size, list)
        t.add([str(r["name"]), str(r["family"]), str(r["block"]), "-".join(map(str, layers)),
               fmt.pair(size, "x"), fmt.scaled(int(str(r["params"]))), str(r["paper"])],
              [r["name"], r["family"], r["block"], layers, size, r["params"], r["paper"]])
    t.notes = [f"{len(records)} variants. Any other: a custom spec such as 'bottleneck:3-4-6-3,groups=32' "
               "(see resnet-inspect table --help)."]
    emit(render(t, args.format), args)
    return 0
