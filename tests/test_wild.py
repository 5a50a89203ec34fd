"""ResNets in the wild, without timm: each kind of layer that broke the pass, against an independent method.

The methods: a real forward pass with hooks (shapes, the batch axis), PyTorch's FlopCounterMode (MACs),
``parameters()`` (parameters) and the support of an input gradient (receptive fields, :mod:`tests.rf_oracle`).
"""

from __future__ import annotations

from typing import Any

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from resnet_inspect.analysis import inspect
from resnet_inspect.analysis.result import Inspection
from resnet_inspect.errors import InspectError, ModelError
from tests import wild_modules as w
from tests.rf_oracle import positivise, support


def flop_macs(model: nn.Module, shape: tuple[int, ...]) -> int:
    counter = FlopCounterMode(display=False)
    with counter, torch.no_grad():
        model.eval()(torch.zeros(shape))
    return int(counter.get_total_flops()) // 2


def module_shapes(model: nn.Module, shape: tuple[int, ...]) -> dict[str, tuple[int, ...]]:
    """Every module's (first) output shape in a real forward, by its name."""
    shapes: dict[str, tuple[int, ...]] = {}
    names = {id(m): n for n, m in model.named_modules() if "parametrizations" not in n}

    def hook(m: nn.Module, args: Any, out: Any) -> None:
        first = out[0] if isinstance(out, tuple) else out
        if id(m) in names:
            shapes.setdefault(names[id(m)], tuple(first.shape))

    handles = [m.register_forward_hook(hook) for m in model.modules()]
    try:
        with torch.no_grad():
            model.eval()(torch.zeros(shape))
    finally:
        for h in handles:
            h.remove()
    return shapes


def check_exact(model: nn.Module, shape: tuple[int, ...], **kw: Any) -> Inspection:
    """Every module row's shape as the real forward's, MACs as FlopCounterMode's, params as parameters()."""
    r = inspect(model, input_size=shape, **kw)
    real = module_shapes(model, shape)
    rows = {row.name: row for row in r.rows}
    for name, out in real.items():
        assert rows[name].output_shape == out, name
    assert r.totals.macs == flop_macs(model, shape)
    assert r.totals.params == sum(p.numel() for p in model.parameters()) == r.row("").params
    return r


def grad_rf(build: Any, layer: str, length: int = 41, thin: int = 5) -> int:
    """The receptive field of ``layer``'s middle output pixel along the height, from the gradient's support."""
    net = positivise(build(), 2, "all")
    out_len = module_shapes(net.float(), (1, 1, length, thin))[layer][2]
    got = support(net.double(), layer, 2, length, thin, out_len // 2)
    return got[-1] - got[0] + 1


# --------------------------------------------------------------------------- no crash on a CPU-built module


def test_batch_norm_act_built_on_cpu() -> None:
    net = nn.Sequential(nn.Conv2d(3, 8, 3), w.BatchNormAct2d(8))
    r = check_exact(net, (2, 3, 20, 20))
    assert r.run == "meta"
    assert r.row("1.batch_norm").kind == "norm" and r.row("1.act").rf == (3, 3)
    # --count all: one per element of the norm's output, 2·8·18·18 = 5,184
    assert inspect(net, input_size=(2, 3, 20, 20), policy="all").row("1.batch_norm").macs == 2 * 8 * 18 * 18
    assert all(p.device.type == "cpu" for p in [*net.parameters(), *net.buffers()])  # left as it was


def test_stem_normalising_with_its_own_buffers() -> None:
    r = check_exact(nn.Sequential(w.Normalise(), nn.ReLU()), (1, 3, 32, 32))
    assert r.row("0.conv").output_shape == (1, 8, 16, 16) and r.row("0.conv").inputs == ("0.div",)


@pytest.mark.parametrize("batch", [1, 3])
def test_max_pool_returning_indices(batch: int) -> None:
    r = check_exact(w.IndexPool(), (batch, 3, 16, 16))
    assert all(row.output_shape[0] == batch for row in r.rows if row.output_shape)  # no row loses the batch


def test_a_1d_model_is_refused_with_the_reason() -> None:
    net = nn.Sequential(nn.Conv1d(3, 8, 3), nn.ReLU())
    with pytest.raises(InspectError, match="Conv1d") as e:
        inspect(net)
    assert not isinstance(e.value, ModelError) and "2-d images" in str(e.value)


def test_a_models_own_assertion_is_the_models_error() -> None:
    with pytest.raises(ModelError, match="AssertionError: input width must be a multiple of 7"):
        inspect(w.Asserts(), input_size=30)
    assert inspect(w.Asserts(), input_size=28).row("conv").output_shape == (1, 4, 26, 26)
    assert issubclass(ModelError, InspectError)  # the command line's exit 2, one line


def test_a_forward_that_needs_values_runs_on_cpu() -> None:
    net = w.NeedsValues()
    r = check_exact(net, (1, 3, 12, 12))
    assert r.run == "cpu" and r.row("mul").output_shape == (1, 4, 10, 10)
    assert inspect(net, input_size=12, run="cpu").to_dict() == r.to_dict()
    with pytest.raises(ModelError, match=r"meta tensors.*run='cpu'"):
        inspect(net, input_size=12, run="meta")
    with pytest.raises(InspectError, match="GiB"):  # checked before anything is allocated
        inspect(net, input_size=(64, 3, 60000, 60000), run="cpu")
    with pytest.raises(InspectError, match="unknown run"):
        inspect(net, run="gpu")


# --------------------------------------------------------------------------- formulas only where the code runs


def test_tf_same_conv_and_pool() -> None:
    net = nn.Sequential(w.Conv2dSame(3, 8, 3, 2), w.MaxPool2dSame(3, 2), w.Conv2dSame(8, 8, 5, 1))
    for size in ((1, 3, 224, 224), (1, 3, 31, 44)):
        r = check_exact(net, size)
        assert r.row("0").output_shape[2:] == (-(-size[2] // 2), -(-size[3] // 2))  # ⌈n / 2⌉: 112 at 224
        assert [row.kind for row in r.rows if row.name.startswith("0.")] == ["shape", "conv"]
    for build, layer in ((lambda: nn.Sequential(w.Conv2dSame(1, 1, 3, 2), w.Conv2dSame(1, 1, 5, 1)), "1"),
                         (lambda: nn.Sequential(w.Conv2dSame(1, 1, 4, 2), nn.Conv2d(1, 1, 3)), "1")):
        r = inspect(build(), input_size="1x41x41")
        assert r.row(layer).rf is not None and r.row(layer).rf[0] == grad_rf(build, layer)


def test_lora_linear_counts_its_matmuls() -> None:
    net = nn.Sequential(nn.Conv2d(3, 8, 3), nn.AdaptiveAvgPool2d(1), nn.Flatten(), w.LoRALinear(8, 4))
    r = check_exact(net, (2, 3, 16, 16))
    # linear 2·8·4 = 64, x @ aᵀ 2·2·8 = 32, (x aᵀ) @ bᵀ 2·4·2 = 16
    assert [r.row(n).macs for n in ("3.linear", "3.matmul", "3.matmul:2")] == [64, 32, 16]
    assert r.row("3").params == 8 * 4 + 4 + 2 * 8 + 4 * 2


@pytest.mark.parametrize("kind", ["parametrize", "weight_norm"])
def test_parametrized_weights_count_in_every_row(kind: str) -> None:
    conv = nn.Conv2d(3, 8, 3)
    norm = nn.utils.parametrizations.weight_norm if kind == "parametrize" else nn.utils.weight_norm
    conv = norm(conv)
    net = nn.Sequential(nn.Sequential(conv, nn.ReLU()), nn.Conv2d(8, 4, 1))
    r = check_exact(net, (1, 3, 12, 12))
    own = sum(p.numel() for p in conv.parameters())  # g (8) + v (216) + bias (8) = 232
    assert own == 232 and r.row("0.0").params == own == r.row("0").params
    assert r.row("").params == own + 8 * 4 + 4


# --------------------------------------------------------------------------- tuple-returning and layout ops


def test_split_block_is_exact() -> None:
    net = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), w.SplitBlock())
    r = check_exact(net, (1, 3, 20, 20))
    assert r.row("1.split:4").output_shape == (1, 2, 20, 20)
    assert all("input" not in row.inputs or row.name == "0" for row in r.rows if row.is_leaf)
    assert r.row("1.convs.1").inputs == ("1.add",)
    # the deepest path: 3 + 2 + 2 + 2 = 9, as the gradient support measures
    assert r.row("1").rf == (9, 9) == (grad_rf(lambda: nn.Sequential(nn.Conv2d(1, 4, 3, padding=1),
                                                                        w.SplitBlock(4)), "1"),) * 2


def test_chunk_block_is_exact() -> None:
    net = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), w.ChunkBlock())
    r = check_exact(net, (1, 3, 20, 20))
    assert r.row("1").rf == (5, 5) == (grad_rf(lambda: nn.Sequential(nn.Conv2d(1, 2, 3, padding=1),
                                                                        w.ChunkBlock(2)), "1"),) * 2


def test_padding_layers_and_f_pad() -> None:
    class Padded(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.a = nn.Conv2d(1, 1, 3)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.a(F.pad(x, (2, 0, 3, 1)))

    for build in (lambda: nn.Sequential(nn.ZeroPad2d((1, 2, 3, 0)), nn.Conv2d(1, 1, 3, 2)),
                  lambda: nn.Sequential(nn.ConstantPad2d(2, 0.5), nn.Conv2d(1, 1, 3, 2), nn.Conv2d(1, 1, 3)),
                  lambda: nn.Sequential(Padded(), nn.Conv2d(1, 1, 3))):
        r = check_exact(build(), (1, 1, 23, 17))
        last = r.rows[-1]
        assert last.rf is not None and last.rf[0] == grad_rf(build, last.name)
    r = inspect(nn.Sequential(nn.ReflectionPad2d(1), nn.Conv2d(3, 4, 3)), input_size=16)
    assert r.row("1").rf is None and r.row("1").rf_reason_layer == "0"  # mirrored borders: n/a, the pad named


def test_pixel_unshuffle_and_space_to_depth() -> None:
    net = nn.Sequential(nn.PixelUnshuffle(2), nn.Conv2d(12, 4, 3))
    r = check_exact(net, (1, 3, 16, 16))
    assert r.row("1").rf == (6, 6) and r.row("1").jump == (2, 2)  # a 2×2 block, then 3 blocks: 2 + 2·2 = 6
    s2d = nn.Sequential(w.SpaceToDepth(), nn.Conv2d(48, 8, 3))
    r = check_exact(s2d, (1, 3, 32, 32))
    assert inspect(s2d).input_shape == (1, 3, 224, 224)  # the space-to-depth stem takes 3 channels, not 48
    # view, permute, view: each output pixel holds a 4×4 block (a window of 4, stride 4), then 3 blocks: 4 + 2·4
    assert r.row("0").rf == (4, 4) and r.row("1").rf == (12, 12) and r.row("1").jump == (4, 4)
    thin = lambda: nn.Sequential(w.SpaceToDepth(), nn.Conv2d(16, 1, 3))  # noqa: E731
    assert grad_rf(thin, "1", length=48, thin=16) == 12
    assert r.row("0.permute").rf is None and r.row("0.permute").rf_reason_layer == "0.permute"  # the op named
    shuffle = inspect(nn.Sequential(nn.Conv2d(3, 12, 1), nn.PixelShuffle(2), nn.Conv2d(3, 3, 3)), input_size=8)
    assert shuffle.row("2").rf is None and shuffle.row("2").rf_reason_layer == "1"  # depth-to-space: n/a, named


# --------------------------------------------------------------------------- stages and the totals' RF


def test_stages_from_structure_and_rf_before_the_pool() -> None:
    net = w.WildNet()
    r = check_exact(net, (1, 3, 64, 64))
    assert [s.name for s in r.stages] == ["stem", "stages.0", "stages.1", "stages.2", "head"]
    assert [s.blocks for s in r.stages[1:4]] == [2, 2, 1]
    assert sum(s.params for s in r.stages) == r.totals.params
    assert r.totals.feature_layer == "stages.2.0.relu"  # the last map before the pool, not the 1×1-conv fc
    feature = r.row(r.totals.feature_layer)
    assert r.totals.rf == feature.rf and r.totals.jump == (16, 16)
    assert "conv1" not in [s.name for s in r.stages]  # no phantom stage from the pool-and-flatten container


# --------------------------------------------------------------------------- module trees and dtypes


def test_a_module_tree_that_loops_is_refused() -> None:
    net = nn.Sequential(nn.Conv2d(3, 3, 1), nn.Sequential())
    net[1].add_module("back", net)
    with pytest.raises(InspectError, match=r"loops: 1\.back is the model"):
        inspect(net)


def test_nesting_deeper_than_torch_runs_is_refused() -> None:
    net: nn.Module = nn.Conv2d(3, 3, 1)
    for _ in range(300):
        net = nn.Sequential(net)
    with pytest.raises(InspectError, match="nest 201 levels"):
        inspect(net)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float64"])
def test_any_dtype_with_an_unknown_layer(dtype: str) -> None:
    net = nn.Sequential(nn.Conv2d(3, 4, 3), nn.PReLU(4)).to(getattr(torch, dtype))
    assert inspect(net, input_size=10).row("1").output_shape == (1, 4, 8, 8)  # a float32 input: as asked
    r = inspect(net, input_size=10, dtype=dtype)
    assert r.row("1").output_shape == (1, 4, 8, 8) and r.row("1").rf == (3, 3)
    assert r.row("1").activation_bytes == 4 * 8 * 8 * torch.empty((), dtype=getattr(torch, dtype)).element_size()


def test_a_modules_own_getattr_and_repr_are_not_called() -> None:
    class Odd(nn.Sequential):
        def __getattr__(self, name: str) -> Any:  # once built, a missing attribute is a KeyError
            try:
                return super().__getattr__(name)
            except AttributeError:
                if "built" in self.__dict__:
                    raise KeyError(name) from None
                raise

        def __repr__(self) -> str:
            raise RuntimeError("no repr")

    odd = Odd(nn.Conv2d(3, 4, 3))
    odd.built = True
    r = inspect(odd, input_size=8)
    assert r.row("0").output_shape == (1, 4, 6, 6)


def test_torchinfo_linear_on_a_map_is_the_release() -> None:
    torchinfo = pytest.importorskip("torchinfo")
    net = nn.Sequential(nn.Conv2d(3, 4, 3), nn.Linear(14, 5))
    stats = torchinfo.summary(net, input_data=torch.zeros(2, 3, 16, 16), verbose=0)
    r = inspect(net, input_size=(2, 3, 16, 16), policy="torchinfo")
    # torchinfo 1.8.0 counts a Linear as batch × (weight + bias) = 2 · (14·5 + 5) = 150, whatever its input
    assert r.row("1").macs == 150
    assert r.totals.macs == stats.total_mult_adds


def test_split_attention_keeps_positions() -> None:
    r = check_exact(nn.Sequential(nn.Conv2d(3, 2, 1), w.SplitAttention()), (1, 3, 20, 24))
    assert all(row.rf is not None for row in r.rows), [row.name for row in r.rows if row.rf is None]
    assert r.row("1").rf_global  # the pooled gate reads every pixel
    ungated = lambda: nn.Sequential(nn.Conv2d(1, 2, 1), w.SplitAttention(gated=False))  # noqa: E731
    r = inspect(ungated(), input_size="1x41x41")
    assert r.row("1").rf == (5, 5) == (grad_rf(ungated, "1"),) * 2  # the dilated 3×3: 2·(3 − 1) + 1 = 5


def test_splitting_channels_that_see_different_regions_is_n_a() -> None:
    # two split blocks back to back: the second splits channels whose regions differ (3, 5, 7 px), so no
    # single size follows from the union of 7; the gradient gives 9, not the 13 the union would
    build = lambda: nn.Sequential(nn.Conv2d(1, 4, 1), w.SplitBlock(4), w.SplitBlock(4))  # noqa: E731
    r = inspect(build(), input_size="1x41x41")
    assert r.row("1").rf == (7, 7) == (grad_rf(build, "1"),) * 2
    assert r.row("2").rf is None and r.row("2").rf_reason == "channel-split"
    assert r.row("2").rf_reason_layer == "2.split" and grad_rf(build, "2") == 9
    mixed = nn.Sequential(nn.Conv2d(1, 4, 1), w.SplitBlock(4), nn.Conv2d(4, 4, 1), w.SplitBlock(4))
    assert inspect(mixed, input_size=41).row("3").rf == (13, 13)  # a 1×1 conv mixes them first: exact again
