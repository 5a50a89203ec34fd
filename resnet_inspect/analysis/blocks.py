"""The residual blocks of a network as typed facts: one model for the tables, diagrams, report and deck.

A :class:`Block` is one residual unit (a depth-2 container of a stage, or the inspected module when it is one
block) and the leaf rows it ran.  Everything a document says about a block — its conv weights and their
arithmetic, its parameters (conv weights plus biases and BN), its shortcut kind and stride, its map sizes and
group width — is a property computed here from those rows.  :class:`KindGroup` gathers the blocks that share a
shortcut kind and a stride and keeps each block's own numbers, so a figure can state a range or a sum instead of
one block's numbers for a group.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .kinds import ShortcutKind
from .result import Pair, Row

SHORTCUT_ORDER: tuple[ShortcutKind, ...] = ("projection", "option_a", "identity", "none")


@dataclass(frozen=True)
class ConvTerm:
    """One conv's weight arithmetic: ``C_in/groups · k_h · k_w · C_out`` weights, plus its bias."""

    name: str
    in_channels: int
    out_channels: int
    kernel: Pair
    groups: int
    stride: int
    params: int  # weights + bias, as the row counts them

    @property
    def per_group(self) -> int:
        """Input channels each filter sees (the group width of a grouped conv)."""
        return self.in_channels // self.groups

    @property
    def weights(self) -> int:
        return self.per_group * self.kernel[0] * self.kernel[1] * self.out_channels

    @property
    def bias(self) -> int:
        return self.params - self.weights


def conv_term(row: Row) -> ConvTerm:
    """The weight arithmetic of a conv row."""
    groups = row.groups or 1
    return ConvTerm(row.name, row.input_shape[1], row.output_shape[1], row.kernel or (1, 1), groups,
                    max(row.stride) if row.stride else 1, row.params)


@dataclass(frozen=True)
class Block:
    """One residual unit and the leaf rows it ran, in execution order."""

    row: Row
    leaves: tuple[Row, ...]

    @property
    def path(self) -> str:
        return self.row.name

    @property
    def main(self) -> tuple[Row, ...]:
        """The leaves on the residual branch F(x) (not the shortcut)."""
        return tuple(r for r in self.leaves if not r.on_shortcut)

    @property
    def side(self) -> tuple[Row, ...]:
        """The leaves on the shortcut path."""
        return tuple(r for r in self.leaves if r.on_shortcut)

    @property
    def stride(self) -> int:
        """Downsampling of the whole block: the product of the strides on its main path."""
        return math.prod(max(r.stride) if r.stride else 1 for r in self.main)

    @property
    def shortcut(self) -> ShortcutKind:
        if any(r.params > 0 for r in self.side):
            return "projection"
        if any(r.kind == "shortcut" for r in self.side):
            return "option_a"
        return "identity" if any(r.kind == "add" for r in self.leaves) else "none"

    @property
    def convs(self) -> tuple[ConvTerm, ...]:
        """The main-path convs' arithmetic."""
        return tuple(conv_term(r) for r in self.main if r.kind == "conv")

    @property
    def shortcut_convs(self) -> tuple[ConvTerm, ...]:
        return tuple(conv_term(r) for r in self.side if r.kind == "conv")

    @property
    def conv_weights(self) -> int:
        """Weights of the main-path convs (no bias, no BN)."""
        return sum(c.weights for c in self.convs)

    @property
    def shortcut_weights(self) -> int:
        """Weights of the shortcut's convs (no BN)."""
        return sum(c.weights for c in self.shortcut_convs)

    @property
    def shortcut_params(self) -> int:
        """Parameters on the shortcut: its conv weights and biases and its BN's scale and shift."""
        return sum(r.params for r in self.side)

    @property
    def params(self) -> int:
        return self.row.params

    @property
    def macs(self) -> int | None:
        return self.row.macs

    @property
    def grouped(self) -> ConvTerm | None:
        """The block's grouped conv (ResNeXt's 3×3), if it has one."""
        return next((c for c in self.convs if c.groups > 1), None)

    @property
    def in_hw(self) -> tuple[int, ...]:
        return tuple(self.row.input_shape[2:])

    @property
    def out_hw(self) -> tuple[int, ...]:
        return tuple(self.row.output_shape[2:])


@dataclass(frozen=True)
class KindGroup:
    """The blocks of a network that share a shortcut kind and a stride, each with its own numbers."""

    shortcut: ShortcutKind
    stride: int
    blocks: tuple[Block, ...]

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(b.path for b in self.blocks)

    @property
    def params(self) -> tuple[int, ...]:
        """Each block's parameters, in order."""
        return tuple(b.params for b in self.blocks)

    @property
    def alike(self) -> bool:
        """True when every block of the group has the same parameters and MACs (one set of numbers is true
        of each)."""
        return len({(b.params, b.macs, b.conv_weights) for b in self.blocks}) == 1
