"""Module 00 — Start here: the declaration of the warm-up exercises (the key is in mlcourse.keys.m00)."""

from __future__ import annotations

from mlcourse.checks import Case, Choice, Function, Value

from ._registry import Module

# The data the learner is given in the exercises notebook, repeated here so that the key
# computes every expected value itself.
STUDY_MINUTES = (25, 40, 0, 35, 50, 30, 45)
EXPERIMENT_NUMBER = 7
EXPERIMENT_SLUG = "classification_evaluation"


def _visible_cases() -> list[Case]:
    return [
        Case(["correct", "incorrect", "correct", "not_attempted"]),
        Case(["correct", "correct", "correct"]),
    ]


def _hidden_cases() -> list[Case]:
    return [
        Case([]),
        Case(["not_attempted", "not_attempted"]),
        Case(["incorrect", "checker_error", "correct"]),
        Case(["correct"]),
    ]


_OUTCOMES_SECTION = "the section *How exercises work* of curriculum/00_start_here.ipynb"
_GRADING_SECTION = "the section *How grading works* of curriculum/00_start_here.ipynb"
_TRACKING_SECTION = (
    "the section *Where your experiments are tracked* of curriculum/00_start_here.ipynb"
)

MODULE = Module(
    "00",
    "start_here",
    "Start here",
    problems=(
        Value(
            "00.1",
            var="average_minutes",
            title="Average study time",
            points=1,
            hints=[
                "The average (mean) is the total divided by how many values there are.",
                "`sum(study_minutes)` gives the total and `len(study_minutes)` the number of days.",
                "Divide with `/`, not `//`: `//` rounds down to a whole number. "
                "The day with 0 minutes is a real day and counts.",
            ],
        ),
        Value(
            "00.2",
            var="experiment_name",
            title="Name an MLflow experiment",
            points=1,
            hints=[
                'An f-string puts values into text: `f"mlcourse/{module_number}"`.',
                "The number needs two digits (7 becomes 07): write `{module_number:02d}` inside "
                "the f-string.",
                "The pattern is `mlcourse/`, the two-digit number, an underscore, then the slug.",
            ],
        ),
        Function(
            "00.3",
            name="share_correct",
            cases=_visible_cases,
            hidden=_hidden_cases,
            title="Share of exercises solved",
            points=2,
            hints=[
                'Count the statuses that are exactly `"correct"`, then divide by how many '
                "statuses there are.",
                'Compare with `==`, not `in`: `"correct" in "incorrect"` is True. '
                '`sum(s == "correct" for s in statuses)` counts the matches.',
                "An empty list has no exercises to divide by: return `0.0` before dividing "
                "when `not statuses`.",
            ],
        ),
        Choice(
            "00.kc1",
            var="kc1",
            choices="abcd",
            title="Where you work",
            hints=[
                "Lessons are read, answers are written; see the section *How the course works*.",
                "The folder you work in is the one whose notebooks have `...` to replace.",
            ],
        ),
        Choice(
            "00.kc2",
            var="kc2",
            choices="abcd",
            title="Checking before answering",
            hints=[
                f"See the four outcomes in {_OUTCOMES_SECTION}.",
                "`...` is a placeholder; a placeholder is not an answer, right or wrong.",
            ],
        ),
        Choice(
            "00.kc3",
            var="kc3",
            choices="abcd",
            title="What a Checker error means",
            hints=[
                f"See the four outcomes in {_OUTCOMES_SECTION}.",
                "Which of the four outcomes is about the course's own code rather than yours?",
            ],
        ),
        Choice(
            "00.kc4",
            var="kc4",
            choices="abcd",
            title="Where runs are tracked",
            hints=[
                f"See {_TRACKING_SECTION}.",
                "The default needs no server and no internet connection.",
            ],
        ),
        Choice(
            "00.kc5",
            var="kc5",
            choices="abcd",
            title="Printing 'Correct'",
            hints=[
                f"See {_GRADING_SECTION}.",
                "Does the grader believe what your notebook prints, or does it look at your "
                "answers itself?",
            ],
        ),
        Choice(
            "00.kc6",
            var="kc6",
            choices="abcd",
            title="What Incorrect feedback tells you",
            hints=[
                'More than one letter is right: answer with all of them, e.g. `"ab"`.',
                "Feedback helps you fix the answer without giving it away.",
            ],
        ),
    ),
)
