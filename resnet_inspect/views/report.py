"""The report of one model and the family index, as documents.

A report is what a student reads after class and an engineer attaches to a design review: the summary,
the architecture in the paper's layout, the depth accounting, the stage table, the diagrams and plots,
the receptive field, the conventions (this model's totals under each way of counting MACs) and every
layer, grouped by stage and block.  Everything comes from a :class:`ModelAnalysis` (one analysis per
model, shared by every section); figures are drawn when a backend asks for them, once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import TYPE_CHECKING

from ..analysis.compare import ModelSummary, paper_layout
from ..analysis.depth import DepthAccount
from ..analysis.result import Inspection, Row
from ..document import (
    Block,
    Cell,
    Column,
    Document,
    Figure,
    Formula,
    ModelStages,
    Note,
    Paragraph,
    RFLayer,
    RFView,
    RowDetails,
    Section,
    Source,
    StageDiff,
    StageNumbers,
    Table,
    TableRow,
    fmt,
)
from ..policies import POLICIES
from . import texts
from .compare import paper_table
from .depth import counts_table, formula, name_check
from .depth import stage_table as depth_table
from .table import layer_table, repeated_blocks, stage_table

if TYPE_CHECKING:
    from ..specs import Spec

REPORT_COLUMNS = ("name", "type", "kernel", "output", "params", "macs", "memory", "rf", "jump")
POLICY_ORDER = ("conv-fc", "torchinfo", "fvcore", "all")
POLICY_NAMES = {"conv-fc": "conv + fc (torchvision, the paper)", "torchinfo": "torchinfo",
                "fvcore": "fvcore", "all": "every op (--count all)"}


@dataclass(frozen=True)
class ModelAnalysis:
    """Everything a report shows about one model: the result, its depth account and comparison summary,
    and its MAC totals under every counting policy (each from its own pass)."""

    result: Inspection
    depth: DepthAccount
    summary: ModelSummary
    macs_by_policy: tuple[tuple[str, int], ...]
    spec: Spec | None = field(default=None, compare=False)

    @property
    def model(self) -> str:
        """The model's name."""
        return self.result.model


# --------------------------------------------------------------------------- figures


def _svg_once(draw: Callable[[], bytes]) -> Callable[[str], bytes]:
    """A figure's ``draw(fmt)``: SVG only, drawn the first time it is asked for, then kept."""
    drawn = cache(draw)

    def by_format(fmt_name: str) -> bytes:
        if fmt_name != "svg":
            raise ValueError(f"report figures are drawn as SVG, not {fmt_name}")
        return drawn()

    return by_format


def _diagram(build: Callable[[], object]) -> Callable[[str], bytes]:
    def draw() -> bytes:
        from ..figures.diagram import Diagram

        d = build()
        assert isinstance(d, Diagram)
        return d.render("svg")

    return _svg_once(draw)


def _plot(build: Callable[[], object]) -> Callable[[str], bytes]:
    def draw() -> bytes:
        import matplotlib

        from ..figures.plots import to_bytes

        # text as SVG text, not outlines: half the size, selectable, and twice as fast to lay out in a PDF
        with matplotlib.rc_context({"svg.fonttype": "none"}):
            return to_bytes(build(), "svg")  # type: ignore[arg-type]

    return _svg_once(draw)


SHORTCUT_LEGEND = {"projection": "dashed shortcut = projection ({layers})",
                   "option_a": "option A shortcut = subsampled identity with zero-padded channels (no weights)",
                   "identity": "solid shortcut = identity", "none": "no shortcut (a plain network)"}


def block_figure(r: Inspection) -> Figure | None:
    """Each kind of block the model has, drawn from its rows; ``None`` without blocks.  The caption names
    only the shortcut kinds and strides this model has."""
    from ..analysis.facts import kind_groups

    kinds = kind_groups(r)
    if not kinds:
        return None

    def build() -> object:
        from ..figures.diagram import bottleneck_kinds_diagram

        return bottleneck_kinds_diagram(r)

    side = next((k.blocks[0].side for k in kinds if k.shortcut == "projection"), ())
    layers = " + ".join(dict.fromkeys("BN" if x.kind == "norm" else fmt.kernel(x.kernel) + " conv" if x.kind == "conv"
                                      else x.type for x in side))
    legend = [SHORTCUT_LEGEND[k].format(layers=layers) for k in dict.fromkeys(k.shortcut for k in kinds)]
    strides = sorted({k.stride for k in kinds if k.stride > 1})
    if strides:
        legend.append(f"red marks the stride-{'/'.join(map(str, strides))} layer")
    return Figure("fig-blocks", f"The {len(kinds)} kind{'s' if len(kinds) != 1 else ''} of block in {r.model}: "
                  + "; ".join(legend) + ".", f"Block diagrams of {r.model}", _diagram(build), "diagram")


def network_figure(r: Inspection) -> Figure:
    """The macro view: stem, stages × blocks, sizes and cumulative stride, head."""
    def build() -> object:
        from ..figures.diagram import network_diagram

        return network_diagram(r)

    return Figure("fig-network", f"{r.model}: stem, stages (× blocks) with their output sizes and cumulative "
                  "stride, head.", f"Network diagram of {r.model}", _diagram(build), "diagram")


def plot_figure(fid: str, caption: str, build: Callable[[], object]) -> Figure:
    """A matplotlib plot of the results."""
    return Figure(fid, caption, caption, _plot(build), "plot")


# --------------------------------------------------------------------------- sections


def _kv(rows: Sequence[tuple[str, Cell, str]], caption: str = "", tid: str = "") -> Table:
    columns = (Column("quantity", "Quantity"), Column("value", "Value", "int"), Column("counts", "What is counted"))
    return Table(columns, tuple(TableRow((Cell(q), v, Cell(c))) for q, v, c in rows), caption=caption, id=tid,
                 role="summary")


def _both(n: int) -> Cell:
    """``25,557,032 (25.6 M)``: every digit and the rounded figure."""
    return Cell(n, "int", text=f"{fmt.grouped(n)} ({fmt.scaled(n)})" if n >= 10**4 else fmt.grouped(n))


def _input_text(r: Inspection) -> str:
    batch = f", batch {r.input_shape[0]}" if r.input_shape[0] != 1 else ""
    return f"{fmt.shape(r.input_shape)}{batch}"


def summary_section(a: ModelAnalysis) -> Section:
    """Params, MACs and FLOPs (convention stated), depth with its formula, final RF, memory, input."""
    r, t = a.result, a.result.totals
    rf = (Cell(t.rf, "pair", text=f"{fmt.pair(t.rf)} px at {t.feature_layer}") if t.rf
          else Cell(None, "pair", reason="no spatial layer"))
    rows = [
        ("Parameters", _both(t.params), "every weight and bias of the model, BN included"
         + ("" if t.trainable_params == t.params else f"; trainable {fmt.grouped(t.trainable_params)}")),
        ("MACs", _both(t.macs), texts.macs(r.policy)),
        ("FLOPs", _both(t.flops), "2 × MACs"),
        ("Depth", Cell(a.depth.depth, "int"), "weighted layers on the main path (stem conv, block convs, fc)"),
        ("Final receptive field", rf, f"jump (effective stride) {fmt.pair(t.jump)}, effective padding "
         f"{fmt.pair(t.rf_padding)}" if t.rf else ""),
        ("Activation memory", Cell(t.activation_bytes, "bytes"),
         f"{fmt.grouped(t.activation_bytes)} B: every layer output once, {r.dtype}, one forward pass"),
        ("Input", Cell(r.input_shape, "shape", text=_input_text(r)), "channels × height × width"),
    ]
    blocks: list[Block] = [_kv(rows, tid="summary")]
    blocks.append(Formula(f"depth = {formula(a.depth)}", latex=f"\\text{{depth}} = {formula(a.depth)}"
                          .replace("·", r"\cdot ")))
    blocks.append(Paragraph(f"Name check: {name_check(a.depth)}."))
    if a.spec is not None and a.spec.description:
        blocks.append(Paragraph(a.spec.description))
    return Section("Summary", tuple(blocks), id="summary")


def architecture_section(a: ModelAnalysis) -> Section:
    """The paper's Table 1 layout for this model, then the numbers per stage."""
    paper = paper_table(paper_layout([a.summary]))
    return Section("Architecture", (paper, stage_table(a.result)), id="architecture")


def depth_section(a: ModelAnalysis) -> Section:
    """Which layers the depth counts, per stage, and what other counts give."""
    return Section("Depth", (depth_table(a.depth), counts_table([a.depth]),
                             Note(f"Convention: {texts.DEPTH_CONVENTION}.", "convention")), id="depth")


def diagrams_section(a: ModelAnalysis) -> Section:
    """The block kinds and the network."""
    blocks: list[Block] = []
    fig = block_figure(a.result)
    if fig is not None:
        blocks.append(fig)
    else:
        blocks.append(Paragraph(f"{a.model} has no residual blocks to draw."))
    blocks.append(network_figure(a.result))
    return Section("Diagrams", tuple(blocks), id="diagrams")


def plots_section(a: ModelAnalysis) -> Section:
    """Per-stage parameters and MACs, shapes along depth, memory per stage."""
    r = a.result

    def stages() -> object:
        from ..figures.plots import stages_figure

        return stages_figure([r])

    def shapes() -> object:
        from ..figures.plots import shapes_figure

        return shapes_figure(r)

    def memory() -> object:
        from ..figures.plots import memory_figure

        return memory_figure([r])

    return Section("Plots", (
        plot_figure("fig-stages", f"{r.model}: parameters and MACs per stage.", stages),
        plot_figure("fig-shapes", f"{r.model}: feature-map size and channels along depth.", shapes),
        plot_figure("fig-memory", f"{r.model}: activation memory per stage ({r.dtype}).", memory),
    ), id="plots")


def units(n: int) -> str:
    """``1 unit``, ``196 units``."""
    return f"{fmt.grouped(n)} unit{'' if n == 1 else 's'}"


def outgrowth_text(r: Inspection) -> str:
    """Where the receptive field reaches the input size, and how many units then really see all of it."""
    from ..analysis.facts import outgrowth

    o = outgrowth(r)
    size = fmt.pair(o.input_hw)
    if o.first_larger is None:
        return (f"The receptive field stays smaller than the {size}-px input: each unit of the last feature map "
                f"sees {fmt.pair(o.last.rf) if o.last else 'part'} px of it.")
    f = o.first_larger
    seeing = (f"no unit of its {fmt.grouped(f.units)} sees" if f.seeing_all == 0 else
              f"{units(f.seeing_all)} of {fmt.grouped(f.units)} see{'s' if f.seeing_all == 1 else ''}")
    text = (f"From {f.layer} on the receptive field is at least the {size}-px input ({fmt.pair(f.rf)} px), but "
            f"there {seeing} the whole input: a unit near a border has part of its window on the padding.")
    if o.first_all is not None and o.first_all is not f:
        text += f" Every unit sees the whole input from {o.first_all.layer} on."
    elif o.first_all is None and o.last is not None and o.last.layer != f.layer:
        text += (f" At the last feature map, {o.last.layer}, {units(o.last.seeing_all)} of "
                 f"{fmt.grouped(o.last.units)} do.")
    return text


def rf_section(a: ModelAnalysis) -> Section:
    """Growth along depth, where the RF outgrows the input, effective stride and padding."""
    r, t = a.result, a.result.totals
    h, w = r.input_shape[-2:]
    size = fmt.pair((h, w))
    if t.rf is None:
        return Section("Receptive field", (Paragraph(f"{r.model} has no spatial layer: no receptive field."),),
                       id="rf")
    where = outgrowth_text(r)
    text = (f"Each output of {t.feature_layer}, {texts.feature_map_words(r)}, sees {fmt.pair(t.rf)} "
            f"input pixels, with a jump (effective stride) of {fmt.pair(t.jump)} px between neighbouring "
            f"outputs and an effective padding of {fmt.pair(t.rf_padding)} px. {where} Where a residual add "
            "joins two paths the receptive field is the union of the paths' input regions.")
    columns = (Column("stage", "Stage"), Column("output", "Output (C×H×W)", "shape"),
               Column("rf", "RF (px)", "pair"), Column("jump", "Jump", "pair"),
               Column("coverage", "RF / input", "float"))
    rows = [TableRow((Cell(s.name), Cell(s.output_shape, "shape"), Cell(s.rf, "pair"), Cell(s.jump, "pair"),
                      Cell(round(s.rf[0] / h, 2), "float", text=f"{s.rf[0] / h:.2f}×") if s.rf
                      else Cell(None, "float", text="")))
            for s in r.stages if s.name != "head"]

    def build() -> object:
        from ..figures.plots import rf_figure

        return rf_figure(r)

    return Section("Receptive field", (
        Paragraph(text),
        Table(columns, tuple(rows), caption=f"Receptive field at each stage output (input {size} px)", id="rf",
              role="rf"),
        plot_figure("fig-rf", f"{r.model}: receptive field and jump per layer; the line is the input size.", build),
        rf_view(r),
    ), id="rf")


def rf_view(r: Inspection) -> RFView:
    """Every main-path layer's receptive field, jump and padding, for the interactive view."""
    from ..analysis.facts import spatial_rows

    h, w = r.input_shape[-2:]
    layers = tuple(RFLayer(row.name, (row.output_shape[-2], row.output_shape[-1]), row.rf, row.jump,
                           row.rf_padding) for row in spatial_rows(r)
                   if row.rf is not None and row.jump is not None and row.rf_padding is not None)
    return RFView((h, w), layers, caption=f"Pick a layer (or point at a row of the layer table) and drag the unit: "
                  f"the input pixels one output unit sees, over the {fmt.pair((h, w))}-px input.")


def conventions_section(a: ModelAnalysis) -> Section:
    """What MACs and FLOPs mean here, and this model's totals under each convention, computed."""
    by = dict(a.macs_by_policy)
    columns = (Column("convention", "Convention"), Column("counts", "What MACs count"),
               Column("macs", "MACs", "int"), Column("flops", "FLOPs (2 × MACs)", "int"))
    rows = [TableRow((Cell(p, text=POLICY_NAMES[p]), Cell(POLICIES[p]), Cell(by[p], "int"),
                      Cell(2 * by[p], "int")), strong=p == a.result.policy) for p in POLICY_ORDER if p in by]
    base = by.get("conv-fc")
    if base is not None:
        rows.append(TableRow((Cell("flopcountermode", text="PyTorch FlopCounterMode"),
                              Cell("FLOPs of conv and matmul: 2 per multiply-accumulate, so its total is 2 × the "
                                   "conv + fc MACs"), Cell(base, "int"), Cell(2 * base, "int"))))
    notes = ("One MAC is a multiply-accumulate; FLOPs = 2 × MACs. The paper's Table 1 \"FLOPs\" and "
             "torchvision's \"GFLOPS\" are conv + fc MACs (the first row).",
             "FlopCounterMode is not run here: its total is 2 × the conv + fc MACs, which the test suite checks "
             "for every variant.",
             *_extra_counts(by))
    table = Table(columns, tuple(rows), caption=f"{a.model}: totals under each convention", notes=notes,
                  id="conventions", role="conventions")
    return Section("Conventions", (table,), id="conventions")


def _extra_counts(by: dict[str, int]) -> tuple[str, ...]:
    """How much more than conv + fc each other tool counts for this model, computed."""
    base = by.get("conv-fc")
    if base is None:
        return ()
    extra = [f"{POLICY_NAMES[p]} {fmt.grouped(by[p] - base)}" for p in ("torchinfo", "fvcore") if p in by]
    if not extra:
        return ()
    return (f"MACs counted beyond conv + fc for this model: {'; '.join(extra)} (what each adds is in its row).",)


def _top(row: Row) -> str:
    return row.name.split(":")[0].split(".")[0]


def layer_groups(r: Inspection) -> list[tuple[str, list[str]]]:
    """The rows' names grouped as the stage table groups them: stem, each stage, head."""
    stage_names = {s.name for s in r.stages} - {"stem", "head"}
    groups: list[tuple[str, list[str]]] = []
    for row in r.rows[1:]:
        top = _top(row)
        seen = any(g in stage_names for g, _ in groups)
        key = top if top in stage_names else ("head" if seen else "stem")
        if not groups or groups[-1][0] != key:
            groups.append((key, []))
        groups[-1][1].append(row.name)
    return groups


def layers_section(a: ModelAnalysis) -> Section:
    """Every layer, one collapsible table per stage (sortable by column in HTML)."""
    r = a.result
    full = layer_table(r, REPORT_COLUMNS)
    by_name = dict(zip((row.name for row in r.rows), full.rows, strict=True))
    repeats = repeated_blocks(r.rows)
    blocks: list[Block] = []
    for key, names in layer_groups(r):
        stage = next((s for s in r.stages if s.name == key), None)
        what = repeats.get(key, "")
        title = key + (f": {what}" if what else "") + (f" — {fmt.shape(stage.output_shape)}" if stage else "")
        table = Table(full.columns, tuple(by_name[n] for n in names), id=f"layers-{key}", role="layers")
        blocks.append(Section(title, (table,), id=f"layers-{key}", level=2, collapsible=True))
    blocks.append(Paragraph(f"{len(r.rows) - 1} rows: layers, functional ops (the residual adds, a ReLU called "
                            "more than once as relu:2, relu:3), blocks and stages. Click a header to sort a stage's "
                            "rows by that column."))
    blocks.append(explanations(r))
    blocks.append(Note(" ".join(n.strip() for n in full.notes if n.strip().startswith(("MACs count", "Not counted")))
                       or texts.macs(r.policy), "convention"))
    return Section("All layers", tuple(blocks), id="layers")


EXPLAINED_KINDS = ("conv", "linear", "pool")


def explanations(r: Inspection) -> RowDetails:
    """The arithmetic of every conv, linear and pool layer (what ``resnet-inspect explain MODEL LAYER``
    prints), for a reader to open under its row of the layer table."""
    from ..analysis.explain import explain
    from .explain import explain_document

    items = tuple((row.name, explain_document(explain(r, row.name))) for row in r.rows
                  if row.is_leaf and row.kind in EXPLAINED_KINDS)
    return RowDetails("layers", items, title=f"The arithmetic of this row, as printed by resnet-inspect explain "
                      f"{r.model}")


def _sources(a: ModelAnalysis) -> tuple[Source, ...]:
    out = [Source("he2015", "He, Zhang, Ren, Sun 2015, Deep Residual Learning for Image Recognition "
                  "(arXiv:1512.03385): Table 1, the depth convention, Fig. 3 and Fig. 5.")]
    if a.spec is not None and a.spec.paper and a.spec.paper != "custom" and "1512.03385" not in a.spec.paper:
        out.append(Source("paper", a.spec.paper))
    out.append(Source("tools", "Counting conventions: torchvision's weights metadata (_ops), torchinfo 1.8 "
                      "(mult-adds), fvcore FlopCountAnalysis, PyTorch torch.utils.flop_counter.FlopCounterMode."))
    return tuple(out)


def model_report(a: ModelAnalysis, version: str = "", index: str = "") -> Document:
    """The whole report of one model; ``index`` is the relative link to the report's index, if any."""
    r = a.result
    head = f"{a.spec.block} blocks {'-'.join(map(str, a.spec.layers))}, " if a.spec is not None else ""
    subtitle = f"{head}input {_input_text(r)}, {r.dtype}" + (f" · resnet-inspect {version}" if version else "")
    sections = (summary_section(a), architecture_section(a), depth_section(a), diagrams_section(a),
                plots_section(a), rf_section(a), conventions_section(a), layers_section(a))
    doc = Document(r.model, sections, subtitle=subtitle, sources=_sources(a),
                   meta=(("model", r.model), ("input", fmt.shape(r.input_shape, drop_batch=False))))
    return linked_to_index(doc, index) if index else doc


def linked_to_index(doc: Document, index: str) -> Document:
    """A model's page that starts with a link back to the report's index (a relative link: ``index.html``)."""
    return replace(doc, nav=(("← all models", index),))


# --------------------------------------------------------------------------- the family index


def family_table(analyses: Sequence[ModelAnalysis], pages: dict[str, str]) -> Table:
    """One row per model, each linking to its page: block, depth, params, MACs, FLOPs, memory, RF, input."""
    columns = (Column("model", "Model"), Column("block", "Blocks"), Column("depth", "Depth", "int"),
               Column("params", "Params", "count"), Column("macs", "MACs", "count"),
               Column("flops", "FLOPs", "count"), Column("activation_bytes", "Act. memory", "bytes"),
               Column("rf", "RF (px)", "pair"), Column("input", "Input", "shape"))
    rows = []
    for a in analyses:
        r, t = a.result, a.result.totals
        block = f"{a.spec.block} {'-'.join(map(str, a.spec.layers))}" if a.spec is not None else ""
        rows.append(TableRow((Cell(r.model, link=pages.get(r.model, "")), Cell(block), Cell(t.depth, "int"),
                              Cell(t.params, "count"), Cell(t.macs, "count"), Cell(t.flops, "count"),
                              Cell(t.activation_bytes, "bytes"), Cell(t.rf, "pair"),
                              Cell(r.input_shape, "shape"))))
    return Table(columns, tuple(rows), caption="Every model of this report", id="family", role="family",
                 notes=(f"MACs count {texts.macs(analyses[0].result.policy)}; FLOPs = 2 × MACs.",
                        "Depth: weighted layers on the main path.",
                        texts.final_rf_note([a.result for a in analyses]),
                        "Act. memory: every layer output once, one forward pass."))


FILE_COLUMNS = (("html", "Page (HTML)"), ("pdf", "PDF (A4)"), ("json", "Numbers (JSON)"))
DECK_COLUMNS = (("html", "HTML (offline, presenter view)"), ("pdf", "PDF (16:9)"), ("pptx", "PowerPoint"))
DECK_LANGUAGES = {"en": "English", "zh": "Chinese (中文)"}


def _file_cell(names: Sequence[str], ext: str) -> Cell:
    """The file of ``names`` ending in ``.ext``, linked; ``—`` when there is none."""
    name = next((n for n in names if n.rsplit(".", 1)[-1] == ext), "")
    return Cell(name, text=name or "—", link=name)


def files_table(analyses: Sequence[ModelAnalysis], files: Mapping[str, Sequence[str]],
                index: Sequence[str] = ()) -> Table:
    """Every file this run wrote for each model, linked: its page, its A4 PDF and its numbers as JSON; and
    the ``index`` files (this page in each format)."""
    columns = (Column("model", "Model"), *(Column(ext, title) for ext, title in FILE_COLUMNS))
    rows = [TableRow((Cell(a.model), *(_file_cell(files.get(a.model, ()), ext) for ext, _ in FILE_COLUMNS)))
            for a in analyses]
    if index:
        rows.append(TableRow((Cell("index", text="this index"), *(_file_cell(index, ext) for ext, _ in FILE_COLUMNS)),
                             tags=frozenset({"total"})))
    return Table(columns, tuple(rows), caption="Files of each model", id="files", role="files",
                 notes=("The JSON is what resnet-inspect table MODEL --format json writes: the totals, the "
                        "stages and every layer, with the conventions they are counted under.",))


def decks_block(decks: Sequence[tuple[str, Sequence[str]]]) -> Block:
    """The teaching decks found beside the report, linked; or how to write them."""
    if not decks:
        return Paragraph("No teaching deck in this folder: resnet-inspect slides -o DIR/slides writes one "
                         "(make report writes both languages), and the next report links it here.")
    columns = (Column("deck", "Deck"), *(Column(ext, title) for ext, title in DECK_COLUMNS))
    rows = tuple(TableRow((Cell(lang, text=DECK_LANGUAGES.get(lang, lang)),
                           *(_file_cell(paths, ext) for ext, _ in DECK_COLUMNS))) for lang, paths in decks)
    return Table(columns, rows, caption="The teaching deck on ResNets", id="decks", role="files")


def model_stages(a: ModelAnalysis) -> ModelStages:
    """One model's stages (output, params, MACs) and totals, as the analysis gives them."""
    r = a.result
    return ModelStages(r.model, tuple(StageNumbers(s.name, s.output_shape, s.params, s.macs) for s in r.stages),
                       r.totals.params, r.totals.macs)


def stage_order(models: Sequence[ModelStages]) -> tuple[str, ...]:
    """Every stage name of the models in network order: each model's stages in its order, a stage another
    model lacks (ResNet-50's layer4 beside a CIFAR net) after the stage it follows."""
    order: list[str] = []
    for m in models:
        at = 0
        for s in m.stages:
            if s.stage in order:
                at = order.index(s.stage) + 1
            else:
                order.insert(at, s.stage)
                at += 1
    return tuple(order)


def signed(n: int) -> str:
    """A difference with its sign: ``+1,024``, ``−512``, ``0``."""
    return ("+" if n > 0 else "") + fmt.grouped(n)


DIFF_COLUMNS = ("output", "params", "macs")


def stage_diff_table(a: ModelStages, b: ModelStages, order: Sequence[str], policy: str = "conv-fc") -> Table:
    """Per stage: each model's output size, parameters and MACs, and the difference (second − first)."""
    columns = (Column("stage", "Stage"), Column("output_a", f"{a.model} output", "shape"),
               Column("output_b", f"{b.model} output", "shape"), Column("params_a", f"{a.model} params", "int"),
               Column("params_b", f"{b.model} params", "int"), Column("params_diff", "Δ params", "int"),
               Column("macs_a", f"{a.model} MACs", "int"), Column("macs_b", f"{b.model} MACs", "int"),
               Column("macs_diff", "Δ MACs", "int"))
    by_a, by_b = {s.stage: s for s in a.stages}, {s.stage: s for s in b.stages}
    none = Cell(None, "int", text="—")

    def diff(x: int | None, y: int | None) -> Cell:
        return none if x is None or y is None else Cell(y - x, "int", text=signed(y - x))

    rows = []
    for name in order:
        sa, sb = by_a.get(name), by_b.get(name)
        if sa is None and sb is None:
            continue
        rows.append(TableRow((Cell(name), *(Cell(s.output_shape, "shape") if s else Cell(None, "shape", text="—")
                                            for s in (sa, sb)),
                              *(Cell(s.params, "int") if s else none for s in (sa, sb)),
                              diff(sa.params if sa else None, sb.params if sb else None),
                              *(Cell(s.macs, "int") if s else none for s in (sa, sb)),
                              diff(sa.macs if sa else None, sb.macs if sb else None))))
    rows.append(TableRow((Cell("network"), Cell(None, "shape", text=""), Cell(None, "shape", text=""),
                          Cell(a.params, "int"), Cell(b.params, "int"), diff(a.params, b.params),
                          Cell(a.macs, "int"), Cell(b.macs, "int"), diff(a.macs, b.macs)), strong=True,
                         tags=frozenset({"total"})))
    return Table(columns, tuple(rows), caption=f"{a.model} → {b.model}, stage by stage", id="stage-diff",
                 role="stage-diff", notes=(f"Δ = second − first; MACs count {texts.macs(policy)}; a stage one "
                                           "model lacks shows —.",))


def stage_diff(analyses: Sequence[ModelAnalysis]) -> StageDiff:
    """Two models stage by stage: the first two as a table, any two where the reader can choose."""
    models = tuple(model_stages(a) for a in analyses)
    order = stage_order(models)
    table = stage_diff_table(models[0], models[1], order, analyses[0].result.policy)
    return StageDiff(models, table, order, caption="Pick two models: each stage's output size, parameters and MACs "
                     "side by side, and the difference.")


def family_index(analyses: Sequence[ModelAnalysis], pages: dict[str, str], version: str = "",
                 files: Mapping[str, Sequence[str]] | None = None,
                 decks: Sequence[tuple[str, Sequence[str]]] = (), index: Sequence[str] = ()) -> Document:
    """``index``: every generated model side by side and the MACs-vs-params scatter, each linking to its page;
    ``files`` (model → the files written for it), ``index`` (the index's own files) and ``decks``
    ((language, files) found beside the report) are linked; two models stage by stage."""
    results = [a.result for a in analyses]

    def scatter() -> object:
        from ..figures.plots import family_figure

        return family_figure(results)

    blocks: list[Block] = [family_table(analyses, pages)]
    if len(results) > 1:
        blocks.append(plot_figure("fig-family", "MACs vs parameters: point area grows with depth, colour by "
                                  "family.", scatter))
    sections = [Section("Models", tuple(blocks), id="models")]
    if len(analyses) > 1:
        sections.append(Section("Stage by stage", (stage_diff(analyses),), id="stages"))
    sections.append(Section("Files", (files_table(analyses, files or {}, index), decks_block(decks)), id="files"))
    names = ", ".join(a.model for a in analyses)
    return Document("resnet-inspect report", tuple(sections),
                    subtitle=f"{len(analyses)} model{'s' if len(analyses) != 1 else ''}: {names}"
                    + (f" · resnet-inspect {version}" if version else ""))


__all__ = ["ModelAnalysis", "family_index", "linked_to_index", "model_report"]
