"""The one error type the command line turns into a one-line message and exit code 2."""

from __future__ import annotations


class InspectError(ValueError):
    """A problem with what the user asked for: the message names it and says what to do instead."""
