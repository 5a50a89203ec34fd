"""Backends: any :class:`~resnet_inspect.document.Document` as terminal text, markdown, LaTeX, HTML, PDF or csv.

A backend only reads the document; the numbers in its cells are shown through the one formatter
(:func:`resnet_inspect.document.fmt.cell_text`).  csv writes the cells' values (the numbers, not their
display text) and is an export of the tables, like JSON is of the results.
"""

from __future__ import annotations

from importlib import import_module

from ..document import Document
from ..terminal import Terminal

FORMATS = ("text", "markdown", "csv", "latex", "html")
_MODULES = {"text": "text", "markdown": "markdown", "csv": "csv_", "latex": "latex", "html": "html"}


def render(doc: Document, fmt: str, standalone: bool = False, term: Terminal | None = None) -> str:
    """``doc`` in one of :data:`FORMATS`; ``standalone`` adds the document's title (HTML is always a page).

    ``term`` fits terminal text to a width and colours it (see :mod:`resnet_inspect.terminal`); other
    formats ignore it, and text without one shows every column, uncoloured.
    """
    if fmt not in _MODULES:
        raise ValueError(f"unknown format {fmt!r}; choose from: {', '.join(FORMATS)}")
    module = import_module(f"{__name__}.{_MODULES[fmt]}")
    if fmt == "text" and term is not None:
        fitted: str = module.render(doc, standalone=standalone, term=term)
        return fitted
    text: str = module.render(doc, standalone=standalone)
    return text


__all__ = ["FORMATS", "render"]
