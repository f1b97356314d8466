"""Where the course lives on disk: its root folder and the notebooks in it."""

from __future__ import annotations

import os
from pathlib import Path

_MARKERS = ("curriculum", "exercises", "solutions")


def course_root() -> Path:
    """Return the course root folder.

    ``MLCOURSE_ROOT`` wins; otherwise the nearest folder, from the working directory upwards,
    that holds ``curriculum/``, ``exercises/`` or ``solutions/``; otherwise the source checkout
    this package was installed from; otherwise the working directory.

    Returns
    -------
    pathlib.Path
        An absolute path.
    """
    env = os.environ.get("MLCOURSE_ROOT")
    if env:
        return Path(env).expanduser().resolve()
    cwd = Path.cwd().resolve()
    for folder in (cwd, *cwd.parents):
        if any((folder / marker).is_dir() for marker in _MARKERS):
            return folder
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "pyproject.toml").is_file() and (checkout / "curriculum").is_dir():
        return checkout
    return cwd


def state_dir(root: Path | None = None) -> Path:
    """The course's private state folder (``<root>/.mlcourse``), created on demand."""
    path = (root or course_root()) / ".mlcourse"
    path.mkdir(parents=True, exist_ok=True)
    return path


def module_notebook(folder: str, module: str, root: Path | None = None) -> Path | None:
    """Find ``<root>/<folder>/<module>_*.ipynb``; None when absent."""
    base = (root or course_root()) / folder
    matches = sorted(base.glob(f"{module}_*.ipynb")) if base.is_dir() else []
    return matches[0] if matches else None
