"""Standard output and error on any console: ASCII stand-ins where the encoding lacks a character.

The renderers write Unicode (``×``, ``─``, ``·``, ``→``, ``≈``, ``⌊⌋`` ...).  A console whose encoding
cannot show them (``PYTHONIOENCODING=ascii``, Windows' ``cp1252``) gets ASCII instead, from one place:
the command line wraps the streams in :class:`FallbackWriter` for the length of a run.  A stand-in longer
than the character it replaces takes its extra width from the next gap of two or more spaces on the same
line, so table columns stay aligned.  Files written with ``-o`` are always UTF-8 and never translated.
"""

from __future__ import annotations

import errno
import os
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, TextIO

PROBE = "×─·→≈⌊⌋…—"  # characters the renderers use; a console that cannot encode all of them is wrapped
ASCII = {
    "×": "x", "·": "*", "→": "->", "←": "<-", "↔": "<->", "−": "-", "–": "-", "—": "-", "…": "...",
    "─": "-", "━": "-", "╺": "-", "╸": "-", "│": "|", "┃": "|", "⌊": "floor(", "⌋": ")", "⌈": "ceil(",
    "⌉": ")", "≈": "~", "≥": ">=", "≤": "<=", "≠": "!=", "∝": "~", "Σ": "sum ", "Π": "prod ", "⋮": ":",
    "§": "sec. ", "µ": "u", "μ": "u", "✓": "ok", "✗": "x", "°": " deg", "±": "+/-", "‘": "'", "’": "'",
    "“": '"', "”": '"', "•": "*", "\u00a0": " ",
}
SUPERSCRIPT = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻ⁿⁱ", "0123456789+-ni", strict=True))
SUBSCRIPT = dict(zip("₀₁₂₃₄₅₆₇₈₉₊₋ᵢₗₙₖ", "0123456789+-ilnk", strict=True))
_GAPS = re.compile(r"( {2,})")


def needs_fallback(stream: Any) -> bool:
    """True when ``stream``'s encoding cannot encode the characters the renderers use."""
    encoding = getattr(stream, "encoding", None)
    if not encoding:
        return False
    try:
        PROBE.encode(encoding)
    except (UnicodeError, LookupError):
        return True
    return False


@lru_cache(maxsize=4096)
def _encodable(ch: str, encoding: str) -> bool:
    try:
        ch.encode(encoding)
    except (UnicodeError, LookupError):
        return False
    return True


def _stand_in(ch: str, encoding: str) -> str:
    if ch in ASCII:
        return ASCII[ch]
    decomposed = unicodedata.normalize("NFKD", ch)  # é → e + accent: keep what the console can show
    kept = "".join(c for c in decomposed if _encodable(c, encoding))
    return kept or "?"


def _translate(text: str, encoding: str) -> str:
    out: list[str] = []
    run = ""  # "^" inside a run of superscripts, "_" of subscripts: 10⁻¹² → 10^-12
    for ch in text:
        if _encodable(ch, encoding):
            out.append(ch)
            run = ""
        elif ch in SUPERSCRIPT or ch in SUBSCRIPT:
            mark = "^" if ch in SUPERSCRIPT else "_"
            out.append(("" if run == mark else mark) + (SUPERSCRIPT.get(ch) or SUBSCRIPT[ch]))
            run = mark
        else:
            out.append(_stand_in(ch, encoding))
            run = ""
    return "".join(out)


def _line(line: str, encoding: str) -> str:
    out: list[str] = []
    debt = 0  # characters added by stand-ins, to be taken from the next wide gap
    for i, part in enumerate(_GAPS.split(line)):
        if i % 2:
            cut = min(debt, len(part) - 1)
            out.append(part[cut:])
            debt -= cut
        else:
            new = _translate(part, encoding)
            debt += len(new) - len(part)
            out.append(new)
    return "".join(out)


def to_console(text: str, encoding: str) -> str:
    """``text`` with every character ``encoding`` lacks replaced by an ASCII stand-in, columns kept."""
    try:
        text.encode(encoding)
        return text
    except UnicodeError:
        return "\n".join(_line(line, encoding) for line in text.split("\n"))


class FallbackWriter:
    """A text stream that writes through to another, translating what its encoding cannot show."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._encoding = stream.encoding

    def write(self, text: str) -> int:
        self._stream.write(to_console(text, self._encoding))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class ClosedStream:
    """Stands for a standard stream the process was started without (``>&-``): writing fails with EBADF."""

    encoding = "utf-8"

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, os.strerror(errno.EBADF))

    def flush(self) -> None:
        return None

    def fileno(self) -> int:
        raise OSError(errno.EBADF, os.strerror(errno.EBADF))


@contextmanager
def console_streams() -> Iterator[None]:
    """For the length of a run: streams that can show every character, and stand-ins for closed ones.

    A closed standard output fails when written to (the command line says so); a closed standard
    error is replaced by the null device, as there is nowhere to say anything.
    """
    saved = sys.stdout, sys.stderr
    try:
        if sys.stdout is None:
            sys.stdout = ClosedStream()
        elif needs_fallback(sys.stdout):
            sys.stdout = FallbackWriter(sys.stdout)
        if sys.stderr is None:
            sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - closed when the run ends
        elif needs_fallback(sys.stderr):
            sys.stderr = FallbackWriter(sys.stderr)
        yield
    finally:
        if sys.stderr is not saved[1] and saved[1] is None:
            sys.stderr.close()
        sys.stdout, sys.stderr = saved
