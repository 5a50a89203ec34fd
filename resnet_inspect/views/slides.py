"""The teaching deck: the facts of :mod:`resnet_inspect.analysis.deck` → a Document of slides.

:func:`deck` turns a :class:`~resnet_inspect.analysis.deck.DeckData` into slides in teaching order, in English or
Chinese.  Every sentence is written from the facts of the network it names (its blocks, stages, shortcut kinds,
map sizes, receptive field), and a sentence that would not hold for that network is not written.  Every number
is a field of those facts or arithmetic on them, and the speaker notes say which.  The ten parts:

1. degradation and the residual unit; 2. basic block vs bottleneck (Fig. 5, then the same width);
3. shortcuts and the stride placement; 4. the architecture table; 5. depth accounting;
6. one layer by hand; 7. cost per stage, the family, ResNet vs VGG-19; 8. receptive fields;
9. variants; 10. summary and sources.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import Any, cast

from ..analysis.blocks import Block, ConvTerm, KindGroup
from ..analysis.compare import PaperCell, PaperLayer, model_rows
from ..analysis.deck import (
    DEFAULT_MODELS,
    DeckData,
    Lane,
    Model,
    PaperColumn,
    aggregated_paths,
    first_identity,
    gather,
)
from ..analysis.depth import DepthAccount, StageDepth, account
from ..analysis.explain import Explanation, Expr, Op, Step, Sym, explain
from ..analysis.facts import StageFacts, blocks_of, first_downsampling
from ..analysis.groups import partition
from ..analysis.result import Inspection, Row
from ..document import (
    BulletList,
    Cell,
    Column,
    Document,
    Figure,
    Formula,
    Note,
    Paragraph,
    Slide,
    Source,
    Table,
    TableRow,
)
from ..document.fmt import grouped as num
from ..document.fmt import pair as size
from ..document.fmt import power_of_ten
from ..document.fmt import scaled as si
from ..document.fmt import shape as chw
from ..errors import InspectError
from ..figures.deck import Panel, blocks_dot, paths_dot, plot_bytes, render_dot, residual_unit_dot
from ..figures.rf_sketch import rf_sketch
from ..reference import Figure as RefFigure
from ..registry import get_spec
from ..specs import Spec
from .depth import formula as depth_formula
from .depth import seed_formula
from .explain import show
from .slides_notes import annotate
from .slides_text import LANGS, TEXT, diagram_words, plot_words, sketch_words, source_text, t

__all__ = ["DEFAULT_MODELS", "DeckData", "deck", "gather"]

MAX_TABLE_MODELS = 2  # Table 1 columns per slide: three do not fit at the body floor (20 pt)
MAX_FORMULAS = 6
MAX_PANELS = 2  # block panels per diagram slide
TABLE1_DECIMALS = 3  # the paper printed one decimal; three show the layouts apart (3.858 vs 4.089)

SOURCES = (
    Source("he2015", "K. He, X. Zhang, S. Ren, J. Sun. Deep Residual Learning for Image Recognition. CVPR 2016, "
           "arXiv:1512.03385.", "https://arxiv.org/abs/1512.03385"),
    Source("he2016", "K. He, X. Zhang, S. Ren, J. Sun. Identity Mappings in Deep Residual Networks. ECCV 2016, "
           "arXiv:1603.05027.", "https://arxiv.org/abs/1603.05027"),
    Source("xie2017", "S. Xie, R. Girshick, P. Dollár, Z. Tu, K. He. Aggregated Residual Transformations for Deep "
           "Neural Networks (ResNeXt). CVPR 2017, arXiv:1611.05431.", "https://arxiv.org/abs/1611.05431"),
    Source("zagoruyko2016", "S. Zagoruyko, N. Komodakis. Wide Residual Networks. BMVC 2016, arXiv:1605.07146.",
           "https://arxiv.org/abs/1605.07146"),
    Source("simonyan2014", "K. Simonyan, A. Zisserman. Very Deep Convolutional Networks for Large-Scale Image "
           "Recognition (VGG). ICLR 2015, arXiv:1409.1556.", "https://arxiv.org/abs/1409.1556"),
    Source("torchvision", "torchvision.models.resnet: the ResNet layouts with the bottleneck stride on the 3×3 "
           "(\"v1.5\").", "https://github.com/pytorch/vision"),
)


# ============================================================================ small helpers


def pct(part: int | float, whole: int | float) -> str:
    """``58.6`` (one decimal, of a percentage)."""
    return f"{100 * part / whole:.1f}" if whole else "n/a"


def times(a: int | float, b: int | float) -> str:
    """``16.9`` (a ratio, one decimal; two significant digits when below 1: ``0.59``, ``0.013``)."""
    if not b:
        return "n/a"
    r = a / b
    return f"{r:.2g}" if r < 1 else f"{r:.1f}"


def hw(shape: Sequence[int]) -> str:
    """``56×56`` from an N×C×H×W shape (or an (h, w) pair)."""
    dims = shape[2:] if len(shape) == 4 else shape
    return "×".join(str(d) for d in dims)


def input_text(data: DeckData, lang: str, models: Sequence[Model] | None = None) -> str:
    """``224×224`` when every network shown runs at one size, else the defaults named."""
    shown = models if models is not None else data.models
    sizes = list(dict.fromkeys(hw(m.insp.input_shape) for m in shown))
    if len(sizes) == 1:
        return sizes[0]
    return t(lang, "input_default", sizes=t(lang, "list_sep").join(sizes))


def term_text(c: ConvTerm) -> str:
    """``64·3·3·64`` (C_in/groups · k_h · k_w · C_out), ``256·64`` for a 1×1, ``128/32·3·3·128`` grouped."""
    cin = f"{c.in_channels}/{c.groups}" if c.groups > 1 else str(c.in_channels)
    if c.kernel == (1, 1):
        return f"{cin}·{c.out_channels}"
    return f"{cin}·{c.kernel[0]}·{c.kernel[1]}·{c.out_channels}"


def weights_formula(convs: Sequence[ConvTerm]) -> str:
    """``2·64·3·3·64`` when the convs are alike, else ``256·64 + 64·3·3·64 + 64·256``."""
    terms = [term_text(c) for c in convs]
    if len(terms) > 1 and len(set(terms)) == 1:
        return f"{len(terms)}·{terms[0]}"
    return " + ".join(terms)


def stage_label(acc: DepthAccount, name: str) -> str:
    """``conv4_x`` (the paper's name) or the module name when the paper has none."""
    for s in acc.stages:
        if s.name == name:
            return s.paper_name or s.name
    return name


def block_label(m: Model, path: str) -> str:
    """``conv3_1`` for ``layer2.0`` of an ImageNet ResNet, else the path (the module's name when it is one
    block)."""
    stage, _, index = path.partition(".")
    label = stage_label(m.depth, stage)
    if label != stage and index.isdigit():
        return f"{label.removesuffix('_x')}_{int(index) + 1}"
    return path or m.name


# (family, pattern of the registry name, display template): the names people say, from the spec's family
_DISPLAY = (
    ("resnet", r"resnet(\d+)", "ResNet-{0}"),
    ("resnet-v1", r"resnet(\d+)-v1", "ResNet-{0} (v1)"),
    ("resnext", r"resnext(\d+)_\d+x\d+d", "ResNeXt-{0} ({groups}×{width}d)"),
    ("wide-resnet", r"wide_resnet(\d+)_(\d+)", "Wide ResNet-{0}-{1}"),
    ("cifar-resnet", r"cifar-resnet(\d+)", "ResNet-{0} (CIFAR)"),
    ("preact-resnet", r"preact-resnet(\d+)", "Pre-act ResNet-{0}"),
    ("vgg", r"vgg(\d+)", "VGG-{0}"),
    ("plain", r"plain(\d+)", "plain-{0}"),
)


def display_name(spec: Spec) -> str:
    """The name people say: resnet50 → ResNet-50, resnext50_32x4d → ResNeXt-50 (32×4d), wide_resnet50_2 →
    Wide ResNet-50-2, cifar-resnet56 → ResNet-56 (CIFAR), preact-resnet1001 → Pre-act ResNet-1001, vgg19 →
    VGG-19; any other network (a custom spec) keeps its own text."""
    for family, pattern, template in _DISPLAY:
        match = re.fullmatch(pattern, spec.name)
        if spec.family == family and match:
            return template.format(*match.groups(), groups=spec.groups, width=spec.width_per_group)
    return spec.name


def model_list(models: Sequence[Model], lang: str = "en") -> str:
    """The names of ``models`` as a list (``resnet18, resnet34`` or ``resnet18、resnet34``)."""
    return t(lang, "list_sep").join(m.name for m in models)


def shown_list(models: Sequence[Model], lang: str = "en") -> str:
    """The display names of ``models``, for titles."""
    return t(lang, "list_sep").join(display_name(m.spec) for m in models)


def figure(fid: str, caption: str, draw: Callable[[str], bytes], kind: str = "diagram") -> Figure:
    return Figure(id=fid, caption=caption, alt=caption, draw=draw, kind="plot" if kind == "plot" else "diagram")


def dot_figure(fid: str, caption: str, source: str) -> Figure:
    return figure(fid, caption, lambda fmt: render_dot(source, fmt))


def plot_figure(fid: str, caption: str, kind: str, insps: Sequence[Inspection], lang: str) -> Figure:
    shown = tuple(insps)
    words = plot_words(lang)
    return figure(fid, caption, lambda fmt: plot_bytes(kind, shown, fmt, words, lang == "zh"), "plot")


def text_cell(text: str) -> Cell:
    return Cell(text, "text")


def num_cell(value: int | str, text: str) -> Cell:
    return Cell(value, "int" if isinstance(value, int) else "text", text=text)


def published_params(m: Model, lang: str) -> list[str]:
    """The published parameter count beside the tool's, with the reason when they count different things."""
    pub = m.published_params
    if pub is None:
        return []
    fig = pub.figure
    where = fig.source.short or fig.source.cite()
    printed = num(fig.exact) if fig.rounding == "exact" else f"{fig.value:.{fig.decimals}f} {fig.unit.split()[0]}"
    if pub.computed == pub.total:
        return [t(lang, "published_same", model=m.name, printed=printed, source=where, params=num(pub.total))]
    return [t(lang, "published_conv_fc", printed=printed, source=where, cf=num(pub.computed),
              bn=num(pub.total - pub.computed), params=num(pub.total))]


# ============================================================================ part 1: the idea


def cover(data: DeckData, lang: str) -> Slide:
    return Slide(t(lang, "deck_title"), (
        Paragraph(t(lang, "cover_models", models=model_list(data.models, lang))),
        Paragraph(t(lang, "cover_input", input=input_text(data, lang))),
        Note(t(lang, "cover_tool", version=data.version)),
    ), (t(lang, "cover_notes"),), id="cover")


def part1(data: DeckData, lang: str) -> list[Slide]:
    unit = dot_figure("residual-unit", t(lang, "unit_caption"), residual_unit_dot(diagram_words(lang)))
    return [
        Slide(t(lang, "deg_title"), (BulletList((t(lang, "deg_1"), t(lang, "deg_2"), t(lang, "deg_3"))),),
              (t(lang, "deg_notes"),), id="p1-degradation"),
        Slide(t(lang, "unit_title"), (unit, BulletList((t(lang, "unit_1"), t(lang, "unit_2"), t(lang, "unit_3")))),
              (t(lang, "unit_notes"),), id="p1-residual-unit"),
        counts_slide(data, lang),
        fig3_slide(data, lang),
        network_slide(data, lang),
    ]


def fig3_words(lang: str) -> dict[str, str]:
    """The words drawn in the Fig. 3 lanes and the network strip (templates of :data:`figures.fig3.WORDS`)."""
    return {k.removeprefix("fig3w_"): pair[1 if lang == "zh" else 0] for k, pair in TEXT.items()
            if k.startswith("fig3w_")}


def lane_caption(lane: Lane, lang: str) -> str:
    """``19 layers · 144 M params · 19.6 G MACs (published: 19.6×10⁹)``: computed, then the printed value."""
    tot = lane.model.insp.totals
    text = t(lang, "fig3_lane", depth=lane.weighted, params=si(tot.params), macs=si(tot.macs))
    return text + (t(lang, "fig3_published", printed=_printed(lane.published)) if lane.published else "")


def shortcut_line(plain: Lane, res: Lane, lang: str) -> list[str]:
    """``ResNet-34 = plain-34 + 16 shortcuts …``, when the two lanes have the same layers and the parameters
    they differ by are the projections' own; otherwise nothing."""
    def shape_of(lane: Lane) -> list[tuple[Any, ...]]:
        return [(x.kind, x.kernel, x.stride, x.channels, x.out_hw) for x in lane.layers]

    pp, pr = plain.model.insp.totals.params, res.model.insp.totals.params
    projections = [b for b in res.model.blocks.values() if b.shortcut == "projection"]
    extra = sum(b.shortcut_params for b in projections)
    if shape_of(plain) != shape_of(res) or plain.shortcuts or pr - pp != extra:
        return []
    ni = sum(1 for s in res.shortcuts if s.kind == "identity")
    return [t(lang, "fig3_1", res=display_name(res.model.spec), plain=display_name(plain.model.spec),
              n=len(res.shortcuts), ni=ni, np=len(projections), pr=num(pr), pp=num(pp), p=num(extra))]


def fig3_slide(data: DeckData, lang: str) -> Slide:
    """He et al. 2015, Fig. 3: VGG-19, plain-34 and ResNet-34 as lanes of layers, with their numbers."""
    from ..figures.fig3 import LaneView, lanes_bytes

    lanes = data.lanes
    _, plain, res = lanes
    names = [display_name(x.model.spec) for x in lanes]
    title = t(lang, "fig3_title", a=names[0], b=names[1], c=names[2])
    views = tuple(LaneView(name, lane_caption(x, lang), x.layers, x.shortcuts) for name, x in zip(names, lanes,
                                                                                                   strict=True))
    words = fig3_words(lang)
    fig = figure("fig3", title, lambda fmt: lanes_bytes(views, words, fmt, lang == "zh"))
    mv, mp, mr = (x.model.insp.totals.macs for x in lanes)
    lines = shortcut_line(plain, res, lang)
    lines.append(t(lang, "fig3_2", plain=names[1], vgg=names[0], pct=pct(mp, mv), mp=si(mp), mv=si(mv)))
    notes = [t(lang, "fig3_notes", input=input_text(data, lang, [x.model for x in lanes]))]
    if len(lines) > 1 and mr >= mp:  # the same layers: the shortcuts are the only difference
        notes.append(t(lang, "fig3_notes_same", plain=names[1], res=names[2], vgg=names[0], sc=num(mr - mp),
                       mp=num(mp), mr=num(mr)))
    return Slide(title, (fig, BulletList(tuple(lines))), (t(lang, "sentence_sep").join(notes),), id="p1-fig3")


def network_slide(data: DeckData, lang: str) -> Slide:
    """The main network whole: input → stem → each stage as n blocks → head, the depth under each box."""
    from ..figures.fig3 import network_bytes

    m = data.main
    segs = data.network
    title = t(lang, "net_title", model=display_name(m.spec))
    words = fig3_words(lang)
    fig = figure("network", title, lambda fmt: network_bytes(segs, chw(m.insp.input_shape), words, fmt,
                                                             lang == "zh"))
    tot = m.insp.totals
    lines = (t(lang, "net_1", formula=depth_formula(m.depth)),
             t(lang, "net_2", params=num(tot.params), macs=si(tot.macs), input=hw(m.insp.input_shape)))
    shrink = [x.paper_name or x.name for x in segs if x.stride > 1]
    notes = [t(lang, "net_notes", where=t(lang, "list_sep").join(shrink) or "—")]
    most = sorted(segs, key=lambda x: -x.layers)
    if len(most) == 1 or most[0].layers > most[1].layers:  # one box holds the most layers
        notes.append(t(lang, "net_ask", box=most[0].paper_name or most[0].name, n=most[0].layers,
                       depth=m.depth.depth))
    return Slide(title, (fig, BulletList(lines)), (t(lang, "sentence_sep").join(notes),), id="p1-network")


def counts_slide(data: DeckData, lang: str) -> Slide:
    """The main network's MACs as each tool counts them: the paper's layout (when the paper printed it), conv +
    fc, torchinfo, fvcore, and FlopCounterMode's FLOPs."""
    m = data.main
    counts = data.counts
    rows: list[tuple[str, str, str, int]] = []  # who, what they call it, what it counts, the count
    col = data.paper.get(m.name)
    if col is not None and col.published is not None:
        macs = col.v1_macs if col.v1_macs is not None else col.macs
        rows.append((t(lang, "counts_paper"), "FLOPs", t(lang, "counts_paper_what", printed=_printed(col.published)),
                     macs))
    base = counts["conv-fc"]
    rows.append((t(lang, "counts_conv_fc"), "GFLOPS,\nMACs", t(lang, "counts_conv_fc_what"), base))
    for policy, called in (("torchinfo", "mult-adds"), ("fvcore", "flops")):
        if policy in counts:
            rows.append((t(lang, f"counts_{policy}"), called, t(lang, f"counts_{policy}_what"), counts[policy]))
    rows.append((t(lang, "counts_flop_counter"), "FLOPs", t(lang, "counts_flop_counter_what"), 2 * base))
    columns = (Column("who", t(lang, "counts_who")), Column("calls", t(lang, "counts_calls")),
               Column("what", t(lang, "counts_what")), Column("value", display_name(m.spec), "int"))
    table = Table(columns, tuple(TableRow((text_cell(a), text_cell(b), text_cell(c), num_cell(v, num(v))))
                                 for a, b, c, v in rows), id="counts", role="comparison")
    return Slide(t(lang, "counts_title", model=display_name(m.spec), n=len(rows)), (
        Paragraph(t(lang, "counts_1")), table,
    ), (t(lang, "counts_2"), t(lang, "counts_notes", model=m.name, input=hw(m.insp.input_shape))),
        id="p1-macs-flops")


# ============================================================================ part 2: basic vs bottleneck


def channels(b: Block) -> int:
    return b.row.input_shape[1]


def _panel(b: Block, title: str, lang: str) -> Panel:
    caption = t(lang, "panel_caption", weights=num(b.conv_weights), params=num(b.params), macs=si(b.macs),
                hw=hw(b.row.input_shape))
    return Panel(b, title, caption)


def _pair_panels(a: Block, b: Block, lang: str) -> list[Panel]:
    return [_panel(a, t(lang, "fig5_basic_panel", c=channels(a)), lang),
            _panel(b, t(lang, "fig5_bottleneck_panel", c=channels(b)), lang)]


def part2(data: DeckData, lang: str) -> list[Slide]:
    a, b = data.fig5
    words = diagram_words(lang)
    fig5 = Slide(t(lang, "fig5_title", ca=channels(a), cb=channels(b)), (
        dot_figure("fig5", t(lang, "fig5_title", ca=channels(a), cb=channels(b)),
                   blocks_dot("fig5", _pair_panels(a, b, lang), words)),
        BulletList((t(lang, "fig5_1", formula=weights_formula(a.convs), weights=num(a.conv_weights)),
                    t(lang, "fig5_2", formula=weights_formula(b.convs), weights=num(b.conv_weights)),
                    t(lang, "fig5_3", macs_a=si(a.macs), macs_b=si(b.macs), ratio=times(channels(b), channels(a))))),
    ), (t(lang, "fig5_notes", ca=channels(a), cb=channels(b), hw=hw(a.row.input_shape)),), id="p2-fig5")
    c, d = data.same_width
    title = t(lang, "same_title", c=channels(c), wa=num(c.conv_weights), wb=num(d.conv_weights))
    same = Slide(title, (
        dot_figure("same-width", title, blocks_dot("same_width", _pair_panels(c, d, lang), words)),
        BulletList((t(lang, "same_1", c=channels(c), formula=weights_formula(c.convs), weights=num(c.conv_weights)),
                    t(lang, "same_2", mid=d.convs[0].out_channels, weights=num(d.conv_weights),
                      ratio=times(c.conv_weights, d.conv_weights)),
                    t(lang, "same_3"))),
    ), (t(lang, "same_notes", c=channels(c), hw=hw(c.row.input_shape), wa=num(c.conv_weights),
          wb=num(d.conv_weights), ma=num(c.macs), mb=num(d.macs)),), id="p2-same-width")
    return [fig5, same]


# ============================================================================ part 3: shortcuts, stride


def _kind_title(m: Model, kind: KindGroup, lang: str) -> str:
    names = [block_label(m, p) for p in kind.paths]
    shown = ", ".join(names) if len(names) <= 3 else t(lang, "n_blocks", n=len(names))
    title = t(lang, f"kind_{kind.shortcut}", blocks=shown, stride=kind.stride)
    return title + (t(lang, "kind_drawn", block=names[0]) if len(names) > 1 else "")


def kind_caption(kind: KindGroup, lang: str) -> str:
    """The numbers of a kind of block: each block's when they are alike, else the range and the sum."""
    first, n = kind.blocks[0], len(kind.blocks)
    if kind.alike:
        key = "kind_alike" if n > 1 else "kind_one"
        return t(lang, key, weights=num(first.conv_weights + first.shortcut_weights), params=num(first.params),
                 macs=si(first.macs))
    params = kind.params
    macs = [b.macs or 0 for b in kind.blocks]
    cost = (t(lang, "kind_macs_each", macs=si(macs[0])) if len(set(macs)) == 1
            else t(lang, "kind_macs_range", mlo=si(min(macs)), mhi=si(max(macs))))
    return t(lang, "kind_range", lo=num(min(params)), hi=num(max(params)), total=num(sum(params)), n=n, macs=cost)


def kinds_lines(m: Model, lang: str) -> list[str]:
    """What each line style of the drawing means, for the kinds this network has, and what the projections
    hold."""
    present = {k.shortcut for k in m.kinds}
    total = sum(len(k.blocks) for k in m.kinds)
    lines = []
    if "identity" in present:
        lines.append(t(lang, "kinds_identity"))
    projections = [b for k in m.kinds if k.shortcut == "projection" for b in k.blocks]
    if projections:
        changes = all(b.row.input_shape != b.row.output_shape for b in projections)
        kernels = sorted({f"{c.kernel[0]}×{c.kernel[1]}" for b in projections for c in b.shortcut_convs})
        lines.append(t(lang, "kinds_projection_where" if changes else "kinds_projection", k="/".join(kernels),
                       n=len(projections), total=total))
        w = sum(b.shortcut_weights for b in projections)
        p = sum(b.shortcut_params for b in projections)
        lines.append(t(lang, "kinds_2", n=len(projections), w=num(w), p=num(p), pct=pct(p, m.insp.totals.params)))
    if "option_a" in present:
        lines.append(t(lang, "kinds_option_a"))
    if "none" in present:
        lines.append(t(lang, "kinds_none"))
    return lines


def part3(data: DeckData, lang: str) -> list[Slide]:
    m = data.main
    slides: list[Slide] = []
    if m.kinds:
        panels = [Panel(k.blocks[0], _kind_title(m, k, lang), kind_caption(k, lang)) for k in m.kinds]
        title = t(lang, "kinds_title", model=display_name(m.spec))
        # two landscape panels fill a slide at the figure floor: more kinds go on slides of their own first
        ahead = (len(panels) - 1) // MAX_PANELS  # slides of panels before the one with the text
        for n in range(1, ahead + 1):
            chunk = panels[(n - 1) * MAX_PANELS:n * MAX_PANELS]
            slides.append(Slide(title, (dot_figure(f"block-kinds-{n}", title,
                                                   blocks_dot("block_kinds", chunk, diagram_words(lang))),),
                                (t(lang, "kinds_notes", model=m.name),), id=f"p3-shortcuts-{n}"))
        rest = panels[ahead * MAX_PANELS:]
        slides.append(Slide(title, (
            dot_figure("block-kinds", title, blocks_dot("block_kinds", rest, diagram_words(lang))),
            BulletList(tuple(kinds_lines(m, lang)))), (t(lang, "kinds_notes", model=m.name),), id="p3-shortcuts"))
    slides += stride_slides(data, lang)
    return slides


def stride_lines(v1: Inspection, v15: Inspection, block: Block, lang: str) -> list[str]:
    a, b = v1.totals, v15.totals
    lines = []
    delta = b.macs - a.macs
    if a.params == b.params:
        lines.append(t(lang, "stride_1", params=num(b.params), delta=num(delta), macs_a=si(a.macs),
                       macs_b=si(b.macs), pct=pct(delta, a.macs)))
    strided = next((c for c in block.convs if c.stride > 1), None)
    if strided is not None and strided.kernel == (1, 1):
        s = strided.stride
        lines.append(t(lang, "stride_2", s=s, n=s * s - 1, of=s * s))
    lines.append(t(lang, "stride_3", rf_a=size(a.rf), rf_b=size(b.rf)))
    return lines


def stride_slides(data: DeckData, lang: str) -> list[Slide]:
    """The two placements drawn on one slide, and what they cost on the next (both would not fit legibly)."""
    v1, v15 = data.stride
    base = data.stride_base
    first = first_downsampling(v1)
    if first is None:
        raise InspectError(f"{base} has no downsampling block to show the stride placement on")
    from ..analysis.facts import blocks_of

    other = blocks_of(v15)[first.path]
    shown = display_name(get_spec(base))
    panels = [Panel(first, t(lang, "stride_panel_v1", model=shown),
                    t(lang, "stride_caption", macs=num(v1.totals.macs), rf=size(v1.totals.rf))),
              Panel(other, t(lang, "stride_panel_v15", model=shown),
                    t(lang, "stride_caption", macs=num(v15.totals.macs), rf=size(v15.totals.rf)))]
    notes = (t(lang, "stride_notes", model=base, input=hw(v1.input_shape), block=first.path),)
    return [Slide(t(lang, "stride_title"), (
                dot_figure("stride", t(lang, "stride_title"), blocks_dot("stride", panels, diagram_words(lang))),),
                  notes, id="p3-stride"),
            Slide(t(lang, "stride_title"), (BulletList(tuple(stride_lines(v1, v15, first, lang))),), notes,
                  id="p3-stride-cost")]


# ============================================================================ part 4: the architecture table


def layer_text(layer: PaperLayer, lang: str) -> str:
    """``3×3, 64`` (with ``C=32`` and ``/2``), ``3×3 max pool, /2``, ``avg pool``, ``1000-d fc``."""
    if layer.kind == "fc":
        return t(lang, "arch_fc", n=layer.channels)
    k = f"{layer.kernel[0]}×{layer.kernel[1]}" if layer.kernel else ""
    if layer.kind in ("max pool", "average pool"):
        stride = f"{t(lang, 'sep')}/{layer.stride}" if layer.stride > 1 else ""
        return (t(lang, "arch_maxpool", k=k) if layer.kind == "max pool" else t(lang, "arch_avgpool")) + stride
    groups = f", C={layer.groups}" if layer.groups > 1 else ""
    stride = f", /{layer.stride}" if layer.stride > 1 else ""
    return f"{k}, {layer.channels}{groups}{stride}"


def cell_text(cells: Sequence[PaperCell], lang: str) -> str:
    """The lines of a Table 1 cell: layers joined, a bracket ``[…] × n`` per repeated block."""
    out = []
    for c in cells:
        if c.repeat is None:
            out.append(t(lang, "sep").join(layer_text(x, lang) for x in c.layers))
        else:
            parts = [layer_text(x, lang) for x in c.layers]
            # two lines at most, so a stage's row stays two lines high at the body floor (20 pt)
            half = (len(parts) + 1) // 2
            lines = [t(lang, "bracket_sep").join(parts[:half]), t(lang, "bracket_sep").join(parts[half:])]
            out.append("[" + (t(lang, "bracket_sep").rstrip() + "\n ").join(x for x in lines if x) + f"] × {c.repeat}")
    return "\n".join(out)


def arch_rows(m: Model, lang: str) -> dict[str, tuple[str, str]]:
    """Row key → (output size, cell) for one model, from the Table 1 rows of its analysis."""
    return {("head" if key == "head" else key): (hw(out) if out else "", cell_text(cells, lang))
            for key, _, out, cells in model_rows(m.insp)}


def _printed(fig: RefFigure) -> str:
    """``3.8×10⁹``: the paper's value as printed."""
    return f"{fig.value:.{fig.decimals}f}×10⁹"


def _paper_rows(cols: Sequence[PaperColumn], lang: str) -> list[TableRow]:
    """The paper's layout (stride on the first 1×1) computed, beside the paper's printed FLOPs, when any column
    has them; the printed values alone when no column needs the other layout."""
    if any(c.v1_macs is not None for c in cols):
        cells = []
        for c in cols:
            macs = c.v1_macs if c.v1_macs is not None else c.macs
            text = power_of_ten(macs, TABLE1_DECIMALS) + (f" ({_printed(c.published)})" if c.published else "")
            cells.append(num_cell(macs, text))
        return [TableRow((text_cell(t(lang, "arch_v1")), text_cell(""), *cells), tags=frozenset({"total"}))]
    if any(c.published is not None for c in cols):
        return [TableRow((text_cell(t(lang, "arch_published")), text_cell(""), *(
            text_cell(_printed(c.published)) if c.published is not None else text_cell("") for c in cols)),
            tags=frozenset({"published"}))]
    return []


def arch_table(models: Sequence[Model], cols: Sequence[PaperColumn], lang: str) -> Table:
    per = [arch_rows(m, lang) for m in models]
    keys = list(dict.fromkeys(k for rows in per for k in rows))
    keys.sort(key=lambda k: k == "head")
    columns = (Column("layer", t(lang, "arch_layer")), Column("output", t(lang, "arch_output")),
               *(Column(m.name, display_name(m.spec)) for m in models))
    rows = []
    for k in keys:
        sizes = list(dict.fromkeys(r[k][0] for r in per if k in r and r[k][0]))
        cells = [text_cell("fc" if k == "head" else k), text_cell(" / ".join(sizes))]
        cells += [text_cell(r[k][1] if k in r else "") for r in per]
        rows.append(TableRow(tuple(cells)))
    rows.append(TableRow((text_cell(t(lang, "arch_params")), text_cell(""),
                          *(num_cell(m.insp.totals.params, si(m.insp.totals.params)) for m in models)),
                         tags=frozenset({"total"})))
    rows.append(TableRow((text_cell(t(lang, "arch_macs")), text_cell(""),
                          *(num_cell(m.insp.totals.macs, power_of_ten(m.insp.totals.macs, TABLE1_DECIMALS))
                            for m in models)), tags=frozenset({"total"})))
    rows += _paper_rows(cols, lang)
    return Table(columns, tuple(rows), id="architecture", role="architecture")


def _names(stages: Sequence[StageFacts], lang: str) -> str:
    names = [s.paper_name or s.name for s in stages]
    return names[0] if len(names) == 1 else t(lang, "names_range", a=names[0], b=names[-1])


def downsampling_note(models: Sequence[Model], lang: str) -> str:
    """Which stages' first blocks downsample, when every network of the slide agrees; else nothing."""
    found = set()
    for m in models:
        down = [s for s in m.stages if s.first is not None and s.first.stride > 1]
        found.add((_names(down, lang), tuple(sorted({s.first.stride for s in down if s.first}))) if down else None)
    if len(found) != 1 or None in found:
        return ""
    names, strides = found.pop()  # type: ignore[misc]
    return t(lang, "arch_down", names=names, s=strides[0]) if len(strides) == 1 else ""


def part4(data: DeckData, lang: str) -> list[Slide]:
    groups: dict[str, list[Model]] = {}
    for m in data.core:
        groups.setdefault(m.spec.block, []).append(m)
    slides = []
    for block, ms in groups.items():
        for i in range(0, len(ms), MAX_TABLE_MODELS):
            chunk = ms[i:i + MAX_TABLE_MODELS]
            cols = [data.paper[m.name] for m in chunk]
            v15 = any(c.v1_macs is not None for c in cols)
            source = next((c.published.source.short for c in cols if c.published is not None), "")
            note = t(lang, "arch_note", input=input_text(data, lang, chunk), stride=t(lang, "arch_v15") if v15 else "",
                     source=t(lang, "arch_source" if v15 else "arch_source_row", source=source) if source else "")
            notes = [downsampling_note(chunk, lang), t(lang, "arch_notes")]
            if any(c.published is not None for c in cols):
                notes.append(t(lang, "arch_published_note"))
            slides.append(Slide(t(lang, "arch_title", models=shown_list(chunk, lang)),
                                (arch_table(chunk, cols, lang), Note(note)),
                                (t(lang, "sentence_sep").join(n for n in notes if n),),
                                id=f"p4-architecture-{block}-{i // MAX_TABLE_MODELS + 1}"))
    return slides


# ============================================================================ part 5: depth


def _pairs(models: Sequence[Model]) -> list[tuple[Model, Model, list[tuple[StageDepth, StageDepth]]]]:
    """Pairs of networks that differ only in the blocks of some stages (same layers per block)."""
    out = []
    ordered = sorted(models, key=lambda m: m.depth.depth)
    for a, b in pairwise(ordered):
        sa, sb = {s.name: s for s in a.depth.stages}, {s.name: s for s in b.depth.stages}
        if sa.keys() != sb.keys() or a.depth.depth == b.depth.depth:
            continue
        diffs = [(sa[k], sb[k]) for k in sa if sa[k].layers != sb[k].layers]
        if all(x.blocks and y.blocks and x.layers_per_block and x.layers_per_block == y.layers_per_block
               for x, y in diffs):
            out.append((a, b, diffs))
    return out


def part5(data: DeckData, lang: str) -> list[Slide]:
    core = data.core
    names = {m.depth.name_depth for m in core}
    title = t(lang, "depth_title") if {18, 34, 50, 101, 152} <= names else t(lang, "depth_title_any")
    formulas = tuple(Formula(f"{m.name}: {depth_formula(m.depth)}") for m in core[:MAX_FORMULAS])
    slides = [Slide(title, (Paragraph(t(lang, "depth_rule")), *formulas), (t(lang, "depth_notes"),),
                    id="p5-depth")]
    pairs = _pairs(core)
    pairs.sort(key=lambda p: (p[0].name, p[1].name) != ("resnet50", "resnet101"))
    if pairs:
        a, b, diffs = pairs[0]
        x = diffs[0][0]
        blocks = sum(q.blocks - p.blocks for p, q in diffs)
        lines = [Formula(t(lang, "diff_line", stage=p.paper_name or p.name, x=p.blocks, y=q.blocks,
                           delta=q.blocks - p.blocks, per=p.layers_per_block, layers=q.layers - p.layers))
                 for p, q in diffs]
        gain = b.depth.depth - a.depth.depth
        title = t(lang, "diff_title", a=display_name(a.spec), b=display_name(b.spec), blocks=blocks,
                  per=x.layers_per_block)
        slides.append(Slide(title, (
            *lines, Paragraph(t(lang, "diff_sum", a=a.depth.depth, gain=gain, b=b.depth.depth)),
            Formula(f"{a.name}: {depth_formula(a.depth)}"), Formula(f"{b.name}: {depth_formula(b.depth)}"),
        ), (t(lang, "diff_notes"),), id="p5-difference"))
    m = data.main
    acc = m.depth
    counts = acc.counts
    title = (t(lang, "seed_title", depth=acc.depth) if acc.seed_depth == acc.depth
             else t(lang, "seed_title_diff", model=display_name(m.spec)))
    slides.append(Slide(title, (
        Formula(depth_formula(acc), label=t(lang, "seed_label_paper")),
        Formula(seed_formula(acc), label=t(lang, "seed_label_other")),
        Paragraph(t(lang, "seed_3", convs=counts.convs, fcs=counts.linears, total=counts.all_weighted)),
        Note(t(lang, "seed_4"), kind="convention"),
    ), (t(lang, "seed_notes", model=m.name),), id="p5-other-count"))
    return slides


# ============================================================================ part 6: one layer by hand


def worked_layer(insp: Inspection) -> Row:
    """The first stride-2 3×3 main-path conv of the third stage (``layer3.0.conv2`` of ResNet-50), else the
    first strided main-path conv, else the first conv."""
    convs = [r for r in insp.rows if r.is_leaf and r.kind == "conv" and not r.on_shortcut]
    strided = [r for r in convs if r.stride and max(r.stride) > 1 and r.name.startswith("layer")]
    third = [r for r in strided if r.name.startswith("layer3.") and r.kernel == (3, 3)]
    for pool in (third, [r for r in strided if r.kernel == (3, 3)], strided, convs):
        if pool:
            return pool[0]
    raise InspectError(f"{insp.model} has no convolution to work through")


def one_group(expr: Expr) -> Expr:
    """``expr`` without its divisions by a single group: ``256/1 · 3 · 3 · 256`` reads ``256 · 3 · 3 · 256``."""
    if not isinstance(expr, Op):
        return expr
    a = expr.args
    if expr.op == "div" and len(a) == 2 and isinstance(a[1], Sym) and a[1].name == "g" and a[1].value == 1:
        return one_group(a[0])
    return Op(expr.op, tuple(one_group(x) for x in a))


def step_text(step: Step) -> str:
    """``⌊(28 + 2·1 − 3)/2⌋ + 1 = 14``: the step's expression with the numbers put in, and its value."""
    assert step.expr is not None and step.value is not None
    return f"{show(one_group(step.expr), False)} = {num(step.value)}"


def _axis_steps(steps: Sequence[Step], target: str) -> list[Step]:
    """The h and w steps of ``target`` with an expression (the h step alone when both read the same)."""
    found = [s for s in steps if s.target == target and s.expr is not None and s.value is not None]
    if len(found) == 2 and show(found[0].expr or 0, False) == show(found[1].expr or 0, False):
        return found[:1]
    return found


def followed_by_norm(insp: Inspection, r: Row) -> bool:
    """True when the layer that reads ``r``'s output is a batch norm (whose shift makes a bias redundant)."""
    return any(x.kind == "norm" and r.name in x.inputs for x in insp.rows if x.is_leaf)


def conv_fields(r: Row) -> dict[str, object]:
    """A conv's kernel, stride, padding, channels and input shape, as the templates that describe it name them."""
    k, s, p = r.kernel or (1, 1), r.stride or (1, 1), r.padding or (0, 0)
    return {"kernel": f"{k[0]}×{k[1]}", "stride": size(s), "padding": size(p), "cin": r.input_shape[1],
            "cout": r.output_shape[1], "hin": chw(r.input_shape)}


def formulas(steps: Sequence[Step], target: str | None = None) -> list[str]:
    """The steps with an expression (of ``target``, when given) as ``expression = value``."""
    return [step_text(x) for x in steps if x.expr is not None and x.value is not None
            and (target is None or x.target == target)]


def size_formulas(e: Explanation) -> list[str]:
    """The output height's and width's formulas (one when they read the same)."""
    return list(dict.fromkeys(step_text(x) for x in _axis_steps(e.output, "h_out") + _axis_steps(e.output, "w_out")))


def source_name(e: Explanation, lang: str) -> str:
    """The row a layer reads, for its notes ("the input" in words for the network's input)."""
    return t(lang, "graph_input") if e.rf_source == "input" else e.rf_source or "—"


def part6(data: DeckData, lang: str) -> list[Slide]:
    m = data.main
    r = worked_layer(m.insp)
    e = explain(m.insp, r.name)
    what = t(lang, "layer_what", **conv_fields(r))
    sizes = size_formulas(e)
    params = formulas(e.params, "weights")
    bias = r.params - (next((x.value for x in e.params if x.target == "weights"), r.params) or 0)
    if bias:
        params += formulas(e.params, "params")
    notes = (t(lang, "layer_notes", layer=r.name, model=m.name, input=hw(m.insp.input_shape),
               src=source_name(e, lang)),)
    first = Slide(t(lang, "layer_title", layer=r.name, model=display_name(m.spec)), (
        Paragraph(what),
        *(Formula(x, label=t(lang, "layer_size")) for x in sizes[:2]),
        *(Formula(x, label=t(lang, "layer_params")) for x in params),
        *((Note(t(lang, "layer_bias" if followed_by_norm(m.insp, r) else "layer_nobias")),) if not bias else ()),
    ), notes, id="p6-layer-size")
    blocks: list[Any] = [Formula(x, label=t(lang, "layer_macs")) for x in formulas(e.macs)]
    blocks.append(Note(t(lang, "layer_macs_note")))
    if r.macs is not None:
        blocks.append(Formula(f"2 × {num(r.macs)} = {num(2 * r.macs)}", label=t(lang, "layer_flops")))
        blocks.append(Paragraph(t(lang, "layer_share", pct=pct(r.macs, m.insp.totals.macs),
                                  total=num(m.insp.totals.macs), model=display_name(m.spec))))
    second = Slide(t(lang, "layer_title2", layer=r.name), tuple(blocks), notes, id="p6-layer-cost")
    sketch = rf_slide(m, r, lang)
    return [first, second, *([sketch] if sketch is not None else [])]


def _syms(expr: Expr) -> dict[str, int]:
    """The named inputs of an expression and their values (``{"r": 91, "k": 3, "j": 8}``)."""
    if isinstance(expr, Sym):
        return {expr.name: expr.value}
    if isinstance(expr, Op):
        return {k: v for a in expr.args for k, v in _syms(a).items()}
    return {}


def rf_window(insp: Inspection, r: Row) -> tuple[str, list[tuple[int, int, int, int]]] | None:
    """The row ``r`` reads and, per axis, (r, j, k, s): its input's receptive field and jump, ``r``'s kernel and
    stride, read from the explanation's window steps (r + (k − 1)·j and j·s, checked against the analysis);
    ``None`` unless every axis is such an undilated window over a row of the network."""
    e = explain(insp, r.name)
    if not e.rf_source or e.rf_source == "input":  # the network's input has no row to name
        return None
    steps = {(x.target, x.axis): x.expr for x in e.rf if x.basis == "rf_window" and x.expr is not None}
    axes = []
    for ax in ("h", "w"):
        rf, jump = steps.get(("rf", ax)), steps.get(("jump", ax))
        if rf is None or jump is None or "d" in _syms(rf):  # not a window step, or a dilated one
            return None
        window = _syms(rf)
        axes.append((window["r"], window["j"], window["k"], _syms(jump)["s"]))
    return e.rf_source, axes


def rf_slide(m: Model, r: Row, lang: str) -> Slide | None:
    """The receptive field of ``r`` worked out with its inputs named, beside a 1-D sketch drawn to scale."""
    found = rf_window(m.insp, r)
    if found is None:
        return None
    src, axes = found
    (a, j, k, s), other = axes[0], axes[-1]
    axis = t(lang, "sketch_axis", r=other[0], j=other[1]) if other[:2] != (a, j) else ""
    formula = f"{a} + ({k} − 1)·{j}"
    rf = a + (k - 1) * j
    title = t(lang, "sketch_title", layer=r.name, formula=formula, rf=rf)
    words = sketch_words(lang)
    cjk = lang == "zh"
    layer = r.name
    fig = figure("rf-sketch", t(lang, "sketch_caption", layer=r.name),
                 lambda fmt: rf_sketch(layer, a, j, k, s, fmt, words, cjk), "plot")
    lines = [t(lang, "sketch_in", src=src, r=a, j=j, axis=axis)]
    lines.append(t(lang, "sketch_kernel", k=k, formula=f"{formula} = {rf}") if k > 1 else t(lang, "sketch_one"))
    lines.append(t(lang, "sketch_stride", s=s, formula=f"{j}·{s} = {j * s}"))
    return Slide(title, (fig, BulletList(tuple(lines)), Note(t(lang, "sketch_jump"))),
                 (t(lang, "sketch_notes", src=src, model=m.name, input=hw(m.insp.input_shape), layer=r.name),),
                 id="p6-rf-sketch")


# ============================================================================ exercises


def _exercise(n: int, what: str, given: Sequence[Any], answer: Sequence[Any], notes: Sequence[str],
              lang: str) -> list[Slide]:
    """A question slide ("Your turn") and its answer on the next slide."""
    return [Slide(t(lang, "ex_title", what=what), tuple(given), (t(lang, "ex_notes"),), id=f"ex-{n}"),
            Slide(t(lang, "ex_answer_title", what=what), tuple(answer), tuple(notes), id=f"ex-{n}-answer")]


def exercise_depth(data: DeckData, lang: str) -> list[Slide]:
    """How deep is the main network with other blocks per stage? (after the depth slides)"""
    m, d = data.main, data.deeper
    if d is None:
        return []
    body = [s for s in d.depth.stages if s.role == "stage" and s.layers]
    per = {s.layers_per_block for s in body}
    if not body or len(per) != 1 or None in per:
        return []
    blocks = "-".join(str(s.blocks) for s in body)
    what = t(lang, "ex_depth_what")
    projections = sum(1 for r in d.insp.rows if r.is_leaf and r.kind == "conv" and r.on_shortcut)
    leave = (t(lang, "ex_depth_leave", n=projections) if projections else t(lang, "ex_depth_leave_none"))
    given = [Paragraph(t(lang, "ex_depth_given", model=display_name(m.spec), blocks=blocks, per=per.pop())),
             Paragraph(t(lang, "ex_depth_ask"))]
    answer = [Formula(depth_formula(d.depth)), Paragraph(leave)]
    notes = (t(lang, "depth_notes"),)
    return _exercise(1, what, given, answer, notes, lang)


def _main_convs(insp: Inspection) -> list[Row]:
    return [r for r in insp.rows if r.is_leaf and r.kind == "conv" and not r.on_shortcut]


def exercise_conv(m: Model, worked: Row, lang: str) -> list[Slide]:
    """Output size, weights and MACs of another conv: the next strided conv with the worked layer's kernel,
    else the last conv wider than 1×1 (after the layer worked by hand)."""
    convs = _main_convs(m.insp)
    later = convs[convs.index(worked) + 1:]
    target = next((r for r in later if r.kernel == worked.kernel and r.stride and max(r.stride) > 1),
                  next((r for r in reversed(convs) if r is not worked and r.kernel and max(r.kernel) > 1), None))
    if target is None:
        return []
    e = explain(m.insp, target.name)
    given = [Paragraph(t(lang, "ex_conv_given", **conv_fields(target))), Paragraph(t(lang, "ex_conv_ask"))]
    answer: list[Any] = [Formula(x, label=t(lang, "layer_size")) for x in size_formulas(e)[:2]]
    answer += [Formula(x, label=t(lang, "layer_params")) for x in formulas(e.params, "weights")]
    answer += [Formula(x, label=t(lang, "layer_macs")) for x in formulas(e.macs)]
    wa, wb = worked.params, target.params
    if target.macs == worked.macs and wa and wb > wa and wb % wa == 0:
        answer.append(Note(t(lang, "ex_conv_same", other=worked.name, w=wb // wa)))
    what = t(lang, "ex_conv_what", layer=target.name, model=display_name(m.spec))
    notes = (t(lang, "layer_notes", layer=target.name, model=m.name, input=hw(m.insp.input_shape),
               src=source_name(e, lang)),)
    return _exercise(2, what, given, answer, notes, lang)


def exercise_rf(m: Model, worked: Row, lang: str) -> list[Slide]:
    """The receptive field and jump of the main-path conv after the worked layer."""
    convs = _main_convs(m.insp)
    found = next(((r, w) for r in convs[convs.index(worked) + 1:] if (w := rf_window(m.insp, r)) is not None), None)
    if found is None:
        return []
    target, (src, axes) = found
    a, j, k, s = axes[0]
    given = [Paragraph(t(lang, "ex_rf_given", src=src, r=a, j=j, layer=target.name,
                         kernel=f"{target.kernel[0]}×{target.kernel[1]}" if target.kernel else "",
                         stride=size(target.stride or (1, 1)))),
             Paragraph(t(lang, "ex_rf_ask"))]
    answer: list[Any] = [Formula(f"{a} + ({k} − 1)·{j} = {a + (k - 1) * j}", label=t(lang, "layer_rf")),
                         Formula(f"{j}·{s} = {j * s}", label=t(lang, "layer_jump"))]
    if k == 1:
        answer.append(Note(t(lang, "ex_rf_one")))
    notes = (t(lang, "sketch_notes", src=src, model=m.name, input=hw(m.insp.input_shape), layer=target.name),)
    return _exercise(3, t(lang, "ex_rf_what", layer=target.name), given, answer, notes, lang)


def exercises_layer(data: DeckData, lang: str) -> list[Slide]:
    """The exercises on one layer (after the layer worked by hand)."""
    m = data.main
    worked = worked_layer(m.insp)
    return exercise_conv(m, worked, lang) + exercise_rf(m, worked, lang)


# ============================================================================ part 7: cost


def part7(data: DeckData, lang: str) -> list[Slide]:
    m = data.main
    core = data.core[:5]
    body = [s for s in m.insp.stages if s.name not in ("stem", "head")] or list(m.insp.stages)
    heavy = max(body, key=lambda s: s.params)
    busy = max(body, key=lambda s: s.macs)
    tot = m.insp.totals
    stages = Slide(t(lang, "stages_title"), (
        plot_figure("stages", t(lang, "stages_title"), "stages", [c.insp for c in core], lang),
        BulletList((t(lang, "stages_1", model=m.name, stage=stage_label(m.depth, heavy.name),
                      pct=pct(heavy.params, tot.params), params=si(heavy.params)),
                    t(lang, "stages_2", stage=stage_label(m.depth, busy.name), pct=pct(busy.macs, tot.macs),
                      macs=si(busy.macs)),
                    *same_cost_line(m, lang))),
    ), (t(lang, "stages_notes"),), id="p7-stages")
    slides = [stages]
    ms = [x for x in data.models if x.insp.input_shape == m.insp.input_shape]
    if len(ms) >= 2:
        cheap, dear = min(ms, key=lambda x: x.insp.totals.macs), max(ms, key=lambda x: x.insp.totals.macs)
        small, big = min(ms, key=lambda x: x.insp.totals.params), max(ms, key=lambda x: x.insp.totals.params)
        slides.append(Slide(t(lang, "family_title"), (
            plot_figure("family", t(lang, "family_title"), "family", [x.insp for x in ms], lang),
            BulletList((t(lang, "family_1"),
                        t(lang, "family_2", a=cheap.name, ma=si(cheap.insp.totals.macs), b=dear.name,
                          mb=si(dear.insp.totals.macs), ratio=times(dear.insp.totals.macs, cheap.insp.totals.macs)),
                        t(lang, "family_3", a=small.name, pa=si(small.insp.totals.params), b=big.name,
                          pb=si(big.insp.totals.params)))),
        ), (t(lang, "family_notes"),), id="p7-family"))
    resnets = [x for x in data.core if not x.spec.is_vgg]
    if resnets:
        slides.append(vgg_slide(data, max(resnets, key=lambda x: x.depth.depth), lang))
    return slides


def same_cost_line(m: Model, lang: str) -> list[str]:
    """When the last 3×3 conv of every stage costs the same MACs (channels double as the map halves), say so,
    with the numbers; otherwise nothing."""
    convs = []
    for st in m.stages:
        last = [c for c in st.blocks[-1].convs if c.kernel == (3, 3)] if st.blocks else []
        if last:
            convs.append(last[-1])
    macs = [m.insp.row(c.name).macs for c in convs]
    if len(convs) < 2 or len(set(macs)) != 1 or macs[0] is None:
        return []
    ratios = {b.weights // a.weights for a, b in pairwise(convs) if b.weights % a.weights == 0}
    if len(ratios) != 1 or any(b.weights % a.weights for a, b in pairwise(convs)):
        return []
    return [t(lang, "stages_3", macs=si(macs[0]), ratio=ratios.pop(), n=len(convs))]


def vgg_slide(data: DeckData, deep: Model, lang: str) -> Slide:
    vgg = data.vgg
    a, b = deep.insp.totals, vgg.insp.totals
    columns = (Column("what", ""), Column(deep.name, display_name(deep.spec), "int"), Column("vgg19", "VGG-19", "int"))
    rows = tuple(TableRow((text_cell(t(lang, key)), num_cell(x, num(x)), num_cell(y, num(y))))
                 for key, x, y in (("vgg_depth", deep.depth.depth, vgg.depth.depth),
                                   ("vgg_params", a.params, b.params), ("vgg_macs", a.macs, b.macs)))
    fcs = [r for r in vgg.insp.rows if r.is_leaf and r.kind == "linear"]
    fc = sum(r.params for r in fcs)
    better = deep.depth.depth > vgg.depth.depth and a.macs < b.macs
    return Slide(t(lang, "vgg_title" if better else "vgg_title_plain", model=display_name(deep.spec)), (
        Table(columns, rows, id="vgg", role="comparison"),
        BulletList((t(lang, "vgg_1", ratio_d=times(deep.depth.depth, vgg.depth.depth), ratio_m=times(a.macs, b.macs),
                      ratio_p=times(a.params, b.params)),
                    t(lang, "vgg_2", n=len(fcs), pct=pct(fc, b.params)))),
    ), (t(lang, "vgg_notes", input=input_text(data, lang, [deep, vgg])),), id="p7-vgg")


# ============================================================================ part 8: receptive fields


def outgrowth_lines(m: Model, lang: str) -> list[str]:
    """Where the receptive field outgrows the input and how many units then see all of it (true of every
    unit only where the facts say so)."""
    o = m.outgrowth
    h, w = o.input_hw
    shape = f"{h}×{w}"
    if o.first_larger is None and o.first_all is None:
        return [t(lang, "rf_2_inside", size=shape)]
    lines = []
    f = o.first_larger
    if f is not None:
        lines.append(t(lang, "rf_2", layer=f.layer, size=shape, n=num(f.seeing_all), units=num(f.units)))
    if o.first_all is not None and o.first_all is not f:
        lines.append(t(lang, "rf_all", layer=o.first_all.layer))
    elif o.first_all is None and o.last is not None and (f is None or o.last.layer != f.layer):
        lines.append(t(lang, "rf_last", layer=o.last.layer, n=num(o.last.seeing_all), units=num(o.last.units)))
    return lines


def part8(data: DeckData, lang: str) -> list[Slide]:
    m = data.main
    tot = m.insp.totals
    feature = tot.feature_layer.split(".")[0] if tot.feature_layer else ""
    first = [t(lang, "rf_1", layer=stage_label(m.depth, feature), rf=size(tot.rf), jump=size(tot.jump))] if tot.rf \
        else []
    union = [t(lang, "rf_3")] if any(b.shortcut != "none" for b in m.blocks.values()) else []
    slides = [Slide(t(lang, "rf_title", model=display_name(m.spec)), (
        plot_figure("rf", t(lang, "rf_title", model=display_name(m.spec)), "rf", [m.insp], lang),
        BulletList((*first, *outgrowth_lines(m, lang), *union)),
    ), (t(lang, "rf_notes", model=m.name, input=hw(m.insp.input_shape)),), id="p8-rf")]
    v1, v15 = data.stride
    columns = (Column("stage", t(lang, "rfs_stage")), Column("v1", t(lang, "rfs_v1"), "int"),
               Column("v15", t(lang, "rfs_v15"), "int"),
               Column("jump", t(lang, "jump"), "int"))
    acc = account(v1)
    rows = tuple(TableRow((text_cell(stage_label(acc, a.name)), num_cell(a.rf[0] if a.rf else "", size(a.rf)),
                           num_cell(b.rf[0] if b.rf else "", size(b.rf)), num_cell(b.jump[0] if b.jump else "",
                                                                                   size(b.jump))))
                 for a, b in zip(v1.stages, v15.stages, strict=True) if a.name != "head")
    ra, rb = v1.totals.rf, v15.totals.rf
    key = "rfs_1" if ra and rb and ra[0] > rb[0] else "rfs_1_plain"
    slides.append(Slide(t(lang, "rfs_title"), (
        Table(columns, rows, id="rf-stride", role="comparison"),
        Paragraph(t(lang, key, rf_a=size(ra), rf_b=size(rb))),
    ), (t(lang, "rfs_notes", model=data.stride_base, input=hw(v1.input_shape)),), id="p8-rf-stride"))
    return slides


# ============================================================================ part 9: variants


def _resnet50(data: DeckData) -> Model | None:
    return next((m for m in data.models if m.name == "resnet50"), None)


def group_width_lines(m: Model, lang: str) -> list[str]:
    """The cardinality and each stage's group width, and which stage a name like ``32x4d`` describes."""
    grouped = [s for s in m.stages if s.group_widths]
    cards = {c for s in grouped for c in s.cardinalities}
    widths = ", ".join(f"{s.paper_name or s.name} {'/'.join(map(str, s.group_widths))}" for s in grouped)
    card = next(iter(cards)) if len(cards) == 1 else "/".join(map(str, sorted(cards)))
    lines = [t(lang, "resnext_1", model=m.name, groups=card, widths=widths)]
    match = re.search(r"_(\d+)x(\d+)d$", m.name)
    if match and grouped and grouped[0].group_widths == (int(match.group(2)),) and len(grouped) > 1:
        lines.append(t(lang, "resnext_name", tag=f"{match.group(2)}d", stage=grouped[0].paper_name or grouped[0].name))
    return lines


def resnext_slide(m: Model, data: DeckData, lang: str) -> Slide:
    bullets = group_width_lines(m, lang)
    first = next((b for b in m.blocks.values() if b.grouped is not None), None)
    if first is not None and first.grouped is not None:
        g = first.grouped
        dense = ConvTerm(g.name, g.in_channels, g.out_channels, g.kernel, 1, g.stride, 0)
        bullets.append(t(lang, "resnext_2", layer=g.name, formula=term_text(g), weights=num(g.weights),
                         dense_formula=term_text(dense), dense=num(dense.weights)))
    bullets.append(t(lang, "resnext_3", model=m.name, params=num(m.insp.totals.params), macs=si(m.insp.totals.macs)))
    ref = _resnet50(data)
    if ref is not None:
        bullets.append(t(lang, "resnext_3", model=ref.name, params=num(ref.insp.totals.params),
                         macs=si(ref.insp.totals.macs)))
    return Slide(t(lang, "resnext_title"), (BulletList(tuple(bullets)),),
                 (t(lang, "variants_notes", models=m.name, input=hw(m.insp.input_shape)), t(lang, "resnext_notes")),
                 id=f"p9-{m.name}")


def _inner_width(m: Model) -> int | None:
    """The inner width of the first block of the first stage."""
    first = m.stages[0].first if m.stages else None
    return inner_width(first) if first is not None else None


def wide_slide(m: Model, data: DeckData, lang: str) -> Slide:
    ref = _resnet50(data)
    bullets = []
    w = _inner_width(m)
    if w is not None:
        base = _inner_width(ref) if ref is not None else None
        bullets.append(t(lang, "wide_1", model=m.name, w=w) +
                       (t(lang, "wide_base", base=base, ref=ref.name) if base is not None and ref is not None else ""))
    bullets.append(t(lang, "wide_2", model=m.name, depth=m.depth.depth, params=num(m.insp.totals.params),
                     macs=si(m.insp.totals.macs)))
    if ref is not None:
        bullets.append(t(lang, "wide_2", model=ref.name, depth=ref.depth.depth, params=num(ref.insp.totals.params),
                         macs=si(ref.insp.totals.macs)))
    return Slide(t(lang, "wide_title"), (BulletList(tuple(bullets)),),
                 (t(lang, "variants_notes", models=m.name, input=hw(m.insp.input_shape)),), id=f"p9-{m.name}")


def per_n(m: Model) -> tuple[int, int, int] | None:
    """(c, n, d) when depth = c·n + d with n blocks in every stage (6n + 2 for a CIFAR ResNet)."""
    body = [s for s in m.depth.stages if s.role == "stage" and s.layers]
    blocks = {s.blocks for s in body}
    per = {s.layers_per_block for s in body}
    if len(blocks) != 1 or len(per) != 1 or None in per:
        return None
    n, lpb = blocks.pop(), per.pop()
    assert lpb is not None
    c = lpb * len(body)
    return c, n, m.depth.depth - c * n


def depth_line(m: Model, lang: str) -> str:
    form = per_n(m)
    if form is None:
        return t(lang, "variant_depth", model=m.name, formula=depth_formula(m.depth))
    c, n, d = form
    return t(lang, "variant_depth_n", model=m.name, formula=depth_formula(m.depth), c=c, n=n, d=d,
             depth=m.depth.depth)


def stages_line(m: Model, lang: str) -> str:
    """``3 stages of 16, 32, 64 channels on 32×32, 16×16, 8×8 maps; stem 3×3 conv, no max pool``."""
    stem = next((s for s in m.depth.stages if s.role == "stem"), None)
    kernels = "/".join(dict.fromkeys(f"{c.kernel[0]}×{c.kernel[1]}" for c in stem.convs)) if stem else ""
    pooled = bool(m.stages) and m.stages[0].after_max_pool
    return t(lang, "variant_stages", k=len(m.stages), widths=", ".join(str(s.channels) for s in m.stages),
             sizes=", ".join(hw(s.out_hw) for s in m.stages), stem=kernels,
             pool=t(lang, "with_max_pool" if pooled else "no_max_pool"))


def cifar_slide(ms: Sequence[Model], lang: str) -> Slide:
    bullets: list[str] = []
    for m in ms:
        tot = m.insp.totals
        if m.spec.family == "resnet-cifar":
            bullets += [t(lang, "cifar_adapt", model=m.name),
                        t(lang, "cifar_3b", params=num(tot.params), macs=si(tot.macs), input=hw(m.insp.input_shape))]
            continue
        bullets += [depth_line(m, lang), stages_line(m, lang)]
        kinds = {k.shortcut for k in m.kinds}
        if "option_a" in kinds and "projection" not in kinds:
            bullets.append(t(lang, "cifar_3", params=num(tot.params)))
        else:
            bullets.append(t(lang, "cifar_3b", params=num(tot.params), macs=si(tot.macs), input=hw(m.insp.input_shape)))
        bullets += published_params(m, lang)
    form = per_n(ms[0])
    title = t(lang, "cifar_title_n", c=form[0], d=form[2]) if form else t(lang, "cifar_title")
    return Slide(title, (BulletList(tuple(bullets)),),
                 (t(lang, "variants_notes", models=model_list(ms, lang), input=input_text_of(ms, lang)),),
                 id="p9-cifar")


def input_text_of(ms: Sequence[Model], lang: str = "en") -> str:
    return t(lang, "list_sep").join(dict.fromkeys(hw(m.insp.input_shape) for m in ms))


def preactivated(m: Model) -> bool:
    """Every block with a shortcut starts its branch with a batch norm and ends it at the add."""
    blocks = [b for b in m.blocks.values() if b.shortcut != "none"]
    return bool(blocks) and all(b.main and b.main[0].kind == "norm" and b.main[-1].kind == "add" for b in blocks)


def preact_slide(ms: Sequence[Model], lang: str) -> Slide:
    bullets = [t(lang, "preact_1")] if all(preactivated(m) for m in ms) else []
    for m in ms:
        bullets.append(depth_line(m, lang))
        bullets.append(t(lang, "preact_3", model=m.name, params=num(m.insp.totals.params),
                         macs=si(m.insp.totals.macs), input=hw(m.insp.input_shape)))
        bullets += published_params(m, lang)
    return Slide(t(lang, "preact_title"), (BulletList(tuple(bullets)),),
                 (t(lang, "variants_notes", models=model_list(ms, lang), input=input_text_of(ms, lang)),),
                 id="p9-preact")


# ---------------------------------------------------------------------------- part 9: the variants' figures


def inner_width(b: Block) -> int | None:
    """A bottleneck's inner width: the output channels of its second conv."""
    return b.convs[1].out_channels if len(b.convs) > 1 else None


def resnext_figure(m: Model, lang: str) -> Slide | None:
    """One block of a ResNeXt as C paths of width d, summed (Xie et al. 2017, Fig. 1 right), above the same
    block as built, with its grouped 3×3; the two hold the same weights."""
    b = next((x for x in m.blocks.values() if x.shortcut == "identity" and x.grouped is not None), None)
    paths = aggregated_paths(b) if b is not None else None
    if b is None or b.grouped is None or paths is None:
        return None
    g = b.grouped
    label = block_label(m, b.path)
    panel = Panel(b, t(lang, "resnext_built_panel", block=label, g=g.groups), _panel(b, "", lang).caption)
    per_path = " + ".join(num(c.weights) for c in paths.convs)
    top = t(lang, "resnext_paths_panel", c=paths.cardinality, d=g.per_group)
    caption = t(lang, "resnext_paths_caption", c=paths.cardinality, per_path=per_path, weights=num(paths.weights))
    source = paths_dot("resnext_paths", b, paths.cardinality, paths.convs, top, caption, diagram_words(lang), panel)
    title = t(lang, "resnext_fig_title", model=display_name(m.spec), c=paths.cardinality, d=g.per_group)
    bullets = (t(lang, "resnext_fig_1", formula=weights_formula(b.convs), weights=num(b.conv_weights)),)
    return Slide(title, (dot_figure(f"{m.name}-paths", title, source), BulletList(bullets)),
                 (t(lang, "resnext_fig_notes", block=b.path, input=hw(m.insp.input_shape), layer=g.name),),
                 id=f"p9-{m.name}-figure")


def _grouped_row(s: StageFacts) -> TableRow | None:
    terms = list(dict.fromkeys(g for b in s.blocks if (g := b.grouped) is not None))
    if not terms:
        return None
    g = terms[0]
    dense = ConvTerm(g.name, g.in_channels, g.out_channels, g.kernel, 1, g.stride, 0)
    stage = (s.paper_name or s.name) + ("" if len({(x.in_channels, x.out_channels, x.groups) for x in terms}) == 1
                                        else f" ({g.name})")
    return TableRow((text_cell(stage), num_cell(g.in_channels, str(g.in_channels)),
                     text_cell(f"{g.groups} × {g.per_group}"),
                     num_cell(g.weights, f"{term_text(g)}\n= {num(g.weights)}"),  # PowerPoint cells do not wrap
                     num_cell(dense.weights, num(dense.weights))))


def resnext_table(m: Model, lang: str) -> Slide | None:
    """Stage by stage, the grouped 3×3 of the blocks: channels, groups × width per group, its weights
    C_in/groups·k·k·C_out beside the dense conv's C_in·k·k·C_out."""
    rows = [r for s in m.stages if (r := _grouped_row(s)) is not None]
    if not rows:
        return None
    columns = (Column("stage", t(lang, "rfs_stage")), Column("channels", t(lang, "resnext_channels"), "int"),
               Column("groups", t(lang, "resnext_groups")), Column("grouped", t(lang, "resnext_grouped"), "int"),
               Column("dense", t(lang, "resnext_dense"), "int"))
    ratios = {times(cast(int, r.cells[4].value), cast(int, r.cells[3].value)) for r in rows}
    line = (t(lang, "resnext_table_1", ratio=next(iter(ratios))) if len(ratios) == 1
            else t(lang, "resnext_table_1_stages"))
    title = t(lang, "resnext_table_title", model=display_name(m.spec))
    return Slide(title, (Table(columns, tuple(rows), id=f"{m.name}-groups", role="comparison"), Paragraph(line)),
                 (t(lang, "resnext_table_notes", model=m.name),), id=f"p9-{m.name}-groups")


def wide_figure(m: Model, data: DeckData, lang: str) -> Slide | None:
    """The wide block beside the same block of the network with the standard width, each with its conv
    weights, parameters and MACs."""
    base = data.baseline(m)
    wide = first_identity(m.blocks)
    std = blocks_of(base).get(wide.path) if base is not None and wide is not None else None
    if wide is None or std is None or inner_width(wide) is None or inner_width(std) is None:
        return None
    ws, ww = inner_width(std), inner_width(wide)
    panels = [_panel(std, t(lang, "wide_std_panel", w=ws, block=block_label(m, std.path)), lang),
              _panel(wide, t(lang, "wide_panel", model=display_name(m.spec), w=ww, block=block_label(m, wide.path)),
                     lang)]
    title = t(lang, "wide_fig_title", ws=ws, ww=ww)
    ones = [(a.weights, b.weights) for a, b in zip(std.convs, wide.convs, strict=False) if a.kernel == (1, 1)]
    bigger = [(a.weights, b.weights) for a, b in zip(std.convs, wide.convs, strict=False) if a.kernel != (1, 1)]
    bullets = [t(lang, "wide_fig_1", a=num(std.conv_weights), b=num(wide.conv_weights),
                 r=times(wide.conv_weights, std.conv_weights), ma=si(std.macs), mb=si(wide.macs))]
    if ones and bigger and len(ones) + len(bigger) == len(std.convs) == len(wide.convs):
        o = (sum(a for a, _ in ones), sum(b for _, b in ones))
        k = (sum(a for a, _ in bigger), sum(b for _, b in bigger))
        bullets.append(t(lang, "wide_fig_2", r1=times(o[1], o[0]), r3=times(k[1], k[0]), w=times(ww or 0, ws or 0)))
    source = blocks_dot("wide_pair", panels, diagram_words(lang))
    return Slide(title, (dot_figure(f"{m.name}-pair", title, source), BulletList(tuple(bullets))),
                 (t(lang, "wide_fig_notes", model=m.name, ws=ws, block=wide.path, input=hw(m.insp.input_shape)),),
                 id=f"p9-{m.name}-figure")


def op_text(r: Row, lang: str) -> str:
    """A main-path op in a few letters: ``1×1 conv``, ``BN``, ``ReLU``, ``+``."""
    if r.kind == "conv":
        return t(lang, "op_conv", k=f"{r.kernel[0]}×{r.kernel[1]}" if r.kernel else "")
    if r.kind == "add":
        return "+"
    return "BN" if r.kind == "norm" else "ReLU" if r.type.lower() == "relu" else r.type


def order_text(b: Block, lang: str) -> str:
    return " → ".join(op_text(r, lang) for r in b.main)


def preact_figure(m: Model, data: DeckData, lang: str) -> Slide | None:
    """The original unit beside the pre-activation unit: the same block of the same network, built with
    each (He et al. 2016, Fig. 4 a and e), with the order of its ops written out."""
    base = data.baseline(m)
    pre = first_identity(m.blocks)
    orig = blocks_of(base).get(pre.path) if base is not None and pre is not None else None
    if pre is None or orig is None or not preactivated(m):
        return None
    label = block_label(m, pre.path)
    panels = [_panel(orig, t(lang, "preact_orig_panel", block=label), lang),
              _panel(pre, t(lang, "preact_panel", block=label), lang)]
    bullets = (t(lang, "preact_fig_orig", order=order_text(orig, lang)),
               t(lang, "preact_fig_pre", order=order_text(pre, lang)))
    source = blocks_dot("preact_pair", panels, diagram_words(lang))
    title = t(lang, "preact_fig_title")
    return Slide(title, (dot_figure(f"{m.name}-pair", title, source), BulletList(bullets)),
                 (t(lang, "preact_fig_notes", model=m.name, block=pre.path, input=hw(m.insp.input_shape),
                    weights=" / ".join(dict.fromkeys(num(x.conv_weights) for x in (orig, pre)))),),
                 id="p9-preact-figure")


def _part_shape(rows: Sequence[Row]) -> str:
    return chw(rows[-1].output_shape) if rows else ""


def cifar_layout(m: Model, lang: str) -> Slide | None:
    """The network part by part: the stem, each stage's blocks × layers per block, the fc, and the sum that is
    its depth (6n + 2 for He et al.'s CIFAR nets)."""
    groups = {g.name: g for g in partition(m.insp.rows)}
    facts = {s.name: s for s in m.stages}
    rows: list[TableRow] = []
    for sd in m.depth.stages:
        if not sd.layers:
            continue
        if sd.role == "stage" and sd.layers_per_block is not None:
            made = f"{sd.blocks} × {sd.layers_per_block} = {sd.layers}"
        else:
            made = str(sd.layers)
        st = facts.get(sd.name)
        out = chw((1, st.channels, *st.out_hw)) if st is not None else _part_shape(
            groups[sd.name].leaves if sd.name in groups else ())
        name = sd.paper_name or sd.name
        rows.append(TableRow((text_cell(t(lang, f"cifar_part_{sd.role}", name=name)), text_cell(out),
                              num_cell(sd.layers, made))))
    if len(rows) < 2:
        return None
    total = " + ".join(str(s.layers) for s in m.depth.stages if s.layers)
    rows.append(TableRow((text_cell(t(lang, "cifar_depth")), text_cell(""), num_cell(m.depth.depth, f"{total} = "
                                                                                    f"{m.depth.depth}")),
                         strong=True, tags=frozenset({"total"})))
    columns = (Column("part", t(lang, "cifar_part")), Column("output", t(lang, "arch_output")),
               Column("layers", t(lang, "cifar_layers"), "int"))
    form = per_n(m)
    blocks: list[Any] = [Table(columns, tuple(rows), id=f"{m.name}-layout", role="comparison")]
    if form is not None:
        c, n, d = form
        blocks.append(Paragraph(t(lang, "cifar_layout_n", c=c, n=n, d=d, depth=m.depth.depth)))
    return Slide(t(lang, "cifar_layout_title", model=display_name(m.spec)), tuple(blocks),
                 (t(lang, "cifar_layout_notes", model=m.name, input=hw(m.insp.input_shape)),), id="p9-cifar-layout")


def part9(data: DeckData, lang: str) -> list[Slide]:
    by_family: dict[str, list[Model]] = {}
    for m in data.models:
        if m.variant:
            by_family.setdefault(m.spec.family, []).append(m)
    slides: list[Slide] = []
    for m in by_family.get("resnext", [])[:1]:
        slides += [resnext_slide(m, data, lang), *filter(None, (resnext_figure(m, lang), resnext_table(m, lang)))]
    for m in by_family.get("wide-resnet", [])[:1]:
        slides += [wide_slide(m, data, lang), *filter(None, (wide_figure(m, data, lang),))]
    cifar = by_family.get("cifar-resnet", [])[:2] + by_family.get("resnet-cifar", [])[:1]
    if cifar:
        slides += [cifar_slide(cifar, lang), *filter(None, (cifar_layout(cifar[0], lang),))]
    if by_family.get("preact-resnet"):
        pre = by_family["preact-resnet"][:2]
        slides += [preact_slide(pre, lang), *filter(None, (preact_figure(pre[0], data, lang),))]
    if not slides:
        slides.append(Slide(t(lang, "variants_title"), (Paragraph(t(lang, "variants_concepts")),
                                                        Note(t(lang, "variants_none"))),
                            (t(lang, "variants_none"),), id="p9-variants"))
    return slides


# ============================================================================ part 10: summary, sources


def part10(data: DeckData, lang: str) -> list[Slide]:
    m = data.main
    a, b = data.fig5
    tot = m.insp.totals
    summary = Slide(t(lang, "summary_title"), (BulletList((
        t(lang, "summary_1"),
        t(lang, "summary_2", cb=channels(b), ca=channels(a), wa=num(a.conv_weights), wb=num(b.conv_weights)),
        t(lang, "summary_3", formula=f"{m.name}: {depth_formula(m.depth)}"),
        t(lang, "summary_4", model=m.name, params=num(tot.params), macs=si(tot.macs), rf=size(tot.rf),
          jump=size(tot.jump)),
        t(lang, "summary_5"))),), (t(lang, "summary_notes"),), id="p10-summary")
    used = {"he2015", "simonyan2014", "torchvision"}
    families = {m.spec.family for m in data.models}
    used |= {"he2016"} if "preact-resnet" in families else set()
    used |= {"xie2017"} if "resnext" in families else set()
    used |= {"zagoruyko2016"} if "wide-resnet" in families else set()
    cited = tuple(s for s in SOURCES if s.key in used)
    sources = Slide(t(lang, "sources_title"), (
        BulletList(tuple(source_text(lang, s.key, s.text) for s in cited)),
        Note(t(lang, "sources_tool", version=data.version)),
    ), (t(lang, "sources_notes"),), id="p10-sources")
    return [summary, sources]


# ============================================================================ the deck


PARTS = (part1, part2, part3, part4, part5, exercise_depth, part6, exercises_layer, part7, part8, part9, part10)


def deck(data: DeckData, lang: str = "en") -> Document:
    """The whole deck for ``data`` in ``lang`` (``en`` or ``zh``): a cover, then the ten parts in order."""
    if lang not in LANGS:
        raise InspectError(f"unknown language {lang!r}; use one of: {', '.join(LANGS)} (e.g. --lang zh)")
    slides: list[Slide] = [cover(data, lang)]
    for part in PARTS:
        slides += part(data, lang)
    slides = annotate(slides, lang)  # what to say, the usual mistake and the time, before the numbers' source
    return Document(title=t(lang, "deck_title"), blocks=tuple(slides), subtitle=model_list(data.models, lang),
                    sources=SOURCES, meta=(("models", model_list(data.models, lang)), ("input", input_text(data, lang)),
                                           ("version", data.version)), lang=lang)

