"""solutions -> exercises: cells dropped, answers blanked, outputs cleared, roles recorded."""

import json
import subprocess
import sys

import nbformat
import pytest

from mlcourse.build import (
    BuildError,
    build_course,
    build_notebook,
    classify,
    read_notebook,
    render,
)
from tests.helpers import code, demo_module, demo_solution_notebook


def test_exercises_notebook_has_no_answers_no_selftests_no_outputs():
    nb = build_notebook(demo_solution_notebook(), "solutions/99_demo.ipynb", demo_module())
    sources = [c.source for c in nb.cells]
    assert "values = [1, 2, 3]\ntotal = ..." in sources
    assert 'def double(x):\n    """Twice x."""\n    ...' in sources
    assert "kc1 = ..." in sources
    assert not any("assert_rejects" in s for s in sources)
    assert not any("SOLUTION" in s for s in sources)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    assert nb.metadata.kernelspec.name == "mlcourse"
    assert nb.metadata.mlcourse["problems"] == ["99.1", "99.2", "99.kc1"]
    nbformat.validate(nb)


def test_roles_are_recorded_for_the_grader():
    nb = build_notebook(demo_solution_notebook(), "solutions/99_demo.ipynb", demo_module())
    roles = [(c.metadata.mlcourse["role"], c.metadata.mlcourse.get("problem")) for c in nb.cells]
    assert roles[1] == ("setup", None)
    assert ("answer", "99.1") in roles and ("check", "99.1") in roles
    assert ("answer", "99.2") in roles and ("check", "99.2") in roles
    assert ("answer", "99.kc1") in roles and ("check", "99.kc1") in roles
    assert roles[0] == ("prompt", None)


def test_build_is_deterministic_and_idempotent():
    source = demo_solution_notebook()
    first = render(build_notebook(source, "s.ipynb", demo_module()))
    second = render(build_notebook(source, "s.ipynb", demo_module()))
    assert first == second
    assert json.loads(first)["nbformat_minor"] == 5


def test_cells_without_ids_get_stable_ids():
    source = demo_solution_notebook()
    for cell in source.cells:
        del cell["id"]
    ids_a = [c.id for c in build_notebook(source, "s.ipynb", demo_module()).cells]
    ids_b = [c.id for c in build_notebook(source, "s.ipynb", demo_module()).cells]
    assert ids_a == ids_b and len(set(ids_a)) == len(ids_a)


def test_answer_cells_belong_to_the_next_check():
    cells = [code("a = 1  # SOLUTION"), code("b = 2  # SOLUTION"), code("ex.q4.check()")]
    assert [r.attribute for r in classify(cells)] == ["q4", "q4", "q4"]


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (lambda nb: nb.cells.pop(4), "without a check cell: q1"),
        (lambda nb: nb.cells.pop(5), "without a self-test"),
        (lambda nb: nb.cells.insert(5, code("ex.q1.check()")), "more than one check cell"),
        (lambda nb: nb.cells.append(code("ex.q7.check()")), "undeclared problems ['q7']"),
        (lambda nb: nb.cells.pop(1), "no setup cell"),
        (lambda nb: nb.cells.append(code("z = 1  # SOLUTION")), "no check cell after it"),
        (lambda nb: nb.cells.insert(4, code("# BEGIN SOLUTION\nx = 1")), "cell 5: line 1"),
    ],
)
def test_inconsistent_solutions_are_refused_naming_the_file(mutate, fragment):
    nb = demo_solution_notebook()
    mutate(nb)
    with pytest.raises(BuildError, match=fragment.replace("[", r"\[").replace("]", r"\]")) as info:
        build_notebook(nb, "solutions/99_demo.ipynb", demo_module())
    assert str(info.value).startswith("solutions/99_demo.ipynb")


def _course(tmp_path):
    (tmp_path / "solutions").mkdir()
    nb = demo_solution_notebook()
    nbformat.write(nb, str(tmp_path / "solutions" / "98_plain.ipynb"))
    return tmp_path


def test_build_course_writes_then_is_in_sync(tmp_path):
    root = _course(tmp_path)
    report = build_course(root, check=True)
    assert not report.in_sync and not (root / "exercises").exists()
    report = build_course(root)
    assert [p.name for p in report.written] == ["98_plain.ipynb"]
    assert build_course(root, check=True).in_sync
    assert build_course(root).written == []


def test_build_check_detects_hand_edits_and_orphans(tmp_path):
    root = _course(tmp_path)
    build_course(root)
    target = root / "exercises" / "98_plain.ipynb"
    target.write_text(target.read_text().replace("total = ...", "total = 6"))
    assert not build_course(root, check=True).in_sync
    build_course(root)
    (root / "exercises" / "97_orphan.ipynb").write_text("{}")
    report = build_course(root, check=True)
    assert [p.name for p in report.stale] == ["97_orphan.ipynb"]
    build_course(root)
    assert not (root / "exercises" / "97_orphan.ipynb").exists()


def test_malformed_notebook_gives_one_line_error_naming_the_file(tmp_path):
    root = _course(tmp_path)
    (root / "solutions" / "96_broken.ipynb").write_text('{"cells": [')
    with pytest.raises(BuildError) as info:
        build_course(root)
    message = str(info.value)
    assert "96_broken.ipynb" in message and "\n" not in message
    with pytest.raises(BuildError, match="not a readable notebook"):
        read_notebook(root / "solutions" / "96_broken.ipynb")


def test_cli_build_check_and_errors(tmp_path):
    root = _course(tmp_path)
    cli = [sys.executable, "-m", "mlcourse.cli", "build", "--root", str(root)]
    out = subprocess.run([*cli, "--check"], capture_output=True, text=True)
    assert out.returncode == 1 and "out of date: exercises/98_plain.ipynb" in out.stdout
    out = subprocess.run(cli, capture_output=True, text=True)
    assert out.returncode == 0 and "1 written" in out.stdout
    out = subprocess.run([*cli, "--check"], capture_output=True, text=True)
    assert out.returncode == 0 and "in sync" in out.stdout
    (root / "solutions" / "96_broken.ipynb").write_text("not json")
    out = subprocess.run(cli, capture_output=True, text=True)
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and "96_broken.ipynb" in out.stderr
