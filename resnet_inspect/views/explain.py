"""``resnet-inspect explain``: the terms of :mod:`resnet_inspect.analysis.explain` as formulas with the
numbers put in, in a document every backend renders.

Each formula reads ``name = symbols = numbers = value``, e.g. ``H_out = ⌊(n + 2p − k)/s⌋ + 1 =
⌊(28 + 2·1 − 3)/2⌋ + 1 = 14``; two axes with the same arithmetic are shown once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..analysis.explain import Explanation, Expr, Op, Part, Region, Step, Sym
from ..analysis.result import Row
from ..document import Block, Cell, Column, Document, Formula, Note, Paragraph, Section, Table, TableRow, fmt
from ..policies import POLICIES
from . import texts

# How a symbol reads in a formula (the analysis names them; a view chooses the letters).
SYMBOLS = {
    "n": "n", "p": "p", "k": "k", "s": "s", "d": "d", "c": "C", "c_in": "C_in", "c_out": "C_out", "g": "g",
    "k_h": "k_h", "k_w": "k_w", "bias": "bias", "weights": "weights", "f_in": "F_in", "f_out": "F_out",
    "batch": "N", "h": "H", "w": "W", "f": "F", "h_out": "H_out", "w_out": "W_out", "r": "r", "j": "j", "P": "P",
    "itemsize": "b", "in_batch": "N", "in_c": "C", "in_h": "H_in", "in_w": "W_in",
    "window_rows": "Σrows", "window_cols": "Σcols", "first": "first", "last": "last",
}
LATEX = {"C_in": "C_{in}", "C_out": "C_{out}", "k_h": "k_h", "k_w": "k_w", "F_in": "F_{in}", "F_out": "F_{out}",
         "H_out": "H_{out}", "W_out": "W_{out}", "H_in": "H_{in}", "W_in": "W_{in}", "bias": r"\mathit{bias}",
         "weights": r"\mathit{weights}", "Σrows": r"\Sigma_{rows}",
         "Σcols": r"\Sigma_{cols}", "first": r"\mathit{first}", "last": r"\mathit{last}"}
_PREC = {"add": 1, "sub": 1, "mul": 2, "div": 2, "neg": 3}


def _num(v: int) -> str:
    return fmt.grouped(v) if abs(v) >= 10_000 else str(v).replace("-", "−")


def _sym(name: str, symbolic: bool) -> str:
    return SYMBOLS.get(name, name) if symbolic else ""


def show(expr: Expr, symbolic: bool, latex: bool = False) -> str:
    """An expression as text: with its symbols (``symbolic``) or with their values put in."""
    return _show(expr, symbolic, latex, 0)


def _show(expr: Expr, symbolic: bool, latex: bool, outer: int) -> str:
    if isinstance(expr, int):
        text = _num(expr) if not latex else _latex_num(expr)
        return f"({text})" if expr < 0 and outer else text
    if isinstance(expr, Sym):
        if symbolic:
            name = SYMBOLS.get(expr.name, expr.name)
            return LATEX.get(name, name) if latex else name
        text = _latex_num(expr.value) if latex else _num(expr.value)
        return f"({text})" if expr.value < 0 and outer else text
    return _show_op(expr, symbolic, latex, outer)


def _show_op(expr: Op, symbolic: bool, latex: bool, outer: int) -> str:
    op, args = expr.op, expr.args
    if op in ("floordiv", "ceildiv"):
        num, den = _show(args[0], symbolic, latex, 3), _show(args[1], symbolic, latex, 3)
        if latex:
            lo, hi = (r"\left\lfloor", r"\right\rfloor") if op == "floordiv" else (r"\left\lceil", r"\right\rceil")
            return f"{lo} \\frac{{{_show(args[0], symbolic, latex, 0)}}}{{{den}}} {hi}"
        lo, hi = ("⌊", "⌋") if op == "floordiv" else ("⌈", "⌉")
        return f"{lo}{num}/{den}{hi}"
    if op in ("max", "min"):
        names = {a.name for a in args if isinstance(a, Sym)}
        if symbolic and len(names) == 1 and all(isinstance(a, Sym) for a in args):  # max(last₁, last₂): max(last)
            inner = _show(args[0], symbolic, latex, 0)
        else:
            inner = ", ".join(_show(a, symbolic, latex, 0) for a in args)
        return f"\\{op}({inner})" if latex else f"{op}({inner})"
    prec = _PREC[op]
    if op == "neg":
        text = "−" + _show(args[0], symbolic, latex, 3) if not latex else "-" + _show(args[0], symbolic, latex, 3)
    elif op == "mul":
        text = _mul(args, symbolic, latex)
    elif op == "div":
        text = f"{_show(args[0], symbolic, latex, 3)}/{_show(args[1], symbolic, latex, 3)}"
    else:
        sep = {"add": " + ", "sub": " − " if not latex else " - "}[op]
        parts = [_show(args[0], symbolic, latex, prec)] + [_show(a, symbolic, latex, prec + (op == "sub"))
                                                           for a in args[1:]]
        text = sep.join(parts)
    return f"({text})" if prec < outer else text


def _mul(args: Sequence[Expr], symbolic: bool, latex: bool) -> str:
    # a literal coefficient before a symbol reads "2p" in symbols and "2·1" in numbers
    if symbolic and len(args) == 2 and isinstance(args[0], int) and isinstance(args[1], Sym):
        return f"{args[0]}{_show(args[1], symbolic, latex, 3)}"
    dot = r" \cdot " if latex else "·" if all(_atomic(a) for a in args) else " · "
    return dot.join(_show(a, symbolic, latex, 2) for a in args)


def _atomic(expr: Expr) -> bool:
    return isinstance(expr, int | Sym)


def _latex_label(label: str) -> str:
    """``H_out = W_out`` → ``H_{out} = W_{out}``; words upright."""
    words = [LATEX.get(w, re.sub(r"_(\w+)", r"_{\1}", w)) for w in label.split(" = ")]
    return " = ".join(rf"\mathrm{{{w}}}" if w.isalpha() and len(w) > 1 else w for w in words)


def _latex_num(v: int) -> str:
    return f"{v:,}".replace(",", "{,}")


def formula(label: str, step: Step) -> Formula:
    """``label = symbols = numbers = value`` (the numbers line left out when it is the symbols line)."""
    assert step.expr is not None and step.value is not None
    sym, num = show(step.expr, True), show(step.expr, False)
    parts = [label, sym] + ([num] if num != sym else []) + [_num(step.value)]
    if num == _num(step.value):
        parts = parts[:-1]
    latex_parts = [_latex_label(label), show(step.expr, True, True), show(step.expr, False, True),
                   _latex_num(step.value)]
    return Formula(" = ".join(parts), latex=" = ".join(latex_parts), label=label)


# --------------------------------------------------------------------------- sections


def _axis_pair(steps: Sequence[Step], target: str) -> tuple[Step | None, Step | None]:
    h = next((s for s in steps if s.target == target and s.axis == "h"), None)
    w = next((s for s in steps if s.target == target and s.axis == "w"), None)
    return h, w


def _same(a: Step | None, b: Step | None) -> bool:
    """Two axes with the same number by the same arithmetic (shown once)."""
    if a is None or b is None or a.value != b.value or a.basis != b.basis:
        return False
    if a.expr is None or b.expr is None:
        return a.expr is b.expr
    return show(a.expr, False) == show(b.expr, False)


def _pair_blocks(h: Step | None, w: Step | None, labels: tuple[str, str]) -> list[Block]:
    """One formula when both axes agree (``H_out = W_out = …``), else one per axis."""
    if _same(h, w):
        assert h is not None
        return [_step_block(f"{labels[0]} = {labels[1]}", h)]
    return [_step_block(lbl, s) for lbl, s in zip(labels, (h, w), strict=True) if s is not None]


def _step_block(label: str, step: Step) -> Block:
    if step.expr is not None and step.value is not None:
        return formula(label, step)
    if step.basis == "mismatch":
        return Note(f"{label} = {_value(step.value)}: the table's number does not follow from this layer's "
                    "attributes alone, so no arithmetic is shown", "warning")
    return Paragraph(f"{label} = {_value(step.value)}")


def _value(v: int | None) -> str:
    return "n/a" if v is None else _num(v)


def _output_section(e: Explanation) -> Section:
    row, steps = e.row, e.output
    blocks: list[Block] = []
    c = next((s for s in steps if s.target == "c_out"), None)
    if c is not None:
        why = ("a pool keeps the channels" if c.basis != "given" else
               "the input's channels, then zero channels up to the block's width (option A)"
               if row.kind == "shortcut" else "the layer's output channels")
        blocks.append(Paragraph(f"C_out = {c.value}: {why}"))
    h, w = _axis_pair(steps, "h_out")[0], _axis_pair(steps, "w_out")[1]
    if h is not None and w is not None and h.basis == "given":
        blocks.append(Paragraph(f"H_out × W_out = {h.value} × {w.value}: set by the layer (an adaptive pool's "
                                "output size)"))
    elif h is not None and w is not None:
        w_as_h = Step(h.target, w.value, w.expr, w.basis, "h")
        blocks += _pair_blocks(h, w_as_h, ("H_out", "W_out"))
        blocks += _rounding_notes(h, w)
    for s in steps:
        if s.target == "features_out":
            blocks.append(formula("F_out", s) if s.expr is not None else
                          Paragraph(f"F_out = {s.value}: the layer's output features"))
        elif s.target == "shape":
            what = {"same": "the same shape as its input", "last": "its last part's output"}.get(s.basis, "")
            blocks.append(Paragraph(f"output {fmt.shape(row.output_shape)}" + (f": {what}" if what else "")))
    head = (Paragraph("per axis: ⌊(n + 2p − k)/s⌋ + 1 (n input size, p padding, k kernel, s stride; a kernel "
                      "dilated by d spans d·(k − 1) + 1)"),) if h is not None and h.basis.startswith("window") else ()
    return Section(f"Output {fmt.shape(row.output_shape)}", (*head, *blocks), id="output", level=2)


def _rounding_notes(h: Step, w: Step) -> list[Block]:
    notes: list[Block] = []
    if "window_ceil" in (h.basis, w.basis):
        notes.append(Note("ceil_mode: the division rounds up, so a last window that hangs over the edge still "
                          "gives an output"))
    if "window_ceil_last" in (h.basis, w.basis):
        notes.append(Note("rounded up, less one: the last window would start in the padding on the right, "
                          "which PyTorch drops"))
    return notes


def _params_section(e: Explanation) -> Section:
    blocks: list[Block] = []
    for s in e.params:
        label = {"weights": "weights", "params": "params"}[s.target]
        if s.basis == "sum":
            continue
        if s.basis == "norm":
            blocks.append(formula("params", s) if s.expr is not None and s.value else
                          Paragraph("params = 0: no scale and shift (affine=False)"))
        elif s.basis == "none":
            blocks.append(Paragraph("params = 0: this layer has no weights"))
        else:
            blocks.append(_step_block(label, s))
    if e.parts:
        blocks.append(Paragraph(f"params = the sum of its parts = {_value(e.params[0].value)}"))
    return Section(f"Parameters {_value(e.row.params)}", tuple(blocks), id="params", level=2)


def _macs_section(e: Explanation) -> Section:
    row, rule = e.row, POLICIES[e.policy]
    blocks: list[Block] = []
    for s in e.macs:
        if s.basis == "sum":
            missing = f"; not counted (no formula): {', '.join(e.parts_missing_macs)}" if e.parts_missing_macs else ""
            blocks.append(Paragraph(f"MACs = the sum of its parts = {_value(s.value)}{missing}"))
        elif s.basis == "zero":
            blocks.append(Paragraph(f"MACs = 0: --count {e.policy} does not count this layer"))
        elif s.basis == "unknown":
            blocks.append(Note(f"MACs n/a: {row.type} has no MAC formula, so it is not counted", "warning"))
        else:
            blocks.append(_step_block("MACs", s))
    if row.kind == "conv":
        blocks.insert(0, Paragraph("MACs = weights × output positions: each weight multiplies once per output "
                                   "pixel"))
    others = [(p, v) for p, v in e.macs_by_policy if p != e.policy]
    if others and any(v != row.macs for _, v in others):
        blocks.append(Paragraph("other counts: " + ", ".join(f"--count {p} {_value(v)}" for p, v in others)))
    blocks.append(Note(f"--count {e.policy}: {rule}; FLOPs = 2 × MACs", "convention"))
    return Section(f"MACs {_value(row.macs)}", tuple(blocks), id="macs", level=2)


def _rf_section(e: Explanation) -> Section:
    row = e.row
    if e.rf_global:
        return _rf_global_section(e)
    first = e.rf[0]
    if first.value is None:
        return Section("Receptive field n/a", (Note(_rf_reason(row), "warning"),), id="rf", level=2)
    blocks: list[Block] = []
    if first.basis == "rf_window":
        blocks += _rf_window_blocks(e)
    elif first.basis == "rf_union":
        blocks += _rf_union_blocks(e)
    elif first.basis in ("rf_same", "last", "given"):
        h = _axis_pair(e.rf, "rf")[0]
        j = _axis_pair(e.rf, "jump")[0]
        p = _axis_pair(e.rf, "padding")[0]
        assert h is not None and j is not None and p is not None
        src = {"rf_same": f"unchanged from {e.rf_source}: each output reads the same position of its input",
               "last": f"that of its output, {e.rf_source}", "given": "as recorded by the pass"}[first.basis]
        blocks.append(Paragraph(f"{src}"))
        blocks += _rf_values(e)
    rf = fmt.pair(row.rf)
    return Section(f"Receptive field {rf} px", tuple(blocks), id="rf", level=2)


def _rf_global_section(e: Explanation) -> Section:
    """After global pooling: the whole input, and how far past its border the positions' views reach."""
    row = e.row
    blocks: list[Block] = [Paragraph(
        "After global pooling each unit mixes every position of the last feature map, so it depends on "
        "every input pixel: its receptive field is the whole input, and a jump no longer applies. The "
        "totals give the last feature map's own receptive field.")]
    if row.rf is not None and row.rf_padding is not None and len(e.input_shape) == 4:
        h, w = e.input_shape[2], e.input_shape[3]
        spans = [f"{_num(-p)} … {_num(r - p - 1)}" for r, p in zip(row.rf, row.rf_padding, strict=True)]
        span = spans[0] if spans[0] == spans[1] else f"{spans[0]} (H), {spans[1]} (W)"
        blocks.append(Paragraph(f"The positions' views together span input pixels {span} (the image is "
                                f"0 … {h - 1} by 0 … {w - 1}): they reach past the border into the padding."))
    return Section("Receptive field: the whole input", tuple(blocks), id="rf", level=2)


def _rf_reason(row: Row) -> str:
    """Why the row has no receptive field, in words (the analysis records a reason id and where it began)."""
    reason = row.rf_reason or ""
    where = row.rf_reason_layer or ""
    text = texts.RF_REASONS.get(reason, reason) or "an op whose geometry is not known"
    return f"not known: {text}" + (f" (from {where})" if where and where != row.name else "")


def _rf_values(e: Explanation) -> list[Block]:
    r_h, r_w = _axis_pair(e.rf, "rf")
    j_h, j_w = _axis_pair(e.rf, "jump")
    p_h, p_w = _axis_pair(e.rf, "padding")

    def pair(a: Step | None, b: Step | None) -> str:
        return fmt.pair((a.value or 0, b.value or 0)) if a and b else "n/a"

    return [Paragraph(f"r = {pair(r_h, r_w)}, j = {pair(j_h, j_w)}, P = {pair(p_h, p_w)}")]


def _source_values(e: Explanation) -> str:
    r = _axis_pair(e.rf, "rf")[0]
    syms = _syms(r.expr) if r is not None and r.expr is not None else {}
    p = _axis_pair(e.rf, "padding")[0]
    pad = _syms(p.expr).get("P") if p is not None and p.expr is not None else None
    src = "the input image" if e.rf_source == "input" else e.rf_source
    return f"from {src}: r = {syms.get('r')}, j = {syms.get('j')}, P = {pad}"


def _syms(expr: Expr) -> dict[str, int]:
    out: dict[str, int] = {}
    if isinstance(expr, Sym):
        out[expr.name] = expr.value
    elif isinstance(expr, Op):
        for a in expr.args:
            out.update(_syms(a))
    return out


def _rf_window_blocks(e: Explanation) -> list[Block]:
    blocks: list[Block] = [
        Paragraph("a window of k pixels (s stride, p padding) over a map whose pixels each see r input pixels, "
                  "j apart, starting P before the image: r_out = r + (k − 1)·j, j_out = j·s, P_out = P + p·j"),
        Paragraph(_source_values(e)),
    ]
    for target, label in (("rf", "r_out"), ("jump", "j_out"), ("padding", "P_out")):
        blocks += _pair_blocks(*_axis_pair(e.rf, target), (f"{label} (H)", f"{label} (W)")) if not _same(
            *_axis_pair(e.rf, target)) else [_step_block(label, s) for s in _axis_pair(e.rf, target)[:1] if s]
    return blocks


def _rf_union_blocks(e: Explanation) -> list[Block]:
    blocks: list[Block] = [Paragraph(
        "a residual add: an output pixel sees what either path sees. Each path's pixels span −P … r − P − 1 of "
        "the input; the union spans from the smallest first to the largest last pixel")]
    axes = e.regions if len(e.regions) == 2 and e.regions[0] != e.regions[1] else e.regions[:1]
    for a, regions in enumerate(axes):
        where = " (H)" if len(axes) == 2 and a == 0 else " (W)" if len(axes) == 2 else ""
        blocks.append(Paragraph(f"regions{where}: " + "; ".join(_region(r) for r in regions)))
    r_steps = _axis_pair(e.rf, "rf")
    for s, where in zip(r_steps, (" (H)", " (W)"), strict=True):
        if s is None:
            continue
        if len(axes) == 1 and where == " (W)":
            break
        blocks.append(_step_block("r_out" + (where if len(axes) == 2 else ""), s))
    blocks += _rf_values(e)
    return blocks


def _region(r: Region) -> str:
    src = "input" if r.source == "input" else r.source
    return f"{src} {_num(r.first)} … {_num(r.last)}"


def _memory_section(e: Explanation) -> Section:
    row = e.row
    blocks: list[Block] = []
    for s in e.memory:
        if s.basis == "inplace":
            blocks.append(Paragraph("0 bytes: it works in place, writing into its input's memory"))
        elif s.basis == "sum":
            blocks.append(Paragraph(f"bytes = the sum of its parts = {_value(s.value)}"))
        else:
            blocks.append(_step_block("bytes", s))
    blocks.append(Note(f"b = {e.itemsize} bytes per element ({e.dtype}); one forward pass, each tensor once",
                       "convention"))
    return Section(f"Activation memory {fmt.nbytes(row.activation_bytes)}", tuple(blocks), id="memory", level=2)


def _parts_table(e: Explanation) -> Table:
    cols = (Column("name", "Part"), Column("type", "Type"), Column("output", "Output", "shape"),
            Column("params", "Params", "int"), Column("macs", "MACs", "int"), Column("memory", "Act. memory", "bytes"))
    rows = [TableRow(_part_cells(p)) for p in e.parts]
    total = TableRow((Cell("sum", text="sum"), Cell("", text=""), Cell(e.row.output_shape, "shape"),
                      Cell(e.params[0].value, "int"), Cell(e.macs[0].value, "int"),
                      Cell(e.memory[0].value, "bytes")), strong=True, tags=frozenset({"total"}))
    name = e.row.name or "the network"
    missing = (f"Not counted (no MAC formula): {', '.join(e.parts_missing_macs)}." if e.parts_missing_macs else "")
    notes = (f"Each sum is the layer table's row for {name}; MACs count {POLICIES[e.policy]}.",
             *([missing] if missing else ()))
    return Table(cols, (*rows, total), caption=f"{name}: its parts and their sum", id="parts", notes=notes)


def _part_cells(p: Part) -> tuple[Cell, ...]:
    return (Cell(p.name, text=p.name), Cell(p.type), Cell(p.output_shape, "shape"), Cell(p.params, "int"),
            Cell(p.macs, "int", reason="" if p.macs is not None else "no MAC formula"),
            Cell(p.activation_bytes, "bytes"))


def _title(e: Explanation) -> tuple[str, str]:
    row = e.row
    name = row.name or "(network)"
    what = row.type
    if row.kernel is not None:
        what += " " + fmt.window(row.kernel, row.stride, row.padding, row.dilation)
    shape = "×".join(map(str, e.input_shape))
    sub = f"{what}: {fmt.shape(row.input_shape)} → {fmt.shape(row.output_shape)} · input {shape}, {e.dtype}"
    return f"{e.model} — {name}", sub


def explain_document(e: Explanation) -> Document:
    """The arithmetic of one row as a document: output size, parameters, MACs, receptive field, memory."""
    title, sub = _title(e)
    sections: list[Block] = []
    if e.parts:  # a block, a stage, the network: the parts table carries the sums
        last = f" ({e.rf_source})" if e.rf_source else ""
        sections += [_parts_table(e), Paragraph(f"output {fmt.shape(e.row.output_shape)}: its last part's{last}"),
                     _rf_section(e)]
    else:
        sections += [_output_section(e), _params_section(e), _macs_section(e), _rf_section(e), _memory_section(e)]
    return Document(title=title, subtitle=sub, blocks=(Paragraph(f"{title}: {sub}"), *sections),
                    meta=(("model", e.model), ("layer", e.row.name)))


__all__ = ["explain_document", "formula", "show"]
