"""Block and network diagrams (Graphviz), drawn from the analysis of the built model.

Every function takes analysis results (never model names) and returns a :class:`Diagram` (DOT source;
``render(fmt)`` gives SVG/PNG/PDF bytes, and it shows itself in Jupyter). Nothing here is drawn by hand:
labels, strides, channels, shortcut kinds and edges come from the
:class:`~resnet_inspect.analysis.result.Inspection` rows of the model, so the picture changes when the
model does.

Kinds: ``block`` (one residual block), ``contrast`` (basic vs bottleneck: the paper's Fig. 5 pair and the
same-width one, or two networks' blocks where they compare),
``bottleneck-kinds`` (the kinds of block a network has), ``v1-vs-v15`` (where a bottleneck's stride
sits), ``network`` (the macro view) and ``plain-vs-residual`` (the paper's Fig. 3, folded).
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..analysis.blocks import Block, KindGroup
from ..analysis.result import Inspection
from ..document.fmt import grouped, pair, scaled
from ..errors import InspectError
from ..specs import is_custom
from . import diagram_style as st
from .diagram_block import default_block, draw_block, get_block, group_caption, paper_name, summarize_paths
from .diagram_contrast import SAME_PLACE, SAME_WIDTH, comparison_line, kind_of, pair_blocks

FORMATS = ("svg", "png", "pdf", "dot")
KINDS = ("block", "contrast", "bottleneck-kinds", "v1-vs-v15", "network", "plain-vs-residual")
PNG_DPI = 144
NO_DOT = ("writing {fmt} needs Graphviz's `dot` program, which is not on PATH: install Graphviz "
          "(Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz; others: "
          "https://graphviz.org/download/), or write the DOT source instead with -o FILE.dot")


@dataclass(frozen=True)
class Diagram:
    """A finished diagram: its DOT source, rendered on demand."""

    name: str
    source: str

    def render(self, fmt: str) -> bytes:
        """The diagram as ``svg``, ``png``, ``pdf`` or ``dot`` bytes (all but ``dot`` need Graphviz)."""
        return render(self.source, fmt)

    def _repr_svg_(self) -> str:
        return self.render("svg").decode("utf-8")


def check_format(fmt: str) -> str:
    """Normalise an output format (``.PNG`` → ``png``) or say which ones exist."""
    f = fmt.lower().lstrip(".")
    if f == "gv":
        f = "dot"
    if f not in FORMATS:
        raise InspectError(f"cannot write a diagram as {fmt!r}; use one of: "
                           f"{', '.join('.' + x for x in FORMATS)} (from the -o file's extension)")
    return f


def check_renderer(fmt: str) -> None:
    """Fail early, with the install hint, when ``fmt`` needs ``dot`` and it is missing."""
    if fmt != "dot" and shutil.which("dot") is None:
        raise InspectError(NO_DOT.format(fmt=f".{fmt}"))


def render(source: str, fmt: str, dpi: int = PNG_DPI) -> bytes:
    """Run Graphviz on DOT source (PNG at ``dpi``); ``dot`` returns the source itself."""
    fmt = check_format(fmt)
    if fmt == "dot":
        return source.encode("utf-8")
    check_renderer(fmt)
    if fmt == "png":
        head, sep, body = source.partition("{\n")
        source = f"{head}{sep}\tdpi={dpi}\n{body}"
    from ..dot import run_dot

    return run_dot(source, fmt)


def _finish(g: Any, name: str, bottoms: Sequence[str], extra: str = "") -> Diagram:
    st.add_legend(g, bottoms, extra)
    return Diagram(name, st.scale_fonts(str(g.source), st.current().font_size))


# --------------------------------------------------------------------------- block diagrams


def block_diagram(insp: Inspection, block: str | None = None) -> Diagram:
    """One residual block of a network (default: the first with a stride, see :func:`default_block`)."""
    with st.drawing("block"):
        b = get_block(insp, default_block(insp) if block is None else block)
        g = st.new_graph("block")
        _, bottom = draw_block(g, insp, b, "b")
        return _finish(g, f"block {insp.model} {b.path}", [bottom])


def _side_by_side(name: str, title: str, panels: Sequence[tuple[Inspection, Block, str]],
                  note: str = "", captions: Sequence[str] | None = None) -> Diagram:
    """Blocks drawn next to each other, aligned at the top, with an optional note under them; ``captions``
    replace the numbers under each panel (a kind of block whose blocks differ)."""
    g = st.new_graph(name, title)
    tops, bottoms = [], []
    for i, (insp, b, panel_title) in enumerate(panels):
        top, bottom = draw_block(g, insp, b, f"p{i}", panel_title, numbers=captions[i] if captions else None)
        tops.append(top)
        bottoms.append(bottom)
    with g.subgraph() as s:
        s.attr(rank="same")
        for t in tops:
            s.node(t)
    if note:
        g.node("note", st.html_label(note), shape="plaintext", style="", fontsize="13")
        for bottom in bottoms:
            g.edge(bottom, "note", style="invis")
        bottoms = ["note"]
    return _finish(g, name, bottoms)


def contrast_diagram(pair: tuple[Inspection, Inspection], block: str | None = None) -> Diagram:
    """Two networks' blocks side by side, with their conv weights and MACs, in a comparison that means
    something: ``block`` in both, or the pair :func:`~.diagram_contrast.pair_blocks` chooses — the same
    width, or the same place in the network (He et al. 2015, Fig. 5); blocks that differ in stride or map
    size are refused.  :func:`block_contrasts_diagram` draws the paper's pair and the same-width one.
    """
    with st.drawing("contrast"):
        a, b = pair
        p = pair_blocks(a, b, block)
        panels = [(a, p.first, _panel_title(a, p.first)), (b, p.second, _panel_title(b, p.second))]
        names = (f"{a.model} {p.first.path}", f"{b.model} {p.second.path}")
        title = f"{p.first.row.type} vs {p.second.row.type}: {p.kind}"
        return _side_by_side("contrast", title, panels, comparison_line(p.kind, p.first, p.second, names))


def block_contrasts_diagram(narrow: Inspection, neck: Inspection, wide: Inspection,
                            block: str = "layer1.1") -> Diagram:
    """Both of the comparisons people make, three panels: (1) a basic block at a quarter of the width
    beside (2) a bottleneck — He et al. 2015, Fig. 5 (64-d: 73,728 conv weights; 256-d: 69,632; similar
    cost) — and (3) a basic block at the bottleneck's width, the tutorials' example (1,179,648 vs 69,632).

    The three networks are those of :func:`resnet_inspect.analysis.compare.contrast_nets`; ``block`` is
    the identity block drawn from each.
    """
    with st.drawing("contrast"):
        b1, b2, b3 = (get_block(i, block) for i in (narrow, neck, wide))
        names = (f"basic block ({b1.row.input_shape[1]}-d)", f"bottleneck ({b2.row.input_shape[1]}-d)",
                 f"basic block ({b3.row.input_shape[1]}-d)")
        panels = [(narrow, b1, f"① {names[0]}: Fig. 5, left"), (neck, b2, f"② {names[1]}: Fig. 5, right"),
                  (wide, b3, f"③ {names[2]}: the same width as ②")]
        notes = [comparison_line(kind_of(b1, b2) or SAME_PLACE, b1, b2, ("① " + names[0], "② " + names[1])),
                 comparison_line(kind_of(b3, b2) or SAME_WIDTH, b3, b2, ("③ " + names[2], "② " + names[1]))]
        return _side_by_side("contrast", "basic block vs bottleneck: the paper's comparison and the same-width "
                             "one", panels, "<br/><br/>".join(notes))


def _panel_title(insp: Inspection, b: Block) -> str:
    main_convs = [r for r in b.main if r.kind == "conv"]
    widths = " → ".join([str(st.channels(b.row.input_shape))] + [str(st.channels(r.output_shape))
                                                                  for r in main_convs])
    where = "" if is_custom(insp.model) else f" ({insp.model} {b.path})"
    return f"{b.row.type} {widths}{where}"


def bottleneck_kinds_diagram(insp: Inspection) -> Diagram:
    """The kinds of block in a network, one drawing each, named like the paper (conv3_1, conv4_1 …).

    For ResNet-50: conv2_1 (projection, stride 1: only the channels change), conv3_1/conv4_1/conv5_1
    (projection, stride 2) and all the others (identity).  A panel draws the first block of its kind; its
    numbers are that block's when every block of the kind has the same, else the range and the sum over them.
    """
    from ..analysis.facts import kind_groups

    with st.drawing("bottleneck-kinds"):
        kinds = kind_groups(insp)
        if not kinds:
            get_block(insp, "layer1.0")  # raises: no blocks
        panels = [(insp, k.blocks[0], _kinds_title(insp, k)) for k in kinds]
        captions = [group_caption(k) for k in kinds]
        return _side_by_side("bottleneck_kinds", f"the {len(panels)} kinds of block in {insp.model}", panels,
                             captions=captions)


SHORTCUT_WORDS = {"projection": "projection", "option_a": "option A (zero-pad)", "identity": "identity",
                  "none": "no shortcut"}


def _kinds_title(insp: Inspection, kind: KindGroup) -> str:
    """``conv3_1, conv4_1, conv5_1: projection, stride 2``, and on a second line which blocks a larger kind
    holds and which one is drawn."""
    names = [paper_name(insp, p) or p or insp.model for p in kind.paths]
    what = f"{SHORTCUT_WORDS[kind.shortcut]}, stride {kind.stride}"
    if len(names) == 1:
        return f"{names[0]}: {what}"
    if len(names) <= 3:
        return f"{', '.join(names)}: {what}\ndrawn: {names[0]}"
    return f"{len(names)} blocks: {what}\n{summarize_paths(list(kind.paths))}; drawn: {names[0]}"


def v1_vs_v15_diagram(v1: Inspection, v15: Inspection, base: str, block: str = "layer2.0") -> Diagram:
    """The same bottleneck with the stride on the first 1×1 (paper, v1) and on the 3×3 (torchvision, v1.5).

    ``v1`` and ``v15`` are the two layouts of one network named ``base``
    (:func:`resnet_inspect.analysis.compare.stride_variants`).
    """
    with st.drawing("v1-vs-v15"):
        b1, b15 = get_block(v1, block), get_block(v15, block)
        titles = (f"paper (v1): stride on the first 1×1 — {base} {block}",
                  f"torchvision (v1.5): stride on the 3×3 — {base} {block}")
        note = (f"whole network: v1 {scaled(v1.totals.macs)} MACs, RF {pair(v1.totals.rf)} px"
                f" · v1.5 {scaled(v15.totals.macs)} MACs, RF {pair(v15.totals.rf)} px"
                f"<br/>same parameters ({grouped(v15.totals.params)}); a 1×1 conv with stride 2 never reads "
                "three quarters of its input pixels")
        return _side_by_side("v1_vs_v15", f"where the bottleneck's stride sits ({base} {block})",
                             [(v1, b1, titles[0]), (v15, b15, titles[1])], note)


# --------------------------------------------------------------------------- network diagrams


def network_diagram(insp: Inspection, expand: Sequence[str] = ()) -> Diagram:
    """The macro view: stem, stages (× n blocks), sizes and cumulative stride between them, head."""
    with st.drawing("network"):
        from .diagram_network import draw_network

        g = st.new_graph("network", rankdir="TB")  # landscape: the stages wrap into rows
        bottoms = draw_network(g, insp, expand)
        return _finish(g, f"network {insp.model}", bottoms)


def plain_vs_residual_diagram(insps: Sequence[Inspection]) -> Diagram:
    """Networks as columns of folded layers, aligned by output size, as in He et al. 2015 Fig. 3
    (the paper's: VGG-19, plain-34, ResNet-34)."""
    with st.drawing("plain-vs-residual"):
        from .diagram_network import draw_columns

        g = st.new_graph("plain_vs_residual")
        return _finish(g, "plain-vs-residual", draw_columns(g, insps))
