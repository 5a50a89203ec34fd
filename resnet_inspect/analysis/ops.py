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

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import InspectError
from .kinds import PoolKind, RowKind

Shape = tuple[int, ...]
Layer = Any  # a torch layer, or a shape-only stand-in with the same attributes (see .symbolic)
Pair = tuple[int, int]


@dataclass(frozen=True)
class AxisOp:
    """What one op does to the receptive field along one spatial axis.

    ``keep`` (pointwise), ``window`` (a sliding window with these parameters), ``collapse`` (mixes every
    position: a global pool, a fully-connected layer over the axis, normalisation statistics) or
    ``scatter`` (rearranges positions so that no single size and jump describe the units).
    """

    kind: str
    kernel: int = 1
    stride: int = 1
    padding: int = 0
    dilation: int = 1


KEEP, COLLAPSE, SCATTER = AxisOp("keep"), AxisOp("collapse"), AxisOp("scatter")


@dataclass(frozen=True)
class RFEffect:
    """An op's effect on the receptive field per axis (h, w); ``axes=None``: unknown, for ``reason``."""

    axes: tuple[AxisOp, AxisOp] | None
    reason: str | None = None


UNKNOWN_OP = "unknown-op"
UNKNOWN_LAYOUT = "unknown-layout"
NON_UNIFORM = "non-uniform-windows"
FLATTENED = "flattened"
POINTWISE = RFEffect((KEEP, KEEP))
GLOBAL = RFEffect((COLLAPSE, COLLAPSE))


def unknown(reason: str = UNKNOWN_OP) -> RFEffect:
    return RFEffect(None, reason)


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

    kind: RowKind
    out_shape: Callable[[Layer, Shape], Shape]
    geometry: Callable[[Layer, Shape], Geometry | None]
    macs: Callable[[Layer, Shape, Shape, str], int]
    inplace: Callable[[Layer], bool] = lambda m: False
    rf: Callable[[Layer, Shape, Shape], RFEffect] | None = None  # default: the window of ``geometry``, or pointwise
    pool: PoolKind | None = None  # a pooling layer's operation

    def effect(self, module: Layer, in_shape: Shape, out_shape: Shape) -> RFEffect:
        """The op's effect on the receptive field."""
        if self.rf is not None:
            return self.rf(module, in_shape, out_shape)
        return window_effect(self.geometry(module, in_shape))


def window_effect(geo: Geometry | None) -> RFEffect:
    """A sliding window per axis (or pointwise when there is no window)."""
    if geo is None:
        return POINTWISE
    return RFEffect(tuple(AxisOp("window", geo.kernel[a], geo.stride[a], geo.padding[a],  # type: ignore[arg-type]
                                 geo.dilation[a]) for a in (0, 1)))


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


def known_class(module: Layer) -> tuple[type, OpSpec] | None:
    """A layer's nearest class with an entry (matched by name and home module), and that entry."""
    for cls in type(module).__mro__:
        spec = MODULE_OPS.get(cls.__name__)
        if spec is not None and cls.__module__.startswith(KNOWN_HOMES):
            return cls, spec
    return None


def lookup(module: Layer) -> OpSpec | None:
    """The entry for a layer's class (or its nearest known base class), matched by name and home module."""
    found = known_class(module)
    return found[1] if found else None


def stock(module: Layer) -> OpSpec | None:
    """The entry for a layer that runs the known class's own ``forward``; ``None`` when its class or the
    instance replaces it (a TF-"SAME" conv that pads first, a LoRA linear): that code runs, not the formula."""
    found = known_class(module)
    if found is None or "forward" in getattr(module, "__dict__", {}):
        return None
    cls, spec = found
    return spec if getattr(type(module), "forward", None) is getattr(cls, "forward", None) else None


def pair(v: int | Sequence[int]) -> Pair:
    """(h, w) from an int or a 1-/2-sequence."""
    if isinstance(v, int):
        return (v, v)
    t = tuple(int(x) for x in v)
    return (t[0], t[0]) if len(t) == 1 else (t[0], t[1])


def numel(shape: Shape) -> int:
    return math.prod(shape)


def window_out(n: int, k: int, s: int, p: int, d: int = 1, ceil_mode: bool = False) -> int:
    """Output length of a sliding window: ⌊(n + 2p − d(k−1) − 1)/s⌋ + 1 (⌈⌉ with ``ceil_mode``).

    As torch computes it (``pooling_output_shape``): with ``ceil_mode`` a map smaller than the window
    still gives one output when the window starts inside it, and the last window must start inside the
    input or its left padding.  A result below 1 is a map that vanishes.
    """
    span = n + 2 * p - d * (k - 1) - 1
    out = (span + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= n + p:
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
    if m.padding == "same":  # torch pads d·(k−1) in all, the odd pixel on the right: the size is kept
        return (shape[0], m.out_channels, *shape[2:])
    return _window_shape(shape, _conv_geometry(m, shape), m.out_channels)


def _conv_macs(m: Layer, shape: Shape, out: Shape, policy: str) -> int:
    kh, kw = pair(m.kernel_size)
    macs: int = numel(out) * (m.in_channels // m.groups) * kh * kw
    if policy == "torchinfo" and m.bias is not None:
        macs += numel(out)
    return macs


register_op("Conv2d")(OpSpec("conv", _conv_shape, _conv_geometry, _conv_macs))


def _conv1d_shape(m: Layer, shape: Shape) -> Shape:
    if len(shape) != 3:
        raise InspectError(f"Conv1d expects an N×C×L input, got shape {list(shape)}")
    _check_channels(m, shape, m.in_channels)
    length = shape[2] if m.padding == "same" else window_out(
        shape[2], m.kernel_size[0], m.stride[0], 0 if m.padding == "valid" else pair(m.padding)[0], m.dilation[0])
    if length < 1:
        raise VanishingError(f"the length-{shape[2]} signal vanishes under a {m.kernel_size[0]}-tap Conv1d")
    return (shape[0], m.out_channels, length)


def _conv1d_macs(m: Layer, shape: Shape, out: Shape, policy: str) -> int:
    macs: int = numel(out) * (m.in_channels // m.groups) * m.kernel_size[0]
    return macs + (numel(out) if policy == "torchinfo" and m.bias is not None else 0)


# A 1-d conv inside an image network runs over channels (ECA's gate), not over the image: not a layer of depth.
register_op("Conv1d")(OpSpec("conv1d", _conv1d_shape, lambda m, s: None, _conv1d_macs,
                             rf=lambda m, shape, out: unknown(UNKNOWN_LAYOUT)))


# --------------------------------------------------------------------------- linear


def _linear_shape(m: Layer, shape: Shape) -> Shape:
    if shape[-1] != m.in_features:
        raise InspectError(f"Linear expects {m.in_features} input features but gets {shape[-1]} "
                           f"(input shape {list(shape)}); the input size does not fit this head")
    return (*shape[:-1], m.out_features)


def _linear_macs(m: Layer, shape: Shape, out: Shape, policy: str) -> int:
    weights: int = m.in_features * m.out_features
    if policy == "torchinfo":  # torchinfo 1.8.0: batch × (weight + bias elements), whatever the input's rank
        return out[0] * (weights + (m.out_features if m.bias is not None else 0))
    return numel(out[:-1]) * weights


def _no_geometry(m: Layer, shape: Shape) -> None:
    return None


def _linear_rf(m: Layer, shape: Shape, out: Shape) -> RFEffect:
    """A fully-connected layer mixes its last axis: the width of a 4-d map, or everything of a flat vector."""
    if len(shape) == 4:
        return RFEffect((KEEP, COLLAPSE))
    if len(shape) == 2:
        return GLOBAL
    return unknown(UNKNOWN_LAYOUT)


register_op("Linear")(OpSpec("linear", _linear_shape, _no_geometry, _linear_macs, rf=_linear_rf))


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


def reshape_effect(shape: Shape, out: Shape) -> RFEffect:
    """A flatten or view: positions keep their regions, but folded into one axis no jump describes them."""
    if len(shape) != 4 or (len(out) == 4 and out[2:] == shape[2:]):
        return POINTWISE
    return RFEffect(tuple(KEEP if n == 1 else SCATTER for n in shape[2:]), FLATTENED)  # type: ignore[arg-type]


register_op("Flatten")(OpSpec("shape", _flatten_shape, _no_geometry, _zero_macs,
                              rf=lambda m, shape, out: reshape_effect(shape, out)))


# --------------------------------------------------------------------------- pooling


def _pool_geometry(m: Layer, shape: Shape) -> Geometry:
    k = pair(m.kernel_size)
    s = pair(m.stride) if m.stride else k
    d = pair(m.dilation) if hasattr(m, "dilation") else (1, 1)  # average pools have none
    return Geometry(k, s, pair(m.padding), d)


def _pool_shape(m: Layer, shape: Shape) -> Shape:
    geo = _pool_geometry(m, shape)
    for k, p in zip(geo.kernel, geo.padding, strict=True):
        if p > k // 2:  # torch refuses this too (dilation or not)
            raise InspectError(f"{type(m).__name__} padding {p} is more than half of its kernel size {k}; "
                               "torch refuses it: use padding ≤ kernel_size // 2")
    return _window_shape(shape, geo, shape[1], bool(m.ceil_mode))


def _pool_macs(m: Layer, shape: Shape, out: Shape, policy: str) -> int:
    if policy != "all":
        return 0
    geo = _pool_geometry(m, shape)
    return numel(out) * geo.kernel[0] * geo.kernel[1]


register_op("MaxPool2d")(OpSpec("pool", _pool_shape, _pool_geometry, _pool_macs, pool="max"))
register_op("AvgPool2d")(OpSpec("pool", _pool_shape, _pool_geometry, _pool_macs, pool="avg"))


def _adaptive_out(m: Layer, shape: Shape) -> Pair:
    h, w = _spatial(shape, type(m).__name__)
    size = m.output_size
    if isinstance(size, int):
        return size, size
    assert size is not None
    return int(size[0] or h), int(size[1] or w)


def _adaptive_shape(m: Layer, shape: Shape) -> Shape:
    return (shape[0], shape[1], *_adaptive_out(m, shape))


def adaptive_windows(n: int, out: int) -> list[tuple[int, int]]:
    """Input positions ``start … end − 1`` that output position i pools: ⌊i·n/out⌋ … ⌈(i+1)·n/out⌉ − 1 (torch)."""
    return [(i * n // out, -(-(i + 1) * n // out)) for i in range(out)]


def adaptive_axis(n: int, out: int) -> AxisOp:
    """One axis of an adaptive pool: a window when all windows are alike and evenly spaced."""
    wins = adaptive_windows(n, out)
    sizes = {e - s for s, e in wins}
    steps = {b[0] - a[0] for a, b in itertools.pairwise(wins)}
    if len(sizes) == 1 and len(steps) <= 1:
        step = steps.pop() if steps else 1
        if step == 0 or (out == 1 and wins[0] == (0, n)):  # every unit pools the whole axis
            return COLLAPSE
        return AxisOp("window", sizes.pop(), step)
    return SCATTER


def _adaptive_rf(m: Layer, shape: Shape, out: Shape) -> RFEffect:
    axes = (adaptive_axis(shape[2], out[2]), adaptive_axis(shape[3], out[3]))
    return RFEffect(axes, NON_UNIFORM if SCATTER in axes else None)


def _adaptive_geometry(m: Layer, shape: Shape) -> Geometry | None:
    """The window when it is one window for every output pixel (``kernel/stride`` in the table), else none."""
    axes = [adaptive_axis(n, o) for n, o in zip(shape[2:], _adaptive_out(m, shape), strict=True)]
    if any(a.kind == "scatter" for a in axes):
        return None
    return Geometry(tuple(shape[2 + i] if a.kind == "collapse" else a.kernel  # type: ignore[arg-type]
                          for i, a in enumerate(axes)),
                    tuple(shape[2 + i] if a.kind == "collapse" else a.stride  # type: ignore[arg-type]
                          for i, a in enumerate(axes)), (0, 0))


def _adaptive_avg_macs(m: Layer, shape: Shape, out: Shape, policy: str) -> int:
    if policy == "fvcore":  # fvcore counts one per input element of an average pool
        return numel(shape)
    return _adaptive_macs(m, shape, out, policy)


def _adaptive_macs(m: Layer, shape: Shape, out: Shape, policy: str) -> int:
    if policy != "all":
        return 0
    # one per window element: Σᵢ Σⱼ hᵢ·wⱼ = (Σᵢ hᵢ)(Σⱼ wⱼ) per channel
    rows = sum(e - s for s, e in adaptive_windows(shape[2], out[2]))
    cols = sum(e - s for s, e in adaptive_windows(shape[3], out[3]))
    return shape[0] * shape[1] * rows * cols


register_op("AdaptiveAvgPool2d")(
    OpSpec("pool", _adaptive_shape, _adaptive_geometry, _adaptive_avg_macs, rf=_adaptive_rf, pool="adaptive_avg"))
register_op("AdaptiveMaxPool2d")(
    OpSpec("pool", _adaptive_shape, _adaptive_geometry, _adaptive_macs, rf=_adaptive_rf, pool="adaptive_max"))


# --------------------------------------------------------------------------- option A shortcut


def _zeropad_geometry(m: Layer, shape: Shape) -> Geometry:
    return Geometry((1, 1), (m.stride, m.stride), (0, 0))


def _zeropad_shape(m: Layer, shape: Shape) -> Shape:
    return _window_shape(shape, _zeropad_geometry(m, shape), m.out_planes)


register_op("ZeroPadShortcut")(OpSpec("shortcut", _zeropad_shape, _zeropad_geometry, _zero_macs))


# --------------------------------------------------------------------------- layers without a MAC formula

RF_ONLY: dict[str, Callable[[Layer, Shape, Shape], RFEffect]] = {}
POINTWISE_LAYERS = ("ELU", "CELU", "SELU", "Mish", "Softplus", "Softsign", "Hardsigmoid", "Hardtanh", "PReLU",
                    "RReLU", "LogSigmoid", "Tanhshrink", "Threshold", "Hardshrink", "Softshrink", "Dropout1d",
                    "Dropout3d", "AlphaDropout", "FeatureAlphaDropout", "Softmax2d", "LocalResponseNorm",
                    "ChannelShuffle")


def normalised_axes(shape: Shape, dims: Sequence[int]) -> RFEffect:
    """An op whose output at a position depends on every position of the axes ``dims`` (statistics, softmax)."""
    if len(shape) != 4:
        return unknown(UNKNOWN_LAYOUT)
    mixed = {d % 4 for d in dims}
    return RFEffect((COLLAPSE if 2 in mixed else KEEP, COLLAPSE if 3 in mixed else KEEP))


def _layer_norm_rf(m: Layer, shape: Shape, out: Shape) -> RFEffect:
    return normalised_axes(shape, range(-len(tuple(m.normalized_shape)), 0))


def _softmax_rf(m: Layer, shape: Shape, out: Shape) -> RFEffect:
    return unknown(UNKNOWN_LAYOUT) if m.dim is None else normalised_axes(shape, (m.dim,))


for _name in POINTWISE_LAYERS:
    RF_ONLY[_name] = lambda m, shape, out: POINTWISE
for _name in ("GroupNorm", "InstanceNorm2d"):  # statistics over the whole map (per group / channel)
    RF_ONLY[_name] = lambda m, shape, out: normalised_axes(shape, (2, 3))
RF_ONLY["LayerNorm"] = _layer_norm_rf
RF_ONLY["Softmax"] = RF_ONLY["LogSoftmax"] = _softmax_rf


def module_effect(module: Layer, in_shape: Shape, out_shape: Shape) -> RFEffect:
    """A layer's effect on the receptive field: from the op table, the table above, or unknown."""
    spec = lookup(module)
    if spec is not None:
        return spec.effect(module, in_shape, out_shape)
    for cls in type(module).__mro__:
        rule = RF_ONLY.get(cls.__name__)
        if rule is not None and cls.__module__.startswith(KNOWN_HOMES):
            return rule(module, in_shape, out_shape)
    return unknown()


# --------------------------------------------------------------------------- functional ops

def _arg(args: Sequence[Any], kwargs: dict[str, Any], index: int, key: str, default: Any) -> Any:
    if len(args) > index:
        return args[index]
    return kwargs.get(key, default)


def _functional_window(shape: Shape, kernel: Any, stride: Any, padding: Any, dilation: Any) -> RFEffect:
    if len(shape) != 4:
        return unknown(UNKNOWN_LAYOUT)
    k, d = pair(kernel), pair(dilation)
    s = pair(stride) if stride not in (None, (), []) else k
    if isinstance(padding, str):
        p = (0, 0) if padding == "valid" else (d[0] * (k[0] - 1) // 2, d[1] * (k[1] - 1) // 2)
    else:
        p = pair(padding)
    return window_effect(Geometry(k, s, p, d))


def _f_conv(args: Sequence[Any], kw: dict[str, Any], shape: Shape, out: Shape) -> RFEffect:
    weight = _arg(args, kw, 1, "weight", None)
    if weight is None or len(tuple(weight.shape)) != 4:
        return unknown()
    return _functional_window(shape, tuple(weight.shape)[2:], _arg(args, kw, 3, "stride", 1),
                              _arg(args, kw, 4, "padding", 0), _arg(args, kw, 5, "dilation", 1))


def _f_avg_pool(args: Sequence[Any], kw: dict[str, Any], shape: Shape, out: Shape) -> RFEffect:
    return _functional_window(shape, _arg(args, kw, 1, "kernel_size", 1), _arg(args, kw, 2, "stride", None),
                              _arg(args, kw, 3, "padding", 0), 1)


def _f_max_pool(args: Sequence[Any], kw: dict[str, Any], shape: Shape, out: Shape) -> RFEffect:
    return _functional_window(shape, _arg(args, kw, 1, "kernel_size", 1), _arg(args, kw, 2, "stride", None),
                              _arg(args, kw, 3, "padding", 0), _arg(args, kw, 4, "dilation", 1))


def _f_adaptive(args: Sequence[Any], kw: dict[str, Any], shape: Shape, out: Shape) -> RFEffect:
    if len(shape) != 4 or len(out) != 4:
        return unknown(UNKNOWN_LAYOUT)
    axes = (adaptive_axis(shape[2], out[2]), adaptive_axis(shape[3], out[3]))
    return RFEffect(axes, NON_UNIFORM if SCATTER in axes else None)


def _f_reduce(args: Sequence[Any], kw: dict[str, Any], shape: Shape, out: Shape) -> RFEffect:
    dim = _arg(args, kw, 1, "dim", None)
    if dim is None or dim == ():
        return GLOBAL if len(shape) == 4 else unknown(UNKNOWN_LAYOUT)
    if not isinstance(dim, int | tuple | list) or len(shape) != 4:
        return unknown(UNKNOWN_LAYOUT)
    return normalised_axes(shape, (dim,) if isinstance(dim, int) else tuple(dim))


def _f_softmax(args: Sequence[Any], kw: dict[str, Any], shape: Shape, out: Shape) -> RFEffect:
    dim = _arg(args, kw, 1, "dim", None)
    return normalised_axes(shape, (dim,)) if isinstance(dim, int) else unknown(UNKNOWN_LAYOUT)


def _f_layer_norm(args: Sequence[Any], kw: dict[str, Any], shape: Shape, out: Shape) -> RFEffect:
    normalized = tuple(_arg(args, kw, 1, "normalized_shape", ()))
    return normalised_axes(shape, range(-len(normalized), 0))


def _f_batch_norm(args: Sequence[Any], kw: dict[str, Any], shape: Shape, out: Shape) -> RFEffect:
    training = bool(_arg(args, kw, 5, "training", False))  # batch statistics mix every position
    return normalised_axes(shape, (2, 3)) if training else POINTWISE


def _f_linear(args: Sequence[Any], kw: dict[str, Any], shape: Shape, out: Shape) -> RFEffect:
    return _linear_rf(None, shape, out)


FUNCTIONAL: dict[str, Callable[[Sequence[Any], dict[str, Any], Shape, Shape], RFEffect]] = {
    "conv2d": _f_conv, "avg_pool2d": _f_avg_pool, "max_pool2d": _f_max_pool,
    "adaptive_avg_pool2d": _f_adaptive, "adaptive_max_pool2d": _f_adaptive, "matmul": _f_linear,
    "group_norm": lambda a, k, s, o: normalised_axes(s, (2, 3)),
    "instance_norm": lambda a, k, s, o: normalised_axes(s, (2, 3)),
    "layer_norm": _f_layer_norm, "batch_norm": _f_batch_norm, "linear": _f_linear,
    "softmax": _f_softmax, "log_softmax": _f_softmax,
    **{name: _f_reduce for name in ("mean", "sum", "amax", "amin", "std", "var", "logsumexp", "nansum",
                                    "nanmean")},
}


def functional_effect(name: str, args: Sequence[Any], kwargs: dict[str, Any], shape: Shape,
                      out: Shape) -> RFEffect:
    """A functional op's effect on the receptive field, from its arguments (unknown if not in the table)."""
    rule = FUNCTIONAL.get(name)
    return rule(args, kwargs, shape, out) if rule is not None else unknown()


def _f_pad(args: Sequence[Any], kw: dict[str, Any], shape: Shape, out: Shape) -> RFEffect:
    """Constant padding shifts the map: one more (or, cropping, one less) pixel of padding before it.

    Reflect, replicate and circular padding read pixels inside the map at the border, so the units there
    see regions no size and jump describe.
    """
    pad = tuple(_arg(args, kw, 1, "pad", ()))
    mode = _arg(args, kw, 2, "mode", "constant")
    if len(shape) != 4 or len(out) != 4 or not pad or any(p for p in pad[4:]) or mode != "constant":
        return unknown(UNKNOWN_LAYOUT if mode == "constant" else UNKNOWN_OP)
    left, top = pad[0], pad[2] if len(pad) > 2 else 0
    return RFEffect((AxisOp("window", 1, 1, int(top)), AxisOp("window", 1, 1, int(left))))


def _f_unshuffle(args: Sequence[Any], kw: dict[str, Any], shape: Shape, out: Shape) -> RFEffect:
    """Space-to-depth: output pixel i holds input pixels i·r … i·r + r − 1 across its channels."""
    r = int(_arg(args, kw, 1, "downscale_factor", 1))
    return RFEffect((AxisOp("window", r, r), AxisOp("window", r, r))) if len(shape) == 4 else unknown(UNKNOWN_LAYOUT)


FUNCTIONAL.update({"pad": _f_pad, "pixel_unshuffle": _f_unshuffle,
                   "pixel_shuffle": lambda a, k, s, o: unknown(UNKNOWN_LAYOUT)})


# --------------------------------------------------------------------------- functional ops' MACs

FREE_OPS = frozenset({
    "pad", "split", "chunk", "unbind", "tensor_split", "cat", "concat", "concatenate", "stack", "permute",
    "transpose", "view", "reshape", "flatten", "contiguous", "squeeze", "unsqueeze", "pixel_shuffle",
    "pixel_unshuffle", "__getitem__", "narrow", "select", "expand", "expand_as", "clone", "detach", "to", "float",
    "type_as", "dropout", "unflatten", "movedim", "swapaxes", "t"})
MATMUL_OPS = frozenset({"matmul", "mm", "bmm", "__matmul__", "__rmatmul__"})


def _shape_of(t: Any) -> Shape:
    return tuple(t.shape) if hasattr(t, "shape") else ()


def _f_conv_macs(a: Sequence[Any], kw: dict[str, Any], shape: Shape, out: Shape, policy: str) -> int | None:
    w = _shape_of(_arg(a, kw, 1, "weight", None))
    if len(w) < 3:
        return None
    macs = numel(out) * numel(w[1:])
    bias = _arg(a, kw, 2, "bias", None)
    return macs + (numel(out) if policy == "torchinfo" and bias is not None else 0)


def _f_linear_macs(a: Sequence[Any], kw: dict[str, Any], shape: Shape, out: Shape, policy: str) -> int | None:
    w = _shape_of(_arg(a, kw, 1, "weight", None))
    if len(w) != 2:
        return None
    bias = _arg(a, kw, 2, "bias", None)
    if policy == "torchinfo":  # as for a Linear module: batch × (weight + bias elements)
        return out[0] * (numel(w) + (w[0] if bias is not None else 0))
    return numel(out[:-1]) * w[0] * w[1]


def _f_matmul_macs(a: Sequence[Any], kw: dict[str, Any], shape: Shape, out: Shape, policy: str) -> int | None:
    """out = A @ B: one MAC per output element per step of the shared axis (A's last); torchinfo counts none."""
    left = _shape_of(a[0]) if a else ()
    if not left:
        return None
    return 0 if policy == "torchinfo" else max(numel(out), 1) * left[-1]


def _f_batch_norm_macs(a: Sequence[Any], kw: dict[str, Any], shape: Shape, out: Shape, policy: str) -> int | None:
    weight, bias = _arg(a, kw, 3, "weight", None), _arg(a, kw, 4, "bias", None)
    if policy == "all":
        return numel(out)
    if policy == "fvcore":
        return numel(out) * (2 if weight is not None else 1)
    if policy == "torchinfo":  # the module's weight and bias elements per sample
        return out[0] * sum(numel(_shape_of(t)) for t in (weight, bias) if t is not None)
    return 0


def _f_pool_macs(a: Sequence[Any], kw: dict[str, Any], shape: Shape, out: Shape, policy: str) -> int | None:
    k = pair(_arg(a, kw, 1, "kernel_size", 1))
    return numel(out) * k[0] * k[1] if policy == "all" else 0


def _f_adaptive_macs(a: Sequence[Any], kw: dict[str, Any], shape: Shape, out: Shape, policy: str) -> int | None:
    if len(shape) != 4 or len(out) != 4:
        return None
    if policy == "fvcore":
        return numel(shape) if kw.get("_avg", False) else 0
    if policy != "all":
        return 0
    rows = sum(e - s for s, e in adaptive_windows(shape[2], out[2]))
    cols = sum(e - s for s, e in adaptive_windows(shape[3], out[3]))
    return shape[0] * shape[1] * rows * cols


def _f_norm_macs(weight_index: int) -> Callable[[Sequence[Any], dict[str, Any], Shape, Shape, str], int | None]:
    """Layer and group norm: 1 per element under ``all``; fvcore's 5 per input element when affine, else 4."""

    def macs(a: Sequence[Any], kw: dict[str, Any], shape: Shape, out: Shape, policy: str) -> int | None:
        if policy == "all":
            return numel(out)
        weight, bias = _arg(a, kw, weight_index, "weight", None), _arg(a, kw, weight_index + 1, "bias", None)
        if policy == "fvcore":
            return numel(shape) * (5 if weight is not None else 4)
        if policy == "torchinfo":  # the module's weight and bias elements per sample
            return out[0] * sum(numel(_shape_of(t)) for t in (weight, bias) if t is not None)
        return 0

    return macs


FUNCTIONAL_MACS: dict[str, Callable[[Sequence[Any], dict[str, Any], Shape, Shape, str], int | None]] = {
    "layer_norm": _f_norm_macs(2), "group_norm": _f_norm_macs(2),
    "conv2d": _f_conv_macs, "linear": _f_linear_macs, "batch_norm": _f_batch_norm_macs,
    "max_pool2d": _f_pool_macs, "avg_pool2d": _f_pool_macs, "max_pool2d_with_indices": _f_pool_macs,
    "adaptive_max_pool2d": _f_adaptive_macs,
    "adaptive_avg_pool2d": lambda a, k, s, o, p: _f_adaptive_macs(a, {**k, "_avg": True}, s, o, p),
    **{name: _f_matmul_macs for name in MATMUL_OPS},
}
FUNCTIONAL_KINDS: dict[str, RowKind] = {
                    "conv2d": "conv", "linear": "linear", "batch_norm": "norm", "layer_norm": "norm",
                    "group_norm": "norm", "max_pool2d": "pool",
                    "avg_pool2d": "pool", "adaptive_avg_pool2d": "pool", "adaptive_max_pool2d": "pool",
                    "max_pool2d_with_indices": "pool", **{name: "matmul" for name in MATMUL_OPS}}


def functional_macs(name: str, args: Sequence[Any], kwargs: dict[str, Any], shape: Shape, out: Shape,
                    policies: Sequence[str]) -> dict[str, int] | None:
    """A functional op's MACs under each policy (``None``: no formula; ops in :data:`FREE_OPS` cost 0)."""
    if name in FREE_OPS:
        return dict.fromkeys(policies, 0)
    rule = FUNCTIONAL_MACS.get(name)
    if rule is None:
        return None
    out_macs = {p: rule(args, kwargs, shape, out, p) for p in policies}
    if any(v is None for v in out_macs.values()):
        return None
    return {p: int(v or 0) for p, v in out_macs.items()}


def _f_getitem(args: Sequence[Any], kw: dict[str, Any], shape: Shape, out: Shape) -> RFEffect:
    """Indexing that keeps both spatial axes whole (a channel or batch slice) keeps every position."""
    index = args[1] if len(args) > 1 else None
    items = index if isinstance(index, tuple) else (index,)
    spatial = items[2:4] if Ellipsis not in items else ()
    whole = all(isinstance(i, slice) and i == slice(None) for i in spatial)
    if len(shape) == 4 and len(out) == 4 and out[2:] == shape[2:] and whole:
        return POINTWISE
    return unknown(UNKNOWN_LAYOUT)


FUNCTIONAL.update({"max_pool2d_with_indices": _f_max_pool, "__getitem__": _f_getitem})


# --------------------------------------------------------------------------- padding layers


def _pad_sides(m: Layer) -> tuple[int, int, int, int]:
    """(left, right, top, bottom) of a padding layer."""
    p = m.padding
    return (p, p, p, p) if isinstance(p, int) else tuple(int(v) for v in p)  # type: ignore[return-value]


def _pad_shape(m: Layer, shape: Shape) -> Shape:
    left, right, top, bottom = _pad_sides(m)
    h, w = _spatial(shape, type(m).__name__)
    return (shape[0], shape[1], h + top + bottom, w + left + right)


def _pad_rf(m: Layer, shape: Shape, out: Shape) -> RFEffect:
    left, _, top, _ = _pad_sides(m)
    if type(m).__name__ not in ("ZeroPad2d", "ConstantPad2d"):  # mirrored or repeated border pixels
        return unknown()
    return RFEffect((AxisOp("window", 1, 1, top), AxisOp("window", 1, 1, left)))


register_op("ZeroPad2d", "ConstantPad2d", "ReflectionPad2d", "ReplicationPad2d", "CircularPad2d")(
    OpSpec("shape", _pad_shape, _no_geometry, _zero_macs, rf=_pad_rf))


def _shuffle_shape(m: Layer, shape: Shape) -> Shape:
    n, c, h, w = (*shape[:2], *_spatial(shape, type(m).__name__))
    if type(m).__name__ == "PixelUnshuffle":
        r = int(m.downscale_factor)
        if h % r or w % r:
            raise InspectError(f"PixelUnshuffle({r}) needs a map whose sides divide by {r}, not {h}×{w}")
        return (n, c * r * r, h // r, w // r)
    r = int(m.upscale_factor)
    if c % (r * r):
        raise InspectError(f"PixelShuffle({r}) needs channels divisible by {r * r}, not {c}")
    return (n, c // (r * r), h * r, w * r)


def _shuffle_rf(m: Layer, shape: Shape, out: Shape) -> RFEffect:
    """Space-to-depth: an output pixel holds an r×r block (a window of r, stride r); depth-to-space spreads
    one pixel over r×r outputs, which no whole jump describes."""
    if type(m).__name__ == "PixelUnshuffle":
        r = int(m.downscale_factor)
        return RFEffect((AxisOp("window", r, r), AxisOp("window", r, r)))
    return unknown(UNKNOWN_LAYOUT)


register_op("PixelUnshuffle", "PixelShuffle")(OpSpec("shape", _shuffle_shape, _no_geometry, _zero_macs,
                                                     rf=_shuffle_rf))


def _norm_layer_macs(m: Layer, shape: Shape, out: Shape, policy: str) -> int:
    """nn.LayerNorm and nn.GroupNorm: as their functional op; torchinfo's batch × (weight + bias elements)."""
    affine = getattr(m, "weight", None) is not None
    if policy == "torchinfo":
        return out[0] * sum(t.numel() for t in (m.weight, getattr(m, "bias", None)) if t is not None) if affine else 0
    if policy == "fvcore":
        return numel(shape) * (5 if affine else 4)
    return numel(out) if policy == "all" else 0


register_op("LayerNorm")(OpSpec("norm", _same_shape, _no_geometry, _norm_layer_macs, rf=_layer_norm_rf))
register_op("GroupNorm")(OpSpec("norm", _same_shape, _no_geometry, _norm_layer_macs,
                                rf=lambda m, shape, out: normalised_axes(shape, (2, 3))))


def torchinfo_leaf_macs(params: Sequence[Any], out: Shape) -> int:
    """torchinfo 1.8.0 for a leaf layer it has no formula for: batch × its parameters' elements."""
    return out[0] * sum(int(p.numel()) for p in params) if out else 0
