"""``resnet-inspect list``: stored numbers equal a live computation and independent counts; order; layout.

The catalogue (``resnet_inspect/catalogue.json``) is regenerated with ``pytest tests/test_list.py
--update-golden``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

from resnet_inspect import registry
from resnet_inspect.commands import list_cmd

Cli = Callable[..., tuple[int, str, str]]

# torchvision weights metadata (`num_params`, exact conv + fc MACs behind `_ops`), FACTS.md §1.
TORCHVISION = {
    "resnet18": (11_689_512, 1_814_073_344), "resnet34": (21_797_672, 3_663_761_408),
    "resnet50": (25_557_032, 4_089_184_256), "resnet101": (44_549_160, 7_801_405_440),
    "resnet152": (60_192_808, 11_513_626_624), "resnext50_32x4d": (25_028_904, 4_230_479_872),
    "resnext101_32x8d": (88_791_336, 16_414_015_488), "resnext101_64x4d": (83_455_272, 15_460_270_080),
    "wide_resnet50_2": (68_883_240, 11_398_021_120), "wide_resnet101_2": (126_886_696, 22_753_050_624),
}
# He et al. 2015 Table 1 in the paper's v1 layout, exact to three decimals (×10⁹), FACTS.md §2.
V1_GMACS = {"resnet50-v1": 3.858, "resnet101-v1": 7.570, "resnet152-v1": 11.282}


@pytest.fixture(scope="module")
def records() -> dict[str, dict[str, Any]]:
    return {str(r["name"]): r for r in list_cmd.catalogue()}


def test_catalogue_equals_a_live_computation(request: pytest.FixtureRequest) -> None:
    if request.config.getoption("--update-golden"):
        list_cmd.write_catalogue()
    live = list_cmd.compute_all()
    assert list_cmd.stored() == live, "run pytest tests/test_list.py --update-golden and review the diff"


@pytest.mark.parametrize("name", registry.names())
def test_params_and_macs_equal_the_built_module(name: str, records: dict[str, dict[str, Any]]) -> None:
    # Independent of the torch-free pass: parameters of the torch module, and PyTorch's FlopCounterMode
    # (2 FLOPs per multiply-add of convs and linear layers; bias, BN and pooling not counted) ÷ 2.
    spec = registry.get_spec(name)
    model = registry.build(name)
    with FlopCounterMode(display=False) as counter:
        model(torch.zeros(1, spec.in_channels, *spec.input_size, device="meta"))
    assert records[name]["params"] == sum(p.numel() for p in model.parameters())
    assert records[name]["macs"] == counter.get_total_flops() // 2


def test_published_figures(records: dict[str, dict[str, Any]]) -> None:
    for name, (params, macs) in TORCHVISION.items():
        assert (records[name]["params"], records[name]["macs"]) == (params, macs), name
    for name, gmacs in V1_GMACS.items():
        assert round(records[name]["macs"] / 1e9, 3) == gmacs, name
    # cifar-resnet20 by hand: stem 3·9·16·32² = 442,368; stage 1: 6 × 16·9·16·32² = 14,155,776;
    # stage 2: 16·9·32·16² = 1,179,648 + 5 × 32·9·32·16² = 11,796,480; stage 3: 32·9·64·8² = 1,179,648
    # + 5 × 64·9·64·8² = 11,796,480; fc 64·10 = 640.  Sum 40,551,040.
    assert records["cifar-resnet20"]["macs"] == 40_551_040


def test_depths(records: dict[str, dict[str, Any]]) -> None:
    # The number in the name is the depth (He et al. 2015: weighted layers on the main path) ...
    for name, r in records.items():
        if r["family"] != "backbone":
            assert r["depth"] == int(re.match(r"\D*(\d+)", name).group(1)), name  # type: ignore[union-attr]
    # ... except for the backbone cut after layer3: stem conv + 3 convs per block, no fc.
    assert records["resnet50-c4"]["depth"] == 1 + 3 * (3 + 4 + 6)


def test_order_family_then_depth() -> None:
    names = [str(r["name"]) for r in list_cmd.catalogue()]
    assert names[:8] == ["resnet18", "resnet34", "resnet50", "resnet50-v1", "resnet101", "resnet101-v1",
                         "resnet152", "resnet152-v1"]
    assert names.index("resnext50_32x4d") < names.index("resnext101_32x8d") < names.index("resnext101_64x4d")
    cifar = [n for n in names if n.startswith("cifar-resnet")]
    assert cifar == ["cifar-resnet20", "cifar-resnet32", "cifar-resnet44", "cifar-resnet56", "cifar-resnet110",
                     "cifar-resnet1202"]
    assert sorted(names) == sorted(registry.names())


def test_descriptions_say_what_is_true(records: dict[str, dict[str, Any]]) -> None:
    for name in ("resnet18", "resnet34"):
        assert records[name]["block"] == "basic" and "bottleneck" not in records[name]["description"]
    for name in ("resnet18-cifar", "resnet34-cifar"):
        assert "community" in records[name]["paper"] and "not in the paper" in records[name]["paper"]


def test_json_keys_kept_and_added(cli: Cli) -> None:
    code, out, _ = cli("list", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    for r in rows:
        assert {"name", "family", "block", "layers", "default_input", "params", "num_classes", "paper",
                "description", "depth", "macs"} <= set(r)
    by_name = {r["name"]: r for r in rows}
    assert by_name["resnet101"]["layers"] == [3, 4, 23, 3]
    assert by_name["resnet101"]["params"] == TORCHVISION["resnet101"][0]
    assert [r["name"] for r in rows] == [r["name"] for r in list_cmd.catalogue()]


def test_text_fits_100_columns_and_shows_descriptions(cli: Cli) -> None:
    code, out, _ = cli("list")
    assert code == 0
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert "Description" in lines[2] and "MACs" in lines[2] and "Depth" in lines[2]
    row = next(line for line in lines if line.startswith("resnet18 "))
    assert "11.7 M" in row and "1.81 G" in row and " 18 " in row and "basic:" in row
    assert "resnext101_64x4d" in out and "44.5 M" in out
    assert "kuangliu/pytorch-cifar" in out  # the references under the table


def test_other_formats_have_one_row_per_variant(cli: Cli) -> None:
    code, out, _ = cli("list", "--format", "csv")
    assert code == 0
    assert len(out.strip().splitlines()) == 1 + len(registry.names())
    code, out, _ = cli("list", "--format", "markdown", "--family", "resnet-v1")
    assert code == 0 and [line.split("|")[1].strip() for line in out.splitlines() if "-v1 " in line] == [
        "resnet50-v1", "resnet101-v1", "resnet152-v1"]


def test_a_changed_spec_is_computed_live(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = registry.get_spec("cifar-resnet20")
    stale = {"cifar-resnet20": {"params": 1, "macs": 1, "depth": 1, "spec": "0" * 16}}
    monkeypatch.setattr(list_cmd, "stored", lambda: stale)
    assert list_cmd.numbers([spec])["cifar-resnet20"] == list_cmd.compute(spec) != stale["cifar-resnet20"]


def test_list_runs_no_analysis() -> None:
    # As fast as --help: the numbers are read, not traced (neither torch nor the analysis is imported).
    code = ("import sys, io, contextlib\n"
            "from resnet_inspect.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    assert main(['list']) == 0\n"
            "print(sorted(m for m in ('torch', 'resnet_inspect.analysis.engine') if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
