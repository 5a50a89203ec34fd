"""Anyone's model from the command line: what a MODEL argument names, and loading it.

A MODEL is one of

- a registry name (``resnet50``) or a custom spec (``bottleneck:3-4-6-3,groups=32``): returned as text,
  analysed by the torch-free pass (nothing here imports torch for it);
- ``torchvision:NAME`` or ``timm:NAME``: built by that package (without weights, on ``meta``);
- ``path/to/file.py:factory``: the file is run, as ``python file.py`` would run it, and ``factory(**kwargs)``
  must return an ``nn.Module``;
- ``package.module:factory``: the same, for an importable module;
- a TorchScript file (``.pt``, ``.pth``, ``.ptl``): read with ``torch.jit.load``.  Any other saved file is
  read with ``torch.load(..., weights_only=True)`` only to say what it holds: pickled code is never run.

:func:`inspect_any` loads and analyses in one call, turning a forward that cannot be traced on ``meta``
tensors (several inputs, a branch on tensor values, ``.item()``) into one line saying why.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import re
import stat
import sys
import warnings
import zipfile
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .analysis.scripted import FROM_CODE, eager_twin
from .errors import InspectError, ModelError, shown

if TYPE_CHECKING:
    from torch import nn

    from .analysis.result import Inspection
    from .specs import Spec

HUBS = {"torchvision": "pip install torchvision", "timm": "pip install timm"}
TORCHSCRIPT_SUFFIXES = (".pt", ".pth", ".ptl", ".torchscript")
_IDENT = r"[A-Za-z_]\w*"
FACTORY_HELP = "a factory is written path/to/file.py:NAME or package.module:NAME and must return an nn.Module"


def kind_of(text: str) -> str:
    """What a MODEL argument names: registry, torchvision, timm, file, module or torchscript."""
    from .specs import BLOCKS

    head, colon, tail = text.partition(":")
    if colon and head in HUBS:
        return head
    if colon and head.endswith(".py"):
        return "file"
    if not colon and text.lower().endswith(TORCHSCRIPT_SUFFIXES):
        return "torchscript"
    if (colon and head not in BLOCKS and re.fullmatch(rf"{_IDENT}(\.{_IDENT})*", head)
            and re.fullmatch(_IDENT, tail)):
        return "module"
    return "registry"


def parse_kwargs(text: str | None) -> dict[str, Any]:
    """``--kwargs``: a JSON object (``'{"num_classes": 10}'``) or ``key=value,...`` with JSON-ish values.

    Values nested deeper than :data:`KWARGS_DEPTH` levels and integers past 64 bits are refused: no
    factory argument needs them, and they would fail deep inside Python or torch instead of here."""
    if not text:
        return {}
    if text.lstrip().startswith("{"):
        _check_nesting(text)
        try:
            value = json.loads(text)
        except json.JSONDecodeError as e:
            raise InspectError(f"--kwargs is not valid JSON ({e.msg} at character {e.pos}); "
                               "write it like '{\"num_classes\": 10}' or num_classes=10", option="--kwargs") from None
        except ValueError as e:  # an integer of more digits than Python converts
            raise InspectError(f"--kwargs holds a number too long to read ({str(e).split(';')[0]}); give "
                               "factory arguments of ordinary size", option="--kwargs") from None
        if not isinstance(value, dict):
            raise InspectError("--kwargs must be a JSON object, e.g. '{\"num_classes\": 10}'", option="--kwargs")
        _check_values(value)
        return value
    out: dict[str, Any] = {}
    for item in filter(None, (p.strip() for p in _split_top(text))):
        key, eq, raw = item.partition("=")
        if not eq or not re.fullmatch(_IDENT, key.strip()):
            raise InspectError(f"--kwargs item {shown(item)} is not key=value; write it like num_classes=10,width=2",
                               option="--kwargs")
        _check_nesting(raw)
        try:
            out[key.strip()] = json.loads(raw)
        except ValueError:  # not JSON (or a number too long to read): the text itself
            out[key.strip()] = raw.strip()
    _check_values(out)
    return out


KWARGS_DEPTH = 32  # brackets nested in --kwargs
KWARGS_INT = 2**63  # integers in --kwargs stay within 64 bits, as torch's sizes do


def _check_nesting(text: str) -> None:
    depth = deepest = 0
    for c in text:
        depth += (c in "[{") - (c in "]}")
        deepest = max(deepest, depth)
    if deepest > KWARGS_DEPTH:
        raise InspectError(f"--kwargs nests {deepest} levels of brackets (at most {KWARGS_DEPTH}); give flat "
                           "factory arguments, e.g. num_classes=10", option="--kwargs")


def _check_values(value: Any) -> None:
    if isinstance(value, bool):
        return
    if isinstance(value, int) and not -KWARGS_INT <= value < KWARGS_INT:
        raise InspectError(f"--kwargs holds the integer {shown(value, 40)}, past 64 bits; give sizes a network "
                           "can have", option="--kwargs")
    if isinstance(value, dict):
        for v in value.values():
            _check_values(v)
    elif isinstance(value, list):
        for v in value:
            _check_values(v)


def _split_top(text: str) -> list[str]:
    """Split on commas outside brackets: ``a=1,b=[1,2]`` is two items."""
    parts, depth, start = [], 0, 0
    for i, c in enumerate(text):
        depth += (c in "[{(") - (c in "]})")
        if c == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    return [*parts, text[start:]]


def load_model(text: str, kwargs: dict[str, Any] | None = None) -> str | nn.Module:
    """The model a MODEL argument names: the text itself for a registry name or spec, else an ``nn.Module``."""
    kind = kind_of(text)
    if kind == "registry":
        if kwargs:
            raise InspectError("--kwargs is for factories (file.py:NAME, package.module:NAME, torchvision:NAME, "
                               "timm:NAME); a registry variant takes --num-classes, --no-top and custom-spec keys")
        return text
    loader = {"torchvision": _torchvision, "timm": _timm, "file": _file_factory, "module": _module_factory,
              "torchscript": _torchscript}[kind]
    return loader(text, kwargs or {})


def _require(package: str, what: str) -> Any:
    try:
        return importlib.import_module(package)
    except ImportError:
        raise InspectError(f"{what} needs the {package.split('.')[0]} package, which is not installed: "
                           f"{HUBS[package.split('.')[0]]}") from None


def _closest(name: str, names: list[str]) -> str:
    import difflib

    hits = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
    return f"; did you mean {' or '.join(hits)}?" if hits else ""


def _on_meta(build: Any, *args: Any, **kwargs: Any) -> nn.Module:
    import torch

    with torch.device("meta"):
        return _check_module(build(*args, **kwargs), str(args[0]) if args else "the factory")


def _torchvision(text: str, kwargs: dict[str, Any]) -> nn.Module:
    name = text.partition(":")[2]
    models = _require("torchvision.models", text)
    available = models.list_models()
    if name not in available:
        raise InspectError(f"torchvision has no model {name!r}{_closest(name, available)} "
                           "(torchvision.models.list_models() shows them all)")
    return _call(text, lambda: _on_meta(models.get_model, name, **kwargs))


def _timm(text: str, kwargs: dict[str, Any]) -> nn.Module:
    name = text.partition(":")[2]
    timm = _require("timm", text)
    available = timm.list_models()
    if name not in available:
        raise InspectError(f"timm has no model {name!r}{_closest(name, available)} (timm.list_models() shows them)")
    return _call(text, lambda: _on_meta(timm.create_model, name, pretrained=False, **kwargs))


def _call(text: str, build: Any) -> nn.Module:
    """Run a factory; its own failure (a bad argument, say) is the user's to fix: one line, naming it.

    Whatever the factory prints goes to standard error, so ``--format json`` on standard output stays
    JSON; a ``sys.exit`` inside it is reported, not obeyed."""
    try:
        with users_code():
            module: nn.Module = build()
    except InspectError:
        raise
    except TypeError as e:
        raise ModelError(f"model {text}: {e} (give the factory's arguments with --kwargs, e.g. num_classes=10)",
                         owner=text, cause=e, option="--kwargs") from None
    except (Exception, SystemExit) as e:  # the user's code may raise anything
        raise model_error(text, "raised", e) from None
    return module


def model_error(owner: str, verb: str, e: BaseException) -> ModelError:
    """One line for a user's model that failed on its own: ``model a.py:build raised ValueError: …``."""
    if isinstance(e, SystemExit):
        what = f"called sys.exit({e.code!r}), which resnet-inspect does not obey inside a model"
    elif isinstance(e, RecursionError):
        what = "recursed too deeply (RecursionError); check for a module that calls itself"
    else:
        first = str(e).strip().splitlines()[0] if str(e).strip() else ""
        what = f"{type(e).__name__}{': ' + first[:300] if first else ''}"
    return ModelError(f"model {owner} {verb} {what}; this is the model's own error, not resnet-inspect's",
                      owner=owner, cause=e)


@contextmanager
def users_code() -> Iterator[None]:
    """While a user's code runs: its prints go to standard error (standard output carries our output)."""
    with redirect_stdout(sys.stderr):
        yield


def _check_module(obj: Any, text: str) -> nn.Module:
    from torch import nn

    if not isinstance(obj, nn.Module):
        raise InspectError(f"{text} returned {type(obj).__name__}, not an nn.Module; {FACTORY_HELP}")
    return obj


def _factory(module: Any, path: str, name: str, text: str) -> Any:
    factory = getattr(module, name, None)
    if factory is None:
        public = [n for n in vars(module) if not n.startswith("_") and callable(getattr(module, n))]
        raise InspectError(f"{path} has no {name!r}{_closest(name, public)}; {FACTORY_HELP}")
    if not callable(factory):
        raise InspectError(f"{path}:{name} is a {type(factory).__name__}, not a callable; {FACTORY_HELP}")
    return factory


def _file_factory(text: str, kwargs: dict[str, Any]) -> nn.Module:
    """``file.py:factory``: run the file as Python runs a script's imports, then call the factory."""
    path_text, _, name = text.rpartition(":")
    path = Path(path_text)
    _check_regular(path, path_text, FACTORY_HELP)
    spec = importlib.util.spec_from_file_location(f"resnet_inspect_user_{abs(hash(str(path.resolve())))}", path)
    if spec is None or spec.loader is None:
        raise InspectError(f"{path_text} cannot be loaded as Python; {FACTORY_HELP}")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(path.resolve().parent))  # the file's own imports of its neighbours work, as with python
    try:
        with users_code():
            spec.loader.exec_module(module)
    except (Exception, SystemExit) as e:  # the user's file may raise anything
        raise model_error(path_text, "raised while it was run", e) from None
    finally:
        sys.path.remove(str(path.resolve().parent))
    factory = _factory(module, path_text, name, text)
    return _call(text, lambda: _check_module(factory(**kwargs), text))


def _module_factory(text: str, kwargs: dict[str, Any]) -> nn.Module:
    module_name, _, name = text.partition(":")
    try:
        with cwd_last(), users_code():
            module = importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        raise InspectError(f"cannot import {module_name!r} ({e}); install it or give a path: "
                           f"path/to/{module_name.replace('.', '/')}.py:{name}") from None
    except (Exception, SystemExit) as e:  # the user's module may raise anything
        raise model_error(module_name, "raised while it was imported", e) from None
    factory = _factory(module, module_name, name, text)
    return _call(text, lambda: _check_module(factory(**kwargs), text))


@contextmanager
def cwd_last() -> Iterator[None]:
    """Import with the current folder searched after everything else: a package of the folder the command
    runs in is found, but a ``json.py`` lying there does not replace the standard library's ``json``."""
    here = {"", ".", os.getcwd()}
    saved = list(sys.path)
    sys.path[:] = [p for p in saved if p not in here] + [os.getcwd()]
    try:
        yield
    finally:
        sys.path[:] = saved


def _check_regular(path: Path, text: str, fix: str) -> None:
    """The MODEL file exists and is a regular file (a FIFO or device would block or never end)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InspectError(f"no file {shown(text)}; {fix}") from None
    except OSError as e:
        raise InspectError(f"cannot read {shown(text)}: {e.strerror or e}; {fix}") from None
    if stat.S_ISDIR(st.st_mode):
        raise InspectError(f"{shown(text)} is a folder, not a model file; {fix}")
    if not stat.S_ISREG(st.st_mode):
        raise InspectError(f"{shown(text)} is a special file (a FIFO, socket or device), not a saved model or "
                           f"Python file; give a regular file; {fix}")


# --------------------------------------------------------------------------- saved files


def _is_torchscript(path: Path, text: str) -> bool:
    """A TorchScript archive is a zip with a ``code/`` folder (a torch.save file has ``data.pkl`` only).

    An archive whose code could run while it is loaded is refused here, before torch reads it:
    ``torch.jit.load`` runs a scripted class's ``__setstate__``, and only ``torch.nn``'s own layers
    (which have none) are read from TorchScript."""
    try:
        with zipfile.ZipFile(path) as z:
            code = [n for n in z.namelist() if "/code/" in n and n.endswith(".py")]
            if not code:
                return False
            for n in code:
                own = "/code/__torch__/torch/" not in n and not n.endswith("/code/__torch__.py")
                if own or b"__setstate__" in z.read(n):
                    raise InspectError(f"{text} holds TorchScript code of its own ({n.split('/code/')[-1]}) that "
                                       "torch.jit.load would run while reading it; resnet-inspect reads only "
                                       f"networks of nn.Sequential and torch.nn layers from TorchScript: {FROM_CODE}")
            return True
    except zipfile.BadZipFile:
        return False
    except InspectError:
        raise
    except OSError as e:
        raise InspectError(f"cannot read {shown(text)}: {e.strerror or e}; check the file and its "
                           "permissions") from None
    except (EOFError, ValueError, RuntimeError, zipfile.LargeZipFile) as e:  # a zip cut short or damaged
        raise InspectError(f"cannot read {shown(text)}: the archive is damaged or cut short ({e}); save it "
                           "again") from None


def _torchscript(text: str, kwargs: dict[str, Any]) -> nn.Module:
    import torch

    path = Path(text)
    _check_regular(path, text, "give a TorchScript file saved with torch.jit.script(model).save(PATH)")
    if kwargs:
        raise InspectError("--kwargs is for factories; a saved file takes none", option="--kwargs")
    if not _is_torchscript(path, text):
        raise InspectError(_what_it_holds(path))
    try:
        with warnings.catch_warnings():  # torch 2.13 marks TorchScript deprecated; reading it still works
            warnings.simplefilter("ignore", DeprecationWarning)
            scripted = torch.jit.load(str(path), map_location="cpu")  # type: ignore[no-untyped-call]
    except Exception as e:  # whatever torch says about the file, it is about reading it
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise InspectError(f"cannot read {shown(text)} as TorchScript: {type(e).__name__}: {first[:200]}") from None
    return eager_twin(scripted, text)


def _what_it_holds(path: Path) -> str:
    """Read a non-TorchScript file safely (tensors only) and say why it cannot be analysed."""
    import pickle

    import torch

    fix = ("save the model with torch.jit.script(model).save(PATH), or give the Python code that builds it as "
           "file.py:factory")
    try:
        obj = torch.load(str(path), map_location="cpu", weights_only=True)
    except OSError as e:
        return f"cannot read {shown(str(path))}: {e.strerror or e} (a file cut short or unreadable); {fix}"
    except Exception as e:  # any failure to read is said as reading, never as our fault
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        if "weights_only" in str(e) or isinstance(e, pickle.UnpicklingError):
            return (f"{path} needs unpickling code to load (it holds Python objects, not only tensors), and "
                    f"resnet-inspect never runs pickled code; {fix}")
        return f"cannot read {shown(str(path))}: torch cannot read it ({type(e).__name__}: {first[:120]}); {fix}"
    if isinstance(obj, dict) and obj and all(isinstance(v, torch.Tensor) for v in obj.values()):
        return (f"{path} is a state_dict ({len(obj)} tensors): it holds weights but not the network that uses "
                f"them; {fix}")
    return f"{path} holds a {type(obj).__name__} of tensors (a checkpoint), not a network; {fix}"



# --------------------------------------------------------------------------- loading and analysing


def trace_error(e: BaseException, label: str) -> InspectError | None:
    """One line for a forward that cannot run on meta tensors (None: not such an error)."""
    text = str(e)
    if isinstance(e, TypeError) and re.search(r"forward\(\) missing \d+ required", text):
        return InspectError(f"{label}: its forward needs more than one input ({text}); resnet-inspect feeds one "
                            "image batch: wrap it in a module whose forward takes one tensor")
    values = ("item() cannot be called on meta", "_local_scalar_dense", "data-dependent", "data dependent",
              "meta tensor", "register_meta", "Cannot copy out of meta")
    if isinstance(e, RuntimeError | NotImplementedError) and any(v in text for v in values):
        return InspectError(f"{label}: its forward reads tensor values (.item(), a branch on a tensor, or an op "
                            "whose output size depends on values), which cannot be traced: the analysis runs on "
                            "meta tensors, which hold shapes but no values; make it depend on shapes only")
    return None


def inspect_any(text: str, kwargs: dict[str, Any] | str | None = None, **options: Any) -> Inspection:
    """Load a MODEL argument and analyse it: :func:`analyse` with ``options`` as its keywords (a refusal
    is not prefixed with the model's name: there is one model)."""
    return analyse(text, kwargs=kwargs, name_errors=False, **options)


@dataclass(frozen=True)
class Loaded:
    """A MODEL argument, loaded: the text the user typed and what it names (a :class:`Spec` or a module).

    ``label`` is the model's name on every page: the variant's name, or the type name of a module built by
    its own code (``name`` overrides it, e.g. to tell two modules of one type apart).
    """

    text: str
    model: Spec | nn.Module
    name: str = ""

    @property
    def spec(self) -> Spec | None:
        """The variant's spec; ``None`` for a module built by its own code."""
        from .specs import Spec

        return self.model if isinstance(self.model, Spec) else None

    @property
    def label(self) -> str:
        """The model's name as pages show it."""
        if self.name:
            return self.name
        return self.spec.name if self.spec is not None else type(self.model).__name__


def _spec(text: str) -> Spec:
    from .registry import get_spec

    return get_spec(text)


def load_all(texts: Sequence[str], kwargs: dict[str, Any] | str | None = None) -> list[Loaded]:
    """Every MODEL argument loaded, in order, before any analysis (a bad one fails before any work).

    Registry names and specs become their :class:`Spec` without importing torch; the other forms are
    built by :func:`load_model`, with ``kwargs`` for every factory.  Two modules whose type names are the
    same are told apart by the text that named them: ``Net (a.py:net)``, ``Net (b.py:net)``.
    """
    args = parse_kwargs(kwargs) if isinstance(kwargs, str | type(None)) else kwargs
    if args and all(kind_of(t) == "registry" for t in texts):
        load_model(texts[0], args)  # the one line saying --kwargs is for factories
    out = [Loaded(t, _spec(t)) if kind_of(t) == "registry" else Loaded(t, _module(t, args)) for t in texts]
    counts = Counter(x.label for x in out)
    return [replace(x, name=f"{x.label} ({x.text})") if counts[x.label] > 1 and x.spec is None else x for x in out]


def _module(text: str, kwargs: dict[str, Any]) -> nn.Module:
    model = load_model(text, kwargs)
    assert not isinstance(model, str)
    return model


def analyse(model: str | Loaded | Spec | nn.Module, *, input_size: Any = None, policy: str = "conv-fc",
            dtype: str = "float32", num_classes: int | None = None, include_top: bool | None = None,
            kwargs: dict[str, Any] | str | None = None, name_errors: bool = True) -> Inspection:
    """The one road from any MODEL to its analysis (:func:`resnet_inspect.analysis.inspect`).

    ``model`` is a MODEL argument as typed (a variant name, a custom spec, ``torchvision:NAME``,
    ``timm:NAME``, ``file.py:factory``, ``package.module:factory``, a TorchScript file; ``kwargs`` go to
    a factory), a :class:`Loaded` one, a :class:`~resnet_inspect.specs.Spec` or an ``nn.Module``.  An
    input size that is not a size is refused with ``option="--input"``; any other refusal names the model
    (unless ``name_errors`` is false); anything a user's model raises on its own is a :class:`ModelError`
    naming it; a forward that cannot run on meta tensors becomes one line saying why.
    """
    from .analysis import parse_input
    from .specs import Spec

    if input_size is not None:
        try:
            parse_input(input_size, 3, (224, 224))  # the size itself, before anything is built
        except InspectError as e:
            raise InspectError(str(e), option="--input") from None
    if isinstance(model, str):
        args = parse_kwargs(kwargs) if isinstance(kwargs, str | type(None)) else kwargs
        loaded = load_model(model, args)
        item = Loaded(model, loaded if not isinstance(loaded, str) else _spec(loaded))
    elif isinstance(model, Loaded):
        item = model
    else:
        item = Loaded(model.name if isinstance(model, Spec) else type(model).__name__, model)
    return _analyse_loaded(item, name_errors, input_size=input_size, policy=policy, dtype=dtype,
                           num_classes=num_classes, include_top=include_top)


def inspect_loaded(item: Loaded, name_errors: bool = True, *, input_size: Any = None, policy: str = "conv-fc",
                   dtype: str = "float32", num_classes: int | None = None,
                   include_top: bool | None = None) -> Inspection:
    """Analyse a loaded MODEL: :func:`analyse` with the same keywords."""
    return analyse(item, input_size=input_size, policy=policy, dtype=dtype, num_classes=num_classes,
                   include_top=include_top, name_errors=name_errors)


def _analyse_loaded(item: Loaded, name_errors: bool, *, input_size: Any, policy: str, dtype: str,
                    num_classes: int | None, include_top: bool | None) -> Inspection:
    from .analysis import inspect

    if item.spec is None and (num_classes is not None or include_top is not None):
        raise InspectError(f"--num-classes and --no-top change registry variants; {item.text} is built by its own "
                           "code: give its arguments with --kwargs instead")
    try:
        with users_code() if item.spec is None else _nothing():
            result = inspect(item.model, input_size=input_size, policy=policy, dtype=dtype,
                             num_classes=num_classes, include_top=include_top)
    except ModelError as e:
        if e.owner:  # already named by the code that loaded it
            raise
        owner = item.text if item.spec is None else item.label
        if isinstance(e.cause, RecursionError | SystemExit):
            raise model_error(owner, "raised in its forward:", e.cause) from None
        raise ModelError(f"model {owner}: {e}; this is the model's own error, not resnet-inspect's", owner=owner,
                         cause=e.cause) from None
    except InspectError as e:
        if not name_errors or e.option is not None or str(e).startswith((item.text, f"{item.label}:")):
            raise
        raise InspectError(f"{item.text if item.spec is None else item.label}: {e}") from None
    except (Exception, SystemExit) as e:
        mapped = trace_error(e, item.text) if not isinstance(e, SystemExit) else None
        if mapped is not None:
            raise mapped from None
        if item.spec is None and raised_by_model(e):
            raise model_error(item.text, "raised in its forward:", e) from None
        raise
    named = item.name or (type(item.model).__name__ if item.spec is None else result.model)
    return result if result.model == named else replace(result, model=named)


@contextmanager
def _nothing() -> Iterator[None]:
    yield


_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep


def raised_by_model(e: BaseException) -> bool:
    """True when a user's module raised ``e`` on its own, not resnet-inspect around it.

    ``SystemExit`` and a recursion too deep are always the model's.  Otherwise the innermost frame that is
    not torch's own decides: a frame of the user's code is the model's; a frame of resnet-inspect is ours,
    unless a module call (``nn.Module.__call__``) ran below it and raised through torch's layers alone (a
    ``Linear`` fed the wrong width is the model's)."""
    import traceback

    if isinstance(e, SystemExit | RecursionError):
        return True
    frames = [f.f_code for f, _ in traceback.walk_tb(e.__traceback__)]
    torch_dir = _torch_dir()
    outside_torch = [i for i, c in enumerate(frames) if not c.co_filename.startswith(torch_dir)]
    if not outside_torch:
        return True
    k = outside_torch[-1]
    if not os.path.abspath(frames[k].co_filename).startswith(_PACKAGE):
        return True
    return any(c.co_name in ("_call_impl", "_wrapped_call_impl") for c in frames[k + 1:])


def _torch_dir() -> str:
    import torch

    return os.path.dirname(os.path.abspath(torch.__file__)) + os.sep


__all__ = ["Loaded", "analyse", "eager_twin", "inspect_any", "inspect_loaded", "kind_of", "load_all", "load_model",
           "model_error", "parse_kwargs", "raised_by_model", "trace_error"]
