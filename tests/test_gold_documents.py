"""Whole output folders against gold folders: the HTML report of three models and the deck in both languages.

As coverage.py tests its HTML report: every file the command writes is compared with tests/golden/<folder>/,
volatile fields scrubbed (the version; figures, whose bytes belong to Graphviz and matplotlib, become their
size in the text and a digest of their words), and a mismatch is saved under tests/_failed/ for review.
``pytest --update-golden`` rewrites the gold folders from the code; review the diff before committing it.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import GOLDEN

Cli = Callable[..., tuple[int, str, str]]
Golden = Callable[[str, str], None]

DATA_URI = re.compile(r"data:image/(svg\+xml|png);base64,([A-Za-z0-9+/=]+)")
INLINE_SVG = re.compile(r"<svg\b.*?</svg>", re.S)
SVG_TEXT = re.compile(r"<text\b[^>]*>([^<]*)</text>")


def _figure_words(svg: str) -> str:
    """A figure's words in reading order (what a reader sees), digested: Graphviz and matplotlib versions
    may move a node, but a changed label is a changed figure."""
    words = " ".join(w.strip() for w in SVG_TEXT.findall(svg) if w.strip())
    return hashlib.sha256(words.encode("utf-8")).hexdigest()[:12]


def scrub_figures(text: str) -> str:
    def data(m: re.Match[str]) -> str:
        raw = base64.b64decode(m.group(2))
        if m.group(1) == "png":
            return "data:image/png;[figure]"
        return f"data:image/svg+xml;[figure {_figure_words(raw.decode('utf-8', 'replace'))}]"

    text = DATA_URI.sub(data, text)
    return INLINE_SVG.sub(lambda m: f"<svg>[figure {_figure_words(m.group(0))}]</svg>", text)


def check_folder(golden: Golden, name: str, folder: Path) -> None:
    """Every file of ``folder`` against tests/golden/NAME/, and no file missing or extra."""
    written = sorted(p.name for p in folder.iterdir())
    gold = GOLDEN / name
    if gold.exists():
        expected = sorted(p.name for p in gold.iterdir())
        extra, missing = set(written) - set(expected), set(expected) - set(written)
        if (extra or missing) and not _updating():
            pytest.fail(f"{name}: files written {written}, gold folder has {expected} (run pytest --update-golden)")
    for file in written:
        golden(f"{name}/{file}", scrub_figures((folder / file).read_text(encoding="utf-8")))


def _updating() -> bool:
    import os
    import sys

    return "--update-golden" in sys.argv or os.environ.get("UPDATE_GOLDEN") == "1"


REPORT_MODELS = ("resnet50", "cifar-resnet56", "resnext50_32x4d")


def test_report_folder_matches_gold(cli: Cli, golden: Golden, tmp_path: Path) -> None:
    out = tmp_path / "report"
    code, _, err = cli("report", *REPORT_MODELS, "--format", "html", "-o", str(out))
    assert code == 0, err
    check_folder(golden, "report", out)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_deck_html_matches_gold(cli: Cli, golden: Golden, tmp_path: Path, lang: str) -> None:
    from resnet_inspect.commands.slides_cmd import has_cjk_font

    if lang == "zh" and not has_cjk_font():
        pytest.skip("no CJK font on this machine (make setup installs fonts-noto-cjk)")
    out = tmp_path / f"deck-{lang}"
    code, _, err = cli("slides", "--lang", lang, "--format", "html", "-o", str(out))
    assert code == 0, err
    check_folder(golden, f"deck-{lang}", out)


def test_scrubbing_keeps_what_a_reader_sees() -> None:
    svg = '<svg><text x="1">conv1</text><text x="2">64</text></svg>'
    moved = '<svg width="9"><text x="5">conv1</text><text x="7">64</text></svg>'
    renamed = '<svg><text x="1">conv2</text><text x="2">64</text></svg>'
    assert scrub_figures(svg) == scrub_figures(moved) != scrub_figures(renamed)
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    assert scrub_figures(uri) == f"data:image/svg+xml;[figure {_figure_words(svg)}]"
