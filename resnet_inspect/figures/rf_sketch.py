"""A 1-D sketch of the receptive-field step of one layer: a window of k input units, j pixels apart.

One unit of the layer reads ``k`` units of its input; those units sit ``j`` input pixels apart (the input's
jump) and each sees ``r`` pixels of the image, so together they see ``r + (k − 1)·j`` pixels, and the layer's
own units sit ``j·s`` pixels apart.  Everything drawn is to scale along the input's pixel axis, from the four
numbers passed in (the caller takes them from the analysis); every word is passed in too (``words``:
``str.format`` templates, see :data:`WORDS`).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any, cast

from .deck import PNG_DPI, SLIDE_PLOT_BOX, slide_fonts

FONT_PT = 16  # drawn at the size it is placed at, so every label stays above the 14 pt figure floor
UNIT = "#1f5fa8"  # the layer's unit and its taps
INPUT = "#4a4a4a"  # the input's units
WINDOW = "#e69f00"  # what each input unit sees
NEXT = "#8a8a8a"

WORDS: dict[str, str] = {
    "unit": "1 unit of {layer}",
    "inputs": "{k} input units, j = {j} px apart",
    "input": "1 input unit",
    "window": "each sees r = {r} px",
    "union": "together: {formula} = {rf} px",
    "next": "next unit: j·s = {jump} px on",
    "axis": "input pixels along one axis, from the unit's centre",
}


def _w(words: Mapping[str, str], key: str, **fields: object) -> str:
    return words.get(key, WORDS[key]).format(**fields)


def rf_sketch(layer: str, r: int, j: int, k: int, s: int, fmt: str, words: Mapping[str, str],
              cjk: bool) -> bytes:
    """The sketch for a layer with kernel ``k`` and stride ``s`` whose input has receptive field ``r`` and jump
    ``j`` (pixels), as ``svg`` or ``png`` at the size of a slide's plot box."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    rc: dict[str, Any] = {
        **slide_fonts(cjk),
        "font.size": FONT_PT, "svg.fonttype": "none",
    }
    rf = r + (k - 1) * j
    jump = j * s
    with matplotlib.rc_context(cast(Any, rc)):
        fig, ax = plt.subplots(figsize=SLIDE_PLOT_BOX)
        half = rf / 2
        taps = [(i - (k - 1) / 2) * j for i in range(k)]
        y_unit, y_in, y_win, y_union = 5.0, 3.6, 2.6, 0.6
        step = 0.45  # the windows stacked, one per input unit
        # the layer's unit, its taps, and the next unit of the layer jump·s pixels on
        ax.plot([jump], [y_unit], "o", ms=13, mfc="white", mec=NEXT, mew=2)
        ax.annotate("", xy=(jump, y_unit + 0.35), xytext=(0, y_unit + 0.35),
                    arrowprops={"arrowstyle": "->", "color": NEXT, "lw": 1.8})
        ax.text(jump / 2 if jump else 0, y_unit + 0.55, _w(words, "next", jump=jump), ha="center", va="bottom",
                color=NEXT)
        for x in taps:
            ax.plot([0, x], [y_unit, y_in], color=UNIT, lw=1.8)
        ax.plot([0], [y_unit], "o", ms=14, color=UNIT)
        ax.text(-half, y_unit - 0.6, _w(words, "unit", layer=layer), ha="left", va="center", color=UNIT)
        ax.plot(taps, [y_in] * k, "o", ms=11, color=INPUT)
        label = _w(words, "inputs", k=k, j=j) if k > 1 else _w(words, "input")
        ax.text(-half, y_in - 0.5, label, ha="left", va="center", color=INPUT)
        for n, x in enumerate(taps):
            y = y_win - n * step
            ax.plot([x - r / 2, x + r / 2], [y, y], color=WINDOW, lw=7, solid_capstyle="butt")
            ax.plot([x, x], [y_in, y], color=INPUT, lw=0.8, ls=":")
        ax.text(-half, y_win - k * step - 0.1, _w(words, "window", r=r), ha="left", va="center", color="#8a5a00")
        # the union, with its formula
        ax.annotate("", xy=(-half, y_union), xytext=(half, y_union),
                    arrowprops={"arrowstyle": "|-|", "color": "black", "lw": 1.8, "mutation_scale": 8})
        formula = f"{r} + ({k} − 1)·{j}"
        ax.text(0, y_union - 0.45, _w(words, "union", formula=formula, rf=rf), ha="center", va="top",
                fontweight="bold")
        ax.set_xlim(-half - 0.04 * rf, max(half, jump + 4) + 0.04 * rf)
        ax.set_ylim(y_union - 1.4, y_unit + 1.3)
        ax.set_yticks([])
        for side in ("left", "right", "top"):
            ax.spines[side].set_visible(False)
        ax.set_xlabel(_w(words, "axis"))
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(nbins=5, integer=True))
        fig.tight_layout(pad=0.3)
        buf = io.BytesIO()
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        fig.savefig(buf, format=fmt, dpi=PNG_DPI, metadata=metadata)
        plt.close(fig)
    return buf.getvalue()


__all__ = ["WORDS", "rf_sketch"]
