"""The slide PDFs are legible from the back row: font sizes and positions read from the generated PDFs (PyMuPDF).

A 16:9 slide is 13.333 in wide (960 × 540 pt).  Floors as projected: titles ≥ 28 pt, body text (bullets,
paragraphs, notes, table cells) ≥ 20 pt, every figure label (diagram nodes, plot ticks, legends,
annotations) ≥ 14 pt, footers ≥ 12 pt; no text outside the page box.  Figures keep their text as text in the
PDF (Graphviz SVG text, matplotlib with ``svg.fonttype = none``), so their labels are measured like the rest.
"""

from __future__ import annotations

from functools import cache

import pytest

from resnet_inspect.analysis import deck as facts
from resnet_inspect.backends.deck_html import render_pdf
from resnet_inspect.document import BulletList, Formula, Note, Paragraph, Slide, Table
from resnet_inspect.views import slides as v

pymupdf = pytest.importorskip("pymupdf")

from tests.pdf_spans import Span, spans  # noqa: E402

TITLE_PT, BODY_PT, FIGURE_PT, FOOTER_PT = 28.0, 20.0, 14.0, 12.0
FOOTER_BAND = 0.42 * 72  # the footer sits in the slide's bottom padding (deck.css)
TITLE_BAND = 1.1 * 72  # a slide's title sits above this line (deck.css: 0.3 in padding, 28 pt, two lines at most)
SLACK = 0.05


@cache
def deck(lang: str) -> tuple[list[Slide], bytes]:
    doc = v.deck(facts.gather(facts.DEFAULT_MODELS), lang)
    return [b for b in doc.blocks if isinstance(b, Slide)], render_pdf(doc)


def body_text(slide: Slide) -> str:
    """The slide's own text outside its title and figures: what the body floor applies to."""
    parts: list[str] = []
    for b in slide.blocks:
        if isinstance(b, BulletList):
            parts += b.items
        elif isinstance(b, (Paragraph, Formula, Note)):
            parts += [b.text, b.label] if isinstance(b, Formula) and b.label else [b.text]
        elif isinstance(b, Table):
            parts += [c.title for c in b.columns]
            parts += [(c.text or str(c.value)) for r in b.rows for c in r.cells]
    return "\n".join(parts)


@cache
def figure_texts(lang: str) -> dict[int, set[str]]:
    """Page → the words drawn in that slide's figures (their SVG text), which the figure floor covers."""
    from resnet_inspect.backends.svg import parse
    from resnet_inspect.document import Figure

    shown, _ = deck(lang)
    out: dict[int, set[str]] = {}
    for n, slide in enumerate(shown, start=1):
        for b in slide.blocks:
            if isinstance(b, Figure):
                found = parse(b.draw("svg").decode()).texts
                out.setdefault(n, set()).update(t.strip() for t in found)
    return out


def in_footer(s: Span) -> bool:
    return s.bbox[1] >= s.page_box[3] - FOOTER_BAND


def show(found: list[Span]) -> list[tuple[int, str, float]]:
    return [(s.page, s.text[:40], round(s.size, 1)) for s in found[:10]]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_one_16_9_page_per_slide_and_no_text_outside(lang: str) -> None:
    shown, pdf = deck(lang)
    doc = pymupdf.open(stream=pdf, filetype="pdf")
    assert len(doc) == len(shown)
    assert all(round(p.rect.width) == 960 and round(p.rect.height) == 540 for p in doc)
    out = [s for s in spans(pdf) if s.bbox[0] < -0.5 or s.bbox[1] < -0.5 or s.bbox[2] > s.page_box[2] + 0.5
           or s.bbox[3] > s.page_box[3] + 0.5]
    assert not out, show(out)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_font_size_floors(lang: str) -> None:
    shown, pdf = deck(lang)
    found = spans(pdf)
    footers = [s for s in found if in_footer(s)]
    assert len(footers) >= 2 * len(shown)  # the deck title and the page number on every slide
    assert not [s for s in footers if s.size < FOOTER_PT - SLACK], show(footers)
    rest = [s for s in found if not in_footer(s)]
    small = [s for s in rest if s.size < FIGURE_PT - SLACK]
    assert not small, show(small)
    titles = [s for s in rest if s.text in shown[s.page - 1].title and s.bbox[3] < TITLE_BAND]
    assert {s.page for s in titles} == set(range(2, len(shown) + 1))  # the cover's title sits lower
    assert not [s for s in titles if s.size < TITLE_PT - SLACK], show(titles)
    drawn = figure_texts(lang)
    body = [s for s in rest if len(s.text) >= 6 and s.text in body_text(shown[s.page - 1])
            and not any(s.text in d for d in drawn.get(s.page, ())) and s.bbox[3] >= TITLE_BAND]
    assert len(body) > 5 * len(shown) // 2
    assert not [s for s in body if s.size < BODY_PT - SLACK], show([s for s in body if s.size < BODY_PT - SLACK])


def test_the_floors_catch_a_squeezed_figure() -> None:
    """The measurement itself: the block-kinds diagram of ResNet-50 squeezed into 60 % of the slide's width and
    the old 3.95 in height (as the deck drew it before) falls under the figure floor."""
    import weasyprint

    from resnet_inspect.figures.deck import Panel, blocks_dot, render_dot

    m = facts.gather(("resnet50",)).main
    panels = [Panel(k.blocks[0], "t", "c") for k in m.kinds]
    svg = render_dot(blocks_dot("kinds", panels, {}), "svg").decode()
    svg = svg[svg.index("<svg"):]
    html = f'<div style="width:8in;height:3.95in"><img style="width:100%;height:100%;object-fit:contain" ' \
           f'src="data:image/svg+xml;utf8,{svg.replace("#", "%23")}"></div>'
    found = spans(weasyprint.HTML(string=html).write_pdf())
    assert found and min(s.size for s in found) < FIGURE_PT
