"""Where a map's pixels go through ``view``, ``reshape`` and ``permute``: space-to-depth written by hand.

Each axis of a tensor is a product of *factors* ``(axis, size, step)`` of the map it came from: index ``k``
of the factor is ``k·step`` along ``axis`` (N, C, H or W).  A ``view`` regroups the factors in order, a
``permute`` reorders the axes.  When the result is a map again and its height is one factor ``(H, n, s)``
whose leftover factors (moved into the channels) cover the offsets ``0 … s − 1`` exactly, each output pixel
holds an s×s block of input pixels: a window of s with stride s, as ``pixel_unshuffle`` gives.
"""

from __future__ import annotations

from collections.abc import Sequence

from .ops import AxisOp, RFEffect, Shape

Factor = tuple[str, int, int]  # axis, size, step
Layout = tuple[tuple[Factor, ...], ...]


def identity(shape: Shape) -> Layout | None:
    """A map's own layout: N, C, H, W one factor each."""
    if len(shape) != 4:
        return None
    return tuple(((axis, n, 1),) for axis, n in zip("NCHW", shape, strict=True))


def regroup(layout: Layout, target: Sequence[int]) -> Layout | None:
    """The layout after a ``view`` to ``target`` (row-major), or ``None`` when a factor cannot be split so."""
    stream = [f for dim in layout for f in dim if f[1] != 1]
    out: list[tuple[Factor, ...]] = []
    for size in target:
        dim: list[Factor] = []
        need = size
        while need > 1:
            if not stream:
                return None
            axis, n, step = stream[0]
            if n <= need:
                if need % n:
                    return None
                dim.append(stream.pop(0))
                need //= n
            else:
                if n % need:
                    return None
                dim.append((axis, need, step * (n // need)))  # the outer part of the factor
                stream[0] = (axis, n // need, step)
                need = 1
        out.append(tuple(dim))
    return tuple(out) if not stream else None


def permute(layout: Layout, order: Sequence[int]) -> Layout | None:
    if sorted(d % len(layout) for d in order) != list(range(len(layout))):
        return None
    return tuple(layout[d % len(layout)] for d in order)


def _offsets(factors: list[Factor]) -> set[int]:
    offsets = {0}
    for _, n, step in factors:
        offsets = {o + k * step for o in offsets for k in range(n)}
    return offsets


def _axis(layout: Layout, axis: str, dim: int) -> AxisOp | None:
    """One spatial axis of a map's layout: a window of s, stride s, or ``None`` when it is not one."""
    outer = [f for f in layout[dim] if f[0] == axis]
    if len(outer) != len(layout[dim]) or len(outer) > 1:
        return None
    stride = outer[0][2] if outer else 1
    inner = [f for f in layout[1] if f[0] == axis]
    if any(f[0] == axis for d in (0, 5 - dim) for f in layout[d]):
        return None  # part of the axis went to the batch or to the other spatial axis
    if _offsets(inner) != set(range(stride)):
        return None
    return AxisOp("window", stride, stride)


def effect(layout: Layout) -> RFEffect | None:
    """A 4-d layout's effect on the receptive field: where every output pixel holds a block of input pixels."""
    if len(layout) != 4 or any(f[0] != "N" for f in layout[0]):
        return None
    h, w = _axis(layout, "H", 2), _axis(layout, "W", 3)
    if h is None or w is None:
        return None
    return RFEffect((h, w))
