"""Diagrams: drawn from the built model (labels follow the spec), golden DOT, errors, rendering."""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from resnet_inspect.analysis import Inspection, inspect
from resnet_inspect.analysis.compare import contrast_nets, stride_variants
from resnet_inspect.errors import InspectError
from resnet_inspect.figures import diagram as d


def result_of(name: str) -> Inspection:
    """The analysis a diagram is drawn from (diagrams take results, not names)."""
    return inspect(name)


def fig3() -> list[Inspection]:
    """He et al. 2015, Fig. 3's three networks."""
    return [result_of(m) for m in ("vgg19", "plain34", "resnet34")]


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


def test_default_block_is_the_first_with_a_stride() -> None:
    # He et al. 2015, Table 1: "downsampling is performed by conv3_1, conv4_1, and conv5_1 with a stride of 2"
    # — the first block with a stride is layer2.0 (conv3_1) in every ImageNet ResNet.
    v1 = d.block_diagram(result_of("resnet50-v1"))
    assert v1.name == "block resnet50-v1 layer2.0"
    assert "stride 2" in node_label(v1.source, "b__layer2_0_conv1")  # the paper's v1: stride on the first 1×1
    assert d.block_diagram(result_of("resnet50")).name == "block resnet50 layer2.0"
    assert d.block_diagram(result_of("resnet34")).name == "block resnet34 layer2.0"
    # cifar-resnet20's layer2.0: option A, not identity
    assert "option A shortcut" in d.block_diagram(result_of("cifar-resnet20")).source
    # a net with no stride anywhere falls back to its first projection
    assert d.block_diagram(result_of("bottleneck:2,stages=1")).name.endswith(" layer1.0")


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
    src = d.plain_vs_residual_diagram(fig3()).source
    assert src.count("subgraph cluster_col") == 3
    # resnet34: one + and one shortcut per drawn block; a run of identical blocks is framed and labelled × n,
    # and the frames plus the three projection blocks account for all 3 + 4 + 6 + 3 = 16 blocks (Table 1)
    assert len(re.findall(r"c2__add\d+ \[label=\"\+\"", src)) == 7
    assert len(re.findall(r"^\s*c2__in\d+ -> c2__add\d+ \[[^\]]*dashed", src, re.MULTILINE)) == 3
    runs = [int(n) for n in re.findall(r"<b>× (\d+)</b> <font[^>]*>blocks</font>", src)]
    assert runs == [3, 3, 5, 2] and sum(runs) + 3 == 16
    # a frame holds its block's input, the block and its +: the shortcut repeats with the block
    frames = re.findall(r"subgraph cluster_c2_run(\d+) {(.*?)\n\t\t}", src, re.DOTALL)
    assert len(frames) == 4
    for k, body in frames:
        assert f"c2__in{k} " in body and f"c2__u{k} " in body and f"c2__add{k} " in body
    assert "×11" in src  # plain34: 11 more 3×3 convs at 256 after the strided one
    assert "dashed" not in "".join(re.findall(r"^\s*\w+ \[label=.*$", src, re.MULTILINE))  # no dashed boxes


def _positions(source: str) -> dict[str, tuple[float, float]]:
    """Node centres (inches) of a laid-out diagram, from Graphviz's plain output."""
    out: dict[str, tuple[float, float]] = {}
    for line in _plain(source).splitlines():
        parts = line.split()
        if parts and parts[0] == "node":
            out[parts[1]] = (float(parts[2]), float(parts[3]))
    return out


def _plain(source: str) -> str:
    import graphviz

    return graphviz.Source(source).pipe(format="plain").decode()


@pytest.mark.parametrize("layout", ["tb", "lr"])
def test_plain_vs_residual_rows_align_and_the_resnet_column_has_no_gap(layout: str) -> None:
    from resnet_inspect.figures import diagram_style as st

    with st.look(layout):
        src = d.plain_vs_residual_diagram(fig3()).source
    pos = _positions(src)
    along = 1 if layout == "tb" else 0  # the axis the networks run along
    # the first layer at each output size sits on that size's line in every network (the paper's Fig. 3)
    for size, firsts in {"56x56": ("c0__u3", "c1__u1", "c2__u1"), "28x28": ("c0__u5", "c1__u3", "c2__u3")}.items():
        at = {round(pos[n][along], 2) for n in firsts}
        assert at == {round(pos[f"size__{size}"][along], 2)}, (size, at)
    # resnet34's blocks follow each other without a long empty stretch: no step between consecutive
    # main-path nodes from the first block on exceeds 2.5 × the median step (the stem alone skips VGG's
    # 224×224 row, to stay aligned)
    chain = re.findall(r"^\s*(c2__\w+) \[", src, re.MULTILINE)
    chain = chain[chain.index("c2__in2"):]
    at = [pos[n][along] for n in chain]
    steps = sorted(abs(a - b) for a, b in itertools.pairwise(at))
    assert steps[-1] <= 2.5 * steps[len(steps) // 2], steps


def test_network_expand_draws_each_block_with_its_shortcut() -> None:
    src = d.network_diagram(result_of("resnet50"), ["layer2"]).source
    # layer2 = 4 bottlenecks (Table 1: ×4), one + each; the first projects (dashed), the other three identity
    for k in range(4):
        attrs = edge_attrs(src, f"in__layer2_{k}", f"add__layer2_{k}")
        assert ("dashed" in attrs) == (k == 0) and ("solid" in attrs) == (k > 0)
        edge_attrs(src, f"blk__layer2_{k}", f"add__layer2_{k}")
    assert "dashed" not in "".join(re.findall(r"^\s*\w+ \[label=.*$", src, re.MULTILINE))  # no dashed boxes
    folded = d.network_diagram(result_of("resnet152"), ["layer3"]).source
    assert "each with its own identity shortcut" in node_label(folded, "fold__layer3_2")


def test_legend_lists_only_what_is_drawn() -> None:
    def legend(source: str) -> str:
        return node_label(source, "legend")

    macro = legend(d.network_diagram(result_of("resnet50")).source)
    assert "shortcut" not in macro and "&nbsp;BN&nbsp;" not in macro and "&nbsp;ReLU&nbsp;" not in macro
    assert "&nbsp;conv&nbsp;" in macro and "&nbsp;fc&nbsp;" in macro  # the stem box and the head box
    ident = legend(d.block_diagram(result_of("resnet50"), "layer2.1").source)
    assert "identity shortcut" in ident and "projection" not in ident and "stride 2" not in ident
    assert "&nbsp;pool&nbsp;" not in ident and "&nbsp;fc&nbsp;" not in ident
    proj = legend(d.block_diagram(result_of("resnet50"), "layer2.0").source)
    assert "projection shortcut" in proj and "identity" not in proj and "stride 2" in proj
    assert "option A" in legend(d.block_diagram(result_of("cifar-resnet20")).source)


class _CountingRows(tuple):  # type: ignore[type-arg]
    """A rows tuple that counts full passes over it."""

    passes = 0

    def __iter__(self):  # type: ignore[no-untyped-def]
        type(self).passes += 1
        return super().__iter__()


def test_views_are_linear_in_the_number_of_rows() -> None:
    from dataclasses import replace

    from resnet_inspect.analysis import inspect
    from resnet_inspect.figures import plots

    passes = []
    for n in (10, 200):
        insp = inspect(f"basic:{n}-{n}-{n}-{n}")
        counted = replace(insp, rows=_CountingRows(insp.rows))
        _CountingRows.passes = 0
        d.network_diagram(counted, ["all"])
        d.plain_vs_residual_diagram([counted])
        d.block_diagram(counted)
        plots.shapes_figure(counted)
        plots.rf_figure(counted)
        passes.append(_CountingRows.passes)
    # a scan of every row per block would make the passes grow with the blocks (800 here); each view reads
    # the rows a fixed number of times, whatever the depth
    assert passes[0] == passes[1] and passes[1] < 60, passes


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
    from resnet_inspect import dot

    monkeypatch.setattr(dot.shutil, "which", lambda name: None)  # dot vanished after the early check
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


# --------------------------------------------------------------------------- layout and fonts

KIND_BUILDERS: dict[str, Callable[[], d.Diagram]] = {
    "block": lambda: d.block_diagram(result_of("resnet50")),
    "contrast": lambda: d.block_contrasts_diagram(*contrast_nets()),
    "bottleneck-kinds": lambda: d.bottleneck_kinds_diagram(result_of("resnet50")),
    "v1-vs-v15": lambda: d.v1_vs_v15_diagram(*stride_variants("resnet50")),
    "network": lambda: d.network_diagram(result_of("resnet50")),
    "plain-vs-residual": lambda: d.plain_vs_residual_diagram(fig3()),
}


def _slide_scale(source: str) -> float:
    """How much a drawing must shrink (or may grow) to fit a 13.33 × 7.5 in (16:9) slide."""
    svg = d.render(source, "svg").decode()
    m = re.search(r'width="(\d+)pt" height="(\d+)pt"', svg)
    assert m
    return min(13.33 * 72 / int(m.group(1)), 7.5 * 72 / int(m.group(2)))


@pytest.mark.parametrize("kind", sorted(KIND_BUILDERS))
def test_default_layout_is_the_one_that_fits_a_slide_best(kind: str) -> None:
    from resnet_inspect.figures import diagram_style as st

    scales = {}
    for layout in st.LAYOUTS:
        with st.look(layout):
            scales[layout] = _slide_scale(KIND_BUILDERS[kind]().source)
    default = _slide_scale(KIND_BUILDERS[kind]().source)
    assert default == scales[st.DEFAULT_LAYOUT[kind]] == max(scales.values()), scales


def test_landscape_network_wraps_into_rows() -> None:
    from resnet_inspect.figures import diagram_style as st

    with st.look("lr"):
        lr = d.network_diagram(result_of("resnet50")).source
    with st.look("tb"):
        tb = d.network_diagram(result_of("resnet50")).source
    stages = ["stage__stem", "stage__layer1", "stage__layer2", "stage__layer3", "stage__layer4", "stage__head"]
    rows = {round(_positions(lr)[n][1], 1) for n in stages}
    assert 2 <= len(rows) <= 3  # several stages side by side, like lines of text
    assert len({round(_positions(tb)[n][1], 1) for n in stages}) == 6  # one under the other
    # what flows between stages labels the arrow (landscape) or sits between the boxes (top to bottom)
    assert "cumulative stride 8" in edge_attrs(lr, "stage__layer2", "stage__layer3")
    assert "cumulative stride 8" in node_label(tb, "flow__stage__layer2")
    assert 1.2 < _slide_aspect(lr) < 3.2 and _slide_aspect(tb) < 1


def _slide_aspect(source: str) -> float:
    svg = d.render(source, "svg").decode()
    m = re.search(r'width="(\d+)pt" height="(\d+)pt"', svg)
    assert m
    return int(m.group(1)) / int(m.group(2))


def test_font_size_scales_every_text() -> None:
    from resnet_inspect.figures import diagram_style as st

    base = d.block_diagram(result_of("resnet50")).source
    with st.look(font_size=26):
        big = d.block_diagram(result_of("resnet50")).source

    def sizes(src: str) -> list[float]:
        return [float(v) for v in re.findall(r'(?:fontsize|point-size)="?(\d+(?:\.\d+)?)"?', src)]

    assert sizes(big) == [2 * v for v in sizes(base)]  # 26 / 13: node text 13 → 26, notes 10 → 20 …
    assert "fontsize=\"26\"" in big
    assert _slide_aspect(base) > 0 and d.render(big, "svg") != d.render(base, "svg")


@pytest.mark.parametrize(("layout", "font", "message"), [("portrait", None, "use lr"), (None, 2.0, "from 4 to 72")])
def test_bad_look_is_refused(layout: str | None, font: float | None, message: str) -> None:
    from resnet_inspect.figures import diagram_style as st

    with pytest.raises(InspectError, match=message), st.look(layout, font):
        pass


# --------------------------------------------------------------------------- basic block vs bottleneck


def test_contrast_shows_the_papers_comparison_and_the_same_width_one() -> None:
    src = d.block_contrasts_diagram(*contrast_nets()).source
    assert src.count("subgraph cluster_p") == 3
    note = node_label(src, "note")
    # He et al. 2015, Fig. 5, at 56×56 = 3,136 positions (stride 1):
    #   basic block at 64-d: 64·3·3·64 · 2 = 73,728 weights; × 3,136 = 231,211,008 MACs
    #   bottleneck at 256-d: 256·64 + 64·3·3·64 + 64·256 = 16,384 + 36,864 + 16,384 = 69,632; × 3,136 = 218,365,952
    #   basic block at 256-d (the tutorials' same width): 256·3·3·256 · 2 = 1,179,648; × 3,136 = 3,699,376,128
    assert "① basic block (64-d): 73,728 conv weights, 231 M MACs" in note
    assert "② bottleneck (256-d): 69,632 conv weights, 218 M MACs (at 56×56)" in note
    assert "③ basic block (256-d): 1,179,648 conv weights, 3.70 G MACs" in note
    assert "Fig. 5" in note and "same width" in note
    assert "1.06× fewer conv weights" in note  # 73,728 / 69,632 = 1.0588…: "similar time complexity"
    assert "16.9× fewer conv weights" in note  # 1,179,648 / 69,632 = 16.94…


def test_contrast_of_two_models_pairs_blocks_that_compare() -> None:
    fig5 = d.contrast_diagram((result_of("resnet34"), result_of("resnet50")))
    # ResNet-50 puts a bottleneck where ResNet-34 has a basic block (He et al. 2015, Sec. 4.1): layer1.1 is an
    # identity block at 56×56 in both, exactly Fig. 5's pair (73,728 and 69,632 conv weights, as above)
    assert "p0__layer1_1_conv1" in fig5.source and "p1__layer1_1_conv3" in fig5.source
    assert "73,728 conv weights" in node_label(fig5.source, "note") and "69,632" in node_label(fig5.source, "note")
    # same place, both stride 2
    strided = d.contrast_diagram((result_of("resnet34"), result_of("resnet50")), "layer2.0").source
    assert "same place" in node_label(strided, "note")
    same = d.contrast_diagram((result_of("basic:2,widths=256,stem_width=256"),
                               result_of("bottleneck:2,widths=64,stem_width=256")))
    assert "same width" in node_label(same.source, "note")


@pytest.mark.parametrize(("pair", "block", "message"), [
    (("resnet18-cifar", "resnet50"), None, "no blocks that compare"),  # 32×32 maps vs 56×56: nothing lines up
    (("resnet34", "resnet18-cifar"), "layer2.0", "same stride and map size"),
])
def test_contrast_refuses_blocks_that_do_not_compare(pair: tuple[str, str], block: str | None, message: str) -> None:
    with pytest.raises(InspectError, match=message):
        d.contrast_diagram((result_of(pair[0]), result_of(pair[1])), block)


def test_layout_and_font_size_from_the_command_line(cli: Cli) -> None:
    code, tb, err = cli("diagram", "network", "resnet18", "--layout", "tb", "--font-size", "26")
    assert code == 0, err
    assert "rankdir=TB" in tb and 'fontsize="26"' in tb and "flow__stage__layer2" in tb
    code, lr, _ = cli("diagram", "network", "resnet18")
    assert code == 0 and "rank=same" in lr and "flow__stage__layer2" not in lr  # landscape by default
    code, out, err = cli("diagram", "block", "resnet18", "--font-size", "200")
    assert code == 2 and out == "" and "from 4 to 72" in err and err.count("\n") == 1
    code, out, err = cli("diagram", "contrast", "resnet18-cifar", "resnet50")
    assert code == 2 and out == "" and "no blocks that compare" in err and err.count("\n") == 1
