"""Diagrams: drawn from the built model (labels follow the spec), golden DOT, errors, rendering."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from resnet_inspect.analysis import Inspection, inspect
from resnet_inspect.analysis.compare import stride_variants
from resnet_inspect.errors import InspectError
from resnet_inspect.render import diagram as d


def result_of(name: str) -> Inspection:
    """The analysis a diagram is drawn from (diagrams take results, not names)."""
    return inspect(name)


Cli = Callable[..., tuple[int, str, str]]


def node_label(source: str, node: str) -> str:
    """The label of one node in DOT source (``b__layer2_0_conv1``)."""
    m = re.search(rf"^\s*{re.escape(node)} \[label=<(.*)>", source, re.MULTILINE)
    assert m, f"no node {node} in the diagram"
    return m.group(1)


def edge_attrs(source: str, src: str, dst: str) -> str:
    """The attribute list of the edge ``src -> dst`` ("" when it has none)."""
    m = re.search(rf"^\s*{re.escape(src)} -> {re.escape(dst)}(?: \[(.*)\])?$", source, re.MULTILINE)
    assert m, f"no edge {src} -> {dst}"
    return m.group(1) or ""


# --------------------------------------------------------------------------- golden DOT

GOLDEN_CASES = {
    "diagram_block_resnet50.dot": ("block", "resnet50"),
    "diagram_contrast.dot": ("contrast",),
    "diagram_bottleneck_kinds.dot": ("bottleneck-kinds",),
    "diagram_v1_vs_v15.dot": ("v1-vs-v15",),
    "diagram_network_resnet50.dot": ("network", "resnet50"),
    "diagram_plain_vs_residual.dot": ("plain-vs-residual",),
}


@pytest.mark.parametrize("name", sorted(GOLDEN_CASES))
def test_golden_dot(name: str, cli: Cli, golden: Callable[[str, str], None]) -> None:
    code, out, err = cli("diagram", *GOLDEN_CASES[name])
    assert code == 0, err
    assert out.startswith("digraph ")
    golden(name, out)


# --------------------------------------------------------------------------- drawn from the model


def test_block_label_follows_the_width_of_a_custom_spec() -> None:
    narrow = d.block_diagram(result_of("bottleneck:3-4-6-3,width=32"), "layer2.0").source
    wide = d.block_diagram(result_of("bottleneck:3-4-6-3"), "layer2.0").source
    # layer2 planes = 2 × width: 64 for width=32, 128 for the default 64; the block expands them ×4.
    assert "<b>1×1 conv, 64</b>" in node_label(narrow, "b__layer2_0_conv1")
    assert "128 → 64 ch" in node_label(narrow, "b__layer2_0_conv1")
    assert "<b>1×1 conv, 128</b>" in node_label(wide, "b__layer2_0_conv1")
    assert "<b>1×1 conv, 512</b>" in node_label(wide, "b__layer2_0_downsample_0")


def test_block_label_follows_the_stride_placement() -> None:
    v15 = d.block_diagram(result_of("bottleneck:3-4-6-3"), "layer2.0").source
    v1 = d.block_diagram(result_of("bottleneck:3-4-6-3,stride_on=1x1"), "layer2.0").source
    assert "stride 2" in node_label(v15, "b__layer2_0_conv2")
    assert "stride 2" not in node_label(v15, "b__layer2_0_conv1")
    assert "stride 2" in node_label(v1, "b__layer2_0_conv1")
    assert "stride 2" not in node_label(v1, "b__layer2_0_conv2")
    # the output size moves with the stride: 28×28 already after conv1 in v1, still 56×56 in v1.5
    assert "out 128×28×28" in node_label(v1, "b__layer2_0_conv1")
    assert "out 128×56×56" in node_label(v15, "b__layer2_0_conv1")


def test_v1_vs_v15_puts_the_red_stride_on_different_convs() -> None:
    src = d.v1_vs_v15_diagram(*stride_variants("resnet50")).source
    assert "/2" in node_label(src, "p0__layer2_0_conv1") and "/2" not in node_label(src, "p0__layer2_0_conv2")
    assert "/2" in node_label(src, "p1__layer2_0_conv2") and "/2" not in node_label(src, "p1__layer2_0_conv1")
    # He et al. 2015 Table 1 counts 3.8×10⁹ for ResNet-50 (v1); torchvision's v1.5 counts 4.09 G (FACTS.md §1)
    assert "v1 3.86 G MACs" in src and "v1.5 4.09 G MACs" in src


def test_projection_shortcut_is_dashed_and_identity_solid() -> None:
    proj = d.block_diagram(result_of("resnet50"), "layer2.0").source
    assert "dashed" in edge_attrs(proj, "b__layer2_0_downsample_1", "b__layer2_0_add")
    assert "dashed" in edge_attrs(proj, "b__x", "b__layer2_0_downsample_0")
    assert "/2" in node_label(proj, "b__layer2_0_downsample_0")
    ident = d.block_diagram(result_of("resnet50"), "layer2.1").source
    attrs = edge_attrs(ident, "b__x", "b__layer2_1_add")
    assert "solid" in attrs and "dashed" not in attrs
    assert "downsample" not in ident


def test_default_block_is_the_first_projection() -> None:
    assert "b__layer1_0_downsample_0" in d.block_diagram(result_of("resnet50")).source
    assert "b__layer2_0_conv1" in d.block_diagram(result_of("resnet34")).source  # resnet34's layer1 has none
    assert "option A shortcut" in d.block_diagram(result_of("cifar-resnet20")).source  # option A, not identity


def test_resnext_shows_its_cardinality() -> None:
    src = d.block_diagram(result_of("resnext50_32x4d"), "layer3.0").source
    label = node_label(src, "b__layer3_0_conv2")
    # 3×3 width = 256 planes × 4/64 × 32 groups = 512 channels, 16 per group
    assert "groups=32" in label and "512 → 512 ch" in label and "(16 per group)" in label


def test_preactivation_order_is_bn_relu_conv() -> None:
    src = d.block_diagram(result_of("preact-resnet164"), "layer2.1").source
    assert edge_attrs(src, "b__x", "b__layer2_1_bn1") == "weight=8"
    edge_attrs(src, "b__layer2_1_bn1", "b__layer2_1_relu")
    edge_attrs(src, "b__layer2_1_relu", "b__layer2_1_conv1")
    edge_attrs(src, "b__layer2_1_conv3", "b__layer2_1_add")  # no BN or ReLU after the last conv
    assert "b__layer2_1_relu_4" not in src


def test_an_inspected_single_block_module() -> None:
    import torch

    from resnet_inspect.models.blocks import BasicBlock

    with torch.device("meta"):
        block = BasicBlock(64, 64)
    src = d.block_diagram(inspect(block, input_size=(1, 64, 56, 56))).source
    assert "b__conv1" in src and "b__add" in src


def test_network_folds_deep_models() -> None:
    big = d.network_diagram(result_of("resnet152")).source
    assert "× 36 blocks" in big and "× 8 blocks" in big
    assert "cumulative stride 32" in big
    huge = d.network_diagram(result_of("preact-resnet1001")).source
    assert huge.count("× 111 blocks") == 3
    assert huge.count("[label=") < 20  # a macro view: one node per stage, not per layer
    expanded = d.network_diagram(result_of("resnet152"), ["layer3"]).source
    assert "33 more identical blocks" in expanded and "layer3.2 … layer3.34" in expanded
    assert "blk__layer3_35" in expanded and "blk__layer3_0" in expanded


def test_plain_vs_residual_columns() -> None:
    src = d.plain_vs_residual_diagram([result_of(m) for m in ("vgg19", "plain34", "resnet34")]).source
    assert src.count("cluster_col") == 3
    # resnet34: 16 blocks folded into 7 units (3 stages start with a projection block), one add each
    assert len(re.findall(r"c2__add\d+ \[label=\"\+\"", src)) == 7
    assert len(re.findall(r"c2__\w+ -> c2__add\d+ \[[^\]]*dashed", src)) == 3
    assert "×11" in src  # plain34: 11 more 3×3 convs at 256 after the strided one


# --------------------------------------------------------------------------- errors and output


def test_unknown_block_lists_the_valid_ones(cli: Cli) -> None:
    code, out, err = cli("diagram", "block", "resnet50", "--block", "layer5.0")
    assert code == 2 and out == ""
    assert "layer1.0–layer1.2, layer2.0–layer2.3, layer3.0–layer3.5, layer4.0–layer4.2" in err
    assert err.count("\n") == 1


def test_unsupported_extension_lists_the_supported(cli: Cli, tmp_path: Path) -> None:
    code, _, err = cli("diagram", "network", "resnet18", "-o", str(tmp_path / "net.jpg"))
    assert code == 2 and ".svg, .png, .pdf, .dot" in err
    assert list(tmp_path.iterdir()) == []


def test_unknown_stage_to_expand(cli: Cli) -> None:
    code, _, err = cli("diagram", "network", "resnet18", "--expand", "layer9")
    assert code == 2 and "layer1, layer2, layer3, layer4, all" in err


def test_no_dot_binary(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    code, _, err = cli("diagram", "block", "resnet50", "-o", str(tmp_path / "block.png"))
    assert code == 2
    assert "apt-get install graphviz" in err and "https://graphviz.org/download/" in err
    assert list(tmp_path.iterdir()) == []
    code, _, err = cli("diagram", "block", "resnet50", "-o", str(tmp_path / "block.dot"))
    assert code == 0, err
    assert (tmp_path / "block.dot").read_text().startswith("digraph block")


def test_graphviz_backend_failure_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import graphviz

    def missing(*args: object, **kwargs: object) -> bytes:
        raise graphviz.ExecutableNotFound(("dot",))

    monkeypatch.setattr(graphviz.Source, "pipe", missing)
    with pytest.raises(InspectError, match="apt-get install graphviz"):
        d.render("digraph x { a }", "svg")


def test_wrong_number_of_models(cli: Cli) -> None:
    code, _, err = cli("diagram", "block")
    assert code == 2 and "takes one MODEL" in err


def test_renders_svg_and_png(cli: Cli, tmp_path: Path) -> None:
    code, _, err = cli("diagram", "block", "resnext50_32x4d", "-o", str(tmp_path / "b.svg"))
    assert code == 0, err
    assert "<svg" in (tmp_path / "b.svg").read_text()
    png = d.network_diagram(result_of("resnet18")).render("png")
    assert png.startswith(b"\x89PNG")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.svg"]


def test_command_modules_import_nothing_heavy() -> None:
    code = ("import sys, resnet_inspect.commands.diagram_cmd, resnet_inspect.commands.plot_cmd; "
            "print([m for m in ('graphviz', 'matplotlib', 'torch') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
