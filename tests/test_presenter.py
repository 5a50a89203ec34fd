"""Presenting the HTML deck, in headless Chromium: the notes never cover the slide, and the presenter
window shows the current slide's notes, the next slide and a timer."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (make test installs it)")


@cache
def deck_file(folder: str) -> tuple[Path, list[tuple[str, tuple[str, ...]]]]:
    from resnet_inspect.backends.deck_html import render_html, slides_of
    from resnet_inspect.views.slides import deck as build
    from resnet_inspect.views.slides import gather

    doc = build(gather(), "en")
    path = Path(folder) / "deck.html"
    path.write_text(render_html(doc), encoding="utf-8")
    return path, [(s.title, s.notes) for s in slides_of(doc)]


def dump(url: str) -> str:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--window-size=1280,720", "--virtual-time-budget=3000", "--dump-dom",
             url], capture_output=True, text=True, timeout=120, check=True).stdout


def test_notes_never_cover_the_slide(tmp_path_factory: pytest.TempPathFactory) -> None:
    path, _ = deck_file(str(tmp_path_factory.mktemp("deck")))
    body = re.search(r"<body[^>]*>", dump(f"{path.as_uri()}?notes=1&measure=1#5"))
    assert body is not None
    assert 'data-notes-overlap="0"' in body[0], body[0]
    overflow = re.search(r'data-overflow="([^"]*)"', body[0])
    assert overflow is not None and {x.split(":")[1] for x in overflow[1].split()} == {"0"}


def test_presenter_view_follows_the_deck(tmp_path_factory: pytest.TempPathFactory) -> None:
    import html

    path, slides = deck_file(str(tmp_path_factory.mktemp("deck")))
    dom = dump(f"{path.as_uri()}?presenter=1#3")
    pane = re.search(r'<aside id="presenter">(.*?)</aside>\s*</body>', dom, re.S)
    assert pane is not None, "no presenter pane"
    assert f'<span class="p-now">3 / {len(slides)}</span>' in pane[1]
    assert re.search(r'class="p-clock">\d+:\d\d<', pane[1])
    notes = html.unescape(re.sub(r"<[^>]+>", " ", pane[1].split('class="p-notes">')[1].split('class="p-label"')[0]))
    for line in slides[2][1]:
        assert " ".join(line.split()) in " ".join(notes.split())
    nxt = pane[1].split('class="p-next">')[1]
    assert 'data-n="4"' in nxt and html.escape(slides[3][0], quote=False) in nxt
