"""Every module's problems split into a declaration (kernel side) and an answer key (evaluator)."""

import ast
import importlib
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mlcourse.checks import Choice, Problem
from mlcourse.checks._keys import FROM_KEY, KeyUnavailable, answer_key
from mlcourse.exercises import available_modules, get_module

MODULES = available_modules()
EXERCISES = Path(importlib.import_module("mlcourse.exercises").__file__).parent


@pytest.mark.parametrize("number", MODULES)
def test_every_problem_takes_its_reference_from_the_key(number):
    module = get_module(number)
    inline = [p.id for p in module.problems if not p.keyed]
    assert not inline, f"module {number}: reference given in the declaration for {inline}"


@pytest.mark.parametrize("number", MODULES)
def test_the_key_covers_exactly_the_declared_problems(number):
    module = get_module(number)
    key = importlib.import_module(f"mlcourse.keys.m{number}").KEY
    assert set(key) == {p.id for p in module.problems if p.reference_parts}
    for problem in module.problems:
        if not problem.reference_parts:
            continue
        entry = answer_key(problem.id)
        parts = problem.reference_parts
        unknown = set(entry) - set(parts)
        assert not unknown, f"{problem.id}: unknown key parts {unknown}"
        required = {k for k, default in parts.items() if default is FROM_KEY}
        assert required <= set(entry), f"{problem.id}: key lacks {required - set(entry)}"
        if isinstance(problem, Choice):
            assert set(problem.answer) <= set(problem.choices), problem.id


@pytest.mark.parametrize("number", MODULES)
def test_a_declaration_never_imports_a_key(number):
    tree = ast.parse((EXERCISES / f"m{number}.py").read_text())
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""] + [a.name for a in node.names]
        assert not any("keys" in n.split(".") for n in names), f"m{number}.py imports a key"


def test_without_keys_declarations_load_collect_and_defer_the_verdict():
    """What the grading sandbox sees: no mlcourse.keys, every declaration still works."""
    script = textwrap.dedent(
        """
        import sys
        sys.modules["mlcourse.keys"] = None  # as if the folder were absent
        from mlcourse.checks._keys import keys_available
        from mlcourse.exercises import available_modules, get_module
        assert not keys_available()
        for number in available_modules():
            for problem in get_module(number).problems:
                if problem.kind == "logged_run":
                    continue
                answer = problem.collect({})
                assert answer.missing is not None, problem.id
                if problem.reference_parts:
                    try:
                        problem.reference_part(next(iter(problem.reference_parts)))
                    except LookupError as error:
                        assert type(error).__name__ == "KeyUnavailable", error
                    else:
                        raise AssertionError(f"{problem.id}: its key was readable")
        print("ok", len(available_modules()))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.startswith("ok")


def test_a_missing_key_is_a_checker_error_never_a_verdict(monkeypatch):
    problem = get_module("00").problem("00.1")

    def unavailable(problem_id):
        raise KeyUnavailable("no answer key for module 00 is installed here")

    monkeypatch.setattr("mlcourse.checks._problems.answer_key", unavailable)
    outcome = problem.check({"average_minutes": 32.14})
    assert outcome.status == "checker_error"
    assert outcome.points == 0 and outcome.details == {"key_unavailable": True}
    assert "judged when it is graded" in outcome.message
    # said as what it is, not as a bug to report
    assert "report it" not in outcome.message and "Checker error" not in str(outcome)
    assert str(outcome).startswith("⏳ Judged when graded — 00.1")


def test_reference_parts_are_all_inline_or_all_keyed():
    from mlcourse.checks import Value

    with pytest.raises(ValueError, match="every reference part inline or none"):
        Value("99.1", var="x", mistakes=[])
    assert Value("99.1", var="x", expected=1).keyed is False
    assert Value("99.1", var="x").keyed is True
    assert isinstance(Value("99.1", var="x"), Problem)


_GIVEAWAYS = (
    "the answer is",
    "the right answer",
    "the correct answer",
    "close, but",
    "almost right",
    "almost there",
)


@pytest.mark.parametrize("number", MODULES)
def test_every_wrong_option_says_why_it_is_wrong(number):
    """A wrong pick teaches something: each wrong letter of a one-answer question has feedback,
    which never names a letter as right."""
    for problem in get_module(number).problems:
        if not isinstance(problem, Choice) or len(problem.answer) != 1:
            continue
        wrong = set(problem.choices) - set(problem.answer)
        assert set(problem.feedback) == wrong, (
            f"{problem.id}: feedback for {sorted(problem.feedback)}, wrong letters {sorted(wrong)}"
        )
        for letter, text in problem.feedback.items():
            assert len(text.split()) >= 6, (
                f"{problem.id} {letter}: feedback too short to teach: {text!r}"
            )
            lowered = text.lower()
            assert not any(g in lowered for g in _GIVEAWAYS), f"{problem.id} {letter}: {text!r}"
            assert (
                f"({problem.answer})" not in lowered and f"option {problem.answer}" not in lowered
            ), f"{problem.id} {letter}: names the right option"
