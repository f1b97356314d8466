"""Problem kinds, outcomes and safe comparisons for self-checking exercises.

Importing this package does not import Jupyter; it needs only NumPy (and pandas when a
DataFrame or Series is compared).
"""

from ._code import ATTRIBUTE_LOADS, GLOBAL_LOADS, UNRESOLVED, names_used
from ._collected import (
    at,
    malformed,
    require_array,
    require_bool,
    require_dict,
    require_float,
    require_int,
    require_json,
    require_list,
    require_optional,
    require_str,
)
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
    "ATTRIBUTE_LOADS",
    "CHECKER_ERROR",
    "CORRECT",
    "GLOBAL_LOADS",
    "INCORRECT",
    "NOT_ATTEMPTED",
    "STATUSES",
    "UNRESOLVED",
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
    "at",
    "checker_error",
    "compare",
    "correct",
    "describe",
    "incorrect",
    "is_placeholder",
    "is_stub_function",
    "malformed",
    "names_used",
    "not_attempted",
    "require_array",
    "require_bool",
    "require_dict",
    "require_float",
    "require_int",
    "require_json",
    "require_list",
    "require_optional",
    "require_str",
    "safe_repr",
]
