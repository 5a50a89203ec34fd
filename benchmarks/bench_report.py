"""Time budgets of ``resnet-inspect report``, measured against a reference command in the same run.

Each report command runs alternately with the reference (``table resnet152``, a fixed amount of work that
slows down as much as the report when the machine is busy), after a warm-up.  For every pair the wall time
and the CPU time (user + system, worker processes included) of both are read from the kernel
(``os.wait4``).  The verdict compares the median wall time with the budget; the A/B ratio shows how the
report scales against the reference, and the CPU seconds what it costs on an idle machine.
Run: ``python benchmarks/bench_report.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import CLI, process

REFERENCE = [*CLI, "table", "resnet152"]


@dataclass(frozen=True)
class Budget:
    title: str
    args: list[str]
    seconds: float


def budgets(out: Path) -> list[Budget]:
    return [
        Budget("report: the headline set, HTML + PDF, and the index", [*CLI, "report", "-o", str(out / "all")], 60),
        Budget("report resnet50 --format html", [*CLI, "report", "resnet50", "-f", "html", "-o", str(out / "one")],
               3),
    ]


def measure(b: Budget, runs: int) -> dict[str, float]:
    report, reference = process(b.args), process(REFERENCE)
    report(), reference()  # warm-up: page cache, bytecode, font cache
    pairs = [(report(), reference()) for _ in range(runs)]
    return {"a_s": statistics.median(a.wall_s for a, _ in pairs), "b_s": statistics.median(r.wall_s for _, r in pairs),
            "cpu_s": statistics.median(a.cpu_s for a, _ in pairs),
            "ratio": statistics.median(a.wall_s / r.wall_s for a, r in pairs)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="counted pairs per budget (default 3)")
    args = parser.parse_args()
    os.chdir(Path(__file__).resolve().parent.parent)
    print(f"{'budget':54s} {'A s':>7s} {'A cpu s':>8s} {'B s':>6s} {'A/B':>6s} {'A/budget':>9s}  ok")
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for b in budgets(Path(tmp)):
            m = measure(b, args.runs)
            ok = m["a_s"] <= b.seconds
            failed += not ok
            print(f"{b.title:54s} {m['a_s']:7.2f} {m['cpu_s']:8.2f} {m['b_s']:6.2f} {m['ratio']:6.1f} "
                  f"{m['a_s'] / b.seconds:9.2f}  {'yes' if ok else 'NO'}")
    print(f"medians of {args.runs} alternating pairs; B is `resnet-inspect table resnet152`; the budget is met when "
          f"A/budget is at most 1 ({os.cpu_count()} cores, load {os.getloadavg()[0]:.1f} at the end)")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
