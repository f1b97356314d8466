"""The problems of each course module, and ``load("NN")`` to bind them in a notebook."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

from ._bound import BoundProblem, CheckFailed, LoadedModule, SelfTestFailed, Text, strict_mode
from ._registry import Module, available_modules, get_module, normalise_number


def load(module: str | int, namespace: Mapping[str, Any] | None = None) -> LoadedModule:
    """Load a module's problems, bound to the caller's variables.

    Parameters
    ----------
    module : str or int
        The module number, e.g. ``"01"``.
    namespace : mapping, optional
        Where the learner's answers live. Defaults to the caller's global namespace (the
        notebook's), read afresh at every check.

    Returns
    -------
    LoadedModule
        With one attribute per problem: ``q1``, ``q2``, ..., ``kc1``, ...

    Examples
    --------
    >>> ex = load("00")  # doctest: +SKIP
    >>> ex.q1.check()    # doctest: +SKIP
    """
    if namespace is None:
        namespace = sys._getframe(1).f_globals
    return LoadedModule(get_module(module), namespace)


__all__ = [
    "BoundProblem",
    "CheckFailed",
    "LoadedModule",
    "Module",
    "SelfTestFailed",
    "Text",
    "available_modules",
    "get_module",
    "load",
    "normalise_number",
    "strict_mode",
]
