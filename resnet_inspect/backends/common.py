"""What several backends share: walking a document's blocks, cell texts, where table rules go."""

from __future__ import annotations

from collections.abc import Iterator

from ..document import Block, Cell, Document, Section, Slide, Table, TableRow
from ..document.fmt import cell_text


def text_of(cell: Cell) -> str:
    """A cell's display text (``n/a`` for a missing value)."""
    return cell_text(cell)


def rule_before(rows: tuple[TableRow, ...], i: int) -> bool:
    """A rule where a top-level group starts (a strong row after plain ones) or ends (back to the top level)."""
    if i == 0:
        return False
    return (rows[i].strong and not rows[i - 1].strong) or rows[i - 1].level > rows[i].level <= 1


def blocks(doc: Document | Section | Slide) -> Iterator[Block]:
    """The blocks of a document, section or slide, in order."""
    yield from doc.blocks


def tables(doc: Document | Section | Slide) -> Iterator[Table]:
    """Every table, sections included, in order."""
    for b in doc.blocks:
        if isinstance(b, Table):
            yield b
        elif isinstance(b, Section | Slide):
            yield from tables(b)


def missing_reasons(t: Table) -> list[str]:
    """The distinct reasons of the table's ``n/a`` cells (to print once under the table)."""
    return list(dict.fromkeys(c.reason for r in t.rows for c in r.cells if c.missing and c.reason))
