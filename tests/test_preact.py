"""Pre-activation nets against an independent model written here from the authors' description.

He et al. 2016 (arXiv:1603.05027) and the authors' Torch code ``resnet-pre-act.lua``
(KaimingHe/resnet-1k-layers), as FACTS.md §2 describes it: a 3×3 conv stem; in a unit that increases
dimensions ONE BN→ReLU before the split, read by both the 1×1 projection shortcut and the branch, the
stride on the branch's first conv and on the projection; other units: identity shortcut, BN→ReLU before
each conv; after the last stage BN→ReLU, an 8×8 average pool and the fc.

``AuthorsNet`` below follows the Lua code's structure (a common BN→ReLU in front of a ConcatTable of
the branch and the shortcut), not the package's modules.  Our rows are compared with it one by one:
output shapes of a real forward pass, parameters, MACs from PyTorch's FlopCounterMode ÷ 2, receptive
fields from gradient support (tests/rf_oracle.py), and the output values themselves with the same
weights, which only agree if every tensor is read from the same place.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

import pytest
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from resnet_inspect import registry
from resnet_inspect.analysis import inspect
from resnet_inspect.analysis.result import Inspection, Row
from tests.rf_oracle import measure

Width = Callable[[int], int]


def _bn_relu(channels: int) -> list[nn.Module]:
    return [nn.BatchNorm2d(channels), nn.ReLU()]


class AuthorsUnit(nn.Module):
    """One unit of resnet-pre-act.lua: ``common`` (only when dimensions increase), then branch + shortcut."""

    def __init__(self, kind: str, cin: int, cout: int, stride: int, w: Width) -> None:
        super().__init__()
        self.increases = cin != cout or stride != 1
        if kind == "bottleneck":
            mid = cout // 4
            shapes = [(cin, mid, 1, stride), (mid, mid, 3, 1), (mid, cout, 1, 1)]
        else:
            shapes = [(cin, cout, 3, stride), (cout, cout, 3, 1)]
        layers: list[nn.Module] = []
        for k, (i, o, size, s) in enumerate(shapes):
            if k > 0 or not self.increases:
                layers += _bn_relu(w(i))
            layers.append(nn.Conv2d(w(i), w(o), size, s, size // 2, bias=False))
        self.common = nn.Sequential(*_bn_relu(w(cin))) if self.increases else nn.Identity()
        self.convs = nn.Sequential(*layers)
        self.shortcut = nn.Conv2d(w(cin), w(cout), 1, stride, bias=False) if self.increases else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.common(x)
        out: torch.Tensor = self.convs(x) + self.shortcut(x)
        return out


class AuthorsNet(nn.Module):
    """Stem conv, three stages of ``n`` units (the first of stages 2 and 3 at stride 2), BN→ReLU, pool, fc."""

    def __init__(self, kind: str, n: int, outputs: tuple[int, ...], stem: int, classes: int,
                 thin: bool = False) -> None:
        super().__init__()
        w: Width = (lambda c: 1) if thin else (lambda c: c)
        self.conv = nn.Conv2d(w(3), w(stem), 3, 1, 1, bias=False)
        stages, cin = [], stem
        for i, cout in enumerate(outputs):
            units = []
            for j in range(n):
                units.append(AuthorsUnit(kind, cin, cout, 2 if i > 0 and j == 0 else 1, w))
                cin = cout
            stages.append(nn.Sequential(*units))
        self.stages = nn.Sequential(*stages)
        self.final = nn.Sequential(*_bn_relu(w(cin)))
        self.pool = nn.AvgPool2d(8)
        self.fc = nn.Linear(w(cin), classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(self.final(self.stages(self.conv(x))))
        out: torch.Tensor = self.fc(torch.flatten(x, 1))
        return out


def trunk(net: AuthorsNet) -> nn.Module:
    """The net without its head (the 8×8 pool only fits a 32×32 input), module paths unchanged."""
    return nn.Sequential(OrderedDict(conv=net.conv, stages=net.stages, final=net.final))


def correspondence(net: AuthorsNet) -> dict[str, str]:
    """Our row name → the authors' module path, unit by unit (the naming is the only thing assumed)."""
    pairs = {"conv1": "conv", "bn": "final.0", "relu": "final.1", "fc": "fc"}
    for s, stage in enumerate(net.stages):
        for u, unit in enumerate(stage):
            assert isinstance(unit, AuthorsUnit)
            ours, theirs = f"layer{s + 1}.{u}", f"stages.{s}.{u}"
            pairs[ours] = theirs
            convs = [i for i, m in enumerate(unit.convs) if isinstance(m, nn.Conv2d)]
            norms = [i for i, m in enumerate(unit.convs) if isinstance(m, nn.BatchNorm2d)]
            pairs.update({f"{ours}.conv{k}": f"{theirs}.convs.{i}" for k, i in enumerate(convs, 1)})
            first_bn = 1
            if unit.increases:
                pairs[f"{ours}.bn1"], pairs[f"{ours}.downsample"] = f"{theirs}.common.0", f"{theirs}.shortcut"
                first_bn = 2
            pairs.update({f"{ours}.bn{k}": f"{theirs}.convs.{i}" for k, i in enumerate(norms, first_bn)})
    return pairs


# name or custom spec → the authors' net with the same configuration
CASES: dict[str, Callable[[bool], AuthorsNet]] = {
    # 9n+2 = 164 → n = 18; stage outputs 64, 128, 256 (bottleneck width = output / 4), stem 16, 10 classes
    "preact-resnet164": lambda thin: AuthorsNet("bottleneck", 18, (64, 128, 256), 16, 10, thin),
    # a basic pre-act net whose first unit increases dimensions at stride 1 (stem 8 → 16 channels)
    "preact-basic:2-2-2,width=16,stem_width=8,stem=cifar,classes=10":
        lambda thin: AuthorsNet("basic", 2, (16, 32, 64), 8, 10, thin),
    "preact-bottleneck:3-3-3,widths=8-16-32,stem_width=16,stem=cifar,classes=7":
        lambda thin: AuthorsNet("bottleneck", 3, (32, 64, 128), 16, 7, thin),
}


def _observe(net: nn.Module, x: torch.Tensor) -> tuple[dict[str, tuple[int, ...]], dict[str, int]]:
    """One forward pass: every module's output shape, and its multiply-accumulates from PyTorch's
    FlopCounterMode (which counts 2 FLOPs per multiply-add) ÷ 2, by module path ("" the whole net)."""
    shapes: dict[str, tuple[int, ...]] = {}

    def keep(name: str) -> Callable[[nn.Module, object, torch.Tensor], None]:
        def hook(module: nn.Module, args: object, out: torch.Tensor) -> None:
            shapes.setdefault(name, tuple(out.shape))
        return hook

    handles = [m.register_forward_hook(keep(name)) for name, m in net.named_modules() if name]
    try:
        with torch.no_grad(), FlopCounterMode(display=False) as counter:
            net(x)
    finally:
        for h in handles:
            h.remove()
    root = type(net).__name__
    macs = {k.removeprefix(root).lstrip("."): sum(v.values()) // 2
            for k, v in counter.get_flop_counts().items() if k != "Global"}
    return shapes, macs


def _params(m: nn.Module) -> int:
    return sum(p.numel() for p in m.parameters())


def _ours(name: str) -> Inspection:
    return inspect(name)


def _rows(result: Inspection) -> dict[str, Row]:
    return {r.name: r for r in result.rows}


@pytest.mark.parametrize("name", sorted(CASES))
def test_rows_equal_the_authors_net(name: str) -> None:
    theirs, ours = CASES[name](False).eval(), _ours(name)
    shapes, macs = _observe(theirs, torch.zeros(ours.input_shape))  # a real forward pass on the CPU
    pairs, rows = correspondence(theirs), _rows(ours)
    for row_name, path in pairs.items():
        row, module = rows[row_name], theirs.get_submodule(path)
        assert row.output_shape == shapes[path], row_name
        assert row.params == _params(module), row_name
        assert row.macs == macs.get(path, 0), row_name
    # nothing of ours is left unmatched: every weighted or normalising layer has its counterpart
    leaves = {r.name for r in ours.rows if r.is_leaf and r.kind in ("conv", "norm", "linear")}
    assert leaves <= set(pairs)
    assert ours.totals.params == _params(theirs)
    assert ours.totals.macs == macs[""]


def test_the_stride_sits_on_the_first_1x1() -> None:
    r = inspect("preact-resnet164")
    # layer2.0: 1×1 64→32 at stride 2 on a 32×32 map: 64·32·16·16 = 524,288 MACs (with the stride on
    # the 3×3 instead it would read all 32·32 positions: 2,097,152); the projection 64·128·16·16 = 2,097,152.
    assert (r.row("layer2.0.conv1").stride, r.row("layer2.0.conv1").macs) == ((2, 2), 524_288)
    assert (r.row("layer2.0.conv2").stride, r.row("layer2.0.downsample").macs) == ((1, 1), 2_097_152)
    # both the projection and the branch read the one shared pre-activation
    assert r.row("layer2.0.downsample").inputs == r.row("layer2.0.conv1").inputs == ("layer2.0.relu",)
    assert set(r.row("layer2.0.add").inputs) == {"layer2.0.conv3", "layer2.0.downsample"}
    # an identity unit adds its raw input, the previous unit's sum
    assert set(r.row("layer2.1.add").inputs) == {"layer2.1.conv3", "layer2.0.add"}


def _copy_weights(ours: nn.Module, theirs: AuthorsNet) -> None:
    for row_name, path in correspondence(theirs).items():
        src = theirs.get_submodule(path)
        if isinstance(src, nn.Conv2d | nn.BatchNorm2d | nn.Linear):
            ours.get_submodule(row_name).load_state_dict(src.state_dict())


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_weights_same_outputs(name: str) -> None:
    # With every tensor read from where the authors read it, the same weights give the same outputs.
    torch.manual_seed(0)
    theirs = CASES[name](False)
    for m in theirs.modules():
        if isinstance(m, nn.BatchNorm2d):  # non-trivial running statistics and affine parameters
            m.running_mean.uniform_(-0.1, 0.1)
            m.running_var.uniform_(0.5, 1.5)
            nn.init.uniform_(m.weight, 0.5, 1.0)
            nn.init.uniform_(m.bias, -0.1, 0.1)
    ours = registry.build(name, device="cpu")
    _copy_weights(ours, theirs)
    x = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        expected, got = theirs.eval()(x), ours.eval()(x)
    assert torch.isfinite(expected).all()
    torch.testing.assert_close(got, expected, rtol=1e-5, atol=1e-5)


def _probe(row_rf: int, jump: int) -> tuple[int, int]:
    length = 2 * row_rf + 4 * jump
    return length, (length // jump) // 2


@pytest.mark.parametrize("name", sorted(CASES))
def test_receptive_fields_equal_gradient_support(name: str) -> None:
    ours, net = _ours(name), CASES[name](False)
    pairs = correspondence(net)
    stages = len(net.stages)
    measured = ["conv1", "relu"]  # the stem and the last feature map
    for s in range(1, stages + 1):  # a dimension-increasing unit and the identity unit after it
        measured += [f"layer{s}.0.{c}" for c in ("conv1", "conv2", "downsample")] + [f"layer{s}.0", f"layer{s}.1"]
    for row_name in measured:
        row = ours.row(row_name)
        assert row.rf is not None and row.jump is not None and row.rf_padding is not None
        length, i = _probe(row.rf[0], row.jump[0])
        got = measure(lambda: trunk(CASES[name](True)), pairs[row_name], axis=2, length=length, thin=1, i=i)
        assert (got.size, got.jump, got.padding) == (row.rf[0], row.jump[0], row.rf_padding[0]), row_name


def test_preact_resnet1001_rows_and_final_rf() -> None:
    # 9n+2 = 1001 → n = 111.  Rows on meta tensors (shapes, params, MACs); the final RF by gradient support.
    theirs, ours = AuthorsNet("bottleneck", 111, (64, 128, 256), 16, 10).to("meta"), inspect("preact-resnet1001")
    x = torch.zeros(ours.input_shape, device="meta")
    shapes, macs = _observe(theirs, x)
    rows = _rows(ours)
    for row_name, path in correspondence(theirs).items():
        row = rows[row_name]
        assert (row.output_shape, row.params, row.macs) == (shapes[path], _params(theirs.get_submodule(path)),
                                                            macs.get(path, 0)), row_name
    assert ours.totals.params == _params(theirs) == 10_327_706  # FACTS.md §2: 10.2 M conv + fc, 10.3 M in all
    rf, jump, pad = ours.totals.rf, ours.totals.jump, ours.totals.rf_padding
    assert rf is not None and jump is not None and pad is not None
    length, i = _probe(rf[0], jump[0])
    got = measure(lambda: trunk(AuthorsNet("bottleneck", 111, (64, 128, 256), 16, 10, thin=True)), "final.1",
                  axis=2, length=length, thin=1, i=i)
    assert (got.size, got.jump, got.padding) == (rf[0], jump[0], pad[0])
