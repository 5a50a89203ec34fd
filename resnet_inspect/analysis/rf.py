"""Receptive fields over the graph, per axis, in input pixels.

For one path (Araujo, Norris & Sim 2019, Distill, "Computing Receptive Fields of CNNs"):
r₀ = Σₗ (kₗ − 1)·Πᵢ<ₗ sᵢ + 1, effective stride (jump) S₀ = Π sᵢ, effective padding P₀ = Σₗ pₗ·Πᵢ<ₗ sᵢ,
with a dilated kernel counting d·(k − 1) + 1.  Where paths meet (a residual add, a concat) the
output pixel sees the union of the paths' input regions: with the region of output pixel 0 spanning
input pixels −P … −P + r − 1, the union spans min(−Pᵢ) … max(−Pᵢ + rᵢ − 1).  Summing strides along
execution order instead (treating a shortcut's 1×1 stride-2 conv as if it followed the main path) is
the known error that gives ResNet-50 an RF of 1963 px.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AxisRF:
    """Receptive field along one axis: size, jump (effective stride) and effective padding."""

    size: int = 1
    jump: int = 1
    padding: int = 0

    @property
    def first(self) -> int:
        """Input coordinate of the first pixel output pixel 0 sees (may be negative: padding)."""
        return -self.padding

    @property
    def last(self) -> int:
        return -self.padding + self.size - 1

    def window(self, kernel: int, stride: int, padding: int, dilation: int = 1) -> AxisRF:
        """After a sliding window (conv or pool) with these parameters."""
        span = dilation * (kernel - 1)
        return AxisRF(self.size + span * self.jump, self.jump * stride, self.padding + padding * self.jump)

    def collapse(self, positions: int) -> AxisRF:
        """After an op that mixes all ``positions`` of this axis (flatten, a global pool)."""
        return self.window(positions, positions, 0)


RF = tuple[AxisRF, AxisRF]
INPUT_RF: RF = (AxisRF(), AxisRF())


def union_axis(parts: list[AxisRF]) -> AxisRF:
    """Union of the input regions of several paths (their jumps agree at a residual add)."""
    first = min(p.first for p in parts)
    last = max(p.last for p in parts)
    return AxisRF(last - first + 1, max(p.jump for p in parts), -first)


def union(parts: list[RF]) -> RF:
    """Union over both axes of the paths meeting at an add or a concat."""
    return union_axis([p[0] for p in parts]), union_axis([p[1] for p in parts])
