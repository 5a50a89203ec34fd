"""Landscape block diagrams for 16:9 slides, drawn from an inspection's rows.

A slide needs a block at a glance: one box per convolution (kernel, output channels, stride, weights), the
batch norms and ReLUs written inside the box they follow, the residual add, and the shortcut beside it
(solid when it has no weights, dashed when it is a 1×1 projection).  Everything shown is read from the
rows of the :class:`~resnet_inspect.analysis.result.Inspection`; only the words come from the deck's
text table.  Graphviz lays the chains out left to right, panels stacked, so they fill a wide slide.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from ..analysis.result import Inspection, Row
from .slides_render import CJK_FONT, LATIN_FONT, accent, chw, num, palette

NODE_FONT = 17


@dataclass(frozen=True)
class Panel:
    """One block to draw: the inspection it is in, its path (``layer1.1``), a title and a caption line."""

    insp: Inspection
    path: str
    title: str
    caption: str


def esc(text: str) -> str:
    """Text for a Graphviz HTML-like label."""
    return html.escape(text, quote=False)


def block_leaves(insp: Inspection, path: str) -> tuple[Row, ...]:
    """The leaf rows of the block at ``path`` (the whole module when ``path`` is empty), in order."""
    prefix = path + "." if path else ""
    return tuple(r for r in insp.rows if r.is_leaf and r.name.startswith(prefix))


def _stride(r: Row) -> int:
    return max(r.stride) if r.stride else 1


def _kernel(r: Row) -> str:
    k = r.kernel or (1, 1)
    return f"{k[0]}×{k[1]}"


def conv_title(r: Row) -> str:
    """``3×3 conv, 64`` with ``/2`` in the stride colour and ``groups 32`` when grouped (HTML-like)."""
    stride_colour, _ = accent()
    text = f"<b>{_kernel(r)} conv, {r.output_shape[1]}</b>"
    if r.groups and r.groups > 1:
        text += f", groups {r.groups}"
    if _stride(r) > 1:
        text += f' <font color="{stride_colour}"><b>/{_stride(r)}</b></font>'
    return text


def _op_name(r: Row) -> str:
    return "BN" if r.kind == "norm" else "ReLU" if r.type.lower() == "relu" else r.type


def _main_units(main: Sequence[Row]) -> list[tuple[list[str], Row | None, list[str]]]:
    """(ops before, conv or add, ops after) along the residual branch: BN and ReLU fold into the box next
    to them (after a conv in the original unit, before it in a pre-activation unit)."""
    units: list[tuple[list[str], Row | None, list[str]]] = []
    pending: list[str] = []
    for r in main:
        if r.kind in ("conv", "add"):
            units.append((pending, r, []))
            pending = []
        elif units and units[-1][1] is not None and units[-1][1].kind == "conv":
            units[-1][2].append(_op_name(r))
        else:
            pending.append(_op_name(r))
    if pending:
        units.append((pending, None, []))
    return units


def _unit_label(before: list[str], row: Row | None, after: list[str], weights: str) -> str:
    lines = []
    if before:
        lines.append(f'<font point-size="{NODE_FONT - 3}">{esc(" → ".join(before))} →</font>')
    if row is not None:
        lines.append(conv_title(row))
        lines.append(f'<font point-size="{NODE_FONT - 3}">{num(row.params)} {esc(weights)}</font>')
    if after:
        lines.append(f'<font point-size="{NODE_FONT - 3}">→ {esc(" → ".join(after))}</font>')
    return "<" + "<br/>".join(lines) + ">"


def _node(nid: str, label: str, kind: str, **extra: str) -> str:
    fill, border = palette(kind)
    attrs = {"label": label, "fillcolor": f'"{fill}"', "color": f'"{border}"', **extra}
    return f"\t\t{nid} [" + " ".join(f"{k}={v}" for k, v in attrs.items()) + "]"


def _panel_dot(i: int, panel: Panel, words: dict[str, str]) -> list[str]:
    _, shortcut_colour = accent()
    leaves = block_leaves(panel.insp, panel.path)
    main = [r for r in leaves if not r.on_shortcut]
    side = [r for r in leaves if r.on_shortcut]
    p = f"p{i}"
    lines = [f"\tsubgraph cluster_{p} {{",
             f'\t\tlabel=<<b>{esc(panel.title)}</b><br/>'
             f'<font point-size="{NODE_FONT - 1}">{esc(panel.caption)}</font>>',
             '\t\tstyle=rounded color="#bbbbbb" margin=6 labeljust=l labelloc=b',
             f'\t\t{p}_x [label=<<b>x</b><br/><font point-size="{NODE_FONT - 3}">{chw(main[0].input_shape)}</font>> '
             'shape=box style=rounded color="#333333"]']
    prev = f"{p}_x"
    add_id = ""
    units = _main_units(main)
    tail = units.pop()[0] if len(units) > 1 and units[-1][1] is None else []  # the ReLU after the add
    for j, (before, row, after) in enumerate(units):
        nid = f"{p}_u{j}"
        if row is not None and row.kind == "add":
            add_id = nid
            lines.append(_node(nid, "<<b>+</b>>", "add", shape="circle", style="filled", width="0.55",
                               fixedsize="true", fontsize=str(NODE_FONT + 4)))
        elif row is None:
            lines.append(_node(nid, f"<{esc(' → '.join(before))}>", "act"))
        else:
            lines.append(_node(nid, _unit_label(before, row, after, words["weights"]), "conv"))
        lines.append(f"\t\t{prev} -> {nid} [weight=10]")
        prev = nid
    out = f"{p}_out"
    ops = f'<font point-size="{NODE_FONT - 3}">{esc(" → ".join(tail))} →</font><br/>' if tail else ""
    lines.append(f'\t\t{out} [label=<{ops}<b>out</b><br/>'
                 f'<font point-size="{NODE_FONT - 3}">{chw(main[-1].output_shape)}</font>> shape=box style=rounded '
                 'color="#333333"]')
    lines.append(f"\t\t{prev} -> {out} [weight=10]")
    if add_id:
        lines += _shortcut_dot(p, side, add_id, shortcut_colour, words)
    lines.append("\t}")
    return lines


def _shortcut_dot(p: str, side: Sequence[Row], add_id: str, colour: str, words: dict[str, str]) -> list[str]:
    convs = [r for r in side if r.kind == "conv"]
    pad = [r for r in side if r.kind == "shortcut"]
    edge = f'color="{colour}" penwidth=2.6 fontcolor="{colour}" fontsize={NODE_FONT - 2}'
    if convs:
        r = convs[0]
        extra = " → BN" if any(s.kind == "norm" for s in side) else ""
        label = (f"<{conv_title(r)}{esc(extra)}<br/><font point-size=\"{NODE_FONT - 3}\">"
                 f"{esc(words['projection'])} · {num(sum(s.params for s in side))} {esc(words['weights'])}</font>>")
        return [_node(f"{p}_sc", label, "conv", style='"rounded,filled,dashed"', penwidth="2"),
                f"\t\t{p}_x -> {p}_sc [{edge} style=dashed]",
                f"\t\t{p}_sc -> {add_id} [{edge} style=dashed constraint=false]"]
    if pad:
        label = f"<<b>{esc(words['option_a'])}</b>>"
        return [_node(f"{p}_sc", label, "shortcut"),
                f"\t\t{p}_x -> {p}_sc [{edge}]",
                f"\t\t{p}_sc -> {add_id} [{edge} constraint=false]"]
    return [f'\t\t{p}_x -> {add_id} [{edge} label=<{esc(words["identity"])}> constraint=false]']


def _graph_head(name: str, lang: str) -> list[str]:
    font = f"{LATIN_FONT},{CJK_FONT}"  # Latin first: digits and · look the same in both languages
    return [f"digraph {name} {{",
            f'\tgraph [rankdir=LR fontname="{font}" fontsize={NODE_FONT + 1} nodesep=0.14 ranksep=0.3 pad=0.2 '
            'bgcolor=white newrank=true]',
            f'\tnode [fontname="{font}" fontsize={NODE_FONT} shape=box style="rounded,filled" margin="0.12,0.06" '
            'penwidth=1.3]',
            f'\tedge [fontname="{font}" color="#333333" penwidth=1.4 arrowsize=0.8]']


def blocks_dot(name: str, panels: Sequence[Panel], words: dict[str, str], lang: str) -> str:
    """DOT source of blocks drawn left to right, one panel under another."""
    lines = _graph_head(name, lang)
    for i, panel in reversed(list(enumerate(panels))):  # Graphviz stacks a rank's nodes bottom-up in LR
        lines += _panel_dot(i, panel, words)
    if len(panels) > 1:  # every panel starts at the left edge
        lines.append("\t{rank=same; " + "; ".join(f"p{i}_x" for i in range(len(panels))) + "}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def residual_unit_dot(words: dict[str, str], lang: str) -> str:
    """The residual unit of He et al. 2015 (Fig. 2) as an idea, not a model: no numbers on it."""
    _, colour = accent()
    conv_fill, conv_border = palette("conv")
    act_fill, act_border = palette("act")
    add_fill, add_border = palette("add")
    big = NODE_FONT + 5
    lines = _graph_head("residual_unit", lang)
    lines += [
        f'\tx [label=<<b>x</b>> shape=plaintext style="" fontsize={big + 4}]',
        f'\tw1 [label=<{esc(words["weight_layer"])}> fillcolor="{conv_fill}" color="{conv_border}" fontsize={big}]',
        f'\tr1 [label=<ReLU> fillcolor="{act_fill}" color="{act_border}" fontsize={big}]',
        f'\tw2 [label=<{esc(words["weight_layer"])}> fillcolor="{conv_fill}" color="{conv_border}" fontsize={big}]',
        f'\tadd [label=<<b>+</b>> shape=circle width=0.7 fixedsize=true fillcolor="{add_fill}" color="{add_border}" '
        f"fontsize={big + 6}]",
        f'\tr2 [label=<ReLU> fillcolor="{act_fill}" color="{act_border}" fontsize={big}]',
        f'\ty [label=<<b>F(x) + x</b>> shape=plaintext style="" fontsize={big + 2}]',
        "\tx -> w1 [weight=10]", "\tw1 -> r1 [weight=10]", "\tr1 -> w2 [weight=10]",
        f'\tw2 -> add [weight=10 label=<<b>F(x)</b>> fontsize={big}]',
        "\tadd -> r2 [weight=10]", "\tr2 -> y [weight=10]",
        f'\tx -> add [color="{colour}" penwidth=3 constraint=false fontcolor="{colour}" fontsize={big} '
        f'label=<{esc(words["identity_x"])}>]',
        "}",
    ]
    return "\n".join(lines) + "\n"
