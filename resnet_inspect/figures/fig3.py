"""He et al. 2015, Fig. 3 as lanes, and one whole network as a strip: two landscape drawings for a 16:9 slide.

:func:`lanes_bytes` draws each network as one lane, left to right: a box per run of same-shaped layers,
divided into one cell per layer, coloured by its output channels; pools apart; the lanes cut into sections
by output map size (a dashed line where the map shrinks), so the three networks line up as in the paper;
the shortcuts as arcs over their blocks (solid: identity, dashed: projection).  :func:`network_bytes` draws
one network as input → stem layers → a box per stage ("n × block", channels, map size) → head, with the
weighted layers each box adds to the depth under it.

Everything drawn comes from :class:`~resnet_inspect.analysis.deck.Lane` and
:class:`~resnet_inspect.analysis.deck.Segment` facts; every word is passed in (``words``, ``str.format``
templates with the keys of :data:`WORDS`), so a Chinese deck draws Chinese words.  The canvas is the figure's
box on the slide (:data:`CANVAS_WIDTH` inches wide), so text drawn at :data:`FONT_PT` is that size as
projected.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from ..analysis.deck import LaneLayer, LaneShortcut, Segment
from .deck import PNG_DPI, palette, slide_fonts
from .diagram_style import SHORTCUT_COLOUR, STRIDE_COLOUR

if TYPE_CHECKING:
    from matplotlib.axes import Axes

CANVAS_WIDTH = 12.2  # inches: the width of a stacked figure on a 16:9 slide (deck.css)
FONT_PT = 15.0  # every label; the floor as projected is 14 pt
NETWORK_MAX_PT = 20  # the network strip takes larger type when its rows still hold it
NETWORK_MAX_HEIGHT = 4.6  # inches: what a stacked figure gets above two lines of text on a 16:9 slide
LINE_IN = FONT_PT * 1.25 / 72  # one line of labels, in inches
RUN_GAP = 0.05
SECTION_GAP = 0.14
# conv boxes darken as the channels grow (the house conv blue, then deeper blues)
WIDTH_FILLS = ("#e8f1fd", "#cfe0f7", "#b2cdef", "#93b8e6", "#75a3dc", "#5b8fd1")
TEXT_DARK = "#1a1a1a"

# The English words; a caller passes the words of its language with the same fields.
WORDS: dict[str, str] = {
    "output": "output",
    "pool": "pool",
    "fc": "fc",
    "identity": "identity shortcut",
    "projection": "projection shortcut",
    "strided": "stride {s}",
    "legend": "one cell per weighted layer · colour: channels",
    "input": "input",
    "conv": "{k} conv",
    "max_pool": "max pool",
    "avg_pool": "avg pool",
    "basic": "basic block",
    "bottleneck": "bottleneck",
    "block": "{kernels} block",
    "plain": "{kernels}, no shortcut",
    "times": "× {n}",
    "channels": "{c} ch",
    "layers": "{n} layers",
    "layer": "1 layer",
}


@dataclass(frozen=True)
class LaneView:
    """One lane to draw: its title, the line of numbers under it, its layers and shortcuts."""

    title: str
    caption: str
    layers: Sequence[LaneLayer]
    shortcuts: Sequence[LaneShortcut]


def _w(words: Mapping[str, str], key: str, **fields: object) -> str:
    return words.get(key, WORDS[key]).format(**fields)


def text_width(text: str, size: float = FONT_PT, bold: bool = False) -> float:
    """The width of ``text`` at ``size`` pt in the fonts in force, in inches (measured by Agg)."""
    import matplotlib

    return _measured(text, size, bold, tuple(matplotlib.rcParams["font.sans-serif"]))


@cache
def _measured(text: str, size: float, bold: bool, fonts: tuple[str, ...]) -> float:
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    renderer = cast(Any, RendererAgg)(100, 100, 72)
    prop = FontProperties(family=list(fonts), size=size, weight="bold" if bold else "normal")
    width, _, _ = renderer.get_text_width_height_descent(text, prop, ismath=False)
    return float(width) / 72 * 1.04


def _fill(channels: int, widths: Sequence[int]) -> str:
    rank = sorted(set(widths)).index(channels) if channels in widths else 0
    return WIDTH_FILLS[min(rank, len(WIDTH_FILLS) - 1)]


def _hw_text(hw: Sequence[int]) -> str:
    return "×".join(str(d) for d in hw) if hw else "1×1"


# ============================================================================ Fig. 3 lanes


Section = tuple[int, ...]


def _section(x: LaneLayer) -> Section:
    return x.out_hw or (1, 1)


def section_order(lanes: Sequence[Sequence[Section]]) -> list[Section]:
    """The output sizes of all lanes in one order that keeps each lane's own order (a size comes after every
    size that precedes it in some lane); where the lanes disagree, the larger map first."""
    pending = [list(dict.fromkeys(seq)) for seq in lanes]
    out: list[Section] = []
    while any(pending):
        heads = list(dict.fromkeys(seq[0] for seq in pending if seq))
        free = [h for h in heads if not any(h in seq[1:] for seq in pending)]
        pick = max(free or heads, key=lambda hw: (hw[0] * hw[-1], hw))
        out.append(pick)
        pending = [[x for x in seq if x != pick] for seq in pending]
    return out


@dataclass(frozen=True)
class Run:
    """Layers in a row of one lane with the same kind, kernel, channels and stride: one box."""

    first: int  # lane index of the first layer
    layers: tuple[LaneLayer, ...]

    @property
    def head(self) -> LaneLayer:
        return self.layers[0]


def runs(layers: Sequence[LaneLayer]) -> list[Run]:
    """Consecutive layers of the same kind, kernel, channels and output size, as runs (a strided layer
    starts a run of the layers after it: its cell is marked, see :func:`lanes_figure`)."""
    out: list[Run] = []
    for i, x in enumerate(layers):
        last = out[-1].layers[-1] if out else None
        if last is not None and (last.kind, last.kernel, last.channels, last.out_hw, last.pool) == (
                x.kind, x.kernel, x.channels, x.out_hw, x.pool) and x.stride == 1:
            out[-1] = Run(out[-1].first, (*out[-1].layers, x))
        else:
            out.append(Run(i, (x,)))
    return out


def run_lines(run: Run, words: Mapping[str, str]) -> tuple[str, str]:
    """The two lines of a run's box: ``3×3 ×6`` over ``64``; ``pool`` over ``/2``; ``fc ×2`` over ``4096``."""
    x, n = run.head, len(run.layers)
    times = f" ×{n}" if n > 1 else ""
    if x.kind == "pool":
        return _w(words, "pool") + times, f"/{x.stride}" if x.stride > 1 else _hw_text(x.out_hw)
    if x.kind == "linear":
        return _w(words, "fc") + times, str(x.channels)
    k = f"{x.kernel[0]}×{x.kernel[1]}" if x.kernel else ""
    return k + times, str(x.channels)


@dataclass(frozen=True)
class _Placed:
    run: Run
    x: float
    width: float


def _run_width(run: Run, slot: float, words: Mapping[str, str]) -> float:
    label = max(text_width(line) for line in run_lines(run, words)) + 0.1
    cells = len(run.layers) * (slot * 0.7 if run.head.kind == "pool" else slot)
    return max(cells, label)


def _layout(lanes: Sequence[LaneView], slot: float, words: Mapping[str, str], left: float
            ) -> tuple[list[list[_Placed]], list[tuple[Section, float, float]]]:
    """Boxes placed on x (inches) per lane, and each section's (size, start, end)."""
    per_lane = [runs(v.layers) for v in lanes]
    order = section_order([[_section(x) for x in v.layers] for v in lanes])
    placed: list[list[_Placed]] = [[] for _ in lanes]
    sections = []
    x0 = left
    for sec in order:
        width = 0.0
        for i, rs in enumerate(per_lane):
            x = x0
            for r in (r for r in rs if _section(r.head) == sec):
                w = _run_width(r, slot, words)
                placed[i].append(_Placed(r, x, w))
                x += w + RUN_GAP
            width = max(width, x - x0 - RUN_GAP)
        sections.append((sec, x0, x0 + width))
        x0 += width + SECTION_GAP
    return placed, sections


def _fit(lanes: Sequence[LaneView], words: Mapping[str, str], left: float, right: float
         ) -> tuple[list[list[_Placed]], list[tuple[Section, float, float]]]:
    """The widest layer cells for which every section fits between ``left`` and ``right``."""
    lo, hi = 0.04, 0.6
    for _ in range(30):
        mid = (lo + hi) / 2
        _, sections = _layout(lanes, mid, words, left)
        lo, hi = (mid, hi) if sections[-1][2] <= right else (lo, mid)
    return _layout(lanes, lo, words, left)


def _box(ax: Axes, x: float, y: float, w: float, h: float, fill: str, edge: str, **kw: Any) -> None:
    from matplotlib.patches import FancyBboxPatch

    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0,rounding_size=0.04", facecolor=fill,
                                edgecolor=edge, linewidth=1.2, **kw))


def _draw_run(ax: Axes, p: _Placed, y: float, h: float, widths: Sequence[int], words: Mapping[str, str]
              ) -> None:
    x = p.run.head
    kind = "pool" if x.kind == "pool" else "linear" if x.kind == "linear" else "conv"
    fill, edge = palette(kind)
    if kind == "conv":
        fill = _fill(x.channels, widths)
    _box(ax, p.x, y, p.width, h, fill, edge)
    n = len(p.run.layers)
    for k in range(1, n):  # one cell per layer
        cx = p.x + p.width * k / n
        ax.plot([cx, cx], [y + 0.04, y + h - 0.04], color="white", linewidth=1.6, solid_capstyle="butt")
    for k, layer in enumerate(p.run.layers):  # a strided conv or fc: a bar under its cell
        if layer.stride > 1 and kind != "pool":
            a, b = p.x + p.width * k / n, p.x + p.width * (k + 1) / n
            ax.plot([a + 0.03, b - 0.03], [y - 0.05, y - 0.05], color=STRIDE_COLOUR, linewidth=4,
                    solid_capstyle="butt")
    top, bottom = run_lines(p.run, words)
    mid = p.x + p.width / 2
    pool = kind == "pool" and x.stride > 1
    ax.text(mid, y + h * 0.70, top, ha="center", va="center", fontsize=FONT_PT, color=TEXT_DARK)
    ax.text(mid, y + h * 0.28, bottom, ha="center", va="center", fontsize=FONT_PT,
            color=STRIDE_COLOUR if pool else TEXT_DARK, fontweight="bold" if pool else "normal")


def _cell_x(placed: Sequence[_Placed], index: int, end: bool) -> float:
    """The left (or right) edge of the cell of the lane's layer ``index``."""
    for p in placed:
        n = len(p.run.layers)
        if p.run.first <= index < p.run.first + n:
            k = index - p.run.first + (1 if end else 0)
            return p.x + p.width * k / n
    raise KeyError(index)


def _draw_shortcut(ax: Axes, placed: Sequence[_Placed], s: LaneShortcut, y: float, rise: float) -> None:
    from matplotlib.patches import FancyArrowPatch

    x0, x1 = _cell_x(placed, s.first, False) + 0.02, _cell_x(placed, s.last, True) - 0.02
    rad = -min(0.9, 2 * rise / max(x1 - x0, 1e-3))
    ax.add_patch(FancyArrowPatch((x0, y), (x1, y), connectionstyle=f"arc3,rad={rad}", arrowstyle="-|>",
                                 mutation_scale=11, color=SHORTCUT_COLOUR, linewidth=1.8,
                                 linestyle="--" if s.kind == "projection" else "-"))


def _legend(ax: Axes, y: float, words: Mapping[str, str], left: float, strides: str) -> None:
    x = left
    for key, colour, style, width in (("identity", SHORTCUT_COLOUR, "-", 2.0),
                                      ("projection", SHORTCUT_COLOUR, "--", 2.0),
                                      ("strided", STRIDE_COLOUR, "-", 4.0)):
        ax.plot([x, x + 0.4], [y, y], color=colour, linewidth=width, linestyle=style, solid_capstyle="butt")
        label = _w(words, key, s=strides)
        ax.text(x + 0.5, y, label, va="center", fontsize=FONT_PT, color=TEXT_DARK)
        x += 0.5 + text_width(label) + 0.3
    ax.text(x, y, _w(words, "legend"), va="center", fontsize=FONT_PT, color=TEXT_DARK)


def _canvas(width: float, height: float, cjk: bool) -> tuple[Any, Axes]:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.axis("off")
    return fig, ax


def _save(draw: Callable[[], Any], fmt: str, cjk: bool) -> bytes:
    import warnings

    import matplotlib

    rc: dict[str, Any] = {
        **slide_fonts(cjk),
        "svg.fonttype": "none", "svg.hashsalt": "resnet-inspect", "font.size": FONT_PT,
    }
    with matplotlib.rc_context(cast(Any, rc)), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        fig = draw()
        buf = io.BytesIO()
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        fig.savefig(buf, format=fmt, dpi=PNG_DPI, metadata=metadata)
    return buf.getvalue()


def lanes_bytes(lanes: Sequence[LaneView], words: Mapping[str, str], fmt: str, cjk: bool) -> bytes:
    """The lanes of Fig. 3 as ``svg`` or ``png``, :data:`CANVAS_WIDTH` inches wide."""
    return _save(lambda: lanes_figure(lanes, words, cjk), fmt, cjk)


def lanes_figure(lanes: Sequence[LaneView], words: Mapping[str, str], cjk: bool = False) -> Any:
    """A matplotlib figure of the lanes (see :func:`lanes_bytes`)."""
    name_w = text_width(_w(words, "output"), bold=True) + 0.15
    width = CANVAS_WIDTH
    placed, sections = _fit(lanes, words, name_w, width - 0.05)
    box_h, rise, cap_h, gap, head_h, legend_h = 2.3 * LINE_IN, 0.26, LINE_IN + 0.1, 0.1, LINE_IN + 0.1, LINE_IN + 0.12
    lane_h = rise + box_h + cap_h + gap
    height = head_h + lane_h * len(lanes) + legend_h
    fig, ax = _canvas(width, height, cjk)
    widths = [x.channels for v in lanes for x in v.layers if x.kind == "conv"]
    top = height - head_h
    ax.text(0.05, top + head_h / 2, _w(words, "output"), va="center", fontsize=FONT_PT, color=TEXT_DARK,
            fontweight="bold")
    for k, (sec, a, b) in enumerate(sections):
        ax.text((a + b) / 2, top + head_h / 2, _hw_text(sec), ha="center", va="center", fontsize=FONT_PT,
                color=TEXT_DARK, fontweight="bold")
        if k:
            edge = a - SECTION_GAP / 2
            ax.plot([edge, edge], [legend_h, height - 0.04], color="#9a9a9a", linewidth=1.1, linestyle=(0, (4, 3)))
    for i, v in enumerate(lanes):
        y = top - lane_h * (i + 1) + cap_h + gap
        for p in placed[i]:
            _draw_run(ax, p, y, box_h, widths, words)
        for s in v.shortcuts:
            _draw_shortcut(ax, placed[i], s, y + box_h, rise)
        ax.text(0.05, y - 0.13, v.title, va="top", fontsize=FONT_PT, fontweight="bold", color=TEXT_DARK,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
        ax.text(0.05 + text_width(v.title, bold=True) + 0.1, y - 0.13, v.caption, va="top", fontsize=FONT_PT,
                color=TEXT_DARK, bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
    strides = sorted({x.stride for v in lanes for x in v.layers if x.weighted and x.stride > 1})
    _legend(ax, legend_h / 2, words, 0.05, "/".join(map(str, strides)))
    return fig


# ============================================================================ one network, whole


def segment_lines(s: Segment, words: Mapping[str, str]) -> list[str]:
    """The lines of a box: what it is, its repeat or blocks, its channels, then ``/2 → 56×56`` (its stride
    and output map) or the map alone."""
    size = _hw_text(s.out_hw)
    where = f"/{s.stride} → {size}" if s.stride > 1 else size
    times = [_w(words, "times", n=s.repeat)] if s.repeat > 1 else []
    k = f"{s.kernel[0]}×{s.kernel[1]}" if s.kernel else ""
    if s.kind == "stage":
        kernels = "·".join(f"{a}×{b}" for a, b in s.block_kernels)
        if not s.residual:
            kind = _w(words, "plain", kernels=kernels)
        elif s.block_kernels == ((3, 3), (3, 3)):
            kind = _w(words, "basic")
        elif s.block_kernels == ((1, 1), (3, 3), (1, 1)):
            kind = _w(words, "bottleneck")
        else:
            kind = _w(words, "block", kernels=kernels)
        return [s.paper_name or s.name, kind, _w(words, "times", n=s.blocks), _w(words, "channels", c=s.channels),
                where]
    if s.kind == "pool":
        return [_w(words, "max_pool") if s.pool == "max" else _w(words, "avg_pool"), *times,
                k if s.pool == "max" else "", where]
    if s.kind == "linear":
        return [_w(words, "fc"), *times, str(s.channels)]
    return [_w(words, "conv", k=k), *times, _w(words, "channels", c=s.channels), where]


def _split(widths: Sequence[float], k: int, arrow: float) -> list[list[int]]:
    """``widths`` cut into ``k`` rows in order, the widest row as narrow as it can be."""
    n = len(widths)

    def span(a: int, b: int) -> float:
        return sum(widths[a:b]) + arrow * (b - a - 1)

    if k <= 1 or n <= 1:
        return [list(range(n))]
    if k == 2:
        cut = min(range(1, n), key=lambda c: max(span(0, c), span(c, n)))
        return [list(range(cut)), list(range(cut, n))]
    best = min(((a, b) for a in range(1, n - 1) for b in range(a + 1, n)),
               key=lambda ab: max(span(0, ab[0]), span(ab[0], ab[1]), span(ab[1], n)))
    return [list(range(best[0])), list(range(best[0], best[1])), list(range(best[1], n))]


def _strip_layout(items: Sequence[list[str]], under: Sequence[str], arrow: float
                  ) -> tuple[float, list[list[int]], list[float]]:
    """The type size, rows and box widths that show the strip largest on a slide: one, two or three rows,
    each as wide as :data:`CANVAS_WIDTH`, the whole no taller than :data:`NETWORK_MAX_HEIGHT` (taller ones
    are shrunk to it, so their type counts as smaller)."""
    best: tuple[float, int, float, list[list[int]], list[float]] | None = None
    tallest = max(len(lines) for lines in items)
    for size in range(int(FONT_PT), NETWORK_MAX_PT + 1):
        widths = [max(text_width(text, size, bold=True),
                      *(text_width(x, size, bold=k == 0) for k, x in enumerate(lines))) + 0.14
                  for lines, text in zip(items, under, strict=True)]
        for k in (1, 2, 3):
            rows = _split(widths, k, arrow)
            if max(sum(widths[i] for i in r) + arrow * (len(r) - 1) for r in rows) > CANVAS_WIDTH - 0.1:
                continue
            height = k * _row_height(size, tallest) + 0.1
            shown = size * min(1.0, NETWORK_MAX_HEIGHT / height)
            if shown >= FONT_PT and (best is None or (shown, -k) > (best[0], -best[1])):
                best = (shown, k, float(size), rows, widths)
            break
    if best is None:
        raise ValueError("the network strip does not fit three rows of a slide at the figure floor")
    return best[2], best[3], best[4]


def _layers_text(layers: int, words: Mapping[str, str]) -> str:
    """``9 layers`` under a box (nothing under a box that adds no layer)."""
    if not layers:
        return ""
    return _w(words, "layer") if layers == 1 else _w(words, "layers", n=layers)


def _row_height(size: float, lines: int) -> float:
    line = size * 1.25 / 72
    return lines * line + 0.2 + line + 0.12 + 0.3


def network_bytes(segments: Sequence[Segment], input_text: str, words: Mapping[str, str], fmt: str,
                  cjk: bool) -> bytes:
    """One network as a strip of boxes, as ``svg`` or ``png``, :data:`CANVAS_WIDTH` inches wide."""
    return _save(lambda: network_figure(segments, input_text, words, cjk), fmt, cjk)


def network_figure(segments: Sequence[Segment], input_text: str, words: Mapping[str, str], cjk: bool = False
                   ) -> Any:
    """A matplotlib figure of the strip (see :func:`network_bytes`): wraps onto a second row when one row
    would not hold every box at :data:`FONT_PT`."""
    items: list[tuple[list[str], str, str, int]] = [([_w(words, "input"), input_text], "#ffffff", "#333333", 0)]
    widths_c = [s.channels for s in segments if s.kind in ("conv", "stage")]
    for s in segments:
        kind = "pool" if s.kind == "pool" else "linear" if s.kind == "linear" else "conv"
        fill, edge = palette(kind)
        if kind == "conv":
            fill = _fill(s.channels, widths_c)
        items.append(([x for x in segment_lines(s, words) if x], fill, edge, s.layers))
    arrow = 0.19
    under_text = [_layers_text(layers, words) for *_, layers in items]
    size, rows, widths = _strip_layout([lines for lines, *_ in items], under_text, arrow)
    line = size * 1.25 / 72
    box_h = max(len(lines) for lines, *_ in items) * line + 0.2
    under = line + 0.12
    row_h = _row_height(size, max(len(lines) for lines, *_ in items))
    height = row_h * len(rows) + 0.1
    fig, ax = _canvas(CANVAS_WIDTH, height, cjk)
    arrows = {"arrowstyle": "-|>", "color": "#333333", "linewidth": 1.5}
    turn: tuple[float, float] | None = None  # where the previous row's last box ends (x, bottom)
    for r, row in enumerate(rows):
        total = sum(widths[i] for i in row) + arrow * (len(row) - 1)
        x = (CANVAS_WIDTH - total) / 2
        y = height - row_h * (r + 1) + under + 0.15
        if turn is not None:  # the strip goes on below: down, back left, down into the first box
            y_mid = y + box_h + 0.15
            ax.plot([turn[0], turn[0], x + widths[row[0]] / 2], [turn[1] - under, y_mid, y_mid], color="#333333",
                    linewidth=1.5)
            ax.annotate("", xy=(x + widths[row[0]] / 2, y + box_h), xytext=(x + widths[row[0]] / 2, y_mid),
                        arrowprops=arrows)
        for j, i in enumerate(row):
            lines, fill, edge, layers = items[i]
            _box(ax, x, y, widths[i], box_h, fill, edge)
            n = len(lines)
            for k, text in enumerate(lines):
                ax.text(x + widths[i] / 2, y + box_h - 0.1 - line * (k + 0.5) - (box_h - 0.2 - n * line) / 2,
                        text, ha="center", va="center", fontsize=size, fontweight="bold" if k == 0 else "normal",
                        color=STRIDE_COLOUR if text.startswith("/") else TEXT_DARK)
            if layers:
                ax.text(x + widths[i] / 2, y - 0.08, under_text[i], ha="center", va="top", fontsize=size,
                        color="#3b73b9", fontweight="bold")
            if j:
                ax.annotate("", xy=(x, y + box_h / 2), xytext=(x - arrow, y + box_h / 2), arrowprops=arrows)
            x += widths[i] + arrow
        turn = (x - arrow - widths[row[-1]] / 2, y)
    return fig


__all__ = ["CANVAS_WIDTH", "FONT_PT", "WORDS", "LaneView", "lanes_bytes", "lanes_figure", "network_bytes",
           "network_figure", "run_lines", "runs", "section_order", "segment_lines"]
