"""What learners' notebooks and the classroom service say to each other, and its limits.

Everything a learner sends is hostile input: it is parsed into these models, which fix every
field's type, length and allowed values, and anything else is refused with 422 before it
reaches the store. A learner's code never travels: events carry the module, the problem, the
outcome and the class of a failing answer's exception (with at most a short message), nothing
more.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

#: Event kinds: a check's outcome, a hint or solution asked for, a cell that raised, the
#: digital sticky notes (a raised hand, done) and a hand lowered by its learner.
KINDS = ("check", "hint", "solution", "error", "hand", "lower", "done")
STATUSES = ("correct", "incorrect", "not_attempted", "checker_error")

MAX_EVENTS_PER_POST = 100
MAX_BODY_BYTES = 64 * 1024
MAX_ANSWER_BYTES = 4 * 1024 * 1024
MAX_MESSAGE = 200
MAX_ERROR_DETAIL = 80

PROBLEM_PATTERN = r"^\d{2}\.(?:kc)?\d{1,2}$"
MODULE_PATTERN = r"^\d{2}$"
SESSION_PATTERN = r"^[a-z0-9][a-z0-9-]{2,39}$"
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$"  # as mlcourse whoami --set
JOIN_KEY_PATTERN = r"^[A-Za-z0-9_-]{16,64}$"
EXCEPTION_PATTERN = r"^[A-Za-z_][A-Za-z0-9_.]{0,79}$"

ProblemId = Annotated[str, StringConstraints(pattern=PROBLEM_PATTERN)]
ModuleNumber = Annotated[str, StringConstraints(pattern=MODULE_PATTERN)]
SessionId = Annotated[str, StringConstraints(pattern=SESSION_PATTERN)]
LearnerName = Annotated[str, StringConstraints(pattern=NAME_PATTERN)]
EventId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9-]{8,64}$")]
JoinKey = Annotated[str, StringConstraints(pattern=JOIN_KEY_PATTERN)]
ExceptionName = Annotated[str, StringConstraints(pattern=EXCEPTION_PATTERN)]
Message = Annotated[str, StringConstraints(max_length=MAX_MESSAGE)]
ErrorDetail = Annotated[str, StringConstraints(max_length=MAX_ERROR_DETAIL)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Event(_Strict):
    """One thing a learner did, as the notebook sends it.

    ``id`` is made by the notebook (a UUID) so that a replayed event is stored once. ``time``
    is when it happened on the learner's machine (seconds since the epoch); the service keeps
    it only within the session's lifetime and never later than when it arrived.
    """

    id: EventId
    time: float = Field(ge=0, le=1e11, allow_inf_nan=False)
    kind: Literal["check", "hint", "solution", "error", "hand", "lower", "done"]
    module: ModuleNumber | None = None
    problem: ProblemId | None = None
    status: Literal["correct", "incorrect", "not_attempted", "checker_error"] | None = None
    points: float | None = Field(default=None, ge=0, le=1000, allow_inf_nan=False)
    error: ExceptionName | None = None
    detail: ErrorDetail | None = None
    message: Message | None = None


class EventBatch(_Strict):
    """What ``POST /api/s/{session}/events`` accepts."""

    events: list[Event] = Field(min_length=1, max_length=MAX_EVENTS_PER_POST)


class Join(_Strict):
    """What ``POST /api/s/{session}/join`` accepts.

    ``key`` is the session's join key, the ``key`` query parameter of the class URL that the
    instructor gives learners (``http://HOST:PORT/s/SESSION?key=KEY``); the projector board's
    address does not carry it. ``name`` is ignored behind a JupyterHub login.
    """

    name: LearnerName
    key: JoinKey


class Checkpoint(_Strict):
    """``POST /api/s/{session}/checkpoint``: the exercise the class is on now."""

    problem: ProblemId


class Reveal(_Strict):
    """``POST /api/s/{session}/reveal``: release a solution now, at a time, or at a pass rate.

    With neither ``at`` nor ``share`` the solution is released now. ``at`` is seconds since
    the epoch; ``share`` is the fraction of the class (learners who joined) that must have
    passed the problem. With both, whichever comes first releases it.
    """

    problem: ProblemId
    at: float | None = Field(default=None, ge=0, le=1e11, allow_inf_nan=False)
    share: float | None = Field(default=None, gt=0, le=1, allow_inf_nan=False)


class NewSession(_Strict):
    """``POST /api/sessions``: open a session on one module."""

    module: ModuleNumber
    title: Annotated[str, StringConstraints(max_length=120)] = ""
    id: SessionId | None = None
    server_checks: bool = False


class Claim(_Strict):
    """``POST /api/s/{session}/hands/{hand}/claim``: a helper takes a raised hand."""

    helper: Annotated[str, StringConstraints(min_length=1, max_length=64)]


def is_problem_id(text: str) -> bool:
    """Whether ``text`` has the shape of a problem id (``"03.2"``, ``"03.kc1"``)."""
    return bool(re.match(PROBLEM_PATTERN, text))
