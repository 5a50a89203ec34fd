"""Every call the deck makes into ``resnet_inspect.render``: number formatting, Graphviz and matplotlib.

The deck's views and figures go through these few functions only, so a change in the render layer (a new
number formatter, plots that take results instead of names) is absorbed here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from ..analysis.result import Inspection

if TYPE_CHECKING:
    from matplotlib.figure import Figure

SLIDE_PLOT_INCHES = (8.4, 6.3)  # the plot's box beside the text on a 16:9 slide, a little larger
PNG_DPI = 200  # plots placed in the PowerPoint deck: at least 200 dpi as placed (they are never enlarged)
DIAGRAM_DPI = 300  # diagrams are enlarged to fill a wide slide: drawn finer so they stay above 200 dpi
CJK_FONT = "Noto Sans CJK SC"
LATIN_FONT = "Liberation Sans"

# ---------------------------------------------------------------------------------------------- numbers


def num(n: int | None) -> str:
    """All digits, grouped: ``25,557,032``; ``None`` is ``n/a``."""
    from ..document.fmt import grouped

    return grouped(n)


def si(n: int | float | None) -> str:
    """Three significant digits with an SI prefix: ``4.09 G``."""
    from ..document.fmt import scaled

    return scaled(n)


def size(p: Sequence[int] | None) -> str:
    """An (h, w) pair shown once when square: ``427``; ``600×800``."""
    from ..document.fmt import pair

    return pair(p)


def chw(s: Sequence[int]) -> str:
    """A tensor shape without the batch: ``256×56×56``."""
    from ..document.fmt import shape

    return shape(s)


# ---------------------------------------------------------------------------------------------- diagrams


def palette(kind: str) -> tuple[str, str]:
    """(fill, border) of a layer kind in the house colours (conv blue, BN yellow, add orange …)."""
    from ..figures.diagram_style import PALETTE

    return PALETTE.get(kind, PALETTE["other"])


def accent() -> tuple[str, str]:
    """(stride colour, shortcut colour) of the house style."""
    from ..figures.diagram_style import SHORTCUT_COLOUR, STRIDE_COLOUR

    return STRIDE_COLOUR, SHORTCUT_COLOUR


def render_dot(source: str, fmt: str) -> bytes:
    """DOT source as ``svg`` or ``png`` (at :data:`DIAGRAM_DPI`) through Graphviz's ``dot``."""
    from ..figures.diagram import render

    if fmt == "png":
        head, sep, body = source.partition("{\n")
        source = f"{head}{sep}\tdpi={DIAGRAM_DPI}\n{body}"
        source = source.replace("\tdpi=144\n", "")
    return render(source, fmt)


# ---------------------------------------------------------------------------------------------- plots

PLOT_TEXT_ZH = {
    "receptive field (px)": "感受野（像素）",
    "receptive field (px, height)": "感受野（像素，高度方向）",
    "effective stride (px)": "等效步长（像素）",
    "effective stride (jump, px)": "等效步长（像素）",
    "layer index (main-path conv and pool layers, in execution order)":
        "层序号（主路径上的卷积层与池化层，按执行顺序）",
    "parameters": "参数量",
    "MACs (conv + fc)": "乘加次数 MACs（卷积 + 全连接）",
    "MACs": "乘加次数 MACs",
    "params": "参数量",
    "stage": "阶段",
    "parameters per stage": "各阶段参数量",
    "MACs per stage (conv + fc)": "各阶段乘加次数（卷积 + 全连接）",
    "family": "系列",
    "depth": "深度",
}


def _zh_label(label: str) -> str:
    """A legend entry in Chinese: known words, ``input size 224 px``, ``50 layers``; others unchanged."""
    import re

    match = re.fullmatch(r"input size (\d+) px", label)
    if match:
        return f"输入尺寸 {match.group(1)} 像素"
    match = re.fullmatch(r"(\d+) layers?", label)
    if match:
        return f"{match.group(1)} 层"
    return PLOT_TEXT_ZH.get(label, label)


def _localise(fig: Figure, lang: str) -> None:
    """Drop the plot's own headline (the slide has one; panel titles stay) and, in Chinese, translate the
    titles, axis labels and legends we know."""
    from matplotlib.legend import Legend
    titled = [ax for ax in fig.axes if ax.get_title()]
    for ax in fig.axes:
        # one title is the plot's own headline (the slide's title replaces it); panel titles stay
        ax.set_title("" if len(titled) < 2 else PLOT_TEXT_ZH.get(ax.get_title(), ax.get_title()) if lang == "zh"
                     else ax.get_title())
        for text in list(ax.texts):  # the plot's own "RF > input … see more than the whole image" note:
            if text.get_text().startswith("RF > input"):  # true of the centre unit only; the slide says it
                text.remove()
        if lang != "zh":
            continue
        ax.set_xlabel(PLOT_TEXT_ZH.get(ax.get_xlabel(), ax.get_xlabel()))
        ax.set_ylabel(PLOT_TEXT_ZH.get(ax.get_ylabel(), ax.get_ylabel()))
        for legend in [ax.get_legend(), *(a for a in ax.artists if isinstance(a, Legend))]:
            if legend is None:
                continue
            title = legend.get_title()
            title.set_text(PLOT_TEXT_ZH.get(title.get_text(), title.get_text()))
            for text in legend.get_texts():
                text.set_text(_zh_label(text.get_text()))
    if lang == "zh":
        for legend in fig.legends:
            title = legend.get_title()
            title.set_text(PLOT_TEXT_ZH.get(title.get_text(), title.get_text()))
            for text in legend.get_texts():
                text.set_text(_zh_label(text.get_text()))
        for text in fig.texts:
            text.set_text(PLOT_TEXT_ZH.get(text.get_text(), text.get_text()))
    fig.suptitle("")


def _plot(kind: str, insps: Sequence[Inspection]) -> Figure:
    from ..figures import plots

    if kind == "stages":
        return plots.stages_figure(list(insps))
    if kind == "rf":
        return plots.rf_figure(insps[0])
    if kind == "family":
        return plots.family_figure(list(insps))
    raise ValueError(kind)


def plot_bytes(kind: str, insps: Sequence[Inspection], fmt: str, lang: str) -> bytes:
    """A plot of ``resnet-inspect plot KIND`` for these inspections, as ``svg`` or ``png``, in ``lang``."""
    import io
    import warnings

    import matplotlib

    from ..figures.plots import STYLE

    rc: dict[str, Any] = dict(STYLE)
    rc["font.family"] = ["sans-serif"]
    # matplotlib falls back per glyph only within what the first family lacks: Chinese labels need the CJK
    # font first (its Latin letters and digits then serve the whole plot)
    rc["font.sans-serif"] = [CJK_FONT, LATIN_FONT, "DejaVu Sans"] if lang == "zh" else [LATIN_FONT, "DejaVu Sans"]
    rc["svg.fonttype"] = "path"  # glyphs as outlines: the SVG shows the same letters everywhere
    with matplotlib.rc_context(cast(Any, rc)):
        with warnings.catch_warnings():  # the plot's own title (∝ …) is replaced below; its glyphs do not matter
            warnings.filterwarnings("ignore", message="Glyph .* missing from font")
            fig = _plot(kind, insps)
        _localise(fig, lang)
        fig.set_size_inches(*SLIDE_PLOT_INCHES)  # smaller canvas, same point sizes: larger type on the slide
        buf = io.BytesIO()
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        fig.savefig(buf, format=fmt, dpi=PNG_DPI, bbox_inches="tight", metadata=metadata)
    return buf.getvalue()
