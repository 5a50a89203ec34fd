"""The one number formatter: counts, bytes, shapes, pairs, kernels, signs and ratios, for every output.

Views use it to write sentences; backends use it (through :func:`cell_text`) to show typed table cells;
diagrams and plots use it for their labels.  No torch, no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from . import Cell

_SI = ((10**12, "T"), (10**9, "G"), (10**6, "M"), (10**3, "k"))
_BINARY = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")
MINUS = "−"  # a true minus sign (U+2212) in display text


def grouped(n: int | None) -> str:
    """``25557032`` → ``25,557,032``; ``None`` (not counted) → ``n/a``."""
    return "n/a" if n is None else f"{n:,}".replace("-", MINUS)


def _significant(value: float, digits: int) -> str:
    """``value`` (``0 <= value < 1000``) with ``digits`` significant digits: ``4.09``, ``25.6``, ``118``."""
    whole = len(str(int(value))) if value >= 1 else 0
    return f"{value:.{max(digits - whole, 0)}f}"


def _round(value: float, digits: int) -> float:
    return float(f"{value:.{digits}g}")


def scaled(n: int | float | None, digits: int = 3) -> str:
    """``25557032`` → ``25.6 M``, ``4089184256`` → ``4.09 G``: ``digits`` significant digits, SI prefixes.

    Rounding moves to the next prefix when it reaches 1000 (``999_999`` → ``1.00 M``, not ``1000 k``),
    and the digits are counted after rounding (``9_999_999`` → ``10.0 M``).  Below 1000 a number is
    shown as it is (``64``).
    """
    if n is None:
        return "n/a"
    sign, a = (MINUS if n < 0 else ""), abs(n)
    if a < 1000:
        return sign + (f"{a:g}" if isinstance(a, float) else str(a))
    i = next(i for i, (factor, _) in enumerate(_SI) if a >= factor)
    value = _round(a / _SI[i][0], digits)
    if value >= 1000 and i > 0:  # rounded up into the next prefix
        i -= 1
        value = _round(a / _SI[i][0], digits)
    return f"{sign}{_significant(value, digits)} {_SI[i][1]}"


def nbytes(n: int | None) -> str:
    """Bytes in binary units, three significant digits: ``3211264`` → ``3.06 MiB``, ``1_048_575`` →
    ``1.00 MiB`` (a value that rounds to 1000 or more moves to the next unit)."""
    if n is None:
        return "n/a"
    if n < 1024:
        return f"{n} B"
    value = float(n)
    for unit in _BINARY[1:]:
        value /= 1024
        rounded = float(f"{value:.3g}")
        if rounded < 1000 or unit == _BINARY[-1]:
            return f"{_significant(rounded, 3)} {unit}"
    raise AssertionError("unreachable")


def count(n: int | None, exact: bool = False, digits: int = 3) -> str:
    """A count in a table: exact with grouped digits below a million (or when ``exact``), else scaled."""
    if n is None:
        return "n/a"
    return grouped(n) if exact or abs(n) < 10**6 else scaled(n, digits)


def shape(s: Sequence[int] | None, drop_batch: bool = True) -> str:
    """``(1, 256, 56, 56)`` → ``256×56×56`` (the batch shown only when it is not 1)."""
    if not s:
        return ""
    dims = list(s)
    if drop_batch and len(dims) > 1 and dims[0] == 1:
        dims = dims[1:]
    return "×".join(str(d) for d in dims)


def hw(s: Sequence[int]) -> str:
    """The spatial size of an N×C×H×W shape: ``112×112`` (``1×1`` for a flat N×F output)."""
    return "×".join(str(d) for d in s[2:]) if len(s) == 4 else "1×1"


def pair(p: Sequence[int] | None, sep: str = "×") -> str:
    """``(427, 427)`` → ``427``; ``(427, 600)`` → ``427×600``."""
    if p is None:
        return ""
    return str(p[0]) if p[0] == p[1] else f"{p[0]}{sep}{p[1]}"


def kernel(k: Sequence[int] | None) -> str:
    """``(3, 3)`` → ``3×3``: a kernel always shows both sides; ``None`` → ``""``."""
    return "" if k is None else "×".join(str(d) for d in k)


def window(kernel_size: Sequence[int] | None, stride: Sequence[int] | None, padding: Sequence[int] | None,
           dilation: Sequence[int] | None = None) -> str:
    """``3×3/2 p1``: kernel, stride (when not 1), padding (when not 0), dilation (when not 1)."""
    if kernel_size is None:
        return ""
    text = kernel(kernel_size)
    if stride is not None and tuple(stride) != (1, 1):
        text += "/" + pair(stride, ",")
    if padding is not None and tuple(padding) != (0, 0):
        text += " p" + pair(padding, ",")
    if dilation is not None and tuple(dilation) != (1, 1):
        text += " d" + pair(dilation, ",")
    return text


def signed(n: int) -> str:
    """``+17``, ``−17`` (a true minus sign), ``0``."""
    return f"+{n}" if n > 0 else f"{MINUS}{-n}" if n < 0 else "0"


def signed_count(n: int, exact: bool = False) -> str:
    """A change in a count: ``+231 M``, ``−56``."""
    sign = "+" if n > 0 else MINUS if n < 0 else ""
    return sign + (grouped(abs(n)) if exact else scaled(abs(n)))


def percent(new: int, old: int) -> str:
    """The change from ``old`` to ``new`` in percent, one decimal: ``+6.0%``; ``""`` when ``old`` is 0."""
    return f"{(new - old) / old * 100:+.1f}%".replace("-", MINUS) if old else ""


def plural(n: int, word: str) -> str:
    """``1 layer``, ``3 layers``, ``−1 layer``."""
    return f"{n} {word}" + ("" if abs(n) == 1 else "s")


def ratio(x: float, digits: int = 1) -> str:
    """``16.9×``."""
    return f"{x:.{digits}f}×"


def power_of_ten(n: int, decimals: int = 1) -> str:
    """The paper's notation: ``4089184256`` → ``4.1×10⁹`` (``decimals=2``: ``4.09×10⁹``); below 10⁹,
    ``40.8×10⁶``."""
    if n >= 10**9 or n == 0:
        return f"{n / 1e9:.{decimals}f}×10⁹"
    return f"{n / 1e6:.{decimals}f}×10⁶"


def cell_text(cell: Cell) -> str:
    """The display text of a typed table cell (its ``text`` when the view gave one)."""
    if cell.text is not None:
        return cell.text
    v = cell.value
    if v is None:
        return "" if cell.kind == "text" else "n/a"
    text = _value_text(v, cell.kind, cell.digits)
    return f"{text} {cell.unit}" if cell.unit and text else text


def _value_text(v: object, kind: str, digits: int) -> str:
    if kind == "count" and isinstance(v, int):
        return count(v, digits=digits)
    if kind == "int" and isinstance(v, int):
        return grouped(v)
    if kind == "bytes" and isinstance(v, int):
        return nbytes(v)
    if kind == "shape" and isinstance(v, tuple):
        return shape(v)
    if kind == "pair" and isinstance(v, tuple):
        return pair(v)
    if kind == "ratio" and isinstance(v, int | float):
        return ratio(float(v))
    if kind == "float" and isinstance(v, int | float):
        return f"{v:.{digits}g}"
    if isinstance(v, tuple):
        return "×".join(str(x) for x in v)
    return str(v)
