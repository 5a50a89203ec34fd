"""The layer table and the stage table of an :class:`Inspection`, as documents.

``resnet-inspect table``, the Jupyter view of a result and the reports all show these two tables; the
columns a user may pick are :data:`COLUMNS`.  Cells are typed: a count is stored as the integer and shown
by the backend (``4.09 G``, or every digit with ``exact``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..analysis.groups import partition
from ..analysis.result import Inspection, Row, Stage
from ..document import Cell, CellKind, Column, Document, Table, TableRow, fmt
from ..errors import InspectError
from . import texts


@dataclass(frozen=True)
class LayerColumn:
    """A column of the layer table: its header, the kind of its cells and how a row fills it."""

    title: str
    kind: CellKind
    cell: Callable[[Row, bool], Cell]  # (row, exact) → cell


def _blank_if_zero(value: int | None, kind: CellKind) -> Cell:
    """A count cell, blank (not ``0``) when the layer has none; ``n/a`` when it cannot be counted."""
    return Cell(value, kind, text="" if value == 0 else None)


GLOBAL_RF = "all"  # the RF column of a row after global pooling: every unit sees the whole input


def _rf_cell(r: Row, value: tuple[int, int] | None, size: bool = False) -> Cell:
    """A receptive-field cell. A row whose units all see the whole input (``rf_global``, after global
    pooling) shows ``all`` in the size column and nothing for jump and padding, which mean nothing there; a
    row without a receptive field is blank, or says why (``rf_reason``)."""
    if getattr(r, "rf_global", False):
        return Cell(None, "pair", text=GLOBAL_RF if size else "")
    if value is not None:
        return Cell(value, "pair")
    reason = str(getattr(r, "rf_reason", "") or "")
    return Cell(None, "pair", reason=reason) if reason else Cell(None, "pair", text="")


def _count_kind(exact: bool) -> CellKind:
    return "int" if exact else "count"


COLUMNS: dict[str, LayerColumn] = {
    "name": LayerColumn("Layer", "text", lambda r, e: Cell(r.name, text=r.name or "(network)")),
    "type": LayerColumn("Type", "text", lambda r, e: Cell(r.type)),
    "kernel": LayerColumn("Kernel/stride", "text",
                          lambda r, e: Cell(r.kernel, text=fmt.window(r.kernel, r.stride, r.padding, r.dilation))),
    "groups": LayerColumn("Groups", "int",
                          lambda r, e: Cell(r.groups, "int", text=None if r.groups and r.groups > 1 else "")),
    "input": LayerColumn("Input (C×H×W)", "shape", lambda r, e: Cell(r.input_shape, "shape")),
    "output": LayerColumn("Output (C×H×W)", "shape", lambda r, e: Cell(r.output_shape, "shape")),
    "params": LayerColumn("Params", "int", lambda r, e: _blank_if_zero(r.params, "int")),
    "macs": LayerColumn("MACs", "count", lambda r, e: _blank_if_zero(r.macs, _count_kind(e))),
    "flops": LayerColumn("FLOPs", "count", lambda r, e: _blank_if_zero(r.flops, _count_kind(e))),
    "memory": LayerColumn("Act. memory", "bytes", lambda r, e: _blank_if_zero(r.activation_bytes, "bytes")),
    "rf": LayerColumn("RF (px)", "pair", lambda r, e: _rf_cell(r, r.rf, size=True)),
    "jump": LayerColumn("Jump", "pair", lambda r, e: _rf_cell(r, r.jump)),
    "rf_padding": LayerColumn("RF pad", "pair", lambda r, e: _rf_cell(r, r.rf_padding)),
}
DEFAULT_COLUMNS = ("name", "type", "kernel", "output", "params", "macs", "rf", "jump")
# On a terminal too narrow for the default columns, these leave first (the row names say conv/bn/relu).
DEFAULT_DROP = {"type": 3, "jump": 2, "kernel": 1}


def parse_columns(text: str | Sequence[str] | None) -> list[str]:
    """``"name,params,macs"`` → checked column keys; an unknown key is an error listing the valid ones."""
    if text is None:
        return list(DEFAULT_COLUMNS)
    keys = [k.strip() for k in (text.split(",") if isinstance(text, str) else text) if k.strip()]
    bad = [k for k in keys if k not in COLUMNS]
    if bad or not keys:
        raise InspectError(f"unknown column {', '.join(bad) or '(none given)'}; "
                           f"choose from: {', '.join(COLUMNS)}")
    if "name" not in keys:
        keys.insert(0, "name")
    return keys


def visible_rows(result: Inspection, max_depth: int | None) -> list[Row]:
    """The rows down to nesting depth ``max_depth`` (all when ``None``)."""
    return [r for r in result.rows if max_depth is None or r.depth <= max_depth]


def repeated_blocks(rows: Sequence[Row]) -> dict[str, str]:
    """``layer3`` → ``"23 × Bottleneck"`` for containers whose children are all blocks of one type."""
    children: dict[str, list[Row]] = {}
    for r in rows:
        if r.name and not r.is_leaf:
            children.setdefault(r.name.rpartition(".")[0], []).append(r)
    labels = {}
    for parent in rows:
        kids = [k for k in children.get(parent.name, []) if k.depth == parent.depth + 1]
        types = {k.type for k in kids}
        if parent.name and parent.type == "Sequential" and len(types) == 1 and len(kids) > 1:
            labels[parent.name] = f"{len(kids)} × {types.pop()}"
    return labels


def _group(r: Row) -> str:
    """The stage and block a row belongs to (``layer3``, ``layer3.1``), for collapsing in HTML."""
    parts = r.name.split(":")[0].split(".")
    return ".".join(parts[:2]) if r.name else ""


def _tags(r: Row) -> frozenset[str]:
    tags = set()
    if r.on_shortcut:
        tags.add("shortcut")
    if r.stride and max(r.stride) > 1:
        tags.add("stride2")
    if not r.is_leaf:
        tags.add("container")
    if not r.name:
        tags.add("total")
    return frozenset(tags)


def layer_table(result: Inspection, columns: Sequence[str] = DEFAULT_COLUMNS, max_depth: int | None = None,
                exact: bool = False) -> Table:
    """Every row (layer, op, block, stage, the network) down to ``max_depth``, with the totals below."""
    cols = [COLUMNS[k] for k in columns]
    repeats = repeated_blocks(result.rows)
    rows = []
    for r in visible_rows(result, max_depth):
        cells = [c.cell(r, exact) for c in cols]
        if r.name in repeats and "type" in columns:
            i = list(columns).index("type")
            cells[i] = Cell(r.type, text=repeats[r.name])
        rows.append(TableRow(tuple(cells), level=r.depth, strong=not r.is_leaf and r.depth == 1, tags=_tags(r),
                             group=_group(r)))
    shape = fmt.shape(result.input_shape, drop_batch=False)
    drop = DEFAULT_DROP if tuple(columns) == DEFAULT_COLUMNS else {}  # columns asked for are never left out
    return Table(tuple(Column(k, c.title, c.kind, drop=drop.get(k, 0)) for k, c in zip(columns, cols, strict=True)),
                 tuple(rows),
                 caption=f"{result.model} — input {shape}, {result.dtype}", notes=tuple(footer(result)),
                 id="layers", role="layers")


def footer(result: Inspection) -> list[str]:
    """The totals and the conventions behind them."""
    tot = result.totals
    lines = [
        f"Totals  params {fmt.grouped(tot.params)} ({fmt.scaled(tot.params)}; trainable "
        f"{fmt.grouped(tot.trainable_params)})",
        f"        MACs {fmt.grouped(tot.macs)} ({fmt.scaled(tot.macs)})   FLOPs {fmt.grouped(tot.flops)} "
        f"({fmt.scaled(tot.flops)}) = 2 × MACs",
        f"        activations {fmt.nbytes(tot.activation_bytes)} ({result.dtype}, one forward pass)",
    ]
    if tot.rf is not None:
        lines.append(f"        receptive field {fmt.pair(tot.rf)} px at {tot.feature_layer} (last feature map), "
                     f"jump {fmt.pair(tot.jump)}, effective padding {fmt.pair(tot.rf_padding)}")
    if any(getattr(r, "rf_global", False) for r in result.rows):
        lines.append("        RF \"all\": after global pooling every unit sees the whole input, so no size or "
                     "jump applies")
    lines.append(f"        depth {tot.depth} (main-path conv + fc layers; shortcut projections, BN, ReLU and "
                 "pools not counted)")
    lines.append(f"MACs count: {texts.macs(result.policy)}.")
    if result.run == "cpu":
        lines.append("Run: a real forward on CPU (the forward reads tensor values, which meta tensors do not hold).")
    if tot.unsupported:
        lines.append(f"Not counted (no MAC formula): {', '.join(tot.unsupported)} — their MACs show as n/a.")
    return lines


STAGE_COLUMNS = (
    Column("name", "Stage"), Column("blocks", "Blocks", "int"), Column("output_shape", "Output (C×H×W)", "shape"),
    Column("jump", "Stride", "pair"), Column("params", "Params", "int"), Column("macs", "MACs", "count"),
    Column("rf", "RF (px)", "pair"), Column("activation_bytes", "Act. memory", "bytes"),
)


def _stage_row(s: Stage, exact: bool, sees_all: bool = False) -> TableRow:
    rf = Cell(s.rf, "pair", text=GLOBAL_RF) if sees_all else Cell(s.rf, "pair", text=None if s.rf else "")
    return TableRow((Cell(s.name), Cell(s.blocks, "int", text=None if s.blocks else ""),
                     Cell(s.output_shape, "shape"),
                     Cell(s.jump, "pair", text=None if s.jump and not sees_all else ""),
                     Cell(s.params, "int"), Cell(s.macs, _count_kind(exact)),
                     rf, Cell(s.activation_bytes, "bytes")),
                    group=s.name)


def stage_table(result: Inspection, exact: bool = False) -> Table:
    """Per stage: blocks, output size, cumulative stride, parameters, MACs, RF at the stage output."""
    sees_all = {g.name for g in partition(result.rows) if g.leaves and getattr(g.leaves[-1], "rf_global", False)}
    rows = [_stage_row(s, exact, s.name in sees_all) for s in result.stages]
    tot = result.totals
    rows.append(TableRow((Cell("total"), Cell(sum(s.blocks for s in result.stages), "int"),
                          Cell(None, "shape", text=""), Cell(None, "pair", text=""), Cell(tot.params, "int"),
                          Cell(tot.macs, _count_kind(exact)), Cell(tot.rf, "pair", text=None if tot.rf else ""),
                          Cell(tot.activation_bytes, "bytes")), strong=True, tags=frozenset({"total"})))
    return Table(STAGE_COLUMNS, tuple(rows), caption=f"{result.model} — stages", id="stages", role="stages")


def document(result: Inspection, columns: Sequence[str] = DEFAULT_COLUMNS, max_depth: int | None = None,
             exact: bool = False, stages: bool = True) -> Document:
    """``resnet-inspect table``: the layer table, then (with ``stages``) the stage table."""
    blocks: list[Table] = [layer_table(result, columns, max_depth, exact)]
    if stages:
        blocks.append(stage_table(result, exact))
    shape = fmt.shape(result.input_shape, drop_batch=False)
    return Document(result.model, tuple(blocks), subtitle=f"input {shape}, {result.dtype}",
                    meta=(("model", result.model), ("input", shape), ("dtype", result.dtype)))


def record(result: Inspection, max_depth: int | None = None) -> dict[str, Any]:
    """The JSON export (``table --format json``): the result's contract, with leaf rows down to
    ``max_depth`` (stage and block rows are always kept)."""
    data = texts.record(result)
    data["layers"] = [r.to_dict() for r in result.rows if max_depth is None or r.depth <= max_depth or not r.is_leaf]
    return data
