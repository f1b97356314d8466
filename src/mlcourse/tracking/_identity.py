"""Who the learner is: ``MLCOURSE_LEARNER`` or ``mlcourse whoami --set NAME`` (never mlflow.user)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from .._paths import course_root

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$")


def _learner_file(root: Path | None = None) -> Path:
    return (root or course_root()) / ".mlcourse" / "learner"


def validate_learner(name: str) -> str:
    """Return ``name`` stripped, or raise ValueError saying what a name may contain."""
    name = name.strip()
    if not _NAME.match(name):
        raise ValueError(
            f"learner name {name!r} is not valid: use 1-64 letters, digits and . _ @ + - "
            "(starting with a letter or digit), e.g. ada.lovelace"
        )
    return name


def current_learner(root: Path | None = None) -> str | None:
    """The learner's name: ``MLCOURSE_LEARNER``, else the name saved by ``whoami --set``."""
    env = os.environ.get("MLCOURSE_LEARNER", "").strip()
    if env:
        try:
            return validate_learner(env)
        except ValueError as error:
            raise ValueError(f"MLCOURSE_LEARNER: {error}") from None
    path = _learner_file(root)
    try:
        saved = path.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return saved or None


def set_learner(name: str, root: Path | None = None) -> str:
    """Save the learner's name in the course folder; returns the validated name."""
    name = validate_learner(name)
    path = _learner_file(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(name + "\n", encoding="utf-8")
    return name


_ESCAPES = {"_": "__", ".": "_d", "@": "_a", "+": "_p"}


def learner_slug(learner: str | None) -> str:
    """The learner's name as it may appear in a registered model's name (``local`` if unset).

    Letters, digits and ``-`` are kept; ``_ . @ +`` become ``__ _d _a _p`` (any other character
    ``_xHH``), so two different names never give the same slug: ``ada.lovelace`` ->
    ``ada_dlovelace``, ``ada-lovelace`` -> ``ada-lovelace``. (``@`` cannot stay: it separates
    a model's name from its alias in ``models:/NAME@ALIAS``.)
    """
    if not learner:
        return "local"
    return "".join(
        c if (c.isascii() and c.isalnum()) or c == "-" else _ESCAPES.get(c, f"_x{ord(c):02x}")
        for c in learner
    )


def model_name(base: str, learner: str | None = None) -> str:
    """A registered model's name that is the learner's own on a shared (class) server.

    Parameters
    ----------
    base : str
        What the model is, e.g. ``"wine-classifier"``.
    learner : str, optional
        Defaults to :func:`current_learner`.

    Returns
    -------
    str
        ``"{base}-{slug}"``, e.g. ``"wine-classifier-ada-lovelace"``; ``"{base}-local"`` when no
        learner is set. Two learners on one class server never move each other's aliases.
    """
    return f"{base}-{learner_slug(learner if learner is not None else current_learner())}"
