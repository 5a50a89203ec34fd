"""The residual units: basic, bottleneck (v1 and v1.5 stride placement), pre-activation, plain.

Module and parameter names follow torchvision's ``models/resnet.py`` (``conv1``, ``bn1``, ...,
``downsample.0``/``downsample.1``), so a torchvision ``state_dict`` loads into the same variant.
"""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor, nn

from ..specs import bottleneck_width


def conv3x3(in_planes: int, out_planes: int, stride: int = 1, groups: int = 1, dilation: int = 1) -> nn.Conv2d:
    """3×3 convolution with padding (no bias: a batch norm follows)."""
    return nn.Conv2d(in_planes, out_planes, 3, stride=stride, padding=dilation, groups=groups,
                     bias=False, dilation=dilation)


def conv1x1(in_planes: int, out_planes: int, stride: int = 1) -> nn.Conv2d:
    """1×1 convolution (no bias)."""
    return nn.Conv2d(in_planes, out_planes, 1, stride=stride, bias=False)


class ZeroPadShortcut(nn.Module):
    """Option A shortcut of the paper's CIFAR nets (§4.2): subsample by the stride, zero-pad new channels.

    It has no parameters; its receptive-field geometry is a 1×1 kernel with the block's stride.
    """

    def __init__(self, in_planes: int, out_planes: int, stride: int) -> None:
        super().__init__()
        self.in_planes, self.out_planes, self.stride = in_planes, out_planes, stride

    def forward(self, x: Tensor) -> Tensor:
        x = x[:, :, :: self.stride, :: self.stride]
        extra = self.out_planes - self.in_planes
        return F.pad(x, (0, 0, 0, 0, extra // 2, extra - extra // 2))

    def extra_repr(self) -> str:
        return f"{self.in_planes}, {self.out_planes}, stride={self.stride}"


class BasicBlock(nn.Module):
    """Two 3×3 convs; ``residual=False`` makes it the paper's plain-net unit (no shortcut, no add)."""

    expansion = 1

    def __init__(self, inplanes: int, planes: int, stride: int = 1, downsample: nn.Module | None = None,
                 residual: bool = True) -> None:
        super().__init__()
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample
        self.stride = stride
        self.residual = residual

    def forward(self, x: Tensor) -> Tensor:
        out: Tensor = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.residual:
            out += x if self.downsample is None else self.downsample(x)
        out = self.relu(out)
        return out


class Bottleneck(nn.Module):
    """1×1 reduce, 3×3 (grouped for ResNeXt), 1×1 expand ×4; ``residual=False`` drops the shortcut and add.

    ``stride_on="3x3"`` puts the downsampling stride on the 3×3 conv, as torchvision does (from
    "ResNet v1.5"; it costs more MACs but sees more); ``"1x1"`` puts it on the first 1×1 conv, as in
    He et al. 2015 (arXiv:1512.03385), where three quarters of the input pixels are never read.
    """

    expansion = 4

    def __init__(self, inplanes: int, planes: int, stride: int = 1, downsample: nn.Module | None = None,
                 groups: int = 1, base_width: int = 64, stride_on: str = "3x3", residual: bool = True) -> None:
        super().__init__()
        width = bottleneck_width(planes, groups, base_width)
        s1, s3 = (stride, 1) if stride_on == "1x1" else (1, stride)
        self.conv1 = conv1x1(inplanes, width, s1)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = conv3x3(width, width, s3, groups)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = conv1x1(width, planes * self.expansion)
        self.bn3 = nn.BatchNorm2d(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.stride = stride
        self.residual = residual

    def forward(self, x: Tensor) -> Tensor:
        out: Tensor = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        if self.residual:
            out += x if self.downsample is None else self.downsample(x)
        out = self.relu(out)
        return out


# Pre-activation units, wired as in He et al. 2016 ("Identity Mappings in Deep Residual Networks",
# arXiv:1603.05027) and the authors' Torch code for ResNet-164/1001 (resnet-pre-act.lua in
# KaimingHe/resnet-1k-layers):
#   * a unit that keeps the shape: identity shortcut from the raw input; BN → ReLU before each conv;
#   * a unit that increases dimensions: ONE BN → ReLU on the input before the split, read by both the
#     1x1 projection shortcut (a conv, no BN) and the branch's first conv, which also carries the
#     downsampling stride (the first 1x1 of a bottleneck, the first 3x3 of a basic unit).
# Both wirings use the same modules (``bn1`` is the shared pre-activation in the second case), so the
# parameter count is the same; only where the projection reads from differs.  ``residual=False`` is the
# plain unit: no shortcut and no add.


class PreActBasicBlock(nn.Module):
    """Pre-activation basic unit: (BN → ReLU → 3×3 conv) twice, the stride on the first conv."""

    expansion = 1

    def __init__(self, inplanes: int, planes: int, stride: int = 1, downsample: nn.Module | None = None,
                 residual: bool = True) -> None:
        super().__init__()
        self.bn1 = nn.BatchNorm2d(inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv2 = conv3x3(planes, planes)
        self.downsample = downsample
        self.stride = stride
        self.residual = residual

    def forward(self, x: Tensor) -> Tensor:
        pre: Tensor = self.relu(self.bn1(x))
        shortcut = x if self.downsample is None else self.downsample(pre)
        out: Tensor = self.conv1(pre)
        out = self.conv2(self.relu(self.bn2(out)))
        return out + shortcut if self.residual else out


class PreActBottleneck(nn.Module):
    """Pre-activation bottleneck: (BN → ReLU → conv) × 1×1, 3×3, 1×1; the stride on the first 1×1."""

    expansion = 4

    def __init__(self, inplanes: int, planes: int, stride: int = 1, downsample: nn.Module | None = None,
                 residual: bool = True) -> None:
        super().__init__()
        self.bn1 = nn.BatchNorm2d(inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.conv1 = conv1x1(inplanes, planes, stride)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv2 = conv3x3(planes, planes)
        self.bn3 = nn.BatchNorm2d(planes)
        self.conv3 = conv1x1(planes, planes * self.expansion)
        self.downsample = downsample
        self.stride = stride
        self.residual = residual

    def forward(self, x: Tensor) -> Tensor:
        pre: Tensor = self.relu(self.bn1(x))
        shortcut = x if self.downsample is None else self.downsample(pre)
        out: Tensor = self.conv1(pre)
        out = self.conv2(self.relu(self.bn2(out)))
        out = self.conv3(self.relu(self.bn3(out)))
        return out + shortcut if self.residual else out
