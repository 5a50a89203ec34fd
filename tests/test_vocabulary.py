"""One vocabulary: a row's pool kind comes from its module class or functional op, not from its type name."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from resnet_inspect.analysis import inspect
from resnet_inspect.analysis.depth import count_layers


class Shrink(nn.MaxPool2d):  # a max pool under a name that says nothing about it; it keeps the stock forward
    pass


class Blend(nn.Module):  # an average pool called as a function
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.avg_pool2d(x, 2)


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.shrink = Shrink(2)
        self.blend = Blend()
        self.gap = nn.AdaptiveAvgPool2d(1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.gap(self.blend(self.shrink(self.conv(x))))


def test_pool_kinds_come_from_the_class_and_the_op() -> None:
    r = inspect(Net(), input_size=32)
    pools = {row.name: row.pool for row in r.rows if row.is_leaf and row.kind == "pool"}
    assert pools == {"shrink": "max", "blend.avg_pool2d": "avg", "gap": "adaptive_avg"}
    # the real module agrees: Shrink halves the map as a max pool does (32 → 16 → 8 → 1)
    assert Net()(torch.zeros(1, 3, 32, 32)).shape == (1, 8, 1, 1)
    counts = count_layers(r.rows)
    assert (counts.max_pools, counts.avg_pools) == (1, 2)


def test_the_json_names_the_pool_kind() -> None:
    import resnet_inspect

    layers = {d["name"]: d for d in resnet_inspect.inspect("resnet18").to_dict()["layers"]}
    assert layers["maxpool"]["pool"] == "max" and layers["avgpool"]["pool"] == "adaptive_avg"
    assert layers["conv1"]["pool"] is None


def test_a_real_cpu_forward_is_said() -> None:
    from resnet_inspect.views.table import footer

    class Reads(nn.Module):  # a branch on a tensor's value: meta tensors hold none, so the pass runs on CPU
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv2d(3, 4, 3)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            y = self.conv(x)
            return y if float(y.sum()) >= 0 else -y

    r = inspect(Reads().eval(), input_size=16)
    assert r.run == "cpu" and any(line.startswith("Run: a real forward on CPU") for line in footer(r))
    assert not any(line.startswith("Run:") for line in footer(inspect("resnet18")))
