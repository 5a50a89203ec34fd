"""The torch-free pass: walk a spec's network with shape-only stand-ins, without importing torch.

:mod:`resnet_inspect.models` builds a spec as torch modules; this module builds the same network from the
same plan (:func:`~resnet_inspect.specs.plan_blocks`) out of stand-ins that carry only what the op table
reads (channels, kernel, stride, padding, ...), and calls them in the order the modules' ``forward``
code does.  The :class:`~.recorder.Recorder` turns both into the same trace, so a registry name is
analysed in the time Python takes to start, while the torch pass stays the reference: the tests compare
the two row for row for every variant, input size and MAC policy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ..specs import BlockPlan, Spec, bottleneck_width, final_channels, plan_blocks
from . import ops
from .ops import Pair, Shape
from .recorder import Recorder, Trace

# --------------------------------------------------------------------------- stand-ins (torch's names)


class _Layer:
    """A stand-in layer: the attributes the op table reads, and its own parameter count."""

    params = 0


@dataclass(frozen=True)
class SymTensor:
    """A shape and nothing else."""

    shape: Shape


@dataclass(eq=False)
class Conv2d(_Layer):
    in_channels: int
    out_channels: int
    kernel_size: Pair
    stride: Pair = (1, 1)
    padding: Pair = (0, 0)
    dilation: Pair = (1, 1)
    groups: int = 1
    bias: bool | None = None

    @property
    def params(self) -> int:  # type: ignore[override]
        weights = self.out_channels * (self.in_channels // self.groups) * math.prod(self.kernel_size)
        return weights + (self.out_channels if self.bias else 0)


@dataclass(eq=False)
class BatchNorm2d(_Layer):
    num_features: int
    affine: bool = True

    @property
    def params(self) -> int:  # type: ignore[override]
        return 2 * self.num_features if self.affine else 0


@dataclass(eq=False)
class ReLU(_Layer):
    inplace: bool = True


@dataclass(eq=False)
class MaxPool2d(_Layer):
    kernel_size: int
    stride: int
    padding: int = 0
    dilation: int = 1
    ceil_mode: bool = False


@dataclass(eq=False)
class AdaptiveAvgPool2d(_Layer):
    output_size: Pair


@dataclass(eq=False)
class Linear(_Layer):
    in_features: int
    out_features: int
    bias: bool | None = True

    @property
    def params(self) -> int:  # type: ignore[override]
        return self.in_features * self.out_features + (self.out_features if self.bias else 0)


@dataclass(eq=False)
class Dropout(_Layer):
    p: float = 0.5


@dataclass(eq=False)
class ZeroPadShortcut(_Layer):
    in_planes: int
    out_planes: int
    stride: int


def conv3x3(cin: int, cout: int, stride: int = 1, groups: int = 1) -> Conv2d:
    return Conv2d(cin, cout, (3, 3), (stride, stride), (1, 1), groups=groups)


def conv1x1(cin: int, cout: int, stride: int = 1) -> Conv2d:
    return Conv2d(cin, cout, (1, 1), (stride, stride))


# --------------------------------------------------------------------------- the pass


class _SymRecorder(Recorder):
    def new_output(self, shape: Shape, like: Any) -> SymTensor:
        return SymTensor(shape)

    def count_params(self, module: Any) -> tuple[int, int]:
        return module.params, module.params

    def call(self, name: str, layer: _Layer, x: SymTensor) -> SymTensor:
        op = ops.lookup(layer)
        assert op is not None, type(layer).__name__
        out: SymTensor = self.leaf(layer, name, op, x)
        return out


class _Walk:
    """Calls the stand-ins in the order of ``ResNet.forward`` / ``VGG.forward`` and the blocks'."""

    def __init__(self, spec: Spec) -> None:
        self.spec, self.rec = spec, _SymRecorder()

    def scope(self, name: str, type_name: str, x: SymTensor) -> None:
        self.rec.open_scope(name, type_name, x)

    def run(self, shape: Shape) -> Trace:
        x = SymTensor(shape)
        self.rec.add_input(x)
        out = self.vgg(x) if self.spec.is_vgg else self.resnet(x)
        return self.rec.finish(out)

    def resnet(self, x: SymTensor) -> SymTensor:
        spec, call = self.spec, self.rec.call
        preact = spec.block.startswith("preact")
        self.scope("", "ResNet", x)
        if spec.stem == "imagenet":
            x = call("conv1", Conv2d(spec.in_channels, spec.stem_width, (7, 7), (2, 2), (3, 3)), x)
        else:
            x = call("conv1", conv3x3(spec.in_channels, spec.stem_width), x)
        if not preact:
            x = call("relu", ReLU(), call("bn1", BatchNorm2d(spec.stem_width), x))
        if spec.stem == "imagenet":
            x = call("maxpool", MaxPool2d(3, 2, spec.maxpool_padding, ceil_mode=spec.maxpool_ceil), x)
        for i, stage in enumerate(plan_blocks(spec)):
            name = f"layer{i + 1}"
            self.scope(name, "Sequential", x)
            for j, plan in enumerate(stage):
                x = self.block(f"{name}.{j}", plan, x)
            self.rec.close_scope(x)
        channels = final_channels(spec)
        if preact:
            x = call("relu", ReLU(), call("bn", BatchNorm2d(channels), x))
        if spec.include_top:
            x = self.rec.apply_op("flatten", [call("avgpool", AdaptiveAvgPool2d((1, 1)), x)], 1)
            x = call("fc", Linear(channels, spec.num_classes), x)
        self.rec.close_scope(x)
        return x

    def shortcut(self, name: str, b: BlockPlan, x: SymTensor, preact: bool) -> SymTensor:
        path = f"{name}.downsample"
        if b.shortcut == "zero-pad":
            return self.rec.call(path, ZeroPadShortcut(b.inplanes, b.out_planes, b.stride), x)
        if preact:
            return self.rec.call(path, conv1x1(b.inplanes, b.out_planes, b.stride), x)
        self.scope(path, "Sequential", x)
        y = self.rec.call(f"{path}.0", conv1x1(b.inplanes, b.out_planes, b.stride), x)
        y = self.rec.call(f"{path}.1", BatchNorm2d(b.out_planes), y)
        self.rec.close_scope(y)
        return y

    def block(self, name: str, b: BlockPlan, x: SymTensor) -> SymTensor:
        kind = self.spec.block
        type_name = {"basic": "BasicBlock", "bottleneck": "Bottleneck", "preact-basic": "PreActBasicBlock",
                     "preact-bottleneck": "PreActBottleneck"}[kind]
        self.scope(name, type_name, x)
        out = self.preact_block(name, b, x) if kind.startswith("preact") else self.post_block(name, b, x)
        self.rec.close_scope(out)
        return out

    def post_block(self, name: str, b: BlockPlan, x: SymTensor) -> SymTensor:
        """BasicBlock / Bottleneck: conv → BN → ReLU ..., shortcut, in-place add, ReLU (no add when plain)."""
        spec, call = self.spec, self.rec.call
        if spec.block == "basic":
            convs = [conv3x3(b.inplanes, b.planes, b.stride), conv3x3(b.planes, b.planes)]
        else:
            width = bottleneck_width(b.planes, spec.groups, spec.width_per_group)
            s1, s3 = (b.stride, 1) if spec.stride_on == "1x1" else (1, b.stride)
            convs = [conv1x1(b.inplanes, width, s1), conv3x3(width, width, s3, spec.groups),
                     conv1x1(width, b.out_planes)]
        out = x
        for k, conv in enumerate(convs, 1):
            out = call(f"{name}.bn{k}", BatchNorm2d(conv.out_channels), call(f"{name}.conv{k}", conv, out))
            if k < len(convs):
                out = call(f"{name}.relu", ReLU(), out)
        if b.shortcut != "none":
            identity = x if b.shortcut == "identity" else self.shortcut(name, b, x, preact=False)
            out = self.rec.apply_op("__iadd__", [out, identity])
        return call(f"{name}.relu", ReLU(), out)

    def preact_block(self, name: str, b: BlockPlan, x: SymTensor) -> SymTensor:
        """Pre-activation units (the authors' wiring, see :mod:`resnet_inspect.models.blocks`).

        ``bn1 → relu`` on the input; a projection reads that pre-activated tensor, an identity shortcut
        the raw input; then (BN → ReLU →) conv per conv, the stride on the first conv; then the add.
        """
        call = self.rec.call
        if self.spec.block == "preact-basic":
            convs = [conv3x3(b.inplanes, b.planes, b.stride), conv3x3(b.planes, b.planes)]
        else:
            convs = [conv1x1(b.inplanes, b.planes, b.stride), conv3x3(b.planes, b.planes),
                     conv1x1(b.planes, b.out_planes)]
        pre = call(f"{name}.relu", ReLU(), call(f"{name}.bn1", BatchNorm2d(b.inplanes), x))
        shortcut = x if b.shortcut in ("identity", "none") else self.shortcut(name, b, pre, preact=True)
        out = call(f"{name}.conv1", convs[0], pre)
        for k, conv in enumerate(convs[1:], 2):
            out = call(f"{name}.relu", ReLU(), call(f"{name}.bn{k}", BatchNorm2d(conv.in_channels), out))
            out = call(f"{name}.conv{k}", conv, out)
        if b.shortcut == "none":
            return out
        added: SymTensor = self.rec.apply_op("__add__", [out, shortcut])
        return added

    def vgg(self, x: SymTensor) -> SymTensor:
        spec, call = self.spec, self.rec.call
        self.scope("", "VGG", x)
        self.scope("features", "Sequential", x)
        channels, i = spec.in_channels, 0
        for v in spec.vgg_config:
            if v == "M":
                x, i = call(f"features.{i}", MaxPool2d(2, 2), x), i + 1
            else:
                conv = Conv2d(channels, int(v), (3, 3), padding=(1, 1), bias=True)
                x = call(f"features.{i + 1}", ReLU(), call(f"features.{i}", conv, x))
                channels, i = int(v), i + 2
        self.rec.close_scope(x)
        if spec.include_top:
            x = self.rec.apply_op("flatten", [call("avgpool", AdaptiveAvgPool2d((7, 7)), x)], 1)
            self.scope("classifier", "Sequential", x)
            head = [Linear(channels * 49, 4096), ReLU(), Dropout(), Linear(4096, 4096), ReLU(), Dropout(),
                    Linear(4096, spec.num_classes)]
            for k, layer in enumerate(head):
                x = call(f"classifier.{k}", layer, x)
            self.rec.close_scope(x)
        self.rec.close_scope(x)
        return x


def trace_spec(spec: Spec, input_shape: Shape) -> tuple[Trace, int]:
    """The trace of ``spec``'s network at ``input_shape``, and its parameter count; torch is not imported."""
    tr = _Walk(spec).run(input_shape)
    params = sum(n.params for n in tr.nodes)
    return tr, params
