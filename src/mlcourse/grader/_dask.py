"""Grade on a Dask cluster: each submission is one task on a worker with bubblewrap and the course.

The batch driver (:func:`mlcourse.grader.grade_batch`) stays where it is: it discovers the
submissions, skips those already graded, writes every result, the gradebook and the MLflow
runs. Only the grading itself moves: a task receives the submission's bytes (workers share no
filesystem with the driver), grades them in a scratch folder of the worker's with the same
:func:`~mlcourse.grader.grade_submission` the local pool calls, and returns the result.

Before the first task, every worker is asked what it has: the same grading code as the driver
(a hash of the installed grader, checks, keys and exercise declarations, not only the version
number, which stays the same between commits), the same Python, NumPy, pandas and
scikit-learn, the same released exercises notebook, bubblewrap when sandboxing is asked, and a
worker process that may start children. A worker that joins later is asked again by its first
task, and the driver refuses any result whose problems or points are not its own.

A worker that dies under a task (``KilledWorker``, a closed connection) is no verdict on the
submission: it gets no result, and ``--resume`` grades it. A cluster left without any worker
for longer than its connect timeout and a grace stops the batch.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import multiprocessing
import os
import platform
import signal
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from distributed import KilledWorker, WorkerPlugin
from distributed.comm.core import CommClosedError

from ._batch import GradeError, GradingTask, declaration_mismatch, failed_result
from ._submissions import Submission

DEFAULT_CONNECT_TIMEOUT = 10.0
#: seconds a cluster may show no worker, beyond its connect timeout, before the batch stops
LOST_WORKERS_GRACE = 20.0
#: how often the driver looks for a result, and asks the scheduler for its workers
POLL_SECONDS = 0.1
WORKER_CHECK_SECONDS = 1.0
#: the subpackages of mlcourse whose code decides a grade (hashed: see grading_sources_sha256)
GRADING_PACKAGES = ("grader", "checks", "keys", "exercises")
#: the libraries whose version can change a result
GRADING_LIBRARIES = ("numpy", "pandas", "scikit-learn")
#: what a task's failure means when the worker running it died or its connection closed
WORKER_LOST = (KilledWorker, CommClosedError, OSError)


class WorkerUnfit(RuntimeError):
    """A worker lacks what grading needs (bubblewrap, the same course, a process that can fork)."""


@dataclass(frozen=True)
class DaskCluster:
    """Where to grade: a running scheduler, or a ``LocalCluster`` started for the batch.

    Parameters
    ----------
    scheduler : str, optional
        The scheduler's address (``tcp://HOST:8786``).
    local_workers : int
        Worker processes of a ``LocalCluster`` (one thread each), when there is no scheduler.
    timeout : float
        Seconds to reach the scheduler and to see a first worker.
    """

    scheduler: str | None = None
    local_workers: int = 0
    timeout: float = DEFAULT_CONNECT_TIMEOUT

    def __post_init__(self) -> None:
        if (self.scheduler is None) == (self.local_workers <= 0):
            raise ValueError("give either a scheduler address or a number of local workers")

    def describe(self) -> str:
        """``the Dask scheduler at tcp://...`` or ``a local Dask cluster of N workers``."""
        if self.scheduler:
            return f"the Dask scheduler at {self.scheduler}"
        return f"a local Dask cluster of {self.local_workers} worker(s)"


# --- what a worker must have ---------------------------------------------------------------


def expected_facts(module: str) -> dict[str, str]:
    """What every worker must share with this machine to give the same results.

    Parameters
    ----------
    module : str
        The module being graded.

    Returns
    -------
    dict
        ``version``, ``sources`` (see :func:`grading_sources_sha256`), ``python``, one entry
        per library of ``GRADING_LIBRARIES``, and ``release`` (the SHA-256 of
        ``exercises/NN_*.ipynb``).
    """
    return {**_code_facts(), "release": _release_sha256(module) or ""}


def _code_facts() -> dict[str, str]:
    """mlcourse's version, the hash of its grading code, Python's and the libraries' versions."""
    from .. import __version__

    facts = {
        "version": __version__,
        "sources": grading_sources_sha256(),
        "python": platform.python_version(),
    }
    for library in GRADING_LIBRARIES:
        try:
            facts[library] = metadata.version(library)
        except metadata.PackageNotFoundError:
            facts[library] = "not installed"
    return facts


def grading_sources_sha256(package: Path | None = None) -> str:
    """A SHA-256 of every file of the mlcourse subpackages that decide a grade.

    The grader, the checks, the answer keys and the exercise declarations
    (``GRADING_PACKAGES``): two installs whose hashes agree grade alike, whatever their version
    number says; compiled ``__pycache__`` files are left out.

    Parameters
    ----------
    package : Path, optional
        The ``mlcourse`` package folder (default: the installed one; its hash is cached).

    Returns
    -------
    str
        Hex digest over each file's path (relative to ``package``) and content.
    """
    if package is None:
        return _installed_sources_sha256()
    digest = hashlib.sha256()
    for name in GRADING_PACKAGES:
        for path in sorted((package / name).rglob("*")):
            relative = path.relative_to(package)
            if not path.is_file() or "__pycache__" in relative.parts:
                continue
            digest.update(relative.as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def _installed_sources_sha256() -> str:
    from .. import __file__ as package_init

    return grading_sources_sha256(Path(package_init).parent)


def _release_sha256(module: str) -> str | None:
    from .._paths import module_notebook

    path = module_notebook("exercises", module)
    return hashlib.sha256(path.read_bytes()).hexdigest() if path else None


def worker_facts(module: str, dask_worker=None) -> dict[str, Any]:
    """What this worker has for grading ``module`` (run on each worker by ``Client.run``).

    Parameters
    ----------
    module : str
        The module being graded.
    dask_worker : distributed.Worker, optional
        Filled in by ``Client.run``.

    Returns
    -------
    dict
        The keys of :func:`expected_facts`, and ``root``, ``bubblewrap``, ``daemon``,
        ``nthreads``, ``host``.
    """
    from .._paths import course_root
    from ._sandbox import bubblewrap

    return {
        **_code_facts(),
        "release": _release_sha256(module) or "",
        "root": str(course_root()),
        "bubblewrap": bubblewrap() is not None,
        "daemon": bool(multiprocessing.current_process().daemon),
        "nthreads": dask_worker.state.nthreads if dask_worker is not None else 1,
        "host": socket.gethostname(),
    }


_CODE_FACTS = {
    "version": "mlcourse",
    "sources": "mlcourse grading code (grader, checks, keys, exercises) with SHA-256",
    "python": "Python",
    **{library: library for library in GRADING_LIBRARIES},
}


def unfitness(facts: dict[str, Any], expected: dict[str, str], sandbox: bool) -> str | None:
    """Why a worker with ``facts`` cannot grade for this driver; None when it can.

    Every fact of ``expected`` must be the same on the worker (a worker whose mlcourse does
    not report one, an older one, is refused too).

    Parameters
    ----------
    facts : dict
        From :func:`worker_facts`, run on the worker.
    expected : dict
        From :func:`expected_facts`, on this machine.
    sandbox : bool
        Whether the worker must be able to sandbox.

    Returns
    -------
    str or None
        One line naming what differs and what to do.
    """
    for key, label in _CODE_FACTS.items():
        if key in expected and facts.get(key) != expected[key]:
            theirs, ours = _shown(facts.get(key)), _shown(expected[key])
            return (
                f"it has {label} {theirs} and this machine {ours}: install the same course "
                "code and libraries on every worker as on this machine"
            )
    if not facts.get("release"):
        return (
            f"it has no released exercises notebook under {facts['root']}: start the worker in "
            "the course folder, or set MLCOURSE_ROOT"
        )
    if facts["release"] != expected["release"]:
        return (
            "its exercises notebook differs from this machine's: give every worker the same "
            "course release"
        )
    if sandbox and not facts["bubblewrap"]:
        return (
            "bubblewrap is not installed there, so submissions cannot be sandboxed: install "
            "it (apt-get install bubblewrap) on every worker"
        )
    if facts["daemon"]:
        return (
            "its worker process is a daemon and cannot start the grader's processes: start "
            "workers with DASK_DISTRIBUTED__WORKER__DAEMON=False (or with --no-nanny)"
        )
    return None


def _shown(value: Any) -> str:
    """A fact as it is shown: a hash cut to 12 characters, a missing one as ``unknown``."""
    if value is None:
        return "unknown"
    text = str(value)
    return text[:12] if len(text) == 64 else text


def check_workers(
    client, expected: dict[str, str], module: str, sandbox: bool, note: Callable[[str], None]
) -> int:
    """Refuse the batch when a worker is unfit; return the threads of all workers.

    Raises
    ------
    GradeError
        Naming the first unfit worker and what it lacks.
    """
    answers = client.run(worker_facts, module, on_error="return")
    threads = 0
    for address, facts in sorted(answers.items()):
        if isinstance(facts, BaseException):
            raise GradeError(
                f"Dask worker {address} could not say what it has ({type(facts).__name__}: "
                f"{facts}): is mlcourse installed there?"
            )
        problem = unfitness(facts, expected, sandbox)
        if problem:
            raise GradeError(f"Dask worker {address} ({facts['host']}) cannot grade: {problem}")
        if facts["nthreads"] > 1:
            note(
                f"note: Dask worker {address} runs {facts['nthreads']} threads, so it grades "
                f"{facts['nthreads']} submissions at once on its cores; their time limits are "
                "wall-clock, so a busy machine can time out what one thread would not. Start "
                "workers with --nthreads 1."
            )
        threads += facts["nthreads"]
    return max(threads, 1)


# --- on the worker ---------------------------------------------------------------------------


class WarmUp(WorkerPlugin):
    """Start the grader's fork server with the module's code once on each worker, as it joins."""

    idempotent = True

    def __init__(self, module: str) -> None:
        self.module = module
        self.name = f"mlcourse-grader-warm-up-{module}"

    def setup(self, worker) -> None:
        """Warm up (a daemon worker cannot: its first task says why)."""
        from ._isolate import warm_up

        if not multiprocessing.current_process().daemon:
            warm_up(self.module)


_SLOT_LOCK = threading.Lock()
_FREE_SLOTS: list[int] = []
_SLOTS_MADE = [False]
_CHECKED: dict[tuple, str | None] = {}


@contextlib.contextmanager
def _sandbox_slot(worker) -> Iterator[int]:
    """A sandbox slot no other task of this worker process holds.

    The slot is where the sandbox starts looking for an unprivileged uid; the uid itself is
    claimed under a lock shared by every grader on the machine, so two worker processes that
    start from the same slot still never share a uid. Slots start at the worker's number
    (``LocalCluster`` names workers 0, 1, ...) or its pid, so that they seldom collide.
    """
    with _SLOT_LOCK:
        if not _SLOTS_MADE[0]:
            index = worker.name if isinstance(worker.name, int) else os.getpid()
            base = index * worker.state.nthreads
            _FREE_SLOTS.extend(range(base + worker.state.nthreads - 1, base - 1, -1))
            _SLOTS_MADE[0] = True
        slot = _FREE_SLOTS.pop()
    try:
        yield slot
    finally:
        with _SLOT_LOCK:
            _FREE_SLOTS.append(slot)


def grade_task(task: GradingTask, job: dict[str, Any], expected: dict[str, str]) -> dict:
    """Grade one submission on a Dask worker and return its result.

    Parameters
    ----------
    task : GradingTask
        Module, limits and sandboxing, as the driver set them.
    job : dict
        ``learner``, ``name`` and ``data`` (the submitted bytes).
    expected : dict
        What the worker must share with the driver (see :func:`expected_facts`).

    Returns
    -------
    dict
        ``result`` (as :func:`~mlcourse.grader.grade_submission` returns it) and ``worker``
        (this worker's address: the driver records where each submission was graded).

    Raises
    ------
    WorkerUnfit
        When this worker lacks what grading needs (the driver stops the batch).
    """
    from distributed import get_worker

    worker = get_worker()
    key = (task.module, task.sandbox, tuple(sorted(expected.items())))
    with _SLOT_LOCK:
        if key not in _CHECKED:
            _CHECKED[key] = unfitness(worker_facts(task.module, worker), expected, task.sandbox)
    if _CHECKED[key]:
        raise WorkerUnfit(f"Dask worker {worker.address} cannot grade: {_CHECKED[key]}")
    submission = Submission(job["learner"], job["name"], job["data"])
    with _sandbox_slot(worker) as slot:
        return {"result": task(submission, slot), "worker": worker.address}


def executing_keys(dask_worker=None) -> list:
    """The keys of the tasks this worker is running now (run by ``Client.run``)."""
    return [state.key for state in dask_worker.state.executing]


# --- on the driver ---------------------------------------------------------------------------


@contextlib.contextmanager
def open_client(cluster: DaskCluster) -> Iterator[Any]:
    """A connected client (and the ``LocalCluster`` it talks to, when asked for one).

    Raises
    ------
    GradeError
        When the scheduler cannot be reached, or shows no worker, within ``cluster.timeout``.
    """
    from distributed import Client

    with contextlib.ExitStack() as stack:
        if cluster.scheduler:
            check_address(cluster.scheduler)
            try:
                client = Client(cluster.scheduler, timeout=cluster.timeout, set_as_default=False)
            except Exception as error:  # noqa: BLE001 - any reason: one line, then stop
                raise GradeError(
                    f"cannot reach {cluster.describe()} within {cluster.timeout:g} s "
                    f"({type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}); "
                    "is `dask scheduler` running there, and is the port open to this machine?"
                ) from None
        else:
            client = _local_client(cluster.local_workers, stack)
        stack.callback(client.close)
        try:
            client.wait_for_workers(1, timeout=cluster.timeout)
        except Exception:  # noqa: BLE001 - a TimeoutError, whatever its module
            raise GradeError(_no_worker(cluster)) from None
        yield client


def _no_worker(cluster: DaskCluster) -> str:
    if cluster.scheduler:
        return (
            f"{cluster.describe()} has no worker after {cluster.timeout:g} s: start some "
            f"with `dask worker {cluster.scheduler} --nthreads 1`"
        )
    return (
        f"{cluster.describe()} started no worker within {cluster.timeout:g} s: is this machine "
        "short of memory or processes?"
    )


def check_address(address: str) -> None:
    """Refuse a scheduler address that is not ``tcp://HOST:PORT`` or ``tls://HOST:PORT``.

    Checked before any client is built, so a mistyped address is one line, at once.

    Parameters
    ----------
    address : str
        The scheduler's address, as given.

    Raises
    ------
    GradeError
        Naming the address and the form expected.
    """
    from distributed.comm.addressing import parse_address, parse_host_port

    try:
        scheme, location = parse_address(address, strict=True)
        host, port = parse_host_port(location)
    except (ValueError, TypeError):
        scheme, host, port = "", "", 0
    if scheme not in ("tcp", "tls") or not host or not port:
        raise GradeError(
            f"the scheduler address must look like tcp://HOST:PORT (or tls://HOST:PORT), such "
            f"as tcp://10.0.0.5:8786, not {address!r}"
        )


def _local_client(workers: int, stack: contextlib.ExitStack):
    import dask
    from distributed import Client, LocalCluster

    # a daemon process may not start children, and the grader starts a fork server and sandboxes;
    # a Ctrl+C reaches the whole process group: the workers must let their tasks finish
    with dask.config.set({"distributed.worker.daemon": False}), _ignoring_interrupts():
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            memory_limit=0,  # the sandboxes have their own limits; the worker's is not theirs
            silence_logs=logging.ERROR,
        )
    stack.callback(cluster.close)
    return Client(cluster, set_as_default=False)


@contextlib.contextmanager
def _ignoring_interrupts() -> Iterator[None]:
    """Processes started in here ignore SIGINT (an ignored signal stays ignored across exec)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def cluster_pool(
    cluster: DaskCluster, module: str, sandbox: bool, note: Callable[[str], None]
) -> Iterator[Callable]:
    """A runner for :func:`~mlcourse.grader.grade_batch` that grades on a Dask cluster.

    Parameters
    ----------
    cluster : DaskCluster
        Where to grade.
    module : str
        The module being graded.
    sandbox : bool
        Whether workers must sandbox (and so must have bubblewrap).
    note : callable
        Receives notes for the user.

    Yields
    ------
    callable
        ``run(todo, task, record)``: grades ``todo`` and calls ``record(submission, result)``
        here, on the driver, as each result arrives.

    Raises
    ------
    GradeError
        When the cluster cannot be reached or a worker is unfit.
    """
    expected = expected_facts(module)
    with open_client(cluster) as client:
        threads = check_workers(client, expected, module, sandbox, note)
        client.register_plugin(WarmUp(module))
        note(f"grading on {cluster.describe()}: {threads} submission(s) at once")

        def run(todo: list[Submission], task: GradingTask, record, lose) -> None:
            batch = _ClusterBatch(
                client,
                task,
                expected,
                (record, lose),
                window=2 * threads,
                lost_after=cluster.timeout + LOST_WORKERS_GRACE,
            )
            batch.run(todo)
            if batch.ran_on:
                note(f"graded on {len(batch.ran_on)} Dask worker(s): {batch.where()}")

        yield run


class _ClusterBatch:
    """Submit at most ``window`` submissions at once; record each result as it arrives.

    ``record(submission, result)`` saves a result; ``lose(submission, reason)`` counts a
    submission whose worker was lost under it (no result). With no worker on the cluster for
    ``lost_after`` seconds, the batch stops.
    """

    def __init__(
        self, client, task: GradingTask, expected: dict, sinks, window: int, lost_after: float
    ) -> None:
        from ..exercises import get_module

        self.client, self.task, self.expected = client, task, expected
        self.record, self.lose = sinks
        self.window, self.lost_after = window, lost_after
        self.declaration = get_module(task.module)
        self.owners: dict[str, tuple[Any, Submission]] = {}
        self.ran_on: Counter[str] = Counter()
        self.workers_seen = time.monotonic()
        self.workers_checked = 0.0

    def where(self) -> str:
        """``tcp://a:1 (3), tcp://b:2 (2)``: the workers that graded, and how many each."""
        return ", ".join(f"{address} ({n})" for address, n in sorted(self.ran_on.items()))

    def run(self, todo: list[Submission]) -> None:
        from distributed import as_completed

        self.completed = as_completed(loop=self.client.loop)
        self.pending = iter(todo)
        for _ in range(self.window):
            if not self._submit_next():
                break
        try:
            while self.owners:
                ready = self.completed.next_batch(block=False)
                if not ready:
                    self._check_workers_left()
                    time.sleep(POLL_SECONDS)
                    continue
                for future in ready:
                    _, submission = self.owners.pop(future.key)
                    result = self._accept(future, submission)
                    if result is not None:
                        self.record(submission, result)
                    self._submit_next()
        except BaseException:
            self._stop()
            raise

    def _check_workers_left(self) -> None:
        """Stop the batch when the cluster has had no worker for ``lost_after`` seconds."""
        now = time.monotonic()
        if now - self.workers_checked < WORKER_CHECK_SECONDS:
            return
        self.workers_checked = now
        try:
            workers = len(self.client.nthreads())
        except Exception:  # noqa: BLE001 - the scheduler is gone too: no worker either
            workers = 0
        if workers:
            self.workers_seen = now
        elif now - self.workers_seen > self.lost_after:
            raise GradeError(
                f"the cluster lost all its workers (none for {self.lost_after:g} s); start "
                "some, then run again with --resume"
            )

    def _submit_next(self) -> bool:
        """Submit the next submission that needs a worker; grade here those that do not."""
        for submission in self.pending:
            try:
                data = submission.data
            except Exception:  # noqa: BLE001 - unreadable: graded here, as the local pool does
                data = None
            if data is None:  # nothing to run: the same function says why, on this machine
                self.record(submission, self.task(submission))
                continue
            job = {"learner": submission.learner, "name": submission.name, "data": data}
            future = self.client.submit(
                grade_task,
                self.task,
                job,
                self.expected,
                key=f"mlcourse-grade-{submission.learner}-{uuid.uuid4().hex[:8]}",
                pure=False,
            )
            self.owners[future.key] = (future, submission)
            self.completed.add(future)
            return True
        return False

    def _accept(self, future, submission: Submission) -> dict[str, Any] | None:
        """The task's result to save; None when its worker was lost under it.

        Raises
        ------
        GradeError
            When the worker is unfit, graded with another declaration of the module, or the
            scheduler cancelled the batch.
        """
        from distributed import CancelledError

        try:
            reply = future.result()
        except WorkerUnfit as error:
            raise GradeError(str(error)) from None
        except CancelledError:
            raise GradeError(
                "the Dask scheduler cancelled the batch's tasks (was it restarted?): run the "
                "same command with --resume"
            ) from None
        except WORKER_LOST as error:  # the worker died or its connection closed under it
            self.lose(submission, f"worker lost: {type(error).__name__}")
            return None
        except Exception as error:  # noqa: BLE001 - the grader failed there: a grader_error
            return failed_result(submission, self.task.module, error)
        problem = declaration_mismatch(reply["result"], self.declaration)
        if problem:
            raise GradeError(
                f"Dask worker {reply['worker']} graded {submission.learner} with another "
                f"declaration of module {self.task.module} ({problem}): it runs other course "
                "code; install this machine's on every worker, then run again with --resume"
            )
        self.ran_on[reply["worker"]] += 1
        return reply["result"]

    def _stop(self) -> None:
        """Interrupted: cancel what has not started, let what runs finish, record it."""
        futures = [future for future, _ in self.owners.values()]
        try:
            running = {key for keys in self.client.run(executing_keys).values() for key in keys}
        except Exception:  # noqa: BLE001 - the cluster is gone: nothing to wait for
            running = set()
        started = [f for f in futures if f.key in running or f.status == "finished"]
        self.client.cancel([f for f in futures if f not in started])
        limits = self.task.limits
        deadline = time.monotonic() + limits.timeout + 2 * limits.eval_timeout + 30
        try:
            while not all(f.done() for f in started) and time.monotonic() < deadline:
                time.sleep(0.2)
        except KeyboardInterrupt:  # a second Ctrl+C: stop waiting
            pass
        for future in started:
            if future.status in ("finished", "error"):
                _, submission = self.owners.pop(future.key)
                with contextlib.suppress(GradeError):  # an unfit worker's result is not saved
                    if (result := self._accept(future, submission)) is not None:
                        self.record(submission, result)
        self.client.cancel([future for future, _ in self.owners.values()])
