"""Graphviz's ``dot`` program, run with a time limit; every way it can fail is one line with a fix."""

from __future__ import annotations

import re
import shutil
import subprocess

from .errors import InspectError, one_line

TIMEOUT = 60.0  # seconds; the largest zoo network draws in well under one
INSTALL = ("install Graphviz (Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz; others: "
           "https://graphviz.org/download/), or write the DOT source instead with -o FILE.dot")


def run_dot(source: str, fmt: str, timeout: float = TIMEOUT) -> bytes:
    """``dot -T{fmt}`` on ``source``: the rendered bytes, or an :class:`InspectError` saying why not."""
    if not re.fullmatch(r"[a-z0-9]+(:[a-z0-9]+)*", fmt):
        raise InspectError(f"{fmt!r} is not a Graphviz output format; use svg, png or pdf")
    exe = shutil.which("dot")
    if exe is None:
        raise InspectError(f"writing .{fmt} needs Graphviz's `dot` program, which is not on PATH: {INSTALL}")
    try:
        done = subprocess.run([exe, f"-T{fmt}"], input=source.encode("utf-8"), capture_output=True,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise InspectError(f"Graphviz's dot did not finish within {timeout:g} s (stopped); draw less (e.g. fewer "
                           "--expand stages), or write -o FILE.dot and run dot on it yourself") from None
    except OSError as e:
        raise InspectError(f"cannot run Graphviz's dot ({exe}): {e.strerror or e}; check the Graphviz "
                           f"install (`dot -V`), or {INSTALL.split(', or ')[-1]}") from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        why = f"killed by signal {-done.returncode}" if done.returncode < 0 else f"exit {done.returncode}"
        detail = f": {one_line(said[0], 160)}" if said else ""
        raise InspectError(f"Graphviz's dot failed ({why}){detail}; check the Graphviz install (`dot -V`), or "
                           "write -o FILE.dot and run dot on it yourself")
    return done.stdout
