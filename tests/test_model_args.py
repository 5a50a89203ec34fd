"""A user's model through every command that takes MODELs, and TorchScript or head options given to inspect().

The expected numbers come from outside the analysis: parameters from ``sum(p.numel())`` of the real module,
MACs from PyTorch's FlopCounterMode over a real forward pass, depth and receptive field by hand.
"""

from __future__ import annotations

import json
import types
from collections.abc import Callable
from pathlib import Path

import pytest
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from resnet_inspect import inspect
from resnet_inspect.errors import InspectError

Cli = Callable[..., tuple[int, str, str]]

HOSTILE = 'Net<script>alert("x")</script>&'
FACTORY = f'''
from torch import nn


class Block(nn.Module):
    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        shortcut = x if self.downsample is None else self.downsample(x)
        y = self.relu(self.bn1(self.conv1(x)))
        return self.relu(self.bn2(self.conv2(y)) + shortcut)


class TinyResNet(nn.Module):
    def __init__(self, width=8, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, width, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.relu = nn.ReLU(inplace=True)
        self.layer1 = nn.Sequential(Block(width, width))
        self.layer2 = nn.Sequential(Block(width, 2 * width, 2))
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(2 * width, classes)

    def forward(self, x):
        x = self.layer2(self.layer1(self.relu(self.bn1(self.conv1(x)))))
        return self.fc(self.flatten(self.avgpool(x)))


def build(width=8, classes=10):
    return TinyResNet(width, classes)


def hostile(width=8, classes=10):
    return type({HOSTILE!r}, (TinyResNet,), {{}})(width, classes)


def pooled():
    return nn.Sequential(nn.Conv2d(3, 4, 3), nn.MaxPool2d(4))
'''
DEPTH = 1 + 2 * (1 + 1) + 1  # stem conv, two blocks of two 3×3 convs (the 1×1 projection is not counted), fc
# RF at 32×32: stem 3×3 → 3; layer1 3×3, 3×3 → 5, 7 (the identity path's 3 lies inside); layer2 3×3/2 → 9 at
# jump 2, 3×3 → 9 + 2·2 = 13 (the projection path sees 7): 13 px at jump 2.
RF, JUMP = 13, 2


@pytest.fixture
def factory_file(tmp_path: Path) -> Path:
    path = tmp_path / "tinynet.py"
    path.write_text(FACTORY)
    return path


def _real(width: int = 8, classes: int = 10) -> nn.Module:
    """The same network, built here from the same source, on the CPU."""
    namespace = types.ModuleType("tinynet_oracle")
    exec(compile(FACTORY, "tinynet.py", "exec"), namespace.__dict__)  # the test's own source, not the loader
    module: nn.Module = namespace.build(width, classes)
    return module.eval()


def _oracle(width: int = 8, size: int = 32) -> tuple[int, int]:
    """(parameters, conv + fc MACs) of the real module: ``numel`` and FlopCounterMode ÷ 2 on a real forward."""
    net = _real(width)
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        net(torch.zeros(1, 3, size, size))
    return sum(p.numel() for p in net.parameters()), counter.get_total_flops() // 2


# --------------------------------------------------------------------------- each command


def test_depth_of_a_factory(factory_file: Path, cli: Cli) -> None:
    code, out, _ = cli("depth", f"{factory_file}:build", "--kwargs", "width=4", "--format", "json")
    assert code == 0
    record = json.loads(out)
    assert record["model"] == "TinyResNet" and record["depth"] == DEPTH
    code, out, _ = cli("depth", f"{factory_file}:build")
    assert "TinyResNet has no depth in its name" in out and "custom spec" not in out


def test_compare_a_factory_beside_a_variant(factory_file: Path, cli: Cli) -> None:
    params, macs = _oracle(width=8, size=32)
    code, out, _ = cli("compare", f"{factory_file}:build", "resnet18", "--input", "32", "--format", "json")
    assert code == 0
    mine, theirs = json.loads(out)["models"]
    assert (mine["model"], mine["params"], mine["macs"], mine["depth"]) == ("TinyResNet", params, macs, DEPTH)
    assert mine["rf"] == [RF, RF] and theirs["model"] == "resnet18"
    code, out, _ = cli("compare", f"{factory_file}:build", "resnet18", "--input", "32")
    stage_rows = [line.split()[0] for line in out.splitlines() if line.endswith(("×1", "1000"))]
    assert stage_rows[-1] == "fc", "the head comes after every stage of both networks"


def test_compare_tells_two_modules_of_one_type_apart(factory_file: Path, cli: Cli) -> None:
    code, out, _ = cli("compare", f"{factory_file}:build", f"{factory_file}:build", "--kwargs", "width=4",
                       "--input", "16", "--format", "json")
    assert code == 0
    names = [m["model"] for m in json.loads(out)["models"]]
    assert names[0] == names[1] == f"TinyResNet ({factory_file}:build)"


@pytest.mark.parametrize("kind", ["block", "network", "bottleneck-kinds"])
def test_diagram_of_a_factory(factory_file: Path, cli: Cli, tmp_path: Path, kind: str) -> None:
    target = tmp_path / f"{kind}.dot"
    code, _, err = cli("diagram", kind, f"{factory_file}:hostile", "--input", "32", "-o", str(target))
    assert code == 0, err
    source = target.read_text()
    assert "layer2" in source and "<script>" not in source and "&lt;script&gt;" in source


def test_diagram_svg_keeps_the_name_as_text(factory_file: Path, cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "block.svg"
    code, _, err = cli("diagram", "block", f"{factory_file}:hostile", "-o", str(target))
    assert code == 0, err
    svg = target.read_text()
    assert "<script" not in svg and "Net&lt;script&gt;" in svg


def test_diagram_v1_vs_v15_needs_a_variant(factory_file: Path, cli: Cli) -> None:
    code, out, err = cli("diagram", "v1-vs-v15", f"{factory_file}:build")
    assert code == 2 and out == "" and err.count("\n") == 1 and "variant name or a custom spec" in err


@pytest.mark.parametrize(("kind", "models"), [("rf", 1), ("stages", 2), ("memory", 2), ("shapes", 1)])
def test_plot_of_a_factory(factory_file: Path, cli: Cli, tmp_path: Path, kind: str, models: int) -> None:
    target = tmp_path / f"{kind}.svg"
    names = [f"{factory_file}:hostile", "resnet18"][:models]
    code, _, err = cli("plot", kind, *names, "--input", "32", "-o", str(target))
    assert code == 0, err
    svg = target.read_text()
    assert "<script" not in svg and "&lt;script&gt;" in svg


def test_report_of_a_factory(factory_file: Path, cli: Cli, tmp_path: Path) -> None:
    params, macs = _oracle(width=8, size=32)
    target = tmp_path / "reports"
    code, _, err = cli("report", f"{factory_file}:hostile", f"{factory_file}:build", "--format", "html",
                       "--input", "32", "-o", str(target))
    assert code == 0, err
    pages = sorted(p.name for p in target.iterdir())
    assert pages == ["Net-script-alert-x-script.html", "Net-script-alert-x-script.json", "TinyResNet.html",
                     "TinyResNet.json", "index.html"]
    import json

    record = json.loads((target / "Net-script-alert-x-script.json").read_text())
    assert record["model"] == HOSTILE  # data, not markup: the name as it is
    for page in target.glob("*.html"):
        html = page.read_text()
        assert "<script>alert" not in html and 'alert("x")</script>' not in html
        assert "Net&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;" in html or page.name == "TinyResNet.html"
    html = (target / "TinyResNet.html").read_text()
    assert f"{params:,}" in html and f"{macs:,}" in html


def test_table_html_escapes_the_name(factory_file: Path, cli: Cli) -> None:
    code, out, _ = cli("table", f"{factory_file}:hostile", "--input", "32", "--format", "html")
    assert code == 0 and "<script>alert" not in out and "Net&lt;script&gt;" in out


# --------------------------------------------------------------------------- one line for what cannot be done


@pytest.mark.parametrize("args", [
    ("depth", "{model}"),
    ("compare", "{model}", "resnet18"),
    ("diagram", "block", "{model}"),
    ("diagram", "network", "{model}", "-o", "{dir}/net.svg"),
    ("plot", "rf", "{model}", "-o", "{dir}/rf.png"),
    ("report", "{model}", "--format", "html", "-o", "{dir}/reports"),
])
def test_a_missing_factory_is_one_line(factory_file: Path, cli: Cli, tmp_path: Path, args: tuple[str, ...]) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    argv = [a.format(model=f"{factory_file}:biuld", dir=out_dir) for a in args]
    code, out, err = cli(*argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "has no 'biuld'" in err and "did you mean build" in err
    assert "Traceback" not in err and list(out_dir.iterdir()) == []  # nothing half-written


def test_kwargs_only_for_factories(cli: Cli) -> None:
    code, _, err = cli("depth", "resnet18", "--kwargs", "width=3")
    assert code == 2 and err.count("\n") == 1 and "--kwargs is for factories" in err


def test_an_input_too_small_names_the_factory(factory_file: Path, cli: Cli) -> None:
    # 4×4 input: the 3×3 conv leaves 2×2, where the 4×4 pool does not fit; 6×6 leaves 4×4, where it does
    code, _, err = cli("compare", "resnet18", f"{factory_file}:pooled", "--input", "4")
    assert code == 2 and err.count("\n") == 1
    assert f"{factory_file}:pooled: input 4×4 is too small" in err and "smallest input that works is 6×6" in err


# --------------------------------------------------------------------------- inspect() from Python


def _plain_net() -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(3, 8, 3, stride=2, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(8 * 4 * 4, 5)).eval()


def test_inspect_a_scripted_module_is_the_module_it_was_made_from() -> None:
    net = _plain_net()
    scripted = torch.jit.script(net)
    got, direct = inspect(scripted, input_size=16), inspect(net, input_size=16)
    assert [(r.name, r.output_shape, r.params, r.macs, r.rf) for r in got.rows] == \
        [(r.name, r.output_shape, r.params, r.macs, r.rf) for r in direct.rows]
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        net(torch.zeros(1, 3, 16, 16))
    assert got.totals.macs == counter.get_total_flops() // 2 and got.totals.unsupported == ()
    assert got.model == "Sequential" and got.totals.params == sum(p.numel() for p in net.parameters())


def test_inspect_a_traced_module_is_refused() -> None:
    traced = torch.jit.trace(_plain_net(), torch.zeros(1, 3, 16, 16))
    with pytest.raises(InspectError, match=r"Conv2d layer does not keep in_channels.*torch\.jit\.trace.*pass the "
                       r"nn\.Module"):
        inspect(traced, input_size=16)


def test_inspect_a_scripted_custom_module_is_refused() -> None:
    class Residual(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv2d(3, 3, 3, padding=1)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x + self.conv(x)

    with pytest.raises(InspectError, match=r"Residual's forward in its own interpreter.*pass the nn\.Module"):
        inspect(torch.jit.script(Residual()), input_size=16)


@pytest.mark.parametrize(("options", "named"), [
    ({"num_classes": 10}, "num_classes"), ({"include_top": False}, "include_top"),
    ({"num_classes": 10, "include_top": True}, "num_classes and include_top"),
])
def test_head_options_on_a_module_are_refused(options: dict[str, object], named: str) -> None:
    net = _plain_net()
    with pytest.raises(InspectError, match=f"^{named} apply to zoo names and specs only"):
        inspect(net, **options)  # type: ignore[arg-type]
    assert inspect("resnet18", num_classes=10).totals.params == 11_689_512 - 512 * 990 - 990


def test_depth_of_a_torchscript_file_without_stages(tmp_path: Path, cli: Cli) -> None:
    path = tmp_path / "flat.pt"
    flat = nn.Sequential(nn.Conv2d(3, 8, 3, stride=2, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 2))
    torch.jit.script(flat).save(str(path))
    code, out, err = cli("depth", str(path), "--format", "json")
    assert code == 0, err
    record = json.loads(out)
    # one conv + one fc on the main path; the tutorial's count is convs + max pools without the fc: 1 + 1
    assert (record["model"], record["depth"]) == ("Sequential", 2)
    assert record["other_counts"]["conv_and_max_pool_no_fc"]["value"] == 1 + 1
