"""Plots (matplotlib, Agg): stages, receptive field, shapes along depth, the family scatter, memory.

Every function takes Inspections (never model names: the caller runs the analysis once) and returns a
:class:`matplotlib.figure.Figure`; the numbers drawn are the Inspection's own (bar heights are stage
MACs, line data are rows' receptive fields), with SI-scaled tick labels, so a test can read them back
from the artists. :func:`save` writes a figure atomically as SVG, PNG or PDF. Sizes are chosen to stay
legible on a slide.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ..analysis.result import Inspection, Row
from ..document.fmt import pair, scaled, shape
from ..errors import InspectError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

FORMATS = ("svg", "png", "pdf")
KINDS = ("stages", "rf", "shapes", "family", "memory")
FAMILY = ("resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "resnext50_32x4d",
          "resnext101_32x8d", "resnext101_64x4d", "wide_resnet50_2", "wide_resnet101_2")
STYLE: dict[str, Any] = {
    "font.size": 14, "axes.titlesize": 17, "axes.labelsize": 15, "xtick.labelsize": 13, "ytick.labelsize": 13,
    "legend.fontsize": 12, "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True,
    "grid.alpha": 0.3, "svg.hashsalt": "resnet-inspect", "savefig.dpi": 150,
}
INPUT_COLOUR = "#d62728"
# The words of the stages, rf and family plots as ``str.format`` templates: a caller passes its own (another
# language, or "" to leave a title or note out) as ``words``; keys it does not pass keep these.
WORDS: dict[str, str] = {
    "params_per_stage": "parameters per stage",
    "macs_per_stage": "MACs per stage (conv + fc)",
    "stage": "stage",
    "rf_line": "receptive field (px)",
    "rf_height_line": "receptive field, height (px)",
    "rf_width_line": "receptive field, width (px)",
    "input_size": "input size {n} px",
    "input_height": "input height {n} px",
    "input_width": "input width {n} px",
    "jump_line": "jump (px)",
    "jump_axis": "jump: px between neighbouring units",
    "layer_axis": "layer index (main-path conv and pool layers, in execution order)",
    "rf_axis": "receptive field (px)",
    "rf_title": "{model}: receptive field grows to {rf} px (input {h}×{w} px, jump {jump} px)",
    "rf_note": "yes",  # "": leave the note on who sees the whole image out
    "params_axis": "parameters",
    "macs_axis": "MACs (conv + fc)",
    "log_scale": " (log scale)",
    "family_title": "the family {where}: point area ∝ depth",
    "family_at": "at {size}",
    "family_each": "each at its default input",
    "family": "family",
    "depth": "depth",
    "layers": "{n} layers",
}
RF_COLOUR = "#1f77b4"
JUMP_COLOUR = "#ff7f0e"


@contextmanager
def style() -> Iterator[None]:
    """The house style (large fonts, light grid), for building and for saving a figure."""
    import matplotlib

    with matplotlib.rc_context(cast(Any, STYLE)):
        yield


def new_figure(width: float, height: float) -> Figure:
    """A figure on the Agg canvas (no pyplot, no global state)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def check_format(path: str | Path) -> str:
    """The format from a file name's extension, or the list of supported ones."""
    ext = Path(path).suffix.lower().lstrip(".")
    if ext not in FORMATS:
        raise InspectError(f"cannot write a plot as {Path(path).suffix or 'a file without extension'!r}; "
                           f"use one of: {', '.join('.' + f for f in FORMATS)}, e.g. -o plot.png")
    return ext


def to_bytes(fig: Figure, fmt: str) -> bytes:
    """The figure rendered in memory (so that nothing half-written reaches the disk)."""
    buf = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {}
    with style():
        fig.savefig(buf, format=fmt, bbox_inches="tight", metadata=metadata)
    return buf.getvalue()


def plain(text: str) -> str:
    """Text shown literally by matplotlib: a ``$`` (in a model name or spec) would start mathtext."""
    return text.replace("$", r"\$")


def tick_label(v: float, unit: str = "") -> str:
    """A short tick label: ``20 M``, ``4.5 G``; with ``unit="B"`` binary units: ``32 MiB``."""
    if unit == "B":
        steps: tuple[tuple[float, str], ...] = ((2.0**30, "GiB"), (2.0**20, "MiB"), (2.0**10, "KiB"))
        return next((f"{v / f:.3g} {u}" for f, u in steps if abs(v) >= f), f"{v:g} B" if v else "0")
    steps = ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"))
    return next((f"{v / f:.3g} {u}" for f, u in steps if abs(v) >= f), f"{v:g}")


def si_axis(ax: Axes, axis: str = "y", unit: str = "") -> None:
    """Tick labels like ``4 G`` (or ``32 MiB`` at binary steps for bytes), the data left exact."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(FuncFormatter(lambda v, _pos: tick_label(v, unit)))
    if unit == "B":
        low, high = ax.get_ylim() if axis == "y" else ax.get_xlim()
        scale = next((f for f in (2.0**30, 2.0**20, 2.0**10) if high >= f), 1.0)
        ticks = MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]).tick_values(low / scale, high / scale)
        target.set_ticks([t * scale for t in ticks if low <= t * scale <= high])


# --------------------------------------------------------------------------- stages and memory


def stage_order(insps: Sequence[Inspection]) -> list[str]:
    """Stage names over all models, in network order (stem first, head last)."""
    names: list[str] = []
    for insp in insps:
        for s in insp.stages:
            if s.name not in names:
                names.append(s.name)
    return sorted(names, key=lambda n: (n != "stem", n == "head", names.index(n)))


def stage_colours(names: Sequence[str]) -> dict[str, Any]:
    """Stem light grey, head dark grey; ``layerN`` along viridis, other stages (VGG's convN) along plasma."""
    from matplotlib import colormaps

    colours: dict[str, Any] = {"stem": "#bdbdbd", "head": "#525252"}
    layers = [n for n in names if re.fullmatch(r"layer\d+", n)]
    others = [n for n in names if n not in colours and n not in layers]
    for group, cmap in ((layers, colormaps["viridis"]), (others, colormaps["plasma"])):
        for i, n in enumerate(group):
            colours[n] = cmap(0.15 + 0.7 * i / max(len(group) - 1, 1))
    return colours


def word(words: Mapping[str, str] | None, key: str, **fields: object) -> str:
    """The plot word ``key`` from ``words`` (else the English of :data:`WORDS`), with ``fields`` filled in."""
    return (words or {}).get(key, WORDS[key]).format(**fields)


def _stacked(ax: Axes, insps: Sequence[Inspection], field: str, title: str) -> None:
    names = stage_order(insps)
    colours = stage_colours(names)
    x = list(range(len(insps)))
    bottom = [0] * len(insps)
    for name in names:
        values = [next((getattr(s, field) for s in i.stages if s.name == name), 0) for i in insps]
        ax.bar(x, values, 0.6, bottom=bottom, label=name, color=colours[name], edgecolor="white", linewidth=0.8)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    for xi, total in zip(x, bottom, strict=True):
        ax.annotate(scaled(total), (xi, total), xytext=(0, 4), textcoords="offset points", ha="center",
                    va="bottom", fontsize=12)
    ax.set_xticks(x, [plain(i.model) for i in insps], rotation=30 if len(insps) > 3 else 0,
                  ha="right" if len(insps) > 3 else "center")
    ax.set_title(title)
    ax.grid(axis="x", visible=False)
    # every stacked segment's bottom is a sticky edge, so a thin top segment (the head) would pin the axis to
    # the bar's top and its total would run into the title: room above the tallest bar, none below zero
    ax.use_sticky_edges = False
    ax.margins(y=0.12)
    ax.set_ylim(bottom=0)
    si_axis(ax)


def stages_figure(insps: Sequence[Inspection], words: Mapping[str, str] | None = None,
                  rows: bool = False) -> Figure:
    """Per-stage parameters and MACs as stacked bars, one bar per model (one container per stage); ``words``
    replace the English of :data:`WORDS`; ``rows``: the two panels one above the other (a narrow box)."""
    with style():
        fig = new_figure(max(10.0, 2.2 * len(insps) + 5), 6.5)
        ax_p, ax_m = fig.subplots(2, 1, sharex=True) if rows else fig.subplots(1, 2)
        _stacked(ax_p, insps, "params", word(words, "params_per_stage"))
        _stacked(ax_m, insps, "macs", word(words, "macs_per_stage"))
        if rows:
            ax_p.tick_params(labelbottom=False)
        handles, labels = ax_m.get_legend_handles_labels()
        fig.legend(handles[::-1], labels[::-1], loc="outside right center", title=word(words, "stage"))
    return fig


def memory_figure(insps: Sequence[Inspection]) -> Figure:
    """Activation memory per stage, one bar per model in each stage group."""
    names = stage_order(insps)
    with style():
        fig = new_figure(min(16.0, 4 + 1.0 * len(names) * len(insps) ** 0.5), 6.5)
        ax = fig.subplots()
        width = 0.8 / len(insps)
        for k, insp in enumerate(insps):
            values = [next((s.activation_bytes for s in insp.stages if s.name == n), 0) for n in names]
            xs = [i - 0.4 + width * (k + 0.5) for i in range(len(names))]
            bars = ax.bar(xs, values, width, label=plain(insp.model))
            if len(insps) <= 4:  # side by side, labels stand upright so neighbours never collide
                present = {s.name for s in insp.stages}
                ax.bar_label(bars, [tick_label(v, "B") if n in present else "—" for n, v in zip(names, values,
                                                                                                strict=True)],
                             fontsize=10, padding=3, rotation=0 if len(insps) == 1 else 90)
        ax.set_xticks(range(len(names)), names)
        ax.set_ylabel(f"activation memory ({insps[0].dtype}, batch {insps[0].input_shape[0]})")
        ax.set_title("activation memory per stage (each layer output once)")
        ax.grid(axis="x", visible=False)
        ax.margins(y=0.08 if len(insps) == 1 else 0.2)
        si_axis(ax, unit="B")
        if len(insps) > 1:
            ax.legend()
    return fig


# --------------------------------------------------------------------------- along depth


def spatial_layers(insp: Inspection) -> list[Row]:
    """Main-path conv and pool layers with a spatial output, in execution order (the plots' x axis).

    Shortcut layers, global pooling and pools that change nothing are left out.
    """
    return [r for r in insp.rows if r.is_leaf and not r.on_shortcut and r.rf is not None
            and len(r.output_shape) == 4 and (r.kind == "conv" or (r.kind == "pool" and _pool_counts(r)))]


def _integer_ticks(ax: Axes) -> None:
    """Layer indices are whole numbers."""
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def _pool_counts(r: Row) -> bool:
    """A pool that changes the map and is not the global pooling before the head."""
    return r.output_shape[2:] != (1, 1) and r.input_shape != r.output_shape


def _stage_of(insp: Inspection) -> dict[str, str]:
    from .diagram_network import stage_groups

    return {r.name: stage.name for stage, rows in stage_groups(insp) for r in rows}


def _mark_stages(ax: Axes, insp: Inspection, layers: Sequence[Row], labels: bool = True) -> None:
    """Dotted lines where a stage starts; its name centred over its span (turned upright when narrow)."""
    owner = _stage_of(insp)
    starts: dict[str, int] = {}
    for i, r in enumerate(layers, start=1):
        starts.setdefault(owner.get(r.name, "?"), i)
    edges = [*starts.values(), len(layers) + 1]
    for (name, start), end in zip(starts.items(), edges[1:], strict=True):
        ax.axvline(start - 0.5, color="#999999", linestyle=":", linewidth=1)
        if not labels:
            continue
        narrow = (end - start) < 0.06 * len(layers)
        ax.annotate(plain(name), ((start + end - 1) / 2, 1.0), xycoords=("data", "axes fraction"), xytext=(0, -4),
                    textcoords="offset points", va="top", ha="center", fontsize=11, color="#555555",
                    rotation=90 if narrow else 0)


def rf_figure(insp: Inspection, words: Mapping[str, str] | None = None) -> Figure:
    """Receptive field (and effective stride) of each main-path layer, with the input size as a line.

    Height and width are drawn apart when they differ (a non-square input or kernel); the legend sits under
    the axes, so no line runs through it; the note on who sees the whole image goes where no data is.
    ``words`` replace the English of :data:`WORDS` (an empty title or note is left out).
    """
    layers = spatial_layers(insp)
    x = list(range(1, len(layers) + 1))
    rf = [r.rf for r in layers if r.rf]
    jump = [r.jump[0] if r.jump else 1 for r in layers]
    height, width = insp.input_shape[2], insp.input_shape[3]
    same_rf = all(h == w for h, w in rf)
    with style():
        fig = new_figure(12, 7)
        ax = fig.subplots()
        ax.plot(x, [h for h, _ in rf], color=RF_COLOUR, marker="o", markersize=3, linewidth=2,
                label=word(words, "rf_line" if same_rf else "rf_height_line"))
        if not same_rf:
            ax.plot(x, [w for _, w in rf], color=RF_COLOUR, linestyle=":", linewidth=2,
                    label=word(words, "rf_width_line"))
        if height == width:
            ax.axhline(height, color=INPUT_COLOUR, linestyle="--", linewidth=2,
                       label=word(words, "input_size", n=height))
        else:
            ax.axhline(height, color=INPUT_COLOUR, linestyle="--", linewidth=2,
                       label=word(words, "input_height", n=height))
            ax.axhline(width, color=INPUT_COLOUR, linestyle="-.", linewidth=1.6,
                       label=word(words, "input_width", n=width))
        ax2 = ax.twinx()
        ax2.step(x, jump, where="post", color=JUMP_COLOUR, linewidth=1.8, label=word(words, "jump_line"))
        ax2.set_yscale("log", base=2)
        ax2.set_yticks(sorted(set(jump)), [str(j) for j in sorted(set(jump))])
        ax2.minorticks_off()
        ax2.set_ylabel(word(words, "jump_axis"), color=JUMP_COLOUR)
        ax2.grid(False)
        ax2.spines["right"].set_visible(True)
        _mark_stages(ax, insp, layers)
        ax.set_xlabel(word(words, "layer_axis"))
        ax.set_ylabel(word(words, "rf_axis"))
        title = word(words, "rf_title", model=insp.model, rf=pair(insp.totals.rf), h=height, w=width,
                     jump=pair(insp.totals.jump))
        if title:
            ax.set_title(plain(title))
        ax.set_xlim(0, len(layers) + 1)
        _integer_ticks(ax)
        ax.set_ylim(0, max([*(max(p) for p in rf), height, width]) * 1.15)
        lines = ax.get_legend_handles_labels()
        lines2 = ax2.get_legend_handles_labels()
        fig.legend(lines[0] + lines2[0], lines[1] + lines2[1], loc="outside lower center",
                   ncols=min(3, len(lines[0]) + 1), frameon=False)
        if word(words, "rf_note"):
            _note_whole_image(fig, ax, ax2, insp, layers)
    return fig


def _whole_image_text(insp: Inspection, layers: Sequence[Row]) -> tuple[str, int | None]:
    """Where the receptive field outgrows the input, which units really see the whole image, and the index
    of the first layer where some do."""
    hw = (insp.input_shape[2], insp.input_shape[3])
    bigger = next((i for i, r in enumerate(layers) if r.rf and r.rf[0] > hw[0] and r.rf[1] > hw[1]), None)
    from ..analysis.facts import whole_image_units

    counts = [whole_image_units(r, hw) for r in layers]
    first = next((i for i, c in enumerate(counts) if c[0] * c[1] > 0), None)
    if bigger is None and first is None:
        return "the receptive field stays inside the input: no unit sees the whole image", None

    def units(i: int) -> str:
        out = layers[i].output_shape
        return f"#{i + 1}: {counts[i][0] * counts[i][1]:,} of {out[2] * out[3]:,} units"

    lines = []
    if bigger is not None:
        lines.append(f"receptive field wider than the input from layer #{bigger + 1} ({layers[bigger].name}) on;")
    lines.append("a unit sees the whole image only if its window covers it (units near the centre first):")
    if first is None:
        lines.append("none does yet: every window hangs over a border")
    else:
        last = len(layers) - 1
        lines.append(f"{units(first)} ({layers[first].name})" + (f" · last layer {units(last)}"
                                                                 if last != first else ""))
    return "\n".join(lines), first


def _note_whole_image(fig: Figure, ax: Axes, ax2: Axes, insp: Inspection, layers: Sequence[Row]) -> None:
    """The note, in the first corner of the axes where it covers no data point (upper left, usually)."""
    text, first = _whole_image_text(insp, layers)
    if first is not None:
        ax.axvspan(first + 0.5, len(layers) + 1, color=INPUT_COLOUR, alpha=0.07, linewidth=0)
    note = ax.text(0.02, 0.9, plain(text), transform=ax.transAxes, fontsize=11.5,
                   color=INPUT_COLOUR, va="top", ha="left", zorder=5,
                   bbox={"boxstyle": "round", "fc": "white", "ec": INPUT_COLOUR, "alpha": 0.95})
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    fig.draw_without_rendering()
    points = [p for a in (ax, ax2) for line in a.get_lines() for p in _display_points(a, line)]
    for x, y, ha, va in ((0.02, 0.9, "left", "top"), (0.98, 0.04, "right", "bottom"),
                         (0.5, 0.9, "center", "top"), (0.98, 0.5, "right", "center"),
                         (0.02, 0.5, "left", "center"), (0.5, 0.04, "center", "bottom")):
        note.set(x=x, y=y, ha=ha, va=va)
        note.update_bbox_position_size(renderer)
        patch = note.get_bbox_patch()
        box = (patch or note).get_window_extent(renderer).padded(4)
        if not any(box.contains(px, py) for px, py in points):
            return


def _display_points(ax: Axes, line: Any) -> list[tuple[float, float]]:
    """Points along a drawn line, in pixels: its segments sampled (steps drawn as steps), and a horizontal
    line (the input size, x in axes fraction) all along its width."""
    xs, ys = list(line.get_xdata()), list(line.get_ydata())
    if line.get_transform() is not ax.transData:
        return [_xy(line.get_transform().transform((k / 50, ys[0]))) for k in range(51)]
    corners = [(xs[0], ys[0])] if xs else []
    for x1, y0, y1 in zip(xs[1:], ys, ys[1:], strict=False):
        if str(line.get_drawstyle()).startswith("steps"):
            corners.append((x1, y0))
        corners.append((x1, y1))
    out = [_xy(ax.transData.transform(corners[-1]))] if corners else []
    for (x0, y0), (x1, y1) in itertools.pairwise(corners):
        out += [_xy(ax.transData.transform((x0 + t / 8 * (x1 - x0), y0 + t / 8 * (y1 - y0)))) for t in range(8)]
    return out


def _xy(p: Any) -> tuple[float, float]:
    return (float(p[0]), float(p[1]))


MAX_DRAWN_LAYERS = 200  # beyond this, a per-layer channel line becomes a solid block: draw one step per block


def shapes_figure(insp: Inspection) -> Figure:
    """Feature-map size and channels of each main-path layer along depth (two panels, shared x).

    Channels change at every layer inside a bottleneck (256 → 64 → 64 → 256); past ``MAX_DRAWN_LAYERS``
    layers those zigzags merge into a solid band, so each block is drawn as one step: its widest and its
    narrowest conv output, the band between them shaded.
    """
    layers = spatial_layers(insp)
    x = list(range(1, len(layers) + 1))
    sizes = [r.output_shape[2] for r in layers]
    chans = [r.output_shape[1] for r in layers]
    dense = len(layers) > MAX_DRAWN_LAYERS
    with style():
        fig = new_figure(12, 7.5)
        ax_s, ax_c = fig.subplots(2, 1, sharex=True)
        ax_s.step(x, sizes, where="post", color="#2ca02c", linewidth=2.2)
        ax_s.set_ylabel("feature map (px, height)")
        if dense:
            _block_channels(ax_c, insp, layers)
        else:
            ax_c.step(x, chans, where="post", color="#9467bd", linewidth=2.2)
        ax_c.set_ylabel("channels")
        for ax, values in ((ax_s, sizes), (ax_c, chans)):
            ax.set_yscale("log", base=2)
            ticks = sorted(set(values))
            ax.set_yticks(ticks, [str(t) for t in ticks])
            ax.set_ylim(min(values) / 1.3, max(values) * 1.9)
            ax.minorticks_off()
            _mark_stages(ax, insp, layers, labels=ax is ax_s)
        _integer_ticks(ax_c)
        ax_c.set_xlabel("layer index (main-path conv and pool layers, in execution order)")
        title = f"{insp.model}: feature-map size and channels along depth"
        ax_s.set_title(plain(title + (f"\n(channels per block: {len(layers):,} layers are too many to draw apart)"
                                      if dense else "")))
    return fig


def block_spans(insp: Inspection, layers: Sequence[Row]) -> list[tuple[int, int, int, int]]:
    """``(first x, last x, narrowest, widest)`` channels of each block's layers (a layer outside any block is
    a span of its own), in order; x counts layers from 1 as on the plots' axis."""
    from ..analysis.facts import blocks_of

    owner = {leaf.name: path for path, b in blocks_of(insp).items() for leaf in b.leaves}
    spans: list[tuple[str, int, int, int, int]] = []
    for i, r in enumerate(layers, start=1):
        key, c = owner.get(r.name, f"#{i}"), r.output_shape[1]
        if spans and spans[-1][0] == key:
            _, start, _, low, high = spans[-1]
            spans[-1] = (key, start, i, min(low, c), max(high, c))
        else:
            spans.append((key, i, i, c, c))
    return [(start, end, low, high) for _, start, end, low, high in spans]


def _block_channels(ax: Axes, insp: Inspection, layers: Sequence[Row]) -> None:
    """One step per block: widest and narrowest conv output, the band between shaded."""
    spans = block_spans(insp, layers)
    edges = [s[0] for s in spans] + [spans[-1][1] + 1]
    highs = [s[3] for s in spans] + [spans[-1][3]]
    lows = [s[2] for s in spans] + [spans[-1][2]]
    ax.fill_between(edges, lows, highs, step="post", color="#9467bd", alpha=0.18, linewidth=0)
    ax.step(edges, highs, where="post", color="#9467bd", linewidth=2.2, label="widest conv output in each block")
    ax.step(edges, lows, where="post", color="#9467bd", linewidth=1.4, linestyle="--",
            label="narrowest conv output in each block")
    ax.legend(loc="upper left", fontsize=11)


# --------------------------------------------------------------------------- the family


def family_figure(insps: Sequence[Inspection], log: bool = False, words: Mapping[str, str] | None = None,
                  size: tuple[float, float] = (11, 7.5), ticks: int | None = None) -> Figure:
    """MACs vs parameters, one labelled point per model, point area by depth, colour by family; ``log``:
    logarithmic axes (VGG-19 beside ResNet-18 stays readable).  Models at the same spot share one label;
    ``words`` replace the English of :data:`WORDS` (an empty title is left out); ``size``: the figure's inches,
    which the labels are placed for (they keep their place in points when a figure is resized); ``ticks``: at
    most that many ticks on a linear axis, set before the labels are placed."""
    families = [_family(i.model) for i in insps]
    palette = {f: c for f, c in zip(dict.fromkeys(families), _tab10(), strict=False)}
    with style():
        fig = new_figure(*size)
        ax = fig.subplots()
        for fam in palette:
            members = [i for i, f in zip(insps, families, strict=True) if f == fam]
            ax.scatter([i.totals.params for i in members], [i.totals.macs for i in members],
                       s=[_area(i.totals.depth) for i in members], color=palette[fam], alpha=0.75,
                       edgecolor="black", linewidth=0.6, label=(words or {}).get(f"family:{fam}", fam), zorder=3)
        if log:
            _log_axes(ax)
        else:
            si_axis(ax, "x")
            si_axis(ax, "y")
        scale = word(words, "log_scale") if log else ""
        ax.set_xlabel(word(words, "params_axis") + scale)
        ax.set_ylabel(word(words, "macs_axis") + scale)
        sizes = {tuple(i.input_shape[2:]) for i in insps}
        where = (word(words, "family_at", size=shape(sizes.pop(), drop_batch=False)) if len(sizes) == 1
                 else word(words, "family_each"))
        title = word(words, "family_title", where=where)
        if title:
            ax.set_title(title)
        ax.margins(0.12)
        if ticks is not None:
            fewer_ticks(fig, ticks)
        _depth_key(ax, insps, words)
        place_labels(fig, ax, [(i.totals.params, i.totals.macs) for i in insps], [plain(i.model) for i in insps],
                     [_area(i.totals.depth) for i in insps])
    return fig


def _log_axes(ax: Axes) -> None:
    """Log axes with ticks at 1, 2 and 5 of each decade, labelled like the linear ones (``20 M``)."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    ax.set_xscale("log")
    ax.set_yscale("log")
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        axis.set_major_formatter(FuncFormatter(lambda v, _pos: tick_label(v)))
        axis.set_minor_formatter(NullFormatter())


def _family(name: str) -> str:
    from ..registry import get_spec

    try:
        return get_spec(name).family
    except InspectError:
        return "custom"


def _tab10() -> list[Any]:
    from matplotlib import colormaps

    cmap = colormaps["tab10"]
    return [cmap(i) for i in range(10)]


def _area(depth: int) -> float:
    return 40 + 3.0 * depth


def _depth_key(ax: Axes, insps: Sequence[Inspection], words: Mapping[str, str] | None = None) -> None:
    """The family legend, and a second legend of three point sizes."""
    fam_legend = ax.legend(loc="upper left", title=word(words, "family"), markerscale=0.6)
    ax.add_artist(fam_legend)
    depths = sorted({i.totals.depth for i in insps})
    samples = sorted({depths[0], depths[len(depths) // 2], depths[-1]})
    handles = [ax.scatter([], [], s=_area(d), color="#cccccc", edgecolor="black", linewidth=0.6) for d in samples]
    ax.legend(handles, [word(words, "layers", n=d) for d in samples], loc="lower right", title=word(words, "depth"),
              labelspacing=1.2, borderpad=1.0)


DIRECTIONS = ((1, 0, "left", "center"), (-1, 0, "right", "center"), (0, 1, "center", "bottom"),
              (0, -1, "center", "top"), (0.7, 0.7, "left", "bottom"), (0.7, -0.7, "left", "top"),
              (-0.7, 0.7, "right", "bottom"), (-0.7, -0.7, "right", "top"))


def _candidates(radius: float) -> Iterator[tuple[float, float, str, str, bool]]:
    """Label offsets (points) around a marker of ``radius`` points: close ones first, then with a leader."""
    for gap, leader in ((4.0, False), (22.0, True), (44.0, True)):
        for ux, uy, ha, va in DIRECTIONS:
            yield ux * (radius + gap), uy * (radius + gap), ha, va, leader


def place_labels(fig: Figure, ax: Axes, points: Sequence[tuple[float, float]], texts: Sequence[str],
                 areas: Sequence[float]) -> None:
    """Label points without overlaps: markers that sit on each other share one label (their names stacked);
    then try offsets around each point and keep the first free one."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    fig.draw_without_rendering()
    frame = ax.get_window_extent(renderer)
    taken = [_marker_box(ax, p, a) for p, a in zip(points, areas, strict=True)]
    from matplotlib.legend import Legend

    taken += [c.get_window_extent(renderer) for c in ax.get_children() if isinstance(c, Legend)]  # the keys
    points, texts, areas = _merge_coincident(ax, points, texts, areas)
    centres = [ax.transData.transform(p) for p in points]
    for point, text, area in sorted(zip(points, texts, areas, strict=True), key=lambda t: -t[0][1]):
        best: tuple[float, tuple[float, float, str, str, bool]] | None = None
        for dx, dy, ha, va, leader in _candidates(area**0.5 / 2):
            label = ax.annotate(text, point, xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
                                fontsize=12, arrowprops={"arrowstyle": "-", "color": "#777777", "lw": 0.8}
                                if leader else None)
            box = label.get_window_extent(renderer).expanded(1.04, 1.15)
            inside = frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
            if inside and not any(box.overlaps(t) for t in taken) and (leader or _nearest_is(
                    box, ax.transData.transform(point), centres)):
                taken.append(box)
                break
            # no free place: the one that covers the least of the others (and of the frame's outside)
            cost = sum(_overlap(box, t) for t in taken) + (0 if inside else box.width * box.height)
            if best is None or cost < best[0]:
                best = (cost, (dx, dy, ha, va, leader))
            label.remove()
        else:
            dx, dy, ha, va, leader = best[1] if best else (8, 8, "left", "bottom", False)
            ax.annotate(text, point, xytext=(dx, dy), textcoords="offset points", ha=ha, va=va, fontsize=12,
                        arrowprops={"arrowstyle": "-", "color": "#777777", "lw": 0.8} if leader else None)


def _overlap(a: Any, b: Any) -> float:
    """The area two boxes share (display units)."""
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return float(max(w, 0.0) * max(h, 0.0))


def _merge_coincident(ax: Axes, points: Sequence[tuple[float, float]], texts: Sequence[str],
                      areas: Sequence[float]) -> tuple[list[tuple[float, float]], list[str], list[float]]:
    """Points whose markers overlap by more than half become one labelled point ("resnet34" over "plain34")."""
    fig = ax.get_figure()
    to_points = 72 / (fig.dpi if fig is not None else 72)
    groups: list[tuple[list[int], Any]] = []
    for i, (p, a) in enumerate(zip(points, areas, strict=True)):
        centre = ax.transData.transform(p) * to_points
        near = next((g for g in groups if ((g[1][0] - centre[0]) ** 2 + (g[1][1] - centre[1]) ** 2) ** 0.5
                     < 0.5 * max(a, areas[g[0][0]]) ** 0.5), None)
        if near is None:
            groups.append(([i], centre))
        else:
            near[0].append(i)
    for g, _ in groups:  # stacked names in the order of the markers, the highest on top
        g.sort(key=lambda i: -points[i][1])
    return ([points[g[0]] for g, _ in groups], ["\n".join(texts[i] for i in g) for g, _ in groups],
            [max(areas[i] for i in g) for g, _ in groups])


def _nearest_is(box: Any, own: Any, centres: Sequence[Any]) -> bool:
    """True when the label box is nearer to its own marker than to any other (so it cannot be misread)."""
    cx, cy = (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2
    dist = [((cx - x) ** 2 + (cy - y) ** 2) ** 0.5 for x, y in centres]
    mine = ((cx - own[0]) ** 2 + (cy - own[1]) ** 2) ** 0.5
    return bool(mine <= min(dist) + 1e-6)


def _marker_box(ax: Axes, point: tuple[float, float], area: float) -> Any:
    """The pixel box of a scatter marker of ``area`` pt²."""
    from matplotlib.transforms import Bbox

    x, y = ax.transData.transform(point)
    fig = ax.get_figure()
    r = 0.8 * (area**0.5) / 2 * (fig.dpi if fig is not None else 72) / 72
    return Bbox([[x - r, y - r], [x + r, y + r]])


def fewer_ticks(fig: Figure, n: int) -> None:
    """At most ``n`` major ticks on every linear axis (log axes keep their chosen ticks)."""
    from matplotlib.ticker import MaxNLocator

    for ax in fig.axes:
        for axis, scale in ((ax.xaxis, ax.get_xscale()), (ax.yaxis, ax.get_yscale())):
            locator = axis.get_major_locator()
            if scale == "linear" and isinstance(locator, MaxNLocator):  # AutoLocator is one too
                integer = bool(getattr(locator, "_integer", False))
                axis.set_major_locator(MaxNLocator(nbins=n, integer=integer))
