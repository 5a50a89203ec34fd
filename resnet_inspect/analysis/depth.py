"""Depth accounting: how many layers a network has, counted from its inspected rows, and why.

The number in a ResNet's name counts *weighted layers on the main path* (He et al. 2015,
arXiv:1512.03385, Table 1): the stem conv, every conv inside the residual blocks and the fc layer.
Projection (downsample) convs on the shortcut are not counted, and batch norm, ReLU and pooling are
not layers.  Nothing here is looked up: every count comes from the rows of an
:class:`~resnet_inspect.analysis.result.Inspection`, and the formula (``1 + 3·(3+4+23+3) + 1 = 101``)
is written from those counts.  Other counts (every conv including projections, batch norms, ReLU
modules and calls, pools, a tutorial's "conv + max pool, no fc") are kept beside it, so the
difference between conventions is explicit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from ..specs import Spec, is_custom
from .groups import STAGE_NAME, Block, Group, base_name, is_weighted, partition
from .result import Inspection, Row

CONVENTION = ("depth counts the weighted layers on the main path: the stem conv(s), every conv inside the "
              "blocks and the fully-connected layer(s) (He et al. 2015, Table 1); projection (downsample) "
              "convs on the shortcut are not counted; batch norm, ReLU and pooling are not layers")
SEED_CONVENTION = "convs on the main path plus max-pool layers, fc left out (a count found in tutorials)"
ALL_CONVENTION = "every conv and fc layer, shortcut projections included"

BLOCK_LABELS = {"BasicBlock": "basic", "Bottleneck": "bottleneck", "PreActBasicBlock": "pre-act basic",
                "PreActBottleneck": "pre-act bottleneck"}
_NAME_DEPTH = re.compile(r"[a-z_-]*?(\d+)")


def has_imagenet_stem(groups: Sequence[Group]) -> bool:
    """A stem with a max pool (7×7/2 conv + 3×3/2 pool): the paper's Table 1 names then apply."""
    return any(g.role == "stem" and any("MaxPool" in r.type for r in g.leaves) for g in groups)


def paper_label(group: Group, imagenet: bool) -> tuple[str, str]:
    """(paper name, display label): ``("conv2_x", "conv2_x (layer1)")``; paper name "" when none applies."""
    match = STAGE_NAME.fullmatch(group.name)
    if group.role == "stem":
        return ("conv1", "conv1 (stem)") if imagenet else ("", "stem")
    if group.role == "head":
        has_fc = any(r.kind == "linear" for r in group.leaves)
        return ("fc", "fc (head)") if has_fc else ("", "head")
    if match and imagenet:
        paper = f"conv{int(match.group(1)) + 1}_x"
        return paper, f"{paper} ({group.name})"
    return (group.name, group.name) if group.name.startswith("conv") else ("", group.name)


# --------------------------------------------------------------------------- descriptions


def kernel_text(row: Row) -> str:
    """``3×3`` from a conv row's kernel."""
    k = row.kernel or (1, 1)
    return f"{k[0]}×{k[1]}"


def _conv_text(row: Row) -> str:
    text = f"{kernel_text(row)} conv"
    if row.stride and max(row.stride) > 1:
        text += f", stride {max(row.stride)}"
    return text


def _fc_text(rows: Sequence[Row]) -> str:
    dims = [rows[0].input_shape[-1]] + [r.output_shape[-1] for r in rows]
    return "fc " + "→".join(str(d) for d in dims)


def _block_text(block: Block) -> str:
    label = BLOCK_LABELS.get(block.row.type, block.row.type)
    if label == "basic" and not any(r.kind == "add" for r in block.leaves):
        label = "plain"
    convs = [kernel_text(r) + (f" (C={r.groups})" if r.groups and r.groups > 1 else "")
             for r in block.leaves if is_weighted(r)]
    return f"{label}: {', '.join(convs)}"


def describe(group: Group) -> str:
    """What the counted layers of a group are: ``bottleneck: 1×1, 3×3, 1×1``, ``7×7 conv, stride 2``."""
    weighted = [r for r in group.leaves if is_weighted(r)]
    if group.blocks:
        texts = list(dict.fromkeys(_block_text(b) for b in group.blocks))
        return " / ".join(texts)
    convs = [r for r in weighted if r.kind == "conv"]
    fcs = [r for r in weighted if r.kind == "linear"]
    parts = list(dict.fromkeys(_conv_text(r) for r in convs))
    if fcs:
        parts.append(_fc_text(fcs))
    return "; ".join(parts)


# --------------------------------------------------------------------------- the account


@dataclass(frozen=True)
class StageDepth:
    """One row of the depth table: a stem, a stage or a head and the layers it contributes."""

    name: str
    label: str
    paper_name: str
    role: str
    block: str
    layers_per_block: int | None
    blocks: int
    layers: int
    projections: int
    max_pools: int


@dataclass(frozen=True)
class LayerCounts:
    """What other ways of counting give, each counted from the rows (modules, or calls where named)."""

    convs: int
    projection_convs: int
    linears: int
    batch_norms: int
    relu_modules: int
    relu_calls: int
    max_pools: int
    avg_pools: int

    @property
    def all_weighted(self) -> int:
        """Every conv and fc layer, projections included."""
        return self.convs + self.linears

    @property
    def pools(self) -> int:
        """Max and average pools (global ones included)."""
        return self.max_pools + self.avg_pools


@dataclass(frozen=True)
class DepthAccount:
    """The depth of one network under the stated convention, its formula and the other counts."""

    model: str
    depth: int
    formula: str
    convention: str
    stages: tuple[StageDepth, ...]
    counts: LayerCounts
    seed_depth: int
    seed_formula: str
    name_depth: int | None
    name_check: str

    def stage(self, name: str) -> StageDepth:
        """The row of a stage by its name (``stem``, ``layer3``, ``head``)."""
        for s in self.stages:
            if s.name == name:
                return s
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """The JSON record: ``model``, ``depth``, ``formula``, ``convention``, ``stages`` and the rest."""
        c = self.counts
        return {
            "model": self.model, "depth": self.depth, "formula": self.formula, "convention": self.convention,
            "stages": [asdict(s) for s in self.stages],
            "name_depth": self.name_depth, "name_check": self.name_check,
            "other_counts": {
                "all_conv_fc": {"value": c.all_weighted, "convention": ALL_CONVENTION,
                                "formula": f"{c.convs} convs + {c.linears} fc"},
                "conv_and_max_pool_no_fc": {"value": self.seed_depth, "convention": SEED_CONVENTION,
                                            "formula": self.seed_formula},
                **asdict(c),
            },
        }


def _uniform(values: Iterable[int]) -> int | None:
    distinct = set(values)
    return distinct.pop() if len(distinct) == 1 else None


def _stage_depth(group: Group, imagenet: bool) -> StageDepth:
    weighted = [r for r in group.leaves if is_weighted(r)]
    per_block = [sum(1 for r in b.leaves if is_weighted(r)) for b in group.blocks]
    paper, label = paper_label(group, imagenet)
    return StageDepth(
        name=group.name, label=label, paper_name=paper, role=group.role, block=describe(group),
        layers_per_block=_uniform(per_block) if per_block else None, blocks=len(group.blocks),
        layers=len(weighted), projections=sum(1 for r in group.leaves if r.kind == "conv" and r.on_shortcut),
        max_pools=sum(1 for r in group.leaves if "MaxPool" in r.type),
    )


def _stages_term(stages: Sequence[StageDepth]) -> str:
    """``3·(3+4+23+3)`` when every stage has the same layers per block; ``(2+2+4+4+4)`` for VGG."""
    per = _uniform(s.layers_per_block or 0 for s in stages)
    if per and all(s.blocks for s in stages):
        inner = "+".join(str(s.blocks) for s in stages)
        return f"{per}·({inner})" if len(stages) > 1 else f"{per}·{inner}"
    if not any(s.blocks for s in stages):
        inner = "+".join(str(s.layers) for s in stages)
        return f"({inner})" if len(stages) > 1 else inner
    return " + ".join(f"{s.layers_per_block}·{s.blocks}" if s.layers_per_block else str(s.layers)
                      for s in stages)


def formula(stages: Sequence[StageDepth]) -> str:
    """``1 + 3·(3+4+23+3) + 1 = 101``, written from the per-stage counts."""
    terms = [str(s.layers) for s in stages if s.role == "stem" and s.layers]
    body = [s for s in stages if s.role == "stage" and s.layers]
    if body:
        terms.append(_stages_term(body))
    terms += [str(s.layers) for s in stages if s.role == "head" and s.layers]
    return " + ".join(terms or ["0"]) + f" = {sum(s.layers for s in stages)}"


def seed_formula(stages: Sequence[StageDepth]) -> tuple[int, str]:
    """A tutorial's count, main-path convs + max pools and no fc: ``1 + 1 + 3·3 + 4·3 + 6·3 + 3·3 = 50``."""
    terms: list[int | str] = []
    for s in stages:
        if s.role == "stem":
            terms += [n for n in (s.layers, s.max_pools) if n]
        elif s.role == "stage" and s.layers:
            terms.append(f"{s.blocks}·{s.layers_per_block}" if s.blocks and s.layers_per_block else s.layers)
    later_pools = sum(s.max_pools for s in stages if s.role != "stem")
    if later_pools:
        terms.append(later_pools)
    total = sum(s.layers for s in stages if s.role != "head") + sum(s.max_pools for s in stages)
    return total, " + ".join(str(t) for t in terms or ["0"]) + f" = {total}"


def count_layers(rows: Sequence[Row]) -> LayerCounts:
    """Modules (distinct paths) of each kind, and ReLU calls, from the leaf rows."""
    leaves = [r for r in rows if r.is_leaf]

    def modules(pred: Any) -> int:
        return len({base_name(r.name) for r in leaves if pred(r)})

    return LayerCounts(
        convs=modules(lambda r: r.kind == "conv"),
        projection_convs=modules(lambda r: r.kind == "conv" and r.on_shortcut),
        linears=modules(lambda r: r.kind == "linear"),
        batch_norms=modules(lambda r: r.type.startswith("BatchNorm")),
        relu_modules=modules(lambda r: r.type == "ReLU"),
        relu_calls=sum(1 for r in leaves if r.type.lower() == "relu"),
        max_pools=modules(lambda r: "MaxPool" in r.type),
        avg_pools=modules(lambda r: "AvgPool" in r.type),
    )


def name_depth(name: str) -> int | None:
    """The depth a registry name carries (``resnext101_64x4d`` → 101); ``None`` for custom specs."""
    if is_custom(name):
        return None
    match = _NAME_DEPTH.match(name.lower())
    return int(match.group(1)) if match else None


def _name_check(model: str, stages: Sequence[StageDepth], claimed: int | None,
                cut_from: DepthAccount | None) -> str:
    depth = sum(s.layers for s in stages)
    if claimed is None:
        return "a custom spec has no depth in its name to check against"
    if claimed == depth:
        return f"the {claimed} in the name matches this count"
    text = f"the name says {claimed}, but {model} has {depth} weighted layers under this convention"
    if cut_from is not None and cut_from.depth == claimed:
        kept = {s.name for s in stages}
        gone = [f"{s.label} with {plural(s.layers, 'layer')}"
                for s in cut_from.stages if s.name not in kept and s.layers]
        text += (f": it is cut from a {claimed}-layer network ({cut_from.formula}) and leaves out "
                 + " and ".join(gone))
    return text


def account(result: Inspection, cut_from: DepthAccount | None = None) -> DepthAccount:
    """The depth of an inspected network under :data:`CONVENTION`, with its formula and other counts.

    ``cut_from`` is the account of the full network a backbone was cut from (``resnet50-c4`` keeps
    ResNet-50's first three stages); it lets the name check say which layers are missing.
    """
    groups = partition(result.rows)
    imagenet = has_imagenet_stem(groups)
    stages = tuple(_stage_depth(g, imagenet) for g in groups)
    depth = sum(s.layers for s in stages)
    seed_total, seed_text = seed_formula(stages)
    claimed = name_depth(result.model)
    return DepthAccount(
        model=result.model, depth=depth, formula=formula(stages), convention=CONVENTION, stages=stages,
        counts=count_layers(result.rows), seed_depth=seed_total, seed_formula=seed_text,
        name_depth=claimed, name_check=_name_check(result.model, stages, claimed, cut_from),
    )


def account_model(model: str | Spec, input_size: Any = None) -> DepthAccount:
    """Inspect a variant (name, custom spec or :class:`Spec`) and account for its depth.

    A backbone cut from a longer network (fewer stages, no fc) is compared with the network it was
    cut from, built from the same spec, so the name check can say which layers are missing.
    """
    from ..registry import get_spec
    from .engine import inspect

    spec = get_spec(model) if isinstance(model, str) else model
    return account(inspect(spec, input_size), _full_network(spec))


def _full_network(spec: Spec) -> DepthAccount | None:
    from .engine import inspect

    if spec.is_vgg or (spec.num_stages == len(spec.layers) and spec.include_top):
        return None
    return account(inspect(spec.replace(num_stages=len(spec.layers), include_top=True)))


# --------------------------------------------------------------------------- differences


def signed(n: int) -> str:
    """``+17``, ``−17`` (a true minus sign), ``0``."""
    return f"+{n}" if n > 0 else f"−{-n}" if n < 0 else "0"


def plural(n: int, word: str) -> str:
    """``1 layer``, ``3 layers``, ``+1 layer``."""
    return f"{n} {word}" + ("" if abs(n) == 1 else "s")


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
    before = {s.name: s for s in a.stages}
    after = {s.name: s for s in b.stages}
    names = list(dict.fromkeys([s.name for s in a.stages] + [s.name for s in b.stages]))
    out: list[tuple[str, int, str]] = []
    for name in names:
        x, y = before.get(name), after.get(name)
        if x is not None and y is not None:
            if x.layers != y.layers:
                out.append((y.label, y.layers - x.layers, _stage_change(y.label, x, y)))
        elif x is not None and x.layers:
            out.append((x.label, -x.layers, f"{x.label} is only in {a.model}: {_gain(-x.layers)}"))
        elif y is not None and y.layers:
            out.append((y.label, y.layers, f"{y.label} is only in {b.model}: {_gain(y.layers)}"))
    return out


def explain_difference(a: DepthAccount, b: DepthAccount) -> list[str]:
    """Sentences saying where two depths differ: ``conv4_x (layer3) has 6 vs 23 blocks: …``."""
    delta = b.depth - a.depth
    shared = {s.name for s in a.stages if s.role == "stage"} & {s.name for s in b.stages if s.role == "stage"}
    if not shared:
        return [f"{a.model} and {b.model} are built from different stages ({a.formula} vs {b.formula}): "
                f"{_gain(delta)}"]
    lines = [text for _, _, text in stage_changes(a, b)]
    if delta:
        lines.append(f"{a.model} → {b.model}: {a.depth} → {b.depth} layers, {signed(delta)} in all")
    elif not lines:
        lines.append(f"{a.model} and {b.model} have the same layers in every stage ({a.depth})")
    else:
        lines.append(f"{a.model} and {b.model} both have {a.depth} layers")
    return lines
