"""A plain table (headers, cells, alignment) and its renderings: text, markdown, csv, latex, html, json.

Every command first builds a :class:`Table` from numbers, then one of these functions renders it, so
all formats show the same cells.
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

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

    def add(self, cells: list[str], raw: list[Any] | None = None, indent: int = 0, strong: bool = False) -> None:
        self.rows.append(cells)
        self.raw.append(raw if raw is not None else list(cells))
        self.indent.append(indent)
        self.strong.append(strong)


def _rule_before(t: Table, i: int) -> bool:
    """A rule where a top-level group starts (a strong row after plain ones) or ends (back to the top level)."""
    if i == 0:
        return False
    return (t.strong[i] and not t.strong[i - 1]) or t.indent[i - 1] > t.indent[i] <= 1


def _cells(t: Table, indent_text: bool) -> list[list[str]]:
    out = []
    for i, row in enumerate(t.rows):
        cells = list(row)
        if indent_text and cells:
            cells[0] = "  " * t.indent[i] + cells[0]
        out.append(cells)
    return out


def to_text(t: Table) -> str:
    """An aligned terminal table: numbers right-aligned, a rule under the header, notes below."""
    rows = _cells(t, True)
    widths = [max([len(h)] + [len(r[j]) for r in rows]) for j, h in enumerate(t.headers)]

    def line(cells: list[str]) -> str:
        parts = [c.rjust(w) if t.numeric[j] else c.ljust(w) for j, (c, w) in enumerate(zip(cells, widths,
                                                                                             strict=True))]
        return "  ".join(parts).rstrip()

    rule = "  ".join("─" * w for w in widths)
    out = [t.title, ""] if t.title else []
    out += [line(t.headers), rule]
    for i, r in enumerate(rows):
        if _rule_before(t, i):
            out.append(rule)
        out.append(line(r))
    if t.notes:
        out += ["", *t.notes]
    return "\n".join(out) + "\n"


def _md_escape(s: str) -> str:
    return s.replace("|", "\\|")


def to_markdown(t: Table) -> str:
    rows = _cells(t, False)
    out = [f"**{t.title}**", ""] if t.title else []
    out.append("| " + " | ".join(t.headers) + " |")
    out.append("|" + "|".join("---:" if n else ":---" for n in t.numeric) + "|")
    for i, r in enumerate(rows):
        cells = [_md_escape(c) for c in r]
        if t.indent[i]:
            cells[0] = "&nbsp;" * (2 * t.indent[i]) + cells[0]
        if t.strong[i]:
            cells = [f"**{c}**" if c else c for c in cells]
        out.append("| " + " | ".join(cells) + " |")
    if t.notes:
        out += [""] + [f"{n.strip()}  " for n in t.notes]
    return "\n".join(out) + "\n"


def to_csv(t: Table) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(t.keys)
    for r in t.raw:
        w.writerow(["" if v is None else "x".join(map(str, v)) if isinstance(v, list | tuple) else v for v in r])
    return buf.getvalue()


_LATEX = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
          "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "×": r"$\times$",
          "·": r"$\cdot$", "⁹": r"$^{9}$", "⁶": r"$^{6}$", "³": r"$^{3}$", "→": r"$\to$", "≈": r"$\approx$",
          "−": "-", "─": "-"}


def latex_escape(s: str) -> str:
    return "".join(_LATEX.get(c, c) for c in s)


def to_latex(t: Table) -> str:
    """A booktabs ``tabular`` (needs ``\\usepackage{booktabs}``)."""
    spec = "".join("r" if n else "l" for n in t.numeric)
    out = []
    if t.title:
        out.append(f"% {t.title}")
    out += [f"\\begin{{tabular}}{{{spec}}}", "\\toprule",
            " & ".join(latex_escape(h) for h in t.headers) + r" \\", "\\midrule"]
    for i, r in enumerate(_cells(t, False)):
        cells = [latex_escape(c) for c in r]
        if t.indent[i]:
            cells[0] = f"\\hspace{{{t.indent[i]}em}}" + cells[0]
        if _rule_before(t, i):
            out.append("\\midrule")
        if t.strong[i]:
            cells = [f"\\textbf{{{c}}}" if c else c for c in cells]
        out.append(" & ".join(cells) + r" \\")
    out += ["\\bottomrule", "\\end{tabular}"]
    out += [f"% {n}" for n in t.notes]
    return "\n".join(out) + "\n"


HTML_STYLE = """
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 2em; color: #1d232a; }
table.ri { border-collapse: collapse; font-size: 13px; }
table.ri th, table.ri td { padding: 3px 10px; border-bottom: 1px solid #e3e6ea; white-space: nowrap; }
table.ri th { text-align: left; background: #f4f6f8; position: sticky; top: 0; }
table.ri td.num, table.ri th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.ri tr.strong td { font-weight: 600; background: #fafbfc; }
caption { text-align: left; font-weight: 600; margin-bottom: .5em; }
p.note { color: #55606b; font-size: 12px; margin: .2em 0; }
"""


def to_html_fragment(t: Table) -> str:
    """A ``<table>`` element with a caption and notes (for Jupyter and reports)."""
    out = ['<table class="ri">']
    if t.title:
        out.append(f"<caption>{html.escape(t.title)}</caption>")
    out.append("<thead><tr>" + "".join(
        f'<th class="num">{html.escape(h)}</th>' if n else f"<th>{html.escape(h)}</th>"
        for h, n in zip(t.headers, t.numeric, strict=True)) + "</tr></thead><tbody>")
    for i, r in enumerate(_cells(t, False)):
        cls = ' class="strong"' if t.strong[i] else ""
        tds = []
        for j, c in enumerate(r):
            style = f' style="padding-left:{10 + 14 * t.indent[i]}px"' if j == 0 and t.indent[i] else ""
            num = ' class="num"' if t.numeric[j] else ""
            tds.append(f"<td{num}{style}>{html.escape(c)}</td>")
        out.append(f"<tr{cls}>" + "".join(tds) + "</tr>")
    out.append("</tbody></table>")
    out += [f'<p class="note">{html.escape(n)}</p>' for n in t.notes]
    return "\n".join(out)


def html_page(title: str, body: str) -> str:
    """A standalone HTML page around ``body`` with the tables' style sheet."""
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}"
            f"</title><style>{HTML_STYLE}</style></head><body>\n{body}\n</body></html>\n")


def to_html(t: Table) -> str:
    """A standalone HTML page."""
    return html_page(t.title or "resnet-inspect", to_html_fragment(t))


def to_json_rows(t: Table) -> str:
    return json.dumps([dict(zip(t.keys, r, strict=True)) for r in t.raw], indent=2) + "\n"


RENDERERS: dict[str, Callable[[Table], str]] = {
    "text": to_text, "markdown": to_markdown, "csv": to_csv, "latex": to_latex, "html": to_html,
    "json": to_json_rows,
}


def render(t: Table, fmt: str) -> str:
    """Render a table in one of :data:`FORMATS`."""
    return RENDERERS[fmt](t)


def render_many(tables: Sequence[Table], fmt: str) -> str:
    """Several tables as one document: one after another, or one HTML page."""
    if fmt == "html":
        title = tables[0].title if tables else "resnet-inspect"
        return html_page(title, "\n<br>\n".join(to_html_fragment(t) for t in tables))
    return "\n".join(render(t, fmt) for t in tables)
