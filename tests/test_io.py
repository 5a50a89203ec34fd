"""The writer under faults, odd files, signals and concurrency; the console under legacy encodings.

Special files live in a temporary folder (a FIFO read by a thread, symbolic links, device nodes made
with ``os.mknod`` where the system allows it), never in the real ``/dev``.  OS errors that cannot be
produced on demand (a read-only file system, an immutable file) are injected where the writer calls the
operating system.  A handful of cases run as real processes: signals, encodings, pipes, closed streams.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from resnet_inspect import io as rio
from resnet_inspect.errors import InspectError

Cli = Callable[..., tuple[int, str, str]]
ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
OLD = b"previous contents\n"
SLEEP = shutil.which("sleep") or "/bin/sleep"


def run(*args: str, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    """``python -m resnet_inspect ARGS`` as a real process."""
    env = {**ENV, **kwargs.pop("env", {})}  # type: ignore[dict-item]
    kwargs.setdefault("stdout", subprocess.PIPE)
    return subprocess.run([sys.executable, "-m", "resnet_inspect", *args], stderr=subprocess.PIPE, env=env,
                          timeout=120, check=False, **kwargs)  # type: ignore[call-overload, no-any-return]


def only_file(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def old(tmp_path: Path) -> Path:
    p = tmp_path / "out.txt"
    p.write_bytes(OLD)
    p.chmod(0o600)
    return p


def assert_intact(p: Path, mode: int = 0o600) -> None:
    assert p.read_bytes() == OLD
    assert stat.S_IMODE(p.stat().st_mode) == mode
    assert only_file(p.parent) == [p.name], "a temporary file was left behind"


# --------------------------------------------------------------------------- modes, names, links


def test_rewrite_keeps_the_mode(old: Path) -> None:
    rio.write_atomic(old, "new\n")
    assert old.read_text() == "new\n"
    assert stat.S_IMODE(old.stat().st_mode) == 0o600  # was widened to 0o644 by a fixed chmod
    assert only_file(old.parent) == ["out.txt"]


@pytest.mark.parametrize("mode", [0o400 | 0o200, 0o640, 0o755, 0o664])
def test_rewrite_keeps_any_mode(tmp_path: Path, mode: int) -> None:
    p = tmp_path / "f"
    p.write_text("x")
    p.chmod(mode)
    rio.write_atomic(p, b"y")
    assert stat.S_IMODE(p.stat().st_mode) == mode and p.read_bytes() == b"y"


@pytest.mark.parametrize("umask", [0o077, 0o022, 0o002])
def test_new_file_honours_the_umask(tmp_path: Path, umask: int) -> None:
    saved = os.umask(umask)
    try:
        rio.write_atomic(tmp_path / "new.txt", "x")
    finally:
        os.umask(saved)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o666 & ~umask


def test_rewrite_keeps_the_owner_where_allowed(tmp_path: Path) -> None:
    p = tmp_path / "f"
    p.write_text("x")
    if os.geteuid() != 0:
        pytest.skip("only root can give a file to another owner")
    os.chown(p, 12345, 23456)
    rio.write_atomic(p, "y")
    assert (p.stat().st_uid, p.stat().st_gid) == (12345, 23456)


def test_symlink_is_followed_not_replaced(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_bytes(OLD)
    real.chmod(0o640)
    link = tmp_path / "link.txt"
    link.symlink_to("real.txt")
    rio.write_atomic(link, "through the link\n")
    assert link.is_symlink() and os.readlink(link) == "real.txt"
    assert real.read_text() == "through the link\n" and stat.S_IMODE(real.stat().st_mode) == 0o640
    assert only_file(tmp_path) == ["link.txt", "real.txt"]


def test_chain_of_links_into_another_folder(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    target = tmp_path / "a" / "t.txt"
    (tmp_path / "l1").symlink_to("l2")
    (tmp_path / "l2").symlink_to("a/t.txt")
    rio.write_atomic(tmp_path / "l1", "x")
    assert target.read_text() == "x" and (tmp_path / "l1").is_symlink() and (tmp_path / "l2").is_symlink()


def test_dangling_link_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "link"
    link.symlink_to("made.txt")
    rio.write_atomic(link, "x")
    assert link.is_symlink() and (tmp_path / "made.txt").read_text() == "x"


def test_symlink_loop_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    with pytest.raises(InspectError, match="too many symbolic links"):
        rio.write_atomic(tmp_path / "a", "x")


def test_250_byte_name_fits_its_temporary_name(tmp_path: Path) -> None:
    name = "n" * 250
    rio.write_atomic(tmp_path / name, "x")
    assert (tmp_path / name).read_text() == "x" and only_file(tmp_path) == [name]


@pytest.mark.parametrize("name", ["a" * 255, "é" * 127, "图" * 85, "x"])
def test_temporary_name_is_hidden_and_fits(tmp_path: Path, name: str) -> None:
    tmp = rio.temp_path(tmp_path / name)
    assert tmp.parent == tmp_path and tmp.name.startswith(".") and tmp.name.endswith(".tmp")
    assert len(os.fsencode(tmp.name)) <= 255
    tmp.name.encode("utf-8")  # cut on a character boundary


def test_name_too_long(tmp_path: Path) -> None:
    with pytest.raises(InspectError, match="too long"):
        rio.write_atomic(tmp_path / ("n" * 256), "x")
    assert only_file(tmp_path) == []


@pytest.mark.parametrize("bad", ["", 123, None, b"\x00".decode()])
def test_bad_names(bad: object) -> None:
    with pytest.raises(InspectError) as e:
        rio.write_atomic(bad, "x")  # type: ignore[arg-type]
    assert "\n" not in str(e.value)


def test_dash_writes_standard_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert rio.write_atomic("-", "to stdout\n") == Path("-")
    assert capsys.readouterr().out == "to stdout\n"


def test_dev_fd_alias_appends_to_the_open_descriptor(tmp_path: Path) -> None:
    # `3>>log resnet-inspect ... -o /dev/fd/3`: the descriptor is written, nothing is reopened or replaced.
    log = tmp_path / "log"
    log.write_bytes(OLD)
    fd = os.open(log, os.O_WRONLY | os.O_APPEND)
    try:
        rio.write_atomic(f"/dev/fd/{fd}", "appended\n")
    finally:
        os.close(fd)
    assert log.read_bytes() == OLD + b"appended\n"


def test_closed_descriptor_alias_is_one_line() -> None:
    fd = os.open(os.devnull, os.O_WRONLY)
    os.close(fd)
    with pytest.raises(InspectError, match="it is closed"):
        rio.write_atomic(f"/proc/self/fd/{fd}", "x")


# --------------------------------------------------------------------------- special files


@pytest.fixture
def fifo(tmp_path: Path) -> Iterator[tuple[Path, list[bytes]]]:
    """A FIFO with a reader thread collecting what arrives."""
    path = tmp_path / "fifo"
    os.mkfifo(path)
    got: list[bytes] = []

    def read() -> None:
        with open(path, "rb") as f:
            got.append(f.read())

    t = threading.Thread(target=read, daemon=True)
    t.start()
    yield path, got
    t.join(timeout=10)


def test_fifo_is_written_through(fifo: tuple[Path, list[bytes]]) -> None:
    path, got = fifo
    rio.write_atomic(path, "through the pipe\n")
    time.sleep(0.05)
    assert stat.S_ISFIFO(path.lstat().st_mode), "the FIFO was replaced by a regular file"
    assert only_file(path.parent) == ["fifo"]
    for _ in range(100):
        if got:
            break
        time.sleep(0.02)
    assert got == [b"through the pipe\n"]


def test_cli_writes_through_a_fifo(fifo: tuple[Path, list[bytes]], cli: Cli) -> None:
    path, got = fifo
    code, _, err = cli("list", "-o", str(path))
    assert code == 0, err
    time.sleep(0.05)
    assert stat.S_ISFIFO(path.lstat().st_mode)
    for _ in range(100):
        if got:
            break
        time.sleep(0.02)
    assert got and got[0].startswith(b"resnet-inspect model zoo")


def _device(tmp_path: Path, name: str, minor: int) -> Path:
    """A character device node like /dev/null (1, 3) or /dev/full (1, 7), made in a temporary folder."""
    path = tmp_path / name
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, minor))
        os.close(os.open(path, os.O_WRONLY))
    except (PermissionError, OSError):
        pytest.skip("device nodes cannot be made or opened here (not root, or a nodev mount)")
    return path


def test_null_device_stays_a_device(tmp_path: Path, cli: Cli) -> None:
    # Written through: `-o /dev/null` as root used to replace /dev/null with a regular file.
    null = _device(tmp_path, "null", 3)
    code, _, err = cli("list", "-o", str(null))
    assert code == 0, err
    assert stat.S_ISCHR(null.lstat().st_mode) and only_file(tmp_path) == ["null"]


def test_full_device_is_one_line(tmp_path: Path, cli: Cli) -> None:
    full = _device(tmp_path, "full", 7)
    code, out, err = cli("list", "-o", str(full))
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "no space left on the device" in err and "Traceback" not in err
    assert stat.S_ISCHR(full.lstat().st_mode)


def test_symlink_to_a_device_writes_the_device(tmp_path: Path) -> None:
    null = _device(tmp_path, "null", 3)
    (tmp_path / "link").symlink_to(null)
    rio.write_atomic(tmp_path / "link", "x")
    assert stat.S_ISCHR(null.lstat().st_mode) and (tmp_path / "link").is_symlink()


# --------------------------------------------------------------------------- injected OS errors


@pytest.mark.parametrize(("where", "code", "phrase"), [
    ("write", errno.ENOSPC, "no space left on the device"),
    ("write", errno.EDQUOT, "disk quota"),
    ("write", errno.EIO, "input/output error"),
    ("write", errno.EFBIG, "larger than the file system allows"),
    ("open", errno.EROFS, "read-only"),
    ("open", errno.EACCES, "permission denied"),
    ("open", errno.EMFILE, "too many files are open"),
    ("replace", errno.EPERM, "immutable"),
    ("replace", errno.EBUSY, "busy"),
    ("fsync", errno.EIO, "input/output error"),
])
def test_os_errors_are_one_line_and_leave_the_target(old: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli,
                                                      where: str, code: int, phrase: str) -> None:
    real = getattr(os, where)

    def failing(*args: object, **kwargs: object) -> object:
        if where == "open" and not str(args[0]).endswith(".tmp"):
            return real(*args, **kwargs)
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(rio.os, where, failing)
    exit_code, out, err = cli("list", "-o", str(old))
    monkeypatch.undo()
    assert exit_code == 2 and out == "" and err.count("\n") == 1, err
    assert phrase in err and "Traceback" not in err and "; " in err
    assert_intact(old)


def test_ctrl_c_while_writing_removes_the_temporary_file(old: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def stop(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(rio.os, "fsync", stop)
    with pytest.raises(KeyboardInterrupt):
        rio.write_atomic(old, "new contents that must not appear")
    monkeypatch.undo()
    assert_intact(old)


def test_sigterm_in_process_is_exit_143_and_clean(old: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> None:
    # A real SIGTERM to this process while the temporary file is open: the handler raises, the
    # temporary file goes, the command exits 128 + 15.
    def killed(fd: int) -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(1)  # the handler runs before this returns
        raise AssertionError("SIGTERM did not interrupt the write")

    monkeypatch.setattr(rio.os, "fsync", killed)
    code, _, err = cli("list", "-o", str(old))
    monkeypatch.undo()
    assert code == 143 and err.strip() == "resnet-inspect: terminated"
    assert_intact(old)
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # the handler is removed afterwards


# --------------------------------------------------------------------------- real processes

SLOW_WRITE = """
import os, sys, time
from resnet_inspect import cli
real = os.fsync
def slow(fd):
    print("writing", file=sys.stderr, flush=True)
    time.sleep(30)
os.fsync = slow
raise SystemExit(cli.main(sys.argv[1:]))
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_during_a_write_leaves_nothing(old: Path, signum: int) -> None:
    proc = subprocess.Popen([sys.executable, "-c", SLOW_WRITE, "list", "-o", str(old)], env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    assert proc.stderr.readline() == b"writing\n"
    assert len(only_file(old.parent)) == 2  # the temporary file exists now
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 128 + signum
    assert err.decode().strip() in ("resnet-inspect: terminated", "resnet-inspect: interrupted")
    assert_intact(old)


def test_sigterm_to_a_library_write_kills_like_sigterm(old: Path) -> None:
    # Outside the command line: clean up, then die by the signal as the default action would.
    script = SLOW_WRITE.replace("raise SystemExit(cli.main(sys.argv[1:]))",
                                "from resnet_inspect.io import write_atomic; write_atomic(sys.argv[2], 'x')")
    proc = subprocess.Popen([sys.executable, "-c", script, "-o", str(old)], env=ENV, stderr=subprocess.PIPE)
    assert proc.stderr is not None and proc.stderr.readline() == b"writing\n"
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGTERM
    assert_intact(old)


CONCURRENT = """
import sys
from resnet_inspect.io import write_atomic
tag, n, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
for i in range(40):
    write_atomic(path, (tag * n + "\\n") * 50)
"""


def test_concurrent_writers_leave_one_complete_file(tmp_path: Path) -> None:
    target = tmp_path / "same.txt"
    sizes = {"a": 1000, "b": 3000, "c": 20, "d": 7000}
    complete = {(t * n + "\n") * 50 for t, n in sizes.items()}
    procs = [subprocess.Popen([sys.executable, "-c", CONCURRENT, t, str(n), str(target)], env=ENV)
             for t, n in sizes.items()]
    seen = 0
    while any(p.poll() is None for p in procs):
        if target.exists():
            assert target.read_text() in complete, "a reader saw a partial or mixed file"
            seen += 1
    assert all(p.wait(timeout=60) == 0 for p in procs)
    assert target.read_text() in complete and only_file(tmp_path) == ["same.txt"]
    assert seen > 0


def test_concurrent_cli_processes(tmp_path: Path) -> None:
    target = tmp_path / "t.txt"
    outputs = [["table", "resnet18", "--depth", "1"], ["table", "resnet50", "--depth", "1"],
               ["list"], ["depth", "resnet101"]]
    procs = [subprocess.Popen([sys.executable, "-m", "resnet_inspect", *a, "-o", str(target)], env=ENV,
                              stderr=subprocess.DEVNULL) for a in outputs]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0, 0]
    expected = {run(*a).stdout.decode() for a in outputs}
    assert target.read_text() in expected and only_file(tmp_path) == ["t.txt"]


@pytest.mark.parametrize("encoding", ["ascii", "cp1252", "latin-1"])
def test_legacy_console_encodings(encoding: str) -> None:
    done = run("depth", "resnet50", env={"PYTHONIOENCODING": encoding})
    assert done.returncode == 0, done.stderr
    text = done.stdout.decode(encoding)
    assert "1 + 3" in text and "2048->1000" in text and "Traceback" not in done.stderr.decode(encoding)
    assert any(set(line) <= {"-", " "} and line.strip() for line in text.splitlines()), "rules fall back to '-'"


def test_ascii_console_keeps_table_columns_aligned() -> None:
    utf8 = run("depth", "resnet50").stdout.decode("utf-8").splitlines()
    ascii_ = run("depth", "resnet50", env={"PYTHONIOENCODING": "ascii"}).stdout.decode("ascii").splitlines()
    assert len(utf8) == len(ascii_)
    table = next(i for i, line in enumerate(utf8) if line.startswith("Stage"))
    for u, a in zip(utf8[table:table + 9], ascii_[table:table + 9], strict=True):
        assert len(u.rstrip()) == len(a.rstrip()), (u, a)  # same width line by line
    assert all(c.isascii() for c in "\n".join(ascii_))


def test_ascii_console_error_and_help() -> None:
    done = run("table", "résumé×", env={"PYTHONIOENCODING": "ascii"})
    assert done.returncode == 2 and done.stderr.decode("ascii").count("\n") == 1
    assert "resumex" in done.stderr.decode("ascii")
    assert run("table", "--help", env={"PYTHONIOENCODING": "ascii"}).returncode == 0


def test_broken_pipe_is_silent() -> None:
    # `resnet-inspect table preact-resnet1001 | head -c 100`: the reader leaves early.
    proc = subprocess.Popen([sys.executable, "-m", "resnet_inspect", "table", "preact-resnet1001"], env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(100)
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=60) in (0, 141) and err == b""


def test_closed_stdout_is_one_line() -> None:
    done = run("list", stdout=subprocess.DEVNULL, preexec_fn=lambda: os.close(1))
    assert done.returncode == 2
    assert done.stderr.decode().count("\n") == 1 and "standard output: it is closed" in done.stderr.decode()


def test_closed_stdout_with_output_file_works(tmp_path: Path) -> None:
    done = run("list", "-o", str(tmp_path / "x.txt"), stdout=subprocess.DEVNULL, preexec_fn=lambda: os.close(1))
    assert done.returncode == 0 and (tmp_path / "x.txt").read_text().startswith("resnet-inspect model zoo")


def test_full_standard_output_is_one_line(tmp_path: Path) -> None:
    full = _device(tmp_path, "full", 7)
    with open(full, "wb") as out:
        done = run("table", "resnet152", stdout=out)
    err = done.stderr.decode()
    assert done.returncode == 2 and err.count("\n") == 1, err
    assert "cannot write standard output: no space left on the device" in err


# --------------------------------------------------------------------------- Graphviz's dot


def _fake_dot(tmp_path: Path, body: str) -> str:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    exe = bin_dir / "dot"
    exe.write_text("#!/bin/sh\n" + body + "\n")
    exe.chmod(0o755)
    return str(bin_dir)


@pytest.mark.parametrize(("body", "phrase"), [
    ("echo 'Error: <stdin>: syntax error in line 1' >&2; exit 1", "syntax error in line 1"),
    ("kill -9 $$", "killed by signal 9"),
    (f"exec {SLEEP} 20", "did not finish within 0.5 s"),
    ("printf 'two\\nlines\\033[31m' >&2; exit 3", "exit 3"),
])
def test_dot_failures_are_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, phrase: str) -> None:
    from resnet_inspect.dot import run_dot

    monkeypatch.setenv("PATH", _fake_dot(tmp_path, body))
    start = time.monotonic()
    with pytest.raises(InspectError) as e:
        run_dot("digraph x { a }", "svg", timeout=0.5)
    assert time.monotonic() - start < 10
    message = str(e.value)
    assert phrase in message and "\n" not in message and "\x1b" not in message and "; " in message


def test_dot_missing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from resnet_inspect.dot import run_dot

    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(InspectError, match="not on PATH"):
        run_dot("digraph x { a }", "png")


def test_dot_format_is_checked() -> None:
    from resnet_inspect.dot import run_dot

    with pytest.raises(InspectError, match="not a Graphviz output format"):
        run_dot("digraph x { a }", "svg -o /etc/passwd")


def test_dot_hanging_through_the_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> None:
    from resnet_inspect import dot

    monkeypatch.setenv("PATH", _fake_dot(tmp_path, f"exec {SLEEP} 20") + os.pathsep + os.environ["PATH"])
    monkeypatch.setattr(dot.run_dot, "__defaults__", (0.5,))  # the call site uses the default timeout
    target = tmp_path / "b.svg"
    code, _, err = cli("diagram", "block", "resnet18", "-o", str(target))
    assert code == 2 and err.count("\n") == 1 and "did not finish" in err
    assert not target.exists() and only_file(tmp_path) == ["bin"]


def test_immutable_file_is_one_line_and_kept(old: Path, cli: Cli) -> None:
    # A real immutable file (chattr +i, root on a file system that supports it): rename over it fails.
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(old)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here")
    try:
        code, out, err = cli("list", "-o", str(old))
    finally:
        subprocess.run([chattr, "-i", str(old)], check=True)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "immutable or append-only" in err and "lsattr" in err
    assert_intact(old)


def test_read_only_file_for_a_user(old: Path) -> None:
    # A file without write permission is refused (not silently replaced) for anyone but root.
    old.chmod(0o400)
    if os.geteuid() == 0:
        rio.write_atomic(old, "root may")  # as with `echo > file`, root writes a read-only file
        assert old.read_text() == "root may" and stat.S_IMODE(old.stat().st_mode) == 0o400
        return
    with pytest.raises(InspectError, match="permission denied"):
        rio.write_atomic(old, "x")
    assert old.read_bytes() == OLD
