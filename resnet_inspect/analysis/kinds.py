"""The vocabulary of an analysis, defined once: what a row is, what a group of rows is, what a shortcut and a
pool do.  Every layer reads these from the row, never from substrings of a module's type name."""

from __future__ import annotations

from typing import Literal

RowKind = Literal["conv", "conv1d", "linear", "norm", "act", "pool", "shape", "shortcut", "add", "op", "matmul",
                  "unsupported", "input", "module"]
"""A row of the layer table: a leaf layer's or functional op's kind, ``input`` for the input, ``module`` for
a container's aggregate row (a block, a stage, the network)."""

Role = Literal["stem", "stage", "head"]
"""Where a group of rows sits: before the first stage, a stage, or after the last one."""

ShortcutKind = Literal["projection", "option_a", "identity", "none"]
"""``projection``: a conv (+ BN) on the shortcut; ``option_a``: zero-padded identity (He et al. 2015, option A);
``identity``: a plain identity add; ``none``: no shortcut (a plain network)."""

PoolKind = Literal["max", "avg", "adaptive_max", "adaptive_avg"]
"""A pooling row's operation, from its module class or its functional op."""

FUNCTIONAL_POOLS: dict[str, PoolKind] = {"max_pool2d": "max", "max_pool2d_with_indices": "max", "avg_pool2d": "avg",
                                         "adaptive_max_pool2d": "adaptive_max",
                                         "adaptive_avg_pool2d": "adaptive_avg"}
