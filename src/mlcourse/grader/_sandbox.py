"""Execute a prepared notebook in a sandbox: bubblewrap, resource limits, a hard deadline.

Inside: private pid, network, IPC and UTS namespaces (so no network at all); a tmpfs root with
only the system's read-only folders, the Python installation, the virtual environment and the
package's own source; a size-capped writable scratch; nothing of the course's solutions/, the
grader's output folder or other learners' work. As root, the sandbox drops to an unprivileged
uid per worker so that the process limit applies. Memory, processes, file size and open files
are limited with rlimits, and the whole process tree is killed at the deadline whatever it
does with signals.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

SYSTEM_DIRS = (
    "/usr",
    "/bin",
    "/sbin",
    "/lib",
    "/lib64",
    "/lib32",
    "/libx32",
    "/etc/alternatives",
    "/etc/ssl",
    "/etc/ca-certificates",
    "/etc/fonts",
)
SYSTEM_FILES = (
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/localtime",
    "/etc/nsswitch.conf",
    "/etc/mime.types",
)
BASE_UID = 61000
INSIDE = "/mlcourse-sandbox"  # the scratch folder's path inside the sandbox


@dataclass(frozen=True)
class Limits:
    """Resource limits of one sandboxed execution."""

    timeout: float = 120.0
    cell_timeout: int = 60
    memory_mb: int = 6144
    processes: int = 256
    file_mb: int = 64
    open_files: int = 1024
    scratch_mb: int = 512
    max_output: int = 2 * 1024 * 1024


@dataclass
class Execution:
    """What happened to one sandboxed execution."""

    status: str  # finished | timeout | crashed
    seconds: float
    returncode: int | None
    sandboxed: bool
    log: str


def bubblewrap() -> str | None:
    """The bubblewrap executable, when installed."""
    return shutil.which("bwrap")


def _source_roots() -> list[Path]:
    """The folders Python needs: its installation, the environment, and this package."""
    roots = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve()}
    package = Path(__file__).resolve().parents[2]  # .../src or .../site-packages
    roots.add(package)
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        path = sysconfig.get_paths().get(key)
        if path:
            roots.add(Path(path).resolve())
    # an interpreter reached through symlinks (pyenv, venv) needs its real location too
    roots.add(Path(os.path.realpath(sys.executable)).parent.parent)
    return sorted(roots)


def _bwrap_command(
    bwrap: str, scratch: Path, limits: Limits, uid: int | None, inner: list[str]
) -> list[str]:
    scratch_bytes = str(limits.scratch_mb * 1024 * 1024)
    # Mounts first, binds after: a tmpfs mounted later would hide whatever was bound beneath it
    # (a course checked out under /tmp, for instance).
    command = [
        bwrap, "--die-with-parent", "--new-session",
        "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
        "--tmpfs", "/",
        "--proc", "/proc",
        "--dev", "/dev",
        "--perms", "1777", "--size", scratch_bytes, "--tmpfs", "/tmp",
        "--perms", "0777", "--size", scratch_bytes, "--tmpfs", INSIDE,
    ]  # fmt: skip
    if os.geteuid() != 0:
        command.append("--unshare-user")
    binds = [Path(f) for f in (*SYSTEM_DIRS, *SYSTEM_FILES) if os.path.exists(f)] + _source_roots()
    mounted = {Path("/"), Path("/tmp"), Path(INSIDE)}
    parents = sorted(
        {p for b in binds for p in b.parents if p not in mounted}, key=lambda p: len(p.parts)
    )
    for parent in parents:  # world-traversable, so the unprivileged uid can reach what is bound
        command += ["--perms", "0755", "--dir", str(parent)]
    for folder in SYSTEM_DIRS:
        if os.path.islink(folder):
            command += ["--symlink", os.readlink(folder), folder]
        elif os.path.isdir(folder):
            command += ["--ro-bind", folder, folder]
    for file in SYSTEM_FILES:
        if os.path.exists(file):
            command += ["--ro-bind", file, file]
    for root in _source_roots():
        command += ["--ro-bind", str(root), str(root)]
    command += [
        "--bind", str(scratch / "in"), f"{INSIDE}/in",
        "--bind", str(scratch / "out"), f"{INSIDE}/out",
    ]  # fmt: skip
    command += [
        "--chdir",
        f"{INSIDE}/in",
        "--clearenv",
    ]
    env = {
        "HOME": INSIDE,
        "USER": "learner",
        "LOGNAME": "learner",
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "MLCOURSE_ROOT": INSIDE,
        "MLCOURSE_EVENTS": f"{INSIDE}/events.jsonl",
        "MLCOURSE_STRICT": "0",
        "MPLCONFIGDIR": f"{INSIDE}/.matplotlib",
        "IPYTHONDIR": f"{INSIDE}/.ipython",
        "JUPYTER_RUNTIME_DIR": f"{INSIDE}/.jupyter",
        "JUPYTER_DATA_DIR": f"{sys.prefix}/share/jupyter",
        "PYTHONDONTWRITEBYTECODE": "1",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "TF_ENABLE_ONEDNN_OPTS": "0",
        "MPLBACKEND": "Agg",
        "OMP_NUM_THREADS": "1",
    }
    for key, value in env.items():
        command += ["--setenv", key, value]
    if uid is not None:
        command += [
            "--",
            "setpriv",
            f"--reuid={uid}",
            f"--regid={uid}",
            "--clear-groups",
            "--inh-caps=-all",
            "--bounding-set=-all",
            "--",
        ]
    else:
        command.append("--")
    return command + inner


def _limit(limits: Limits, count_processes: bool):
    def apply() -> None:
        memory = limits.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        size = limits.file_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
        resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if count_processes:
            resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))

    return apply


def execute(notebook: Path, scratch: Path, limits: Limits, worker: int = 0) -> Execution:
    """Run the prepared ``scratch/in/<notebook>`` and leave its answers in ``scratch/out``.

    Parameters
    ----------
    notebook : Path
        The prepared notebook, inside ``scratch/in``.
    scratch : Path
        A fresh folder with ``in/`` and ``out/``.
    limits : Limits
        Resource limits and deadlines.
    worker : int
        The worker's number: as root, each worker runs as its own unprivileged uid.

    Returns
    -------
    Execution
    """
    inner_notebook = f"{INSIDE}/in/{notebook.name}"
    runner = [
        sys.executable,
        "-m",
        "mlcourse.grader._runner",
        inner_notebook,
        f"{INSIDE}/out",
        str(limits.cell_timeout),
        str(limits.max_output),
    ]
    bwrap = bubblewrap()
    if bwrap:
        uid = BASE_UID + worker if os.geteuid() == 0 else None
        if uid is not None:
            for sub in ("in", "out"):
                os.chown(scratch / sub, uid, uid)
                for path in (scratch / sub).iterdir():
                    os.chown(path, uid, uid)
        command = _bwrap_command(bwrap, scratch, limits, uid, runner)
        count_processes = True
    else:
        warnings.warn(
            "bubblewrap (bwrap) is not installed: submissions run WITHOUT a sandbox, with access to "
            "this machine's network and files. Install it (apt-get install bubblewrap) before "
            "grading work you do not trust.",
            RuntimeWarning,
            stacklevel=2,
        )
        runner[3:5] = [str(scratch / "in" / notebook.name), str(scratch / "out")]
        command = runner
        count_processes = os.geteuid() != 0
    env = (
        None
        if bwrap
        else {
            **os.environ,
            "MLCOURSE_ROOT": str(scratch),
            "MLCOURSE_STRICT": "0",
            "MLCOURSE_EVENTS": str(scratch / "events.jsonl"),
            "MPLBACKEND": "Agg",
        }
    )
    start = time.monotonic()
    log_path = scratch / "sandbox.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_limit(limits, count_processes),
            cwd=str(scratch / "in"),
            env=env,
        )
        try:
            returncode = process.wait(timeout=limits.timeout)
            status = "finished" if returncode == 0 else "crashed"
        except subprocess.TimeoutExpired:
            _kill_tree(process)
            returncode, status = None, "timeout"
    seconds = time.monotonic() - start
    log_text = log_path.read_bytes()[-4000:].decode("utf-8", "replace")
    return Execution(status, seconds, returncode, bool(bwrap), log_text)


def _kill_tree(process: subprocess.Popen) -> None:
    """SIGKILL the whole session; with bubblewrap, killing it ends its pid namespace too."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.kill()
    process.wait()
