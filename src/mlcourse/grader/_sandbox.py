"""Execute a prepared notebook in a sandbox: bubblewrap, resource limits, a hard deadline.

Inside: private pid, network, IPC and UTS namespaces (so no network at all); a read-only tmpfs
root with only the system's read-only folders, the Python installation, the virtual
environment and the package's own source, the answer keys hidden; one size-capped writable
tmpfs for the learner (its working folder, home and ``/tmp``), one for the answers and a
small capped ``/dev/shm``; the submission bound read-only. Nothing of the course's solutions/, the grader's
output folder, the host's disk or other learners' work is visible or writable. As root, the
sandbox drops to an unprivileged uid per worker so that the process limit applies. Memory,
processes, file size and open files are limited with rlimits, and the whole process tree is
killed at the deadline whatever it does with signals.

What the grader learns about the run comes only through a pipe held by the runner (see
:mod:`mlcourse.grader._runner`), never through a file the learner could write.
"""

from __future__ import annotations

import collections
import fcntl
import json
import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
import sysconfig
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ._cgroup import create as create_cgroup
from ._protocol import ANSWER_FILE, MAX_FILES, MAX_HEADER, PROTOCOL
from ._seccomp import keyring_filter

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
UID_SLOTS = 184  # 61000-61183: below the range systemd gives to DynamicUser= services
# shared by every grader on this machine (only root claims uids)
UID_LOCKS = Path("/run" if os.path.isdir("/run") else "/tmp") / "mlcourse-sandbox-uids"
INSIDE = "/mlcourse-sandbox"  # the learner's writable tmpfs, inside the sandbox
NOTEBOOK = "submission.ipynb"


class SandboxMissing(RuntimeError):
    """bubblewrap is not installed and unsandboxed grading was not asked for."""


@dataclass(frozen=True)
class Limits:
    """Resource limits of one sandboxed execution and of the evaluation of its answers.

    Attributes
    ----------
    timeout : float
        Seconds for the whole notebook; the sandbox is killed at this deadline.
    cell_timeout : int
        Seconds per cell before it is interrupted.
    memory_mb : int
        Address space of each process in the sandbox.
    processes : int
        Processes of the sandbox's user.
    file_mb : int
        Largest file the learner can write.
    open_files : int
        Open files per process.
    scratch_mb : int
        What the learner can write in its working folder, home and ``/tmp``, in memory.
    shm_mb : int
        ``/dev/shm`` (shared memory), in memory.
    tmp_mb : int
        ``/tmp`` itself, in memory (``TMPDIR`` points into the scratch, which most code uses).
    max_output : int
        Bytes of cell output kept.
    answers_mb : int
        The answers folder (a tmpfs of its own, so a full scratch cannot stop the answers
        being written) and the most the runner hands back to the grader.
    eval_memory_mb : int
        Memory of the evaluator process beyond what it starts with.
    eval_timeout : float
        Seconds for decoding and judging one submission's answers.
    """

    timeout: float = 120.0
    cell_timeout: int = 60
    memory_mb: int = 6144
    processes: int = 256
    file_mb: int = 64
    open_files: int = 1024
    scratch_mb: int = 512
    shm_mb: int = 64
    tmp_mb: int = 64
    max_output: int = 2 * 1024 * 1024
    answers_mb: int = 96
    eval_memory_mb: int = 2048
    eval_timeout: float = 120.0


@dataclass
class Execution:
    """What happened to one execution, as the grader itself saw it."""

    status: str  # finished | timeout | crashed
    seconds: float
    returncode: int | None
    sandboxed: bool
    log: str
    report: dict | None = None  # the runner's report, from the private pipe
    files: list[str] = field(default_factory=list)  # answer files received
    peak_mb: float | None = None  # the sandbox's peak memory, all its processes and files


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


def hidden_paths() -> list[Path]:
    """Folders under the bound sources that the sandbox hides: the answer keys."""
    keys = Path(__file__).resolve().parents[1] / "keys"
    return [keys] if keys.is_dir() else []


def _environment() -> dict[str, str]:
    return {
        "HOME": INSIDE,
        "USER": "learner",
        "LOGNAME": "learner",
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "TMPDIR": f"{INSIDE}/tmp",
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


#: What the grader's environment must not hand a graded run even without bubblewrap: the live
#: class a terminal joined (a graded run must not post events) and the instructor's token.
_PRIVATE_ENVIRONMENT = ("MLCOURSE_CLASS", "MLCOURSE_LIVE_", "JUPYTERHUB_API_TOKEN")


def _trusted_environment() -> dict[str, str]:
    """The grader's environment without the variables a graded run must never see."""
    return {k: v for k, v in os.environ.items() if not k.startswith(_PRIVATE_ENVIRONMENT)}


def _bwrap_command(
    bwrap: str,
    notebook: Path,
    limits: Limits,
    uid: int | None,
    inner: list[str],
    seccomp_fd: int | None = None,
) -> list[str]:
    mb = 1024 * 1024
    # Mounts first, binds after: a tmpfs mounted later would hide whatever was bound beneath it
    # (a course checked out under /tmp, for instance).
    command = [
        bwrap, "--die-with-parent", "--new-session",
        "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
        "--tmpfs", "/",
        "--proc", "/proc",
        "--dev", "/dev",
        "--perms", "1777", "--size", str(limits.shm_mb * mb), "--tmpfs", "/dev/shm",
        # /tmp is a mount of its own, not a link: a course checked out under /tmp is bound there
        "--perms", "1777", "--size", str(limits.tmp_mb * mb), "--tmpfs", "/tmp",
        "--perms", "0777", "--size", str(limits.scratch_mb * mb), "--tmpfs", INSIDE,
        "--perms", "1777", "--dir", f"{INSIDE}/tmp",
        "--perms", "0777", "--dir", f"{INSIDE}/work",
        "--perms", "0777", "--size", str(limits.answers_mb * mb), "--tmpfs", f"{INSIDE}/out",
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
    for hidden in hidden_paths():  # an empty read-only folder over the answer keys
        command += ["--perms", "0555", "--size", "4096", "--tmpfs", str(hidden)]
        command += ["--remount-ro", str(hidden)]
    command += ["--ro-bind", str(notebook), f"{INSIDE}/{NOTEBOOK}"]
    command += ["--remount-ro", "/", "--chdir", f"{INSIDE}/work", "--clearenv"]
    if seccomp_fd is not None:
        command += ["--seccomp", str(seccomp_fd)]
    for key, value in _environment().items():
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


def _limit(limits: Limits, count_processes: bool, group=None):
    def apply() -> None:
        if group is not None:
            group.enter()
        memory = limits.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        size = limits.file_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
        resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if count_processes:
            resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))

    return apply


class _Tail(threading.Thread):
    """Drain a pipe, keeping only its last bytes (the sandbox's own messages)."""

    def __init__(self, fd: int, keep: int = 8000):
        super().__init__(daemon=True)
        self.fd = fd
        self.buffer: collections.deque[bytes] = collections.deque()
        self.size = 0
        self.keep = keep

    def run(self) -> None:
        with os.fdopen(self.fd, "rb", buffering=0) as stream:
            while chunk := stream.read(65536):
                self.buffer.append(chunk)
                self.size += len(chunk)
                while self.size - len(self.buffer[0]) > self.keep:
                    self.size -= len(self.buffer.popleft())

    def text(self) -> str:
        return b"".join(self.buffer)[-self.keep :].decode("utf-8", "replace")


class _Receiver(threading.Thread):
    """Read the runner's report and answer files from the private pipe, within bounds."""

    def __init__(self, fd: int, answers: Path, cap: int):
        super().__init__(daemon=True)
        self.fd = fd
        self.answers = answers
        self.cap = cap
        self.report: dict | None = None
        self.files: list[str] = []

    def run(self) -> None:
        try:
            with os.fdopen(self.fd, "rb") as stream:
                self._receive(stream)
        except (OSError, ValueError, RecursionError):  # the run is then reported as crashed
            self.report, self.files = None, []

    def _receive(self, stream) -> None:
        line = stream.readline(MAX_HEADER + 1)
        if not line:  # the runner ended without a report
            return
        if len(line) > MAX_HEADER or not line.endswith(b"\n"):
            raise ValueError("report header too long")
        header = json.loads(line)
        if type(header) is not dict or header.get("protocol") != PROTOCOL:
            raise ValueError("unexpected report")
        listed = header.get("files")
        if type(listed) is not list or len(listed) > MAX_FILES:
            raise ValueError("bad file list")
        total = 0
        for entry in listed:
            if type(entry) is not list or len(entry) != 2:
                raise ValueError("bad file entry")
            name, size = entry
            if type(name) is not str or not ANSWER_FILE.match(name) or type(size) is not int:
                raise ValueError("bad file entry")
            total += size
            if size < 0 or total > self.cap:
                raise ValueError("answers over the cap")
            self._copy(stream, name, size)
        self.report = header

    def _copy(self, stream, name: str, size: int) -> None:
        fd = os.open(self.answers / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as target:
            left = size
            while left:
                chunk = stream.read(min(left, 1 << 20))
                if not chunk:
                    raise ValueError("the report ended early")
                target.write(chunk)
                left -= len(chunk)
        self.files.append(name)


def runner_command(notebook: str, out: str, limits: Limits, report_fd: int) -> list[str]:
    """The command that runs a prepared notebook and reports on ``report_fd``."""
    return [
        sys.executable,
        "-m",
        "mlcourse.grader._runner",
        notebook,
        out,
        str(limits.cell_timeout),
        str(limits.max_output),
        str(report_fd),
        str(limits.answers_mb * 1024 * 1024),
    ]


def execute(
    notebook: Path,
    scratch: Path,
    answers: Path,
    limits: Limits,
    worker: int = 0,
    *,
    sandbox: bool = True,
) -> Execution:
    """Run a prepared notebook and receive its answer files into ``answers``.

    Parameters
    ----------
    notebook : Path
        The prepared notebook, a file of the grader's.
    scratch : Path
        A fresh grader-owned folder. Sandboxed, the learner never sees it; unsandboxed, the
        learner works in ``scratch/work``.
    answers : Path
        An empty grader-owned folder that receives the answer files through the private pipe.
    limits : Limits
        Resource limits and deadlines.
    worker : int
        The worker's number: as root, each worker runs as its own unprivileged uid.
    sandbox : bool
        Use bubblewrap. Without it (a trusted batch only) learner code runs as this user.

    Returns
    -------
    Execution

    Raises
    ------
    SandboxMissing
        When ``sandbox`` is asked for and bubblewrap is not installed.
    """
    if sandbox and not bubblewrap():
        raise SandboxMissing("bubblewrap (bwrap) is not installed")
    bwrap = bubblewrap() if sandbox else None
    uid, lock = None, None
    if bwrap and os.geteuid() == 0:
        uid, lock = _claim_uid(worker)
    try:
        return _execute(notebook, scratch, answers, limits, bwrap, uid)
    finally:
        if lock is not None:
            os.close(lock)


def _execute(notebook, scratch, answers, limits, bwrap, uid) -> Execution:
    """Run the runner (in bubblewrap when ``bwrap`` is given) and receive its report."""
    report_read, report_write = os.pipe()
    log_read, log_write = os.pipe()
    passed = [report_write]
    group = None
    if bwrap:
        notebook.chmod(0o644)
        inner = runner_command(f"{INSIDE}/{NOTEBOOK}", f"{INSIDE}/out", limits, report_write)
        program = keyring_filter()
        seccomp_fd = None
        if program is not None:
            seccomp_fd, seccomp_write = os.pipe()
            os.write(seccomp_write, program)
            os.close(seccomp_write)
            passed.append(seccomp_fd)
        command = _bwrap_command(bwrap, notebook, limits, uid, inner, seccomp_fd)
        count_processes, env, cwd = True, None, None
        if uid is not None:
            group = create_cgroup(f"uid{uid}", limits.memory_mb, limits.processes)
    else:
        for sub in ("work", "out", "tmp"):
            (scratch / sub).mkdir(exist_ok=True)
        command = runner_command(str(notebook), str(scratch / "out"), limits, report_write)
        count_processes = os.geteuid() != 0
        cwd = str(scratch / "work")
        env = {
            **_trusted_environment(),
            "MLCOURSE_ROOT": str(scratch),
            "MLCOURSE_STRICT": "0",
            "MLCOURSE_EVENTS": str(scratch / "events.jsonl"),
            "MPLBACKEND": "Agg",
            "TMPDIR": str(scratch / "tmp"),
        }
    receiver = _Receiver(report_read, answers, limits.answers_mb * 1024 * 1024)
    tail = _Tail(log_read)
    start = time.monotonic()
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log_write,
            stderr=log_write,
            start_new_session=True,
            preexec_fn=_limit(limits, count_processes, group),
            pass_fds=tuple(passed),
            cwd=cwd,
            env=env,
        )
    except BaseException:
        for fd in (report_read, log_read, log_write, *passed):
            os.close(fd)
        if group is not None:
            group.remove()
        raise
    for fd in (log_write, *passed):
        os.close(fd)
    receiver.start()
    tail.start()
    try:
        returncode = process.wait(timeout=limits.timeout)
        status = "finished" if returncode == 0 else "crashed"
    except subprocess.TimeoutExpired:
        _kill_tree(process)
        returncode, status = None, "timeout"
    if bwrap and uid is not None:
        _end_processes_of(uid)
    peak = None
    if group is not None:
        peak = group.peak_mb()
        group.remove()
    receiver.join(timeout=10)
    tail.join(timeout=1)
    seconds = time.monotonic() - start
    report = receiver.report if not receiver.is_alive() else None
    return Execution(
        status,
        seconds,
        returncode,
        bool(bwrap),
        tail.text(),
        report,
        list(receiver.files) if report else [],
        peak,
    )


def processes_of(uid: int) -> list[int]:
    """Pids of the processes running as ``uid`` (read from /proc)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status", encoding="ascii", errors="replace") as status:
                for line in status:
                    if line.startswith("Uid:"):
                        if int(line.split()[1]) == uid:
                            pids.append(int(entry))
                        break
        except (OSError, ValueError, IndexError):
            continue
    return pids


def _end_processes_of(uid: int, seconds: float = 10.0) -> None:
    """Make sure no process of a worker's sandbox uid is left before the uid is used again.

    The pid namespace ends with the sandbox, but the kernel reaps its processes
    asynchronously; a fork bomb's thousands of exiting processes would otherwise count
    against the next submission's process limit.
    """
    deadline = time.monotonic() + seconds
    while pids := processes_of(uid):
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if time.monotonic() > deadline:
            break
        time.sleep(0.05)


def _claim_uid(worker: int) -> tuple[int, int]:
    """An unprivileged uid no other sandbox on this machine is using, and its lock.

    Two batches graded at once (two modules, two instructors) must not share a uid: the
    process limit counts per uid, and the clean-up after a run kills every process of it.
    """
    UID_LOCKS.mkdir(mode=0o700, exist_ok=True)
    info = os.lstat(UID_LOCKS)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != 0 or info.st_mode & 0o022:
        raise RuntimeError(f"{UID_LOCKS} is not a folder of root's that only root can write")
    for offset in range(UID_SLOTS):
        uid = BASE_UID + (worker + offset) % UID_SLOTS
        fd = os.open(UID_LOCKS / f"{uid}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        return uid, fd
    raise RuntimeError(f"all {UID_SLOTS} sandbox uids are in use")


def _kill_tree(process: subprocess.Popen) -> None:
    """SIGKILL the whole session; with bubblewrap, killing it ends its pid namespace too."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.kill()
    process.wait()
