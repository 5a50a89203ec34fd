"""Variants described as data: one frozen :class:`Spec` per network, and the custom-spec parser.

A spec says everything that decides a network's numbers: the block kind, blocks per stage, widths,
grouped convolutions, the stem, where a bottleneck puts its downsampling stride, the shortcut type,
the head and the default input.  :mod:`resnet_inspect.models` builds modules from it.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from .errors import InspectError, shown
from .limits import (
    MAX_CHANNELS,
    MAX_CLASSES,
    MAX_SIDE,
    MAX_STRIDE,
    check_digits,
    check_layers,
    check_text,
)

BLOCKS = ("basic", "bottleneck", "preact-basic", "preact-bottleneck")
STEMS = ("imagenet", "cifar")
STRIDE_PLACEMENTS = ("3x3", "1x1")
SHORTCUTS = ("B", "A", "none")


@dataclass(frozen=True)
class Spec:
    """A residual network (or one of the paper's plain/VGG baselines), as data.

    ``widths`` are the stage "planes" (the 3×3 width of a bottleneck before ``groups`` and
    ``width_per_group`` rescale it, as in torchvision); a stage's output has ``planes × expansion``
    channels.  ``stride_on`` is where a bottleneck's downsampling stride sits: ``"3x3"`` is
    torchvision's layout (often called ResNet v1.5), ``"1x1"`` the paper's (v1).  A pre-activation
    bottleneck has one placement, the authors' (He et al. 2016): the first 1×1, so its ``stride_on`` is
    always ``"1x1"``.  ``shortcut="none"`` makes every block plain: no shortcut and no residual add.
    """

    name: str
    family: str
    block: str
    layers: tuple[int, ...]
    widths: tuple[int, ...]
    paper: str
    strides: tuple[int, ...] = ()
    groups: int = 1
    width_per_group: int = 64
    stem: str = "imagenet"
    stem_width: int = 64
    stride_on: str = "3x3"
    shortcut: str = "B"
    num_classes: int = 1000
    include_top: bool = True
    input_size: tuple[int, int] = (224, 224)
    in_channels: int = 3
    maxpool_padding: int = 1
    maxpool_ceil: bool = False
    num_stages: int = 0
    description: str = ""
    vgg_config: tuple[int | str, ...] = field(default=())

    def __post_init__(self) -> None:
        _check_types(self)  # a Spec built in Python: wrong types are refused here, values by validate()
        if not self.strides and self.widths:
            first = 1
            object.__setattr__(self, "strides", (first,) + (2,) * (len(self.widths) - 1))
        if not self.num_stages:
            object.__setattr__(self, "num_stages", len(self.layers))
        if self.block == "preact-bottleneck":
            object.__setattr__(self, "stride_on", "1x1")

    @property
    def expansion(self) -> int:
        """Output channels of a block per unit of ``planes`` (1 basic, 4 bottleneck)."""
        return 4 if self.block.endswith("bottleneck") else 1

    @property
    def is_vgg(self) -> bool:
        return bool(self.vgg_config)

    def replace(self, **changes: object) -> Spec:
        """A copy with some fields changed (``dataclasses.replace`` with validation)."""
        return validate(dataclasses.replace(self, **changes))  # type: ignore[arg-type]


def _allowed(name: str, value: object, allowed: tuple[str, ...]) -> None:
    if not isinstance(value, str) or value not in allowed:
        raise InspectError(f"{name}={shown(value)} is not allowed; use one of: {', '.join(allowed)}")


# Field names a custom spec spells differently from the Spec attribute.
_KEY_OF = {"num_classes": "classes", "include_top": "top", "num_stages": "stages", "input_size": "input"}
_TEXT_FIELDS = ("name", "family", "block", "paper", "stem", "stride_on", "shortcut", "description")
_INT_FIELDS = ("groups", "width_per_group", "stem_width", "num_classes", "in_channels", "maxpool_padding",
               "num_stages")
_TUPLE_FIELDS = ("layers", "widths", "strides", "input_size")
_BOOL_FIELDS = ("include_top", "maxpool_ceil")


def _is_int(value: object) -> bool:
    """A plain int (not a bool, not a fixed-width NumPy integer whose arithmetic could overflow)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _label(field: str) -> str:
    """How a message names a field: the custom-spec key, with the Spec attribute when they differ."""
    return f"{_KEY_OF[field]} ({field})" if field in _KEY_OF else field


def _check_types(spec: Spec) -> None:
    """Every field of the type the dataclass declares: a Spec built in Python is checked like a parsed one."""
    for f in _TEXT_FIELDS:
        if not isinstance(getattr(spec, f), str):
            raise InspectError(f"Spec field {f}={shown(getattr(spec, f))} must be a string")
    for f in _INT_FIELDS:
        if not _is_int(getattr(spec, f)):
            raise InspectError(f"{_label(f)}={shown(getattr(spec, f))} must be a whole number (an int)")
    for f in _BOOL_FIELDS:
        if not isinstance(getattr(spec, f), bool):
            raise InspectError(f"{_label(f)}={shown(getattr(spec, f))} must be True or False")
    for f in _TUPLE_FIELDS:
        value = getattr(spec, f)
        if not isinstance(value, tuple) or not all(_is_int(v) for v in value):
            raise InspectError(f"{_label(f)}={shown(value)} must be a tuple of whole numbers, e.g. "
                               f"{f}=(3, 4, 6, 3)")
    if len(spec.input_size) != 2:
        raise InspectError(f"input (input_size)={shown(spec.input_size)} must be (height, width), e.g. (224, 224)")


def _in_range(field: str, value: int, low: int, high: int, example: str) -> None:
    if not low <= value <= high:
        raise InspectError(f"{_label(field)}={value:,} is out of range; give a whole number from {low:,} to "
                           f"{high:,}, e.g. {example}")


def _check_channels(spec: Spec) -> None:
    """No convolution with 0 channels, none wider than :data:`~resnet_inspect.limits.MAX_CHANNELS`."""
    text = "-".join(str(w) for w in spec.widths)
    for i, planes in enumerate(spec.widths):
        if planes < 1:
            raise InspectError(f"widths={text}: stage {i + 1} has {planes} channels; every stage needs at least "
                               "1, e.g. widths=64-128-256-512")
        if planes * spec.expansion > MAX_CHANNELS:
            raise InspectError(f"widths={text}: stage {i + 1} outputs {planes * spec.expansion:,} channels, more "
                               f"than {MAX_CHANNELS:,}; give smaller widths (or fewer stages)")
    _in_range("stem_width", spec.stem_width, 1, MAX_CHANNELS, "stem_width=64")
    _in_range("in_channels", spec.in_channels, 1, MAX_CHANNELS, "in_channels=3")
    _in_range("groups", spec.groups, 1, MAX_CHANNELS, "groups=32")
    _in_range("width_per_group", spec.width_per_group, 1, MAX_CHANNELS, "width_per_group=4")
    for i, planes in enumerate(spec.widths if spec.expansion > 1 else ()):
        mid = bottleneck_width(planes, spec.groups, spec.width_per_group)
        if not 1 <= mid <= MAX_CHANNELS:
            raise InspectError(
                f"width_per_group={spec.width_per_group} with groups={spec.groups} and widths={text} gives stage "
                f"{i + 1} a {mid:,}-channel 3×3 conv (⌊{planes} × {spec.width_per_group}/64⌋ × {spec.groups}); "
                f"{'raise' if mid < 1 else 'lower'} width_per_group, groups or widths")


def validate(spec: Spec) -> Spec:
    """Check a spec's fields and say which one is wrong and what is allowed.

    Every value is checked against :mod:`resnet_inspect.limits` before anything is built from it.
    """
    _check_types(spec)
    if spec.is_vgg:
        return spec
    _allowed("block", spec.block, BLOCKS)
    _allowed("stem", spec.stem, STEMS)
    _allowed("stride_on", spec.stride_on, STRIDE_PLACEMENTS)
    _allowed("shortcut", spec.shortcut, SHORTCUTS)
    if not spec.layers or any(n < 1 for n in spec.layers):
        raise InspectError(f"layers={shown(spec.layers)}: every stage needs at least one block, e.g. layers=3-4-6-3")
    check_layers(spec.layers)
    if len(spec.widths) != len(spec.layers) or len(spec.strides) != len(spec.layers):
        raise InspectError(f"layers has {len(spec.layers)} stages but widths/strides have "
                           f"{len(spec.widths)}/{len(spec.strides)}; give one per stage")
    if any(not 1 <= s <= MAX_STRIDE for s in spec.strides):
        raise InspectError(f"strides={shown(spec.strides)}: each must be from 1 to {MAX_STRIDE}, e.g. (1, 2, 2, 2)")
    if spec.block in ("basic", "preact-basic") and (spec.groups != 1 or spec.width_per_group != 64):
        raise InspectError("a basic block only supports groups=1 and width_per_group=64; "
                           "use block=bottleneck for ResNeXt or wide variants")
    _check_channels(spec)
    if spec.shortcut == "A" and spec.block != "basic":
        raise InspectError("shortcut=A (zero-padding identity) is defined for block=basic only")
    _in_range("num_classes", spec.num_classes, 1, MAX_CLASSES, "classes=1000")
    if not 1 <= spec.num_stages <= len(spec.layers):
        raise InspectError(f"stages (num_stages)={spec.num_stages} must be between 1 and {len(spec.layers)}, "
                           f"the number of stages in layers; e.g. stages={len(spec.layers)}")
    if spec.maxpool_padding not in (0, 1):
        raise InspectError(f"maxpool_padding={spec.maxpool_padding} must be 0 or 1 (the 3×3 max pool)")
    for side in spec.input_size:
        _in_range("input_size", side, 1, MAX_SIDE, "input=224")
    return spec


# --------------------------------------------------------------------------- the blocks a spec makes


@dataclass(frozen=True)
class BlockPlan:
    """One residual unit as the network builds it: channels in, planes, stride and shortcut kind.

    ``shortcut`` is ``"identity"``, ``"projection"`` (1×1 conv, + BN unless pre-activation),
    ``"zero-pad"`` (option A) or ``"none"`` (a plain net).
    """

    inplanes: int
    planes: int
    stride: int
    out_planes: int
    shortcut: str


def plan_blocks(spec: Spec) -> list[list[BlockPlan]]:
    """The units of every stage, in order: the first of a stage may downsample and project."""
    inplanes, stages = spec.stem_width, []
    for i in range(spec.num_stages):
        planes, out_planes, units = spec.widths[i], spec.widths[i] * spec.expansion, []
        for j in range(spec.layers[i]):
            stride = spec.strides[i] if j == 0 else 1
            if spec.shortcut == "none":
                kind = "none"
            elif stride == 1 and inplanes == out_planes:
                kind = "identity"
            else:
                kind = "zero-pad" if spec.shortcut == "A" else "projection"
            units.append(BlockPlan(inplanes, planes, stride, out_planes, kind))
            inplanes = out_planes
        stages.append(units)
    return stages


def bottleneck_width(planes: int, groups: int, width_per_group: int) -> int:
    """Channels of a bottleneck's 3×3 conv: ``planes`` scaled by width per group, times the groups."""
    return int(planes * (width_per_group / 64.0)) * groups


def final_channels(spec: Spec) -> int:
    """Channels leaving the last kept stage (the width the head sees)."""
    return spec.widths[spec.num_stages - 1] * spec.expansion


# --------------------------------------------------------------------------- custom specs

CUSTOM_KEYS = {
    "block": "basic | bottleneck | preact-basic | preact-bottleneck",
    "layers": "blocks per stage, e.g. 3-4-6-3",
    "width": "planes of the first stage, doubled at each later stage (default 64)",
    "widths": "planes per stage, e.g. 64-128-256-512",
    "stem_width": "channels of the stem (default: width)",
    "groups": "groups of the 3×3 conv (cardinality, default 1)",
    "width_per_group": "channels per group (default 64)",
    "stride_on": "3x3 (torchvision, v1.5) | 1x1 (paper, v1)",
    "stem": "imagenet (7×7/2 + max pool) | cifar (3×3/1, no pool)",
    "shortcut": "B (projection) | A (zero-padding) | none (plain net)",
    "classes": "number of classes of the fc head (default 1000)",
    "top": "yes | no (keep the pooling + fc head)",
    "stages": "keep only the first N stages (a backbone)",
    "input": "default input size, e.g. 224 or 600x800",
}

CUSTOM_HELP = (
    "a custom spec is BLOCK:LAYERS[,key=value...], e.g. 'bottleneck:3-4-6-3,groups=32,width_per_group=4'; "
    "keys: " + ", ".join(CUSTOM_KEYS)
)


def is_custom(name: str) -> bool:
    """True when ``name`` looks like a custom spec (``block:layers,...``) rather than a registry name."""
    return ":" in name or "=" in name


def _int(key: str, value: str) -> int:
    if not re.fullmatch(r"[0-9]+", value):
        raise InspectError(f"{key}={shown(value)} is not a whole number; {key}: {CUSTOM_KEYS[key]}")
    return check_digits(key, value)


def _ints(key: str, value: str) -> tuple[int, ...]:
    parts = re.split(r"[-x/]", value)
    if not all(re.fullmatch(r"[0-9]+", p) for p in parts):
        raise InspectError(f"{key}={shown(value)} is malformed; {key}: {CUSTOM_KEYS[key]}")
    return tuple(check_digits(key, p) for p in parts)


def _size(value: str) -> tuple[int, int]:
    sizes = _ints("input", value)
    if len(sizes) == 1:
        return (sizes[0], sizes[0])
    if len(sizes) == 2:
        return (sizes[0], sizes[1])
    raise InspectError(f"input={shown(value)} is malformed; input: {CUSTOM_KEYS['input']}")


def _set(fields: dict[str, str], key: str, value: str) -> None:
    """Record one field; a field given twice is refused, naming it, instead of keeping the last."""
    if key in fields:
        raise InspectError(f"custom spec gives {key} twice ({shown(fields[key], 40)}, then {shown(value, 40)}); "
                           "keep one")
    fields[key] = value


def parse_custom(text: str) -> Spec:
    """Parse ``BLOCK:LAYERS[,key=value...]`` (or only ``key=value`` pairs) into a validated :class:`Spec`."""
    check_text("custom spec", text, "'bottleneck:3-4-6-3,groups=32'")
    head, _, rest = text.partition(":") if ":" in text else ("", "", text)
    fields: dict[str, str] = {}
    if head:
        fields["block"] = head.strip()
        first, _, rest = rest.partition(",")
        fields["layers"] = first.strip()
    for item in filter(None, (p.strip() for p in rest.split(","))):
        key, eq, value = item.partition("=")
        key = key.strip().replace("-", "_")
        if not eq or key not in CUSTOM_KEYS:
            raise InspectError(f"unknown custom-spec field {shown(key, 40)}; {CUSTOM_HELP}")
        _set(fields, key, value.strip())
    if "block" not in fields or "layers" not in fields:
        raise InspectError(f"custom spec {shown(text)} needs a block and layers; {CUSTOM_HELP}")
    if "width" in fields and "widths" in fields:
        raise InspectError("custom spec gives both width and widths; keep one (width doubles at each stage, "
                           "widths lists every stage)")
    return spec_from_fields(fields, text)


def spec_from_fields(fields: dict[str, str], name: str) -> Spec:
    """Build a :class:`Spec` from string fields (the custom-spec keys)."""
    block = fields["block"]
    _allowed("block", block, BLOCKS)
    layers = _ints("layers", fields["layers"])
    check_layers(layers)  # before any width is derived from the number of stages
    if "widths" in fields:
        widths = _ints("widths", fields["widths"])
    else:
        width = _int("width", fields.get("width", "64"))
        widths = tuple(width * 2**i for i in range(len(layers)))
    stem = fields.get("stem", "imagenet")
    _allowed("stem", stem, STEMS)
    top = fields.get("top", "yes")
    _allowed("top", top, ("yes", "no"))
    shortcut = fields.get("shortcut", "B")
    if block == "preact-bottleneck" and fields.get("stride_on", "1x1") != "1x1":
        raise InspectError("stride_on=3x3 does not apply to preact-bottleneck: the pre-activation bottleneck "
                           "downsamples on its first 1×1 conv, as its authors built it; drop stride_on")
    spec = Spec(
        name=name,
        family="custom",
        block=block,
        layers=layers,
        widths=widths,
        paper="custom",
        groups=_int("groups", fields.get("groups", "1")),
        width_per_group=_int("width_per_group", fields.get("width_per_group", "64")),
        stem=stem,
        stem_width=_int("stem_width", fields["stem_width"]) if "stem_width" in fields else widths[0],
        stride_on=fields.get("stride_on", "3x3"),
        shortcut=shortcut,
        num_classes=_int("classes", fields.get("classes", "1000")),
        include_top=top == "yes",
        num_stages=_int("stages", fields["stages"]) if "stages" in fields else 0,
        input_size=_size(fields["input"]) if "input" in fields else ((32, 32) if stem == "cifar" else (224, 224)),
    )
    return validate(spec)
