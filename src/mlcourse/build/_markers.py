"""Solution markers in code cells (otter-grader style) and their replacement by ``...``."""

from __future__ import annotations

import ast
import re

BEGIN = re.compile(r"^\s*#\s*BEGIN SOLUTION\s*$")
END = re.compile(r"^\s*#\s*END SOLUTION\s*$")
LINE = re.compile(r"#\s*SOLUTION\s*$")


class MarkerError(ValueError):
    """A solution marker is misplaced (unclosed block, stray END, incomplete statement)."""


def has_markers(source: str) -> bool:
    """True when the source holds any solution marker."""
    return any(
        BEGIN.match(line) or END.match(line) or LINE.search(line) for line in source.splitlines()
    )


def strip_solutions(source: str) -> str:
    """Replace every marked answer in ``source`` by ``...``.

    A line ending in ``# SOLUTION`` keeps its left-hand side (``x = ...``, ``return ...``);
    a block between ``# BEGIN SOLUTION`` and ``# END SOLUTION`` becomes one ``...`` at the
    indentation of its BEGIN line. Nothing else changes.

    Raises
    ------
    MarkerError
        With the 1-based line number, for an unclosed or nested block, a stray END, or a
        ``# SOLUTION`` line that is not a complete statement.
    """
    out: list[str] = []
    block_start: int | None = None
    for number, line in enumerate(source.splitlines(), start=1):
        if BEGIN.match(line):
            if block_start is not None:
                raise MarkerError(
                    f"line {number}: BEGIN SOLUTION inside the block opened on line {block_start}"
                )
            block_start = number
            out.append(_indent(line) + "...")
        elif END.match(line):
            if block_start is None:
                raise MarkerError(f"line {number}: END SOLUTION without a BEGIN SOLUTION")
            block_start = None
        elif block_start is None:
            out.append(_replace_line(line, number) if LINE.search(line) else line)
    if block_start is not None:
        raise MarkerError(f"line {block_start}: BEGIN SOLUTION is never closed by END SOLUTION")
    return "\n".join(out)


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def _replace_line(line: str, number: int) -> str:
    code = LINE.split(line)[0].rstrip()
    statement = code.strip()
    try:
        node = ast.parse(statement).body[0]
    except (SyntaxError, IndexError):
        raise MarkerError(
            f"line {number}: a '# SOLUTION' line must be one complete statement; "
            "mark longer answers with BEGIN/END SOLUTION"
        ) from None
    indent = _indent(line)
    if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and node.value is not None:
        prefix = statement.encode()[: node.value.col_offset].decode().rstrip()
        return f"{indent}{prefix} ..."
    if isinstance(node, ast.Return):
        return f"{indent}return ..."
    return f"{indent}..."
