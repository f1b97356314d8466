"""Reading a learner's function's compiled code for the names it refers to (method rules).

A prompt that says "without scikit-learn's metric" or "no eval" is enforced by reading the
function's bytecode, nested functions included, and following the notebook functions it
calls and the values its closures hold, a few calls deep.
"""

from __future__ import annotations

import dis
import types
from collections.abc import Callable
from typing import Any

GLOBAL_LOADS = frozenset({"LOAD_GLOBAL", "LOAD_NAME"})
ATTRIBUTE_LOADS = frozenset({"LOAD_ATTR", "LOAD_METHOD"})
UNRESOLVED = object()
"""The value given to ``judge`` for a name that is not a global of the function's namespace."""

Judge = Callable[[str, Any, str], "str | None"]


def names_used(func: Any, judge: Judge, max_depth: int = 4) -> list[str]:
    """What ``judge`` reports about the names ``func`` (or a function it reaches) refers to.

    Parameters
    ----------
    func : callable
        The learner's function.
    judge : callable
        ``judge(name, value, opname)`` returns a label to report, or None. ``opname`` is the
        instruction (``LOAD_GLOBAL``, ``LOAD_ATTR``, ``IMPORT_FROM``...) or ``"CLOSURE"`` for
        a value held in a closure (``name`` is then empty); ``value`` is what a global name
        resolves to in the function's namespace, or :data:`UNRESOLVED`.
    max_depth : int
        How many calls deep notebook functions are followed.

    Returns
    -------
    list of str
        The labels reported, sorted. A resolved value that gets no label and is a Python
        function is read in turn.
    """
    found: set[str] = set()
    seen: set[int] = set()
    stack = [(func, 0)]

    def report(name: str, value: Any, opname: str, depth: int) -> None:
        label = judge(name, value, opname)
        if label:
            found.add(label)
        elif isinstance(value, types.FunctionType):
            stack.append((value, depth + 1))

    while stack:
        current, depth = stack.pop()
        code = getattr(current, "__code__", None)
        if not isinstance(code, types.CodeType) or id(code) in seen or depth > max_depth:
            continue
        seen.add(id(code))
        namespace = getattr(current, "__globals__", None)
        namespace = namespace if isinstance(namespace, dict) else {}
        blocks = [code]
        while blocks:
            block = blocks.pop()
            blocks += [c for c in block.co_consts if isinstance(c, types.CodeType)]
            for instruction in dis.get_instructions(block):
                name = instruction.argval
                if not isinstance(name, str) or name not in block.co_names:
                    continue
                value = UNRESOLVED
                if instruction.opname in GLOBAL_LOADS and name in namespace:
                    value = namespace[name]
                report(name, value, instruction.opname, depth)
        for cell in getattr(current, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:  # an empty cell
                continue
            report("", value, "CLOSURE", depth)
    return sorted(found)
