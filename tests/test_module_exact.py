"""Exact numbers on any module, or an honest n/a: each case against an independent method.

The methods: a real forward pass (shapes), PyTorch's FlopCounterMode (MACs), ``sum(p.numel())``
(parameters) and the support of an input gradient (receptive fields, :mod:`tests.rf_oracle`).
"""

from __future__ import annotations

import threading

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from resnet_inspect import registry
from resnet_inspect.analysis import inspect
from resnet_inspect.analysis.result import Inspection
from resnet_inspect.errors import InspectError
from resnet_inspect.views.texts import RF_REASONS
from tests.rf_oracle import measure, support, thin_spec


def _flop_macs(model: nn.Module, shape: tuple[int, ...]) -> int:
    counter = FlopCounterMode(display=False)
    with counter, torch.no_grad():
        model(torch.zeros(shape))
    return counter.get_total_flops() // 2


def _check_shape_and_macs(model: nn.Module, shape: tuple[int, ...]) -> Inspection:
    r = inspect(model, input_size=shape)
    with torch.no_grad():
        real = model(torch.zeros(shape))
    assert r.row("").output_shape == tuple(real.shape)
    assert r.totals.macs == _flop_macs(model, shape)
    return r


# --------------------------------------------------------------------------- padding="same", even extents


@pytest.mark.parametrize(("kernel", "dilation"), [(4, 1), (2, 3), (2, 1), ((4, 3), (1, 2))])
def test_same_padding_even_extent(kernel: int | tuple[int, int], dilation: int | tuple[int, int]) -> None:
    net = nn.Sequential(nn.Conv2d(3, 8, kernel, padding="same", dilation=dilation),
                        nn.Conv2d(8, 8, 3, padding="same"))
    r = _check_shape_and_macs(net, (1, 3, 32, 32))
    assert r.row("0").output_shape == (1, 8, 32, 32)  # torch keeps the size; one short was the old answer
    for axis in (2, 3):
        got = measure(lambda: nn.Sequential(nn.Conv2d(1, 1, kernel, padding="same", dilation=dilation),
                                            nn.Conv2d(1, 1, 3, padding="same")),
                      "1", axis, length=40, thin=5, i=20, taps="all")
        a = axis - 2
        assert r.row("1").rf is not None and r.row("1").jump is not None and r.row("1").rf_padding is not None
        assert (got.size, got.jump, got.padding) == (r.row("1").rf[a], r.row("1").jump[a], r.row("1").rf_padding[a])


def test_same_padding_on_a_one_pixel_map() -> None:
    # found by the property tests: k=2 "same" on a 1-pixel-high map pads 0 above and 1 below; torch runs it
    net = nn.Sequential(nn.Conv2d(3, 4, (4, 1), padding=(2, 0), dilation=(3, 1)),
                        nn.Conv2d(4, 4, (2, 1), padding="same"))
    _check_shape_and_macs(net, (1, 3, 6, 6))
    assert inspect(net, input_size=6).row("1").output_shape == (1, 4, 1, 6)  # (6 + 4 − 9 − 1) + 1 = 1 row


# --------------------------------------------------------------------------- ops whose geometry is known or not


class _FunctionalPool(nn.Module):
    def __init__(self, summed: bool = False) -> None:
        super().__init__()
        self.a = nn.Conv2d(1, 1, 3, padding=1)
        self.b = nn.Conv2d(1, 1, 3, padding=1)
        self.summed = summed  # for the gradient oracle: the max pool's windows averaged, every element read

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.avg_pool2d(self.a(x), 3, 1, 1)
        y = F.avg_pool2d(y, 2, 2) if self.summed else F.max_pool2d(y, 2, 2)
        return self.b(y)


def test_functional_pools_get_exact_geometry() -> None:
    r = inspect(_FunctionalPool(), input_size="1x32x32")
    # 3, then + (3 − 1)·1 = 5 after the 3×3 average pool (the old answer passed 3 through), then 6, then 10
    assert [r.row(n).rf for n in ("a", "avg_pool2d", "max_pool2d", "b")] == [(3, 3), (5, 5), (6, 6), (10, 10)]
    assert r.row("avg_pool2d").macs == 0 and not r.totals.unsupported  # a pool counts only under --count all
    # 32×32 outputs (3×3, stride 1, padding 1) · 9 window elements = 9,216
    assert inspect(_FunctionalPool(), input_size="1x32x32", policy="all").row("avg_pool2d").macs == 32 * 32 * 9
    got = measure(lambda: _FunctionalPool(summed=True), "b", 2, length=40, thin=6, i=9, taps="all")
    assert (got.size, got.jump, got.padding) == (10, 2, r.row("b").rf_padding[0])  # type: ignore[index]


class _MyConv(nn.Module):
    """A user's leaf layer that convolves: resnet-inspect cannot know its geometry."""

    def __init__(self) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.ones(2, 2, 5, 5))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.conv2d(x, self.weight, padding=2)


def test_a_users_layer_is_traced_into() -> None:
    # its F.conv2d is recorded with its own geometry: 3 + (5 − 1) = 7, as the gradient support measures
    net = nn.Sequential(nn.Conv2d(2, 2, 3, padding=1), _MyConv(), nn.ReLU(), nn.Conv2d(2, 2, 3, padding=1))
    r = inspect(net, input_size="1x2x16x16")
    assert r.row("1.conv2d").rf == (7, 7) and r.row("1.conv2d").macs == 16 * 16 * 2 * 2 * 5 * 5
    assert r.row("1.conv2d").params == 2 * 2 * 5 * 5 == r.row("1").params
    got = support(positivise_all(nn.Sequential(nn.Conv2d(1, 1, 3, padding=1), _MyConv1())), "", 2, 30, 5, 15)
    assert got[-1] - got[0] + 1 == 7


@pytest.mark.parametrize("layer", [nn.ConvTranspose2d(2, 2, 3, padding=1), nn.Upsample(scale_factor=2)],
                         ids=["conv-transpose", "upsample"])
def test_unknown_geometry_stops_the_receptive_field(layer: nn.Module) -> None:
    net = nn.Sequential(nn.Conv2d(2, 2, 3, padding=1), layer, nn.ReLU(), nn.Conv2d(2, 2, 3, padding=1))
    r = inspect(net, input_size="1x2x16x16")
    assert r.row("0").rf == (3, 3)
    for name in ("1", "2", "3", ""):
        row = r.row(name)
        assert row.rf is None and row.jump is None and row.rf_reason == "unknown-op", name
        assert row.rf_reason_layer == "1"
    assert r.totals.rf is None and r.totals.rf_reason == "unknown-op"
    assert "unknown-op" in RF_REASONS


class _MyConv1(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.ones(1, 1, 5, 5))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.conv2d(x, self.weight.to(x.dtype), padding=2)


def positivise_all(net: nn.Module) -> nn.Module:
    from tests.rf_oracle import positivise

    return positivise(net, 2, "all")


@pytest.mark.parametrize("norm", [nn.GroupNorm(2, 4), nn.InstanceNorm2d(4), nn.LayerNorm([16, 16])],
                         ids=["group", "instance", "layer"])
def test_norms_over_space_see_the_whole_map(norm: nn.Module) -> None:
    net = nn.Sequential(nn.Conv2d(1, 4, 3, stride=2, padding=1), norm, nn.Conv2d(4, 4, 3, padding=1))
    r = inspect(net, input_size="1x1x32x32")
    row = r.row("2")
    assert row.rf_global and row.jump is None
    # the region: all 16 positions of the map after conv 0 (RF 3, jump 2, padding 1): −1 … 30 + 1 = 32 + 1 px
    assert row.rf == (3 + 15 * 2, 3 + 15 * 2) and row.rf_padding == (1, 1)
    model = positivise_all(_copy(net))
    for i in (0, 7):  # every unit's gradient reaches every input pixel
        assert support(model, "2", 2, 32, 32, i) == list(range(32))


def _copy(net: nn.Module) -> nn.Module:
    import copy

    return copy.deepcopy(net)


# --------------------------------------------------------------------------- broadcast joins (SE gates)


class _SE(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, stride=2, padding=1)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(4, 4)
        self.after = nn.Conv2d(4, 4, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv(x)
        gate = torch.sigmoid(self.fc(self.pool(x).flatten(1))).view(x.shape[0], 4, 1, 1)
        return self.after(x * gate)


def test_se_gate_sees_everything_and_brings_no_jump() -> None:
    r = inspect(_SE(), input_size="1x1x40x40")
    mul, after = r.row("mul"), r.row("after")
    for row in (r.row("pool"), r.row("fc"), r.row("view"), mul, after):
        assert row.rf_global and row.jump is None, row.name
    assert r.row("conv").jump == (2, 2)
    # all 20 positions of conv (RF 3, jump 2, padding 1) pooled: 3 + 19·2 = 41 px, from −1 on
    assert after.rf == (41, 41) and after.rf_padding == (1, 1)
    model = positivise_all(_SE())
    for i in (0, 10):
        assert support(model, "after", 2, 40, 40, i) == list(range(40))


# --------------------------------------------------------------------------- nn.Linear over the width


class _WidthMix(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(1, 1, 3, stride=2, padding=1)
        self.mix = nn.Linear(12, 12)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.mix(self.conv(x))


def test_linear_on_the_last_axis_mixes_the_width() -> None:
    r = inspect(_WidthMix(), input_size="1x1x24x24")
    row = r.row("mix")
    # H keeps conv's RF 3; W sees all 12 positions: 3 + 11·2 = 25 px from −1 on; no single jump
    assert row.rf == (3, 25) and row.rf_padding == (1, 1) and row.jump is None and not row.rf_global
    model = positivise_all(_WidthMix())
    assert support(model, "mix", 3, 24, 24, None) == list(range(24))  # along W: every pixel
    got = measure(_WidthMix, "mix", 2, length=24, thin=24, i=5, taps="all")
    assert (got.size, got.jump, got.padding) == (3, 2, 1)


# --------------------------------------------------------------------------- parameters used through functional calls


class _Functional(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(4, 4, 3, padding=1)  # 4·4·9 + 4 = 148
        self.weight = nn.Parameter(torch.ones(4, 4, 2, 2))  # 64, used through F.conv2d
        self.scale = nn.Parameter(torch.ones(1, 4, 1, 1))  # 4
        self.unused = nn.Parameter(torch.ones(40))  # 40, never used

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.conv2d(self.conv(x), self.weight, padding="same") * self.scale


def test_network_row_counts_functional_parameters() -> None:
    net = _Functional()
    r = inspect(net, input_size="1x4x8x8")
    assert r.totals.params == sum(p.numel() for p in net.parameters()) == 148 + 64 + 4 + 40
    assert r.row("conv2d").params == 64 and r.row("mul").params == 4
    assert r.row("").params == 148 + 64 + 4  # every parameter the forward reads; the unused one only in totals


# --------------------------------------------------------------------------- ceil_mode on maps smaller than the window


@pytest.mark.parametrize(("size", "kernel", "stride", "padding"), [(2, 3, 2, 0), (1, 3, 2, 1), (4, 5, 3, 0),
                                                                   (3, 3, 3, 1), (5, 2, 4, 1)])
def test_ceil_mode_runs_where_torch_runs(size: int, kernel: int, stride: int, padding: int) -> None:
    pool = nn.MaxPool2d(kernel, stride, padding, ceil_mode=True)
    try:
        expected: tuple[int, ...] | None = tuple(pool(torch.zeros(1, 1, size, size)).shape)
    except RuntimeError:
        expected = None
    if expected is None:
        with pytest.raises(InspectError, match="too small"):
            inspect(nn.Sequential(pool), input_size=f"1x1x{size}x{size}")
    else:
        assert inspect(nn.Sequential(pool), input_size=f"1x1x{size}x{size}").row("0").output_shape == expected


def test_ceil_mode_refuses_what_torch_refuses() -> None:
    pool = nn.MaxPool2d(3, 2, 0, ceil_mode=True)
    with pytest.raises(RuntimeError):
        pool(torch.zeros(1, 1, 1, 1))  # (1 − 3 + 1)//2 + 1 = 0 outputs
    with pytest.raises(InspectError, match="too small"):
        inspect(nn.Sequential(pool), input_size="1x1x1x1")


def test_resnet50_c4_at_4_pixels() -> None:
    r = inspect("resnet50-c4", input_size=4)
    model = registry.build("resnet50-c4").to_empty(device="cpu")
    with torch.no_grad():
        for t in (*model.parameters(), *model.buffers()):
            t.zero_()
        real = model(torch.zeros(1, 3, 4, 4))
    assert r.row("").output_shape == tuple(real.shape) == (1, 1024, 1, 1)


# --------------------------------------------------------------------------- threads


def test_one_module_from_several_threads() -> None:
    net = registry.build("resnet18")
    expected = inspect(net, input_size=64).to_dict()
    results: list[dict[str, object]] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            results.append(inspect(net, input_size=64).to_dict())
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(results) == 6
    assert all(r == expected for r in results)
    assert "forward" not in net.conv1.__dict__ and not nn.modules.module._global_forward_hooks


def test_another_thread_running_the_module_is_not_recorded() -> None:
    net = nn.Sequential(nn.Conv2d(1, 1, 3), nn.ReLU())
    started, release = threading.Event(), threading.Event()
    outputs: list[torch.Size] = []

    class Slow(nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            if threading.current_thread() is not threading.main_thread():
                return x
            started.set()
            release.wait(10)
            return x

    net.append(Slow())

    def other() -> None:
        started.wait(10)
        with torch.no_grad():
            outputs.append(net[0](torch.zeros(1, 1, 8, 8)).shape)  # the real conv, on real tensors
        release.set()

    t = threading.Thread(target=other)
    t.start()
    r = inspect(net, input_size="1x1x8x8")
    t.join()
    assert outputs == [torch.Size([1, 1, 6, 6])]
    assert [row.name for row in r.rows if row.is_leaf] == ["0", "1"]  # Slow runs no op: its row is a module's
    assert r.row("2").output_shape == (1, 1, 6, 6)


# --------------------------------------------------------------------------- after global pooling


def _whole_input_region(name: str, h: int, w: int, rf: int, jump: int) -> tuple[int, int]:
    """Hand arithmetic: the union of the last map's RFs over its positions, rf + (n − 1)·jump per axis."""
    r = inspect(name, input_size=(h, w))
    last = r.row(r.totals.feature_layer).output_shape
    return rf + (last[2] - 1) * jump, rf + (last[3] - 1) * jump


@pytest.mark.parametrize(("h", "w", "expected"), [(224, 224, (619, 619)), (600, 800, (1003, 1195))])
def test_rows_after_global_pooling_are_global(h: int, w: int, expected: tuple[int, int]) -> None:
    r = inspect("resnet50", input_size=(h, w))
    assert (r.totals.rf, r.totals.jump, r.totals.rf_global) == ((427, 427), (32, 32), False)
    assert _whole_input_region("resnet50", h, w, 427, 32) == expected  # 427 + 6·32; 427 + 18·32, 427 + 24·32
    for name in ("avgpool", "flatten", "fc", ""):
        row = r.row(name)
        assert row.rf_global and row.jump is None and row.rf == expected and row.rf_padding == (213, 213), name
    assert r.stages[-1].jump is None and r.stages[-1].rf_global and not r.stages[-2].rf_global


def test_global_pool_support_is_the_whole_input() -> None:
    spec = thin_spec(registry.get_spec("resnet18"))
    net = registry.build(spec, device="cpu")
    model = positivise_all(net)
    assert support(model, "avgpool", 2, 64, 64, 0) == list(range(64))


# --------------------------------------------------------------------------- VGG-19 away from 224


def _window_sizes(n: int, out: int) -> list[int]:
    """Window sizes measured on torch's own adaptive pool: the gradient support of each output."""
    x = torch.ones(1, 1, n, 1, requires_grad=True)
    y = F.adaptive_avg_pool2d(x, (out, 1))
    sizes = []
    for i in range(out):
        (g,) = torch.autograd.grad(y[0, 0, i, 0], x, retain_graph=True)
        sizes.append(int((g != 0).sum()))
    return sizes


def test_vgg19_adaptive_pool_off_224() -> None:
    r = inspect("vgg19", input_size=(600, 800), policy="all")
    pool = r.row("avgpool")
    assert r.row("features.36").output_shape == (1, 512, 18, 25)
    assert pool.rf is None and pool.jump is None and pool.rf_reason == "non-uniform-windows"
    # 18 rows into 7: rows ⌊18i/7⌋ … ⌈18(i+1)/7⌉ − 1, windows 3,4,3,4,3,4,3 → 24 rows;
    # 25 columns into 7: windows 4,5,4,5,4,5,4 → 31 columns
    assert _window_sizes(18, 7) == [3, 4, 3, 4, 3, 4, 3] and _window_sizes(25, 7) == [4, 5, 4, 5, 4, 5, 4]
    assert pool.macs == 512 * 24 * 31  # window elements, not the 512·18·25 input elements
    for name in ("flatten", "classifier.0", "classifier", ""):
        row = r.row(name)
        # flatten folds positions (n/a); the fc after it sees everything: 268 + 17·32, 268 + 24·32
        expected = (None, False) if name == "flatten" else ((812, 1036), True)
        assert (row.rf, row.rf_global) == expected, name
    assert (r.row("flatten").rf_reason, r.row("flatten").rf_reason_layer) == ("non-uniform-windows", "avgpool")
    at_224 = inspect("vgg19").row("flatten")  # uniform 1×1 windows; the flatten alone scatters the positions
    assert (at_224.rf, at_224.rf_reason, at_224.rf_reason_layer) == (None, "flattened", "flatten")


@pytest.mark.parametrize(("size", "uniform"), [(224, True), ((97, 131), False), (448, True)])
def test_vgg19_adaptive_pool_is_n_a_only_when_windows_differ(size: int | tuple[int, int], uniform: bool) -> None:
    r = inspect("vgg19", input_size=size)
    pool = r.row("avgpool")
    assert (pool.rf is not None) is uniform
    if uniform:  # 448 → 14×14 map, windows of 2 with stride 2: 268 + (2 − 1)·32
        last = r.row("features.36")
        assert last.rf is not None and last.jump is not None and pool.rf is not None
        k = last.output_shape[2] // 7
        assert pool.rf[0] == last.rf[0] + (k - 1) * last.jump[0]


def test_vgg19_at_33_pools_one_position_everywhere() -> None:
    # 33 → 16 → 8 → 4 → 2 → 1: all 49 windows read the one position, which sees the whole input
    r = inspect("vgg19", input_size=33)
    pool = r.row("avgpool")
    assert r.row("features.36").output_shape[2:] == (1, 1)
    assert pool.rf_global and pool.rf == r.row("features.36").rf and pool.jump is None
    model = positivise_all(registry.build(thin_spec(registry.get_spec("vgg19")), device="cpu"))
    assert support(model, "avgpool", 2, 33, 33, 3) == list(range(33))


@pytest.mark.parametrize(("n", "out"), [(18, 7), (25, 7), (7, 7), (14, 7), (3, 7), (1, 3), (33, 5)])
def test_adaptive_window_counts(n: int, out: int) -> None:
    net = nn.Sequential(nn.AdaptiveAvgPool2d((out, out)))
    r = inspect(net, input_size=f"2x3x{n}x{n}", policy="all")
    assert r.row("0").macs == 2 * 3 * sum(_window_sizes(n, out)) ** 2
