"""`resnet-inspect verify`: agreement with torchinfo, fvcore, FlopCounterMode, a real forward pass and gradients."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import torch
from torch import nn

from resnet_inspect import reference
from resnet_inspect.analysis import inspect, ops
from resnet_inspect.gradient_rf import measure
from resnet_inspect.verify import Check, ModelReport, VerifyReport, to_table, verify_model

Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture(scope="module")
def subset() -> dict[str, object]:
    """verify on resnet18 and a CIFAR net, through the command line (the CI subset)."""
    from resnet_inspect.cli import main

    out_path = Path(__file__).parent / "_verify_subset.json"
    try:
        code = main(["verify", "resnet18", "cifar-resnet20", "--format", "json", "-o", str(out_path)])
        data = json.loads(out_path.read_text())
    finally:
        out_path.unlink(missing_ok=True)
    return {"code": code, "report": data}


def test_subset_agrees(subset: dict[str, object]) -> None:
    assert subset["code"] == 0
    report = subset["report"]
    assert isinstance(report, dict) and report["ok"] is True and report["tally"]["differs"] == 0
    for model in report["models"]:
        tools = {c["tool"] for c in model["checks"] if c["status"] == "exact"}
        # Every independent method ran and agreed; skipped only where an optional package is missing.
        assert {"forward pass", "torchinfo", "fvcore", "FlopCounterMode", "gradient support"} <= tools, model["model"]


def test_subset_numbers_under_each_convention(subset: dict[str, object]) -> None:
    report = subset["report"]
    assert isinstance(report, dict)
    resnet18 = {(c["tool"], c["what"]): c for c in report["models"][0]["checks"]}
    # torchinfo's mult-adds = conv + fc MACs + fc bias + 2·C per batch norm (its convention, not ours).
    mult_adds = resnet18[("torchinfo", "total mult-adds")]
    conv_fc = inspect("resnet18", input_size=(64, 80)).totals.macs
    # Batch-norm channels of resnet18: stem 64; per stage 2 blocks × 2 BNs × width, plus a projection BN in
    # stages 2-4: 64 + 256 + (512 + 128) + (1024 + 256) + (2048 + 512) = 4800.
    assert mult_adds["theirs"] == conv_fc + 1000 + 2 * 4800 == mult_adds["ours"]
    # FlopCounterMode counts 2 FLOPs per MAC of conv + fc.
    assert resnet18[("FlopCounterMode", "total FLOPs")]["theirs"] == 2 * conv_fc
    # Published: torchvision's num_params exactly and `_ops` to its three printed decimals.
    published = [c for c in report["models"][0]["checks"] if c["tool"] == "torchvision metadata"]
    assert {c["status"] for c in published} == {"exact", "rounded"}
    assert reference.get("torchvision/resnet18/num_params").exact in [c["ours"] for c in published]


def test_broken_count_is_caught(monkeypatch: pytest.MonkeyPatch, cli: Cli) -> None:
    """One extra MAC per conv: every tool must notice, and the exit code must say so."""
    conv = ops.MODULE_OPS["Conv2d"]
    broken = dataclasses.replace(conv, macs=lambda m, shape, out, policy: conv.macs(m, shape, out, policy) + 1)
    monkeypatch.setitem(ops.MODULE_OPS, "Conv2d", broken)
    code, out, _ = cli("verify", "cifar-resnet20")
    assert code == 1
    assert "✗ DIFFERS" in out and "FAILED" in out
    for line in ("total mult-adds", "total FLOPs"):
        assert any(line in row and "DIFFERS" in row for row in out.splitlines()), line


def test_exit_code_follows_the_verdicts() -> None:
    good = Check("t", "w", "c", 1, 1, "exact")
    explained = Check("t", "w", "c", 1, 2, "explained", "a stated cause")
    bad = Check("t", "w", "c", 1, 2, "differs")
    ok = VerifyReport((ModelReport("m", (1, 3, 8, 8), (good, explained), 0.1),), 0.1)
    failed = VerifyReport((ModelReport("m", (1, 3, 8, 8), (good, bad), 0.1),), 0.1)
    assert ok.ok and not failed.ok
    assert failed.tally() == {"exact": 1, "rounded": 0, "explained": 0, "differs": 1, "skipped": 0}
    from resnet_inspect.commands.common import render_tables

    text = render_tables([to_table(failed)], "text")
    assert "✗ DIFFERS" in text and "1 differ" in text


def test_without_torchinfo_says_which_extra(monkeypatch: pytest.MonkeyPatch, cli: Cli) -> None:
    monkeypatch.setitem(sys.modules, "torchinfo", None)  # import torchinfo now raises ImportError
    code, out, err = cli("verify", "resnet18")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "pip install 'resnet-inspect[verify]'" in err and "torchinfo" in err


def test_verify_needs_a_model(cli: Cli) -> None:
    code, _, err = cli("verify")
    assert code == 2 and "--all" in err and err.count("\n") == 1


class _Gated(nn.Module):
    """A user's module: a conv stack with a residual add."""

    def __init__(self) -> None:
        super().__init__()
        self.a = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.b = nn.Conv2d(8, 8, 3, padding=1)
        self.pool = nn.MaxPool2d(2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.relu(self.a(x))
        return self.pool(y + self.b(y))


def test_verify_a_users_module() -> None:
    report = verify_model(_Gated(), input_size=32)
    assert report.ok
    rf = next(c for c in report.checks if c.tool == "gradient support")
    # a: 3, jump 2, padding 1; b: 3 + (3 − 1)·2 = 7, padding 1 + 1·2 = 3; the add's union with a's 3 keeps 7;
    # pool 2/2: 7 + (2 − 1)·2 = 9, jump 4, padding 3.
    assert rf.status == "exact" and rf.ours == rf.theirs == [9, 4, 3]


def test_gradient_support_by_hand() -> None:
    # Three stacked 3×3 convs, stride 1: receptive field 3, 5, 7 (RF_{l+1} = RF_l + (k − 1)·S_l).
    net = nn.Sequential(*[nn.Conv2d(1, 1, 3, padding=1) for _ in range(3)])
    got = measure(lambda: nn.Sequential(*[nn.Conv2d(1, 1, 3, padding=1) for _ in range(3)]), "2", axis=2,
                  length=21, thin=1, i=10)
    assert (got.size, got.jump, got.padding) == (7, 1, 3)
    assert inspect(net, input_size="1x21x21").totals.rf == (7, 7)


def test_a_known_gap_of_fvcore_is_explained_not_hidden() -> None:
    # fvcore 0.1.5 has no handle for aten::_convolution_mode (padding="same"): it counts that conv as 0.
    net = nn.Sequential(nn.Conv2d(3, 4, 3, padding="same"), nn.ReLU(), nn.Conv2d(4, 4, 3, padding=1))
    report = verify_model(net, input_size=8)
    fv = {c.what: c for c in report.checks if c.tool == "fvcore"}
    assert report.ok and fv["total FLOPs"].status == "explained" and "_convolution_mode" in fv["total FLOPs"].cause
    # What fvcore misses is the first conv exactly: 8·8 positions · 4 out · 3 in · 3·3 = 6,912 MACs.
    assert fv["total FLOPs"].ours - fv["total FLOPs"].theirs == 8 * 8 * 4 * 3 * 9
    assert fv["FLOPs per leaf module"].status == "explained"
    assert all(c.status == "exact" for c in report.checks if c.tool in ("FlopCounterMode", "torchinfo"))
