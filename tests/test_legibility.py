"""The report PDFs are legible on A4: font sizes and positions read from the generated PDFs (PyMuPDF).

Floors: body text ≥ 9 pt, table text ≥ 7 pt, figure text ≥ 6.5 pt; no text outside the page box (the wide
layer table used to lose its RF and Jump columns past the right edge).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

import pytest

from resnet_inspect import report
from resnet_inspect.backends.common import text_of
from resnet_inspect.document import Figure, Paragraph, Section, Table

pymupdf = pytest.importorskip("pymupdf")

from tests.pdf_spans import spans  # noqa: E402

BODY_PT, TABLE_PT, FIGURE_PT = 9.0, 7.0, 6.5
MODELS = ("resnet50", "cifar-resnet56")


@cache
def pdf(model: str) -> bytes:
    return report.build(report.plan([model], "pdf", "unused-folder"))[f"{model}.pdf"]


def blocks(model: str) -> Iterator[object]:
    from resnet_inspect.views.report import model_report

    def walk(bs: tuple[object, ...]) -> Iterator[object]:
        for b in bs:
            yield b
            if isinstance(b, Section):
                yield from walk(b.blocks)

    yield from walk(model_report(report.analyse(model)).blocks)


def figure_texts(model: str) -> set[str]:
    from resnet_inspect.backends.svg import parse

    return {t.strip() for b in blocks(model) if isinstance(b, Figure) for t in parse(b.draw("svg").decode()).texts}


@pytest.mark.parametrize("model", MODELS)
def test_no_text_outside_the_page(model: str) -> None:
    out = [s for s in spans(pdf(model)) if s.bbox[0] < s.page_box[0] - 0.5 or s.bbox[2] > s.page_box[2] + 0.5
           or s.bbox[1] < s.page_box[1] - 0.5 or s.bbox[3] > s.page_box[3] + 0.5]
    assert not out, [(s.page, s.text, [round(v) for v in s.bbox]) for s in out[:5]]


@pytest.mark.parametrize("model", MODELS)
def test_every_layer_keeps_its_receptive_field_columns(model: str) -> None:
    from resnet_inspect.analysis import inspect

    text = " ".join(s.text for s in spans(pdf(model)))
    # every layer table's header carries RF and Jump, on pages wide enough for them (checked above)
    stages = len(inspect(model).stages)
    assert text.count("RF (px)") >= stages and text.count("Jump") >= stages


@pytest.mark.parametrize("model", MODELS)
def test_font_size_floors(model: str) -> None:
    found = spans(pdf(model))
    small = [s for s in found if s.size < FIGURE_PT - 0.05]
    assert not small, [(s.page, s.text, round(s.size, 2)) for s in small[:8]]
    in_figures = figure_texts(model)
    cells = {text_of(c) for b in blocks(model) if isinstance(b, Table) for r in b.rows for c in r.cells}
    cells -= in_figures | {""}
    table_spans = [s for s in found if s.text in cells and not re.fullmatch(r"[\d.,×/ ]{1,4}", s.text)]
    assert len(table_spans) > 200  # the layer tables are there, and measured
    small = [s for s in table_spans if s.size < TABLE_PT - 0.05]
    assert not small, [(s.page, s.text, round(s.size, 2)) for s in small[:8]]
    prose = " ".join(b.text for b in blocks(model) if isinstance(b, Paragraph))
    body_spans = [s for s in found if len(s.text) >= 25 and s.text in prose and s.text not in in_figures]
    assert len(body_spans) >= 5
    small = [s for s in body_spans if s.size < BODY_PT - 0.05]
    assert not small, [(s.page, s.text, round(s.size, 2)) for s in small[:8]]


def test_the_floors_catch_the_old_layout() -> None:
    """The measurement itself: a figure squeezed to the column width (as before) is caught."""
    import weasyprint

    from resnet_inspect.backends.svg import parse

    fig = next(b for b in blocks("resnet50") if isinstance(b, Figure) and b.id == "fig-blocks")
    image = parse(fig.draw("svg").decode())
    html = (f'<svg viewBox="0 0 {image.width} {image.height}" width="180mm">{image.body}</svg>')
    found = spans(weasyprint.HTML(string=html).write_pdf())
    assert min(s.size for s in found) < FIGURE_PT  # 10 pt × 510 / 1700 ≈ 3 pt


def test_a_label_line_is_one_text_so_viewers_keep_its_spaces() -> None:
    """Graphviz places each font run of a line by its own metrics; set apart, a browser with wider glyphs ran
    "stride 2" into "on conv2" and "layer2" into "(conv3_x)".  Joined, the line reads whole in any viewer."""
    from resnet_inspect.analysis.engine import inspect
    from resnet_inspect.backends import svg as s
    from resnet_inspect.figures.diagram import network_diagram

    parsed = s.parse(network_diagram(inspect("resnet50")).render("svg").decode())
    lines = [re.sub(r"<[^>]+>", "", c) for _, c in s._TEXT.findall(parsed.body)]
    assert "first block: stride 2 on conv2 (3×3) · projection shortcut 1×1/2 conv + BN" in lines
    assert "layer2 (conv3_x)" in " ".join(lines)
    inline = s.inline(parsed, "f1", "network")
    assert 'xml:space="preserve"' in inline and '<tspan font-family=' in inline
