"""Module 01 — Python essentials: exercises on scikit-learn's bundled wine data, and a quiz."""

from __future__ import annotations

import csv
import math
import statistics
from functools import lru_cache
from importlib import resources
from typing import Any

from mlcourse.checks import (
    Case,
    Choice,
    Custom,
    Fail,
    Function,
    Mistake,
    Numeric,
    Value,
    compare,
)
from mlcourse.exercises import Module

# --------------------------------------------------------------------------------------
# Data: sklearn/datasets/data/wine_data.csv, read exactly as the learner is asked to.
# Its first row is scikit-learn's header "n_samples,n_features,class names..."; every
# following row holds 13 measurements and an integer class label in the last column.
# --------------------------------------------------------------------------------------

_ALCOHOL = 0  # column index of alcohol (% vol)
_MALIC_ACID = 1  # column index of malic acid (g/l), for a plausible wrong-column mistake
_STRONG = 14.0  # the alcohol threshold of exercise 4 (stated in the prompt)


@lru_cache(maxsize=1)
def _wine_rows() -> tuple[tuple[str, ...], ...]:
    """All rows of the bundled wine CSV as text, header first (cached, immutable)."""
    text = (resources.files("sklearn.datasets") / "data" / "wine_data.csv").read_text()
    return tuple(tuple(row) for row in csv.reader(text.splitlines()))


def _header_row() -> list[str]:
    """The first row of the file: two counts, then the class names."""
    return list(_wine_rows()[0])


def _target_names() -> list[str]:
    """The class names from the header."""
    return _header_row()[2:]


def _measurements() -> list[list[float]]:
    """One list of floats per wine (every column but the last), in file order."""
    n_features = int(_header_row()[1])
    return [[float(v) for v in row[:n_features]] for row in _wine_rows()[1:]]


def _labels() -> list[int]:
    """The integer class label of every wine (the last column), in file order."""
    return [int(row[-1]) for row in _wine_rows()[1:]]


def _column(index: int) -> list[float]:
    """One measurement column as a list of floats."""
    return [row[index] for row in _measurements()]


def _alcohol() -> list[float]:
    """The alcohol column."""
    return _column(_ALCOHOL)


# --------------------------------------------------------------------------------------
# Expected values and plausible mistakes, all computed from the file.
# --------------------------------------------------------------------------------------


def _expected_header() -> dict[str, Any]:
    row = _header_row()
    return {"n_samples": int(row[0]), "n_features": int(row[1]), "target_names": row[2:]}


def _header_as_text() -> dict[str, Any]:
    row = _header_row()
    return {"n_samples": row[0], "n_features": row[1], "target_names": row[2:]}


def _header_whole_row() -> dict[str, Any]:
    return {**_expected_header(), "target_names": _header_row()}


def _counts_by_label() -> dict[int, int]:
    labels = _labels()
    return {k: labels.count(k) for k in range(len(_target_names()))}


def _expected_class_counts() -> dict[str, int]:
    counts = _counts_by_label()
    return {name: counts[k] for k, name in enumerate(_target_names())}


def _expected_strong_wines() -> list[int]:
    return [i for i, value in enumerate(_alcohol()) if value > _STRONG]


def _strong_wines_one_based() -> list[int]:
    return [i + 1 for i in _expected_strong_wines()]


def _strong_wines_values() -> list[float]:
    return [value for value in _alcohol() if value > _STRONG]


def _class_means(index: int) -> dict[str, float]:
    column, labels = _column(index), _labels()
    return {
        name: statistics.fmean(v for v, label in zip(column, labels, strict=True) if label == k)
        for k, name in enumerate(_target_names())
    }


def _class_means_by_label() -> dict[int, float]:
    return dict(enumerate(_class_means(_ALCOHOL).values()))


# --------------------------------------------------------------------------------------
# Reference functions (expected results of the function exercises).
# --------------------------------------------------------------------------------------


def _mean(values: list[float]) -> float:
    if not values:
        raise ValueError("mean() of an empty list")
    return sum(values) / len(values)


def _min_max_scale(values: list[float]) -> list[float]:
    if not values:
        return []
    low, high = min(values), max(values)
    if high == low:
        return [0.0 for _ in values]
    return [(v - low) / (high - low) for v in values]


def _to_float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _batches(items: list, size: int) -> list[list]:
    if size < 1:
        raise ValueError("size must be at least 1")
    return [items[i : i + size] for i in range(0, len(items), size)]


def _mean_cases() -> list[Case]:
    return [Case([1, 2, 3, 4]), Case(_alcohol()[:10])]


def _mean_hidden() -> list[Case]:
    return [
        Case([], raises=ValueError),
        Case([7.5]),
        Case([-3, 3]),
        Case([1, 2]),
        Case(_alcohol()),
    ]


def _scale_cases() -> list[Case]:
    return [Case([2, 4, 6]), Case(_alcohol()[:8])]


def _scale_hidden() -> list[Case]:
    return [
        Case([]),
        Case([5.0]),
        Case([3, 3, 3]),
        Case([-1, 0, 1, 3]),
        Case(_column(_MALIC_ACID)),
    ]


# --------------------------------------------------------------------------------------
# Exercise 2 (a table of two lists) and exercise 10 (a class), judged by hand.
# --------------------------------------------------------------------------------------


def _judge_table(values: dict[str, Any]) -> None:
    """Reject ``measurements``/``labels`` unless they match the file exactly."""
    measurements, labels = values["measurements"], values["labels"]
    want_rows = _measurements()
    if type(measurements) is list and len(measurements) == len(want_rows) - 1:
        raise Fail(
            "`measurements` is one row short: skip only the header row (one `next(reader)`), "
            "not the first row of data as well."
        )
    if type(measurements) is list and len(measurements) == len(want_rows) + 1:
        raise Fail("`measurements` has one row too many: the header row should not be in it.")
    problem = compare(want_rows, measurements, "measurements")
    if problem:
        raise Fail(problem)
    if type(labels) is list and any(type(v) is not int for v in labels):
        kinds = sorted({type(v).__name__ for v in labels if type(v) is not int})
        raise Fail(
            f"`labels` should hold ints (class numbers), but it holds {', '.join(kinds)} values: "
            "convert each label with int(...)."
        )
    problem = compare(_labels(), labels, "labels")
    if problem:
        raise Fail(problem)


_CHECKPOINTS = (1, 2, 10, None)  # None: every value of the sample


def _plain(value: Any) -> dict[str, Any]:
    """A learner's result as plain data: a float, or the name of its type."""
    if type(value) in (int, float):
        return {"value": float(value)}
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        item = value.item()
        if type(item) in (int, float):
            return {"value": float(item)}
    return {"type": type(value).__name__}


def _attempt(func: Any) -> dict[str, Any]:
    """Call ``func()`` and describe what happened, as plain data."""
    try:
        value = func()
    except Exception as error:
        names = [cls.__name__ for cls in type(error).__mro__]
        return {"error": type(error).__name__, "error_types": names}
    return _plain(value)


def _extract_running_stats(values: dict[str, Any]) -> dict[str, Any]:
    """Exercise the learner's RunningStats class (runs in the learner's process)."""
    cls = values["RunningStats"]
    if not isinstance(cls, type):
        raise Fail("`RunningStats` should be a class (defined with `class RunningStats:`).")
    sample = _alcohol()
    empty = cls()
    data: dict[str, Any] = {
        "empty_count": _attempt(lambda: empty.count),
        "empty_mean": _attempt(empty.mean),
        "empty_std": _attempt(empty.std),
        "steps": [],
    }
    other = cls()
    stats = cls()
    added = 0
    for stop in _CHECKPOINTS:
        stop = len(sample) if stop is None else stop
        while added < stop:
            stats.add(sample[added])
            added += 1
        data["steps"].append(
            {
                "n": stop,
                "count": _attempt(lambda: stats.count),
                "mean": _attempt(stats.mean),
                "std": _attempt(stats.std),
            }
        )
    data["other_count"] = _attempt(lambda: other.count)
    data["fresh_count"] = _attempt(lambda: cls().count)
    return data


def _describe_result(result: dict[str, Any]) -> str:
    if "error" in result:
        return f"raised {result['error']}"
    if "type" in result:
        return f"gave a {result['type']}"
    return f"gave {result['value']:.6g}"


def _expect_number(result: dict[str, Any], want: float, what: str) -> None:
    if "value" not in result:
        raise Fail(f"{what} should be a number, but it {_describe_result(result)}.")
    if not math.isclose(result["value"], want, rel_tol=1e-6, abs_tol=1e-9):
        raise Fail(f"{what} {_describe_result(result)}, which is not the expected value.")


def _judge_running_stats(data: dict[str, Any]) -> None:
    """Reject the learner's RunningStats unless it behaves as specified."""
    new_counts = [data["empty_count"], data["other_count"], data["fresh_count"]]
    for result in new_counts:
        if "value" not in result:
            raise Fail(
                "`count` of a new RunningStats should be a number, "
                f"but it {_describe_result(result)}."
            )
    if data["other_count"]["value"] != 0 or data["fresh_count"]["value"] != 0:
        raise Fail(
            "Two RunningStats objects share their data: adding values to one changed `count` "
            "of another. Create the storage in `__init__` with `self.`; a list written in the "
            "class body is shared by every instance."
        )
    _expect_number(data["empty_count"], 0.0, "`count` of a new RunningStats")
    for method in ("mean", "std"):
        result = data[f"empty_{method}"]
        if "ValueError" not in result.get("error_types", []):
            raise Fail(
                f"`{method}()` of a RunningStats with no values should raise ValueError, "
                f"but it {_describe_result(result)}."
            )
    sample = _alcohol()
    for step in data["steps"]:
        n = step["n"]
        seen = sample[:n]
        plural = "value" if n == 1 else "values"
        _expect_number(step["count"], n, f"`count` after adding {n} {plural}")
        _expect_number(step["mean"], statistics.fmean(seen), f"`mean()` after {n} {plural}")
        result = step["std"]
        if n > 1 and "value" in result and math.isclose(result["value"], statistics.stdev(seen)):
            raise Fail(
                "`std()` gives the *sample* standard deviation (dividing by n - 1); this task "
                "asks for the population standard deviation, dividing by n."
            )
        _expect_number(result, statistics.pstdev(seen), f"`std()` after {n} {plural}")


# --------------------------------------------------------------------------------------
# Knowledge check: numeric answers computed by running the code in the question.
# --------------------------------------------------------------------------------------


def _floor_division() -> int:
    return -7 // 2


def _aliasing_length() -> int:
    a = [1, 2, 3]
    b = a
    c = a.copy()
    b.append(4)
    c.append(5)
    return len(a)


MODULE = Module(
    "01",
    "python_essentials",
    "Python essentials",
    problems=(
        Value(
            "01.1",
            var="header",
            expected=_expected_header,
            title="Read the header row",
            points=1,
            hints=[
                "Open the file with `with open(WINE_PATH, newline='') as f:` and take one row "
                "with `next(csv.reader(f))`. Look at it before you build the dict.",
                "Everything read from a CSV is a string: the two counts need `int(...)`.",
                "The class names are everything after the first two fields: a slice `row[2:]`.",
            ],
            mistakes=[
                Mistake(
                    _header_as_text,
                    "The counts are still strings: convert them with int(...) so that you can "
                    "do arithmetic with them.",
                ),
                Mistake(
                    _header_whole_row,
                    "`target_names` holds the whole row: keep only the class names, which come "
                    "after the two counts.",
                ),
            ],
        ),
        Custom(
            "01.2",
            reads=("measurements", "labels"),
            judge=_judge_table,
            title="Load the measurements and labels",
            points=2,
            hints=[
                "Open the file again, call `next(reader)` once to skip the header row, then "
                "loop over the remaining rows.",
                "For each row, the features are `row[:n_features]` converted with `float`, and "
                "the label is `int(row[-1])`. Take `n_features` from `header`.",
                "Start with `measurements = []` and `labels = []`, and `append` to both inside "
                "the loop.",
            ],
        ),
        Value(
            "01.3",
            var="class_counts",
            expected=_expected_class_counts,
            title="Count the wines of each class",
            points=1,
            hints=[
                "Start from a dict with every class name mapped to 0, then loop over `labels`.",
                "A label is a position in `header['target_names']`: "
                "`header['target_names'][label]` is that wine's class name.",
                "Inside the loop: `class_counts[name] += 1`.",
            ],
            mistakes=[
                Mistake(
                    _counts_by_label,
                    "Your keys are the numeric labels; the task asks for the class names. "
                    "Translate each label with `header['target_names'][label]`.",
                )
            ],
        ),
        Value(
            "01.4",
            var="strong_wines",
            expected=_expected_strong_wines,
            title="Find the strong wines",
            points=1,
            hints=[
                "`enumerate(measurements)` gives `(position, row)` pairs.",
                "Alcohol is the first column, `row[0]`; keep the position when it is above 14.0.",
                "`[i for i, row in enumerate(measurements) if ...]`",
            ],
            mistakes=[
                Mistake(
                    _strong_wines_one_based,
                    "Every position is one too high: Python counts from 0, and `enumerate` "
                    "starts at 0 unless told otherwise.",
                ),
                Mistake(
                    _strong_wines_values,
                    "You collected the alcohol values; the task asks for the positions of the "
                    "wines in `measurements`.",
                ),
            ],
        ),
        Function(
            "01.5",
            name="mean",
            reference=_mean,
            cases=_mean_cases,
            hidden=_mean_hidden,
            title="A mean function that refuses empty input",
            points=2,
            hints=[
                "The mean is the sum divided by how many values there are: `sum` and `len`.",
                "Use `/`, not `//`: floor division throws away the fractional part.",
                "Before dividing, check `if not values:` and `raise ValueError(...)` with a "
                "message; dividing by zero would raise ZeroDivisionError instead.",
            ],
        ),
        Value(
            "01.6",
            var="alcohol_means",
            expected=lambda: _class_means(_ALCOHOL),
            title="Mean alcohol per class",
            points=1,
            hints=[
                "A dict comprehension over `enumerate(header['target_names'])` gives you each "
                "label `k` with its name.",
                "For one class, the alcohol values are "
                "`[row[0] for row, label in zip(measurements, labels) if label == k]`.",
                "Pass that list to your `mean` from Exercise 5.",
            ],
            mistakes=[
                Mistake(
                    _class_means_by_label,
                    "Your keys are the numeric labels; use the class names as keys.",
                ),
                Mistake(
                    lambda: _class_means(_MALIC_ACID),
                    "These are the means of column 1 (malic acid). Alcohol is column 0: Python "
                    "counts from 0.",
                ),
            ],
        ),
        Function(
            "01.7",
            name="min_max_scale",
            reference=_min_max_scale,
            cases=_scale_cases,
            hidden=_scale_hidden,
            title="Min-max scaling with edge cases",
            points=2,
            hints=[
                "Each value becomes `(v - low) / (high - low)` where `low` and `high` are the "
                "smallest and largest values.",
                "Two edge cases: `min([])` raises ValueError, so return `[]` for an empty list "
                "first; and when every value is the same, `high - low` is 0.",
                "When `high == low`, return a list of `0.0`, one per value.",
            ],
        ),
        Function(
            "01.8",
            name="to_float",
            reference=_to_float,
            cases=[Case("14.23"), Case(" 3.5 "), Case(""), Case("n/a")],
            hidden=[Case("-2"), Case("1e3"), Case("7"), Case("1,5"), Case("   "), Case("abc")],
            title="Parse a number, or None (EAFP)",
            points=2,
            hints=[
                "Don't try to predict which strings are numbers: let `float` decide.",
                "Put `return float(text)` inside `try:` and catch the error it raises for "
                "text that is not a number.",
                "`except ValueError: return None`. Catch only ValueError, not every exception.",
            ],
        ),
        Function(
            "01.9",
            name="batches",
            reference=_batches,
            cases=[Case(list(range(7)), 3), Case(["a", "b", "c", "d"], 2)],
            hidden=[
                Case([], 3),
                Case([1, 2], 5),
                Case([1, 2, 3], 1),
                Case([1, 2, 3], 0, raises=ValueError),
                Case([1, 2, 3], -2, raises=ValueError),
            ],
            title="Split a list into mini-batches",
            points=2,
            hints=[
                "`range(0, len(items), size)` gives the start of every batch.",
                "A slice `items[start : start + size]` stops at the end of the list by itself, "
                "so the last, shorter batch needs no special case.",
                "Check `size` first: `if size < 1: raise ValueError(...)`. A negative step "
                "would make `range` silently empty.",
            ],
        ),
        Custom(
            "01.10",
            reads=("RunningStats",),
            extract=_extract_running_stats,
            judge=_judge_running_stats,
            title="A running-statistics class",
            points=3,
            hints=[
                "Keep the numbers added so far in a list created in `__init__` as "
                "`self.values = []`, and set `self.count = 0` there too.",
                "`add` appends and increases `self.count`; `mean` and `std` first check "
                "`if self.count == 0: raise ValueError(...)`.",
                "Population standard deviation: the square root of the mean of "
                "`(v - m) ** 2`, where `m` is the mean; divide by `count`, not `count - 1`.",
            ],
        ),
        Choice(
            "01.kc1",
            var="kc1",
            choices="abcd",
            answer="b",
            title="Floating-point equality",
            hints=["The lesson's section on numbers shows what `0.1 + 0.2` displays."],
            explanation="0.1 and 0.2 have no exact binary representation; their sum is "
            "0.30000000000000004. Compare floats with math.isclose.",
        ),
        Numeric(
            "01.kc2",
            var="kc2",
            expected=_floor_division,
            title="Floor division",
            hints=[
                "`//` is floor division: it rounds down to a whole number, and for a negative "
                "result 'down' means away from zero."
            ],
            mistakes=[
                Mistake(
                    lambda: int(-7 / 2),
                    "That rounds toward zero. `//` rounds down, toward minus infinity.",
                ),
                Mistake(lambda: -7 / 2, "That is true division `/`; `//` gives a whole number."),
            ],
        ),
        Choice(
            "01.kc3",
            var="kc3",
            choices="abcd",
            answer="b",
            title="Mutable default arguments",
            hints=["When is the default value `[]` created: at each call, or once?"],
            explanation="The default list is created once, when `def` runs, and every call "
            "without `seen` appends to that same list. Default to None instead.",
        ),
        Choice(
            "01.kc4",
            var="kc4",
            choices="abcd",
            answer="b",
            title="Type hints at run time",
            hints=[
                "Does Python check annotations when it calls a function? "
                "What does `*` do to a string?"
            ],
            explanation="Python does not enforce annotations when it runs the code; "
            "`'ab' * 2` is 'abab'. Static checkers such as mypy would flag the call.",
        ),
        Choice(
            "01.kc5",
            var="kc5",
            choices="abcd",
            answer="ab",
            title="What `with open(...)` guarantees",
            hints=[
                "More than one statement is true. Think about what a context manager does "
                "when its block ends, whichever way it ends."
            ],
            explanation="The file is closed when the block ends, normally or by an exception. "
            "Nothing is read until you ask, and you need not call close().",
        ),
        Numeric(
            "01.kc6",
            var="kc6",
            expected=_aliasing_length,
            title="Aliasing and copying",
            hints=["Which of `b` and `c` is the same list as `a`, and which is a new one?"],
            mistakes=[
                Mistake(
                    lambda: _aliasing_length() - 1,
                    "`b = a` does not copy: `b` is a second name for the same list.",
                ),
                Mistake(
                    lambda: _aliasing_length() + 1,
                    "`a.copy()` is a new list: appending to `c` does not change `a`.",
                ),
            ],
        ),
        Choice(
            "01.kc7",
            var="kc7",
            choices="abcd",
            answer="ac",
            title="What can be a dict key",
            hints=[
                "Two are right. A dict key must be hashable, which in practice means immutable."
            ],
            explanation="Keys must be hashable: strings, numbers and tuples of them are; lists "
            "and dicts are mutable and are not.",
        ),
    ),
)
