"""Markdown (GitHub flavour): pipe tables, headings, notes.  Every text is escaped, so a module named
``<script>`` shows as text, not as HTML."""

from __future__ import annotations

from ..document import Block, BulletList, Document, Figure, Formula, Heading, Note, Paragraph, Section, Slide, Table
from .common import missing_reasons, text_of

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "\\|", "*": "\\*", "`": "\\`"}


def escape(text: str) -> str:
    """Text that markdown shows as it is: HTML, pipes, asterisks and backticks neutralised (an underscore
    inside a word, as in ``conv2_x``, is not emphasis in GitHub markdown and stays as it is)."""
    return "".join(_ESCAPES.get(c, c) for c in text)


def table(t: Table) -> str:
    """A pipe table; nesting shown by non-breaking spaces, strong rows in bold, notes as lines below."""
    out = [f"**{escape(t.caption)}**", ""] if t.caption else []
    out.append("| " + " | ".join(escape(c.title) for c in t.columns) + " |")
    out.append("|" + "|".join("---:" if c.numeric else ":---" for c in t.columns) + "|")
    for r in t.rows:
        cells = [f"[{escape(text_of(c))}]({c.link})" if c.link else escape(text_of(c)) for c in r.cells]
        if r.level:
            cells[0] = "&nbsp;" * (2 * r.level) + cells[0]
        if r.strong:
            cells = [f"**{c}**" if c else c for c in cells]
        out.append("| " + " | ".join(cells) + " |")
    notes = [*t.notes, *(f"n/a: {reason}" for reason in missing_reasons(t))]
    if notes:
        out += [""] + [f"{escape(n.strip())}  " if n.strip() else "" for n in notes]
    return "\n".join(out) + "\n"


def block(b: Block) -> str:
    """One block as markdown, ending with a newline."""
    if isinstance(b, Table):
        return table(b)
    if isinstance(b, Heading):
        return f"{'#' * min(b.level + 1, 6)} {escape(b.text)}\n"
    if isinstance(b, Paragraph):
        return escape(b.text) + "\n"
    if isinstance(b, Note):
        return f"*{escape(b.text)}*\n" if b.kind == "note" else escape(b.text) + "\n"
    if isinstance(b, Formula):
        return f"$$ {b.latex} $$\n" if b.latex else f"`{b.text}`\n"
    if isinstance(b, BulletList):
        return "\n".join(f"- {escape(item)}" for item in b.items) + "\n"
    if isinstance(b, Figure):
        return f"*Figure: {escape(b.caption)}*\n"
    if isinstance(b, Section | Slide):
        return block(Heading(b.title, getattr(b, "level", 1))) + "\n" + "\n".join(block(x) for x in b.blocks)
    raise TypeError(f"no markdown rendering for {type(b).__name__}")


def render(doc: Document, standalone: bool = False) -> str:
    """The blocks separated by blank lines (a ``#`` title first when ``standalone``)."""
    parts = [f"# {escape(doc.title)}\n"] if standalone and doc.title else []
    parts += [block(b) for b in doc.blocks]
    return "\n".join(parts)
