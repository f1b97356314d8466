"""Module 01: attempts to pass the checks without doing the task, and right answers written
differently, beyond the self-tests in solutions/01_python_essentials.ipynb.

Each test names the attempt it encodes. The lesson is checked too: what the exercises and the
quiz ask must be taught there, and the lesson's own code must be right on its edge cases.
"""

from __future__ import annotations

import copy
import statistics
from pathlib import Path

import nbformat
import numpy as np
import pytest

from mlcourse.checks import Function
from mlcourse.exercises import get_module
from mlcourse.exercises.m01 import _alcohol

ROOT = Path(__file__).resolve().parents[2]
LESSON = ROOT / "curriculum" / "01_python_essentials.ipynb"
MODULE = get_module("01")
FUNCTIONS = [p for p in MODULE.problems if isinstance(p, Function)]


def problem(problem_id: str):
    return next(p for p in MODULE.problems if p.id == problem_id)


def outcome(problem_id: str, **values):
    return problem(problem_id).check(values)


# --------------------------------------------------------------------------------------
# Function problems: labels, mutation, known mistakes.
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("fn", FUNCTIONS, ids=lambda p: p.id)
def test_every_hidden_case_says_what_kind_of_input_it_is(fn):
    for hidden, case in fn.cases():
        if hidden:
            assert case.label, f"{fn.id}: a hidden case has no label"


def _mutating(reference):
    """The reference, but it also changes its first argument in place after computing."""

    def wrapper(*args, **kwargs):
        result = reference(*copy.deepcopy(args), **copy.deepcopy(kwargs))
        first = args[0]
        if first:
            first.append(first[0])
        else:
            first.append(0)
        return result

    return wrapper


@pytest.mark.parametrize(
    "fn", [p for p in FUNCTIONS if p.id != "01.8"], ids=lambda p: p.id
)  # 01.8 takes a str, which cannot be changed in place
def test_a_right_result_that_changes_the_input_is_rejected(fn):
    result = fn.check({fn.name: _mutating(fn.reference)})
    assert result.status == "incorrect", result
    assert "in place" in result.message


@pytest.mark.parametrize("fn", FUNCTIONS, ids=lambda p: p.id)
def test_every_known_mistake_is_wrong_and_gets_its_own_message(fn):
    for mistake in fn.mistakes:
        wrong = getattr(mistake.value, "wrong", mistake.value)  # the plain wrong function
        result = fn.check({fn.name: wrong})
        assert result.status == "incorrect", (fn.id, mistake.message)
        assert mistake.message in result.message, (fn.id, result.message)


# --------------------------------------------------------------------------------------
# 01.8: "try, then catch" the one exception float raises for unreadable text.
# --------------------------------------------------------------------------------------


def _catching(*exceptions):
    def to_float(text):
        try:
            return float(text)
        except exceptions:
            return None

    return to_float


def _bare(text):
    try:
        return float(text)
    except:  # noqa: E722 - the attempt under test
        return None


def _guarding_type(text):
    if not isinstance(text, str):
        return None
    try:
        return float(text)
    except ValueError:
        return None


@pytest.mark.parametrize(
    "attempt",
    [_bare, _catching(Exception), _catching(ValueError, TypeError), _guarding_type],
    ids=["bare except", "except Exception", "except (ValueError, TypeError)", "isinstance guard"],
)
def test_hiding_a_callers_bug_is_rejected(attempt):
    assert outcome("01.8", to_float=attempt).status == "incorrect"


def test_to_float_written_differently_is_accepted():
    def stripped_first(text):
        try:
            return float(text.strip())  # AttributeError for None: it still reaches the caller
        except ValueError:
            return None

    def with_else(text):
        try:
            number = float(text)
        except ValueError:
            return None
        else:
            return number

    for attempt in (stripped_first, with_else):
        assert outcome("01.8", to_float=attempt).correct


# --------------------------------------------------------------------------------------
# 01.10: a class must summarise what was added to it, not the column the check uses.
# --------------------------------------------------------------------------------------


class _Right:
    def __init__(self):
        self.values = []
        self.count = 0

    def add(self, value):
        self.values.append(value)
        self.count += 1

    def mean(self):
        if not self.count:
            raise ValueError("empty")
        return sum(self.values) / self.count

    def std(self):
        center = self.mean()
        return (sum((v - center) ** 2 for v in self.values) / self.count) ** 0.5


class _FromTheColumn(_Right):
    """Right counts, statistics read off the alcohol column whatever was added."""

    def mean(self):
        super().mean()
        return statistics.fmean(_alcohol()[: self.count])

    def std(self):
        super().mean()
        return statistics.pstdev(_alcohol()[: self.count])


class _FirstSampleOnly(_Right):
    """Right while fed the alcohol column; its std uses the absolute deviation otherwise."""

    def std(self):
        center = self.mean()
        if all(v > 0 for v in self.values):
            return super().std()
        return sum(abs(v - center) for v in self.values) / self.count


class _NumpyStats(_Right):
    """Right, written with NumPy: its results are NumPy scalars."""

    def mean(self):
        super().mean()
        return np.mean(self.values)

    def std(self):
        super().mean()
        return np.std(self.values)


@pytest.mark.parametrize("cls", [_FromTheColumn, _FirstSampleOnly], ids=lambda c: c.__name__)
def test_a_class_right_only_on_the_alcohol_column_is_rejected(cls):
    assert outcome("01.10", RunningStats=cls).status == "incorrect"


@pytest.mark.parametrize("cls", [_Right, _NumpyStats], ids=lambda c: c.__name__)
def test_running_stats_written_differently_is_accepted(cls):
    assert outcome("01.10", RunningStats=cls).correct


# --------------------------------------------------------------------------------------
# Right answers written differently (exercises 5, 7, 9, 11).
# --------------------------------------------------------------------------------------


def test_other_valid_implementations_are_accepted():
    def scale_numpy(values):
        if not values:
            return []
        a = np.asarray(values, dtype=float)
        spread = a.max() - a.min()
        return ((a - a.min()) / spread).tolist() if spread else [0.0] * len(values)

    def batches_while(items, size):
        if size < 1:
            raise ValueError("size")
        out, start = [], 0
        while start < len(items):
            out.append(items[start : start + size])
            start += size
        return out

    def parse_split_once(lines):
        out = {}
        for line in lines:
            line = line.strip()
            if line == "" or line.startswith("#"):
                continue
            name, value = line.split(";", 1)  # a second ";" makes float fail
            out.setdefault(name.strip().lower(), []).append(float(value))
        return out

    assert outcome("01.5", mean=statistics.fmean).correct
    assert outcome("01.7", min_max_scale=scale_numpy).correct
    assert outcome("01.9", batches=batches_while).correct
    assert outcome("01.11", parse_export=parse_split_once).correct


def test_batches_that_alias_the_input_are_still_fine():
    """Returning slices is right: a slice is a new list, so the caller's list is untouched."""

    def batches_alias(items, size):
        if size < 1:
            raise ValueError("size")
        if len(items) <= size:
            return [items[:]] if items else []
        return [items[i : i + size] for i in range(0, len(items), size)]

    assert outcome("01.9", batches=batches_alias).correct


# --------------------------------------------------------------------------------------
# The lesson teaches what is asked, and its own code is right on the edge cases.
# --------------------------------------------------------------------------------------


def _lesson() -> nbformat.NotebookNode:
    return nbformat.read(str(LESSON), as_version=4)


def test_the_lesson_teaches_what_the_exercises_and_quiz_ask():
    text = "\n".join(c.source for c in _lesson().cells)
    for taught in (
        "hashable",  # kc7
        "set(",
        "while ",  # kc9
        "continue",
        ".strip()",  # exercise 11
        ".split(",
        ".lower()",
        ".join(",
        "pathlib",  # kc10
        '"a"',
        "write_text",
        "traceback",  # kc8
        "bottom up",
        "population",  # exercise 10
    ):
        assert taught in text, f"the lesson never shows {taught!r}"


def test_the_lessons_standardizer_uses_the_population_std_and_survives_a_constant_column():
    source = next(c.source for c in _lesson().cells if c.source.startswith("class Standardizer"))
    namespace = {"mean": lambda values: sum(values) / len(values)}
    exec(compile(source, "lesson", "exec"), namespace)
    standardizer = namespace["Standardizer"]
    values = [1.0, 2.0, 4.0, 7.0]
    fitted = standardizer().fit(values)
    assert fitted.std_ == pytest.approx(statistics.pstdev(values))
    for flat in ([2.5, 2.5, 2.5], [0.1, 0.1, 0.1]):
        assert standardizer().fit(flat).transform(flat) == pytest.approx([0.0] * 3)
