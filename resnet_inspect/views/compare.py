"""Comparisons as documents: side by side, the paper's Table 1, basic block vs bottleneck, v1 vs v1.5.

The cells of Table 1 (``[1×1, 64; 3×3, 64; 1×1, 256] × 3``), the paper's FLOPs notation (``4.1×10⁹``),
the block formulas (``256·3·3·256·2``) and every note are written here from the numbers of
:mod:`resnet_inspect.analysis.compare`.  The ``*_record`` functions are the JSON exports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from importlib import import_module
from typing import Any

from ..analysis.compare import (
    PAPER_FIG5,
    SAME_WIDTH,
    BlockFigures,
    ModelSummary,
    PaperCell,
    PaperLayer,
    PaperTable,
    StageSummary,
    StrideConv,
    StridePlacement,
    extra_macs_at,
)
from ..analysis.facts import StageFacts, stage_facts
from ..analysis.result import Inspection
from ..document import Cell, Column, Document, Table, TableRow, fmt
from . import texts
from .depth import formula

# --------------------------------------------------------------------------- words from numbers


def stage_label(s: StageSummary) -> str:
    """``conv4_x (layer3)``, as the depth table labels a stage."""
    return f"{s.paper_name} ({s.name})" if s.paper_name and s.paper_name != s.name else s.name


def layer_text(layer: PaperLayer) -> str:
    """A layer as Table 1 writes it: ``7×7, 64, stride 2``, ``3×3 max pool, stride 2``, ``1000-d fc``."""
    stride = f", stride {layer.stride}" if layer.stride > 1 else ""
    if layer.kind == "fc":
        return f"{layer.channels}-d fc"
    if layer.kind != "conv":
        return f"{fmt.kernel(layer.kernel)} {layer.kind}{stride}".strip() if layer.kernel else layer.kind
    groups = f", C={layer.groups}" if layer.groups > 1 else ""
    return f"{fmt.kernel(layer.kernel)}, {layer.channels}{groups}{stride}"


def cell_text(cell: PaperCell | None) -> str:
    """One line of a Table 1 cell; a bracket reads ``[1×1, 64; 3×3, 64; 1×1, 256] × 3``."""
    if cell is None:
        return ""
    if cell.repeat is not None:
        return f"[{'; '.join(layer_text(x) for x in cell.layers)}] × {cell.repeat}"
    return ", ".join(layer_text(x) for x in cell.layers)


def paper_flops(macs: int) -> str:
    """The paper's notation, one decimal: ``4089184256`` → ``4.1×10⁹``; below 10⁹, ``40.8×10⁶``."""
    return fmt.power_of_ten(macs)


def channel_chain(b: BlockFigures) -> str:
    """``256→64→64→256``."""
    return "→".join(str(c) for c in b.channels)


def weights_formula(b: BlockFigures) -> str:
    """``256·3·3·256·2`` or ``256·64 + 64·3·3·64 + 64·256``: cin·k·k·cout per conv (groups divide)."""
    terms = [f"{cin}·{cout}" if (kh, kw) == (1, 1) else f"{cin}·{kh}·{kw}·{cout}"
             for cin, kh, kw, cout in b.weight_terms]
    if len(set(terms)) == 1 and len(terms) > 1:
        return f"{terms[0]}·{len(terms)}"
    return " + ".join(terms)


def stride_conv_text(c: StrideConv) -> str:
    """``1×1 conv1``."""
    return f"{fmt.kernel(c.kernel)} {c.name}"


def block_names(p: StridePlacement) -> list[str]:
    """``conv3_1``, ``conv4_1`` … : the downsampling blocks in the paper's names."""
    return [f"{stage}_{index}" for stage, index in p.blocks]


def _row(*cells: Cell, strong: bool = False, level: int = 0) -> TableRow:
    return TableRow(tuple(cells), level=level, strong=strong)


def _count(n: int | None, exact: bool, digits: int = 3) -> Cell:
    """A count: exact (grouped digits) with ``--exact``, else with SI prefixes."""
    return Cell(n, "int" if exact else "count", digits=digits)


def _scaled(n: int, exact: bool, digits: int = 3) -> Cell:
    """A count always scaled unless ``exact`` (side-by-side columns: ``25.6 M``)."""
    return Cell(n, "int", text=None if exact else fmt.scaled(n, digits))


# --------------------------------------------------------------------------- side by side


def side_table(summaries: Sequence[ModelSummary], exact: bool = False) -> Table:
    """One column per model: depth, cost, memory, receptive field, then each stage's output C×H×W."""
    names = [s.model for s in summaries]
    columns = (Column("metric", ""), *[Column(n, n, "count") for n in names])
    rows = [
        _row(Cell("depth", text="depth"), *[Cell(s.depth.depth, "int") for s in summaries]),
        _row(Cell("formula", text="depth formula"), *[Cell(formula(s.depth)) for s in summaries]),
        _row(Cell("input_shape", text="input (C×H×W)"), *[Cell(s.input_shape, "shape") for s in summaries]),
        _row(Cell("params", text="params"), *[_scaled(s.params, exact) for s in summaries]),
        _row(Cell("macs", text="MACs (conv + fc)"), *[_scaled(s.macs, exact) for s in summaries]),
        _row(Cell("flops", text="FLOPs (2 × MACs)"), *[_scaled(s.flops, exact) for s in summaries]),
        _row(Cell("activation_bytes", text="activation memory"), *[Cell(s.activation_bytes, "int", unit="B") if exact
                                          else Cell(s.activation_bytes, "bytes") for s in summaries]),
        _row(Cell("rf", text="final receptive field"), *[Cell(s.rf, "pair", unit="px") for s in summaries]),
        _row(Cell("output_shape", text="output"), *[Cell(s.output_shape, "shape") for s in summaries]),
    ]
    stage_keys = list(dict.fromkeys(st.name for s in summaries for st in s.stages))
    stage_keys.sort(key=lambda k: k == "head")  # a shorter network's head still comes after the other's stages
    for i, key in enumerate(stage_keys):
        found = [next((st for st in s.stages if st.name == key), None) for s in summaries]
        label = next(stage_label(st) for st in found if st is not None)
        cells = [Cell(st.output_shape, "shape") if st else Cell(None, "shape", text="") for st in found]
        rows.append(_row(Cell(f"{key}_output_shape", text=label), *cells, strong=i == 0))
    return Table(columns, tuple(rows), caption=" vs ".join(names), notes=tuple(_side_notes(summaries)),
                 id="compare", role="compare")


def _side_notes(summaries: Sequence[ModelSummary]) -> list[str]:
    result = summaries[0].result
    return [
        f"MACs count {texts.macs(result.policy)}.",
        f"Activation memory: every layer output of one forward pass, {result.dtype}, each tensor once.",
        texts.final_rf_note([s.result for s in summaries]),
        "Stage rows: the output of each stage, channels × height × width.",
        texts.DEPTH_SHORT,
    ]


def summary_record(s: ModelSummary) -> dict[str, Any]:
    """The JSON record of one model (numbers; the depth formula in words)."""
    return {
        "model": s.model, "input_shape": list(s.input_shape), "depth": s.depth.depth,
        "formula": formula(s.depth), "params": s.params, "macs": s.macs, "flops": s.flops,
        "activation_bytes": s.activation_bytes, "rf": list(s.rf) if s.rf else None,
        "feature_layer": s.feature_layer, "output_shape": list(s.output_shape),
        "stages": [{"name": st.name, "label": stage_label(st), "output_shape": list(st.output_shape),
                    "params": st.params, "macs": st.macs} for st in s.stages],
    }


def side_record(summaries: Sequence[ModelSummary]) -> dict[str, Any]:
    """``{"layout": "side", "conventions": ..., "models": [...]}`` with exact numbers."""
    conventions = {k: v for k, v in texts.conventions(summaries[0].result).items() if k != "final_rf"}
    return {"layout": "side", "conventions": conventions, "models": [summary_record(s) for s in summaries]}


# --------------------------------------------------------------------------- the paper's Table 1


def _size_text(size: tuple[int, int]) -> str:
    return fmt.shape(size, drop_batch=False)


PUBLISHED_LABEL = "as published"
TABLE1_DECIMALS = 2  # the paper printed one decimal (3.8); two show the difference (3.86 for ResNet-50 v1)


def published_table1() -> dict[str, tuple[str, str]]:
    """The paper's printed Table 1 FLOPs by registry name: (``"3.8×10⁹"``, the source in a few words), from
    the package's cited reference table; empty when it is not installed."""
    try:
        reference: Any = import_module("resnet_inspect.reference")
    except ImportError:
        return {}
    figures = reference.select("he2015/table1/")
    return {model: (f"{f.value:.{f.decimals}f}×10⁹", f.source.short or f.source.cite()) for model, f in figures.items()}


def _header(model: str, depth: int, paper: PaperTable) -> str:
    v15 = ", v1.5" if model in paper.v15_models else ""
    return f"{model} ({depth}-layer{v15})"


def paper_table(paper: PaperTable, published: dict[str, tuple[str, str]] | None = None) -> Table:
    """Table 1's columns: layer name, output size, one column per model; the computed FLOPs and, for the
    paper's own networks, the value the paper printed, in a row of its own."""
    published = published_table1() if published is None else published
    columns = (Column("layer", "layer name"), Column("output_size", "output size"),
               *[Column(m, _header(m, d, paper)) for m, d in zip(paper.models, paper.depths, strict=True)])
    rows = []
    for r in paper.rows:
        size = " / ".join(_size_text(x) for x in r.output_sizes)
        rows.append(_row(Cell(r.key, text=" / ".join(r.labels)), Cell(size),
                         *[Cell(cell_text(c)) for c in r.cells]))
    rows.append(_row(Cell("flops", text="MACs (the paper's \"FLOPs\")"), Cell(""),
                     *[Cell(m, "int", text=fmt.power_of_ten(m, TABLE1_DECIMALS)) for m in paper.macs], strong=True))
    printed = _published_cells(paper, published)
    if any(c.text for c in printed):
        source = next(src for text, src in published.values())
        rows.append(TableRow((Cell("published", text=f"{PUBLISHED_LABEL} ({source})"), Cell(""), *printed),
                             tags=frozenset({"published"})))
    return Table(columns, tuple(rows), caption=paper_caption(paper), notes=tuple(paper_notes(paper, published)),
                 id="table1", role="table1")


def _published_cells(paper: PaperTable, published: dict[str, tuple[str, str]]) -> list[Cell]:
    """The paper's value under each model whose Table 1 column it is; ``(v1)`` under a v1.5 twin."""
    cells = []
    for model, twin in zip(paper.models, paper.paper_models or (None,) * len(paper.models), strict=True):
        if twin is None or twin not in published:
            cells.append(Cell(None, text=""))
            continue
        text = published[twin][0] + (" (v1)" if twin != model else "")
        cells.append(Cell(text, text=text))
    return cells


def paper_caption(paper: PaperTable) -> str:
    """Whose layout the table is in, and which columns put the bottleneck's stride elsewhere than Table 1."""
    names = ", ".join(paper.models)
    if not paper.v15_models:
        return f"{names} — the layout of He et al. 2015, Table 1"
    return (f"{names} — in the layout of He et al. 2015, Table 1; {', '.join(paper.v15_models)} put the "
            "bottleneck's stride 2 on the 3×3 conv (torchvision's 'v1.5'), where Table 1 has it on the first 1×1")


def paper_notes(paper: PaperTable, published: dict[str, tuple[str, str]] | None = None) -> list[str]:
    """What the FLOPs rows count, how to read a bracket, where each model downsamples and how its shortcuts
    join — every sentence from the stages of the models in the table."""
    sizes = ", ".join(_size_text(x) for x in paper.input_sizes)
    notes = [f"MACs (the paper's \"FLOPs\"): conv + fc multiply-adds, not 2 × MACs, at input {sizes}, computed "
             f"from the built model and shown with {TABLE1_DECIMALS} decimals."]
    if published and any(m in published for m in paper.paper_models if m):
        notes.append(f"{PUBLISHED_LABEL.capitalize()}: the paper's printed value for its network of that depth, "
                     "one decimal, some rounded and some cut (3.664 → 3.6); under a v1.5 model, the value of "
                     "its v1 twin, which it is not.")
    notes.append("Brackets: kernel, output channels (C = groups) of each conv of a block, × blocks.")
    by_text: dict[str, list[str]] = {}
    for model, result in zip(paper.models, paper.results, strict=False):
        text = layout_sentence(result)
        if text:
            by_text.setdefault(text, []).append(model)
    for text, models in by_text.items():
        notes.append(text if len(by_text) == 1 else f"{', '.join(models)}: {text[0].lower()}{text[1:]}")
    if paper.v15_models:
        notes.append(f"{', '.join(paper.v15_models)}: bottleneck stride on the 3×3 conv (torchvision, 'v1.5'); "
                     "He et al. 2015's Table 1 puts it on the first 1×1 conv ('v1', the -v1 variants), which "
                     "costs fewer multiply-adds.")
    return notes


SHORTCUT_CLAUSE = {"projection": "its shortcut projects (1×1 conv)", "option_a": "its shortcut is option A "
                   "(subsampled identity, zero-padded channels)", "identity": "its shortcut is the identity",
                   "none": "it has no shortcut"}


def _names(stages: Sequence[StageFacts]) -> str:
    """``conv3_x to conv5_x``, ``layer2 and layer3``, ``conv3_x``."""
    names = [s.paper_name or s.name for s in stages]
    if len(names) == 1:
        return names[0]
    return f"{names[0]} to {names[-1]}" if len(names) > 2 else " and ".join(names)


def _first_clause(stage: StageFacts) -> str:
    """What the first stage's first block does with the map and the channels."""
    first = stage.first
    assert first is not None
    where = "the max pool's output" if stage.after_max_pool else "the stem's output"
    name, size = stage.paper_name or stage.name, "×".join(map(str, stage.in_hw))
    keeps = f"{name} works on {where}, so its first block keeps the {size} size"
    cin, cout = first.row.input_shape[1], first.row.output_shape[1]
    if first.shortcut == "projection":
        return f"{keeps}, and its shortcut projects {cin} → {cout} channels"
    if first.shortcut == "option_a":
        return f"{keeps}, and its shortcut zero-pads {cin} → {cout} channels (option A)"
    return f"{keeps}, and {SHORTCUT_CLAUSE[first.shortcut]}"


def layout_sentence(result: Inspection) -> str:
    """Where a network's stages downsample and what their first blocks' shortcuts do, in its own names and
    sizes; ``""`` for a network without stages of blocks."""
    stages = stage_facts(result)
    if not stages or stages[0].first is None:
        return ""
    out: list[str] = []
    down = [s for s in stages if s.first is not None and s.first.stride > 1]
    if down:
        strides = {s.first.stride for s in down if s.first is not None}
        kinds = {s.first.shortcut for s in down if s.first is not None}
        step = f"stride {strides.pop()}" if len(strides) == 1 else "a stride"
        clause = f"; {SHORTCUT_CLAUSE[kinds.pop()]}" if len(kinds) == 1 else ""
        out.append(f"In {_names(down)} the first block downsamples ({step}){clause}.")
    if stages[0].first.stride == 1:
        out.append(_first_clause(stages[0]) + ".")
    return " ".join(out)


def paper_record(paper: PaperTable) -> dict[str, Any]:
    """Table 1 as data: each row's cells by model, and the paper's FLOPs (multiply-adds) exactly."""
    published = published_table1()
    rows = [{"layer": r.key, "label": " / ".join(r.labels),
             "output_size": " / ".join(_size_text(x) for x in r.output_sizes),
             "cells": dict(zip(paper.models, (cell_text(c) for c in r.cells), strict=True))} for r in paper.rows]
    return {"layout": "paper", "models": list(paper.models), "rows": rows,
            "flops_multiply_adds": dict(zip(paper.models, paper.macs, strict=True)),
            "notes": paper_notes(paper, published),
            "paper_models": dict(zip(paper.models, paper.paper_models, strict=True)),
            "published_flops": {m: published[t][0] for m, t in zip(paper.models, paper.paper_models, strict=True)
                                if t is not None and t in published}}


# --------------------------------------------------------------------------- blocks


BLOCK_CAPTIONS = {
    PAPER_FIG5: "He et al. 2015, Fig. 5: a basic block at {narrow} channels, a bottleneck at {wide}, {size} map",
    SAME_WIDTH: "Same width (the tutorials' comparison): both blocks at {wide} channels, {size} map",
}


def blocks_table(pair: tuple[BlockFigures, BlockFigures], exact: bool = False, kind: str = SAME_WIDTH) -> Table:
    """Basic block vs bottleneck: channels, convs, conv weights, params with BN, MACs, and the ratio;
    ``kind`` says which comparison it is (:data:`PAPER_FIG5` or :data:`SAME_WIDTH`)."""
    basic, neck = pair
    size = fmt.hw(basic.input_shape)
    columns = (Column("block", "Block"), Column("channels", "Channels"),
               Column("convs", "Convs (kernel, out channels)"), Column("weights", "Conv weights", "int"),
               Column("params", "Params with BN", "int"), Column("macs", f"MACs at {size}", "count"))
    rows = [_row(Cell(b.name), Cell(channel_chain(b)), Cell("; ".join(layer_text(c) for c in b.convs)),
                 Cell(b.weights, "int"), Cell(b.params, "int"), _scaled(b.macs, exact)) for b in pair]
    ratios = [basic.weights / neck.weights, basic.params / neck.params, basic.macs / neck.macs]
    rows.append(_row(Cell("ratio", text="basic / bottleneck"), Cell(None), Cell(None),
                     *[Cell(round(r, 3), "ratio", text=fmt.ratio(r, 2) if r < 2 else None) for r in ratios],
                     strong=True))
    caption = BLOCK_CAPTIONS[kind].format(narrow=basic.input_shape[1], wide=neck.input_shape[1], size=size)
    return Table(columns, tuple(rows), caption=caption, notes=tuple(_block_notes(pair, kind)),
                 id=f"blocks-{kind}", role="blocks")


def _block_notes(pair: tuple[BlockFigures, BlockFigures], kind: str = SAME_WIDTH) -> list[str]:
    notes = [f"{b.name}: {weights_formula(b)} = {fmt.grouped(b.weights)} conv weights" for b in pair]
    positions = pair[0].output_shape[2] * pair[0].output_shape[3]
    if all(b.macs == b.weights * positions for b in pair):
        notes.append(f"MACs = conv weights × {fmt.grouped(positions)} output positions (stride 1); "
                     "BN and the add are not counted.")
    if kind == PAPER_FIG5:
        notes.append("The bottleneck takes the basic block's place (ResNet-34 → ResNet-50) at 4× the width for "
                     "about the same weights and MACs: \"similar time complexity\" (the paper).")
    elif pair[0].input_shape == pair[1].input_shape and pair[0].output_shape == pair[1].output_shape:
        notes.append("Both blocks map the same input to the same output shape.")
    return notes


def blocks_document(comparisons: dict[str, tuple[BlockFigures, BlockFigures]], exact: bool = False) -> Document:
    """Both comparisons, the paper's first (:func:`resnet_inspect.analysis.compare.block_comparisons`)."""
    tables = tuple(blocks_table(comparisons[k], exact, k) for k in (PAPER_FIG5, SAME_WIDTH) if k in comparisons)
    return Document("Basic block vs bottleneck: the paper's comparison and the same-width one", tables)


def _pair_record(pair: tuple[BlockFigures, BlockFigures]) -> dict[str, Any]:
    records = []
    for b in pair:
        d = {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(b).items()}
        d.update(channels=channel_chain(b), convs="; ".join(layer_text(c) for c in b.convs),
                 weights_formula=weights_formula(b))
        del d["weight_terms"]
        records.append(d)
    ratio = {"weights": pair[0].weights / pair[1].weights, "macs": pair[0].macs / pair[1].macs}
    return {"blocks": records, "ratio": ratio}


def blocks_record(pair: tuple[BlockFigures, BlockFigures],
                  comparisons: dict[str, tuple[BlockFigures, BlockFigures]] | None = None) -> dict[str, Any]:
    """The same-width pair's figures and the basic / bottleneck ratios (``blocks``, ``ratio``), and, under
    ``comparisons``, each comparison by kind (``paper``: He et al. 2015, Fig. 5; ``same-width``)."""
    out = {"layout": "blocks", **_pair_record(pair)}
    if comparisons:
        out["comparisons"] = {k: {"caption": blocks_table(v, kind=k).caption, **_pair_record(v)}
                              for k, v in comparisons.items()}
    return out


# --------------------------------------------------------------------------- v1 vs v1.5


def _change(x: int, y: int, exact: bool) -> Cell:
    text = "same" if x == y else f"{fmt.signed_count(y - x, exact)} ({fmt.percent(y, x)})"
    return Cell(y - x, "int", text=text)


def v15_table(pair: tuple[StridePlacement, ...], exact: bool = False) -> Table:
    """Where the stride sits, params, MACs (total and per stage), FLOPs and final receptive field."""
    a, b = pair[0], pair[1]
    sa, sb = a.summary, b.summary
    columns = (Column("metric", ""), Column(sa.model, sa.model, "count"), Column(sb.model, sb.model, "count"),
               Column("change", "Change", "int"))
    where = f"stride-2 conv in {', '.join(block_names(a))}" if a.blocks == b.blocks else "stride-2 conv"
    rows = [_row(Cell("stride_conv", text=where), Cell(", ".join(stride_conv_text(c) for c in a.stride_convs)),
                 Cell(", ".join(stride_conv_text(c) for c in b.stride_convs)), Cell(None))]
    for label, key, x, y, digits in (("params", "params", sa.params, sb.params, 3),
                                     ("MACs (conv + fc)", "macs", sa.macs, sb.macs, 4),
                                     ("FLOPs (2 × MACs)", "flops", sa.flops, sb.flops, 4)):
        rows.append(_row(Cell(key, text=label), _scaled(x, exact, digits), _scaled(y, exact, digits),
                         _change(x, y, exact)))
    macs_b = {s.name: s.macs for s in sb.stages}
    for s in sa.stages:
        if s.name.startswith("layer"):
            y = macs_b.get(s.name, 0)
            rows.append(_row(Cell(f"{s.name}_macs", text=f"{stage_label(s)} MACs"), _scaled(s.macs, exact, 4),
                             _scaled(y, exact, 4), _change(s.macs, y, exact), level=1))
    ra, rb = (sa.rf or (0, 0))[0], (sb.rf or (0, 0))[0]
    rows.append(_row(Cell("rf", text="final receptive field"), Cell(ra, "int", text=f"{fmt.pair(sa.rf)} px"),
                     Cell(rb, "int", text=f"{fmt.pair(sb.rf)} px"),
                     Cell(rb - ra, "int", text=f"{fmt.signed(rb - ra)} px")))
    return Table(columns, tuple(rows), caption=f"{sa.model} (v1, the paper) vs {sb.model} (v1.5, torchvision)",
                 notes=tuple(_v15_notes(a, b)), id="v1-vs-v15", role="v1-vs-v15")


def _v15_notes(a: StridePlacement, b: StridePlacement) -> list[str]:
    where = extra_macs_at(a, b)
    notes = [f"{a.summary.model} downsamples with its {' / '.join(stride_conv_text(c) for c in a.stride_convs)}, "
             f"{b.summary.model} with its {' / '.join(stride_conv_text(c) for c in b.stride_convs)}."]
    if where:
        notes.append(f"All of the extra MACs are in {', '.join(where)}, which {b.summary.model} runs before "
                     "the stride, on the larger map.")
    notes += [
        "Same weights, same output shapes: only the MACs and the receptive field change.",
        f"MACs count {texts.macs(a.summary.result.policy)}.",
        texts.final_rf_note([a.summary.result, b.summary.result]),
    ]
    return notes


def v15_record(pair: tuple[StridePlacement, ...]) -> dict[str, Any]:
    """Both models' summaries with where each puts its stride."""
    records = [{**summary_record(p.summary), "stride_convs": [stride_conv_text(c) for c in p.stride_convs],
                "downsampling_blocks": block_names(p)} for p in pair]
    return {"layout": "v1-vs-v1.5", "models": records}


def document(table: Table) -> Document:
    """A comparison table as a document of its own."""
    return Document(table.caption or "compare", (table,))
