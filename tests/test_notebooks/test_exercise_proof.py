"""The exercise proof: every untouched exercises notebook runs and reports NotAttempted only.

Every solutions notebook is proven separately by nbval in strict mode (all checks Correct,
all self-tests passing); this file proves the other side: that what learners receive runs
without error and claims no points it has not earned.
"""

from pathlib import Path

import pytest

from mlcourse.build import build_course
from mlcourse.exercises import get_module
from mlcourse.exercises._run import run_notebook

ROOT = Path(__file__).resolve().parents[2]
EXERCISES = sorted((ROOT / "exercises").glob("[0-9][0-9]_*.ipynb"))


def test_course_has_exercises():
    assert EXERCISES, "exercises/ holds no notebooks"


def test_exercises_are_in_sync_with_solutions():
    report = build_course(ROOT, check=True)
    assert report.in_sync, f"run `mlcourse build`: {report.written + report.stale}"


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.name)
def test_untouched_exercises_run_and_report_not_attempted(path, record_property):
    run = run_notebook(path, timeout=120)
    record_property("notebook_seconds", (f"exercises/{path.name}", run.seconds))
    assert run.error is None, f"{path.name} stopped with an error: {run.error}"
    assert run.module is not None
    assert not run.unchecked, f"problems whose check cell never ran: {run.unchecked}"
    wrong = {p: s for p, s in run.statuses.items() if s != "not_attempted"}
    assert not wrong, f"untouched exercises must be NotAttempted, got {wrong}"
    assert sum(run.points.values()) == 0


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.name)
def test_every_declared_problem_is_in_the_notebook(path):
    module = get_module(path.name[:2])
    assert path.stem == module.name
    assert len([p for p in module.problems if not p.attribute.startswith("kc")]) >= 3
