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
from typing import Any

from ..errors import InspectError
from ..specs import Spec
from .depth import DepthAccount, account, has_imagenet_stem, kernel_text, paper_label
from .groups import Group, is_weighted, partition
from .result import Inspection, Pair, Row, Shape

# --------------------------------------------------------------------------- side by side


@dataclass(frozen=True)
class StageSummary:
    """A stage's output (channels × height × width) and cost, under the label the depth table uses."""

    name: str
    label: str
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

    def to_dict(self) -> dict[str, Any]:
        """The JSON record of one model (numbers only; the depth record nested)."""
        return {
            "model": self.model, "input_shape": list(self.input_shape), "depth": self.depth.depth,
            "formula": self.depth.formula, "params": self.params, "macs": self.macs, "flops": self.flops,
            "activation_bytes": self.activation_bytes, "rf": list(self.rf) if self.rf else None,
            "feature_layer": self.feature_layer, "output_shape": list(self.output_shape),
            "stages": [{"name": s.name, "label": s.label, "output_shape": list(s.output_shape),
                        "params": s.params, "macs": s.macs} for s in self.stages],
        }


def summarize(result: Inspection, spec: Spec | None = None) -> ModelSummary:
    """Totals, depth and per-stage outputs of one inspection."""
    acc = account(result)
    labels = {s.name: s.label for s in acc.stages}
    stages = tuple(StageSummary(s.name, labels.get(s.name, s.name), s.output_shape, s.params, s.macs)
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
        if str(e).startswith("--input"):
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


@dataclass(frozen=True)
class PaperRow:
    """One line of Table 1: a layer name (blank on continuation lines), output size, a cell per model."""

    key: str
    label: str
    output_size: str
    cells: tuple[str, ...]


@dataclass(frozen=True)
class PaperTable:
    """Table 1 for the chosen models; ``macs`` is the paper's "FLOPs" (conv + fc multiply-adds)."""

    models: tuple[str, ...]
    depths: tuple[int, ...]
    rows: tuple[PaperRow, ...]
    macs: tuple[int, ...]
    notes: tuple[str, ...]


ModelRow = tuple[str, str, str, list[str]]  # key, label, output size, cell lines


def _hw(shape: Shape) -> str:
    return "×".join(str(d) for d in shape[2:]) if len(shape) == 4 else "1×1"


def _conv_cell(row: Row) -> str:
    text = f"{kernel_text(row)}, {row.output_shape[1]}"
    if row.groups and row.groups > 1:
        text += f", C={row.groups}"
    if row.stride and max(row.stride) > 1:
        text += f", stride {max(row.stride)}"
    return text


def _pool_cell(row: Row) -> str:
    kind = "max" if "Max" in row.type else "average"
    stride = f", stride {max(row.stride)}" if row.stride and max(row.stride) > 1 else ""
    return f"{kernel_text(row)} {kind} pool{stride}"


def bracket(convs: Sequence[Row], repeat: int) -> str:
    """``[1×1, 64; 3×3, 64; 1×1, 256] × 3`` from a block's main-path conv rows (strides left out)."""
    parts = [f"{kernel_text(r)}, {r.output_shape[1]}" + (f", C={r.groups}" if r.groups and r.groups > 1 else "")
             for r in convs]
    return f"[{'; '.join(parts)}] × {repeat}"


def _stage_lines(group: Group) -> list[str]:
    if group.blocks:
        convs = [r for r in group.blocks[0].leaves if is_weighted(r)]
        return [bracket(convs, len(group.blocks))]
    convs = [r for r in group.leaves if is_weighted(r)]
    pools = [_pool_cell(r) for r in group.leaves if r.kind == "pool"]
    return [bracket(convs[:1], len(convs)), *pools] if convs else pools


def _head_line(group: Group) -> str:
    parts = ["average pool" if "Avg" in r.type else _pool_cell(r) for r in group.leaves if r.kind == "pool"]
    parts += [f"{r.output_shape[-1]}-d fc" for r in group.leaves if r.kind == "linear"]
    return ", ".join(parts)


def _head_size(group: Group) -> str:
    pools = [r for r in group.leaves if r.kind == "pool"]
    return _hw(pools[-1].output_shape) if pools else ""


def model_rows(result: Inspection) -> list[ModelRow]:
    """(key, label, output size, cell lines) for each Table 1 row of one model."""
    groups = partition(result.rows)
    imagenet = has_imagenet_stem(groups)
    out: list[ModelRow] = []
    carry: list[str] = []  # the stem's max pool, which Table 1 lists under conv2_x
    for g in groups:
        key = paper_label(g, imagenet)[0] or g.name
        if g.role == "stem":
            convs = [r for r in g.leaves if is_weighted(r)]
            carry = [_pool_cell(r) for r in g.leaves if r.kind == "pool"]
            out.append((key, key, _hw(convs[-1].output_shape) if convs else "", [_conv_cell(r) for r in convs]))
        elif g.role == "stage":
            out.append((key, key, _hw(g.leaves[-1].output_shape), carry + _stage_lines(g)))
            carry = []
        else:
            out.append(("head", "", _head_size(g), [_head_line(g)]))
    return out


def _rekey(rows: list[ModelRow], known: list[tuple[str, str]]) -> list[ModelRow]:
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
    known: list[tuple[str, str]] = []
    aligned = []
    for rows in per_model:
        rows = _rekey(rows, known)
        known += [(k, size) for k, _, size, _ in rows if k not in {kk for kk, _ in known}]
        aligned.append(rows)
    table: list[PaperRow] = []
    for key, _ in sorted(known, key=lambda k: k[0] == "head"):  # the head last, as in Table 1
        found = [next((r for r in rows if r[0] == key), None) for rows in aligned]
        label = " / ".join(dict.fromkeys(r[1] for r in found if r is not None and r[1]))
        size = " / ".join(dict.fromkeys(r[2] for r in found if r is not None and r[2]))
        height = max(len(r[3]) for r in found if r is not None)
        for line in range(height):
            cells = tuple(r[3][line] if r is not None and line < len(r[3]) else "" for r in found)
            table.append(PaperRow(key, label if line == 0 else "", size if line == 0 else "", cells))
    return table


def _stride_notes(summaries: Sequence[ModelSummary]) -> list[str]:
    v15 = [s.model for s in summaries if s.spec is not None and s.spec.block == "bottleneck"
           and s.spec.stride_on == "3x3"]
    if not v15:
        return []
    return [f"{', '.join(v15)}: bottleneck stride on the 3×3 conv (torchvision, 'v1.5'); Table 1 of the paper "
            "puts it on the first 1×1 conv ('v1', the -v1 variants), which costs fewer multiply-adds."]


def paper_layout(summaries: Sequence[ModelSummary]) -> PaperTable:
    """He et al. 2015, Table 1, for the given models: rows conv1, conv2_x … conv5_x, the head, FLOPs."""
    rows = _align([model_rows(s.result) for s in summaries])
    sizes = sorted({"×".join(map(str, s.input_shape[2:])) for s in summaries})
    notes = [f"FLOPs as in the paper: conv + fc multiply-adds (MACs, not 2 × MACs) at input {', '.join(sizes)}.",
             "Brackets: kernel, output channels (C = groups) of each conv of a block, × blocks; in a residual "
             "stage the first block also downsamples and projects the shortcut.",
             *_stride_notes(summaries)]
    return PaperTable(tuple(s.model for s in summaries), tuple(s.depth.depth for s in summaries), tuple(rows),
                      tuple(s.macs for s in summaries),
                      tuple(notes))


def paper_flops(macs: int) -> str:
    """The paper's notation, one decimal: ``4089184256`` → ``4.1×10⁹``; below 10⁹, ``40.8×10⁶``."""
    if macs >= 10**9 or macs == 0:
        return f"{macs / 1e9:.1f}×10⁹"
    return f"{macs / 1e6:.1f}×10⁶"


# --------------------------------------------------------------------------- basic block vs bottleneck


@dataclass(frozen=True)
class BlockFigures:
    """One block built at a given width and feature-map size, counted by the engine."""

    name: str
    channels: str
    convs: str
    weights_formula: str
    weights: int
    params: int
    macs: int
    input_shape: Shape
    output_shape: Shape


def _weights_formula(convs: Sequence[Row]) -> str:
    """``256·3·3·256·2`` or ``256·64 + 64·3·3·64 + 64·256``: cin·k·k·cout per conv (groups divide)."""
    terms = []
    for r in convs:
        k = r.kernel or (1, 1)
        cin = r.input_shape[1] // (r.groups or 1)
        terms.append(f"{cin}·{r.output_shape[1]}" if k == (1, 1) else f"{cin}·{k[0]}·{k[1]}·{r.output_shape[1]}")
    if len(set(terms)) == 1 and len(terms) > 1:
        return f"{terms[0]}·{len(terms)}"
    return " + ".join(terms)


def _block_figures(name: str, result: Inspection) -> BlockFigures:
    convs = [r for r in result.rows if r.is_leaf and r.kind == "conv" and not r.on_shortcut]
    chain = [convs[0].input_shape[1]] + [r.output_shape[1] for r in convs]
    return BlockFigures(
        name=name, channels="→".join(str(c) for c in chain),
        convs="; ".join(f"{kernel_text(r)}, {r.output_shape[1]}" for r in convs),
        weights_formula=_weights_formula(convs), weights=sum(r.params for r in convs),
        params=result.totals.params, macs=result.totals.macs,
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

    from ..models import BasicBlock, Bottleneck
    from .engine import inspect

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
class StridePlacement:
    """Where one bottleneck layout puts its downsampling stride, and what that costs and sees."""

    summary: ModelSummary
    stride_convs: tuple[str, ...]
    blocks: tuple[str, ...]


def _stride_convs(summary: ModelSummary) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(``"1×1 conv1"`` per distinct placement, ``"conv3_1"`` per downsampling block) from the rows."""
    labels = {s.name: s.label.split(" ")[0] for s in summary.depth.stages}
    where: dict[str, None] = {}
    blocks: dict[str, None] = {}
    for g in partition(summary.result.rows):
        for index, block in enumerate(g.blocks):
            strided = [r for r in block.leaves if is_weighted(r) and r.stride and max(r.stride) > 1]
            for r in strided:
                where[f"{kernel_text(r)} {r.name.rsplit('.', 1)[-1]}"] = None
                blocks[f"{labels.get(g.name, g.name).removesuffix('_x')}_{index + 1}"] = None
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
