"""Module 00: adversarial attempts that cannot be written as a self-test in the notebook.

The knowledge check is multiple choice: its letters must not be guessable from where the
right option sits or how long it is. A function check must hold up when its results travel
through the grader (encoded in the sandbox, judged outside): a function that changes its
input, or one that fails only a hidden case, keeps failing there.
"""

from __future__ import annotations

import re
from pathlib import Path

from mlcourse.exercises import get_module
from mlcourse.grader import encode_answers
from mlcourse.grader._evaluate import evaluate_isolated

from .test_every_module import quiz_options

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = ROOT / "solutions" / "00_start_here.ipynb"


def _mutating_share(statuses):
    total, correct = len(statuses), 0
    while statuses:
        correct += statuses.pop() == "correct"
    return correct / total if total else 0.0


def _unguarded_share(statuses):
    return statuses.count("correct") / len(statuses)


def _glued_zero(number, slug):
    return f"mlcourse/0{number}_{slug}"


def test_function_failures_survive_the_graders_encoding(tmp_path):
    """Collected in the learner's process, encoded, then judged in the isolated evaluator."""
    module = get_module("00")
    answers = {
        "00.2": module.problem("00.2").collect({"experiment_name": _glued_zero}),
        "00.3": module.problem("00.3").collect({"share_correct": _mutating_share}),
    }
    encode_answers(answers, tmp_path)
    outcomes = {
        o["problem"]: o for o in evaluate_isolated("00", tmp_path, memory_mb=1024, timeout=60)
    }
    assert outcomes["00.2"]["status"] == "incorrect"
    assert "three digits" in outcomes["00.2"]["message"]
    assert outcomes["00.3"]["status"] == "incorrect"
    assert "changed its input in place" in outcomes["00.3"]["message"]


def test_a_hidden_failure_names_its_kind_and_exception_but_not_its_input(tmp_path):
    module = get_module("00")
    answers = {"00.3": module.problem("00.3").collect({"share_correct": _unguarded_share})}
    encode_answers(answers, tmp_path)
    outcome = next(
        o
        for o in evaluate_isolated("00", tmp_path, memory_mb=1024, timeout=60)
        if o["problem"] == "00.3"
    )
    assert outcome["status"] == "incorrect"
    assert "an empty list (it raised ZeroDivisionError)" in outcome["message"]
    assert "[]" not in outcome["message"]


def _slug_from_the_map(number, slug):
    """Ignores ``slug``: the course's own map gives every number its module's slug."""
    from mlcourse._curriculum import experiment_name

    return experiment_name(f"{number:02d}")


def test_a_function_that_ignores_the_slug_fails_when_graded(tmp_path):
    """The visible calls use the modules' own slugs; hidden calls with other slugs catch it."""
    module = get_module("00")
    answers = {"00.2": module.problem("00.2").collect({"experiment_name": _slug_from_the_map})}
    encode_answers(answers, tmp_path)
    outcome = next(
        o
        for o in evaluate_isolated("00", tmp_path, memory_mb=1024, timeout=60)
        if o["problem"] == "00.2"
    )
    assert outcome["status"] == "incorrect"
    assert "ignores its `slug` argument" in outcome["message"]


def test_the_hidden_names_are_too_many_to_tabulate_and_mostly_off_the_map():
    """Many labelled hidden calls, most of them with a slug that is not their module's."""
    from mlcourse._curriculum import MODULES

    hidden = [case for is_hidden, case in get_module("00").problem("00.2").cases() if is_hidden]
    assert all(case.label for case in hidden)
    off_map = [c for c in hidden if MODULES[f"{c.args[0]:02d}"][0] != c.args[1]]
    assert len(hidden) >= 30 and len(off_map) >= 25
    assert {c.args[0] for c in off_map} == set(range(27)), "every number with a foreign slug"


def test_the_options_of_question_8_differ_by_the_number_computed():
    """Not answerable by elimination: every option names a distance in standard errors."""
    options = quiz_options("00")["kc8"]
    numbers = [re.match(r"About ([\d.]+) standard errors: ", text) for text in options.values()]
    assert all(numbers), options
    assert len({m.group(1) for m in numbers}) == 4
