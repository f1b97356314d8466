"""Step 5: judge every problem outside the learner's process, with the notebook's own checks.

Decoding and judging read learner-made data, so they run in a separate process per
submission, forked from a server that has the course's code loaded already: its address space
is capped (``Limits.eval_memory_mb`` beyond its start), it has a deadline and a CPU-time limit,
and it hands back only JSON. A submission whose answers make that process fail, blow its memory
or run out of time gets the status ``grader_error``; the batch goes on.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import resource
import threading
from pathlib import Path
from typing import Any

from ..checks import Outcome, Problem, checker_error, incorrect, not_attempted
from ..checks._tracked import LoggedRun
from ..exercises import Module, get_module
from ._encode import DecodeError, decode_answers

MAX_RESULT_BYTES = 4 * 1024 * 1024


class EvaluationFailed(RuntimeError):
    """The evaluator process could not judge a submission (it died, ran out of time or memory)."""


def evaluate_module(
    module: Module, out: Path, learner: str, finished: bool, reason: str
) -> list[Outcome]:
    """One outcome per problem, from the answer files in ``out`` (runs in the evaluator).

    Parameters
    ----------
    module : Module
        The module's declaration (its answer key is loaded on first use).
    out : Path
        The folder holding the answer files received from the sandbox.
    learner : str
        The learner, for problems read from the tracking store.
    finished : bool
        Whether the notebook ran to its end.
    reason : str
        Why it did not, for the feedback.
    """
    try:
        answers = decode_answers(out)
        problem_reading = None
    except DecodeError as error:
        answers = {}
        problem_reading = str(error)
    outcomes = []
    for problem in module.problems:
        if isinstance(problem, LoggedRun):
            outcomes.append(_logged_run(problem, learner))
            continue
        answer = answers.get(problem.id)
        if answer is None:
            why = reason if not finished else (problem_reading or "no answer was collected")
            outcomes.append(
                not_attempted(problem.id, problem.points, f"This answer could not be read: {why}.")
            )
        elif isinstance(answer, DecodeError):
            outcomes.append(
                incorrect(
                    problem.id, problem.points, f"The answer could not be read safely ({answer})."
                )
            )
        else:
            outcomes.append(problem.evaluate(answer))
    return outcomes


def _logged_run(problem: Problem, learner: str) -> Outcome:
    try:
        return problem.evaluate(problem.collect({}, learner=learner))
    except Exception as error:  # the tracking store is the grader's, not the learner's
        return checker_error(
            problem.id, problem.points, f"could not read the tracking store: {error}"
        )


def _vm_bytes() -> int:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):  # pragma: no cover - not Linux
        return 0


def _child(connection, number: str, out: str, learner: str, finished: bool, reason: str,
           memory: int, seconds: int) -> None:  # fmt: skip
    """Body of the evaluator process: limits first, then decode and judge, answer in JSON."""
    limit = _vm_bytes() + memory
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    try:
        outcomes = evaluate_module(get_module(number), Path(out), learner, finished, reason)
        payload = {"ok": [o.to_dict() for o in outcomes]}
    except MemoryError:
        payload = {"failed": "the answers needed more memory than the evaluator may use"}
    except RecursionError:
        payload = {"failed": "the answers are nested too deeply to judge"}
    except BaseException as error:  # noqa: BLE001 - reported to the grader, never raised
        payload = {"failed": f"the evaluator failed ({type(error).__name__})"}
    try:
        data = json.dumps(payload, ensure_ascii=True, default=str).encode("ascii")
    except (ValueError, TypeError, RecursionError):
        data = b'{"failed": "the outcomes could not be serialised"}'
    connection.send_bytes(data[:MAX_RESULT_BYTES])
    connection.close()


_CONTEXT_LOCK = threading.Lock()
_CONTEXT: Any = None


def _context(number: str):
    """A forkserver context with the course's code preloaded (started once per process)."""
    global _CONTEXT
    with _CONTEXT_LOCK:
        if _CONTEXT is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(
                [
                    "mlcourse.grader._evaluate",
                    f"mlcourse.exercises.m{number}",
                    f"mlcourse.keys.m{number}",
                    "pandas",
                    "pyarrow.parquet",
                ]
            )
            _CONTEXT = context
        return _CONTEXT


def evaluate_isolated(
    number: str,
    out: Path,
    learner: str,
    finished: bool,
    reason: str,
    *,
    memory_mb: int,
    timeout: float,
) -> list[dict[str, Any]]:
    """Decode and judge a submission's answers in a separate, limited process.

    Returns
    -------
    list of dict
        One outcome per problem (``Outcome.to_dict()``).

    Raises
    ------
    EvaluationFailed
        When the evaluator dies, exceeds its limits or its deadline.
    """
    context = _context(number)
    receive, send = context.Pipe(duplex=False)
    process = context.Process(
        target=_child,
        args=(send, number, str(out), learner, finished, reason, memory_mb * 2**20,
              max(1, int(timeout))),
        daemon=True,
    )  # fmt: skip
    process.start()
    send.close()
    try:
        if not receive.poll(timeout):
            raise EvaluationFailed(f"judging the answers took more than {timeout:g} s")
        try:
            data = receive.recv_bytes(MAX_RESULT_BYTES)
        except (EOFError, OSError):
            raise EvaluationFailed(
                "the evaluator stopped before answering (it ran out of memory or crashed)"
            ) from None
    finally:
        receive.close()
        if process.is_alive():
            process.kill()
        process.join(5)
    payload = json.loads(data)
    if "failed" in payload:
        raise EvaluationFailed(str(payload["failed"]))
    return payload["ok"]
