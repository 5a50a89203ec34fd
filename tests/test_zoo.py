"""The zoo: published parameter counts, real forward passes, meta vs real builds, names, errors."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
import torch

from resnet_inspect import reference, registry
from resnet_inspect.errors import InspectError
from resnet_inspect.specs import parse_custom

from .forward_shapes import real_shapes

ALL = registry.names()

# Published figures with their sources: resnet_inspect/reference.py (torchvision `num_params`; He et al. 2015
# Table 6, CIFAR-10 nets, in millions as the paper rounds them; torchvision vgg19 `num_params`).
TORCHVISION_PARAMS = {m: f.exact for m, f in reference.select("torchvision/", "/num_params").items() if m != "vgg19"}
CIFAR_PARAMS_M = {m: f.value for m, f in reference.select("he2015/table6/").items()}
VGG19_PARAMS = reference.get("torchvision/vgg19/num_params").exact


def n_params(model: torch.nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


@pytest.mark.parametrize("name", sorted(TORCHVISION_PARAMS))
def test_torchvision_param_counts(name: str) -> None:
    assert n_params(registry.build(name)) == TORCHVISION_PARAMS[name]


@pytest.mark.parametrize("name", ["resnet50-v1", "resnet101-v1", "resnet152-v1"])
def test_v1_layout_moves_the_stride_not_the_weights(name: str) -> None:
    assert n_params(registry.build(name)) == TORCHVISION_PARAMS[name.removesuffix("-v1")]


def test_vgg19_params() -> None:
    assert n_params(registry.build("vgg19")) == VGG19_PARAMS


@pytest.mark.parametrize("name", sorted(CIFAR_PARAMS_M))
def test_cifar_param_counts_to_the_papers_rounding(name: str) -> None:
    millions = n_params(registry.build(name)) / 1e6
    digits = 1 if CIFAR_PARAMS_M[name] >= 1 else 2
    assert round(millions, digits) == CIFAR_PARAMS_M[name]


def test_preact_param_counts() -> None:
    # He et al. 2016 (arXiv:1603.05027): ResNet-164 1.7M, ResNet-1001 10.2M parameters.  The paper's
    # 10.2M matches the conv + fc weights; batch norm adds another 0.15M (total 10.33M).
    m164, m1001 = registry.build("preact-resnet164"), registry.build("preact-resnet1001")
    assert round(n_params(m164) / 1e6, 1) == 1.7

    def weights(m: torch.nn.Module) -> int:
        return sum(x.weight.numel() + (x.bias.numel() if x.bias is not None else 0)
                   for x in m.modules() if isinstance(x, torch.nn.Conv2d | torch.nn.Linear))

    assert round(weights(m1001) / 1e6, 1) == 10.2
    assert round(weights(m164) / 1e6, 1) == 1.7
    assert n_params(m1001) == 10_327_706


def _small_input(name: str) -> tuple[int, int]:
    spec = registry.get_spec(name)
    return (64, 64) if spec.input_size[0] > 32 and not spec.is_vgg else spec.input_size


def _expected_output(name: str, h: int, w: int) -> tuple[int, ...]:
    spec = registry.get_spec(name)
    if spec.include_top:
        return (2, spec.num_classes)
    # resnet50-c4: a backbone, 1024 channels at stride 16 (seed: 600×600 → 38×38×1024)
    return (2, 1024, -(-h // 16), -(-w // 16))


@pytest.mark.parametrize("name", ALL)
def test_real_forward_shape_and_meta_params(name: str) -> None:
    torch.manual_seed(0)
    real = registry.build(name, device="cpu")
    h, w = _small_input(name)
    real.train()  # batch statistics keep untrained very deep nets finite (eval mode overflows at 1202)
    with torch.no_grad():
        out = real(torch.randn(2, 3, h, w))
    assert tuple(out.shape) == _expected_output(name, h, w)
    assert torch.isfinite(out).all()
    assert n_params(real) == n_params(registry.build(name))
    assert all(p.is_meta for p in registry.build(name).parameters())


def test_seed_detection_backbone_600() -> None:
    # Seed: ResNet-50 up to layer3, max pool padding 0 and ceil_mode → 300, 150, 150, 75, 38.
    from resnet_inspect.analysis import inspect

    r = inspect("resnet50-c4")
    assert [s.output_shape[2] for s in r.stages] == [150, 150, 75, 38]
    assert r.row("conv1").output_shape == (1, 64, 300, 300)
    assert r.row("layer3").output_shape == (1, 1024, 38, 38)


def test_seed_cifar_resnet18_batch() -> None:
    # Seed: a CIFAR-style ResNet-18 with 100 classes maps a 5×3×32×32 batch to 5×100.
    m = registry.build("resnet18-cifar", device="cpu")
    with torch.no_grad():
        assert tuple(m(torch.randn(5, 3, 32, 32)).shape) == (5, 100)


def test_torchvision_state_dict_keys() -> None:
    # torchvision's resnet18: conv1, bn1, layer1..4 of BasicBlocks (conv1, bn1, conv2, bn2,
    # downsample.0 / downsample.1 on the first block of layers 2-4), fc.
    keys = list(registry.build("resnet18").state_dict())
    bn = ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    expected = ["conv1.weight"] + [f"bn1.{k}" for k in bn]
    for stage in range(1, 5):
        for block in range(2):
            p = f"layer{stage}.{block}"
            expected += [f"{p}.conv1.weight"] + [f"{p}.bn1.{k}" for k in bn]
            expected += [f"{p}.conv2.weight"] + [f"{p}.bn2.{k}" for k in bn]
            if stage > 1 and block == 0:
                expected += [f"{p}.downsample.0.weight"] + [f"{p}.downsample.1.{k}" for k in bn]
    expected += ["fc.weight", "fc.bias"]
    assert keys == expected


@pytest.mark.parametrize("name", sorted(TORCHVISION_PARAMS))
def test_torchvision_weights_would_load(name: str) -> None:
    tv = pytest.importorskip("torchvision.models")  # optional: torchvision is not a dependency
    theirs = getattr(tv, name)(weights=None).state_dict()
    ours = registry.build(name, device="cpu")
    ours.load_state_dict(theirs)  # raises on any missing or unexpected key or shape


def test_names_are_natural_sorted_and_unique() -> None:
    names = registry.names()
    assert len(names) == len(set(names))
    assert names.index("resnet18") < names.index("resnet50") < names.index("resnet101") < names.index("resnet152")
    required = {"resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "resnet50-v1", "resnet101-v1",
                "resnet152-v1", "resnext50_32x4d", "resnext101_32x8d", "resnext101_64x4d", "wide_resnet50_2",
                "wide_resnet101_2", "resnet18-cifar", "resnet34-cifar", "cifar-resnet20", "cifar-resnet32",
                "cifar-resnet44", "cifar-resnet56", "cifar-resnet110", "cifar-resnet1202", "preact-resnet164",
                "preact-resnet1001", "plain18", "plain34", "vgg19", "resnet50-c4"}
    assert required <= set(names)


def test_registry_refuses_duplicates() -> None:
    with pytest.raises(ValueError, match="twice"):
        registry.register(registry.get_spec("resnet50"))


def test_unknown_name_suggests_closest() -> None:
    with pytest.raises(InspectError, match="did you mean resnet50"):
        registry.get_spec("resnet5O")


def test_custom_spec_builds_resnext50() -> None:
    spec = parse_custom("bottleneck:3-4-6-3,groups=32,width_per_group=4")
    assert n_params(registry.build(spec)) == TORCHVISION_PARAMS["resnext50_32x4d"]
    top = registry.build("basic:2-2-2-2,classes=10,top=no")
    assert not hasattr(top, "fc")


@pytest.mark.parametrize(("text", "field"), [
    ("bottleneck:3-x-6", "layers"), ("weird:2-2", "block"), ("basic:2-2,stride_on=2x2", "stride_on"),
    ("preact-bottleneck:2-2,stride_on=3x3", "stride_on"),
    ("basic:2-2,colour=red", "colour"), ("bottleneck:3-4,groups=a", "groups"), ("basic:2-2,stem=tiny", "stem"),
    ("basic:2-2,shortcut=C", "shortcut"), ("basic:0-2", "layers"),
])
def test_malformed_custom_spec_names_the_field(text: str, field: str) -> None:
    with pytest.raises(InspectError, match=re.escape(field)):
        parse_custom(text)


@pytest.mark.parametrize("args", [("table", "resnet5O"), ("table", "bottleneck:3-4-x"), ("list", "--family", "x"),
                                  ("table", "resnet50", "--bogus")])
def test_cli_errors_are_one_line(cli: Callable[..., tuple[int, str, str]], args: tuple[str, ...]) -> None:
    code, _, err = cli(*args)
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err and err.startswith("resnet-inspect: error:")


def test_cli_version_and_help(cli: Callable[..., tuple[int, str, str]]) -> None:
    from resnet_inspect import __version__

    code, out, _ = cli("--version")
    assert code == 0 and __version__ in out
    for command in ("list", "table"):
        code, out, _ = cli(command, "--help")
        assert code == 0 and "example" in out


# --------------------------------------------------------------------------- the spec pass builds what it reports

PLAIN_SPECS = ["preact-basic:1-1-1,shortcut=none", "bottleneck:1-1,shortcut=none",
               "preact-bottleneck:2-2,shortcut=none,stem=cifar", "basic:2-2,shortcut=none,widths=8-16,stem=cifar",
               "bottleneck:2-1,shortcut=none,stride_on=1x1,groups=4,width_per_group=8"]


@pytest.mark.parametrize("text", PLAIN_SPECS)
def test_shortcut_none_is_a_plain_net_in_both_passes(text: str) -> None:
    from resnet_inspect.analysis import inspect

    spec = parse_custom(text)
    reported = inspect(text)
    real = registry.build(text, device="cpu").eval()
    shapes = real_shapes(real, torch.randn(1, 3, *spec.input_size))  # it runs: no add to break
    module_rows = [row for row in reported.rows if row.name in shapes]
    assert len(module_rows) == len(shapes)  # every module call has its row
    for row in module_rows:
        assert row.output_shape == shapes[row.name], row.name
    assert reported.totals.params == n_params(real)
    # plain: no shortcut rows and no residual adds, in the report or in the module
    assert not [r.name for r in reported.rows if r.on_shortcut or r.kind == "add"]
    assert not [n for n, _ in real.named_modules() if "downsample" in n]
    assert _no_name(reported.to_dict()) == _no_name(inspect(registry.build(text)).to_dict())


def _no_name(d: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in d.items() if k != "model"}


def test_preact_basic_plain_params_by_hand() -> None:
    # preact-basic:1-1-1,shortcut=none: widths 64-128-256, ImageNet stem, no projections.
    # stem 7·7·3·64 = 9,408; unit 1: BN 128 + 2 · 3·3·64·64 + BN 128 = 73,984;
    # unit 2: BN 128 + 3·3·64·128 + BN 256 + 3·3·128·128 = 221,568; unit 3: BN 256 + 3·3·128·256 + BN 512
    # + 3·3·256·256 = 885,504; final BN 512; fc 256·1000 + 1000 = 257,000.  Sum 1,447,976.
    from resnet_inspect.analysis import inspect

    assert inspect("preact-basic:1-1-1,shortcut=none").totals.params == 1_447_976


def test_vgg19_without_top_is_the_features_alone() -> None:
    # VGG-19's 16 convs (weights + biases): 3·9·64+64 = 1,792; 64·9·64+64 = 36,928; 64·9·128+128 = 73,856;
    # 128·9·128+128 = 147,584; 128·9·256+256 = 295,168; 3 × (256·9·256+256 = 590,080); 256·9·512+512 =
    # 1,180,160; 7 × (512·9·512+512 = 2,359,808).  Sum 20,024,384.
    from resnet_inspect.analysis import inspect

    model = registry.build("vgg19", include_top=False, device="cpu").eval()
    assert n_params(model) == 20_024_384
    assert not hasattr(model, "classifier") and not hasattr(model, "avgpool")
    with torch.no_grad():
        assert tuple(model(torch.randn(1, 3, 64, 64)).shape) == (1, 512, 2, 2)  # five 2×2 pools: 64 / 32
    result = inspect("vgg19", include_top=False, input_size=64)
    assert result.totals.params == 20_024_384 and result.row("").output_shape == (1, 512, 2, 2)


def test_cli_vgg19_no_top(cli: Callable[..., tuple[int, str, str]]) -> None:
    import json

    code, out, _ = cli("table", "vgg19", "--no-top", "--format", "json")
    assert code == 0
    assert json.loads(out)["totals"]["params"] == 20_024_384
