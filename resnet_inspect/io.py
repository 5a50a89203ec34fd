"""The only place that writes files: a temporary file beside the target, then an atomic rename."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .errors import InspectError


def check_writable(path: str | Path) -> Path:
    """Fail early, with a fix, when ``path`` cannot be written (missing folder, a folder, no permission)."""
    p = Path(path)
    parent = p.parent if str(p.parent) else Path(".")
    if p.is_dir():
        raise InspectError(f"--output {path} is a folder; give a file name, e.g. {p / 'out.txt'}")
    if not parent.is_dir():
        raise InspectError(f"cannot write {path}: folder {parent} does not exist; create it first")
    if not os.access(parent, os.W_OK):
        raise InspectError(f"cannot write {path}: no permission to write in {parent}; choose another folder")
    return p


def write_atomic(path: str | Path, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` so that readers see the old file or the whole new one, never a part."""
    p = check_writable(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent if str(p.parent) else ".")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return p


def write_tree_atomic(target: str | Path, files: dict[str, bytes]) -> Path:
    """Write a whole output folder (a report, a deck) so that a failure leaves the previous one intact.

    Every file is first written complete into a hidden staging folder beside ``target``; only when all of
    them are written does each one replace its namesake in ``target`` (one ``os.replace`` per file, so no
    reader ever sees a half-written file).  Files already in ``target`` that ``files`` does not name are kept.
    ``files`` maps relative POSIX paths (``"resnet50.html"``, ``"img/a.png"``) to their bytes.
    """
    root = Path(target)
    if root.exists() and not root.is_dir():
        raise InspectError(f"--output {str(target)!r} is a file; give a folder name, e.g. reports/")
    for rel in files:
        parts = Path(rel).parts
        if not parts or Path(rel).is_absolute() or ".." in parts:
            raise InspectError(f"cannot write {rel!r} outside the output folder")
    parent = root.parent if str(root.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InspectError(f"cannot create folder {str(parent)!r}: {e.strerror}; choose another --output") from None
    staging = Path(tempfile.mkdtemp(prefix=f".{root.name[:100]}.", suffix=".tmp", dir=parent))
    try:
        for rel, data in files.items():
            dest = staging / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)
        root.mkdir(exist_ok=True)
        for rel in files:
            final = root / rel
            final.parent.mkdir(parents=True, exist_ok=True)
            mode = final.stat().st_mode & 0o7777 if final.is_file() else None
            if mode is not None:
                os.chmod(staging / rel, mode)
            os.replace(staging / rel, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return root
