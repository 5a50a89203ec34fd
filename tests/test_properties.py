"""Property tests: random layer stacks, random residual blocks and random custom specs.

For every generated network: output shapes equal a real forward pass, parameters equal
``sum(p.numel())``, MACs equal PyTorch's FlopCounterMode ÷ 2, receptive field, jump and padding equal
the support of an input gradient (or the row says n/a), and the torch-free pass over a spec equals the
traced pass over the module it builds.  A map that vanishes must be refused exactly when torch refuses it.

Profiles: ``ci`` (the default: derandomised, so every run checks the same cases) and ``thorough``
(``HYPOTHESIS_PROFILE=thorough``: many more cases, random each run).
"""

from __future__ import annotations

import copy
import os
from typing import Any

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from resnet_inspect import registry
from resnet_inspect.analysis import inspect
from resnet_inspect.analysis.result import Inspection, Row
from resnet_inspect.errors import InspectError
from tests.rf_oracle import positivise, support

from .forward_shapes import real_shapes

settings.register_profile("ci", max_examples=120, deadline=None, derandomize=True, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=1500, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

CHANNELS = 4


@pytest.fixture(autouse=True, scope="module")
def _one_thread() -> Any:
    """Tiny tensors: one intra-op thread is faster than several fighting over the cores."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


# --------------------------------------------------------------------------- strategies


@st.composite
def conv(draw: st.DrawFn, cin: int = CHANNELS, odd: bool = False, stride: int | None = None) -> nn.Module:
    k = (draw(st.sampled_from([1, 3, 5])), draw(st.sampled_from([1, 3, 5]))) if odd else \
        (draw(st.integers(1, 5)), draw(st.integers(1, 5)))
    d = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    s = stride if stride is not None else draw(st.integers(1, 3))
    groups = draw(st.sampled_from([1, 2, 4])) if cin == CHANNELS else 1
    if odd:
        padding: Any = (d[0] * (k[0] - 1) // 2, d[1] * (k[1] - 1) // 2)
    elif s == 1 and draw(st.booleans()):
        padding = draw(st.sampled_from(["same", "valid"]))
    else:
        padding = (draw(st.integers(0, d[0] * (k[0] - 1))), draw(st.integers(0, d[1] * (k[1] - 1))))
    return nn.Conv2d(cin, CHANNELS, k, stride=s, padding=padding, dilation=d, groups=groups,
                     bias=draw(st.booleans()))


@st.composite
def pool(draw: st.DrawFn) -> nn.Module:
    k = draw(st.integers(1, 4))
    s = draw(st.integers(1, 3))
    ceil = draw(st.booleans())
    if draw(st.booleans()):
        d = draw(st.integers(1, 2))
        p = draw(st.integers(0, (d * (k - 1) + 1) // 2))
        return nn.MaxPool2d(k, s, p, d, ceil_mode=ceil)
    return nn.AvgPool2d(k, s, draw(st.integers(0, k // 2)), ceil_mode=ceil)


def pointwise() -> st.SearchStrategy[nn.Module]:
    return st.sampled_from([nn.BatchNorm2d(CHANNELS), nn.ReLU(), nn.ReLU(inplace=True), nn.GELU(), nn.Identity()])


@st.composite
def stack(draw: st.DrawFn) -> nn.Sequential:
    layers = [draw(conv(cin=3))]
    for _ in range(draw(st.integers(0, 4))):
        layers.append(copy.deepcopy(draw(st.one_of(conv(), pool(), pointwise()))))
    return nn.Sequential(*layers)


class Residual(nn.Module):
    """relu(main(x) + shortcut(x)); the shortcut is the identity, a strided 1×1 conv or a pool and a 1×1 conv."""

    def __init__(self, main: nn.Sequential, shortcut: nn.Module | None) -> None:
        super().__init__()
        self.main = main
        self.shortcut = shortcut
        self.relu = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x if self.shortcut is None else self.shortcut(x)
        return self.relu(self.main(x) + identity)


@st.composite
def residual(draw: st.DrawFn) -> nn.Module:
    n = draw(st.integers(1, 3))
    stride = draw(st.sampled_from([1, 2]))
    at = draw(st.integers(0, n - 1))
    convs: list[nn.Module] = []
    for i in range(n):
        convs += [draw(conv(odd=True, stride=stride if i == at else 1)), nn.BatchNorm2d(CHANNELS)]
        if i < n - 1:
            convs.append(nn.ReLU())
    shortcut: nn.Module | None = None
    if stride > 1:
        kind = draw(st.sampled_from(["conv", "pool"]))
        shortcut = nn.Conv2d(CHANNELS, CHANNELS, 1, stride, bias=False) if kind == "conv" else nn.Sequential(
            nn.AvgPool2d(stride, stride, ceil_mode=True), nn.Conv2d(CHANNELS, CHANNELS, 1, bias=False))
    return Residual(nn.Sequential(*convs), shortcut)


@st.composite
def resnet(draw: st.DrawFn) -> nn.Sequential:
    layers: list[nn.Module] = [nn.Conv2d(3, CHANNELS, 3, padding=1)]
    layers += [draw(residual()) for _ in range(draw(st.integers(1, 3)))]
    if draw(st.booleans()):
        layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(CHANNELS, 5)]
    return nn.Sequential(*layers)


sizes = st.tuples(st.integers(6, 40), st.integers(6, 40))

# --------------------------------------------------------------------------- independent methods


def real_pass(model: nn.Module, x: torch.Tensor) -> tuple[dict[str, tuple[int, ...]], int]:
    """One real forward pass: the output shape of every leaf module call, named as the table names
    rows, and the MACs PyTorch's FlopCounterMode counts (its FLOPs ÷ 2)."""
    counter = FlopCounterMode(display=False)
    with counter:
        shapes = real_shapes(model, x, leaves_only=True)
    return shapes, counter.get_total_flops() // 2


def flop_counter_macs(model: nn.Module, x: torch.Tensor) -> int:
    counter = FlopCounterMode(display=False)
    with counter, torch.no_grad():
        model(x)
    return counter.get_total_flops() // 2


def check_global(net: nn.Module, row: Row, before: Row | None, shape: tuple[int, ...], a: int) -> None:
    """A global row: each unit reads what all units of the map before it read together, and its region is
    that map's receptive field widened by (n − 1) jumps (n positions; the map's own numbers are measured
    separately).  Where strides skip pixels (a 1×1 conv with stride 2) the union has holes, so the check
    is against that union, not against every input pixel."""
    assert before is not None and before.rf is not None and before.jump is not None and row.rf is not None
    axis = 2 + a
    got = support(net, row.name, axis, shape[axis], shape[3 - a], None, channels=3)
    assert got == support(net, before.name, axis, shape[axis], shape[3 - a], None, channels=3), row.name
    n = before.output_shape[axis]
    assert row.rf[a] == before.rf[a] + (n - 1) * before.jump[a] and row.rf_padding == before.rf_padding


def check_rf(model: nn.Module, row: Row, shape: tuple[int, ...], before: Row | None = None) -> None:
    """The row's receptive field per axis against the gradient support (every tap kept, max pools summed)."""
    if row.rf is None:
        assert row.rf_reason is not None, row.name
        return
    assert row.rf_padding is not None
    net = positivise(copy.deepcopy(model), 2, "all")
    for a in (0, 1):
        if row.rf_global:
            check_global(net, row, before, shape, a)
            continue
        assert row.jump is not None
        measured = None
        # a thin probe, unless every unit across it reads only padding (wide paddings, dilations)
        for other in (_narrowest(model, 1 - a, shape), shape[3 - a], 3 * shape[3 - a] + 20):
            measured = _measure(model, net, row, 2 + a, other, (row.rf[a], row.jump[a], row.rf_padding[a]))
            if measured is not None:
                break
        assert measured == (row.rf[a], row.jump[a], row.rf_padding[a]), (row.name, a)


def _measure(model: nn.Module, net: nn.Module, row: Row, axis: int, other: int,
             expected: tuple[int, int, int]) -> tuple[int, int, int] | None:
    """(size, jump, padding) of unit i of ``row`` along ``axis``; ``None`` if it reads only padding."""
    r, j, p = expected
    i = (p + j) // j  # the first unit whose region starts at pixel ≥ 1
    length = i * j - p + j + r + 1  # … and the next unit's region ends at ≤ length − 2
    while True:  # a probe long enough to have unit i + 1
        probe = [1, 3, other, other]
        probe[axis] = length
        try:
            out = inspect(model, input_size=tuple(probe)).row(row.name).output_shape
        except InspectError:
            out = (0, 0, 0, 0)
        if out[axis] > i + 1:
            break
        length += j
    first = support(net, row.name, axis, length, other, i, channels=3)
    nxt = support(net, row.name, axis, length, other, i + 1, channels=3)
    if not first or not nxt:
        return None
    return first[-1] - first[0] + 1, nxt[0] - first[0], i * j - first[0]


def _narrowest(model: nn.Module, axis: int, shape: tuple[int, ...]) -> int:
    """The smallest length along ``axis`` the module accepts (axes are independent in these nets)."""
    lo, hi = 1, shape[2 + axis]
    while lo < hi:
        mid = (lo + hi) // 2
        probe = list(shape)
        probe[2 + axis] = mid
        try:
            inspect(model, input_size=tuple(probe))
            hi = mid
        except InspectError:
            lo = mid + 1
    return lo


def check_module(model: nn.Module, hw: tuple[int, int]) -> Inspection | None:
    """Shapes, parameters and MACs against torch; ``None`` when torch itself refuses the input."""
    shape = (1, 3, *hw)
    x = torch.zeros(shape)
    try:
        real, macs = real_pass(model, x)
    except RuntimeError:
        with pytest.raises(InspectError):
            inspect(model, input_size=shape)
        return None
    r = inspect(model, input_size=shape)
    for row in r.rows:
        if row.is_leaf and row.name in real:
            assert row.output_shape == real[row.name], row.name
    assert r.totals.params == r.row("").params == sum(p.numel() for p in model.parameters())
    assert r.totals.macs == macs
    return r


# --------------------------------------------------------------------------- the properties


@given(stack(), sizes)
def test_random_stacks(model: nn.Sequential, hw: tuple[int, int]) -> None:
    model.eval()
    r = check_module(model, hw)
    if r is None:
        return
    last = r.row(str(len(model) - 1))
    check_rf(model, last, r.input_shape)


@settings(max_examples=max(settings().max_examples // 3, 1))  # each case measures several rows
@given(resnet(), sizes)
def test_random_residual_blocks(model: nn.Sequential, hw: tuple[int, int]) -> None:
    model.eval()
    r = check_module(model, hw)
    if r is None:
        return
    before = None
    for row in r.rows:
        if row.depth == 1 and len(row.output_shape) == 4:
            check_rf(model, row, r.input_shape, before)
            before = row
        if row.depth == 1 and len(row.output_shape) == 2:  # after the global pool: sees everything
            assert row.rf_global and row.jump is None, row.name


@st.composite
def custom_spec(draw: st.DrawFn) -> str:
    block = draw(st.sampled_from(["basic", "bottleneck", "preact-basic", "preact-bottleneck"]))
    stages = draw(st.integers(1, 4))
    layers = "-".join(str(draw(st.integers(1, 2))) for _ in range(stages))
    parts = [f"{block}:{layers}", f"width={draw(st.sampled_from([4, 8, 16]))}"]
    if block.endswith("bottleneck"):
        parts.append(f"groups={draw(st.sampled_from([1, 2, 4]))}")
        parts.append(f"width_per_group={draw(st.sampled_from([16, 32, 64]))}")
    if block == "bottleneck":
        parts.append(f"stride_on={draw(st.sampled_from(['3x3', '1x1']))}")
    shortcuts = ["A", "B", "none"] if block == "basic" else ["B", "none"]
    parts.append(f"shortcut={draw(st.sampled_from(shortcuts))}")
    parts.append(f"stem={draw(st.sampled_from(['imagenet', 'cifar']))}")
    if draw(st.booleans()):
        parts.append(f"stages={draw(st.integers(1, stages))}")
    parts.append(f"top={draw(st.sampled_from(['yes', 'no']))}")
    parts.append(f"classes={draw(st.integers(1, 20))}")
    return ",".join(parts)


def _without_name(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k != "model"}


@given(custom_spec(), st.tuples(st.integers(1, 96), st.integers(1, 96)))
def test_random_custom_specs(text: str, hw: tuple[int, int]) -> None:
    module = registry.build(text)
    try:
        from_spec = inspect(text, input_size=hw)
    except InspectError:
        with pytest.raises(InspectError):
            inspect(module, input_size=hw)
        return
    from_module = inspect(module, input_size=hw)
    assert _without_name(from_spec.to_dict()) == _without_name(from_module.to_dict())
    assert from_spec.totals.params == sum(p.numel() for p in module.parameters())
    with torch.device("meta"):
        assert from_spec.totals.macs == flop_counter_macs(module, torch.empty(from_spec.input_shape))
