"""The analysis engine: totals against published figures and independent methods, shapes, receptive fields."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from resnet_inspect import reference, registry
from resnet_inspect.analysis import inspect, parse_input
from resnet_inspect.analysis.result import Inspection, Row
from resnet_inspect.errors import InspectError
from tests.rf_oracle import measure, thin_spec

from .forward_shapes import real_shapes

ALL = registry.names()

# torchvision weights metadata `_ops` as exact conv + fc MACs at 1×3×224×224; He et al. 2015 Table 1 "FLOPs"
# (multiply-adds, paper's v1 layout), ×10⁹, as printed (one decimal); VGG-19 19.6 ×10⁹ multiply-adds
# (He et al. 2015 text).  Sources in resnet_inspect/reference.py.
TORCHVISION_MACS = {m: f.exact for m, f in reference.select("torchvision/", "/macs").items()}
PAPER_GMACS = {m: f.value for m, f in reference.select("he2015/table1/").items()}
VGG19_GMACS = reference.get("he2015/text/vgg19").value


@pytest.mark.parametrize("name", sorted(TORCHVISION_MACS))
def test_macs_equal_torchvision(name: str) -> None:
    r = inspect(name)
    assert r.totals.macs == TORCHVISION_MACS[name]
    assert r.totals.flops == 2 * TORCHVISION_MACS[name]


@pytest.mark.parametrize("name", sorted(PAPER_GMACS))
def test_macs_match_paper_table1_to_its_rounding(name: str) -> None:
    assert abs(inspect(name).totals.macs / 1e9 - PAPER_GMACS[name]) < 0.1


def test_vgg19_macs_match_paper() -> None:
    assert round(inspect("vgg19").totals.macs / 1e9, 1) == VGG19_GMACS


def _flop_counter_macs(model: nn.Module, shape: tuple[int, ...]) -> int:
    """PyTorch's own FlopCounterMode (counts conv and matmul FLOPs = 2 × MACs) on meta tensors."""
    counter = FlopCounterMode(display=False)
    with counter, torch.no_grad():
        model(torch.empty(shape, device="meta"))
    return counter.get_total_flops() // 2


@pytest.mark.parametrize("name", ALL)
def test_macs_equal_pytorch_flop_counter(name: str) -> None:
    model = registry.build(name)
    for size in (None, (96, 160)):
        r = inspect(name, input_size=size)
        assert r.totals.macs == _flop_counter_macs(model, r.input_shape), size


@pytest.mark.parametrize("name", ALL)
def test_every_row_shape_equals_a_real_forward_pass(name: str) -> None:
    spec = registry.get_spec(name)
    model = registry.build(name).to_empty(device="cpu")  # real tensors, no random init: shapes only
    with torch.no_grad():
        for t in (*model.parameters(), *model.buffers()):
            t.zero_()  # uninitialised memory may hold denormals, which make CPU arithmetic crawl
    sizes = [(48, 48), (48, 80)] if spec.input_size[0] <= 32 else [(64, 64), (72, 104)]
    for h, w in sizes:
        r = inspect(name, input_size=(h, w))
        real = real_shapes(model, torch.zeros(1, 3, h, w))
        module_names = dict(model.named_modules())
        module_rows = [row for row in r.rows if row.name.split(":")[0] in module_names]
        assert len(module_rows) == len(real)
        for row in module_rows:
            assert row.output_shape == real[row.name], row.name


def _rf_names() -> list[str]:
    return ALL


@pytest.mark.parametrize("name", _rf_names())
def test_final_rf_equals_gradient_support(name: str) -> None:
    spec = registry.get_spec(name)
    result = inspect(name)
    rf, jump, pad = result.totals.rf, result.totals.jump, result.totals.rf_padding
    assert rf is not None and jump is not None and pad is not None
    thin = 1
    while True:  # the narrowest probe the net accepts (VGG's 2×2 pools need 32)
        try:
            inspect(name, input_size=(rf[0] + 4 * jump[0], thin))
            break
        except InspectError:
            thin *= 2
    length = 2 * rf[0] + 4 * jump[0]
    i = (length // jump[0]) // 2  # an output pixel near the middle: its region lies inside the probe
    got = measure(lambda: registry.build(thin_spec(spec), device="cpu"), result.totals.feature_layer, axis=2,
                  length=length, thin=thin, i=i)
    assert (got.size, got.jump, got.padding) == (rf[0], jump[0], pad[0])


def test_published_receptive_fields() -> None:
    # torchvision ResNet-50 (v1.5): layer3 267/16/133 and layer4 427/32/213 (FACTS.md §3,
    # nashory/DeLF-pytorch issue 15; rfa-toolbox README).
    r = inspect("resnet50")

    def published(key: str) -> tuple[tuple[int, int], ...]:
        return tuple((reference.get(f"{key}/{q}").exact,) * 2 for q in ("rf", "jump", "rf_padding"))

    assert (r.row("layer3").rf, r.row("layer3").jump, r.row("layer3").rf_padding) == published("rf/resnet50/layer3")
    assert (r.totals.rf, r.totals.jump, r.totals.rf_padding) == published("rf/resnet50/layer4")
    # Google's receptive_field library (TF-slim resnet_v1, the paper's stride placement):
    # resnet_v1_50 483/32, resnet_v1_101 1027/32, resnet_v1_152 1507/32; vgg_16 212/32.
    # (Its effective paddings differ by TF's "SAME" padding convention, so only size and stride compare.)
    for name in ("resnet50-v1", "resnet101-v1", "resnet152-v1"):
        t = inspect(name).totals
        size, jump = reference.get(f"rf/{name}/rf").exact, reference.get(f"rf/{name}/jump").exact
        assert (t.rf, t.jump) == ((size, size), (jump, jump)), name
    # VGG-19 has one more 3×3 conv than VGG-16 in each of its last three groups: 212 + 2·(4 + 8 + 16).
    assert inspect("vgg19").totals.rf == (reference.get("rf/vgg16/rf").exact + 2 * (4 + 8 + 16),) * 2


def test_not_the_torchscan_answer() -> None:
    # torchscan 0.1 reported RF 1963 / stride 256 for ResNet-50 by chaining the shortcut's stride.
    t = inspect("resnet50").totals
    assert t.rf != (1963, 1963) and t.jump == (32, 32)


def test_seed_rf_recurrence_three_3x3() -> None:
    # RF_{l+1} = RF_l + (k − 1)·S_l: three stacked 3×3 stride-1 convs see 3, 5, 7 pixels.
    net = nn.Sequential(*[nn.Conv2d(1, 1, 3, padding=1) for _ in range(3)])
    r = inspect(net, input_size="1x32x32")
    assert [row.rf for row in r.rows if row.is_leaf] == [(3, 3), (5, 5), (7, 7)]


class _Odd(nn.Module):
    """Dilation, a non-square kernel and a residual add in a user's own module."""

    def __init__(self) -> None:
        super().__init__()
        self.a = nn.Conv2d(1, 2, (3, 5), stride=(2, 1), padding=(1, 2))
        self.b = nn.Conv2d(2, 2, 3, padding=2, dilation=2)
        self.c = nn.Conv2d(2, 2, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.a(x)
        return torch.relu(self.b(y) + self.c(y))


def test_dilation_non_square_and_functional_add() -> None:
    net = _Odd()
    r = inspect(net, input_size="1x64x48")
    add = r.row("add")
    assert add.type == "Add" and set(add.inputs) == {"b", "c"}
    assert r.row("relu").rf == (3 + 4 * 2, 5 + 4)  # dilated 3×3 spans 5: (5 − 1)·jump added per axis
    for axis, (length, thin) in ((2, (61, 9)), (3, (41, 9))):
        got = measure(_Odd, "b", axis, length, thin, i=8 if axis == 2 else 18)
        assert got.size == r.row("b").rf[axis - 2]  # type: ignore[index]
        assert got.jump == r.row("b").jump[axis - 2]  # type: ignore[index]


def test_module_left_as_found() -> None:
    net = _Odd().train()
    before = {k: v.clone() for k, v in net.state_dict().items()}
    inspect(net, input_size="1x32x32")
    assert net.training and "forward" not in net.a.__dict__
    assert not net.a._forward_hooks and not nn.modules.module._global_forward_hooks
    assert all(torch.equal(before[k], v) for k, v in net.state_dict().items())


def _direct_children(rows: tuple[Row, ...], parent: Row) -> list[Row]:
    prefix = parent.name + "." if parent.name else ""
    return [r for r in rows if r.depth == parent.depth + 1 and r.name.startswith(prefix)]


@pytest.mark.parametrize("name", ["resnet50", "resnext50_32x4d", "cifar-resnet20", "preact-resnet164", "vgg19",
                                  "resnet50-c4", "plain18"])
def test_aggregates_are_sums_of_children(name: str) -> None:
    r = inspect(name, policy="all")
    for row in r.rows:
        if row.is_leaf:
            continue
        kids = _direct_children(r.rows, row)
        assert row.params == sum(k.params for k in kids), row.name
        assert row.macs == sum(k.macs or 0 for k in kids), row.name
        assert row.activation_bytes == sum(k.activation_bytes for k in kids), row.name
    network = r.row("")
    assert network.params == r.totals.params == sum(p.numel() for p in registry.build(name).parameters())
    assert network.macs == r.totals.macs == sum(s.macs for s in r.stages)
    assert r.totals.params == sum(s.params for s in r.stages)


def test_stage_table_resnet50() -> None:
    r = inspect("resnet50")
    stages = {s.name: s for s in r.stages}
    # He et al. 2015 Table 1 output sizes: conv2_x 56, conv3_x 28, conv4_x 14, conv5_x 7.
    assert [stages[f"layer{i}"].output_shape[2] for i in range(1, 5)] == [56, 28, 14, 7]
    assert [stages[f"layer{i}"].blocks for i in range(1, 5)] == [3, 4, 6, 3]
    assert [stages[f"layer{i}"].jump for i in range(1, 5)] == [(4, 4), (8, 8), (16, 16), (32, 32)]
    assert r.totals.depth == 50


def test_batch_and_input_formats() -> None:
    assert parse_input("600x800", 3, (224, 224)) == (1, 3, 600, 800)
    assert parse_input("3x224x224", 3, (224, 224)) == (1, 3, 224, 224)
    assert parse_input("8x3x224x224", 3, (224, 224)) == (8, 3, 224, 224)
    assert parse_input(None, 3, (32, 32)) == (1, 3, 32, 32)
    one, eight = inspect("resnet18"), inspect("resnet18", input_size="8x3x224x224")
    assert eight.totals.macs == 8 * one.totals.macs
    assert eight.totals.activation_bytes == 8 * one.totals.activation_bytes


@pytest.mark.parametrize("bad", ["0", "-3", "abc", "224x", "1x2x3x4x5", "0x224"])
def test_malformed_inputs(bad: str) -> None:
    with pytest.raises(InspectError, match="input"):
        inspect("resnet18", input_size=bad)


def test_wrong_channels_and_vanishing_maps() -> None:
    with pytest.raises(InspectError, match=r"conv1.*1 channel"):
        inspect("resnet50", input_size="1x224x224")
    with pytest.raises(InspectError, match=r"features\.\d+ \(MaxPool2d\).*smallest input that works is 32×32"):
        inspect("vgg19", input_size=16)


def test_huge_input_allocates_nothing() -> None:
    r = inspect("resnet152", input_size=4096)
    assert r.row("layer4").output_shape == (1, 2048, 128, 128)
    assert r.totals.activation_bytes > 10 * 2**30  # what a real pass would need; the analysis needs none


def test_policies_torchinfo_and_fvcore_published() -> None:
    # FACTS.md §4, ResNet-50 at 224: torchinfo 1.8 mult-adds and fvcore FlopCountAnalysis totals.
    assert inspect("resnet50", policy="torchinfo").totals.macs == reference.get("torchinfo/resnet50/mult_adds").exact
    assert inspect("resnet50", policy="fvcore").totals.macs == reference.get("fvcore/resnet50/flops").exact


@pytest.mark.parametrize("name", ["resnet18", "resnext50_32x4d"])
def test_policies_reproduce_the_tools(name: str) -> None:
    import torchinfo
    from fvcore.nn import FlopCountAnalysis

    model = registry.build(name).to_empty(device="cpu").eval()
    x = torch.zeros(1, 3, 112, 112)
    stats = torchinfo.summary(model, input_data=x, verbose=0)
    assert inspect(name, input_size=112, policy="torchinfo").totals.macs == stats.total_mult_adds
    fv = FlopCountAnalysis(model, x).unsupported_ops_warnings(False).uncalled_modules_warnings(False)
    assert inspect(name, input_size=112, policy="fvcore").totals.macs == fv.total()


def test_unsupported_layer_is_reported_not_zero() -> None:
    class Gate(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.scale = nn.Parameter(torch.ones(4, 1, 1))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x * self.scale

    net = nn.Sequential(nn.Conv2d(3, 4, 3), Gate(), nn.PReLU(4))
    r = inspect(net, input_size=16)
    gate = r.row("1")  # its code is traced: a product by a parameter, no MAC under conv-fc
    assert gate.macs == 0 and gate.params == 4 == r.row("1.mul").params and gate.output_shape == (1, 4, 14, 14)
    assert r.row("2").macs is None and r.totals.unsupported == ("PReLU",)  # a torch layer with no formula


def test_json_contract(tmp_path: object) -> None:
    import resnet_inspect

    d = resnet_inspect.inspect("resnet50").to_dict()
    assert list(d) == ["model", "input_shape", "dtype", "conventions", "run", "totals", "stages", "layers"]
    assert d["run"] == "symbolic"  # a name: the torch-free pass
    # the numeric result carries no sentences; the public API adds them
    assert "conventions" not in inspect("resnet50").to_dict()
    assert {"params", "trainable_params", "macs", "flops", "activation_bytes"} <= set(d["totals"])
    assert all(isinstance(d["totals"][k], int) for k in ("params", "macs", "flops", "activation_bytes"))
    keys = {"name", "type", "depth", "is_leaf", "input_shape", "output_shape", "params", "macs", "flops", "rf",
            "jump", "rf_padding"}
    for layer in d["layers"]:
        assert keys <= set(layer)
    assert d["layers"][0]["name"] == ""


def test_result_api() -> None:
    r = inspect("resnet18")
    assert isinstance(r, Inspection)
    frame = r.layers
    assert list(frame["name"])[:2] == ["", "conv1"]
    assert int(frame[frame["is_leaf"]]["params"].sum()) == r.totals.params
    import resnet_inspect

    shown = resnet_inspect.inspect("resnet18")
    assert isinstance(shown, Inspection) and "<table" in shown._repr_html_() and "conv1" in str(shown)
    assert resnet_inspect.inspect(registry.build("resnet18")).totals.macs == r.totals.macs


def test_shared_layers_are_counted_once() -> None:
    class Gate(nn.Module):  # no MAC formula: the pass swaps real weights for meta twins while it runs
        def __init__(self) -> None:
            super().__init__()
            self.scale = nn.Parameter(torch.ones(3, 1, 1))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x * self.scale

    conv = nn.Conv2d(3, 3, 3, padding=1)  # 3·3·3·3 + 3 = 84 parameters, applied twice
    net = nn.Sequential(conv, conv, Gate())
    r = inspect(net, input_size=8)
    assert [row.name for row in r.rows if row.is_leaf] == ["0", "0:2", "2.mul"]
    assert r.row("0").params == 84 and r.row("0:2").params == 0
    assert r.totals.params == 84 + 3 == r.row("").params
    assert r.row("0:2").macs == 8 * 8 * 3 * 27 and r.row("0:2").rf == (5, 5)


@pytest.mark.parametrize("name", ["resnet18", "resnet50", "resnext50_32x4d", "wide_resnet50_2"])
def test_torchvision_modules_inspect_like_ours(name: str) -> None:
    tv = pytest.importorskip("torchvision.models")  # optional: torchvision is not a dependency
    with torch.device("meta"):
        theirs = inspect(getattr(tv, name)())
    ours = inspect(name)
    assert [r.name for r in theirs.rows] == [r.name for r in ours.rows]
    assert (theirs.totals.macs, theirs.totals.params, theirs.totals.rf) == (ours.totals.macs, ours.totals.params,
                                                                            ours.totals.rf)
