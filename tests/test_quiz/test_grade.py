"""Grading every kind of answer; code answers run in their own process, within a time limit."""

from __future__ import annotations

import time

import pytest

from mlcourse.quiz import Question, Result, grade_answer, load_bank
from mlcourse.quiz._code import mismatch

from .helpers import FIXTURE_BANK

BANK = {q.id: q for q in load_bank(FIXTURE_BANK)}
CHOICE, NUMERIC, CODE = BANK["m07-q01"], BANK["m07-q02"], BANK["m07-q03"]
RIGHT = "def precision(tp, fp):\n    return tp / (tp + fp) if tp + fp else 0.0\n"


def _code_question(reference: str, cases: list, function: str = "f", tolerance: float = 1e-9):
    return Question(
        "m07-q09", "07", "hard", "code", "t", "p", "why", function=function, starter="",
        reference=reference, cases=tuple(cases), tolerance=tolerance,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("answer", "right"), [("a", True), ("A", True), ("(a)", True), ("b", False)]
)
def test_choice(answer, right):
    result = grade_answer(CHOICE, answer)
    assert isinstance(result, Result)
    assert result.right is right
    assert result.explanation == CHOICE.explanation


def test_a_choice_that_is_not_a_letter_says_what_to_type():
    result = grade_answer(CHOICE, "TP/(TP+FP)")
    assert not result.right and "a, b, c or d" in result.message


@pytest.mark.parametrize(
    ("answer", "right"),
    [
        (0.75, True),
        ("0.75", True),
        ("3/4", True),
        (" 3 / 4 ", True),
        ("0.7505", True),  # exactly at the tolerance (half a unit of the 3rd place)
        ("0.7495", True),
        ("0.7506", False),  # just beyond it
        ("0.7494", False),
        ("0.8", False),
        ("75", False),
    ],
)
def test_numeric_with_its_tolerance(answer, right):
    assert grade_answer(NUMERIC, answer).right is right


@pytest.mark.parametrize("answer", ["three quarters", "", "1/0", "3/4/5", True])
def test_a_numeric_answer_that_is_not_a_number_is_not_right(answer):
    result = grade_answer(NUMERIC, answer)
    assert not result.right and result.message == "answer with a number, such as 0.75 or 3/4"


@pytest.mark.parametrize("answer", ["nan", "inf", float("inf"), "1e999", "-1e999/1"])
def test_a_numeric_answer_that_is_not_finite_is_not_right(answer):
    result = grade_answer(NUMERIC, answer)
    assert not result.right and result.message == "answer with a finite number"


def test_a_wrong_number_does_not_reveal_the_answer():
    message = grade_answer(NUMERIC, "0.6").message
    assert "0.75" not in message and "0.6" in message


def test_right_code_passes_every_case():
    result = grade_answer(CODE, RIGHT)
    assert result.right and result.message == "all 3 cases pass"


def test_a_different_but_right_implementation_passes():
    other = "def precision(tp, fp):\n    total = tp + fp\n    if total == 0:\n        return 0\n    return tp * 1.0 / total\n"
    assert grade_answer(CODE, other).right


def test_wrong_code_names_the_case_and_never_the_expected_value():
    result = grade_answer(CODE, "def precision(tp, fp):\n    return tp / (tp + fp + 1)\n")
    assert not result.right
    assert "precision(30, 10) returned 0.731" in result.message
    assert "0.75" not in result.message


def test_code_that_raises_names_the_exception_and_the_case():
    result = grade_answer(CODE, "def precision(tp, fp):\n    return tp / (tp + fp)\n")
    assert not result.right
    assert result.message == "precision(0, 0) raised ZeroDivisionError: division by zero"


def test_a_syntax_error_is_a_clear_message():
    result = grade_answer(CODE, "def precision(tp, fp)\n    return 1\n")
    assert not result.right and result.message.startswith("your code has a syntax error on line 1")


def test_a_missing_function_is_a_clear_message():
    result = grade_answer(CODE, "def prec(tp, fp):\n    return 1\n")
    assert not result.right
    assert result.message == "your code does not define a function named precision"


def test_code_failing_while_being_defined_is_a_clear_message():
    result = grade_answer(CODE, "import no_such_module_here\n" + RIGHT)
    assert not result.right and "ModuleNotFoundError" in result.message
    assert "while being defined" in result.message


def test_an_empty_answer_is_not_right():
    assert grade_answer(CODE, "  \n").message == "no code was given"


def test_code_that_loops_forever_is_killed_within_the_limit():
    start = time.monotonic()
    result = grade_answer(
        CODE, "def precision(tp, fp):\n    while True:\n        pass\n", timeout=1.0
    )
    elapsed = time.monotonic() - start
    assert not result.right
    assert "precision(30, 10) did not finish within 1 s" in result.message
    assert elapsed < 4.0  # the limit plus process start-up and clean-up, on a loaded machine


def test_a_child_process_started_by_the_code_is_killed_too(tmp_path):
    marker = tmp_path / "alive"
    source = (
        "import subprocess, sys\n"
        "def precision(tp, fp):\n"
        "    code = 'import time, pathlib\\ntime.sleep(2)\\npathlib.Path(%r).write_text(\"x\")' % "
        f"{str(marker)!r}\n"
        "    subprocess.Popen([sys.executable, '-c', code])\n"
        "    while True:\n"
        "        pass\n"
    )
    result = grade_answer(CODE, source, timeout=1.0)
    assert not result.right and "did not finish" in result.message
    time.sleep(2.5)
    assert not marker.exists()


def test_code_that_prints_a_lot_is_graded_and_its_output_dropped(capfd):
    noisy = "def precision(tp, fp):\n    print('x' * 10_000_000)\n    return tp / (tp + fp) if tp + fp else 0.0\n"
    start = time.monotonic()
    assert grade_answer(CODE, noisy).right
    assert time.monotonic() - start < 4.0
    out, err = capfd.readouterr()
    assert len(out) + len(err) < 1000


def test_code_that_ends_its_process_is_reported():
    result = grade_answer(CODE, "import os\ndef precision(tp, fp):\n    os._exit(3)\n")
    assert not result.right and "stopped during precision(30, 10)" in result.message


def test_a_function_that_mutates_its_argument_fails():
    question = _code_question(
        "def f(values):\n    return sorted(values)[len(values) // 2]\n", [[[3, 1, 2]], [[5]]]
    )
    assert grade_answer(question, question.reference).right
    mutating = "def f(values):\n    values.sort()\n    return values[len(values) // 2]\n"
    result = grade_answer(question, mutating)
    assert not result.right and "changed its argument(s) in place" in result.message


def test_numpy_arrays_tuples_and_lists_compare_alike_within_tolerance():
    question = _code_question(
        "def f(xs):\n    return [x / 3 for x in xs]\n", [[[1, 2, 3]], [[]]], tolerance=1e-6
    )
    as_array = "import numpy as np\ndef f(xs):\n    return np.asarray(xs, dtype=float) / 3\n"
    assert grade_answer(question, as_array).right
    as_tuple = "def f(xs):\n    return tuple(round(x / 3, 7) for x in xs)\n"
    assert grade_answer(question, as_tuple).right
    too_rough = "def f(xs):\n    return [round(x / 3, 3) for x in xs]\n"
    result = grade_answer(question, too_rough)
    assert not result.right and "item [0]: not within 1e-06" in result.message


def test_a_value_that_cannot_be_compared_is_reported():
    question = _code_question("def f(x):\n    return x\n", [[1]])
    result = grade_answer(question, "def f(x):\n    return object()\n")
    assert (
        not result.right
        and "returned a value of type object, which the quiz cannot compare" in result.message
    )


def test_a_broken_reference_is_the_bank_s_error_not_the_learner_s():
    question = _code_question("def f(x):\n    return 1 / x\n", [[0]])
    with pytest.raises(RuntimeError, match="the reference fails on f\\(0\\)"):
        grade_answer(question, "def f(x):\n    return 0\n")


@pytest.mark.parametrize(
    ("expected", "got", "fragment"),
    [
        (1.0, 1.0 + 1e-7, "not within"),
        (True, 1, "expected True or False"),
        (1, True, "expected a number"),
        ("a", "b", "not the expected text"),
        ([1, 2], [1, 2, 3], "expected 2 items, got 3"),
        ([[1], [2]], [[1], [3]], "item [1][0]"),
        ({"a": 1}, {"b": 1}, "1 missing, 1 unexpected"),
        ({"<set>": [1, 2]}, [1, 2], "expected a set"),
        (float("nan"), 1.0, "not the expected number"),
        (None, 0, "expected None"),
    ],
)
def test_mismatch_explains_in_kind_only(expected, got, fragment):
    problem = mismatch(expected, got, 1e-9)
    assert problem and fragment in problem


@pytest.mark.parametrize(
    ("expected", "got"),
    [
        (float("nan"), float("nan")),
        (float("inf"), float("inf")),
        (3, 3.0),
        ([], []),
        ({"a": [1.0]}, {"a": [1]}),
    ],
)
def test_mismatch_accepts_equal_values(expected, got):
    assert mismatch(expected, got, 1e-9) is None
