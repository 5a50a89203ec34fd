"""Receptive fields over the graph, per axis, in input pixels.

For one path (Araujo, Norris & Sim 2019, Distill, "Computing Receptive Fields of CNNs"):
r₀ = Σₗ (kₗ − 1)·Πᵢ<ₗ sᵢ + 1, effective stride (jump) S₀ = Π sᵢ, effective padding P₀ = Σₗ pₗ·Πᵢ<ₗ sᵢ,
with a dilated kernel counting d·(k − 1) + 1.  Where paths meet (a residual add, a concat) the
output pixel sees the union of the paths' input regions: with the region of output pixel 0 spanning
input pixels −P … −P + r − 1, the union spans min(−Pᵢ) … max(−Pᵢ + rᵢ − 1).  Summing strides along
execution order instead (treating a shortcut's 1×1 stride-2 conv as if it followed the main path) is
the known error that gives ResNet-50 an RF of 1963 px.

Each axis is in one of three modes:

``local``
    output unit *i* sees input pixels ``i·jump − padding … i·jump − padding + size − 1``: one size and
    one jump describe every unit (the textbook case).
``fixed``
    every unit sees the same region ``−padding … −padding + size − 1``: after an op that mixes all
    positions (a global pool, a fully-connected layer over the whole map, GroupNorm's statistics),
    or after a join with such a path.  The region is the union of all positions' regions, so it is
    the whole input plus what the map's receptive fields reach outside it; a jump means nothing here.
``scattered``
    units see regions that no single size and jump describe (windows of different sizes, positions
    folded into one axis by a flatten).  ``size`` and ``padding`` then describe the hull of all
    units' regions, which a later op that mixes every position turns into a ``fixed`` region.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

Mode = Literal["local", "fixed", "scattered"]


@dataclass(frozen=True)
class AxisRF:
    """Receptive field along one axis: size, jump (effective stride), effective padding and mode."""

    size: int = 1
    jump: int = 1
    padding: int = 0
    mode: Mode = "local"

    @property
    def first(self) -> int:
        """Input coordinate of the first pixel output pixel 0 sees (may be negative: padding)."""
        return -self.padding

    @property
    def last(self) -> int:
        return -self.padding + self.size - 1

    def hull(self, positions: int) -> tuple[int, int]:
        """First and last input pixel seen by any of ``positions`` output units."""
        if self.mode == "local":
            return self.first, self.last + (positions - 1) * self.jump
        return self.first, self.last

    def window(self, kernel: int, stride: int, padding: int, dilation: int = 1) -> AxisRF:
        """After a sliding window (conv or pool) with these parameters.

        A ``fixed`` region stays fixed (every unit of the window sees it); a ``scattered`` hull is kept,
        which the caller may only do when the windows read every input position (see :func:`covers`).
        """
        if self.mode != "local":
            return self
        span = dilation * (kernel - 1)
        return AxisRF(self.size + span * self.jump, self.jump * stride, self.padding + padding * self.jump)

    def collapse(self, positions: int) -> AxisRF:
        """After an op that mixes all ``positions`` of this axis: every unit sees the union of their regions."""
        first, last = self.hull(positions)
        return AxisRF(last - first + 1, 0, -first, "fixed")

    def scatter(self, positions: int) -> AxisRF:
        """Positions rearranged so that no single size and jump describe the units; the hull is kept."""
        if self.mode != "local" or positions == 1:
            return self
        first, last = self.hull(positions)
        return AxisRF(last - first + 1, 0, -first, "scattered")

    def broadcast(self) -> AxisRF:
        """A one-position axis repeated along a longer one: every unit sees that one position's region."""
        return self if self.mode != "local" else replace(self, jump=0, mode="fixed")


RF = tuple[AxisRF, AxisRF]
INPUT_RF: RF = (AxisRF(), AxisRF())


def covers(n_in: int, n_out: int, kernel: int, stride: int, padding: int, dilation: int = 1) -> bool:
    """Do the ``n_out`` windows read every one of the ``n_in`` input positions?"""
    if dilation != 1 or stride > kernel:
        return False
    return (n_out - 1) * stride - padding + kernel - 1 >= n_in - 1


def union_axis(parts: list[AxisRF], positions: int) -> AxisRF:
    """Union of the input regions of several paths meeting at ``positions`` output units."""
    local = [p for p in parts if p.mode == "local"]
    if len(local) == len(parts) and len({p.jump for p in parts}) == 1:
        first = min(p.first for p in parts)
        last = max(p.last for p in parts)
        return AxisRF(last - first + 1, parts[0].jump, -first)
    hulls = [p.hull(positions) for p in parts]
    first, last = min(h[0] for h in hulls), max(h[1] for h in hulls)
    fixed = [p for p in parts if p.mode == "fixed"]
    if fixed and min(p.first for p in fixed) == first and max(p.last for p in fixed) == last:
        # every unit sees the fixed operands' region, and nothing the other operands see lies outside it
        return AxisRF(last - first + 1, 0, -first, "fixed")
    return AxisRF(last - first + 1, 0, -first, "scattered")


def union(parts: list[RF], positions: tuple[int, int]) -> RF:
    """Union over both axes of the paths meeting at an add, a product or a concat."""
    return (union_axis([p[0] for p in parts], positions[0]), union_axis([p[1] for p in parts], positions[1]))
