"""Tags MLflow adds to every run the learner starts, through MLflow's run-context plugins.

Registered as the ``mlflow.run_context_provider`` entry point ``mlcourse``, so that plain
``mlflow.start_run()`` in a lesson carries the course's tags without any helper.
"""

from __future__ import annotations

import os

from mlflow.tracking.context.abstract_context import RunContextProvider

from ._tags import LEARNER_TAG, MODULE_TAG, VERSION_TAG


def course_tags() -> dict[str, str]:
    """The tags for a run started now, from the environment ``configure()`` set."""
    from importlib import metadata

    tags = {}
    learner = os.environ.get("MLCOURSE_LEARNER")
    module = os.environ.get("MLCOURSE_MODULE")
    if learner:
        tags[LEARNER_TAG] = learner
    if module:
        tags[MODULE_TAG] = module
    if tags:
        try:
            tags[VERSION_TAG] = metadata.version("mlcourse")
        except metadata.PackageNotFoundError:  # pragma: no cover
            tags[VERSION_TAG] = "unknown"
    return tags


class CourseRunContext(RunContextProvider):
    """Adds ``mlcourse.learner``, ``mlcourse.module`` and ``mlcourse.course_version``."""

    def in_context(self) -> bool:
        return bool(os.environ.get("MLCOURSE_LEARNER") or os.environ.get("MLCOURSE_MODULE"))

    def tags(self) -> dict[str, str]:
        return course_tags()
