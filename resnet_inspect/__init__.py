"""resnet-inspect: take ResNets apart and show every number in them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .api import Inspection

__all__ = ["__version__", "build", "get_spec", "inspect", "names"]


def __getattr__(name: str) -> Any:
    # Lazy: importing the package must not import torch until a function needs it.
    if name in ("build", "get_spec", "names"):
        from . import registry

        return getattr(registry, name)
    raise AttributeError(name)


def inspect(model: Any, input_size: Any = None, **kwargs: Any) -> Inspection:
    """Analyse a variant name, a custom spec or an ``nn.Module``: see :func:`resnet_inspect.analysis.inspect`."""
    from .analysis import inspect as _inspect
    from .api import Inspection

    return Inspection.of(_inspect(model, input_size=input_size, **kwargs))
