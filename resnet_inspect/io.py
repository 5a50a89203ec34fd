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

from .errors import InspectError, escape_controls, shown

STDOUT = "-"  # the --output name of standard output
NAME_MAX = 255  # bytes in one file name (Linux, macOS, Windows)
_FD_ALIAS = re.compile(r"/(?:dev/fd|proc/self/fd)/([0-9]+)")
_STD_ALIAS = {"/dev/stdout": 1, "/dev/stderr": 2}
# Signals that end the process by default and that a write turns into Terminated (SIGHUP: not on Windows).
TERMINATING = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))
HONOURED = (signal.SIGINT, *TERMINATING)  # recorded, raised, and raised again until handled
REMIND_SECONDS = 0.2  # a swallowed signal is raised again this often
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


class _SignalState:
    """The signal received and not yet handled, and how many clean-ups are running."""

    pending: int | None = None
    quiet = 0


_SIGNALS = _SignalState()


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
    """While active, SIGINT, SIGTERM and SIGHUP are recorded and raise (``KeyboardInterrupt`` for SIGINT,
    :class:`Terminated` for the others), where they would end the process.

    A library may catch the exception and carry on (WeasyPrint catches ``BaseException`` around every
    SVG image it draws).  So the signal is also recorded: :func:`check_signals` raises it again, every
    writer calls it just before it commits anything, and until the exception is acknowledged
    (:func:`acknowledge_signal`) a timer raises it again every :data:`REMIND_SECONDS`, so the run stops
    within a second wherever the first exception went.  If the exception leaves this block, the signal
    is sent again with its default action, so the process still ends as killed by it.  Only the main
    thread can install signal handlers; a handler the program set itself is left alone.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    saved = {}
    for signum in HONOURED:
        if signal.getsignal(signum) in (signal.SIG_DFL, signal.default_int_handler, None):
            saved[signum] = signal.signal(signum, _record_signal)
    try:
        yield
    except (Terminated, KeyboardInterrupt) as e:
        signum = e.signum if isinstance(e, Terminated) else signal.SIGINT
        if signum in saved and signum != signal.SIGINT:
            _stop_reminder()
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
        raise
    finally:
        for signum, handler in saved.items():
            signal.signal(signum, handler)
        if saved:
            acknowledge_signal()


def pending_signal() -> int | None:
    """The signal that arrived during :func:`signals_raise` and was not acknowledged yet, if any."""
    return _SIGNALS.pending


def check_signals() -> None:
    """Raise the recorded signal again (``KeyboardInterrupt`` or :class:`Terminated`), if there is one.

    Every writer calls this just before it replaces anything: a run whose interruption a library
    swallowed must not commit what it built afterwards."""
    if _SIGNALS.pending is not None:
        raise _signal_exception(_SIGNALS.pending)


def acknowledge_signal() -> int | None:
    """The recorded signal (or None), now handled: the reminder timer stops and the record is cleared."""
    signum = _SIGNALS.pending
    _SIGNALS.pending = None
    _stop_reminder()
    return signum


@contextmanager
def cleaning_up() -> Iterator[None]:
    """Clean-up that a reminder must not cut short (removing a staging folder, stopping workers): the
    recorded signal waits until the block ends, then raises."""
    _SIGNALS.quiet += 1
    try:
        yield
    finally:
        _SIGNALS.quiet -= 1


@contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGINT, SIGTERM and SIGHUP back for a short critical step (a commit of renames), then let them in.

    Where the platform has no ``pthread_sigmask`` (Windows) the step is not protected."""
    mask = getattr(signal, "pthread_sigmask", None)
    old = mask(signal.SIG_BLOCK, set(HONOURED)) if mask else None
    try:
        yield
    finally:
        if mask and old is not None:
            mask(signal.SIG_SETMASK, old)


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
            with signals_held():
                check_signals()
                os.replace(made[0], target)
        except BaseException:
            with cleaning_up():
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


def _signal_exception(signum: int) -> BaseException:
    return KeyboardInterrupt() if signum == signal.SIGINT else Terminated(signum)


def _record_signal(signum: int, frame: FrameType | None) -> None:
    if _SIGNALS.pending is None:
        _SIGNALS.pending = signum
    _start_reminder()
    if not _SIGNALS.quiet:
        raise _signal_exception(signum)


def _remind(signum: int, frame: FrameType | None) -> None:
    if _SIGNALS.pending is None:
        _stop_reminder()
    elif not _SIGNALS.quiet:
        raise _signal_exception(_SIGNALS.pending)


def _start_reminder() -> None:
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGALRM, _remind)
        signal.setitimer(signal.ITIMER_REAL, REMIND_SECONDS, REMIND_SECONDS)


def _stop_reminder() -> None:
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        signal.setitimer(signal.ITIMER_REAL, 0)
        if signal.getsignal(signal.SIGALRM) is _remind:
            signal.signal(signal.SIGALRM, signal.SIG_DFL)


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
    held = set(HONOURED)
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
    """Write a whole output folder (a report, a deck) so that a reader sees the old folder or the new one.

    The complete new folder is built beside ``target`` (in its parent, on the same file system): the
    files of the old folder that ``files`` does not name (kept, as hard links where possible), then every
    file of ``files`` written and flushed to disk.  Only then does one atomic step switch it in: Linux's
    ``renameat2(RENAME_EXCHANGE)`` swaps the two folders (elsewhere, two renames with the folder absent
    in between), and the old folder is removed.  A folder that is a mount point cannot be swapped: its
    new files are staged inside it and renamed in one by one with every signal held back, and an error
    part-way puts back the files already replaced.  Any failure or signal before the switch removes the
    staging folder and leaves ``target`` byte for byte as it was.  A symbolic link as ``target`` is
    followed (the folder it names is written; a dangling link's folder is created).  ``files`` maps
    relative POSIX paths (``"resnet50.html"``, ``"img/a.png"``) to their bytes.
    """
    text = folder_text(target)
    for rel in files:
        parts = Path(rel).parts
        if not parts or Path(rel).is_absolute() or ".." in parts:
            raise InspectError(f"cannot write {shown(rel)} outside the output folder")
    with signals_raise():
        try:
            real = resolve(Path(text))
            _check_tree(text, real, files)
            real.parent.mkdir(parents=True, exist_ok=True)
            if real.is_dir() and _is_mount(real):
                _commit_in_place(real, files)
            else:
                _swap_in(real, files)
        except OSError as e:
            raise os_error(e, text) from None
    return Path(text)


def folder_text(path: object) -> str:
    """An output folder's name, refused (with a fix) when it is empty, not a name or holds a NUL."""
    if not isinstance(path, str | os.PathLike):
        raise InspectError(f"--output {shown(path)} is not a folder name; give e.g. -o reports/")
    text = os.fspath(path)
    text = text if isinstance(text, str) else os.fsdecode(text)
    if not text:
        raise InspectError("--output is an empty name; give a folder, e.g. -o reports/ (or -o . for this folder)")
    if "\0" in text:
        raise InspectError(f"--output {shown(text)} contains a NUL character; give a plain folder name")
    return text


def said(path: object) -> str:
    """A path as a message echoes it: control characters (a terminal escape in a folder name) escaped."""
    text = os.fspath(path) if isinstance(path, str | os.PathLike) else str(path)
    return escape_controls(text if isinstance(text, str) else os.fsdecode(text))


def _check_tree(text: str, real: Path, files: dict[str, bytes]) -> None:
    """Before any work: the folder is a folder, and no file to replace is a folder or may not be replaced."""
    st = _stat(real)
    if st is not None and not stat.S_ISDIR(st.st_mode):
        raise InspectError(f"--output {shown(text)} is a file; give a folder name, e.g. reports/")
    if st is None:
        return
    for rel in files:
        final = real / rel
        fst = _stat(final) if not final.is_symlink() else os.lstat(final)
        if fst is None:
            continue
        if stat.S_ISDIR(fst.st_mode):
            raise InspectError(f"cannot write {shown(str(final))}: it is a folder; move it away or choose "
                               "another -o folder")
        if stat.S_ISREG(fst.st_mode):
            os.close(os.open(final, os.O_WRONLY | _OPEN_FLAGS))  # an immutable file says EPERM here


def _is_mount(path: Path) -> bool:
    """True for a mount point, bind mounts included (which share their parent's device number)."""
    if os.path.ismount(path):
        return True
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as f:
            points = {line.split()[4].encode().decode("unicode_escape") for line in f if len(line.split()) > 4}
    except OSError:
        return False
    return os.path.realpath(path) in points


def _staging_dir(beside: Path, inside: Path, made: list[Path], mode: int = 0o700) -> Path:
    """A new hidden folder named after ``beside``, created in ``inside``; its name is in ``made`` before
    any signal can interrupt."""
    for _ in range(100):
        tmp = inside / temp_path(beside).name
        with signals_held():
            try:
                tmp.mkdir(mode=mode)
            except FileExistsError:
                continue
            made.append(tmp)
            return tmp
    raise OSError(errno.EEXIST, "no unused staging name", str(beside))


def _swap_in(real: Path, files: dict[str, bytes]) -> None:
    """Build the whole new folder beside ``real``, then switch it in at once (see :func:`write_tree_atomic`)."""
    made: list[Path] = []
    try:
        old = _stat(real)
        staging = _staging_dir(real, real.parent, made, 0o700 if old is not None else 0o777)
        if old is not None:
            _copy_tree(real, staging)
        _write_files(staging, real if old is not None else None, files)
        if old is not None:
            keep_dir_attributes(staging, old)
        _fsync_dir(staging)
        with signals_held():
            check_signals()
            if old is None:
                os.rename(staging, real)
                made.clear()
            elif not _exchange(staging, real):
                _two_renames(staging, real, made)
            _fsync_dir(real.parent)
    except OSError as e:
        if e.errno in (errno.EBUSY, errno.EXDEV) and made:  # a mount point ismount could not see
            with cleaning_up():
                for tmp in made:
                    shutil.rmtree(tmp, ignore_errors=True)
            made.clear()
            _commit_in_place(real, files)
            return
        raise
    finally:
        with cleaning_up():
            for tmp in made:
                shutil.rmtree(tmp, ignore_errors=True)


def _two_renames(staging: Path, real: Path, made: list[Path]) -> None:
    """The switch where folders cannot be exchanged: old aside, new in (put back if that fails)."""
    aside = real.parent / temp_path(real, ".old").name
    os.rename(real, aside)
    made.append(aside)
    try:
        os.rename(staging, real)
    except OSError:
        os.rename(aside, real)
        made.remove(aside)
        raise
    made.remove(staging)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with ``renameat2(RENAME_EXCHANGE)``; False where the system has no such call."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):  # an old kernel, or a file system without it
        return False
    raise OSError(err, os.strerror(err), str(b))


def _copy_tree(src: Path, dst: Path) -> None:
    """The old folder's entries into ``dst``: files as hard links (copies where a link is not allowed),
    folders recreated, symbolic links as links."""
    for entry in os.scandir(src):
        s, d = Path(entry.path), dst / entry.name
        if entry.is_symlink():
            os.symlink(os.readlink(s), d)
        elif entry.is_dir():
            d.mkdir()
            _copy_tree(s, d)
            shutil.copystat(s, d)
        elif entry.is_file():
            try:
                os.link(s, d)
            except OSError:
                shutil.copy2(s, d)


def _write_files(staging: Path, old: Path | None, files: dict[str, bytes]) -> None:
    """Every new file into ``staging``, flushed; a file that replaces one keeps its mode."""
    for rel, data in files.items():
        dest = staging / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        prior = _stat(old / rel) if old is not None else None
        if dest.is_symlink() or dest.exists():
            dest.unlink()  # a link to the old file: the old file itself must not change
        fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _OPEN_FLAGS, 0o666)
        try:
            keep_attributes(fd, prior)
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)


def keep_dir_attributes(path: Path, st: os.stat_result) -> None:
    """Give a new folder the mode (and owner, where allowed) of the folder it replaces."""
    if hasattr(os, "chown") and (st.st_uid, st.st_gid) != (os.getuid(), os.getgid()):
        with suppress(PermissionError):
            os.chown(path, st.st_uid, st.st_gid)
    os.chmod(path, stat.S_IMODE(st.st_mode))


def _fsync_dir(path: Path) -> None:
    with suppress(OSError):  # not every system can open a folder to flush it
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _commit_in_place(real: Path, files: dict[str, bytes]) -> None:
    """A mount point: stage inside it, then rename file by file with signals held, putting back the
    replaced files if a rename fails."""
    made: list[Path] = []
    try:
        staging = _staging_dir(real, real, made)
        new = staging / "new"
        new.mkdir()
        _write_files(new, real, files)
        backup = staging / "old"
        backup.mkdir()
        with signals_held():
            check_signals()
            done: list[tuple[Path, Path | None]] = []
            try:
                for rel in files:
                    final = real / rel
                    kept: Path | None = None
                    if final.exists():
                        kept = backup / rel
                        kept.parent.mkdir(parents=True, exist_ok=True)
                        os.link(final, kept)
                    final.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(new / rel, final)
                    done.append((final, kept))
            except OSError:
                for final, kept in reversed(done):
                    if kept is None:
                        final.unlink(missing_ok=True)
                    else:
                        os.replace(kept, final)
                raise
            _fsync_dir(real)
    finally:
        with cleaning_up():
            for tmp in made:
                shutil.rmtree(tmp, ignore_errors=True)
