"""The layer table of ``resnet-inspect table``: rows from an :class:`Inspection`, in any format."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..analysis.result import Inspection, Row, Stage
from ..errors import InspectError
from . import fmt
from .tables import Table, render, render_many, to_html_fragment


@dataclass(frozen=True)
class Column:
    header: str
    numeric: bool
    text: Callable[[Row, bool], str]  # (row, exact) → display text
    raw: Callable[[Row], Any]


def _count(value: int | None, exact: bool) -> str:
    return fmt.grouped(value) if exact or value is None or value < 10**6 else fmt.scaled(value)


COLUMNS: dict[str, Column] = {
    "name": Column("Layer", False, lambda r, e: r.name or "(network)", lambda r: r.name),
    "type": Column("Type", False, lambda r, e: r.type, lambda r: r.type),
    "kernel": Column("Kernel/stride", False, lambda r, e: fmt.window(r.kernel, r.stride, r.padding, r.dilation),
                     lambda r: list(r.kernel) if r.kernel else None),
    "groups": Column("Groups", True, lambda r, e: str(r.groups) if r.groups and r.groups > 1 else "",
                     lambda r: r.groups),
    "input": Column("Input (C×H×W)", False, lambda r, e: fmt.shape(r.input_shape), lambda r: list(r.input_shape)),
    "output": Column("Output (C×H×W)", False, lambda r, e: fmt.shape(r.output_shape),
                     lambda r: list(r.output_shape)),
    "params": Column("Params", True, lambda r, e: fmt.grouped(r.params) if r.params else "", lambda r: r.params),
    "macs": Column("MACs", True, lambda r, e: _count(r.macs, e) if r.macs != 0 else "", lambda r: r.macs),
    "flops": Column("FLOPs", True, lambda r, e: _count(r.flops, e) if r.flops != 0 else "", lambda r: r.flops),
    "memory": Column("Act. memory", True, lambda r, e: fmt.nbytes(r.activation_bytes) if r.activation_bytes
                     else "", lambda r: r.activation_bytes),
    "rf": Column("RF (px)", True, lambda r, e: fmt.pair(r.rf), lambda r: list(r.rf) if r.rf else None),
    "jump": Column("Jump", True, lambda r, e: fmt.pair(r.jump), lambda r: list(r.jump) if r.jump else None),
    "rf_padding": Column("RF pad", True, lambda r, e: fmt.pair(r.rf_padding),
                         lambda r: list(r.rf_padding) if r.rf_padding else None),
}
DEFAULT_COLUMNS = ("name", "type", "kernel", "output", "params", "macs", "rf", "jump")


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
    return [r for r in result.rows if max_depth is None or r.depth <= max_depth]


def layer_table(result: Inspection, columns: Sequence[str] = DEFAULT_COLUMNS, max_depth: int | None = None,
                exact: bool = False) -> Table:
    cols = [COLUMNS[k] for k in columns]
    shape = "×".join(map(str, result.input_shape))
    t = Table([c.header for c in cols], list(columns), [c.numeric for c in cols],
              title=f"{result.model} — input {shape}, {result.dtype}")
    repeats = _repeated_blocks(result.rows)
    for r in visible_rows(result, max_depth):
        cells = [c.text(r, exact) for c in cols]
        if r.name in repeats and "type" in columns:
            cells[list(columns).index("type")] = repeats[r.name]
        t.add(cells, [c.raw(r) for c in cols], indent=r.depth, strong=not r.is_leaf and r.depth == 1)
    t.notes = footer(result)
    return t


def _repeated_blocks(rows: Sequence[Row]) -> dict[str, str]:
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
        lines.append(f"        receptive field {fmt.pair(tot.rf)} px at {tot.feature_layer}, jump "
                     f"{fmt.pair(tot.jump)}, effective padding {fmt.pair(tot.rf_padding)}")
    lines.append(f"        depth {tot.depth} (conv + fc layers on the main path; shortcut projections, "
                 "BN, ReLU and pooling not counted)")
    lines.append(f"MACs count: {result.conventions['macs']}.")
    if tot.unsupported:
        lines.append(f"Not counted (no MAC formula): {', '.join(tot.unsupported)} — their MACs show as n/a.")
    return lines


STAGE_COLUMNS = ("Stage", "Blocks", "Output (C×H×W)", "Stride", "Params", "MACs", "RF (px)", "Act. memory")


def stage_table(result: Inspection, exact: bool = False) -> Table:
    """Per stage: blocks, output size, cumulative stride, parameters, MACs, RF at the stage output."""
    t = Table(list(STAGE_COLUMNS), ["name", "blocks", "output_shape", "jump", "params", "macs", "rf",
                                    "activation_bytes"],
              [False, True, False, True, True, True, True, True], title=f"{result.model} — stages")
    for s in result.stages:
        t.add(_stage_cells(s, exact), [s.name, s.blocks, list(s.output_shape), list(s.jump) if s.jump else None,
                                       s.params, s.macs, list(s.rf) if s.rf else None, s.activation_bytes])
    tot = result.totals
    t.add(["total", str(sum(s.blocks for s in result.stages)), "", "", fmt.grouped(tot.params),
           _count(tot.macs, exact), fmt.pair(tot.rf), fmt.nbytes(tot.activation_bytes)],
          ["total", sum(s.blocks for s in result.stages), None, None, tot.params, tot.macs,
           list(tot.rf) if tot.rf else None, tot.activation_bytes], strong=True)
    return t


def _stage_cells(s: Stage, exact: bool) -> list[str]:
    return [s.name, str(s.blocks) if s.blocks else "", fmt.shape(s.output_shape), fmt.pair(s.jump),
            fmt.grouped(s.params), _count(s.macs, exact), fmt.pair(s.rf), fmt.nbytes(s.activation_bytes)]


def render_table(result: Inspection, fmt_name: str = "text", columns: Sequence[str] = DEFAULT_COLUMNS,
                 max_depth: int | None = None, exact: bool = False) -> str:
    """``resnet-inspect table`` in any format; JSON is the full contract whatever the columns."""
    if fmt_name == "json":
        data = result.to_dict()
        data["layers"] = [r.to_dict() for r in result.rows
                          if max_depth is None or r.depth <= max_depth or not r.is_leaf]
        return json.dumps(data, indent=2) + "\n"
    t = layer_table(result, columns, max_depth, exact)
    if fmt_name == "text":
        return render(t, "text") + "\n" + render(stage_table(result, exact), "text")
    if fmt_name == "html":
        return _html_page(result, t, exact)
    return render(t, fmt_name)


def render_html(result: Inspection, max_depth: int | None = None) -> str:
    """An HTML fragment: the stage table and the layer table (Jupyter's repr)."""
    return to_html_fragment(stage_table(result)) + "\n" + to_html_fragment(
        layer_table(result, max_depth=max_depth))


def _html_page(result: Inspection, t: Table, exact: bool) -> str:
    return render_many([stage_table(result, exact), t], "html")
