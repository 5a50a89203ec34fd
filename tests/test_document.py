"""The one number formatter and the typed cells of the document model."""

from __future__ import annotations

import pytest

from resnet_inspect.document import Cell, Column, fmt


@pytest.mark.parametrize(("n", "text"), [
    (999_999, "1.00 M"),  # rounds into the next prefix, not "1000 k"
    (9_999_999, "10.0 M"),  # three significant digits counted after rounding, not "10.00 M"
    (999_499, "999 k"),
    (25_557_032, "25.6 M"),  # torchvision resnet50 num_params
    (4_089_184_256, "4.09 G"),  # resnet50 conv + fc MACs
    (1_000, "1.00 k"),
    (999, "999"),
    (0, "0"),
    (-231_211_008, "−231 M"),  # a true minus sign
    (None, "n/a"),
])
def test_scaled(n: int | None, text: str) -> None:
    assert fmt.scaled(n) == text


def test_scaled_digits() -> None:
    assert fmt.scaled(4_089_184_256, 4) == "4.089 G"
    assert fmt.scaled(9_999_999, 4) == "10.00 M"


@pytest.mark.parametrize(("n", "text"), [
    (1_048_575, "1.00 MiB"),  # 1 MiB − 1 byte: 1023.999 KiB rounds to the next unit, not "1.02e+03 KiB"
    (3_211_264, "3.06 MiB"),  # 64×112×112 float32 = 3,211,264 B = 3.0625 MiB
    (1_023, "1023 B"),
    (1_024, "1.00 KiB"),
    (1_024_000, "0.977 MiB"),  # 1000 KiB: three digits would need four, so the next unit
    (89_760_000, "85.6 MiB"),
    (None, "n/a"),
])
def test_nbytes(n: int | None, text: str) -> None:
    assert fmt.nbytes(n) == text


def test_counts_kernels_and_signs() -> None:
    assert fmt.count(215_808) == "215,808" and fmt.count(7_098_368) == "7.10 M"
    assert fmt.count(7_098_368, exact=True) == "7,098,368"
    assert fmt.kernel((3, 3)) == "3×3" and fmt.kernel((1, 7)) == "1×7" and fmt.kernel(None) == ""
    assert fmt.window((3, 3), (2, 2), (1, 1)) == "3×3/2 p1"
    assert fmt.window((1, 1), (1, 1), (0, 0)) == "1×1"
    assert (fmt.signed(17), fmt.signed(-17), fmt.signed(0)) == ("+17", "−17", "0")
    assert fmt.percent(4_089_184_256, 3_857_973_248) == "+6.0%"  # 231,211,008 / 3,857,973,248 = 5.99%
    assert fmt.power_of_ten(4_089_184_256) == "4.1×10⁹" and fmt.power_of_ten(40_813_184) == "40.8×10⁶"
    assert fmt.ratio(1_179_648 / 69_632) == "16.9×"  # the seeds' basic block vs bottleneck


def test_the_old_kernel_helpers_are_gone() -> None:
    from resnet_inspect.analysis import depth
    from resnet_inspect.figures import diagram_style

    assert not hasattr(depth, "kernel_text") and not hasattr(diagram_style, "hw")


@pytest.mark.parametrize(("cell", "text"), [
    (Cell(4_089_184_256, "count"), "4.09 G"),
    (Cell(4_089_184_256, "int"), "4,089,184,256"),
    (Cell(4_089_184_256, "count", digits=4), "4.089 G"),
    (Cell((1, 256, 56, 56), "shape"), "256×56×56"),
    (Cell((427, 427), "pair", unit="px"), "427 px"),
    (Cell((427, 600), "pair"), "427×600"),
    (Cell(3_211_264, "bytes"), "3.06 MiB"),
    (Cell(16.94, "ratio"), "16.9×"),
    (Cell(None, "count", reason="no MAC formula"), "n/a"),
    (Cell(None), ""),
    (Cell(0, "count", text=""), ""),
    (Cell("<script>"), "<script>"),
])
def test_cell_text(cell: Cell, text: str) -> None:
    assert fmt.cell_text(cell) == text


def test_missing_and_numeric() -> None:
    assert Cell(None, "count").missing and not Cell(None).missing and not Cell(0, "count").missing
    assert Column("macs", "MACs", "count").numeric and not Column("output", "Output", "shape").numeric
