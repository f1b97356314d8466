"""Runs inside the learner's kernel, as the last cell: collect every answer into safe files.

The collected data are plain values (the learner's variables, their function's results on
the test cases, or the runs this execution logged to the sandbox's own tracking store). Whatever happens here is learner-controlled; the grader only reads the files
as data and judges them itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def extract(module: str, namespace: dict[str, Any], folder: str) -> None:
    """Collect every problem of ``module`` from ``namespace`` and write them into ``folder``."""
    from ..checks import Answer
    from ..exercises import get_module
    from ._encode import encode_answers

    answers = {}
    for problem in get_module(module).problems:
        try:
            answers[problem.id] = problem.collect(namespace)
        except Exception as error:  # noqa: BLE001 - a collect failure is recorded, not fatal
            answers[problem.id] = Answer(
                error=f"could not read the answer ({type(error).__name__})"
            )
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    encode_answers(answers, out)
