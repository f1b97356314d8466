"""Restoring protected cells from the release, whatever the learner did to them."""

import nbformat
import pytest

from mlcourse.grader._batch import release_notebook
from mlcourse.grader._prepare import Unreadable, prepare, read_submission


@pytest.fixture(scope="module")
def release():
    return release_notebook("01")


def _sources(nb):
    return [c.source for c in nb.cells]


def _role(cell):
    return cell.metadata.get("mlcourse", {}).get("role")


def test_untouched_release_keeps_every_cell_but_the_checks_and_adds_the_extraction(release):
    nb, learner_cells = prepare(release, release, "01", "/out")
    kept = [
        c.source
        for c in release.cells
        if c.cell_type == "code" and c.source.strip() and _role(c) != "check"
    ]
    assert _sources(nb)[:-1] == kept
    assert "__mlcourse_extract('01', globals(), '/out')" in nb.cells[-1].source
    assert learner_cells > 0


def test_check_cells_edited_or_added_are_left_out_of_the_graded_run(release):
    learner = nbformat.from_dict(release)
    checks = [c for c in learner.cells if _role(c) == "check"]
    assert checks
    checks[0].source = "print('Correct')"  # still carries the check role
    learner.cells.append(nbformat.v4.new_code_cell("ex.q3.check()"))
    learner.cells.append(nbformat.v4.new_code_cell("# again\nex.q3.check( )\n"))
    nb, learner_cells = prepare(learner, release, "01", "/out")
    sources = _sources(nb)
    assert not any(".check()" in s for s in sources)
    # what was typed into a check cell runs as the learner's own code (printing counts nothing)
    assert "print('Correct')" in sources
    assert learner_cells == prepare(release, release, "01", "/out")[1] + 1


def test_missing_setup_is_put_back_first(release):
    learner = nbformat.v4.new_notebook()
    learner.cells = [nbformat.v4.new_code_cell("header = 1")]
    nb, learner_cells = prepare(learner, release, "01", "/out")
    assert "setup_notebook" in nb.cells[0].source and nb.cells[1].source == "header = 1"
    assert learner_cells == 1


def test_markdown_and_outputs_are_dropped(release):
    learner = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x = 1")
    cell.outputs = [nbformat.v4.new_output("stream", text="✅ Correct")]
    learner.cells = [nbformat.v4.new_markdown_cell("# hi"), cell]
    nb, _ = prepare(learner, release, "01", "/out")
    assert all(c.cell_type == "code" and not c.outputs for c in nb.cells)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"\xff\xfe", "UTF-8"),
        (b"[1, 2]", "not a notebook"),
        (b'{"cells": [', "not valid JSON"),
    ],
)
def test_unreadable_submissions(data, reason):
    with pytest.raises(Unreadable, match=reason):
        read_submission(data)


def test_sandbox_mounts_come_before_binds(tmp_path):
    """A tmpfs mounted after a bind would hide it (a course checked out under /tmp)."""
    from mlcourse.grader._sandbox import INSIDE, Limits, _bwrap_command, hidden_paths

    command = _bwrap_command("bwrap", tmp_path / "nb.ipynb", Limits(), 61000, ["python"])
    hidden = {str(p) for p in hidden_paths()}
    assert hidden, "the answer keys are installed here, so the sandbox must hide them"
    mounts = [
        i for i, arg in enumerate(command) if arg == "--tmpfs" and command[i + 1] not in hidden
    ]
    overlays = [i for i, arg in enumerate(command) if arg == "--tmpfs" and command[i + 1] in hidden]
    binds = [i for i, arg in enumerate(command) if arg in ("--ro-bind", "--bind")]
    assert max(mounts) < min(binds)
    assert {command[i + 1] for i in mounts} >= {INSIDE, f"{INSIDE}/out", "/dev/shm", "/tmp"}
    assert "--symlink" not in command[: command.index("/tmp") + 1]  # /tmp is not a link
    # the keys are hidden by a mount over the bound sources: after them, never before
    assert len(overlays) == len(hidden) and min(overlays) > max(binds[:-1])
    assert "--bind" not in command, "nothing of the host is bound writable"
    assert "--unshare-net" in command and "--unshare-pid" in command
    assert command[command.index("setpriv") + 1] == "--reuid=61000"


def test_an_answer_typed_into_a_check_or_setup_cell_is_kept_and_the_course_lines_are_not(release):
    learner = nbformat.from_dict(release)
    check = next(c for c in learner.cells if _role(c) == "check")
    check.source = "header = {'n_samples': 178}\n" + check.source
    setup = next(c for c in learner.cells if _role(c) == "setup")
    setup.source += "\nmlcourse.setup_notebook(seed=7)\nkc1 = 'b'  # answered here"
    nb, _ = prepare(learner, release, "01", "/out")
    sources = _sources(nb)
    assert "header = {'n_samples': 178}" in sources
    assert "kc1 = 'b'  # answered here" in sources
    assert sum("setup_notebook" in s for s in sources) == 1  # only the released setup
    assert "seed=7" not in "".join(sources)
    assert not any(".check()" in s for s in sources)
