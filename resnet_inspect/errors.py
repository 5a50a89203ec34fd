"""The one error type the command line turns into a one-line message and exit code 2, and how values the
user typed are shown inside such a message."""

from __future__ import annotations

SHOWN_CHARS = 200  # a value echoed in a message is cut after this many characters


class InspectError(ValueError):
    """A problem with what the user asked for: the message names it and says what to do instead.

    ``option`` names the command-line option at fault (``"--input"``, ``"--kwargs"``), when one is: a
    caller decides by it, never by the message's words, whether to name the model in front.
    """

    def __init__(self, message: str = "", *, option: str | None = None) -> None:
        super().__init__(message)
        self.option = option


class ModelError(InspectError):
    """A user's model failed on its own: its factory, forward, file or arguments raised ``cause``.

    ``owner`` is the MODEL as the user named it (``mynet.py:build``); the message says it is theirs, so
    the command line reports it as a problem of the input (exit 2), not as a fault of resnet-inspect.
    """

    def __init__(self, message: str = "", *, owner: str = "", cause: BaseException | None = None,
                 option: str | None = None) -> None:
        super().__init__(message, option=option)
        self.owner = owner
        self.cause = cause


def escape_controls(text: str) -> str:
    """``text`` with every non-printable character written as an escape (``\\n``, ``\\x1b``, ``\\u202e``).

    A newline or a terminal escape sequence inside a path or a name must not start a new line or repaint
    the terminal when the message is printed.
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def shown(value: object, limit: int = SHOWN_CHARS) -> str:
    """A user's value as a message shows it: quoted like ``repr``, control characters escaped, and cut
    after ``limit`` characters with ``…`` (a 100 KB name does not become a 100 KB message)."""
    if isinstance(value, str):
        return repr(value[:limit]) + ("…" if len(value) > limit else "")
    text = escape_controls(repr(value))
    return text[:limit] + ("…" if len(text) > limit else "")


def one_line(message: str, limit: int = 4 * SHOWN_CHARS) -> str:
    """A message as exactly one printable line, at most about ``limit`` characters."""
    text = escape_controls(message.strip())
    return text if len(text) <= limit else text[:limit] + "…"
