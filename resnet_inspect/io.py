"""The only place that writes files.

A regular file (or a new one) is written whole to a hidden temporary file beside it, then renamed over
it: a reader sees the old file or the whole new one, never a part, and several writers at once leave one
complete file.  The new file keeps the old one's mode (and owner, where the process may set it); a new
file gets the mode the umask allows, as with any other program.  Anything that is not a regular file
(``-`` for standard output, ``/dev/stdout``, ``/dev/null``, a FIFO, a character device) is written
through, never replaced, and a symbolic link is followed: its target is written, the link stays.

Every ``OSError`` becomes an :class:`~resnet_inspect.errors.InspectError` of one line that names the
cause and a fix.  SIGTERM and SIGHUP during a write raise :class:`Terminated`, so the temporary file is
removed as it is on Ctrl-C.  The helpers below the two public functions (temporary names, keeping a
mode, signal handling, error messages) are meant for any other writer of this package.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import signal
import stat
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import FrameType

from .errors import InspectError, shown

STDOUT = "-"  # the --output name of standard output
NAME_MAX = 255  # bytes in one file name (Linux, macOS, Windows)
_FD_ALIAS = re.compile(r"/(?:dev/fd|proc/self/fd)/([0-9]+)")
_STD_ALIAS = {"/dev/stdout": 1, "/dev/stderr": 2}
# Signals that end the process by default and that a write turns into Terminated (SIGHUP: not on Windows).
TERMINATING = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))
_OPEN_FLAGS = getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)

# errno -> (the cause, a fix), said in the user's words
_CAUSES: dict[int, tuple[str, str]] = {
    errno.ENOSPC: ("no space left on the device", "free some space or write to another disk"),
    errno.EDQUOT: ("the disk quota is used up", "free some space or write to another disk"),
    errno.EFBIG: ("the file is larger than the file system allows", "write to another disk"),
    errno.EROFS: ("the file system is read-only", "write to a folder on a writable disk"),
    errno.EPERM: ("the operating system does not permit it (an immutable or append-only file?)",
                  "check it with `lsattr`, or write to another name"),
    errno.EACCES: ("permission denied", "make it writable (chmod u+w), or choose a folder you may write in"),
    errno.ENAMETOOLONG: (f"the name is too long (at most {NAME_MAX} bytes per name)", "choose a shorter name"),
    errno.EISDIR: ("it is a folder", "give a file name, e.g. inside that folder"),
    errno.ENOTDIR: ("a part of the path is a file, not a folder", "check the path"),
    errno.ENOENT: ("its folder does not exist", "create the folder first"),
    errno.ELOOP: ("too many symbolic links (a loop?)", "check where the links point"),
    errno.EBADF: ("it is closed", "redirect it to a file (> out.txt) or give -o FILE"),
    errno.EPIPE: ("the reading side was closed (broken pipe)", "keep the reader open until the write ends"),
    errno.ENXIO: ("nothing is reading it (a socket or a device without a reader)", "give a regular file"),
    errno.EIO: ("an input/output error on the device", "check the disk or device, or write elsewhere"),
    errno.ETXTBSY: ("the file is a running program", "write to another name"),
    errno.EMFILE: ("too many files are open", "close some programs and try again"),
    errno.ENFILE: ("too many files are open", "close some programs and try again"),
    errno.EBUSY: ("the file or device is busy", "try again later, or write to another name"),
    errno.EXDEV: ("the temporary file is on another file system", "write to another folder"),
}


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived: unwinds like Ctrl-C so that ``finally`` blocks clean up."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


# --------------------------------------------------------------------------- the public functions


def check_writable(path: str | Path) -> Path:
    """Fail early, with a fix, when ``path`` cannot be written: an empty name, a folder (an existing one,
    or a name ending in ``/``), a missing folder, no permission, a name too long.  ``-`` is standard
    output.  Returns ``path`` as a :class:`~pathlib.Path`."""
    text = output_text(path)
    if text == STDOUT:
        return Path(text)
    p = Path(text)
    try:
        fd = fd_alias(text)
        if fd is not None:
            os.fstat(fd)
            return p
        target = resolve(p)
        st = _stat(target)
        if st is None or stat.S_ISREG(st.st_mode):
            _check_folder(text, target)
        if st is not None:
            _check_existing(text, target, st)
    except OSError as e:
        raise os_error(e, text) from None
    return p


def write_atomic(path: str | Path, data: str | bytes) -> Path:
    """Write ``data`` (text as UTF-8) to ``path`` so that readers see the old file or the whole new one.

    Special files are written through; a symbolic link's target is written.  ``-`` is standard output,
    whose errors (a closed pipe, a full disk) stay ``OSError`` for the caller that owns the stream.
    Returns ``path``.
    """
    p = check_writable(path)
    text = str(p)
    if text == STDOUT:
        write_stdout(data)
        return p
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        fd = fd_alias(text)
        if fd is not None:
            _write_fd(fd, raw)
            return p
        target = resolve(p)
        st = _stat(target)
        if st is not None and not stat.S_ISREG(st.st_mode):
            _write_through(target, raw)
        else:
            replace_file(target, raw, st)
    except OSError as e:
        raise os_error(e, text) from None
    return p


# --------------------------------------------------------------------------- helpers for any writer


def output_text(path: object) -> str:
    """``path`` as a non-empty string, or an error saying what to give instead."""
    if not isinstance(path, str | os.PathLike):
        raise InspectError(f"--output {shown(path)} is not a file name; give e.g. out.txt, or - for standard output")
    text = os.fspath(path)
    if not isinstance(text, str):
        text = os.fsdecode(text)
    if not text:
        raise InspectError("--output is an empty name; give a file name, e.g. -o out.txt, or -o - for standard "
                           "output")
    if "\0" in text:
        raise InspectError(f"--output {shown(text)} contains a NUL character; give a plain file name")
    if text.endswith(("/", os.sep)) and text != STDOUT:
        raise InspectError(f"--output {shown(text)} ends with '/', so it names a folder; give a file name, "
                           f"e.g. {shown(text + 'out.txt')}")
    return text


def fd_alias(text: str) -> int | None:
    """The file descriptor ``/dev/stdout``, ``/dev/stderr``, ``/dev/fd/N`` or ``/proc/self/fd/N`` stands for.

    Writing to the descriptor itself (instead of opening the name again) appends where the shell's
    redirection points (``>>`` stays an append) and never replaces anything.
    """
    if text in _STD_ALIAS:
        return _STD_ALIAS[text]
    m = _FD_ALIAS.fullmatch(text)
    return int(m.group(1)) if m else None


def resolve(path: Path) -> Path:
    """Follow symbolic links one by one to the file to write (which may not exist yet).

    A link into ``/dev/fd`` or ``/proc/self/fd`` stops there: that is a descriptor, see :func:`fd_alias`.
    """
    p = path
    for _ in range(40):
        if fd_alias(str(p)) is not None or not p.is_symlink():
            return p
        p = p.parent / os.readlink(p)
    raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), str(path))


def temp_path(target: Path, suffix: str = ".tmp") -> Path:
    """A hidden, unused-looking name beside ``target``: ``.NAME.RANDOM.tmp``, cut to fit ``NAME_MAX`` bytes.

    Beside the target, so that the final rename stays on one file system and is atomic.
    """
    token = os.urandom(4).hex()
    room = NAME_MAX - len(os.fsencode(f"..{token}{suffix}"))
    name = target.name
    while len(os.fsencode(name)) > room:
        name = name[:-1]
    return target.parent / f".{name}.{token}{suffix}"


def keep_attributes(fd: int, st: os.stat_result | None) -> None:
    """Give a new file (open as ``fd``) the owner and mode of the file it replaces.

    The owner can be kept only by root or when it is ours already; otherwise the file becomes ours, as
    with an editor's save.  The mode is set after the owner (a change of owner clears set-id bits).
    """
    if st is None:
        return
    if hasattr(os, "fchown") and (st.st_uid, st.st_gid) != (os.getuid(), os.getgid()):
        with suppress(PermissionError):
            os.fchown(fd, st.st_uid, st.st_gid)
    if hasattr(os, "fchmod"):
        os.fchmod(fd, stat.S_IMODE(st.st_mode))


@contextmanager
def signals_raise() -> Iterator[None]:
    """While active, SIGTERM and SIGHUP raise :class:`Terminated` (where they would kill the process).

    The exception unwinds through the caller's clean-up; if it leaves this block, the signal is sent
    again with its default action, so the process still ends as killed by it.  Only the main thread can
    install signal handlers; a handler the program set itself is left alone.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    saved = {}
    for signum in TERMINATING:
        if signal.getsignal(signum) in (signal.SIG_DFL, None):
            saved[signum] = signal.signal(signum, _raise_terminated)
    try:
        yield
    except Terminated as e:
        if e.signum in saved:
            signal.signal(e.signum, signal.SIG_DFL)
            os.kill(os.getpid(), e.signum)
        raise
    finally:
        for signum, handler in saved.items():
            signal.signal(signum, handler)


def os_error(exc: OSError, path: str | None = None) -> InspectError:
    """One line for an ``OSError``: what could not be written, the cause, and a fix."""
    what = "standard output" if path in (None, STDOUT, "/dev/stdout") else shown(path)
    cause, fix = _CAUSES.get(exc.errno or 0, (exc.strerror or type(exc).__name__, "check the path and try again"))
    return InspectError(f"cannot write {what}: {cause}; {fix}")


def replace_file(target: Path, raw: bytes, st: os.stat_result | None = None) -> None:
    """Write ``raw`` to a temporary file beside ``target``, flush it to disk, then rename it over ``target``.

    On any error or signal the temporary file is removed and ``target`` is left as it was.
    """
    made: list[Path] = []  # the temporary file, known here even if a signal arrives right after it is made
    fd = -1
    with signals_raise():
        try:
            # A new file: 0o666 less the umask, as for any program; a replacement: private until it gets
            # the old file's owner and mode.
            fd = _create_temp(target, 0o666 if st is None else 0o600, made)
            keep_attributes(fd, st)
            _write_all(fd, raw)
            os.fsync(fd)
            os.close(fd)
            fd = -1
            os.replace(made[0], target)
        except BaseException:
            if fd >= 0:
                os.close(fd)
            for tmp in made:
                tmp.unlink(missing_ok=True)
            raise


def write_stdout(data: str | bytes) -> None:
    """Write text or bytes to standard output (text goes through ``sys.stdout`` and its encoding)."""
    out = sys.stdout
    if isinstance(data, str):
        out.write(data)
        out.flush()
        return
    out.flush()
    buffer = getattr(out, "buffer", None)
    if buffer is None:
        raise InspectError("standard output takes only text here; give -o FILE to write binary output")
    buffer.write(data)
    buffer.flush()


# --------------------------------------------------------------------------- internals


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated(signum)


def _stat(path: Path) -> os.stat_result | None:
    """The file's status, or None when there is no file yet (also behind a dangling link)."""
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None


def _check_folder(text: str, target: Path) -> None:
    parent = target.parent
    if len(os.fsencode(target.name)) > NAME_MAX:
        raise OSError(errno.ENAMETOOLONG, os.strerror(errno.ENAMETOOLONG), text)
    if not parent.exists():
        raise InspectError(f"cannot write {shown(text)}: folder {shown(str(parent))} does not exist; "
                           "create it first (mkdir -p)")
    if not parent.is_dir():
        raise InspectError(f"cannot write {shown(text)}: {shown(str(parent))} is a file, not a folder; "
                           "check the path")
    if not os.access(parent, os.W_OK):
        raise InspectError(f"cannot write {shown(text)}: no permission to write in folder {shown(str(parent))}; "
                           "choose another folder")


def _check_existing(text: str, target: Path, st: os.stat_result) -> None:
    if stat.S_ISDIR(st.st_mode):
        raise InspectError(f"cannot write {shown(text)}: it is a folder; give a file name, e.g. "
                           f"{shown(os.path.join(text, 'out.txt'))}")
    if stat.S_ISREG(st.st_mode):
        # Opening for writing (without truncating) changes nothing and says exactly why not: no
        # permission, an immutable file, a read-only file system.
        os.close(os.open(target, os.O_WRONLY | _OPEN_FLAGS))
    elif not os.access(target, os.W_OK):
        raise InspectError(f"cannot write {shown(text)}: no permission to write it (mode "
                           f"{stat.S_IMODE(st.st_mode):04o}); choose another name")


def _create_temp(target: Path, mode: int, made: list[Path]) -> int:
    """Create a new temporary file beside ``target`` exclusively and add its name to ``made``.

    Signals are held back from before the file exists until its name is in ``made``, so a clean-up
    that reads ``made`` never misses it.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _OPEN_FLAGS
    held = {signal.SIGINT, *TERMINATING}
    mask = getattr(signal, "pthread_sigmask", None)  # not on Windows: there the window stays open
    for _ in range(100):
        tmp = temp_path(target)
        old = mask(signal.SIG_BLOCK, held) if mask else None
        try:
            fd = os.open(tmp, flags, mode)
            made.append(tmp)
            return fd
        except FileExistsError:
            continue
        finally:
            if mask and old is not None:
                mask(signal.SIG_SETMASK, old)
    raise OSError(errno.EEXIST, "no unused temporary name", str(target))


def _write_all(fd: int, raw: bytes) -> None:
    view = memoryview(raw)
    while view:
        view = view[os.write(fd, view):]


def _write_fd(fd: int, raw: bytes) -> None:
    """Write to an inherited descriptor; standard output and error are flushed first to keep the order."""
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None and stream.fileno() == fd:
                stream.flush()
        except (OSError, ValueError, AttributeError):
            continue
    _write_all(fd, raw)


def _write_through(target: Path, raw: bytes) -> None:
    """Write into a FIFO or device as it is (no temporary file, no rename): opening a FIFO waits for a
    reader, as a shell's ``>`` does."""
    with signals_raise():
        fd = os.open(target, os.O_WRONLY | _OPEN_FLAGS)
        try:
            _write_all(fd, raw)
        finally:
            os.close(fd)


def write_tree_atomic(target: str | Path, files: dict[str, bytes]) -> Path:
    """Write a whole output folder (a report, a deck) so that a failure leaves the previous one intact.

    Every file is first written complete into a hidden staging folder beside ``target``; only when all of
    them are written does each one replace its namesake in ``target`` (one ``os.replace`` per file, so no
    reader ever sees a half-written file; a replaced file keeps its mode).  Files already in ``target`` that
    ``files`` does not name are kept.  ``files`` maps relative POSIX paths (``"resnet50.html"``,
    ``"img/a.png"``) to their bytes.  SIGTERM and Ctrl-C remove the staging folder.
    """
    text = output_text(target)
    root = Path(text)
    if root.exists() and not root.is_dir():
        raise InspectError(f"--output {shown(text)} is a file; give a folder name, e.g. reports/")
    for rel in files:
        parts = Path(rel).parts
        if not parts or Path(rel).is_absolute() or ".." in parts:
            raise InspectError(f"cannot write {shown(rel)} outside the output folder")
    parent = root.parent if str(root.parent) else Path(".")
    with signals_raise():
        staging: Path | None = None
        try:
            parent.mkdir(parents=True, exist_ok=True)
            staging = temp_path(root, ".tmp")
            staging.mkdir(mode=0o700)
            for rel, data in files.items():
                dest = staging / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(data)
            root.mkdir(exist_ok=True)
            for rel in files:
                final = root / rel
                final.parent.mkdir(parents=True, exist_ok=True)
                if final.is_file():
                    os.chmod(staging / rel, final.stat().st_mode & 0o7777)
                os.replace(staging / rel, final)
        except OSError as e:
            raise os_error(e, text) from None
        finally:
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
    return root

