"""Hostile files and folders: read only regular files with a size cap, remove any tree.

Everything here treats its input as made by a learner: a name may be a symlink, a FIFO that
would block a reader forever, a device, a folder without permissions or a tree far deeper than
Python's recursion limit. Nothing follows a symlink, nothing opens what is not a regular file,
and nothing recurses.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


class NotRegular(OSError):
    """The path is not a regular file (a symlink, FIFO, device, socket or folder), or too big."""


def open_regular(path: Path | str, max_bytes: int, dir_fd: int | None = None) -> int:
    """Open a regular file for reading without following symlinks or blocking.

    Parameters
    ----------
    path : Path or str
        The file (relative to ``dir_fd`` when given).
    max_bytes : int
        Files larger than this are refused.
    dir_fd : int, optional
        A folder descriptor ``path`` is relative to.

    Returns
    -------
    int
        A file descriptor, in blocking mode, that the caller closes.

    Raises
    ------
    NotRegular
        For anything but a regular file of at most ``max_bytes``.
    """
    try:
        fd = os.open(path, _OPEN_FLAGS, dir_fd=dir_fd)
    except OSError as error:
        raise NotRegular(f"cannot open {os.fspath(path)!r} ({error.strerror})") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise NotRegular(f"{os.fspath(path)!r} is not a regular file")
    if info.st_size > max_bytes:
        os.close(fd)
        raise NotRegular(f"{os.fspath(path)!r} is larger than {max_bytes} bytes")
    os.set_blocking(fd, True)
    return fd


def read_regular(path: Path | str, max_bytes: int, dir_fd: int | None = None) -> bytes:
    """Read a whole regular file of at most ``max_bytes`` (see :func:`open_regular`)."""
    fd = open_regular(path, max_bytes, dir_fd)
    try:
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:  # the file grew while being read
                raise NotRegular(f"{os.fspath(path)!r} grew past {max_bytes} bytes")
        return b"".join(chunks)
    finally:
        os.close(fd)


def remove_tree(root: Path | str) -> list[str]:
    """Delete ``root`` and everything under it, whatever a learner left there.

    Iterative and descriptor-based: a tree of any depth, folders without permissions,
    symlinks (removed, never followed), FIFOs, sockets and devices are all removed while at
    most three descriptors are open.

    Returns
    -------
    list of str
        Problems met (empty when everything was removed). Never raises.
    """
    problems: list[str] = []
    root = os.fspath(root)
    try:
        info = os.lstat(root)
    except FileNotFoundError:
        return problems
    except OSError as error:
        return [f"{root}: {error.strerror}"]
    if not stat.S_ISDIR(info.st_mode):
        try:
            os.unlink(root)
        except OSError as error:
            problems.append(f"{root}: {error.strerror}")
        return problems
    try:
        os.chmod(root, 0o700)
        current = os.open(root, _DIR_FLAGS)
    except OSError as error:
        return [f"{root}: {error.strerror}"]
    names: list[str] = []  # the path from root to ``current``, as names: no recursion
    skipped: list[set[str]] = [set()]  # per level, children that could not be removed
    while True:
        child = _empty_files_find_folder(current, skipped[-1], problems)
        if child is not None:
            try:
                os.chmod(child, 0o700, dir_fd=current, follow_symlinks=False)
                below = os.open(child, _DIR_FLAGS, dir_fd=current)
            except OSError as error:
                problems.append(f"{child}: {error.strerror}")
                skipped[-1].add(child)
                continue
            os.close(current)
            current = below
            names.append(child)
            skipped.append(set())
            continue
        if not names:
            break
        try:
            parent = os.open("..", _DIR_FLAGS, dir_fd=current)
        except OSError as error:
            problems.append(f"..: {error.strerror}")
            break
        os.close(current)
        current = parent
        name = names.pop()
        skipped.pop()
        try:
            os.rmdir(name, dir_fd=current)
        except OSError as error:
            problems.append(f"{name}: {error.strerror}")
            skipped[-1].add(name)
    os.close(current)
    try:
        os.rmdir(root)
    except OSError as error:
        problems.append(f"{root}: {error.strerror}")
    return problems[:20]


def _empty_files_find_folder(fd: int, skipped: set[str], problems: list[str]) -> str | None:
    """Unlink every non-folder in ``fd``; return one sub-folder to descend into, or None."""
    folder = None
    with os.scandir(fd) as entries:
        for entry in entries:
            if entry.name in skipped:
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                if folder is None:
                    folder = entry.name
                continue
            try:
                os.unlink(entry.name, dir_fd=fd)
            except OSError as error:
                problems.append(f"{entry.name}: {error.strerror}")
                skipped.add(entry.name)
    return folder
