"""Speed and memory targets, each a stated limit on a ratio against a baseline measured in the same run.

Every target runs its two sides alternately (A B A B ...) after a warm-up, at least 9 counted pairs; the
verdict uses the medians of the per-pair ratios of wall time and of CPU time (user + system), and of peak
memory where a target says so.  Whole processes are timed by the kernel (``os.wait4``); in-process calls
with ``time.perf_counter`` and ``time.process_time``.  Every torch process, this one included, runs with
``OMP_NUM_THREADS=1``, so a tool with more threads cannot win by using more cores.

Targets:
- start-up: ``resnet-inspect --version`` and ``table resnet152`` against ``python -c pass`` (the floor);
- a module: ``inspect(module)`` against ``torchinfo.summary(module)`` on the same CPU module, in-process and
  as whole processes (both of which import torch and build the module);
- scaling: the time per layer row of a 1000-layer spec against a 110-layer one (linear in rows), and the
  time of resnet152 at 4096×4096 against 224×224 (no cost per input pixel).

Run: ``python benchmarks/bench.py [--runs N]``; prints PASS/FAIL per target and exits 1 on a failure.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

os.environ["OMP_NUM_THREADS"] = "1"  # before torch is imported, here and in every child process
ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
CLI = [PY, "-m", "resnet_inspect"]
MODULE = "resnet152"
# The same CPU module for both tools, built cheaply (meta, then zeroed CPU memory: no random initialisation),
# so the processes differ in the analysis alone.
BUILD = (f"import torch\ntorch.set_num_threads(1)\nfrom resnet_inspect import registry\n"
         f"model = registry.build({MODULE!r}).to_empty(device='cpu').eval()\n"
         "with torch.no_grad():\n    [t.zero_() for t in (*model.parameters(), *model.buffers())]\n")
SPEC_110 = "basic:18-18-18,stem=cifar,widths=16-32-64"  # 6·18 + 2 = 110 layers
SPEC_1000 = "basic:166-166-166,stem=cifar,widths=16-32-64"  # 6·166 + 2 = 998 layers


@dataclass(frozen=True)
class Sample:
    wall_s: float
    cpu_s: float
    peak_mib: float = 0.0


Side = Callable[[], Sample]


@dataclass(frozen=True)
class Target:
    title: str
    a: Side
    b: Side
    limit: float  # the medians of A/B (wall and CPU) must not exceed this
    memory: bool = False  # also hold the median A/B of peak memory to the limit


def process(cmd: list[str]) -> Side:
    """A whole process: wall seconds, CPU seconds and peak resident memory from the kernel."""

    def run() -> Sample:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            err = proc.stderr.read().decode() if proc.stderr else ""
            raise SystemExit(f"command failed: {' '.join(cmd)}\n{err}")
        return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)

    return run


def in_process(fn: Callable[[], object], per: int = 1, gc_off: bool = False) -> Side:
    """A call in this process; ``per`` divides the times (time per row).  ``gc_off`` runs it without the
    cyclic garbage collector, as the command line does."""

    def run() -> Sample:
        if gc_off:
            gc.disable()
        try:
            wall, cpu = time.perf_counter(), time.process_time()
            fn()
            return Sample((time.perf_counter() - wall) / per, (time.process_time() - cpu) / per)
        finally:
            gc.enable()

    return run


def _module_sides() -> tuple[Side, Side]:
    import torch
    import torchinfo

    from resnet_inspect import inspect, registry

    torch.set_num_threads(1)
    model = registry.build(MODULE).to_empty(device="cpu").eval()
    with torch.no_grad():
        for t in (*model.parameters(), *model.buffers()):
            t.zero_()
    ours = in_process(lambda: inspect(model, input_size=224))
    with torch.no_grad():
        theirs = in_process(lambda: torchinfo.summary(model, input_size=(1, 3, 224, 224), verbose=0))
    return ours, theirs


def _rows(spec: str) -> int:
    from resnet_inspect import inspect

    return len(inspect(spec).rows)


def targets() -> list[Target]:
    from resnet_inspect import inspect

    floor = process([PY, "-c", "pass"])
    ours_module, theirs_module = _module_sides()
    rows_110, rows_1000 = _rows(SPEC_110), _rows(SPEC_1000)
    return [
        Target("start-up: --version vs `python -c pass`", process([*CLI, "--version"]), floor, 4.0),
        Target("start-up: table resnet152 vs `python -c pass`", process([*CLI, "table", "resnet152"]), floor, 12.0),
        Target(f"module, in-process: inspect vs torchinfo.summary ({MODULE}, CPU, 224)", ours_module,
               theirs_module, 0.5),
        Target(f"module, processes: import + build + inspect vs + torchinfo ({MODULE})",
               process([PY, "-c", BUILD + "from resnet_inspect import inspect\ninspect(model, input_size=224)\n"]),
               process([PY, "-c", BUILD + "import torchinfo\nwith torch.no_grad():\n"
                        "    torchinfo.summary(model, input_size=(1, 3, 224, 224), verbose=0)\n"]), 0.9),
        Target(f"rows: time per row, 1000-layer spec ({rows_1000} rows) vs 110-layer ({rows_110}), GC off (CLI)",
               in_process(lambda: inspect(SPEC_1000), rows_1000, gc_off=True),
               in_process(lambda: inspect(SPEC_110), rows_110, gc_off=True), 1.5),
        Target("pixels: inspect resnet152 at 4096×4096 vs 224×224 (in-process)",
               in_process(lambda: inspect("resnet152", input_size=4096)),
               in_process(lambda: inspect("resnet152", input_size=224)), 1.2),
        Target("pixels: table resnet152 at 4096×4096 vs 224×224 (processes, also memory)",
               process([*CLI, "table", "resnet152", "--input", "4096"]),
               process([*CLI, "table", "resnet152", "--input", "224"]), 1.2, memory=True),
    ]


def measure(t: Target, runs: int) -> dict[str, float]:
    t.a(), t.b()  # warm-up: page cache, bytecode, lazy imports
    pairs = [(t.a(), t.b()) for _ in range(runs)]
    med = statistics.median
    return {"a_wall": med(a.wall_s for a, _ in pairs), "b_wall": med(b.wall_s for _, b in pairs),
            "a_cpu": med(a.cpu_s for a, _ in pairs), "b_cpu": med(b.cpu_s for _, b in pairs),
            "wall": med(a.wall_s / b.wall_s for a, b in pairs), "cpu": med(a.cpu_s / max(b.cpu_s, 1e-9)
                                                                            for a, b in pairs),
            "memory": med(a.peak_mib / b.peak_mib for a, b in pairs) if t.memory else 0.0}


def _seconds(s: float) -> str:
    return f"{s * 1e3:8.3f}ms" if s < 0.1 else f"{s:8.3f}s "


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="counted pairs per target (at least 9; default 9)")
    parser.add_argument("-k", dest="only", default="", metavar="TEXT", help="only the targets whose title has TEXT")
    args = parser.parse_args()
    if args.runs < 9:
        parser.error("--runs must be at least 9: medians of fewer pairs move too much")
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    print(f"{'target':84s} {'A wall':>10s} {'B wall':>10s} {'A/B wall':>8s} {'A/B cpu':>8s} {'A/B mem':>8s} "
          f"{'limit':>6s}  verdict")
    failed = 0
    for t in targets():
        if args.only not in t.title:
            continue
        m = measure(t, args.runs)
        ok = m["wall"] <= t.limit and m["cpu"] <= t.limit and (not t.memory or m["memory"] <= t.limit)
        failed += not ok
        mem = f"{m['memory']:8.3f}" if t.memory else f"{'':8s}"
        print(f"{t.title:84s} {_seconds(m['a_wall'])} {_seconds(m['b_wall'])} {m['wall']:8.3f} {m['cpu']:8.3f} "
              f"{mem} {t.limit:6.2f}  {'PASS' if ok else 'FAIL'}", flush=True)
    print(f"medians of {args.runs} alternating pairs (A B A B ...), OMP_NUM_THREADS=1; a target passes when its "
          "wall, CPU (and memory) ratios are at or below the limit")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
