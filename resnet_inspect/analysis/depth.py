"""Depth accounting: how many layers a network has, counted from its inspected rows, and why.

The number in a ResNet's name counts *weighted layers on the main path* (He et al. 2015,
arXiv:1512.03385, Table 1): the stem conv, every conv inside the residual blocks and the fc layer.
Projection (downsample) convs on the shortcut are not counted, and batch norm, ReLU and pooling are not
layers. Nothing here is looked up: every count comes from the rows of an
:class:`~resnet_inspect.analysis.result.Inspection`, and the terms of the formula (``1 + 3·(3+4+23+3) + 1
= 101``, written by :mod:`resnet_inspect.views.depth`) are those counts. Other counts (every conv
including projections, batch norms, ReLU modules and calls, pools, a tutorial's "conv + max pool, no fc")
are kept beside it, so the difference between conventions is explicit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ..specs import Spec, is_custom
from .blocks import Block
from .groups import STAGE_NAME, Group, base_name, is_weighted, partition
from .kinds import Role
from .result import Inspection, Pair, Row

NameCheck = Literal["match", "cut", "differs", "custom"]
"""How the depth in a name compares with the count: equal; a backbone cut from a network of that depth;
another number; a custom spec (no name to check)."""

_NAME_DEPTH = re.compile(r"[a-z_-]*?(\d+)")


def has_imagenet_stem(groups: Sequence[Group]) -> bool:
    """A stem with a max pool (7×7/2 conv + 3×3/2 pool): the paper's Table 1 names then apply."""
    return any(g.role == "stem" and any(r.pool == "max" for r in g.leaves) for g in groups)


def paper_name(group: Group, imagenet: bool) -> str:
    """The name He et al. 2015 give a group (``conv1``, ``conv2_x`` … ``fc``); ``""`` when none applies."""
    match = STAGE_NAME.fullmatch(group.name)
    if group.role == "stem":
        return "conv1" if imagenet else ""
    if group.role == "head":
        return "fc" if any(r.kind == "linear" for r in group.leaves) else ""
    if match and imagenet:
        return f"conv{int(match.group(1)) + 1}_x"
    return group.name if group.name.startswith("conv") else ""


# --------------------------------------------------------------------------- what a group counts


@dataclass(frozen=True)
class ConvFact:
    """A counted conv: kernel, stride (the larger side) and groups (cardinality)."""

    kernel: Pair
    stride: int = 1
    groups: int = 1


@dataclass(frozen=True)
class BlockKind:
    """A kind of block in a stage: its module type, whether it adds a shortcut, its main-path convs."""

    type: str
    residual: bool
    convs: tuple[ConvFact, ...]


def conv_fact(row: Row, with_stride: bool = True) -> ConvFact:
    """The kernel, stride and groups of a conv row."""
    stride = max(row.stride) if with_stride and row.stride else 1
    return ConvFact(row.kernel or (1, 1), stride, row.groups or 1)


def _block_kind(block: Block) -> BlockKind:
    convs = tuple(conv_fact(r, with_stride=False) for r in block.leaves if is_weighted(r))
    return BlockKind(block.row.type, any(r.kind == "add" for r in block.leaves), convs)


# --------------------------------------------------------------------------- the account


@dataclass(frozen=True)
class StageDepth:
    """One row of the depth table: a stem, a stage or a head and the layers it contributes.

    ``block_kinds`` are the distinct kinds of block of a stage; ``convs`` the distinct counted convs of a
    group without blocks (a stem, a VGG stage) and ``fc_features`` the feature sizes through its fc layers
    (``(2048, 1000)``).
    """

    name: str
    paper_name: str
    role: Role
    layers_per_block: int | None
    blocks: int
    layers: int
    projections: int
    max_pools: int
    block_kinds: tuple[BlockKind, ...] = ()
    convs: tuple[ConvFact, ...] = ()
    fc_features: tuple[int, ...] = ()


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


SeedTerm = int | tuple[int, int]
"""A term of the tutorial count: a number of layers, or (blocks, layers per block)."""


@dataclass(frozen=True)
class DepthAccount:
    """The depth of one network under the main-path convention, per stage, and the other counts.

    ``seed_terms`` is a tutorial's count (main-path convs + max pools, no fc) term by term; ``name_check``
    compares the depth with the number in the model's name; ``cut_from`` is the account of the full
    network a backbone was cut from, when it is one.
    """

    model: str
    depth: int
    stages: tuple[StageDepth, ...]
    counts: LayerCounts
    seed_depth: int
    seed_terms: tuple[SeedTerm, ...]
    name_depth: int | None
    name_check: NameCheck
    cut_from: DepthAccount | None = None

    def stage(self, name: str) -> StageDepth:
        """The row of a stage by its name (``stem``, ``layer3``, ``head``)."""
        for s in self.stages:
            if s.name == name:
                return s
        raise KeyError(name)

    @property
    def missing(self) -> tuple[StageDepth, ...]:
        """The stages with layers of the network this one was cut from that it does not have."""
        if self.cut_from is None:
            return ()
        kept = {s.name for s in self.stages}
        return tuple(s for s in self.cut_from.stages if s.name not in kept and s.layers)


def _uniform(values: Iterable[int]) -> int | None:
    distinct = set(values)
    return distinct.pop() if len(distinct) == 1 else None


def _stage_depth(group: Group, imagenet: bool) -> StageDepth:
    weighted = [r for r in group.leaves if is_weighted(r)]
    per_block = [sum(1 for r in b.leaves if is_weighted(r)) for b in group.blocks]
    fcs = [r for r in weighted if r.kind == "linear"]
    return StageDepth(
        name=group.name, paper_name=paper_name(group, imagenet), role=group.role,
        layers_per_block=_uniform(per_block) if per_block else None, blocks=len(group.blocks),
        layers=len(weighted), projections=sum(1 for r in group.leaves if r.kind == "conv" and r.on_shortcut),
        max_pools=sum(1 for r in group.leaves if r.pool in ("max", "adaptive_max")),
        block_kinds=tuple(dict.fromkeys(_block_kind(b) for b in group.blocks)),
        convs=() if group.blocks else tuple(dict.fromkeys(conv_fact(r) for r in weighted if r.kind == "conv")),
        fc_features=(fcs[0].input_shape[-1], *(r.output_shape[-1] for r in fcs)) if fcs and not group.blocks
        else (),
    )


def seed_count(stages: Sequence[StageDepth]) -> tuple[int, tuple[SeedTerm, ...]]:
    """A tutorial's count, main-path convs + max pools and no fc: ``1 + 1 + 3·3 + 4·3 + 6·3 + 3·3 = 50``."""
    def convs(s: StageDepth) -> int:  # a network without stages has its fc in the "stem": not counted here
        return s.layers - max(len(s.fc_features) - 1, 0)

    terms: list[SeedTerm] = []
    for s in stages:
        if s.role == "stem":
            terms += [n for n in (convs(s), s.max_pools) if n]
        elif s.role == "stage" and s.layers:
            terms.append((s.blocks, s.layers_per_block) if s.blocks and s.layers_per_block else convs(s))
    later_pools = sum(s.max_pools for s in stages if s.role != "stem")
    if later_pools:
        terms.append(later_pools)
    total = sum(convs(s) for s in stages if s.role != "head") + sum(s.max_pools for s in stages)
    return total, tuple(terms)


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
        max_pools=modules(lambda r: r.pool in ("max", "adaptive_max")),
        avg_pools=modules(lambda r: r.pool in ("avg", "adaptive_avg")),
    )


def name_depth(name: str) -> int | None:
    """The depth a registry name carries (``resnext101_64x4d`` → 101); ``None`` for custom specs."""
    if is_custom(name):
        return None
    match = _NAME_DEPTH.match(name.lower())
    return int(match.group(1)) if match else None


def _name_check(depth: int, claimed: int | None, cut_from: DepthAccount | None) -> NameCheck:
    if claimed is None:
        return "custom"
    if claimed == depth:
        return "match"
    return "cut" if cut_from is not None and cut_from.depth == claimed else "differs"


def account(result: Inspection, cut_from: DepthAccount | None = None) -> DepthAccount:
    """The depth of an inspected network (weighted layers on the main path) per stage, and other counts.

    ``cut_from`` is the account of the full network a backbone was cut from (``resnet50-c4`` keeps
    ResNet-50's first three stages); it lets the name check say which layers are missing.
    """
    groups = partition(result.rows)
    imagenet = has_imagenet_stem(groups)
    stages = tuple(_stage_depth(g, imagenet) for g in groups)
    depth = sum(s.layers for s in stages)
    seed_total, seed_terms = seed_count(stages)
    claimed = name_depth(result.model)
    check = _name_check(depth, claimed, cut_from)
    return DepthAccount(
        model=result.model, depth=depth, stages=stages, counts=count_layers(result.rows), seed_depth=seed_total,
        seed_terms=seed_terms, name_depth=claimed, name_check=check, cut_from=cut_from if check == "cut" else None,
    )


def account_model(model: str | Spec, input_size: Any = None) -> DepthAccount:
    """Inspect a variant (name, custom spec or :class:`Spec`) and account for its depth.

    A backbone cut from a longer network (fewer stages, no fc) is compared with the network it was
    cut from, built from the same spec, so the name check can say which layers are missing.
    """
    from ..registry import get_spec
    from .engine import inspect

    spec = get_spec(model) if isinstance(model, str) else model
    return account(inspect(spec, input_size), full_network(spec))


def full_network(spec: Spec) -> DepthAccount | None:
    """The account of the full network a backbone spec was cut from; ``None`` when it is not cut."""
    from .engine import inspect

    if spec.is_vgg or (spec.num_stages == len(spec.layers) and spec.include_top):
        return None
    return account(inspect(spec.replace(num_stages=len(spec.layers), include_top=True)))


# --------------------------------------------------------------------------- differences


@dataclass(frozen=True)
class StageDelta:
    """A stage whose layer count differs between two networks (``before`` or ``after`` is ``None`` when
    only one of them has it)."""

    name: str
    before: StageDepth | None
    after: StageDepth | None

    @property
    def layers(self) -> int:
        """The change in layers."""
        return (self.after.layers if self.after else 0) - (self.before.layers if self.before else 0)


def stage_deltas(a: DepthAccount, b: DepthAccount) -> list[StageDelta]:
    """The stages whose layer count differs from ``a`` to ``b``, in order."""
    before = {s.name: s for s in a.stages}
    after = {s.name: s for s in b.stages}
    names = list(dict.fromkeys([s.name for s in a.stages] + [s.name for s in b.stages]))
    out = [StageDelta(n, before.get(n), after.get(n)) for n in names]
    return [d for d in out if d.layers]


def share_stages(a: DepthAccount, b: DepthAccount) -> bool:
    """Whether two networks have residual (or VGG) stages of the same names."""
    return bool({s.name for s in a.stages if s.role == "stage"} & {s.name for s in b.stages if s.role == "stage"})
