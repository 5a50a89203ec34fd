"""Limits far above any real network, checked before anything is built, and the argument checks the
Python API shares with the command line.

The largest networks in the zoo stay well inside every limit: cifar-resnet1202 has 200 blocks per stage
and 600 in all, the widest convolution (wide_resnet101_2, resnext101_64x4d) has 2,048 channels, the
largest default input is 600×600.  Past a limit a custom spec or an input size is refused with a
message, before any memory is allocated for it.  Imports nothing heavy: ``--help`` quotes these numbers.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from typing import Any

from .errors import InspectError, shown

MAX_SIDE = 65_536  # pixels per side of the input
MAX_BATCH = 4_096  # images per input batch
MAX_CHANNELS = 65_536  # channels of any convolution (input, stem, stage output, a bottleneck's 3×3)
MAX_STAGES = 32  # stages of a custom spec
MAX_BLOCKS_PER_STAGE = 5_000  # residual blocks in one stage
MAX_BLOCKS = 10_000  # residual blocks in the whole network (about 2 s and 200 MB for `table`)
MAX_CLASSES = 10_000_000  # outputs of the fc head
MAX_STRIDE = 64  # a stage's downsampling stride
MAX_SPEC_CHARS = 2_000  # characters of a model name or custom spec
MAX_DIGITS = 12  # digits of any number typed in a size or a spec (refused before int() reads them)

LIMITS_HELP = (f"limits: at most {MAX_BLOCKS_PER_STAGE:,} blocks per stage and {MAX_BLOCKS:,} in all, "
               f"{MAX_STAGES} stages, {MAX_CHANNELS:,} channels per convolution, {MAX_CLASSES:,} classes; "
               f"inputs up to {MAX_SIDE:,} px per side and a batch of {MAX_BATCH:,}")


def whole(value: object) -> int | None:
    """``value`` as a plain int when it is a whole number (an int, or a NumPy integer), else None; never a
    bool."""
    if isinstance(value, bool):
        return None
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        return None


def check_count(name: str, value: object, low: int, high: int, example: str) -> int:
    """``value`` as an int in ``low..high``, or an error naming ``name`` and an example."""
    n = whole(value)
    if n is None:
        raise InspectError(f"{name}={shown(value)} must be a whole number from {low:,} to {high:,}, "
                           f"e.g. {example}")
    if not low <= n <= high:
        raise InspectError(f"{name}={n:,} is out of range; give a whole number from {low:,} to {high:,}, "
                           f"e.g. {example}")
    return n


def check_optional_count(name: str, value: object, low: int, high: int, example: str) -> int | None:
    """``None``, or ``value`` checked by :func:`check_count`."""
    return None if value is None else check_count(name, value, low, high, example)


def check_flag(name: str, value: object) -> bool | None:
    """``None`` (keep the model's own choice), ``True`` or ``False``; a truthy string is not a yes."""
    if value is None or isinstance(value, bool):
        return value
    raise InspectError(f"{name}={shown(value)} must be True, False or None (keep the model's own)")


def check_choice(name: str, value: object, allowed: Iterable[str]) -> str:
    """``value`` when it is one of the ``allowed`` strings, else an error listing them."""
    options = list(allowed)
    if not isinstance(value, str) or value not in options:
        raise InspectError(f"unknown {name} {shown(value)}; use one of: {', '.join(options)}")
    return value


def check_text(name: str, value: object, example: str) -> str:
    """``value`` as a string of at most :data:`MAX_SPEC_CHARS` characters."""
    if not isinstance(value, str):
        raise InspectError(f"{name} {shown(value)} is not a string; e.g. {example}")
    if not value.strip():
        raise InspectError(f"{name} is empty; e.g. {example}")
    if len(value) > MAX_SPEC_CHARS:
        raise InspectError(f"{name} {shown(value, 40)} is {len(value):,} characters long; at most "
                           f"{MAX_SPEC_CHARS:,} are accepted, e.g. {example}")
    return value


def check_digits(name: str, text: str) -> int:
    """A string of ASCII digits as an int, refusing absurdly long ones before converting them."""
    if len(text) > MAX_DIGITS:
        raise InspectError(f"{name}: a number with {len(text):,} digits is far past every limit; "
                           "see the limits in `resnet-inspect table --help`")
    return int(text)


def check_layers(layers: tuple[int, ...], field: str = "layers") -> None:
    """Stages and blocks of a network within the limits (checked before widths are derived from them)."""
    if len(layers) > MAX_STAGES:
        raise InspectError(f"{field} has {len(layers):,} stages; at most {MAX_STAGES} are accepted, "
                           "e.g. layers=3-4-6-3")
    for i, n in enumerate(layers):
        if n > MAX_BLOCKS_PER_STAGE:
            raise InspectError(f"{field}: stage {i + 1} has {n:,} blocks; at most {MAX_BLOCKS_PER_STAGE:,} per "
                               f"stage are accepted (cifar-resnet1202 has 200)")
    if sum(layers) > MAX_BLOCKS:
        raise InspectError(f"{field} has {sum(layers):,} blocks in all; at most {MAX_BLOCKS:,} are accepted "
                           "(cifar-resnet1202 has 600)")


def check_channels(channels: object, name: str = "--channels") -> int:
    """A channel count from 1 to :data:`MAX_CHANNELS`."""
    n = whole(channels)
    if n is None or not 1 <= n <= MAX_CHANNELS:
        raise InspectError(f"{name} {shown(channels)} must be a whole number from 1 to {MAX_CHANNELS:,} "
                           "(the widest zoo convolution has 2,048), e.g. 256")
    return n


def check_shape(shape: tuple[int, ...], given: Any) -> None:
    """An N×C×H×W input within the limits: batch, channels and each side."""
    n, c, h, w = shape
    where = f"--input {shown(given)}"
    if n > MAX_BATCH:
        raise InspectError(f"{where}: a batch of {n:,} is more than {MAX_BATCH:,}; every count scales linearly "
                           "with the batch, so analyse batch 1 and multiply")
    if c > MAX_CHANNELS:
        raise InspectError(f"{where}: {c:,} channels are more than {MAX_CHANNELS:,}; give e.g. 3x224x224")
    if h > MAX_SIDE or w > MAX_SIDE:
        raise InspectError(f"{where}: {max(h, w):,} px is more than {MAX_SIDE:,} px per side; "
                           "give e.g. 224 or 600x800")


def check_head(num_classes: object, include_top: object) -> tuple[int | None, bool | None]:
    """The head arguments of ``build`` and ``inspect`` (a class count and a yes/no, each optional), as a
    plain ``int`` (a NumPy integer is converted, so no fixed-width arithmetic follows) and a ``bool``."""
    return (check_optional_count("num_classes", num_classes, 1, MAX_CLASSES, "num_classes=10"),
            check_flag("include_top", include_top))
