"""Speaker notes that teach: every slide of every deck says what to say, the usual mistake and a time, before
the source of its numbers; the cover gives the deck's total; the notes add no number the slide does not have."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

import pytest

from resnet_inspect.analysis import deck as facts
from resnet_inspect.document import BulletList, Document, Figure, Formula, Note, Paragraph, Slide, Table
from resnet_inspect.views import slides as v
from resnet_inspect.views.slides_notes import LABELS, NOTES, annotate, teaching

DECKS = (facts.DEFAULT_MODELS, ("basic:2",), ("resnet18",), ("cifar-resnet20", "preact-resnet164"), ("vgg19",))
LANGS = ("en", "zh")
TIME = {"en": re.compile(r"Time: ≈ (\d+) min"), "zh": re.compile(r"时间：约 (\d+) 分钟")}
TOTAL = {"en": re.compile(r"the whole deck as built: ≈ (\d+) min over (\d+) slides"),
         "zh": re.compile(r"全部约 (\d+) 分钟，共 (\d+) 页")}
NUMBER = re.compile(r"\d[\d,.]*\d|\d")


@cache
def slides(models: tuple[str, ...], lang: str) -> tuple[Slide, ...]:
    doc = v.deck(facts.gather(models), lang)
    return tuple(b for b in doc.blocks if isinstance(b, Slide))


def label(key: str, lang: str) -> str:
    return LABELS[key][LANGS.index(lang)]


def shown_text(s: Slide) -> Iterator[str]:
    """The slide's own words: its title and blocks, and its notes after the teaching parts (the numbers'
    source)."""
    yield s.title
    for b in s.blocks:
        if isinstance(b, BulletList):
            yield from b.items
        elif isinstance(b, (Paragraph, Formula, Note)):
            yield b.text
        elif isinstance(b, Figure):
            yield b.caption
        elif isinstance(b, Table):
            yield from (c.title for c in b.columns)
            yield from (c.text or str(c.value) for r in b.rows for c in r.cells)
    yield from s.notes[3:]


def missing(deck: tuple[Slide, ...]) -> list[str]:
    """The ids of the slides no entry matches."""
    return [s.id for s in deck if teaching(s.id) is None]


# ============================================================================ every slide, every deck


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("models", DECKS, ids=" ".join)
def test_every_slide_has_the_three_parts_then_its_source(models: tuple[str, ...], lang: str) -> None:
    deck = slides(models, lang)
    assert missing(deck) == []
    for s in deck:
        say, mistake, time, *source = s.notes
        assert say.startswith(label("say", lang)) and len(say) > len(label("say", lang)) + 20, s.id
        assert mistake.startswith(label("mistake", lang)) and len(mistake) > len(label("mistake", lang)) + 20, s.id
        assert TIME[lang].match(time), (s.id, time)
        assert source and source[0].startswith(label("source", lang)), s.id
        if lang == "zh":
            assert re.search(r"[\u4e00-\u9fff]", say + mistake), s.id


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("models", DECKS, ids=" ".join)
def test_the_cover_says_the_sum_of_the_slides_times(models: tuple[str, ...], lang: str) -> None:
    """The total is re-added here from each slide's own time line, and the slide count from the deck."""
    deck = slides(models, lang)
    minutes = [int(TIME[lang].match(s.notes[2]).group(1)) for s in deck]  # type: ignore[union-attr]
    total = TOTAL[lang].search(deck[0].notes[2])
    assert deck[0].id == "cover" and total is not None
    assert (int(total.group(1)), int(total.group(2))) == (sum(minutes), len(deck))
    assert all(1 <= m <= 10 for m in minutes)
    assert sum(1 for s in deck if TOTAL[lang].search(" ".join(s.notes))) == 1  # the cover only


@pytest.mark.parametrize("models", DECKS, ids=" ".join)
def test_english_and_chinese_notes_carry_the_same_numbers(models: tuple[str, ...]) -> None:
    for en, zh in zip(slides(models, "en"), slides(models, "zh"), strict=True):
        assert en.id == zh.id
        assert NUMBER.findall(" ".join(en.notes[:3])) == NUMBER.findall(" ".join(zh.notes[:3])), en.id


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("models", DECKS, ids=" ".join)
def test_notes_add_no_number_the_slide_does_not_have(models: tuple[str, ...], lang: str) -> None:
    """A number in the talking points or the mistake must be one the slide itself shows or sources (its facts);
    the time line is the notes' own number."""
    for s in slides(models, lang):
        have = set(NUMBER.findall("\n".join(shown_text(s))))
        said = set(NUMBER.findall(" ".join(s.notes[:2])))
        assert said <= have, (s.id, said - have)


def test_a_slide_without_an_entry_is_caught() -> None:
    """The checker itself: a slide id no pattern matches is listed, and annotate leaves its notes alone."""
    new = Slide("A new slide", (Paragraph("text"),), ("source",), id="p11-new")
    assert missing((new,)) == ["p11-new"]
    assert annotate([new], "en")[0].notes == ("source",)


# ============================================================================ the patterns


def test_planned_and_split_slides_find_their_notes() -> None:
    """Ids split in two or named per model, and the planned slides, find the entry written for them; an
    answer slide finds the answer's entry, not the exercise's."""
    entry = {pattern: e for pattern, e in NOTES}
    expect = {
        "p3-shortcuts-2": "p3-shortcuts-*", "p3-shortcuts": "p3-shortcuts",
        "p4-architecture-bottleneck-3": "p4-architecture-*", "p4-architecture-preact-bottleneck-1": "p4-architecture-*",
        "p9-resnext101_64x4d": "p9-resnext*", "p9-wide_resnet101_2": "p9-wide*",
        "p8-rf": "p8-rf*", "p8-rf-stride": "p8-rf-stride",
        "p1-macs-flops": "p1-macs-flops", "p1-fig3": "p1-fig3", "p1-network": "p1-network",
        "p6-rf-sketch": "p6-rf-sketch", "ex-1": "ex-*", "ex-3": "ex-*", "ex-1-answer": "ex-*-answer",
        "ex-3-answer": "ex-*-answer",
    }
    for sid, pattern in expect.items():
        assert teaching(sid) is entry[pattern], sid


def test_every_entry_is_written_in_both_languages_and_reachable() -> None:
    patterns = [p for p, _ in NOTES]
    assert len(patterns) == len(set(patterns))
    for pattern, e in NOTES:
        for en, zh in (e.say, e.mistake):
            assert en and not re.search(r"[\u4e00-\u9fff]", en), pattern
            assert re.search(r"[\u4e00-\u9fff]", zh), pattern
            assert not NUMBER.search(en + zh), pattern  # concepts, not numbers: a deck's numbers vary
        sample = pattern.replace("*", "x")
        assert teaching(sample) is e, f"{pattern} is shadowed by an earlier pattern"


# ============================================================================ the outputs


def test_html_and_pptx_decks_carry_the_parts() -> None:
    """The HTML deck (what the notes pane and the presenter window copy) holds each part as a paragraph; the
    PPTX notes pane holds them in order."""
    import io

    from pptx import Presentation

    from resnet_inspect.backends.deck_html import render_html
    from resnet_inspect.backends.pptx_deck import render_pptx, tight

    doc = Document("t", tuple(slides(("resnet18",), "zh")[:3]), lang="zh")
    html = render_html(doc)
    notes = re.findall(r'<aside class="notes">(.*?)</aside>', html, re.S)
    assert len(notes) == 3 and all("<p>讲解：" in n and "<p>常见错误：" in n and "<p>数字来源：" in n for n in notes)
    prs = Presentation(io.BytesIO(render_pptx(doc)))
    for pptx_slide, s in zip(prs.slides, doc.blocks, strict=True):
        text = pptx_slide.notes_slide.notes_text_frame.text
        # PowerPoint spaces Chinese from Latin text itself: the deck leaves out the literal spaces (``tight``)
        assert isinstance(s, Slide) and text.split("\n\n")[:3] == [tight(n) for n in s.notes[:3]]
