"""Module 00 — Start here: the declaration of the warm-up exercises (the key is in mlcourse.keys.m00)."""

from __future__ import annotations

from mlcourse.checks import Case, Choice, Function, Value

from ._registry import Module

# The data the learner is given in the exercises notebook, repeated here so that the key
# computes every expected value itself.
STUDY_MINUTES = (25, 40, 0, 35, 50, 30, 45)


def _name_cases() -> list[Case]:
    return [
        Case(7, "classification_evaluation"),
        Case(0, "start_here"),
    ]


# Made-up slugs, one for every module number (in a scrambled order): a function that ignores
# its `slug` and looks it up from the course map, or looks the number up from the slug, fails
# them. There are many so that answering from a table of the hidden calls is more work than
# the f-string the exercise asks for.
_MADE_UP_SLUGS = (
    "my_project", "house_prices", "spam_filter", "churn", "a", "week2_notes", "titanic",
    "iris_baseline", "draft", "sales_forecast", "cats_vs_dogs", "x", "energy_use",
    "credit_scoring", "playground", "ab_test", "movie_reviews", "bike_sharing", "v2",
    "fraud_retry", "sensor_drift", "my_rag_bot", "exam_prep", "tiny_lm", "demo_api",
    "capstone_idea", "scratch",
)  # fmt: skip


def _name_hidden() -> list[Case]:
    # Labels name the kind of input, never the input itself: a hard-coded answer for the
    # visible calls fails the first, a "0" glued in front of every number the second, a slug
    # looked up from the number (or the number from the slug) the ones after the third.
    own = [
        Case(3, "pandas", label="another one-digit module number"),
        Case(19, "experiment_tracking_mlflow", label="a two-digit module number"),
        Case(26, "interview_prep", label="the last module of the course"),
        Case(12, "my_project", label="a slug that is not a module's"),
        Case(3, "classification_evaluation", label="a one-digit number with another module's slug"),
        Case(19, "pandas", label="a two-digit number with another module's slug"),
    ]
    made_up = [
        Case(
            (7 * i + 5) % len(_MADE_UP_SLUGS),
            slug,
            label="a number from 0 to 26 with a made-up slug",
        )
        for i, slug in enumerate(_MADE_UP_SLUGS)
    ]
    return own + made_up


def _share_cases() -> list[Case]:
    return [
        Case(["correct", "incorrect", "correct", "not_attempted"]),
        Case(["correct", "correct", "correct"]),
    ]


def _share_hidden() -> list[Case]:
    return [
        Case([], label="an empty list"),
        Case(["not_attempted", "not_attempted"], label='a list without any "correct"'),
        Case(
            ["incorrect", "checker_error", "correct"],
            label="a list of three different statuses",
        ),
        Case(["correct"], label="a list of one status"),
        Case(
            ["incorrect", "correct", "not_attempted", "correct", "checker_error"]
            + ["incorrect"] * 2,
            label="a list of seven statuses",
        ),
        Case(
            ["correct"] * 37 + ["incorrect"] * 41 + ["checker_error"] * 3 + ["not_attempted"] * 19,
            label="a list of 100 statuses",
        ),
        Case(
            (["correct"] * 5 + ["not_attempted"] * 4) * 7 + ["correct", "incorrect"],
            label="a list of 65 statuses",
        ),
    ]


_PYTHON_SECTION = "the section *Just enough Python* of curriculum/00_start_here.ipynb"
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
            # Rounding to 7 decimals or fewer is a mistake the key recognises; an answer that
            # agrees to about 9 significant digits (np.mean, statistics.mean) is right.
            rtol=1e-9,
            points=1,
            hints=[
                "The average (mean) is the total divided by how many values there are.",
                "`sum(study_minutes)` gives the total and `len(study_minutes)` the number of days.",
                "Divide with `/`, not `//`: `//` rounds down to a whole number. "
                "The day with 0 minutes is a real day and counts. Do not round the result.",
            ],
        ),
        Function(
            "00.2",
            name="experiment_name",
            cases=_name_cases,
            hidden=_name_hidden,
            title="Name an MLflow experiment",
            points=1,
            hints=[
                f'An f-string puts values into text: `f"mlcourse/{{slug}}"`. See {_PYTHON_SECTION}.',
                "The format spec `:03d` after a colon writes a whole number at least 3 characters "
                "wide, padded with zeros: `f\"{5:03d}\"` is `'005'`. Module numbers are 2 wide.",
                "Return `mlcourse/`, the number padded to two digits, an underscore, then the "
                'slug, all in one f-string: `f"mlcourse/{number:02d}_..."`.',
            ],
        ),
        Function(
            "00.3",
            name="share_correct",
            cases=_share_cases,
            hidden=_share_hidden,
            title="Share of exercises solved",
            rtol=1e-9,
            points=2,
            hints=[
                'Count the statuses that are exactly `"correct"`, then divide by how many '
                "statuses there are.",
                '`statuses.count("correct")` counts the exact matches; `len(statuses)` is '
                "how many there are.",
                "An empty list has no exercises to divide by: start the body with "
                "`if not statuses:` and `return 0.0` there, before dividing.",
            ],
        ),
        Choice(
            "00.kc1",
            var="kc1",
            choices="abcd",
            title="Where you work",
            hints=[
                "Lessons are read, answers are written; see the section *How the course works*.",
                "Your answers must survive a course update: you work in your own copies of the "
                "exercises notebooks, which nothing overwrites.",
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
                "*Select all that apply*: give every letter you think is right in one string, "
                'e.g. `"ab"`; how many are right is part of the question.',
                "Feedback helps you fix the answer without giving it away.",
            ],
        ),
        Choice(
            "00.kc7",
            var="kc7",
            choices="abcd",
            title="A hidden case fails",
            hints=[
                f"See *Function exercises and hidden cases* in {_OUTCOMES_SECTION}.",
                "The message names the kind of input and what your function did with it; "
                "the input itself stays hidden, so fix the function for every input of that kind.",
            ],
        ),
        Choice(
            "00.kc8",
            var="kc8",
            choices="abcd",
            title="How close is close",
            hints=[
                f"See *How close is close?* in {_TRACKING_SECTION}.",
                "Divide the distance from 3.5 by the standard error, then compare with 2.",
            ],
        ),
    ),
)
