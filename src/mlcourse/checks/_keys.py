"""Answer keys: the reference half of every problem, kept apart from its declaration.

A problem's *declaration* (id, points, hints, the names it reads, its visible and hidden
inputs, how its answer is collected) is what a learner's kernel needs. Its *reference*
(expected values, reference implementations, judges, mistake catalogues, quiz keys) is what
only the evaluator needs. Declarations live in ``mlcourse.exercises.mNN``; the reference of
module NN lives in ``mlcourse.keys.mNN`` as ``KEY = {problem_id: {part: value}}``. The grading
sandbox hides ``mlcourse/keys/``, so code run in a graded kernel cannot read the key.
"""

from __future__ import annotations

import importlib
from typing import Any


class KeyUnavailable(LookupError):
    """The answer key of a problem is not installed here (a graded release, or the sandbox)."""


class _FromKey:
    """Marker for a reference part that comes from the module's answer key."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "FROM_KEY"


FROM_KEY = _FromKey()


def key_module_name(problem_id: str) -> str:
    """``"01.3"`` -> ``"mlcourse.keys.m01"``."""
    return f"mlcourse.keys.m{problem_id.split('.', 1)[0]}"


def answer_key(problem_id: str) -> dict[str, Any]:
    """The reference parts of one problem, from its module's key.

    Raises
    ------
    KeyUnavailable
        When the key of the problem's module is not installed.
    LookupError
        When the key is installed but has no entry for the problem (a bug in the course).
    """
    name = key_module_name(problem_id)
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name not in ("mlcourse.keys", name):
            raise
        raise KeyUnavailable(
            f"no answer key for module {problem_id.split('.', 1)[0]} is installed here"
        ) from None
    try:
        return module.KEY[problem_id]
    except KeyError:
        raise LookupError(f"{name}.KEY has no entry for problem {problem_id}") from None


def keys_available() -> bool:
    """Whether this installation carries the answer keys (self-paced installs do)."""
    try:
        importlib.import_module("mlcourse.keys")
    except ModuleNotFoundError:
        return False
    return True
