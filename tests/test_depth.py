"""Depth accounting: totals against the names, counts against the modules, formulas against the sources."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from torch import nn

from resnet_inspect import registry
from resnet_inspect.analysis import inspect
from resnet_inspect.analysis.depth import DepthAccount, account_model, name_depth
from resnet_inspect.views.depth import (
    counted_layers,
    explain_difference,
    formula,
    name_check,
    seed_formula,
    stage_changes,
    stage_label,
)

Cli = Callable[..., tuple[int, str, str]]


@cache
def acc(name: str) -> DepthAccount:
    return account_model(name)


def _is_cut(name: str) -> bool:
    spec = registry.get_spec(name)
    return spec.num_stages < len(spec.layers) or not spec.include_top


# --------------------------------------------------------------------------- every registry variant


@pytest.mark.parametrize("name", registry.names())
def test_total_matches_the_name(name: str) -> None:
    a, claimed = acc(name), name_depth(name)
    assert a.depth == sum(s.layers for s in a.stages)
    assert a.depth == inspect(name).totals.depth  # the engine's own count of the same convention
    assert formula(a).endswith(f"= {a.depth}")
    if claimed is None:
        return
    if _is_cut(name):  # a backbone cut from a longer net: the account says so instead of forcing a match
        assert a.depth < claimed
        assert a.name_check == "cut" and f"cut from a {claimed}-layer network" in name_check(a)
    else:
        assert a.depth == claimed, formula(a)
        assert a.name_check == "match" and "matches" in name_check(a)


@pytest.mark.parametrize("name", registry.names())
def test_counts_equal_the_modules(name: str) -> None:
    a, model = acc(name), registry.build(name)

    def count(*types: type[nn.Module]) -> int:
        return sum(1 for m in model.modules() if isinstance(m, types))

    c = a.counts
    assert c.convs == count(nn.Conv2d)
    assert c.linears == count(nn.Linear)
    assert c.batch_norms == count(nn.BatchNorm2d)
    assert c.relu_modules == count(nn.ReLU)
    assert c.max_pools == count(nn.MaxPool2d)
    assert c.avg_pools == count(nn.AvgPool2d, nn.AdaptiveAvgPool2d)
    assert c.relu_calls >= c.relu_modules
    # the convention, counted a second way: conv + fc modules minus those on a shortcut
    on_shortcut = sum(1 for n, m in model.named_modules()
                      if isinstance(m, nn.Conv2d) and "downsample" in n.split("."))
    assert a.depth == count(nn.Conv2d, nn.Linear) - on_shortcut
    assert c.projection_convs == on_shortcut


# --------------------------------------------------------------------------- formulas


@pytest.mark.parametrize(("name", "expected"), [
    ("resnet101", "1 + 3·(3+4+23+3) + 1 = 101"),  # seeds; He et al. 2015 Table 1
    ("resnet34", "1 + 2·(3+4+6+3) + 1 = 34"),  # FACTS §2: 34 = 1 + 2·(3+4+6+3) + 1
    ("resnet18", "1 + 2·(2+2+2+2) + 1 = 18"),
    ("cifar-resnet20", "1 + 2·(3+3+3) + 1 = 20"),  # He et al. 2015 §4.2: 6n+2, n=3
    ("cifar-resnet1202", "1 + 2·(200+200+200) + 1 = 1202"),
    ("preact-resnet164", "1 + 3·(18+18+18) + 1 = 164"),  # He et al. 2016: 9n+2, n=18
    ("preact-resnet1001", "1 + 3·(111+111+111) + 1 = 1001"),
    ("plain34", "1 + 2·(3+4+6+3) + 1 = 34"),
    ("vgg19", "(2+2+4+4+4) + 3 = 19"),  # 16 convs + 3 fc
    ("resnet50-c4", "1 + 3·(3+4+6) = 40"),  # no conv5_x, no fc
    ("bottleneck:3-4-6-3,groups=32", "1 + 3·(3+4+6+3) + 1 = 50"),
    ("basic:2,stem=cifar", "1 + 2·2 + 1 = 6"),
])
def test_formula(name: str, expected: str) -> None:
    assert formula(acc(name)) == expected


def test_resnet50_other_counts() -> None:
    a = acc("resnet50")
    c = a.counts
    assert (c.convs, c.linears, c.all_weighted) == (53, 1, 54)  # seeds: 53 convs + 1 fc
    assert c.projection_convs == 4  # one per stage: conv2_1, conv3_1, conv4_1, conv5_1
    assert c.batch_norms == 53
    assert (c.relu_modules, c.relu_calls) == (17, 49)  # 1 + 16 blocks; 1 + 16·3
    assert (c.max_pools, c.avg_pools) == (1, 1)
    # a seed's count: conv1 + max pool + 3·3 + 4·3 + 6·3 + 3·3 = 50, no fc
    assert seed_formula(a) == "1 + 1 + 3·3 + 4·3 + 6·3 + 3·3 = 50"
    assert a.seed_depth == 50


def test_paper_stage_names() -> None:
    labels = [stage_label(s) for s in acc("resnet101").stages]
    assert labels == ["conv1 (stem)", "conv2_x (layer1)", "conv3_x (layer2)", "conv4_x (layer3)",
                      "conv5_x (layer4)", "fc (head)"]
    assert [stage_label(s) for s in acc("cifar-resnet20").stages] == ["stem", "layer1", "layer2", "layer3", "fc (head)"]
    assert counted_layers(acc("resnext50_32x4d").stage("layer1")) == "bottleneck: 1×1, 3×3 (C=32), 1×1"
    assert counted_layers(acc("plain18").stage("layer1")) == "plain: 3×3, 3×3"


def test_name_checks() -> None:
    assert name_depth("resnext101_64x4d") == 101
    assert name_depth("wide_resnet50_2") == 50
    assert name_depth("cifar-resnet1202") == 1202
    assert name_depth("bottleneck:3-4-6-3") is None
    c4 = acc("resnet50-c4")
    assert [s.name for s in c4.missing] == ["layer4", "head"]
    assert "leaves out conv5_x (layer4) with 9 layers and fc (head) with 1 layer" in name_check(c4)
    assert acc("bottleneck:3-4-6-3,groups=32").name_check == "custom"
    assert "no depth in its name" in name_check(acc("bottleneck:3-4-6-3,groups=32"))


# --------------------------------------------------------------------------- differences


def test_resnet50_vs_resnet101() -> None:
    a, b = acc("resnet50"), acc("resnet101")
    changes = stage_changes(a, b)
    assert [(label, delta) for label, delta, _ in changes] == [("conv4_x (layer3)", 51)]  # seeds: 17·3 = 51
    lines = explain_difference(a, b)
    assert lines[0] == "conv4_x (layer3) has 6 vs 23 blocks: +17 blocks × 3 layers = +51 layers"
    assert lines[-1] == "resnet50 → resnet101: 50 → 101 layers, +51 in all"


def test_resnet34_vs_resnet50() -> None:
    lines = explain_difference(acc("resnet34"), acc("resnet50"))
    assert lines[0] == "conv2_x (layer1) has 3 blocks of 2 vs 3 layers: 3 blocks × +1 layer = +3 layers"
    assert lines[-1] == "resnet34 → resnet50: 34 → 50 layers, +16 in all"


def test_different_families() -> None:
    (line,) = explain_difference(acc("resnet34"), acc("vgg19"))
    assert "built from different stages" in line and line.endswith("−15 layers")


# --------------------------------------------------------------------------- the command


def test_golden_resnet101(cli: Cli, golden: Callable[[str, str], None]) -> None:
    code, out, err = cli("depth", "resnet101")
    assert (code, err) == (0, "")
    golden("depth_resnet101.txt", out)


def test_golden_two_models(cli: Cli, golden: Callable[[str, str], None]) -> None:
    code, out, _ = cli("depth", "resnet50", "resnet101")
    assert code == 0
    assert "conv4_x (layer3) has 6 vs 23 blocks: +17 blocks × 3 layers = +51 layers" in out
    golden("depth_resnet50_resnet101.txt", out)


def test_json_one_and_several(cli: Cli) -> None:
    code, out, _ = cli("depth", "resnet101", "--format", "json")
    record = json.loads(out)
    assert code == 0 and isinstance(record, dict)
    assert record["depth"] == 101 and record["formula"] == "1 + 3·(3+4+23+3) + 1 = 101"
    assert {"model", "depth", "formula", "convention", "stages"} <= record.keys()
    assert [s["layers"] for s in record["stages"]] == [1, 9, 12, 69, 9, 1]
    code, out, _ = cli("depth", "resnet50", "resnet101", "vgg19", "-f", "json")
    records = json.loads(out)
    assert [r["depth"] for r in records] == [50, 101, 19]
    assert records[1]["difference_from_previous"]["layers"] == 51


@pytest.mark.parametrize("fmt", ["markdown", "latex", "html", "csv"])
def test_formats(cli: Cli, fmt: str) -> None:
    code, out, err = cli("depth", "resnet50", "resnet101", "--format", fmt)
    assert (code, err) == (0, "")
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out)))
        totals = {r["model"]: r for r in rows if r["stage"] == "total"}
        assert totals["resnet101"]["layers"] == "101"
        assert totals["resnet101"]["block"] == "1 + 3·(3+4+23+3) + 1 = 101"
    elif fmt == "html":
        assert out.count("<!DOCTYPE html>") == 1 and out.count("<table") == 4
    elif fmt == "latex":
        assert out.count("\\begin{tabular}") == 4
    else:
        assert "| conv4_x (layer3) | 6 × 3 = 18 | 23 × 3 = 69 | +51 |" in out


def test_output_file(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "depth.md"
    code, out, err = cli("depth", "cifar-resnet20", "-f", "markdown", "-o", str(target))
    assert (code, out) == (0, "")
    assert "wrote" in err and "1 + 2·(3+3+3) + 1 = 20" in target.read_text(encoding="utf-8")


@pytest.mark.parametrize("args", [
    ("depth", "resnet5O"),
    ("depth", "resnet50", "nosuchnet"),
    ("depth", "bottleneck:3-4-6-3,groups=x"),
    ("depth",),
    ("depth", "resnet50", "-o", "/nonexistent-folder/x.txt"),
])
def test_errors(cli: Cli, args: tuple[str, ...]) -> None:
    code, out, err = cli(*args)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
