"""Rules every module's exercises follow, read from the declarations and the solutions notebooks.

- Every choice question shows four options, a) to d), in the notebook.
- Neither the longest nor the shortest option, nor always the same letter, earns more than
  chance would: at most a third of a module's single-answer questions (and at least 2 are
  allowed), so test-taking tricks do not replace reading the lesson.
- Every hidden case of a function problem has a label (what kind of input it is): feedback
  names the kind of case that failed, never the input.
"""

from __future__ import annotations

import copy
import re
from functools import cache
from pathlib import Path

import nbformat
import pytest

from mlcourse.checks import Choice, Function, Value, is_stub_function
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


# --------------------------------------------------------------------------------------
# Function and Value problems of every module: the reference passes, every known mistake is
# wrong with its own message, and a right result that changes its input is rejected.
# --------------------------------------------------------------------------------------

FUNCTIONS = [p for m in MODULES for p in get_module(m).problems if isinstance(p, Function)]
VALUES = [
    p
    for m in MODULES
    for p in get_module(m).problems
    if type(p) is Value and p.mistakes and not p.id.split(".")[1].startswith("kc")
]


def _changes_in_place(arg) -> bool:
    """Change ``arg`` in place the way a careless answer would; False when it cannot be."""
    import numpy as np
    import pandas as pd

    if isinstance(arg, np.ndarray) and arg.size and arg.flags.writeable:
        if arg.dtype.kind == "b":
            arg.flat[0] = not arg.flat[0]
        elif arg.dtype.kind in "iuf":
            with np.errstate(over="ignore"):
                arg.flat[0] += 1
        else:
            return False
        return True
    if isinstance(arg, (pd.DataFrame, pd.Series)) and arg.size:
        arg.drop(arg.index[0], inplace=True)
        return True
    if isinstance(arg, list):
        arg.append(arg[0] if arg else 0)
        return True
    if isinstance(arg, dict):
        arg["__added__"] = 0
        return True
    return False


def _mutating(reference):
    """``reference``, but it also changes its first argument that can be changed in place."""

    def wrapper(*args, **kwargs):
        result = reference(*copy.deepcopy(args), **copy.deepcopy(kwargs))
        # the first of three arguments that can be changed, unrolled: some exercises reject a
        # function with a loop, a comprehension or even `filter` in its code
        given = (*args, *kwargs.values(), None, None, None)
        _ = (
            _changes_in_place(given[0])
            or _changes_in_place(given[1])
            or _changes_in_place(given[2])
        )
        return result

    return wrapper


def _takes_something_mutable(fn: Function) -> bool:
    import numpy as np
    import pandas as pd

    mutable = (np.ndarray, pd.DataFrame, pd.Series, list, dict)
    return any(
        isinstance(arg, mutable)
        for _, case in fn.cases()
        if case.raises is None  # where the call raises, it never gets to change its input
        for arg in (*case.args, *case.kwargs.values())
    )


#: Problems whose declared reference may not be handed in as it is, and why.
_REFERENCE_BREAKS_THE_RULE = {
    "12.2": "the reference calls scikit-learn's average_precision_score, which 12.2 forbids",
}


def _as_written(function):
    """``function`` as a learner would write it: a body that does something.

    A declared mistake such as ``lambda x: None`` has the body of an unwritten stub, which
    reads as not attempted; a learner's function that prints instead of returning does not.
    """
    if not is_stub_function(function):
        return function

    def written(*args, **kwargs):
        return function(*args, **kwargs)

    return written


@pytest.mark.parametrize("fn", FUNCTIONS, ids=lambda p: p.id)
def test_the_reference_passes_and_every_known_mistake_gets_its_own_message(fn):
    if fn.id not in _REFERENCE_BREAKS_THE_RULE:
        assert fn.check({fn.name: fn.reference}).correct, fn.id
    for mistake in fn.mistakes:
        wrong = _as_written(getattr(mistake.value, "wrong", mistake.value))  # plain function
        result = fn.check({fn.name: wrong})
        # a function that returns nothing reads as not attempted yet, with the same message
        assert result.status in ("incorrect", "not_attempted"), (fn.id, mistake.message)
        assert mistake.message in result.message, (fn.id, result.message)


@pytest.mark.parametrize(
    "fn",
    [
        p
        for p in FUNCTIONS
        if not p.may_mutate
        and _takes_something_mutable(p)
        and p.id not in _REFERENCE_BREAKS_THE_RULE
    ],
    ids=lambda p: p.id,
)
def test_a_right_result_that_changes_its_input_is_rejected(fn):
    result = fn.check({fn.name: _mutating(fn.reference)})
    assert result.status == "incorrect", (fn.id, result.message)
    assert "in place" in result.message, (fn.id, result.message)


@pytest.mark.parametrize("value", VALUES, ids=lambda p: p.id)
def test_the_expected_value_passes_and_every_known_mistake_gets_its_own_message(value):
    assert value.check({value.var: value.expected_value()}).correct, value.id
    for mistake in value.mistakes:
        result = value.check({value.var: mistake.value()})
        assert result.status == "incorrect", (value.id, mistake.message)
        assert mistake.message in result.message, (value.id, result.message)


@pytest.mark.parametrize("module", MODULES)
def test_choice_feedback_explains_wrong_letters_only(module):
    for problem in (p for p in get_module(module).problems if isinstance(p, Choice)):
        feedback = problem.feedback
        assert isinstance(feedback, dict), problem.id
        assert set(feedback) <= set(problem.choices) - set(problem.answer), problem.id
        assert all(isinstance(text, str) and text.strip() for text in feedback.values())
