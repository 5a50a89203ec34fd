"""Networks side by side, the paper's Table 1 layout, and two block-level comparisons.

Everything is computed from built models (on ``meta``): :func:`compare_models` inspects each network
at one input size; :func:`paper_layout` reads kernels and channels from the rows to write the
bracketed block specs of He et al. 2015 (arXiv:1512.03385), Table 1; :func:`block_comparisons` builds
a basic block and a bottleneck in the paper's Fig. 5 pairing and at the same width;
:func:`stride_placement` compares where two bottleneck layouts put their downsampling stride (ResNet v1
vs v1.5).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ..errors import InspectError
from ..specs import Spec
from .depth import DepthAccount, account, has_imagenet_stem, paper_name
from .groups import Group, is_weighted, partition
from .result import Inspection, Pair, Row, Shape

# --------------------------------------------------------------------------- side by side


@dataclass(frozen=True)
class StageSummary:
    """A stage's output (channels × height × width) and cost; ``paper_name`` as in the depth account."""

    name: str
    paper_name: str
    output_shape: Shape
    params: int
    macs: int


@dataclass(frozen=True)
class ModelSummary:
    """One column of a comparison: depth, size, cost, memory, receptive field and the stage outputs."""

    model: str
    input_shape: Shape
    depth: DepthAccount
    params: int
    macs: int
    flops: int
    activation_bytes: int
    rf: Pair | None
    feature_layer: str
    output_shape: Shape
    stages: tuple[StageSummary, ...]
    spec: Spec | None
    result: Inspection


def summarize(result: Inspection, spec: Spec | None = None) -> ModelSummary:
    """Totals, depth and per-stage outputs of one inspection."""
    acc = account(result)
    papers = {s.name: s.paper_name for s in acc.stages}
    stages = tuple(StageSummary(s.name, papers.get(s.name, ""), s.output_shape, s.params, s.macs)
                   for s in result.stages)
    tot = result.totals
    return ModelSummary(
        model=result.model, input_shape=result.input_shape, depth=acc, params=tot.params, macs=tot.macs,
        flops=tot.flops, activation_bytes=tot.activation_bytes, rf=tot.rf, feature_layer=tot.feature_layer,
        output_shape=result.rows[0].output_shape, stages=stages, spec=spec, result=result,
    )


def inspect_named(spec: Spec, input_size: Any) -> Inspection:
    """Inspect one variant; an input it cannot take is an error naming the model."""
    from .engine import inspect

    try:
        return inspect(spec, input_size)
    except InspectError as e:
        if e.option == "--input":
            raise
        raise InspectError(f"{spec.name}: {e}") from None


def compare_models(names: Sequence[str], input_size: Any = None) -> list[ModelSummary]:
    """Inspect two or more variants at one input size (each variant's default when ``None``)."""
    from ..registry import get_spec

    if len(names) < 2:
        raise InspectError("compare needs at least two models, e.g. `resnet-inspect compare resnet50 "
                           "resnet101` (or --blocks, or --v1-vs-v15, which take none)")
    specs = [get_spec(n) for n in names]
    return [summarize(inspect_named(s, input_size), s) for s in specs]


# --------------------------------------------------------------------------- the paper's Table 1

LayerKind = Literal["conv", "max pool", "average pool", "fc"]


@dataclass(frozen=True)
class PaperLayer:
    """A layer as Table 1 writes it: kind, kernel, output channels (fc: features), groups and stride."""

    kind: LayerKind
    kernel: Pair | None = None
    channels: int = 0
    groups: int = 1
    stride: int = 1


@dataclass(frozen=True)
class PaperCell:
    """One line of a Table 1 cell: layers in order; ``repeat`` blocks when it is a bracket (``[…] × 3``)."""

    layers: tuple[PaperLayer, ...]
    repeat: int | None = None


@dataclass(frozen=True)
class PaperRow:
    """One line of Table 1: a group key (``conv2_x``, ``head``), the first line of a group carries its
    names and output sizes (each model's, distinct), then a cell per model (``None``: nothing there)."""

    key: str
    labels: tuple[str, ...]
    output_sizes: tuple[Pair, ...]
    cells: tuple[PaperCell | None, ...]
    first: bool


@dataclass(frozen=True)
class PaperTable:
    """Table 1 for the chosen models; ``macs`` is the paper's "FLOPs" (conv + fc multiply-adds).

    ``input_sizes`` are the distinct spatial input sizes; ``v15_models`` the bottleneck models that put
    the stride on the 3×3 conv (torchvision's layout, not the paper's).
    """

    models: tuple[str, ...]
    depths: tuple[int, ...]
    rows: tuple[PaperRow, ...]
    macs: tuple[int, ...]
    input_sizes: tuple[Pair, ...]
    v15_models: tuple[str, ...]
    # per column, the registry name of the network of the paper's column of that depth (``resnet50-v1`` for
    # ``resnet50`` and ``resnet50-v1``; ``None`` when the model is not one of Table 1's five)
    paper_models: tuple[str | None, ...] = ()
    results: tuple[Inspection, ...] = ()  # per column, the analysis the table was laid out from


ModelRow = tuple[str, str, Pair | None, list[PaperCell]]  # key, label, output size, cell lines


def _hw(shape: Shape) -> Pair:
    return (shape[2], shape[3]) if len(shape) == 4 else (1, 1)


def _stride(row: Row) -> int:
    return max(row.stride) if row.stride else 1


def paper_layer(row: Row, with_stride: bool = True) -> PaperLayer:
    """A conv, pool or fc row as Table 1 writes it."""
    stride = _stride(row) if with_stride else 1
    if row.kind == "linear":
        return PaperLayer("fc", channels=row.output_shape[-1])
    if row.kind == "pool":
        kind: LayerKind = "max pool" if row.pool in ("max", "adaptive_max") else "average pool"
        return PaperLayer(kind, row.kernel, stride=stride)
    return PaperLayer("conv", row.kernel or (1, 1), row.output_shape[1], row.groups or 1, stride)


def bracket(convs: Sequence[Row], repeat: int) -> PaperCell:
    """``[1×1, 64; 3×3, 64; 1×1, 256] × 3`` from a block's main-path conv rows (strides left out)."""
    return PaperCell(tuple(paper_layer(r, with_stride=False) for r in convs), repeat)


def _stage_lines(group: Group) -> list[PaperCell]:
    if group.blocks:
        convs = [r for r in group.blocks[0].leaves if is_weighted(r)]
        return [bracket(convs, len(group.blocks))]
    convs = [r for r in group.leaves if is_weighted(r)]
    pools = [PaperCell((paper_layer(r),)) for r in group.leaves if r.kind == "pool"]
    return [bracket(convs[:1], len(convs)), *pools] if convs else pools


def _head_line(group: Group) -> PaperCell:
    pools = [PaperLayer("average pool") if r.pool in ("avg", "adaptive_avg") else paper_layer(r) for r in group.leaves
             if r.kind == "pool"]
    fcs = [paper_layer(r) for r in group.leaves if r.kind == "linear"]
    return PaperCell(tuple(pools + fcs))


def _head_size(group: Group) -> Pair | None:
    pools = [r for r in group.leaves if r.kind == "pool"]
    return _hw(pools[-1].output_shape) if pools else None


def model_rows(result: Inspection) -> list[ModelRow]:
    """(key, label, output size, cell lines) for each Table 1 row of one model."""
    groups = partition(result.rows)
    imagenet = has_imagenet_stem(groups)
    out: list[ModelRow] = []
    carry: list[PaperCell] = []  # the stem's max pool, which Table 1 lists under conv2_x
    for g in groups:
        key = paper_name(g, imagenet) or g.name
        if g.role == "stem":
            convs = [r for r in g.leaves if is_weighted(r)]
            carry = [PaperCell((paper_layer(r),)) for r in g.leaves if r.kind == "pool"]
            out.append((key, key, _hw(convs[-1].output_shape) if convs else None,
                        [PaperCell((paper_layer(r),)) for r in convs]))
        elif g.role == "stage":
            out.append((key, key, _hw(g.leaves[-1].output_shape), carry + _stage_lines(g)))
            carry = []
        else:
            out.append(("head", "", _head_size(g), [_head_line(g)]))
    return out


def _rekey(rows: list[ModelRow], known: list[tuple[str, Pair | None]]) -> list[ModelRow]:
    """Give a row whose key no earlier model has the key of an earlier row of the same output size,
    so VGG's conv2 (56×56) lines up with ResNet's conv2_x as in the paper's Fig. 3."""
    own = {r[0] for r in rows}
    taken: set[str] = set()
    out = []
    for key, label, size, lines in rows:
        if key not in {k for k, _ in known}:
            key = next((k for k, sz in known if sz == size and k not in own and k not in taken), key)
        taken.add(key)
        out.append((key, label, size, lines))
    return out


def _align(per_model: list[list[ModelRow]]) -> list[PaperRow]:
    known: list[tuple[str, Pair | None]] = []
    aligned = []
    for rows in per_model:
        rows = _rekey(rows, known)
        known += [(k, size) for k, _, size, _ in rows if k not in {kk for kk, _ in known}]
        aligned.append(rows)
    table: list[PaperRow] = []
    for key, _ in sorted(known, key=lambda k: k[0] == "head"):  # the head last, as in Table 1
        found = [next((r for r in rows if r[0] == key), None) for rows in aligned]
        labels = tuple(dict.fromkeys(r[1] for r in found if r is not None and r[1]))
        sizes = tuple(dict.fromkeys(r[2] for r in found if r is not None and r[2] is not None))
        height = max(len(r[3]) for r in found if r is not None)
        for line in range(height):
            cells = tuple(r[3][line] if r is not None and line < len(r[3]) else None for r in found)
            table.append(PaperRow(key, labels if line == 0 else (), sizes if line == 0 else (), cells, line == 0))
    return table


def paper_layout(summaries: Sequence[ModelSummary]) -> PaperTable:
    """He et al. 2015, Table 1, for the given models: rows conv1, conv2_x … conv5_x, the head, FLOPs."""
    rows = _align([model_rows(s.result) for s in summaries])
    sizes = tuple(sorted({_hw(s.input_shape) for s in summaries}))
    v15 = tuple(s.model for s in summaries if s.spec is not None and s.spec.block == "bottleneck"
                and s.spec.stride_on == "3x3")
    return PaperTable(tuple(s.model for s in summaries), tuple(s.depth.depth for s in summaries), tuple(rows),
                      tuple(s.macs for s in summaries), sizes, v15,
                      tuple(table1_model(s.spec, s.input_shape) for s in summaries),
                      tuple(s.result for s in summaries))


TABLE1_DEPTHS = {18: "basic", 34: "basic", 50: "bottleneck", 101: "bottleneck", 152: "bottleneck"}


def table1_model(spec: Spec | None, input_shape: Shape) -> str | None:
    """The registry name of the paper's own network of this model's column in Table 1, if it has one.

    Table 1 (He et al. 2015) has five ImageNet ResNets at 224×224: 18 and 34 layers of basic blocks (the same
    in both stride layouts) and 50, 101, 152 of bottlenecks with the stride on the first 1×1 (the ``-v1``
    variants).  A torchvision bottleneck model of the same depth maps to its ``-v1`` twin, which it is not.
    """
    if spec is None or spec.family not in ("resnet", "resnet-v1") or _hw(input_shape) != (224, 224):
        return None
    depth = 2 + sum(spec.layers) * (2 if spec.block == "basic" else 3)
    same_net = (spec.stem == "imagenet" and spec.widths == (64, 128, 256, 512) and spec.groups == 1
                and spec.width_per_group == 64 and spec.include_top
                and spec.num_classes == 1000 and TABLE1_DEPTHS.get(depth) == spec.block)
    if not same_net:
        return None
    return f"resnet{depth}" if spec.block == "basic" else f"resnet{depth}-v1"


# --------------------------------------------------------------------------- basic block vs bottleneck


@dataclass(frozen=True)
class BlockFigures:
    """One block built at a given width and feature-map size, counted by the engine.

    ``convs`` are its main-path convs (kernel, output channels, groups); ``channels`` the channels along
    them (``(256, 64, 64, 256)``); ``weight_terms`` each conv's (input channels per group, kernel h,
    kernel w, output channels), whose products sum to ``weights``.
    """

    name: str
    channels: tuple[int, ...]
    convs: tuple[PaperLayer, ...]
    weight_terms: tuple[tuple[int, int, int, int], ...]
    weights: int
    params: int
    macs: int
    input_shape: Shape
    output_shape: Shape


def _block_figures(name: str, result: Inspection) -> BlockFigures:
    convs = [r for r in result.rows if r.is_leaf and r.kind == "conv" and not r.on_shortcut]
    terms = tuple((r.input_shape[1] // (r.groups or 1), (r.kernel or (1, 1))[0], (r.kernel or (1, 1))[1],
                   r.output_shape[1]) for r in convs)
    return BlockFigures(
        name=name, channels=(convs[0].input_shape[1], *(r.output_shape[1] for r in convs)),
        convs=tuple(paper_layer(r, with_stride=False) for r in convs),
        weight_terms=terms,
        weights=sum(r.params for r in convs), params=result.totals.params, macs=result.totals.macs,
        input_shape=result.input_shape, output_shape=result.rows[0].output_shape,
    )


def block_comparison(channels: int = 256, size: Pair = (56, 56)) -> tuple[BlockFigures, BlockFigures]:
    """The same-width comparison (the tutorials'): a basic block (two 3×3 convs at ``channels``) and a
    bottleneck (1×1 to ``channels/4``, 3×3, 1×1 back), both inspected at ``channels × size``."""
    return block_comparisons(channels, size)[SAME_WIDTH]


PAPER_FIG5 = "paper"  # He et al. 2015, Fig. 5: basic block at channels/4 beside a bottleneck at channels
SAME_WIDTH = "same-width"  # both blocks take and give channels × size


def block_comparisons(channels: int = 256, size: Pair = (56, 56)) -> dict[str, tuple[BlockFigures, BlockFigures]]:
    """Both comparisons of a basic block with a bottleneck, built on ``meta`` and inspected at ``size``:

    - ``paper``: He et al. 2015 (arXiv:1512.03385), Fig. 5 — a basic block at ``channels/4`` (64-d:
      73,728 conv weights) beside a bottleneck at ``channels`` (256-d: 69,632), the block ResNet-50 puts
      where ResNet-34 has a basic one: about the same cost at 4× the width;
    - ``same-width``: a basic block at ``channels`` (1,179,648) beside the same bottleneck.
    """
    import torch

    from ..limits import check_channels
    from ..models import BasicBlock, Bottleneck
    from .engine import inspect

    check_channels(channels)
    if channels < 4 or channels % 4:
        raise InspectError(f"{channels} channels do not fit a bottleneck, which narrows to a quarter "
                           f"(256→64→64→256); give a multiple of 4, e.g. --channels 256")
    with torch.device("meta"):
        narrow, wide, neck = BasicBlock(channels // 4, channels // 4), BasicBlock(channels, channels), \
            Bottleneck(channels, channels // 4)
    bottleneck = _block_figures("bottleneck", inspect(neck.eval(), (1, channels, *size)))
    return {PAPER_FIG5: (_block_figures("basic block", inspect(narrow.eval(), (1, channels // 4, *size))), bottleneck),
            SAME_WIDTH: (_block_figures("basic block", inspect(wide.eval(), (1, channels, *size))), bottleneck)}


# --------------------------------------------------------------------------- v1 vs v1.5


@dataclass(frozen=True)
class StrideConv:
    """A conv that downsamples inside a block: its kernel and its name within the block (``conv1``)."""

    kernel: Pair
    name: str


@dataclass(frozen=True)
class StridePlacement:
    """Where one bottleneck layout puts its downsampling stride, and what that costs and sees.

    ``stride_convs``: each distinct strided conv of a block; ``blocks``: the downsampling blocks as
    (stage's paper name or name without ``_x``, 1-based block index), e.g. ``("conv3", 1)``.
    """

    summary: ModelSummary
    stride_convs: tuple[StrideConv, ...]
    blocks: tuple[tuple[str, int], ...]


def _stride_convs(summary: ModelSummary) -> tuple[tuple[StrideConv, ...], tuple[tuple[str, int], ...]]:
    """The strided convs (one per distinct placement) and the downsampling blocks, from the rows."""
    names = {s.name: (s.paper_name or s.name).removesuffix("_x") for s in summary.depth.stages}
    where: dict[StrideConv, None] = {}
    blocks: dict[tuple[str, int], None] = {}
    for g in partition(summary.result.rows):
        for index, block in enumerate(g.blocks):
            strided = [r for r in block.leaves if is_weighted(r) and r.stride and max(r.stride) > 1]
            for r in strided:
                where[StrideConv(r.kernel or (1, 1), r.name.rsplit(".", 1)[-1])] = None
                blocks[(names.get(g.name, g.name), index + 1)] = None
    return tuple(where), tuple(blocks)


def stride_placement(names: Sequence[str] = ("resnet50-v1", "resnet50"),
                     input_size: Any = None) -> tuple[StridePlacement, ...]:
    """ResNet-50 v1 (stride on the first 1×1, the paper) vs v1.5 (stride on the 3×3, torchvision)."""
    out = []
    for summary in compare_models(names, input_size):
        convs, blocks = _stride_convs(summary)
        out.append(StridePlacement(summary, convs, blocks))
    return tuple(out)


def _conv_macs(summary: ModelSummary) -> dict[str, int]:
    return {r.name: r.macs or 0 for r in summary.result.rows if is_weighted(r)}


def extra_macs_at(a: StridePlacement, b: StridePlacement) -> list[str]:
    """The convs whose MACs differ between two layouts (``layer2.0.conv1`` …), when both have the same
    convs; empty otherwise."""
    x, y = _conv_macs(a.summary), _conv_macs(b.summary)
    if x.keys() != y.keys():
        return []
    return [name for name in x if x[name] != y[name]]


# --------------------------------------------------------------------------- inputs of the comparison diagrams


def contrast_pair(channels: int = 256) -> tuple[Inspection, Inspection]:
    """Two one-stage networks whose second block (``layer1.1``) is a basic block and a bottleneck that both
    take and give ``channels`` channels at 56×56 (He et al. 2015, Fig. 5)."""
    from .engine import inspect

    if channels < 4 or channels % 4:
        raise InspectError(f"--channels {channels} must be a positive multiple of 4 (the bottleneck "
                           "squeezes to a quarter)")
    return (inspect(f"basic:2,widths={channels},stem_width={channels}"),
            inspect(f"bottleneck:2,widths={channels // 4},stem_width={channels}"))


def contrast_nets(channels: int = 256) -> tuple[Inspection, Inspection, Inspection]:
    """Three one-stage networks whose second block (``layer1.1``, identity, 56×56) is a basic block at
    ``channels``/4, a bottleneck at ``channels`` and a basic block at ``channels``: He et al. 2015's Fig. 5
    pair (the first two) and the same-width pair (the last two)."""
    from .engine import inspect

    if channels < 4 or channels % 4:
        raise InspectError(f"--channels {channels} must be a positive multiple of 4 (the bottleneck "
                           "squeezes to a quarter), e.g. --channels 256")
    quarter = channels // 4
    return (inspect(f"basic:2,widths={quarter},stem_width={quarter}"),
            inspect(f"bottleneck:2,widths={quarter},stem_width={channels}"),
            inspect(f"basic:2,widths={channels},stem_width={channels}"))


def stride_variants(model: str = "resnet50", input_size: Any = None) -> tuple[Inspection, Inspection, str]:
    """A bottleneck network with its stride on the first 1×1 (v1) and on the 3×3 (v1.5), and its base name,
    inspected at ``input_size`` (the network's default when ``None``)."""
    from ..registry import get_spec
    from .engine import inspect

    spec = get_spec(model)
    if not spec.block.endswith("bottleneck") or spec.block.startswith("preact"):
        raise InspectError(f"{model} has {spec.block} blocks; v1-vs-v15 compares bottleneck layouts, "
                           "e.g. resnet50, resnet101 or resnext50_32x4d")
    base = spec.name.removesuffix("-v1")
    return (inspect(spec.replace(stride_on="1x1", name=f"{base} (v1)"), input_size),
            inspect(spec.replace(stride_on="3x3", name=f"{base} (v1.5)"), input_size), base)
