"""csv: the tables' values (numbers, not their display text), one header row of column keys.

A text cell that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-`` or ``@``) is
prefixed with ``'``; numbers are written as numbers, so a negative count stays numeric.
"""

from __future__ import annotations

import csv
import io

from ..document import Cell, Document
from .common import tables

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def value(cell: Cell) -> str | int | float:
    """A cell's value for csv: a number as is, a shape or pair as ``1x64x112x112``, ``""`` when missing."""
    v = cell.value
    if v is None:
        return ""
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int | float):
        return v
    text = "x".join(str(x) for x in v) if isinstance(v, tuple) else str(v)
    return "'" + text if text.startswith(_FORMULA_START) else text


def render(doc: Document, standalone: bool = False) -> str:
    """Every table of the document (usually one) as csv; several are separated by a blank line."""
    parts = []
    for t in tables(doc):
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow([c.key for c in t.columns])
        for r in t.rows:
            w.writerow([value(c) for c in r.cells])
        parts.append(buf.getvalue())
    return "\n".join(parts)
