"""What one pass over a network records, without torch: nodes, scopes, names and receptive fields.

Two drivers feed a :class:`Recorder`: :mod:`.collect` runs a torch module's own ``forward`` on ``meta``
tensors, and :mod:`.symbolic` walks a spec with shape-only stand-ins (no torch import at all).  Both
call the same methods in the same order, so both give the same :class:`Trace` — the tests check that
row for row for every variant.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..errors import InspectError
from . import layout, ops
from .kinds import FUNCTIONAL_POOLS, PoolKind, RowKind
from .ops import Geometry, Layer, OpSpec, Shape
from .rf import INPUT_RF, RF, AxisRF, covers, union


@dataclass
class Node:
    """One executed leaf layer or functional op (``kind``: conv, norm, act, add, ...)."""

    index: int
    name: str
    type: str
    kind: RowKind
    depth: int
    inputs: list[int]
    input_shape: Shape
    output_shape: Shape
    rf: RF | None
    module: Layer | None = None
    geometry: Geometry | None = None
    params: int = 0
    trainable_params: int = 0
    inplace: bool = False
    supported: bool = True
    rf_reason: str | None = None  # why ``rf`` is None or has a scattered axis (see views.texts.RF_REASONS)
    rf_source: str | None = None  # the row where that started
    op_macs: dict[str, int] | None = None  # a functional op's MACs per policy (``None``: no formula)
    channels_differ: bool = False  # its channels may see different regions (a concat of paths, not yet mixed)
    pool: PoolKind | None = None  # a pooling row's operation, from its class or its functional op


@dataclass
class Scope:
    """One call of a container module (the network, a stage, a block, a shortcut)."""

    name: str
    type: str
    depth: int
    input_shape: Shape
    first: int  # index of its first node
    end: int = -1  # one past its last node
    output_shape: Shape = ()
    output_node: int = -1
    childless: bool = False  # a module without sub-modules: torchinfo counts its own parameters' mult-adds


@dataclass
class Trace:
    """The raw result of one pass: nodes in execution order, and scopes interleaved (pre-order)."""

    nodes: list[Node] = field(default_factory=list)
    order: list[Node | Scope] = field(default_factory=list)
    output_node: int = -1
    run: str = "symbolic"  # how the pass ran: symbolic (a spec), meta or cpu (a module's forward)


# Functional ops met outside leaf modules (in a container's forward).
BINARY = {"add", "__add__", "__radd__", "__iadd__", "add_", "sub", "__sub__", "__isub__", "sub_",
          "mul", "__mul__", "__rmul__", "__imul__", "mul_"}
UNARY = {"relu", "relu_", "sigmoid", "sigmoid_", "tanh", "gelu", "silu", "contiguous", "clone", "detach",
         "dropout"}
RESHAPE = {"flatten", "view", "reshape"}
ACTIVATIONS = ("relu", "sigmoid", "tanh", "gelu", "silu")
# Element-wise ops whose output at a position reads only that position of each (broadcast) operand:
# their receptive field is the union of the operands'.  Outside BINARY and UNARY they have no MAC entry.
POINTWISE_OPS = BINARY | UNARY | {
    "div", "div_", "__truediv__", "__rtruediv__", "__itruediv__", "true_divide", "maximum", "minimum",
    "where", "hardsigmoid", "hardswish", "leaky_relu", "elu", "mish", "softplus", "hardtanh", "relu6",
    "neg", "abs", "exp", "log", "sqrt", "rsqrt", "square", "pow", "__pow__", "clamp", "clamp_",
    "expand_as", "expand", "broadcast_to", "sigmoid_", "tanh_", "hardswish_", "hardsigmoid_", "relu6_",
    "leaky_relu_", "elu_", "silu_", "mul_", "to", "float", "type_as"}
CONCAT = {"cat", "concat", "concatenate"}
TUPLE_OPS = {"split", "chunk", "unbind", "tensor_split", "split_with_sizes", "hsplit", "vsplit"}
POLICY_NAMES = ("conv-fc", "all", "torchinfo", "fvcore")  # as in resnet_inspect.policies


def _arg(args: tuple[Any, ...], kwargs: dict[str, Any], index: int, key: str, default: Any) -> Any:
    return args[index] if len(args) > index else kwargs.get(key, default)


def _op_kind(func_name: str, label: str, args: tuple[Any, ...], kwargs: dict[str, Any], in_shape: Shape,
             out_shape: Shape) -> tuple[RowKind, dict[str, int] | None]:
    """A functional op's kind (add, act, shape, conv, ...; ``unsupported``: no MAC formula) and MACs per policy."""
    if func_name in BINARY or func_name in UNARY:
        return ("add" if label in ("add", "sub") else "act" if label in ACTIVATIONS else "op"), None
    if func_name in RESHAPE:
        return "shape", None
    macs = ops.functional_macs(func_name, args, kwargs, in_shape, out_shape, POLICY_NAMES)
    if macs is None:
        return "unsupported", None
    return ops.FUNCTIONAL_KINDS.get(func_name, "shape"), macs


# A split of channels that see different regions (a concat of paths that no conv has mixed yet): the piece's
# region depends on which channels it takes, which the pass does not follow.
CHANNEL_SPLIT = "channel-split"
LAYOUT_OPS = RESHAPE | {"permute", "contiguous", "clone"}
MAP_OPS = RESHAPE | {"unsqueeze", "squeeze", "sum", "mean", "amax", "amin", "softmax", "log_softmax", "stack",
                     "transpose", "permute"}


def _dims(value: Any, rank: int) -> list[int] | None:
    if isinstance(value, int):
        return [value % rank] if rank else None
    if isinstance(value, tuple | list) and all(isinstance(d, int) for d in value):
        return [d % rank for d in value] if rank else None
    return None


def _keeps_map(func_name: str, args: tuple[Any, ...], kwargs: dict[str, Any], shapes: list[Shape],
               out_shape: Shape) -> bool:
    """Does the op leave the last two axes of a map (rank 4 or more) as they are, mixing only the others?

    A split attention's ``reshape(B, R, C, H, W)``, ``stack(dim=1)``, ``sum(dim=1)`` and ``softmax(dim=1)``
    keep every position: each unit reads the same position of its operands.
    """
    if func_name not in MAP_OPS or any(len(s) < 4 for s in shapes) or len(out_shape) < 4:
        return False
    if any(s[-2:] != out_shape[-2:] for s in shapes):
        return False
    rank = len(shapes[0])
    if func_name in RESHAPE | {"unsqueeze", "squeeze"}:
        return len(shapes) == 1
    if func_name == "stack":
        dims = _dims(_arg(args, kwargs, 1, "dim", 0), len(out_shape))
        return dims is not None and all(d < len(out_shape) - 2 for d in dims)
    if func_name == "permute":
        order = args[1:] if len(args) > 2 else _arg(args, kwargs, 1, "dims", ())
        return tuple(order)[-2:] in ((rank - 2, rank - 1), (-2, -1))
    if func_name == "transpose":
        dims = _dims(list(args[1:3]), rank) if len(args) >= 3 else None
        return dims is not None and all(d < rank - 2 for d in dims)
    dims = _dims(_arg(args, kwargs, 1, "dim", None), rank)
    return dims is not None and all(d < rank - 2 for d in dims)


def _piece_effect(in_shape: Shape, out_shape: Shape, dim: Any, offset: int) -> ops.RFEffect:
    """A piece of a split: channels or batch keep every position; along a spatial axis the piece starts
    ``offset`` pixels in, which shifts its regions (exact); a piece of another rank is a new layout."""
    if len(in_shape) != 4 or len(out_shape) != 4 or not isinstance(dim, int):
        return ops.reshape_effect(in_shape, out_shape)
    axis = dim % 4
    if axis < 2:
        return ops.POINTWISE
    shift = ops.AxisOp("window", 1, 1, -offset)
    return ops.RFEffect((shift, ops.KEEP) if axis == 2 else (ops.KEEP, shift))


def op_label(name: str) -> str:
    """``__iadd__``, ``__radd__``, ``add_`` and ``add`` are all an add."""
    base = name.strip("_")
    if name in BINARY and name[:3] in ("__i", "__r"):
        base = base[1:]
    return base.rstrip("_")


def is_inplace(name: str) -> bool:
    return name.startswith("__i") or (name.endswith("_") and not name.startswith("__"))


def broadcast(shapes: list[Shape]) -> Shape:
    """NumPy broadcasting of shapes (``torch.broadcast_shapes`` would import sympy)."""
    ndim = max(len(s) for s in shapes)
    padded = [(1,) * (ndim - len(s)) + s for s in shapes]
    out = []
    for dims in zip(*padded, strict=True):
        sizes = {d for d in dims if d != 1}
        if len(sizes) > 1:
            raise InspectError(f"shapes {[list(s) for s in shapes]} cannot be added: they do not broadcast")
        out.append(sizes.pop() if sizes else 1)
    return tuple(out)


def view_shape(shape: Shape, target: tuple[int, ...]) -> Shape:
    total = math.prod(shape)
    known = math.prod(t for t in target if t != -1)
    return tuple(total // known if t == -1 else t for t in target)


def op_output_shape(name: str, shapes: list[Shape], extra: tuple[Any, ...], kwargs: dict[str, Any]) -> Shape | None:
    """Output shape of a functional op from its input shapes (``None``: not a shape-only op)."""
    if name in BINARY:
        return broadcast(shapes)
    if name in UNARY:
        return shapes[0]
    if name == "flatten":
        start = extra[0] if extra else kwargs.get("start_dim", 0)
        end = extra[1] if len(extra) > 1 else kwargs.get("end_dim", -1)
        return ops.flatten_shape(shapes[0], start, end)
    if name in ("view", "reshape") and extra:
        target = extra[0] if len(extra) == 1 and isinstance(extra[0], tuple | list) else extra
        if all(isinstance(t, int) for t in target):
            return view_shape(shapes[0], tuple(target))
    return None


@dataclass(frozen=True)
class RFState:
    """A node's receptive field, or why there is none (``reason``) and the row where that started."""

    rf: RF | None
    reason: str | None = None
    source: str | None = None


def _positions(shape: Shape, axis: int) -> int:
    """Positions along the map's height (0) or width (1): the last two axes of a map of rank 4 or more
    (N×C×H×W, or N×R×C×H×W inside a split attention)."""
    return shape[len(shape) - 2 + axis] if len(shape) >= 4 else 1


def _axis_through(a: AxisRF, op: ops.AxisOp, n_in: int, n_out: int) -> AxisRF | None:
    if op.kind == "keep":
        return a
    if op.kind == "collapse":
        return a.collapse(n_in)
    if op.kind == "scatter":
        return a.scatter(n_in)
    if a.mode == "scattered" and not covers(n_in, n_out, op.kernel, op.stride, op.padding, op.dilation):
        return None  # part of the hull is no longer read, and which part is not known
    return a.window(op.kernel, op.stride, op.padding, op.dilation)


def through(state: RFState, effect: ops.RFEffect, in_shape: Shape, out_shape: Shape, name: str) -> RFState:
    """The receptive field after a one-input op with this effect."""
    if state.rf is None:
        return state
    if effect.axes is None:
        if all(a.mode == "fixed" for a in state.rf):  # whatever it computes, it reads units that all see this
            return state
        return RFState(None, effect.reason or ops.UNKNOWN_OP, name)
    axes = [_axis_through(a, op, _positions(in_shape, i), _positions(out_shape, i))
            for i, (a, op) in enumerate(zip(state.rf, effect.axes, strict=True))]
    if axes[0] is None or axes[1] is None:
        return RFState(None, ops.NON_UNIFORM, name)
    rf = (axes[0], axes[1])
    return _with_reason(rf, state, effect.reason or ops.UNKNOWN_OP, name)


def _with_reason(rf: RF, before: RFState | None, reason: str, name: str) -> RFState:
    """Scattered axes keep the reason of the row that scattered them (or this row's, if it did)."""
    if not any(a.mode == "scattered" for a in rf):
        return RFState(rf)
    if before is not None and before.reason is not None:
        return RFState(rf, before.reason, before.source)
    return RFState(rf, reason, name)


def join(states: list[RFState], shapes: list[Shape], out_shape: Shape, name: str) -> RFState:
    """Operands read at the same position (an add, a gate's product, a concat): the union of their regions.

    An operand with one position along an axis that the output repeats (a pooled gate broadcast over the
    map) is read by every unit alike: its region is fixed, it brings no jump.
    """
    for st in states:
        if st.rf is None:
            return st
    parts: list[RF] = []
    for st, shape in zip(states, shapes, strict=True):
        assert st.rf is not None
        axes = list(st.rf)
        for i in (0, 1):
            n_out = _positions(out_shape, i)
            if n_out > 1 and (len(shape) < 4 or shape[len(shape) - 2 + i] == 1):
                axes[i] = axes[i].broadcast()
        parts.append((axes[0], axes[1]))
    rf = union(parts, (_positions(out_shape, 0), _positions(out_shape, 1)))
    before = next((st for st in states if st.reason is not None), None)
    return _with_reason(rf, before, "mixed-join", name)


def _channel_concat(args: tuple[Any, ...], kwargs: dict[str, Any], out_shape: Shape) -> bool:
    """A concat along channels (dim 1 of a 4-d map) keeps positions; along a spatial axis it does not."""
    dim = args[1] if len(args) > 1 else kwargs.get("dim", 0)
    return len(out_shape) == 4 and isinstance(dim, int) and dim % 4 == 1


class Recorder:
    """The state of one pass; a driver supplies outputs (:meth:`new_output`) and parameter counts."""

    def __init__(self) -> None:
        self.trace = Trace()
        self.stack: list[Scope] = []
        self.producer: dict[int, tuple[int, Any]] = {}
        self.used_names: Counter[str] = Counter()
        self.layouts: dict[int, tuple[int, layout.Layout]] = {}  # node → (the map it came from, its layout)

    # -- what a driver supplies

    def new_output(self, shape: Shape, like: Any) -> Any:
        """A fresh shape-carrying value of ``shape`` (a meta tensor, or a stand-in)."""
        raise NotImplementedError

    def count_params(self, module: Layer) -> tuple[int, int]:
        """(parameters, trainable parameters) of a layer, each shared parameter counted once."""
        raise NotImplementedError

    # -- naming and bookkeeping

    def unique(self, name: str) -> str:
        self.used_names[name] += 1
        n = self.used_names[name]
        return name if n == 1 else f"{name}:{n}"

    def depth(self) -> int:
        return len(self.stack)

    def parent_name(self) -> str:
        return self.stack[-1].name if self.stack else ""

    def source(self, t: Any) -> int:
        entry = self.producer.get(id(t))
        return entry[0] if entry else -1

    def state_of(self, index: int) -> RFState:
        if index < 0:
            return RFState(None, ops.UNKNOWN_OP, None)  # a tensor the pass did not see being made
        node = self.trace.nodes[index]
        return RFState(node.rf, node.rf_reason, node.rf_source)

    def differ(self, srcs: list[int]) -> bool:
        """Do the channels of any of these nodes' outputs see different regions?"""
        return any(self.trace.nodes[i].channels_differ for i in srcs if i >= 0)

    def add_node(self, node: Node, out: Any, state: RFState) -> None:
        node.rf, node.rf_reason, node.rf_source = state.rf, state.reason, state.source
        self.trace.nodes.append(node)
        self.trace.order.append(node)
        self.producer[id(out)] = (node.index, out)

    # -- the input, leaves, functional ops, containers

    def add_input(self, x: Any) -> None:
        shape = tuple(x.shape)
        self.trace.nodes.append(Node(0, "input", "Input", "input", 0, [], shape, shape, INPUT_RF))
        self.producer[id(x)] = (0, x)

    def leaf(self, module: Layer, name: str, op: OpSpec, x: Any, real: Any = None) -> Any:
        """A known layer: its output from the op table (or ``real``, when the layer ran), its receptive
        field from its geometry."""
        shape = tuple(x.shape)
        try:
            out_shape = op.out_shape(module, shape)
            geometry = op.geometry(module, shape)
        except ops.VanishingError as e:
            raise ops.VanishingError(f"{name or 'the model'} ({type(module).__name__}): {e}") from None
        except InspectError as e:
            raise InspectError(f"{name or 'the model'}: {e}") from None
        inplace = op.inplace(module)
        if real is not None:
            if tuple(real.shape) != out_shape:
                raise RuntimeError(f"{name}: the op table gives {list(out_shape)}, the layer {list(real.shape)}")
            out = real
        else:
            out = x if inplace else self.new_output(out_shape, x)
        src = self.source(x)
        params, trainable = self.count_params(module)
        unique = self.unique(name)
        state = through(self.state_of(src), op.effect(module, shape, out_shape), shape, out_shape, unique)
        node = Node(len(self.trace.nodes), unique, type(module).__name__, op.kind, self.depth(), [src], shape,
                    out_shape, None, module, geometry, params, trainable, inplace)
        node.channels_differ = self.differ([src]) and not (op.kind == "conv" and getattr(module, "groups", 1) == 1)
        node.pool = op.pool
        self.add_node(node, out, state)
        return out

    def unknown_leaf(self, module: Layer, name: str, x: Any, out: Any) -> None:
        """A layer with no entry in the op table, already run: recorded, its MACs unsupported.

        Its receptive field is exact when its type is known not to mix positions (or to mix them all);
        otherwise it stops there, with the reason, and so does every row that depends on it.
        """
        src = self.source(x)
        shape, out_shape = tuple(x.shape), tuple(out.shape)
        params, trainable = self.count_params(module)
        unique = self.unique(name)
        state = through(self.state_of(src), ops.module_effect(module, shape, out_shape), shape, out_shape, unique)
        node = Node(len(self.trace.nodes), unique, type(module).__name__, "unsupported",
                    self.depth(), [src], shape, out_shape, None, module, None, params,
                    trainable, supported=False, channels_differ=self.differ([src]))
        self.add_node(node, out, state)

    def count_tensors(self, tensors: list[Any]) -> tuple[int, int]:
        """(parameters, trainable) among tensors a functional op reads, each counted once per pass."""
        return 0, 0

    def apply_op(self, func_name: str, inputs: list[Any], *extra: Any) -> Any:
        """A shape-only functional op (add, flatten, ...) applied to traced values."""
        shape = op_output_shape(func_name, [tuple(t.shape) for t in inputs], extra, {})
        if shape is None:
            raise ValueError(f"{func_name} is not a shape-only op")
        out = inputs[0] if is_inplace(func_name) else self.new_output(shape, inputs[0])
        self.record_op(func_name, inputs, out)
        return out

    def record_op(self, func_name: str, inputs: list[Any], out: Any, args: tuple[Any, ...] = (),
                  kwargs: dict[str, Any] | None = None, params: list[Any] | None = None) -> None:
        """A functional op on traced values (``args``/``kwargs``: its full call, for its geometry and MACs)."""
        kwargs = kwargs or {}
        label = op_label(func_name)
        parent = self.parent_name()
        srcs = [self.source(t) for t in inputs]
        shapes = [tuple(t.shape) for t in inputs]
        in_shape, out_shape = shapes[0], tuple(out.shape)
        name = self.unique(f"{parent}.{label}" if parent else label)
        states = [self.state_of(i) for i in srcs]
        kind, op_macs = _op_kind(func_name, label, args, kwargs, in_shape, out_shape)
        leaf_params = bool(params) and bool(self.stack) and self.stack[-1].childless
        if op_macs is not None and not leaf_params:
            op_macs["torchinfo"] = 0  # torchinfo 1.8.0: mult-adds of a leaf module's own parameters only
        elif op_macs is None and leaf_params:  # no formula, but torchinfo counts the leaf's parameters
            op_macs = {"torchinfo": ops.torchinfo_leaf_macs(params or [], out_shape)}
        if func_name in POINTWISE_OPS or (func_name in CONCAT and _channel_concat(args, kwargs, out_shape)):
            state = join(states, shapes, out_shape, name)
        elif _keeps_map(func_name, args, kwargs, shapes, out_shape):
            state = join(states, shapes, out_shape, name) if len(inputs) > 1 else states[0]
        elif func_name in RESHAPE:
            state = through(states[0], ops.reshape_effect(in_shape, out_shape), in_shape, out_shape, name)
        elif len(inputs) == 1:
            effect = ops.functional_effect(func_name, args, kwargs, in_shape, out_shape)
            state = through(states[0], effect, in_shape, out_shape, name)
        else:
            state = next((st for st in states if st.rf is None), RFState(None, ops.UNKNOWN_OP, name))
        moved = self._moved(func_name, srcs[0], in_shape, out_shape, args, kwargs) if len(inputs) == 1 else None
        if moved is not None:
            state = through(self.state_of(moved[0]), moved[1], self.trace.nodes[moved[0]].output_shape
                            if moved[0] >= 0 else in_shape, out_shape, name)
        differ = self.differ(srcs)
        if func_name in CONCAT and _channel_concat(args, kwargs, out_shape):
            differ = differ or len({(st.rf, st.reason) for st in states}) > 1
        elif func_name == "conv2d" and _arg(args, kwargs, 6, "groups", 1) == 1:
            differ = False  # every output channel reads every input channel
        elif differ and func_name == "__getitem__" and len(out_shape) > 1 and out_shape[1] != in_shape[1]:
            state = RFState(None, CHANNEL_SPLIT, name)
        total, trainable = self.count_tensors(params or [])
        shown_type = label.capitalize() if func_name in BINARY | UNARY | RESHAPE else label
        node = Node(len(self.trace.nodes), name, shown_type, kind, self.depth(), srcs, in_shape, out_shape, None,
                    inplace=out is inputs[0], params=total, trainable_params=trainable,
                    supported=kind != "unsupported", op_macs=op_macs, channels_differ=differ,
                    pool=FUNCTIONAL_POOLS.get(func_name) if kind == "pool" else None)
        self.add_node(node, out, state)

    def _moved(self, func_name: str, src: int, in_shape: Shape, out_shape: Shape, args: tuple[Any, ...],
               kwargs: dict[str, Any]) -> tuple[int, ops.RFEffect] | None:
        """A ``view``/``permute`` chain that makes a map again (space-to-depth): the map it started from and
        the chain's effect; the layout of an intermediate tensor is kept for the next op."""
        if func_name not in LAYOUT_OPS:
            return None
        origin, before = self.layouts.get(src) or (src, layout.identity(in_shape))
        if before is None or src < 0:
            return None
        if func_name in RESHAPE:
            after = layout.regroup(before, out_shape)
        elif func_name == "permute":
            order = args[1:] if len(args) > 2 else _arg(args, kwargs, 1, "dims", ())
            after = layout.permute(before, tuple(order))
        else:
            after = before
        if after is None:
            return None
        self.layouts[len(self.trace.nodes)] = (origin, after)
        if len(out_shape) != 4 or origin == src:
            return None
        effect = layout.effect(after)
        return (origin, effect) if effect is not None else None

    def record_pieces(self, func_name: str, inputs: list[Any], outs: list[Any], args: tuple[Any, ...] = (),
                      kwargs: dict[str, Any] | None = None, params: list[Any] | None = None) -> None:
        """An op that returns several tensors: one row per piece (``split``, ``chunk``, ``unbind``), or one
        row whose other outputs come from it (a max pool's indices)."""
        kwargs = kwargs or {}
        if func_name not in TUPLE_OPS:
            self.record_op(func_name, inputs, outs[0], args, kwargs, params)
            first = self.producer.get(id(outs[0]))
            for t in outs[1:]:
                if first is not None:
                    self.producer[id(t)] = (first[0], t)
            return
        label, parent = op_label(func_name), self.parent_name()
        src, in_shape = self.source(inputs[0]), tuple(inputs[0].shape)
        dim = _arg(args, kwargs, 1 if func_name == "unbind" else 2, "dim", 0)
        offset = 0
        for piece in outs:
            out_shape = tuple(piece.shape)
            name = self.unique(f"{parent}.{label}" if parent else label)
            effect = _piece_effect(in_shape, out_shape, dim, offset)
            state = through(self.state_of(src), effect, in_shape, out_shape, name)
            if self.differ([src]) and isinstance(dim, int) and len(in_shape) > 1 and dim % len(in_shape) == 1:
                state = RFState(None, CHANNEL_SPLIT, name)  # which channels, and so which region, is not followed
            offset += out_shape[dim] if len(out_shape) == len(in_shape) and isinstance(dim, int) else 1
            self.add_node(Node(len(self.trace.nodes), name, label, "shape", self.depth(), [src], in_shape,
                               out_shape, None, op_macs=None, channels_differ=self.differ([src])), piece, state)

    def open_scope(self, name: str, type_name: str, x: Any, childless: bool = False) -> None:
        scope = Scope(self.unique(name), type_name, self.depth(), tuple(x.shape) if x is not None else (),
                      len(self.trace.nodes), childless=childless)
        self.stack.append(scope)
        self.trace.order.append(scope)

    def close_scope(self, out: Any) -> None:
        scope = self.stack.pop()
        scope.end = len(self.trace.nodes)
        if out is not None and hasattr(out, "shape"):
            scope.output_shape = tuple(out.shape)
            scope.output_node = self.source(out)

    def finish(self, out: Any) -> Trace:
        if out is not None and hasattr(out, "shape"):
            self.trace.output_node = self.source(out)
        return self.trace
