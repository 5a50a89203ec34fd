"""Receptive fields measured a second way: the support of an input gradient through the real module graph.

Every conv keeps one non-negative tap — its first (or last) along the measured axis, the centre one
across it — batch norm becomes the identity and max pools become average pools of the same geometry,
in float64.  Every path from an input pixel then carries a positive weight, residual adds included,
so the leftmost (rightmost) input pixel with a non-zero gradient is where an output pixel's receptive
field starts (ends); the step between neighbouring output pixels is the jump.  A spec is measured on a
one-channel copy of its network (receptive fields do not depend on channel counts).  The probe input is
one pixel thin (or as thin as the network allows) across the measured axis.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn

from .specs import Spec


@dataclass(frozen=True)
class Measured:
    """Size, jump and effective padding of one output pixel's receptive field along one axis."""

    size: int
    jump: int
    padding: int


def thin_spec(spec: Spec) -> Spec:
    """The same geometry with one channel everywhere (ungrouped convs, one class)."""
    if spec.is_vgg:
        return spec.replace(vgg_config=tuple(v if v == "M" else 1 for v in spec.vgg_config), in_channels=1,
                            num_classes=1)
    return spec.replace(widths=(1,) * len(spec.widths), stem_width=1, groups=1, width_per_group=64,
                        in_channels=1, num_classes=1)


def _one_tap(conv: nn.Conv2d, axis: int, tap: str) -> None:
    with torch.no_grad():
        conv.weight.zero_()
        along, across = conv.kernel_size[axis - 2], conv.kernel_size[3 - axis]
        index: list[int | slice] = [slice(None), slice(None), across // 2, across // 2]
        index[axis] = 0 if tap == "first" else along - 1
        conv.weight[tuple(index)] = 1.0 / conv.weight.shape[1]
        if conv.bias is not None:
            conv.bias.zero_()


def positivise(model: nn.Module, axis: int, tap: str) -> nn.Module:
    """Make every path positive: one tap per conv, identity batch norm, average instead of max pools."""
    for name, m in list(model.named_modules()):
        if isinstance(m, nn.Conv2d):
            _one_tap(m, axis, tap)
        elif isinstance(m, nn.BatchNorm2d):
            m.reset_parameters()
            m.eps = 0.0
        elif isinstance(m, nn.MaxPool2d):
            parent_name, _, child = name.rpartition(".")
            parent = model.get_submodule(parent_name) if parent_name else model
            setattr(parent, child, nn.AvgPool2d(m.kernel_size, m.stride, m.padding, m.ceil_mode))
    return model.double().eval()


def layer_output(model: nn.Module, x: torch.Tensor, layer: str) -> torch.Tensor:
    """The output of a table row (``layer4.2.relu:3`` is the third call of ``layer4.2.relu``)."""
    path, _, nth = layer.partition(":")
    calls: list[torch.Tensor] = []
    handle = model.get_submodule(path).register_forward_hook(lambda m, a, out: calls.append(out.clone()))
    try:
        model(x)
    finally:
        handle.remove()
    return calls[int(nth or 1) - 1]


def _support(model: nn.Module, layer: str, axis: int, length: int, thin: int, channels: int, i: int) -> list[int]:
    shape = [1, channels, thin, thin]
    shape[axis] = length
    x = torch.ones(shape, dtype=torch.float64, requires_grad=True)
    (grad,) = torch.autograd.grad(layer_output(model, x, layer).select(axis, i).sum(), x)
    hit: list[int] = (grad.abs().sum(dim=[d for d in range(4) if d != axis]) > 0).nonzero().flatten().tolist()
    return hit


def measure(build: Callable[[], nn.Module], layer: str, axis: int, length: int, thin: int, i: int,
            channels: int = 1) -> Measured:
    """Receptive field of ``layer``'s output pixel ``i`` along ``axis`` (2: height, 3: width).

    ``build`` returns a fresh CPU copy of the network each time (it is modified).  Raises ValueError
    when the probe of ``length`` pixels is too short to hold the whole region.
    """
    first_net, last_net = positivise(build(), axis, "first"), positivise(build(), axis, "last")
    first = _support(first_net, layer, axis, length, thin, channels, i)[0]
    next_first = _support(first_net, layer, axis, length, thin, channels, i + 1)[0]
    last = _support(last_net, layer, axis, length, thin, channels, i)[-1]
    if first == 0 or last == length - 1:
        raise ValueError(f"a probe of {length} px is too short: the region touches its border")
    jump = next_first - first
    return Measured(size=last - first + 1, jump=jump, padding=i * jump - first)
