"""Text spans of a generated PDF, with their font size and position (PyMuPDF), for the legibility tests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

pymupdf = pytest.importorskip("pymupdf")


@dataclass(frozen=True)
class Span:
    page: int
    text: str
    size: float
    bbox: tuple[float, float, float, float]
    page_box: tuple[float, float, float, float]


def spans(data: bytes) -> list[Span]:
    """Every text span of a PDF, with characters outside the page kept (not clipped to the media box)."""
    doc = pymupdf.open(stream=data, filetype="pdf")
    flags = pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_PRESERVE_LIGATURES  # no TEXT_MEDIABOX_CLIP
    out = []
    for n, page in enumerate(doc, start=1):
        for block in page.get_text("dict", flags=flags)["blocks"]:
            for line in block.get("lines", []):
                for s in line["spans"]:
                    if s["text"].strip():
                        out.append(Span(n, s["text"].strip(), s["size"], tuple(s["bbox"]), tuple(page.rect)))
    return out
