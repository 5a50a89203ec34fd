"""SVG figures placed in a page: inline (text selectable, themed by the page's colours), and laid out on A4
so that their smallest text stays legible.

A figure's SVG (Graphviz or matplotlib, 1 user unit = 1 pt) is read once: its size, its smallest font and
where its text and boxes sit.  On screen it is inlined whole.  On paper it is scaled so that its smallest
text is at least :data:`FIGURE_FLOOR_PT`: on a portrait page if it fits, else on a landscape page, else cut
into side-by-side panels shown one under the other (diagrams only), each cut placed between boxes where it
can be and widened so that no box or label is split.
"""

from __future__ import annotations

import html
import itertools
import re
from dataclasses import dataclass

FIGURE_FLOOR_PT = 6.8  # the smallest figure text on A4 (the floor is 6.5 pt; a little to spare)
# The text box of an A4 page (see style.css: @page margins), less room for a caption, in points.
PORTRAIT = (515.0, 660.0)
LANDSCAPE = (773.0, 440.0)
CHAR_EM = 0.58  # the width of an average character of a sans-serif font, in ems (to place cuts)

_PROLOGUE = re.compile(r"^\s*(<\?xml[^>]*\?>\s*)?(<!--.*?-->\s*)*(<!DOCTYPE[^>]*>\s*)?(<!--.*?-->\s*)*", re.S)
_ROOT = re.compile(r"<svg\b[^>]*>", re.S)
_TEXT = re.compile(r"<text\b([^>]*)>(.*?)</text>", re.S)
_NODE = re.compile(r'<g\b[^>]*class="node"[^>]*>(.*?)</g>', re.S)
_FONT = re.compile(r'font-size(?:="|:\s*)([\d.]+)')
_NUM = re.compile(r"-?\d+(?:\.\d+)?")


@dataclass(frozen=True)
class Svg:
    """One figure's SVG and what layout needs to know: size (pt), smallest font (pt), occupied x-ranges."""

    body: str  # the SVG without prologue or root element's size
    width: float
    height: float
    min_font: float
    spans: tuple[tuple[float, float], ...]  # x-ranges of labels (first ``texts`` of them), then boxes
    texts: tuple[str, ...]  # every label's text, in order (``_TEXT`` matches)

    def root(self, view: tuple[float, float, float, float], width: str, height: str, extra: str = "") -> str:
        """The root element for a view box ``(x, y, w, h)`` at a given size."""
        box = " ".join(f"{v:.2f}" for v in view)
        # xml:space: a font run's leading space (" on conv2" after a bold "stride 2") is kept, as Graphviz
        # placed it, instead of being collapsed into the run before
        return (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
                f'xml:space="preserve" viewBox="{box}" width="{width}" height="{height}" '
                f'fill="currentColor"{extra}>')


def _attr(attrs: str, name: str) -> str:
    m = re.search(rf'\b{name}="([^"]*)"', attrs)
    return m.group(1) if m else ""


def _offset(svg: str) -> float:
    """Graphviz draws in a group translated by the margin: the x offset of user units."""
    m = re.search(r'class="graph"[^>]*transform="[^"]*translate\(([-\d.]+)', svg)
    return float(m.group(1)) if m else 0.0


def _text_span(attrs: str, content: str, dx: float) -> tuple[float, float] | None:
    x = _attr(attrs, "x")
    size = _FONT.search(attrs)
    text = re.sub(r"&[#\w]+;", "x", re.sub(r"<[^>]+>", "", content)).strip()
    if not x or not size or not text:
        return None
    try:
        x0 = float(x.split()[0]) + dx
    except ValueError:
        return None
    w = len(text) * float(size.group(1)) * CHAR_EM
    anchor = _attr(attrs, "text-anchor") or ("middle" if "text-anchor: middle" in attrs else
                                              "end" if "text-anchor: end" in attrs else "start")
    start = x0 - w / 2 if anchor == "middle" else x0 - w if anchor == "end" else x0
    return (start, start + w)


_RUN_ATTRS = ("font-family", "font-size", "font-weight", "font-style", "fill")


def _run(attrs: str, content: str) -> str:
    """A font run as a ``<tspan>`` that sets every font property it has (weight and style back to normal)."""
    own = {k: _attr(attrs, k) for k in _RUN_ATTRS}
    own["font-weight"] = own["font-weight"] or "normal"
    own["font-style"] = own["font-style"] or "normal"
    return "<tspan" + "".join(f' {k}="{v}"' for k, v in own.items() if v) + f">{content}</tspan>"


def joined_runs(body: str) -> str:
    """Graphviz writes each font run of a label line as a ``<text>`` of its own, placed by its own font
    metrics; a viewer with other metrics then runs the words together ("stride 2on conv2").  The runs of one
    line become ``<tspan>``s of one ``<text>``, so the viewer sets them one after the other."""
    out: list[str] = []
    pos = 0
    texts = list(_TEXT.finditer(body))
    i = 0
    while i < len(texts):
        m = texts[i]
        line = [m]
        while i + len(line) < len(texts):
            nxt = texts[i + len(line)]
            prev = line[-1]
            if (body[prev.end():nxt.start()].strip() or _attr(nxt.group(1), "text-anchor") != "start"
                    or _attr(prev.group(1), "text-anchor") != "start"
                    or _attr(nxt.group(1), "y") != _attr(prev.group(1), "y")
                    or not float(_attr(nxt.group(1), "x") or 0) > float(_attr(prev.group(1), "x") or 0)):
                break
            line.append(nxt)
        if len(line) > 1:
            first = m.group(1)
            keep = " ".join(f'{k}="{_attr(first, k)}"' for k in ("text-anchor", "x", "y", "font-family", "font-size"))
            out.append(body[pos:m.start()])
            out.append(f"<text {keep}>" + "".join(_run(x.group(1), x.group(2)) for x in line) + "</text>")
            pos = line[-1].end()
        i += len(line)
    out.append(body[pos:])
    return "".join(out)


def parse(svg: str) -> Svg:
    """Read a figure's SVG (Graphviz or matplotlib): size, smallest font, where its text and boxes sit."""
    svg = _PROLOGUE.sub("", svg, count=1)
    root = _ROOT.search(svg)
    if root is None:
        raise ValueError("not an SVG image")
    view = _NUM.findall(_attr(root.group(0), "viewBox"))
    width, height = (float(view[2]), float(view[3])) if len(view) == 4 else (
        float(_NUM.findall(_attr(root.group(0), "width"))[0]), float(_NUM.findall(_attr(root.group(0), "height"))[0]))
    body = joined_runs(svg[root.end():svg.rindex("</svg>")])
    dx = _offset(body)
    fonts = [float(f) for f in _FONT.findall(body)]
    labels = _TEXT.findall(body)
    spans = [_text_span(a, c, dx) or (0.0, 0.0) for a, c in labels]
    for node in _NODE.findall(body):
        xs = [float(p.split(",")[0]) + dx for p in re.findall(r"(-?[\d.]+,-?[\d.]+)", node)]
        if xs:
            spans.append((min(xs), max(xs)))
    return Svg(body, width, height, min(fonts) if fonts else 12.0, tuple(spans),
               tuple(html.unescape(re.sub(r"<[^>]+>", "", c)) for _, c in labels))


def prefixed(body: str, prefix: str) -> str:
    """Ids made unique on the page (several figures, or panels of one, inline in one document)."""
    body = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', body)
    body = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})", body)
    return re.sub(r'((?:xlink:)?href)="#([^"]+)"', lambda m: f'{m.group(1)}="#{prefix}-{m.group(2)}"', body)


_INK = re.compile(r'((?:fill|stroke)(?:="|:\s*))(?:#000000|#000|black|#222222|#262626|#333333)\b', re.I)
_PAPER = re.compile(r'((?:fill)(?:="|:\s*))(?:#ffffff|#fff|white)\b', re.I)


def themed(body: str) -> str:
    """Black ink follows the page's text colour and white paper becomes the page: dark mode for free."""
    return _PAPER.sub(r"\1transparent", _INK.sub(r"\1currentColor", body))


def inline(svg: Svg, prefix: str, label: str) -> str:
    """The whole figure as an inline ``<svg>`` that scales to its container (at most its natural size)."""
    style = f' style="max-width:{svg.width * 4 / 3:.0f}px" role="img" aria-label="{html.escape(label, quote=True)}"'
    body = themed(prefixed(svg.body, prefix))
    return svg.root((0, 0, svg.width, svg.height), "100%", "auto", style) + body + "</svg>"


@dataclass(frozen=True)
class Layout:
    """How a figure goes on A4: the page (``portrait``/``landscape``), its scale and its panels' x-ranges."""

    page: str
    scale: float
    panels: tuple[tuple[float, float], ...]
    lifted: frozenset[int] = frozenset()  # labels (by index) set above the panels instead of in them


def cuts(svg: Svg, k: int) -> tuple[tuple[tuple[float, float], ...], frozenset[int]]:
    """``k`` x-ranges covering the figure, and the labels lifted out of it.

    Each cut goes where it crosses the fewest boxes and labels near its ideal place; the panels on either
    side are widened to hold whole any box the cut still crosses.  A label goes in a panel that holds it
    whole; one that no panel holds (a title across the figure) is lifted out, to be set above the panels.
    """
    if k == 1:
        return ((0.0, svg.width),), frozenset()
    n = len(svg.texts)
    boxes = svg.spans[n:]
    step = svg.width / k
    bounds = [0.0]
    for i in range(1, k):
        ideal = step * i
        options = [ideal + j * 4.0 for j in range(-int(step / 8), int(step / 8) + 1)]
        bounds.append(min(options, key=lambda x: sum(min(x - s, e - x) for s, e in svg.spans if s < x < e)
                          + 0.05 * abs(x - ideal)))
    bounds.append(svg.width)
    out = []
    for a, b in itertools.pairwise(bounds):
        lo = min([a, *(s for s, e in boxes if s < a < e)])
        hi = max([b, *(e for s, e in boxes if s < b < e)])
        out.append((max(0.0, lo - 2), min(svg.width, hi + 2)))
    lifted = frozenset(i for i, (s, e) in enumerate(svg.spans[:n])
                       if e > s and not any(holds(svg, (a, b), (s, e)) for a, b in out))
    return tuple(out), lifted


def holds(svg: Svg, part: tuple[float, float], span: tuple[float, float]) -> bool:
    """The panel ``part`` holds the label ``span`` whole.  A label's width is estimated; one estimated past
    the figure's edge is drawn inside it, so the figure's edges count as the label's."""
    (a, b), (s, e) = part, span
    return a <= max(s, 0.0) and min(e, svg.width) <= b


def layout(svg: Svg, splittable: bool = True) -> Layout:
    """The first of: portrait, landscape, then 2, 3, 4 panels (portrait, then landscape) that keeps the
    smallest text at :data:`FIGURE_FLOOR_PT` or more; the largest text otherwise."""
    best: Layout | None = None
    for k in (1, 2, 3, 4) if splittable else (1,):
        panels, lifted = cuts(svg, k)
        widest = max(b - a for a, b in panels)
        for page, (w, h) in (("portrait", PORTRAIT), ("landscape", LANDSCAPE)):
            scale = min(1.0, w / widest, h / svg.height)
            option = Layout(page, scale, panels, lifted)
            if scale * svg.min_font >= FIGURE_FLOOR_PT:
                return option
            if best is None or scale > best.scale:
                best = option
    assert best is not None
    return best


def panel(svg: Svg, prefix: str, part: tuple[float, float], scale: float,
          lifted: frozenset[int] = frozenset()) -> str:
    """One panel of a figure at a scale, as inline SVG, with only the labels it holds whole."""
    a, b = part
    index = iter(range(len(svg.texts)))

    def keep(m: re.Match[str]) -> str:
        i = next(index)
        s, e = svg.spans[i]
        return "" if i in lifted or (e > s and not holds(svg, (a, b), (s, e))) else m.group(0)

    body = _TEXT.sub(keep, svg.body) if (a, b) != (0.0, svg.width) else svg.body
    size = (f"{(b - a) * scale:.1f}pt", f"{svg.height * scale:.1f}pt")
    return svg.root((a, 0, b - a, svg.height), *size) + prefixed(body, prefix) + "</svg>"


__all__ = ["FIGURE_FLOOR_PT", "Layout", "Svg", "inline", "layout", "panel", "parse", "prefixed", "themed"]
