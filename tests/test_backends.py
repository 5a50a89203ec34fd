"""Backends: every format renders the same typed cells; text from a model is escaped in every format."""

from __future__ import annotations

import csv
import io
import re

import pytest

from resnet_inspect.backends import render
from resnet_inspect.document import Cell, Column, Document, Note, Paragraph, Section, Table, TableRow

EVIL = "<script>alert(1)</script>"


def _doc() -> Document:
    columns = (Column("name", "Layer"), Column("params", "Params", "int"), Column("macs", "MACs", "count"),
               Column("output", "Output", "shape"))
    rows = (TableRow((Cell(EVIL), Cell(9_408, "int"), Cell(118_013_952, "count"), Cell((1, 64, 112, 112), "shape"))),
            TableRow((Cell("=HYPERLINK(\"x\")"), Cell(-3, "int"), Cell(None, "count", reason="no MAC formula"),
                      Cell((1, 10), "shape")), level=1),
            TableRow((Cell("total"), Cell(9_405, "int"), Cell(118_013_952, "count"), Cell(None, "shape", text="")),
                     strong=True))
    table = Table(columns, rows, caption=f"model {EVIL}", notes=(f"note {EVIL}",))
    return Document(f"title {EVIL}", (Paragraph(f"para {EVIL}"), table, Note("a | pipe"),
                                      Section(f"section {EVIL}", (Paragraph("inside"),), collapsible=True)))


def test_text_aligns_numbers_and_lists_reasons() -> None:
    out = render(_doc(), "text")
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("Layer"))
    row = next(line for line in lines if line.startswith(EVIL))
    assert header.index("Params") + len("Params") == row.index("9,408") + len("9,408")  # right-aligned
    assert "118 M" in row and "64×112×112" in row
    assert "n/a: no MAC formula" in out  # an n/a cell's reason, once under its table
    assert "  =HYPERLINK" in out  # level 1: indented


def test_markdown_escapes_html() -> None:
    out = render(_doc(), "markdown", standalone=True)
    assert "<script>" not in out and "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "a \\| pipe" in out
    assert "| **total** | **9,405** | **118 M** |  |" in out


def test_csv_values_guard_formulas_keep_numbers() -> None:
    rows = list(csv.reader(io.StringIO(render(_doc(), "csv"))))
    assert rows[0] == ["name", "params", "macs", "output"]
    assert rows[1] == [EVIL, "9408", "118013952", "1x64x112x112"]  # values, not display text
    assert rows[2][0] == "'=HYPERLINK(\"x\")"  # a spreadsheet would run it: prefixed
    assert rows[2][1] == "-3" and rows[2][2] == ""  # a negative number stays a number; n/a is empty


def test_latex_escapes() -> None:
    out = render(_doc(), "latex")
    assert "<script>" not in out and r"\textless{}script\textgreater{}" in out
    assert "\\begin{tabular}{lrrl}" in out and "64$\\times$112$\\times$112" in out


def test_html_escapes_everything_from_the_document() -> None:
    out = render(_doc(), "html")
    assert out.count("<script>") == 1  # the page's own sort script, nothing from the model
    # <title>, <h1>, paragraph, caption, cell, note, section
    assert out.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 7
    assert '<details class="section"' in out and "<summary>" in out
    assert 'data-v="9408"' in out and 'title="no MAC formula"' in out


def test_html_is_self_contained() -> None:
    out = render(_doc(), "html")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", out, re.I)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", out, re.I)
    assert "@import" not in out


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown format"):
        render(_doc(), "docx")


def test_every_format_shows_the_same_cells() -> None:
    for fmt in ("text", "markdown", "latex", "html"):
        out = render(_doc(), fmt)
        assert "9,408" in out and "118 M" in out and "n/a" in out, fmt
