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
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..analysis.result import Row
from ..document.fmt import kernel, scaled, shape
from ..errors import InspectError

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


LAYOUTS = ("lr", "tb")
BASE_FONT = 13  # node text, in points; every other size in a diagram is relative to it


@dataclass(frozen=True)
class Look:
    """How a diagram is laid out: ``tb`` (top to bottom) or ``lr`` (landscape: left to right, wrapped
    into rows where a chain would be too long for a 16:9 slide), and the node font size in points."""

    layout: str = "tb"
    font_size: float = BASE_FONT


# the layout that fits a 16:9 slide best, per kind (measured on the zoo: see the tests)
DEFAULT_LAYOUT = {"block": "tb", "contrast": "tb", "bottleneck-kinds": "lr", "v1-vs-v15": "tb",
                  "network": "lr", "plain-vs-residual": "lr"}
_ASKED: ContextVar[tuple[str | None, float | None]] = ContextVar("diagram_asked", default=(None, None))
_LOOK: ContextVar[Look | None] = ContextVar("diagram_look", default=None)


def check_look(layout: str | None, font_size: float | None) -> None:
    """Refuse a layout or font size that does not exist, naming the ones that do."""
    if layout is not None and layout not in LAYOUTS:
        raise InspectError(f"--layout {layout!r}: use lr (landscape, for slides) or tb (top to bottom)")
    if font_size is not None and not 4 <= font_size <= 72:
        raise InspectError(f"--font-size {font_size:g}: give a size in points from 4 to 72 (default {BASE_FONT})")


@contextmanager
def look(layout: str | None = None, font_size: float | None = None) -> Iterator[None]:
    """Draw the diagrams built inside the block with this layout (else each kind's default) and font size."""
    check_look(layout, font_size)
    token = _ASKED.set((layout, font_size))
    try:
        yield
    finally:
        _ASKED.reset(token)


@contextmanager
def drawing(kind: str) -> Iterator[Look]:
    """The look of one diagram of ``kind``: what was asked for, else the kind's default layout."""
    layout, font_size = _ASKED.get()
    chosen = Look(layout or DEFAULT_LAYOUT[kind], float(font_size or BASE_FONT))
    token = _LOOK.set(chosen)
    try:
        yield chosen
    finally:
        _LOOK.reset(token)


def current() -> Look:
    """The look of the diagram being drawn."""
    return _LOOK.get() or Look()


def landscape() -> bool:
    """True while a landscape (``lr``) diagram is drawn: labels stack their parts instead of lining them up."""
    return current().layout == "lr"


def sep() -> str:
    """Between the parts of a label line: `` · `` in a tall diagram, a line break in a landscape one."""
    return "<br/>" if landscape() else " · "


_SIZES = re.compile(r'((?:fontsize|point-size)=)"?(\d+(?:\.\d+)?)"?')


def scale_fonts(source: str, font_size: float) -> str:
    """Every font size in DOT ``source`` scaled so that node text is ``font_size`` points."""
    if font_size == BASE_FONT:
        return source
    factor = font_size / BASE_FONT
    return _SIZES.sub(lambda m: f'{m.group(1)}"{float(m.group(2)) * factor:.3g}"', source)


def new_graph(name: str, title: str = "", rankdir: str | None = None) -> graphviz.Digraph:
    """A digraph with the house fonts and spacing (and a title on top when given); ranks run top to bottom,
    or left to right in a landscape diagram unless ``rankdir`` says otherwise."""
    import graphviz

    g = graphviz.Digraph(name)
    g.attr("graph", rankdir=rankdir or ("LR" if landscape() else "TB"), fontname=FONT, fontsize="18",
           nodesep="0.3", ranksep="0.28", newrank="true", pad="0.3", bgcolor="white", labelloc="t", labeljust="c")
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
    down = f", /{s}" if s > 1 and row.pool not in ("adaptive_max", "adaptive_avg") else ""
    if row.kind == "conv":
        groups = f", g={row.groups}" if row.groups and row.groups > 1 else ""
        return f"{kernel(row.kernel)} conv, {channels(row.output_shape)}{groups}{down}"
    if row.kind == "pool":
        what = {"avg": "avg pool", "adaptive_avg": "avg pool", "max": "max pool",
                "adaptive_max": "max pool"}.get(row.pool or "", "pool")
        if row.pool in ("adaptive_max", "adaptive_avg"):
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
    detail += sep() + (red(f"stride {s}") if s > 1 else "stride 1")
    foot = small(f"{esc(name)} · {scaled(row.params)} params{sep()}out {shape(row.output_shape)}")
    return html_label(f"{title}<br/>{small(detail, '#222222', 11)}<br/>{foot}")


def thin_label(row: Row, name: str, title: str) -> str:
    """One-line label for BN, ReLU and other parameter-light layers: what, which, output shape."""
    gap = "<br/>" if landscape() else "  "
    return html_label(f"<b>{esc(title)}</b>{gap}{small(f'{esc(name)}{sep()}{shape(row.output_shape)}')}")


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
        gap = "<br/>" if landscape() else "  "
        return html_label(f"<b>+</b>  F(x) + x{gap}{small(shape(row.output_shape))}")
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
    g.node(nid, layer_label(row, name), **attrs)


@dataclass(frozen=True)
class Contents:
    """What a finished drawing shows, read back from its DOT source: the legend explains only that."""

    kinds: tuple[str, ...]
    identity: bool
    projection: bool
    option_a: bool
    stride: bool


_EDGE = re.compile(r"^\s*\S+ -> \S+ \[(.*)\]$", re.MULTILINE)


def contents(source: str) -> Contents:
    """The layer kinds (by fill colour), shortcut line styles and stride marks present in ``source``."""
    kinds = tuple(k for k, _ in LEGEND_KINDS if f'fillcolor="{PALETTE[k][0]}"' in source)
    shortcut_edges = [a for a in _EDGE.findall(source) if f'color="{SHORTCUT_COLOUR}"' in a]
    return Contents(kinds=kinds,
                    identity=any("style=solid" in a for a in shortcut_edges),
                    projection=any("style=dashed" in a for a in shortcut_edges),
                    option_a="option A shortcut" in source,
                    stride=f'<font color="{STRIDE_COLOUR}">' in source)


def legend_label(shown: Contents, extra: str = "") -> str:
    """The legend: a swatch per layer kind drawn, the shortcut line styles drawn, the stride mark, ``extra``."""
    names = dict(LEGEND_KINDS)
    cells = "".join(f'<td bgcolor="{PALETTE[k][0]}" border="1" color="{PALETTE[k][1]}" style="rounded">'
                    f"&nbsp;{esc(names[k])}&nbsp;</td>" for k in shown.kinds)
    swatches = f'<table border="0" cellborder="0" cellspacing="3" cellpadding="2"><tr>{cells}</tr></table>'
    rows = [f"<tr><td>{swatches}</td></tr>"] if cells else []
    lines = []
    if shown.identity:
        what = "shortcut without weights (identity; option A: subsample, zero-pad)" if shown.option_a \
            else "identity shortcut (no weights)"
        lines.append(f'<font color="{SHORTCUT_COLOUR}"><b>━━━</b></font> {what}')
    if shown.projection:
        lines.append(f'<font color="{SHORTCUT_COLOUR}"><b>╺ ╺ ╺</b></font> projection shortcut (1×1 conv)')
    marks = [f"{red('/2')} stride 2 (downsampling)"] if shown.stride else []
    marks.append("shapes are C×H×W")
    lines.append(" · ".join(marks))
    if extra:
        lines.append(esc(extra))
    rows += [f"<tr><td>{line}</td></tr>" for line in lines]
    return html_label('<table border="0" cellborder="0" cellspacing="0" cellpadding="2">'
                      + "".join(rows) + "</table>")


def add_legend(g: graphviz.Digraph, above: Sequence[str], extra: str = "") -> None:
    """Put the legend under the nodes ``above`` (the bottom of each column of the drawing), listing only
    what the drawing so far contains."""
    g.node("legend", legend_label(contents(str(g.source)), extra), shape="plaintext", style="", fontsize="11")
    for nid in above:
        g.edge(nid, "legend", style="invis")
