"""``run()``: a plain ``mlflow.start_run`` that also records which exercise a run belongs to."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from ._tags import EXERCISE_TAG


@contextlib.contextmanager
def run(exercise: str | None = None, *, run_name: str | None = None, **tags: Any) -> Iterator[Any]:
    """Start an MLflow run tagged with the exercise it answers.

    Parameters
    ----------
    exercise : str, optional
        The problem id, e.g. ``"07.3"``, stored as the tag ``mlcourse.exercise``.
    run_name : str, optional
        The run's name.
    **tags
        More tags.

    Yields
    ------
    mlflow.ActiveRun
    """
    import mlflow

    extra = {EXERCISE_TAG: exercise} if exercise else {}
    with mlflow.start_run(run_name=run_name, tags={**extra, **tags}) as active:
        yield active
