"""The traced pass over a torch module: every executed layer and op, recorded by :mod:`.recorder`.

The pass runs the model's own ``forward`` code, so residual adds, flattens and any control flow are
seen as they really execute.  A layer answers from :mod:`.ops` only when it runs the stock ``forward``
of a class in the op table; any other module (a conv subclass that pads first, a user's layer) is
traced into like a container, so the ``F.pad``, ``F.conv2d`` or ``view`` it calls are recorded with
their own geometry and MACs.  A ``torch.nn`` layer with no entry runs as it is and is reported as
unsupported for MACs.

Two ways to run (``run``):

``meta``
    every parameter, buffer and tensor the forward creates lives on the ``meta`` device in the
    requested dtype: no memory is touched, so a 4096×4096 input costs what a 224×224 one does.
``cpu``
    a real forward on CPU at the requested input (for a forward that needs values: ``.item()``, a
    data-dependent branch, its own assertions), after checking the memory it needs against a limit.
``auto``
    ``meta``, and ``cpu`` when the forward cannot run on meta tensors.

Hooks and temporary forwards are removed, parameters put back and train/eval modes restored, even on
error.  An exception raised by the model's own code is a :class:`~resnet_inspect.errors.ModelError`.
"""

from __future__ import annotations

import os
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import torch
from torch import Tensor, nn
from torch.overrides import TorchFunctionMode

from ..errors import InspectError, ModelError, one_line
from . import ops
from .ops import OpSpec, Shape
from .recorder import Recorder, Trace, is_inplace, op_output_shape

RUNS = ("auto", "meta", "cpu")
MAX_NESTING = 200  # torch's own forward hits Python's recursion limit from about 250 levels of modules
CPU_MEMORY_FRACTION = 0.5  # a real forward may use at most this part of the machine's memory
ACTIVATION_FACTOR = 24  # a real forward's peak, in copies of its input, estimated for the memory check
PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class _Tracer(TorchFunctionMode):
    """Sees every torch function; records the ones applied to traced tensors outside opaque layers."""

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
        if name in ("__get__", "size", "dim", "numel"):  # a property such as .shape, or a size query
            return func(*args, **kwargs)
        traced = [a for a in _tensors((*args, *kwargs.values())) if id(a) in run.producer]
        if not traced:
            return func(*args, **kwargs)
        out = self._shape_only(name, args, kwargs) if run.mode == "meta" else None
        if out is None:
            out = func(*args, **kwargs)
        params = [a for a in _tensors((*args, *kwargs.values())) if _parameter(a) is not None]
        if isinstance(out, Tensor):
            run.record_op(name, traced, out, tuple(args), kwargs, params)
        elif isinstance(out, tuple | list) and out and all(isinstance(t, Tensor) for t in out):
            run.record_pieces(name, traced, list(out), tuple(args), kwargs, params)
        return out

    @staticmethod
    def _shape_only(name: str, args: Any, kwargs: Any) -> Tensor | None:
        x = args[0] if args else None
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


def _children(module: nn.Module) -> list[nn.Module]:
    """A module's sub-modules, less the ones that compute a parametrized weight."""
    return [m for k, m in module._modules.items() if m is not None and k != "parametrizations"]


def own_parameters(module: nn.Module) -> list[nn.Parameter]:
    """A layer's parameters, those behind a parametrized weight included (``weight_norm``'s g and v)."""
    params = [p for p in module._parameters.values() if p is not None]
    found = module._modules.get("parametrizations")
    return params + (list(found.parameters()) if found is not None else [])


def _is_torch_layer(module: nn.Module) -> bool:
    return type(module).__module__.startswith("torch.nn") and not _children(module)


def _role(module: nn.Module) -> str:
    """``stock`` (answers from the op table), ``layer`` (a torch layer run as it is) or ``container``
    (its forward is traced)."""
    if ops.stock(module) is not None:
        return "stock"
    return "layer" if _is_torch_layer(module) else "container"


class _Run(Recorder):
    """One pass over a torch module: hooks open and close scopes, stock known layers answer from the table."""

    def __init__(self, model: nn.Module, mode: str) -> None:
        super().__init__()
        self.model = model
        self.mode = mode
        self.names = {id(m): n for n, m in model.named_modules(remove_duplicate=False)
                      if "parametrizations" not in n.split(".")}
        self.roles = {id(m): _role(m) for m in model.modules()}  # before any forward is patched
        self.seen_params: set[int] = set()
        self.leaf_depth = 0
        self.thread = threading.get_ident()

    def new_output(self, shape: Shape, like: Any) -> Tensor:
        return torch.empty(shape, dtype=like.dtype, device="meta")

    def count_params(self, module: nn.Module) -> tuple[int, int]:
        return self.count_tensors(list(own_parameters(module)))

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

    def leaf_forward(self, module: nn.Module, name: str, op: OpSpec) -> Callable[..., Any]:
        """The pass's forward for a stock known layer; any other thread still runs the layer's own."""
        own = type(module).forward.__get__(module)

        def forward(x: Tensor, *rest: Any, **kw: Any) -> Any:
            if threading.get_ident() != self.thread or self.leaf_depth:
                return own(x, *rest, **kw)
            real = None
            if self.mode == "cpu":
                self.leaf_depth += 1
                try:
                    real = own(x, *rest, **kw)
                finally:
                    self.leaf_depth -= 1
            first = real[0] if isinstance(real, tuple) else real
            out = self.leaf(module, name, op, x, first)
            if not getattr(module, "return_indices", False):
                return out
            indices = real[1] if isinstance(real, tuple) else torch.empty(out.shape, dtype=torch.int64,
                                                                          device="meta")
            self.alias(indices, out)
            return out, indices

        return forward

    def alias(self, t: Tensor, of: Tensor) -> None:
        """``t`` comes from the node that made ``of`` (a pool's indices)."""
        entry = self.producer.get(id(of))
        if entry is not None:
            self.producer[id(t)] = (entry[0], t)

    def _role(self, module: nn.Module) -> str:
        return self.roles.get(id(module)) or _role(module)

    def enter(self, module: nn.Module, args: tuple[Any, ...]) -> None:
        name = self.names.get(id(module))
        if name is None or threading.get_ident() != self.thread or self.leaf_depth:
            if name is not None and self.leaf_depth and threading.get_ident() == self.thread:
                self.leaf_depth += 1  # a module called inside an opaque layer is part of it
            return
        role = self._role(module)
        if role == "layer":
            self.leaf_depth += 1
        elif role == "container":
            self.open_scope(name, type(module).__name__, next(_tensors(args), None), not _children(module))

    def leave(self, module: nn.Module, args: tuple[Any, ...], out: Any) -> None:
        name = self.names.get(id(module))
        if name is None or threading.get_ident() != self.thread:
            return
        if self.leaf_depth:
            self.leaf_depth -= 1
            if self.leaf_depth or self._role(module) != "layer":
                return
            x = next(_tensors(args), None)
            first = out if isinstance(out, Tensor) else next(_tensors(out if isinstance(out, tuple | list) else ()),
                                                             None)
            if x is None or first is None:
                raise InspectError(f"{name}: {type(module).__name__} returns {type(out).__name__}, not a "
                                   "tensor; only layers that return tensors can be analysed")
            self.unknown_leaf(module, name, x, first)
            for t in _tensors(out if isinstance(out, tuple | list) else ()):
                self.alias(t, first)
            return
        if self._role(module) == "container":
            self.close_scope(out if isinstance(out, Tensor) else next(_tensors(out), None)
                             if isinstance(out, tuple | list) else None)


@contextmanager
def _patched(run: _Run) -> Iterator[None]:
    """Temporary forwards for stock known layers, global hooks, eval mode; all undone on exit."""
    model = run.model
    modes = [(m, m.training) for m in model.modules()]
    patched: list[nn.Module] = []
    handles = []
    try:
        model.eval()
        for name, m in model.named_modules():
            op = ops.stock(m) if run.roles.get(id(m)) == "stock" else None
            if op is not None:
                m.forward = run.leaf_forward(m, name, op)
                patched.append(m)
        handles.append(nn.modules.module.register_module_forward_pre_hook(
            lambda m, a: run.enter(m, a)))
        handles.append(nn.modules.module.register_module_forward_hook(
            lambda m, a, o: run.leave(m, a, o)))
        yield
    finally:
        for h in handles:
            h.remove()
        for m in patched:
            del m.forward
        for m, training in modes:
            m.training = training


# One traced pass at a time: a pass patches the modules it walks and swaps their parameters for meta
# ones, so two passes over one module (from two threads) would see each other.
_PASS_LOCK = threading.Lock()
_PASS_LOCK_OWNER = threading.local()


def trace(model: nn.Module, input_shape: Shape, dtype: torch.dtype = torch.float32, run: str = "auto") -> Trace:
    """Run ``model`` once at ``input_shape`` and record what executes (``run``: see the module's docstring).

    The trace's ``run`` says which way ran.  Safe to call from several threads: passes run one after
    another, and while one runs, other threads calling the same module run its own code, unrecorded.
    The module is in eval mode during the pass (and holds ``meta`` parameters), so do not inspect a
    module that another thread is training.
    """
    if run not in RUNS:
        raise InspectError(f"run {run!r} is not one of {', '.join(RUNS)}")
    check_tree(model)
    if getattr(_PASS_LOCK_OWNER, "active", False):
        raise InspectError("inspect() was called from inside a module being inspected; "
                           "call it outside the module's forward")
    with _PASS_LOCK:
        _PASS_LOCK_OWNER.active = True
        try:
            if run == "cpu":
                return _trace_cpu(model, input_shape, dtype, None)
            try:
                return _trace(model, input_shape, dtype, "meta")
            except _MetaFailed as failed:
                if run == "meta":
                    raise ModelError(f"{failed.where}the forward cannot run on meta tensors: {failed.what}; "
                                     "run it for real with run='cpu'") from None
                return _trace_cpu(model, input_shape, dtype, failed)
        finally:
            _PASS_LOCK_OWNER.active = False


class _MetaFailed(Exception):
    """The forward raised on meta tensors (it may need values): the CPU run is tried next."""

    def __init__(self, where: str, what: str) -> None:
        super().__init__(what)
        self.where, self.what = where, what


def _trace(model: nn.Module, input_shape: Shape, dtype: torch.dtype, mode: str) -> Trace:
    run = _Run(model, mode)
    with _patched(run):
        if mode == "meta":
            x = torch.empty(input_shape, dtype=dtype, device="meta")
            context: Any = _meta_params(model, dtype)
        else:
            x = torch.zeros(input_shape, dtype=_model_dtype(model, dtype))
            context = torch.no_grad()
        run.add_input(x)
        try:
            with context, _Tracer(run), (torch.device("meta") if mode == "meta" else _nothing()):
                out = model(x)
        except (InspectError, _MetaFailed):
            raise
        except Exception as e:  # whose fault it is decides what is raised
            if _raised_here(e):
                raise
            where = f"in {run.stack[-1].name or 'the model'} ({run.stack[-1].type}): " if run.stack else ""
            what = one_line(f"{type(e).__name__}: {e}")
            if isinstance(e, TypeError) and len(run.stack) <= 1 and "forward() missing" in str(e):
                raise ModelError(f"its forward needs more than one input ({what}); resnet-inspect feeds one image "
                                 "batch: wrap it in a module whose forward takes one tensor", cause=e) from None
            if mode == "meta":
                raise _MetaFailed(where, what) from None
            raise ModelError(f"the model's forward failed {where}{what}", cause=e) from None
    first = out if isinstance(out, Tensor) else next(_tensors(out if isinstance(out, tuple | list) else ()), None)
    tr = run.finish(first)
    tr.run = mode
    return tr


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def _trace_cpu(model: nn.Module, input_shape: Shape, dtype: torch.dtype, failed: _MetaFailed | None) -> Trace:
    """A real forward on CPU, when its parameters are real and the memory it needs is there."""
    why = f" (on meta tensors {failed.where}{failed.what})" if failed else ""
    if any(t.is_meta for t in (*model.parameters(), *model.buffers())):
        raise ModelError(f"the forward needs real values{why}, but the model's parameters are on the meta "
                         "device: build it with real weights (e.g. on CPU) to analyse it")
    itemsize = torch.empty((), dtype=_model_dtype(model, dtype)).element_size()
    need = ACTIVATION_FACTOR * itemsize * _numel(input_shape)
    limit = int(CPU_MEMORY_FRACTION * _memory_bytes())
    if need > limit:
        raise InspectError(f"the forward needs real values{why}; a real forward at {'×'.join(map(str, input_shape))} "
                           f"needs about {need / 2**30:.1f} GiB, more than the {limit / 2**30:.1f} GiB allowed: "
                           "give a smaller --input")
    return _trace(model, input_shape, dtype, "cpu")


def _numel(shape: Shape) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


def _memory_bytes() -> int:
    """The machine's physical memory."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return 8 * 2**30


def _model_dtype(model: nn.Module, dtype: torch.dtype) -> torch.dtype:
    """The dtype a real forward takes: the model's own floating dtype, else the one asked for."""
    for t in (*model.parameters(), *model.buffers()):
        if t.is_floating_point():
            return t.dtype
    return dtype


def _raised_here(e: BaseException) -> bool:
    """Did this package raise ``e`` (a fault of resnet-inspect), rather than the model's code or torch under it?"""
    torch_dir = os.path.dirname(os.path.abspath(torch.__file__)) + os.sep
    frames = [os.path.abspath(f.f_code.co_filename) for f, _ in traceback.walk_tb(e.__traceback__)]
    if frames and frames[-1].startswith(PACKAGE_DIR + os.sep):
        return True  # raised by this package's own code
    for path in reversed(frames):  # torch, called through the tracer: the code that called it decides
        if not path.startswith(torch_dir) and path != __file__:
            return path.startswith(PACKAGE_DIR + os.sep)
    return False


def check_tree(model: nn.Module) -> None:
    """Refuse a module tree that loops (a module inside itself) or nests deeper than torch can run."""
    done: set[int] = set()
    stack: list[tuple[nn.Module, str, int]] = [(model, "", 0)]
    path: list[tuple[int, str]] = []
    while stack:
        m, name, level = stack.pop()
        del path[level:]
        if any(i == id(m) for i, _ in path):
            first = next(n for i, n in path if i == id(m))
            raise InspectError(f"the module tree loops: {name or 'the model'} is {first or 'the model'} again, "
                               "inside itself; a module cannot contain itself")
        if level > MAX_NESTING:
            raise InspectError(f"modules nest {level} levels deep at {name[:120]}…; torch's own forward cannot run "
                               f"deeper than about {MAX_NESTING} levels")
        path.append((id(m), name))
        if id(m) in done:
            continue
        done.add(id(m))
        for key, child in reversed(list(m._modules.items())):
            if child is not None:
                stack.append((child, f"{name}.{key}" if name else key, level + 1))


@contextmanager
def _meta_params(model: nn.Module, dtype: torch.dtype) -> Iterator[None]:
    """Every parameter and buffer as a ``meta`` twin (floating ones in ``dtype``) for the pass; put back after."""
    saved: list[tuple[nn.Module, str, Any, bool]] = []
    twins: dict[int, Tensor] = {}  # a shared tensor gets one twin, so it is still counted once

    def twin(t: Tensor) -> Tensor:
        kind = dtype if t.is_floating_point() else t.dtype
        made = torch.empty(t.shape, dtype=kind, device="meta")
        return nn.Parameter(made, t.requires_grad) if isinstance(t, nn.Parameter) else made

    try:
        for m in model.modules():
            for store, is_param in ((m._parameters, True), (m._buffers, False)):
                for key, t in list(store.items()):
                    if t is not None:
                        saved.append((m, key, t, is_param))
                        store[key] = twins.setdefault(id(t), twin(t))  # type: ignore[assignment]
        yield
    finally:
        for m, key, value, is_param in saved:
            (m._parameters if is_param else m._buffers)[key] = value
