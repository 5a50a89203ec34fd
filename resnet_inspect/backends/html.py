"""HTML: one self-contained page per document (CSS, script and figures inline; nothing fetched).

The document is first turned into a plain context (lists and dicts of strings), then a jinja2 template
with autoescaping renders it, so every text from a model — a module named ``<script>`` — shows as text.
Pages are print-friendly, readable on a phone and follow the reader's light or dark preference; a
table whose role is ``layers`` can be sorted by clicking a column header (a few lines of inline script).
The same page, with ``paged=True``, is what the PDF backend lays out on A4.
"""

from __future__ import annotations

import base64
import re
from functools import cache
from importlib import resources
from typing import Any

from ..document import (
    Block,
    BulletList,
    Cell,
    Document,
    Figure,
    Formula,
    Heading,
    Note,
    Paragraph,
    Section,
    Slide,
    Table,
)
from .common import missing_reasons, rule_before, text_of

_XML_PROLOGUE = re.compile(r"^\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?", re.S)


@cache
def _asset(name: str) -> str:
    return resources.files(__package__).joinpath("templates", name).read_text(encoding="utf-8")


@cache
def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(loader=jinja2.FunctionLoader(lambda name: _asset(name)), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    return env


def slug(text: str) -> str:
    """An id for an anchor: ``conv4_x (layer3)`` → ``conv4-x-layer3``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def _sort_key(cell: Cell) -> str:
    """The value a column sorts by: the number (a shape or pair by its element count), else the text."""
    v = cell.value
    if isinstance(v, bool) or v is None:
        return ""
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, tuple) and cell.kind in ("shape", "pair") and all(isinstance(x, int) for x in v):
        n = 1
        for x in v:
            n *= x
        return repr(n)
    return ""


def table_context(t: Table) -> dict[str, Any]:
    """A table as plain data for the template."""
    rows = []
    for i, r in enumerate(t.rows):
        classes = [*(["strong"] if r.strong else []), *(["rule"] if rule_before(t.rows, i) else []),
                   *sorted(f"tag-{x}" for x in r.tags), f"level-{min(r.level, 6)}"]
        cells = [{"text": text_of(c), "num": col.numeric, "sort": _sort_key(c), "link": c.link,
                  "title": c.reason if c.missing else ""} for c, col in zip(r.cells, t.columns, strict=True)]
        rows.append({"cells": cells, "cls": " ".join(classes), "level": r.level, "group": r.group})
    return {
        "type": "table", "caption": t.caption, "id": t.id, "role": t.role,
        "columns": [{"title": c.title, "num": c.numeric, "unit": c.unit} for c in t.columns],
        "rows": rows, "notes": [n for n in t.notes if n.strip()] + [f"n/a: {x}" for x in missing_reasons(t)],
        "sortable": t.role in ("layers", "stages", "family"),
    }


def figure_context(f: Figure) -> dict[str, Any]:
    """A figure drawn now, as an inline SVG data URI (each figure isolated from the page and the others)."""
    svg = _XML_PROLOGUE.sub("", f.draw("svg").decode("utf-8"), count=1)
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return {"type": "figure", "id": f.id, "caption": f.caption, "alt": f.alt, "kind": f.kind,
            "src": f"data:image/svg+xml;base64,{data}"}


def block_context(b: Block) -> dict[str, Any]:
    """Any block as plain data; sections and slides nest."""
    if isinstance(b, Table):
        return table_context(b)
    if isinstance(b, Figure):
        return figure_context(b)
    if isinstance(b, Heading):
        return {"type": "heading", "text": b.text, "level": min(b.level + 1, 6), "id": b.id or slug(b.text)}
    if isinstance(b, Paragraph):
        return {"type": "paragraph", "text": b.text}
    if isinstance(b, Note):
        return {"type": "note", "text": b.text, "kind": b.kind}
    if isinstance(b, Formula):
        return {"type": "formula", "text": b.text, "label": b.label}
    if isinstance(b, BulletList):
        return {"type": "list", "items": list(b.items)}
    if isinstance(b, Section):
        return {"type": "section", "title": b.title, "id": b.id or slug(b.title), "level": min(b.level + 1, 6),
                "collapsible": b.collapsible, "blocks": [block_context(x) for x in b.blocks]}
    if isinstance(b, Slide):
        return {"type": "section", "title": b.title, "id": b.id or slug(b.title), "level": 2,
                "collapsible": False, "blocks": [block_context(x) for x in b.blocks]}
    raise TypeError(f"no HTML rendering for {type(b).__name__}")


def context(doc: Document, paged: bool = False, fragment: bool = False) -> dict[str, Any]:
    """The whole page as plain data: title, metadata, table of contents, blocks, sources."""
    blocks = [block_context(b) for b in doc.blocks]
    toc = [{"id": b["id"], "title": b["title"]} for b in blocks if b["type"] == "section"]
    return {"title": doc.title, "subtitle": doc.subtitle, "lang": doc.lang, "meta": list(doc.meta),
            "blocks": blocks, "toc": toc if len(toc) > 2 else [],
            "sources": [{"key": s.key, "text": s.text, "url": s.url} for s in doc.sources],
            "paged": paged, "css": _asset("table.css") if fragment else _asset("style.css") + _asset("table.css"),
            "script": "" if paged or fragment else _asset("page.js")}


def render(doc: Document, standalone: bool = True, paged: bool = False) -> str:
    """A complete HTML page (``paged``: every section open and the A4 print rules, for the PDF)."""
    html: str = _environment().get_template("page.html.j2").render(**context(doc, paged))
    return html


def fragment(doc: Document) -> str:
    """The blocks only, with the table style (for Jupyter's ``_repr_html_``)."""
    html: str = _environment().get_template("fragment.html.j2").render(**context(doc, fragment=True))
    return html
