"""A slide :class:`~resnet_inspect.document.Document` as an editable PowerPoint deck (python-pptx).

Titles sit in the layout's title placeholder and text in ordinary text boxes, so a lecturer can edit
both; tables are PowerPoint tables; figures are PNGs at 200 dpi; speaker notes go to the notes pane.
Text has fixed sizes and exact line spacing, and every text box is measured with the fonts' own metrics
(Liberation Sans, metric-compatible with Arial, and Noto Sans CJK SC for Chinese) before it is placed: a
box whose text would not fit is set one size smaller until it does.

Chinese text names fonts every client has: Arial for Latin letters and digits, Microsoft YaHei for Chinese
(on Windows, and with Microsoft Office for Mac; the theme names it too, so a client without it substitutes
its own Simplified Chinese face, PingFang SC on a Mac), and every run says it is ``zh-CN`` (``altLang``
``en-US``), which is how LibreOffice (through fontconfig) picks the Simplified Chinese glyphs of Noto Sans
CJK rather than the Japanese ones.  PowerPoint and LibreOffice put their own gap between Chinese and Latin
text, so the zh deck's runs carry no literal space there (the text is measured with the space, which is
about as wide as the clients' gap).  The geometry follows the HTML deck
(13.333 × 7.5 in, the same point sizes), with the same layouts: a diagram above the text, a plot beside
it, a table or text alone.
"""

from __future__ import annotations

import functools
import io
import re
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from ..document import BulletList, Document, Figure, Formula, Note, Paragraph, Slide, Table
from ..errors import InspectError
from .deck_html import dense, figure_bytes, layout, slides_of

if TYPE_CHECKING:
    from PIL.ImageFont import FreeTypeFont

LATIN_FONT = "Arial"  # what the deck asks for; Liberation Sans has the same metrics and is what we measure
EA_FONT = "Microsoft YaHei"  # 微软雅黑: what Windows and Office have; measured with Noto Sans CJK SC
EA_FALLBACK = "PingFang SC"  # macOS's Simplified Chinese face, named in the docstring, not in the file
MEASURE_FONTS = {("latin", False): "Liberation Sans", ("latin", True): "Liberation Sans:bold",
                 ("cjk", False): "Noto Sans CJK SC", ("cjk", True): "Noto Sans CJK SC:bold"}
LINE = 1.25  # exact line spacing, in ems
TABLE_LINE = 1.08  # the same in table cells (deck.css: table.role-architecture)
SPACE_AFTER = 0.35  # space after a paragraph, in ems
INSET = 0.08  # text box inner margin, inches
SLIDE_W, SLIDE_H = 13.333, 7.5
LEFT, RIGHT, TOP, BOTTOM = 0.55, 0.55, 1.22, 0.45
TITLE_TOP, TITLE_H = 0.28, 0.82
BLUE, DARK, GREY, TEXT = "3B73B9", "17375E", "555555", "1B1B1B"
MIN_SIZE = 20  # the body floor (pt): text boxes and tables are never set smaller
FOOTER_SIZE = 12
LABEL_GAP = "   "  # between a formula's label and the formula
SPLIT_FIG_W = 7.1  # the plot beside the text (inches), as deck.css .layout-split


# ============================================================================ measuring text


@functools.cache
def font_file(pattern: str) -> str:
    """The font file fontconfig picks for ``pattern`` (``Liberation Sans:bold``)."""
    if shutil.which("fc-match") is None:
        raise InspectError("measuring slide text needs fontconfig's fc-match; install fontconfig "
                           "(Debian: apt-get install fontconfig)")
    out = subprocess.run(["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True, check=False)
    if not out.stdout:
        raise InspectError(f"no font found for {pattern!r}; install fonts-liberation and fonts-noto-cjk")
    return out.stdout


@functools.cache
def _font(script: str, bold: bool) -> FreeTypeFont:
    from PIL import ImageFont

    return ImageFont.truetype(font_file(MEASURE_FONTS[(script, bold)]), 100)


def is_cjk(ch: str) -> bool:
    """CJK ideographs, kana, and full-width punctuation: set in the East Asian font, breakable anywhere."""
    o = ord(ch)
    return (0x2E80 <= o <= 0x9FFF) or (0xF900 <= o <= 0xFAFF) or (0xFF00 <= o <= 0xFFEF) or (0x3000 <= o <= 0x303F)


AUTOSPACE = 0.25  # ems a client adds where Chinese meets Latin text with no space between (LibreOffice does)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width of ``text`` in points at ``size`` pt, each character in the font PowerPoint would use, with the
    gap a client adds where Chinese and Latin text meet without a space."""
    total, last = 0.0, ""
    for script, run in _runs(text):
        total += _font(script, bold).getlength(run) * size / 100
        if last and not last[-1].isspace() and not run[0].isspace():
            total += AUTOSPACE * size
        last = run
    return total


def _runs(text: str) -> Iterator[tuple[str, str]]:
    for m in re.finditer(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]+|[^\u2e80-\u9fff\uf900-\ufaff"
                         r"\uff00-\uffef\u3000-\u303f]+", text):
        yield ("cjk" if is_cjk(m.group()[0]) else "latin"), m.group()


def _tokens(text: str) -> list[str]:
    """Break opportunities: a word with its trailing space, or one CJK character."""
    return re.findall(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]|[^\s\u2e80-\u9fff\uf900-\ufaff"
                      r"\uff00-\uffef\u3000-\u303f]+\s*|\s+", text)


def wrap(text: str, width: float, size: float, bold: bool = False, lead: float = 0.0) -> list[str]:
    """Greedy line breaking as a word processor does it: words (or CJK characters) onto a line until full;
    ``lead``: points of the first line already taken (a formula's label column)."""
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for tok in _tokens(para):
            taken = lead if not lines else 0.0
            if line and taken + text_width((line + tok).rstrip(), size, bold) > width:
                lines.append(line.rstrip())
                line = tok.lstrip()
            else:
                line += tok
        lines.append(line.rstrip())
    return lines


# ============================================================================ what goes in a text box


@dataclass(frozen=True)
class Para:
    """One paragraph of a text box: its text, size, style, and the indent a bullet takes."""

    text: str
    size: float
    bold: bool = False
    colour: str = TEXT
    bullet: bool = False
    label: str = ""
    shade: bool = False
    after: float = SPACE_AFTER  # space after the paragraph, in ems

    @property
    def indent(self) -> float:
        """Left indent in points (bullets hang)."""
        return 0.32 * 72 if self.bullet else (0.14 * 72 if self.shade else 0.0)

    @property
    def label_size(self) -> float:
        """A formula's label is set at the body size, its formula a size larger (deck.css .formula .label)."""
        return float(MIN_SIZE)

    @property
    def tab(self) -> float:
        """Points the label takes before the formula on the first line (the label and a gap of three spaces:
        clients place tab stops after an indent too differently to align a column on them)."""
        return text_width(self.label + LABEL_GAP, self.label_size) if self.label else 0.0

    def lines(self, width_pt: float) -> list[str]:
        """The paragraph's lines in a box ``width_pt`` wide."""
        return wrap(self.text, width_pt - self.indent, self.size, self.bold, lead=self.tab)


def paragraphs(blocks: Sequence[Any], base: float) -> list[Para]:
    """The text blocks of a slide as paragraphs at a base size (bullets, formulas, notes scale from it)."""
    out: list[Para] = []
    for b in blocks:
        if isinstance(b, Paragraph):
            out.append(Para(b.text, base))
        elif isinstance(b, BulletList):
            out += [Para(item, base, bullet=True) for item in b.items]
        elif isinstance(b, Formula):
            out.append(Para(b.text, base + 1, label=b.label, shade=True))
        elif isinstance(b, Note):
            kind = b.kind
            out.append(Para(b.text, max(base - 5, MIN_SIZE), bold=kind == "convention",
                            colour=DARK if kind == "convention" else GREY))
    return out


def text_height(paras: Sequence[Para], width_pt: float) -> float:
    """Height in points of paragraphs wrapped into a box ``width_pt`` wide (insets already taken off)."""
    h = 0.0
    for p in paras:
        h += len(p.lines(width_pt)) * p.size * LINE + p.size * p.after
    return h


def fit(blocks: Sequence[Any], base: float, width_in: float, height_in: float) -> list[Para]:
    """Paragraphs at the largest base size (``base`` down to :data:`MIN_SIZE`) that fit the box."""
    size = base
    while True:
        paras = paragraphs(blocks, size)
        if size <= MIN_SIZE or text_height(paras, (width_in - 2 * INSET) * 72) <= (height_in - 2 * INSET) * 72:
            return paras
        size -= 1


# ============================================================================ writing the deck


def _set_font(run: Any, size: float, bold: bool, colour: str) -> None:
    from pptx.oxml.ns import qn
    from pptx.util import Pt

    font = run.font
    font.size = Pt(size)
    font.bold = bold
    font.name = LATIN_FONT
    font.color.rgb = _rgb(colour)
    rpr = run._r.get_or_add_rPr()
    for tag in ("a:ea", "a:cs"):
        old = rpr.find(qn(tag))
        if old is not None:
            rpr.remove(old)
    latin = rpr.find(qn("a:latin"))
    ea = rpr.makeelement(qn("a:ea"), {"typeface": EA_FONT})
    latin.addnext(ea)


def _bullet(paragraph: Any, indent_pt: float) -> None:
    from pptx.oxml.ns import qn
    from pptx.util import Pt

    ppr = paragraph._p.get_or_add_pPr()
    ppr.set("marL", str(int(Pt(indent_pt))))
    ppr.set("indent", str(-int(Pt(indent_pt))))
    for tag in ("a:buNone", "a:buChar", "a:buAutoNum"):
        old = ppr.find(qn(tag))
        if old is not None:
            ppr.remove(old)
    ppr.append(ppr.makeelement(qn("a:buChar"), {"char": "•"}))


def _no_bullet(paragraph: Any, indent_pt: float) -> None:
    from pptx.oxml.ns import qn
    from pptx.util import Pt

    ppr = paragraph._p.get_or_add_pPr()
    ppr.set("marL", str(int(Pt(indent_pt))))
    ppr.set("indent", "0")
    ppr.append(ppr.makeelement(qn("a:buNone"), {}))


def _frame(frame: Any) -> None:
    from pptx.enum.text import MSO_AUTO_SIZE
    from pptx.util import Inches

    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    for side in ("margin_left", "margin_right", "margin_top", "margin_bottom"):
        setattr(frame, side, Inches(INSET))


def write_paras(frame: Any, paras: Sequence[Para]) -> None:
    """Fill a text frame: exact line spacing, bullets, labelled formulas, both fonts on every run."""
    from pptx.util import Pt

    _frame(frame)
    for i, p in enumerate(paras):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.line_spacing = Pt(p.size * LINE)
        para.space_after = Pt(p.size * p.after)
        if p.bullet:
            _bullet(para, p.indent)
        else:
            _no_bullet(para, p.indent)
        if p.label:
            _set_font(para.add_run(), p.label_size, False, BLUE)
            para.runs[-1].text = p.label + LABEL_GAP
        run = para.add_run()
        run.text = p.text
        _set_font(run, p.size, p.bold, p.colour)


def add_text(slide: Any, blocks: Sequence[Any], base: float, box: tuple[float, float, float, float],
             name: str = "Text") -> None:
    """A text box at ``box`` (left, top, width, height in inches) holding ``blocks``, sized to fit."""
    from pptx.util import Inches

    left, top, width, height = box
    paras = fit(blocks, base, width, height)
    shade(slide, paras, box)
    shape = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    shape.name = name
    write_paras(shape.text_frame, paras)


SHADE, SHADE_BAR = "F2F6FB", 0.05  # a formula's background and its blue left rule (inches), as deck.css .formula


def shade(slide: Any, paras: Sequence[Para], box: tuple[float, float, float, float]) -> None:
    """The pale band and blue rule behind each formula of a text box, placed where its lines fall (exact
    line spacing makes that position known before any client lays the text out)."""
    left, top, width, _ = box
    inner = (width - 2 * INSET) * 72
    y = (top + INSET) * 72
    for p in paras:
        h = len(p.lines(inner)) * p.size * LINE
        if p.shade:
            pad = 0.12 * p.size
            _rect(slide, (left + INSET) * 72, y - pad, inner, h + 2 * pad, SHADE)
            _rect(slide, (left + INSET) * 72, y - pad, SHADE_BAR * 72, h + 2 * pad, BLUE)
        y += h + p.size * p.after


def _rect(slide: Any, x: float, y: float, w: float, h: float, fill: str) -> None:
    """A filled rectangle without outline (points)."""
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.oxml.ns import qn
    from pptx.util import Pt

    r = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Pt(x), Pt(y), Pt(w), Pt(h))
    r.name = "Shade"
    r.fill.solid()
    r.fill.fore_color.rgb = _rgb(fill)
    r.line.fill.background()
    style = r._element.find(qn("p:style"))
    if style is not None:  # the theme's look for a new shape (outline, shadow) is not the deck's
        r._element.remove(style)


def add_title(slide: Any, text: str, size: float = 28, top: float = TITLE_TOP) -> None:
    """The title, in the layout's title placeholder (so outlines and accessibility tools see it)."""
    from pptx.util import Inches

    width = SLIDE_W - LEFT - RIGHT
    room = (TITLE_H - 2 * INSET) * 72
    while size > 18 and len(wrap(text, (width - 2 * INSET) * 72, size, True)) * size * LINE > room:
        size -= 1
    title = slide.shapes.title
    title.left, title.top, title.width, title.height = (Inches(LEFT), Inches(top), Inches(width),
                                                        Inches(TITLE_H))
    write_paras(title.text_frame, [Para(text, size, bold=True, colour=DARK, after=0)])
    from pptx.enum.text import MSO_ANCHOR, PP_ALIGN

    title.text_frame.vertical_anchor = MSO_ANCHOR.BOTTOM
    title.text_frame.paragraphs[0].alignment = PP_ALIGN.LEFT
    y = top + TITLE_H + 0.03
    line = slide.shapes.add_connector(1, Inches(LEFT), Inches(y), Inches(SLIDE_W - RIGHT), Inches(y))
    line.line.color.rgb = _rgb(BLUE)
    line.line.width = Inches(0.03)


def _rgb(hex_colour: str) -> Any:
    from pptx.dml.color import RGBColor

    return cast(Any, RGBColor).from_string(hex_colour)


def add_picture(slide: Any, png: bytes, box: tuple[float, float, float, float], alt: str) -> None:
    """A PNG scaled to fit ``box`` (inches), centred in it, with its alt text as the shape's description."""
    from PIL import Image
    from pptx.util import Inches

    left, top, width, height = box
    with Image.open(io.BytesIO(png)) as im:
        w, h = im.size
    scale = min(width / w, height / h)
    pw, ph = w * scale, h * scale
    pic = slide.shapes.add_picture(io.BytesIO(png), Inches(left + (width - pw) / 2), Inches(top + (height - ph) / 2),
                                   Inches(pw), Inches(ph))
    pic._element.nvPicPr.cNvPr.set("descr", alt)


TABLE_SIZES = {"architecture": 20.0, "comparison": 22.0}
CELL_SLACK = 0.25  # inches a column gets beyond its widest line: renderers must never wrap a cell
# a cell's inner margins (inches: left and right, above and below) and line spacing (ems), per table role, as
# deck.css pads th/td (3px 10px; architecture 1px 14px, line-height 1.08; comparison 6px 22px)
CELL_GEOMETRY = {"architecture": (0.146, 0.01, TABLE_LINE), "comparison": (0.23, 0.0625, 1.25)}
CELL_DEFAULT = (0.104, 0.03, 1.25)


def cell_geometry(role: str) -> tuple[float, float, float]:
    """(horizontal margin, vertical margin, line spacing) of a table's cells."""
    return CELL_GEOMETRY.get(role, CELL_DEFAULT)


def _cell_text(cell: Any) -> str:
    return cell.text if cell.text is not None else "" if cell.value is None else str(cell.value)


def table_size(table: Table, width_in: float, height_in: float) -> tuple[float, list[float]]:
    """The largest font size (from the role's default down) at which no cell wraps and the rows fit; and the
    column widths in inches at that size."""
    size = TABLE_SIZES.get(table.role, float(MIN_SIZE))
    pad = 2 * cell_geometry(table.role)[0] + CELL_SLACK
    while True:
        widths = [text_width(col.title, size, True) / 72 + pad for col in table.columns]
        for r in table.rows:
            for i, c in enumerate(r.cells):
                for line in _cell_text(c).split("\n"):
                    widths[i] = max(widths[i], text_width(line, size, "total" in r.tags) / 72 + pad)
        height = table_height(table, size)
        if size <= MIN_SIZE or (sum(widths) <= width_in and height <= height_in):
            return size, widths
        size -= 1


def row_lines(row_cells: Sequence[Any]) -> int:
    return max(len(_cell_text(c).split("\n")) for c in row_cells)


def table_height(table: Table, size: float) -> float:
    """Inches: each row is its lines at exact spacing plus the cell's top and bottom margins."""
    _, margin, line = cell_geometry(table.role)
    lines = 1 + sum(row_lines(r.cells) for r in table.rows)
    return (lines * size * line + (len(table.rows) + 1) * 2 * margin * 72) / 72


def add_table(slide: Any, table: Table, box: tuple[float, float, float, float]) -> float:
    """A PowerPoint table in ``box``; returns the height it takes (inches)."""
    from pptx.util import Inches, Pt

    left, top, width, height = box
    size, widths = table_size(table, width, height)
    rows, cols = len(table.rows) + 1, len(table.columns)
    total_h = table_height(table, size)
    shape = slide.shapes.add_table(rows, cols, Inches(left), Inches(top), Inches(sum(widths)), Inches(total_h))
    shape.name = "Table"
    t = shape.table
    t.first_row = True
    t.horz_banding = False
    for i, w in enumerate(widths):
        t.columns[i].width = Inches(w)
    geometry = cell_geometry(table.role)
    heights = [1] + [row_lines(r.cells) for r in table.rows]
    for i, n in enumerate(heights):
        t.rows[i].height = Pt(n * size * geometry[2] + 2 * geometry[1] * 72)
    # the HTML deck's table: a blue rule under the header, a hairline under each row, a blue rule over totals
    for j, col in enumerate(table.columns):
        _fill_cell(t.cell(0, j), col.title, size, True, DARK, col.numeric, geometry)
        _rules(t.cell(0, j), bottom=(BLUE, RULE))
    for i, r in enumerate(table.rows, start=1):
        strong = "total" in r.tags
        for j, (c, col) in enumerate(zip(r.cells, table.columns, strict=True)):
            _fill_cell(t.cell(i, j), _cell_text(c), size, strong, TEXT, col.numeric, geometry)
            _rules(t.cell(i, j), top=(BLUE, RULE) if strong else None, bottom=(HAIRLINE, 0.75))
    return total_h


RULE, HAIRLINE = 1.5, "DDDDDD"  # points; the colour of the line under a row (deck.css td)


def _rules(cell: Any, top: tuple[str, float] | None = None, bottom: tuple[str, float] | None = None) -> None:
    """A cell's borders: ``top`` and ``bottom`` as (colour, points), none at the sides."""
    from pptx.oxml.ns import qn
    from pptx.util import Pt

    tcpr = cell._tc.get_or_add_tcPr()
    for k, (tag, line) in enumerate((("a:lnL", None), ("a:lnR", None), ("a:lnT", top), ("a:lnB", bottom))):
        old = tcpr.find(qn(tag))
        if old is not None:
            tcpr.remove(old)
        ln = tcpr.makeelement(qn(tag), {"w": str(int(Pt(line[1]))) if line else "0"})
        if line:
            fill = ln.makeelement(qn("a:solidFill"), {})
            fill.append(fill.makeelement(qn("a:srgbClr"), {"val": line[0]}))
            ln.append(fill)
        else:
            ln.append(ln.makeelement(qn("a:noFill"), {}))
        tcpr.insert(k, ln)  # borders come first in a cell's properties, before its fill


def _fill_cell(cell: Any, text: str, size: float, bold: bool, colour: str, numeric: bool,
               geometry: tuple[float, float, float]) -> None:
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Inches, Pt

    pad, margin, spacing = geometry
    cell.fill.background()
    cell.margin_left = cell.margin_right = Inches(pad)
    cell.margin_top = cell.margin_bottom = Inches(margin)
    frame = cell.text_frame
    frame.word_wrap = False
    for k, line in enumerate(text.split("\n")):
        para = frame.paragraphs[0] if k == 0 else frame.add_paragraph()
        para.line_spacing = Pt(size * spacing)
        para.alignment = PP_ALIGN.RIGHT if numeric else PP_ALIGN.LEFT
        run = para.add_run()
        run.text = line
        _set_font(run, size, bold, colour)


# ============================================================================ one slide per layout


def _footer(slide: Any, n: int, total: int, title: str) -> None:
    """The deck's title at the left and the slide's number at the right, as in the HTML deck."""
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Inches

    width = SLIDE_W - LEFT - RIGHT
    for name, text, left, w, align in (("Footer", title, LEFT, width - 1.3, PP_ALIGN.LEFT),
                                       ("Slide number", f"{n} / {total}", SLIDE_W - RIGHT - 1.3, 1.3, PP_ALIGN.RIGHT)):
        shape = slide.shapes.add_textbox(Inches(left), Inches(SLIDE_H - 0.46), Inches(w), Inches(0.42))
        shape.name = name
        write_paras(shape.text_frame, [Para(text, FOOTER_SIZE, colour=GREY)])
        shape.text_frame.paragraphs[0].alignment = align


def build_slide(prs: Any, s: Slide, n: int, total: int, deck_title: str,
                cache: dict[tuple[str, str], bytes] | None) -> None:
    sl = prs.slides.add_slide(prs.slide_layouts[5])  # "Title Only"
    kind = layout(s)
    width = SLIDE_W - LEFT - RIGHT
    body_h = SLIDE_H - TOP - BOTTOM
    fig = next((b for b in s.blocks if isinstance(b, Figure)), None)
    text = [b for b in s.blocks if not isinstance(b, (Figure, Table))]
    if kind == "cover":
        add_title(sl, s.title, 40, top=1.3)
        add_text(sl, text, 24, (LEFT, 2.9, width, 3.6))
    else:
        add_title(sl, s.title)
        if kind == "stacked" and fig is not None:
            # the diagram takes the height the text leaves, as in the HTML deck
            text_h = text_height(paragraphs(text, MIN_SIZE), (width - 2 * INSET) * 72) / 72 + 2 * INSET if text else 0
            fig_h = body_h - text_h - (0.1 if text else 0)
            add_picture(sl, figure_bytes(fig, "png", cache), (LEFT, TOP, width, fig_h), fig.alt)
            if text:
                add_text(sl, text, MIN_SIZE, (LEFT, TOP + fig_h + 0.1, width, text_h))
        elif kind == "split" and fig is not None:
            add_picture(sl, figure_bytes(fig, "png", cache), (LEFT, TOP, SPLIT_FIG_W, body_h), fig.alt)
            add_text(sl, text, MIN_SIZE, (LEFT + SPLIT_FIG_W + 0.25, TOP, width - SPLIT_FIG_W - 0.25, body_h))
        elif kind == "table":
            # in the slide's order, as the HTML deck sets it: text above a table stays above it
            top, run = TOP, []
            for b in s.blocks:
                if not isinstance(b, Table):
                    run.append(b)
                    continue
                if run:
                    h = text_height(paragraphs(run, 20), (width - 2 * INSET) * 72) / 72 + 2 * INSET
                    add_text(sl, run, 20, (LEFT, top, width, h))
                    top, run = top + h + 0.05, []
                top += add_table(sl, b, (LEFT, top, width, TOP + body_h - top - 0.75)) + 0.15
            if run:
                add_text(sl, run, 20, (LEFT, top, width, TOP + body_h - top))
        else:
            add_text(sl, text, MIN_SIZE if dense(s) else 24, (LEFT, TOP, width, body_h))
    _footer(sl, n, total, deck_title)
    sl.notes_slide.notes_text_frame.text = "\n\n".join(s.notes)


def _parts(prs: Any) -> Iterator[Any]:
    """The XML of every slide and of its notes page."""
    for slide in prs.slides:
        yield slide._element
        if slide.has_notes_slide:
            yield slide.notes_slide._element


def tag_language(prs: Any, lang: str) -> None:
    """Tag every run (and paragraph end) of the slides and notes with the deck's language, so a client picks
    the right glyphs (Simplified Chinese, not Japanese); Chinese runs say their Latin parts are English."""
    from pptx.oxml.ns import qn

    for part in _parts(prs):
        for r in part.iter(qn("a:r")):
            r.get_or_add_rPr()
        for rpr in (*part.iter(qn("a:rPr")), *part.iter(qn("a:endParaRPr"))):
            rpr.set("lang", lang)
            if lang == "zh-CN":
                rpr.set("altLang", "en-US")


CJK_CLASS = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
# one space between a CJK character and a Latin letter or digit, on either side
CJK_LATIN_SPACE = re.compile(f"(?<=[{CJK_CLASS}]) (?=[A-Za-z0-9])|(?<=[A-Za-z0-9]) (?=[{CJK_CLASS}])")


def tight(text: str) -> str:
    """``text`` without the single spaces between Chinese and Latin (the clients add their own gap there):
    "ResNet 逐个数字" → "ResNet逐个数字"."""
    return CJK_LATIN_SPACE.sub("", text)


def tighten(prs: Any) -> None:
    """Every run of the slides and notes :func:`tight`."""
    from pptx.oxml.ns import qn

    for part in _parts(prs):
        for node in part.iter(qn("a:t")):
            if node.text:
                node.text = tight(node.text)


def theme_fonts(prs: Any) -> None:
    """The themes' fonts, of the slides and of the notes pages: Arial for Latin text, Microsoft YaHei for
    Simplified Chinese (the notes, and text a lecturer adds later, take them)."""
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    for master in (prs.slide_master, prs.notes_master):
        theme = master.part.part_related_by(RT.THEME)
        xml = theme.blob.decode("utf-8")
        xml = re.sub(r'(<a:(?:major|minor)Font><a:latin typeface=")[^"]*(")', rf"\g<1>{LATIN_FONT}\g<2>", xml)
        xml = re.sub(r'(<a:(?:major|minor)Font><a:latin typeface="[^"]*"/><a:ea typeface=")[^"]*(")',
                     rf"\g<1>{EA_FONT}\g<2>", xml)
        xml = re.sub(r'(<a:font script="Hans" typeface=")[^"]*(")', rf"\g<1>{EA_FONT}\g<2>", xml)
        if hasattr(theme, "_element"):  # the notes master's theme is parsed XML, the slide master's raw bytes
            from pptx.oxml import parse_xml

            theme._element = parse_xml(xml.encode("utf-8"))
        else:
            theme._blob = xml.encode("utf-8")


def render_pptx(doc: Document, cache: dict[tuple[str, str], bytes] | None = None) -> bytes:
    """The deck as a .pptx file (bytes)."""
    try:
        from pptx import Presentation
        from pptx.util import Inches
    except ImportError as e:
        raise InspectError(f"the PowerPoint deck needs python-pptx ({e}); install it with "
                           "`pip install python-pptx`, or use --format html") from None
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_W), Inches(SLIDE_H)
    prs.core_properties.title = doc.title
    prs.core_properties.author = "resnet-inspect"
    prs.core_properties.language = "zh-CN" if doc.lang == "zh" else "en-US"
    slides = slides_of(doc)
    for n, s in enumerate(slides, start=1):
        build_slide(prs, s, n, len(slides), doc.title, cache)
    theme_fonts(prs)
    if doc.lang == "zh":
        tighten(prs)
    tag_language(prs, "zh-CN" if doc.lang == "zh" else "en-US")
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()
