"""The Chinese deck is Chinese: every visible string of its HTML, PDF and PowerPoint files (slide text, tables,
footers, the figures' own text, speaker notes) is read back from the files and checked for English words
outside a short list of names, for ASCII punctuation inside Chinese sentences, for Simplified Chinese fonts,
and, in the PowerPoint file, for literal spaces that clients would double with their own CJK/Latin spacing."""

from __future__ import annotations

import atexit
import base64
import html
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from resnet_inspect.document import Slide
from resnet_inspect.views.slides import SOURCES

CJK = r"\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
# What stays in Latin letters in a Chinese deck: code identifiers and names (any word with a digit, an
# underscore, a dot inside or a hyphen: resnet50, conv2_x, layer3.0.conv2, ResNet-50, v1.5, 32x4d), the
# names of networks, libraries, data sets and venues, the abbreviations a Chinese lecture uses as they are,
# a stage's module name, and one-letter symbols of formulas and units (x, F(x), k, j, n, M, G).
ALLOWED = {
    "ResNet", "ResNeXt", "Wide", "VGG", "ImageNet", "CIFAR", "torchvision", "fvcore", "torchinfo", "FlopCounterMode",
    "PyTorch", "MACs", "FLOPs", "BN", "ReLU", "fc", "stem", "head", "He", "Xie", "resnet", "resnext", "vgg",
    "MAC", "FLOP", "GFLOPS", "flops", "maxpool", "avgpool",  # units and what tools call them; module names
}
CODE = re.compile(r"[A-Za-z0-9]+(?:[-_.:/×=,][A-Za-z0-9]+)+|[A-Za-z]*\d[A-Za-z0-9]*")
FORMULA = re.compile(r"(?<![A-Za-z])[A-Za-z]\([^()]*\)")  # F(x), H(x): a formula's parentheses are ASCII
WORD = re.compile(r"[A-Za-z]+")
ASCII_PUNCT_BY_CJK = re.compile(rf"[{CJK}]\s*[,:;()!?\"]|[,:;()!?\"]\s*[{CJK}]|[{CJK}]\.(?!\d)")
MODELS = ("basic:2", "vgg19", "resnet18", "cifar-resnet20")


def english_words(text: str) -> list[str]:
    """The Latin words of ``text`` that are neither code, names, nor one-letter symbols."""
    rest = CODE.sub(" ", text)
    return [w for w in WORD.findall(rest) if len(w) > 1 and w not in ALLOWED]


def citations() -> set[str]:
    """Titles of papers stay as published: the reference list's entries for papers."""
    return {s.text for s in SOURCES if "arXiv" in s.text}


class _Visible(HTMLParser):
    """The text a reader sees in an HTML file, and the SVG images it shows (``data:`` URIs)."""

    def __init__(self) -> None:
        super().__init__()
        self.skip = 0
        self.texts: list[str] = []
        self.svgs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "title"):
            self.skip += 1
        src = dict(attrs).get("src") or ""
        if tag == "img" and src.startswith("data:image/svg+xml;base64,"):
            self.svgs.append(base64.b64decode(src.split(",", 1)[1]).decode("utf-8"))
        if tag == "img" and dict(attrs).get("alt"):
            self.texts.append(dict(attrs)["alt"] or "")
        # words the script shows (the presenter window's) travel in data-label-* attributes
        self.texts += [v for k, v in attrs if k.startswith("data-label-") and v]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "title"):
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip and data.strip():
            self.texts.append(data.strip())


def svg_texts(svg: str) -> list[str]:
    """The words drawn in an SVG figure (matplotlib and Graphviz write text as ``<text>`` elements)."""
    out = []
    for m in re.finditer(r"<text\b[^>]*>(.*?)</text>", svg, re.S):
        inner = re.sub(r"<[^>]+>", "", m.group(1))
        if inner.strip():
            out.append(html.unescape(inner).strip())
    return out


def html_texts(page: str) -> Iterator[str]:
    parser = _Visible()
    parser.feed(page)
    yield from parser.texts
    for svg in parser.svgs:
        yield from svg_texts(svg)


def pptx_texts(path: Path) -> Iterator[str]:
    """Each paragraph of every text box, table cell and notes page of a PowerPoint file."""
    from pptx import Presentation

    prs = Presentation(str(path))
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                yield from (p.text for p in shape.text_frame.paragraphs if p.text.strip())
            if shape.has_table:
                for row in shape.table.rows:
                    yield from (c.text for c in row.cells if c.text.strip())
            descr = shape._element.xpath("./*[1]/p:cNvPr/@descr")
            yield from (d for d in descr if d)
        yield from (p.text for p in slide.notes_slide.notes_text_frame.paragraphs if p.text.strip())


def pdf_texts(path: Path) -> Iterator[str]:
    pymupdf = pytest.importorskip("pymupdf")
    for page in pymupdf.open(str(path)):
        yield from (line for line in page.get_text().splitlines() if line.strip())


def english(texts: Iterator[str]) -> list[str]:
    """Each visible string with English words in it (the reference list's papers keep their titles)."""
    papers = citations()
    return [f"{words}: {text!r}" for text in texts if not any(text in p for p in papers)
            for words in [english_words(text)] if words]


def ascii_punctuation(texts: Iterator[str]) -> list[str]:
    """Each visible string with an ASCII comma, colon, semicolon, parenthesis, quote or full stop beside a
    Chinese character (a formula's own parentheses, F(x), excepted)."""
    return [f"{m.group()!r}: {text!r}" for text in texts if not any(text in p for p in citations())
            for m in ASCII_PUNCT_BY_CJK.finditer(FORMULA.sub("F", text))]


@cache
def built(models: tuple[str, ...] = ()) -> Path:
    """The zh deck in every format, written by the command (the default networks, or ``models``)."""
    from resnet_inspect.cli import main

    out = Path(tempfile.mkdtemp(prefix="deck-zh-")) / "deck"
    atexit.register(shutil.rmtree, out.parent, ignore_errors=True)
    args = ["slides", "--lang", "zh", "--format", "all", "-o", str(out)]
    assert main([*args, *(["--models", *models] if models else [])]) == 0
    return out


def visible(fmt: str, models: tuple[str, ...] = ()) -> list[str]:
    d = built(models)
    if fmt == "html":
        return list(html_texts((d / "slides-zh.html").read_text("utf-8")))
    if fmt == "pptx":
        return list(pptx_texts(d / "slides-zh.pptx"))
    return list(pdf_texts(d / "slides-zh.pdf"))


# ============================================================================ the words


def test_the_checks_catch_what_they_look_for() -> None:
    assert english_words("瓶颈结构的 stride 在 3×3 上") == ["stride"]
    assert english_words("He et al. 2015, Table 1") == ["et", "al", "Table"]
    assert english_words("resnet50：layer3.0.conv2 的 BN、ReLU 和 fc，F(x) + x，4.09 G 次乘加，v1.5") == []
    assert english_words("basic:1-1-1-1,width=32 与 ResNet-50 (v1)") == []
    found = [m.group() for m in ASCII_PUNCT_BY_CJK.finditer("卷积, 64 (步长 2)。x. 结束.")]
    assert found == ["积,", "(步", ")。", "束."]
    assert not ASCII_PUNCT_BY_CJK.search(FORMULA.sub("F", "残差块学习 F(x)；捷径传递 x，3.86 G。"))
    assert ASCII_PUNCT_BY_CJK.search("所说的 \"FLOPs\"") and ASCII_PUNCT_BY_CJK.search("不如 plain-18, 图 4")


@pytest.mark.parametrize("fmt", ["html", "pdf", "pptx"])
@pytest.mark.parametrize("models", [(), MODELS], ids=["default", "others"])
def test_every_visible_string_is_chinese(fmt: str, models: tuple[str, ...]) -> None:
    texts = visible(fmt, models)
    assert sum(bool(re.search(r"[\u4e00-\u9fff]", x)) for x in texts) > len(texts) / 4  # not an empty read
    assert english(iter(texts)) == []


@pytest.mark.parametrize("fmt", ["html", "pdf", "pptx"])
@pytest.mark.parametrize("models", [(), MODELS], ids=["default", "others"])
def test_chinese_sentences_take_chinese_punctuation(fmt: str, models: tuple[str, ...]) -> None:
    assert ascii_punctuation(iter(visible(fmt, models))) == []


def test_the_presenter_window_speaks_chinese() -> None:
    from resnet_inspect.backends.deck_html import _asset

    page = (built() / "slides-zh.html").read_text("utf-8")
    labels = dict(re.findall(r'data-label-(\w+)="([^"]*)"', page))
    assert set(labels) == {"reset", "next"} and all(re.fullmatch(r"[\u4e00-\u9fff]+", v) for v in labels.values())
    assert not re.search(r">[A-Za-z ]+</", _asset("deck.js"))  # no words written into the script's markup


def test_figures_draw_chinese_words() -> None:
    """The figures' own text (read from their SVG) is Chinese too: block diagrams and plots."""
    parser = _Visible()
    parser.feed((built() / "slides-zh.html").read_text("utf-8"))
    drawn = [svg_texts(svg) for svg in parser.svgs]
    assert len(drawn) >= 8 and all(drawn)
    assert all(any(re.search(r"[\u4e00-\u9fff]", x) for x in texts) for texts in drawn)
    assert english(iter(x for texts in drawn for x in texts)) == []


# ============================================================================ the glyphs and the gaps


def _xml_parts(path: Path) -> dict[str, str]:
    """The XML of every slide, notes page and theme of a PowerPoint file, by part name."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist()
                if re.fullmatch(r"ppt/(slides/slide|notesSlides/notesSlide|theme/theme)\d+\.xml", n)}


def test_pdf_and_html_ask_for_simplified_chinese() -> None:
    pymupdf = pytest.importorskip("pymupdf")
    d = built()
    fonts = {f[3] for page in pymupdf.open(str(d / "slides-zh.pdf")) for f in page.get_fonts()}
    cjk = {f for f in fonts if "CJK" in f}
    assert cjk and all("CJK-SC" in f or "CJKsc" in f for f in cjk), fonts
    page = (d / "slides-zh.html").read_text("utf-8")
    assert re.search(r'<html lang="zh-(Hans|CN)"', page)
    family = re.search(r"body\.lang-zh \{ font-family: ([^;]*);", page)
    assert family, "no font for the Chinese deck"
    faces = [f.strip().strip('"') for f in family.group(1).split(",")]
    # a face declared with a unicode-range covers only those symbols; the first face for the text is SC
    ranged = set(re.findall(r'@font-face \{ font-family: "([^"]+)";[^}]*unicode-range', page))
    assert next(f for f in faces if f not in ranged) == "Noto Sans CJK SC", faces


def test_pptx_runs_are_simplified_chinese_in_fonts_every_client_has() -> None:
    parts = _xml_parts(built() / "slides-zh.pptx")
    runs = 0
    for name, xml in parts.items():
        if "theme" in name:
            continue
        for rpr in re.findall(r"<a:(?:rPr|endParaRPr)\b[^>]*>", xml):
            assert 'lang="zh-CN"' in rpr and 'altLang="en-US"' in rpr, (name, rpr)
        if "/slides/" in name:
            for r in re.findall(r"<a:r>(.*?)</a:r>", xml, re.S):
                runs += 1
                assert '<a:latin typeface="Arial"/>' in r and '<a:ea typeface="Microsoft YaHei"/>' in r, (name, r)
    assert runs > 200
    themes = [xml for name, xml in parts.items() if "theme" in name]
    assert len(themes) == 2  # the slides' and the notes pages'
    for theme in themes:
        assert theme.count('<a:ea typeface="Microsoft YaHei"/>') == 2
        assert theme.count('<a:font script="Hans" typeface="Microsoft YaHei"/>') == 2


def test_pptx_has_no_space_beside_latin_in_chinese() -> None:
    """Clients add their own gap between Chinese and Latin text: a literal space there would double it.  Only
    those spaces go: the text is otherwise the document's."""
    from pptx import Presentation

    from resnet_inspect.analysis import deck as facts
    from resnet_inspect.views import slides as v

    spaced = re.compile(f"[{CJK}] [A-Za-z0-9]|[A-Za-z0-9] [{CJK}]")
    for name, xml in _xml_parts(built() / "slides-zh.pptx").items():
        for text in re.findall(r"<a:t>([^<]*)</a:t>", xml):
            assert not spaced.search(html.unescape(text)), (name, text)
    doc = v.deck(facts.gather(facts.DEFAULT_MODELS), "zh")
    prs = Presentation(str(built() / "slides-zh.pptx"))
    expected = [b for b in doc.blocks if isinstance(b, Slide)]
    for slide, want in zip(prs.slides, expected, strict=True):
        got = slide.shapes.title.text_frame.text
        assert got == spaced_out(want.title) and (got == want.title) == (not spaced.search(want.title))
        assert slide.notes_slide.notes_text_frame.text == spaced_out("\n\n".join(want.notes))


def test_pptx_has_the_html_decks_design() -> None:
    """Tables ruled as in deck.css (no fills; a blue rule under the header and over totals, a hairline under
    rows), each formula on a pale band with a blue rule, the slide number at the right of the footer."""
    from pptx import Presentation
    from pptx.enum.text import PP_ALIGN

    from resnet_inspect.analysis import deck as facts
    from resnet_inspect.document import Formula, Table
    from resnet_inspect.views import slides as v

    doc = v.deck(facts.gather(facts.DEFAULT_MODELS), "zh")
    prs = Presentation(str(built() / "slides-zh.pptx"))
    for n, (slide, want) in enumerate(zip(prs.slides, [b for b in doc.blocks if isinstance(b, Slide)],
                                          strict=True), start=1):
        formulas = sum(isinstance(b, Formula) for b in want.blocks)
        assert sum(s.name == "Shade" for s in slide.shapes) == 2 * formulas, n
        number = next(s for s in slide.shapes if s.name == "Slide number")
        assert number.text_frame.text == f"{n} / {len(prs.slides)}"
        assert number.text_frame.paragraphs[0].alignment == PP_ALIGN.RIGHT
        tables = [s.table for s in slide.shapes if s.has_table]
        assert len(tables) == sum(isinstance(b, Table) for b in want.blocks)
        for t, block in zip(tables, [b for b in want.blocks if isinstance(b, Table)], strict=True):
            xml = t._tbl.xml
            for tcpr in re.findall(r"<a:tcPr\b.*?</a:tcPr>", xml, flags=re.S):
                fill = re.sub(r"<a:ln[TBLR]\b.*?</a:ln[TBLR]>", "", tcpr, flags=re.S)  # the cell's own fill
                assert "<a:noFill/>" in fill and "<a:solidFill>" not in fill
            header = t.rows[0].cells[0]._tc.xml
            assert re.search(r'<a:lnB w="19050">\s*<a:solidFill>\s*<a:srgbClr val="3B73B9"', header)
            for row, r in zip(list(t.rows)[1:], block.rows, strict=True):
                top = re.search(r'<a:lnT w="(\d+)">', row.cells[0]._tc.xml)
                assert top is not None and (top.group(1) == "19050") == ("total" in r.tags)


def _face(family: str) -> object:
    """The bold face of ``family`` that fontconfig picks (file and index inside a collection)."""
    from PIL import ImageFont

    found = subprocess.run(["fc-match", "-f", "%{file}|%{index}", f"{family}:bold"], capture_output=True,
                           text=True, check=True).stdout
    path, index = found.rsplit("|", 1)
    return ImageFont.truetype(path, 300, index=int(index))


def _ink(mask: Any) -> Any:
    ys, xs = mask.nonzero()
    return mask[ys.min():ys.max() + 1, xs.min():xs.max() + 1]


def _overlap(drawn: Any, face: object, char: str) -> float:
    """How well ``drawn`` (a glyph's ink) matches ``char`` in ``face``: intersection over union, scaled."""
    import numpy as np
    from PIL import Image, ImageDraw

    im = Image.new("L", (400, 400), 255)
    ImageDraw.Draw(im).text((50, 20), char, font=face, fill=0)
    ref = Image.fromarray((_ink(np.array(im) < 128) * 255).astype(np.uint8)).resize(drawn.shape[::-1])
    ref_mask = np.array(ref) > 127
    return float((drawn & ref_mask).sum() / (drawn | ref_mask).sum())


@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice (Debian: apt-get install libreoffice)")
def test_libreoffice_draws_the_simplified_chinese_glyphs(tmp_path: Path) -> None:
    """令 is drawn differently in Simplified Chinese and in Japanese: the deck's title, as LibreOffice renders
    the PPTX here, matches the SC glyph of Noto Sans CJK and not the JP one."""
    import numpy as np
    pymupdf = pytest.importorskip("pymupdf")

    from resnet_inspect.backends.pptx_deck import LEFT, TITLE_H, TITLE_TOP, render_pptx
    from resnet_inspect.document import Document, Paragraph

    char = "令"
    doc = Document(title="令", blocks=(Slide(char, (Paragraph(char),)),), lang="zh")
    (tmp_path / "deck.pptx").write_bytes(render_pptx(doc))
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(tmp_path / "deck.pptx")], capture_output=True, timeout=180)
    page = pymupdf.open(str(tmp_path / "deck.pdf"))[0]
    title = pymupdf.Rect(LEFT * 72, TITLE_TOP * 72, (LEFT + 1.5) * 72, (TITLE_TOP + TITLE_H) * 72)
    pix = page.get_pixmap(dpi=400, clip=title, colorspace=pymupdf.csGRAY)
    drawn = _ink(np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.width) < 128)
    sc, jp = (_overlap(drawn, _face(f), char) for f in ("Noto Sans CJK SC", "Noto Sans CJK JP"))
    assert sc > 0.9 and jp < 0.7, (sc, jp)


def test_pptx_measures_the_gap_clients_add() -> None:
    """Where Chinese meets Latin text without a space, a client adds a quarter em: the boxes are sized with
    it; a literal space is measured as itself (it is taken out of the zh file, and the client's gap stands in)."""
    from resnet_inspect.backends.pptx_deck import text_width, tight

    assert text_width("He等", 20) == pytest.approx(text_width("He", 20) + text_width("等", 20) + 0.25 * 20)
    assert text_width("He 等", 20) == pytest.approx(text_width("He ", 20) + text_width("等", 20))
    assert tight("ResNet 逐个数字 1 / 28，共 3 个") == "ResNet逐个数字1 / 28，共3个"
    assert tight("标题    1 / 28") == "标题    1 / 28"  # only a single space is a word gap


def spaced_out(text: str) -> str:
    """``text`` with each single space between a Chinese character and a Latin letter or digit removed."""
    return re.sub(f"(?<=[{CJK}]) (?=[A-Za-z0-9])|(?<=[A-Za-z0-9]) (?=[{CJK}])", "", text)


if __name__ == "__main__":  # list what is left: python tests/test_deck_zh.py [models...]
    import sys

    for fmt in ("html", "pptx", "pdf"):
        found = visible(fmt, tuple(sys.argv[1:]))
        for p in dict.fromkeys(english(iter(found)) + ascii_punctuation(iter(found))):
            print(fmt, p)
