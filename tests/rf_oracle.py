"""A second, independent way to measure receptive fields: the support of an input gradient.

The network is rebuilt with one channel per stage (receptive fields do not depend on channel counts),
batch norm as the identity, max pools swapped for average pools of the same geometry, float64, and
each conv reduced to one non-negative tap: its first (or last) along the measured axis.  Autograd then
follows every path of the real module graph, residual adds included, and the first (last) input pixel
with a non-zero gradient is where the output pixel's receptive field starts (ends).  One tap per conv
keeps every path's weight at 1, so even the 1202-layer net stays far from float64's underflow.  The
probe input is one pixel wide (or as narrow as the net allows) across the measured axis.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from resnet_inspect.specs import Spec


@dataclass(frozen=True)
class Measured:
    size: int
    jump: int
    padding: int


def thin_spec(spec: Spec) -> Spec:
    """The same geometry with one channel everywhere (and plain 3×3 convs instead of grouped ones)."""
    if spec.is_vgg:
        config = tuple(v if v == "M" else 1 for v in spec.vgg_config)
        return spec.replace(vgg_config=config, in_channels=1, num_classes=1)
    return spec.replace(widths=(1,) * len(spec.widths), stem_width=1, groups=1, width_per_group=64,
                        in_channels=1, num_classes=1)


class WindowSum(nn.Module):
    """A max pool's windows (dilation and ``ceil_mode`` included) summed instead of maximised: every
    element of a window then has a gradient."""

    def __init__(self, pool: nn.MaxPool2d) -> None:
        super().__init__()
        self.pool = pool

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        p = self.pool
        out_h, out_w = p(torch.empty(x.shape, device="meta")).shape[2:]
        k, s, pad, d = (_pair(v) for v in (p.kernel_size, p.stride or p.kernel_size, p.padding, p.dilation))
        x = F.pad(x, (pad[1], pad[1] + s[1] * 2 + k[1] * d[1], pad[0], pad[0] + s[0] * 2 + k[0] * d[0]))
        cols = F.unfold(x, k, dilation=d, stride=s)  # N × (C·kh·kw) × positions
        n, c = x.shape[:2]
        rows_h = (x.shape[2] - d[0] * (k[0] - 1) - 1) // s[0] + 1
        rows_w = (x.shape[3] - d[1] * (k[1] - 1) - 1) // s[1] + 1
        summed = cols.view(n, c, k[0] * k[1], rows_h, rows_w).sum(2)
        return summed[:, :, :out_h, :out_w]


def _pair(v: int | tuple[int, ...]) -> tuple[int, int]:
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[-1]))


def positivise(model: nn.Module, axis: int, tap: str) -> nn.Module:
    """Keep only the first (or last) tap of every conv along ``axis`` and the centre tap across it.

    Every path from an input pixel then carries weight 1 per conv, however deep the net: the leftmost
    input pixel with a gradient is where the receptive field starts (``tap="first"``) and the
    rightmost where it ends (``tap="last"``).  ``tap="all"`` keeps every tap (for shallow nets: the
    support is then the whole region).  Batch norm becomes the identity and max pools become sums
    over the same windows, so no path is cut by a max or a negative weight.
    """
    for name, m in list(model.named_modules()):
        if isinstance(m, nn.Conv2d):
            with torch.no_grad():
                if tap == "all":
                    m.weight.fill_(1.0 / m.weight[0].numel())
                else:
                    m.weight.zero_()
                    k_along, k_across = m.kernel_size[axis - 2], m.kernel_size[3 - axis]
                    index = [slice(None), slice(None), k_across // 2, k_across // 2]
                    index[axis] = 0 if tap == "first" else k_along - 1
                    m.weight[tuple(index)] = 1.0 / m.weight.shape[1]
                if m.bias is not None:
                    m.bias.zero_()
        elif isinstance(m, nn.Linear):
            with torch.no_grad():
                m.weight.fill_(1.0 / m.in_features)
                if m.bias is not None:
                    m.bias.zero_()
        elif isinstance(m, nn.BatchNorm2d):
            m.reset_parameters()
            m.eps = 0.0
        elif isinstance(m, nn.ReLU):
            m.inplace = False  # autograd needs every ReLU's output when two follow each other
        elif isinstance(m, nn.MaxPool2d):
            parent = model.get_submodule(name.rpartition(".")[0]) if "." in name else model
            setattr(parent, name.rpartition(".")[2], WindowSum(m))
    return model.double().eval()


def feature_output(model: nn.Module, x: torch.Tensor, layer: str) -> torch.Tensor:
    """Output of the ``layer`` row (``layer4.2.relu:3`` = the third call of ``layer4.2.relu``)."""
    path, _, nth = layer.partition(":")
    module = model.get_submodule(path)
    calls: list[torch.Tensor] = []
    handle = module.register_forward_hook(lambda m, a, out: calls.append(out.clone()))
    try:
        model(x)
    finally:
        handle.remove()
    return calls[int(nth or 1) - 1]


def support(model: nn.Module, layer: str, axis: int, length: int, thin: int, i: int | None,
            channels: int = 1) -> list[int]:
    """Input positions along ``axis`` with a non-zero gradient for output position ``i`` (all outputs: None)."""
    return _support(model, layer, axis, length, thin, i, channels)


def _support(model: nn.Module, layer: str, axis: int, length: int, thin: int, i: int | None,
             channels: int = 1) -> list[int]:
    """Input positions along ``axis`` with a non-zero gradient for output position ``i``."""
    shape = [1, channels, thin, thin]
    shape[axis] = length
    x = torch.ones(shape, dtype=torch.float64, requires_grad=True)
    out = feature_output(model, x, layer)
    (grad,) = torch.autograd.grad((out if i is None else out.select(axis, i)).sum(), x)
    nz: list[int] = (grad.abs().sum(dim=[d for d in range(4) if d != axis]) > 0).nonzero().flatten().tolist()
    return nz


def measure(build: Callable[[], nn.Module], layer: str, axis: int, length: int, thin: int,
            i: int, channels: int = 1, taps: str = "one") -> Measured:
    """RF size, jump and effective padding of ``layer``'s output position ``i`` along ``axis``.

    ``taps="one"`` keeps one tap per conv (any depth); ``"all"`` keeps every tap (shallow nets).
    """
    if taps == "all":
        first_net = last_net = positivise(build(), axis, "all")
    else:
        first_net, last_net = positivise(build(), axis, "first"), positivise(build(), axis, "last")
    first = _support(first_net, layer, axis, length, thin, i, channels)[0]
    next_first = _support(first_net, layer, axis, length, thin, i + 1, channels)[0]
    last = _support(last_net, layer, axis, length, thin, i, channels)[-1]
    if first == 0 or last == length - 1:
        raise AssertionError(f"probe of length {length} too short: the region touches the border")
    jump = next_first - first
    return Measured(size=last - first + 1, jump=jump, padding=i * jump - first)
