"""Files that hold patient data are readable by the user who runs the app only (POSIX modes).

The data folder and every folder the app creates for such files (backups, logs, report folders)
are 0700; the database, backups, logs and reports are 0600. SQLite gives a database's ``-wal``
and ``-shm`` files the mode of the database file, so a private database keeps them private too.
A file is made private *before* anything is written into it (created empty as 0600, then handed
to SQLite or Qt, which keep the mode when they open it), so there is no moment when another user
could read it. Folders the user chose and that already exist (a Desktop, a shared drive) keep
their mode; the app's own folders (the data folder, ``backups``, ``logs``) are tightened.

``keep_new_files_private`` sets the process umask at start-up (the CLI's ``main``), so anything
else written by the process (Qt's "print to file", a library's temporary file) is private too.

Standard library only. On Windows the POSIX modes mean nothing (access there follows the user
profile's ACLs) and these calls only create what is missing.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
_POSIX = os.name == "posix"


def keep_new_files_private() -> None:
    """New files and folders of this process are created without group or other access."""
    if _POSIX:
        os.umask(0o077)


def private_dir(folder: Path, *, ours: bool = False) -> Path:
    """``folder``, created (with its missing parents) as 0700; ``ours`` tightens an existing one
    (the app's own folders, not one the user chose)."""
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    for step in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another process made it meanwhile
            step.mkdir(mode=PRIVATE_DIR)
            _chmod(step, PRIVATE_DIR)
    if ours and folder not in missing:
        _chmod(folder, PRIVATE_DIR)
    return folder


def private_file(path: Path, *, exclusive: bool = False) -> Path:
    """``path`` as a 0600 file before anything is written to it: created empty if missing, an
    existing file tightened (``exclusive``: it must not exist yet, FileExistsError otherwise)."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else 0)
    fd = os.open(path, flags, PRIVATE_FILE)
    try:
        if _POSIX:
            with contextlib.suppress(PermissionError):  # not ours to change: leave it as it is
                os.fchmod(fd, PRIVATE_FILE)
    finally:
        os.close(fd)
    return path


def replace_private_text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` in a 0700 folder of the app's, as 0600, whole or not at
    all (:func:`write_whole`; the folder tightened if it exists). OSError when it cannot."""
    private_dir(path.parent, ours=True)
    write_whole(path, text.encode("utf-8"))


def private_output(path: Path) -> Path:
    """``path`` made ready for a report or an export another library writes: a missing folder
    created 0700, the file 0600 (Qt's PDF writers keep the mode of the file they truncate)."""
    private_dir(path.parent)
    return private_file(path)


def was_written(path: Path) -> bool:
    """Whether a writer (Qt's PDF writers) filled the file :func:`private_output` made; an
    empty one is removed (Qt gives no error when it cannot write)."""
    if path.is_file() and path.stat().st_size > 0:
        return True
    path.unlink(missing_ok=True)
    return False


def tighten(path: Path) -> None:
    """Make an existing file 0600 (one an older version left readable by others); a file of
    another user, or a missing one, is left alone."""
    if path.exists():
        _chmod(path, PRIVATE_FILE)


def _chmod(path: Path, mode: int) -> None:
    if _POSIX:
        with contextlib.suppress(PermissionError, FileNotFoundError):
            os.chmod(path, mode)


def write_whole(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (0600, its missing folder 0700) whole or not at all: into a
    hidden file beside it first, then moved over it (OSError when it cannot be written)."""
    private_dir(path.parent)
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial")
    try:
        private_file(partial, exclusive=True)
        with open(partial, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
    finally:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
