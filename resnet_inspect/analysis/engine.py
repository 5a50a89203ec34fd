"""validate → input → one traced pass → rows, stages and totals."""

from __future__ import annotations

import operator
import re
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import InspectError, shown
from ..limits import check_choice, check_digits, check_head, check_shape, whole
from ..policies import POLICIES
from ..specs import Spec
from . import ops
from .groups import Group, is_weighted, partition
from .recorder import Node, Scope, Trace
from .result import Inspection, Pair, Row, Shape, Stage, Totals

if TYPE_CHECKING:
    from torch import nn

ITEMSIZE = {"float32": 4, "float16": 2, "bfloat16": 2, "float64": 8, "int8": 1}  # bytes per element
Pass = Callable[[Shape], tuple[Trace, int, int]]  # input shape → (trace, parameters, trainable parameters)
SHORTCUT_NAMES = ("downsample", "shortcut")
UNTRACED = "(untraced)"  # a row's input made by code the pass did not see
INPUT_HELP = "give a size like 224, 600x800, 3x224x224 or 8x3x224x224"
RUNS = {"auto": "meta tensors, and a real CPU forward when the model's forward needs values",
        "meta": "meta tensors only (no memory, no values)",
        "cpu": "a real forward on CPU at the input size"}


def parse_input(value: Any, in_channels: int, default: Pair) -> Shape:
    """Turn ``224``, ``"600x800"``, ``"3x224x224"``, ``"8x3x224x224"`` or a tuple into N×C×H×W.

    Sizes past :mod:`resnet_inspect.limits` (65,536 px per side, a batch of 4,096) are refused here,
    before any pass runs, with ``option="--input"``.
    """
    try:
        return _parse_input(value, in_channels, default)
    except InspectError as e:
        raise InspectError(str(e), option="--input") from None


def _parse_input(value: Any, in_channels: int, default: Pair) -> Shape:
    if value is None:
        return (1, in_channels, *default)
    n = whole(value)
    if n is not None:
        dims: tuple[int, ...] = (n,)
    elif isinstance(value, str):
        text = value.strip().lower().replace("×", "x").replace(",", "x")
        if len(text) > 80 or not re.fullmatch(r"-?[0-9]+(x-?[0-9]+){0,3}", text):
            raise InspectError(f"--input {shown(value)} is not a size; {INPUT_HELP}")
        dims = tuple(check_digits("--input", t) for t in text.split("x"))
    elif isinstance(value, Sequence) and 1 <= len(value) <= 4 and all(whole(v) is not None for v in value):
        dims = tuple(operator.index(v) for v in value)
    else:
        raise InspectError(f"input {shown(value)} is not a size; {INPUT_HELP}")
    if any(d <= 0 for d in dims):
        raise InspectError(f"--input {shown(value)}: every size must be a positive whole number; {INPUT_HELP}")
    if len(dims) == 1:
        shape: Shape = (1, in_channels, dims[0], dims[0])
    elif len(dims) == 2:
        shape = (1, in_channels, *dims)
    else:
        shape = (1, *dims) if len(dims) == 3 else dims
    check_shape(shape, value)
    return shape


def _check_model(model: object) -> None:
    """A name, a custom spec, a :class:`Spec` or an ``nn.Module`` instance; anything else is refused."""
    if isinstance(model, str | Spec):
        return
    torch = sys.modules.get("torch")  # an nn.Module cannot exist unless torch is imported already
    module_type = torch.nn.Module if torch is not None else None
    if isinstance(model, type) and module_type is not None and issubclass(model, module_type):
        raise InspectError(f"model {shown(model)} is a class, not a module; pass an instance, e.g. "
                           f"inspect({model.__name__}(...)), or a variant name such as 'resnet50'")
    if module_type is None or not isinstance(model, module_type):
        raise InspectError(f"model {shown(model)} is not a variant name, a custom spec, a Spec or an "
                           "nn.Module; e.g. inspect('resnet50') or inspect('bottleneck:3-4-6-3')")


def _plain(module: nn.Module) -> nn.Module:
    """A TorchScript module as the ordinary module it is made of, or an error saying why it cannot be one.

    TorchScript runs its forward in its own interpreter, where no layer can be seen: traced as it is, such a
    module would show the interpreter's bookkeeping ops and no MACs.  A network of ``nn.Sequential`` and
    ``torch.nn`` layers is rebuilt as Python modules sharing its tensors (as a TorchScript file is loaded).
    """
    import torch

    if not isinstance(module, torch.jit.ScriptModule):
        return module
    from .scripted import eager_twin

    return eager_twin(module, f"this TorchScript module ({getattr(module, 'original_name', type(module).__name__)})",
                      instead="pass the nn.Module it was scripted or traced from")


def _spec_pass(model: str | Spec, num_classes: int | None, include_top: bool | None) -> tuple[Pass, Spec]:
    """A registry name or spec: the torch-free pass over the spec's network."""
    from ..registry import get_spec, with_head
    from .symbolic import trace_spec

    spec = with_head(get_spec(model) if isinstance(model, str) else model, num_classes, include_top)

    def run(shape: Shape) -> tuple[Trace, int, int]:
        tr, params = trace_spec(spec, shape)
        return tr, params, params

    return run, spec


def _module_pass(module: nn.Module, dtype: str, mode: str = "auto") -> tuple[Pass, int, Pair]:
    """Any ``nn.Module``: its own forward (on meta tensors, or for real: ``mode``); parameters from the
    module itself."""
    import torch

    from .collect import check_tree, trace

    check_tree(module)

    def run(shape: Shape) -> tuple[Trace, int, int]:
        tr = trace(module, shape, getattr(torch, dtype), mode)
        params = sum(p.numel() for p in module.parameters())
        trainable = sum(p.numel() for p in module.parameters() if p.requires_grad)
        return tr, params, trainable

    convs = [m for m in module.modules() if isinstance(m, torch.nn.modules.conv._ConvNd)]
    first_conv = convs[0] if convs else None
    if first_conv is not None and not any(isinstance(m, torch.nn.Conv2d) for m in convs):
        raise InspectError(f"{type(module).__name__} is not an image model: its convolutions are "
                           f"{type(first_conv).__name__} (a {len(first_conv.kernel_size)}-d signal); resnet-inspect "
                           "analyses networks over 2-d images (Conv2d)")
    spec = module.__dict__.get("spec")  # a zoo model knows its default input
    default = spec.input_size if isinstance(spec, Spec) else (224, 224)
    return run, _input_channels(module, first_conv), default


def _input_channels(module: nn.Module, first_conv: Any) -> int:
    """The channels the input needs: the first conv's, unless a layout op (a space-to-depth stem) comes first;
    then the usual 3."""
    if first_conv is None or not isinstance(first_conv, __import__("torch").nn.Conv2d):
        return 3
    before = []
    for m in module.modules():
        if m is first_conv:
            break
        before.append(m)
    own_code = [m for m in before if next(iter(m.children()), None) is None
                and not type(m).__module__.startswith("torch.nn")]
    return 3 if own_code else int(first_conv.in_channels)


def inspect(model: str | Spec | nn.Module, input_size: Any = None, policy: str = "conv-fc",
            dtype: str = "float32", num_classes: int | None = None,
            include_top: bool | None = None, run: str = "auto") -> Inspection:
    """Analyse a network: every layer's shapes, parameters, MACs/FLOPs, receptive field and memory.

    ``model`` is a registry name (``"resnet50"``), a custom spec (``"bottleneck:3-4-6-3,groups=32"``),
    a :class:`~resnet_inspect.specs.Spec` or any ``nn.Module`` (left as it was found).  ``input_size``
    is ``224``, ``"600x800"``, ``"3x224x224"``, ``"8x3x224x224"`` or a tuple; the variant's default
    otherwise.  ``policy`` says what MACs count (see :data:`resnet_inspect.policies.POLICIES`).
    A name or spec is analysed without importing torch (:mod:`.symbolic`); a module by running its
    own ``forward`` on meta tensors (:mod:`.collect`).  ``num_classes`` and ``include_top`` rebuild a
    variant's head, so a module refuses them; a TorchScript module is read as the ordinary module it is
    made of, or refused with the reason (see :func:`_plain`).  ``run`` says how a module's forward runs
    (:data:`RUNS`; the result's ``run`` says which ran); an exception of the model's own code is raised as a
    :class:`~resnet_inspect.errors.ModelError`.
    """
    check_choice("MAC policy", policy, POLICIES)
    check_choice("run", run, RUNS)
    check_choice("dtype", dtype, ITEMSIZE)
    check_head(num_classes, include_top)
    _check_model(model)
    if isinstance(model, str | Spec):
        run_pass, spec = _spec_pass(model, num_classes, include_top)
        name, shape = spec.name, parse_input(input_size, spec.in_channels, spec.input_size)
    else:
        if num_classes is not None or include_top is not None:
            given = " and ".join(k for k, v in (("num_classes", num_classes), ("include_top", include_top))
                                 if v is not None)
            raise InspectError(f"{given} apply to zoo names and specs only (they rebuild the variant's head); a "
                               f"{type(model).__name__} module is analysed as it is built: build it with the head "
                               "you want, or pass a name such as inspect('resnet50', num_classes=10)")
        model = _plain(model)
        run_pass, channels, default = _module_pass(model, dtype, run)
        name, shape = type(model).__name__, parse_input(input_size, channels, default)
    if len(shape) != 4:
        raise InspectError(f"--input {input_size!r} has {len(shape)} dimensions; {INPUT_HELP}", option="--input")
    try:
        tr, params, trainable = run_pass(shape)
    except ops.VanishingError as e:
        smallest = smallest_input(run_pass, shape)
        hint = f"; the smallest input that works is {smallest}×{smallest}" if smallest else ""
        raise InspectError(f"input {shape[2]}×{shape[3]} is too small: at {e}{hint}") from None
    return assemble(tr, name, shape, dtype, policy, params, trainable)


def smallest_input(run: Pass, shape: Shape, limit: int = 8192) -> int | None:
    """The smallest square spatial size the model accepts (bisection over passes)."""

    def works(n: int) -> bool:
        try:
            run((shape[0], shape[1], n, n))
        except ops.VanishingError:
            return False
        return True

    if not works(limit):
        return None
    lo, hi = 1, limit
    while lo < hi:
        mid = (lo + hi) // 2
        if works(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


def _macs(node: Node, policy: str) -> int | None:
    if node.op_macs is not None and policy in node.op_macs:
        return node.op_macs[policy]
    if not node.supported:
        if policy == "torchinfo" and node.module is not None:  # torchinfo counts every leaf's parameters
            return ops.torchinfo_leaf_macs([p for p in node.module.parameters(recurse=False)], node.output_shape)
        return None
    if node.module is not None:
        spec = ops.lookup(node.module)
        assert spec is not None
        return spec.macs(node.module, node.input_shape, node.output_shape, policy)
    if node.kind in ("add", "act"):
        return ops.elementwise_macs(node.output_shape, policy)
    return 0


def _on_shortcut(name: str) -> bool:
    return any(part.split(":")[0] in SHORTCUT_NAMES for part in name.split("."))


def _rf_fields(node: Node) -> dict[str, Any]:
    """A node's receptive field as row fields: numbers only when one size describes every unit.

    ``rf_global``: every unit sees the same region, the union of what all positions of the map before
    the mixing op see (the whole input, except pixels the network never reads at all).
    """
    rf = node.rf
    if rf is None or any(a.mode == "scattered" for a in rf):
        return {"rf": None, "jump": None, "rf_padding": None, "rf_global": False,
                "rf_reason": node.rf_reason, "rf_reason_layer": node.rf_source}
    h, w = rf
    local = h.mode == w.mode == "local"
    whole = h.mode == w.mode == "fixed"
    return {"rf": (h.size, w.size), "jump": (h.jump, w.jump) if local else None,
            "rf_padding": (h.padding, w.padding), "rf_global": whole, "rf_reason": None, "rf_reason_layer": None}


def _leaf_row(node: Node, policy: str, itemsize: int, names: dict[int, str]) -> Row:
    macs = _macs(node, policy)
    g = node.geometry
    return Row(
        name=node.name, type=node.type, kind=node.kind, depth=node.depth, is_leaf=True,
        input_shape=node.input_shape, output_shape=node.output_shape,
        params=node.params, trainable_params=node.trainable_params,
        macs=macs, flops=None if macs is None else 2 * macs,
        activation_bytes=0 if node.inplace else ops.numel(node.output_shape) * itemsize,
        **_rf_fields(node),
        kernel=g.kernel if g else None, stride=g.stride if g else None, padding=g.padding if g else None,
        dilation=g.dilation if g else None, groups=g.groups if g and node.kind == "conv" else None,
        on_shortcut=_on_shortcut(node.name),
        inputs=tuple(names.get(i, "input" if i == 0 else UNTRACED) for i in node.inputs),
        pool=node.pool,
    )


def _aggregate_row(scope: Scope, children: list[Row], tr: Trace) -> Row:
    leaves = [r for r in children if r.is_leaf]
    known = [r.macs for r in leaves if r.macs is not None]
    macs = sum(known)
    if scope.output_node >= 0:
        rf = _rf_fields(tr.nodes[scope.output_node])
    else:
        rf = {"rf": None, "jump": None, "rf_padding": None, "rf_reason": "unknown-op"}
    return Row(
        name=scope.name, type=scope.type, kind="module", depth=scope.depth, is_leaf=False,
        input_shape=scope.input_shape, output_shape=scope.output_shape,
        params=sum(r.params for r in leaves), trainable_params=sum(r.trainable_params for r in leaves),
        macs=macs, flops=2 * macs, activation_bytes=sum(r.activation_bytes for r in leaves),
        **rf, on_shortcut=_on_shortcut(scope.name),
    )


def build_rows(tr: Trace, policy: str, itemsize: int) -> list[Row]:
    """Leaf and op rows from nodes, aggregate rows from scopes, in pre-order."""
    names = {n.index: n.name for n in tr.nodes[1:]}
    leaf_rows = {n.index: _leaf_row(n, policy, itemsize, names) for n in tr.nodes[1:]}
    rows: list[Row] = []
    for item in tr.order:
        if isinstance(item, Scope):
            children = [leaf_rows[i] for i in range(max(item.first, 1), item.end)]
            rows.append(_aggregate_row(item, children, tr))
        else:
            rows.append(leaf_rows[item.index])
    return rows


def _pooled(node: Node) -> bool:
    """A node at or after the global pooling: no spatial axes left, an adaptive pool, or a 1×1 map whose
    every unit sees one fixed region (or made from a 1×1 map, when its region is not known: a 1×1-conv
    classifier).  A map whose units all see everything through a gate (squeeze-excitation) is still a map."""
    if len(node.output_shape) != 4 or node.type.lower().startswith("adaptive"):
        return True
    if node.output_shape[2:] != (1, 1):
        return False
    if node.rf is not None:
        return all(a.mode == "fixed" for a in node.rf)
    return len(node.input_shape) == 4 and node.input_shape[2:] == (1, 1)


def _feature_row(tr: Trace, rows: list[Row]) -> Row | None:
    """The last feature map: walking back from the output along first inputs, the first node before the
    global pooling (whatever comes after it: flatten, fc, a 1×1-conv classifier)."""
    by_name = {r.name: r for r in rows if r.is_leaf}
    i = tr.output_node
    while i > 0:
        node = tr.nodes[i]
        if not _pooled(node):
            return by_name[node.name]
        i = node.inputs[0] if node.inputs else -1
    return None


def _stage(group: Group) -> Stage:
    leaves, last = group.leaves, group.leaves[-1]
    macs = sum(r.macs or 0 for r in leaves)
    return Stage(name=group.name, blocks=len(group.blocks), input_shape=leaves[0].input_shape,
                 output_shape=last.output_shape, jump=last.jump, params=sum(r.params for r in leaves), macs=macs,
                 flops=2 * macs, activation_bytes=sum(r.activation_bytes for r in leaves), rf=last.rf,
                 rf_global=last.rf_global)


def assemble(tr: Trace, name: str, shape: Shape, dtype: str, policy: str, params: int,
             trainable: int) -> Inspection:
    """Rows, stages and totals from a trace; ``params`` come from the model itself, not from the rows."""
    rows = build_rows(tr, policy, ITEMSIZE[dtype])
    if not rows or rows[0].name != "":
        raise InspectError("the model ran no layer resnet-inspect could see")
    leaves = [r for r in rows if r.is_leaf]
    feature = _feature_row(tr, rows)
    macs = sum(r.macs or 0 for r in leaves)
    totals = Totals(
        params=params, trainable_params=trainable, macs=macs, flops=2 * macs,
        activation_bytes=sum(r.activation_bytes for r in leaves),
        depth=sum(1 for r in leaves if is_weighted(r)),
        rf=feature.rf if feature else None, jump=feature.jump if feature else None,
        rf_padding=feature.rf_padding if feature else None, feature_layer=feature.name if feature else "",
        unsupported=tuple(sorted({r.type for r in leaves if r.macs is None})),
        rf_global=feature.rf_global if feature else False,
        rf_reason=feature.rf_reason if feature else "unknown-op",
        rf_reason_layer=feature.rf_reason_layer if feature else None,
    )
    stages = tuple(_stage(g) for g in partition(rows) if g.leaves)
    return Inspection(model=name, input_shape=shape, dtype=dtype, policy=policy, rows=tuple(rows), stages=stages,
                      totals=totals, run=tr.run)
