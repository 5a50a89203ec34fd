"""Options and output handling shared by the commands."""

from __future__ import annotations

import argparse
import io
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..terminal import Terminal
    from ..views.text_table import Table

FORMATS = ("text", "markdown", "csv", "json", "latex", "html")


def add_format(parser: argparse.ArgumentParser, formats: tuple[str, ...] = FORMATS) -> None:
    parser.add_argument("--format", "-f", default="text", choices=formats, metavar="FORMAT",
                        help=f"output format: {', '.join(formats)} (default: text)")
    parser.add_argument("--output", "-o", metavar="FILE",
                        help="write to FILE (atomically) instead of standard output")


def add_input(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", "-i", metavar="SIZE",
                        help="input size: 224, 600x800, 3x224x224 or 8x3x224x224 (default: the variant's)")


def add_policy(parser: argparse.ArgumentParser) -> None:
    from ..policies import POLICIES

    parser.add_argument("--count", default="conv-fc", choices=list(POLICIES), metavar="POLICY",
                        help="what MACs count: " + "; ".join(f"{k}: {v}" for k, v in POLICIES.items())
                        + " (default: conv-fc)")


def check_output(args: argparse.Namespace) -> None:
    """Fail before any work when --output cannot be written."""
    if getattr(args, "output", None):
        from ..io import check_writable

        check_writable(args.output)


def add_terminal(parser: argparse.ArgumentParser) -> None:
    """--wide, --color and --no-pager: how text meets the terminal (every command has them)."""
    from ..terminal import COLOR_MODES, DEFAULT_WIDTH

    group = parser.add_argument_group("terminal")
    group.add_argument("--wide", action="store_true",
                       help=f"every column, however wide (default: fit the terminal, or {DEFAULT_WIDTH} columns "
                       "when the output is not a terminal)")
    group.add_argument("--color", default="auto", choices=COLOR_MODES, metavar="WHEN",
                       help="colour stride-2 rows, shortcut rows and totals: auto (on a terminal, unless NO_COLOR "
                       "is set), always, never (default: auto)")
    group.add_argument("--no-pager", action="store_true",
                       help="never page long output (default: $PAGER or less, on a terminal)")


def terminal(args: argparse.Namespace) -> Terminal:
    """Where this run's text goes: the terminal's width, colour and pager; a file (-o) is fitted as piped
    output is (100 columns unless --wide), uncoloured unless --color always, never paged."""
    from ..terminal import detect

    to_file = bool(getattr(args, "output", None))
    return detect(io.StringIO() if to_file else sys.stdout, color=getattr(args, "color", "auto"),
                  wide=bool(getattr(args, "wide", False)), pager=not getattr(args, "no_pager", False))


def render(doc: object, fmt: str) -> str:
    """A document in a text format (text, markdown, csv, latex, html) through its backend (terminal text
    fitted to the run's terminal)."""
    from ..backends import render as backend_render
    from ..document import Document

    assert isinstance(doc, Document)
    return backend_render(doc, fmt)


def render_tables(tables: Sequence[Table], fmt: str) -> str:
    """Hand-built tables (:mod:`resnet_inspect.views.text_table`) in a format: JSON records, or one document
    through its backend."""
    from ..backends import render as backend_render
    from ..terminal import current
    from ..views.text_table import as_document, as_json

    if fmt == "json":
        return as_json(tables)
    return backend_render(as_document(tables), fmt, term=current() if fmt == "text" else None)


def emit(text: str, args: argparse.Namespace) -> None:
    """Print (through the pager when it is longer than the screen), or write --output atomically."""
    if getattr(args, "output", None):
        from ..io import said, write_atomic

        path = write_atomic(args.output, text)
        print(f"wrote {said(path)}", file=sys.stderr)
        return
    from ..console import needs_fallback
    from ..terminal import current, page

    # a console that cannot show × or ─ gets ASCII from its wrapped stream; the pager would bypass it
    if needs_fallback(sys.stdout) or not page(text, current()):
        sys.stdout.write(text)

