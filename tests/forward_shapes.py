"""An independent method for tests: the output shape of every module call in a real forward pass."""

from __future__ import annotations

from collections import Counter

import torch
from torch import nn


def real_shapes(model: nn.Module, x: torch.Tensor, leaves_only: bool = False) -> dict[str, tuple[int, ...]]:
    """Output shape of every module call (of leaf modules only with ``leaves_only``), named as the table names
    rows: ``relu``, ``relu:2``, ... for a module called more than once."""
    names = {m: n for n, m in model.named_modules()}
    calls: Counter[str] = Counter()
    shapes: dict[str, tuple[int, ...]] = {}

    def hook(m: nn.Module, args: object, out: torch.Tensor) -> None:
        name = names[m]
        calls[name] += 1
        shapes[name if calls[name] == 1 else f"{name}:{calls[name]}"] = tuple(out.shape)

    modules = [m for m in model.modules() if not leaves_only or not list(m.children())]
    handles = [m.register_forward_hook(hook) for m in modules]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
    return shapes
