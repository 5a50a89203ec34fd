"""Options and output handling shared by the commands."""

from __future__ import annotations

import argparse
import sys

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


def render(doc: object, fmt: str) -> str:
    """A document in a text format (text, markdown, csv, latex, html) through its backend."""
    from ..backends import render as backend_render
    from ..document import Document

    assert isinstance(doc, Document)
    return backend_render(doc, fmt)


def emit(text: str, args: argparse.Namespace) -> None:
    """Print, or write --output atomically and say where."""
    if getattr(args, "output", None):
        from ..io import write_atomic

        path = write_atomic(args.output, text)
        print(f"wrote {path}", file=sys.stderr)
    else:
        sys.stdout.write(text)

