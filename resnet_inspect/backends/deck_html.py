"""A slide :class:`~resnet_inspect.document.Document` as one self-contained HTML deck, and as PDF.

The HTML runs offline in any browser: CSS, script and figures (SVG, as ``data:`` images) are inside the
file, nothing is fetched.  Arrow keys, space and Page Up/Down move; ``n`` shows the speaker notes below the
slide (which shrinks above them); ``p`` opens a presenter window (notes, the next slide, a timer), the two
windows kept on the same slide; ``f`` is full screen and ``o`` an overview of every slide; the address
``deck.html#7`` opens slide 7.  The PDF is the same HTML printed by weasyprint, one 16:9 page
(13.333 × 7.5 in) per slide.

A slide's layout follows from its blocks: a diagram goes above the text (``stacked``), a plot beside it
(``split``), a table or text alone fills the slide.
"""

from __future__ import annotations

import base64
import math
from importlib import resources
from typing import Any

from ..document import BulletList, Document, Figure, Formula, Note, Paragraph, Slide, Table
from ..errors import InspectError

NOTES_LABEL = {"en": "Speaker notes", "zh": "讲稿"}
HELP = {"en": "← → or space: move · n: notes · p: presenter view · f: full screen · o: overview",
        "zh": "← → 或空格：翻页 · n：讲稿 · p：演讲者视图 · f：全屏 · o：总览"}
HTML_LANG = {"en": "en", "zh": "zh-Hans"}
# the presenter window's words (deck.js reads them from the body's data-label-* attributes)
PRESENTER_LABELS = {"en": {"reset": "reset", "next": "next"}, "zh": {"reset": "重新计时", "next": "下一页"}}


def slides_of(doc: Document) -> list[Slide]:
    """The slides of a deck, in order (a deck's blocks are slides)."""
    return [b for b in doc.blocks if isinstance(b, Slide)]


TALL_TEXT = 200  # a diagram slide with less text than this (characters) gives the diagram more height
DENSE_TEXT = 560  # a text slide with more than this (characters) is set a size smaller


def text_length(slide: Slide) -> int:
    """Characters of text on a slide outside its title and figures."""
    n = 0
    for b in slide.blocks:
        if isinstance(b, BulletList):
            n += sum(len(i) for i in b.items)
        elif isinstance(b, (Paragraph, Formula, Note)):
            n += len(b.text)
    return n


def tall_figure(slide: Slide) -> bool:
    """A diagram slide with at most two short text items: the diagram gets more of the height."""
    items = sum(len(b.items) if isinstance(b, BulletList) else 1 for b in slide.blocks
                if isinstance(b, (BulletList, Paragraph, Formula, Note)))
    return layout(slide) == "stacked" and items <= 2 and text_length(slide) < TALL_TEXT


def dense(slide: Slide) -> bool:
    """A text-only slide with a lot of text (a list of sources): set a size smaller."""
    return layout(slide) == "text" and text_length(slide) > DENSE_TEXT


def layout(slide: Slide) -> str:
    """``cover``, ``stacked`` (a diagram above the text), ``split`` (a plot beside it), ``table`` or ``text``."""
    if slide.id == "cover":
        return "cover"
    fig = next((b for b in slide.blocks if isinstance(b, Figure)), None)
    if fig is not None:
        return "split" if fig.kind == "plot" else "stacked"
    return "table" if any(isinstance(b, Table) for b in slide.blocks) else "text"


def figure_bytes(fig: Figure, fmt: str, cache: dict[tuple[str, str], bytes] | None = None) -> bytes:
    """``fig`` drawn as ``fmt``, once per ``cache`` (figure ids are unique within a deck)."""
    if cache is None:
        return fig.draw(fmt)
    key = (fig.id, fmt)
    if key not in cache:
        cache[key] = fig.draw(fmt)
    return cache[key]


def _cell_lines(text: str) -> list[str]:
    return text.split("\n")


def _table_context(table: Table) -> dict[str, Any]:
    columns = [{"title": c.title, "align": "num" if c.numeric else ""} for c in table.columns]
    rows = []
    for r in table.rows:
        cells = [{"lines": _cell_lines(c.text if c.text is not None else "" if c.value is None else str(c.value)),
                  "align": "num" if col.numeric else ""} for c, col in zip(r.cells, table.columns, strict=True)]
        rows.append({"cells": cells, "cls": " ".join(sorted(r.tags))})
    return {"type": "table", "columns": columns, "rows": rows, "role": table.role}


def _block_context(block: Any) -> dict[str, Any] | None:
    if isinstance(block, Paragraph):
        return {"type": "para", "text": block.text}
    if isinstance(block, BulletList):
        return {"type": "bullets", "items": list(block.items)}
    if isinstance(block, Formula):
        return {"type": "formula", "text": block.text, "label": block.label}
    if isinstance(block, Note):
        return {"type": "note", "text": block.text, "kind": block.kind}
    if isinstance(block, Table):
        return _table_context(block)
    return None


def _data_uri(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


# The stacked layout's geometry (deck.css): the body between the title and the footer, and the text under a
# diagram at 20 pt with a line height of 1.3 on 12.23 in of width.  A diagram gets an explicit height, what
# the text leaves, so no layout engine can let it grow over the text (WeasyPrint sizes a flex item holding an
# image by the image).
BODY_HEIGHT_IN = 7.5 - 0.3 - 0.42 - 0.75 - 0.12  # slide, paddings, header with its rule, the gap
TEXT_WIDTH_PT = (13.333 - 1.1) * 72
CHAR_EM = 0.5  # an average character width of Arial/Liberation Sans in ems (CJK characters: 1)


def stacked_text_height_in(slide: Slide, size: float = 20.0) -> float:
    """The height the text under a diagram takes, estimated from its characters (a little generous)."""
    height = 0.0
    for b in slide.blocks:
        items = b.items if isinstance(b, BulletList) else (b.text,) if isinstance(b, (Paragraph, Formula, Note)) else ()
        for text in items:
            ems = sum(1.0 if ord(ch) > 0x2E80 else CHAR_EM for ch in text)
            indent = 0.32 * 72 if isinstance(b, BulletList) else 0.0
            lines = max(1, math.ceil(ems * size / (TEXT_WIDTH_PT - indent)))
            height += lines * size * 1.3 / 72 + 0.04
    return height


def slide_context(n: int, slide: Slide, cache: dict[tuple[str, str], bytes] | None) -> dict[str, Any]:
    """The plain values the template needs for one slide (figures as SVG data URIs)."""
    fig = next((b for b in slide.blocks if isinstance(b, Figure)), None)
    blocks = [c for c in (_block_context(b) for b in slide.blocks) if c is not None]
    return {
        "n": n, "id": slide.id, "title": slide.title, "layout": layout(slide), "tall": tall_figure(slide),
        "dense": dense(slide),
        "blocks": blocks,
        "notes": list(slide.notes),
        "figure": None if fig is None else {"src": _data_uri(figure_bytes(fig, "svg", cache)), "alt": fig.alt,
                                            "kind": fig.kind, "height_in": round(max(
                                                1.5, BODY_HEIGHT_IN - stacked_text_height_in(slide)), 2)
                                            if layout(slide) == "stacked" else None},
    }


def _asset(name: str) -> str:
    return resources.files("resnet_inspect.backends").joinpath("templates", name).read_text("utf-8")


def render_html(doc: Document, mode: str = "screen", cache: dict[tuple[str, str], bytes] | None = None) -> str:
    """The deck as one HTML file: ``screen`` (one slide at a time, keys, notes) or ``print`` (every slide,
    one per page, for weasyprint)."""
    import jinja2

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                             trim_blocks=True, lstrip_blocks=True)
    template = env.from_string(_asset("deck.html.j2"))
    lang = doc.lang if doc.lang in NOTES_LABEL else "en"
    version = dict(doc.meta).get("version", "")
    return template.render(
        title=doc.title, slides=[slide_context(i, s, cache) for i, s in enumerate(slides_of(doc), start=1)],
        css=_asset("deck.css"), script=_asset("deck.js") if mode == "screen" else "", mode=mode,
        body_class=f"{mode} lang-{lang}",
        html_lang=HTML_LANG[lang], notes_label=NOTES_LABEL[lang], help=HELP[lang], version=version,
        labels=PRESENTER_LABELS[lang] if mode == "screen" else {},
    )


def render_pdf(doc: Document, cache: dict[tuple[str, str], bytes] | None = None) -> bytes:
    """The deck as PDF: the print form of the HTML, one 16:9 page per slide (weasyprint)."""
    try:
        import weasyprint
    except (ImportError, OSError) as e:
        raise InspectError(f"the PDF deck needs weasyprint, which cannot be loaded ({e}); install it with "
                           "`pip install weasyprint` (and Debian's libpango-1.0-0), or use --format html") from None
    import logging

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    html = render_html(doc, mode="print", cache=cache)
    pdf: bytes = weasyprint.HTML(string=html).write_pdf()
    return pdf
