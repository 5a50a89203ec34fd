"""Assemble a network from a :class:`~resnet_inspect.specs.Spec`.

Everything is built on the ``meta`` device by default: shapes and parameter counts without memory
or initialisation cost.  ``device="cpu"`` gives real, initialised tensors.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

import torch
from torch import Tensor, nn

from ..specs import BlockPlan, Spec, final_channels, plan_blocks
from .blocks import (
    BasicBlock,
    Bottleneck,
    PreActBasicBlock,
    PreActBottleneck,
    ZeroPadShortcut,
    conv1x1,
    conv3x3,
)


class ResNet(nn.Module):
    """Stem, stages ``layer1`` … ``layerN``, global average pool and fc (torchvision's names)."""

    def __init__(self, spec: Spec) -> None:
        super().__init__()
        self.spec = spec
        self.inplanes = spec.stem_width
        self.preact = spec.block.startswith("preact")
        if spec.stem == "imagenet":
            self.conv1 = nn.Conv2d(spec.in_channels, spec.stem_width, 7, stride=2, padding=3, bias=False)
        else:
            self.conv1 = conv3x3(spec.in_channels, spec.stem_width)
        if not self.preact:
            self.bn1 = nn.BatchNorm2d(spec.stem_width)
            self.relu = nn.ReLU(inplace=True)
        if spec.stem == "imagenet":
            self.maxpool = nn.MaxPool2d(3, stride=2, padding=spec.maxpool_padding, ceil_mode=spec.maxpool_ceil)
        for i, stage in enumerate(plan_blocks(spec)):
            self.add_module(f"layer{i + 1}", nn.Sequential(*[self._make_block(b) for b in stage]))
        self.inplanes = final_channels(spec)
        if self.preact:
            self.bn = nn.BatchNorm2d(self.inplanes)
            self.relu = nn.ReLU(inplace=True)
        if spec.include_top:
            self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
            self.fc = nn.Linear(self.inplanes, spec.num_classes)
        self._init_weights()

    def _shortcut(self, b: BlockPlan) -> nn.Module | None:
        if b.shortcut in ("identity", "none"):
            return None
        if b.shortcut == "zero-pad":
            return ZeroPadShortcut(b.inplanes, b.out_planes, b.stride)
        if self.preact:
            return conv1x1(b.inplanes, b.out_planes, b.stride)
        return nn.Sequential(conv1x1(b.inplanes, b.out_planes, b.stride), nn.BatchNorm2d(b.out_planes))

    def _make_block(self, b: BlockPlan) -> nn.Module:
        spec, downsample, residual = self.spec, self._shortcut(b), b.shortcut != "none"
        if spec.block == "basic":
            return BasicBlock(b.inplanes, b.planes, b.stride, downsample, residual)
        if spec.block == "bottleneck":
            return Bottleneck(b.inplanes, b.planes, b.stride, downsample, spec.groups, spec.width_per_group,
                              spec.stride_on, residual)
        if spec.block == "preact-basic":
            return PreActBasicBlock(b.inplanes, b.planes, b.stride, downsample, residual)
        return PreActBottleneck(b.inplanes, b.planes, b.stride, downsample, residual)

    def _init_weights(self) -> None:
        if next(self.parameters()).is_meta:
            return
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)

    def forward(self, x: Tensor) -> Tensor:
        x = self.conv1(x)
        if not self.preact:
            x = self.relu(self.bn1(x))
        if self.spec.stem == "imagenet":
            x = self.maxpool(x)
        for i in range(self.spec.num_stages):
            x = getattr(self, f"layer{i + 1}")(x)
        if self.preact:
            x = self.relu(self.bn(x))
        if self.spec.include_top:
            x = torch.flatten(self.avgpool(x), 1)
            x = self.fc(x)
        return x


class VGG(nn.Module):
    """VGG as in torchvision (``features``, ``avgpool``, ``classifier``): the paper's Fig. 3 baseline.

    Without the top (``include_top=False``) only ``features`` is kept: the convs, ReLUs and max pools.
    """

    def __init__(self, spec: Spec) -> None:
        super().__init__()
        self.spec = spec
        layers: list[nn.Module] = []
        channels = spec.in_channels
        for v in spec.vgg_config:
            if v == "M":
                layers.append(nn.MaxPool2d(2, 2))
            else:
                layers += [nn.Conv2d(channels, int(v), 3, padding=1), nn.ReLU(inplace=True)]
                channels = int(v)
        self.features = nn.Sequential(*layers)
        if spec.include_top:
            self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
            self.classifier = nn.Sequential(
                nn.Linear(channels * 7 * 7, 4096), nn.ReLU(True), nn.Dropout(),
                nn.Linear(4096, 4096), nn.ReLU(True), nn.Dropout(),
                nn.Linear(4096, spec.num_classes),
            )

    def forward(self, x: Tensor) -> Tensor:
        x = self.features(x)
        if self.spec.include_top:
            x = self.avgpool(x)
            x = self.classifier(torch.flatten(x, 1))
        return x


@contextmanager
def _skip_random_init() -> Iterator[None]:
    """Skip conv and linear weight initialisation (random fills on ``meta`` tensors only cost time)."""
    classes = (nn.modules.conv._ConvNd, nn.Linear)
    saved = [(cls, cls.__dict__["reset_parameters"]) for cls in classes]
    try:
        for cls in classes:
            cls.reset_parameters = lambda self: None  # type: ignore[method-assign]
        yield
    finally:
        for cls, method in saved:
            cls.reset_parameters = method  # type: ignore[method-assign]


def build_from_spec(spec: Spec, device: str | torch.device = "meta") -> nn.Module:
    """Build the network a spec describes, on ``device`` (``meta`` by default: no memory, no init)."""
    meta = torch.device(device).type == "meta"
    with torch.device(device), _skip_random_init() if meta else nullcontext():
        model: nn.Module = VGG(spec) if spec.is_vgg else ResNet(spec)
    return model.eval()


__all__ = ["VGG", "ResNet", "build_from_spec", "conv1x1", "conv3x3"]
