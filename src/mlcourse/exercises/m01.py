"""Module 01 — Python essentials: the declaration of the exercises and the quiz.

The exercises work on scikit-learn's bundled wine data; the key is in mlcourse.keys.m01.
"""

from __future__ import annotations

import atexit
import csv
import shutil
import tempfile
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from mlcourse.checks import (
    Case,
    Choice,
    Custom,
    Fail,
    Function,
    Numeric,
    Value,
    exception_names,
)
from mlcourse.exercises import Module

# --------------------------------------------------------------------------------------
# Data: sklearn/datasets/data/wine_data.csv, read exactly as the learner is asked to.
# Its first row is scikit-learn's header "n_samples,n_features,class names..."; every
# following row holds 13 measurements and an integer class label in the last column.
# --------------------------------------------------------------------------------------

_ALCOHOL = 0  # column index of alcohol (% vol)
_MALIC_ACID = 1  # column index of malic acid (g/l)
_STRONG = 14.1  # the alcohol threshold of exercise 4 (stated in the prompt); two wines have it


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
# Inputs of the function exercises: visible and hidden cases.
# --------------------------------------------------------------------------------------


def _mean_cases() -> list[Case]:
    return [
        Case([1, 2, 3, 4]),
        Case(_alcohol()[:10], call="mean([row[0] for row in measurements[:10]])"),
        Case([], raises=ValueError),
    ]


def _mean_hidden() -> list[Case]:
    return [
        Case([7.5], label="a single value"),
        Case([-3, 3], label="values that cancel out"),
        Case([1, 2], label="two ints whose mean is not a whole number"),
        Case(_alcohol(), label="the whole alcohol column"),
    ]


def _scale_cases() -> list[Case]:
    return [
        Case([2, 4, 6]),
        Case(_alcohol()[:8], call="min_max_scale([row[0] for row in measurements[:8]])"),
    ]


def _scale_hidden() -> list[Case]:
    return [
        Case([], label="an empty list"),
        Case([5.0], label="a single value"),
        Case([3, 3, 3], label="a list whose values are all equal"),
        Case([-1, 0, 1, 3], label="negative values"),
        Case([4.0, 1.0, 3.0, 2.0], label="values out of order"),
        Case(_column(_MALIC_ACID), label="the whole malic-acid column"),
    ]


class BrokenText(str):
    """Text whose conversion fails with an error that is not ValueError (exercise 8).

    ``float(BrokenText("1.5"))`` raises RuntimeError, as text handed over by a broken source
    might. That is not text that ``float`` cannot read, so ``to_float`` must let the error
    reach the caller: an ``except Exception:`` behind an ``isinstance(text, str)`` guard does
    not. ``strip`` and its cousins return the text itself, so an answer that strips before
    converting still meets the error. Built in the learner's kernel from this declaration.
    """

    def __float__(self) -> float:
        raise RuntimeError("the text could not be read from its source")

    def strip(self, chars: str | None = None) -> BrokenText:
        return self

    def lstrip(self, chars: str | None = None) -> BrokenText:
        return self

    def rstrip(self, chars: str | None = None) -> BrokenText:
        return self


class _MeanFunction(Function):
    """Exercise 5's Function: the ValueError raised for an empty list must carry a message.

    The prompt asks for a message that tells the caller what was wrong with their input; the
    collected error reads ``"ValueError: '<message>'"``, so an empty message is visible here.
    """

    def _case_problem(self, case: Case, result: dict[str, Any]) -> str | None:
        problem = super()._case_problem(case, result)
        if problem is None and case.raises is not None and _without_message(result):
            return (
                f"`{case.call_text(self.name)}` raised ValueError, but without a message: "
                "write in the parentheses of ValueError(...) a sentence saying what was wrong."
            )
        return problem


def _without_message(result: dict[str, Any]) -> bool:
    """Whether a collected exception (``"Type: 'message'"``) has an empty message."""
    _, _, message = str(result.get("error", "")).partition(": ")
    return not message.strip("'\" ")


def _to_float_hidden() -> list[Case]:
    return [
        Case("-2", label="a negative whole number"),
        Case("+1.5", label="a number with a plus sign"),
        Case("1e3", label="a number in scientific notation"),
        Case("1E-3", label="scientific notation with a capital E and a negative exponent"),
        Case("inf", label="infinity written as a word, which float accepts"),
        Case("7", label="a whole number"),
        Case("-.5", label="a number with no digit before the point"),
        Case("1_000", label="digits grouped with an underscore, which float accepts"),
        Case("1,5", label="a decimal comma"),
        Case("   ", label="only spaces"),
        Case("abc", label="a word"),
        Case(None, raises=Exception, label="None instead of text (its error must not be caught)"),
        Case(
            ["2.5"], raises=Exception, label="a list instead of text (its error must not be caught)"
        ),
        Case(
            BrokenText("1.5"),
            raises=RuntimeError,
            label="text whose conversion fails with an error other than ValueError "
            "(that error must not be caught)",
        ),
    ]


#: The visible cases of exercise 11: the prompt's example, and one with more mess.
_EXPORT_EXAMPLE = ["# checked", "Class_0; 14.2", "", "class_0;13.8", "class_1 ; 12.4"]
_EXPORT_MESSY = ["  CLASS_2 ; 13.71  ", "\t# re-measured", "class_2;-0.5e1", "class_1; 12.0 "]


def _call_text(name: str, *args: Any) -> str:
    """A visible call written out in full (a case's own repr would be cut short)."""
    return f"{name}({', '.join(repr(a) for a in args)})"


def _export_cases() -> list[Case]:
    return [
        Case(_EXPORT_EXAMPLE, call=_call_text("parse_export", _EXPORT_EXAMPLE)),
        Case(_EXPORT_MESSY, call=_call_text("parse_export", _EXPORT_MESSY)),
    ]


def _export_lines() -> list[str]:
    """Every wine's alcohol as an export line, with names in mixed case and spacing."""
    names = _target_names()
    lines = []
    for i, (value, label) in enumerate(zip(_alcohol(), _labels(), strict=True)):
        name = names[label].upper() if i % 3 == 0 else names[label]
        lines.append(f" {name} ;{value} " if i % 2 else f"{name};{value}")
        if i % 25 == 0:
            lines.extend(["", f"# batch {i // 25}"])
    return lines


def _export_hidden() -> list[Case]:
    return [
        Case([], label="an empty list of lines"),
        Case(["", "   ", "# only a comment", "\t"], label="only blank lines and comments"),
        Case(["   # an indented comment", "a;1"], label="a comment indented with spaces"),
        Case(["Class_0;1", " CLASS_0 ; 2", "class_0;3"], label="one class written three ways"),
        Case(["Pinot Noir ; 13.1", "pinot noir;12.9"], label="a name with a space inside it"),
        Case(["x;-2", "x;1e3", "y;.5"], label="negative and scientific-notation numbers"),
        Case(["b;1", "a;2", "b;3"], label="classes that alternate"),
        Case(["no#1;3"], label="a # inside a name, which is not a comment"),
        Case(_export_lines(), label="a long export of every wine"),
        Case(["a;1", "a 2"], raises=ValueError, label="a line with no separator"),
        Case(["a;1;2"], raises=ValueError, label="a line with one separator too many"),
        Case(["a;1", "b;n/a"], raises=ValueError, label="a value that is not a number"),
        Case(["a;"], raises=ValueError, label="a line with an empty value"),
    ]


# --------------------------------------------------------------------------------------
# Exercise 12 (appending to a CSV file): every call gets a file of its own, in a fresh folder.
# --------------------------------------------------------------------------------------

RESULTS_HEADER = ("run", "accuracy")  # the header row of exercise 12's file (in the prompt)
_FIRST_RUNS = [("baseline", 0.62), ("tree, depth 3", 0.91)]  # the notebook's `first_runs`
_MORE_RUNS = [("forest", 0.93)]  # the notebook's `more_runs`
_SCRATCH: list[Path] = []


def _scratch_root() -> Path:
    """One temporary folder per process for exercise 12's files, removed when it exits."""
    if not _SCRATCH:
        root = Path(tempfile.mkdtemp(prefix="mlcourse-01-results-"))
        atexit.register(shutil.rmtree, root, True)
        _SCRATCH.append(root)
    return _SCRATCH[0]


class FreshCsv:
    """The CSV file of one case of exercise 12, made anew, in its starting state, per call.

    A case cannot give one file to the learner's function and then to the reference: each
    appends to it. A Function check calls with a deep copy of the case's arguments, so copying
    this object is what makes the file: a new folder (holding ``folders`` that do not exist
    yet, if any), ``results.csv`` in it holding ``rows`` when they are given, and an ordinary
    ``pathlib.Path`` to that file handed to the call.
    """

    def __init__(
        self, rows: list[tuple[Any, ...]] | None = None, folders: tuple[str, ...] = ()
    ) -> None:
        if rows is not None and folders:
            raise ValueError("a file in folders that do not exist cannot hold rows")
        self.rows = rows
        self.folders = folders

    def __deepcopy__(self, memo: dict) -> Path:
        folder = Path(tempfile.mkdtemp(dir=_scratch_root()))
        path = folder.joinpath(*self.folders, "results.csv")
        if self.rows is not None:
            with open(path, "w", newline="", encoding="utf-8") as f:
                csv.writer(f).writerows(self.rows)
        return path

    def __repr__(self) -> str:
        state = "absent" if self.rows is None else f"{len(self.rows)} rows"
        return f"FreshCsv({state})"


def _results_cases() -> list[Case]:
    return [
        Case(
            _FIRST_RUNS,
            FreshCsv(),
            call='append_results(first_runs, RESULTS_DIR / "results.csv")  # a new file',
        ),
        Case(
            _MORE_RUNS,
            FreshCsv([RESULTS_HEADER, *_FIRST_RUNS]),
            call='append_results(more_runs, RESULTS_DIR / "results.csv")  # the file exists',
        ),
    ]


def _results_hidden() -> list[Case]:
    earlier = [RESULTS_HEADER, ("logistic", 0.87), ("knn, k=5", 0.84)]
    many = [(f"seed {seed}", round(0.8 + seed / 1000, 3)) for seed in range(30)]
    return [
        Case(
            [("svm", 0.9)],
            FreshCsv(folders=("runs", "wine")),
            label="a file in folders that do not exist yet",
        ),
        Case([], FreshCsv(), label="no results, and no file yet"),
        Case([], FreshCsv(earlier), label="no results, for a file that exists"),
        Case(
            [("svm", 0.9), ("svm", 0.9)],
            FreshCsv(earlier),
            label="the same run twice, added to a file that exists",
        ),
        Case(
            [('the "best" model', 0.99), ("a, b", 0.5)],
            FreshCsv(earlier),
            label="run names holding quotes and commas, added to a file that exists",
        ),
        Case(many, FreshCsv(), label="many results for a new file"),
    ]


# --------------------------------------------------------------------------------------
# Exercise 10 (a class): what the learner's class does, collected as plain data.
# --------------------------------------------------------------------------------------


_CHECKPOINTS = (1, 2, 10, None)  # None: every value of the sample
#: Two more samples, fed to two fresh objects in turns, one value to each alternately. A class
#: that computes its statistics from the alcohol column it was expected to see, rather than
#: from what was added, fails on the first; a class whose objects share one list (written in
#: the class body, even if ``__init__`` empties it) fails on both.
_OTHER_SAMPLE = (3, -1, 4, -1, 5, -9, 2.5)
#: Ten equal values: their standard deviation is 0. Computed as the square root of (the mean
#: of the squares minus the squared mean), it is not: the two terms are nearly equal, and the
#: rounding left over is about 1e-13 for this value, so the "std" comes out near 3e-7.
_CONSTANT_SAMPLE = (13.82,) * 10


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
        return {"error": type(error).__name__, "error_types": exception_names(error)}
    return _plain(value)


def _summary(stats: Any) -> dict[str, Any]:
    """The count, mean and std of one RunningStats object, as plain data."""
    return {
        "count": _attempt(lambda: stats.count),
        "mean": _attempt(stats.mean),
        "std": _attempt(stats.std),
    }


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
    second, third = cls(), cls()
    for index in range(max(len(_OTHER_SAMPLE), len(_CONSTANT_SAMPLE))):
        if index < len(_OTHER_SAMPLE):
            second.add(_OTHER_SAMPLE[index])
        if index < len(_CONSTANT_SAMPLE):
            third.add(_CONSTANT_SAMPLE[index])
    data["other_sample"] = _summary(second)
    data["constant_sample"] = _summary(third)
    return data


MODULE = Module(
    "01",
    "python_essentials",
    "Python essentials",
    problems=(
        Value(
            "01.1",
            var="header",
            title="Read the header row",
            points=1,
            check_dtype=True,
            hints=[
                "Section 3 of the lesson reads the first row of `iris.csv`, which has the same "
                "layout: do the same with `WINE_PATH`, and look at the row before you build "
                "the dict.",
                "Everything read from a CSV is a string: the two counts need `int(...)`, and "
                "the class names are everything after the first two fields, a slice.",
                "`with open(WINE_PATH, newline='') as f: first_row = next(csv.reader(f))`, "
                "then `int(first_row[0])`, `int(first_row[1])` and `first_row[2:]`.",
            ],
        ),
        Custom(
            "01.2",
            reads=("measurements", "labels"),
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
            title="Count the wines of each class",
            points=1,
            check_dtype=True,
            hints=[
                "Start from a dict with every class name mapped to 0, then loop over `labels`.",
                "A label is a position in `header['target_names']`: "
                "`header['target_names'][label]` is that wine's class name.",
                "Inside the loop: `class_counts[name] += 1`.",
            ],
        ),
        Value(
            "01.4",
            var="strong_wines",
            title="Find the strong wines",
            points=1,
            check_dtype=True,
            hints=[
                "`enumerate(measurements)` gives `(position, row)` pairs.",
                "Alcohol is the first column, `row[0]`; keep the position when it is at least "
                "14.1. 'At least' includes 14.1 itself: which comparison operator says that?",
                "`[i for i, row in enumerate(measurements) if row[0] >= 14.1]`",
            ],
        ),
        _MeanFunction(
            "01.5",
            name="mean",
            cases=_mean_cases,
            hidden=_mean_hidden,
            title="A mean function that refuses empty input",
            points=2,
            rtol=1e-9,
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
            title="Mean alcohol per class",
            points=1,
            rtol=1e-9,
            hints=[
                "A dict comprehension over `enumerate(header['target_names'])` gives you each "
                "label `k` with its name.",
                "For one class, the alcohol values are "
                "`[row[0] for row, label in zip(measurements, labels) if label == k]`.",
                "Pass that list to your `mean` from Exercise 5.",
            ],
        ),
        Function(
            "01.7",
            name="min_max_scale",
            cases=_scale_cases,
            hidden=_scale_hidden,
            title="Min-max scaling with edge cases",
            points=2,
            hints=[
                "Each value becomes `(v - low) / (high - low)` where `low` and `high` are the "
                "smallest and largest values.",
                "Two edge cases: `min([])` raises ValueError, so return `[]` for an empty list "
                "first; and when every value is the same, `high - low` is 0.",
                "When `high == low`, return a list of `0.0`, one per value. Build the result "
                "with a list comprehension rather than by assigning into `values`: the "
                "caller's list must come back unchanged.",
            ],
        ),
        Function(
            "01.8",
            name="to_float",
            cases=[Case("14.23"), Case(" 3.5 "), Case(""), Case("n/a")],
            hidden=_to_float_hidden,
            title="Parse a number, or None (EAFP)",
            points=2,
            hints=[
                "Don't try to predict which strings are numbers: let `float` decide.",
                "Put `return float(text)` inside `try:` and catch the one exception `float` "
                "raises for text that is not a number. `to_float(None)` must still fail: "
                "`float(None)` raises a different exception, and that one is a bug in the "
                "caller, not bad data.",
                "`except ValueError: return None`. Not a bare `except:`, and not "
                "`except Exception:`: both would also swallow the TypeError of `to_float(None)`.",
            ],
        ),
        Function(
            "01.9",
            name="batches",
            cases=[Case(list(range(7)), 3), Case(["a", "b", "c", "d"], 2)],
            hidden=[
                Case([], 3, label="an empty list"),
                Case([1, 2], 5, label="a size larger than the list"),
                Case([1, 2, 3], 1, label="a size of 1"),
                Case(list(range(12)), 4, label="a length that the size divides exactly"),
                Case([1, 2, 3], 0, raises=ValueError, label="a size of 0"),
                Case([], 0, raises=ValueError, label="an empty list with a size of 0"),
                Case([1, 2, 3], -2, raises=ValueError, label="a negative size"),
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
        Function(
            "01.11",
            name="parse_export",
            cases=_export_cases,
            hidden=_export_hidden,
            title="Parse a messy text export",
            points=2,
            hints=[
                "Loop over `lines`. Strip each line first; then `continue` past a line that is "
                "empty or starts with `#`.",
                '`name, value = line.split(";")` splits at the separator and unpacks in one '
                "step; it raises ValueError by itself when there are not exactly two parts. "
                "Then `name.strip().lower()` and `float(value)`.",
                "Start with `result = {}`; for each line, "
                "`result.setdefault(name, []).append(float(value))`. Don't catch the "
                "ValueError: a malformed line should stop the parse.",
            ],
        ),
        Function(
            "01.12",
            name="append_results",
            cases=_results_cases,
            hidden=_results_hidden,
            title="Append results to a CSV file",
            points=2,
            hints=[
                "Section 6 of the lesson writes a CSV file with `csv.writer` and appends to a "
                'log with mode `"a"`: this function does both at once.',
                'Opening a file in mode `"a"` creates it when it is missing, so ask '
                "`path.exists()` before you open it. Create the folder first with "
                "`path.parent.mkdir(parents=True, exist_ok=True)`.",
                "`new = not path.exists()`, then "
                '`with open(path, "a", newline="", encoding="utf-8") as f:`, '
                '`writer = csv.writer(f)`, `if new: writer.writerow(["run", "accuracy"])`, '
                "`writer.writerows(results)`; after the block, "
                '`return path.read_text(encoding="utf-8").splitlines()`.',
            ],
        ),
        Choice(
            "01.kc1",
            var="kc1",
            choices="abcd",
            title="Floating-point equality",
            hints=["The lesson's section on numbers shows what `0.1 + 0.2` displays."],
        ),
        Numeric(
            "01.kc2",
            var="kc2",
            title="Floor division",
            hints=[
                "`//` is floor division: it rounds down to a whole number, and for a negative "
                "result 'down' means away from zero."
            ],
        ),
        Choice(
            "01.kc3",
            var="kc3",
            choices="abcd",
            title="Mutable default arguments",
            hints=["When is the default value `[]` created: at each call, or once?"],
        ),
        Choice(
            "01.kc4",
            var="kc4",
            choices="abcd",
            title="Type hints at run time",
            hints=[
                "Does Python check annotations when it calls a function? "
                "What does `*` do to a string?"
            ],
        ),
        Choice(
            "01.kc5",
            var="kc5",
            choices="abcd",
            title="What `with open(...)` guarantees",
            hints=[
                "More than one statement is true. Think about what a context manager does "
                "when its block ends, whichever way it ends."
            ],
        ),
        Numeric(
            "01.kc6",
            var="kc6",
            title="Aliasing and copying",
            hints=["Which of `b` and `c` is the same list as `a`, and which is a new one?"],
        ),
        Choice(
            "01.kc7",
            var="kc7",
            choices="abcd",
            title="What can be a dict key",
            hints=[
                "Two are right. A dict key must be hashable, which in practice means immutable "
                "all the way down: a tuple that holds a list is not hashable either."
            ],
        ),
        Choice(
            "01.kc8",
            var="kc8",
            choices="abcd",
            title="Reading a traceback",
            hints=[
                "Read a traceback from the bottom up: the last line names the exception, and "
                "the frame just above it is where it was raised."
            ],
        ),
        Numeric(
            "01.kc9",
            var="kc9",
            title="`while` and `continue`",
            hints=[
                "Write down `n` and `total` after every pass of the loop. `continue` jumps "
                "straight back to the `while` test, skipping the rest of the body."
            ],
        ),
        Choice(
            "01.kc10",
            var="kc10",
            choices="abcd",
            title="Writing and appending to a file",
            hints=[
                '`write_text` opens the file in mode `"w"`. What does `"w"` do to what '
                'was already in the file, and what does `"a"` do?'
            ],
        ),
    ),
)
