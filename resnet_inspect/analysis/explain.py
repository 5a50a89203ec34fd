"""The arithmetic behind one row of the layer table, as terms: names, values and operators.

``explain(result, "layer3.0.conv2")`` returns, for a leaf layer or op, the steps that give its output size
per axis (⌊(n + 2p − k)/s⌋ + 1, or ⌈⌉ with ``ceil_mode``; a dilated kernel spans d·(k − 1) + 1), its
parameters (C_in/g · k_h · k_w · C_out + bias), its MACs (weights × output positions, plus what the MAC
policy adds), its receptive-field step (r + (k − 1)·j, the union of the paths at an add) and its activation
bytes; for a block, a stage or the network, each direct child's numbers and their sum.

Every step carries the number the table shows (``value``) and an expression over named inputs (``expr``)
that evaluates to it: the expressions are rebuilt here from the row's shapes and window geometry, and a
step whose expression would not give the table's number keeps the number and drops the expression
(``basis="mismatch"``) rather than show wrong arithmetic.  No display text: views turn terms into formulas.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

from ..errors import InspectError
from ..policies import POLICIES
from .engine import ITEMSIZE
from .result import Inspection, Row, Shape

Operator = Literal["add", "sub", "mul", "div", "floordiv", "ceildiv", "max", "min", "neg"]


@dataclass(frozen=True)
class Sym:
    """A named input of a formula and its value (``n``: input length, ``k``: kernel, ``r``: input RF …)."""

    name: str
    value: int


@dataclass(frozen=True)
class Op:
    """An operator applied to terms: ``div`` is exact division, ``floordiv``/``ceildiv`` round."""

    op: Operator
    args: tuple[Expr, ...]


Expr: TypeAlias = "Sym | Op | int"


def evaluate(expr: Expr) -> int:
    """The integer value of an expression (``div`` must divide exactly)."""
    if isinstance(expr, int):
        return expr
    if isinstance(expr, Sym):
        return expr.value
    vals = [evaluate(a) for a in expr.args]
    match expr.op:
        case "add":
            return sum(vals)
        case "sub":
            return vals[0] - sum(vals[1:])
        case "mul":
            return math.prod(vals)
        case "div":
            if vals[0] % vals[1]:
                raise ValueError(f"{vals[0]} / {vals[1]} is not exact")
            return vals[0] // vals[1]
        case "floordiv":
            return vals[0] // vals[1]
        case "ceildiv":
            return -(-vals[0] // vals[1])
        case "max":
            return max(vals)
        case "min":
            return min(vals)
        case "neg":
            return -vals[0]
    raise ValueError(f"unknown operator {expr.op!r}")


def expr_to_dict(expr: Expr) -> Any:
    """JSON form: an int, ``{"sym": name, "value": v}`` or ``{"op": op, "args": [...]}``."""
    if isinstance(expr, int):
        return expr
    if isinstance(expr, Sym):
        return {"sym": expr.name, "value": expr.value}
    return {"op": expr.op, "args": [expr_to_dict(a) for a in expr.args]}


def _add(*a: Expr) -> Op:
    return Op("add", a)


def _sub(*a: Expr) -> Op:
    return Op("sub", a)


def _mul(*a: Expr) -> Op:
    return Op("mul", a)


# The rule a step follows (``Step.basis``), as identifiers a view words:
Basis = Literal[
    "window",          # ⌊(n + 2p − k_eff)/s⌋ + 1
    "window_ceil",     # ⌈(n + 2p − k_eff)/s⌉ + 1 (ceil_mode)
    "window_ceil_last",  # ceil_mode, less one: the last window would start in the right padding
    "given",           # set by the layer (out_channels, out_features, an adaptive pool's output size)
    "same",            # unchanged from the input
    "product",         # flatten: the product of the flattened sizes
    "conv", "linear", "norm", "none",  # parameters
    "policy",          # MACs under the chosen policy
    "zero",            # this policy counts nothing for this layer
    "input",           # the network's input: r = 1, j = 1, P = 0
    "rf_window",       # r + (k_eff − 1)·j, j·s, P + p·j
    "rf_same",         # unchanged (point-wise)
    "rf_union",        # the union of the paths' input regions at an add
    "rf_global",       # after global pooling: every input pixel
    "elements",        # activation bytes: elements × bytes per element
    "inplace",         # in place: writes into its input, no new memory
    "sum",             # an aggregate: the sum of its parts
    "last",            # an aggregate's output: its last part's
    "unknown",         # no value (the row says n/a)
    "mismatch",        # the row's value does not follow from the formula: shown without one
]


@dataclass(frozen=True)
class Step:
    """One computed number: what it is (``target``), how (``expr``, ``basis``) and the table's value."""

    target: str  # h_out, w_out, c_out, params, weights, bias, macs, rf_h, jump_h, padding_h, bytes, ...
    value: int | None
    expr: Expr | None = None
    basis: Basis = "given"
    axis: Literal["", "h", "w"] = ""

    def to_dict(self) -> dict[str, Any]:
        return {"target": self.target, "value": self.value, "basis": self.basis, "axis": self.axis,
                "expr": None if self.expr is None else expr_to_dict(self.expr)}


@dataclass(frozen=True)
class Region:
    """The input pixels one path into an add sees along one axis: first … last (``−P … r − P − 1``)."""

    source: str
    first: int
    last: int


@dataclass(frozen=True)
class Part:
    """One direct child of a block, stage or network and the numbers that sum to the parent's."""

    name: str
    type: str
    is_leaf: bool
    output_shape: Shape
    params: int
    macs: int | None
    activation_bytes: int


@dataclass(frozen=True)
class Explanation:
    """The arithmetic of one row; every number is the table's, every expression evaluates to it."""

    model: str
    input_shape: Shape
    dtype: str
    policy: str
    row: Row
    itemsize: int
    rf_source: str  # the row whose receptive field this one extends ("input" for the network input)
    output: tuple[Step, ...]
    params: tuple[Step, ...]
    macs: tuple[Step, ...]
    macs_by_policy: tuple[tuple[str, int | None], ...]
    rf: tuple[Step, ...]
    regions: tuple[tuple[Region, ...], ...]  # at an add: per axis, each path's region
    memory: tuple[Step, ...]
    parts: tuple[Part, ...] = ()
    parts_missing_macs: tuple[str, ...] = ()

    @property
    def rf_global(self) -> bool:
        """True when the row sees the whole input (after global pooling)."""
        return any(s.basis == "rf_global" for s in self.rf)

    def steps(self) -> tuple[Step, ...]:
        return self.output + self.params + self.macs + self.rf + self.memory

    def to_dict(self) -> dict[str, Any]:
        """The JSON of ``resnet-inspect explain --format json``."""
        return {
            "model": self.model, "input_shape": list(self.input_shape), "dtype": self.dtype,
            "policy": self.policy, "layer": self.row.name, "type": self.row.type, "kind": self.row.kind,
            "is_leaf": self.row.is_leaf, "input": list(self.row.input_shape), "output": list(self.row.output_shape),
            "inputs": list(self.row.inputs), "rf_source": self.rf_source, "rf_global": self.rf_global,
            "output_size": [s.to_dict() for s in self.output],
            "params": [s.to_dict() for s in self.params],
            "macs": [s.to_dict() for s in self.macs],
            "macs_by_policy": dict(self.macs_by_policy),
            "rf": [s.to_dict() for s in self.rf],
            "regions": [[{"source": r.source, "first": r.first, "last": r.last} for r in axis]
                        for axis in self.regions],
            "activation_bytes": [s.to_dict() for s in self.memory],
            "parts": [{"name": p.name, "type": p.type, "is_leaf": p.is_leaf, "output": list(p.output_shape),
                       "params": p.params, "macs": p.macs, "activation_bytes": p.activation_bytes}
                      for p in self.parts],
            "parts_missing_macs": list(self.parts_missing_macs),
        }


# --------------------------------------------------------------------------- finding the row


def find_row(result: Inspection, layer: str) -> Row:
    """The row named ``layer`` (``network`` or ``""`` for the whole network); else the closest names."""
    names = [r.name for r in result.rows]
    if layer in names:
        return result.row(layer)
    if layer in ("network", "(network)", "."):
        return result.row("")
    close = difflib.get_close_matches(layer, [n for n in names if n], n=5, cutoff=0.6)
    if not close:
        close = [n for n in names if n and n.startswith(layer.rstrip("."))][:5]
    hint = f"closest: {', '.join(close)}" if close else "give a name from its layer table"
    raise InspectError(f"{result.model} has no layer {layer!r}; {hint} "
                       f"(every name: resnet-inspect table {result.model})")


def children(result: Inspection, row: Row) -> list[Row]:
    """The direct children of an aggregate row (rows are in pre-order)."""
    rows = list(result.rows)
    start = rows.index(row) + 1
    out = []
    for r in rows[start:]:
        if r.depth <= row.depth:
            break
        if r.depth == row.depth + 1:
            out.append(r)
    return out


def _descendant_leaves(result: Inspection, row: Row) -> list[Row]:
    rows = list(result.rows)
    out = []
    for r in rows[rows.index(row) + 1:]:
        if r.depth <= row.depth:
            break
        if r.is_leaf:
            out.append(r)
    return out


def _checked(step: Step) -> Step:
    """Keep the expression only when it gives the table's number."""
    if step.expr is None or step.value is None:
        return step
    try:
        ok = evaluate(step.expr) == step.value
    except (ValueError, ZeroDivisionError):
        ok = False
    return step if ok else Step(step.target, step.value, None, "mismatch", step.axis)


# --------------------------------------------------------------------------- output size

AXES: tuple[Literal["h", "w"], Literal["h", "w"]] = ("h", "w")


def _window_out(n: int, k: int, s: int, p: int, d: int, out: int) -> tuple[Expr, Basis]:
    """⌊(n + 2p − k_eff)/s⌋ + 1, or its ⌈⌉ form when that is what gives ``out`` (ceil_mode)."""
    k_eff: Expr = Sym("k", k) if d == 1 else _add(_mul(Sym("d", d), _sub(Sym("k", k), 1)), 1)
    span = _sub(_add(Sym("n", n), _mul(2, Sym("p", p))), k_eff)
    floor = _add(Op("floordiv", (span, Sym("s", s))), 1)
    if evaluate(floor) == out:
        return floor, "window"
    ceil = _add(Op("ceildiv", (span, Sym("s", s))), 1)
    if evaluate(ceil) == out:
        return ceil, "window_ceil"
    return _sub(ceil, 1), "window_ceil_last"  # torch: the last window must start inside the input


def _output_steps(row: Row) -> tuple[Step, ...]:
    ins, out = row.input_shape, row.output_shape
    if row.kernel is not None and row.stride is not None and row.padding is not None and len(out) == 4 \
            and row.pool not in ("adaptive_max", "adaptive_avg"):
        dil = row.dilation or (1, 1)
        c_basis: Basis = "given" if row.kind in ("conv", "shortcut") else "same"
        steps = [Step("c_out", out[1], None if c_basis == "given" else Sym("c", ins[1]), c_basis)]
        for a, ax in enumerate(AXES):
            expr, basis = _window_out(ins[2 + a], row.kernel[a], row.stride[a], row.padding[a], dil[a], out[2 + a])
            steps.append(Step(f"{ax}_out", out[2 + a], expr, basis, ax))
        return tuple(_checked(s) for s in steps)
    if row.pool in ("adaptive_max", "adaptive_avg") and len(out) == 4:
        return (Step("c_out", out[1], Sym("c", ins[1]), "same"),
                Step("h_out", out[2], None, "given", "h"), Step("w_out", out[3], None, "given", "w"))
    if row.kind == "linear":
        return (Step("features_out", out[-1], None, "given"),)
    if row.kind == "shape" and len(ins) > len(out):
        flat = len(ins) - len(out) + 1
        dims = ins[len(out) - 1:len(out) - 1 + flat]
        names = ("c", "h", "w") if len(dims) == 3 else tuple(f"n{i}" for i in range(len(dims)))
        return (_checked(Step("features_out", out[len(out) - 1],
                              _mul(*(Sym(nm, v) for nm, v in zip(names, dims, strict=True))), "product")),)
    if ins == out:
        return (Step("shape", None, None, "same"),)
    return (Step("shape", None, None, "given"),)


# --------------------------------------------------------------------------- parameters


def _conv_weights(row: Row) -> Expr | None:
    """C_in/g · k_h · k_w · C_out: a convolution's weights (no bias)."""
    if row.kind != "conv" or row.kernel is None or len(row.output_shape) != 4:
        return None
    c_in, c_out, g = row.input_shape[1], row.output_shape[1], row.groups or 1
    return _mul(Op("div", (Sym("c_in", c_in), Sym("g", g))), Sym("k_h", row.kernel[0]), Sym("k_w", row.kernel[1]),
                Sym("c_out", c_out))


def _params_steps(row: Row) -> tuple[Step, ...]:
    weights = _conv_weights(row)
    if weights is not None:
        return _with_bias(row, weights, row.output_shape[1], "conv")
    if row.kind == "linear":
        f_in, f_out = row.input_shape[-1], row.output_shape[-1]
        return _with_bias(row, _mul(Sym("f_in", f_in), Sym("f_out", f_out)), f_out, "linear")
    if row.kind == "norm" and len(row.output_shape) >= 2:
        c = row.output_shape[1]
        expr: Expr = _mul(2, Sym("c", c)) if row.params else 0
        return (_checked(Step("params", row.params, expr, "norm")),)
    return (Step("params", row.params, 0 if row.params == 0 else None, "none" if row.params == 0 else "mismatch"),)


def _with_bias(row: Row, weights: Expr, channels: int, basis: Basis) -> tuple[Step, ...]:
    w = evaluate(weights)
    bias = row.params - w
    if bias not in (0, channels):  # a shared parameter counted at its first use: not this layer's arithmetic
        return (Step("weights", w, weights, basis), Step("params", row.params, None, "mismatch"))
    b = Sym("bias", bias)
    return (Step("weights", w, weights, basis),
            _checked(Step("params", row.params, _add(Sym("weights", w), b), basis)))


# --------------------------------------------------------------------------- MACs


def _positions(out: Shape) -> Expr:
    """N · H_out · W_out for a 4-d map; the rows of a linear layer otherwise."""
    if len(out) == 4:
        return _mul(Sym("batch", out[0]), Sym("h_out", out[2]), Sym("w_out", out[3]))
    return _mul(*(Sym(f"d{i}" if i else "batch", v) for i, v in enumerate(out[:-1])))


def _elements(shape: Shape, prefix: str = "") -> Expr:
    names = ("batch", "c", "h", "w") if len(shape) == 4 else ("batch", "f") if len(shape) == 2 else \
        tuple(f"d{i}" for i in range(len(shape)))
    return _mul(*(Sym(prefix + nm, v) for nm, v in zip(names, shape, strict=True)))


def _adaptive_window_elements(n: int, o: int) -> int:
    """Σ over the o windows of an adaptive pool along one axis of their lengths (⌊i·n/o⌋ … ⌈(i+1)·n/o⌉)."""
    return sum(-(-(i + 1) * n // o) - (i * n // o) for i in range(o))


def leaf_macs(row: Row, policy: str) -> tuple[Expr | None, Basis]:
    """The MACs of a leaf row under ``policy`` as an expression (``None``: no formula, the row says n/a)."""
    out, ins = row.output_shape, row.input_shape
    if row.macs is None and row.kind == "unsupported":
        return None, "unknown"
    conv_weights = _conv_weights(row)
    if conv_weights is not None:
        weights = evaluate(conv_weights)
        expr: Expr = _mul(Sym("weights", weights), _positions(out))
        if policy == "torchinfo" and row.params - weights == out[1]:
            expr = _add(expr, _mul(Sym("bias", out[1]), _positions(out)))
        return expr, "policy"
    if row.kind == "linear":
        f_in, f_out = ins[-1], out[-1]
        expr = _mul(_mul(Sym("f_in", f_in), Sym("f_out", f_out)), _positions(out))
        if policy == "torchinfo" and row.params - f_in * f_out == f_out:
            expr = _add(expr, _mul(Sym("bias", f_out), _positions(out)))
        return expr, "policy"
    if row.kind == "norm":
        affine = row.params > 0
        if policy == "all":
            return _elements(out), "policy"
        if policy == "fvcore":
            return (_mul(2, _elements(out)) if affine else _elements(out)), "policy"
        if policy == "torchinfo" and affine:
            return _mul(2, Sym("c", out[1]), Sym("batch", out[0])), "policy"
        return 0, "zero"
    if row.kind in ("act", "add"):
        return (_elements(out), "policy") if policy == "all" else (0, "zero")
    if row.pool in ("adaptive_max", "adaptive_avg") and len(ins) == 4:
        if policy == "fvcore" and row.pool in ("avg", "adaptive_avg"):
            return _elements(ins, "in_"), "policy"
        if policy == "all":
            win_h = _adaptive_window_elements(ins[2], out[2])
            win_w = _adaptive_window_elements(ins[3], out[3])
            return _mul(Sym("batch", out[0]), Sym("c", out[1]), Sym("window_rows", win_h),
                        Sym("window_cols", win_w)), "policy"
        return 0, "zero"
    if row.kind == "pool" and row.kernel is not None:
        if policy == "all":
            return _mul(_elements(out), Sym("k_h", row.kernel[0]), Sym("k_w", row.kernel[1])), "policy"
        return 0, "zero"
    return 0, "zero"


def _macs_steps(row: Row, policy: str) -> tuple[Step, ...]:
    if not row.is_leaf:
        return ()
    expr, basis = leaf_macs(row, policy)
    return (_checked(Step("macs", row.macs, expr, basis)),)


def macs_by_policy(row: Row) -> tuple[tuple[str, int | None], ...]:
    """What each MAC policy counts for this leaf (from the same formulas)."""
    out = []
    for p in POLICIES:
        expr, _ = leaf_macs(row, p)
        out.append((p, None if expr is None else evaluate(expr)))
    return tuple(out)


# --------------------------------------------------------------------------- receptive field


def _is_global(row: Row) -> bool:
    return row.rf_global


def _source(result: Inspection, row: Row) -> tuple[str, tuple[int, int], tuple[int, int], tuple[int, int]] | None:
    """(name, rf, jump, padding) of the row's first input: the network input is r = 1, j = 1, P = 0."""
    if not row.inputs:
        return None
    name = row.inputs[0]
    if name == "input":
        return "input", (1, 1), (1, 1), (0, 0)
    src = result.row(name)
    if src.rf is None or src.jump is None or src.rf_padding is None:
        return None
    return name, src.rf, src.jump, src.rf_padding


def _rf_window(row: Row, rf: tuple[int, int], jump: tuple[int, int], pad: tuple[int, int]) -> list[Step]:
    assert row.kernel is not None and row.stride is not None and row.padding is not None
    assert row.rf is not None and row.jump is not None and row.rf_padding is not None
    dil = row.dilation or (1, 1)
    steps = []
    for a, ax in enumerate(AXES):
        k, d = Sym("k", row.kernel[a]), dil[a]
        span: Expr = _sub(k, 1) if d == 1 else _mul(Sym("d", d), _sub(k, 1))
        r, j, p = Sym("r", rf[a]), Sym("j", jump[a]), Sym("P", pad[a])
        steps += [Step("rf", row.rf[a], _add(r, _mul(span, j)), "rf_window", ax),
                  Step("jump", row.jump[a], _mul(j, Sym("s", row.stride[a])), "rf_window", ax),
                  Step("padding", row.rf_padding[a], _add(p, _mul(Sym("p", row.padding[a]), j)), "rf_window", ax)]
    return steps


def _rf_union(result: Inspection, row: Row) -> tuple[list[Step], tuple[tuple[Region, ...], ...]] | None:
    """At an add: each path's region −P … r − P − 1; the union spans min(first) … max(last)."""
    assert row.rf is not None and row.jump is not None and row.rf_padding is not None
    paths = []
    for name in row.inputs:
        if name == "input":
            paths.append(("input", (1, 1), (1, 1), (0, 0)))
            continue
        src = result.row(name)
        if src.rf is None or src.jump is None or src.rf_padding is None:
            return None
        paths.append((name, src.rf, src.jump, src.rf_padding))
    steps: list[Step] = []
    regions = []
    for a, ax in enumerate(AXES):
        axis_regions = tuple(Region(n, -p[a], r[a] - p[a] - 1) for n, r, _, p in paths)
        regions.append(axis_regions)
        last = Op("max", tuple(Sym("last", reg.last) for reg in axis_regions))
        first = Op("min", tuple(Sym("first", reg.first) for reg in axis_regions))
        steps += [Step("rf", row.rf[a], _add(_sub(last, first), 1), "rf_union", ax),
                  Step("jump", row.jump[a], Op("max", tuple(Sym("j", j[a]) for _, _, j, _ in paths)), "rf_union", ax),
                  Step("padding", row.rf_padding[a], Op("neg", (first,)), "rf_union", ax)]
    return steps, tuple(regions)


def _rf_steps(result: Inspection, row: Row) -> tuple[tuple[Step, ...], tuple[tuple[Region, ...], ...], str]:
    first_input = row.inputs[0] if row.inputs else ""
    if _is_global(row):
        return (Step("rf", None, None, "rf_global"),), (), first_input
    if row.rf is None or row.jump is None or row.rf_padding is None:
        return (Step("rf", None, None, "unknown"),), (), first_input
    if not row.is_leaf:
        leaves = _descendant_leaves(result, row)
        last = leaves[-1] if leaves else None
        if last is not None and (last.rf, last.jump, last.rf_padding) == (row.rf, row.jump, row.rf_padding):
            return _same_rf(row, last.name, "last"), (), last.name
        return _same_rf(row, "", "given"), (), ""
    if row.kind == "add" and len(row.inputs) > 1:
        union = _rf_union(result, row)
        if union is not None:
            steps, regions = union
            return tuple(_checked(s) for s in steps), regions, ""
    src = _source(result, row)
    if src is None:
        return _same_rf(row, "", "given"), (), ""
    name, rf, jump, pad = src
    if row.kernel is not None and row.stride is not None and row.padding is not None:
        return tuple(_checked(s) for s in _rf_window(row, rf, jump, pad)), (), name
    if (rf, jump, pad) == (row.rf, row.jump, row.rf_padding):
        return _same_rf(row, name, "rf_same"), (), name
    return _same_rf(row, name, "given"), (), name


def _same_rf(row: Row, source: str, basis: Basis) -> tuple[Step, ...]:
    assert row.rf is not None and row.jump is not None and row.rf_padding is not None
    steps = []
    for a, ax in enumerate(AXES):
        steps += [Step("rf", row.rf[a], None, basis, ax), Step("jump", row.jump[a], None, basis, ax),
                  Step("padding", row.rf_padding[a], None, basis, ax)]
    return tuple(steps)


# --------------------------------------------------------------------------- memory, parts


def _memory_steps(row: Row, itemsize: int) -> tuple[Step, ...]:
    if not row.is_leaf:
        return ()
    if row.activation_bytes == 0 and all(row.output_shape):
        return (Step("bytes", 0, None, "inplace"),)
    return (_checked(Step("bytes", row.activation_bytes, _mul(_elements(row.output_shape),
                                                              Sym("itemsize", itemsize)), "elements")),)


def _part(r: Row) -> Part:
    return Part(r.name, r.type, r.is_leaf, r.output_shape, r.params, r.macs, r.activation_bytes)


def _sum_steps(row: Row, parts: Sequence[Part]) -> tuple[tuple[Step, ...], tuple[Step, ...], tuple[Step, ...]]:
    params = _checked(Step("params", row.params, _add(*(Sym(p.name, p.params) for p in parts)), "sum"))
    known = [p for p in parts if p.macs is not None]
    macs = _checked(Step("macs", row.macs, _add(*(Sym(p.name, p.macs or 0) for p in known)) if known else 0, "sum"))
    mem = _checked(Step("bytes", row.activation_bytes, _add(*(Sym(p.name, p.activation_bytes) for p in parts)),
                        "sum"))
    return (params,), (macs,), (mem,)


# --------------------------------------------------------------------------- the entry point


def explain(result: Inspection, layer: str) -> Explanation:
    """The arithmetic behind the row named ``layer`` of ``result`` (see the module docstring)."""
    row = find_row(result, layer)
    itemsize = ITEMSIZE.get(result.dtype, 4)
    rf, regions, rf_source = _rf_steps(result, row)
    if row.is_leaf:
        return Explanation(
            model=result.model, input_shape=result.input_shape, dtype=result.dtype, policy=result.policy, row=row,
            itemsize=itemsize, rf_source=rf_source, output=_output_steps(row), params=_params_steps(row),
            macs=_macs_steps(row, result.policy), macs_by_policy=macs_by_policy(row), rf=rf, regions=regions,
            memory=_memory_steps(row, itemsize))
    parts = tuple(_part(r) for r in children(result, row))
    params, macs, memory = _sum_steps(row, parts)
    output = (Step("shape", None, None, "last"),)
    return Explanation(
        model=result.model, input_shape=result.input_shape, dtype=result.dtype, policy=result.policy, row=row,
        itemsize=itemsize, rf_source=rf_source, output=output, params=params, macs=macs, macs_by_policy=(),
        rf=rf, regions=regions, memory=memory, parts=parts,
        parts_missing_macs=tuple(p.name for p in parts if p.macs is None))


__all__ = ["Explanation", "Expr", "Op", "Part", "Region", "Step", "Sym", "evaluate", "explain", "find_row"]
