"""The terminal: how wide to draw, whether to colour, and a pager for long output — decided once per run.

Text fits the terminal's width (``COLUMNS`` first, then the terminal's own size), or 100 columns when
standard output is not a terminal; ``--wide`` lifts the limit.  Colour is on only on a terminal and when
``NO_COLOR`` is unset or empty (https://no-color.org); ``--color always|never`` overrides both.  Output
longer than the screen goes through a pager on a terminal, as git does: ``$PAGER`` or ``less`` with
``LESS=FRX`` unless ``LESS`` is set (quit if one screen, keep colours, leave the text on screen);
``--no-pager`` turns it off.  Nothing here imports more than the standard library.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TextIO

DEFAULT_WIDTH = 100  # when standard output is not a terminal: fits a slide, a review, an e-mail
MIN_WIDTH = 40
COLOR_MODES = ("auto", "always", "never")
# SGR codes by row tag: what a reader looks for in a table.
STYLES = {"header": "1", "total": "1", "stride2": "33", "shortcut": "36", "published": "35", "warning": "31"}
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class Terminal:
    """How to write text: the width to fit (``None``: no limit), colour on or off, paging on or off."""

    width: int | None = DEFAULT_WIDTH
    color: bool = False
    pager: bool = False
    height: int = 0  # lines on screen (0: unknown), for deciding whether to page


PLAIN = Terminal(width=None)  # the library's default: everything, no colour, no pager
_SESSION: list[Terminal] = []


@contextmanager
def session(term: Terminal) -> Iterator[Terminal]:
    """Within the block, text is fitted to ``term`` (the command line opens one per run)."""
    _SESSION.append(term)
    try:
        yield term
    finally:
        _SESSION.pop()


def current() -> Terminal:
    """The terminal of the open :func:`session`, else :data:`PLAIN`."""
    return _SESSION[-1] if _SESSION else PLAIN


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _env_int(env: Mapping[str, str], key: str) -> int | None:
    try:
        value = int(env.get(key, ""))
    except ValueError:
        return None
    return value if value > 0 else None


def detect_width(stream: TextIO, env: Mapping[str, str]) -> int:
    """``COLUMNS`` when set, the terminal's width on a terminal, else :data:`DEFAULT_WIDTH`."""
    columns = _env_int(env, "COLUMNS")
    if columns:
        return max(columns, MIN_WIDTH)
    if _isatty(stream):
        return max(shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns, MIN_WIDTH)
    return DEFAULT_WIDTH


def use_color(mode: str, stream: TextIO, env: Mapping[str, str]) -> bool:
    """``always``/``never`` as told; ``auto``: a terminal, ``NO_COLOR`` unset or empty, ``TERM`` not dumb."""
    if mode == "always":
        return True
    if mode == "never":
        return False
    return _isatty(stream) and not env.get("NO_COLOR") and env.get("TERM") != "dumb"


def detect(stream: TextIO | None = None, color: str = "auto", wide: bool = False, pager: bool = True,
           env: Mapping[str, str] | None = None) -> Terminal:
    """The :class:`Terminal` for writing to ``stream`` (standard output by default)."""
    stream = stream if stream is not None else sys.stdout
    env = env if env is not None else os.environ
    tty = _isatty(stream)
    height = shutil.get_terminal_size((DEFAULT_WIDTH, 24)).lines if tty else 0
    return Terminal(width=None if wide else detect_width(stream, env), color=use_color(color, stream, env),
                    pager=pager and tty, height=height)


# --------------------------------------------------------------------------- text measures


def visible_len(text: str) -> int:
    """Columns a line takes on screen: colour codes take none."""
    return len(_ANSI.sub("", text))


def paint(text: str, tags: Collection[str], on: bool) -> str:
    """``text`` in the style of its tags (bold and a colour combine) when colour is on."""
    if not on or not text:
        return text
    codes = dict.fromkeys(code for tag, code in STYLES.items() if tag in tags)
    return f"\x1b[{';'.join(codes)}m{text}\x1b[0m" if codes else text


def wrap(text: str, width: int) -> list[str]:
    """Word-wrap one cell to ``width``: explicit newlines kept, breaks after ``;`` preferred (a list of
    layers stays one per line), a word longer than the width left whole."""
    lines: list[str] = []
    for para in text.split("\n"):
        current = ""
        segments = para.split("; ")
        for i, segment in enumerate(segments):
            piece = segment if i == len(segments) - 1 else segment + ";"
            if not current and len(piece) <= width:
                current = piece
            elif current and len(current) + 1 + len(piece) <= width:
                current += " " + piece
            else:
                if current:
                    lines.append(current)
                current = ""
                for word in _words(piece):
                    if current and len(current) + 1 + len(word) <= width:
                        current += " " + word
                    else:
                        if current:
                            lines.append(current)
                        current = word
        lines.append(current)
    return lines


def _words(text: str) -> list[str]:
    """Words to wrap by; ``× 3`` and a word of one or two characters stay with the word before (``Table 1)``,
    ``stride 2``): a repeat count or a number is not left alone on a line."""
    words: list[str] = []
    for w in text.split(" "):
        glue = words and words[-1] and (words[-1] == "×" or (
            0 < len(w) <= 2 and w != "×" and not words[-1].endswith((";", ","))))
        if glue:
            words[-1] += " " + w
        else:
            words.append(w)
    return words


def longest_word(text: str) -> int:
    return max((len(w) for line in text.split("\n") for w in _words(line)), default=0)


@dataclass(frozen=True)
class Fit:
    """Column widths that fit, and the columns left out (indices) when wrapping was not enough."""

    widths: tuple[int, ...]
    dropped: tuple[int, ...] = ()


def fit_columns(natural: Sequence[int], minimum: Sequence[int], drop_order: Sequence[int], budget: int | None,
                gap: int = 2) -> Fit:
    """Shrink wrappable columns (widest first, not below ``minimum``), then drop columns in ``drop_order``.

    ``natural``: each column's unwrapped width; ``minimum``: the narrowest it can wrap to (its longest word;
    equal to ``natural`` for numbers); ``budget``: the line width to fit, ``None`` for no limit.
    """
    if budget is None:
        return Fit(tuple(natural))
    dropped: list[int] = []
    order = list(drop_order)
    while True:
        keep = [i for i in range(len(natural)) if i not in dropped]
        widths = {i: natural[i] for i in keep}
        total = sum(widths.values()) + gap * (len(keep) - 1)
        while total > budget:
            shrinkable = [i for i in keep if widths[i] > minimum[i]]
            if not shrinkable:
                break
            widest = max(shrinkable, key=lambda i: (widths[i], i))
            widths[widest] -= 1
            total -= 1
        if total <= budget or not order:
            return Fit(tuple(widths.get(i, 0) for i in range(len(natural))), tuple(sorted(dropped)))
        dropped.append(order.pop(0))


# --------------------------------------------------------------------------- the pager


def pager_command(env: Mapping[str, str]) -> str | None:
    """``$PAGER`` (empty or ``cat``: none), else ``less``."""
    cmd = env.get("PAGER")
    if cmd is None:
        return "less" if shutil.which("less") else None
    cmd = cmd.strip()
    return None if cmd in ("", "cat") else cmd


def needs_pager(text: str, term: Terminal) -> bool:
    """Page only on a terminal, with paging on, when the text has more lines than the screen."""
    return term.pager and term.height > 0 and text.count("\n") >= term.height


def page(text: str, term: Terminal, env: Mapping[str, str] | None = None) -> bool:
    """Show ``text`` through the pager if it needs one; False when it was not paged (the caller prints it)."""
    env = env if env is not None else os.environ
    cmd = pager_command(env)
    if cmd is None or not needs_pager(text, term):
        return False
    child_env = dict(env)
    child_env.setdefault("LESS", "FRX")
    try:
        argv = shlex.split(cmd)  # $PAGER may carry options ("less -S")
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, env=child_env, encoding="utf-8", errors="replace")
    except (OSError, ValueError):  # no such program, or a $PAGER that does not parse: print instead
        return False
    assert proc.stdin is not None
    try:
        proc.stdin.write(text)
        proc.stdin.close()
    except BrokenPipeError:  # the reader quit the pager early
        pass
    proc.wait()
    return True


__all__ = ["COLOR_MODES", "DEFAULT_WIDTH", "PLAIN", "STYLES", "Fit", "Terminal", "current", "detect", "detect_width",
           "fit_columns", "longest_word", "page", "pager_command", "paint", "session", "use_color", "visible_len",
           "wrap"]
