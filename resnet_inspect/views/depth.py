"""Depth accounts as documents: the per-stage table, the other counts, where two depths differ.

Everything here is text written from the numbers of a :class:`~resnet_inspect.analysis.depth.DepthAccount`:
the formula ``1 + 3·(3+4+23+3) + 1 = 101``, the stage labels ``conv4_x (layer3)``, the sentences of the
name check and of a difference.  ``record`` is the JSON export (the command's ``--format json``).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from ..analysis.depth import ConvFact, DepthAccount, StageDepth, share_stages, stage_deltas
from ..document import Block, Cell, Column, Document, Note, Table, TableRow
from ..document.fmt import kernel, plural, signed
from . import texts

# --------------------------------------------------------------------------- words from numbers


def stage_label(s: StageDepth) -> str:
    """``conv4_x (layer3)``, ``conv1 (stem)``, ``fc (head)``; the module name when the paper has none."""
    return f"{s.paper_name} ({s.name})" if s.paper_name and s.paper_name != s.name else s.name


def _conv(c: ConvFact, with_groups: bool = True) -> str:
    text = kernel(c.kernel)
    return text + (f" (C={c.groups})" if with_groups and c.groups > 1 else "")


def counted_layers(s: StageDepth) -> str:
    """What the counted layers of a group are: ``bottleneck: 1×1, 3×3, 1×1``, ``7×7 conv, stride 2``."""
    if s.block_kinds:
        kinds = [f"{texts.block_label(b.type, b.residual)}: {', '.join(_conv(c) for c in b.convs)}"
                 for b in s.block_kinds]
        return " / ".join(dict.fromkeys(kinds))
    parts = list(dict.fromkeys(f"{kernel(c.kernel)} conv" + (f", stride {c.stride}" if c.stride > 1 else "")
                               for c in s.convs))
    if s.fc_features:
        parts.append("fc " + "→".join(str(d) for d in s.fc_features))
    return "; ".join(parts)


def _stages_term(stages: Sequence[StageDepth]) -> str:
    """``3·(3+4+23+3)`` when every stage has the same layers per block; ``(2+2+4+4+4)`` for VGG."""
    per = _uniform([s.layers_per_block or 0 for s in stages])
    if per and all(s.blocks for s in stages):
        inner = "+".join(str(s.blocks) for s in stages)
        return f"{per}·({inner})" if len(stages) > 1 else f"{per}·{inner}"
    if not any(s.blocks for s in stages):
        inner = "+".join(str(s.layers) for s in stages)
        return f"({inner})" if len(stages) > 1 else inner
    return " + ".join(f"{s.layers_per_block}·{s.blocks}" if s.layers_per_block else str(s.layers)
                      for s in stages)


def _uniform(values: Sequence[int]) -> int | None:
    return values[0] if values and len(set(values)) == 1 else None


def formula(acc: DepthAccount | Sequence[StageDepth]) -> str:
    """``1 + 3·(3+4+23+3) + 1 = 101``, written from the per-stage counts."""
    stages = acc.stages if isinstance(acc, DepthAccount) else acc
    terms = [str(s.layers) for s in stages if s.role == "stem" and s.layers]
    body = [s for s in stages if s.role == "stage" and s.layers]
    if body:
        terms.append(_stages_term(body))
    terms += [str(s.layers) for s in stages if s.role == "head" and s.layers]
    return " + ".join(terms or ["0"]) + f" = {sum(s.layers for s in stages)}"


def formula_latex(acc: DepthAccount) -> str:
    """The formula for a math backend: ``1 + 3\\cdot(3+4+23+3) + 1 = 101``."""
    return formula(acc).replace("·", r"\cdot ")


def seed_formula(acc: DepthAccount) -> str:
    """A tutorial's count term by term: ``1 + 1 + 3·3 + 4·3 + 6·3 + 3·3 = 50``."""
    terms = [f"{t[0]}·{t[1]}" if isinstance(t, tuple) else str(t) for t in acc.seed_terms]
    return " + ".join(terms or ["0"]) + f" = {acc.seed_depth}"


def name_check(acc: DepthAccount) -> str:
    """Whether the number in the name is this count, and if not, why."""
    if acc.name_check == "custom":
        return f"{acc.model} has no depth in its name to check against"
    if acc.name_check == "match":
        return f"the {acc.name_depth} in the name matches this count"
    text = f"the name says {acc.name_depth}, but {acc.model} has {acc.depth} weighted layers under this convention"
    if acc.cut_from is not None:
        gone = [f"{stage_label(s)} with {plural(s.layers, 'layer')}" for s in acc.missing]
        text += (f": it is cut from a {acc.name_depth}-layer network ({formula(acc.cut_from)}) and leaves out "
                 + " and ".join(gone))
    return text


def _gain(n: int) -> str:
    return f"{signed(n)} layer" + ("" if abs(n) == 1 else "s")


def _stage_change(label: str, a: StageDepth, b: StageDepth) -> str:
    gain = _gain(b.layers - a.layers)
    if a.blocks and b.blocks and a.layers_per_block and a.layers_per_block == b.layers_per_block:
        per = plural(a.layers_per_block, "layer")
        return (f"{label} has {a.blocks} vs {b.blocks} blocks: {signed(b.blocks - a.blocks)} blocks × "
                f"{per} = {gain}")
    if a.blocks and a.blocks == b.blocks and a.layers_per_block and b.layers_per_block:
        dp = b.layers_per_block - a.layers_per_block
        return (f"{label} has {a.blocks} blocks of {a.layers_per_block} vs {b.layers_per_block} layers: "
                f"{plural(a.blocks, 'block')} × {_gain(dp)} = {gain}")
    return f"{label} has {a.layers} vs {b.layers} layers: {gain}"


def stage_changes(a: DepthAccount, b: DepthAccount) -> list[tuple[str, int, str]]:
    """(stage label, change in layers, sentence) for each stage whose layer count differs, in order."""
    out: list[tuple[str, int, str]] = []
    for d in stage_deltas(a, b):
        if d.before is not None and d.after is not None:
            label = stage_label(d.after)
            out.append((label, d.layers, _stage_change(label, d.before, d.after)))
        elif d.before is not None:
            label = stage_label(d.before)
            out.append((label, d.layers, f"{label} is only in {a.model}: {_gain(d.layers)}"))
        elif d.after is not None:
            label = stage_label(d.after)
            out.append((label, d.layers, f"{label} is only in {b.model}: {_gain(d.layers)}"))
    return out


def explain_difference(a: DepthAccount, b: DepthAccount) -> list[str]:
    """Sentences saying where two depths differ: ``conv4_x (layer3) has 6 vs 23 blocks: …``."""
    delta = b.depth - a.depth
    if not share_stages(a, b):
        return [f"{a.model} and {b.model} are built from different stages ({formula(a)} vs {formula(b)}): "
                f"{_gain(delta)}"]
    lines = [text for _, _, text in stage_changes(a, b)]
    if delta:
        lines.append(f"{a.model} → {b.model}: {a.depth} → {b.depth} layers, {signed(delta)} in all")
    elif not lines:
        lines.append(f"{a.model} and {b.model} have the same layers in every stage ({a.depth})")
    else:
        lines.append(f"{a.model} and {b.model} both have {a.depth} layers")
    return lines


# --------------------------------------------------------------------------- JSON and csv exports


def stage_record(s: StageDepth) -> dict[str, Any]:
    """A stage of the JSON export: its numbers, its label and what it counts, in words."""
    return {"name": s.name, "label": stage_label(s), "paper_name": s.paper_name, "role": s.role,
            "block": counted_layers(s), "layers_per_block": s.layers_per_block, "blocks": s.blocks,
            "layers": s.layers, "projections": s.projections, "max_pools": s.max_pools}


def record(acc: DepthAccount) -> dict[str, Any]:
    """The JSON record: ``model``, ``depth``, ``formula``, ``convention``, ``stages`` and the other counts."""
    c = acc.counts
    return {
        "model": acc.model, "depth": acc.depth, "formula": formula(acc), "convention": texts.DEPTH_CONVENTION,
        "stages": [stage_record(s) for s in acc.stages],
        "name_depth": acc.name_depth, "name_check": name_check(acc),
        "other_counts": {
            "all_conv_fc": {"value": c.all_weighted, "convention": texts.ALL_CONVENTION,
                            "formula": f"{c.convs} convs + {c.linears} fc"},
            "conv_and_max_pool_no_fc": {"value": acc.seed_depth, "convention": texts.SEED_CONVENTION,
                                        "formula": seed_formula(acc)},
            **asdict(c),
        },
    }


def records(accs: Sequence[DepthAccount]) -> dict[str, Any] | list[dict[str, Any]]:
    """One record for one model; a list for several, each after the first saying how it differs."""
    out = [record(a) for a in accs]
    for prev, acc, rec in zip(accs, accs[1:], out[1:], strict=False):
        rec["difference_from_previous"] = {"model": prev.model, "layers": acc.depth - prev.depth,
                                           "explanation": explain_difference(prev, acc)}
    return out[0] if len(out) == 1 else out


def csv_document(accs: Sequence[DepthAccount]) -> Document:
    """One flat table for csv: a row per model and stage, and a total row carrying the formula."""
    keys = ("model", "stage", "paper_stage", "block", "layers_per_block", "blocks", "layers")
    rows = []
    for a in accs:
        for s in a.stages:
            rows.append(_row(Cell(a.model), Cell(s.name), Cell(s.paper_name), Cell(counted_layers(s)),
                             Cell(s.layers_per_block, "int"), Cell(s.blocks or None, "int"), Cell(s.layers, "int")))
        rows.append(_row(Cell(a.model), Cell("total"), Cell(""), Cell(formula(a)), Cell(None, "int"),
                         Cell(sum(s.blocks for s in a.stages) or None, "int"), Cell(a.depth, "int")))
    columns = tuple(Column(k, k, "int" if k in ("layers_per_block", "blocks", "layers") else "text") for k in keys)
    return Document("depth", (Table(columns, tuple(rows)),))


# --------------------------------------------------------------------------- tables


def _row(*cells: Cell, strong: bool = False, level: int = 0) -> TableRow:
    return TableRow(tuple(cells), level=level, strong=strong)


def _blank_int(n: int | None) -> Cell:
    """A count shown only when there is one (blank, not n/a, when the stage has no blocks)."""
    return Cell(n, "int") if n else Cell(n, "int", text="")


def stage_table(acc: DepthAccount) -> Table:
    """Stem, stages and head: what is counted, layers per block, blocks, layers; the formula as total."""
    columns = (Column("stage", "Stage"), Column("block", "Counted layers"),
               Column("layers_per_block", "Layers per block", "int"), Column("blocks", "Blocks", "int"),
               Column("layers", "Layers", "int"))
    rows = [_row(Cell(stage_label(s)), Cell(counted_layers(s)), _blank_int(s.layers_per_block),
                 _blank_int(s.blocks or None), Cell(s.layers, "int")) for s in acc.stages]
    blocks = sum(s.blocks for s in acc.stages)
    rows.append(_row(Cell("total"), Cell(formula(acc)), _blank_int(None), _blank_int(blocks or None),
                     Cell(acc.depth, "int"), strong=True))
    return Table(columns, tuple(rows), caption=f"{acc.model} — depth {formula(acc)}",
                 notes=(f"Name check: {name_check(acc)}.",), id=f"depth-{acc.model}", role="depth")


def _count_rows(acc: DepthAccount) -> list[tuple[str, int, str]]:
    c = acc.counts
    pools = [plural(c.max_pools, "max pool"), plural(c.avg_pools, "average pool")]
    return [
        ("weighted layers on the main path (the convention)", acc.depth, formula(acc)),
        ("every conv and fc, shortcut projections included", c.all_weighted,
         f"{plural(c.convs, 'conv')} + {c.linears} fc ({c.projection_convs} on the shortcut)"),
        ("main-path convs + max pools, no fc (a tutorial's count)", acc.seed_depth, seed_formula(acc)),
        ("batch norm modules", c.batch_norms, "one per conv, projections included" if c.batch_norms == c.convs
         else ""),
        ("ReLU modules", c.relu_modules, "nn.ReLU modules in the model"),
        ("ReLU calls", c.relu_calls, "applications in one forward pass"),
        ("pooling modules", c.pools, ", ".join(pools)),
    ]


def counts_table(accs: Sequence[DepthAccount]) -> Table:
    """What other counts give: one value column per model, and the formulas when there is one model."""
    single = len(accs) == 1
    columns = [Column("counted", "What is counted")]
    if single:
        columns += [Column("count", "Count", "int"), Column("how", "How")]
    else:
        columns += [Column(a.model, a.model, "int") for a in accs]
    per_model = [_count_rows(a) for a in accs]
    rows = []
    for i, (label, value, how) in enumerate(per_model[0]):
        cells = [Cell(value, "int"), Cell(how)] if single else [Cell(rows_[i][1], "int") for rows_ in per_model]
        rows.append(_row(Cell(label), *cells))
    return Table(tuple(columns), tuple(rows),
                 caption=f"{accs[0].model} — other ways to count" if single else "Other ways to count",
                 notes=("Each count is right for what it counts; the number in a ResNet's name is the first.",),
                 id="depth-counts", role="counts")


def _stage_cell(s: StageDepth | None) -> Cell:
    if s is None:
        return Cell(None, "int", text="")
    if s.blocks and s.layers_per_block:
        return Cell(s.layers, "int", text=f"{s.blocks} × {s.layers_per_block} = {s.layers}")
    return Cell(s.layers, "int")


def difference_table(accs: Sequence[DepthAccount]) -> Table:
    """Stages side by side (blocks × layers per block), a change column for two models, and sentences."""
    pair = len(accs) == 2
    names = list(dict.fromkeys(s.name for a in accs for s in a.stages))
    columns = [Column("stage", "Stage"), *[Column(a.model, a.model, "int") for a in accs]]
    if pair:
        columns.append(Column("change", "Change", "int"))
    rows = []
    for name in names:
        found = [next((s for s in a.stages if s.name == name), None) for a in accs]
        label = next(stage_label(s) for s in found if s is not None)
        layers = [s.layers if s else 0 for s in found]
        delta = layers[1] - layers[0] if pair else 0
        change = [Cell(delta, "int", text=signed(delta) if delta else "")] if pair else []
        rows.append(_row(Cell(label), *[_stage_cell(s) for s in found], *change))
    depths = [a.depth for a in accs]
    total_change = [Cell(depths[1] - depths[0], "int", text=signed(depths[1] - depths[0]))] if pair else []
    rows.append(_row(Cell("total"), *[Cell(d, "int") for d in depths], *total_change, strong=True))
    notes = ["Cells: blocks × layers per block = layers.", ""]
    notes += [line for a, b in itertools.pairwise(accs) for line in explain_difference(a, b)]
    return Table(tuple(columns), tuple(rows), caption="Where the depths differ", notes=tuple(notes),
                 id="depth-difference", role="difference")


def document(accs: Sequence[DepthAccount]) -> Document:
    """``resnet-inspect depth``: each model's stage table, the other counts, the differences, the convention."""
    blocks: list[Block] = [stage_table(a) for a in accs]
    blocks.append(counts_table(accs))
    if len(accs) > 1:
        blocks.append(difference_table(accs))
    blocks.append(Note(f"Convention: {texts.DEPTH_CONVENTION}.", "convention"))
    names = ", ".join(a.model for a in accs)
    return Document(f"Depth of {names}", tuple(blocks))
