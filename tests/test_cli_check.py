"""`mlcourse check` judges a notebook as the grader does: the values left at the end count."""

from pathlib import Path

import nbformat

from mlcourse.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _answered_exercises() -> nbformat.NotebookNode:
    """exercises/00 with every answer cell written as in solutions/00, as a learner would."""
    solutions = nbformat.read(ROOT / "solutions" / "00_start_here.ipynb", as_version=4)
    answers = {cell.get("id"): cell.source for cell in solutions.cells}
    notebook = nbformat.read(ROOT / "exercises" / "00_start_here.ipynb", as_version=4)
    for cell in notebook.cells:
        if cell.metadata.get("mlcourse", {}).get("role") == "answer":
            cell.source = answers[cell.id]
    return notebook


def test_check_reports_what_the_grader_will_see(tmp_path, capsys):
    notebook = _answered_exercises()
    # kc1's own check cell passes while the learner works; a later cell changes the answer.
    notebook.cells.append(nbformat.v4.new_code_cell('kc1 = "a"  # changed my mind'))
    path = tmp_path / "00_start_here.ipynb"
    nbformat.write(notebook, path)

    assert main(["check", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    kc1 = next(line for line in lines if line.split()[:1] == ["00.kc1"])
    assert kc1.split()[1:] == ["incorrect", "0/1"], kc1
    kc2 = next(line for line in lines if line.split()[:1] == ["00.kc2"])
    assert kc2.split()[1:] == ["correct", "1/1"], kc2
    assert lines[-1].startswith("Total 11/12 in ")


def test_a_cell_that_runs_too_long_is_interrupted_and_the_rest_still_counts(tmp_path, capsys):
    notebook = _answered_exercises()
    notebook.cells.insert(2, nbformat.v4.new_code_cell("import time\ntime.sleep(60)"))
    path = tmp_path / "00_start_here.ipynb"
    nbformat.write(notebook, path)

    assert main(["check", str(path), "--timeout", "3"]) == 0
    out = capsys.readouterr().out
    assert "Total 12/12 in " in out
    assert "1 cell(s) raised an error" in out


def test_code_that_reaches_the_course_internals_is_named_before_hand_in(tmp_path, capsys):
    notebook = _answered_exercises()
    notebook.cells.append(nbformat.v4.new_code_cell("import mlcourse.keys.m00 as key"))
    path = tmp_path / "00_start_here.ipynb"
    nbformat.write(notebook, path)

    assert main(["check", str(path)]) == 1
    last = capsys.readouterr().out.splitlines()[-1]
    assert last.startswith("Tampered: Not run: ") and "mlcourse.keys.m00" in last, last
