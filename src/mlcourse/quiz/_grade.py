"""Grading one answer to one question, whatever its kind."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

from ._bank import LETTERS, Question
from ._code import TIME_LIMIT, grade_code

MAX_NUMBER_LENGTH = 40
"""Characters a typed number may have (longer is not an answer: it could take long to read)."""


@dataclass(frozen=True)
class Result:
    """The verdict on an answer.

    Attributes
    ----------
    right : bool
        Whether the answer is right.
    message : str
        What was wrong (never the expected answer), or a confirmation.
    explanation : str
        The question's explanation, to read after answering.
    """

    right: bool
    message: str
    explanation: str


def parse_answer(question: Question, text: object) -> object:
    """Read a typed answer as the question's kind expects it.

    Parameters
    ----------
    question : Question
        The question.
    text : object
        A letter (choice), a number or a string such as ``"0.75"`` or ``"3/4"`` (numeric), the
        source of a function (code).

    Returns
    -------
    str or float
        The letter in lower case, the number as a float, or the source.

    Raises
    ------
    ValueError
        With a message saying what kind of answer is expected.
    """
    if question.kind == "choice":
        letter = str(text).strip().lower().strip("().").strip()
        if letter not in LETTERS:
            raise ValueError("answer with one letter: a, b, c or d")
        return letter
    if question.kind == "numeric":
        value = _number(text)
        if not math.isfinite(value):
            raise ValueError("answer with a finite number")
        return value
    if not isinstance(text, str):
        raise ValueError(f"answer with the source of a function named {question.function}")
    return text


def _number(text: object) -> float:
    """A float from a number or a text such as ``"0.75"``, ``"3/4"`` or ``"3 / 4"``."""
    wrong_form = ValueError("answer with a number, such as 0.75 or 3/4")
    if isinstance(text, bool):
        raise wrong_form
    try:
        if isinstance(text, numbers.Real):
            return float(text)
        text = str(text).strip()
        if len(text) > MAX_NUMBER_LENGTH:
            raise wrong_form
        if "/" in text:
            top, bottom = text.split("/", 1)
            return float(top) / float(bottom)
        return float(text)
    except OverflowError:  # an integer or a fraction too large for a float
        raise ValueError("answer with a finite number") from None
    except (ValueError, ZeroDivisionError):
        raise wrong_form from None


def grade_answer(question: Question, answer: object, *, timeout: float = TIME_LIMIT) -> Result:
    """Grade one answer.

    Parameters
    ----------
    question : Question
        From :func:`load_bank`.
    answer : object
        A letter for a choice question, a number (or its text) for a numeric one, the source
        of the function for a code one.
    timeout : float
        Seconds a code answer may take for all its cases.

    Returns
    -------
    Result
        An answer of the wrong form (not a letter, not a number) is not right, and its message
        says what form is expected.

    Raises
    ------
    RuntimeError
        When a code question's reference fails (a bug in the bank, not in the answer).

    Examples
    --------
    >>> from mlcourse.quiz import Question
    >>> q = Question("m07-q01", "07", "easy", "numeric", "precision", "30 of 40?", "30/40.",
    ...              answer=0.75, tolerance=0.005)
    >>> grade_answer(q, "3/4").right
    True
    """
    try:
        value = parse_answer(question, answer)
    except ValueError as error:
        return Result(False, str(error), question.explanation)
    if question.kind == "choice":
        right = value == question.answer
        return Result(
            right, "right" if right else f"({value}) is not the right option", question.explanation
        )
    if question.kind == "numeric":
        distance = abs(value - float(question.answer))
        right = distance <= question.tolerance + 1e-9 * max(1.0, abs(float(question.answer)))
        if right:
            return Result(True, "right", question.explanation)
        return Result(
            False,
            f"{value:g} is not within {question.tolerance:g} of the answer",
            question.explanation,
        )
    right, message = grade_code(question, value, timeout=timeout)
    return Result(right, message, question.explanation)
