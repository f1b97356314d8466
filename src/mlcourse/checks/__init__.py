"""Problem kinds, outcomes and safe comparisons for self-checking exercises.

Importing this package does not import Jupyter; it needs only NumPy (and pandas when a
DataFrame or Series is compared).
"""

from ._compare import CompareError, compare, describe, safe_repr
from ._outcomes import (
    CHECKER_ERROR,
    CORRECT,
    INCORRECT,
    NOT_ATTEMPTED,
    STATUSES,
    Outcome,
    checker_error,
    correct,
    incorrect,
    not_attempted,
)
from ._problems import (
    Answer,
    Case,
    Choice,
    Custom,
    Fail,
    Function,
    Mistake,
    Numeric,
    Problem,
    Value,
    is_placeholder,
    is_stub_function,
)
from ._tracked import LoggedRun

__all__ = [
    "CHECKER_ERROR",
    "CORRECT",
    "INCORRECT",
    "NOT_ATTEMPTED",
    "STATUSES",
    "Answer",
    "Case",
    "Choice",
    "CompareError",
    "Custom",
    "Fail",
    "Function",
    "LoggedRun",
    "Mistake",
    "Numeric",
    "Outcome",
    "Problem",
    "Value",
    "checker_error",
    "compare",
    "correct",
    "describe",
    "incorrect",
    "is_placeholder",
    "is_stub_function",
    "not_attempted",
    "safe_repr",
]
