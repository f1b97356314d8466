"""Read a problem's answer cells from solutions/ for ``solution()``."""

from __future__ import annotations

from ..checks import Problem
from ._registry import Module


def solution_source(module: Module, problem: Problem) -> tuple[bool, str]:
    """Return ``(True, code)`` from the solutions notebook, or ``(False, reason)``."""
    import nbformat

    from .._paths import course_root, module_notebook
    from ..build import ANSWER, classify

    root = course_root()
    path = module_notebook("solutions", module.number, root)
    if path is None:
        return False, (
            f"Solutions are not included in this copy of the course (no solutions/{module.name}.ipynb "
            f"under {root}). Ask your instructor, or try `hint()`."
        )
    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as error:
        return False, f"Could not read {path}: {error}"
    roles = classify(nb.cells)
    sources = [
        cell.source.strip()
        for cell, role in zip(nb.cells, roles, strict=True)
        if role.role == ANSWER and role.attribute == problem.attribute
    ]
    if not sources:
        return False, f"{path.name} has no answer cell for {problem.id}."
    return True, "\n\n".join(_drop_markers(s) for s in sources)


def _drop_markers(source: str) -> str:
    from ..build._markers import BEGIN, END, LINE

    lines = []
    for line in source.splitlines():
        if BEGIN.match(line) or END.match(line):
            continue
        lines.append(LINE.split(line)[0].rstrip() if LINE.search(line) else line)
    return "\n".join(lines)
