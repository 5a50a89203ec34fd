"""HTML: one self-contained page per document (CSS, script and figures inline; nothing fetched).

The document is first turned into a plain context (lists and dicts of strings), then a jinja2 template
with autoescaping renders it, so every text from a model — a module named ``<script>`` — shows as text.
Pages are print-friendly, readable on a phone and follow the reader's light or dark preference; a
table whose role is ``layers`` can be sorted by clicking a column header (a few lines of inline script).
The same page, with ``paged=True``, is what the PDF backend lays out on A4.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
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
    RFView,
    RowDetails,
    Section,
    Slide,
    StageDiff,
    Table,
    TableRow,
    fmt,
)
from .common import missing_reasons, rule_before, text_of


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


def _row_context(t: Table, i: int) -> dict[str, Any]:
    r = t.rows[i]
    classes = [*(["strong"] if r.strong else []), *(["rule"] if rule_before(t.rows, i) else []),
               *sorted(f"tag-{x}" for x in r.tags), f"level-{min(r.level, 6)}"]
    cells = [{"text": text_of(c), "num": col.numeric, "sort": _sort_key(c), "link": c.link,
              "title": c.reason if c.missing else ""} for c, col in zip(r.cells, t.columns, strict=True)]
    name = text_of(r.cells[0]) if t.role == "layers" and r.cells else ""
    return {"cells": cells, "cls": " ".join(classes), "level": r.level, "group": r.group, "name": name}


SAME_BLOCK_IGNORES = ("name", "rf", "jump")  # what may differ between two identical blocks of a stage


def _signature(t: Table, rows: Sequence[TableRow], prefix: str) -> tuple[Any, ...]:
    """What makes two blocks identical: every row's cells but its name, RF and jump, and its structure."""
    keep = [j for j, c in enumerate(t.columns) if c.key not in SAME_BLOCK_IGNORES]
    return tuple((r.level, r.tags, text_of(r.cells[0]).removeprefix(prefix), *(r.cells[j] for j in keep))
                 for r in rows)


def _blocks(t: Table) -> list[tuple[int, int]]:
    """The (start, end) row ranges of a layer table's blocks: a block row and the rows of its group."""
    out = []
    i = 0
    while i < len(t.rows):
        r = t.rows[i]
        if "container" in r.tags and "shortcut" not in r.tags and r.group and text_of(r.cells[0]) == r.group \
                and r.level >= 2:
            j = i + 1
            while j < len(t.rows) and t.rows[j].group == r.group and t.rows[j].level > r.level:
                j += 1
            out.append((i, j))
            i = j
        else:
            i += 1
    return out


def fold_runs(t: Table) -> list[tuple[int, int, int]]:
    """Runs of two or more consecutive identical blocks in a layer table: (first row, end row, blocks)."""
    blocks = _blocks(t)
    runs: list[tuple[int, int, int]] = []
    k = 0
    while k < len(blocks):
        a, b = blocks[k]
        sig = _signature(t, t.rows[a:b], text_of(t.rows[a].cells[0]))
        m = k + 1
        while m < len(blocks) and blocks[m][0] == blocks[m - 1][1] and _signature(
                t, t.rows[blocks[m][0]:blocks[m][1]], text_of(t.rows[blocks[m][0]].cells[0])) == sig:
            m += 1
        if m - k >= 2:
            runs.append((a, blocks[m - 1][1], m - k))
        k = m
    return runs


def _fold_text(t: Table, start: int, end: int, n: int) -> str:
    """``layer3.1–layer3.5: 5 × identical, 1,117,184 params each``."""
    first = text_of(t.rows[start].cells[0])
    last = next(text_of(r.cells[0]) for r in reversed(t.rows[start:end]) if r.level == t.rows[start].level)
    keys = [c.key for c in t.columns]
    params = text_of(t.rows[start].cells[keys.index("params")]) if "params" in keys else ""
    return f"{first}–{last}: {n} × identical" + (f", {params} params each" if params else "")


def table_context(t: Table, paged: bool = False) -> dict[str, Any]:
    """A table as plain data for the template; in a layer table on screen, runs of identical blocks are
    folded under one line (``layer3.1–layer3.5: 5 × identical, …``) that opens them."""
    rows = [_row_context(t, i) for i in range(len(t.rows))]
    bodies: list[dict[str, Any]] = []
    at = 0
    for start, end, n in ([] if paged or t.role != "layers" else fold_runs(t)):
        if start > at:
            bodies.append({"rows": rows[at:start], "fold": ""})
        bodies.append({"rows": rows[start:end], "fold": _fold_text(t, start, end, n)})
        at = end
    if at < len(rows) or not bodies:
        bodies.append({"rows": rows[at:], "fold": ""})
    return {
        "type": "table", "caption": t.caption, "id": t.id, "role": t.role,
        "columns": [{"title": c.title, "num": c.numeric, "unit": c.unit} for c in t.columns],
        "rows": rows, "bodies": bodies,
        "notes": [n for n in t.notes if n.strip()] + [f"n/a: {x}" for x in missing_reasons(t)],
        "sortable": t.role in ("layers", "stages", "family"),
    }


def figure_context(f: Figure) -> dict[str, Any]:
    """A figure drawn now, inline: the whole SVG for the screen, and its A4 layout (page orientation, scale,
    panels) that keeps its smallest text legible on paper."""
    from markupsafe import Markup

    from . import svg

    image = svg.parse(f.draw("svg").decode("utf-8"))
    plan = svg.layout(image, splittable=f.kind == "diagram")
    panels = [Markup(svg.panel(image, f"{f.id}-p{i}", part, plan.scale, plan.lifted))
              for i, part in enumerate(plan.panels, start=1)]
    return {"type": "figure", "id": f.id, "caption": f.caption, "alt": f.alt, "kind": f.kind,
            "svg": Markup(svg.inline(image, f.id, f.alt)), "page": plan.page, "panels": panels,
            "lifted": [image.texts[i].strip() for i in sorted(plan.lifted) if image.texts[i].strip()]}


def rfview_context(v: RFView) -> dict[str, Any]:
    """The receptive-field view: its numbers as JSON (read by the page's script, which only places them)."""
    import json

    data = {"input": list(v.input_hw), "layers": [
        {"name": x.name, "out": list(x.out_hw), "rf": list(x.rf), "jump": list(x.jump), "pad": list(x.padding)}
        for x in v.layers]}
    return {"type": "rfview", "id": v.id, "caption": v.caption, "layers": [x.name for x in v.layers],
            "data": json.dumps(data, separators=(",", ":")), "input": "×".join(map(str, v.input_hw))}


def stage_diff_context(d: StageDiff, paged: bool = False) -> dict[str, Any]:
    """Two models stage by stage: the static table (the first two) and, on screen, every model's numbers as
    JSON for the page's script, which only looks them up and subtracts."""
    import json

    data = {"order": list(d.order), "models": [
        {"model": m.model, "params": m.params, "macs": m.macs,
         "stages": {s.stage: {"out": fmt.shape(s.output_shape), "params": s.params, "macs": s.macs}
                    for s in m.stages}} for m in d.models]}
    return {"type": "stagediff", "id": d.id, "caption": d.caption, "models": [m.model for m in d.models],
            "table": table_context(d.table, paged), "data": "" if paged else json.dumps(data, separators=(",", ":"),
                                                                                        ensure_ascii=False)}


SHARED_MIN = 3  # a line found in this many rows' details is kept once and referenced


def _detail_lines(blocks: Sequence[Block]) -> list[str]:
    """A document's blocks as HTML lines, sections flattened to a heading line and their blocks."""
    render = _environment().get_template("detail.html.j2").module.render_detail
    lines: list[str] = []
    for b in blocks:
        if isinstance(b, Section):
            lines.append(str(render({"type": "section", "title": b.title})).strip())
            lines += _detail_lines(b.blocks)
        else:
            lines.append(str(render(block_context(b))).strip())
    return lines


def row_details_context(d: RowDetails, paged: bool = False) -> dict[str, Any]:
    """A document per row, rendered now into an inert ``<template>`` the page's script opens under its row;
    the lines many rows share (what a formula means, the counting convention) are kept once and referenced
    (``<i data-x="N">``).  Nothing on paper."""
    from collections import Counter

    from markupsafe import Markup

    if paged:
        return {"type": "none"}
    docs = [(name, _detail_lines(doc.blocks[1:] if doc.blocks and isinstance(doc.blocks[0], Paragraph)
                                 else doc.blocks)) for name, doc in d.items]
    counts = Counter(line for _, lines in docs for line in dict.fromkeys(lines))  # in order: the same bytes
    shared = [line for line, n in counts.items() if n >= SHARED_MIN and len(line) > 40]
    ref = {line: f'<i data-x="{i}"></i>' for i, line in enumerate(shared)}
    entries = [{"row": name, "html": Markup("\n".join(ref.get(x, x) for x in lines))} for name, lines in docs]
    return {"type": "rowdetails", "role": d.table_role, "label": d.label, "title": d.title, "entries": entries,
            "shared": [Markup(x) for x in shared]}


def block_context(b: Block, paged: bool = False) -> dict[str, Any]:
    """Any block as plain data; sections and slides nest."""
    if isinstance(b, Table):
        return table_context(b, paged)
    if isinstance(b, RFView):
        return rfview_context(b)
    if isinstance(b, StageDiff):
        return stage_diff_context(b, paged)
    if isinstance(b, RowDetails):
        return row_details_context(b, paged)
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
                "collapsible": b.collapsible, "blocks": [block_context(x, paged) for x in b.blocks]}
    if isinstance(b, Slide):
        return {"type": "section", "title": b.title, "id": b.id or slug(b.title), "level": 2,
                "collapsible": False, "blocks": [block_context(x, paged) for x in b.blocks]}
    raise TypeError(f"no HTML rendering for {type(b).__name__}")


def context(doc: Document, paged: bool = False, fragment: bool = False) -> dict[str, Any]:
    """The whole page as plain data: title, metadata, table of contents, blocks, sources."""
    blocks = [block_context(b, paged) for b in doc.blocks]
    toc = [{"id": b["id"], "title": b["title"]} for b in blocks if b["type"] == "section"]
    return {"title": doc.title, "subtitle": doc.subtitle, "lang": doc.lang, "meta": list(doc.meta),
            "nav": [{"text": text, "href": href} for text, href in doc.nav],
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
