"""Macro views: a network as stem → stages (× n blocks) → head, and networks as folded columns (Fig. 3).

Stage contents, block recipes, sizes and cumulative strides are read from the Inspection; repeated
identical blocks or layers are folded (``× n``) so that ResNet-152 or ResNet-1001 stay one page tall.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..analysis.blocks import Block
from ..analysis.facts import blocks_of
from ..analysis.groups import partition
from ..analysis.result import Inspection, Row, Stage
from ..document.fmt import kernel, pair, scaled, shape
from ..errors import InspectError
from . import diagram_style as st
from .diagram_block import paper_name, shortcut_phrase, stage_rows

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
    return [b for p, b in blocks_of(insp).items() if p.rsplit(".", 1)[0] == stage]


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
            ids.append(_draw_item(c, insp, item, ids[-1]))
    return ids[0], ids[-1]


def _draw_item(c: graphviz.Digraph, insp: Inspection, item: Block | list[Block], prev: str) -> str:
    """One block of an expanded stage with its own ``+`` and shortcut arrow (solid: no weights, dashed:
    projection), or a run of identical blocks folded into one box that says so; returns the bottom node."""
    if isinstance(item, list):
        nid = st.node_id("fold", item[0].path)
        each = {"none": "", "identity": ", each with its own identity shortcut",
                "option_a": ", each with its own option A shortcut"}.get(item[0].shortcut,
                                                                        ", each with its own projection shortcut")
        text = (f"<b>⋮  {len(item)} more identical blocks</b><br/>"
                + st.small(f"{st.esc(item[0].path)} … {st.esc(item[-1].path)}{each}", size=11))
        c.node(nid, st.html_label(text), shape="box", style="rounded", color="#888888")
        c.edge(prev, nid)
        return nid
    nid = st.node_id("blk", item.path)
    c.node(nid, block_label(insp, item), **st.kind_style("conv"))
    if item.shortcut == "none":
        c.edge(prev, nid)
        return nid
    fork, plus = st.node_id("in", item.path), st.node_id("add", item.path)
    c.node(fork, "", shape="point", width="0.06", style="filled", color="#333333")
    c.node(plus, "+", shape="circle", width="0.3", fixedsize="true", fontsize="14", **st.kind_style("add"))
    c.edge(prev, fork, arrowhead="none")
    c.edge(fork, nid)
    c.edge(nid, plus)
    c.edge(fork, plus, **(st.PROJECTION_EDGE if item.shortcut == "projection" else st.IDENTITY_EDGE))
    return plus


def _edge_label(stage: Stage) -> str:
    """What flows out of a stage: ``256 ch · 56×56 · cumulative stride 4`` (or ``1000`` after the head)."""
    out = stage.output_shape
    if len(out) != 4:
        return shape(out)
    jump = f"{chr(10) if st.landscape() else ' · '}cumulative stride {pair(stage.jump)}" if stage.jump else ""
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
    """Draw the macro view of ``insp`` into ``g``; return the bottom node (in a list).

    Top to bottom, what flows between stages is a line of text between the boxes; in a landscape drawing
    it labels the arrow, and the stages wrap into rows so that the picture keeps a 16:9 slide's shape.
    """
    wanted = check_expand(insp, expand)
    g.attr("graph", label=st.html_label(
        f"<b>{st.esc(insp.model)}</b>  {st.small(_summary(insp), '#222222', 13)}<br/> "))
    g.node("input", st.html_label(f"<b>input</b>  {shape(insp.input_shape)}"), shape="box", style="rounded")
    items: list[tuple[str, str, str, int]] = [("input", "input", "", 0)]  # first, last, what flows out, height
    for stage, leaves in stage_groups(insp):
        if stage.name in wanted:
            first, last = _draw_expanded(g, insp, stage)
            height = 1 + 2 * len(_fold_blocks(_blocks_of(insp, stage.name)))
        else:
            first = last = st.node_id("stage", stage.name)
            kind = "stage" if _blocks_of(insp, stage.name) else _main_kind(leaves)
            g.node(first, stage_label(insp, stage, leaves), **st.kind_style(kind),
                   penwidth="1.8" if kind == "stage" else "1.2")
            height = 1
        flow = st.esc(_edge_label(stage)).replace("\n", "<br/>")
        items.append((first, last, st.small(flow, "#222222", 11), height))
    if not st.landscape():
        return [_chain_down(g, items)]
    return [_wrap_rows(g, items)]


def _chain_down(g: graphviz.Digraph, items: Sequence[tuple[str, str, str, int]]) -> str:
    """Items one under the other, what flows between them as a line of text on the arrow's way."""
    prev = items[0][1]
    for (first, last, _, _), (_, _, flow, _) in zip(items[1:], items, strict=False):
        if flow:
            out = f"flow__{prev}"
            g.node(out, st.html_label(flow), shape="plaintext", style="")
            g.edge(prev, out, arrowhead="none")
            prev = out
        g.edge(prev, first)
        prev = last
    out = f"flow__{prev}"
    g.node(out, st.html_label(items[-1][2]), shape="plaintext", style="")
    g.edge(prev, out, arrowhead="none")
    return out


def rows_for(n: int, tall: int = 1, ratio: float = 16 / 9) -> int:
    """How many rows ``n`` boxes (about 3.8 in wide, ``tall`` × 1.9 in high with the gaps) should wrap into
    for the drawing to come closest to ``ratio`` (width / height)."""
    import math

    def error(rows: int) -> float:
        width, height = math.ceil(n / rows) * 3.8, rows * 1.9 * tall + 1.2
        return abs(math.log(width / height / ratio))

    return min(range(1, n + 1), key=error)


def _wrap_rows(g: graphviz.Digraph, items: Sequence[tuple[str, str, str, int]]) -> str:
    """Items left to right in rows (like lines of text); each arrow labelled with what flows along it."""
    out = "flow__end"
    g.node(out, st.html_label(items[-1][2]), shape="plaintext", style="")
    nodes = [*items, (out, out, "", 1)]
    per_row = -(-len(nodes) // rows_for(len(nodes), max(i[3] for i in nodes)))
    starts = list(range(0, len(nodes), per_row))
    if len(starts) > 1 and starts[-1] == len(nodes) - 1:  # what flows out stays beside the head, not on a row
        starts.pop()                                       # of its own at the left with an arrow back to it
    for k, ((_, last, flow, _), (first, _, _, _)) in enumerate(itertools.pairwise(nodes), start=1):
        attrs: dict[str, str] = {"arrowhead": "none"} if first == out else {}
        if flow and first != out:
            attrs["label"] = st.html_label(flow)
        if k in starts:  # the arrow back to the start of the next row does not rank it; the row does
            attrs["constraint"] = "false"
        g.edge(last, first, **attrs)
    for a, b in itertools.pairwise(starts):  # rows start under each other, at the left
        g.edge(nodes[a][0], nodes[b][0], style="invis", weight="10")
    for start, end in itertools.pairwise([*starts, len(nodes)]):
        with g.subgraph() as row:
            row.attr(rank="same")
            for first, _, _, _ in nodes[start:end]:
                row.node(first)
    return out


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
    size: tuple[int, int]
    count: int = 1


def units(insp: Inspection) -> list[Unit]:
    """The main path as units: residual blocks whole, other layers one by one, identical runs folded."""
    owner = {leaf.name: b for b in blocks_of(insp).values() if b.path for leaf in b.leaves}
    seen: set[str] = set()
    out: list[Unit] = []
    for r in insp.rows:
        if not r.is_leaf or r.on_shortcut:
            continue
        b = owner.get(r.name)
        if b is not None and b.shortcut != "none":
            if b.path not in seen:
                seen.add(b.path)
                lines = tuple(st.paper_conv(c) for c in b.main if c.kind == "conv")
                out.append(Unit(lines, "conv", b.shortcut, _size(b.row)))
            continue
        if r.kind in ("conv", "linear") or (r.kind == "pool" and r.input_shape != r.output_shape):
            out.append(Unit((st.paper_conv(r),), r.kind, "", _size(r)))
    return _fold_units(out)


def _size(r: Row) -> tuple[int, int]:
    return (r.output_shape[2], r.output_shape[3]) if len(r.output_shape) == 4 else (1, 1)


def _fold_units(items: list[Unit]) -> list[Unit]:
    folded: list[Unit] = []
    for u in items:
        last = folded[-1] if folded else None
        if last and (last.lines, last.kind, last.shortcut, last.size) == (u.lines, u.kind, u.shortcut, u.size):
            folded[-1] = Unit(u.lines, u.kind, u.shortcut, u.size, last.count + 1)
        else:
            folded.append(u)
    return folded


def _unit_width() -> str:
    """Columns of equal width top to bottom; in a landscape drawing each box only as wide as its text."""
    return "0" if st.landscape() else "2.3"


def _unit_label(u: Unit) -> str:
    lines = u.lines
    if st.landscape():  # "3×3 conv, 128, /2" → "3×3 conv" over "128, /2": narrower boxes along the row
        lines = tuple(part for line in lines for part in line.split(", ", 1))
    body = "<br/>".join(stride_html(line) for line in lines)
    times = f'<td valign="middle"><font point-size="15"><b>×{u.count}</b></font></td>' if u.count > 1 else ""
    return st.html_label(f'{TABLE}<tr><td>{body}</td>{times}</tr></table>')


def _column_title(insp: Inspection) -> str:
    t = insp.totals
    return st.html_label(f"<b>{st.esc(insp.model)}</b><br/>"
                         + st.small(f"{t.depth} layers · {scaled(t.macs)} MACs · {scaled(t.params)} params",
                                    "#222222", 12))


@dataclass
class _Chain:
    """The main-path nodes of one column in drawing order, each with the output size it belongs to."""

    nodes: list[tuple[str, Size]]

    def firsts(self) -> dict[Size, str]:
        out: dict[Size, str] = {}
        for nid, size in self.nodes:
            out.setdefault(size, nid)
        return out


def _draw_column(g: graphviz.Digraph, insp: Inspection, us: Sequence[Unit], i: int) -> _Chain:
    """One column: layers (``×n`` when repeated) and residual blocks, each block with its own ``+`` and
    shortcut; a run of n identical blocks is framed and labelled ``× n``, so the frame — shortcut included —
    is what repeats.  Main-path edges are added later (their lengths depend on the other columns)."""
    chain = _Chain([(st.node_id(f"c{i}", "image"), IMAGE)])
    with g.subgraph(name=f"cluster_col{i}") as c:
        c.attr(label=_column_title(insp), style="rounded", color="#bbbbbb", fontsize="15", margin="12")
        c.node(chain.nodes[0][0], st.html_label(f"<b>image</b> {shape(insp.input_shape)}"), style="rounded")
        for k, u in enumerate(us):
            nid = st.node_id(f"c{i}", f"u{k}")
            if not u.shortcut:
                c.node(nid, _unit_label(u), width=_unit_width(), **st.kind_style(u.kind))
                chain.nodes.append((nid, u.size))
                continue
            plus = st.node_id(f"c{i}", f"add{k}")
            frame = st.node_id(f"c{i}", f"in{k}")  # the block input: where its shortcut leaves the main path
            with c.subgraph(name=f"cluster_c{i}_run{k}" if u.count > 1 else None) as box:
                if u.count > 1:
                    box.attr(label=st.html_label(f"<b>× {u.count}</b> " + st.small("blocks", "#222222", 12)),
                             labeljust="r", labelloc="b", style="rounded", color="#999999", margin="6")
                box.node(frame, "", shape="point", width="0.06", style="filled", color="#333333")
                box.node(nid, _unit_label(Unit(u.lines, u.kind, u.shortcut, u.size)), width=_unit_width(),
                         **st.kind_style(u.kind))
                box.node(plus, "+", shape="circle", width="0.3", fixedsize="true", fontsize="14",
                         **st.kind_style("add"))
            skip = st.PROJECTION_EDGE if u.shortcut == "projection" else st.IDENTITY_EDGE
            c.edge(frame, plus, constraint="false", **skip)
            chain.nodes += [(frame, chain.nodes[-1][1]), (nid, u.size), (plus, u.size)]
    return chain


Size = tuple[int, int]
IMAGE: Size = (1 << 30, 1 << 30)  # the image sorts before every output size


def _link_columns(g: graphviz.Digraph, chains: Sequence[_Chain], order: Sequence[Size]) -> None:
    """Draw each column's main-path edges, lengthened so that every column reaches each output size on the
    same row, with the slack spread over the section (no long empty stretch before a row)."""
    per_chain = [_sections(ch) for ch in chains]
    start: dict[Size, int] = {}
    for t in order:
        reach = [start[a] + len(nodes) for secs in per_chain
                 for (a, nodes), (b, _) in itertools.pairwise(secs) if b == t]
        start[t] = max([*reach, max(start.values(), default=-1) + 1])
    for secs in per_chain:
        for (a, nodes), (b, after) in itertools.pairwise(secs):
            extra, n = start[b] - start[a] - len(nodes), len(nodes)
            for j, (src, dst) in enumerate(itertools.pairwise([*nodes, after[0]])):
                stretch = 1 + extra * (j + 1) // n - extra * j // n
                g.edge(src, dst, **({"minlen": str(stretch)} if stretch > 1 else {}))
        for src, dst in itertools.pairwise(secs[-1][1]):
            g.edge(src, dst)


def _sections(ch: _Chain) -> list[tuple[Size, list[str]]]:
    """The column's main-path nodes cut into runs of one output size, in order."""
    out: list[tuple[Size, list[str]]] = []
    for nid, size in ch.nodes:
        if out and out[-1][0] == size:
            out[-1][1].append(nid)
        else:
            out.append((size, [nid]))
    return out


def draw_columns(g: graphviz.Digraph, insps: Sequence[Inspection]) -> list[str]:
    """Networks side by side as folded columns, rows aligned by output size; returns the bottom nodes."""
    if not insps:
        raise InspectError("plain-vs-residual needs at least one model, e.g. vgg19 plain34 resnet34")
    g.attr("graph", label=st.html_label("<b>plain vs residual</b>  " + st.small(
        "(He et al. 2015, Fig. 3; repeated layers folded: ×n; a framed block with its shortcut repeats × n)",
        "#222222", 13) + "<br/> "))
    all_units = [units(insp) for insp in insps]
    sizes = sorted({u.size for us in all_units for u in us}, key=lambda hw: -hw[0] * hw[1])
    size_ids = {s: st.node_id("size", f"{s[0]}x{s[1]}") for s in sizes}
    for s in sizes:
        text = f"output<br/>{s[0]}×{s[1]}" if s != (1, 1) else "output<br/>vector"
        g.node(size_ids[s], st.html_label(st.small(text, size=12)), shape="plaintext", style="")
    chains = [_draw_column(g, insp, us, i) for i, (insp, us) in enumerate(zip(insps, all_units, strict=True))]
    order = [IMAGE, *sizes]
    _link_columns(g, chains, order)
    for k, s in enumerate(sizes):
        if k:
            g.edge(size_ids[sizes[k - 1]], size_ids[s], style="invis")
    for s in order:
        with g.subgraph() as same:
            same.attr(rank="same")
            if s in size_ids:
                same.node(size_ids[s])
            for ch in chains:
                first = ch.firsts().get(s)
                if first is not None:
                    same.node(first)
    return [ch.nodes[-1][0] for ch in chains]
