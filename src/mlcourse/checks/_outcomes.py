"""The four outcomes of a check, and how they render in a notebook and as text."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

CORRECT = "correct"
INCORRECT = "incorrect"
NOT_ATTEMPTED = "not_attempted"
CHECKER_ERROR = "checker_error"

STATUSES = (CORRECT, INCORRECT, NOT_ATTEMPTED, CHECKER_ERROR)

_LABELS = {
    CORRECT: ("✅", "Correct"),
    INCORRECT: ("❌", "Incorrect"),
    NOT_ATTEMPTED: ("✏️", "Not attempted yet"),
    CHECKER_ERROR: ("⚠️", "Checker error"),
}


@dataclass(frozen=True)
class Outcome:
    """The verdict of one check on one problem.

    Parameters
    ----------
    status : str
        One of ``"correct"``, ``"incorrect"``, ``"not_attempted"``, ``"checker_error"``.
    problem : str
        The problem id, e.g. ``"01.3"``.
    message : str
        Feedback for the learner. Never contains the expected value.
    points : float
        Points earned.
    max_points : float
        Points available.
    details : dict
        Machine-readable extras (e.g. counts of hidden cases passed).
    """

    status: str
    problem: str
    message: str = ""
    points: float = 0.0
    max_points: float = 0.0
    details: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown outcome status {self.status!r}; expected one of {STATUSES}")

    @property
    def correct(self) -> bool:
        """Whether the answer was accepted."""
        return self.status == CORRECT

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dictionary of this outcome."""
        return {
            "problem": self.problem,
            "status": self.status,
            "message": self.message,
            "points": self.points,
            "max_points": self.max_points,
            "details": dict(self.details),
        }

    def _header(self) -> str:
        icon, label = _LABELS[self.status]
        if self.details.get("key_unavailable"):
            icon, label = "⏳", "Judged when graded"
        score = f"{_fmt_points(self.points)}/{_fmt_points(self.max_points)} pt"
        return f"{icon} {label} — {self.problem} ({score})"

    def __str__(self) -> str:
        text = self._header()
        return f"{text}\n{self.message}" if self.message else text

    def __repr__(self) -> str:
        return str(self)

    def _repr_markdown_(self) -> str:
        text = f"**{html.escape(self._header())}**"
        if self.message:
            text += "\n\n" + html.escape(self.message).replace("\n", "  \n")
        return text


def _fmt_points(value: float) -> str:
    return f"{value:g}"


def correct(problem: str, max_points: float, message: str = "", **details: Any) -> Outcome:
    """Build a Correct outcome worth ``max_points``."""
    return Outcome(CORRECT, problem, message, max_points, max_points, details)


def incorrect(
    problem: str, max_points: float, message: str, points: float = 0.0, **details: Any
) -> Outcome:
    """Build an Incorrect outcome (optionally with partial points)."""
    return Outcome(INCORRECT, problem, message, points, max_points, details)


def not_attempted(problem: str, max_points: float, message: str) -> Outcome:
    """Build a NotAttempted outcome."""
    return Outcome(NOT_ATTEMPTED, problem, message, 0.0, max_points)


def checker_error(problem: str, max_points: float, error: BaseException | str) -> Outcome:
    """Build a CheckerError outcome: a bug in the checker, never blamed on the learner."""
    reason = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    message = (
        "The checker itself failed, so this is not a verdict on your answer. "
        f"Please report it to the course maintainers. ({reason})"
    )
    return Outcome(CHECKER_ERROR, problem, message, 0.0, max_points)


def judged_when_graded(problem: str, max_points: float, reason: str) -> Outcome:
    """The outcome of a check whose answer key is not installed here (a graded class).

    Its status stays ``checker_error`` (no verdict, no points), but it is marked
    ``key_unavailable`` and says what it is: nothing is wrong, the answer is judged when the
    notebook is graded.
    """
    message = (
        f"This answer is not judged in this notebook: {reason}. Your answer is judged when "
        "it is graded; nothing here is a verdict on it."
    )
    return Outcome(CHECKER_ERROR, problem, message, 0.0, max_points, {"key_unavailable": True})
