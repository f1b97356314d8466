"""Notebooks built in memory for tests, and the browser tests' Chromium and screenshots."""

import os
import shutil
from pathlib import Path

import nbformat
import pytest

from mlcourse.checks import Case, Choice, Function, Value
from mlcourse.exercises import Module


def code(source, tags=()):
    cell = nbformat.v4.new_code_cell(source)
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def md(source):
    return nbformat.v4.new_markdown_cell(source)


def demo_module():
    """A two-exercise, one-question module numbered 99."""
    return Module(
        "99",
        "demo",
        "Demo",
        problems=(
            Value("99.1", var="total", expected=lambda: 6, hints=["add", "sum()"]),
            Function(
                "99.2", name="double", reference=lambda x: 2 * x, cases=[Case(2)], hidden=[Case(-1)]
            ),
            Choice("99.kc1", var="kc1", choices="ab", answer="a"),
        ),
    )


def demo_solution_notebook():
    """A solutions notebook for :func:`demo_module`, with ids like a real one."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        md("# Module 99 — Demo"),
        code(
            'import mlcourse\n\nmlcourse.setup_notebook(seed=42)\nex = mlcourse.exercises.load("99")'
        ),
        md("### Exercise 1"),
        code("values = [1, 2, 3]\ntotal = sum(values)  # SOLUTION"),
        code("ex.q1.check()"),
        code("ex.q1.assert_rejects(total=5)", tags=["solution-only"]),
        md("### Exercise 2"),
        code(
            'def double(x):\n    """Twice x."""\n    # BEGIN SOLUTION\n    y = x * 2\n    return y\n    # END SOLUTION'
        ),
        code("ex.q2.check()"),
        code(
            "ex.q2.assert_rejects(double=lambda x: x + x if x > 0 else 0)", tags=["solution-only"]
        ),
        md("## Knowledge check"),
        code('kc1 = "a"  # SOLUTION'),
        code("ex.kc1.check()"),
        code('ex.kc1.assert_rejects(kc1="b")', tags=["solution-only"]),
    ]
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index}"
        if cell.cell_type == "code":
            cell.outputs = [nbformat.v4.new_output("stream", text="ran\n")]
            cell.execution_count = index
    return nb


def problem_helpers(number):
    """``(problem, outcome)`` for a module's tests: a problem by its id, and its live check.

    ``outcome("01.3", name=value)`` is what ``check()`` says about a namespace holding ``value``.
    """
    from mlcourse.exercises import get_module

    problems = {p.id: p for p in get_module(number).problems}

    def problem(problem_id: str):
        return problems[problem_id]

    def outcome(problem_id: str, **values):
        return problems[problem_id].check(values)

    return problem, outcome


def mutating(reference):
    """``reference``, but it also changes its first array or list argument in place.

    A right result from a function that changes its input must be rejected: the tests of
    every module with Function problems use this as the attempt.
    """
    import copy

    import numpy as np

    def wrapper(*args, **kwargs):
        result = reference(*copy.deepcopy(args), **copy.deepcopy(kwargs))
        for arg in args:
            if isinstance(arg, np.ndarray) and arg.size and arg.dtype.kind == "f":
                arg.flat[0] += 1.0
                break
            if isinstance(arg, list) and arg:
                arg.append(arg[0])
                break
        return result

    return wrapper


def option_length_scores(notebook: str, key: dict) -> tuple[int, dict[str, int]]:
    """How many choice questions a solutions notebook has, and how many of them picking the
    longest (or the shortest) option of every question gets right.

    Parameters
    ----------
    notebook : str
        The notebook's file name in ``solutions/`` (its questions are markdown cells that
        start with ``**Question N.**`` and list options ``a) ...`` to ``d) ...``).
    key : dict
        The module's answer key (``mlcourse.keys.mNN.KEY``).
    """
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    nb = nbformat.read(root / "solutions" / notebook, as_version=4)
    module = notebook[:2]
    earned = {"longest": 0, "shortest": 0}
    questions = 0
    for cell in nb.cells:
        found = re.match(r"\*\*Question (\d+)\.\*\*", cell.source)
        if cell.cell_type != "markdown" or not found:
            continue
        options = dict(re.findall(r"^([a-d])\) (.+?)\s*$", cell.source, flags=re.MULTILINE))
        answer = key[f"{module}.kc{found.group(1)}"].get("answer")
        if not options or answer is None:
            continue
        questions += 1
        lengths = {letter: len(text) for letter, text in options.items()}
        earned["longest"] += max(lengths, key=lengths.get) == answer
        earned["shortest"] += min(lengths, key=lengths.get) == answer
    return questions, earned


#: The system's Chromium, which the browser tests drive through Playwright.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def needs_chromium() -> pytest.MarkDecorator:
    """A mark that skips a browser test (or module, as ``pytestmark``) without Chromium.

    Returns
    -------
    pytest.MarkDecorator
        ``skipif`` Chromium is not installed at :data:`CHROMIUM`, saying how to install it.
    """
    return pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason="Chromium is not installed and could not be (make test installs it with apt-get "
        "where it may: apt-get install chromium)",
    )


def screenshot_folder(name: str, tmp_path: Path) -> Path:
    """Where a browser test keeps its screenshots.

    ``$MLCOURSE_TEST_ARTIFACTS/NAME`` when that variable is set (``make test`` sets it to
    ``test-output/``, kept after the run), else the test's own temporary folder.
    """
    kept = os.environ.get("MLCOURSE_TEST_ARTIFACTS")
    folder = Path(kept) / name if kept else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder
