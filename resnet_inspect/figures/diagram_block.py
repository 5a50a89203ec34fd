"""One residual block drawn from its rows: every conv, BN, ReLU and the add, with the shortcut beside it.

The edges are the rows' ``inputs`` (what the traced forward pass actually fed each layer), so the
shortcut starts where the model takes it from — the block input, or (pre-activation) wherever the model
says — and a projection's stride is the stride of the module that is there.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..analysis.blocks import Block, KindGroup
from ..analysis.facts import blocks_of
from ..analysis.result import Inspection, Row
from ..document.fmt import grouped, kernel, scaled, shape
from ..errors import InspectError
from . import diagram_style as st

if TYPE_CHECKING:
    import graphviz


def stage_rows(insp: Inspection) -> list[Row]:
    """The top-level stage rows ``layer1`` … ``layerN``."""
    return [r for r in insp.rows if r.depth == 1 and not r.is_leaf and re.fullmatch(r"layer\d+", r.name)]


def block_paths(insp: Inspection) -> list[str]:
    """Every block of a network (``layer1.0`` …), or ``[""]`` when the inspected module is one block."""
    return list(blocks_of(insp))


def get_block(insp: Inspection, path: str) -> Block:
    """The block at ``path``; an unknown path is answered with the valid ones."""
    found = blocks_of(insp)
    if path not in found:
        valid = list(found)
        if not valid:
            raise InspectError(f"{insp.model} has no residual blocks to draw; "
                               f"try `resnet-inspect diagram network {insp.model}`")
        raise InspectError(f"{insp.model} has no block {path!r}; valid blocks: {summarize_paths(valid)}")
    return found[path]


def default_block(insp: Inspection) -> str:
    """The first block with a stride (the one that shows what differs: downsampling, the projection, and in
    a v1 layout where the stride sits), else the first with a projection or option A shortcut, else the first."""
    blocks = list(blocks_of(insp).values())
    if not blocks:
        return get_block(insp, "layer1.0").path  # raises with the hint
    strided = next((b.path for b in blocks if b.stride > 1), None)
    if strided is not None:
        return strided
    return next((b.path for b in blocks if b.shortcut in ("projection", "option_a")), blocks[0].path)


def summarize_paths(paths: list[str]) -> str:
    """``layer1.0, layer1.1, layer1.2, layer2.0`` → ``layer1.0–layer1.2, layer2.0`` (runs per stage)."""
    runs: list[list[str]] = []
    for p in paths:
        stage = p.rsplit(".", 1)[0]
        if runs and runs[-1][0].rsplit(".", 1)[0] == stage:
            runs[-1].append(p)
        else:
            runs.append([p])
    return ", ".join(r[0] if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def paper_name(insp: Inspection, path: str) -> str:
    """The paper's name of an ImageNet ResNet block (``layer2.0`` → ``conv3_1``), else ``""``."""
    m = re.fullmatch(r"layer(\d+)\.(\d+)", path)
    has_imagenet_stem = any(r.name == "maxpool" for r in insp.rows)
    return f"conv{int(m.group(1)) + 1}_{int(m.group(2)) + 1}" if m and has_imagenet_stem else ""


def block_title(insp: Inspection, block: Block) -> str:
    """``resnet50 · layer2.0 (conv3_1) · Bottleneck``."""
    where = block.path or "(the module)"
    paper = paper_name(insp, block.path)
    return f"{insp.model} · {where}{f' ({paper})' if paper else ''} · {block.row.type}"


def shortcut_phrase(block: Block) -> str:
    """What the shortcut does, e.g. ``projection shortcut 1×1/2 conv + BN``."""
    if block.shortcut == "projection":
        side = [r for r in block.leaves if r.on_shortcut]
        parts = [f"{kernel(r.kernel)}{f'/{st.stride_of(r)}' if st.stride_of(r) > 1 else ''} conv"
                 if r.kind == "conv" else "BN" if r.kind == "norm" else r.type for r in side]
        return "projection shortcut " + " + ".join(parts)
    return {"option_a": "option A shortcut (zero-padding)", "identity": "identity shortcut",
            "none": "no shortcut (plain)"}[block.shortcut]


def block_caption(block: Block, numbers: str | None = None) -> str:
    """The numbers under a block: parameters, MACs, stride and shortcut kind."""
    return st.html_label(_caption_text(block, numbers))


def _caption_text(block: Block, numbers: str | None = None) -> str:
    r = block.row
    line1 = numbers or f"<b>{grouped(r.params)} params · {scaled(r.macs)} MACs</b>"
    line2 = f"{shape(r.input_shape)} → {shape(r.output_shape)} · {shortcut_phrase(block)}"
    return f"{line1}<br/>{st.small(st.esc(line2), '#222222', 11)}"


def group_caption(kind: KindGroup) -> str:
    """The numbers of a kind of block: each block's when all are alike, else the range and the sum."""
    first, n = kind.blocks[0], len(kind.blocks)
    if kind.alike:
        each = " each" if n > 1 else ""
        return f"<b>{grouped(first.params)} params · {scaled(first.macs)} MACs{each}</b>"
    params = kind.params
    macs = [b.macs or 0 for b in kind.blocks]
    p_text = (f"{grouped(params[0])} params each" if len(set(params)) == 1
              else f"{grouped(min(params))}–{grouped(max(params))} params per block, {grouped(sum(params))} in all {n}")
    m_text = (f"{scaled(macs[0])} MACs each" if len(set(macs)) == 1
              else f"{scaled(min(macs))}–{scaled(max(macs))} MACs per block")
    return f"<b>{p_text}</b><br/><b>{m_text}</b>"


def _shortcut_style(block: Block) -> dict[str, str]:
    return st.PROJECTION_EDGE if block.shortcut == "projection" else st.IDENTITY_EDGE


def _edge_style(block: Block, src: Row | None, dst: Row) -> dict[str, str]:
    """Shortcut edges in the shortcut colour (dashed for a projection), main-path edges plain."""
    if dst.on_shortcut or (src is not None and src.on_shortcut):
        return _shortcut_style(block)
    if dst.kind == "add" and src is None and st.landscape():  # the arc runs under the block's title
        return dict(st.IDENTITY_EDGE)
    if dst.kind == "add" and src is None:
        return {**st.IDENTITY_EDGE, "xlabel": "identity x", "fontcolor": st.SHORTCUT_COLOUR}
    return {}


def _shortcut_offset(block: Block) -> int:
    """Ranks to push the projection branch down so it sits beside the middle of the main path."""
    before_add = 0
    for r in block.main:
        if r.kind == "add":
            break
        before_add += 1
    side = sum(1 for r in block.leaves if r.on_shortcut)
    return max(1, (before_add - side) // 2 + 1)


def _edge_weight(src: Row | None, dst: Row) -> str:
    """Main path straight and stiff; the shortcut branch compact; its merge into the add free."""
    if dst.kind == "add" and (src is None or src.on_shortcut):
        return "0"
    return "2" if dst.on_shortcut else "8"


def draw_block(g: graphviz.Digraph, insp: Inspection, block: Block, key: str, title: str = "",
               caption: bool = True, numbers: str | None = None) -> tuple[str, str]:
    """Draw ``block`` as cluster ``key`` into ``g``; return the ids of its top and bottom nodes (``numbers``
    replaces the block's own parameters and MACs in its caption)."""
    names = {r.name: r for r in block.leaves}
    ids = {r.name: st.node_id(key, r.name) for r in block.leaves}
    x_id, out_id = st.node_id(key, "x"), st.node_id(key, "out")
    heading = "<br/>".join(f"<b>{st.esc(line)}</b>" for line in (title or block_title(insp, block)).split("\n"))
    landscape = caption and st.landscape()  # the numbers go under the title, not after the last node
    with g.subgraph(name=f"cluster_{key}") as c:
        under = f"<br/>{_caption_text(block, numbers)}" if landscape else ""
        c.attr(label=st.html_label(heading + under), fontsize="15", style="rounded", color="#bbbbbb", margin="14")
        c.node(x_id, st.html_label(f"<b>x</b>  {st.small(shape(block.row.input_shape), '#222222', 11)}"),
               shape="box", style="rounded", color="#333333", group=f"{key}_main")
        for r in block.leaves:
            st.add_layer_node(c, ids[r.name], r, st.short_name(r, block.path),
                              group="" if r.on_shortcut else f"{key}_main")
        c.node(out_id, st.html_label(f"<b>out</b>  {st.small(shape(block.row.output_shape), '#222222', 11)}"),
               shape="box", style="rounded", color="#333333", group=f"{key}_main")
        offset = _shortcut_offset(block)
        for r in block.leaves:
            for src_name in r.inputs or ("input",):
                src = names.get(src_name)
                attrs = _edge_style(block, src, r)
                if src is None and r.on_shortcut:
                    attrs = {**attrs, "minlen": str(offset)}
                attrs = {**attrs, "weight": _edge_weight(src, r)}
                c.edge(ids[src.name] if src else x_id, ids[r.name], **attrs)
        c.edge(ids[block.leaves[-1].name], out_id, weight="8")
        if not caption or landscape:
            return x_id, out_id
        cap_id = st.node_id(key, "caption")
        c.node(cap_id, block_caption(block, numbers), shape="plaintext", style="")
        c.edge(out_id, cap_id, style="invis", weight="20")
    return x_id, cap_id
