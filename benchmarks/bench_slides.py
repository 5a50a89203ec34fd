"""Speed of ``resnet-inspect slides``: the default deck in all three formats within 30 s on a 2-core machine.

Measured as bench.py measures (whole processes, wall time from the kernel's accounting, medians over runs
after a warm-up) and reported as a ratio to the 30 s budget, with each format alone and ``table resnet152``
(the analysis floor) beside it for reference.  Run: ``python benchmarks/bench_slides.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import CLI, process

BUDGET_S = 30.0


def commands(out: str) -> list[tuple[str, list[str], float | None]]:
    """(title, command, limit as a fraction of the budget; None: for reference)."""
    deck = [*CLI, "slides", "-o", out]
    return [
        ("slides, html + pdf + pptx (default models)", deck, 1.0),
        ("(reference) slides --format html", [*deck, "--format", "html"], None),
        ("(reference) slides --format pdf", [*deck, "--format", "pdf"], None),
        ("(reference) slides --format pptx", [*deck, "--format", "pptx"], None),
        ("(reference) slides --lang zh, all formats", [*deck, "--lang", "zh"], None),
        ("(reference) table resnet152", [*CLI, "table", "resnet152"], None),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="counted runs per command (default 3)")
    args = parser.parse_args()
    os.chdir(Path(__file__).resolve().parent.parent)
    print(f"{'command':48s} {'median s':>9s} {'/ 30 s':>7s} {'limit':>6s}  ok")
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for title, cmd, limit in commands(tmp):
            run = process(cmd)
            run()  # warm-up: page cache, bytecode, fontconfig cache
            wall = statistics.median(run().wall_s for _ in range(args.runs))
            ratio = wall / BUDGET_S
            if limit is None:
                verdict, shown = "—", "—"
            else:
                ok = ratio <= limit
                failed += not ok
                verdict, shown = ("yes" if ok else "NO"), f"{limit:.2f}"
            print(f"{title:48s} {wall:9.2f} {ratio:7.3f} {shown:>6s}  {verdict}")
    print(f"medians of {args.runs} runs after a warm-up, on {os.cpu_count()} cores; the target is a ratio to the "
          f"{BUDGET_S:.0f} s budget")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
