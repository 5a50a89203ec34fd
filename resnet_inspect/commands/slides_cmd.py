"""``resnet-inspect slides``: a teaching deck built from the models (HTML, PDF, PowerPoint; English or Chinese)."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from .common import add_input

OUTPUT_IS_FOLDER = True  # -o names a folder: checked by the folder writer, not as a file
NAME = "slides"
HELP = "a teaching deck on ResNets, every number computed: HTML (offline), PDF and editable PowerPoint"
FORMATS = ("html", "pdf", "pptx", "all")
LANGS = ("en", "zh")
DEFAULT_OUTPUT = "slides"
EXAMPLE = """examples:
  resnet-inspect slides -o reports/slides                 # slides-en.html, slides-en.pdf, slides-en.pptx
  resnet-inspect slides --lang zh -o reports/slides       # the same deck in Chinese: slides-zh.*
  resnet-inspect slides --models resnet50 resnet101 --format html
  resnet-inspect slides --models 'basic:1-1-1-1,width=32' --input 160

the HTML deck runs offline: arrow keys or space to move, n for the speaker notes, deck.html#7 for slide 7.
--models: the networks the deck covers (default: resnet18 resnet34 resnet50 resnet101 resnet152
resnext50_32x4d wide_resnet50_2 cifar-resnet56 preact-resnet1001); ResNeXt, wide, CIFAR and pre-activation
nets appear in the variants part."""
NO_CJK = ("the Chinese deck needs a CJK font and fontconfig finds none: install one (Debian/Ubuntu: "
          "apt-get install fonts-noto-cjk; `make setup` does it), or use --lang en")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--models", "-m", nargs="+", metavar="MODEL",
                        help="networks the deck covers: names (see `resnet-inspect list`) or custom specs "
                        "such as 'basic:1-1-1-1,width=32' (default: the ResNet family and four variants)")
    add_input(parser)
    parser.add_argument("--format", "-f", default="all", choices=FORMATS, metavar="FORMAT",
                        help="html, pdf, pptx or all (default: all)")
    parser.add_argument("--lang", "-l", default="en", choices=LANGS, metavar="LANG",
                        help="en or zh (default: en)")
    parser.add_argument("--output", "-o", default=DEFAULT_OUTPUT, metavar="DIR",
                        help=f"folder to write the deck into (default: {DEFAULT_OUTPUT}/); other files there "
                        "are kept")


def has_cjk_font() -> bool:
    """True when fontconfig knows a font that covers Chinese."""
    if shutil.which("fc-list") is None:
        return False
    out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False)
    return bool(out.stdout.strip())


def check_folder(path: str) -> Path:
    """Fail before any work when the output folder cannot be created or written."""
    from ..errors import InspectError

    target = Path(path)
    if target.exists() and not target.is_dir():
        raise InspectError(f"--output {path} is a file; give a folder, e.g. -o reports/slides")
    probe = target
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent  # the nearest folder that exists: the deck's folders are created in it
    if not probe.is_dir():
        raise InspectError(f"cannot write {path}: {probe} is a file, not a folder; choose another -o folder")
    if not os.access(probe, os.W_OK):
        raise InspectError(f"cannot write {path}: no permission to write in {probe}; choose another -o folder")
    return target


def _models(args: argparse.Namespace) -> list[str]:
    from ..analysis.deck import DEFAULT_MODELS
    from ..errors import InspectError
    from ..loaders import kind_of

    if not args.models:
        return list(DEFAULT_MODELS)
    names = [name for item in args.models for name in item.split()]
    for name in names:
        if kind_of(name) != "registry":  # the deck builds its networks again per layout: names and specs only
            raise InspectError(f"--models {name}: the deck takes zoo names and custom specs, not a module "
                               f"({kind_of(name)}); use a name from `resnet-inspect list` or a spec such as "
                               f"'bottleneck:3-4-6-3', or `resnet-inspect report {name}` for a module",
                               option="--models")
    return names


def run(args: argparse.Namespace) -> int:
    from ..errors import InspectError

    target = check_folder(args.output)
    if args.lang == "zh" and not has_cjk_font():
        raise InspectError(NO_CJK)
    from ..analysis.deck import gather
    from ..io import said, write_tree_atomic
    from ..views.slides import deck

    document = deck(gather(_models(args), args.input), args.lang)
    formats = ("html", "pdf", "pptx") if args.format == "all" else (args.format,)
    cache: dict[tuple[str, str], bytes] = {}
    files: dict[str, bytes] = {}
    stem = f"slides-{args.lang}"
    if "html" in formats:
        from ..backends.deck_html import render_html

        files[f"{stem}.html"] = render_html(document, cache=cache).encode("utf-8")
    if "pdf" in formats:
        from ..backends.deck_html import render_pdf

        files[f"{stem}.pdf"] = render_pdf(document, cache=cache)
    if "pptx" in formats:
        from ..backends.pptx_deck import render_pptx

        files[f"{stem}.pptx"] = render_pptx(document, cache=cache)
    root = write_tree_atomic(target, files)  # an OS error becomes one line with its cause and a fix
    print(f"wrote {', '.join(said(root / name) for name in files)}", file=sys.stderr)
    return 0
