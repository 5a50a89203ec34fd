"""Plots: the data in the artists is the Inspection's; files are written whole or not at all."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from resnet_inspect.analysis import Inspection, inspect
from resnet_inspect.render import plots

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
    note = next(t.get_text() for t in ax.texts if t.get_text().startswith("RF > input"))
    first = next(i for i, r in enumerate(layers) if r.rf and r.rf[0] > 224)
    assert f"#{first + 1} ({layers[first].name})" in note and f"{50 - first} layers" in note


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
    labels = [t for t in ax.texts if t.get_text() in plots.FAMILY]
    assert sorted(t.get_text() for t in labels) == sorted(plots.FAMILY)
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


def test_save_checks_the_extension_first(tmp_path: Path) -> None:
    from resnet_inspect.errors import InspectError

    fig = plots.memory_figure([inspect("resnet18")])
    with pytest.raises(InspectError, match=r"\.svg, \.png, \.pdf"):
        plots.save(fig, tmp_path / "m.bmp")
    assert list(tmp_path.iterdir()) == []
