"""Module 00 — Start here: warm-up exercises on the mechanics of the course."""

from __future__ import annotations

from mlcourse.checks import Case, Choice, Function, Mistake, Value

from ._registry import Module

# The data the learner is given in the exercises notebook, repeated here so that every
# expected value is computed by the checker itself.
STUDY_MINUTES = (25, 40, 0, 35, 50, 30, 45)
EXPERIMENT_NUMBER = 7
EXPERIMENT_SLUG = "classification_evaluation"


def _study_minutes() -> list[int]:
    return list(STUDY_MINUTES)


def _average_minutes() -> float:
    minutes = _study_minutes()
    return sum(minutes) / len(minutes)


def _average_without_zero_days() -> float:
    studied = [m for m in _study_minutes() if m > 0]
    return sum(studied) / len(studied)


def _median_minutes() -> float:
    minutes = sorted(_study_minutes())
    middle = len(minutes) // 2
    if len(minutes) % 2:
        return float(minutes[middle])
    return (minutes[middle - 1] + minutes[middle]) / 2


def _experiment_name(number: int = EXPERIMENT_NUMBER, slug: str = EXPERIMENT_SLUG) -> str:
    return f"mlcourse/{number:02d}_{slug}"


def share_correct(statuses: list[str]) -> float:
    """Reference: the fraction of outcome statuses that are exactly ``"correct"`` (0.0 if none)."""
    if not statuses:
        return 0.0
    return sum(status == "correct" for status in statuses) / len(statuses)


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
            expected=_average_minutes,
            title="Average study time",
            points=1,
            hints=[
                "The average (mean) is the total divided by how many values there are.",
                "`sum(study_minutes)` gives the total and `len(study_minutes)` the number of days.",
                "Divide with `/`, not `//`: `//` rounds down to a whole number. "
                "The day with 0 minutes is a real day and counts.",
            ],
            mistakes=[
                Mistake(
                    lambda: sum(_study_minutes()) // len(_study_minutes()),
                    "`average_minutes` is a whole number: `//` rounds the division down. "
                    "Use `/` to keep the fractional part.",
                ),
                Mistake(
                    _average_without_zero_days,
                    "`average_minutes` leaves out the day with 0 minutes. It is a real day of the "
                    "week, so it counts in the average.",
                ),
                Mistake(
                    lambda: sum(_study_minutes()),
                    "`average_minutes` is the total of the week. Divide it by the number of days.",
                ),
                Mistake(
                    _median_minutes,
                    "`average_minutes` is the middle value (the median). The task asks for the "
                    "mean: the total divided by the number of days.",
                ),
            ],
        ),
        Value(
            "00.2",
            var="experiment_name",
            expected=_experiment_name,
            title="Name an MLflow experiment",
            points=1,
            hints=[
                'An f-string puts values into text: `f"mlcourse/{module_number}"`.',
                "The number needs two digits (7 becomes 07): write `{module_number:02d}` inside "
                "the f-string.",
                "The pattern is `mlcourse/`, the two-digit number, an underscore, then the slug.",
            ],
            mistakes=[
                Mistake(
                    lambda: f"mlcourse/{EXPERIMENT_NUMBER}_{EXPERIMENT_SLUG}",
                    "`experiment_name` has a one-digit module number. Module numbers always "
                    "have two digits: format the number with `:02d`.",
                ),
                Mistake(
                    lambda: f"{EXPERIMENT_NUMBER:02d}_{EXPERIMENT_SLUG}",
                    "`experiment_name` is missing the `mlcourse/` prefix that groups the "
                    "course's experiments.",
                ),
                Mistake(
                    lambda: f"{EXPERIMENT_NUMBER:02d}_{EXPERIMENT_SLUG}.ipynb",
                    "`experiment_name` is the notebook's file name. The experiment name starts "
                    "with `mlcourse/` and has no `.ipynb`.",
                ),
                Mistake(
                    lambda: f"mlcourse/{EXPERIMENT_NUMBER:02d}-{EXPERIMENT_SLUG}",
                    "`experiment_name` joins the number and the slug with a hyphen; use an "
                    "underscore `_`.",
                ),
            ],
        ),
        Function(
            "00.3",
            name="share_correct",
            reference=share_correct,
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
            answer="b",
            title="Where you work",
            hints=[
                "Lessons are read, answers are written; see the section *How the course works*.",
                "The folder you work in is the one whose notebooks have `...` to replace.",
            ],
            explanation=(
                "You work in exercises/: its notebooks start with `...` where your answers go. "
                "curriculum/ holds the lessons (read and run them, experiment freely) and "
                "solutions/ the worked answers, which your class may not ship."
            ),
        ),
        Choice(
            "00.kc2",
            var="kc2",
            choices="abcd",
            answer="b",
            title="Checking before answering",
            hints=[
                f"See the four outcomes in {_OUTCOMES_SECTION}.",
                "`...` is a placeholder; a placeholder is not an answer, right or wrong.",
            ],
            explanation=(
                "A variable that is still `...` (or None, or a function whose body is still "
                "`...`) is Not attempted: worth 0 points, with a reminder to replace the `...`. "
                "It is not counted as a wrong answer, and the notebook keeps running."
            ),
        ),
        Choice(
            "00.kc3",
            var="kc3",
            choices="abcd",
            answer="c",
            title="What a Checker error means",
            hints=[
                f"See the four outcomes in {_OUTCOMES_SECTION}.",
                "Which of the four outcomes is about the course's own code rather than yours?",
            ],
            explanation=(
                "A Checker error means that the checking code itself failed. It says nothing "
                "about your answer: report it to your instructor or the course maintainers, "
                "with the message it printed."
            ),
        ),
        Choice(
            "00.kc4",
            var="kc4",
            choices="abcd",
            answer="b",
            title="Where runs are tracked",
            hints=[
                f"See {_TRACKING_SECTION}.",
                "The default needs no server and no internet connection.",
            ],
            explanation=(
                "By default MLflow writes to an embedded SQLite store, .mlcourse/mlflow.db in "
                "the course folder: no server, no network. In a class, the instructor gives you "
                "a tracking URI instead and your runs go to the class server."
            ),
        ),
        Choice(
            "00.kc5",
            var="kc5",
            choices="abcd",
            answer="b",
            title="Printing 'Correct'",
            hints=[
                f"See {_GRADING_SECTION}.",
                "Does the grader believe what your notebook prints, or does it look at your "
                "answers itself?",
            ],
            explanation=(
                "Nothing changes. The grader restores the original check cells, runs your "
                "notebook in a sandbox, collects your answers and judges them in its own "
                "process. Text your notebook prints is never taken as a verdict."
            ),
        ),
        Choice(
            "00.kc6",
            var="kc6",
            choices="abcd",
            answer="abd",
            title="What Incorrect feedback tells you",
            hints=[
                'More than one letter is right: answer with all of them, e.g. `"ab"`.',
                "Feedback helps you fix the answer without giving it away.",
            ],
            explanation=(
                "Incorrect feedback names the variable, says what kind of value was expected "
                "(a number, a str, a shape, a range), shows what you have and often suggests a "
                "fix. It never prints the expected value: `hint()` and `solution()` are there "
                "when you want more."
            ),
        ),
    ),
)
