"""Number and shape formatting shared by every renderer."""

from __future__ import annotations

from collections.abc import Sequence

_SI = ((10**12, "T"), (10**9, "G"), (10**6, "M"), (10**3, "k"))


def grouped(n: int | None) -> str:
    """``25557032`` → ``25,557,032``; ``None`` (not counted) → ``n/a``."""
    return "n/a" if n is None else f"{n:,}"


def scaled(n: int | float | None, digits: int = 3) -> str:
    """``25557032`` → ``25.6 M``, ``4089184256`` → ``4.09 G``: three significant digits."""
    if n is None:
        return "n/a"
    for factor, unit in _SI:
        if abs(n) >= factor:
            value = n / factor
            decimals = max(digits - len(str(int(abs(value)))), 0)
            return f"{value:.{decimals}f} {unit}"
    return f"{n:g}" if isinstance(n, float) else str(n)


def nbytes(n: int | None) -> str:
    """Bytes in binary units: ``3211264`` → ``3.06 MiB``."""
    if n is None:
        return "n/a"
    value = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.3g} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def shape(s: Sequence[int] | None, drop_batch: bool = True) -> str:
    """``(1, 256, 56, 56)`` → ``256×56×56`` (the batch shown only when it is not 1)."""
    if not s:
        return ""
    dims = list(s)
    if drop_batch and len(dims) > 1 and dims[0] == 1:
        dims = dims[1:]
    return "×".join(str(d) for d in dims)


def pair(p: Sequence[int] | None, sep: str = "×") -> str:
    """``(427, 427)`` → ``427``; ``(427, 600)`` → ``427×600``."""
    if p is None:
        return ""
    return str(p[0]) if p[0] == p[1] else f"{p[0]}{sep}{p[1]}"


def window(kernel: Sequence[int] | None, stride: Sequence[int] | None, padding: Sequence[int] | None,
           dilation: Sequence[int] | None = None) -> str:
    """``3×3/2 p1``: kernel, stride (when not 1), padding (when not 0), dilation (when not 1)."""
    if kernel is None:
        return ""
    text = f"{kernel[0]}×{kernel[1]}"
    if stride is not None and tuple(stride) != (1, 1):
        text += "/" + pair(stride, ",")
    if padding is not None and tuple(padding) != (0, 0):
        text += " p" + pair(padding, ",")
    if dilation is not None and tuple(dilation) != (1, 1):
        text += " d" + pair(dilation, ",")
    return text
