"""``resnet-inspect list``: every variant of the zoo, with its depth, parameters and MACs.

Parameters, MACs (conv + fc, at the variant's default input) and depth come from the torch-free pass
over each spec.  Running it for all variants costs more than the rest of the command, so the numbers
are kept in ``resnet_inspect/catalogue.json``, written by :func:`write_catalogue` (``pytest
tests/test_list.py --update-golden``) and checked against a live computation for every variant by the
tests.  Each entry carries a fingerprint of its spec: a variant whose spec has changed since is
computed live, never shown with its old numbers.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .common import add_format, emit, render_tables

if TYPE_CHECKING:
    from ..specs import Spec
    from ..views.text_table import Table

NAME = "list"
HELP = "list every ResNet variant with its block, stages, depth, parameters, MACs and paper"
EXAMPLE = "example: resnet-inspect list --family resnet --format json"
CATALOGUE = Path(__file__).resolve().parent.parent / "catalogue.json"
TEXT_WIDTH = 100
NBSP = "\u00a0"  # keeps a citation on the line of the word before it when descriptions are wrapped


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_format(parser)
    parser.add_argument("--family", help="only this family (resnet, resnet-v1, resnext, wide-resnet, "
                        "resnet-cifar, cifar-resnet, preact-resnet, plain, vgg, backbone)")


# --------------------------------------------------------------------------- the numbers


def fingerprint(spec: Spec) -> str:
    """A short hash of every field of the spec: stored numbers are used only for an unchanged spec."""
    return hashlib.sha256(repr(spec).encode()).hexdigest()[:16]


def compute(spec: Spec) -> dict[str, Any]:
    """Parameters, conv + fc MACs at the default input, depth: the torch-free pass over the spec."""
    from ..analysis.engine import inspect

    totals = inspect(spec).totals
    return {"params": totals.params, "macs": totals.macs, "depth": totals.depth, "spec": fingerprint(spec)}


def compute_all() -> dict[str, dict[str, Any]]:
    """The catalogue's content, computed live for every registered variant."""
    from .. import registry

    return {s.name: compute(s) for s in registry.specs()}


def write_catalogue(path: Path = CATALOGUE) -> None:
    """Regenerate the stored catalogue from a live computation."""
    from ..io import write_atomic

    text = json.dumps({"generated_by": "resnet_inspect.commands.list_cmd.write_catalogue",
                       "variants": compute_all()}, indent=1, sort_keys=True)
    write_atomic(str(path), text + "\n")


def stored() -> dict[str, dict[str, Any]]:
    """The stored catalogue (empty when the file is missing)."""
    try:
        variants: dict[str, dict[str, Any]] = json.loads(CATALOGUE.read_text(encoding="utf-8"))["variants"]
    except FileNotFoundError:
        return {}
    return variants


def numbers(specs: Sequence[Spec]) -> dict[str, dict[str, Any]]:
    """Params, MACs and depth per variant: stored when the spec is unchanged, else computed now."""
    saved, out = stored(), {}
    for s in specs:
        entry = saved.get(s.name)
        out[s.name] = entry if entry is not None and entry.get("spec") == fingerprint(s) else compute(s)
    return out


# --------------------------------------------------------------------------- records and the table


def catalogue(family: str | None = None) -> list[dict[str, object]]:
    """One record per variant, by family then depth (the ``--format json`` contract)."""
    from .. import registry
    from ..errors import InspectError

    specs = registry.by_family(registry.specs())
    if family is not None:
        families = sorted({s.family for s in specs})
        if family not in families:
            raise InspectError(f"unknown family {family!r}; choose from: {', '.join(families)}")
        specs = [s for s in specs if s.family == family]
    counted = numbers(specs)
    return [{
        "name": s.name, "family": s.family, "block": s.block, "layers": list(s.layers),
        "default_input": list(s.input_size), "params": counted[s.name]["params"],
        "num_classes": s.num_classes if s.include_top else None, "paper": s.paper,
        "description": s.description, "depth": counted[s.name]["depth"], "macs": counted[s.name]["macs"],
    } for s in specs]


def zoo_table(records: Sequence[dict[str, Any]], wrap: int | None = None) -> Table:
    """The zoo as a table; with ``wrap``, text fitted to that many columns (descriptions and notes wrapped).

    The description starts with the block kind; papers are cited by number and listed under the table.
    """
    from ..document import fmt
    from ..views.text_table import Table

    papers = list(dict.fromkeys(str(r["paper"]) for r in records))
    t = Table(["Name", "Blocks", "Depth", "Input", "Params", "MACs", "Description"],
              ["name", "layers", "depth", "default_input", "params", "macs", "description"],
              [False, False, True, True, True, True, False], title="resnet-inspect model zoo")
    rows = []
    for r in records:
        about = f"{r['block']}: {r['description']}"
        rows.append(([str(r["name"]), "-".join(map(str, r["layers"])), str(r["depth"]),
                      fmt.pair(r["default_input"], "x"), fmt.scaled(r["params"]), fmt.scaled(r["macs"]),
                      f"{about}{NBSP}[{papers.index(str(r['paper'])) + 1}]"],
                     [r["name"], r["layers"], r["depth"], r["default_input"], r["params"], r["macs"], about]))
    room = wrap
    if wrap is not None:
        fixed = [max(len(h), *(len(shown[j]) for shown, _ in rows)) for j, h in enumerate(t.headers[:-1])]
        room = wrap - sum(fixed) - 2 * len(fixed)
    for shown, raw in rows:
        lines = [line.replace(NBSP, " ") for line in (textwrap.wrap(shown[-1], room) if room else [shown[-1]])]
        t.add(shown[:-1] + lines[:1], raw)
        for more in lines[1:]:
            t.add([""] * (len(shown) - 1) + [more], [None] * len(raw))
    notes = [f"{len(records)} variants.  Blocks: blocks per stage.  Depth: conv + fc layers on the main path.  "
             "MACs: conv + fc multiply-accumulates at the default input (FLOPs = 2 × MACs).",
             *[f"[{i}] {p}" for i, p in enumerate(papers, 1)],
             "Any other network: a custom spec such as 'bottleneck:3-4-6-3,groups=32' (see resnet-inspect table "
             "--help)."]
    if wrap:
        notes = [line for n in notes for line in textwrap.wrap(n, wrap, subsequent_indent="    " * n.startswith("["))]
    t.notes = notes
    return t


def run(args: argparse.Namespace) -> int:
    records = catalogue(args.family)
    if args.format == "json":
        emit(json.dumps(records, indent=2) + "\n", args)
        return 0
    table = zoo_table(records, TEXT_WIDTH if args.format == "text" else None)
    emit(render_tables([table], args.format), args)
    return 0
