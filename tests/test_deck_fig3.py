"""The paper's Fig. 3 slide and the whole-network slide: their drawings and numbers against independent counts.

The lanes are checked against the built torch modules (conv and fc layers off the shortcuts, ``parameters()``,
FlopCounterMode on a meta forward pass) and against the paper's layout worked by hand; the network strip
against the stage facts and the depth account; both drawings against the figure floor (14 pt as projected).
"""

from __future__ import annotations

import re
from functools import cache

import pytest

from resnet_inspect.analysis import deck as facts
from resnet_inspect.analysis.depth import account
from resnet_inspect.analysis.facts import stage_facts
from resnet_inspect.document import BulletList, Figure, Slide
from resnet_inspect.document.fmt import scaled
from resnet_inspect.figures import fig3
from resnet_inspect.views import slides as v

ANY_DECK = (("resnet50",), ("basic:2",), ("vgg19",), ("resnet18",), ("cifar-resnet20",),
            ("resnet50", "resnet101"))
CANVAS_PT = fig3.CANVAS_WIDTH * 72


@cache
def data(models: tuple[str, ...] = ("resnet50",), input_size: str | None = None) -> facts.DeckData:
    return facts.gather(models, input_size)


@cache
def slide_of(sid: str, models: tuple[str, ...] = ("resnet50",), lang: str = "en") -> Slide:
    doc = v.deck(data(models), lang)
    return next(b for b in doc.blocks if isinstance(b, Slide) and b.id == sid)


def figure_of(slide: Slide) -> Figure:
    return next(b for b in slide.blocks if isinstance(b, Figure))


def bullets(slide: Slide) -> tuple[str, ...]:
    return next(b for b in slide.blocks if isinstance(b, BulletList)).items


# ============================================================================ the lanes' numbers


@cache
def torch_counts(name: str) -> tuple[int, int, int]:
    """(main-path conv + fc layers, parameters, MACs) of the built module: its modules, ``parameters()`` and
    FlopCounterMode on a forward pass of meta tensors (FLOPs = 2 × MACs, bias not counted)."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    from resnet_inspect.registry import build

    model = build(name)
    layers = sum(1 for n, m in model.named_modules()
                 if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)) and "downsample" not in n)
    with FlopCounterMode(display=False) as counter:
        model(torch.empty(1, 3, 224, 224, device="meta"))
    return layers, sum(p.numel() for p in model.parameters()), counter.get_total_flops() // 2


def test_the_lanes_are_the_papers_three_networks_for_any_deck() -> None:
    for models in ANY_DECK:
        assert [lane.model.name for lane in data(models).lanes] == list(facts.FIG3_MODELS)


def test_lane_layer_counts_equal_the_depth_and_the_built_modules() -> None:
    """VGG-19: 16 convs + 3 fc = 19; plain-34 and ResNet-34: 1 + 2·(3+4+6+3) + 1 = 34."""
    for lane, depth in zip(data().lanes, (16 + 3, 1 + 2 * (3 + 4 + 6 + 3) + 1, 1 + 2 * (3 + 4 + 6 + 3) + 1),
                           strict=True):
        assert lane.weighted == depth == account(lane.model.insp).depth == torch_counts(lane.model.name)[0]
        drawn = [x for r in fig3.runs(lane.layers) for x in r.layers]
        assert drawn == list(lane.layers)  # the boxes hold every layer once, in order
        assert sum(len(r.layers) for r in fig3.runs(lane.layers) if r.head.weighted) == depth


def test_the_numbers_under_the_lanes_are_the_inspections_and_the_modules() -> None:
    vgg, plain, res = data().lanes
    for lane in (vgg, plain, res):
        _, params, macs = torch_counts(lane.model.name)
        tot = lane.model.insp.totals
        assert (tot.params, tot.macs) == (params, macs)
        caption = v.lane_caption(lane, "en")
        assert caption.startswith(f"{lane.weighted} layers · {scaled(params)} params · {scaled(macs)} MACs")
    assert torch_counts("vgg19")[1:] == (143_667_240, 19_632_062_464)


def test_a_printed_value_is_shown_only_labelled_as_published() -> None:
    """The paper printed 19.6 G for VGG-19 (§3.3), 3.6 G for plain-34 (Fig. 3's caption) and 3.6 G for
    ResNet-34 (Table 1); at another input size none of them applies."""
    vgg, plain, res = data().lanes
    assert vgg.published is not None and res.published is not None and plain.published is not None
    assert v.lane_caption(vgg, "en").endswith("(published: 19.6×10⁹)")
    assert v.lane_caption(res, "en").endswith("(published: 3.6×10⁹)")
    assert v.lane_caption(plain, "en").endswith("(published: 3.6×10⁹)")
    assert "论文公布值：19.6×10⁹" in v.lane_caption(vgg, "zh")
    assert all(lane.published is None for lane in data(("resnet18",), "320x320").lanes)


def test_resnet34_shortcuts_are_its_blocks_with_three_projections() -> None:
    """16 blocks (3 + 4 + 6 + 3), each drawn with its shortcut; a block projects where its stride is not 1
    or its channels change (the torchvision rule): the first block of stages 2–4 (64→128, 128→256, 256→512,
    stride 2), so 3 projections and 13 identities; plain-34 has none."""
    import torch

    from resnet_inspect.registry import build

    vgg, plain, res = data().lanes
    assert len(res.shortcuts) == 3 + 4 + 6 + 3 and not plain.shortcuts and not vgg.shortcuts
    projections = [s.block for s in res.shortcuts if s.kind == "projection"]
    assert projections == ["layer2.0", "layer3.0", "layer4.0"]
    built = [n.removesuffix(".downsample") for n, m in build("resnet34").named_modules()
             if n.endswith("downsample") and isinstance(m, torch.nn.Module)]
    assert built == projections
    for s in res.shortcuts:  # each arc spans its block's two convs
        assert s.last - s.first == 1
        assert {res.layers[s.first].block, res.layers[s.last].block} == {s.block}


def test_the_shortcut_sentence_is_the_parameter_difference() -> None:
    """ResNet-34 − plain-34 = the three projections' parameters (conv + BN): 173,824 = 21,797,672 − 21,623,848."""
    slide = slide_of("p1-fig3")
    first = bullets(slide)[0]
    assert "16 shortcuts: 13 identity" in first and "3 projections" in first
    assert "21,797,672 − 21,623,848 = 173,824" in first
    assert torch_counts("resnet34")[1] - torch_counts("plain34")[1] == 173_824
    assert "18.6%" in bullets(slide)[1]  # 3,644,493,824 / 19,632,062,464 = 0.1856


# ============================================================================ the whole network


@pytest.mark.parametrize("models", ANY_DECK)
def test_the_network_strip_is_the_main_networks_stages(models: tuple[str, ...]) -> None:
    d = data(models)
    m = d.main
    stages = [s for s in d.network if s.kind == "stage"]
    expected = stage_facts(m.insp)
    assert [(s.name, s.paper_name, s.blocks, s.channels, s.out_hw) for s in stages] == [
        (f.name, f.paper_name, len(f.blocks), f.channels, f.out_hw) for f in expected]
    acc = account(m.insp)
    assert sum(s.layers for s in d.network) == acc.depth
    for s in stages:
        assert s.layers == acc.stage(s.name).layers
    slide = slide_of("p1-network", models)
    assert slide.title.startswith(v.display_name(m.spec))
    assert f"= {acc.depth}" in bullets(slide)[0]


def test_resnet50_strip_by_hand() -> None:
    """input → 7×7 conv /2 (112) → max pool /2 (56) → 3, 4, 6, 3 bottlenecks of 256 … 2048 channels (56, 28,
    14, 7) → avg pool → fc 1000; layers 1 + 9 + 12 + 18 + 9 + 1 = 50."""
    segs = data().network
    assert [(s.name, s.out_hw, s.layers) for s in segs] == [
        ("conv1", (112, 112), 1), ("maxpool", (56, 56), 0), ("layer1", (56, 56), 9), ("layer2", (28, 28), 12),
        ("layer3", (14, 14), 18), ("layer4", (7, 7), 9), ("avgpool", (1, 1), 0), ("fc", (), 1)]
    assert [s.blocks for s in segs if s.kind == "stage"] == [3, 4, 6, 3]
    assert [fig3.segment_lines(s, {})[1] for s in segs if s.kind == "stage"] == ["bottleneck"] * 4
    assert fig3.segment_lines(segs[3], {})[-1] == "/2 → 28×28"


def test_plain_stages_are_not_called_residual_blocks() -> None:
    segs = data(("plain34",)).network
    kinds = {fig3.segment_lines(s, {})[1] for s in segs if s.kind == "stage"}
    assert kinds == {"3×3·3×3, no shortcut"}


# ============================================================================ placement and drawing


def test_the_two_slides_close_part_one() -> None:
    doc = v.deck(data(), "en")
    ids = [b.id for b in doc.blocks if isinstance(b, Slide)]
    part1 = [i for i in ids if i.startswith("p1-")]
    assert part1[-2:] == ["p1-fig3", "p1-network"]
    assert ids.index("p1-residual-unit") < ids.index("p1-fig3")


def svg_fonts(svg: str) -> tuple[float, list[float], list[str]]:
    """The canvas width (pt) and every text's font size (pt) and text, from a matplotlib SVG."""
    width = float(re.search(r'<svg[^>]*width="([\d.]+)pt"', svg).group(1))  # type: ignore[union-attr]
    sizes = [float(x) for x in re.findall(r"font(?:-size)?:\s*(?:[a-z]+ )*([\d.]+)px", svg)]
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    return width, sizes, texts


@pytest.mark.parametrize("models", ANY_DECK)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_both_figures_keep_the_figure_floor(models: tuple[str, ...], lang: str) -> None:
    """Drawn at the width of a stacked figure on the slide, so a label's size is its size as projected (a
    tall strip is shrunk to the slide's height: its type counts that much smaller)."""
    for sid in ("p1-fig3", "p1-network"):
        svg = figure_of(slide_of(sid, models, lang)).draw("svg").decode()
        width, sizes, texts = svg_fonts(svg)
        height = float(re.search(r'<svg[^>]*height="([\d.]+)pt"', svg).group(1))  # type: ignore[union-attr]
        assert width == pytest.approx(CANVAS_PT, abs=1)
        shrink = min(1.0, fig3.NETWORK_MAX_HEIGHT * 72 / height) if sid == "p1-network" else 1.0
        assert sizes and min(sizes) * shrink >= 14.0, (sid, min(sizes), shrink)
        assert texts


def test_the_chinese_figures_draw_chinese_words() -> None:
    english = {w for text in fig3.WORDS.values() for w in re.findall(r"[a-z]{3,}", text)}
    for sid in ("p1-fig3", "p1-network"):
        svg = figure_of(slide_of(sid, ("resnet50",), "zh")).draw("svg").decode()
        _, _, texts = svg_fonts(svg)
        shown = " ".join(texts)
        assert re.search(r"[\u4e00-\u9fff]", shown)
        words = set(re.findall(r"[A-Za-z]{3,}", shown)) - {"conv"}  # conv2_x … are the paper's stage names
        assert not words & english, words & english


def test_the_lanes_fit_the_canvas() -> None:
    """Every box of every lane lies inside the canvas, and the lanes' sections line up by output size."""
    views = [fig3.LaneView("x", "", lane.layers, lane.shortcuts) for lane in data().lanes]
    fig = fig3.lanes_figure(views, {})
    from matplotlib.patches import FancyBboxPatch

    ax = fig.axes[0]
    boxes = [p for p in ax.patches if isinstance(p, FancyBboxPatch)]
    assert len(boxes) == sum(len(fig3.runs(lane.layers)) for lane in data().lanes)
    assert all(b.get_x() >= 0 and b.get_x() + b.get_width() <= fig3.CANVAS_WIDTH for b in boxes)


def test_sections_keep_every_lanes_order() -> None:
    """At 64×64 VGG-19's adaptive pool enlarges 2×2 to 7×7 before its fc layers: its 7×7 section comes after
    2×2, not where its area would put it; the ResNets' 4×4 → 2×2 → 1×1 stay in order around it."""
    vgg = [(64, 64), (32, 32), (16, 16), (8, 8), (4, 4), (2, 2), (7, 7), (1, 1)]
    res = [(32, 32), (16, 16), (8, 8), (4, 4), (2, 2), (1, 1)]
    assert fig3.section_order([vgg, res]) == vgg
    d = data(("resnet18",), "64x64")
    order = fig3.section_order([[x.out_hw or (1, 1) for x in lane.layers] for lane in d.lanes])
    for lane in d.lanes:
        seq = list(dict.fromkeys(x.out_hw or (1, 1) for x in lane.layers))
        assert [s for s in order if s in seq] == seq


def test_notes_give_talking_points_a_mistake_and_a_time_only_where_true() -> None:
    """ResNet-50's conv4_x holds 6·3 = 18 of its 50 layers, the most of any box, so the class is asked; VGG-19's
    boxes tie at 4 layers, so no single box is named.  ResNet-34 − plain-34 MACs are the three projections':
    3,663,761,408 − 3,644,493,824 = 19,267,584."""
    notes = " ".join(slide_of("p1-network").notes)
    assert "(conv4_x: 18 of 50)" in notes and "Usual mistake" in notes and "Time: ≈" in notes
    assert "Ask the class" not in " ".join(slide_of("p1-network", ("vgg19",)).notes)
    fig = " ".join(slide_of("p1-fig3").notes)
    assert "they add 19,267,584 MACs (3,644,493,824 → 3,663,761,408)" in fig and "Time: ≈" in fig
    assert torch_counts("resnet34")[2] - torch_counts("plain34")[2] == 19_267_584
    zh = " ".join(slide_of("p1-network", ("resnet50",), "zh").notes)
    assert "（conv4_x：50 层中的 18 层。）" in zh
