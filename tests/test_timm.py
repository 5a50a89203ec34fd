"""timm's ResNet family, analysed exactly or refused with the reason: ``make test-timm`` (its own environment,
torch 2.14, torchvision and a pinned timm).  Without timm this module is skipped: ``make test`` covers the same
classes of layer with the stand-ins of :mod:`tests.wild_modules` (see ``tests/test_wild.py``).
"""

from __future__ import annotations

from typing import Any

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from resnet_inspect.analysis import inspect
from tests import wild_modules as w
from tests.rf_oracle import positivise, support
from tests.test_wild import check_exact, module_shapes

timm = pytest.importorskip("timm")

MODELS = ("resnet50d", "seresnet50", "ecaresnet50d", "skresnet18", "resnest50d", "res2net50_26w_4s", "resnetrs50",
          "resnetv2_50", "regnetx_002", "cspresnet50", "tresnet_m", "gcresnet50t", "tf_efficientnet_b0")
SIZES = ((224, 224), (256, 320))


@pytest.fixture(scope="module", params=MODELS)
def model(request: Any) -> tuple[str, nn.Module]:
    torch.manual_seed(0)
    return request.param, timm.create_model(request.param, pretrained=False).eval()


@pytest.mark.parametrize("size", SIZES, ids=["224x224", "256x320"])
def test_exact_against_a_real_forward(model: tuple[str, nn.Module], size: tuple[int, int]) -> None:
    _, net = model
    r = check_exact(net, (1, 3, *size))  # every module's shape, FlopCounterMode's MACs, parameters()
    assert r.run == "meta"
    for row in r.rows:  # every n/a names the row where it started, and inputs are rows, not guesses
        assert row.rf is not None or row.rf_reason_layer, row.name
        assert "(untraced)" not in row.inputs, row.name


def test_verify_agrees(model: tuple[str, nn.Module]) -> None:
    from resnet_inspect.verify import verify_model

    name, net = model
    for size in SIZES:
        report = verify_model(net, input_size=size, label=name)
        assert report.ok, [(c.tool, c.what, c.mismatches[:3]) for c in report.checks if c.status == "differs"]


def test_the_command_line_loader_gives_the_same_rows(model: tuple[str, nn.Module]) -> None:
    from resnet_inspect.loaders import load_model

    name, net = model
    loaded = load_model(f"timm:{name}")
    assert not isinstance(loaded, str)
    assert inspect(loaded).rows == inspect(net).rows


def test_stages_agree_with_feature_info(model: tuple[str, nn.Module]) -> None:
    name, net = model
    r = inspect(net, input_size=224)
    stages = {s.name: s for s in r.stages if s.name not in ("stem", "head")}
    matched = [f for f in net.feature_info if f["module"] in stages]
    assert len(matched) >= 3, (name, list(stages), net.feature_info)
    for f in matched:
        assert 224 // stages[f["module"]].output_shape[2] == f["reduction"], f["module"]
    assert r.totals.feature_layer and r.totals.feature_layer not in ("fc", "head.fc")


def test_tf_efficientnet_b0_as_published() -> None:
    r = inspect(timm.create_model("tf_efficientnet_b0", pretrained=False), input_size=224)
    assert r.row("conv_stem").output_shape == (1, 32, 112, 112)  # TF-"SAME": ⌈224 / 2⌉
    assert round(r.totals.macs / 1e6, 1) == 385.8  # 0.39 GMACs, as its model card gives


# --------------------------------------------------------------------------- random subclassed/functional nets


class Pad(nn.Module):
    def __init__(self, sides: tuple[int, int, int, int]) -> None:
        super().__init__()
        self.sides = sides

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.pad(x, self.sides)


def _layer(kind: str, c: int, k: int, s: int) -> tuple[nn.Module, int]:
    """One random layer and the channels after it."""
    if kind == "same":
        return w.Conv2dSame(c, c, k, s), c
    if kind == "conv":
        return nn.Conv2d(c, c, k, s, k // 2), c
    if kind == "pool-same":
        return w.MaxPool2dSame(k, s), c
    if kind == "zeropad":
        return nn.ZeroPad2d((k // 2, k - k // 2, s, 0)), c
    if kind == "fpad":
        return Pad((s, k // 2, 0, k)), c
    if kind == "bnact":
        return w.BatchNormAct2d(c), c
    if kind == "split":
        return w.SplitBlock(c), c
    return w.ChunkBlock(c), c


KINDS = ("same", "conv", "pool-same", "zeropad", "fpad", "bnact", "split", "chunk")


def _net(spec: list[tuple[str, int, int]], channels: int = 4) -> nn.Sequential:
    layers: list[nn.Module] = [nn.Conv2d(1, channels, 1)]
    for kind, k, s in spec:
        layer, channels = _layer(kind, channels, k, s)
        layers.append(layer)
    return nn.Sequential(*layers)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(KINDS), st.integers(1, 4), st.integers(1, 2)), min_size=1, max_size=5),
       st.sampled_from(SIZES))
def test_random_subclassed_and_functional_nets(spec: list[tuple[str, int, int]], size: tuple[int, int]) -> None:
    torch.manual_seed(0)
    net = _net(spec)
    r = check_exact(net, (1, 1, *size))
    last = r.rows[-1]
    assert last.name == str(len(spec)) or last.name.startswith(f"{len(spec)}.") or last.depth >= 1
    top = r.row(str(len(spec)))
    if top.rf is None:  # n/a only where channels that see different regions are split (a split block's output)
        assert top.rf_reason == "channel-split", (top.rf_reason, top.rf_reason_layer)
        return
    if any(kind == "pool-same" for kind, _, _ in spec):
        return  # the gradient oracle sums a max pool's windows only for torch's own MaxPool2d
    length = 2 * top.rf[0] + 8 * (top.jump[0] if top.jump else 1) + 16
    probe = positivise(_net(spec), 2, "all")
    out_len = module_shapes(probe.float(), (1, 1, length, 8))[str(len(spec))][2]
    got = support(probe.double(), str(len(spec)), 2, length, 8, out_len // 2)
    assert got[-1] - got[0] + 1 == top.rf[0]
