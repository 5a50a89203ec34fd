"""Speed and memory targets of ``resnet-inspect table``, as ratios against baselines measured in the same run.

Each pair of commands runs alternately (A B A B ...) after a warm-up; for every pair the wall time and
peak resident memory of both processes are read from the kernel (``os.wait4``), and the median of the
per-pair ratios is compared with the target.  Run: ``python benchmarks/bench.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

PY = sys.executable
CLI = [PY, "-m", "resnet_inspect"]
TORCHINFO = ("import torch, torchinfo\n"
             "from resnet_inspect import registry\n"
             "model = registry.build('resnet152', device='cpu')\n"
             "torchinfo.summary(model, input_size=(1, 3, 224, 224), depth=10, verbose=1)\n")


@dataclass(frozen=True)
class Run:
    wall_s: float
    peak_mib: float


@dataclass(frozen=True)
class Target:
    title: str
    a: list[str]
    b: list[str]
    limit: float | None  # the median A/B ratio must not exceed this (None: shown for reference)
    memory: bool = False  # also hold peak memory to the limit


TARGETS = [
    Target("table resnet152 vs `import torch`", [*CLI, "table", "resnet152"], [PY, "-c", "import torch"], 1.3),
    Target("table resnet152 vs torchinfo.summary(resnet152)", [*CLI, "table", "resnet152"], [PY, "-c", TORCHINFO],
           0.5),
    # For reference: what importing torch alone costs against the torchinfo process (the names and specs
    # of `table` are analysed without importing torch).
    Target("(reference) `import torch` vs torchinfo.summary(resnet152)", [PY, "-c", "import torch"],
           [PY, "-c", TORCHINFO], None),
    Target("table resnet152 at 4096×4096 vs at 224×224", [*CLI, "table", "resnet152", "--input", "4096"],
           [*CLI, "table", "resnet152", "--input", "224"], 1.2, memory=True),
    Target("table preact-resnet1001 vs table resnet152", [*CLI, "table", "preact-resnet1001"],
           [*CLI, "table", "resnet152"], 2.0),
]


def run_once(cmd: list[str]) -> Run:
    """One whole process: wall seconds and peak RSS (MiB) from the kernel's accounting."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"command failed: {' '.join(cmd)}\n{err}")
    return Run(wall, usage.ru_maxrss / 1024)


def measure(target: Target, runs: int) -> dict[str, float]:
    run_once(target.a), run_once(target.b)  # warm-up: page cache, bytecode
    walls, mems, a_walls, b_walls = [], [], [], []
    for _ in range(runs):
        a, b = run_once(target.a), run_once(target.b)
        walls.append(a.wall_s / b.wall_s)
        mems.append(a.peak_mib / b.peak_mib)
        a_walls.append(a.wall_s)
        b_walls.append(b.wall_s)
    return {"a_s": statistics.median(a_walls), "b_s": statistics.median(b_walls),
            "wall": statistics.median(walls), "memory": statistics.median(mems)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="counted pairs per target (default 5)")
    args = parser.parse_args()
    os.chdir(Path(__file__).resolve().parent.parent)
    print(f"{'target':58s} {'A s':>7s} {'B s':>7s} {'A/B wall':>9s} {'A/B mem':>8s} {'limit':>6s}  ok")
    failed = 0
    for t in TARGETS:
        m = measure(t, args.runs)
        if t.limit is None:
            verdict, limit = "—", "—"
        else:
            ok = m["wall"] <= t.limit and (not t.memory or m["memory"] <= t.limit)
            failed += not ok
            verdict, limit = ("yes" if ok else "NO"), f"{t.limit:.2f}"
        print(f"{t.title:58s} {m['a_s']:7.3f} {m['b_s']:7.3f} {m['wall']:9.3f} {m['memory']:8.3f} {limit:>6s}  "
              f"{verdict}")
    print(f"medians of {args.runs} alternating pairs; ratios at or below the limit meet the target; the reference "
          "row shows what importing torch alone costs")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
