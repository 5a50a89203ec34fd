"""Plots: the data in the artists is the Inspection's; files are written whole or not at all."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from resnet_inspect.analysis import Inspection, inspect
from resnet_inspect.figures import plots

Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture(scope="module")
def r50() -> Inspection:
    return inspect("resnet50")


def bars_by_label(ax: Any) -> dict[str, list[float]]:
    """Bar heights of each labelled bar container of an axes."""
    return {c.get_label(): [p.get_height() for p in c.patches] for c in ax.containers}


def xs(artist: Any) -> list[Any]:
    return list(artist.get_xdata())


def ys(artist: Any) -> list[Any]:
    return list(artist.get_ydata())


def line_labelled(ax: Any, prefix: str) -> Any:
    return next(line for line in ax.get_lines() if str(line.get_label()).startswith(prefix))


def test_stage_bars_are_the_stage_numbers(r50: Inspection) -> None:
    r18 = inspect("resnet18")
    fig = plots.stages_figure([r18, r50])
    ax_params, ax_macs = fig.axes
    for ax, field in ((ax_params, "params"), (ax_macs, "macs")):
        bars = bars_by_label(ax)
        assert list(bars) == ["stem", "layer1", "layer2", "layer3", "layer4", "head"]
        for k, insp in enumerate((r18, r50)):
            assert [bars[s.name][k] for s in insp.stages] == [getattr(s, field) for s in insp.stages]
    # the stacks add up to the published totals (torchvision metadata, FACTS.md §1)
    assert sum(bars_by_label(ax_macs)[s][1] for s in bars) == 4_089_184_256
    assert sum(bars_by_label(ax_params)[s][1] for s in bars) == 25_557_032


def test_rf_line_is_the_rows_rf(r50: Inspection) -> None:
    fig = plots.rf_figure(r50)
    ax = fig.axes[0]
    layers = plots.spatial_layers(r50)
    # conv1, max pool and the 3 convs of 16 blocks; no shortcut conv, no global pool
    assert len(layers) == 2 + 3 * 16
    rf_line = line_labelled(ax, "receptive field")
    assert ys(rf_line) == [r.rf[0] for r in layers if r.rf]
    assert xs(rf_line) == list(range(1, 51))
    # RFₗ₊₁ = RFₗ + (k − 1)·S: conv1 7, max pool 7 + 2·2 = 11, layer1.0.conv2 11 + 2·4 = 19
    assert ys(rf_line)[:5] == [7, 11, 11, 19, 19]
    assert set(ys(line_labelled(ax, "input size"))) == {224}
    assert ys(fig.axes[1].get_lines()[0]) == [r.jump[0] for r in layers if r.jump]
    note = next(t.get_text() for t in ax.texts if "whole image" in t.get_text())
    first = next(i for i, r in enumerate(layers) if r.rf and r.rf[0] > 224)
    assert f"wider than the input from layer #{first + 1} ({layers[first].name}) on" in note


def test_shapes_lines_are_the_output_shapes(r50: Inspection) -> None:
    fig = plots.shapes_figure(r50)
    sizes, chans = (ax.get_lines()[0] for ax in fig.axes)
    layers = plots.spatial_layers(r50)
    assert ys(sizes) == [r.output_shape[2] for r in layers]
    assert ys(chans) == [r.output_shape[1] for r in layers]
    assert {112, 56, 28, 14, 7} == set(ys(sizes))


def test_family_scatter(r50: Inspection) -> None:
    fig = plots.family_figure([inspect(m) for m in plots.FAMILY])
    ax = fig.axes[0]
    collections: list[Any] = list(ax.collections)
    points = {(float(x), float(y)) for coll in collections for x, y in coll.get_offsets()}
    assert (r50.totals.params, r50.totals.macs) in points
    assert (60_192_808, 11_513_626_624) in points  # resnet152, FACTS.md §1
    assert len(points) == 10
    labels = [t for t in ax.texts if t.get_text()]
    assert sorted(n for t in labels for n in t.get_text().split("\n")) == sorted(plots.FAMILY)
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    fig.draw(renderer)
    boxes = [t.get_window_extent(renderer) for t in labels]
    overlaps = [(a.get_text(), b.get_text()) for i, (a, ba) in enumerate(zip(labels, boxes, strict=True))
                for b, bb in zip(labels[i + 1:], boxes[i + 1:], strict=True) if ba.overlaps(bb)]
    assert overlaps == []


def test_family_point_area_grows_with_depth() -> None:
    fig = plots.family_figure([inspect("resnet18"), inspect("resnet152")])
    first: Any = fig.axes[0].collections[0]
    sizes = list(first.get_sizes())
    assert sizes[0] < sizes[1]


def test_memory_bars_are_activation_bytes(r50: Inspection) -> None:
    r18 = inspect("resnet18")
    fig = plots.memory_figure([r18, r50])
    bars = bars_by_label(fig.axes[0])
    assert bars["resnet50"] == [s.activation_bytes for s in r50.stages]
    assert bars["resnet18"] == [s.activation_bytes for s in r18.stages]


def test_vgg_and_resnet_stages_together() -> None:
    fig = plots.stages_figure([inspect("vgg19"), inspect("resnet34")])
    names = list(bars_by_label(fig.axes[1]))
    assert names[0] == "stem" and names[-1] == "head" and "conv1" in names and "layer1" in names


def test_plot_command_writes_png_and_svg(cli: Cli, tmp_path: Path) -> None:
    code, _, err = cli("plot", "stages", "resnet18", "resnet50", "-o", str(tmp_path / "stages.png"))
    assert code == 0, err
    assert (tmp_path / "stages.png").read_bytes().startswith(b"\x89PNG")
    code, _, err = cli("plot", "rf", "cifar-resnet20", "-o", str(tmp_path / "rf.svg"))
    assert code == 0, err
    assert "<svg" in (tmp_path / "rf.svg").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rf.svg", "stages.png"]


@pytest.mark.parametrize(("args", "message"), [
    (("rf", "resnet50", "-o", "{tmp}/rf.gif"), ".svg, .png, .pdf"),
    (("rf", "resnet50"), "add -o FILE"),
    (("rf", "-o", "{tmp}/rf.png"), "takes one MODEL"),
    (("rf", "resnet50", "resnet18", "-o", "{tmp}/rf.png"), "takes one MODEL"),
    (("rf", "resnet5O", "-o", "{tmp}/rf.png"), "did you mean"),
    (("memory", "resnet50", "-o", "{tmp}/missing/m.png"), "does not exist"),
])
def test_plot_errors_leave_nothing(args: tuple[str, ...], message: str, cli: Cli, tmp_path: Path) -> None:
    code, out, err = cli("plot", *(a.format(tmp=tmp_path) for a in args))
    assert code == 2 and out == "" and message in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_save_checks_the_extension_first(cli: Cli, tmp_path: Path) -> None:
    code, _, err = cli("plot", "memory", "resnet18", "-o", str(tmp_path / "m.bmp"))
    assert code == 2 and ".svg, .png, .pdf" in err
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- issue fixes, checked from outside


def _covering_units(layer: str, size: int) -> int:
    """How many output rows of ``layer`` have an input gradient on every input row (cifar-resnet20, one
    channel, every weight positive, BN as identity): the units that really see the whole image."""
    import torch
    from torch import nn

    from resnet_inspect.models.resnet import build_from_spec
    from resnet_inspect.registry import get_spec
    from tests.rf_oracle import feature_output, thin_spec

    model = build_from_spec(thin_spec(get_spec("cifar-resnet20")), device="cpu")
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.constant_(m.weight, 1.0 / m.weight[0].numel())
        elif isinstance(m, nn.BatchNorm2d):
            m.reset_parameters()
            m.eps = 0.0
    model = model.double().eval()
    x = torch.ones(1, 1, size, size, dtype=torch.float64, requires_grad=True)
    out = feature_output(model, x, layer)
    covering = 0
    for i in range(out.shape[2]):
        (grad,) = torch.autograd.grad(out[:, :, i, out.shape[3] // 2].sum(), x, retain_graph=True)
        rows = grad[0, 0].abs().sum(dim=1) > 0
        covering += bool(rows.all())
    return covering


def test_whole_image_units_match_input_gradients() -> None:
    from resnet_inspect.analysis.facts import whole_image_units

    insp = inspect("cifar-resnet20")
    layers = plots.spatial_layers(insp)
    checked = 0
    for r in layers[::3]:  # every third conv, from RF 3 px to past the 32-px image
        expected = _covering_units(r.name, 32)
        assert whole_image_units(r, (32, 32))[0] == expected, r.name
        checked += expected > 0
    assert checked >= 2  # some layers do have units that see all 32 rows


def test_rf_note_says_which_units_see_the_whole_image(r50: Inspection) -> None:
    fig = plots.rf_figure(r50)
    note = next(t.get_text() for t in fig.axes[0].texts if "whole image" in t.get_text())
    # last layer: RF 427, jump 32, effective padding 213 (the published 427/32); unit i covers [32i − 213,
    # 32i + 213] ⊇ [0, 223] iff 32i ≤ 213 and 32i ≥ 10, so i = 1 … 6: 6 × 6 = 36 of the 7 × 7 units
    assert "last layer #50: 36 of 49 units" in note
    assert "from layer #37 (layer3.4.conv2)" in note  # RF 235 > 224 first there
    assert "1 of 196 units" in note  # at 14×14, only the centre-most unit's window covers the image


def test_rf_at_a_non_square_input_states_both_sides() -> None:
    fig = plots.rf_figure(inspect("resnet50", input_size="600x800"))
    ax = fig.axes[0]
    assert "input 600×800 px" in ax.get_title()
    assert {ys(line)[0] for line in ax.get_lines() if str(line.get_label()).startswith("input")} == {600, 800}
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    fig.draw(renderer)
    (legend,) = fig.legends
    assert not legend.get_window_extent(renderer).overlaps(ax.get_window_extent(renderer))  # under the axes


@pytest.mark.parametrize("model", ["cifar-resnet56", "resnet50", "resnet18-cifar"])
def test_rf_note_covers_no_data(model: str) -> None:
    fig = plots.rf_figure(inspect(model))
    ax, ax2 = fig.axes
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    fig.draw(renderer)
    note = next(t for t in ax.texts if "whole image" in t.get_text())
    patch = note.get_bbox_patch()
    assert patch is not None
    box = patch.get_window_extent(renderer)
    for a in (ax, ax2):
        for line in a.get_lines():
            for x, y in zip(xs(line), ys(line), strict=True):
                px, py = a.transData.transform((x, y)) if line.get_transform() is a.transData else (box.x0 - 1, 0)
                assert not box.contains(px, py), (model, line.get_label(), x, y)


def test_shapes_of_a_very_deep_net_are_drawn_per_block() -> None:
    fig = plots.shapes_figure(inspect("preact-resnet1001"))
    ax_c = fig.axes[1]
    lines = {str(line.get_label()): line for line in ax_c.get_lines()}
    widest, narrowest = lines["widest conv output in each block"], lines["narrowest conv output in each block"]
    # He et al. 2016: ResNet-1001 is 3 stages of 111 bottleneck units, output 64, 128, 256 channels, a
    # quarter of that inside (16, 32, 64); the stem is one 3×3 conv to 16: 1 + 333 spans, one vertex each
    assert len(xs(widest)) == 1 + 333 + 1
    assert set(ys(widest)) == {16, 64, 128, 256} and set(ys(narrowest)) == {16, 32, 64}
    assert "1,000 layers" in fig.axes[0].get_title()
    # a 50-layer net is still drawn layer by layer
    r50 = plots.shapes_figure(inspect("resnet50")).axes[1]
    assert len(xs(r50.get_lines()[0])) == 50


def test_family_labels_never_collide_and_coincident_points_share_one() -> None:
    models = ["resnet18", "resnet34", "plain18", "plain34", "resnet50", "resnet101", "resnet152", "vgg19"]
    for log in (False, True):
        fig = plots.family_figure([inspect(m) for m in models], log=log)
        ax = fig.axes[0]
        assert ax.get_xscale() == ax.get_yscale() == ("log" if log else "linear")
        labels = [t for t in ax.texts if t.get_text()]
        assert sorted(n for t in labels for n in t.get_text().split("\n")) == sorted(models)
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        fig.draw(renderer)
        boxes = [t.get_window_extent(renderer) for t in labels]
        assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    linear = plots.family_figure([inspect(m) for m in models]).axes[0]
    # plain34 and resnet34 differ only by resnet34's three projection shortcuts (21.8 M parameters each):
    # their markers coincide, so they share a label
    assert any(t.get_text() in ("resnet34\nplain34", "plain34\nresnet34") for t in linear.texts)


def test_a_dollar_in_a_name_is_shown_literally(r50: Inspection, tmp_path: Path) -> None:
    from dataclasses import replace

    odd = replace(r50, model="net $x$ costs $5")
    for fig in (plots.rf_figure(odd), plots.shapes_figure(odd), plots.family_figure([odd, r50]),
                plots.stages_figure([odd]), plots.memory_figure([odd, r50])):
        png = plots.to_bytes(fig, "png")  # mathtext would fail on "$5" or render "x" in italics
        assert png.startswith(b"\x89PNG")
    assert plots.rf_figure(odd).axes[0].get_title().startswith(r"net \$x\$ costs \$5")


def test_plot_family_log_from_the_command_line(cli: Cli, tmp_path: Path) -> None:
    code, _, err = cli("plot", "family", "resnet18", "vgg19", "--log", "-o", str(tmp_path / "f.svg"))
    assert code == 0, err
    assert "<svg" in (tmp_path / "f.svg").read_text()
    code, out, err = cli("plot", "rf", "resnet18", "--log", "-o", str(tmp_path / "rf.svg"))
    assert code == 2 and out == "" and "--log applies to `plot family` only" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.svg"]
