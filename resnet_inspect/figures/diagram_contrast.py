"""Which blocks a basic-vs-bottleneck contrast may put side by side, and what the comparison says.

Two comparisons mean something (He et al. 2015, arXiv:1512.03385, Sec. 4.1 and Fig. 5):

- **same width**: both blocks take and give the same tensor (channels, map size) with the same stride —
  the tutorials' example, two 3×3 convs at 256-d against a bottleneck at 256-d;
- **same place**: both blocks sit at the same place in their networks (same path, stride and map size), as
  when ResNet-50 replaces each 2-layer block of ResNet-34 with a bottleneck — Fig. 5, a basic block at
  64-d beside a bottleneck at 256-d, "similar time complexity".

Blocks that differ in stride or map size are refused: their parameter and MAC ratios compare nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..analysis.blocks import Block
from ..analysis.facts import blocks_of
from ..analysis.result import Inspection
from ..document.fmt import grouped, scaled
from ..errors import InspectError
from . import diagram_style as st

SAME_WIDTH = "same width"
SAME_PLACE = "same place"


@dataclass(frozen=True)
class Pairing:
    """Two blocks to draw side by side and why they compare."""

    first: Block
    second: Block
    kind: str  # SAME_WIDTH or SAME_PLACE


def conv_weights(block: Block) -> int:
    """Weights of the convolutions on the residual branch (the figure the paper's Fig. 5 is about)."""
    return sum(r.params for r in block.main if r.kind == "conv")


def _same_width(x: Block, y: Block) -> bool:
    return (x.row.input_shape, x.row.output_shape, x.stride) == (y.row.input_shape, y.row.output_shape, y.stride)


def _same_place(x: Block, y: Block) -> bool:
    return (x.path == y.path and x.stride == y.stride and x.row.input_shape[2:] == y.row.input_shape[2:]
            and x.row.output_shape[2:] == y.row.output_shape[2:])


def kind_of(x: Block, y: Block) -> str | None:
    """``same width``, ``same place``, or ``None`` when the two blocks do not compare."""
    if _same_width(x, y):
        return SAME_WIDTH
    return SAME_PLACE if _same_place(x, y) else None


def _describe(insp: Inspection, b: Block) -> str:
    return (f"{insp.model} {b.path} ({b.row.type}, {b.row.input_shape[1]}→{b.row.output_shape[1]} channels, "
            f"{'×'.join(map(str, b.row.input_shape[2:]))} map, stride {b.stride})")


def pair_blocks(a: Inspection, b: Inspection, path: str | None = None) -> Pairing:
    """The pair of blocks to contrast: ``path`` in both (refused when they do not compare), else the first
    pair with the same width, else the first at the same place; identity blocks first (Fig. 5 shows those)."""
    first, second = blocks_of(a), blocks_of(b)
    if path is not None:
        from .diagram_block import get_block

        x, y = get_block(a, path), get_block(b, path)
        kind = kind_of(x, y)
        if kind is None:
            raise InspectError(f"cannot contrast {_describe(a, x)} with {_describe(b, y)}: blocks compare only "
                               "at the same width, or at the same place with the same stride and map size; "
                               "drop --block to let the pair be chosen")
        return Pairing(x, y, kind)
    by_shape: dict[tuple[object, ...], Block] = {}
    for y in second.values():
        by_shape.setdefault((y.row.input_shape, y.row.output_shape, y.stride), y)
    widths = [(x, by_shape[k]) for x in first.values()
              if (k := (x.row.input_shape, x.row.output_shape, x.stride)) in by_shape]
    places = [(x, second[x.path]) for x in first.values() if x.path in second and _same_place(x, second[x.path])]
    for found, kind in ((widths, SAME_WIDTH), (places, SAME_PLACE)):
        if found:
            x, y = min(found, key=lambda p: (p[0].shortcut != "identity" or p[1].shortcut != "identity"))
            return Pairing(x, y, kind)
    raise InspectError(f"{a.model} and {b.model} have no blocks that compare: none with the same input, output "
                       "and stride, and none at the same place with the same stride and map size; try e.g. "
                       "`resnet-inspect diagram contrast resnet34 resnet50` (He et al. 2015, Fig. 5)")


def comparison_line(kind: str, x: Block, y: Block, names: tuple[str, str] = ("", "")) -> str:
    """One note line (HTML, escaped): which comparison, both blocks' conv weights and MACs, the ratios."""
    wx, wy, mx, my = conv_weights(x), conv_weights(y), x.row.macs or 0, y.row.macs or 0
    hw = "×".join(map(str, x.row.output_shape[2:]))
    nx = names[0] or f"{x.row.type} at {x.row.input_shape[1]}-d"
    ny = names[1] or f"{y.row.type} at {y.row.input_shape[1]}-d"
    if kind == SAME_WIDTH:
        head = f"same width ({x.row.input_shape[1]}-d in, {x.row.output_shape[1]}-d out, the tutorials' comparison)"
    else:
        head = "same place in the network (He et al. 2015, Fig. 5: the bottleneck takes the basic block's place)"
    numbers = (f"{nx}: {grouped(wx)} conv weights, {scaled(mx)} MACs · {ny}: {grouped(wy)} conv weights, "
               f"{scaled(my)} MACs (at {hw})")
    ratio = f"the {ny} has {_times(wx, wy)} conv weights and {_times(mx, my)} MACs than the {nx}"
    return f"<b>{st.esc(head)}</b><br/>{st.esc(numbers)}<br/>{st.esc(ratio)}"


def _times(a: int, b: int) -> str:
    """How ``b`` compares with ``a``: ``16.9× fewer``, ``1.06× fewer``, ``1.3× more`` or ``as many``."""
    if a == b:
        return "as many"
    big, small = max(a, b), max(min(a, b), 1)
    digits = 2 if big / small < 2 else 1
    return f"{big / small:.{digits}f}× {'fewer' if b < a else 'more'}"
