"""The traced pass over a torch module: every executed layer and op, recorded by :mod:`.recorder`.

The pass runs the model's own ``forward`` code on ``meta`` tensors, so residual adds, flattens and any
control flow are seen as they really execute, but no known layer runs its kernel: its output shape
comes from :mod:`.ops` (a tensor of that shape on ``meta`` holds no memory, so a 4096×4096 input costs
what a 224×224 one does).  A layer type with no entry runs for real on ``meta`` and is reported as
unsupported for MACs.  Hooks and temporary forwards are removed and train/eval modes restored, even on
error.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

import torch
from torch import Tensor, nn
from torch.overrides import TorchFunctionMode

from ..errors import InspectError
from . import ops
from .ops import OpSpec, Shape
from .recorder import Recorder, Trace, is_inplace, op_output_shape


class _Tracer(TorchFunctionMode):
    """Sees every torch function; records the ones applied to traced tensors outside leaf layers."""

    def __init__(self, run: _Run) -> None:
        super().__init__()
        self.run = run

    def __torch_function__(self, func: Callable[..., Any], types: Any, args: Any = (),
                           kwargs: Any = None) -> Any:
        kwargs = kwargs or {}
        run = self.run
        if run.leaf_depth or threading.get_ident() != run.thread:
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
            params = [a for a in _tensors((*args, *kwargs.values())) if _parameter(a) is not None]
            run.record_op(name, traced, out, tuple(args), kwargs, params)
        return out

    @staticmethod
    def _shape_only(name: str, args: Any, kwargs: Any) -> Tensor | None:
        x = args[0]
        if not isinstance(x, Tensor):
            return None
        shapes = [tuple(a.shape) for a in args if isinstance(a, Tensor)]
        extra = tuple(tuple(a) if isinstance(a, torch.Size) else a for a in args[1:] if not isinstance(a, Tensor))
        shape = op_output_shape(name, shapes, extra, kwargs)
        if shape is None:
            return None
        return x if is_inplace(name) else torch.empty(shape, dtype=x.dtype, device="meta")


def _parameter(t: Tensor) -> nn.Parameter | None:
    """The parameter a tensor is (or is a view of), if any."""
    if isinstance(t, nn.Parameter):
        return t
    base = t._base
    return base if isinstance(base, nn.Parameter) else None


def _tensors(args: Any) -> Iterator[Tensor]:
    for a in args:
        if isinstance(a, Tensor):
            yield a
        elif isinstance(a, list | tuple):
            yield from _tensors(a)


class _Run(Recorder):
    """One pass over a torch module: hooks open and close scopes, known leaves answer from the op table."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model
        self.names = {id(m): n for n, m in model.named_modules()}
        self.seen_params: set[int] = set()
        self.leaf_depth = 0
        self.thread = threading.get_ident()

    def new_output(self, shape: Shape, like: Any) -> Tensor:
        return torch.empty(shape, dtype=like.dtype, device="meta")

    def count_params(self, module: nn.Module) -> tuple[int, int]:
        return self.count_tensors(list(module.parameters(recurse=False)))

    def count_tensors(self, tensors: list[Any]) -> tuple[int, int]:
        total = trainable = 0
        for t in tensors:
            p = _parameter(t)
            if p is None or id(p) in self.seen_params:
                continue
            self.seen_params.add(id(p))
            total += p.numel()
            trainable += p.numel() if p.requires_grad else 0
        return total, trainable

    def leaf_forward(self, module: nn.Module, name: str, op: OpSpec, own: Any) -> Callable[..., Tensor]:
        """The pass's forward for a known layer; any other thread still runs the layer's own."""

        def forward(x: Tensor, *rest: Any, **kw: Any) -> Tensor:
            if threading.get_ident() != self.thread:
                original: Tensor = (own or type(module).forward.__get__(module))(x, *rest, **kw)
                return original
            out: Tensor = self.leaf(module, name, op, x)
            return out

        return forward

    def enter(self, module: nn.Module, args: tuple[Any, ...]) -> None:
        name = self.names.get(id(module))
        if name is None or threading.get_ident() != self.thread:
            return
        if _is_leaf(module):
            if ops.lookup(module) is None:
                self.leaf_depth += 1
            return
        self.open_scope(name, type(module).__name__, next(_tensors(args), None))

    def leave(self, module: nn.Module, args: tuple[Any, ...], out: Any) -> None:
        name = self.names.get(id(module))
        if name is None or threading.get_ident() != self.thread:
            return
        if _is_leaf(module):
            if ops.lookup(module) is None:
                self.leaf_depth -= 1
                x = next(_tensors(args), None)
                if x is not None and not self.leaf_depth:
                    if not isinstance(out, Tensor):
                        raise InspectError(f"{name}: {type(module).__name__} returns {type(out).__name__}, not a "
                                           "tensor; only modules that return one tensor can be analysed")
                    self.unknown_leaf(module, name, x, out)
            return
        self.close_scope(out if isinstance(out, Tensor) else None)


def _is_leaf(module: nn.Module) -> bool:
    return next(iter(module.children()), None) is None


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
                own = m.__dict__.get("forward")
                saved.append((m, own))
                m.forward = run.leaf_forward(m, name, op, own)
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


# One traced pass at a time: a pass patches the modules it walks and swaps their parameters while
# layers without an entry run, so two passes over one module (from two threads) would see each other.
_PASS_LOCK = threading.Lock()
_PASS_LOCK_OWNER = threading.local()


def trace(model: nn.Module, input_shape: Shape, dtype: torch.dtype = torch.float32) -> Trace:
    """Run ``model`` once on a ``meta`` input of ``input_shape`` and record what executes.

    Safe to call from several threads: passes run one after another, and while one runs, other
    threads calling the same module run its own code, unrecorded.  The module is in eval mode during
    the pass (and, when it has layers without an entry, holds ``meta`` parameters), so do not inspect
    a module that another thread is training.
    """
    if getattr(_PASS_LOCK_OWNER, "active", False):
        raise InspectError("inspect() was called from inside a module being inspected; "
                           "call it outside the module's forward")
    with _PASS_LOCK:
        _PASS_LOCK_OWNER.active = True
        try:
            return _trace(model, input_shape, dtype)
        finally:
            _PASS_LOCK_OWNER.active = False


def _trace(model: nn.Module, input_shape: Shape, dtype: torch.dtype) -> Trace:
    run = _Run(model)
    with _patched(run):
        x = torch.empty(input_shape, dtype=dtype, device="meta")
        run.add_input(x)
        has_unknown = any(_is_leaf(m) and ops.lookup(m) is None and next(m.parameters(False), None) is not None
                          and not next(m.parameters(False)).is_meta for m in model.modules())
        with _Tracer(run), _meta_params(model) if has_unknown else nullcontext():
            out = model(x)
    return run.finish(out if isinstance(out, Tensor) else None)


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

