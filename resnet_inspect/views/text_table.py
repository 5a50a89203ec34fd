"""A simple table of display strings and raw values, rendered through the document backends.

Kept for commands that build their rows by hand: :func:`as_document` turns the tables into a
:class:`~resnet_inspect.document.Document` (each cell's raw value with its display text) for the backend of
the format, so every output goes through one renderer per format; :func:`as_json` gives their raw rows.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..document import Document

FORMATS = ("text", "markdown", "csv", "json", "latex", "html")


@dataclass
class Table:
    """Cells as strings for display, ``raw`` values (ints, lists) for csv/json, per-row indent and style."""

    headers: list[str]
    keys: list[str]
    numeric: list[bool]
    rows: list[list[str]] = field(default_factory=list)
    raw: list[list[Any]] = field(default_factory=list)
    indent: list[int] = field(default_factory=list)
    strong: list[bool] = field(default_factory=list)
    title: str = ""
    notes: list[str] = field(default_factory=list)
    drop: list[int] = field(default_factory=list)  # per column: on a narrow terminal, higher leaves first (0 stays)

    def add(self, cells: list[str], raw: list[Any] | None = None, indent: int = 0, strong: bool = False) -> None:
        self.rows.append(cells)
        self.raw.append(raw if raw is not None else list(cells))
        self.indent.append(indent)
        self.strong.append(strong)


def _raw(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def to_document_table(t: Table) -> Any:
    """The same table with typed cells (raw value, display text)."""
    from ..document import Cell, Column, TableRow
    from ..document import Table as DocTable

    drops = t.drop or [0] * len(t.headers)
    columns = tuple(Column(k, h, "int" if n else "text", drop=d)
                    for h, k, n, d in zip(t.headers, t.keys, t.numeric, drops, strict=True))
    rows = []
    for i, raw in enumerate(t.raw):
        texts = t.rows[i] if i < len(t.rows) else [None] * len(raw)
        cells = tuple(Cell(_raw(v), text=s) for v, s in zip(raw, texts, strict=True))
        rows.append(TableRow(cells, level=t.indent[i] if i < len(t.indent) else 0,
                             strong=t.strong[i] if i < len(t.strong) else False))
    return DocTable(columns, tuple(rows), caption=t.title, notes=tuple(t.notes))


def as_document(tables: Sequence[Table]) -> Document:
    """Several tables as one document, one after another."""
    from ..document import Document

    title = tables[0].title if tables else "resnet-inspect"
    return Document(title or "resnet-inspect", tuple(to_document_table(t) for t in tables))


def as_json(tables: Sequence[Table]) -> str:
    """Each table's raw rows as a JSON list of records."""
    return "".join(json.dumps([dict(zip(t.keys, r, strict=True)) for r in t.raw], indent=2) + "\n"
                   for t in tables)
