"""The zoo: every variant a course or paper mentions, as data, and the one way to look a name up.

Names follow torchvision where torchvision has the model.  The registry refuses duplicate names,
lists names in natural order (resnet18 < resnet50 < resnet101) and answers an unknown name with the
closest matches.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .errors import InspectError, one_line, shown
from .limits import check_head, check_text
from .specs import Spec, is_custom, parse_custom, validate

if TYPE_CHECKING:
    import torch
    from torch import nn

HE2015 = "He et al. 2015, Deep Residual Learning (arXiv:1512.03385)"
HE2016 = "He et al. 2016, Identity Mappings (arXiv:1603.05027)"
XIE2017 = "Xie et al. 2017, ResNeXt (arXiv:1611.05431)"
ZAGORUYKO2016 = "Zagoruyko & Komodakis 2016, Wide ResNets (arXiv:1605.07146)"
SIMONYAN2014 = "Simonyan & Zisserman 2014, VGG (arXiv:1409.1556)"
# The CIFAR layout of resnet18/34 (ImageNet stage widths, a 3×3 stride-1 stem, no max pool) is not the
# paper's: its CIFAR nets are the 6n+2 ones (cifar-resnet*).  It came later, from public re-implementations.
COMMUNITY_CIFAR = ("community CIFAR adaptation of He et al. 2015, not in the paper "
                   "(e.g. github.com/kuangliu/pytorch-cifar)")

IMAGENET_WIDTHS = (64, 128, 256, 512)
CIFAR_WIDTHS = (16, 32, 64)
DEPTH_LAYERS = {18: (2, 2, 2, 2), 34: (3, 4, 6, 3), 50: (3, 4, 6, 3), 101: (3, 4, 23, 3), 152: (3, 8, 36, 3)}
VGG19 = (64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M",
         512, 512, 512, 512, "M")

_REGISTRY: dict[str, Spec] = {}


def register(spec: Spec) -> Spec:
    """Add a variant; a second variant with the same name is a programming error."""
    if spec.name in _REGISTRY:
        raise ValueError(f"variant {spec.name!r} is registered twice")
    _REGISTRY[spec.name] = validate(spec)
    return spec


def _imagenet(name: str, depth: int, family: str, paper: str, **kw: object) -> Spec:
    block = "basic" if depth < 50 else "bottleneck"
    return register(Spec(name=name, family=family, block=block, layers=DEPTH_LAYERS[depth],
                         widths=IMAGENET_WIDTHS, paper=paper, **kw))  # type: ignore[arg-type]


def _populate() -> None:
    for depth in (18, 34):
        _imagenet(f"resnet{depth}", depth, "resnet", HE2015,
                  description="as in the paper and in torchvision")
    for depth in (50, 101, 152):
        _imagenet(f"resnet{depth}", depth, "resnet", HE2015,
                  description="stride on the 3×3 conv (torchvision, 'v1.5')")
    for depth in (50, 101, 152):
        _imagenet(f"resnet{depth}-v1", depth, "resnet-v1", HE2015, stride_on="1x1",
                  description="stride on the first 1×1 conv (the paper, 'v1')")
    for name, depth, groups, wpg in (("resnext50_32x4d", 50, 32, 4), ("resnext101_32x8d", 101, 32, 8),
                                     ("resnext101_64x4d", 101, 64, 4)):
        _imagenet(name, depth, "resnext", XIE2017, groups=groups, width_per_group=wpg,
                  description=f"grouped 3×3 conv, {groups} groups × {wpg} channels")
    for name, depth in (("wide_resnet50_2", 50), ("wide_resnet101_2", 101)):
        _imagenet(name, depth, "wide-resnet", ZAGORUYKO2016, width_per_group=128,
                  description="the 3×3 conv twice as wide")
    for depth in (18, 34):
        _imagenet(f"resnet{depth}-cifar", depth, "resnet-cifar", COMMUNITY_CIFAR, stem="cifar", num_classes=100,
                  input_size=(32, 32), description="3×3 stride-1 stem, no max pool, 100 classes: a later "
                  "community layout, not one of the paper's CIFAR nets")
    for depth in (20, 32, 44, 56, 110, 1202):
        n = (depth - 2) // 6
        register(Spec(name=f"cifar-resnet{depth}", family="cifar-resnet", block="basic", layers=(n, n, n),
                      widths=CIFAR_WIDTHS, paper=HE2015 + " §4.2", stem="cifar", stem_width=16,
                      shortcut="A", num_classes=10, input_size=(32, 32),
                      description=f"6n+2 layers, n={n}, option A (zero-padding) shortcuts"))
    for depth in (164, 1001):
        n = (depth - 2) // 9
        register(Spec(name=f"preact-resnet{depth}", family="preact-resnet", block="preact-bottleneck",
                      layers=(n, n, n), widths=CIFAR_WIDTHS, paper=HE2016, stem="cifar", stem_width=16,
                      num_classes=10, input_size=(32, 32),
                      description=f"9n+2 layers, n={n}, pre-activation units (BN→ReLU→conv)"))
    for depth in (18, 34):
        _imagenet(f"plain{depth}", depth, "plain", HE2015, shortcut="none",
                  description="without shortcuts (the paper's plain baseline)")
    register(Spec(name="vgg19", family="vgg", block="vgg", layers=(2, 2, 4, 4, 4), widths=(64, 128, 256, 512, 512),
                  paper=SIMONYAN2014, vgg_config=VGG19, description="the paper's Fig. 3 comparison"))
    register(Spec(name="resnet50-c4", family="backbone", block="bottleneck", layers=DEPTH_LAYERS[50],
                  widths=IMAGENET_WIDTHS, paper=HE2015, num_stages=3, include_top=False, maxpool_padding=0,
                  maxpool_ceil=True, input_size=(600, 600),
                  description="up to layer3, max pool padding 0 and ceil_mode (a detection backbone)"))


def natural_key(name: str) -> list[object]:
    """Sort key that orders embedded numbers by value: resnet18 < resnet50 < resnet101."""
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name)]


def by_family(specs: Iterable[Spec]) -> list[Spec]:
    """Specs sorted by family (in the order the zoo introduces them), then by depth (natural order of names).

    The paper's ``-v1`` layouts sort with torchvision's, so resnet50-v1 sits beside resnet50.
    """
    names()
    families = list(dict.fromkeys("resnet" if s.family == "resnet-v1" else s.family for s in _REGISTRY.values()))

    def key(spec: Spec) -> tuple[int, list[object]]:
        family = "resnet" if spec.family == "resnet-v1" else spec.family
        return (families.index(family) if family in families else len(families)), natural_key(spec.name)

    return sorted(specs, key=key)


def names() -> list[str]:
    """Every registered name, in natural order."""
    if not _REGISTRY:
        _populate()
    return sorted(_REGISTRY, key=natural_key)


def specs() -> list[Spec]:
    """Every registered spec, in natural order of names."""
    return [_REGISTRY[n] for n in names()]


def closest(name: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """The candidates nearest to ``name`` (case and punctuation folded)."""
    pool = list(candidates)
    folded = {re.sub(r"[^a-z0-9]", "", c.lower()): c for c in pool}
    key = re.sub(r"[^a-z0-9]", "", name.lower().replace("o", "0"))
    hits = difflib.get_close_matches(key, list(folded), n=n, cutoff=0.6)
    if not hits:
        hits = difflib.get_close_matches(name.lower(), pool, n=n, cutoff=0.5)
        return hits
    return [folded[h] for h in hits]


def get_spec(name: str) -> Spec:
    """Look a variant up by name, or parse a custom spec (``bottleneck:3-4-6-3,groups=32``)."""
    check_text("model", name, "'resnet50' or 'bottleneck:3-4-6-3,groups=32'")
    if is_custom(name):
        return parse_custom(name)
    names()
    spec = _REGISTRY.get(name) or _REGISTRY.get(name.lower().replace("-v1.5", ""))
    if spec is not None:
        return spec
    hint = closest(name, _REGISTRY)
    maybe = f"did you mean {' or '.join(hint)}? " if hint else ""
    raise InspectError(f"unknown model {shown(name)}: {maybe}`resnet-inspect list` shows every variant; "
                       "a custom net is written like 'bottleneck:3-4-6-3,groups=32'")


def build(name_or_spec: str | Spec, device: str = "meta", num_classes: int | None = None,
          include_top: bool | None = None) -> nn.Module:
    """Build a variant by name or spec (on ``meta`` by default), optionally changing its head.

    Every argument is checked first: a wrong one raises :class:`InspectError` with the message the
    command line prints, before anything is built.
    """
    from .models import build_from_spec

    if not isinstance(name_or_spec, str | Spec):
        raise InspectError(f"build() takes a variant name, a custom spec or a Spec, not {shown(name_or_spec)}; "
                           "e.g. build('resnet50')")
    spec = get_spec(name_or_spec) if isinstance(name_or_spec, str) else name_or_spec
    spec = with_head(spec, num_classes, include_top)
    return build_from_spec(spec, check_device(device))


DEVICE_HELP = "use 'meta' (the default: shapes only, no memory), 'cpu' or 'cuda'"


def check_device(device: object) -> torch.device:
    """A torch device that exists and works here, or an error naming it."""
    import torch

    if not isinstance(device, str | torch.device):
        raise InspectError(f"device={shown(device)} is not a device; {DEVICE_HELP}")
    try:
        dev = torch.device(device)
    except (RuntimeError, ValueError, TypeError):
        raise InspectError(f"device={shown(device)} is not a torch device; {DEVICE_HELP}") from None
    if dev.type not in ("meta", "cpu"):
        try:
            torch.empty(0, device=dev)
        except (RuntimeError, AssertionError, ValueError) as e:
            reason = one_line(str(e).splitlines()[0] if str(e) else type(e).__name__, 120)
            raise InspectError(f"device={shown(device)} cannot be used here ({reason}); {DEVICE_HELP}") from None
    return dev


def with_head(spec: Spec, num_classes: int | None = None, include_top: bool | None = None) -> Spec:
    """The spec with another number of classes, or with its pooling + fc head dropped or kept (checked)."""
    num_classes, include_top = check_head(num_classes, include_top)
    if not isinstance(spec, Spec):
        raise InspectError(f"expected a Spec, got {shown(spec)}; e.g. get_spec('resnet50')")
    validate(spec)
    changes: dict[str, object] = {}
    if num_classes is not None:
        changes["num_classes"] = num_classes
    if include_top is not None:
        changes["include_top"] = include_top
    return spec.replace(**changes) if changes else spec
