"""Rules every module's exercises follow, read from the declarations and the solutions notebooks.

- Every choice question shows four options, a) to d), in the notebook.
- Neither the longest nor the shortest option, nor always the same letter, earns more than
  chance would: at most a third of a module's single-answer questions (and at least 2 are
  allowed), so test-taking tricks do not replace reading the lesson.
- Every hidden case of a function problem has a label (what kind of input it is): feedback
  names the kind of case that failed, never the input.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import nbformat
import pytest

from mlcourse.checks import Choice, Function
from mlcourse.exercises import available_modules, get_module

ROOT = Path(__file__).resolve().parents[2]
_OPTION = re.compile(r"^(?:- )?(?:\*\*)?([a-d])\)(?:\*\*)? (.+?)\s*$", re.MULTILINE)
MODULES = available_modules()


@cache
def quiz_options(module: str) -> dict[str, dict[str, str]]:
    """``{"kc1": {"a": text, ...}}``: the options in the markdown cell before each answer cell."""
    notebook = nbformat.read(next((ROOT / "solutions").glob(f"{module}_*.ipynb")), as_version=4)
    choices = [p for p in get_module(module).problems if isinstance(p, Choice)]
    found = {}
    for problem in choices:
        assigns = re.compile(rf"^{re.escape(problem.var)}\s*=", re.MULTILINE)
        for i, cell in enumerate(notebook.cells):
            if cell.cell_type == "code" and assigns.search(cell.source):
                prose = [c for c in notebook.cells[:i] if c.cell_type == "markdown"]
                found[problem.var] = dict(_OPTION.findall(prose[-1].source)) if prose else {}
                break
    return found


def _singles(module: str) -> list[Choice]:
    problems = get_module(module).problems
    return [p for p in problems if isinstance(p, Choice) and len(p.answer) == 1]


def _allowed(module: str) -> int:
    return max(2, len(_singles(module)) // 3)


@pytest.mark.parametrize("module", MODULES)
def test_every_choice_question_shows_fourquiz_options(module):
    options = quiz_options(module)
    for problem in (p for p in get_module(module).problems if isinstance(p, Choice)):
        assert sorted(options.get(problem.var, {})) == list("abcd"), f"{module} {problem.var}"


@pytest.mark.parametrize("pick", [max, min], ids=["longest", "shortest"])
@pytest.mark.parametrize("module", MODULES)
def test_the_length_of_an_option_gives_nothing_away(module, pick):
    options = quiz_options(module)
    right = 0
    for problem in _singles(module):
        texts = options[problem.var]
        right += problem.check({problem.var: pick(texts, key=lambda k: len(texts[k]))}).correct
    assert right <= _allowed(module), (
        f"module {module}: the {pick.__name__} option is right in {right} of "
        f"{len(_singles(module))} questions"
    )


@pytest.mark.parametrize("letter", "abcd")
@pytest.mark.parametrize("module", MODULES)
def test_always_the_same_letter_earns_little(module, letter):
    right = sum(p.check({p.var: letter}).correct for p in _singles(module))
    assert right <= _allowed(module), (
        f"module {module}: answering {letter!r} everywhere gets {right} of {len(_singles(module))}"
    )


@pytest.mark.parametrize("module", MODULES)
def test_every_hidden_case_has_a_label(module):
    for problem in get_module(module).problems:
        if isinstance(problem, Function):
            for hidden, case in problem.cases():
                assert case.label or not hidden, f"{problem.id}: a hidden case without a label"
