"""The reference table: every published figure has a source, compares under its own rounding, and agrees."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from resnet_inspect import reference, registry
from resnet_inspect.analysis import inspect
from resnet_inspect.reference import FIGURES, Figure
from resnet_inspect.verify import FIGURE_POLICY, figure_value

OUTSIDE_REGISTRY = {"vgg16", ""}  # VGG-16 is only quoted; "" marks a block, not a network (Fig. 5)


def test_every_figure_is_cited() -> None:
    assert len({f.key for f in FIGURES}) == len(FIGURES)
    for f in FIGURES:
        assert f.source.authors and f.source.title and f.source.url and f.source.short, f.key
        assert f.source.url.startswith(("https://", "arXiv:")), f.key
        assert f.model in OUTSIDE_REGISTRY or f.model in registry.names(), f.key


def test_rounding_as_printed() -> None:
    # torchvision prints _ops with three decimals: 4,089,184,256 → 4.089; 4,090,000,000 would print 4.090.
    ops = reference.get("torchvision/resnet50/_ops")
    assert ops.printed == "4.089 GMACs" and ops.matches(4_089_184_256) and not ops.matches(4_090_000_000)
    # He et al. print Table 1 with one decimal but cut 3.664 to 3.6 and round 7.570 to 7.6: within one unit.
    t34, t101 = reference.get("he2015/table1/resnet34"), reference.get("he2015/table1/resnet101-v1")
    assert t34.matches(3_663_761_408) and t101.matches(7_570_000_000) and not t34.matches(3_700_000_001)
    # Table 6 prints 0.27 M with two decimals and 1.7 M with one.
    assert reference.get("he2015/table6/cifar-resnet20").matches(269_722)
    assert not reference.get("he2015/table6/cifar-resnet20").matches(275_000)
    assert reference.get("he2015/table6/cifar-resnet110").decimals == 1
    with pytest.raises(ValueError, match="rounded"):
        _ = t34.exact
    with pytest.raises(ValueError, match="rounding"):
        Figure("x", "", "params", 1, "", "params", reference.HE2015, rounding="roughly")


def test_exact_figures_and_their_rounded_forms_agree() -> None:
    # torchvision's `_ops` is the exact conv + fc MAC count rounded to three decimals of 10⁹.
    for model, exact in reference.select("torchvision/", "/macs").items():
        assert reference.get(f"torchvision/{model}/_ops").matches(exact.exact), model
    # FlopCounterMode's ResNet-50 FLOPs are twice torchvision's MACs.
    assert reference.get("flop_counter/resnet50/flops").exact == 2 * reference.get("torchvision/resnet50/macs").exact
    # fvcore's total is the sum of its parts (FACTS §4): conv + BN + adaptive pool + fc.
    assert reference.get("fvcore/resnet50/flops").exact == 4_087_136_256 + 22_227_968 + 100_352 + 2_048_000


@pytest.mark.parametrize("figure", [f for f in FIGURES if f.model not in OUTSIDE_REGISTRY], ids=lambda f: f.key)
def test_computed_numbers_agree_with_every_figure(figure: Figure) -> None:
    r = inspect(figure.model, input_size=figure.input_size, policy=FIGURE_POLICY.get(figure.counts, "conv-fc"))
    ours = figure_value(r, figure)
    assert ours is not None and figure.matches(ours), (figure.key, ours, figure.printed)


def test_figure5_blocks() -> None:
    # Fig. 5: 2·64·3·3·64 conv weights in the basic block; 256·64 + 64·3·3·64 + 64·256 in the bottleneck.
    assert reference.get("he2015/fig5/basic").exact == 2 * 64 * 3 * 3 * 64
    assert reference.get("he2015/fig5/bottleneck").exact == 256 * 64 + 64 * 3 * 3 * 64 + 64 * 256


def test_reference_imports_no_torch() -> None:
    code = "import sys, resnet_inspect.reference; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parent.parent)
    assert out.stdout.strip() == "False"


def test_fig3_prints_plain34_as_the_table_prints_resnet34() -> None:
    """Fig. 3's caption: plain-34 "3.6 billion FLOPs", the value Table 1 prints for ResNet-34; the identity
    shortcuts add no multiply-adds, so both are 3.644… × 10⁹ cut to one decimal."""
    from resnet_inspect.analysis.engine import inspect

    plain = inspect("plain34").totals.macs
    assert reference.get("he2015/fig3/plain34").matches(plain)
    assert reference.get("he2015/table1/resnet34").matches(plain)
