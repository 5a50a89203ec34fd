"""Small stand-ins for the layers of ResNets in the wild (timm's and users'), written here so that the
tests need no timm: each does what its namesake's forward does, in a few lines."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn


class BatchNormAct2d(nn.BatchNorm2d):
    """timm's: a batch norm subclass with its own forward (``F.batch_norm`` on its buffers) and an activation."""

    def __init__(self, channels: int) -> None:
        super().__init__(channels)
        self.act = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias, False, 0.0, self.eps)
        return self.act(x)


class Normalise(nn.Module):
    """A stem that normalises its input with its own buffers, then convolves."""

    def __init__(self) -> None:
        super().__init__()
        self.register_buffer("mean", torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1))
        self.conv = nn.Conv2d(3, 8, 3, 2, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv((x - self.mean) / self.std)


def pad_same(x: torch.Tensor, k: int, s: int, d: int = 1, value: float = 0.0) -> torch.Tensor:
    """TensorFlow's "SAME": pad so that the output has ⌈n / s⌉ pixels, the odd pixel after."""
    ih, iw = x.shape[-2:]
    ph = max((math.ceil(ih / s) - 1) * s + (k - 1) * d + 1 - ih, 0)
    pw = max((math.ceil(iw / s) - 1) * s + (k - 1) * d + 1 - iw, 0)
    return F.pad(x, [pw // 2, pw - pw // 2, ph // 2, ph - ph // 2], value=value)


class Conv2dSame(nn.Conv2d):
    """timm's TF-"SAME" conv: pads dynamically, then ``F.conv2d`` without padding."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = pad_same(x, self.kernel_size[0], self.stride[0], self.dilation[0])
        return F.conv2d(x, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)


class MaxPool2dSame(nn.MaxPool2d):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        k, s = int(self.kernel_size), int(self.stride)  # type: ignore[call-overload]
        x = pad_same(x, k, s, value=-float("inf"))
        return F.max_pool2d(x, k, s, 0, self.dilation, self.ceil_mode)


class LoRALinear(nn.Linear):
    """A linear layer plus a low-rank update: its own forward adds two matmuls."""

    def __init__(self, n_in: int, n_out: int, rank: int = 2) -> None:
        super().__init__(n_in, n_out)
        self.a = nn.Parameter(torch.randn(rank, n_in) * 0.01)
        self.b = nn.Parameter(torch.zeros(n_out, rank))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return super().forward(x) + (x @ self.a.t()) @ self.b.t()


class SplitBlock(nn.Module):
    """Res2Net's hierarchical split: 4 channel groups, each conv fed the sum of the last output and a group."""

    def __init__(self, channels: int = 8) -> None:
        super().__init__()
        self.convs = nn.ModuleList(nn.Conv2d(channels // 4, channels // 4, 3, 1, 1) for _ in range(3))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        parts = torch.split(x, x.shape[1] // 4, 1)
        outs = [parts[0]]
        sp = parts[1]
        for i, conv in enumerate(self.convs):
            sp = conv(sp if i == 0 else sp + parts[i + 1])
            outs.append(sp)
        return torch.cat(outs, 1) + x


class ChunkBlock(nn.Module):
    """CSP-style: chunk the channels in two, convolve one half, concatenate."""

    def __init__(self, channels: int = 8) -> None:
        super().__init__()
        self.conv = nn.Conv2d(channels // 2, channels // 2, 3, 1, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        a, b = x.chunk(2, dim=1)
        return torch.cat([a, self.conv(b)], dim=1)


class SpaceToDepth(nn.Module):
    """TResNet's stem: 4×4 blocks of pixels into channels, by view and permute."""

    def __init__(self, block: int = 4) -> None:
        super().__init__()
        self.block = block

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, c, h, w = x.size()
        b = self.block
        x = x.view(n, c, h // b, b, w // b, b).permute(0, 3, 5, 1, 2, 4).contiguous()
        return x.view(n, c * b * b, h // b, w // b)


class IndexPool(nn.Module):
    """A max pool that returns its indices, used as a tuple."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.pool = nn.MaxPool2d(2, return_indices=True)
        self.after = nn.Conv2d(4, 4, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y, _ = self.pool(self.conv(x))
        return self.after(y)


class NeedsValues(nn.Module):
    """A forward that reads a value (``.item()``): it cannot run on meta tensors."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.conv(x)
        return y * 2 if float(y.abs().sum().item()) >= 0 else y


class Asserts(nn.Module):
    """A model with its own input assertion (timm's bottleneck attention at a size it does not take)."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        assert x.shape[-1] % 7 == 0, "input width must be a multiple of 7"
        return self.conv(x)


class Block(nn.Module):
    """A residual unit with a stride: enough to make stages."""

    def __init__(self, c_in: int, c_out: int, stride: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, 3, stride, 1)
        self.down = nn.Conv2d(c_in, c_out, 1, stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.conv(x) + self.down(x))


class AdaptivePoolFlatten(nn.Module):
    """timm's SelectAdaptivePool2d: a pool and a flatten in a container."""

    def __init__(self, flatten: bool) -> None:
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten(1) if flatten else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.flatten(self.pool(x))


class WildNet(nn.Module):
    """``stem``, ``stages.0 … stages.2`` and a head of pooling then a 1×1-conv classifier (ResNetV2's)."""

    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Sequential(Conv2dSame(3, 8, 3, 2), BatchNormAct2d(8), nn.MaxPool2d(3, 2, 1))
        self.stages = nn.Sequential(nn.Sequential(Block(8, 8, 1), Block(8, 8, 1)),
                                    nn.Sequential(Block(8, 16, 2), Block(16, 16, 1)),
                                    nn.Sequential(Block(16, 32, 2)))
        self.global_pool = AdaptivePoolFlatten(flatten=False)
        self.fc = nn.Conv2d(32, 10, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.global_pool(self.stages(self.stem(x)))).flatten(1)


class SplitAttention(nn.Module):
    """SKNet's and ResNeSt's radix paths: branches stacked (or a conv's channels reshaped) into N×R×C×H×W,
    summed over R, and (``gated``) weighted by a softmax over R of a pooled gate."""

    def __init__(self, channels: int = 2, gated: bool = True) -> None:
        super().__init__()
        self.small = nn.Conv2d(channels, channels, 3, padding=1)
        self.wide = nn.Conv2d(channels, 2 * channels, 3, padding=2, dilation=2)
        self.fc = nn.Conv2d(channels, 2 * channels, 1)
        self.gated = gated

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, c, h, w = x.shape
        wide = self.wide(x).reshape(n, 2, c, h, w).sum(dim=1)
        paths = torch.stack([self.small(x), wide], dim=1)
        summed = paths.sum(1)
        if not self.gated:
            return summed
        attn = self.fc(summed.mean((2, 3), keepdim=True)).view(n, 2, c, 1, 1).softmax(dim=1)
        return (paths * attn).sum(dim=1)
