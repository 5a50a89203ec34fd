"""SIGINT, SIGTERM and SIGHUP end any run within a second, exit 128 + the signal, and leave the old output
or the whole new one: a sweep of real signals over `report` and `slides`, and a library that swallows
the interruption."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import resnet_inspect.io as rio

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
STOP_SECONDS = 1.5  # the target is 1 s; a little room for a loaded CI machine


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "resnet_inspect", *args], cwd=cwd, env=ENV, capture_output=True,
                          timeout=300, check=False)


def interrupted(args: list[str], cwd: Path, after: float, signum: int) -> tuple[int, float, bytes]:
    """Start a run in its own process group, signal the group after ``after`` s (as a terminal's Ctrl-C
    does); (exit code, seconds from the signal to the end, stderr)."""
    proc = subprocess.Popen([sys.executable, "-m", "resnet_inspect", *args], cwd=cwd, env=ENV,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    time.sleep(after)
    sent = time.monotonic()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signum)
    _, err = proc.communicate(timeout=60)
    return proc.returncode, time.monotonic() - sent, err


def sweep(tmp_path: Path, old_args: list[str], new_args: list[str], moments: list[float]) -> None:
    """Old output from ``old_args``, the whole new one from ``new_args`` (other bytes); then signals at
    each moment of a ``new_args`` run: the folder is old or new, never mixed, and no run ends with exit 0
    unless it is new."""
    old_dir, new_dir, out = tmp_path / "old", tmp_path / "new", tmp_path / "out"
    assert run([*old_args, "-o", str(old_dir)], tmp_path).returncode == 0
    assert run([*new_args, "-o", str(new_dir)], tmp_path).returncode == 0
    old, new = snapshot(old_dir), snapshot(new_dir)
    assert old.keys() == new.keys() and all(old[k] != new[k] for k in old)
    for i, moment in enumerate(moments):
        signum = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)[i % 3]
        if out.exists():
            for p in out.iterdir():
                p.unlink()
            out.rmdir()
        assert run([*old_args, "-o", str(out)], tmp_path).returncode == 0
        before = snapshot(out)  # a PowerPoint file holds its time of writing: compare with this run's bytes
        code, took, err = interrupted([*new_args, "-o", str(out)], tmp_path, moment, signum)
        now = snapshot(out)
        whole_new = now.keys() == new.keys() and all(now[k] != before[k] for k in now) and all(
            now[k] == new[k] for k in now if k.endswith(".html"))
        assert now == before or whole_new, f"mixed output after signal {signum} at {moment} s"
        assert code in (0, 128 + signum), err
        if code == 0:
            assert whole_new  # finished before the signal
        else:
            assert took < STOP_SECONDS, f"{took:.2f} s to stop after signal {signum} at {moment} s"
            # the first line is ours; with worker processes, multiprocessing's resource tracker (a process
            # of the same group) may add its own warning after it
            assert err.decode().splitlines()[0] in ("resnet-inspect: interrupted", "resnet-inspect: terminated",
                                                    "resnet-inspect: hung up"), err
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_report_signal_sweep(tmp_path: Path) -> None:
    base = ["report", "resnet18", "resnet34", "--format", "html", "--jobs", "2"]
    sweep(tmp_path, [*base, "--input", "200"], base, [0.6, 1.2, 1.8, 2.4])


def test_slides_signal_sweep(tmp_path: Path) -> None:
    # the PDF stage included: WeasyPrint catches BaseException around every SVG it draws
    base = ["slides", "--models", "resnet18", "resnet50", "--format", "all"]
    sweep(tmp_path, [*base, "--input", "200"], base, [1.5, 2.5, 3.5, 4.5])


def test_ctrl_c_stops_an_eight_model_report_within_a_second(tmp_path: Path) -> None:
    models = ["resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "resnext50_32x4d", "wide_resnet50_2",
              "cifar-resnet56"]
    code, took, err = interrupted(["report", *models, "-o", str(tmp_path / "r")], tmp_path, 3.0, signal.SIGINT)
    assert code == 130 and err.decode().strip() == "resnet-inspect: interrupted"
    assert took < STOP_SECONDS, f"{took:.2f} s"
    assert not (tmp_path / "r").exists()


# --------------------------------------------------------------------------- in process


def test_a_swallowed_signal_is_raised_again(tmp_path: Path) -> None:
    # A library that catches BaseException (WeasyPrint around an SVG) must not make the run carry on.
    started = time.monotonic()
    with rio.signals_raise(), pytest.raises(rio.Terminated):  # caught inside: the process must not die
        try:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1)
        except BaseException:  # the library swallows it
            pass
        while time.monotonic() - started < 5:
            time.sleep(0.01)
    assert time.monotonic() - started < 1 + STOP_SECONDS
    assert rio.pending_signal() is None and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


def test_no_writer_commits_after_a_swallowed_signal(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.mkdir()
    (target / "a.html").write_bytes(b"old")
    with rio.signals_raise(), pytest.raises(rio.Terminated), rio.cleaning_up():  # the reminder held back
        with contextlib.suppress(BaseException):
            os.kill(os.getpid(), signal.SIGTERM)
        rio.write_tree_atomic(target, {"a.html": b"new"})
    assert (target / "a.html").read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_signal_after_the_run_does_not_kill_a_finished_run() -> None:
    # the output is written when main() returns: Ctrl-C or SIGTERM while the process exits changes nothing
    code = ("import os, signal, sys; sys.argv = ['resnet-inspect', '--version']; from resnet_inspect.cli import main; "
            "c = main(); os.kill(os.getpid(), signal.SIGINT); os.kill(os.getpid(), signal.SIGTERM); sys.exit(c)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
