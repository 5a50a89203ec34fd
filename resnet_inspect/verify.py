"""Our numbers beside the tools people know, each under that tool's own convention.

For one model, :func:`verify_model` compares the analysis with

- torchinfo 1.8 (per-layer output shapes, parameters and mult-adds; our ``--count torchinfo``),
- fvcore's FlopCountAnalysis (FLOPs per module; our ``--count fvcore``),
- PyTorch's ``FlopCounterMode`` (FLOPs per module = 2 × our conv + fc MACs),
- a real forward pass on CPU (every row's output shape),
- the gradient-support measurement of the final receptive field (size, jump, padding),
- torchvision's own module and its weights metadata, where torchvision is installed,
- the published figures of :mod:`resnet_inspect.reference`.

Each comparison is a :class:`Check`: ``exact``, ``rounded`` (agrees with a figure to the precision its
source printed), ``explained`` (a known difference, with its cause), ``differs`` or ``skipped`` (with
the reason).  Only ``differs`` is a failure.  torchinfo and fvcore are imported here and nowhere else.
"""

from __future__ import annotations

import copy
import dataclasses
import importlib
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from . import reference
from .errors import InspectError

if TYPE_CHECKING:
    import torch
    from torch import nn

    from .analysis.result import Inspection

EXTRA_HINT = "pip install 'resnet-inspect[verify]'"
STATUSES = ("exact", "rounded", "explained", "differs", "skipped")
MAX_LISTED = 3  # mismatching rows named per check
ModelRef = Any  # a registry name, a custom spec or an nn.Module


@dataclass(frozen=True)
class Check:
    """One comparison: what was compared, under which convention, both values and the verdict."""

    tool: str
    what: str
    convention: str
    ours: Any
    theirs: Any
    status: str
    cause: str = ""
    compared: int = 1
    mismatches: tuple[str, ...] = ()
    source: str = ""  # the full citation of a published figure

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["mismatches"] = list(self.mismatches)
        return d


@dataclass(frozen=True)
class ModelReport:
    """Every check of one model, at one input shape."""

    model: str
    input_shape: tuple[int, ...]
    checks: tuple[Check, ...]
    seconds: float

    @property
    def ok(self) -> bool:
        return all(c.status != "differs" for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, "input_shape": list(self.input_shape), "ok": self.ok,
                "seconds": round(self.seconds, 3), "checks": [c.to_dict() for c in self.checks]}


@dataclass(frozen=True)
class VerifyReport:
    """The checks of several models and their tally."""

    models: tuple[ModelReport, ...]
    seconds: float
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return all(m.ok for m in self.models)

    def tally(self) -> dict[str, int]:
        counts = Counter(c.status for m in self.models for c in m.checks)
        return {s: counts.get(s, 0) for s in STATUSES}

    def summary(self) -> str:
        """``3 models, 61 checks: 52 exact, 3 rounded, 0 explained, 6 skipped, 0 differ (12.3 s)``."""
        t = self.tally()
        n = sum(t.values())
        return (f"{len(self.models)} model{'s' * (len(self.models) != 1)}, {n} checks: {t['exact']} exact, "
                f"{t['rounded']} to the printed rounding, {t['explained']} explained, {t['skipped']} skipped, "
                f"{t['differs']} differ ({self.seconds:.1f} s)")

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "tally": self.tally(), "summary": self.summary(), "seconds": round(self.seconds, 3),
                "notes": list(self.notes), "models": [m.to_dict() for m in self.models]}


def require_tools() -> None:
    """torchinfo and fvcore come with the ``verify`` extra; say how to install them when missing."""
    for name in ("torchinfo", "fvcore"):
        try:
            importlib.import_module(name)
        except ImportError:
            raise InspectError(f"verify needs {name}, which is not installed: {EXTRA_HINT}") from None


# --------------------------------------------------------------------------- building blocks


def _verdict(ours: Any, theirs: Any) -> str:
    return "exact" if ours == theirs else "differs"


def _rows_check(tool: str, what: str, convention: str, pairs: list[tuple[str, Any, Any]]) -> Check:
    """A per-row comparison: exact when every (row, ours, theirs) pair agrees."""
    bad = [f"{name or '(network)'}: {_show(o)} vs {_show(t)}" for name, o, t in pairs if o != t]
    if not pairs:
        return Check(tool, what, convention, None, None, "skipped", "no rows to compare", 0)
    return Check(tool, what, convention, None, None, "differs" if bad else "exact",
                 f"{len(bad)} of {len(pairs)} rows differ" if bad else "", len(pairs), tuple(bad[:MAX_LISTED]))


def _show(v: Any) -> str:
    if isinstance(v, tuple | list):
        return "×".join(str(x) for x in v)
    return f"{v:,}" if isinstance(v, int) else str(v)


def _call_names(model: nn.Module) -> Callable[[nn.Module], str]:
    """Row names of module calls in execution order: ``conv1``, then ``conv1:2`` for a second call."""
    names = {id(m): n for n, m in model.named_modules()}
    calls: Counter[str] = Counter()

    def name_of(m: nn.Module) -> str:
        base = names[id(m)]
        calls[base] += 1
        return base if calls[base] == 1 else f"{base}:{calls[base]}"

    return name_of


def _leaf(m: nn.Module) -> bool:
    return next(iter(m.children()), None) is None


@dataclass
class Subject:
    """What is verified: a CPU copy of the network, our analyses of it, and how to rebuild it."""

    label: str
    model_ref: ModelRef
    cpu: nn.Module
    x: torch.Tensor
    ours: dict[str, Inspection]
    spec_name: str | None
    thin_build: Callable[[], nn.Module]
    channels: int

    def rows(self, policy: str = "conv-fc") -> dict[str, Any]:
        return {r.name: r for r in self.ours[policy].rows}


def _zeroed_cpu(model: nn.Module, copy_meta: bool = True) -> nn.Module:
    """A CPU copy with real (zero) tensors: shapes and counts only, and no denormals to slow the CPU."""
    import torch

    if not any(t.is_meta for t in (*model.parameters(), *model.buffers())):
        return model
    cpu = (copy.deepcopy(model) if copy_meta else model).to_empty(device="cpu")
    with torch.no_grad():
        for t in (*cpu.parameters(), *cpu.buffers()):
            t.zero_()
    return cpu


def small_input(spec_size: tuple[int, int]) -> tuple[int, int]:
    """A small, non-square input that keeps real forward passes fast: 64×80 for ImageNet-size nets, 16×24
    for CIFAR-size ones (every stage still has a map of several pixels)."""
    return (16, 24) if max(spec_size) <= 64 else (64, 80)


def subject(model_ref: ModelRef, input_size: Any = None) -> Subject:
    """Analyse ``model_ref`` under every policy a tool needs and make a CPU copy of it."""
    import torch

    from . import registry
    from .analysis import inspect
    from .gradient_rf import thin_spec

    if isinstance(model_ref, str):
        spec = registry.get_spec(model_ref)
        size = input_size if input_size is not None else small_input(spec.input_size)
        ours = {p: inspect(spec, input_size=size, policy=p) for p in ("conv-fc", "torchinfo", "fvcore")}
        cpu = _zeroed_cpu(registry.build(spec), copy_meta=False).eval()
        label, spec_name, channels = model_ref, model_ref, 1

        def thin() -> nn.Module:
            return registry.build(thin_spec(spec), device="cpu")
    else:
        ours = {p: inspect(model_ref, input_size=input_size, policy=p) for p in ("conv-fc", "torchinfo", "fvcore")}
        cpu = _zeroed_cpu(model_ref)
        label, spec_name, channels = type(model_ref).__name__, None, ours["conv-fc"].input_shape[1]

        def thin() -> nn.Module:
            return copy.deepcopy(cpu)
    x = torch.zeros(ours["conv-fc"].input_shape)
    return Subject(label, model_ref, cpu, x, ours, spec_name, thin, channels)


@contextmanager
def _eval(model: nn.Module) -> Iterator[None]:
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    try:
        yield
    finally:
        for m, training in modes:
            m.training = training


# --------------------------------------------------------------------------- the comparisons


def check_forward(s: Subject) -> list[Check]:
    """One real CPU forward pass, watched twice: every module call's output shape vs the row of that name,
    and PyTorch's FlopCounterMode (FLOPs per leaf module and in total = 2 × our conv + fc MACs)."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    name_of, seen = _call_names(s.cpu), []

    def hook(m: nn.Module, args: Any, out: Any) -> None:
        if isinstance(out, torch.Tensor):
            seen.append((name_of(m), tuple(out.shape)))

    counter = FlopCounterMode(display=False)
    handle = torch.nn.modules.module.register_module_forward_hook(hook)
    try:
        with counter, torch.no_grad(), _eval(s.cpu):
            s.cpu(s.x)
    finally:
        handle.remove()
    rows = s.rows()
    pairs = [(n, rows[n].output_shape if n in rows else "no row", shape) for n, shape in seen]
    return [_rows_check("forward pass", "output shape of every module call", "real CPU tensors", pairs),
            *_flop_counter_checks(s, counter)]


def check_torchinfo(s: Subject) -> list[Check]:
    """torchinfo's per-layer output shapes, parameters and mult-adds, and its totals."""
    import torchinfo

    with _eval(s.cpu):
        stats = torchinfo.summary(s.cpu, input_data=s.x, verbose=0, depth=1_000)
    name_of, rows, rows_ti = _call_names(s.cpu), s.rows(), s.rows("torchinfo")
    shapes, params, macs = [], [], []
    for info in stats.summary_list:
        name = name_of(info.module)
        if not info.is_leaf_layer or name not in rows:
            continue
        row = rows[name]
        shapes.append((name, row.output_shape, tuple(info.output_size)))
        params.append((name, row.params, info.num_params))
        macs.append((name, rows_ti[name].macs, info.macs))
    conv = "--count torchinfo"
    totals = s.ours["torchinfo"].totals
    return [
        _rows_check("torchinfo", "output shape per layer", "summary_list", shapes),
        _rows_check("torchinfo", "parameters per layer", "num_params", params),
        _rows_check("torchinfo", "mult-adds per layer", conv, macs),
        Check("torchinfo", "total parameters", "total_params", totals.params, stats.total_params,
              _verdict(totals.params, stats.total_params)),
        Check("torchinfo", "total mult-adds", conv, totals.macs, stats.total_mult_adds,
              _verdict(totals.macs, stats.total_mult_adds)),
    ]


def _by_module(rows: Sequence[Any], key: str = "macs", leaves: set[str] | None = None) -> dict[str, int]:
    """Sum a leaf field over every call of each module (fvcore and FlopCounterMode report per module).

    The ops traced inside a leaf module with its own forward (``conv.pad``, ``conv.conv2d`` of a TF-"SAME"
    conv) count for that module, as the tools see it.
    """
    out: Counter[str] = Counter()
    for r in rows:
        if r.is_leaf:
            out[_owner(r.name.split(":")[0], leaves or set())] += getattr(r, key) or 0
    return dict(out)


def _owner(name: str, leaves: set[str]) -> str:
    """The leaf module a row's ops ran in: the longest dotted prefix of ``name`` that is one, else ``name``."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        prefix = ".".join(p.split(":")[0] for p in parts[:end])
        if prefix in leaves:
            return prefix
    return name


def _module_leaves(model: nn.Module) -> set[str]:
    return {n for n, m in model.named_modules() if _leaf(m) and n}


# Differences with a known cause: fvcore's op handles, and the layers each one leaves uncounted.
FVCORE_GAPS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "aten::_convolution_mode": (
        lambda m: type(m).__name__.startswith("Conv") and isinstance(getattr(m, "padding", 0), str),
        "fvcore 0.1.5 has no handle for aten::_convolution_mode, the op of a conv whose padding is a string "
        "('same', 'valid'), and counts such a conv as 0"),
}


def check_fvcore(s: Subject) -> list[Check]:
    """fvcore's FLOPs (one FMA = one flop) per leaf module and in total, under our ``--count fvcore``."""
    from fvcore.nn import FlopCountAnalysis

    with _eval(s.cpu), warnings.catch_warnings():  # fvcore traces with torch.jit, which newer torch deprecates
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        fv = FlopCountAnalysis(s.cpu, s.x).unsupported_ops_warnings(False).uncalled_modules_warnings(False)
        by_module, total, skipped = fv.by_module(), fv.total(), fv.unsupported_ops()
    ours = _by_module(s.ours["fvcore"].rows, leaves=_module_leaves(s.cpu))
    pairs = [(n, ours.get(n, 0), by_module.get(n, 0)) for n in sorted(_module_leaves(s.cpu)) if n in by_module]
    modules = dict(s.cpu.named_modules())
    gaps = {n: cause for op, (hits, cause) in FVCORE_GAPS.items() if op in skipped
            for n in modules if n and hits(modules[n])}
    t = s.ours["fvcore"].totals.macs
    uncounted = sum(ours.get(n, 0) for n in gaps if by_module.get(n, 0) == 0)
    totals = Check("fvcore", "total FLOPs", "--count fvcore", t, total, _verdict(t, total))
    if totals.status == "differs" and uncounted and t - uncounted == total:
        totals = dataclasses.replace(totals, status="explained", cause=_causes(gaps))
    return [_explained(_rows_check("fvcore", "FLOPs per leaf module", "--count fvcore", pairs), pairs, gaps),
            totals]


def _causes(gaps: dict[str, str]) -> str:
    return "; ".join(sorted(set(gaps.values())))


def _explained(check: Check, pairs: list[tuple[str, Any, Any]], gaps: dict[str, str]) -> Check:
    """A per-row check whose every differing row has a known cause (and a zero from the tool) is explained."""
    bad = [(n, o, t) for n, o, t in pairs if o != t]
    if check.status != "differs" or not all(n in gaps and t == 0 for n, _, t in bad):
        return check
    return dataclasses.replace(check, status="explained",
                               cause=f"{len(bad)} of {len(pairs)} rows: {_causes({n: gaps[n] for n, _, _ in bad})}")


def _flop_counter_checks(s: Subject, counter: Any) -> list[Check]:
    counts = counter.get_flop_counts()
    prefix = type(s.cpu).__name__ + "."
    theirs = {k.removeprefix(prefix): sum(v.values()) for k, v in counts.items()}
    ours = {n: 2 * m for n, m in _by_module(s.ours["conv-fc"].rows, leaves=_module_leaves(s.cpu)).items()}
    pairs = [(n, ours.get(n, 0), theirs.get(n, 0)) for n in sorted(_module_leaves(s.cpu))]
    total = counter.get_total_flops()
    t = s.ours["conv-fc"].totals.flops
    return [_rows_check("FlopCounterMode", "FLOPs per leaf module", "2 × conv-fc MACs", pairs),
            Check("FlopCounterMode", "total FLOPs", "2 × conv-fc MACs", t, total, _verdict(t, total))]


def _probe_thin(s: Subject, length: int) -> int:
    """The thinnest probe (across the measured axis) the network accepts: VGG's 2×2 pools need 32."""
    from .analysis import inspect

    thin = 1
    while thin < 1024:
        try:
            inspect(s.model_ref, input_size=(s.ours["conv-fc"].input_shape[1], length, thin))
            return thin
        except InspectError:
            thin *= 2
    raise InspectError("no probe width fits")


def check_gradient_rf(s: Subject) -> list[Check]:
    """The final receptive field (size, jump, padding, along the height) against gradient support."""
    from .gradient_rf import measure

    t = s.ours["conv-fc"].totals
    what, conv = f"receptive field at {t.feature_layer or 'the last feature map'}", "size / jump / padding (px)"
    if t.rf is None or t.jump is None or t.rf_padding is None:
        return [Check("gradient support", what, conv, None, None, "skipped", "the analysis gives no receptive field")]
    length = 2 * t.rf[0] + 4 * t.jump[0]
    try:
        thin = _probe_thin(s, length)
        got = measure(s.thin_build, t.feature_layer, axis=2, length=length, thin=thin,
                      i=(length // t.jump[0]) // 2, channels=s.channels)
    except (ValueError, InspectError, RuntimeError) as e:
        return [Check("gradient support", what, conv, None, None, "skipped", f"cannot measure: {e}")]
    ours, theirs = [t.rf[0], t.jump[0], t.rf_padding[0]], [got.size, got.jump, got.padding]
    return [Check("gradient support", what, conv, ours, theirs, _verdict(ours, theirs))]


def _torchvision_models() -> Any:
    try:
        return importlib.import_module("torchvision.models")
    except ImportError:
        return None


def check_torchvision(s: Subject) -> list[Check]:
    """torchvision's own module (rows, totals) and its published weights metadata, when installed."""
    tv = _torchvision_models()
    if s.spec_name is None:
        return []
    if tv is None:
        return [Check("torchvision", "its own module and metadata", "", None, None, "skipped",
                      "torchvision is not installed (pip install torchvision)")]
    if s.spec_name not in tv.list_models():
        return []
    import torch

    from .analysis import inspect

    with torch.device("meta"):
        theirs_module = tv.get_model(s.spec_name)
    ours, theirs = s.ours["conv-fc"], inspect(theirs_module, input_size=s.ours["conv-fc"].input_shape)
    ours_rows = {r.name: r for r in ours.rows}
    pairs = [(r.name, _row_numbers(ours_rows[r.name]) if r.name in ours_rows else "no row", _row_numbers(r))
             for r in theirs.rows]
    checks = [_rows_check("torchvision", "module: every row (shape, params, MACs, RF)", "same analysis", pairs)]
    meta = tv.get_model_weights(s.spec_name).DEFAULT.meta
    full = _at_224(s)
    checks.append(Check("torchvision", "metadata num_params", "params", full.totals.params, meta["num_params"],
                        _verdict(full.totals.params, meta["num_params"])))
    if "_ops" in meta:
        ops = full.totals.macs / 1e9
        ok = round(ops, 3) == round(float(meta["_ops"]), 3)
        checks.append(Check("torchvision", "metadata _ops (GMACs at 224)", "conv-fc, 3 decimals", round(ops, 3),
                            meta["_ops"], "rounded" if ok else "differs"))
    return checks


def _row_numbers(r: Any) -> tuple[Any, ...]:
    return (r.output_shape, r.params, r.macs, r.rf)


def _at_224(s: Subject, policy: str = "conv-fc", size: tuple[int, int] = (224, 224)) -> Inspection:
    from .analysis import inspect

    return inspect(s.model_ref, input_size=size, policy=policy)


FIGURE_WHAT = {"params": "parameters", "macs": "MACs", "flops": "FLOPs", "rf": "receptive field",
               "jump": "jump", "rf_padding": "effective padding"}
FIGURE_POLICY = {"conv-fc": "conv-fc", "torchinfo": "torchinfo", "fvcore": "fvcore", "flop-counter": "conv-fc"}


def figure_value(r: Inspection, figure: reference.Figure) -> int | None:
    """Our number for what a published figure counts (``None``: not a quantity of one model)."""
    if figure.counts == "params":
        return r.totals.params
    if figure.counts == "conv-fc-weights":
        return sum(row.params for row in r.rows if row.is_leaf and row.kind in ("conv", "linear"))
    if figure.quantity in ("macs", "flops"):
        return r.totals.macs if figure.quantity == "macs" else r.totals.flops
    if figure.counts == "rf":
        row = r.row(figure.row) if figure.row else None
        values = {"rf": row.rf if row else r.totals.rf, "jump": row.jump if row else r.totals.jump,
                  "rf_padding": row.rf_padding if row else r.totals.rf_padding}[figure.quantity]
        return values[0] if values else None
    return None


def check_published(s: Subject) -> list[Check]:
    """Each figure of the reference table about this model, under the figure's own convention."""
    if s.spec_name is None:
        return []
    checks = []
    for f in reference.for_model(s.spec_name):
        r = _at_224(s, FIGURE_POLICY.get(f.counts, "conv-fc"), f.input_size)
        ours = figure_value(r, f)
        if ours is None:
            continue
        status = "differs" if not f.matches(ours) else "exact" if f.rounding == "exact" else "rounded"
        what = FIGURE_WHAT.get(f.quantity, f.quantity) + (f" at {f.row}" if f.row else "")
        if f.input_size != (224, 224) or f.quantity in ("macs", "flops"):
            what += f" ({f.input_size[0]}×{f.input_size[1]})"
        checks.append(Check(f.source.short or "published", what, f.counts, ours, f.printed, status,
                            source=f.source.cite() + (f" — {f.note}" if f.note else "")))
    return checks


CHECKS: tuple[Callable[[Subject], list[Check]], ...] = (
    check_forward, check_torchinfo, check_fvcore, check_gradient_rf, check_torchvision, check_published,
)


def verify_model(model_ref: ModelRef, input_size: Any = None, label: str | None = None,
                 checks: Sequence[Callable[[Subject], list[Check]]] = CHECKS) -> ModelReport:
    """Run every comparison for one model (a registry name, custom spec or nn.Module)."""
    start = time.perf_counter()
    s = subject(model_ref, input_size)
    s.label = label or s.label
    found: list[Check] = []
    for check in checks:
        found += check(s)
    return ModelReport(s.label, s.ours["conv-fc"].input_shape, tuple(found), time.perf_counter() - start)


def verify(models: Sequence[ModelRef], input_size: Any = None, on_model: Callable[[int, str], None] | None = None,
           labels: Sequence[str] | None = None) -> VerifyReport:
    """Verify several models; ``on_model(i, label)`` is called before each (for a progress bar)."""
    require_tools()
    start, reports = time.perf_counter(), []
    for i, m in enumerate(models):
        label = labels[i] if labels else m if isinstance(m, str) else type(m).__name__
        if on_model is not None:
            on_model(i, label)
        reports.append(verify_model(m, input_size, label))
    notes = () if _torchvision_models() is not None else (
        "torchvision is not installed: its own modules and metadata were not compared (pip install torchvision)",)
    return VerifyReport(tuple(reports), time.perf_counter() - start, notes)


# --------------------------------------------------------------------------- the text view

MARKS = {"exact": "✓ exact", "rounded": "✓ as printed", "explained": "≈ explained", "differs": "✗ DIFFERS",
         "skipped": "– skipped"}


def to_table(report: VerifyReport) -> Any:
    """The agreement table: one row per check, grouped by model."""
    from .views.text_table import Table

    t = Table(headers=["Check", "Tool", "Convention", "Ours", "Theirs", "Agreement"],
              keys=["what", "tool", "convention", "ours", "theirs", "status"],
              numeric=[False, False, False, True, False, False], title="resnet-inspect verify",
              drop=[0, 0, 1, 0, 0, 0])  # "theirs" may be text ("1.8 ×10⁹ multiply-adds"): it wraps
    for m in report.models:
        shape = "×".join(map(str, m.input_shape))
        t.add([f"{m.model} at {shape}", "", "", "", "", "ok" if m.ok else "FAILED"], strong=True)
        for c in m.checks:
            agreement = MARKS[c.status] + (f" ({c.compared} rows)" if c.compared > 1 else "")
            detail = "; ".join(x for x in (c.cause, *c.mismatches) if x) if c.status not in ("exact", "rounded") else ""
            t.add([c.what if len(c.what) < 60 else c.what[:57] + "…", c.tool, c.convention,
                   _cell(c.ours), _cell(c.theirs), agreement + (f": {detail}" if detail else "")], indent=1)
    t.notes = [*report.notes, report.summary()]
    return t


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, list):
        return " / ".join(_show(x) for x in v)
    return _show(v)
