"""Generate exercises notebooks from solutions notebooks, and check they are in sync."""

from ._build import (
    KERNELSPEC,
    BuildError,
    BuildReport,
    build_course,
    build_notebook,
    read_notebook,
    render,
)
from ._markers import MarkerError, has_markers, strip_solutions
from ._roles import (
    ANSWER,
    CHECK,
    CODE,
    PROMPT,
    PROTECTED,
    SELFTEST,
    SETUP,
    SOLUTION_ONLY,
    Role,
    check_target,
    classify,
)

__all__ = [
    "ANSWER",
    "CHECK",
    "CODE",
    "KERNELSPEC",
    "PROMPT",
    "PROTECTED",
    "SELFTEST",
    "SETUP",
    "SOLUTION_ONLY",
    "BuildError",
    "BuildReport",
    "MarkerError",
    "Role",
    "build_course",
    "build_notebook",
    "check_target",
    "classify",
    "has_markers",
    "read_notebook",
    "render",
    "strip_solutions",
]
