"""Check the structure of collected data before a custom judge relies on it.

A :class:`~mlcourse.checks.Custom` problem's ``extract`` runs in the learner's process, which
can replace it and hand the judge any plain data: dicts, lists, numbers, strings, arrays,
frames, nested any way. A judge therefore decides from what it knows itself (the checkpoints,
test inputs and counts it expects) and first checks that the data has exactly the structure
its own ``extract`` produces. These helpers do that: each returns the value when it has the
required type (and length, keys, shape) and raises :class:`Fail` otherwise, so malformed data
is Incorrect, never a CheckerError. Messages say what is wrong in kind (a type, a count of
entries, a key) and never reveal an expected value.

``path`` names the value in messages, e.g. ``"data['steps'][2]"``; :func:`at` builds it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection
from typing import Any

import numpy as np

from ._compare import describe, safe_repr
from ._problems import Fail

Check = Callable[[Any, str], Any]


def malformed(path: str, problem: str) -> Fail:
    """The failure for collected data that its own ``extract`` could not have produced."""
    return Fail(
        f"The collected answer is malformed: `{path}` {problem}. Check your answer with the "
        "exercise's own check, without replacing how it collects the answer."
    )


def at(path: str, key: Any) -> str:
    """The path of an entry: ``at("data", "steps")`` is ``"data['steps']"``."""
    return f"{path}[{key!r}]"


def require_dict(value: Any, path: str, keys: Collection[str] | None = None) -> dict:
    """A plain dict with string keys; with ``keys``, exactly those keys."""
    if type(value) is not dict:
        raise malformed(path, f"should be a dict, but it is {describe(value)}")
    if not all(type(key) is str for key in value):
        raise malformed(path, "has keys that are not strings")
    if keys is not None:
        missing = [key for key in keys if key not in value]
        if missing:
            raise malformed(path, f"has no key {missing[0]!r}")
        extra = [key for key in value if key not in keys]
        if extra:
            raise malformed(path, f"has an unexpected key {safe_repr(extra[0], 40)}")
    return value


def require_list(
    value: Any,
    path: str,
    *,
    length: int | None = None,
    per: str = "expected entry",
    item: Check | None = None,
    kind: type = list,
) -> list | tuple:
    """A plain list (or ``kind``), of exactly ``length`` entries if given, each passing ``item``.

    ``per`` names what there is one entry for ("checkpoint", "test case"), for the message.
    """
    if type(value) is not kind:
        raise malformed(path, f"should be a {kind.__name__}, but it is {describe(value)}")
    if length is not None and len(value) != length:
        raise malformed(path, f"has {len(value)} entries, but it should have one per {per}")
    if item is not None:
        for index, entry in enumerate(value):
            item(entry, f"{path}[{index}]")
    return value


def require_str(value: Any, path: str) -> str:
    """A plain str."""
    if type(value) is not str:
        raise malformed(path, f"should be a str, but it is {describe(value)}")
    return value


def require_bool(value: Any, path: str) -> bool:
    """True or False."""
    if type(value) is not bool:
        raise malformed(path, f"should be True or False, but it is {describe(value)}")
    return value


def require_int(value: Any, path: str) -> int:
    """A plain int (not a bool)."""
    if type(value) is not int:
        raise malformed(path, f"should be an int, but it is {describe(value)}")
    return value


def require_float(value: Any, path: str, *, finite: bool = False) -> float:
    """A plain float; with ``finite``, neither NaN nor infinite."""
    if type(value) is not float:
        raise malformed(path, f"should be a float, but it is {describe(value)}")
    if finite and not math.isfinite(value):
        raise malformed(path, "is NaN or infinite")
    return value


def require_optional(check: Check) -> Check:
    """A check that also lets None through."""

    def optional(value: Any, path: str) -> Any:
        return None if value is None else check(value, path)

    return optional


def require_array(
    value: Any, path: str, *, kinds: str = "iuf", ndim: int | None = None
) -> np.ndarray:
    """A plain NumPy array whose dtype kind is one of ``kinds`` (and of ``ndim`` dimensions)."""
    if type(value) is not np.ndarray:
        raise malformed(path, f"should be a NumPy array, but it is {describe(value)}")
    if value.dtype.kind not in kinds:
        raise malformed(path, f"has dtype {value.dtype}, which is not a number type")
    if ndim is not None and value.ndim != ndim:
        raise malformed(path, f"has {value.ndim} dimension(s), but it should have {ndim}")
    return value


_JSON_SCALARS = (str, int, float, bool, type(None))


def require_json(value: Any, path: str, *, depth: int = 20) -> Any:
    """Plain JSON-like data: None, str, int, float, bool, lists and dicts with string keys."""
    if type(value) in _JSON_SCALARS:
        return value
    if depth <= 0:
        raise malformed(path, "is nested too deeply")
    if type(value) is list:
        for index, entry in enumerate(value):
            require_json(entry, f"{path}[{index}]", depth=depth - 1)
        return value
    if type(value) is dict:
        require_dict(value, path)
        for key, entry in value.items():
            require_json(entry, at(path, key), depth=depth - 1)
        return value
    raise malformed(path, f"should hold only plain JSON values, but it is {describe(value)}")
