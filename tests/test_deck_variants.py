"""The variants' figures and tables in the deck hold the numbers of the built modules.

Oracles: ``numel`` of the built convs and blocks, a real forward pass (the C paths of a ResNeXt block give the
grouped block's output; the order the modules of a unit run in; each stage's output shape), FlopCounterMode for
a block's MACs, and the count of conv and fc modules for the depth.
"""

from __future__ import annotations

import re
from functools import cache

import pytest
import torch
from torch import nn

from resnet_inspect.analysis import deck as facts
from resnet_inspect.document import BulletList, Cell, Document, Figure, Slide, Table
from resnet_inspect.document.fmt import scaled
from resnet_inspect.registry import build, get_spec
from resnet_inspect.views import slides as v
from tests.test_deck_statements import false_sums, latin_words


@cache
def data(*names: str) -> facts.DeckData:
    return facts.gather(list(names))


def part9(d: facts.DeckData, lang: str = "en") -> dict[str, Slide]:
    return {s.id: s for s in v.part9(d, lang)}


def dot(slide: Slide) -> str:
    fig = next(b for b in slide.blocks if isinstance(b, Figure))
    return fig.draw("dot").decode("utf-8")


def numbers(text: str) -> list[int]:
    return [int(n.replace(",", "")) for n in re.findall(r"\d{1,3}(?:,\d{3})+|\d+", text)]


def text(cell: Cell) -> str:
    return cell.text if cell.text is not None else str(cell.value)


def conv_weights(block: nn.Module) -> int:
    """Weights of the block's convs off the shortcut (its ``downsample``)."""
    return sum(m.weight.numel() for name, m in block.named_modules()
               if isinstance(m, nn.Conv2d) and not name.startswith("downsample"))


def params(block: nn.Module) -> int:
    return sum(p.numel() for p in block.parameters())


# ============================================================================ ResNeXt


@pytest.mark.parametrize("name", ["resnext50_32x4d", "resnext101_64x4d"])
def test_resnext_paths_hold_the_grouped_blocks_weights(name: str) -> None:
    """resnext50_32x4d's layer1.1: 32·(256·4 + 4·3·3·4 + 4·256) = 32·2,192 = 70,144 = 256·128 + 128/32·3·3·128 +
    128·256, each path a 1/groups share of each built conv."""
    d = data(name)
    m = d.models[0]
    slide = part9(d)[f"p9-{name}-figure"]
    block = build(name).get_submodule("layer1.1")
    convs = [block.get_submodule(c) for c in ("conv1", "conv2", "conv3")]
    assert all(isinstance(c, nn.Conv2d) for c in convs)
    groups = convs[1].groups  # type: ignore[union-attr]
    width = convs[1].in_channels // groups  # type: ignore[union-attr]
    path = [c.weight.numel() // groups for c in convs]  # type: ignore[union-attr]
    assert groups * sum(path) == conv_weights(block)
    paths = facts.aggregated_paths(m.blocks["layer1.1"])
    assert paths is not None and paths.cardinality == groups and [c.weights for c in paths.convs] == path
    source = dot(slide)
    assert f"{groups}·({path[0]:,} + {path[1]:,} + {path[2]:,}) = {conv_weights(block):,} conv weights" in source
    assert f"{width}" in slide.title and f"{groups} paths" in slide.title
    assert f"groups {groups}" in source  # the built block's grouped 3×3 drawn below
    assert false_sums(Document("d", (slide,))) == []


def test_the_paths_compute_what_the_grouped_block_computes() -> None:
    """A real forward pass: the convs of resnext50_32x4d's layer1.1, split into its 32 paths of width 4 and
    summed, give the output of conv1 → conv2 (grouped) → conv3 (BN and ReLU act per channel, so they split
    along the paths the same way; left out on both sides here)."""
    torch.manual_seed(0)
    block = build("resnext50_32x4d", device="cpu").get_submodule("layer1.1")
    c1, c2, c3 = (block.get_submodule(c) for c in ("conv1", "conv2", "conv3"))
    assert isinstance(c1, nn.Conv2d) and isinstance(c2, nn.Conv2d) and isinstance(c3, nn.Conv2d)
    x = torch.randn(1, c1.in_channels, 8, 8)
    with torch.no_grad():
        whole = c3(c2(c1(x)))
        g = c2.groups
        d = c2.in_channels // g
        total = torch.zeros_like(whole)
        for i in range(g):
            sl = slice(i * d, (i + 1) * d)
            a = nn.functional.conv2d(x, c1.weight[sl])
            b = nn.functional.conv2d(a, c2.weight[sl], padding=c2.padding)
            total += nn.functional.conv2d(b, c3.weight[:, sl])
    assert torch.allclose(whole, total, atol=1e-4)


def test_grouped_table_rows_are_the_built_grouped_convs() -> None:
    """Per stage: channels, groups × width, C_in/groups·3·3·C_out = numel of every block's conv2 weight (no bias);
    the dense figure C_in·3·3·C_out (layer4: 1024·3·3·1024 = 9,437,184)."""
    d = data("resnext50_32x4d")
    slide = part9(d)["p9-resnext50_32x4d-groups"]
    table = next(b for b in slide.blocks if isinstance(b, Table))
    model = build("resnext50_32x4d")
    assert len(table.rows) == 4
    for row, layer in zip(table.rows, ("layer1", "layer2", "layer3", "layer4"), strict=True):
        stage = model.get_submodule(layer)
        built = [b.conv2 for b in stage]  # type: ignore[union-attr]
        assert len({c.weight.numel() for c in built}) == 1 and all(c.bias is None for c in built)
        conv = built[0]
        cells = row.cells
        assert cells[1].value == conv.in_channels
        assert text(cells[2]) == f"{conv.groups} × {conv.in_channels // conv.groups}"
        assert cells[3].value == conv.weight.numel() and (cells[3].text or "").endswith(f"= {conv.weight.numel():,}")
        assert cells[4].value == conv.in_channels * 9 * conv.out_channels
    assert table.rows[3].cells[4].value == 9_437_184
    assert "32.0× as many" in next(b for b in slide.blocks if not isinstance(b, Table)).text  # type: ignore[attr-defined]
    assert false_sums(Document("d", (slide,))) == []


# ============================================================================ wide vs standard


def block_macs(block: nn.Module, shape: tuple[int, ...]) -> int:
    from torch.utils.flop_counter import FlopCounterMode

    counter = FlopCounterMode(display=False)
    with counter, torch.no_grad():
        block(torch.zeros(shape, device=next(block.parameters()).device))
    return counter.get_total_flops() // 2


def test_wide_and_standard_panels_carry_their_blocks_numbers() -> None:
    """wide_resnet50_2's layer1.1 (inner width 128: 256·128 + 128·3·3·128 + 128·256 = 212,992 conv weights)
    beside resnet50's (64: 69,632); parameters from the built blocks, MACs from FlopCounterMode."""
    d = data("wide_resnet50_2")
    slide = part9(d)["p9-wide_resnet50_2-figure"]
    source = dot(slide)
    for name, inner in (("resnet50", 64), ("wide_resnet50_2", 128)):
        block = build(name).get_submodule("layer1.1")
        assert block.get_submodule("conv2").out_channels == inner  # type: ignore[union-attr]
        w, p = conv_weights(block), params(block)
        assert f"{w:,} conv weights · {p:,} parameters with BN" in source, name
        macs = block_macs(block, (1, 256, 56, 56))
        assert scaled(macs) in source, (name, macs)
        assert f"{inner} channels inside" in source
    assert "69,632" in source and "212,992" in source
    bullets = next(b for b in slide.blocks if isinstance(b, BulletList)).items
    assert bullets[0].startswith("Conv weights 69,632 vs 212,992 (3.1×)")
    assert "1×1 convs' weights grow 2.0×, the 3×3's 4.0×" in bullets[1]


# ============================================================================ original vs pre-activation


def run_order(block: nn.Module) -> list[str]:
    """The leaf modules of ``block`` in the order a forward pass calls them (a real forward, on meta)."""
    calls: list[str] = []
    hooks = [m.register_forward_hook(lambda mod, _i, _o, n=n: calls.append(n))
             for n, m in block.named_modules() if not list(m.children())]
    try:
        conv = next(m for m in block.modules() if isinstance(m, nn.Conv2d))
        block(torch.zeros(1, conv.in_channels, 32, 32, device="meta"))
    finally:
        for h in hooks:
            h.remove()
    return calls


def kinds(calls: list[str], block: nn.Module) -> list[str]:
    out = []
    for n in calls:
        mod = block.get_submodule(n)
        out.append("conv" if isinstance(mod, nn.Conv2d) else "BN" if isinstance(mod, nn.BatchNorm2d) else "ReLU")
    return out


def test_original_and_preact_units_are_drawn_from_their_built_blocks() -> None:
    """preact-resnet164's layer1.1 and the same block built with original units: both 4,352 conv weights
    (64·16 + 16·3·3·16 + 16·64) and 4,544 parameters with BN; the op order written under the figure is the order
    a forward pass runs the modules in."""
    d = data("preact-resnet164")
    slide = part9(d)["p9-preact-figure"]
    source = dot(slide)
    orig_spec = facts.counterpart(get_spec("preact-resnet164"))
    assert orig_spec is not None and orig_spec.block == "bottleneck"
    bullets = next(b for b in slide.blocks if isinstance(b, BulletList)).items
    for spec, bullet in ((orig_spec, bullets[0]), (get_spec("preact-resnet164"), bullets[1])):
        block = build(spec).get_submodule("layer1.1")
        assert f"{conv_weights(block):,} conv weights · {params(block):,} parameters with BN" in source
        order = [x for x in re.split(r" → ", bullet.split(": ", 1)[1]) if x != "+"]
        written = ["conv" if x.endswith("conv") else x for x in order]
        assert written == kinds(run_order(block), block), spec.block
    assert bullets[0].endswith("BN → + → ReLU") and bullets[1].endswith("conv → +")
    assert "BN → ReLU →" in source  # the pre-activation unit's ops lead into its convs


# ============================================================================ CIFAR 6n + 2


@pytest.mark.parametrize("name", ["cifar-resnet20", "cifar-resnet56", "cifar-resnet110"])
def test_cifar_layout_rows_are_the_built_network(name: str) -> None:
    """Stem 1 + 3 stages of n blocks × 2 convs + fc 1 = 6n + 2 (cifar-resnet56: n = 9, 6·9 + 2 = 56) = the conv and
    fc modules of the built network (option A shortcuts have none); outputs from a forward pass on meta."""
    d = data(name)
    slide = part9(d)["p9-cifar-layout"]
    table = next(b for b in slide.blocks if isinstance(b, Table))
    model = build(name)
    layers = sum(1 for m in model.modules() if isinstance(m, nn.Conv2d | nn.Linear))
    n = len(model.get_submodule("layer1"))  # type: ignore[arg-type]
    assert layers == 6 * n + 2
    shapes: dict[str, str] = {}
    hooks = [model.get_submodule(s).register_forward_hook(
        lambda _m, _i, o, s=s: shapes.__setitem__(s, "×".join(map(str, o.shape[1:]))))
        for s in ("conv1", "layer1", "layer2", "layer3", "fc")]
    model(torch.zeros(1, 3, 32, 32, device="meta"))
    for h in hooks:
        h.remove()
    rows = {text(r.cells[0]): r.cells for r in table.rows}
    assert text(rows["stem"][1]) == shapes["conv1"] and text(rows["fc"][1]) == shapes["fc"]
    for s in ("layer1", "layer2", "layer3"):
        assert text(rows[s][1]) == shapes[s] and rows[s][2].text == f"{n} × 2 = {2 * n}"
    assert rows["depth"][2].value == layers
    assert rows["depth"][2].text == f"1 + {2 * n} + {2 * n} + {2 * n} + 1 = {layers}"
    assert [shapes[s].split("×", 1)[1] for s in ("layer1", "layer2", "layer3")] == ["32×32", "16×16", "8×8"]
    assert f"6·{n} + 2 = {layers}" in " ".join(b.text for b in slide.blocks if hasattr(b, "text"))
    assert false_sums(Document("d", (slide,))) == []


# ============================================================================ which slides, which language


@pytest.mark.parametrize(("names", "expected"), [
    (("resnet50",), set()),
    (("cifar-resnet20",), {"p9-cifar-layout"}),
    (("resnext50_32x4d",), {"p9-resnext50_32x4d-figure", "p9-resnext50_32x4d-groups"}),
    (("wide_resnet50_2",), {"p9-wide_resnet50_2-figure"}),
    (("preact-resnet1001", "basic:2"), {"p9-preact-figure"}),
    (("vgg19",), set()),
])
def test_a_variants_figure_only_when_it_is_chosen(names: tuple[str, ...], expected: set[str]) -> None:
    ids = set(part9(data(*names)))
    drawn = {i for i in ids if i.endswith(("-figure", "-groups", "-layout"))}
    assert drawn == expected


def test_chinese_variant_figures_draw_chinese_words() -> None:
    """Every word drawn in the zh variant figures is Chinese (layer and model names, BN, ReLU aside); the same
    numbers as the English figures."""
    d = facts.gather(list(facts.DEFAULT_MODELS))
    en, zh = part9(d, "en"), part9(d, "zh")
    figs = [i for i in zh if any(isinstance(b, Figure) for b in zh[i].blocks)]
    assert len(figs) == 3
    for i in figs:
        source = dot(zh[i])
        labels = [m.group(1) for line in source.splitlines() if (m := re.search(r"label=<(.*)>", line))]
        shown = [re.sub(r"</?(?:b|br|font)\b[^>]*>", " ", label) for label in labels]
        assert latin_words(shown) <= {"Wide", "He"}, i  # "Wide ResNet" and "He 等" as the zh slides say them
        assert sorted(numbers(source)) == sorted(numbers(dot(en[i]))), i
