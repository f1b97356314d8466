"""Module declarations and the registry that finds them by number."""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field

from ..checks import Problem

_NUMBER = re.compile(r"^\d{2}$")


@dataclass(frozen=True)
class Module:
    """The problems of one course module.

    Parameters
    ----------
    number : str
        Two digits, e.g. ``"01"``.
    slug : str
        The notebook slug, e.g. ``"python_essentials"``.
    title : str
        Human title.
    problems : tuple of Problem
        Exercises first, then knowledge-check questions.
    """

    number: str
    slug: str
    title: str
    problems: tuple[Problem, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        ids = [p.id for p in self.problems]
        if len(set(ids)) != len(ids):
            raise ValueError(f"module {self.number} declares duplicate problem ids: {ids}")
        wrong = [i for i in ids if not i.startswith(self.number + ".")]
        if wrong:
            raise ValueError(f"module {self.number} declares problems of another module: {wrong}")

    @property
    def name(self) -> str:
        """``NN_slug``, the stem of the module's notebooks."""
        return f"{self.number}_{self.slug}"

    @property
    def max_points(self) -> float:
        """Total points available in the module."""
        return sum(p.points for p in self.problems)

    def problem(self, key: str) -> Problem:
        """Find a problem by id (``"01.3"``) or attribute (``"q3"``, ``"kc1"``)."""
        for p in self.problems:
            if key in (p.id, p.attribute):
                return p
        raise KeyError(f"module {self.number} has no problem {key!r}")


def normalise_number(module: str | int) -> str:
    """Turn ``1``, ``"1"``, ``"01"`` or ``"01_python_essentials"`` into ``"01"``."""
    text = str(module).strip()
    text = text.split("_", 1)[0]
    if text.isdigit():
        text = f"{int(text):02d}"
    if not _NUMBER.match(text):
        raise ValueError(f"module should be a two-digit number such as '01', not {module!r}")
    return text


def get_module(module: str | int) -> Module:
    """Return the declaration of a module.

    Raises
    ------
    LookupError
        When the module has no exercises yet.
    """
    number = normalise_number(module)
    try:
        py = importlib.import_module(f"mlcourse.exercises.m{number}")
    except ModuleNotFoundError as error:
        if error.name != f"mlcourse.exercises.m{number}":
            raise
        raise LookupError(f"module {number} has no exercises in this version of mlcourse") from None
    return py.MODULE


def available_modules() -> list[str]:
    """Numbers of the modules that declare exercises, in order."""
    from importlib import resources

    names = [p.name for p in resources.files("mlcourse.exercises").iterdir()]
    return sorted(n[1:3] for n in names if re.fullmatch(r"m\d{2}\.py", n))
