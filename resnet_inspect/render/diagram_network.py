"""Macro views: a network as stem → stages (× n blocks) → head, and networks as folded columns (Fig. 3).

Stage contents, block recipes, sizes and cumulative strides are read from the Inspection; repeated
identical blocks or layers are folded (``× n``) so that ResNet-152 or ResNet-1001 stay one page tall.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..analysis.groups import partition
from ..analysis.result import Inspection, Row, Stage
from ..errors import InspectError
from . import diagram_style as st
from .diagram_block import Block, block_paths, get_block, paper_name, shortcut_phrase, stage_rows
from .fmt import kernel, pair, scaled, shape

if TYPE_CHECKING:
    import graphviz

FOLD_RUN = 4  # a run of this many identical blocks or more is drawn first, "⋮ n more", last
TABLE = '<table border="0" cellborder="0" cellspacing="0" cellpadding="2">'


# --------------------------------------------------------------------------- stages and their rows


def stage_groups(insp: Inspection) -> list[tuple[Stage, list[Row]]]:
    """Each :class:`Stage` with its leaf rows (the analysis's own split: stem, layerN, head)."""
    groups = [g for g in partition(insp.rows) if g.leaves]
    if len(groups) != len(insp.stages):
        raise InspectError(f"cannot match the rows of {insp.model} to its {len(insp.stages)} stages")
    return [(stage, list(g.leaves)) for stage, g in zip(insp.stages, groups, strict=True)]


# --------------------------------------------------------------------------- text of layers and blocks


def stride_html(text: str) -> str:
    """Escape a paper-notation label and colour its stride (``, /2``) red."""
    return re.sub(r"/(\d+)", lambda m: st.red(f"/{m.group(1)}"), st.esc(text))


def layer_lines(leaves: Sequence[Row]) -> list[tuple[str, int]]:
    """Stem/head/VGG layers as folded lines: ``[("3×3 conv, 64 · ReLU", 2), ("2×2 max pool, /2", 1)]``.

    A conv, pool or fc starts a line; BN and ReLU that follow it are appended; shortcuts are skipped, and so
    are layers that leave the tensor as it is (flatten, dropout, an adaptive pool to the same size).
    """
    lines: list[str] = []
    for r in leaves:
        if r.on_shortcut or (r.kind == "pool" and r.input_shape == r.output_shape):
            continue
        if r.kind in ("conv", "pool", "linear"):
            lines.append(st.paper_conv(r))
        elif r.kind in ("norm", "act") or r.type == "Dropout":
            tag = "BN" if r.kind == "norm" else r.type.lower() if r.type == "Dropout" else r.type
            lines.append(f"{lines.pop()} · {tag}" if lines else tag)
        elif r.kind == "add":
            lines.append("+")
    folded: list[tuple[str, int]] = []
    for line in lines:
        if folded and folded[-1][0] == line and not line.startswith(("BN", "ReLU")):
            folded[-1] = (line, folded[-1][1] + 1)
        else:
            folded.append((line, 1))
    return folded


def recipe(block: Block) -> str:
    """The convs of a block in Table 1 notation: ``1×1, 64 · 3×3, 64 · 1×1, 256`` (grouped: ``g=32``)."""
    parts = []
    for r in block.main:
        if r.kind == "conv":
            g = f", g={r.groups}" if r.groups and r.groups > 1 else ""
            parts.append(f"{kernel(r.kernel)}, {st.channels(r.output_shape)}{g}")
    return " · ".join(parts)


def order_phrase(block: Block) -> str:
    """The order of the layers on F(x): ``conv→BN→ReLU ×2, conv→BN, +, ReLU`` or ``BN→ReLU→conv ×3, +``."""
    tokens = ["conv" if r.kind == "conv" else "BN" if r.kind == "norm" else "ReLU" if r.kind == "act"
              else "+" if r.kind == "add" else r.type for r in block.main]
    pre = bool(tokens) and tokens[0] != "conv"
    units: list[list[str]] = [[]]
    for t in tokens:
        if t == "+":
            units.extend([["+"], []])
            continue
        if not pre and t == "conv" and units[-1]:
            units.append([])
        units[-1].append(t)
        if pre and t == "conv":
            units.append([])
    text = [("→".join(u)) for u in units if u]
    folded: list[tuple[str, int]] = []
    for u in text:
        if folded and folded[-1][0] == u:
            folded[-1] = (u, folded[-1][1] + 1)
        else:
            folded.append((u, 1))
    return ", ".join(u if n == 1 else f"{u} ×{n}" for u, n in folded)


def first_block_note(block: Block) -> str:
    """Where the first block of a stage downsamples and what its shortcut is (escaped HTML)."""
    strided = [r for r in block.main if st.stride_of(r) > 1]
    where = ", ".join(f"{st.short_name(r, block.path)} ({kernel(r.kernel)})" for r in strided)
    down = f"{st.red(f'stride {block.stride}')} on {st.esc(where)} · " if strided else ""
    return f"first block: {down}{st.esc(shortcut_phrase(block))}"


def _blocks_of(insp: Inspection, stage: str) -> list[Block]:
    return [get_block(insp, p) for p in block_paths(insp) if p.rsplit(".", 1)[0] == stage]


def _stage_title(insp: Inspection, stage: Stage) -> str:
    m = re.fullmatch(r"layer(\d+)", stage.name)
    paper = f" ({paper_name(insp, stage.name + '.0')[:-1]}x)" if m and paper_name(insp, stage.name + ".0") else ""
    return f"<b>{st.esc(stage.name)}</b>{st.esc(paper)}"


def _numbers(params: int, macs: int | None, rf: tuple[int, int] | None) -> str:
    rf_text = f" · RF {pair(rf)} px" if rf else ""
    return st.small(f"{scaled(params)} params · {scaled(macs)} MACs{rf_text}", size=11)


def _table(rows: Sequence[str]) -> str:
    return st.html_label(TABLE + "".join(f'<tr><td align="left" balign="left">{r}</td></tr>' for r in rows)
                         + "</table>")


def stage_label(insp: Inspection, stage: Stage, leaves: Sequence[Row]) -> str:
    """A stage box: name, × n blocks, the block recipe, the first block's stride and shortcut, numbers."""
    blocks = _blocks_of(insp, stage.name)
    rows = []
    if blocks:
        n = len(blocks)
        rows.append(f'{_stage_title(insp, stage)}   <font point-size="15"><b>× {n} block{"s" * (n > 1)}'
                    "</b></font>")
        typical = blocks[-1]
        rows.append(f"{st.esc(typical.row.type)} [{st.esc(recipe(typical))}]")
        rows.append(st.small(st.esc(order_phrase(typical)), "#222222", 11))
        first = blocks[0]
        if first.stride > 1 or first.shortcut != typical.shortcut or recipe(first) != recipe(typical):
            rows.append(st.small(first_block_note(first), "#222222", 11))
    else:
        rows.append(_stage_title(insp, stage))
        rows.extend(stride_html(line) + (f"  <b>×{n}</b>" if n > 1 else "") for line, n in layer_lines(leaves))
    rows.append(_numbers(stage.params, stage.macs, stage.rf if len(stage.output_shape) == 4 else None))
    return _table(rows)


def block_label(insp: Inspection, block: Block, count: int = 1) -> str:
    """A block inside an expanded stage: path, recipe with its stride, shortcut, numbers."""
    paper = paper_name(insp, block.path)
    head = f"<b>{st.esc(block.path)}</b>{f' ({paper})' if paper else ''}  {st.esc(block.row.type)}"
    strided = {r.name for r in block.main if st.stride_of(r) > 1}
    convs = [stride_html(st.paper_conv(r)) if r.name in strided else st.esc(st.paper_conv(r))
             for r in block.main if r.kind == "conv"]
    tail = st.small(f"{scaled(block.row.params)} params · {scaled(block.row.macs)} MACs · out "
                    f"{shape(block.row.output_shape)}", size=10)
    return _table([head, " · ".join(convs), st.small(st.esc(shortcut_phrase(block)), "#222222", 11), tail])


# --------------------------------------------------------------------------- the network view


def _fold_blocks(blocks: list[Block]) -> list[Block | list[Block]]:
    """Runs of ≥ FOLD_RUN identical blocks become first, [the middle ones], last."""
    items: list[Block | list[Block]] = []
    i = 0
    while i < len(blocks):
        j = i
        key = (recipe(blocks[i]), blocks[i].shortcut, blocks[i].stride)
        while j + 1 < len(blocks) and (recipe(blocks[j + 1]), blocks[j + 1].shortcut, blocks[j + 1].stride) == key:
            j += 1
        run = blocks[i:j + 1]
        items.extend([run[0], run[1:-1], run[-1]] if len(run) >= FOLD_RUN else run)
        i = j + 1
    return items


def _draw_expanded(g: graphviz.Digraph, insp: Inspection, stage: Stage) -> tuple[str, str]:
    blocks = _blocks_of(insp, stage.name)
    header = st.node_id("head", stage.name)
    ids: list[str] = [header]
    with g.subgraph(name=f"cluster_{stage.name}") as c:
        c.attr(label="", style="rounded,filled", fillcolor=st.PALETTE["stage"][0], color=st.PALETTE["stage"][1],
               margin="12")
        c.node(header, _table([f'{_stage_title(insp, stage)}   <font point-size="15"><b>× {len(blocks)} blocks'
                               "</b></font>", _numbers(stage.params, stage.macs, stage.rf)]),
               shape="plaintext", style="", margin="0.05")
        for item in _fold_blocks(blocks):
            if isinstance(item, list):
                nid = st.node_id("fold", item[0].path)
                text = (f"<b>⋮  {len(item)} more identical blocks</b><br/>"
                        + st.small(f"{st.esc(item[0].path)} … {st.esc(item[-1].path)}", size=11))
                c.node(nid, st.html_label(text), shape="box", style="rounded,dashed", color="#888888")
            else:
                nid = st.node_id("blk", item.path)
                style = "rounded,filled,dashed" if item.shortcut == "projection" else "rounded,filled"
                c.node(nid, block_label(insp, item), style=style, **st.kind_style("conv"))
            c.edge(ids[-1], nid, arrowhead="none" if ids[-1] == header else "normal")
            ids.append(nid)
    return ids[0], ids[-1]


def _edge_label(stage: Stage) -> str:
    """What flows out of a stage: ``256 ch · 56×56 · cumulative stride 4`` (or ``1000`` after the head)."""
    out = stage.output_shape
    if len(out) != 4:
        return shape(out)
    jump = f" · cumulative stride {pair(stage.jump)}" if stage.jump else ""
    return f"{out[1]} ch · {out[2]}×{out[3]}{jump}"


def check_expand(insp: Inspection, expand: Sequence[str]) -> set[str]:
    """The stages to expand (``all`` for every stage with blocks); unknown names get the valid ones."""
    valid = [r.name for r in stage_rows(insp)]
    wanted = set(valid) if "all" in expand else set(expand)
    unknown = sorted(wanted - set(valid))
    if unknown:
        listed = ", ".join([*valid, "all"]) if valid else "none (this network has no residual stages)"
        raise InspectError(f"--expand {unknown[0]}: {insp.model} has no such stage; valid: {listed}")
    return wanted


def draw_network(g: graphviz.Digraph, insp: Inspection, expand: Sequence[str] = ()) -> list[str]:
    """Draw the macro view of ``insp`` into ``g``; return the bottom node (in a list)."""
    wanted = check_expand(insp, expand)
    g.attr("graph", label=st.html_label(
        f"<b>{st.esc(insp.model)}</b>  {st.small(_summary(insp), '#222222', 13)}<br/> "))
    prev = "input"
    g.node(prev, st.html_label(f"<b>input</b>  {shape(insp.input_shape)}"), shape="box", style="rounded")
    for stage, leaves in stage_groups(insp):
        if stage.name in wanted:
            first, last = _draw_expanded(g, insp, stage)
        else:
            first = last = st.node_id("stage", stage.name)
            kind = "stage" if _blocks_of(insp, stage.name) else _main_kind(leaves)
            g.node(first, stage_label(insp, stage, leaves), **st.kind_style(kind),
                   penwidth="1.8" if kind == "stage" else "1.2")
        g.edge(prev, first)
        prev = last
        out = st.node_id("out", stage.name)
        g.node(out, st.html_label(st.small(st.esc(_edge_label(stage)), "#222222", 11)), shape="plaintext",
               style="")
        g.edge(prev, out, arrowhead="none")
        prev = out
    return [prev]


def _main_kind(leaves: Sequence[Row]) -> str:
    kinds = [r.kind for r in leaves if r.kind in ("conv", "linear", "pool")]
    return "linear" if "linear" in kinds else kinds[0] if kinds else "other"


def _summary(insp: Inspection) -> str:
    t = insp.totals
    return st.esc(f"{t.depth} weighted layers · {scaled(t.params)} params · {scaled(t.macs)} MACs · "
                  f"RF {pair(t.rf)} px · input {shape(insp.input_shape)}")


# --------------------------------------------------------------------------- columns (Fig. 3)


@dataclass(frozen=True)
class Unit:
    """One drawn item of a column: a layer, or a residual block; ``count`` identical ones in a row."""

    lines: tuple[str, ...]
    kind: str
    shortcut: str
    size: int
    count: int = 1


def units(insp: Inspection) -> list[Unit]:
    """The main path as units: residual blocks whole, other layers one by one, identical runs folded."""
    blocks = {p: get_block(insp, p) for p in block_paths(insp)}
    seen: set[str] = set()
    out: list[Unit] = []
    for r in insp.rows:
        if not r.is_leaf or r.on_shortcut:
            continue
        path = next((p for p in blocks if p and r.name.startswith(p + ".")), None)
        b = blocks[path] if path is not None else None
        if b is not None and b.shortcut != "none":
            if b.path not in seen:
                seen.add(b.path)
                lines = tuple(st.paper_conv(c) for c in b.main if c.kind == "conv")
                out.append(Unit(lines, "conv", b.shortcut, _size(b.row)))
            continue
        if r.kind in ("conv", "linear") or (r.kind == "pool" and r.input_shape != r.output_shape):
            out.append(Unit((st.paper_conv(r),), r.kind, "", _size(r)))
    return _fold_units(out)


def _size(r: Row) -> int:
    return r.output_shape[2] if len(r.output_shape) == 4 else 1


def _fold_units(items: list[Unit]) -> list[Unit]:
    folded: list[Unit] = []
    for u in items:
        last = folded[-1] if folded else None
        if last and (last.lines, last.kind, last.shortcut, last.size) == (u.lines, u.kind, u.shortcut, u.size):
            folded[-1] = Unit(u.lines, u.kind, u.shortcut, u.size, last.count + 1)
        else:
            folded.append(u)
    return folded


def _unit_label(u: Unit) -> str:
    body = "<br/>".join(stride_html(line) for line in u.lines)
    times = f'<td valign="middle"><font point-size="15"><b>×{u.count}</b></font></td>' if u.count > 1 else ""
    return st.html_label(f'{TABLE}<tr><td>{body}</td>{times}</tr></table>')


def _column_title(insp: Inspection) -> str:
    t = insp.totals
    return st.html_label(f"<b>{st.esc(insp.model)}</b><br/>"
                         + st.small(f"{t.depth} layers · {scaled(t.macs)} MACs · {scaled(t.params)} params",
                                    "#222222", 12))


def _draw_column(g: graphviz.Digraph, insp: Inspection, us: Sequence[Unit], i: int) -> tuple[dict[int, str], str]:
    """One column; returns the first node drawn at each output size (0: the image), and the bottom node."""
    firsts: dict[int, str] = {}
    with g.subgraph(name=f"cluster_col{i}") as c:
        c.attr(label=_column_title(insp), style="rounded", color="#bbbbbb", fontsize="15", margin="12")
        prev = st.node_id(f"c{i}", "image")
        c.node(prev, st.html_label(f"<b>image</b> {shape(insp.input_shape)}"), style="rounded")
        firsts[0] = prev
        for k, u in enumerate(us):
            nid = st.node_id(f"c{i}", f"u{k}")
            style = "rounded,filled,dashed" if u.shortcut == "projection" else "rounded,filled"
            c.node(nid, _unit_label(u), style=style, width="2.3", **st.kind_style(u.kind))
            c.edge(prev, nid)
            firsts.setdefault(u.size, nid)
            if u.shortcut:
                plus = st.node_id(f"c{i}", f"add{k}")
                c.node(plus, "+", shape="circle", width="0.3", fixedsize="true", fontsize="14",
                       **st.kind_style("add"))
                c.edge(nid, plus)
                skip = st.PROJECTION_EDGE if u.shortcut == "projection" else st.IDENTITY_EDGE
                c.edge(prev, plus, constraint="false", **skip)
                nid = plus
            prev = nid
    return firsts, prev


def draw_columns(g: graphviz.Digraph, insps: Sequence[Inspection]) -> list[str]:
    """Networks side by side as folded columns, rows aligned by output size; returns the bottom nodes."""
    if not insps:
        raise InspectError("plain-vs-residual needs at least one model, e.g. vgg19 plain34 resnet34")
    g.attr("graph", label=st.html_label("<b>plain vs residual</b>  " + st.small(
        "(He et al. 2015, Fig. 3; repeated layers and blocks folded: ×n)", "#222222", 13) + "<br/> "))
    all_units = [units(insp) for insp in insps]
    sizes = sorted({u.size for us in all_units for u in us}, reverse=True)
    size_ids = {s: st.node_id("size", str(s)) for s in sizes}
    for k, s in enumerate(sizes):
        text = f"output<br/>{s}×{s}" if s > 1 else "output<br/>vector"
        g.node(size_ids[s], st.html_label(st.small(text, size=12)), shape="plaintext", style="")
        if k:
            g.edge(size_ids[sizes[k - 1]], size_ids[s], style="invis")
    columns = [_draw_column(g, insp, us, i) for i, (insp, us) in enumerate(zip(insps, all_units, strict=True))]
    for s in [0, *sizes]:
        with g.subgraph() as same:
            same.attr(rank="same")
            if s in size_ids:
                same.node(size_ids[s])
            for firsts, _ in columns:
                if s in firsts:
                    same.node(firsts[s])
    return [bottom for _, bottom in columns]
