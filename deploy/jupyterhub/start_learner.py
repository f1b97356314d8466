"""Start a learner's Jupyter server on the class Hub, after bringing the course material in.

JupyterHub runs this, as the learner, in place of ``jupyterhub-singleuser`` (whose arguments
it passes on). Before the server starts it:

1. makes the learner's course folder, ``MLCOURSE_ROOT`` (default ``~/mlcourse``): the course's
   ``curriculum/``, ``exercises/`` and ``datasets/`` (and ``solutions/`` when
   ``MLCOURSE_SOLUTIONS=1``) linked from the installed course ``MLCOURSE_COURSE``, read-only
   for the learner; ``work/`` and ``.mlcourse/`` are their own;
2. runs the course's workspace update (what ``mlcourse update`` does): exercises notebooks the
   learner lacks are copied into ``work/``, changed ones are merged (the course's cells
   updated, the learner's answers and cells kept, a course cell they edited kept as their own
   cell after the new one, the old copy saved in ``work/.backup/``).

A notebook that cannot be updated is reported and left as it is, and the others are still
updated; whatever fails, the server starts: a learner is never locked out of their own work
by new material.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

LINKED = ("curriculum", "exercises", "datasets")
SINGLEUSER = Path(sys.executable).with_name("jupyterhub-singleuser")


def learner_root() -> Path:
    """The learner's course folder: ``MLCOURSE_ROOT``, else ``~/mlcourse``."""
    return Path(os.environ.get("MLCOURSE_ROOT") or Path.home() / "mlcourse").expanduser()


def link_course(course: Path, root: Path, with_solutions: bool = False) -> list[str]:
    """Link the course's folders into ``root``; a name the learner already has is left alone.

    Parameters
    ----------
    course : Path
        The installed course (``curriculum/``, ``exercises/``, ...).
    root : Path
        The learner's course folder, created when missing.
    with_solutions : bool
        Also link ``solutions/``.

    Returns
    -------
    list of str
        The folders linked now.
    """
    root.mkdir(parents=True, exist_ok=True)
    linked = []
    for name in (*LINKED, *(("solutions",) if with_solutions else ())):
        target, link = course / name, root / name
        if target.is_dir() and not link.exists() and not link.is_symlink():
            link.symlink_to(target, target_is_directory=True)
            linked.append(name)
    return linked


def update_material(root: Path) -> list[str]:
    """The course's workspace update on ``root``; one line per exercises notebook."""
    from mlcourse.workspace import update_workspace

    return [result.line() for result in update_workspace(root)]


def prepare(course: Path, root: Path, with_solutions: bool) -> None:
    """Link the course and update the workspace, printing what happened (never raises)."""
    try:
        link_course(course, root, with_solutions)
        for line in update_material(root):
            print(f"[mlcourse] {line}", flush=True)
    except Exception as error:  # noqa: BLE001 - the learner's server starts regardless
        print(f"[mlcourse] the course material could not be updated: {error}", flush=True)


def main(argv: list[str] | None = None) -> None:
    """Prepare the learner's course folder, then become ``jupyterhub-singleuser``."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] in (["-h"], ["--help"]):
        argparse.ArgumentParser(
            prog="start_learner.py", description=__doc__.split("\n\n")[0]
        ).print_help()
        print("\nOther arguments are passed to jupyterhub-singleuser.")
        return
    course = Path(os.environ.get("MLCOURSE_COURSE", Path(__file__).resolve().parents[2]))
    root = learner_root().resolve()
    os.environ["MLCOURSE_ROOT"] = str(root)
    prepare(course, root, os.environ.get("MLCOURSE_SOLUTIONS") == "1")
    os.chdir(root)
    os.execv(SINGLEUSER, [str(SINGLEUSER), *argv])


if __name__ == "__main__":
    main()
