"""Run grader code on learner-made input in a separate process with limits it cannot lift.

Reading a submission's notebook and decoding and judging its answers all touch data a learner
made. Each runs in a process of its own, forked from a server that has the course's code
loaded already (so a fork costs milliseconds): its address space is capped at its size when
it starts plus a budget, it has a CPU-time limit and a deadline after which it is killed, and
it hands back one JSON document. Whatever the input does to that process (exhaust its memory,
recurse, crash the Parquet reader, run in quadratic time) the grader's own process is unharmed
and the submission gets the status ``grader_error``.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import resource
import threading
from collections.abc import Callable
from typing import Any

from .._paths import course_root

MAX_RESULT_BYTES = 8 * 1024 * 1024


class IsolatedFailure(RuntimeError):
    """The limited process could not finish (it died, ran out of time or memory)."""


def _vm_bytes() -> int:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):  # pragma: no cover - not Linux
        return 0


def _child(
    connection, function: Callable[..., dict], args: tuple, memory: int, seconds: int, root: str
):
    """Body of the limited process: limits first, then the work, the answer in JSON.

    The process is forked from a server started once, which kept the environment and working
    folder of that moment; ``root`` is the course folder the caller sees now, so that the
    release notebooks and data are looked up where the caller would.
    """
    os.environ["MLCOURSE_ROOT"] = root
    limit = _vm_bytes() + memory
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    try:
        payload = {"ok": function(*args)}
        payload["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    except MemoryError:
        payload = {"failed": "it needed more memory than the grader allows"}
    except RecursionError:
        payload = {"failed": "it is nested too deeply"}
    except BaseException as error:  # noqa: BLE001 - reported to the grader, never raised
        payload = {"failed": f"the grader's reader failed ({type(error).__name__})"}
    try:
        data = json.dumps(payload, ensure_ascii=True, default=str).encode("ascii")
    except (ValueError, TypeError, RecursionError):
        data = b'{"failed": "the result could not be serialised"}'
    connection.send_bytes(data[:MAX_RESULT_BYTES])
    connection.close()


_LOCK = threading.Lock()
_CONTEXT: Any = None


def preload_for(module: str) -> list[str]:
    """What the fork server imports once so that a limited process for ``module`` starts warm."""
    return [
        "__main__",  # imported once by the server, so that no child imports it again
        "mlcourse.grader._evaluate",
        "mlcourse.grader._prepare",
        f"mlcourse.exercises.m{module}",
        f"mlcourse.keys.m{module}",
        "nbformat",
        "pandas",
        "pyarrow.parquet",
        "sklearn.datasets",  # the keys' data: imported once here, not once per submission
        "mlcourse.grader._preloaded",  # last: warms nbformat and freezes the heap
    ]


def _context(preload: list[str]):
    """A forkserver context, its server preloaded with the course's code (once per process)."""
    global _CONTEXT
    with _LOCK:
        if _CONTEXT is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(list(preload))
            _CONTEXT = context
        return _CONTEXT


def warm_up(module: str) -> None:
    """Start the fork server with ``module``'s code loaded, before a batch needs it."""
    from multiprocessing import forkserver

    _context(preload_for(module))
    forkserver.ensure_running()


def run_limited(
    function: Callable[..., Any],
    *args: Any,
    memory_mb: int,
    timeout: float,
    preload: list[str] = (),
) -> tuple[Any, float | None]:
    """Call ``function(*args)`` in a limited process.

    Parameters
    ----------
    function : callable
        A module-level function returning JSON-serialisable data.
    *args
        Its arguments (plain data).
    memory_mb : int
        Address space allowed beyond the process's size at its start.
    timeout : float
        Seconds before the process is killed (also its CPU-time limit).
    preload : list of str
        Modules the fork server imports when it starts.

    Returns
    -------
    (result, peak_mb)
        What ``function`` returned, and the process's peak resident memory in MB.

    Raises
    ------
    IsolatedFailure
        When the process dies, exceeds its limits, its deadline, or ``function`` raises.
    """
    context = _context(list(preload))
    receive, send = context.Pipe(duplex=False)
    process = context.Process(
        target=_child,
        args=(send, function, args, memory_mb * 2**20, max(1, int(timeout)), str(course_root())),
        daemon=True,
    )
    process.start()
    send.close()
    try:
        if not receive.poll(timeout):
            raise IsolatedFailure(f"it took more than {timeout:g} s")
        try:
            data = receive.recv_bytes(MAX_RESULT_BYTES)
        except (EOFError, OSError):
            raise IsolatedFailure(
                "the grader's reader stopped before answering (out of memory, or a crash)"
            ) from None
    finally:
        receive.close()
        if process.is_alive():
            process.kill()
        process.join(5)
    payload = json.loads(data)
    if "failed" in payload:
        raise IsolatedFailure(str(payload["failed"]))
    return payload["ok"], payload.get("peak_mb")
