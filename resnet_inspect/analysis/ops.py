"""One small pure function per operator: output shape, window geometry and multiply-accumulates.

The analysis never runs a known layer's kernel: it computes the output shape from the layer's
attributes (tests check every shape against a real forward pass).  Each module type has one entry
in :data:`MODULE_OPS`, registered once; a type with no entry is reported as unsupported, never
counted as zero.

MAC policies (what a multiply-accumulate count includes; FLOPs are always 2 × MACs):

``conv-fc``
    conv and fully-connected multiply-accumulates, bias excluded.  This is what torchvision's
    "GFLOPS" (``_ops``) and the paper's Table 1 "FLOPs" count.
``all``
    conv-fc, plus one MAC per output element for batch norm (a fused scale-and-shift), activations
    and residual adds, and one per window element for pooling.
``torchinfo``
    torchinfo 1.8's "mult-adds": conv-fc with fc bias, plus 2·C per batch norm per sample.
``fvcore``
    fvcore's FlopCountAnalysis (one FMA = one flop): conv-fc, plus two per element for an affine
    batch norm in eval mode and one per input element for adaptive average pooling.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import InspectError

Shape = tuple[int, ...]
Layer = Any  # a torch layer, or a shape-only stand-in with the same attributes (see .symbolic)
Pair = tuple[int, int]

@dataclass(frozen=True)
class Geometry:
    """A sliding window, per axis (h, w): what the receptive-field recurrence needs."""

    kernel: Pair
    stride: Pair
    padding: Pair
    dilation: Pair = (1, 1)
    groups: int = 1


@dataclass(frozen=True)
class OpSpec:
    """How to account for one module type."""

    kind: str  # conv | linear | norm | act | pool | shape | shortcut
    out_shape: Callable[[Layer, Shape], Shape]
    geometry: Callable[[Layer, Shape], Geometry | None]
    macs: Callable[[Layer, Shape, Shape, str], int]
    inplace: Callable[[Layer], bool] = lambda m: False


MODULE_OPS: dict[str, OpSpec] = {}
# Where the layer classes of the table live: torch's own, this package's, and the shape-only
# stand-ins of the torch-free path; a user's class of the same name elsewhere is not mistaken for one.
KNOWN_HOMES = ("torch.nn", "resnet_inspect")


def register_op(*types: str) -> Callable[[OpSpec], OpSpec]:
    """Register one :class:`OpSpec` for layer class names; a second registration is an error."""

    def add(spec: OpSpec) -> OpSpec:
        for t in types:
            if t in MODULE_OPS:
                raise ValueError(f"{t} already has an op entry")
            MODULE_OPS[t] = spec
        return spec

    return add


def lookup(module: Layer) -> OpSpec | None:
    """The entry for a layer's class (or its nearest known base class), matched by name and home module."""
    for cls in type(module).__mro__:
        spec = MODULE_OPS.get(cls.__name__)
        if spec is not None and cls.__module__.startswith(KNOWN_HOMES):
            return spec
    return None


def pair(v: int | Sequence[int]) -> Pair:
    """(h, w) from an int or a 1-/2-sequence."""
    if isinstance(v, int):
        return (v, v)
    t = tuple(int(x) for x in v)
    return (t[0], t[0]) if len(t) == 1 else (t[0], t[1])


def numel(shape: Shape) -> int:
    return math.prod(shape)


def window_out(n: int, k: int, s: int, p: int, d: int = 1, ceil_mode: bool = False) -> int:
    """Output length of a sliding window: ⌊(n + 2p − d(k−1) − 1)/s⌋ + 1 (⌈⌉ with ``ceil_mode``)."""
    span = n + 2 * p - d * (k - 1) - 1
    if span < 0:
        return 0
    out = (-(-span // s) if ceil_mode else span // s) + 1
    if ceil_mode and (out - 1) * s >= n + p:  # the last window must start inside the input or left padding
        out -= 1
    return out


class VanishingError(InspectError):
    """A feature map has no pixels left; carries the spatial input size that failed."""


def _spatial(shape: Shape, what: str) -> Pair:
    if len(shape) != 4:
        raise InspectError(f"{what} expects a 4-d N×C×H×W input, got shape {list(shape)}")
    return shape[2], shape[3]


def _check_channels(module: Layer, shape: Shape, expected: int) -> None:
    if len(shape) >= 2 and shape[1] != expected:
        raise InspectError(f"input has {shape[1]} channel(s) but {type(module).__name__} expects {expected}; "
                           f"give --input {expected}xHxW (or leave the channels out)")


def _window_shape(shape: Shape, geo: Geometry, out_channels: int, ceil_mode: bool = False) -> Shape:
    h, w = _spatial(shape, "a window")
    oh = window_out(h, geo.kernel[0], geo.stride[0], geo.padding[0], geo.dilation[0], ceil_mode)
    ow = window_out(w, geo.kernel[1], geo.stride[1], geo.padding[1], geo.dilation[1], ceil_mode)
    if oh < 1 or ow < 1:
        raise VanishingError(f"the {h}×{w} feature map vanishes (a {geo.kernel[0]}×{geo.kernel[1]} window "
                             f"with padding {geo.padding[0]} does not fit)")
    return (shape[0], out_channels, oh, ow)


# --------------------------------------------------------------------------- convolution


def _conv_padding(m: Layer) -> Pair:
    if isinstance(m.padding, str):
        if m.padding == "valid":
            return (0, 0)
        k, d = pair(m.kernel_size), pair(m.dilation)
        return (d[0] * (k[0] - 1) // 2, d[1] * (k[1] - 1) // 2)
    return pair(m.padding)


def _conv_geometry(m: Layer, shape: Shape) -> Geometry:
    return Geometry(pair(m.kernel_size), pair(m.stride), _conv_padding(m), pair(m.dilation), int(m.groups))


def _conv_shape(m: Layer, shape: Shape) -> Shape:
    _spatial(shape, "Conv2d")
    _check_channels(m, shape, m.in_channels)
    return _window_shape(shape, _conv_geometry(m, shape), m.out_channels)


def _conv_macs(m: Layer, shape: Shape, out: Shape, policy: str) -> int:
    kh, kw = pair(m.kernel_size)
    macs: int = numel(out) * (m.in_channels // m.groups) * kh * kw
    if policy == "torchinfo" and m.bias is not None:
        macs += numel(out)
    return macs


register_op("Conv2d")(OpSpec("conv", _conv_shape, _conv_geometry, _conv_macs))


# --------------------------------------------------------------------------- linear


def _linear_shape(m: Layer, shape: Shape) -> Shape:
    if shape[-1] != m.in_features:
        raise InspectError(f"Linear expects {m.in_features} input features but gets {shape[-1]} "
                           f"(input shape {list(shape)}); the input size does not fit this head")
    return (*shape[:-1], m.out_features)


def _linear_macs(m: Layer, shape: Shape, out: Shape, policy: str) -> int:
    rows = numel(out[:-1])
    macs: int = rows * m.in_features * m.out_features
    if policy == "torchinfo" and m.bias is not None:
        macs += rows * m.out_features
    return macs


def _no_geometry(m: Layer, shape: Shape) -> None:
    return None


register_op("Linear")(OpSpec("linear", _linear_shape, _no_geometry, _linear_macs))


# --------------------------------------------------------------------------- element-wise


def _same_shape(m: Layer, shape: Shape) -> Shape:
    return shape


def _bn_shape(m: Layer, shape: Shape) -> Shape:
    _check_channels(m, shape, m.num_features)
    return shape


def _bn_macs(m: Layer, shape: Shape, out: Shape, policy: str) -> int:
    if policy == "all":
        return numel(out)
    if policy == "fvcore":  # fvcore's batchnorm_flop_jit in eval mode: 2 per element when affine
        return numel(out) * (2 if m.affine else 1)
    if policy == "torchinfo":
        return 2 * m.num_features * shape[0] if m.affine else 0
    return 0


def elementwise_macs(out: Shape, policy: str) -> int:
    """Activations and adds: one per output element under ``all``, nothing otherwise."""
    return numel(out) if policy == "all" else 0


def _act_macs(m: Layer, shape: Shape, out: Shape, policy: str) -> int:
    return elementwise_macs(out, policy)


def _zero_macs(m: Layer, shape: Shape, out: Shape, policy: str) -> int:
    return 0


def _inplace(m: Layer) -> bool:
    return bool(getattr(m, "inplace", False))


register_op("BatchNorm1d", "BatchNorm2d", "SyncBatchNorm")(OpSpec("norm", _bn_shape, _no_geometry, _bn_macs))
register_op("ReLU", "ReLU6", "LeakyReLU", "SiLU", "GELU", "Sigmoid", "Hardswish", "Tanh")(
    OpSpec("act", _same_shape, _no_geometry, _act_macs, _inplace))
register_op("Identity", "Dropout", "Dropout2d")(OpSpec("shape", _same_shape, _no_geometry, _zero_macs))


def _flatten_shape(m: Layer, shape: Shape) -> Shape:
    return flatten_shape(shape, m.start_dim, m.end_dim)


def flatten_shape(shape: Shape, start: int = 0, end: int = -1) -> Shape:
    """The shape ``torch.flatten(x, start, end)`` gives."""
    n = len(shape)
    start, end = start % n if n else 0, end % n if n else 0
    return (*shape[:start], numel(shape[start:end + 1]), *shape[end + 1:])


register_op("Flatten")(OpSpec("shape", _flatten_shape, _no_geometry, _zero_macs))


# --------------------------------------------------------------------------- pooling


def _pool_geometry(m: Layer, shape: Shape) -> Geometry:
    k = pair(m.kernel_size)
    s = pair(m.stride) if m.stride else k
    d = pair(m.dilation) if hasattr(m, "dilation") else (1, 1)  # average pools have none
    return Geometry(k, s, pair(m.padding), d)


def _pool_shape(m: Layer, shape: Shape) -> Shape:
    return _window_shape(shape, _pool_geometry(m, shape), shape[1], bool(m.ceil_mode))


def _pool_macs(m: Layer, shape: Shape, out: Shape, policy: str) -> int:
    if policy != "all":
        return 0
    geo = _pool_geometry(m, shape)
    return numel(out) * geo.kernel[0] * geo.kernel[1]


register_op("MaxPool2d", "AvgPool2d")(OpSpec("pool", _pool_shape, _pool_geometry, _pool_macs))


def _adaptive_out(m: Layer, shape: Shape) -> Pair:
    h, w = _spatial(shape, type(m).__name__)
    size = m.output_size
    if isinstance(size, int):
        return size, size
    assert size is not None
    return int(size[0] or h), int(size[1] or w)


def _adaptive_shape(m: Layer, shape: Shape) -> Shape:
    return (shape[0], shape[1], *_adaptive_out(m, shape))


def _adaptive_geometry(m: Layer, shape: Shape) -> Geometry:
    # Output pixel i pools rows ⌊i·H/oh⌋ … ⌈(i+1)·H/oh⌉−1: exact for the first output pixel; the
    # stride is exact when oh divides H (always for a global pool) and the mean step otherwise.
    h, w = shape[2], shape[3]
    oh, ow = _adaptive_out(m, shape)
    return Geometry((-(-h // oh), -(-w // ow)), (max(h // oh, 1), max(w // ow, 1)), (0, 0))


def _adaptive_macs(m: Layer, shape: Shape, out: Shape, policy: str) -> int:
    counted = policy == "all" or (policy == "fvcore" and "Avg" in type(m).__name__)
    return numel(shape) if counted else 0


register_op("AdaptiveAvgPool2d", "AdaptiveMaxPool2d")(
    OpSpec("pool", _adaptive_shape, _adaptive_geometry, _adaptive_macs))


# --------------------------------------------------------------------------- option A shortcut


def _zeropad_geometry(m: Layer, shape: Shape) -> Geometry:
    return Geometry((1, 1), (m.stride, m.stride), (0, 0))


def _zeropad_shape(m: Layer, shape: Shape) -> Shape:
    return _window_shape(shape, _zeropad_geometry(m, shape), m.out_planes)


register_op("ZeroPadShortcut")(OpSpec("shortcut", _zeropad_shape, _zeropad_geometry, _zero_macs))
