"""The role of each notebook cell: setup, answer, check, self-test, prompt or plain code."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._markers import has_markers

SOLUTION_ONLY = "solution-only"
SETUP, ANSWER, CHECK, SELFTEST, PROMPT, CODE = (
    "setup",
    "answer",
    "check",
    "selftest",
    "prompt",
    "code",
)
PROTECTED = (SETUP, CHECK)

_CHECK = re.compile(r"^(\w+)\.(\w+)\.check\(\s*\)$")
_SELFTEST = re.compile(r"\b\w+\.(\w+)\.assert_(?:rejects|accepts)\(")
_SETUP = re.compile(r"\bsetup_notebook\(|\bexercises\.load\(")


@dataclass(frozen=True)
class Role:
    """A cell's role and, for answers, checks and self-tests, the problem attribute (``q3``)."""

    role: str
    attribute: str | None = None


def _code_lines(source: str) -> list[str]:
    stripped = (line.strip() for line in source.splitlines())
    return [line for line in stripped if line and not line.startswith("#")]


def is_setup_source(source: str) -> bool:
    """True for a cell that sets the notebook up (``setup_notebook`` or ``exercises.load``)."""
    return bool(_SETUP.search(source))


def check_target(source: str) -> str | None:
    """The problem attribute of a check cell (``ex.q3.check()`` -> ``q3``), else None."""
    lines = _code_lines(source)
    if len(lines) != 1:
        return None
    match = _CHECK.match(lines[0])
    return match.group(2) if match else None


def selftest_targets(source: str) -> list[str]:
    """Problem attributes whose ``assert_rejects``/``assert_accepts`` a self-test cell calls."""
    return _SELFTEST.findall(source)


def classify(cells: list) -> list[Role]:
    """Classify every cell of a notebook.

    Answer cells belong to the problem of the next check cell.
    """
    roles: list[Role] = []
    for cell in cells:
        source = cell.get("source", "")
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.get("cell_type") != "code":
            roles.append(Role(PROMPT))
        elif SOLUTION_ONLY in tags:
            targets = selftest_targets(source)
            roles.append(Role(SELFTEST, targets[0] if targets else None))
        elif (target := check_target(source)) is not None:
            roles.append(Role(CHECK, target))
        elif is_setup_source(source):
            roles.append(Role(SETUP))
        elif has_markers(source):
            roles.append(Role(ANSWER))
        else:
            roles.append(Role(CODE))
    pending: list[int] = []
    for index, role in enumerate(roles):
        if role.role == ANSWER:
            pending.append(index)
        elif role.role == CHECK:
            for answer in pending:
                roles[answer] = Role(ANSWER, role.attribute)
            pending = []
    return roles
