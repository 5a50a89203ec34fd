"""``resnet-inspect report [MODEL...] -o DIR``: a self-contained HTML page and an A4 PDF per model, and an index."""

from __future__ import annotations

import argparse
import sys

from .common import add_input
from .model_args import add_model_args

OUTPUT_IS_FOLDER = True  # -o names a folder: checked by the folder writer, not as a file
NAME = "report"
HELP = "reports: one self-contained HTML page, A4 PDF and JSON per model, and the family index"
EXAMPLE = """examples:
  resnet-inspect report                               (the headline models: resnet18/34/50/101/152,
                                                       resnext50_32x4d, wide_resnet50_2, cifar-resnet56)
  resnet-inspect report resnet50 resnet101 -o reports/
  resnet-inspect report resnet50 --format html --input 600x800 -o detection/
  resnet-inspect report mynet.py:build --kwargs width=32 --format html -o mynet/

each page: summary, the architecture in the paper's layout, depth, stages, block and network diagrams,
plots, receptive field, this model's totals under each MAC convention, and every layer (collapsible,
sortable; "?" opens a layer's arithmetic), with a link back to the index. MODEL.json beside it holds the
numbers (what table MODEL --format json writes). index.html (index.pdf) puts every model of the run side by
side, links its pages, PDFs and JSON and the decks in DIR/slides, and compares two models stage by stage.
The folder is written at once: a failed run leaves the previous report as it was."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_model_args(parser, nargs="*", default="the headline models")
    parser.add_argument("--format", "-f", default="both", choices=("html", "pdf", "both"), metavar="FORMAT",
                        help="html, pdf or both (default: both; PDF needs WeasyPrint)")
    add_input(parser)
    parser.add_argument("--output", "-o", default="reports", metavar="DIR",
                        help="the folder to write (default: reports); other files in it are kept")
    parser.add_argument("--jobs", "-j", type=int, metavar="N",
                        help="models built in N processes at once (default: one per core)")


def run(args: argparse.Namespace) -> int:
    from .. import __version__
    from ..errors import InspectError
    from ..io import said
    from ..report import plan, write

    if args.jobs is not None and args.jobs < 1:
        raise InspectError(f"--jobs {args.jobs} must be 1 or more")
    p = plan(args.models, args.format, args.output, args.input, args.kwargs)
    files = write(p, __version__, jobs=args.jobs)
    print(f"wrote {len(files)} files to {said(p.target)}/ ({', '.join(sorted(files)[:3])}"
          f"{', …' if len(files) > 3 else ''})", file=sys.stderr)
    return 0
