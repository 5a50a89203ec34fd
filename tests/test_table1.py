"""`compare --layout paper`: Table 1 of He et al. 2015 beside the computed one, with enough digits to compare."""

from __future__ import annotations

import json
from collections.abc import Callable

Cli = Callable[..., tuple[int, str, str]]


def test_flops_have_two_decimals(cli: Cli) -> None:
    # exact conv + fc MACs (torchvision's _ops and the v1 values of FACTS.md): resnet18 1,814,073,344 → 1.81;
    # resnet34 3,663,761,408 → 3.66 (one decimal gave 3.7 beside the paper's 3.6); resnet50-v1 3.858×10⁹ → 3.86
    code, out, _ = cli("compare", "--layout", "paper", "resnet18", "resnet34", "resnet50-v1", "--format", "json")
    assert code == 0
    d = json.loads(out)
    assert d["flops_multiply_adds"]["resnet34"] == 3_663_761_408
    code, text, _ = cli("compare", "--layout", "paper", "resnet18", "resnet34", "resnet50-v1")
    flops = next(line for line in text.splitlines() if line.startswith("MACs (the"))  # the paper's "FLOPs"
    assert flops.split()[-3:] == ["1.81×10⁹", "3.66×10⁹", "3.86×10⁹"]


def test_v15_columns_say_they_are_not_the_papers(cli: Cli) -> None:
    _, out, _ = cli("compare", "--layout", "paper", "resnet34", "resnet50", "resnet50-v1", "--wide")
    header = out.splitlines()[out.splitlines().index("") + 1]
    assert "resnet50 (50-layer, v1.5)" in header and "resnet50-v1 (50-layer)" in header
    assert ("resnet50 put the bottleneck's stride 2 on the 3×3 conv (torchvision's 'v1.5'), where Table 1 has it "
            "on the first 1×1") in " ".join(out.split())
    _, v1_only, _ = cli("compare", "--layout", "paper", "resnet18", "resnet50-v1", "--wide")
    assert v1_only.startswith("resnet18, resnet50-v1 — the layout of He et al. 2015, Table 1\n")


def test_the_footnote_is_right_about_conv2_x(cli: Cli) -> None:
    # conv2_x follows the stride-2 max pool: its first block keeps 56×56 (no downsampling); a bottleneck net
    # projects 64 → 256 there, a basic-block net's first shortcut is the identity (He et al. 2015, Table 1)
    _, out, _ = cli("compare", "--layout", "paper", "resnet50-v1", "resnet101-v1", "--wide")
    text = " ".join(out.split())
    assert "the first block also downsamples" not in text
    assert "conv2_x works on the max pool's output, so its first block keeps the 56×56 size, and its shortcut " \
           "projects 64 → 256 channels" in text
    _, basic, _ = cli("compare", "--layout", "paper", "resnet18", "resnet34", "--wide")
    assert "keeps the 56×56 size, and its shortcut is the identity" in " ".join(basic.split())


def test_which_column_of_the_paper_a_model_is(cli: Cli) -> None:
    _, out, _ = cli("compare", "--layout", "paper", "resnet18", "resnet50", "resnet101-v1", "resnext50_32x4d",
                    "--format", "json")
    assert json.loads(out)["paper_models"] == {"resnet18": "resnet18", "resnet50": "resnet50-v1",
                                               "resnet101-v1": "resnet101-v1", "resnext50_32x4d": None}


def test_as_published_row_comes_from_the_cited_table(cli: Cli) -> None:
    # He et al. 2015, Table 1, FLOPs row as printed: 1.8, 3.6, 3.8, 7.6, 11.3 ×10⁹ (18 … 152 layers, v1 layout)
    code, out, _ = cli("compare", "--layout", "paper", "resnet18", "resnet34", "resnet50-v1", "resnet101-v1",
                       "resnet152-v1", "--wide")
    assert code == 0
    row = next(line for line in out.splitlines() if line.startswith("as published (He et al. 2015, Table 1)"))
    assert row.split()[-5:] == ["1.8×10⁹", "3.6×10⁹", "3.8×10⁹", "7.6×10⁹", "11.3×10⁹"]
    # beside it, the computed values with two decimals: 3.664 and 3.858 show why 3.6 and 3.8 were printed
    flops = next(line for line in out.splitlines() if line.startswith("MACs (the"))  # the paper's "FLOPs"
    assert flops.split()[-5:] == ["1.81×10⁹", "3.66×10⁹", "3.86×10⁹", "7.57×10⁹", "11.28×10⁹"]


def test_a_v15_model_gets_its_v1_twins_value_marked(cli: Cli) -> None:
    _, out, _ = cli("compare", "--layout", "paper", "resnet50", "resnext50_32x4d", "--wide", "--format", "json")
    assert json.loads(out)["published_flops"] == {"resnet50": "3.8×10⁹"}
    _, text, _ = cli("compare", "--layout", "paper", "resnet50", "resnext50_32x4d", "--wide")
    row = next(line for line in text.splitlines() if line.startswith("as published"))
    assert row.rstrip().endswith("3.8×10⁹ (v1)")  # resnext50_32x4d: not in the paper, blank
