"""One pass over a model: every executed layer and op, its shapes, inputs, geometry and receptive field.

The pass runs the model's own ``forward`` code on ``meta`` tensors, so residual adds, flattens and any
control flow are seen as they really execute, but no known layer runs its kernel: its output shape
comes from :mod:`.ops` (a tensor of that shape on ``meta`` holds no memory, so a 4096×4096 input costs
what a 224×224 one does).  A layer type with no entry runs for real on ``meta`` and is reported as
unsupported for MACs.  Hooks and temporary forwards are removed and train/eval modes restored, even on
error.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import Tensor, nn
from torch.overrides import TorchFunctionMode

from ..errors import InspectError
from . import ops
from .ops import Geometry, OpSpec, Shape
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
    module: nn.Module | None = None
    geometry: Geometry | None = None
    params: int = 0
    trainable_params: int = 0
    inplace: bool = False
    supported: bool = True
    rf_exact: bool = True


@dataclass
class Scope:
    """One call of a container module (the network, a stage, a block, a shortcut)."""

    name: str
    type: str
    depth: int
    module: nn.Module
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


# Functional ops met outside leaf modules (in a container's forward): name → kind.
_BINARY = {"add", "__add__", "__radd__", "__iadd__", "add_", "sub", "__sub__", "__isub__", "sub_",
           "mul", "__mul__", "__rmul__", "__imul__", "mul_"}
_UNARY = {"relu", "relu_", "sigmoid", "sigmoid_", "tanh", "gelu", "silu", "contiguous", "clone", "detach",
          "dropout"}
_RESHAPE = {"flatten", "view", "reshape"}


def _op_label(name: str) -> str:
    """``__iadd__``, ``__radd__``, ``add_`` and ``add`` are all an add."""
    base = name.strip("_")
    if name in _BINARY and name[:3] in ("__i", "__r"):
        base = base[1:]
    return base.rstrip("_")


def _is_inplace(name: str) -> bool:
    return name.startswith("__i") or (name.endswith("_") and not name.startswith("__"))


def _broadcast(shapes: list[Shape]) -> Shape:
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


def _view_shape(shape: Shape, target: tuple[int, ...]) -> Shape:
    total = math.prod(shape)
    known = math.prod(t for t in target if t != -1)
    return tuple(total // known if t == -1 else t for t in target)


class _Tracer(TorchFunctionMode):
    """Sees every torch function; records the ones applied to traced tensors outside leaf layers."""

    def __init__(self, run: _Run) -> None:
        super().__init__()
        self.run = run

    def __torch_function__(self, func: Callable[..., Any], types: Any, args: Any = (),
                           kwargs: Any = None) -> Any:
        kwargs = kwargs or {}
        run = self.run
        if run.leaf_depth:
            return func(*args, **kwargs)
        name = getattr(func, "__name__", "")
        if name == "__get__":  # a property such as .shape
            return func(*args, **kwargs)
        traced = [a for a in _tensors(args) if id(a) in run.producer]
        if not traced:
            return func(*args, **kwargs)
        out = self._shape_only(name, args, kwargs)
        if out is None:
            out = func(*args, **kwargs)
        if isinstance(out, Tensor):
            run.record_op(name, traced, out)
        return out

    @staticmethod
    def _shape_only(name: str, args: Any, kwargs: Any) -> Tensor | None:
        x = args[0]
        if not isinstance(x, Tensor):
            return None
        if name in _BINARY:
            shapes = [tuple(a.shape) for a in args if isinstance(a, Tensor)]
            shape = _broadcast(shapes)
        elif name in _UNARY:
            shape = tuple(x.shape)
        elif name == "flatten":
            start = args[1] if len(args) > 1 else kwargs.get("start_dim", 0)
            end = args[2] if len(args) > 2 else kwargs.get("end_dim", -1)
            shape = ops.flatten_shape(tuple(x.shape), start, end)
        elif name in ("view", "reshape") and len(args) > 1:
            target = args[1] if len(args) == 2 and isinstance(args[1], tuple | list | torch.Size) else args[1:]
            if not all(isinstance(t, int) for t in target):
                return None
            shape = _view_shape(tuple(x.shape), tuple(target))
        else:
            return None
        if _is_inplace(name):
            return x
        return torch.empty(shape, dtype=x.dtype, device="meta")


def _tensors(args: Any) -> Iterator[Tensor]:
    for a in args:
        if isinstance(a, Tensor):
            yield a
        elif isinstance(a, list | tuple):
            yield from _tensors(a)


class _Run:
    """State of one pass."""

    def __init__(self, model: nn.Module) -> None:
        self.model = model
        self.names = {id(m): n for n, m in model.named_modules()}
        self.trace = Trace()
        self.stack: list[Scope] = []
        self.producer: dict[int, tuple[int, Tensor]] = {}
        self.used_names: Counter[str] = Counter()
        self.seen_params: set[int] = set()
        self.leaf_depth = 0

    # -- naming and bookkeeping

    def unique(self, name: str) -> str:
        self.used_names[name] += 1
        n = self.used_names[name]
        return name if n == 1 else f"{name}:{n}"

    def depth(self) -> int:
        return len(self.stack)

    def parent_name(self) -> str:
        return self.stack[-1].name if self.stack else ""

    def source(self, t: Tensor) -> int:
        entry = self.producer.get(id(t))
        return entry[0] if entry else -1

    def rf_of(self, index: int) -> RF | None:
        return self.trace.nodes[index].rf if index >= 0 else None

    def add_node(self, node: Node, out: Tensor) -> None:
        self.trace.nodes.append(node)
        self.trace.order.append(node)
        self.producer[id(out)] = (node.index, out)

    def count_params(self, module: nn.Module) -> tuple[int, int]:
        total = trainable = 0
        for p in module.parameters(recurse=False):
            if id(p) in self.seen_params:
                continue
            self.seen_params.add(id(p))
            total += p.numel()
            trainable += p.numel() if p.requires_grad else 0
        return total, trainable

    # -- the input

    def make_input(self, shape: Shape, dtype: torch.dtype) -> Tensor:
        x = torch.empty(shape, dtype=dtype, device="meta")
        node = Node(0, "input", "Input", "input", 0, [], shape, shape, INPUT_RF)
        self.trace.nodes.append(node)
        self.producer[id(x)] = (0, x)
        return x

    # -- leaf layers

    def leaf_forward(self, module: nn.Module, name: str, op: OpSpec) -> Callable[..., Tensor]:
        def forward(x: Tensor, *rest: Any, **kw: Any) -> Tensor:
            shape = tuple(x.shape)
            try:
                out_shape = op.out_shape(module, shape)
                geometry = op.geometry(module, shape)
            except ops.VanishingError as e:
                raise ops.VanishingError(f"{name or 'the model'} ({type(module).__name__}): {e}") from None
            except InspectError as e:
                raise InspectError(f"{name or 'the model'}: {e}") from None
            inplace = op.inplace(module)
            out = x if inplace else torch.empty(out_shape, dtype=x.dtype, device="meta")
            src = self.source(x)
            rf = self.rf_of(src)
            if rf is not None:
                rf = _through(rf, geometry, shape, out_shape)
            params, trainable = self.count_params(module)
            self.add_node(Node(len(self.trace.nodes), self.unique(name), type(module).__name__, op.kind,
                               self.depth(), [src], shape, out_shape, rf, module, geometry, params,
                               trainable, inplace), out)
            return out

        return forward

    def unknown_leaf(self, module: nn.Module, name: str, x: Tensor, out: Any) -> None:
        if not isinstance(out, Tensor):
            raise InspectError(f"{name}: {type(module).__name__} returns {type(out).__name__}, not a tensor; "
                               "only modules that return one tensor can be analysed")
        src = self.source(x)
        rf = self.rf_of(src)
        rf = _pointwise_or_none(rf, tuple(x.shape), tuple(out.shape))
        params, trainable = self.count_params(module)
        node = Node(len(self.trace.nodes), self.unique(name), type(module).__name__, "unsupported",
                    self.depth(), [src], tuple(x.shape), tuple(out.shape), rf, module, None, params,
                    trainable, supported=False)
        self.add_node(node, out)

    # -- functional ops in containers

    def record_op(self, func_name: str, inputs: list[Tensor], out: Tensor) -> None:
        label = _op_label(func_name)
        parent = self.parent_name()
        srcs = [self.source(t) for t in inputs]
        in_shape = tuple(inputs[0].shape)
        out_shape = tuple(out.shape)
        rfs = [self.rf_of(s) for s in srcs]
        exact = True
        rf: RF | None
        if func_name in _BINARY or func_name in _UNARY:
            kind = "add" if label in ("add", "sub") else "act" if label in ("relu", "sigmoid", "tanh", "gelu",
                                                                            "silu") else "op"
            known = [r for r in rfs if r is not None]
            rf, exact = union(known) if len(known) == len(rfs) and known else (None, True)
        elif func_name in _RESHAPE:
            kind = "shape"
            rf = rfs[0] if rfs[0] is None else _through(rfs[0], None, in_shape, out_shape)
        else:
            kind = "unsupported"
            rf = _pointwise_or_none(rfs[0], in_shape, out_shape) if len(rfs) == 1 else None
        name = self.unique(f"{parent}.{label}" if parent else label)
        node = Node(len(self.trace.nodes), name, label.capitalize() if kind != "unsupported" else label,
                    kind, self.depth(), srcs, in_shape, out_shape, rf, inplace=out is inputs[0],
                    supported=kind != "unsupported", rf_exact=exact)
        self.add_node(node, out)

    # -- containers

    def enter(self, module: nn.Module, args: tuple[Any, ...]) -> None:
        name = self.names.get(id(module))
        if name is None:
            return
        if _is_leaf(module):
            if ops.lookup(module) is None:
                self.leaf_depth += 1
            return
        x = next(_tensors(args), None)
        scope = Scope(self.unique(name), type(module).__name__, self.depth(), module,
                      tuple(x.shape) if x is not None else (), len(self.trace.nodes))
        self.stack.append(scope)
        self.trace.order.append(scope)

    def leave(self, module: nn.Module, args: tuple[Any, ...], out: Any) -> None:
        name = self.names.get(id(module))
        if name is None:
            return
        if _is_leaf(module):
            if ops.lookup(module) is None:
                self.leaf_depth -= 1
                x = next(_tensors(args), None)
                if x is not None and not self.leaf_depth:
                    self.unknown_leaf(module, name, x, out)
            return
        scope = self.stack.pop()
        scope.end = len(self.trace.nodes)
        if isinstance(out, Tensor):
            scope.output_shape = tuple(out.shape)
            scope.output_node = self.source(out)


def _is_leaf(module: nn.Module) -> bool:
    return next(iter(module.children()), None) is None


def _through(rf: RF, geometry: Geometry | None, in_shape: Shape, out_shape: Shape) -> RF:
    """The receptive field after a layer: a window, a collapse of the spatial axes, or unchanged."""
    if geometry is not None:
        (kh, kw), (sh, sw), (ph, pw), (dh, dw) = geometry.kernel, geometry.stride, geometry.padding, \
            geometry.dilation
        return rf[0].window(kh, sh, ph, dh), rf[1].window(kw, sw, pw, dw)
    if len(in_shape) == 4 and len(out_shape) < 4:  # spatial axes folded into features: sees them all
        return rf[0].collapse(in_shape[2]), rf[1].collapse(in_shape[3])
    return rf


def _pointwise_or_none(rf: RF | None, in_shape: Shape, out_shape: Shape) -> RF | None:
    if rf is None:
        return None
    if len(in_shape) == 4 and len(out_shape) == 4 and in_shape[2:] == out_shape[2:]:
        return rf
    return None


@contextmanager
def _patched(run: _Run) -> Iterator[None]:
    """Temporary forwards for known leaves, global hooks, eval mode; all undone on exit."""
    model = run.model
    modes = [(m, m.training) for m in model.modules()]
    saved: list[tuple[nn.Module, Any]] = []
    handles = []
    try:
        model.eval()
        for name, m in model.named_modules():
            op = ops.lookup(m) if _is_leaf(m) else None
            if op is not None:
                saved.append((m, m.__dict__.get("forward")))
                m.forward = run.leaf_forward(m, name, op)
        handles.append(nn.modules.module.register_module_forward_pre_hook(
            lambda m, a: run.enter(m, a)))
        handles.append(nn.modules.module.register_module_forward_hook(
            lambda m, a, o: run.leave(m, a, o)))
        yield
    finally:
        for h in handles:
            h.remove()
        for m, fwd in saved:
            if fwd is None:
                del m.forward
            else:
                m.forward = fwd
        for m, training in modes:
            m.training = training


def trace(model: nn.Module, input_shape: Shape, dtype: torch.dtype = torch.float32) -> Trace:
    """Run ``model`` once on a ``meta`` input of ``input_shape`` and record what executes."""
    run = _Run(model)
    with _patched(run):
        x = run.make_input(input_shape, dtype)
        has_unknown = any(_is_leaf(m) and ops.lookup(m) is None and next(m.parameters(False), None) is not None
                          and not next(m.parameters(False)).is_meta for m in model.modules())
        with _Tracer(run), _meta_params(model) if has_unknown else nullcontext():
            out = model(x)
    if isinstance(out, Tensor):
        run.trace.output_node = run.source(out)
    return run.trace


@contextmanager
def _meta_params(model: nn.Module) -> Iterator[None]:
    """Swap real parameters and buffers for ``meta`` ones while layers without an entry run for real."""
    saved: list[tuple[nn.Module, str, Any, bool]] = []
    twins: dict[int, Tensor] = {}  # a shared parameter gets one meta twin, so it is still counted once
    try:
        for m in model.modules():
            for key, p in list(m._parameters.items()):
                if p is not None and not p.is_meta:
                    saved.append((m, key, p, True))
                    twin = twins.setdefault(id(p), nn.Parameter(torch.empty_like(p, device="meta"), p.requires_grad))
                    m._parameters[key] = twin  # type: ignore[assignment]
            for key, b in list(m._buffers.items()):
                if b is not None and not b.is_meta:
                    saved.append((m, key, b, False))
                    m._buffers[key] = torch.empty_like(b, device="meta")
        yield
    finally:
        for m, key, value, is_param in saved:
            (m._parameters if is_param else m._buffers)[key] = value

