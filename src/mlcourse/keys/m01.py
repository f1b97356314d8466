"""Answer key of module 01 — Python essentials."""

from __future__ import annotations

import copy
import csv
import math
import statistics
from collections.abc import Callable
from pathlib import Path
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
    _CONSTANT_SAMPLE,
    _MALIC_ACID,
    _OTHER_SAMPLE,
    _STRONG,
    RESULTS_HEADER,
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
    return [i for i, value in enumerate(_alcohol()) if value >= _STRONG]


def _strong_wines_strictly_above() -> list[int]:
    return [i for i, value in enumerate(_alcohol()) if value > _STRONG]


def _strong_wines_one_based() -> list[int]:
    return [i + 1 for i in _expected_strong_wines()]


def _strong_wines_values() -> list[float]:
    return [value for value in _alcohol() if value >= _STRONG]


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


def _append_results(results: list[tuple[str, float]], path: Path) -> list[str]:
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists()
    with open(path, "a", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        if new:
            writer.writerow(RESULTS_HEADER)
        writer.writerows(results)
    return path.read_text(encoding="utf-8").splitlines()


def _parse_export(lines: list[str]) -> dict[str, list[float]]:
    result: dict[str, list[float]] = {}
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, value = line.split(";")
        result.setdefault(name.strip().lower(), []).append(float(value))
    return result


# --------------------------------------------------------------------------------------
# Known wrong implementations of the function exercises (called like the reference).
# --------------------------------------------------------------------------------------


class _AgreesWithReference(Exception):
    """Raised by a known mistake on an input where it gives the right result."""


def _only_where_wrong(wrong: Callable[..., Any], reference: Callable[..., Any]) -> Callable:
    """``wrong``, made to match only the cases on which it really differs from ``reference``.

    A Function problem gives a mistake's message when the learner's results on every failing
    case equal the mistake's. A learner whose results are right but who changed the input in
    place fails on cases where a mistake such as "returns 0.0 for an empty list" gives the
    right result too, and would get that mistake's message. Raising on the cases where the
    mistake agrees with the reference makes it match nothing there.
    """

    def mistake(*args: Any, **kwargs: Any) -> Any:
        try:
            right, right_error = reference(*copy.deepcopy(args), **copy.deepcopy(kwargs)), None
        except Exception as error:  # noqa: BLE001 - the reference raises where it should
            right, right_error = None, type(error)
        try:
            value = wrong(*args, **kwargs)
        except Exception as error:
            if type(error) is right_error:  # the mistake raises as the reference does
                raise _AgreesWithReference from None
            raise
        if right_error is not None:  # the mistake returns where the reference raises
            return value
        if compare(right, value, "result") is None:
            raise _AgreesWithReference
        return value

    mistake.wrong = wrong  # the plain wrong implementation, for tests
    return mistake


def _mean_floor(values: list[float]) -> float:
    if not values:
        raise ValueError("empty")
    return sum(values) // len(values)


def _mean_zero_when_empty(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _scale_by_max(values: list[float]) -> list[float]:
    if not values:
        return []
    high = max(values)
    return [v / high if high else 0.0 for v in values]


def _to_float_catch_all(text: Any) -> float | None:
    try:
        return float(text)
    except Exception:  # noqa: BLE001 - the mistake this key recognises
        return None


def _to_float_nan(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return math.nan


def _batches_full_only(items: list, size: int) -> list[list]:
    if size < 1:
        raise ValueError("size must be at least 1")
    return [items[i : i + size] for i in range(0, len(items) - size + 1, size)]


def _parse_export_skipping_bad_lines(lines: list[str]) -> dict[str, list[float]]:
    result: dict[str, list[float]] = {}
    for line in lines:
        try:
            name, value = line.strip().split(";")
            number = float(value)
        except ValueError:
            continue
        result.setdefault(name.strip().lower(), []).append(number)
    return result


def _parse_export_case_kept(lines: list[str]) -> dict[str, list[float]]:
    result: dict[str, list[float]] = {}
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, value = line.split(";")
        result.setdefault(name.strip(), []).append(float(value))
    return result


def _results_overwritten(results: list[tuple[str, float]], path: Path) -> list[str]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(RESULTS_HEADER)
        writer.writerows(results)
    return path.read_text(encoding="utf-8").splitlines()


def _results_header_every_time(results: list[tuple[str, float]], path: Path) -> list[str]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(RESULTS_HEADER)
        writer.writerows(results)
    return path.read_text(encoding="utf-8").splitlines()


def _results_joined_by_hand(results: list[tuple[str, float]], path: Path) -> list[str]:
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists()
    with open(path, "a", encoding="utf-8") as f:
        if new:
            f.write(",".join(RESULTS_HEADER) + "\n")
        for run, accuracy in results:
            f.write(f"{run},{accuracy}\n")
    return path.read_text(encoding="utf-8").splitlines()


def _results_no_folder(results: list[tuple[str, float]], path: Path) -> list[str]:
    if not path.parent.exists():
        raise FileNotFoundError(path)
    return _append_results(results, path)


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


_SAMPLES = ("other_sample", "constant_sample")


def _require_running_stats(data: Any) -> list[dict[str, Any]]:
    """Check the structure of exercise 10's data; return its steps, one per checkpoint."""
    require_dict(data, "data", (*_NEW_COUNTS, *_EMPTY_CALLS, "steps", *_SAMPLES))
    for key in (*_NEW_COUNTS, *_EMPTY_CALLS):
        _require_result(data[key], at("data", key))
    for sample in _SAMPLES:
        summary = require_dict(data[sample], at("data", sample), _STEP_RESULTS)
        for key in _STEP_RESULTS:
            _require_result(summary[key], at(at("data", sample), key))
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


def _judge_other_samples(data: dict[str, Any]) -> None:
    """The statistics of the two other samples must be those of the values added to each."""
    means = [data[key]["mean"] for key in _SAMPLES]
    wants = [statistics.fmean(_OTHER_SAMPLE), statistics.fmean(_CONSTANT_SAMPLE)]
    if all(
        "value" in got and not math.isclose(got["value"], want, rel_tol=1e-6)
        for got, want in zip(means, wants, strict=True)
    ):
        raise Fail(
            "Two RunningStats objects fed values in turns both give a wrong `mean()`: do they "
            "share their values? Create the storage in `__init__` with `self.`; a list "
            "written in the class body is one list for every instance."
        )
    sample = list(_OTHER_SAMPLE)
    n = len(sample)
    result = data["other_sample"]
    _expect_number(result["count"], n, f"`count` after adding {n} other values")
    _expect_number(result["mean"], statistics.fmean(sample), f"`mean()` of {n} other values")
    _expect_number(result["std"], statistics.pstdev(sample), f"`std()` of {n} other values")
    constant = list(_CONSTANT_SAMPLE)
    n = len(constant)
    result = data["constant_sample"]
    _expect_number(result["count"], n, f"`count` after adding {n} equal values")
    _expect_number(result["mean"], statistics.fmean(constant), f"`mean()` of {n} equal values")
    std = result["std"]
    if "value" not in std or not math.isclose(std["value"], 0.0, abs_tol=1e-9):
        raise Fail(
            f"`std()` of {n} equal values should be 0, but it {_describe_result(std)}. "
            "Computed as the mean of the squares minus the square of the mean, the two terms "
            "are nearly equal and rounding leaves a small remainder, sometimes negative (and "
            "a negative number ** 0.5 is complex). Average the squared distances from the "
            "mean instead, as the task describes."
        )


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
    _judge_other_samples(data)


# --------------------------------------------------------------------------------------
# Knowledge check: numeric answers computed by running the code in the question.
# --------------------------------------------------------------------------------------


def _floor_division() -> int:
    return -7 // 2


def _while_continue_total() -> int:
    total = 0
    n = 0
    while n < 7:
        n += 1
        if n % 2 == 0:
            continue
        total += n
    return total


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
            Mistake(
                _strong_wines_strictly_above,
                "Wines whose alcohol is exactly the threshold are missing: 'at least' includes "
                "the threshold itself, and `>` leaves it out.",
            ),
        ],
    },
    "01.5": {
        "reference": _mean,
        "mistakes": [
            Mistake(
                _only_where_wrong(_mean_floor, _mean),
                "`//` is floor division: it throws away the fractional part of the mean. "
                "Divide with `/`.",
            ),
            Mistake(
                _only_where_wrong(_mean_zero_when_empty, _mean),
                "The mean of no values is undefined, so don't return a number for an empty "
                "list: raise ValueError with a message instead.",
            ),
        ],
    },
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
    "01.7": {
        "reference": _min_max_scale,
        "mistakes": [
            Mistake(
                _only_where_wrong(_scale_by_max, _min_max_scale),
                "Dividing by the largest value is not enough: subtract the smallest value "
                "first, and divide by the range `high - low`, so that the smallest becomes 0.0.",
            )
        ],
    },
    "01.8": {
        "reference": _to_float,
        "mistakes": [
            Mistake(
                _only_where_wrong(_to_float_catch_all, _to_float),
                "`to_float` returned None where `float` failed with an error other than "
                "ValueError. Only the ValueError of text that `float` cannot read means 'not a "
                "number'; any other error (None or a list passed in, text that cannot even be "
                "read) is a bug elsewhere and must reach the caller as it is. Catch only "
                "ValueError, and don't test or convert the input's type first.",
            ),
            Mistake(
                _only_where_wrong(_to_float_nan, _to_float),
                "Return None for text that is not a number, not NaN: None is what the task "
                "asks for, and it cannot be mistaken for a float in a later calculation.",
            ),
        ],
    },
    "01.9": {
        "reference": _batches,
        "mistakes": [
            Mistake(
                _only_where_wrong(_batches_full_only, _batches),
                "The last, shorter batch is missing: keep whatever is left at the end as a "
                "final batch.",
            )
        ],
    },
    "01.10": {"judge": _judge_running_stats},
    "01.11": {
        "reference": _parse_export,
        "mistakes": [
            Mistake(
                _only_where_wrong(_parse_export_skipping_bad_lines, _parse_export),
                "`parse_export` skipped a line it could not read. Only blank lines and "
                "comments are skipped: a malformed line means the file is broken, so let the "
                "ValueError reach the caller instead of hiding it.",
            ),
            Mistake(
                _only_where_wrong(_parse_export_case_kept, _parse_export),
                "The same class appears under several names: lower-case each name (after "
                "stripping it), so that `Class_1` and `class_1` are one key.",
            ),
        ],
    },
    "01.12": {
        "reference": _append_results,
        "mistakes": [
            Mistake(
                _results_overwritten,
                'The rows that were already in the file are gone: mode "w" empties a file '
                'before writing. Open it in mode "a", which adds at the end.',
            ),
            Mistake(
                _results_header_every_time,
                "The header row is written again into a file that already has one: write it "
                'only when the file does not exist yet, and ask before opening it (mode "a" '
                "creates the file).",
            ),
            Mistake(
                _results_joined_by_hand,
                "A run name that holds a comma or a quote was written as it is, so its row no "
                "longer reads back as two fields: let `csv.writer` write the rows; it quotes "
                "such names for you.",
            ),
            Mistake(
                _results_no_folder,
                "The folder that should hold the file does not exist yet, and `open` does not "
                "create folders: create it, with any missing parents, before opening the file.",
            ),
        ],
    },
    "01.kc1": {
        "answer": "b",
        "explanation": (
            "0.1 and 0.2 have no exact binary representation; their sum is "
            "0.30000000000000004. Compare floats with math.isclose."
        ),
        "feedback": {
            "a": "0.1, 0.2 and 0.3 are each stored as the nearest binary fraction, and adding "
            "the first two does not land on exactly the fraction stored for 0.3: `==` compares "
            "the stored values exactly.",
            "c": "Comparing two floats with `==` never raises an error: it is an ordinary "
            "comparison and always returns a bool.",
            "d": "Python's floats are IEEE 754 double-precision numbers on every platform in "
            "practical use, so this comparison gives the same result on every operating system.",
        },
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
        "answer": "d",
        "explanation": (
            "The default list is created once, when `def` runs, and every call "
            "without `seen` appends to that same list. Default to None instead."
        ),
        "feedback": {
            "a": "`seen.append(label)` runs before `seen` is returned, so the list returned by "
            "a call always holds at least that call's label: it cannot be empty.",
            "b": "A fresh `[]` is not made at each call: a default value is evaluated once, "
            "when `def` runs, and is shared by every call that leaves `seen` out.",
            "c": "Calling `remember` with one argument is valid, since `seen` has a default, "
            "and appending a string to a list never raises TypeError.",
        },
    },
    "01.kc4": {
        "answer": "a",
        "explanation": (
            "Python does not enforce annotations when it runs the code; "
            "`'ab' * 2` is 'abab'. Static checkers such as mypy would flag the call."
        ),
        "feedback": {
            "b": "Python does not check annotations when it runs the code: `x: int` is a hint "
            "for readers and for static checkers such as mypy, not a test made at each call.",
            "c": "The function has a `return` statement, so it returns whatever `x * 2` gives; "
            "only a function that ends without returning a value gives `None`.",
            "d": "Annotations never stop `def`: they are stored in `double.__annotations__` and "
            "the function is defined as usual, whatever types they name.",
        },
    },
    "01.kc5": {
        "answer": "bd",
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
    "01.kc8": {
        "answer": "c",
        "explanation": (
            "The last line names the exception and its message; the frame just above it is "
            "where it was raised (float, inside parse_row); the frames above that are the "
            "calls that led there, outermost first. The bad value is in the data."
        ),
        "feedback": {
            "a": "The first frame is the outermost call, where the script started: line 14 only "
            "passed the data along. The exception was raised in the last frame, just above the "
            "error message.",
            "b": "Line 9 appends one parsed row to a list, which is perfectly legal; the "
            "exception is a ValueError raised further down, in `float`, not an error of "
            "`append`.",
            "d": "`float` works as documented: it raises ValueError for any string that does "
            "not spell a number. Where an exception is raised is not always where the fault "
            "lies.",
        },
    },
    "01.kc9": {
        "expected": _while_continue_total,
        "mistakes": [
            Mistake(
                lambda: sum(range(1, 8)),
                "That adds every n: `continue` skips the rest of the body, so the even values "
                "of n are never added.",
            ),
            Mistake(
                lambda: sum(n for n in range(1, 8) if n % 2 == 0),
                "Those are the even values of n: `continue` skips them, and the odd ones are "
                "added.",
            ),
            Mistake(
                lambda: sum(n for n in range(1, 7) if n % 2),
                "Check the last pass: `n < 7` is tested before `n` is increased, so what is "
                "`n` when it is added on the last pass?",
            ),
        ],
    },
    "01.kc10": {
        "answer": "d",
        "explanation": (
            "Mode 'w' (what write_text uses) empties the file before writing, so 'a' is gone; "
            "mode 'a' adds at the end, so 'c' follows 'b'."
        ),
        "feedback": {
            "a": "`write_text` opens the file in mode 'w', which empties it before writing: the "
            "second call does not add to what the first one wrote.",
            "b": "Mode 'a' appends: it writes at the end of the file and keeps what is already "
            "in it.",
            "c": "Each `write_text` call replaces the whole content of the file, so the second "
            "one does not keep the line written by the first.",
        },
    },
}
