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
from . import ops
from .ops import Geometry, Layer, OpSpec, Shape
from .rf import INPUT_RF, RF, union


@dataclass
class Node:
    """One executed leaf layer or functional op (``kind``: conv, norm, act, add, ...)."""

    index: int
    name: str
    type: str
    kind: str
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


@dataclass
class Trace:
    """The raw result of one pass: nodes in execution order, and scopes interleaved (pre-order)."""

    nodes: list[Node] = field(default_factory=list)
    order: list[Node | Scope] = field(default_factory=list)
    output_node: int = -1


# Functional ops met outside leaf modules (in a container's forward).
BINARY = {"add", "__add__", "__radd__", "__iadd__", "add_", "sub", "__sub__", "__isub__", "sub_",
          "mul", "__mul__", "__rmul__", "__imul__", "mul_"}
UNARY = {"relu", "relu_", "sigmoid", "sigmoid_", "tanh", "gelu", "silu", "contiguous", "clone", "detach",
         "dropout"}
RESHAPE = {"flatten", "view", "reshape"}
ACTIVATIONS = ("relu", "sigmoid", "tanh", "gelu", "silu")


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


def through(rf: RF, geometry: Geometry | None, in_shape: Shape, out_shape: Shape) -> RF:
    """The receptive field after a layer: a window, a collapse of the spatial axes, or unchanged."""
    if geometry is not None:
        (kh, kw), (sh, sw), (ph, pw), (dh, dw) = geometry.kernel, geometry.stride, geometry.padding, \
            geometry.dilation
        return rf[0].window(kh, sh, ph, dh), rf[1].window(kw, sw, pw, dw)
    if len(in_shape) == 4 and len(out_shape) < 4:  # spatial axes folded into features: sees them all
        return rf[0].collapse(in_shape[2]), rf[1].collapse(in_shape[3])
    return rf


def pointwise_or_none(rf: RF | None, in_shape: Shape, out_shape: Shape) -> RF | None:
    if rf is None:
        return None
    if len(in_shape) == 4 and len(out_shape) == 4 and in_shape[2:] == out_shape[2:]:
        return rf
    return None


class Recorder:
    """The state of one pass; a driver supplies outputs (:meth:`new_output`) and parameter counts."""

    def __init__(self) -> None:
        self.trace = Trace()
        self.stack: list[Scope] = []
        self.producer: dict[int, tuple[int, Any]] = {}
        self.used_names: Counter[str] = Counter()

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

    def rf_of(self, index: int) -> RF | None:
        return self.trace.nodes[index].rf if index >= 0 else None

    def add_node(self, node: Node, out: Any) -> None:
        self.trace.nodes.append(node)
        self.trace.order.append(node)
        self.producer[id(out)] = (node.index, out)

    # -- the input, leaves, functional ops, containers

    def add_input(self, x: Any) -> None:
        shape = tuple(x.shape)
        self.trace.nodes.append(Node(0, "input", "Input", "input", 0, [], shape, shape, INPUT_RF))
        self.producer[id(x)] = (0, x)

    def leaf(self, module: Layer, name: str, op: OpSpec, x: Any) -> Any:
        """A known layer: its output from the op table, its receptive field from its geometry."""
        shape = tuple(x.shape)
        try:
            out_shape = op.out_shape(module, shape)
            geometry = op.geometry(module, shape)
        except ops.VanishingError as e:
            raise ops.VanishingError(f"{name or 'the model'} ({type(module).__name__}): {e}") from None
        except InspectError as e:
            raise InspectError(f"{name or 'the model'}: {e}") from None
        inplace = op.inplace(module)
        out = x if inplace else self.new_output(out_shape, x)
        src = self.source(x)
        rf = self.rf_of(src)
        if rf is not None:
            rf = through(rf, geometry, shape, out_shape)
        params, trainable = self.count_params(module)
        self.add_node(Node(len(self.trace.nodes), self.unique(name), type(module).__name__, op.kind,
                           self.depth(), [src], shape, out_shape, rf, module, geometry, params,
                           trainable, inplace), out)
        return out

    def unknown_leaf(self, module: Layer, name: str, x: Any, out: Any) -> None:
        """A layer with no entry in the op table, already run: recorded, its MACs unsupported."""
        src = self.source(x)
        rf = pointwise_or_none(self.rf_of(src), tuple(x.shape), tuple(out.shape))
        params, trainable = self.count_params(module)
        node = Node(len(self.trace.nodes), self.unique(name), type(module).__name__, "unsupported",
                    self.depth(), [src], tuple(x.shape), tuple(out.shape), rf, module, None, params,
                    trainable, supported=False)
        self.add_node(node, out)

    def apply_op(self, func_name: str, inputs: list[Any], *extra: Any) -> Any:
        """A shape-only functional op (add, flatten, ...) applied to traced values."""
        shape = op_output_shape(func_name, [tuple(t.shape) for t in inputs], extra, {})
        if shape is None:
            raise ValueError(f"{func_name} is not a shape-only op")
        out = inputs[0] if is_inplace(func_name) else self.new_output(shape, inputs[0])
        self.record_op(func_name, inputs, out)
        return out

    def record_op(self, func_name: str, inputs: list[Any], out: Any) -> None:
        label = op_label(func_name)
        parent = self.parent_name()
        srcs = [self.source(t) for t in inputs]
        in_shape = tuple(inputs[0].shape)
        out_shape = tuple(out.shape)
        rfs = [self.rf_of(s) for s in srcs]
        rf: RF | None
        if func_name in BINARY or func_name in UNARY:
            kind = "add" if label in ("add", "sub") else "act" if label in ACTIVATIONS else "op"
            known = [r for r in rfs if r is not None]
            rf = union(known) if len(known) == len(rfs) and known else None
        elif func_name in RESHAPE:
            kind = "shape"
            rf = rfs[0] if rfs[0] is None else through(rfs[0], None, in_shape, out_shape)
        else:
            kind = "unsupported"
            rf = pointwise_or_none(rfs[0], in_shape, out_shape) if len(rfs) == 1 else None
        name = self.unique(f"{parent}.{label}" if parent else label)
        node = Node(len(self.trace.nodes), name, label.capitalize() if kind != "unsupported" else label,
                    kind, self.depth(), srcs, in_shape, out_shape, rf, inplace=out is inputs[0],
                    supported=kind != "unsupported")
        self.add_node(node, out)

    def open_scope(self, name: str, type_name: str, x: Any) -> None:
        scope = Scope(self.unique(name), type_name, self.depth(), tuple(x.shape) if x is not None else (),
                      len(self.trace.nodes))
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
