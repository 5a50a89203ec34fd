"""Terminal text: aligned tables (numbers right-aligned, rules between top-level groups), wrapped notes."""

from __future__ import annotations

import textwrap

from ..document import Block, BulletList, Document, Figure, Formula, Heading, Note, Paragraph, Section, Slide, Table
from .common import missing_reasons, rule_before, text_of

WIDTH = 110


def wrap(text: str, width: int = WIDTH) -> list[str]:
    """Lines of at most ``width`` characters; a line's leading spaces indent its continuation lines."""
    out: list[str] = []
    for line in text.split("\n"):
        indent = line[: len(line) - len(line.lstrip(" "))]
        out += textwrap.wrap(line, width, subsequent_indent=indent, break_on_hyphens=False) if line.strip() else [""]
    return out


def table(t: Table) -> str:
    """An aligned table: caption, header, a rule, rows (indented by level), then the notes."""
    rows = [["  " * r.level + text_of(r.cells[0]), *[text_of(c) for c in r.cells[1:]]] for r in t.rows]
    headers = [c.title for c in t.columns]
    widths = [max([len(h)] + [len(r[j]) for r in rows]) for j, h in enumerate(headers)]
    numeric = [c.numeric for c in t.columns]

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if n else c.ljust(w)
                         for c, w, n in zip(cells, widths, numeric, strict=True)).rstrip()

    rule = "  ".join("─" * w for w in widths)
    out = [t.caption, ""] if t.caption else []
    out += [line(headers), rule]
    for i, r in enumerate(rows):
        if rule_before(t.rows, i):
            out.append(rule)
        out.append(line(r))
    notes = [*t.notes, *(f"n/a: {reason}" for reason in missing_reasons(t))]
    if notes:
        out.append("")
        for n in notes:
            out += wrap(n)
    return "\n".join(out) + "\n"


def block(b: Block) -> str:
    """One block as text, ending with a newline."""
    if isinstance(b, Table):
        return table(b)
    if isinstance(b, Heading):
        return f"{b.text}\n{'═' if b.level == 1 else '─'}" + ("═" if b.level == 1 else "─") * (len(b.text) - 1) + "\n"
    if isinstance(b, Paragraph | Note):
        return "\n".join(wrap(b.text)) + "\n"
    if isinstance(b, Formula):
        return f"    {b.text}\n"
    if isinstance(b, BulletList):
        return "\n".join(line for item in b.items for line in wrap(f"- {item}".replace("\n", " "))) + "\n"
    if isinstance(b, Figure):
        return f"[figure: {b.caption}]\n"
    if isinstance(b, Section | Slide):
        head = block(Heading(b.title, getattr(b, "level", 1)))
        return head + "\n" + "\n".join(block(x) for x in b.blocks)
    raise TypeError(f"no text rendering for {type(b).__name__}")


def render(doc: Document, standalone: bool = False) -> str:
    """The document's blocks separated by blank lines (with its title first when ``standalone``)."""
    parts = [block(Heading(doc.title))] if standalone and doc.title else []
    parts += [block(b) for b in doc.blocks]
    return "\n".join(parts)
