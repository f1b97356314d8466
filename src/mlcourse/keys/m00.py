"""Answer key of module 00 — Start here."""

from __future__ import annotations

from mlcourse.checks import Mistake
from mlcourse.exercises.m00 import EXPERIMENT_NUMBER, EXPERIMENT_SLUG, STUDY_MINUTES


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


KEY = {
    "00.1": {
        "expected": _average_minutes,
        "mistakes": [
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
    },
    "00.2": {
        "expected": _experiment_name,
        "mistakes": [
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
    },
    "00.3": {"reference": share_correct},
    "00.kc1": {
        "answer": "b",
        "explanation": (
            "You work in exercises/: its notebooks start with `...` where your answers go. "
            "curriculum/ holds the lessons (read and run them, experiment freely) and "
            "solutions/ the worked answers, which your class may not ship."
        ),
    },
    "00.kc2": {
        "answer": "b",
        "explanation": (
            "A variable that is still `...` (or None, or a function whose body is still "
            "`...`) is Not attempted: worth 0 points, with a reminder to replace the `...`. "
            "It is not counted as a wrong answer, and the notebook keeps running."
        ),
    },
    "00.kc3": {
        "answer": "c",
        "explanation": (
            "A Checker error means that the checking code itself failed. It says nothing "
            "about your answer: report it to your instructor or the course maintainers, "
            "with the message it printed."
        ),
    },
    "00.kc4": {
        "answer": "b",
        "explanation": (
            "By default MLflow writes to an embedded SQLite store, .mlcourse/mlflow.db in "
            "the course folder: no server, no network. In a class, the instructor gives you "
            "a tracking URI instead and your runs go to the class server."
        ),
    },
    "00.kc5": {
        "answer": "b",
        "explanation": (
            "Nothing changes. The grader restores the original check cells, runs your "
            "notebook in a sandbox, collects your answers and judges them in its own "
            "process. Text your notebook prints is never taken as a verdict."
        ),
    },
    "00.kc6": {
        "answer": "abd",
        "explanation": (
            "Incorrect feedback names the variable, says what kind of value was expected "
            "(a number, a str, a shape, a range), shows what you have and often suggests a "
            "fix. It never prints the expected value: `hint()` and `solution()` are there "
            "when you want more."
        ),
    },
}
