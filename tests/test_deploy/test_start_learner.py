"""The learner's start command on the Hub: the course linked in, the workspace updated, and
nothing the learner wrote overwritten (no server is started here)."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
MODULE = "00_start_here.ipynb"


@pytest.fixture(scope="module")
def start_learner():
    spec = importlib.util.spec_from_file_location(
        "start_learner", ROOT / "deploy" / "jupyterhub" / "start_learner.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def course(tmp_path):
    for part in ("curriculum", "exercises", "solutions"):
        (tmp_path / "course" / part).mkdir(parents=True)
        shutil.copy(ROOT / part / MODULE, tmp_path / "course" / part / MODULE)
    return tmp_path / "course"


def _answer(path: Path, problem: str) -> str:
    notebook = nbformat.read(path, as_version=4)
    return next(
        cell.source
        for cell in notebook.cells
        if cell.metadata.get("mlcourse", {}).get("problem") == problem
        and cell.metadata["mlcourse"].get("role") == "answer"
    )


def _set_answer(path: Path, problem: str, source: str) -> None:
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        meta = cell.metadata.get("mlcourse", {})
        if meta.get("problem") == problem and meta.get("role") == "answer":
            cell.source = source
    nbformat.write(notebook, path)


def test_the_course_is_linked_without_solutions_and_the_learners_own_folder_kept(
    start_learner, course, tmp_path
):
    root = tmp_path / "home" / "mlcourse"
    (root / "curriculum").mkdir(parents=True)  # the learner's own folder of that name
    linked = start_learner.link_course(course, root)
    assert linked == ["exercises"]
    assert (root / "exercises").is_symlink() and not (root / "curriculum").is_symlink()
    assert not (root / "solutions").exists()
    assert start_learner.link_course(course, root, with_solutions=True) == ["solutions"]


def test_new_material_arrives_and_an_edited_answer_survives(
    start_learner, course, tmp_path, capsys
):
    root = tmp_path / "home" / "mlcourse"
    start_learner.prepare(course, root, with_solutions=False)
    mine = root / "work" / MODULE
    assert "copied into your workspace" in capsys.readouterr().out
    _set_answer(mine, "00.1", "average_minutes = 40  # mine")
    notebook = nbformat.read(course / "exercises" / MODULE, as_version=4)
    notebook.cells[0].source += "\n\nUpdated."
    nbformat.write(notebook, course / "exercises" / MODULE)
    start_learner.prepare(course, root, with_solutions=False)
    assert "your 1 answer(s) kept" in capsys.readouterr().out
    assert _answer(mine, "00.1") == "average_minutes = 40  # mine"
    assert nbformat.read(mine, as_version=4).cells[0].source.endswith("Updated.")


def test_a_broken_course_never_stops_the_server_from_starting(start_learner, tmp_path, capsys):
    root = tmp_path / "home" / "mlcourse"
    (root / "work").mkdir(parents=True)
    (root / "work" / MODULE).write_text("{ not a notebook")
    course = tmp_path / "course"
    (course / "exercises").mkdir(parents=True)
    shutil.copy(ROOT / "exercises" / MODULE, course / "exercises" / MODULE)
    later = "01_python_essentials.ipynb"
    shutil.copy(ROOT / "exercises" / later, course / "exercises" / later)
    start_learner.prepare(course, root, with_solutions=False)  # does not raise
    out = capsys.readouterr().out
    assert f"{MODULE}: could not be updated" in out
    assert (root / "work" / MODULE).read_text() == "{ not a notebook"
    assert f"{later}: copied into your workspace" in out  # the broken one stops nothing
    assert (root / "work" / later).is_file()


def test_help_describes_the_command_and_starts_nothing(start_learner, capsys):
    start_learner.main(["--help"])
    out = capsys.readouterr().out
    assert "jupyterhub-singleuser" in out and "usage: start_learner.py" in out
