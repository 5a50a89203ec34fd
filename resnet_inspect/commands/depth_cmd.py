"""``resnet-inspect depth MODEL [MODEL...]``: where the number in a ResNet's name comes from."""

from __future__ import annotations

import argparse
import itertools
import json
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .common import add_format, check_output, emit

if TYPE_CHECKING:
    from ..analysis.depth import DepthAccount, StageDepth
    from ..render.tables import Table

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


# --------------------------------------------------------------------------- tables


def _per_block(s: StageDepth) -> str:
    return str(s.layers_per_block) if s.layers_per_block else ""


def stage_table(acc: DepthAccount) -> Table:
    """Stem, stages and head: what is counted, layers per block, blocks, layers; the formula as total."""
    from ..render.tables import Table

    t = Table(["Stage", "Counted layers", "Layers per block", "Blocks", "Layers"],
              ["stage", "block", "layers_per_block", "blocks", "layers"], [False, False, True, True, True],
              title=f"{acc.model} — depth {acc.formula}")
    for s in acc.stages:
        t.add([s.label, s.block, _per_block(s), str(s.blocks) if s.blocks else "", str(s.layers)],
              [s.label, s.block, s.layers_per_block, s.blocks or None, s.layers])
    blocks = sum(s.blocks for s in acc.stages)
    t.add(["total", acc.formula, "", str(blocks) if blocks else "", str(acc.depth)],
          ["total", acc.formula, None, blocks or None, acc.depth], strong=True)
    t.notes = textwrap.wrap(f"Name check: {acc.name_check}.", 100)
    return t


def _count_rows(acc: DepthAccount) -> list[tuple[str, int, str]]:
    c = acc.counts
    pools = [f"{c.max_pools} max pool" + ("s" if c.max_pools != 1 else ""),
             f"{c.avg_pools} average pool" + ("s" if c.avg_pools != 1 else "")]
    return [
        ("weighted layers on the main path (the convention)", acc.depth, acc.formula),
        ("every conv and fc, shortcut projections included", c.all_weighted,
         f"{c.convs} convs + {c.linears} fc ({c.projection_convs} on the shortcut)"),
        ("main-path convs + max pools, no fc (a tutorial's count)", acc.seed_depth, acc.seed_formula),
        ("batch norm modules", c.batch_norms, "one per conv, projections included" if c.batch_norms == c.convs
         else ""),
        ("ReLU modules", c.relu_modules, "nn.ReLU modules in the model"),
        ("ReLU calls", c.relu_calls, "applications in one forward pass"),
        ("pooling modules", c.pools, ", ".join(pools)),
    ]


def counts_table(accs: Sequence[DepthAccount]) -> Table:
    """What other counts give: one value column per model, and the formulas when there is one model."""
    from ..render.tables import Table

    single = len(accs) == 1
    headers = ["What is counted", *(["Count", "How"] if single else [a.model for a in accs])]
    keys = ["counted", *(["count", "how"] if single else [a.model for a in accs])]
    numeric = [False, *([True, False] if single else [True] * len(accs))]
    t = Table(headers, keys, numeric, title=f"{accs[0].model} — other ways to count" if single
              else "Other ways to count")
    per_model = [_count_rows(a) for a in accs]
    for i, (label, value, how) in enumerate(per_model[0]):
        values = [rows[i][1] for rows in per_model]
        cells = [str(value), how] if single else [str(v) for v in values]
        t.add([label, *cells], [label, *([value, how] if single else values)])
    t.notes = ["Each count is right for what it counts; the number in a ResNet's name is the first."]
    return t


def _stage_cell(s: StageDepth | None) -> str:
    if s is None:
        return ""
    if s.blocks and s.layers_per_block:
        return f"{s.blocks} × {s.layers_per_block} = {s.layers}"
    return str(s.layers)


def difference_table(accs: Sequence[DepthAccount]) -> Table:
    """Stages side by side (blocks × layers per block), a change column for two models, and sentences."""
    from ..analysis.depth import explain_difference, signed
    from ..render.tables import Table

    pair = len(accs) == 2
    names = list(dict.fromkeys(s.name for a in accs for s in a.stages))
    t = Table(["Stage", *[a.model for a in accs], *(["Change"] if pair else [])],
              ["stage", *[a.model for a in accs], *(["change"] if pair else [])],
              [False, *[True] * len(accs), *([True] if pair else [])], title="Where the depths differ")
    for name in names:
        found = [next((s for s in a.stages if s.name == name), None) for a in accs]
        label = next(s.label for s in found if s is not None)
        layers = [s.layers if s else 0 for s in found]
        change = [signed(layers[1] - layers[0]) if layers[1] != layers[0] else ""] if pair else []
        t.add([label, *[_stage_cell(s) for s in found], *change],
              [label, *[s.layers if s else None for s in found], *([layers[1] - layers[0]] if pair else [])])
    depths = [a.depth for a in accs]
    t.add(["total", *[str(d) for d in depths], *([signed(depths[1] - depths[0])] if pair else [])],
          ["total", *depths, *([depths[1] - depths[0]] if pair else [])], strong=True)
    t.notes = ["Cells: blocks × layers per block = layers.", ""]
    t.notes += [line for a, b in itertools.pairwise(accs) for line in explain_difference(a, b)]
    return t


def csv_table(accs: Sequence[DepthAccount]) -> Table:
    """One flat table for csv: a row per model and stage, and a total row carrying the formula."""
    from ..render.tables import Table

    t = Table(["model", "stage", "paper_stage", "block", "layers_per_block", "blocks", "layers"],
              ["model", "stage", "paper_stage", "block", "layers_per_block", "blocks", "layers"],
              [False, False, False, False, True, True, True])
    for a in accs:
        for s in a.stages:
            t.raw.append([a.model, s.name, s.paper_name, s.block, s.layers_per_block, s.blocks or None,
                          s.layers])
        t.raw.append([a.model, "total", "", a.formula, None, sum(s.blocks for s in a.stages) or None, a.depth])
    return t


# --------------------------------------------------------------------------- rendering


def to_json(accs: Sequence[DepthAccount]) -> str:
    """One object for one model; a list for several, each after the first saying how it differs."""
    from ..analysis.depth import explain_difference

    records = [a.to_dict() for a in accs]
    for prev, acc, rec in zip(accs, accs[1:], records[1:], strict=False):
        rec["difference_from_previous"] = {"model": prev.model, "layers": acc.depth - prev.depth,
                                           "explanation": explain_difference(prev, acc)}
    return json.dumps(records[0] if len(records) == 1 else records, indent=2, ensure_ascii=False) + "\n"


def render_depth(accs: Sequence[DepthAccount], fmt: str) -> str:
    """``resnet-inspect depth`` in any format."""
    from ..analysis.depth import CONVENTION
    from ..render.tables import render

    if fmt == "json":
        return to_json(accs)
    if fmt == "csv":
        return render(csv_table(accs), "csv")
    tables = [stage_table(a) for a in accs] + [counts_table(accs)]
    if len(accs) > 1:
        tables.append(difference_table(accs))
    tables[-1].notes += ["", *textwrap.wrap(f"Convention: {CONVENTION}.", 100)]
    from ..render.tables import render_many

    return render_many(tables, fmt)


def run(args: argparse.Namespace) -> int:
    check_output(args)
    emit(render_depth(accounts(args.models), args.format), args)
    return 0
