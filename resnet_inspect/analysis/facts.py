"""Facts about one analysed network that documents state, computed once from its rows.

Every sentence a report or slide writes about a network's blocks, stages or receptive field is generated from
these facts of the model at hand: which blocks share a kind (with each one's own numbers), each stage's map size,
channels, stride and group width, where the receptive field outgrows the input and how many units then see all of
it.  Numbers only; the views choose the words.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Sequence
from dataclasses import dataclass

from .blocks import SHORTCUT_ORDER, Block, KindGroup
from .groups import partition
from .kinds import Role, ShortcutKind
from .result import Inspection, Pair, Row

# --------------------------------------------------------------------------- blocks


def blocks_of(result: Inspection) -> dict[str, Block]:
    """Every block by path (cached per result, so views stay linear in the number of rows)."""
    hit = _CACHE.get(id(result))
    if hit is not None and hit[0]() is result:
        return hit[1]
    found = _index(result)
    key = id(result)
    _CACHE[key] = (weakref.ref(result, lambda _ref: _CACHE.pop(key, None)), found)
    return found


_CACHE: dict[int, tuple[weakref.ref[Inspection], dict[str, Block]]] = {}


def _index(result: Inspection) -> dict[str, Block]:
    """The blocks of the stages (as :func:`partition` finds them), or the inspected module when it is one
    residual unit."""
    groups = partition(result.rows)
    found = {b.row.name: b for g in groups if g.role == "stage" for b in g.blocks}
    if found:
        return found
    root = result.rows[0]
    is_block = any(r.kind == "add" for r in result.rows) or re.search(r"Block|Bottleneck", root.type)
    if is_block and not any(g.role == "stage" for g in groups):
        return {"": Block(root, tuple(r for r in result.rows if r.is_leaf))}
    return {}


def kind_groups(result: Inspection) -> list[KindGroup]:
    """The kinds of block in a network: projections first (stride 1, then 2), then option A, identity, none."""
    kinds: dict[tuple[ShortcutKind, int], list[Block]] = {}
    for b in blocks_of(result).values():
        kinds.setdefault((b.shortcut, b.stride), []).append(b)
    ordered = sorted(kinds.items(), key=lambda kv: (SHORTCUT_ORDER.index(kv[0][0]), kv[0][1]))
    return [KindGroup(k[0], k[1], tuple(v)) for k, v in ordered]


def first_downsampling(result: Inspection) -> Block | None:
    """The first block whose main path has a stride above 1."""
    return next((b for b in blocks_of(result).values() if b.stride > 1), None)


# --------------------------------------------------------------------------- stages


@dataclass(frozen=True)
class StageFacts:
    """One stage of blocks: where it sits, what its maps are and what its blocks do."""

    name: str
    paper_name: str  # ``conv3_x`` for an ImageNet ResNet, else ""
    blocks: tuple[Block, ...]
    in_hw: tuple[int, ...]
    out_hw: tuple[int, ...]
    channels: int
    after_max_pool: bool  # a max pool runs between the input and this stage

    @property
    def first(self) -> Block | None:
        return self.blocks[0] if self.blocks else None

    @property
    def group_widths(self) -> tuple[int, ...]:
        """The channels per group of the stage's grouped convs (one value when every block agrees)."""
        return tuple(dict.fromkeys(g.per_group for b in self.blocks if (g := b.grouped) is not None))

    @property
    def cardinalities(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys(g.groups for b in self.blocks if (g := b.grouped) is not None))


def _hw(shape: Sequence[int]) -> tuple[int, ...]:
    return tuple(shape[2:])


def stage_facts(result: Inspection) -> list[StageFacts]:
    """The stages of blocks, in order (a network without blocks has none)."""
    from .depth import has_imagenet_stem, paper_name

    groups = partition(result.rows)
    imagenet = has_imagenet_stem(groups)
    out: list[StageFacts] = []
    pooled = False
    for g in groups:
        if g.role == "stem":
            pooled = pooled or any(r.pool == "max" for r in g.leaves)
        if g.role != "stage" or not g.blocks:
            continue
        first, last = g.blocks[0].row, g.blocks[-1].row
        out.append(StageFacts(g.name, paper_name(g, imagenet), g.blocks, _hw(first.input_shape),
                              _hw(last.output_shape), last.output_shape[1], pooled))
    return out


# --------------------------------------------------------------------------- receptive field vs input


@dataclass(frozen=True)
class Coverage:
    """How one layer's receptive field meets the input: how many of its units see the whole input."""

    layer: str
    rf: Pair
    jump: Pair
    padding: Pair
    units: int  # output positions of the layer (H × W)
    seeing_all: int  # of those, the units whose window covers every input pixel

    @property
    def all_see(self) -> bool:
        return self.seeing_all == self.units


def whole_image_units(row: Row, input_hw: tuple[int, int]) -> tuple[int, int]:
    """How many output positions of ``row``, per axis, have a receptive field that covers the whole input.

    Output position i of an axis reads input pixels [i·j − p, i·j − p + r − 1] (r: receptive field, j: jump,
    p: effective padding); it sees the whole axis [0, n − 1] when i·j ≤ p and i·j − p + r − 1 ≥ n − 1.  A
    receptive field wider than the input is necessary, not sufficient: a unit near the border has most of
    its window on the padding.
    """
    if row.rf is None or row.jump is None or row.rf_padding is None or len(row.output_shape) != 4:
        return (0, 0)
    counts = []
    for axis in (0, 1):
        r, j, p = row.rf[axis], row.jump[axis], row.rf_padding[axis]
        n, positions = input_hw[axis], row.output_shape[2 + axis]
        low = max(0, -(-(n - 1 + p - (r - 1)) // j))  # ⌈(n − 1 + p − r + 1) / j⌉
        high = min(positions - 1, p // j)
        counts.append(max(0, high - low + 1))
    return (counts[0], counts[1])


def coverage(row: Row, input_hw: Pair) -> Coverage | None:
    """A spatial row's coverage of the input (``None`` without a receptive field in pixels)."""
    if row.rf is None or row.jump is None or row.rf_padding is None or len(row.output_shape) != 4:
        return None
    n_h, n_w = row.output_shape[2:]
    seen = whole_image_units(row, input_hw)
    return Coverage(row.name, row.rf, row.jump, row.rf_padding, n_h * n_w, seen[0] * seen[1])


def spatial_rows(result: Inspection) -> list[Row]:
    """The main-path leaf layers with a receptive field, up to the last feature map, in execution order."""
    out: list[Row] = []
    for row in result.rows:
        if row.is_leaf and not row.on_shortcut and row.rf is not None and len(row.output_shape) == 4:
            out.append(row)
        if row.name == result.totals.feature_layer:
            break
    return out


def globally_pooled(result: Inspection) -> bool:
    """True when a layer after the last feature map mixes every position of it (a global pool, an fc over
    the map): the totals' receptive field is then the last one with a size in pixels."""
    names = [r.name for r in result.rows]
    feature = result.totals.feature_layer
    after = result.rows[names.index(feature) + 1:] if feature in names else ()
    return any(r.is_leaf and r.rf_global for r in after)


@dataclass(frozen=True)
class Outgrowth:
    """Where the receptive field outgrows the input: the first layer whose RF is at least the input on both
    axes (and how many of its units see all of it), and the first layer where every unit does."""

    input_hw: Pair
    first_larger: Coverage | None
    first_all: Coverage | None
    last: Coverage | None  # the last feature map


def outgrowth(result: Inspection) -> Outgrowth:
    h, w = result.input_shape[-2:]
    rows = spatial_rows(result)
    covs = [c for c in (coverage(r, (h, w)) for r in rows) if c is not None]
    larger = next((c for c in covs if c.rf[0] >= h and c.rf[1] >= w), None)
    every = next((c for c in covs if c.all_see), None)
    return Outgrowth((h, w), larger, every, covs[-1] if covs else None)


__all__ = ["Coverage", "Outgrowth", "Role", "StageFacts", "blocks_of", "coverage", "first_downsampling",
           "globally_pooled", "kind_groups", "outgrowth", "spatial_rows", "stage_facts"]
