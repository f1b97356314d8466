"""Answer key of module 01 — Python essentials."""

from __future__ import annotations

import math
import statistics
from typing import Any

from mlcourse.checks import (
    Fail,
    Mistake,
    at,
    compare,
    malformed,
    require_dict,
    require_float,
    require_int,
    require_list,
    require_str,
)
from mlcourse.exercises.m01 import (
    _ALCOHOL,
    _CHECKPOINTS,
    _MALIC_ACID,
    _STRONG,
    _alcohol,
    _column,
    _header_row,
    _labels,
    _measurements,
    _target_names,
)

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


# --------------------------------------------------------------------------------------
# Exercise 2 (a table of two lists) and exercise 10 (a class), judged by hand.
# --------------------------------------------------------------------------------------


def _judge_table(values: dict[str, Any]) -> None:
    """Reject ``measurements``/``labels`` unless they match the file exactly."""
    values = require_dict(values, "values", ("measurements", "labels"))
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


_NEW_COUNTS = ("empty_count", "other_count", "fresh_count")
_EMPTY_CALLS = ("empty_mean", "empty_std")
_STEP_RESULTS = ("count", "mean", "std")


def _require_result(value: Any, path: str) -> dict[str, Any]:
    """One collected result: ``{"value": float}``, ``{"type": str}`` or an error."""
    require_dict(value, path)
    if "value" in value:
        require_dict(value, path, ("value",))
        require_float(value["value"], at(path, "value"))
    elif "error" in value:
        require_dict(value, path, ("error", "error_types"))
        require_str(value["error"], at(path, "error"))
        require_list(value["error_types"], at(path, "error_types"), item=require_str)
    else:
        require_dict(value, path, ("type",))
        require_str(value["type"], at(path, "type"))
    return value


def _checkpoints() -> list[int]:
    """How many values have been added at each step the key expects, in order."""
    n_values = len(_alcohol())
    return [n_values if stop is None else stop for stop in _CHECKPOINTS]


def _require_running_stats(data: Any) -> list[dict[str, Any]]:
    """Check the structure of exercise 10's data; return its steps, one per checkpoint."""
    require_dict(data, "data", (*_NEW_COUNTS, *_EMPTY_CALLS, "steps"))
    for key in (*_NEW_COUNTS, *_EMPTY_CALLS):
        _require_result(data[key], at("data", key))
    checkpoints = _checkpoints()
    path = at("data", "steps")
    steps = require_list(data["steps"], path, length=len(checkpoints), per="checkpoint")
    for index, (step, n) in enumerate(zip(steps, checkpoints, strict=True)):
        where = f"{path}[{index}]"
        require_dict(step, where, ("n", *_STEP_RESULTS))
        if require_int(step["n"], at(where, "n")) != n:
            raise malformed(at(where, "n"), "is not the checkpoint collected at this position")
        for key in _STEP_RESULTS:
            _require_result(step[key], at(where, key))
    return steps


def _judge_running_stats(data: dict[str, Any]) -> None:
    """Reject the learner's RunningStats unless it behaves as specified.

    The key's own checkpoints decide what is judged: the data must hold one step for each of
    them, in order, so that no checkpoint can be left out or replaced.
    """
    steps = _require_running_stats(data)
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
    for step, n in zip(steps, _checkpoints(), strict=True):
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


KEY = {
    "01.1": {
        "expected": _expected_header,
        "mistakes": [
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
    },
    "01.2": {"judge": _judge_table},
    "01.3": {
        "expected": _expected_class_counts,
        "mistakes": [
            Mistake(
                _counts_by_label,
                "Your keys are the numeric labels; the task asks for the class names. "
                "Translate each label with `header['target_names'][label]`.",
            )
        ],
    },
    "01.4": {
        "expected": _expected_strong_wines,
        "mistakes": [
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
    },
    "01.5": {"reference": _mean},
    "01.6": {
        "expected": lambda: _class_means(_ALCOHOL),
        "mistakes": [
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
    },
    "01.7": {"reference": _min_max_scale},
    "01.8": {"reference": _to_float},
    "01.9": {"reference": _batches},
    "01.10": {"judge": _judge_running_stats},
    "01.kc1": {
        "answer": "b",
        "explanation": (
            "0.1 and 0.2 have no exact binary representation; their sum is "
            "0.30000000000000004. Compare floats with math.isclose."
        ),
    },
    "01.kc2": {
        "expected": _floor_division,
        "mistakes": [
            Mistake(
                lambda: int(-7 / 2),
                "That rounds toward zero. `//` rounds down, toward minus infinity.",
            ),
            Mistake(lambda: -7 / 2, "That is true division `/`; `//` gives a whole number."),
        ],
    },
    "01.kc3": {
        "answer": "b",
        "explanation": (
            "The default list is created once, when `def` runs, and every call "
            "without `seen` appends to that same list. Default to None instead."
        ),
    },
    "01.kc4": {
        "answer": "b",
        "explanation": (
            "Python does not enforce annotations when it runs the code; "
            "`'ab' * 2` is 'abab'. Static checkers such as mypy would flag the call."
        ),
    },
    "01.kc5": {
        "answer": "ab",
        "explanation": (
            "The file is closed when the block ends, normally or by an exception. "
            "Nothing is read until you ask, and you need not call close()."
        ),
    },
    "01.kc6": {
        "expected": _aliasing_length,
        "mistakes": [
            Mistake(
                lambda: _aliasing_length() - 1,
                "`b = a` does not copy: `b` is a second name for the same list.",
            ),
            Mistake(
                lambda: _aliasing_length() + 1,
                "`a.copy()` is a new list: appending to `c` does not change `a`.",
            ),
        ],
    },
    "01.kc7": {
        "answer": "ac",
        "explanation": (
            "Keys must be hashable: strings, numbers and tuples of them are; lists "
            "and dicts are mutable and are not."
        ),
    },
}
