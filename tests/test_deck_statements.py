"""Every statement the deck (and the report) writes is true of the model it names.

Each class of false statement gets its own check against an independent oracle: the arithmetic written in the
text is evaluated; map sizes named in prose must be sizes the model has; diagram labels are compared with the
parameters PyTorch counts on the built module; group widths with the built convs; the units that see the whole
image are counted by enumerating every output position's window; decks build for every zoo variant.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from resnet_inspect.analysis import deck as facts
from resnet_inspect.document import BulletList, Document, Figure, Formula, Note, Paragraph, Slide, Table
from resnet_inspect.registry import build, names
from resnet_inspect.views import slides as v

Cli = Callable[..., tuple[int, str, str]]
NUM = r"\d{1,3}(?:,\d{3})+|\d+"
TOKEN = rf"(?:{NUM}|[+−\-·×/()⌊⌋ ])"
ARITH = re.compile(rf"((?:{TOKEN})+)=\s*({NUM})(?![\d.,]\d)(?!\s*[+−\-·×/(⌊])")
MAP = re.compile(r"(?<![×\d.])(\d+)×(\d+)(?![×\d⁰¹²³⁴⁵⁶⁷⁸⁹d])")  # "32×4d" is a group width, not a map


# ============================================================================ reading a document


def block_texts(doc: Document) -> Iterator[str]:
    """Every piece of text of a document: slides' titles, blocks, table cells and notes; sections' too."""
    def walk(blocks: object) -> Iterator[str]:
        for b in blocks:  # type: ignore[attr-defined]
            if isinstance(b, Slide):
                yield b.title
                yield from walk(b.blocks)
                yield from b.notes
            elif isinstance(b, BulletList):
                yield from b.items
            elif isinstance(b, (Paragraph, Formula, Note)):
                yield b.text
            elif isinstance(b, Table):
                for r in b.rows:
                    yield from (c.text or str(c.value) for c in r.cells)
                yield from b.notes
            elif isinstance(b, Figure):
                yield b.caption
            elif hasattr(b, "blocks"):
                yield getattr(b, "title", "")
                yield from walk(b.blocks)
    yield from walk(doc.blocks)


def arithmetic(text: str) -> Iterator[tuple[str, int]]:
    """Each ``expression = N`` written in ``text`` (expression with an operator), with N."""
    for m in ARITH.finditer(text):
        expr = m.group(1).strip()
        while expr.count("(") > expr.count(")"):  # "… adds 5 (3 + 2 = 5)": the sum starts inside the bracket
            expr = expr[expr.index("(") + 1:].strip()
        if not re.search(r"\d", expr) or not re.search(r"[+−\-·×/⌊]", expr):
            continue
        yield expr, int(m.group(2).replace(",", ""))


def evaluate(expr: str) -> float:
    """Digits, + − · × /, parentheses and ⌊ ⌋ only: the statement's own arithmetic."""
    py = re.sub(r"(\d),(\d{3})", r"\1\2", expr)
    py = re.sub(r"(\d),(\d{3})", r"\1\2", py)
    py = py.replace("−", "-").replace("·", "*").replace("×", "*").replace("⌊", "floor(").replace("⌋", ")")
    assert re.fullmatch(r"[\d+\-*/() floor]*", py), expr
    return float(eval(py, {"__builtins__": {}, "floor": math.floor}))


def false_sums(doc: Document) -> list[str]:
    wrong = []
    for text in block_texts(doc):
        for expr, value in arithmetic(text):
            if not math.isclose(evaluate(expr), value, rel_tol=0, abs_tol=1e-9):
                wrong.append(f"{expr} = {value}  (in: {text})")
    return wrong


def test_the_checker_finds_a_false_sum() -> None:
    """The checker itself: the old deck's VGG count, 2 + 2 + 4 + 4 + 4 = 21, is caught; true ones pass."""
    doc = Document("t", (Slide("s", (Formula("vgg19: 2 + 2 + 4 + 4 + 4 = 21"), Paragraph("2·64·3·3·64 = 73,728"),
                                      Formula("⌊(28 + 2·1 − 3)/2⌋ + 1 = 14"), Paragraph("(10,178,490 + 149,216 = "
                                                                                       "10,327,706)"))),))
    assert false_sums(doc) == ["2 + 2 + 4 + 4 + 4 = 21  (in: vgg19: 2 + 2 + 4 + 4 + 4 = 21)"]
    assert len(list(arithmetic("128/32·3·3·128 = 4,608 weights; dense 128·3·3·128 = 147,456"))) == 2
    assert list(arithmetic("depth = 1 + 2·1 + 1 = 4")) == [("1 + 2·1 + 1", 4)]


def map_sizes(*insps: object) -> set[str]:
    """Every H×W a model has (inputs and outputs of its rows) and every kernel it uses."""
    out = set()
    for insp in insps:
        for r in insp.rows:  # type: ignore[attr-defined]
            for s in (r.input_shape, r.output_shape):
                if len(s) == 4:
                    out.add(f"{s[2]}×{s[3]}")
            if r.kernel:
                out.add(f"{r.kernel[0]}×{r.kernel[1]}")
    return out


def foreign_sizes(doc: Document, allowed: set[str]) -> set[str]:
    return {f"{a}×{b}" for text in block_texts(doc) for a, b in MAP.findall(text)} - allowed


def deck_sizes(d: facts.DeckData) -> set[str]:
    return map_sizes(*(m.insp for m in d.models), d.vgg.insp, *d.contrast, *d.stride)


# ============================================================================ every zoo variant


@cache
def zoo_deck(name: str) -> facts.DeckData:
    return facts.gather([name])


@pytest.mark.parametrize("name", names())
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_zoo_variant_builds_a_true_deck(name: str, lang: str) -> None:
    d = zoo_deck(name)
    doc = v.deck(d, lang)
    assert false_sums(doc) == []
    assert foreign_sizes(doc, deck_sizes(d)) == set()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_four_model_deck_writes_only_true_sums(lang: str) -> None:
    """vgg19 and basic:2 used to end in KeyError: 'input'; VGG's tutorial count read 2 + 2 + 4 + 4 + 4 = 21."""
    d = facts.gather(["vgg19", "basic:2", "resnext50_32x4d", "preact-resnet1001"])
    doc = v.deck(d, lang)
    assert false_sums(doc) == []
    text = "\n".join(block_texts(doc))
    assert "(2+2+4+4+4) + 3 = 19" in text  # He et al. 2015 Fig. 3: 16 convs + 3 fc
    main_sizes = map_sizes(d.main.insp)
    for s in v.part8(d, lang)[:1] + v.part6(d, lang):
        assert foreign_sizes(Document("s", (s,)), main_sizes) == set(), s.id


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_four_model_html_deck_from_the_command(cli: Cli, tmp_path: Path, lang: str) -> None:
    """The command builds the deck for the four models; the text of the written HTML holds only true sums."""
    import html

    from resnet_inspect.commands.slides_cmd import has_cjk_font

    if lang == "zh" and not has_cjk_font():
        pytest.skip("no CJK font")
    code, _, err = cli("slides", "--models", "vgg19", "basic:2", "resnext50_32x4d", "preact-resnet1001",
                       "--lang", lang, "--format", "html", "-o", str(tmp_path))
    assert code == 0, err
    page = (tmp_path / f"slides-{lang}.html").read_text("utf-8")
    body = re.sub(r"<svg.*?</svg>|<script.*?</script>|<style.*?</style>", " ", page, flags=re.S)
    lines = [html.unescape(x) for x in re.split(r"<[^>]+>", body) if x.strip()]
    doc = Document("page", (Paragraph("\n".join(lines)),))
    assert false_sums(doc) == []
    assert "(2+2+4+4+4) + 3 = 19" in "\n".join(lines)


# ============================================================================ random specs: decks and reports


@st.composite
def small_spec(draw: st.DrawFn) -> str:
    block = draw(st.sampled_from(["basic", "bottleneck", "preact-basic", "preact-bottleneck"]))
    layers = "-".join(str(draw(st.integers(1, 2))) for _ in range(draw(st.integers(1, 4))))
    parts = [f"{block}:{layers}", f"width={draw(st.sampled_from([4, 8, 16]))}"]
    if block.endswith("bottleneck"):
        parts.append(f"groups={draw(st.sampled_from([1, 2, 4]))}")
    if block == "bottleneck":
        parts.append(f"stride_on={draw(st.sampled_from(['3x3', '1x1']))}")
    parts.append(f"shortcut={draw(st.sampled_from(['A', 'B', 'none'] if block == 'basic' else ['B', 'none']))}")
    parts.append(f"stem={draw(st.sampled_from(['imagenet', 'cifar']))}")
    return ",".join(parts)


@settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(small_spec(), st.sampled_from([32, 48, 64, 96, 224]))
def test_random_specs_decks_and_reports_state_only_truths(spec: str, side: int) -> None:
    from resnet_inspect.errors import InspectError
    from resnet_inspect.report import analysis_of
    from resnet_inspect.views.report import model_report

    try:
        d = facts.gather([spec], str(side))
    except InspectError:
        return  # an input the network cannot take: refused with a message, as the CLI does
    for lang in ("en", "zh"):
        doc = v.deck(d, lang)
        assert false_sums(doc) == [], spec
        assert foreign_sizes(doc, deck_sizes(d)) == set(), spec
        main = d.main
        for s in v.part6(d, lang) + v.part8(d, lang)[:1]:
            assert foreign_sizes(Document("s", (s,)), map_sizes(main.insp)) == set(), (spec, s.id)
    m = d.models[0]
    report = model_report(analysis_of(m.insp, m.spec))
    assert false_sums(report) == [], spec
    assert foreign_sizes(report, map_sizes(m.insp)) == set(), spec


# ============================================================================ labels say what they count


def dot_of(doc: Document, fid: str) -> str:
    """The DOT source of figure ``fid`` (and of ``fid-1``, ``fid-2`` … where its panels span slides)."""
    figs = [b for s in doc.blocks if isinstance(s, Slide) for b in s.blocks if isinstance(b, Figure)
            and re.fullmatch(rf"{re.escape(fid)}(-\d+)?", b.id)]
    assert figs, fid
    return "\n".join(f.draw("dot").decode("utf-8") for f in figs)  # type: ignore[misc]


@cache
def default_data() -> facts.DeckData:
    return facts.gather()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_projection_labels_separate_conv_weights_from_parameters(lang: str) -> None:
    """ResNet-50's projections: layer1.0.downsample's 1×1 conv has 64·256 = 16,384 weights, 16,896 with its BN
    (2·256 more); layer2.0's 256·512 = 131,072, 132,096 with BN. Oracle: the built module's parameters."""
    import torch

    doc = v.deck(default_data(), lang)
    model = build("resnet50", device="meta")
    for fid in ("block-kinds", "stride"):
        source = dot_of(doc, fid)
        for layer in ("layer1", "layer2", "layer3", "layer4"):
            down = getattr(model, layer)[0].downsample
            conv = down[0].weight.numel()
            total = sum(p.numel() for p in down.parameters())
            if f"{conv:,}" not in source:
                continue
            wrap = r"</font><br/><font point-size=\"\d+\">"  # the box's line break
            pattern = (rf"{conv:,} conv weights{wrap}\({total:,} with BN\)" if lang == "en"
                       else rf"{conv:,} 个卷积权重{wrap}（含 BN 共 {total:,} 个参数）")
            assert re.search(pattern, source), (fid, layer)
        nodes = rf'point-size="15">({NUM}) (?:conv weights|个卷积权重)'  # the boxes' labels, not the captions
        counted = [int(n.replace(",", "")) for n in re.findall(nodes, source)]
        with torch.device("meta"):
            convs = {m.weight.numel() for m in model.modules() if isinstance(m, torch.nn.Conv2d)}
        assert counted and set(counted) <= convs, fid  # every "conv weights" number is one conv's weights
    assert "16,384" in dot_of(doc, "block-kinds") and "16,896" in dot_of(doc, "block-kinds")


@pytest.mark.parametrize("name", ["resnet50", "cifar-resnet56", "resnext50_32x4d", "preact-resnet164"])
def test_block_kind_captions_hold_for_every_block_of_the_kind(name: str) -> None:
    """A panel's numbers are each block's when alike (``each:``), else the range and sum over the kind.
    Oracle: parameters of each block module of the built network."""
    d = zoo_deck(name)
    m = d.main
    model = build(name, device="meta")
    modules = dict(model.named_modules())
    own = {path: sum(p.numel() for p in modules[path].parameters()) for path in m.blocks}
    source = dot_of(v.deck(d, "en"), "block-kinds")
    for kind in m.kinds:
        caption = v.kind_caption(kind, "en")
        assert caption in source
        params = [own[p] for p in kind.paths]
        if caption.startswith("each") or len(params) == 1:
            assert len(set(params)) == 1 and f"{params[0]:,} parameters" in caption
        else:
            assert f"{min(params):,}–{max(params):,}" in caption and f"{sum(params):,} in all {len(params)}" in caption
        if len(kind.paths) > 1:
            assert "drawn: " in v._kind_title(m, kind, "en")


# ============================================================================ ResNeXt, published figures, RF, counts


@pytest.mark.parametrize("name", ["resnext50_32x4d", "resnext101_32x8d", "resnext101_64x4d"])
def test_resnext_group_width_is_stated_stage_by_stage(name: str) -> None:
    """Xie et al. 2017: the "4d" of 32x4d is the first stage's width per group; each later stage doubles it.
    Oracle: in_channels // groups of each stage's built grouped conv."""
    import torch

    d = zoo_deck(name)
    model = build(name, device="meta")
    widths = []
    for layer in ("layer1", "layer2", "layer3", "layer4"):
        conv = getattr(model, layer)[0].conv2
        assert isinstance(conv, torch.nn.Conv2d)
        widths.append(conv.in_channels // conv.groups)
    text = " ".join(b for s in v.part9(d, "en") for x in s.blocks if isinstance(x, BulletList) for b in x.items)
    expected = ", ".join(f"conv{i + 2}_x {w}" for i, w in enumerate(widths))
    assert expected in text
    assert len(set(widths)) == 4 and f"groups of {widths[0]} channels" not in text


def test_published_parameter_counts_stand_beside_the_computed_ones() -> None:
    """He et al. 2016: ResNet-1001 has 10.2 M parameters, counting conv and fc weights and biases; the deck
    shows 10,327,706 with the published figure and the split. Oracle: numel of the built module's parameters."""
    import torch

    model = build("preact-resnet1001", device="meta")
    total = sum(p.numel() for p in model.parameters())
    conv_fc = sum(p.numel() for mod in model.modules() if isinstance(mod, (torch.nn.Conv2d, torch.nn.Linear))
                  for p in mod.parameters())
    assert round(conv_fc / 1e6, 1) == 10.2 and round(total / 1e6, 1) == 10.3
    text = "\n".join(block_texts(v.deck(default_data(), "en")))
    assert "10.2 M" in text and f"{conv_fc:,} + {total - conv_fc:,} = {total:,}" in text
    assert "0.85 M" in text  # cifar-resnet56, He et al. 2015 Table 6


def windows_covering(n: int, positions: int, r: int, j: int, p: int) -> int:
    """Output positions whose window [i·j − p, i·j − p + r − 1] covers [0, n − 1], by enumeration."""
    return sum(1 for i in range(positions) if i * j - p <= 0 and i * j - p + r - 1 >= n - 1)


@pytest.mark.parametrize(("models", "side"), [(("resnet50",), None), (("resnet18",), "96"),
                                              (("cifar-resnet56",), None), (("resnet101",), "320")])
def test_whole_image_sentences_count_the_units_that_see_it(models: tuple[str, ...], side: str | None) -> None:
    """A layer's receptive field wider than the input does not make every unit see the whole image: the deck
    says how many do, counted here position by position."""
    d = facts.gather(list(models), side)
    m = d.main
    text = " ".join(v.outgrowth_lines(m, "en"))
    h = m.insp.input_shape[2]
    for layer, n, units in re.findall(r"(?:From|map \()(\S+?)\)?,? .*?(\d[\d,]*) of (\d[\d,]*) units", text):
        row = m.insp.row(layer.rstrip(","))
        assert row.rf and row.jump and row.rf_padding
        per_axis = [windows_covering(h if a == 0 else m.insp.input_shape[3], row.output_shape[2 + a], row.rf[a],
                                     row.jump[a], row.rf_padding[a]) for a in (0, 1)]
        assert int(n.replace(",", "")) == per_axis[0] * per_axis[1]
        assert int(units.replace(",", "")) == row.output_shape[2] * row.output_shape[3]
    for layer in re.findall(r"Every unit sees the whole image from (\S+) on", text):
        row = m.insp.row(layer)
        assert row.rf and row.jump and row.rf_padding
        assert all(windows_covering(m.insp.input_shape[2 + a], row.output_shape[2 + a], row.rf[a], row.jump[a],
                                    row.rf_padding[a]) == row.output_shape[2 + a] for a in (0, 1))


def test_the_counts_name_their_convention_paper_first() -> None:
    slide = next(s for s in v.part5(default_data(), "en") if s.id == "p5-other-count")
    formulas = [b for b in slide.blocks if isinstance(b, Formula)]
    assert formulas[0].label.startswith("The paper's count")
    assert formulas[1].label == "A count found in tutorials: main-path convs + max pools, no fc"


def test_table1_shows_the_v1_layout_and_the_published_values() -> None:
    """He et al. 2015 Table 1 printed 3.8, 7.6, 11.3 ×10⁹; the v1 layout computes 3.858, 7.570, 11.282 ×10⁹
    (FACTS: 3,857,973,248 for ResNet-50 v1), the v1.5 layout 4.089, 7.801, 11.514."""
    rows: dict[str, list[str]] = {}
    for slide in v.part4(default_data(), "en"):  # the bottleneck columns, two to a slide
        if "bottleneck" not in slide.id:
            continue
        table = next(b for b in slide.blocks if isinstance(b, Table))
        for r in table.rows:
            rows.setdefault(r.cells[0].text or str(r.cells[0].value), []).extend(
                c.text or str(c.value) for c in r.cells[2:])
    assert rows["MACs"] == ["4.089×10⁹", "7.801×10⁹", "11.514×10⁹"]
    assert rows["MACs, v1 (printed)"] == ["3.858×10⁹ (3.8×10⁹)", "7.570×10⁹ (7.6×10⁹)", "11.282×10⁹ (11.3×10⁹)"]
    basic = next(s for s in v.part4(default_data(), "en") if "ResNet-18" in s.title)
    table = next(b for b in basic.blocks if isinstance(b, Table))
    printed = next(r for r in table.rows if r.cells[0].value == "printed in Table 1")
    assert [c.value for c in printed.cells[2:]] == ["1.8×10⁹", "3.6×10⁹"]  # same layout in v1 and v1.5


# ============================================================================ Chinese figures


ALLOWED_LATIN = {"x", "F", "BN", "ReLU", "MACs", "G", "M", "k", "stem", "head"}  # stage names, units, layer kinds


def latin_words(texts: list[str]) -> set[str]:
    """Latin words of two or more letters, leaving out layer and model names (with digits or underscores)."""
    words = set()
    for text in texts:
        for w in re.findall(r"[A-Za-z][A-Za-z0-9_.:\-]*", text):
            if not re.search(r"[\d_]", w) and len(w) > 1:
                words.add(w)
    from resnet_inspect.registry import specs

    return words - ALLOWED_LATIN - {s.family for s in specs()}  # family names are the registry's identifiers


def test_chinese_diagrams_draw_chinese_words() -> None:
    doc = v.deck(default_data(), "zh")
    for fid in ("residual-unit", "fig5", "same-width", "block-kinds", "stride"):
        source = dot_of(doc, fid)
        labels = [m.group(1) for line in source.splitlines() if (m := re.search(r"label=<(.*)>", line))]
        shown = [re.sub(r"</?(?:b|br|font)\b[^>]*>", " ", label) for label in labels]
        assert latin_words(shown) == set(), fid


def test_chinese_plots_draw_chinese_words() -> None:
    """The plots are drawn with the words passed in: every title, label, legend and annotation of the zh
    plots (layer and model names aside) is Chinese; nothing is translated after drawing."""
    from resnet_inspect.figures import plots
    from resnet_inspect.views.slides_text import plot_words

    d = default_data()
    words = plot_words("zh")
    insps = [m.insp for m in d.core[:3]]
    for fig in (plots.stages_figure(insps, words), plots.rf_figure(d.main.insp, words),
                plots.family_figure(insps, words=words)):
        shown = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]  # type: ignore[attr-defined]
        assert any(re.search(r"[\u4e00-\u9fff]", s) for s in shown)
        assert latin_words(shown) == set()
