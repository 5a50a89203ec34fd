"""LaTeX: booktabs tables (``\\usepackage{booktabs}``), sections, paragraphs; every text escaped."""

from __future__ import annotations

from ..document import Block, BulletList, Document, Figure, Formula, Heading, Note, Paragraph, Section, Slide, Table
from .common import missing_reasons, rule_before, text_of

_LATEX = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
          "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "×": r"$\times$",
          "·": r"$\cdot$", "⁹": r"$^{9}$", "⁶": r"$^{6}$", "³": r"$^{3}$", "→": r"$\to$", "≈": r"$\approx$",
          "−": "-", "─": "-", "<": r"\textless{}", ">": r"\textgreater{}"}


def escape(s: str) -> str:
    """Text that LaTeX typesets as it is (a line break becomes a space, so a comment stays one line)."""
    return "".join(_LATEX.get(c, c) for c in s.replace("\n", " "))


def table(t: Table) -> str:
    """A booktabs ``tabular``; the caption and notes as comments (the table goes into the user's float)."""
    spec = "".join("r" if c.numeric else "l" for c in t.columns)
    out = [f"% {escape(t.caption)}"] if t.caption else []
    out += [f"\\begin{{tabular}}{{{spec}}}", "\\toprule",
            " & ".join(escape(c.title) for c in t.columns) + r" \\", "\\midrule"]
    for i, r in enumerate(t.rows):
        cells = [escape(text_of(c)) for c in r.cells]
        if r.level:
            cells[0] = f"\\hspace{{{r.level}em}}" + cells[0]
        if rule_before(t.rows, i):
            out.append("\\midrule")
        if r.strong:
            cells = [f"\\textbf{{{c}}}" if c else c for c in cells]
        out.append(" & ".join(cells) + r" \\")
    out += ["\\bottomrule", "\\end{tabular}"]
    out += [f"% {escape(n)}" for n in [*t.notes, *(f"n/a: {x}" for x in missing_reasons(t))]]
    return "\n".join(out) + "\n"


_SECTIONS = ("section", "subsection", "subsubsection", "paragraph")


def block(b: Block) -> str:
    """One block as LaTeX."""
    if isinstance(b, Table):
        return table(b)
    if isinstance(b, Heading):
        return f"\\{_SECTIONS[min(b.level, 4) - 1]}*{{{escape(b.text)}}}\n"
    if isinstance(b, Paragraph | Note):
        return escape(b.text) + "\n"
    if isinstance(b, Formula):
        return f"\\[ {b.latex} \\]\n" if b.latex else f"\\[ \\text{{{escape(b.text)}}} \\]\n"
    if isinstance(b, BulletList):
        return "\\begin{itemize}\n" + "".join(f"\\item {escape(i)}\n" for i in b.items) + "\\end{itemize}\n"
    if isinstance(b, Figure):
        return f"% figure: {escape(b.caption)}\n"
    if isinstance(b, Section | Slide):
        return block(Heading(b.title, getattr(b, "level", 1))) + "\n" + "\n".join(block(x) for x in b.blocks)
    raise TypeError(f"no LaTeX rendering for {type(b).__name__}")


def render(doc: Document, standalone: bool = False) -> str:
    """The blocks, one after another (a ``\\section*`` title first when ``standalone``)."""
    parts = [block(Heading(doc.title))] if standalone and doc.title else []
    parts += [block(b) for b in doc.blocks]
    return "\n".join(parts)
