"""The teaching deck: analysis results → a :class:`~resnet_inspect.document.Document` of slides.

:func:`gather` runs the analyses a deck needs (the chosen networks, VGG-19, the blocks of He et al. 2015
Fig. 5, a bottleneck network with its stride on the 1×1 and on the 3×3); :func:`deck` turns them into
slides in teaching order, in English or Chinese.  Every number on a slide is a field of those results or
arithmetic on them, and the speaker notes say which.  The ten parts:

1. degradation and the residual unit; 2. basic block vs bottleneck (Fig. 5, then the same width);
3. shortcuts and the stride placement; 4. the architecture table; 5. depth accounting;
6. one layer by hand; 7. cost per stage, the family, ResNet vs VGG-19; 8. receptive fields;
9. variants; 10. summary and sources.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from ..analysis.depth import DepthAccount, StageDepth, account
from ..analysis.groups import Group, is_weighted, partition
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
from ..errors import InspectError
from ..specs import Spec
from .slides_figures import Panel, block_leaves, blocks_dot, residual_unit_dot
from .slides_render import chw, num, plot_bytes, render_dot, si, size
from .slides_text import LANGS, t, words

DEFAULT_MODELS = ("resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "resnext50_32x4d",
                  "wide_resnet50_2", "cifar-resnet56", "preact-resnet1001")
VARIANT_FAMILIES = ("resnext", "wide-resnet", "cifar-resnet", "resnet-cifar", "preact-resnet")
FIG5_BASIC = "basic:2,widths=64,stem_width=64"  # a one-stage net: layer1.1 is a basic block on 64×56×56
FIG5_BOTTLENECK = "bottleneck:2,widths=64,stem_width=256"  # layer1.1: a bottleneck on 256×56×56
WIDE_BASIC = "basic:2,widths=256,stem_width=256"  # layer1.1: a basic block on 256×56×56
FIG5_BLOCK = "layer1.1"
MAX_TABLE_MODELS = 3
MAX_FORMULAS = 6

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


# ============================================================================ the analyses a deck needs


@dataclass(frozen=True)
class Model:
    """One chosen network: its spec, its inspection and its depth account."""

    spec: Spec
    insp: Inspection
    depth: DepthAccount

    @property
    def name(self) -> str:
        return self.insp.model

    @property
    def variant(self) -> bool:
        """ResNeXt, wide, CIFAR and pre-activation nets go to the variants part."""
        return self.spec.family in VARIANT_FAMILIES


@dataclass(frozen=True)
class DeckData:
    """Everything a deck shows, computed once: the views only read it."""

    models: tuple[Model, ...]
    vgg: Model
    fig5: tuple[Inspection, Inspection]  # basic block on 64 channels, bottleneck on 256 (He et al. Fig. 5)
    same_width: tuple[Inspection, Inspection]  # basic block and bottleneck, both on 256 channels
    stride: tuple[Inspection, Inspection]  # one bottleneck net with its stride on the 1×1 (v1) and on the 3×3
    input_size: str
    version: str

    @property
    def core(self) -> list[Model]:
        """The chosen networks that are not variants (ResNet-18 … 152, the -v1 layouts, custom specs)."""
        return [m for m in self.models if not m.variant] or list(self.models)

    @property
    def main(self) -> Model:
        """The network the per-layer slides use: ResNet-50 when chosen, else the first bottleneck, else the first."""
        core = self.core
        return next((m for m in core if m.name == "resnet50"),
                    next((m for m in core if m.spec.block == "bottleneck"), core[0]))


def _inspect(spec: Spec, input_size: Any) -> Model:
    from ..analysis.compare import inspect_named

    insp = inspect_named(spec, input_size)
    return Model(spec, insp, account(insp))


def gather(models: Sequence[str] = DEFAULT_MODELS, input_size: str | None = None) -> DeckData:
    """Inspect everything the deck shows; unknown names fail here, before anything is drawn."""
    from .. import __version__
    from ..analysis import inspect
    from ..registry import get_spec

    if not models:
        raise InspectError("--models is empty; name at least one network, e.g. --models resnet50")
    specs = list({s.name: s for s in (get_spec(m) for m in models)}.values())
    chosen = tuple(_inspect(s, input_size) for s in specs)
    stride_spec = next((m.spec for m in chosen if not m.variant and m.spec.block == "bottleneck"),
                       get_spec("resnet50"))
    base = stride_spec.name.removesuffix("-v1")
    v1 = inspect(stride_spec.replace(stride_on="1x1", name=base), input_size)
    v15 = inspect(stride_spec.replace(stride_on="3x3", name=base), input_size)
    return DeckData(
        models=chosen, vgg=_inspect(get_spec("vgg19"), input_size),
        fig5=(inspect(FIG5_BASIC), inspect(FIG5_BOTTLENECK)),
        same_width=(inspect(WIDE_BASIC), inspect(FIG5_BOTTLENECK)),
        stride=(v1, v15), input_size=input_size or "", version=__version__,
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
    """``56×56`` from an N×C×H×W shape."""
    return "×".join(str(d) for d in shape[2:])


def input_text(data: DeckData, lang: str, models: Sequence[Model] | None = None) -> str:
    """``224×224`` when every network shown runs at one size, else the defaults named."""
    shown = models if models is not None else data.models
    sizes = list(dict.fromkeys(hw(m.insp.input_shape) for m in shown))
    if len(sizes) == 1:
        return sizes[0]
    return t(lang, "input_default", sizes=", ".join(sizes))


def conv_term(r: Row) -> str:
    """``64·3·3·64`` (C_in/groups · k_h · k_w · C_out) or ``256·64`` for a 1×1."""
    k = r.kernel or (1, 1)
    cin = r.input_shape[1] // (r.groups or 1)
    if k == (1, 1):
        return f"{cin}·{r.output_shape[1]}"
    return f"{cin}·{k[0]}·{k[1]}·{r.output_shape[1]}"


def weights_formula(convs: Sequence[Row]) -> str:
    """``2·64·3·3·64`` when the convs are alike, else ``256·64 + 64·3·3·64 + 64·256``."""
    terms = [conv_term(r) for r in convs]
    if len(terms) > 1 and len(set(terms)) == 1:
        return f"{len(terms)}·{terms[0]}"
    return " + ".join(terms)


def conv_weights(r: Row) -> int:
    """The weights of a conv (its parameters without a bias)."""
    k = r.kernel or (1, 1)
    return r.input_shape[1] // (r.groups or 1) * k[0] * k[1] * r.output_shape[1]


def main_convs(insp: Inspection, path: str) -> list[Row]:
    """The convs on the residual branch of the block at ``path``."""
    return [r for r in block_leaves(insp, path) if r.kind == "conv" and not r.on_shortcut]


def depth_formula(acc: DepthAccount) -> str:
    """``1 + 3·(3+4+6+3) + 1 = 50`` from the per-stage counts of the account."""
    stages = [s for s in acc.stages if s.role == "stage" and s.layers]
    terms = [str(s.layers) for s in acc.stages if s.role == "stem" and s.layers]
    per = {s.layers_per_block for s in stages}
    if stages and len(per) == 1 and None not in per and all(s.blocks for s in stages):
        inner = "+".join(str(s.blocks) for s in stages)
        terms.append(f"{stages[0].layers_per_block}·({inner})" if len(stages) > 1 else f"{per.pop()}·{inner}")
    else:
        terms += [f"{s.layers_per_block}·{s.blocks}" if s.layers_per_block and s.blocks else str(s.layers)
                  for s in stages]
    terms += [str(s.layers) for s in acc.stages if s.role == "head" and s.layers]
    return " + ".join(terms or ["0"]) + f" = {sum(s.layers for s in acc.stages)}"


def other_count(acc: DepthAccount) -> tuple[int, str]:
    """The tutorials' count: the stem conv, the max pool, blocks × layers, no fc (``1 + 1 + 3·3 + … = 50``)."""
    terms: list[str] = []
    total = 0
    for s in acc.stages:
        if s.role == "stem":
            terms += [str(n) for n in (s.layers, s.max_pools) if n]
            total += s.layers + s.max_pools
        elif s.role == "stage" and s.layers:
            terms.append(f"{s.blocks}·{s.layers_per_block}" if s.blocks and s.layers_per_block else str(s.layers))
            total += s.layers + s.max_pools
    return total, " + ".join(terms or ["0"]) + f" = {total}"


def stage_label(acc: DepthAccount, name: str) -> str:
    """``conv4_x`` (the paper's name) or the module name when the paper has none."""
    for s in acc.stages:
        if s.name == name:
            return s.paper_name or s.name
    return name


def model_list(models: Sequence[Model]) -> str:
    return ", ".join(m.name for m in models)


def figure(fid: str, caption: str, draw: Callable[[str], bytes], kind: str = "diagram") -> Figure:
    return Figure(id=fid, caption=caption, alt=caption, draw=draw, kind="plot" if kind == "plot" else "diagram")


def dot_figure(fid: str, caption: str, source: str) -> Figure:
    return figure(fid, caption, lambda fmt: render_dot(source, fmt))


def plot_figure(fid: str, caption: str, kind: str, insps: Sequence[Inspection], lang: str) -> Figure:
    shown = tuple(insps)
    return figure(fid, caption, lambda fmt: plot_bytes(kind, shown, fmt, lang), "plot")


def text_cell(text: str) -> Cell:
    return Cell(text, "text")


def num_cell(value: int | str, text: str) -> Cell:
    return Cell(value, "int" if isinstance(value, int) else "text", text=text)


# ============================================================================ part 1: the idea


def cover(data: DeckData, lang: str) -> Slide:
    return Slide(t(lang, "deck_title"), (
        Paragraph(t(lang, "cover_models", models=model_list(data.models))),
        Paragraph(t(lang, "cover_input", input=input_text(data, lang))),
        Note(t(lang, "cover_tool", version=data.version)),
    ), (t(lang, "cover_notes"),), id="cover")


def part1(data: DeckData, lang: str) -> list[Slide]:
    unit = dot_figure("residual-unit", t(lang, "unit_caption"), residual_unit_dot(words(lang), lang))
    return [
        Slide(t(lang, "deg_title"), (BulletList((t(lang, "deg_1"), t(lang, "deg_2"), t(lang, "deg_3"))),),
              (t(lang, "deg_notes"),), id="p1-degradation"),
        Slide(t(lang, "unit_title"), (unit, BulletList((t(lang, "unit_1"), t(lang, "unit_2"), t(lang, "unit_3")))),
              (t(lang, "unit_notes"),), id="p1-residual-unit"),
    ]


# ============================================================================ part 2: basic vs bottleneck


@dataclass(frozen=True)
class BlockCost:
    """A block's conv weights (with the formula), parameters and MACs, from its inspected rows."""

    insp: Inspection
    formula: str
    weights: int
    params: int
    macs: int
    channels: int
    size: str


def block_cost(insp: Inspection, path: str = FIG5_BLOCK) -> BlockCost:
    convs = main_convs(insp, path)
    row = insp.row(path)
    return BlockCost(insp, weights_formula(convs), sum(conv_weights(r) for r in convs), row.params,
                     row.macs or 0, row.input_shape[1], hw(row.input_shape))


def _panel(cost: BlockCost, title: str, lang: str) -> Panel:
    caption = t(lang, "panel_caption", weights=num(cost.weights), params=num(cost.params), macs=si(cost.macs),
                hw=cost.size)
    return Panel(cost.insp, FIG5_BLOCK, title, caption)


def part2(data: DeckData, lang: str) -> list[Slide]:
    a, b = block_cost(data.fig5[0]), block_cost(data.fig5[1])
    panels = [_panel(a, t(lang, "fig5_basic_panel", c=a.channels), lang),
              _panel(b, t(lang, "fig5_bottleneck_panel", c=b.channels), lang)]
    fig5 = Slide(t(lang, "fig5_title"), (
        dot_figure("fig5", t(lang, "fig5_title"), blocks_dot("fig5", panels, words(lang), lang)),
        BulletList((t(lang, "fig5_1", formula=a.formula, weights=num(a.weights)),
                    t(lang, "fig5_2", formula=b.formula, weights=num(b.weights)),
                    t(lang, "fig5_3", macs_a=si(a.macs), macs_b=si(b.macs), ratio=times(b.channels, a.channels)))),
    ), (t(lang, "fig5_notes", ca=a.channels, cb=b.channels, hw=a.size),), id="p2-fig5")
    c, d = block_cost(data.same_width[0]), block_cost(data.same_width[1])
    mid = main_convs(d.insp, FIG5_BLOCK)[0].output_shape[1]
    panels = [_panel(c, t(lang, "fig5_basic_panel", c=c.channels), lang),
              _panel(d, t(lang, "fig5_bottleneck_panel", c=d.channels), lang)]
    same = Slide(t(lang, "same_title", c=c.channels, wa=num(c.weights), wb=num(d.weights)), (
        dot_figure("same-width", t(lang, "same_title", c=c.channels, wa=num(c.weights), wb=num(d.weights)),
                   blocks_dot("same_width", panels, words(lang), lang)),
        BulletList((t(lang, "same_1", c=c.channels, formula=c.formula, weights=num(c.weights)),
                    t(lang, "same_2", mid=mid, weights=num(d.weights), ratio=times(c.weights, d.weights)),
                    t(lang, "same_3"))),
    ), (t(lang, "same_notes", c=c.channels, hw=c.size, wa=num(c.weights), wb=num(d.weights), ma=num(c.macs),
          mb=num(d.macs)),), id="p2-same-width")
    return [fig5, same]


# ============================================================================ part 3: shortcuts, stride


@dataclass(frozen=True)
class BlockKind:
    """Blocks of a network that share a shortcut kind and a stride."""

    shortcut: str  # projection | option_a | identity | none
    stride: int
    paths: tuple[str, ...]


def _shortcut(leaves: Sequence[Row]) -> str:
    side = [r for r in leaves if r.on_shortcut]
    if any(r.params for r in side):
        return "projection"
    if any(r.kind == "shortcut" for r in side):
        return "option_a"
    return "identity" if any(r.kind == "add" for r in leaves) else "none"


def _block_stride(leaves: Sequence[Row]) -> int:
    out = 1
    for r in leaves:
        if not r.on_shortcut and r.stride:
            out *= max(r.stride)
    return out


def block_kinds(insp: Inspection) -> list[BlockKind]:
    """The kinds of block in a network, projections first (stride 1, then 2), then the others."""
    kinds: dict[tuple[str, int], list[str]] = {}
    for g in partition(insp.rows):
        for b in g.blocks:
            kinds.setdefault((_shortcut(b.leaves), _block_stride(b.leaves)), []).append(b.row.name)
    order = ("projection", "option_a", "identity", "none")
    return [BlockKind(k[0], k[1], tuple(v)) for k, v in sorted(kinds.items(), key=lambda kv: (order.index(kv[0][0]),
                                                                                               kv[0][1]))]


def paper_block(m: Model, path: str) -> str:
    """``conv3_1`` for ``layer2.0`` of an ImageNet ResNet, else the path."""
    stage, _, index = path.partition(".")
    label = stage_label(m.depth, stage)
    return f"{label.removesuffix('_x')}_{int(index) + 1}" if label != stage and index.isdigit() else path


def _kind_title(m: Model, kind: BlockKind, lang: str) -> str:
    names = [paper_block(m, p) for p in kind.paths]
    shown = ", ".join(names) if len(names) <= 3 else t(lang, "the_other_blocks", n=len(names))
    return t(lang, f"kind_{kind.shortcut}", blocks=shown, stride=kind.stride)


def part3(data: DeckData, lang: str) -> list[Slide]:
    m = data.main
    kinds = block_kinds(m.insp)
    total = sum(len(k.paths) for k in kinds)
    slides: list[Slide] = []
    if kinds:
        panels = [Panel(m.insp, k.paths[0], _kind_title(m, k, lang), t(lang, "kind_caption", n=len(k.paths),
                                                                          total=total)) for k in kinds]
        side = [r for r in m.insp.rows if r.is_leaf and r.on_shortcut and r.params]
        n_proj = len({r.name.rsplit(".", 2)[0] for r in side})
        w_proj = sum(r.params for r in side)
        bullets = [t(lang, "kinds_1")]
        if n_proj:
            bullets.append(t(lang, "kinds_2", n=n_proj, w=num(w_proj), pct=pct(w_proj, m.insp.totals.params)))
        slides.append(Slide(t(lang, "kinds_title", model=m.name), (
            dot_figure("block-kinds", t(lang, "kinds_title", model=m.name),
                       blocks_dot("block_kinds", panels, words(lang), lang)),
            BulletList(tuple(bullets))), (t(lang, "kinds_notes", model=m.name),), id="p3-shortcuts"))
    slides.append(stride_slide(data, lang))
    return slides


def first_downsampling_block(insp: Inspection) -> str:
    """The first block whose main path has a stride above 1 (``layer2.0``)."""
    for g in partition(insp.rows):
        for b in g.blocks:
            if _block_stride(b.leaves) > 1:
                return b.row.name
    raise InspectError(f"{insp.model} has no downsampling block")


def stride_slide(data: DeckData, lang: str) -> Slide:
    v1, v15 = data.stride
    block = first_downsampling_block(v1)
    base = v1.model
    panels = [Panel(v1, block, t(lang, "stride_panel_v1", model=base),
                    t(lang, "stride_caption", macs=num(v1.totals.macs), rf=size(v1.totals.rf))),
              Panel(v15, block, t(lang, "stride_panel_v15", model=base),
                    t(lang, "stride_caption", macs=num(v15.totals.macs), rf=size(v15.totals.rf)))]
    delta = v15.totals.macs - v1.totals.macs
    bullets = (t(lang, "stride_1", params=num(v15.totals.params), delta=num(delta), macs_a=si(v1.totals.macs),
                 macs_b=si(v15.totals.macs), pct=pct(delta, v1.totals.macs)),
               t(lang, "stride_2"),
               t(lang, "stride_3", rf_a=size(v1.totals.rf), rf_b=size(v15.totals.rf)))
    return Slide(t(lang, "stride_title"), (
        dot_figure("stride", t(lang, "stride_title"), blocks_dot("stride", panels, words(lang), lang)),
        BulletList(bullets)), (t(lang, "stride_notes", model=base, input=hw(v1.input_shape), block=block),),
        id="p3-stride")


# ============================================================================ part 4: the architecture table


def _stage_cell(g: Group) -> str:
    """``[1×1, 64; 3×3, 64; 1×1, 256] × 3`` from the first block's main-path convs and the block count."""
    if not g.blocks:
        convs = [r for r in g.leaves if is_weighted(r)]
        return f"[{convs[0].kernel[0] if convs and convs[0].kernel else 1}×…] × {len(convs)}" if convs else ""
    convs = [r for r in g.blocks[0].leaves if is_weighted(r)]
    parts = []
    for r in convs:
        k = r.kernel or (1, 1)
        groups = f", C={r.groups}" if r.groups and r.groups > 1 else ""
        parts.append(f"{k[0]}×{k[1]}, {r.output_shape[1]}{groups}")
    return "[" + "\n ".join(parts) + f"] × {len(g.blocks)}"


def _stem_cell(g: Group) -> str:
    convs = [r for r in g.leaves if r.kind == "conv"]
    out = []
    for r in convs:
        k = r.kernel or (1, 1)
        s = max(r.stride) if r.stride else 1
        out.append(f"{k[0]}×{k[1]}, {r.output_shape[1]}" + (f", /{s}" if s > 1 else ""))
    return "; ".join(out)


def _pool_cell(r: Row, lang: str) -> str:
    """``3×3 max pool, /2`` from the pool's own kernel and stride."""
    k = r.kernel or (1, 1)
    s = max(r.stride) if r.stride else 1
    return t(lang, "arch_maxpool", k=f"{k[0]}×{k[1]}", s=s)


def arch_rows(m: Model, lang: str) -> dict[str, tuple[str, str]]:
    """Row key → (output size, cell) for one model: conv1, the stages, the head."""
    out: dict[str, tuple[str, str]] = {}
    groups = partition(m.insp.rows)
    stem_pools = [r for g in groups if g.role == "stem" for r in g.leaves if "MaxPool" in r.type]
    first_stage = next((i for i, g in enumerate(groups) if g.role == "stage"), -1)
    for i, g in enumerate(groups):
        if g.role == "stem":
            convs = [r for r in g.leaves if r.kind == "conv"]
            out[stage_label(m.depth, "stem")] = (hw(convs[-1].output_shape) if convs else "", _stem_cell(g))
        elif g.role == "stage":
            cell = _stage_cell(g)
            if i == first_stage and stem_pools:  # Table 1 lists the stem's max pool under conv2_x
                cell = _pool_cell(stem_pools[0], lang) + "\n" + cell
            out[stage_label(m.depth, g.name)] = (hw(g.leaves[-1].output_shape), cell)
        else:
            fcs = [r for r in g.leaves if r.kind == "linear"]
            if fcs:
                out["head"] = ("1×1", t(lang, "arch_head", n=fcs[-1].output_shape[-1]))
    return out


def arch_table(models: Sequence[Model], lang: str) -> Table:
    per = [arch_rows(m, lang) for m in models]
    keys = list(dict.fromkeys(k for rows in per for k in rows))
    columns = (Column("layer", t(lang, "arch_layer")), Column("output", t(lang, "arch_output")),
               *(Column(m.name, m.name) for m in models))
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
                          *(num_cell(m.insp.totals.macs, f"{m.insp.totals.macs / 1e9:.3f}×10⁹") for m in models)),
                         tags=frozenset({"total"})))
    return Table(columns, tuple(rows), id="architecture", role="architecture")


def part4(data: DeckData, lang: str) -> list[Slide]:
    groups: dict[str, list[Model]] = {}
    for m in data.core:
        groups.setdefault(m.spec.block, []).append(m)
    slides = []
    for block, ms in groups.items():
        for i in range(0, len(ms), MAX_TABLE_MODELS):
            chunk = ms[i:i + MAX_TABLE_MODELS]
            v15 = any(m.spec.block == "bottleneck" and m.spec.stride_on == "3x3" for m in chunk)
            note = t(lang, "arch_note", input=input_text(data, lang, chunk), stride=t(lang, "arch_v15") if v15 else "")
            slides.append(Slide(t(lang, "arch_title", models=", ".join(m.name for m in chunk)),
                                (arch_table(chunk, lang), Note(note.strip())),
                                (t(lang, "arch_notes", published=t(lang, "no_published")),),
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
        slides.append(Slide(t(lang, "diff_title", a=a.name, b=b.name, blocks=blocks, per=x.layers_per_block), (
            *lines, Paragraph(t(lang, "diff_sum", a=a.depth.depth, gain=gain, b=b.depth.depth)),
            Formula(f"{a.name}: {depth_formula(a.depth)}"), Formula(f"{b.name}: {depth_formula(b.depth)}"),
        ), (t(lang, "diff_notes"),), id="p5-difference"))
    m = data.main
    seed_total, seed_text = other_count(m.depth)
    counts = m.depth.counts
    title = (t(lang, "seed_title", depth=m.depth.depth) if seed_total == m.depth.depth
             else t(lang, "seed_title_diff", model=m.name))
    slides.append(Slide(title, (
        Formula(seed_text, label=t(lang, "seed_label_other")), Paragraph(t(lang, "seed_1")),
        Formula(depth_formula(m.depth), label=t(lang, "seed_label_paper")), Paragraph(t(lang, "seed_2")),
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


def size_formula(n: int, k: int, s: int, p: int, d: int) -> tuple[str, int]:
    """``⌊(28 + 2·1 − 3)/2⌋ + 1 = 14`` (dilation written out when it is not 1)."""
    span = f"{k}" if d == 1 else f"{d}·({k} − 1) − 1"
    out = (n + 2 * p - (d * (k - 1) + 1)) // s + 1
    inner = f"({n} + 2·{p} − {span})" if d == 1 else f"({n} + 2·{p} − {d}·({k} − 1) − 1)"
    return f"⌊{inner}/{s}⌋ + 1 = {out}", out


def _axes(values: tuple[int, int] | None) -> list[int]:
    v = values or (1, 1)
    return [v[0]] if v[0] == v[1] else [v[0], v[1]]


def followed_by_norm(insp: Inspection, r: Row) -> bool:
    """True when the layer that reads ``r``'s output is a batch norm (whose shift makes a bias redundant)."""
    return any(x.kind == "norm" and r.name in x.inputs for x in insp.rows if x.is_leaf)


def part6(data: DeckData, lang: str) -> list[Slide]:
    m = data.main
    r = worked_layer(m.insp)
    src = m.insp.row(r.inputs[0]) if r.inputs else None
    k, s = r.kernel or (1, 1), r.stride or (1, 1)
    p, d = r.padding or (0, 0), r.dilation or (1, 1)
    ins = r.input_shape[2:]
    square = ins[0] == ins[1] and k[0] == k[1] and s[0] == s[1] and p[0] == p[1]
    axes = [0] if square else [0, 1]
    sizes = [size_formula(ins[a], k[a], s[a], p[a], d[a])[0] for a in axes]
    weights = conv_weights(r)
    bias = r.params - weights
    param_text = f"{r.input_shape[1]}/{r.groups}·" if r.groups and r.groups > 1 else f"{r.input_shape[1]}·"
    param_text += f"{k[0]}·{k[1]}·{r.output_shape[1]}" + (f" + {bias}" if bias else "") + f" = {num(r.params)}"
    what = t(lang, "layer_what", kernel=f"{k[0]}×{k[1]}", stride=size(s), padding=size(p), cin=r.input_shape[1],
             cout=r.output_shape[1], hin=chw(r.input_shape))
    out_hw = r.output_shape[2:]
    macs_text = f"{num(weights)} × {out_hw[0]}·{out_hw[1]} = {num(r.macs)}"
    first = Slide(t(lang, "layer_title", layer=r.name, model=m.name), (
        Paragraph(what),
        Formula(" · ".join(sizes) if len(sizes) > 1 else sizes[0], label=t(lang, "layer_size")),
        Formula(param_text, label=t(lang, "layer_params")),
        *((Note(t(lang, "layer_bias" if followed_by_norm(m.insp, r) else "layer_nobias")),) if not bias else ()),
    ), (t(lang, "layer_notes", layer=r.name, model=m.name, input=hw(m.insp.input_shape),
          src=src.name if src else "—"),), id="p6-layer-size")
    blocks: list[Any] = [Formula(macs_text, label=t(lang, "layer_macs")), Note(t(lang, "layer_macs_note"))]
    if src is not None and src.rf and src.jump and r.rf and r.jump:
        span = d[0] * (k[0] - 1)
        kk = f"({k[0]} − 1)" if d[0] == 1 else f"{d[0]}·({k[0]} − 1)"
        blocks += [Formula(f"{src.rf[0]} + {kk}·{src.jump[0]} = {src.rf[0] + span * src.jump[0]}",
                           label=t(lang, "layer_rf")),
                   Formula(f"{src.jump[0]} · {s[0]} = {src.jump[0] * s[0]}", label=t(lang, "layer_jump")),
                   Note(t(lang, "layer_rf_note"))]
    second = Slide(t(lang, "layer_title2", layer=r.name), tuple(blocks),
                   (t(lang, "layer_notes", layer=r.name, model=m.name, input=hw(m.insp.input_shape),
                      src=src.name if src else "—"),), id="p6-layer-cost")
    return [first, second]


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
    slides.append(vgg_slide(data, lang))
    return slides


def same_cost_line(m: Model, lang: str) -> list[str]:
    """When the last 3×3 conv of every stage costs the same MACs (channels double as the map halves), say so,
    with the numbers; otherwise nothing."""
    convs = []
    for g in partition(m.insp.rows):
        if g.role == "stage" and g.blocks:
            last = [r for r in g.blocks[-1].leaves if is_weighted(r) and r.kernel == (3, 3)]
            if last:
                convs.append(last[-1])
    if len(convs) < 2 or len({r.macs for r in convs}) != 1:
        return []
    ratios = {conv_weights(b) // conv_weights(a) for a, b in pairwise(convs)
              if conv_weights(b) % conv_weights(a) == 0}
    if len(ratios) != 1:
        return []
    return [t(lang, "stages_3", macs=si(convs[0].macs), ratio=ratios.pop(), n=len(convs))]


def vgg_slide(data: DeckData, lang: str) -> Slide:
    deep = max(data.core, key=lambda x: x.depth.depth)
    vgg = data.vgg
    a, b = deep.insp.totals, vgg.insp.totals
    columns = (Column("what", ""), Column(deep.name, deep.name, "int"), Column("vgg19", "VGG-19", "int"))
    rows = tuple(TableRow((text_cell(t(lang, key)), num_cell(x, num(x)), num_cell(y, num(y))))
                 for key, x, y in (("vgg_depth", deep.depth.depth, vgg.depth.depth),
                                   ("vgg_params", a.params, b.params), ("vgg_macs", a.macs, b.macs)))
    fcs = [r for r in vgg.insp.rows if r.is_leaf and r.kind == "linear"]
    fc = sum(r.params for r in fcs)
    better = deep.depth.depth > vgg.depth.depth and a.macs < b.macs
    return Slide(t(lang, "vgg_title" if better else "vgg_title_plain", model=deep.name), (
        Table(columns, rows, id="vgg", role="comparison"),
        BulletList((t(lang, "vgg_1", ratio_d=times(deep.depth.depth, vgg.depth.depth), ratio_m=times(a.macs, b.macs),
                      ratio_p=times(a.params, b.params)),
                    t(lang, "vgg_2", n=len(fcs), pct=pct(fc, b.params)))),
    ), (t(lang, "vgg_notes", input=input_text(data, lang, [deep, vgg])),), id="p7-vgg")


# ============================================================================ part 8: receptive fields


def part8(data: DeckData, lang: str) -> list[Slide]:
    m = data.main
    tot = m.insp.totals
    height = m.insp.input_shape[2]
    layers = [r for r in m.insp.rows if r.is_leaf and not r.on_shortcut and r.kind in ("conv", "pool") and r.rf
              and len(r.output_shape) == 4 and r.output_shape[2:] != (1, 1)]
    beyond = next((r for r in layers if r.rf and r.rf[0] > height), None)
    second = (t(lang, "rf_2", layer=beyond.name, size=height) if beyond is not None
              else t(lang, "rf_2_inside", size=height))
    slides = [Slide(t(lang, "rf_title", model=m.name), (
        plot_figure("rf", t(lang, "rf_title", model=m.name), "rf", [m.insp], lang),
        BulletList((t(lang, "rf_1", layer=stage_label(m.depth, tot.feature_layer.split(".")[0]), rf=size(tot.rf),
                      jump=size(tot.jump)), second,
                    t(lang, "rf_3"))),
    ), (t(lang, "rf_notes", model=m.name, input=hw(m.insp.input_shape)),), id="p8-rf")]
    v1, v15 = data.stride
    columns = (Column("stage", t(lang, "rfs_stage")), Column("v1", "v1 RF", "int"), Column("v15", "v1.5 RF", "int"),
               Column("jump", t(lang, "jump"), "int"))
    acc = account(v1)
    rows = tuple(TableRow((text_cell(stage_label(acc, a.name)), num_cell(a.rf[0] if a.rf else "", size(a.rf)),
                           num_cell(b.rf[0] if b.rf else "", size(b.rf)), num_cell(b.jump[0] if b.jump else "",
                                                                                   size(b.jump))))
                 for a, b in zip(v1.stages, v15.stages, strict=True) if a.name != "head")
    slides.append(Slide(t(lang, "rfs_title"), (
        Table(columns, rows, id="rf-stride", role="comparison"),
        Paragraph(t(lang, "rfs_1", rf_a=size(v1.totals.rf), rf_b=size(v15.totals.rf))),
    ), (t(lang, "rfs_notes", model=v1.model, input=hw(v1.input_shape)),), id="p8-rf-stride"))
    return slides


# ============================================================================ part 9: variants


def _resnet50(data: DeckData) -> Model | None:
    return next((m for m in data.models if m.name == "resnet50"), None)


def resnext_slide(m: Model, data: DeckData, lang: str) -> Slide:
    grouped = next(r for r in m.insp.rows if r.is_leaf and r.kind == "conv" and r.groups and r.groups > 1)
    per = grouped.input_shape[1] // (grouped.groups or 1)
    k = grouped.kernel or (1, 1)
    dense = grouped.input_shape[1] * k[0] * k[1] * grouped.output_shape[1]
    bullets = [t(lang, "resnext_1", model=m.name, groups=grouped.groups, per=per),
               t(lang, "resnext_2", layer=grouped.name, formula=f"{grouped.input_shape[1]}/{grouped.groups}·"
                 f"{k[0]}·{k[1]}·{grouped.output_shape[1]}", weights=num(conv_weights(grouped)), dense=num(dense)),
               t(lang, "resnext_3", model=m.name, params=num(m.insp.totals.params), macs=si(m.insp.totals.macs))]
    ref = _resnet50(data)
    if ref is not None:
        bullets.append(t(lang, "resnext_3", model=ref.name, params=num(ref.insp.totals.params),
                         macs=si(ref.insp.totals.macs)))
    return Slide(t(lang, "resnext_title"), (BulletList(tuple(bullets)),),
                 (t(lang, "variants_notes", models=m.name, input=hw(m.insp.input_shape)), t(lang, "resnext_notes")),
                 id=f"p9-{m.name}")


def wide_slide(m: Model, data: DeckData, lang: str) -> Slide:
    first = main_convs(m.insp, "layer1.0")
    ref = _resnet50(data)
    base = main_convs(ref.insp, "layer1.0")[1].output_shape[1] if ref else 64
    bullets = [t(lang, "wide_1", model=m.name, w=first[1].output_shape[1], base=base),
               t(lang, "wide_2", model=m.name, depth=m.depth.depth, params=num(m.insp.totals.params),
                 macs=si(m.insp.totals.macs))]
    if ref is not None:
        bullets.append(t(lang, "wide_2", model=ref.name, depth=ref.depth.depth, params=num(ref.insp.totals.params),
                         macs=si(ref.insp.totals.macs)))
    return Slide(t(lang, "wide_title"), (BulletList(tuple(bullets)),),
                 (t(lang, "variants_notes", models=m.name, input=hw(m.insp.input_shape)),), id=f"p9-{m.name}")


def _n(m: Model) -> int | None:
    blocks = {s.blocks for s in m.depth.stages if s.role == "stage"}
    return blocks.pop() if len(blocks) == 1 else None


def cifar_slide(ms: Sequence[Model], lang: str) -> Slide:
    bullets: list[str] = []
    for m in ms:
        tot = m.insp.totals
        n = _n(m)
        if m.spec.family == "resnet-cifar":
            bullets += [t(lang, "cifar_adapt", model=m.name),
                        t(lang, "cifar_3b", params=num(tot.params), macs=si(tot.macs), input=hw(m.insp.input_shape))]
            continue
        body = [s for s in m.insp.stages if s.name not in ("stem", "head")]
        bullets.append(t(lang, "cifar_1", model=m.name, formula=depth_formula(m.depth), n=n, depth=m.depth.depth))
        bullets.append(t(lang, "cifar_2", widths=", ".join(str(s.output_shape[1]) for s in body),
                         sizes=", ".join(str(s.output_shape[2]) for s in body)))
        projections = sum(s.projections for s in m.depth.stages)
        bullets.append(t(lang, "cifar_3", params=num(tot.params)) if not projections
                       else t(lang, "cifar_3b", params=num(tot.params), macs=si(tot.macs),
                              input=hw(m.insp.input_shape)))
    return Slide(t(lang, "cifar_title"), (BulletList(tuple(bullets)),),
                 (t(lang, "variants_notes", models=model_list(ms), input=input_text_of(ms, lang)),), id="p9-cifar")


def input_text_of(ms: Sequence[Model], lang: str) -> str:
    sizes = list(dict.fromkeys(hw(m.insp.input_shape) for m in ms))
    return ", ".join(sizes)


def preact_slide(ms: Sequence[Model], lang: str) -> Slide:
    bullets = [t(lang, "preact_1")]
    for m in ms:
        bullets.append(t(lang, "preact_2", model=m.name, formula=depth_formula(m.depth), n=_n(m), depth=m.depth.depth))
        bullets.append(t(lang, "preact_3", model=m.name, params=num(m.insp.totals.params),
                         macs=si(m.insp.totals.macs), input=hw(m.insp.input_shape)))
    return Slide(t(lang, "preact_title"), (BulletList(tuple(bullets)),),
                 (t(lang, "variants_notes", models=model_list(ms), input=input_text_of(ms, lang)),), id="p9-preact")


def part9(data: DeckData, lang: str) -> list[Slide]:
    by_family: dict[str, list[Model]] = {}
    for m in data.models:
        if m.variant:
            by_family.setdefault(m.spec.family, []).append(m)
    slides = [resnext_slide(m, data, lang) for m in by_family.get("resnext", [])[:1]]
    slides += [wide_slide(m, data, lang) for m in by_family.get("wide-resnet", [])[:1]]
    cifar = by_family.get("cifar-resnet", [])[:2] + by_family.get("resnet-cifar", [])[:1]
    if cifar:
        slides.append(cifar_slide(cifar, lang))
    if by_family.get("preact-resnet"):
        slides.append(preact_slide(by_family["preact-resnet"][:2], lang))
    if not slides:
        slides.append(Slide(t(lang, "variants_title"), (Paragraph(t(lang, "variants_concepts")),
                                                        Note(t(lang, "variants_none"))),
                            (t(lang, "variants_none"),), id="p9-variants"))
    return slides


# ============================================================================ part 10: summary, sources


def part10(data: DeckData, lang: str) -> list[Slide]:
    m = data.main
    a, b = block_cost(data.fig5[0]), block_cost(data.fig5[1])
    tot = m.insp.totals
    summary = Slide(t(lang, "summary_title"), (BulletList((
        t(lang, "summary_1"), t(lang, "summary_2", wa=num(a.weights), wb=num(b.weights)),
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
        BulletList(tuple(s.text for s in cited)), Note(t(lang, "sources_tool", version=data.version)),
    ), (t(lang, "sources_notes"),), id="p10-sources")
    return [summary, sources]


# ============================================================================ the deck


PARTS = (part1, part2, part3, part4, part5, part6, part7, part8, part9, part10)


def deck(data: DeckData, lang: str = "en") -> Document:
    """The whole deck for ``data`` in ``lang`` (``en`` or ``zh``): a cover, then the ten parts in order."""
    if lang not in LANGS:
        raise InspectError(f"unknown language {lang!r}; use one of: {', '.join(LANGS)} (e.g. --lang zh)")
    slides: list[Slide] = [cover(data, lang)]
    for part in PARTS:
        slides += part(data, lang)
    return Document(title=t(lang, "deck_title"), blocks=tuple(slides), subtitle=model_list(data.models),
                    sources=SOURCES, meta=(("models", model_list(data.models)), ("input", input_text(data, lang)),
                                           ("version", data.version)), lang=lang)
