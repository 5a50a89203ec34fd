"""Everything a teaching deck shows, computed once: the chosen networks and the comparisons it draws.

:func:`gather` inspects the chosen networks, VGG-19 (the paper's Fig. 3 comparison), the three one-stage
networks of :func:`~.compare.contrast_nets` (He et al. 2015 Fig. 5's pair and the same-width pair), a
bottleneck network in both stride layouts (:func:`~.compare.stride_variants`) and, for each Table 1 column in
torchvision's layout, the paper's layout of the same network.  Beside each number the deck prints there is
the published figure it can be checked against (:mod:`resnet_inspect.reference`) and the count of the
convention that figure follows.  Numbers and typed facts only: the views choose the words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from ..errors import InspectError
from ..reference import Figure
from ..specs import Spec
from .blocks import Block, ConvTerm, KindGroup
from .depth import DepthAccount, account
from .facts import Outgrowth, StageFacts, blocks_of, first_downsampling, kind_groups, outgrowth, stage_facts
from .result import Inspection

DEFAULT_MODELS = ("resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "resnext50_32x4d",
                  "wide_resnet50_2", "cifar-resnet56", "preact-resnet1001")
VARIANT_FAMILIES = ("resnext", "wide-resnet", "cifar-resnet", "resnet-cifar", "preact-resnet")
CONTRAST_CHANNELS = 256  # the bottleneck's width in the Fig. 5 pair (the basic block has a quarter of it)
CONTRAST_BLOCK = "layer1.1"  # the identity block drawn from each one-stage network of contrast_nets
STRIDE_FALLBACK = "resnet50"  # the stride placement is shown on this network when no bottleneck is chosen
OTHER_COUNTS = ("torchinfo", "fvcore")  # the other tools' MAC conventions the deck sets beside conv + fc


# ============================================================================ one chosen network


@dataclass(frozen=True)
class Published:
    """A published figure about a network beside the tool's count of what it counts.

    ``computed`` is the count under the figure's own convention (every parameter, or conv + fc weights and
    biases only); ``total`` the network's parameters, which the deck prints.
    """

    figure: Figure
    computed: int
    total: int

    @property
    def agrees(self) -> bool:
        """The figure matches the count of its own convention."""
        return self.figure.matches(self.computed)


@dataclass(frozen=True)
class Model:
    """One chosen network: its spec, its inspection, its depth account and the facts about its blocks."""

    spec: Spec
    insp: Inspection
    depth: DepthAccount

    @property
    def name(self) -> str:
        return self.insp.model

    @property
    def variant(self) -> bool:
        """ResNeXt, wide, CIFAR and pre-activation nets go to the variants part."""
        return self.spec.family in VARIANT_FAMILIES

    @property
    def blocks(self) -> dict[str, Block]:
        return blocks_of(self.insp)

    @cached_property
    def kinds(self) -> list[KindGroup]:
        return kind_groups(self.insp)

    @cached_property
    def stages(self) -> list[StageFacts]:
        return stage_facts(self.insp)

    @cached_property
    def outgrowth(self) -> Outgrowth:
        return outgrowth(self.insp)

    @cached_property
    def conv_fc_params(self) -> int:
        """Parameters of the conv and fc layers (weights and biases; batch norm left out)."""
        return sum(r.params for r in self.insp.rows if r.is_leaf and r.kind in ("conv", "linear"))

    @cached_property
    def published_params(self) -> Published | None:
        """The published parameter count of this network, if a source printed one."""
        from ..reference import for_model

        found = [f for f in for_model(self.name) if f.quantity == "params"]
        if not found:
            return None
        fig = found[0]
        counted = self.conv_fc_params if fig.counts == "conv-fc-weights" else self.insp.totals.params
        return Published(fig, counted, self.insp.totals.params)


def _model(spec: Spec, input_size: Any) -> Model:
    from .compare import inspect_named

    insp = inspect_named(spec, input_size)
    return Model(spec, insp, account(insp))


# ============================================================================ Table 1 columns


@dataclass(frozen=True)
class PaperColumn:
    """One network of a Table 1 slide beside the paper: its MACs in the paper's layout (stride on the first
    1×1; ``None`` when the network already has that layout) and the paper's printed "FLOPs" for its column."""

    model: str
    macs: int
    v1_macs: int | None
    published: Figure | None


def _paper_column(m: Model, input_size: Any) -> PaperColumn:
    from ..reference import select
    from .compare import table1_model
    from .engine import inspect

    v1: int | None = None
    if m.spec.block == "bottleneck" and m.spec.stride_on == "3x3":
        v1 = inspect(m.spec.replace(stride_on="1x1"), input_size).totals.macs
    paper = table1_model(m.spec, m.insp.input_shape)
    published = select("he2015/table1/").get(paper) if paper else None
    return PaperColumn(m.name, m.insp.totals.macs, v1, published)


# ============================================================================ He et al. 2015, Fig. 3

FIG3_MODELS = ("vgg19", "plain34", "resnet34")  # the paper's three networks, in its order


@dataclass(frozen=True)
class LaneLayer:
    """One drawn layer of a Fig. 3 lane: a weighted layer (conv, fc) or a pool that changes the map size.

    ``channels`` are the output channels (an fc's output features), ``out_hw`` the output map (``()`` for a
    vector), ``block`` the residual block it runs in (``""`` outside any block).
    """

    name: str
    kind: str  # conv | linear | pool
    kernel: tuple[int, int] | None
    stride: int
    channels: int
    out_hw: tuple[int, ...]
    pool: str | None
    block: str

    @property
    def weighted(self) -> bool:
        """Counted by the depth convention (main-path convs and fc layers)."""
        return self.kind in ("conv", "linear")


@dataclass(frozen=True)
class LaneShortcut:
    """The shortcut of one residual block: the lane indices of the block's first and last drawn layers."""

    block: str
    first: int
    last: int
    kind: str  # identity | projection | option_a


@dataclass(frozen=True)
class Lane:
    """One network of Fig. 3: its main-path layers in order, its shortcuts, and the paper's printed MACs for it
    (``None`` when the source printed none, or the network runs at another input size than the printed one)."""

    model: Model
    layers: tuple[LaneLayer, ...]
    shortcuts: tuple[LaneShortcut, ...]
    published: Figure | None

    @property
    def weighted(self) -> int:
        """The weighted layers drawn: the depth under the main-path convention."""
        return sum(1 for x in self.layers if x.weighted)


def _stride_of(r: Any) -> int:
    return max(r.stride) if r.stride else 1


def lane_layers(insp: Inspection) -> tuple[LaneLayer, ...]:
    """The main path of ``insp`` as drawn layers: convs, fc layers and the pools that change the map."""
    owner = {leaf.name: b.path for b in blocks_of(insp).values() if b.path for leaf in b.leaves}
    out = []
    for r in insp.rows:
        if not r.is_leaf or r.on_shortcut:
            continue
        if r.kind in ("conv", "linear") or (r.kind == "pool" and r.input_shape != r.output_shape):
            hw = tuple(r.output_shape[2:]) if len(r.output_shape) == 4 else ()
            out.append(LaneLayer(r.name, r.kind, r.kernel, _stride_of(r), r.output_shape[1], hw, r.pool,
                                 owner.get(r.name, "")))
    return tuple(out)


def lane(m: Model) -> Lane:
    """``m`` as one lane of Fig. 3: layers, the shortcut of each block that adds one, the printed MACs."""
    from ..reference import for_model

    layers = lane_layers(m.insp)
    shortcuts = []
    for path, b in m.blocks.items():
        idx = [i for i, x in enumerate(layers) if x.block == path]
        if idx and b.shortcut != "none":
            shortcuts.append(LaneShortcut(path, idx[0], idx[-1], b.shortcut))
    hw = tuple(m.insp.input_shape[2:])
    printed = [f for f in for_model(m.name) if f.quantity == "macs" and f.key.startswith("he2015/")
               and tuple(f.input_size) == hw]
    return Lane(m, layers, tuple(shortcuts), printed[0] if printed else None)


# ============================================================================ one whole network


@dataclass(frozen=True)
class Segment:
    """One box of the whole-network strip: a stem or head layer, or a stage of blocks.

    ``layers`` is what the box adds to the depth (main-path convs and fc layers; a stage: its blocks times
    the weighted layers of a block), so the boxes' layers add up to the network's depth.
    """

    role: str  # stem | stage | head
    name: str  # conv1, maxpool, layer1, avgpool, fc
    paper_name: str  # conv3_x for an ImageNet ResNet's stage, else ""
    kind: str  # conv | pool | linear | stage
    kernel: tuple[int, int] | None
    stride: int
    channels: int
    out_hw: tuple[int, ...]
    blocks: int
    layers: int
    pool: str | None = None
    repeat: int = 1  # identical layers in a row, folded into one box
    block_kernels: tuple[tuple[int, int], ...] = ()  # the main-path conv kernels of the stage's first block
    residual: bool = False  # the stage's blocks add a shortcut

    def same_layer(self, other: Segment) -> bool:
        """Both are one layer of the same kind, kernel, stride, channels and output map (foldable)."""
        return self.kind != "stage" and other.kind != "stage" and (
            (self.role, self.kind, self.kernel, self.stride, self.channels, self.out_hw, self.pool)
            == (other.role, other.kind, other.kernel, other.stride, other.channels, other.out_hw, other.pool))


def _layer_segment(role: str, x: LaneLayer) -> Segment:
    return Segment(role, x.name, "", x.kind, x.kernel, x.stride, x.channels, x.out_hw, 0, int(x.weighted), x.pool)


def _fold(items: Sequence[Segment]) -> tuple[Segment, ...]:
    out: list[Segment] = []
    for x in items:
        if out and out[-1].same_layer(x):
            last = out[-1]
            out[-1] = replace(last, layers=last.layers + x.layers, repeat=last.repeat + 1)
        else:
            out.append(x)
    return tuple(out)


def segments(m: Model) -> tuple[Segment, ...]:
    """The network as stem layers, one segment per stage of blocks (from :func:`~.facts.stage_facts`), then the
    head's layers; layers outside the stages keep their own box, identical ones in a row folded into one."""
    stages = {s.name: s for s in m.stages}
    by_stage = {b.path: s.name for s in m.stages for b in s.blocks}
    out: list[Segment] = []
    seen: set[str] = set()
    for x in lane_layers(m.insp):
        stage = by_stage.get(x.block)
        if stage is None:
            out.append(_layer_segment("head" if seen else "stem", x))
            continue
        if stage in seen:
            continue
        seen.add(stage)
        s = stages[stage]
        first = s.blocks[0]
        layers = sum(1 for b in s.blocks for r in b.main if r.kind in ("conv", "linear"))
        kernels = tuple(r.kernel or (1, 1) for r in first.main if r.kind == "conv")
        out.append(Segment("stage", s.name, s.paper_name, "stage", None, first.stride, s.channels, s.out_hw,
                           len(s.blocks), layers, block_kernels=kernels, residual=first.shortcut != "none"))
    return _fold(out)


# ============================================================================ the whole deck


@dataclass(frozen=True)
class DeckData:
    """Everything a deck shows, computed once: the views only read it."""

    models: tuple[Model, ...]
    vgg: Model
    contrast: tuple[Inspection, Inspection, Inspection]  # basic at C/4, bottleneck at C, basic at C (contrast_nets)
    stride: tuple[Inspection, Inspection]  # one bottleneck network, stride on the first 1×1 (v1) and on the 3×3
    stride_base: str  # that network's name
    paper: dict[str, PaperColumn]  # per core network: its Table 1 column beside the paper's
    fig3: tuple[Model, Model, Model]  # VGG-19, plain-34, ResNet-34 (He et al. 2015, Fig. 3)
    input_size: str
    version: str
    counts: dict[str, int]  # the main network's MACs under each convention (policy → MACs; conv-fc first)
    deeper: Model | None  # the main network with other blocks per stage (the depth exercise), if it has stages
    baselines: dict[str, Inspection] = field(default_factory=dict)  # per variant: its standard counterpart

    def baseline(self, m: Model) -> Inspection | None:
        """The standard counterpart of variant ``m`` (see :func:`counterpart`), if it has one."""
        return self.baselines.get(m.name)

    @property
    def core(self) -> list[Model]:
        """The chosen networks that are not variants (ResNet-18 … 152, the -v1 layouts, custom specs)."""
        return core_of(self.models)

    @property
    def main(self) -> Model:
        """The network the per-layer slides use: ResNet-50 when chosen, else the first bottleneck network with
        blocks, else the first with blocks, else the first."""
        return main_of(self.core)

    @cached_property
    def lanes(self) -> tuple[Lane, Lane, Lane]:
        """He et al. 2015, Fig. 3: VGG-19, plain-34 and ResNet-34 as lanes of layers."""
        a, b, c = self.fig3
        return lane(a), lane(b), lane(c)

    @cached_property
    def network(self) -> tuple[Segment, ...]:
        """The main network as one strip: stem layers, its stages of blocks, the head's layers."""
        return segments(self.main)

    @property
    def fig5(self) -> tuple[Block, Block]:
        """He et al. 2015, Fig. 5: a basic block at a quarter of the width beside a bottleneck."""
        return blocks_of(self.contrast[0])[CONTRAST_BLOCK], blocks_of(self.contrast[1])[CONTRAST_BLOCK]

    @property
    def same_width(self) -> tuple[Block, Block]:
        """The tutorials' pair: a basic block and a bottleneck that take and give the same tensor."""
        return blocks_of(self.contrast[2])[CONTRAST_BLOCK], blocks_of(self.contrast[1])[CONTRAST_BLOCK]


def core_of(models: Sequence[Model]) -> list[Model]:
    return [m for m in models if not m.variant] or list(models)


def main_of(core: Sequence[Model]) -> Model:
    """ResNet-50 when chosen, else the first bottleneck network with blocks, else the first with blocks, else
    the first."""
    with_blocks = [m for m in core if m.blocks] or list(core)
    return next((m for m in with_blocks if m.name == "resnet50"),
                next((m for m in with_blocks if m.spec.block == "bottleneck"), with_blocks[0]))


def _counts(m: Model, input_size: Any) -> dict[str, int]:
    """``m``'s MACs under its own convention and each of :data:`OTHER_COUNTS`."""
    from .engine import inspect

    counts = {m.insp.policy: m.insp.totals.macs}
    for policy in OTHER_COUNTS:
        counts[policy] = inspect(m.spec, input_size, policy=policy).totals.macs
    return counts


def _deeper(m: Model, input_size: Any) -> Model | None:
    """``m`` with other blocks per stage: 3-24-36-3 for a four-stage bottleneck network (He et al. 2016's
    ResNet-200 layout), 1-1-1-1 for a four-stage basic one, else twice the blocks; ``None`` for a network
    without stages of blocks."""
    spec = m.spec
    if spec.is_vgg or not spec.layers or not m.blocks:
        return None
    four = len(spec.layers) == 4
    layers = ((3, 24, 36, 3) if four and spec.block == "bottleneck" else (1, 1, 1, 1) if four and spec.block == "basic"
              else tuple(2 * n for n in spec.layers))
    if layers == spec.layers:
        layers = tuple(2 * n for n in spec.layers)
    return _model(spec.replace(name=f"{spec.name}-{'-'.join(map(str, layers))}", layers=layers), input_size)


def _stride_model(chosen: Sequence[Model]) -> str:
    """The first chosen bottleneck network (not a variant, not pre-activation) with a downsampling block, else
    ResNet-50."""
    return next((m.spec.name for m in chosen if not m.variant and m.spec.block == "bottleneck"
                 and first_downsampling(m.insp) is not None), STRIDE_FALLBACK)


def gather(models: Sequence[str] = DEFAULT_MODELS, input_size: str | None = None) -> DeckData:
    """Inspect everything the deck shows; unknown names fail here, before anything is drawn."""
    from .. import __version__
    from ..registry import get_spec
    from .compare import contrast_nets, stride_variants

    if not models:
        raise InspectError("--models is empty; name at least one network, e.g. --models resnet50")
    specs = list({s.name: s for s in (get_spec(m) for m in models)}.values())
    chosen = tuple(_model(s, input_size) for s in specs)
    v1, v15, base = stride_variants(_stride_model(chosen), input_size)
    core = core_of(chosen)
    main = main_of(core)
    vgg = _model(get_spec("vgg19"), input_size)
    have = {m.name: m for m in (*chosen, vgg)}
    plain, res = (have.get(n) or _model(get_spec(n), input_size) for n in FIG3_MODELS[1:])
    return DeckData(
        models=chosen, vgg=vgg, contrast=contrast_nets(CONTRAST_CHANNELS),
        stride=(v1, v15), stride_base=base, paper={m.name: _paper_column(m, input_size) for m in core},
        fig3=(vgg, plain, res), input_size=input_size or "", version=__version__, counts=_counts(main, input_size),
        deeper=_deeper(main, input_size),
        baselines={m.name: _model(c, input_size).insp for m in chosen if (c := counterpart(m.spec)) is not None},
    )


# ============================================================================ variants beside the standard


def counterpart(spec: Spec) -> Spec | None:
    """The standard network a variant's block is drawn beside: the same network with original
    (post-activation) units for a pre-activation one (He et al. 2016, Fig. 4 a vs e), with 64 channels per
    group for a wide one (Zagoruyko & Komodakis 2016: the same depth, twice the inner width); else ``None``."""
    if spec.block.startswith("preact-"):
        return spec.replace(block=spec.block.removeprefix("preact-"))
    if spec.family == "wide-resnet":
        return spec.replace(width_per_group=64, groups=1)
    return None


def first_identity(blocks: dict[str, Block]) -> Block | None:
    """The first block with an identity shortcut (the unit a figure draws), else the first block."""
    return next((b for b in blocks.values() if b.shortcut == "identity"), next(iter(blocks.values()), None))


@dataclass(frozen=True)
class Paths:
    """A bottleneck with a grouped 3×3 as the aggregated transform of Xie et al. 2017 (Fig. 3a): ``cardinality``
    paths, each a 1×1 down to the group width, a dense 3×3 on it and a 1×1 back up, their outputs summed.
    The paths hold the block's own weights: path i's 3×3 is group i of the grouped conv, its first 1×1 the
    group's slice of the block's first 1×1, its last the matching slice of the last 1×1."""

    cardinality: int
    convs: tuple[ConvTerm, ConvTerm, ConvTerm]  # one path's three convs

    @property
    def weights_per_path(self) -> int:
        return sum(c.weights for c in self.convs)

    @property
    def weights(self) -> int:
        return self.cardinality * self.weights_per_path


def aggregated_paths(block: Block) -> Paths | None:
    """``block`` as paths when it is a 1×1 → grouped 3×3 → 1×1 bottleneck whose 1×1s meet the grouped conv's
    channels (so the two drawings hold the same weights); else ``None``."""
    convs = block.convs
    g = block.grouped
    if g is None or len(convs) != 3 or convs[1] != g or g.in_channels != g.out_channels:
        return None
    a, c = convs[0], convs[2]
    if a.kernel != (1, 1) or c.kernel != (1, 1) or a.out_channels != g.in_channels or c.in_channels != g.out_channels:
        return None
    d = g.per_group
    path = (ConvTerm(a.name, a.in_channels, d, a.kernel, 1, a.stride, a.in_channels * d),
            ConvTerm(g.name, d, d, g.kernel, 1, g.stride, d * g.kernel[0] * g.kernel[1] * d),
            ConvTerm(c.name, d, c.out_channels, c.kernel, 1, c.stride, d * c.out_channels))
    return Paths(g.groups, path)


__all__ = [
    "CONTRAST_BLOCK",
    "CONTRAST_CHANNELS",
    "DEFAULT_MODELS",
    "FIG3_MODELS",
    "VARIANT_FAMILIES",
    "DeckData",
    "Lane",
    "LaneLayer",
    "LaneShortcut",
    "Model",
    "PaperColumn",
    "Paths",
    "Published",
    "Segment",
    "aggregated_paths",
    "counterpart",
    "first_identity",
    "gather",
    "lane",
    "lane_layers",
    "segments",
]
