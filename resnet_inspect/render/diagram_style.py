"""The visual language of every diagram: one colour per layer kind, fonts, node labels and the legend.

Labels are Graphviz HTML-like labels built from :class:`~resnet_inspect.analysis.result.Row` fields
only, so a diagram shows the built model and nothing typed by hand.  Conventions, used everywhere:
convolutions blue, batch norm yellow, activations green, pooling purple, the residual add orange,
fully-connected red; a stride above 1 is printed in red; a shortcut edge is solid when it is
parameter-free (identity, or option A zero-padding) and dashed when it is a projection (1×1 conv).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..analysis.result import Row
from .fmt import kernel, scaled, shape

if TYPE_CHECKING:
    import graphviz

FONT = "Helvetica,Arial,sans-serif"
# kind -> (fill, border)
PALETTE: dict[str, tuple[str, str]] = {
    "conv": ("#dae8fc", "#3b73b9"),
    "norm": ("#fff2cc", "#b58b00"),
    "act": ("#d5e8d4", "#4d8a3a"),
    "pool": ("#e1d5e7", "#7a5a9c"),
    "add": ("#ffe0c2", "#c55a11"),
    "linear": ("#f8cecc", "#b85450"),
    "shortcut": ("#eeeeee", "#666666"),
    "stage": ("#f4f7fb", "#3b73b9"),
    "other": ("#f5f5f5", "#999999"),
}
LEGEND_KINDS = (("conv", "conv"), ("norm", "BN"), ("act", "ReLU"), ("pool", "pool"), ("add", "+ add"),
                ("linear", "fc"))
STRIDE_COLOUR = "#d62728"
SHORTCUT_COLOUR = "#c55a11"
MUTED = "#555555"
MAIN_EDGE = {"color": "#333333", "penwidth": "1.3"}
IDENTITY_EDGE = {"color": SHORTCUT_COLOUR, "penwidth": "2.2", "style": "solid"}
PROJECTION_EDGE = {"color": SHORTCUT_COLOUR, "penwidth": "2.2", "style": "dashed"}


def new_graph(name: str, title: str = "") -> graphviz.Digraph:
    """A top-to-bottom digraph with the house fonts and spacing (and a title on top when given)."""
    import graphviz

    g = graphviz.Digraph(name)
    g.attr("graph", rankdir="TB", fontname=FONT, fontsize="18", nodesep="0.3", ranksep="0.28",
           newrank="true", pad="0.3", bgcolor="white", labelloc="t", labeljust="c")
    if title:
        g.attr("graph", label=html_label(f"<b>{esc(title)}</b><br/> "))
    g.attr("node", fontname=FONT, fontsize="13", shape="box", style="rounded,filled", margin="0.14,0.06",
           penwidth="1.2")
    g.attr("edge", fontname=FONT, fontsize="11", arrowsize="0.7", **MAIN_EDGE)
    return g


def esc(text: str) -> str:
    """Escape text for an HTML-like label."""
    return html.escape(text, quote=False)


def html_label(body: str) -> str:
    """Wrap an HTML fragment as a Graphviz HTML-like label."""
    return f"<{body}>"


def small(text: str, colour: str = MUTED, size: int = 10) -> str:
    """A smaller, muted line (already escaped by the caller)."""
    return f'<font point-size="{size}" color="{colour}">{text}</font>'


def red(text: str) -> str:
    """Stride text, in the stride colour and bold: downsampling must jump out of the picture."""
    return f'<font color="{STRIDE_COLOUR}"><b>{text}</b></font>'


def node_id(*parts: str) -> str:
    """A Graphviz-safe node id (``:`` would mean a port, ``.`` is fine but kept uniform)."""
    return "__".join(re.sub(r"[^A-Za-z0-9_]", "_", p) or "root" for p in parts)


def kind_style(kind: str) -> dict[str, str]:
    """Fill and border of a layer kind."""
    fill, border = PALETTE.get(kind, PALETTE["other"])
    return {"fillcolor": fill, "color": border}


def channels(s: tuple[int, ...]) -> int:
    """Channels of an N×C×H×W (or N×F) shape."""
    return s[1] if len(s) > 1 else s[0]


def stride_of(row: Row) -> int:
    """The larger stride of a row (1 when it has none)."""
    return max(row.stride) if row.stride else 1


def paper_conv(row: Row) -> str:
    """The paper's notation for a layer: ``3×3 conv, 128, /2``; ``pool, /2``; ``fc 1000`` (escaped)."""
    s = stride_of(row)
    down = f", /{s}" if s > 1 and not row.type.startswith("Adaptive") else ""
    if row.kind == "conv":
        groups = f", g={row.groups}" if row.groups and row.groups > 1 else ""
        return f"{kernel(row.kernel)} conv, {channels(row.output_shape)}{groups}{down}"
    if row.kind == "pool":
        what = "avg pool" if "Avg" in row.type else "max pool" if "Max" in row.type else "pool"
        if row.type.startswith("Adaptive"):
            return f"global {what}" if row.output_shape[2:] == (1, 1) else f"{what} → {shape(row.output_shape)}"
        return f"{kernel(row.kernel)} {what}{down}"
    if row.kind == "linear":
        return f"fc {channels(row.output_shape)}"
    return esc(row.type)


def short_name(row: Row, block: str) -> str:
    """The row's path inside its block: ``layer2.0.conv2`` → ``conv2``."""
    return row.name[len(block) + 1:] if block and row.name.startswith(block + ".") else row.name


def conv_label(row: Row, name: str) -> str:
    """Kernel, channels in → out, groups (cardinality), stride and output shape of a convolution."""
    s = stride_of(row)
    title = f"<b>{kernel(row.kernel)} conv, {channels(row.output_shape)}</b>"
    if s > 1:
        title += " " + red(f"/{s}")
    detail = f"{channels(row.input_shape)} → {channels(row.output_shape)} ch"
    if row.groups and row.groups > 1:
        per = channels(row.input_shape) // row.groups
        detail += f" · <b>groups={row.groups}</b> ({per} per group)"
    detail += " · " + (red(f"stride {s}") if s > 1 else "stride 1")
    foot = small(f"{esc(name)} · out {shape(row.output_shape)} · {scaled(row.params)} params")
    return html_label(f"{title}<br/>{small(detail, '#222222', 11)}<br/>{foot}")


def thin_label(row: Row, name: str, title: str) -> str:
    """One-line label for BN, ReLU and other parameter-light layers: what, which, output shape."""
    return html_label(f"<b>{esc(title)}</b>  {small(f'{esc(name)} · {shape(row.output_shape)}')}")


def option_a_label(row: Row, name: str) -> str:
    """The paper's option A shortcut: subsample by the stride, zero-pad the new channels, no parameters."""
    s = stride_of(row)
    what = f"subsample {red(f'/{s}')}, " if s > 1 else ""
    detail = f"{what}zero-pad {channels(row.input_shape)} → {channels(row.output_shape)} ch"
    return html_label(f"<b>option A shortcut</b><br/>{small(detail, '#222222', 11)}<br/>"
                      f"{small(f'{esc(name)} · no parameters · out {shape(row.output_shape)}')}")


def layer_label(row: Row, name: str) -> str:
    """The label of any leaf row, by kind."""
    if row.kind == "conv":
        return conv_label(row, name)
    if row.kind == "shortcut":
        return option_a_label(row, name)
    if row.kind == "norm":
        return thin_label(row, name, "BN" if "BatchNorm" in row.type else row.type)
    if row.kind == "add":
        return html_label(f"<b>+</b>  F(x) + x  {small(shape(row.output_shape))}")
    if row.kind in ("pool", "linear"):
        return thin_label(row, name, paper_conv(row))
    return thin_label(row, name, row.type)


def add_layer_node(g: graphviz.Digraph, nid: str, row: Row, name: str, group: str = "") -> None:
    """A node for one leaf row in the house style (the add is an ellipse, the rest rounded boxes).

    Nodes of one ``group`` are kept on a straight vertical line (the main path of a block).
    """
    attrs: dict[str, Any] = kind_style(row.kind)
    if group:
        attrs["group"] = group
    if row.kind == "add":
        attrs.update(shape="ellipse", style="filled", penwidth="1.6")
    if row.kind == "shortcut":
        attrs.update(style="rounded,filled,dashed")
    g.node(nid, layer_label(row, name), **attrs)


def legend_label(shortcuts: bool = True, extra: str = "") -> str:
    """The legend: one swatch per layer kind, the two shortcut line styles, the stride mark, ``extra``."""
    cells = "".join(
        f'<td bgcolor="{PALETTE[k][0]}" border="1" color="{PALETTE[k][1]}" style="rounded">&nbsp;{esc(t)}&nbsp;</td>'
        for k, t in LEGEND_KINDS)
    rows = [f"<tr>{cells}</tr>"]
    if shortcuts:
        rows.append(f'<tr><td colspan="3"><font color="{SHORTCUT_COLOUR}"><b>━━━</b></font> identity shortcut '
                    f'(no weights)</td><td colspan="3"><font color="{SHORTCUT_COLOUR}"><b>╺ ╺ ╺</b></font> projection '
                    "(1×1 conv)</td></tr>")
    rows.append(f'<tr><td colspan="6">{red("/2")} stride 2 (downsampling) · shapes are C×H×W</td></tr>')
    if extra:
        rows.append(f'<tr><td colspan="6">{esc(extra)}</td></tr>')
    return html_label('<table border="0" cellborder="0" cellspacing="3" cellpadding="2">'
                      + "".join(rows) + "</table>")


def add_legend(g: graphviz.Digraph, above: Sequence[str], shortcuts: bool = True, extra: str = "") -> None:
    """Put the legend under the nodes ``above`` (the bottom of each column of the drawing)."""
    g.node("legend", legend_label(shortcuts, extra), shape="plaintext", style="", fontsize="11")
    for nid in above:
        g.edge(nid, "legend", style="invis")
