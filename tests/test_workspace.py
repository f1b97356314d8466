"""The learner's workspace: copied once, never overwritten, merged with course updates."""

from __future__ import annotations

import copy
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from nbformat.corpus.words import generate_corpus_id

from mlcourse.build import build_course
from mlcourse.cli import main
from mlcourse.workspace import pending_updates, prepare_workspace, update_workspace

ROOT = Path(__file__).resolve().parents[1]
MODULE = "01"


@pytest.fixture
def course(tmp_path, monkeypatch):
    """A course folder with module 01's solutions and exercises."""
    for folder in ("solutions", "exercises"):
        (tmp_path / folder).mkdir()
        source = next((ROOT / folder).glob(f"{MODULE}_*.ipynb"))
        shutil.copy(source, tmp_path / folder / source.name)
    (tmp_path / "curriculum").mkdir()
    monkeypatch.setenv("MLCOURSE_ROOT", str(tmp_path))
    monkeypatch.delenv("MLCOURSE_WORKSPACE", raising=False)
    return tmp_path


def _answer(nb, problem):
    return next(
        c
        for c in nb.cells
        if c.metadata.get("mlcourse", {}).get("role") == "answer"
        and c.metadata["mlcourse"].get("problem") == problem
    )


def _notebook(course):
    return next((course / "work").glob(f"{MODULE}_*.ipynb"))


def test_first_use_copies_and_later_uses_never_overwrite(course):
    (copied,) = prepare_workspace(course)
    assert copied.parent == course / "work"
    copied.write_text(copied.read_text().replace("...", "my_answer = 1", 1))
    mine = copied.read_bytes()
    assert prepare_workspace(course) == []
    build_course(course, modules=[MODULE])  # a rebuild writes exercises/ only
    assert copied.read_bytes() == mine


def test_an_update_keeps_answers_and_own_cells_and_reports_conflicts(course):
    prepare_workspace(course)
    path = _notebook(course)
    mine = nbformat.read(str(path), as_version=4)
    _answer(mine, "01.1").source = "header = {'n_samples': 178}  # my answer"
    _answer(mine, "01.3").source = "class_counts = {}  # my unfinished answer"
    at = mine.cells.index(_answer(mine, "01.1"))
    mine.cells.insert(at + 1, nbformat.v4.new_code_cell("print('my scratch cell')"))
    nbformat.write(mine, str(path))

    exercises = next((course / "exercises").glob(f"{MODULE}_*.ipynb"))
    update = nbformat.read(str(exercises), as_version=4)
    update.cells[0].source += "\n\nA sentence added by a course update."
    _answer(update, "01.1").source += "\n# a clearer starting comment"  # conflicts with mine
    _answer(update, "01.2").source += "\n# new starting code"  # untouched by the learner
    nbformat.write(update, str(exercises))
    assert pending_updates(course) == [exercises.name]

    (result,) = update_workspace(course)
    merged = nbformat.read(str(path), as_version=4)
    assert merged.cells[0].source.endswith("A sentence added by a course update.")
    assert _answer(merged, "01.1").source == "header = {'n_samples': 178}  # my answer"
    assert _answer(merged, "01.3").source == "class_counts = {}  # my unfinished answer"
    assert _answer(merged, "01.2").source.endswith("# new starting code")
    own = merged.cells.index(_answer(merged, "01.1")) + 1
    assert merged.cells[own].source == "print('my scratch cell')"
    assert result.kept_answers == 2 and result.conflicts == ["01.1"]
    assert result.backup is not None and result.backup.parent == course / "work" / ".backup"
    assert nbformat.read(str(result.backup), as_version=4) == mine  # nothing lost
    assert pending_updates(course) == []
    before = path.read_bytes()
    (again,) = update_workspace(course)
    assert again.status == "current" and path.read_bytes() == before


def test_an_answer_to_a_removed_exercise_is_kept_at_the_end(course):
    prepare_workspace(course)
    path = _notebook(course)
    mine = nbformat.read(str(path), as_version=4)
    _answer(mine, "01.9").source = "def my_function():\n    return 'mine'"
    nbformat.write(mine, str(path))
    exercises = next((course / "exercises").glob(f"{MODULE}_*.ipynb"))
    update = nbformat.read(str(exercises), as_version=4)
    update.cells.remove(_answer(update, "01.9"))
    nbformat.write(update, str(exercises))
    (result,) = update_workspace(course)
    merged = nbformat.read(str(path), as_version=4)
    assert merged.cells[-1].source == "def my_function():\n    return 'mine'"
    assert "mlcourse" not in merged.cells[-1].metadata  # now the learner's own cell
    assert any("01.9" in c and "no longer" in c for c in result.conflicts)


def test_update_command_reports_per_module(course, capsys):
    assert main(["update"]) == 0
    assert "copied into your workspace" in capsys.readouterr().out
    assert main(["update", "01"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_git_ignores_the_workspace():
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "work/01_python_essentials.ipynb"], cwd=ROOT
    )
    assert ignored.returncode == 0


def _course_cell(nb, role, nth=1):
    return [c for c in nb.cells if c.metadata.get("mlcourse", {}).get("role") == role][nth - 1]


def test_an_edited_course_cell_is_never_replaced_silently(course):
    prepare_workspace(course)
    path = _notebook(course)
    mine = nbformat.read(str(path), as_version=4)
    _course_cell(mine, "setup").source += "\nimport numpy as np  # mine"
    _course_cell(mine, "code", 2).source += "\nprint(RESULTS_DIR)  # mine"
    nbformat.write(mine, str(path))
    exercises = next((course / "exercises").glob(f"{MODULE}_*.ipynb"))
    update = nbformat.read(str(exercises), as_version=4)
    _course_cell(update, "setup").source += "\n# the course's new setup line"
    update.cells[0].source += "\n\nUpdated."
    nbformat.write(update, str(exercises))

    (result,) = update_workspace(course)
    merged = nbformat.read(str(path), as_version=4)
    setup = _course_cell(merged, "setup")
    assert setup.source.endswith("# the course's new setup line")  # the course's new cell
    kept = merged.cells[merged.cells.index(setup) + 1]  # then the learner's, as their own
    assert kept.source.endswith("import numpy as np  # mine") and "mlcourse" not in kept.metadata
    assert len({cell.id for cell in merged.cells}) == len(merged.cells)
    # a cell the course did not change keeps the learner's edit where it was
    assert _course_cell(merged, "code", 2).source.endswith("print(RESULTS_DIR)  # mine")
    assert result.edited_cells == ["setup cell"]
    assert "your versions follow the new ones" in result.line() and "setup cell" in result.line()
    assert result.added_cells == 0  # the kept edit is reported as an edit, not an added cell


def test_a_broken_workspace_notebook_does_not_stop_the_others(course):
    prepare_workspace(course)
    path = _notebook(course)
    path.write_text("{ not a notebook")
    exercises = next((course / "exercises").glob(f"{MODULE}_*.ipynb"))
    exercises.write_text(exercises.read_text().replace("Python", "Python 3", 1))  # an update
    later = next((ROOT / "exercises").glob("02_*.ipynb"))
    shutil.copy(later, course / "exercises" / later.name)  # a new module arrives

    broken, arrived = update_workspace(course)
    assert broken.status == "failed" and "not a notebook" not in broken.name
    assert broken.line().startswith(f"{path.name}: could not be updated (")
    assert path.read_text() == "{ not a notebook"  # left as it was
    assert arrived.status == "new" and (course / "work" / later.name).is_file()
    assert pending_updates(course) == [path.name]  # tried again next time


def _exercises_path(course):
    return next((course / "exercises").glob(f"{MODULE}_*.ipynb"))


def _course_update(course, change):
    """Apply ``change`` to the course's exercises notebook, as a new release would."""
    path = _exercises_path(course)
    update = nbformat.read(str(path), as_version=4)
    change(update)
    nbformat.write(update, str(path))
    return update


def _course_part(nb):
    return [(c.id, c.source) for c in nb.cells if "mlcourse" in c.metadata]


def test_a_deleted_course_cell_does_not_shift_the_later_ones(course):
    prepare_workspace(course)
    path = _notebook(course)
    mine = nbformat.read(str(path), as_version=4)
    mine.cells.remove(_course_cell(mine, "prompt", 2))  # the learner deletes a prompt
    mine.cells.remove(_course_cell(mine, "code", 1))  # and an example code cell
    nbformat.write(mine, str(path))

    def change(nb):
        nb.cells[0].source += "\n\nUpdated."
        _course_cell(nb, "code", 1).source += "\n# the course's tweak"

    update = _course_update(course, change)
    (result,) = update_workspace(course)
    merged = nbformat.read(str(path), as_version=4)
    assert _course_part(merged) == _course_part(update)  # each course cell in its place
    assert len({cell.id for cell in merged.cells}) == len(merged.cells)
    assert result.edited_cells == [] and result.added_cells == 0


def test_a_pasted_copy_of_a_course_cell_stays_the_learners(course):
    prepare_workspace(course)
    path = _notebook(course)
    mine = nbformat.read(str(path), as_version=4)
    prompt = _course_cell(mine, "prompt", 3)
    pasted = copy.deepcopy(prompt)  # Jupyter gives a pasted cell a fresh id
    pasted.id, pasted.source = generate_corpus_id(), "My notes on this exercise"
    mine.cells.insert(mine.cells.index(prompt) + 1, pasted)
    nbformat.write(mine, str(path))
    update = _course_update(course, lambda nb: setattr(nb.cells[0], "source", "# New title"))

    (result,) = update_workspace(course)
    merged = nbformat.read(str(path), as_version=4)
    notes = next(i for i, c in enumerate(merged.cells) if c.source == "My notes on this exercise")
    assert merged.cells[notes - 1].source == _course_cell(update, "prompt", 3).source
    course_cells = [c for c in merged.cells if c.id != pasted.id and "mlcourse" in c.metadata]
    assert [(c.id, c.source) for c in course_cells] == _course_part(update)
    assert result.added_cells == 1


def test_an_answer_split_in_two_keeps_both_parts(course):
    prepare_workspace(course)
    path = _notebook(course)
    mine = nbformat.read(str(path), as_version=4)
    first = _answer(mine, "01.3")
    second = copy.deepcopy(first)  # Jupyter's split keeps the metadata, with a fresh id
    second.id = generate_corpus_id()
    first.source = "class_counts = {}  # part 1"
    second.source = "for label in y:\n    class_counts[label] = 1  # part 2"
    mine.cells.insert(mine.cells.index(first) + 1, second)
    nbformat.write(mine, str(path))
    _course_update(course, lambda nb: setattr(nb.cells[0], "source", "# New title"))

    (result,) = update_workspace(course)
    merged = nbformat.read(str(path), as_version=4)
    at = merged.cells.index(_answer(merged, "01.3"))
    assert merged.cells[at].source == "class_counts = {}  # part 1"
    assert merged.cells[at + 1].source.endswith("# part 2")
    assert result.kept_answers == 1 and result.added_cells == 1


def _without_ids(path):
    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        cell.pop("id", None)
    nb.nbformat_minor = 4
    nbformat.write(nb, str(path))


def test_notebooks_without_ids_are_matched_by_place_and_keep_a_split_answer(course):
    _without_ids(_exercises_path(course))
    prepare_workspace(course)
    path = _notebook(course)
    mine = nbformat.read(str(path), as_version=4)
    first = _answer(mine, "01.3")
    second = copy.deepcopy(first)
    first.source, second.source = "counts = {}  # part 1", "counts[0] = 1  # part 2"
    mine.cells.insert(mine.cells.index(first) + 1, second)
    nbformat.write(mine, str(path))
    _course_update(course, lambda nb: setattr(nb.cells[0], "source", "# New title"))

    (result,) = update_workspace(course)
    merged = nbformat.read(str(path), as_version=4)
    at = merged.cells.index(_answer(merged, "01.3"))
    assert merged.cells[0].source == "# New title"
    assert [c.source for c in merged.cells[at : at + 2]] == [first.source, second.source]
    assert result.kept_answers == 1 and result.added_cells == 1


def test_an_interrupted_copy_leaves_no_half_notebook(course, monkeypatch):
    import mlcourse.workspace as workspace

    def interrupted(source, target, *args, **kwargs):
        Path(target).write_bytes(Path(source).read_bytes()[:500])
        raise KeyboardInterrupt

    monkeypatch.setattr(workspace.shutil, "copyfile", interrupted)
    with pytest.raises(KeyboardInterrupt):
        prepare_workspace(course)
    monkeypatch.undo()
    name = _exercises_path(course).name
    assert not (course / "work" / name).exists()
    assert not (course / "work" / ".base" / name).exists()
    assert [p.name for p in prepare_workspace(course)] == [name]


def test_a_truncated_base_is_treated_as_missing(course):
    prepare_workspace(course)
    path = _notebook(course)
    mine = nbformat.read(str(path), as_version=4)
    _answer(mine, "01.1").source = "header = 1  # mine"
    nbformat.write(mine, str(path))
    exercises = _exercises_path(course)
    base = course / "work" / ".base" / exercises.name
    base.write_bytes(exercises.read_bytes()[:500])  # left by an interrupted older version
    _course_update(course, lambda nb: setattr(_answer(nb, "01.2"), "source", "# new start"))

    (result,) = update_workspace(course)
    assert result.status != "failed"
    merged = nbformat.read(str(path), as_version=4)
    assert _answer(merged, "01.1").source == "header = 1  # mine"
    assert base.read_bytes() == exercises.read_bytes() and pending_updates(course) == []


def test_backups_made_in_the_same_instant_do_not_overwrite_each_other(course, monkeypatch):
    import datetime as real

    import mlcourse.workspace as workspace

    class FrozenClock(real.datetime):
        @classmethod
        def now(cls, tz=None):
            return cls(2026, 1, 2, 3, 4, 5, 6)

    monkeypatch.setattr(workspace.dt, "datetime", FrozenClock)
    prepare_workspace(course)
    path = _notebook(course)
    versions, backups = [], []
    for title in ("# One", "# Two"):
        mine = nbformat.read(str(path), as_version=4)
        _answer(mine, "01.1").source = f"answer = {title!r}"
        nbformat.write(mine, str(path))
        versions.append(path.read_bytes())
        _course_update(course, lambda nb, t=title: setattr(nb.cells[0], "source", t))
        (result,) = update_workspace(course)
        backups.append(result.backup)
    assert backups[0] != backups[1]
    assert [b.read_bytes() for b in backups] == versions
