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
import re
import sys
import warnings
import zipfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .analysis.scripted import eager_twin
from .errors import InspectError

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
    """``--kwargs``: a JSON object (``'{"num_classes": 10}'``) or ``key=value,...`` with JSON-ish values."""
    if not text:
        return {}
    if text.lstrip().startswith("{"):
        try:
            value = json.loads(text)
        except json.JSONDecodeError as e:
            raise InspectError(f"--kwargs is not valid JSON ({e.msg} at character {e.pos}); "
                               "write it like '{\"num_classes\": 10}' or num_classes=10") from None
        if not isinstance(value, dict):
            raise InspectError("--kwargs must be a JSON object, e.g. '{\"num_classes\": 10}'")
        return value
    out: dict[str, Any] = {}
    for item in filter(None, (p.strip() for p in _split_top(text))):
        key, eq, raw = item.partition("=")
        if not eq or not re.fullmatch(_IDENT, key.strip()):
            raise InspectError(f"--kwargs item {item!r} is not key=value; write it like num_classes=10,width=2")
        try:
            out[key.strip()] = json.loads(raw)
        except json.JSONDecodeError:
            out[key.strip()] = raw.strip()
    return out


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
    """Run a factory; its own failure (a bad argument, say) is the user's to fix: one line."""
    try:
        module: nn.Module = build()
    except InspectError:
        raise
    except TypeError as e:
        raise InspectError(f"{text}: {e} (give the factory's arguments with --kwargs, e.g. num_classes=10)") from None
    except Exception as e:
        raise InspectError(f"{text} failed: {type(e).__name__}: {e}") from None
    return module


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
    if not path.is_file():
        raise InspectError(f"no file {path_text!r}; {FACTORY_HELP}")
    spec = importlib.util.spec_from_file_location(f"resnet_inspect_user_{abs(hash(str(path.resolve())))}", path)
    if spec is None or spec.loader is None:
        raise InspectError(f"{path_text} cannot be loaded as Python; {FACTORY_HELP}")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(path.resolve().parent))  # the file's own imports of its neighbours work, as with python
    try:
        spec.loader.exec_module(module)
    except Exception as e:
        raise InspectError(f"running {path_text} failed: {type(e).__name__}: {e}") from None
    finally:
        sys.path.remove(str(path.resolve().parent))
    factory = _factory(module, path_text, name, text)
    return _call(text, lambda: _check_module(factory(**kwargs), text))


def _module_factory(text: str, kwargs: dict[str, Any]) -> nn.Module:
    module_name, _, name = text.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        raise InspectError(f"cannot import {module_name!r} ({e}); install it or give a path: "
                           f"path/to/{module_name.replace('.', '/')}.py:{name}") from None
    except Exception as e:
        raise InspectError(f"importing {module_name} failed: {type(e).__name__}: {e}") from None
    factory = _factory(module, module_name, name, text)
    return _call(text, lambda: _check_module(factory(**kwargs), text))


# --------------------------------------------------------------------------- saved files


def _is_torchscript(path: Path) -> bool:
    """A TorchScript archive is a zip with a ``code/`` folder (a torch.save file has ``data.pkl`` only)."""
    try:
        with zipfile.ZipFile(path) as z:
            return any("/code/" in n for n in z.namelist())
    except zipfile.BadZipFile:
        return False


def _torchscript(text: str, kwargs: dict[str, Any]) -> nn.Module:
    import torch

    path = Path(text)
    if not path.is_file():
        raise InspectError(f"no file {text!r}; give a TorchScript file saved with torch.jit.script(model).save(PATH)")
    if kwargs:
        raise InspectError("--kwargs is for factories; a saved file takes none")
    if not _is_torchscript(path):
        raise InspectError(_what_it_holds(path))
    try:
        with warnings.catch_warnings():  # torch 2.13 marks TorchScript deprecated; reading it still works
            warnings.simplefilter("ignore", DeprecationWarning)
            scripted = torch.jit.load(str(path), map_location="cpu")  # type: ignore[no-untyped-call]
    except Exception as e:
        raise InspectError(f"{text} is not a readable TorchScript file: {type(e).__name__}: {e}") from None
    return eager_twin(scripted, text)


def _what_it_holds(path: Path) -> str:
    """Read a non-TorchScript file safely (tensors only) and say why it cannot be analysed."""
    import pickle

    import torch

    fix = ("save the model with torch.jit.script(model).save(PATH), or give the Python code that builds it as "
           "file.py:factory")
    try:
        obj = torch.load(str(path), map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, AttributeError, TypeError, ValueError, EOFError) as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        if "weights_only" in str(e) or isinstance(e, pickle.UnpicklingError):
            return (f"{path} needs unpickling code to load (it holds Python objects, not only tensors), and "
                    f"resnet-inspect never runs pickled code; {fix}")
        return f"{path} is not a file torch can read ({first[:120]}); {fix}"
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
    """Load a MODEL argument (see :func:`load_model`) and analyse it with :func:`resnet_inspect.analysis.inspect`."""
    model = load_model(text, parse_kwargs(kwargs) if isinstance(kwargs, str | type(None)) else kwargs)
    return inspect_loaded(Loaded(text, model if not isinstance(model, str) else _spec(model)), False, **options)


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


def inspect_loaded(item: Loaded, name_errors: bool = True, **options: Any) -> Inspection:
    """Analyse a loaded MODEL with :func:`resnet_inspect.analysis.inspect`; the result carries its label.

    A forward that cannot be traced on meta tensors becomes one line saying why; with ``name_errors`` any
    other refusal of the analysis (an input too small, say) names the model it is about.
    """
    from .analysis import inspect

    if item.spec is None and (options.get("num_classes") is not None or options.get("include_top") is not None):
        raise InspectError(f"--num-classes and --no-top change registry variants; {item.text} is built by its own "
                           "code: give its arguments with --kwargs instead")
    try:
        result = inspect(item.model, **options)
    except InspectError as e:
        if not name_errors or str(e).startswith(("--input", item.text, f"{item.label}:")):
            raise
        raise InspectError(f"{item.text if item.spec is None else item.label}: {e}") from None
    except (TypeError, RuntimeError, NotImplementedError) as e:
        mapped = trace_error(e, item.text)
        if mapped is None:
            raise
        raise mapped from None
    named = item.name or (type(item.model).__name__ if item.spec is None else result.model)
    return result if result.model == named else replace(result, model=named)


__all__ = ["Loaded", "eager_twin", "inspect_any", "inspect_loaded", "kind_of", "load_all", "load_model",
           "parse_kwargs", "trace_error"]
