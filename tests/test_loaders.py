"""Anyone's model from the command line: every MODEL form, and one line for what cannot be loaded or traced."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import torch
from torch import nn

from resnet_inspect.errors import InspectError
from resnet_inspect.loaders import inspect_any, kind_of, load_model, parse_kwargs

Cli = Callable[..., tuple[int, str, str]]

FACTORY = '''
import torch
from torch import nn


def tiny(width=4, classes=3):
    return nn.Sequential(nn.Conv2d(3, width, 3, padding=1, bias=False), nn.BatchNorm2d(width), nn.ReLU(),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(width, classes))


def not_a_module():
    return 42


class TwoInputs(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)

    def forward(self, x, y):
        return self.conv(x) + y


class Branchy(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)

    def forward(self, x):
        y = self.conv(x)
        return y if y.sum() > 0 else -y


class Item(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)

    def forward(self, x):
        return self.conv(x) * float(x.mean().item())
'''


def _tiny_params(width: int = 4, classes: int = 3) -> int:
    # conv 3·width·3·3 (no bias) + batch norm 2·width + fc width·classes + classes
    return 3 * width * 9 + 2 * width + width * classes + classes


@pytest.fixture
def factory_file(tmp_path: Path) -> Path:
    path = tmp_path / "mynet.py"
    path.write_text(FACTORY)
    return path


@pytest.mark.parametrize(("text", "kind"), [
    ("resnet50", "registry"), ("bottleneck:3-4-6-3,groups=32", "registry"), ("basic:2-2", "registry"),
    ("preact-basic:1-1-1", "registry"), ("layers=2-2,block=basic", "registry"), ("torchvision:resnet50", "torchvision"),
    ("timm:resnet50d", "timm"), ("models/net.py:build", "file"), ("my_pkg.models:build", "module"),
    ("model.pt", "torchscript"), ("weights.PTH", "torchscript"),
])
def test_kind_of(text: str, kind: str) -> None:
    assert kind_of(text) == kind


def test_registry_names_and_specs_come_back_as_text_without_torch() -> None:
    code = ("import sys; from resnet_inspect.loaders import load_model; "
            "assert load_model('bottleneck:3-4-6-3,groups=32') == 'bottleneck:3-4-6-3,groups=32'; "
            "assert load_model('resnet50') == 'resnet50'; print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parent.parent)
    assert out.stdout.strip() == "False"


def test_kwargs_json_and_key_value() -> None:
    assert parse_kwargs('{"width": 8, "classes": 5}') == {"width": 8, "classes": 5}
    assert parse_kwargs("width=8,name=abc,flag=true,sizes=[1,2]") == {"width": 8, "name": "abc", "flag": True,
                                                                       "sizes": [1, 2]}
    assert parse_kwargs(None) == {}
    for bad in ("{not json", "[1, 2]", "width", "8=width"):
        with pytest.raises(InspectError, match="--kwargs"):
            parse_kwargs(bad)


def test_file_factory_with_kwargs(factory_file: Path) -> None:
    model = load_model(f"{factory_file}:tiny", {"width": 8, "classes": 5})
    assert isinstance(model, nn.Module)
    assert sum(p.numel() for p in model.parameters()) == _tiny_params(8, 5)
    r = inspect_any(f"{factory_file}:tiny", "width=8,classes=5", input_size=16)
    assert r.totals.params == _tiny_params(8, 5)
    assert r.totals.macs == 16 * 16 * 8 * 3 * 9 + 8 * 5  # conv: positions · out · in · k·k; fc: in · out
    assert r.row("").output_shape == (1, 5)


def test_module_factory(factory_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(factory_file.parent))
    model = load_model("mynet:tiny")
    assert isinstance(model, nn.Module) and sum(p.numel() for p in model.parameters()) == _tiny_params()


def test_torchscript_file(tmp_path: Path) -> None:
    net = nn.Sequential(nn.Conv2d(3, 6, 3, stride=2, padding=1), nn.BatchNorm2d(6), nn.ReLU(inplace=True),
                        nn.MaxPool2d(2), nn.Flatten(), nn.Linear(6 * 4 * 4, 10)).eval()
    path = tmp_path / "net.pt"
    torch.jit.script(net).save(str(path))
    from resnet_inspect.analysis import inspect

    r, direct = inspect_any(str(path), input_size=16), inspect(net, input_size=16)
    assert [(row.name, row.output_shape, row.params, row.macs, row.rf) for row in r.rows] == \
        [(row.name, row.output_shape, row.params, row.macs, row.rf) for row in direct.rows]
    with torch.no_grad():  # the twin computes what the scripted file computes
        x = torch.randn(2, 3, 16, 16)
        twin = load_model(str(path))
        assert isinstance(twin, nn.Module)
        assert torch.allclose(twin.eval()(x), torch.jit.load(str(path)).eval()(x))  # type: ignore[no-untyped-call]


def test_torchscript_with_a_custom_container_says_why(tmp_path: Path) -> None:
    class Block(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv2d(3, 3, 3, padding=1)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x + self.conv(x)

    path = tmp_path / "block.pt"
    torch.jit.script(Block()).save(str(path))
    with pytest.raises(InspectError, match=r"TorchScript code of its own.*file\.py:factory"):
        load_model(str(path))


def test_state_dict_is_one_line(tmp_path: Path, cli: Cli) -> None:
    path = tmp_path / "weights.pth"
    torch.save(nn.Conv2d(3, 4, 3).state_dict(), path)
    code, out, err = cli("table", str(path))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "state_dict (2 tensors)" in err and "Traceback" not in err


def test_pickled_module_is_never_unpickled(tmp_path: Path, cli: Cli) -> None:
    path = tmp_path / "whole.pt"
    torch.save(nn.Conv2d(3, 4, 3), path)  # a whole pickled module: loading it would run pickled code
    code, _, err = cli("table", str(path))
    assert code == 2 and err.count("\n") == 1
    assert "needs unpickling code" in err and "never runs pickled code" in err


def test_untraceable_forward_is_one_line(factory_file: Path, cli: Cli) -> None:
    code, out, err = cli("table", f"{factory_file}:TwoInputs", "--input", "16")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "more than one input" in err and "Traceback" not in err


@pytest.mark.parametrize("factory", ["Branchy", "Item"])
def test_forward_reading_values_runs_for_real(factory_file: Path, cli: Cli, factory: str) -> None:
    # meta tensors hold no values: the pass falls back to a real CPU forward at the input size
    code, out, err = cli("table", f"{factory_file}:{factory}", "--input", "16", "--format", "json")
    assert code == 0 and "Traceback" not in err
    layers = {layer["name"]: layer for layer in json.loads(out)["layers"]}
    assert layers["conv"]["output_shape"] == [1, 4, 14, 14]  # (16 − 3) + 1, as the real conv gives


@pytest.mark.parametrize(("model", "message"), [
    ("{dir}/missing.py:tiny", "no file"),
    ("{dir}/mynet.py:tinny", "did you mean tiny"),
    ("{dir}/mynet.py:not_a_module", "returned int, not an nn.Module"),
    ("no_such_package_xyz.models:build", "cannot import"),
    ("{dir}/none.pt", "no file"),
])
def test_bad_factories_are_one_line(factory_file: Path, cli: Cli, model: str, message: str) -> None:
    code, _, err = cli("table", model.format(dir=factory_file.parent))
    assert code == 2 and err.count("\n") == 1 and message in err


def test_factory_argument_errors(factory_file: Path, cli: Cli) -> None:
    code, _, err = cli("table", f"{factory_file}:tiny", "--kwargs", "depth=3")
    assert code == 2 and "unexpected keyword argument 'depth'" in err and err.count("\n") == 1
    code, _, err = cli("table", "resnet18", "--kwargs", "width=3")
    assert code == 2 and "--kwargs is for factories" in err


def test_cli_table_of_a_file_factory(factory_file: Path, cli: Cli) -> None:
    code, out, _ = cli("table", f"{factory_file}:tiny", "--kwargs", '{"width": 2}', "--input", "8", "--format",
                       "json")
    assert code == 0
    import json

    assert json.loads(out)["totals"]["params"] == _tiny_params(2, 3)


def test_hub_packages_missing_or_present(cli: Cli) -> None:
    for hub in ("torchvision", "timm"):
        try:
            __import__(hub)
        except ImportError:
            code, _, err = cli("table", f"{hub}:resnet50")
            assert code == 2 and f"pip install {hub}" in err and err.count("\n") == 1
            continue
        code, _, err = cli("table", f"{hub}:resnet5O")
        assert code == 2 and "did you mean" in err


def test_torchvision_resnet50_is_ours() -> None:
    pytest.importorskip("torchvision")  # optional: make test-torchvision installs it
    from resnet_inspect import reference

    r = inspect_any("torchvision:resnet50")
    assert r.totals.params == reference.get("torchvision/resnet50/num_params").exact
    assert r.totals.macs == reference.get("torchvision/resnet50/macs").exact
