"""A cgroup per sandbox: one memory and one process budget for all a submission runs.

Address-space limits are per process, and a sandbox may run many processes; files in its
in-memory folders and shared memory count against no process at all. A cgroup counts all of
it: the sandbox's processes, its tmpfs files, its shared memory. Each sandbox gets one, with
``memory`` = ``Limits.memory_mb`` and ``pids`` = ``Limits.processes``; when it is exceeded, the
kernel ends processes of that sandbox only. Both cgroup v2 and the v1 ``memory`` and ``pids``
hierarchies are supported. Without root or writable cgroups there is none, and the
per-process limits remain.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
V2_PARENT = "mlcourse-sandboxes"


def _own_path(controller: str) -> str:
    """This process's cgroup path in one v1 hierarchy (``controller``) or in v2 (``""``)."""
    try:
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, controllers, path = line.split(":", 2)
            if controllers.split(",") == [controller] or (not controller and controllers == ""):
                return path
    except (OSError, ValueError):
        pass
    return "/"


class Cgroup:
    """The cgroup folders of one sandbox (one in v2, two in v1)."""

    def __init__(self, folders: list[Path], peak_file: Path | None):
        self.folders = folders
        self.peak_file = peak_file

    def enter(self) -> None:
        """Move the calling process in (used between fork and exec of the sandbox)."""
        for folder in self.folders:
            with open(folder / "cgroup.procs", "w") as procs:
                procs.write(str(os.getpid()))

    def peak_mb(self) -> float | None:
        """The most memory the sandbox used, in MB, when the kernel says."""
        try:
            return round(int(self.peak_file.read_text()) / 2**20, 1) if self.peak_file else None
        except (OSError, ValueError):
            return None

    def remove(self) -> None:
        """Kill whatever is left in it, then remove it."""
        deadline = time.monotonic() + 10
        for folder in self.folders:
            while time.monotonic() < deadline:
                try:
                    pids = [int(p) for p in (folder / "cgroup.procs").read_text().split()]
                except (OSError, ValueError):
                    pids = []
                for pid in pids:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.05)


def _write(path: Path, value: str) -> bool:
    try:
        path.write_text(value)
        return True
    except OSError:
        return False


def _clear(folder: Path) -> None:
    """Remove what a killed grader left under this name (the caller holds the name's uid)."""
    if folder.is_dir():
        Cgroup([folder], None).remove()


def create(name: str, memory_mb: int, processes: int) -> Cgroup | None:
    """A fresh cgroup for one sandbox, or None where cgroups cannot be made here.

    ``name`` must be the caller's alone (the sandbox's uid, which it holds the lock of).
    """
    if os.geteuid() != 0:
        return None
    memory = str(memory_mb * 2**20)
    if (ROOT / "cgroup.controllers").exists():
        parent = ROOT / V2_PARENT
        try:
            parent.mkdir(exist_ok=True)
        except OSError:
            return None
        _write(parent / "cgroup.subtree_control", "+memory +pids")
        folder = parent / name
        _clear(folder)
        try:
            folder.mkdir()
        except OSError:
            return None
        ok = _write(folder / "memory.max", memory) and _write(folder / "pids.max", str(processes))
        _write(folder / "memory.swap.max", "0")
        if not ok:
            Cgroup([folder], None).remove()
            return None
        return Cgroup([folder], folder / "memory.peak")
    folders = []
    for controller, settings in (
        ("memory", {"memory.limit_in_bytes": memory, "memory.memsw.limit_in_bytes": memory}),
        ("pids", {"pids.max": str(processes)}),
    ):
        folder = ROOT / controller / _own_path(controller).lstrip("/") / name
        _clear(folder)
        try:
            folder.mkdir()
        except OSError:
            Cgroup(folders, None).remove()
            return None
        folders.append(folder)
        for file, value in settings.items():
            if (folder / file).exists() and not _write(folder / file, value):
                if file != "memory.memsw.limit_in_bytes":
                    Cgroup(folders, None).remove()
                    return None
    return Cgroup(folders, folders[0] / "memory.max_usage_in_bytes")
