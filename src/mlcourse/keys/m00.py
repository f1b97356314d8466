"""Answer key of module 00 — Start here."""

from __future__ import annotations

import math

from mlcourse._curriculum import MODULES
from mlcourse.checks import Mistake
from mlcourse.exercises.m00 import STUDY_MINUTES


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


def _shortened_averages() -> list[float]:
    """The mean rounded, or cut, to 1-7 decimals: what rounding it or typing it in gives.

    The check's tolerance (1e-9 relative) rejects each of them; eight decimals and more agree
    with the mean to within it.
    """
    mean = _average_minutes()
    values = []
    for decimals in range(1, 8):
        scale = 10**decimals
        for value in (round(mean, decimals), math.floor(mean * scale) / scale):
            if value not in values:
                values.append(value)
    return values


_ROUNDED = (
    "`average_minutes` is the mean rounded (or cut) to a few decimals. Keep every decimal that "
    "Python computes: round only when you display a number, never the value you hand in."
)


_NOTHING_RETURNED = (
    "`{name}` returns nothing (None). A function hands its result back with `return`; "
    "`print` only shows it on the screen."
)


def experiment_name(number: int, slug: str) -> str:
    """Reference: the MLflow experiment of module ``number``, e.g. ``mlcourse/07_slug``."""
    return f"mlcourse/{number:02d}_{slug}"


def _slug_from_the_map(number: int, slug: str) -> str:
    """A mistake: the slug looked up from the course map, the ``slug`` argument ignored."""
    return f"mlcourse/{number:02d}_{MODULES[f'{number:02d}'][0]}"


_NUMBER_OF_SLUG = {slug: number for number, (slug, _title) in MODULES.items()}


def _number_from_the_map(number: int, slug: str) -> str:
    """A mistake: the number looked up from the slug, the ``number`` argument ignored."""
    return f"mlcourse/{_NUMBER_OF_SLUG[slug]}_{slug}"


def share_correct(statuses: list[str]) -> float:
    """Reference: the fraction of outcome statuses that are exactly ``"correct"`` (0.0 if none)."""
    if not statuses:
        return 0.0
    return statuses.count("correct") / len(statuses)


def _share(count_if, scale: float = 1.0, empty: float = 0.0):
    """A variant of the reference: counts ``count_if`` matches, times ``scale``."""

    def share(statuses: list[str]) -> float:
        if not statuses:
            return empty
        return scale * sum(bool(count_if(s)) for s in statuses) / len(statuses)

    return share


def _rounded_share(decimals: int):
    return lambda statuses: round(share_correct(statuses), decimals)


KEY = {
    "00.1": {
        "expected": _average_minutes,
        "mistakes": [
            Mistake(
                lambda: sum(_study_minutes()) // len(_study_minutes()),
                "`average_minutes` is a whole number: its fractional part was lost, by `//` "
                "(which rounds the division down) or by rounding. Divide with `/` and keep "
                "every decimal.",
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
            *(Mistake((lambda v=v: v), _ROUNDED) for v in _shortened_averages()),
        ],
    },
    "00.2": {
        "reference": experiment_name,
        "mistakes": [
            Mistake(lambda number, slug: None, _NOTHING_RETURNED.format(name="experiment_name")),
            Mistake(
                lambda number, slug: f"mlcourse/{number}_{slug}",
                "`experiment_name` writes one-digit module numbers with one digit. Module "
                "numbers always have two: pad the number with a format spec.",
            ),
            Mistake(
                lambda number, slug: f"mlcourse/{number:2d}_{slug}",
                "`experiment_name` pads the number with a space. A width alone pads with "
                "spaces; put a 0 before the width to pad with zeros.",
            ),
            Mistake(
                lambda number, slug: f"mlcourse/0{number}_{slug}",
                "`experiment_name` puts a 0 in front of every number, so a two-digit module "
                "gets three digits. A format spec pads a number only as far as it needs.",
            ),
            Mistake(
                lambda number, slug: f"{number:02d}_{slug}",
                "`experiment_name` is missing the `mlcourse/` prefix that groups the "
                "course's experiments.",
            ),
            Mistake(
                lambda number, slug: f"{number:02d}_{slug}.ipynb",
                "`experiment_name` returns the notebook's file name. The experiment name starts "
                "with `mlcourse/` and has no `.ipynb`.",
            ),
            Mistake(
                lambda number, slug: f"mlcourse/{number:02d}-{slug}",
                "`experiment_name` joins the number and the slug with a hyphen; use an "
                "underscore `_`.",
            ),
            Mistake(
                _slug_from_the_map,
                "`experiment_name` ignores its `slug` argument: it gives every number the slug "
                "of that module on the course map. Build the name from the arguments as they "
                "are given, whatever the slug is.",
            ),
            Mistake(
                _number_from_the_map,
                "`experiment_name` takes the number from the slug (the module the slug belongs "
                "to on the course map) instead of its `number` argument. Build the name from "
                "the arguments as they are given, whatever they are.",
            ),
            Mistake(
                lambda number, slug: "mlcourse/07_classification_evaluation",
                "`experiment_name` returns the same text whatever it is called with. Build the "
                "name from the arguments `number` and `slug`.",
            ),
        ],
    },
    "00.3": {
        "reference": share_correct,
        "mistakes": [
            Mistake(lambda statuses: None, _NOTHING_RETURNED.format(name="share_correct")),
            Mistake(
                _share(lambda s: "correct" in s),
                '`share_correct` also counts "incorrect": `"correct" in status` is True for '
                '"incorrect" too. Count only the statuses equal to `"correct"`.',
            ),
            Mistake(
                _share(lambda s: s == "correct", scale=100),
                "`share_correct` returns a percentage (0 to 100). Return a fraction between 0 "
                "and 1: leave out the `* 100`.",
            ),
            Mistake(
                lambda statuses: statuses.count("correct"),
                '`share_correct` returns how many statuses are "correct". Divide that count by '
                "the number of statuses to get a fraction.",
            ),
            Mistake(
                lambda statuses: statuses.count("correct") // len(statuses) if statuses else 0,
                "`share_correct` returns whole numbers only: `//` rounds the division down. "
                "Divide with `/`.",
            ),
            *(
                Mistake(
                    _rounded_share(decimals),
                    "`share_correct` rounds its result. Return the fraction as Python "
                    "computes it, without `round`.",
                )
                for decimals in range(1, 8)
            ),
        ],
    },
    "00.kc1": {
        "answer": "c",
        "explanation": (
            "You work in work/: your own copy of each exercises notebook, made the first time "
            "the course starts, which no course update overwrites. exercises/ is the course's "
            "and is regenerated (overwriting it), curriculum/ holds the lessons and solutions/ "
            "the worked answers, which your class may not ship."
        ),
        "feedback": {
            "a": "curriculum/ holds the lessons: read them, run them and experiment in them, "
            "but your answers to the exercises are not written there.",
            "b": "solutions/ holds the worked answers that `solution()` shows; in a class it "
            "may be absent altogether, and none of your own work belongs in it.",
            "d": "exercises/ is the course's own folder: maintainers regenerate it with "
            "`mlcourse build`, which overwrites it, so answers written there can be lost.",
        },
    },
    "00.kc2": {
        "answer": "a",
        "explanation": (
            "A variable that is still `...` (or None, or a function whose body is still "
            "`...`) is Not attempted: worth 0 points, with a reminder to replace the `...`. "
            "It is not counted as a wrong answer, and the notebook keeps running."
        ),
        "feedback": {
            "b": "Incorrect is the verdict on a wrong answer, and a body that is still `...` is "
            "no answer yet. Nor does the grade count attempts: it judges only your final "
            "answers.",
            "c": "A Checker error means the checking code itself failed. A function whose body "
            "is still `...` is a case the checker expects and recognises, not one it chokes on.",
            "d": "`check()` never raises because of your answer: it always reports one of its "
            "four outcomes, and the notebook carries on with the next cell.",
        },
    },
    "00.kc3": {
        "answer": "d",
        "explanation": (
            "A Checker error means that the checking code itself failed. It says nothing "
            "about your answer: report it to your instructor or the course maintainers, "
            "with the message it printed."
        ),
        "feedback": {
            "a": "A wrong answer is reported as Incorrect, with a message saying what is wrong; "
            "a Checker error is never a verdict on your answer, so trying another one changes "
            "nothing.",
            "b": "An unanswered question, whose variable still holds `...`, is reported as Not "
            "attempted yet, not as a Checker error.",
            "c": "A broken installation shows itself when the setup cell fails, and "
            "`.venv/bin/mlcourse doctor` diagnoses it; a message from a single check is no "
            "reason to reinstall anything.",
        },
    },
    "00.kc4": {
        "answer": "b",
        "explanation": (
            "By default MLflow writes to an embedded SQLite store, .mlcourse/mlflow.db in "
            "the course folder: no server, no network. In a class, the instructor gives you "
            "a tracking URI instead and your runs go to the class server."
        ),
        "feedback": {
            "a": "Nothing is sent to the internet by default: the course works offline, and "
            "runs go to a server only when you start the course with a class's tracking URI.",
            "c": "MLflow does not write into notebooks: a notebook file holds your code and its "
            "outputs, while runs are recorded by MLflow's tracking store and browsed with "
            "`mlflow ui`.",
            "d": "On your own no server is needed for MLflow to record runs; an instructor's "
            "tracking server, in a class, only changes where they go.",
        },
    },
    "00.kc5": {
        "answer": "c",
        "explanation": (
            "Nothing changes. The grader puts the course's own check cells and setup cell in "
            "place, runs your notebook in a sandbox, collects your answers and judges them in "
            "its own process. Text your notebook prints is never taken as a verdict."
        ),
        "feedback": {
            "a": "The grader never reads what your notebook prints: a printed '✅ Correct' is "
            "just text, not a verdict, and earns no points.",
            "b": "Printed text switches nothing off: the grader runs the whole notebook and "
            "treats every exercise the same way, whatever a cell prints.",
            "d": "No printed text changes any points, let alone doubles them: an exercise can "
            "earn at most the points it is worth.",
        },
    },
    "00.kc6": {
        "answer": "acd",
        "explanation": (
            "Incorrect feedback names the variable, says what kind of value was expected "
            "(a number, a str, a shape, a range), shows what you have and often suggests a "
            "fix. It never prints the expected value: `hint()` and `solution()` are there "
            "when you want more."
        ),
    },
    "00.kc7": {
        "answer": "d",
        "explanation": (
            "The hidden case is an empty list, and dividing by its length, 0, raised "
            "ZeroDivisionError: make the function handle an empty list before it divides. "
            "Hidden cases count in the grade, and their inputs stay hidden so that functions "
            "are written for every input, not for the examples."
        ),
        "feedback": {
            "a": "Hidden cases count in the grade like visible ones: the grader calls your "
            "function on the test inputs, the hidden ones included.",
            "b": "The visible examples are not what fails: the hidden case is an input of its "
            "own, and it goes on failing whatever the examples in your notebook show.",
            "c": "The grader puts the course's check cells back before it runs your notebook, "
            "so deleting one changes nothing: the hidden case still runs, and still fails.",
        },
    },
    "00.kc8": {
        "answer": "a",
        "explanation": (
            "3.62 is 0.12 above 3.5, and 0.12 / 0.054 is about 2.2 standard errors. Only about "
            "3 in 100 batches of 1,000 fair rolls land that far from 3.5, in either direction: "
            "unusual enough to doubt the die, not enough to be sure. More rolls shrink the "
            "standard error and settle it."
        ),
        "feedback": {
            "b": "Redo the division 0.12 / 0.054: 0.12 is more than twice 0.054, so the "
            "distance is more than one standard error, not a fraction of one.",
            "c": "0.12 is nowhere near 22 times 0.054. And no mean is strictly impossible for a "
            "fair die: a large distance makes a fair die unlikely, never impossible.",
            "d": "0.12 is the distance measured in points of the die's faces, not in standard "
            "errors: to count standard errors, divide it by the standard error, 0.054.",
        },
    },
}
