"""Terminal text: aligned tables (numbers right-aligned, rules between top-level groups), wrapped notes.

Fitted to a :class:`~resnet_inspect.terminal.Terminal`: a table wider than the terminal first wraps its
long text cells (breaking after ``;`` where it can), then leaves out the columns a view marked as
optional (``Column.drop``), and says which; rows are coloured by their tags (stride 2, shortcut, total)
when colour is on.  Outside a terminal session (the library, tests) everything is drawn, uncoloured.
"""

from __future__ import annotations

import re
import textwrap

from ..document import Block, BulletList, Document, Figure, Formula, Heading, Note, Paragraph, Section, Slide, Table
from ..terminal import PLAIN, Fit, Terminal, current, fit_columns, longest_word, paint
from ..terminal import wrap as wrap_cell
from .common import missing_reasons, rule_before, text_of

WIDTH = 110  # prose without a terminal width (--wide, files)
GAP = "  "


_TIE = "\ue000"  # holds a short word to the word before it while wrapping (never in any output)
_SHORT = re.compile(r"(?<=\S) (?=\S{1,2}[.,;:)]?(?: |$))")


def wrap(text: str, width: int = WIDTH) -> list[str]:
    """Lines of at most ``width`` characters; a line's leading spaces indent its continuation lines, and a
    word of one or two characters stays with the word before it (``Table 1``, not ``Table`` / ``1``)."""
    out: list[str] = []
    for line in text.split("\n"):
        indent = line[: len(line) - len(line.lstrip(" "))]
        tied = indent + _SHORT.sub(_TIE, line[len(indent):])
        lines = textwrap.wrap(tied, width, subsequent_indent=indent, break_on_hyphens=False) if line.strip() else [""]
        out += [x.replace(_TIE, " ") for x in lines]
    return out


def _prose_width(term: Terminal) -> int:
    return term.width or WIDTH


def _widest_line(text: str) -> int:
    return max(len(line) for line in text.split("\n"))


def _line_width(fit: Fit) -> int:
    kept = [w for j, w in enumerate(fit.widths) if j not in fit.dropped]
    return sum(kept) + len(GAP) * (len(kept) - 1)


def _drop_order(t: Table) -> list[int]:
    """Optional columns, the first to leave first (highest ``drop``; the rightmost among equals)."""
    optional = [(c.drop, j) for j, c in enumerate(t.columns) if c.drop > 0]
    return [j for _, j in sorted(optional, reverse=True)]


def table(t: Table, term: Terminal = PLAIN) -> str:
    """An aligned table fitted to the terminal: caption, header, a rule, rows (indented by level), notes."""
    rows = [["  " * r.level + text_of(r.cells[0]), *[text_of(c) for c in r.cells[1:]]] for r in t.rows]
    headers = [c.title for c in t.columns]
    numeric = [c.numeric for c in t.columns]
    natural = [max([_widest_line(h)] + [_widest_line(r[j]) for r in rows]) for j, h in enumerate(headers)]
    # Cells wrap at spaces; numbers and indented names never do.  A header stays on one line unless it is
    # wider than its cells, or the table cannot fit otherwise, even with its optional columns left out.
    nested = any(r.level for r in t.rows)  # indented names keep their line
    words = [natural[j] if numeric[j] or (j == 0 and nested) else max(longest_word(r[j]) for r in rows) if rows
             else 0 for j in range(len(headers))]
    cells_width = [max((_widest_line(r[j]) for r in rows), default=0) for j in range(len(headers))]
    # a header wider than every cell of its column may wrap; others stay on one line in this first try
    keep_header = [longest_word(h) if not numeric[j] and len(h) > cells_width[j] else _widest_line(h)
                   for j, h in enumerate(headers)]
    fit = fit_columns(natural, [max(w, k) for w, k in zip(words, keep_header, strict=True)],
                      _drop_order(t), term.width, len(GAP))
    if term.width is not None and _line_width(fit) > term.width:
        fit = fit_columns(natural, [max(w, longest_word(h)) for w, h in zip(words, headers, strict=True)],
                          _drop_order(t), term.width, len(GAP))
    keep = [j for j in range(len(headers)) if j not in fit.dropped]
    widths = [fit.widths[j] for j in keep]

    def lines(cells: list[str]) -> list[str]:
        wrapped = [wrap_cell(cells[j], fit.widths[j]) if not numeric[j] else cells[j].split("\n") for j in keep]
        height = max(len(w) for w in wrapped)
        out = []
        for i in range(height):
            parts = [(w[i] if i < len(w) else "") for w in wrapped]
            out.append(GAP.join(p.rjust(width) if numeric[j] else p.ljust(width)
                                for p, width, j in zip(parts, widths, keep, strict=True)).rstrip())
        return out

    rule = GAP.join("─" * w for w in widths)
    out = [*wrap(t.caption, _prose_width(term)), ""] if t.caption else []
    out += [paint(x, {"header"}, term.color) for x in lines(headers)] + [rule]
    for i, (r, cells) in enumerate(zip(t.rows, rows, strict=True)):
        if rule_before(t.rows, i):
            out.append(rule)
        out += [paint(x, r.tags, term.color) for x in lines(cells)]
    notes = [*t.notes, *(f"n/a: {reason}" for reason in missing_reasons(t))]
    if fit.dropped:
        hidden = ", ".join(t.columns[j].title for j in fit.dropped)
        notes.append(f"Left out to fit {term.width} columns: {hidden} (--wide shows every column).")
    if notes:
        out.append("")
        for n in notes:
            out += wrap(n, _prose_width(term))
    return "\n".join(out) + "\n"


def _heading(b: Heading, term: Terminal) -> str:
    char = "═" if b.level == 1 else "─"
    return paint(b.text, {"header"}, term.color) + "\n" + char * len(b.text) + "\n"


def block(b: Block, term: Terminal = PLAIN) -> str:
    """One block as text, ending with a newline."""
    width = _prose_width(term)
    if isinstance(b, Table):
        return table(b, term)
    if isinstance(b, Heading):
        return _heading(b, term)
    if isinstance(b, Paragraph | Note):
        return "\n".join(wrap(b.text, width)) + "\n"
    if isinstance(b, Formula):
        return "\n".join(wrap_formula(b.text, width)) + "\n"
    if isinstance(b, BulletList):
        return "\n".join(line for item in b.items for line in wrap(f"- {item}".replace("\n", " "), width)) + "\n"
    if isinstance(b, Figure):
        return f"[figure: {b.caption}]\n"
    if isinstance(b, Section | Slide):
        head = block(Heading(b.title, getattr(b, "level", 1)), term)
        return head + "\n" + join(b.blocks, term)
    raise TypeError(f"no text rendering for {type(b).__name__}")


def wrap_formula(text: str, width: int, indent: str = "    ") -> list[str]:
    """A formula indented; when too long, broken before its `` = `` signs, continuation lines aligned."""
    if len(indent) + len(text) <= width or " = " not in text:
        return [indent + text]
    head, *rest = text.split(" = ")
    lines, current = [], indent + head
    pad = indent + " " * (len(head) + 1)
    for part in rest:
        piece = " = " + part
        if len(current) + len(piece) <= width:
            current += piece
        else:
            lines.append(current)
            current = pad + "= " + part
    lines.append(current)
    return lines


def render(doc: Document, standalone: bool = False, term: Terminal | None = None) -> str:
    """The document's blocks separated by blank lines (with its title first when ``standalone``), fitted to
    ``term`` (by default the open terminal session's; outside one, every column, uncoloured)."""
    term = term if term is not None else current()
    head = block(Heading(doc.title), term) + "\n" if standalone and doc.title else ""
    return head + join(doc.blocks, term)


def join(blocks: tuple[Block, ...], term: Terminal) -> str:
    """Blocks separated by blank lines; formulas in a row stay together, one per line."""
    out = ""
    for i, b in enumerate(blocks):
        if i and not (isinstance(b, Formula) and isinstance(blocks[i - 1], Formula)):
            out += "\n"
        out += block(b, term)
    return out
