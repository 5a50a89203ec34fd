"""The teaching deck: its numbers against independent counts, its layout against the fonts' metrics and a
real browser, both languages, every format, and the command's errors."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

import pytest

from resnet_inspect.analysis import deck as facts
from resnet_inspect.document import BulletList, Document, Figure, Formula, Note, Paragraph, Slide, Table
from resnet_inspect.document.fmt import scaled
from resnet_inspect.views import slides as v

Cli = Callable[..., tuple[int, str, str]]
CUSTOM = "basic:1-1-1-1,width=32"
EMU_PER_PT = 12700


# ============================================================================ shared decks


@cache
def data(models: tuple[str, ...] = facts.DEFAULT_MODELS) -> facts.DeckData:
    return facts.gather(models)


@cache
def document(lang: str = "en", models: tuple[str, ...] = facts.DEFAULT_MODELS) -> Document:
    return v.deck(data(models), lang)


def slides(doc: Document) -> list[Slide]:
    return [b for b in doc.blocks if isinstance(b, Slide)]


def texts(slide: Slide, notes: bool = True) -> Iterator[str]:
    """Every piece of text on a slide (title, blocks, table cells and, optionally, its speaker notes)."""
    yield slide.title
    for b in slide.blocks:
        if isinstance(b, BulletList):
            yield from b.items
        elif isinstance(b, (Paragraph, Formula, Note)):
            yield b.text
        elif isinstance(b, Table):
            for r in b.rows:
                yield from (c.text or str(c.value) for c in r.cells)
    if notes:
        yield from slide.notes


def all_text(doc: Document, notes: bool = True) -> str:
    return "\n".join(t for s in slides(doc) for t in texts(s, notes))


def outline(doc: Document) -> str:
    """The deck as plain text, one slide after another (what the golden files hold)."""
    lines = []
    for i, s in enumerate(slides(doc), start=1):
        lines.append(f"## {i}. {s.title}  [{s.id}]")
        for b in s.blocks:
            if isinstance(b, Figure):
                lines.append(f"  [figure {b.id}: {b.caption}]")
            elif isinstance(b, BulletList):
                lines += [f"  - {item}" for item in b.items]
            elif isinstance(b, Formula):
                lines.append(f"  = {b.label + ': ' if b.label else ''}{b.text}")
            elif isinstance(b, (Paragraph, Note)):
                lines.append(f"  {b.text}")
            elif isinstance(b, Table):
                lines.append("  | " + " | ".join(c.title for c in b.columns))
                lines += ["  | " + " | ".join((c.text or str(c.value)).replace("\n", " ") for c in r.cells)
                          for r in b.rows]
        lines += [f"  > {n}" for n in s.notes]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def built() -> Iterator[Path]:
    """The default English deck in all three formats and the Chinese PowerPoint deck, written by the CLI."""
    from resnet_inspect.cli import main

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "deck"
        assert main(["slides", "-o", str(out)]) == 0
        assert main(["slides", "--lang", "zh", "--format", "pptx", "-o", str(out)]) == 0
        yield out


# ============================================================================ the numbers


def test_fig5_is_the_papers_comparison() -> None:
    """He et al. 2015, Fig. 5: a basic block on 64-d maps, 2·(64·3·3·64) = 73,728 conv weights, beside a
    bottleneck on 256-d maps, 256·64 + 64·3·3·64 + 64·256 = 69,632; MACs are the weights × 56·56 positions."""
    basic, bottleneck = data().fig5
    assert (v.channels(basic), basic.conv_weights, v.weights_formula(basic.convs)) == (64, 73_728, "2·64·3·3·64")
    assert (v.channels(bottleneck), bottleneck.conv_weights) == (256, 69_632)
    assert v.weights_formula(bottleneck.convs) == "256·64 + 64·3·3·64 + 64·256"
    assert basic.macs == 73_728 * 56 * 56 and bottleneck.macs == 69_632 * 56 * 56
    assert basic.params == 73_728 + 2 * 2 * 64  # two BNs of 64 channels: a scale and a shift each
    same = data().same_width
    assert (v.channels(same[0]), same[0].conv_weights, same[1].conv_weights) == (256, 1_179_648, 69_632)
    slide = next(s for s in slides(document()) if s.id == "p2-same-width")
    assert "16.9× fewer" in " ".join(texts(slide))  # 1,179,648 / 69,632 = 16.94


def test_fig5_slide_says_which_comparison_is_which() -> None:
    deck = {s.id: " ".join(texts(s)) for s in slides(document())}
    assert "64 channels" in deck["p2-fig5"] and "256" in deck["p2-fig5"] and "73,728" in deck["p2-fig5"]
    assert "1,179,648" in deck["p2-same-width"] and "fair one" in deck["p2-same-width"]


def test_the_ten_parts_in_teaching_order() -> None:
    ids = [s.id for s in slides(document())]
    assert ids[0] == "cover"
    parts = [int(re.match(r"p(\d+)-", i).group(1)) for i in ids[1:] if not i.startswith("ex-")]  # type: ignore[union-attr]
    assert parts == sorted(parts) and set(parts) == set(range(1, 11))
    # each exercise comes after the part it practises, its answer on the very next slide
    for n, after in ((1, "p5-"), (2, "p6-"), (3, "p6-")):
        q = ids.index(f"ex-{n}")
        assert ids[q + 1] == f"ex-{n}-answer" and ids[q - 1].startswith((after, "ex-"))


def test_depth_formulas_are_the_papers() -> None:
    """He et al. 2015, Table 1: 18 = 1 + 2·(2+2+2+2) + 1 … 152 = 1 + 3·(3+8+36+3) + 1; 101 − 50 = 17·3."""
    text = all_text(document())
    for formula in ("1 + 2·(2+2+2+2) + 1 = 18", "1 + 2·(3+4+6+3) + 1 = 34", "1 + 3·(3+4+6+3) + 1 = 50",
                    "1 + 3·(3+4+23+3) + 1 = 101", "1 + 3·(3+8+36+3) + 1 = 152",
                    "6 → 23 blocks: +17 blocks × 3 layers = +51 layers", "1 + 1 + 3·3 + 4·3 + 6·3 + 3·3 = 50"):
        assert formula in text


def test_worked_layer_by_hand() -> None:
    """layer3.0.conv2 of ResNet-50 (torchvision): ⌊(28 + 2·1 − 3)/2⌋ + 1 = 14; 256·3·3·256 = 589,824 weights;
    589,824 · 14 · 14 = 115,605,504 MACs; the receptive field grows by (3 − 1) steps of the input's jump 8."""
    text = all_text(document())
    assert "⌊(28 + 2·1 − 3)/2⌋ + 1 = 14" in text
    assert "256·3·3·256 = 589,824" in text  # one group: no "/1"
    assert "589,824 · 1·14·14 = 115,605,504" in text
    insp = data().main.insp
    src = insp.row(insp.row("layer3.0.conv2").inputs[0])
    assert f"{src.rf[0]} + (3 − 1)·8 = {src.rf[0] + 16}" in text  # type: ignore[index]
    assert insp.row("layer3.0.conv2").rf == (src.rf[0] + 16,) * 2  # type: ignore[index]


def test_the_receptive_field_is_worked_with_its_inputs_named() -> None:
    """r is the receptive field of the row the layer reads, j its jump: 91 px at 8 px for ResNet-50's
    layer3.0.conv2 (the RF of a 224 input after layer2: the published 99 px is at the stage's last unit)."""
    deck = {s.id: s for s in slides(document())}
    sketch = deck["p6-rf-sketch"]
    text = " ".join(texts(sketch))
    assert "layer3.0.relu" in text and "r = 91" in text and "j = 8" in text
    assert "91 + (3 − 1)·8 = 107" in text and "8·2 = 16" in text
    figure = next(b for b in sketch.blocks if isinstance(b, Figure))
    svg = figure.draw("svg").decode()
    for label in ("r = 91 px", "j = 8 px", "= 107 px", "= 16 px"):
        assert label in svg


def test_macs_and_flops_as_each_tool_counts_them() -> None:
    """FlopCounterMode prints 2 × the conv + fc MACs; fvcore 4,111,512,576 for ResNet-50 (its published total);
    the paper prints 3.8×10⁹ for the v1 layout, which we compute as 3,857,973,248."""
    deck = {s.id: s for s in slides(document())}
    text = " ".join(texts(deck["p1-macs-flops"]))
    assert "4,089,184,256" in text and f"{2 * 4_089_184_256:,}" in text
    assert "4,111,512,576" in text and "3,857,973,248" in text and "3.8×10⁹" in text
    ids = [s.id for s in slides(document())]
    assert ids.index("p1-macs-flops") < ids.index("p2-fig5")  # MACs are defined before the first slide using them


def test_exercises_have_their_answers_next() -> None:
    """Hand arithmetic: layer4.0.conv2 of ResNet-50 is 512·3·3·512 = 2,359,296 weights on a 7×7 map,
    2,359,296·49 = 115,605,504 MACs; ResNet-50 with 3-24-36-3 blocks is 1 + 3·66 + 1 = 200 layers deep;
    the 1×1 layer3.0.conv3 keeps 107 px and jump 16."""
    deck = {s.id: " ".join(texts(s)) for s in slides(document())}
    assert "3-24-36-3" in deck["ex-1"] and "200" not in deck["ex-1"]
    assert "1 + 3·(3+24+36+3) + 1 = 200" in deck["ex-1-answer"]
    assert "4 shortcut projections" in deck["ex-1-answer"]
    assert "layer4.0.conv2" in deck["ex-2"] and "2,359,296" not in deck["ex-2"]
    for answer in ("= 7", "512·3·3·512 = 2,359,296", "= 115,605,504"):
        assert answer in deck["ex-2-answer"]
    assert "107 px at a jump of 16 px" in deck["ex-3"]
    assert "107 + (1 − 1)·16 = 107" in deck["ex-3-answer"] and "16·1 = 16" in deck["ex-3-answer"]


def test_published_torchvision_totals_appear() -> None:
    """torchvision's num_params (resnet50 25,557,032; resnet152 60,192,808) and the exact conv+fc MACs."""
    text = all_text(document())
    for n in ("25,557,032", "60,192,808", "11,513,626,624", "143,667,240"):
        assert n in text


def test_stride_placement_numbers() -> None:
    """ResNet-50 v1 vs v1.5: 3,857,973,248 vs 4,089,184,256 MACs; receptive fields 483 (Google's
    receptive_field library, resnet_v1_50) and 427."""
    v1, v15 = data().stride
    assert (v1.totals.macs, v15.totals.macs) == (3_857_973_248, 4_089_184_256)
    text = " ".join(t for s in slides(document()) if s.id.startswith("p3-stride") for t in texts(s))
    assert "231,211,008 more MACs" in text and "483 px (v1) vs 427 px (v1.5)" in text


def test_custom_spec_deck_carries_its_own_numbers() -> None:
    """The deck of a small custom net shows that net's parameter count (PyTorch's own count of the built
    module) and MACs (PyTorch's FlopCounterMode on a real forward pass, ÷ 2), not ResNet-50's."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    from resnet_inspect.registry import build

    model = build(CUSTOM, device="cpu").eval()
    params = sum(p.numel() for p in model.parameters())
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        model(torch.zeros(1, 3, 224, 224))
    macs = counter.get_total_flops() // 2
    doc = document("en", (CUSTOM,))
    text = all_text(doc)
    assert f"{params:,}" in text
    summary = " ".join(texts(next(s for s in slides(doc) if s.id == "p10-summary")))
    assert f"{params:,} parameters" in summary
    assert scaled(macs) in summary
    assert "1 + 2·(1+1+1+1) + 1 = 10" in text  # one basic block per stage: 1 + 2·4 + 1
    layer = next(s for s in slides(doc) if s.id == "p6-layer-size")
    assert "layer3.0.conv1" in layer.title  # the first stride-2 3×3 of the third stage of a basic net
    assert "64·3·3·128 = 73,728" in " ".join(texts(layer))  # width 32 doubles to 64, then 128


def test_chinese_deck_has_the_english_numbers() -> None:
    def numbers(doc: Document) -> Counter[str]:
        return Counter(re.findall(r"\d[\d,.]*\d|\d", all_text(doc)))

    en, zh = numbers(document("en")), numbers(document("zh"))
    assert en == zh
    assert re.search(r"[\u4e00-\u9fff]", all_text(document("zh")))
    for term in ("残差块", "瓶颈结构", "感受野", "恒等映射", "投影捷径"):
        assert term in all_text(document("zh"))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_plots_have_every_glyph(lang: str) -> None:
    """matplotlib warns when a label's character is missing from every font it may use (drawn as a box)."""
    import warnings

    from resnet_inspect.figures.deck import plot_bytes
    from resnet_inspect.views.slides_text import plot_words

    insps = [m.insp for m in data().core[:2]]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for kind in ("stages", "rf", "family"):
            drawn = plot_bytes(kind, insps[:1] if kind == "rf" else insps, "png", plot_words(lang), lang == "zh")
            assert drawn.startswith(b"\x89PNG")


def test_golden_outlines(golden: Callable[[str, str], None]) -> None:
    golden("slides_en.txt", outline(document("en")))
    golden("slides_zh.txt", outline(document("zh")))


def test_unknown_language_in_the_library() -> None:
    from resnet_inspect.errors import InspectError

    with pytest.raises(InspectError, match="unknown language 'fr'"):
        v.deck(data(), "fr")


# ============================================================================ the files


def test_html_is_self_contained(built: Path) -> None:
    html = (built / "slides-en.html").read_text("utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html)
    assert "@import" not in html
    assert html.count('<section class="slide') == len(slides(document()))
    assert 'class="notes"' in html and "keydown" in html


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.skipif(chromium() is None, reason="needs a Chromium browser (Debian: apt-get install chromium)")
def test_no_html_slide_scrolls_at_1280x720(built: Path) -> None:
    """Chromium lays out every slide at 1280×720; the deck's own script writes, per slide, how far any text
    or figure runs past its box (scrollHeight over clientHeight, element bottoms past the footer line)."""
    for lang in ("en", "zh"):
        page = built / f"slides-{lang}.html"
        if not page.exists():
            from resnet_inspect.backends.deck_html import render_html

            page.write_text(render_html(document(lang)), "utf-8")
        with tempfile.TemporaryDirectory() as profile:
            out = subprocess.run(
                [str(chromium()), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={profile}", "--window-size=1280,720", "--virtual-time-budget=3000",
                 "--dump-dom", page.as_uri() + "?measure=1"], capture_output=True, text=True, timeout=120)
        found = re.search(r'data-overflow="([^"]*)"', out.stdout)
        assert found, out.stderr[-500:]
        pairs = dict(item.split(":") for item in found.group(1).split())
        assert len(pairs) == len(slides(document(lang)))
        over = {n: int(px) for n, px in pairs.items() if int(px) > 0}
        assert not over, f"{lang}: slides whose content runs past the slide (px): {over}"


def test_pdf_one_16_9_page_per_slide(built: Path) -> None:
    from pypdf import PdfReader

    reader = PdfReader(built / "slides-en.pdf")
    assert len(reader.pages) == len(slides(document()))
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (960, 540)  # 13.333×7.5 in
    text = "".join(p.extract_text() for p in reader.pages)
    assert "25,557,032" in text and "73,728" in text


# ---------------------------------------------------------------------------- PowerPoint, measured

FONTS: dict[tuple[bool, bool], object] = {}


def measure_font(cjk: bool, bold: bool) -> object:
    """The TTF/OTF files a client uses for Arial (Liberation Sans, same metrics) and Noto Sans CJK SC."""
    from PIL import ImageFont

    if (cjk, bold) not in FONTS:
        family = "Noto Sans CJK SC" if cjk else "Liberation Sans"
        path = subprocess.run(["fc-match", "-f", "%{file}", f"{family}{':bold' if bold else ''}"],
                              capture_output=True, text=True, check=True).stdout
        FONTS[(cjk, bold)] = ImageFont.truetype(path, 200)
    return FONTS[(cjk, bold)]


def width_pt(text: str, size_pt: float, bold: bool) -> float:
    total = 0.0
    for ch in text:  # character by character, each in the font that holds it
        cjk = "\u2e80" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" or "\u3000" <= ch <= "\u303f"
        total += measure_font(cjk, bold).getlength(ch) * size_pt / 200  # type: ignore[attr-defined]
    return total


def lines_needed(text: str, width: float, size: float, bold: bool) -> int:
    """Word wrap: a line takes words (or single CJK characters) while they fit."""
    words = re.findall(r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]|[^\s\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]+ *",
                       text)
    lines, current = 1, ""
    for w in words:
        if current and width_pt((current + w).rstrip(), size, bold) > width:
            lines, current = lines + 1, w
        else:
            current += w
    return lines


def check_frame(shape: object) -> None:
    frame = shape.text_frame  # type: ignore[attr-defined]
    width = (shape.width - frame.margin_left - frame.margin_right) / EMU_PER_PT  # type: ignore[attr-defined]
    height = (shape.height - frame.margin_top - frame.margin_bottom) / EMU_PER_PT  # type: ignore[attr-defined]
    used = 0.0
    for p in frame.paragraphs:
        runs = [r for r in p.runs if r.text]
        if not runs:
            continue
        size = runs[0].font.size.pt
        assert p.line_spacing is not None, "exact line spacing expected"
        indent = int(p._p.pPr.get("marL", "0")) / EMU_PER_PT if p._p.pPr is not None else 0
        text = "".join(r.text for r in runs)
        n = lines_needed(text, width - indent, size, bool(runs[-1].font.bold))
        used += n * p.line_spacing.pt + (p.space_after.pt if p.space_after is not None else 0)
    assert used <= height + 0.5, f"{shape.name}: text needs {used:.0f} pt, the box has {height:.0f} pt"  # type: ignore[attr-defined]


def check_table(shape: object, slide_height: int) -> None:
    table = shape.table  # type: ignore[attr-defined]
    for row in table.rows:
        for j, cell in enumerate(row.cells):
            room = (table.columns[j].width - cell.margin_left - cell.margin_right) / EMU_PER_PT
            for p in cell.text_frame.paragraphs:
                for r in p.runs:
                    assert width_pt(r.text, r.font.size.pt, bool(r.font.bold)) <= room, f"cell {r.text!r} wraps"
    bottom = shape.top + sum(r.height for r in table.rows)  # type: ignore[attr-defined]
    assert bottom <= slide_height


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_pptx_text_overflows_its_box(built: Path, lang: str) -> None:
    from pptx import Presentation

    prs = Presentation(str(built / f"slides-{lang}.pptx"))
    assert len(prs.slides) == len(slides(document(lang)))
    checked = 0
    for slide in prs.slides:
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0
            assert shape.left + shape.width <= prs.slide_width and shape.top + shape.height <= prs.slide_height
            if shape.has_table:
                check_table(shape, prs.slide_height)
            elif shape.has_text_frame and shape.text_frame.text.strip():
                check_frame(shape)
                checked += 1
    assert checked >= 2 * len(prs.slides)  # at least a title and a text box per slide


def test_pptx_is_editable_with_notes_and_fonts(built: Path) -> None:
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    from resnet_inspect.backends.pptx_deck import tight

    prs = Presentation(str(built / "slides-zh.pptx"))
    pictures = 0
    for slide, expected in zip(prs.slides, slides(document("zh")), strict=True):
        assert slide.shapes.title.text_frame.text == tight(expected.title)  # clients space CJK from Latin
        assert slide.notes_slide.notes_text_frame.text == tight("\n\n".join(expected.notes))
        for shape in slide.shapes:
            if shape.shape_type == MSO_SHAPE_TYPE.PICTURE:
                pictures += 1
                px = shape.image.size[0]
                assert px / (shape.width / 914400) >= 200  # at least 200 dpi as placed
    assert pictures == sum(1 for s in slides(document("zh")) for b in s.blocks if isinstance(b, Figure))
    xml = prs.slides[1]._element.xml
    assert 'ea typeface="Microsoft YaHei"' in xml and 'lang="zh-CN"' in xml


# ============================================================================ the command


def test_bad_input_is_one_line(cli: Cli, tmp_path: Path) -> None:
    code, _, err = cli("slides", "--models", "resnet51", "-o", str(tmp_path / "d"))
    assert code == 2 and err.count("\n") == 1 and "resnet50" in err
    code, _, err = cli("slides", "--lang", "fr", "-o", str(tmp_path / "d"))
    assert code == 2 and err.count("\n") == 1 and "en" in err and "zh" in err
    (tmp_path / "file").write_text("x")
    code, _, err = cli("slides", "-o", str(tmp_path / "file" / "deck"))
    assert code == 2 and err.count("\n") == 1 and "is a file" in err
    # a module is for report and table; the deck names what to use instead (it once read "block='torchvision'")
    code, _, err = cli("slides", "--models", "torchvision:resnet50", "-o", str(tmp_path / "d"))
    assert code == 2 and err.count("\n") == 1 and "zoo names and custom specs" in err and "report" in err
    assert not (tmp_path / "d").exists()


def test_missing_cjk_font(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from resnet_inspect.commands import slides_cmd

    monkeypatch.setattr(slides_cmd, "has_cjk_font", lambda: False)
    code, _, err = cli("slides", "--lang", "zh", "--format", "html", "-o", str(tmp_path / "d"))
    assert code == 2 and "fonts-noto-cjk" in err and err.count("\n") == 1


def test_a_failed_run_keeps_the_previous_deck(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "deck"
    code, _, _ = cli("slides", "--models", CUSTOM, "--format", "html", "-o", str(out))
    assert code == 0
    before = (out / "slides-en.html").read_bytes()
    (out / "slides-en.html").chmod(0o640)
    from resnet_inspect.backends import deck_html

    def broken(*args: object, **kw: object) -> bytes:
        raise RuntimeError("PDF engine failed")

    monkeypatch.setattr(deck_html, "render_pdf", broken)
    code, _, _ = cli("slides", "--models", "resnet18", "--format", "all", "-o", str(out))
    assert code == 1
    assert (out / "slides-en.html").read_bytes() == before
    assert (out / "slides-en.html").stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in out.iterdir()) == ["slides-en.html"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_table_command_still_does_not_import_the_deck() -> None:
    code = ("import sys; from resnet_inspect.cli import main; main(['table', 'resnet18', '--depth', '1']); "
            "bad = [m for m in ('torch', 'pptx', 'weasyprint', 'jinja2') if m in sys.modules]; "
            "sys.exit(1 if bad else 0)")
    result = subprocess.run([__import__("sys").executable, "-c", code], capture_output=True, text=True,
                            cwd=Path(__file__).parent.parent, timeout=60)
    assert result.returncode == 0, result.stderr
