"""Step 5: judge every problem outside the learner's process, with the notebook's own checks.

Decoding and judging read learner-made data, so they run in a separate, limited process per
submission (:mod:`mlcourse.grader._isolate`). A submission whose answers make that process
fail, blow its memory or run out of time gets the status ``grader_error``; the batch goes on.

Everything judged here came out of the sandbox, the logged runs of a tracking problem
included: the runs that notebook's own execution logged, read from the store it wrote inside
the sandbox. The grader never reads a tracking store, so runs logged elsewhere (another
notebook, another learner, numbers typed into a class server) count for nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..checks import Outcome, incorrect, not_attempted
from ..exercises import Module, get_module
from ._encode import DecodeError, decode_answers
from ._isolate import IsolatedFailure, preload_for, run_limited


class EvaluationFailed(RuntimeError):
    """The evaluator process could not judge a submission (it died, ran out of time or memory)."""


def evaluate_module(module: Module, out: Path) -> list[Outcome]:
    """One outcome per problem, from the answer files in ``out`` (runs in the evaluator).

    Parameters
    ----------
    module : Module
        The module's declaration (its answer key is loaded on first use).
    out : Path
        The folder holding the answer files received from the sandbox.
    """
    try:
        answers = decode_answers(out)
        problem_reading = None
    except DecodeError as error:
        answers = {}
        problem_reading = str(error)
    outcomes = []
    for problem in module.problems:
        answer = answers.get(problem.id)
        if answer is None:
            why = problem_reading or "no answer was collected"
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


def _judge(number: str, out: str) -> list[dict]:
    """Runs in the limited process: decode and judge, outcomes as plain dictionaries."""
    return [o.to_dict() for o in evaluate_module(get_module(number), Path(out))]


def evaluate_isolated(
    number: str,
    out: Path,
    *,
    memory_mb: int,
    timeout: float,
    stats: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Decode and judge a submission's answers in a separate, limited process.

    ``stats``, when given, receives ``evaluator_peak_mb``: the evaluator's peak resident memory.

    Returns
    -------
    list of dict
        One outcome per problem (``Outcome.to_dict()``).

    Raises
    ------
    EvaluationFailed
        When the evaluator dies, exceeds its limits or its deadline.
    """
    try:
        outcomes, peak = run_limited(
            _judge,
            number,
            str(out),
            memory_mb=memory_mb,
            timeout=timeout,
            preload=preload_for(number),
        )
    except IsolatedFailure as error:
        raise EvaluationFailed(f"judging the answers failed: {error}") from None
    if stats is not None:
        stats["evaluator_peak_mb"] = peak
    return outcomes
