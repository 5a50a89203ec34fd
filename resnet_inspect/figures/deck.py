"""The teaching deck's figures: landscape block panels for a 16:9 slide, and the house plots at slide size.

A slide needs a block at a glance: one box per convolution (kernel, output channels, stride, conv weights),
the batch norms and ReLUs written inside the box they follow, the residual add, and the shortcut beside it
(solid when it has no weights, dashed when it is a projection, labelled with its conv weights and, apart,
its parameters with BN).  Everything shown is read from :class:`~resnet_inspect.analysis.blocks.Block` facts;
every word is passed in by the caller (``words``: ``str.format`` templates, see :data:`WORDS`), so a
Chinese deck draws Chinese words and nothing is translated after drawing.  Graphviz lays the chains out
left to right, panels stacked, so they fill a wide slide.  The plots are those of
:mod:`resnet_inspect.figures.plots`, given the deck's words, drawn on a smaller canvas (larger type).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from ..analysis.blocks import Block, ConvTerm
from ..analysis.result import Inspection, Row
from ..document.fmt import grouped, shape
from .diagram_style import PALETTE, SHORTCUT_COLOUR, STRIDE_COLOUR

NODE_FONT = 17
SLIDE_PLOT_BOX = (7.1, 5.95)  # the plot's box beside the text on a 16:9 slide (inches; deck.css .layout-split)
PLOT_MIN_PT = 14.0  # the smallest text of a figure as projected
# the smallest text each house plot draws (pt): the stage names over the rf plot, bar totals and point labels
PLOT_SMALLEST = {"rf": 11.0, "stages": 12.0, "family": 12.0}
PLOT_TICKS = 5
PNG_DPI = 200  # plots placed in the PowerPoint deck: at least 200 dpi as placed (they are never enlarged)
DIAGRAM_DPI = 300  # diagrams are enlarged to fill a wide slide: drawn finer so they stay above 200 dpi
CJK_FONT = "Noto Sans CJK SC"
LATIN_FONT = "Liberation Sans"
PLOT_KINDS = ("stages", "rf", "family")

# The English words of the panels; a caller passes the words of its language with the same fields.
WORDS: dict[str, str] = {
    "conv": "{k} conv, {c}",
    "groups": ", groups {g}",  # after a conv's title, with its separator
    "conv_weights": "{n} conv weights",
    "conv_weights_bias": "{n} conv weights + {b} bias",
    "projection": "projection",
    "projection_weights": "{n} conv weights\n({p} with BN)",  # a line break where the box may wrap
    "option_a": "option A: subsample, zero-pad",
    "identity": "identity x",
    "out": "out",
    "weight_layer": "weight layer",
    "identity_x": "x (identity)",
    "paths_more": "⋮ {n} more ⋮",
}


@dataclass(frozen=True)
class Panel:
    """One block to draw, a title and a caption line."""

    block: Block
    title: str
    caption: str


def _w(words: Mapping[str, str], key: str, **fields: object) -> str:
    return words.get(key, WORDS[key]).format(**fields)


def esc(text: str) -> str:
    """Text for a Graphviz HTML-like label."""
    return html.escape(text, quote=False)


def palette(kind: str) -> tuple[str, str]:
    """(fill, border) of a layer kind in the house colours (conv blue, BN yellow, add orange …)."""
    return PALETTE.get(kind, PALETTE["other"])


def _stride(r: Row) -> int:
    return max(r.stride) if r.stride else 1


def conv_title(term: ConvTerm, words: Mapping[str, str]) -> str:
    """``3×3 conv, 64`` with ``/2`` in the stride colour and ``groups 32`` when grouped (HTML-like)."""
    text = f"<b>{esc(_w(words, 'conv', k=f'{term.kernel[0]}×{term.kernel[1]}', c=term.out_channels))}</b>"
    if term.groups > 1:
        text += esc(_w(words, "groups", g=term.groups))
    if term.stride > 1:
        text += f' <font color="{STRIDE_COLOUR}"><b>/{term.stride}</b></font>'
    return text


def weights_text(term: ConvTerm, words: Mapping[str, str]) -> str:
    """``36,864 conv weights`` (and the bias apart when the conv has one)."""
    if term.bias:
        return _w(words, "conv_weights_bias", n=grouped(term.weights), b=grouped(term.bias))
    return _w(words, "conv_weights", n=grouped(term.weights))


def _op_name(r: Row) -> str:
    return "BN" if r.kind == "norm" else "ReLU" if r.type.lower() == "relu" else r.type


Unit = tuple[list[str], Row | None, list[str]]


def _main_units(main: Sequence[Row]) -> list[Unit]:
    """(ops before, conv or add, ops after) along the residual branch: BN and ReLU fold into the box next
    to them (after a conv in the original unit, before it in a pre-activation unit)."""
    units: list[Unit] = []
    pending: list[str] = []
    pre = bool(main) and main[0].kind not in ("conv", "add")  # a pre-activation branch: ops lead to the conv
    for r in main:
        if r.kind in ("conv", "add"):
            units.append((pending, r, []))
            pending = []
        elif not pre and units and units[-1][1] is not None and units[-1][1].kind == "conv":
            units[-1][2].append(_op_name(r))
        else:
            pending.append(_op_name(r))
    if pending:
        units.append((pending, None, []))
    return units


def _small(text: str) -> str:
    return f'<font point-size="{NODE_FONT - 2}">{esc(text)}</font>'


def _unit_label(before: list[str], term: ConvTerm, after: list[str], words: Mapping[str, str]) -> str:
    lines = []
    if before:
        lines.append(_small(" → ".join(before) + " →"))
    lines += [conv_title(term, words), _small(weights_text(term, words))]
    if after:
        lines.append(_small("→ " + " → ".join(after)))
    return "<" + "<br/>".join(lines) + ">"


def _node(nid: str, label: str, kind: str, **extra: str) -> str:
    fill, border = palette(kind)
    attrs = {"label": label, "fillcolor": f'"{fill}"', "color": f'"{border}"', **extra}
    return f"\t\t{nid} [" + " ".join(f"{k}={v}" for k, v in attrs.items()) + "]"


def _terms(block: Block) -> dict[str, ConvTerm]:
    return {c.name: c for c in (*block.convs, *block.shortcut_convs)}


def _panel_dot(i: int, panel: Panel, words: Mapping[str, str]) -> list[str]:
    block = panel.block
    terms = _terms(block)
    main = list(block.main)
    p = f"p{i}"
    lines = [f"\tsubgraph cluster_{p} {{",
             f'\t\tlabel=<<b>{esc(panel.title)}</b><br/>'
             f'<font point-size="{NODE_FONT - 1}">{esc(panel.caption)}</font>>',
             '\t\tstyle=rounded color="#bbbbbb" margin=4 labeljust=l labelloc=b',
             f'\t\t{p}_x [label=<<b>x</b><br/>{_small(shape(block.row.input_shape))}> '
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
            lines.append(_node(nid, _unit_label(before, terms[row.name], after, words), "conv"))
        lines.append(f"\t\t{prev} -> {nid} [weight=10]")
        prev = nid
    out = f"{p}_out"
    ops = _small(" → ".join(tail) + " →") + "<br/>" if tail else ""
    lines.append(f'\t\t{out} [label=<{ops}<b>{esc(_w(words, "out"))}</b><br/>{_small(shape(block.row.output_shape))}>'
                 ' shape=box style=rounded color="#333333"]')
    lines.append(f"\t\t{prev} -> {out} [weight=10]")
    if add_id:
        lines += _shortcut_dot(p, block, add_id, words)
    lines.append("\t}")
    return lines


def projection_text(block: Block, words: Mapping[str, str]) -> list[str]:
    """``projection``, ``16,384 conv weights``, ``(16,896 with BN)``: the lines of a projection's box, its
    conv weights, then its parameters with the batch norm, when it has one."""
    w, p = block.shortcut_weights, block.shortcut_params
    count = (_w(words, "projection_weights", n=grouped(w), p=grouped(p)) if p != w
             else _w(words, "conv_weights", n=grouped(w)))
    return [_w(words, "projection"), *count.split("\n")]


def _shortcut_dot(p: str, block: Block, add_id: str, words: Mapping[str, str]) -> list[str]:
    edge = f'color="{SHORTCUT_COLOUR}" penwidth=2.6 fontcolor="{SHORTCUT_COLOUR}" fontsize={NODE_FONT - 2}'
    if block.shortcut == "projection" and block.shortcut_convs:
        side = block.side
        extra = " → BN" if any(s.kind == "norm" for s in side) else ""
        title = conv_title(block.shortcut_convs[0], words)
        label = f"<{title}{esc(extra)}<br/>" + "<br/>".join(_small(x) for x in projection_text(block, words)) + ">"
        return [_node(f"{p}_sc", label, "conv", style='"rounded,filled,dashed"', penwidth="2"),
                f"\t\t{p}_x -> {p}_sc [{edge} style=dashed]",
                f"\t\t{p}_sc -> {add_id} [{edge} style=dashed constraint=false]"]
    if block.shortcut == "option_a":
        return [_node(f"{p}_sc", f"<<b>{esc(_w(words, 'option_a'))}</b>>", "shortcut"),
                f"\t\t{p}_x -> {p}_sc [{edge}]",
                f"\t\t{p}_sc -> {add_id} [{edge} constraint=false]"]
    return [f'\t\t{p}_x -> {add_id} [{edge} label=<{esc(_w(words, "identity"))}> constraint=false]']


def _graph_head(name: str) -> list[str]:
    font = f"{LATIN_FONT},{CJK_FONT}"  # Latin first: digits and · look the same in both languages
    return [f"digraph {name} {{",
            f'\tgraph [rankdir=LR fontname="{font}" fontsize={NODE_FONT + 1} nodesep=0.12 ranksep=0.16 pad=0.05 '
            'bgcolor=white newrank=true]',
            f'\tnode [fontname="{font}" fontsize={NODE_FONT} shape=box style="rounded,filled" margin="0.07,0.04" '
            'penwidth=1.3]',
            f'\tedge [fontname="{font}" color="#333333" penwidth=1.4 arrowsize=0.8]']


def blocks_dot(name: str, panels: Sequence[Panel], words: Mapping[str, str]) -> str:
    """DOT source of blocks drawn left to right, one panel under another."""
    lines = _graph_head(name)
    for i, panel in reversed(list(enumerate(panels))):  # Graphviz stacks a rank's nodes bottom-up in LR
        lines += _panel_dot(i, panel, words)
    if len(panels) > 1:  # every panel starts at the left edge
        lines.append("\t{rank=same; " + "; ".join(f"p{i}_x" for i in range(len(panels))) + "}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _path_dot(p: str, convs: Sequence[ConvTerm], add_id: str, words: Mapping[str, str]) -> list[str]:
    """One path of an aggregated transform: its convs left to right, from x into the add."""
    lines = []
    prev = "q_x"
    for j, c in enumerate(convs):
        nid = f"{p}_c{j}"
        lines.append(_node(nid, f"<{conv_title(c, words)}<br/>{_small(weights_text(c, words))}>", "conv"))
        lines.append(f"\t\t{prev} -> {nid} [weight=10]")
        prev = nid
    return [*lines, f"\t\t{prev} -> {add_id}"]


def paths_dot(name: str, block: Block, cardinality: int, path: Sequence[ConvTerm], title: str, caption: str,
              words: Mapping[str, str], panel: Panel | None = None) -> str:
    """DOT source of a block as ``cardinality`` paths of the convs ``path``, summed with the identity into one
    add (Xie et al. 2017, Fig. 1 right): the first two paths and the last are drawn, the rest stand as one line.
    ``panel``, when given, is drawn under it: the same block as built (its grouped conv in one box), column
    for column with the paths."""
    lines = _graph_head(name)
    if panel is not None:
        lines += _panel_dot(1, panel, words)
    lines += ["\tsubgraph cluster_paths {",
              f'\t\tlabel=<<b>{esc(title)}</b><br/><font point-size="{NODE_FONT - 1}">{esc(caption)}</font>>',
              '\t\tstyle=rounded color="#bbbbbb" margin=4 labeljust=l labelloc=t',
              f'\t\tq_x [label=<<b>x</b><br/>{_small(shape(block.row.input_shape))}> shape=box style=rounded '
              'color="#333333"]',
              _node("q_add", "<<b>+</b>>", "add", shape="circle", style="filled", width="0.55", fixedsize="true",
                    fontsize=str(NODE_FONT + 4))]
    shown = sorted({1, 2, cardinality})
    for i in reversed(shown):  # Graphviz stacks a rank's nodes bottom-up in LR: the last path first
        lines += _path_dot(f"q{i}", path, "q_add", words)
        if i == cardinality and cardinality > 3:  # the paths not drawn, between path 2 and the last
            lines.append(f'\t\tq_more [label=<{esc(_w(words, "paths_more", n=cardinality - 3))}> shape=plaintext '
                         'style=""]')
            lines.append("\t\tq_x -> q_more [style=invis]")
    lines.append(f'\t\tq_out [label=<<b>{esc(_w(words, "out"))}</b><br/>{_small(shape(block.row.output_shape))}> '
                 'shape=box style=rounded color="#333333"]')
    lines.append("\t\tq_add -> q_out [weight=10]")
    edge = f'color="{SHORTCUT_COLOUR}" penwidth=2.6 fontcolor="{SHORTCUT_COLOUR}" fontsize={NODE_FONT - 2}'
    if block.shortcut == "identity":
        lines.append(f'\t\tq_x -> q_add [{edge} label=<{esc(_w(words, "identity"))}> constraint=false]')
    lines.append("\t}")
    if panel is not None:
        lines.append("\t{rank=same; q_x; p1_x}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def residual_unit_dot(words: Mapping[str, str]) -> str:
    """The residual unit of He et al. 2015 (Fig. 2) as an idea, not a model: no numbers on it."""
    conv_fill, conv_border = palette("conv")
    act_fill, act_border = palette("act")
    add_fill, add_border = palette("add")
    big = NODE_FONT + 5
    layer = esc(_w(words, "weight_layer"))
    lines = _graph_head("residual_unit")
    lines += [
        f'\tx [label=<<b>x</b>> shape=plaintext style="" fontsize={big + 4}]',
        f'\tw1 [label=<{layer}> fillcolor="{conv_fill}" color="{conv_border}" fontsize={big}]',
        f'\tr1 [label=<ReLU> fillcolor="{act_fill}" color="{act_border}" fontsize={big}]',
        f'\tw2 [label=<{layer}> fillcolor="{conv_fill}" color="{conv_border}" fontsize={big}]',
        f'\tadd [label=<<b>+</b>> shape=circle width=0.7 fixedsize=true fillcolor="{add_fill}" color="{add_border}" '
        f"fontsize={big + 6}]",
        f'\tr2 [label=<ReLU> fillcolor="{act_fill}" color="{act_border}" fontsize={big}]',
        f'\ty [label=<<b>F(x) + x</b>> shape=plaintext style="" fontsize={big + 2}]',
        "\tx -> w1 [weight=10]", "\tw1 -> r1 [weight=10]", "\tr1 -> w2 [weight=10]",
        f'\tw2 -> add [weight=10 label=<<b>F(x)</b>> fontsize={big}]',
        "\tadd -> r2 [weight=10]", "\tr2 -> y [weight=10]",
        f'\tx -> add [color="{SHORTCUT_COLOUR}" penwidth=3 constraint=false fontcolor="{SHORTCUT_COLOUR}" '
        f'fontsize={big} label=<{esc(_w(words, "identity_x"))}>]',
        "}",
    ]
    return "\n".join(lines) + "\n"


def render_dot(source: str, fmt: str) -> bytes:
    """DOT source as ``svg`` or ``png`` (at :data:`DIAGRAM_DPI`) through Graphviz's ``dot``."""
    from .diagram import render

    return render(source, fmt, dpi=DIAGRAM_DPI)


# ---------------------------------------------------------------------------------------------- plots


def slide_fonts(cjk: bool) -> dict[str, Any]:
    """The fonts of a deck figure: Chinese labels need the CJK font first (its Latin letters and digits then
    serve the whole figure).  The families are named, not "sans-serif": matplotlib draws a glyph the first
    font lacks (the CJK font's missing ⁹ of "10⁹") from the next font only when the families are a list."""
    fonts = [CJK_FONT, LATIN_FONT, "DejaVu Sans"] if cjk else [LATIN_FONT, "DejaVu Sans"]
    return {"font.family": fonts, "font.sans-serif": fonts}


def plot_bytes(kind: str, insps: Sequence[Inspection], fmt: str, words: Mapping[str, str], cjk: bool) -> bytes:
    """The ``stages``, ``rf`` or ``family`` plot of these inspections in ``words`` (see
    :data:`~resnet_inspect.figures.plots.WORDS`), as ``svg`` or ``png`` for the plot's box on a slide
    (:data:`SLIDE_PLOT_BOX`); ``cjk``: the labels are Chinese, so the CJK font comes first.

    The plot is laid out on a canvas smaller than its box and placed enlarged, so its smallest text
    (:data:`PLOT_SMALLEST`) reaches :data:`PLOT_MIN_PT` on the slide; the linear axes keep at most
    :data:`PLOT_TICKS` ticks.
    """
    import io
    import warnings

    import matplotlib

    from . import plots

    rc: dict[str, Any] = dict(plots.STYLE)
    rc.update(slide_fonts(cjk))
    rc["svg.fonttype"] = "none"  # text as text: selectable, and measured in the PDF like the slide's own text
    rc["font.size"] = 13  # what the house style does not set itself: figure legends' titles, notes
    with matplotlib.rc_context(cast(Any, rc)), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        w, h = SLIDE_PLOT_BOX
        enlarge = (PLOT_MIN_PT + 0.5) / PLOT_SMALLEST.get(kind, PLOT_MIN_PT)
        if kind == "stages":
            fig = plots.stages_figure(list(insps), words, rows=True)
        elif kind == "rf":
            fig = plots.rf_figure(insps[0], words)
        elif kind == "family":
            fig = plots.family_figure(list(insps), words=words, size=(w / enlarge, h / enlarge), ticks=PLOT_TICKS)
        else:
            raise ValueError(f"{kind!r} is not one of {PLOT_KINDS}")
        plots.fewer_ticks(fig, PLOT_TICKS)
        fig.set_size_inches(w / enlarge, h / enlarge)
        buf = io.BytesIO()
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        fig.savefig(buf, format=fmt, dpi=round(PNG_DPI * enlarge), metadata=metadata)
    return buf.getvalue()


