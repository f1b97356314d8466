"""Step 5: judge every problem outside the learner's process, with the notebook's own checks."""

from __future__ import annotations

from pathlib import Path

from ..checks import Outcome, Problem, checker_error, incorrect, not_attempted
from ..checks._tracked import LoggedRun
from ..exercises import Module
from ._encode import DecodeError, decode_answers


def evaluate_module(
    module: Module, out: Path, learner: str, finished: bool, reason: str
) -> list[Outcome]:
    """One outcome per problem, from the answers the sandbox left in ``out``.

    Parameters
    ----------
    module : Module
        The module's declaration.
    out : Path
        The sandbox's output folder.
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
