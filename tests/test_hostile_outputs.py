"""Hostile cases for the multi-file outputs (report, slides): a failure at any point leaves the old folder
byte for byte as it was and no staging entry beside it; mount points, dangling links and odd names work
or are refused in one line."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import resnet_inspect.io as rio

Cli = Callable[..., tuple[int, str, str]]
ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
OLD = {"resnet18.html": b"old page", "index.html": b"old index", "notes.txt": b"the user's own file",
       "img/a.png": b"old picture"}
NEW = {"resnet18.html": b"new page", "index.html": b"new index", "img/a.png": b"new picture",
       "resnet34.html": b"a new model"}


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every entry under ``folder`` (hidden ones too) with its bytes; folders as b'<dir>'."""
    out = {}
    for p in sorted(folder.rglob("*")):
        out[p.relative_to(folder).as_posix()] = b"<dir>" if p.is_dir() else p.read_bytes()
    return out


def make_old(folder: Path) -> dict[str, bytes]:
    for rel, data in OLD.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)
    return snapshot(folder)


def no_staging(parent: Path) -> None:
    hidden = [p.name for p in parent.rglob(".*")]
    assert hidden == [], f"staging entries left behind: {hidden}"


def expected_new(old: dict[str, bytes]) -> dict[str, bytes]:
    out = dict(old)
    for rel, data in NEW.items():
        out[rel] = data
    return dict(sorted(out.items()))


# --------------------------------------------------------------------------- failures at every step


@pytest.mark.parametrize("nth", [1, 2, 3, 4])
def test_a_failing_rename_at_any_step_leaves_the_old_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             nth: int) -> None:
    # The nth rename-like call (rename, replace, exchange, link) fails with an I/O error: whatever step
    # it hits, the old folder is as it was (a folder that mixes the two runs is the fault seen before).
    target = tmp_path / "out"
    target.mkdir()
    old = make_old(target)
    calls = [0]

    def failing(real: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            calls[0] += 1
            if calls[0] == nth:
                raise OSError(errno.EIO, "injected", str(args[-1]))
            return real(*args, **kwargs)
        return call

    for name in ("rename", "replace"):
        monkeypatch.setattr(rio.os, name, failing(getattr(os, name)))
    if hasattr(rio, "_exchange"):
        monkeypatch.setattr(rio, "_exchange", failing(rio._exchange))
    try:
        rio.write_tree_atomic(target, NEW)
        done = True
    except rio.InspectError as e:
        assert "input/output error" in str(e)
        done = False
    monkeypatch.undo()
    assert snapshot(target) == (expected_new(old) if done else old)
    no_staging(tmp_path)


def test_index_that_is_a_folder_changes_nothing(tmp_path: Path, cli: Cli) -> None:
    target = tmp_path / "reports"
    target.mkdir()
    (target / "resnet18.html").write_bytes(b"old page")
    (target / "index.html").mkdir()
    old = snapshot(target)
    code, out, err = cli("report", "resnet18", "-f", "html", "-o", str(target))
    assert (code, out) == (2, "") and err.count("\n") == 1 and "index.html" in err and "folder" in err
    assert snapshot(target) == old
    no_staging(tmp_path)


def test_a_new_folder_appears_whole(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "new"
    rio.write_tree_atomic(target, NEW)
    assert snapshot(target) == expected_new({"img": b"<dir>"})
    no_staging(tmp_path)


def test_the_folder_keeps_its_mode_and_other_files(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.mkdir(mode=0o750)
    os.chmod(target, 0o750)
    old = make_old(target)
    os.chmod(target / "index.html", 0o640)
    rio.write_tree_atomic(target, NEW)
    assert snapshot(target) == expected_new(old)
    assert (target.stat().st_mode & 0o777, (target / "index.html").stat().st_mode & 0o777) == (0o750, 0o640)


def test_an_open_old_file_keeps_its_bytes(tmp_path: Path) -> None:
    # A reader that opened the old page before the switch reads the old bytes to the end.
    target = tmp_path / "out"
    target.mkdir()
    make_old(target)
    with open(target / "resnet18.html", "rb") as reader:
        rio.write_tree_atomic(target, NEW)
        assert reader.read() == b"old page"
    assert (target / "resnet18.html").read_bytes() == b"new page"


# --------------------------------------------------------------------------- odd targets


def test_dangling_symlink_as_output_creates_its_folder(tmp_path: Path, cli: Cli) -> None:
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "elsewhere")
    code, _, err = cli("report", "resnet18", "-f", "html", "-o", str(link))
    assert code == 0, err
    assert link.is_symlink() and (tmp_path / "elsewhere" / "resnet18.html").is_file()
    no_staging(tmp_path)


def test_symlink_to_a_folder_writes_the_folder(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    old = make_old(real)
    (tmp_path / "link").symlink_to(real)
    rio.write_tree_atomic(tmp_path / "link", NEW)
    assert (tmp_path / "link").is_symlink() and snapshot(real) == expected_new(old)
    no_staging(tmp_path)


@pytest.mark.parametrize("command", ["report", "slides"])
def test_empty_output_is_refused_before_any_work(tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch,
                                                 command: str) -> None:
    monkeypatch.chdir(tmp_path)
    args = ("report", "resnet18", "-f", "html") if command == "report" else ("slides", "--format", "html")
    code, out, err = cli(*args, "-o", "")
    assert (code, out) == (2, "") and err.count("\n") == 1 and "empty name" in err
    assert list(tmp_path.iterdir()) == []


def test_terminal_escapes_in_the_folder_name_are_not_echoed(tmp_path: Path, cli: Cli) -> None:
    target = tmp_path / "r\x1b[2J\x1b[31mred"
    code, _, err = cli("report", "resnet18", "-f", "html", "-o", str(target))
    assert code == 0 and "\x1b" not in err and "\\x1b" in err
    assert (target / "resnet18.html").is_file()


# --------------------------------------------------------------------------- private mount namespaces

UNSHARE = shutil.which("unshare")
CAN_MOUNT = (UNSHARE is not None and os.geteuid() == 0
             and subprocess.run([UNSHARE, "-m", "true"], capture_output=True, check=False).returncode == 0)
needs_mount = pytest.mark.skipif(not CAN_MOUNT, reason="needs root and `unshare -m` to mount in a private namespace")

IN_NAMESPACE = """
set -e
mount -t tmpfs -o size={size} tmpfs {mnt}
{prepare}
{python} {code} {mnt}
"""
WRITE = ("import sys, pathlib\nfrom resnet_inspect.io import write_tree_atomic\n"
         "write_tree_atomic(sys.argv[1] + {sub!r}, {files!r})\n"
         "import os\nprint(sorted(os.listdir(sys.argv[1])), sorted(os.listdir(sys.argv[1] + {sub!r})))\n")


def in_namespace(mnt: Path, code: str, size: str = "4m", prepare: str = "") -> subprocess.CompletedProcess[str]:
    program = mnt.parent / "program.py"
    program.write_text(code)
    script = IN_NAMESPACE.format(size=size, mnt=mnt, prepare=prepare, python=sys.executable, code=program)
    assert UNSHARE is not None
    return subprocess.run([UNSHARE, "-m", "--propagation", "private", "sh", "-c", script], env=ENV,
                          capture_output=True, text=True, timeout=120, check=False)


@needs_mount
def test_output_folder_that_is_a_mount_point(tmp_path: Path) -> None:
    # The folder itself is a mount point (a Docker volume, say): it cannot be renamed, so its files are
    # staged inside it and switched in one by one; before, this said "another file system".
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    files = {"a.html": b"new a", "index.html": b"new index"}
    done = in_namespace(mnt, WRITE.format(sub="", files=files), prepare=f"echo old > {mnt}/index.html")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['a.html', 'index.html'] ['a.html', 'index.html']"


@needs_mount
def test_a_full_disk_leaves_the_old_folder(tmp_path: Path) -> None:
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    code = ("import sys, os\nfrom resnet_inspect.io import write_tree_atomic\n"
            "from resnet_inspect.errors import InspectError\n"
            "try:\n    write_tree_atomic(sys.argv[1] + '/out', {'a.html': b'x' * 100, 'b.html': b'y' * 3_000_000})\n"
            "except InspectError as e:\n    print('refused:', e)\n"
            "print(sorted(os.listdir(sys.argv[1])), open(sys.argv[1] + '/out/a.html').read())\n")
    done = in_namespace(mnt, code, size="2m", prepare=f"mkdir {mnt}/out && echo old > {mnt}/out/a.html")
    assert done.returncode == 0, done.stderr
    first, second = done.stdout.strip().splitlines()
    assert "no space left on the device" in first
    assert second == "['out'] old"  # the old page, and no staging folder beside it


@needs_mount
def test_report_into_a_mount_point_through_a_symlink(tmp_path: Path) -> None:
    # -o is a link into another file system whose root is the output folder.
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    (tmp_path / "link").symlink_to(mnt)
    code = ("import sys\nfrom resnet_inspect.cli import main\n"
            f"sys.exit(main(['report', 'resnet18', '-f', 'html', '-o', {str(tmp_path / 'link')!r}]))\n")
    done = in_namespace(mnt, code)
    assert done.returncode == 0, done.stderr
    assert "wrote 3 files" in done.stderr


# --------------------------------------------------------------------------- model files that are not files


def test_fifo_as_a_model_file_is_one_line(tmp_path: Path) -> None:
    fifo = tmp_path / "p.pt"
    os.mkfifo(fifo)
    done = subprocess.run([sys.executable, "-m", "resnet_inspect", "table", str(fifo)], env=ENV, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "special file" in done.stderr
