"""A TorchScript module as the ordinary module it is made of, or the reason it cannot be one.

TorchScript runs a module's forward in its own interpreter, where no layer can be seen; a network of
``nn.Sequential`` containers and ``torch.nn`` layers has a known forward, so it is rebuilt as Python modules
sharing the same tensors (used by the analysis of a scripted module and by the loading of a TorchScript file).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import InspectError

if TYPE_CHECKING:
    from torch import nn

FROM_CODE = "give the Python code as file.py:factory instead"


def eager_twin(scripted: Any, text: str = "the TorchScript module", instead: str = FROM_CODE) -> nn.Module:
    """An ordinary module equal to a TorchScript one made of ``nn.Sequential`` and ``torch.nn`` layers.

    TorchScript runs a module's forward in its own interpreter, where the layers cannot be seen one by
    one; a network of ``nn.Sequential`` containers and ``torch.nn`` layers has a known forward, so it is
    rebuilt as Python modules sharing the same tensors.  Anything else is refused with a reason, ending
    with ``instead`` (what to give in its place).
    """
    from collections import OrderedDict

    from torch import nn

    name = getattr(scripted, "original_name", type(scripted).__name__)
    qualified = scripted._c._type().qualified_name() if hasattr(scripted, "_c") else ""
    children = list(scripted.named_children())
    if children:
        if name != "Sequential" or not qualified.startswith("__torch__.torch.nn.modules."):
            raise InspectError(f"{text}: TorchScript runs {name}'s forward in its own interpreter, where its layers "
                               "cannot be seen one by one; only networks of nn.Sequential and torch.nn layers are "
                               f"read from TorchScript: {instead}")
        return nn.Sequential(OrderedDict((n, eager_twin(c, text, instead)) for n, c in children))
    return _eager_leaf(scripted, name, qualified, text, instead)


def _eager_leaf(scripted: Any, name: str, qualified: str, text: str, instead: str) -> nn.Module:
    import inspect as pyinspect

    import torch
    from torch import nn

    cls = getattr(nn, name, None)
    if cls is None or not qualified.startswith("__torch__.torch.nn.modules."):
        raise InspectError(f"{text}: layer {name} is not a torch.nn layer, and TorchScript hides its forward; "
                           f"{instead}")
    args: dict[str, Any] = {}
    lost: list[str] = []
    for p in list(pyinspect.signature(cls.__init__).parameters.values())[1:]:
        if p.name == "bias":
            args["bias"] = getattr(scripted, "bias", None) is not None
        elif p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) or p.name in ("device", "dtype"):
            continue
        elif hasattr(scripted, p.name):
            args[p.name] = getattr(scripted, p.name)
        else:
            lost.append(p.name)
    if lost:  # torch.jit.trace keeps a layer's tensors but not its settings: a default would be a guess
        raise InspectError(f"{text}: its {name} layer does not keep {', '.join(lost)} (torch.jit.trace drops a "
                           f"layer's settings; torch.jit.script keeps them), so it cannot be rebuilt; {instead}")
    with torch.device("meta"):
        twin: nn.Module = cls(**args)
    twin.load_state_dict(scripted.state_dict(), assign=True)
    return twin.train(scripted.training)
