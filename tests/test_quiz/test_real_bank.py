"""The course's own question bank: it loads, validates, and every reference passes its cases."""

from __future__ import annotations

from collections import Counter

import pytest

from mlcourse.quiz import BANK_DIR, TIME_LIMIT, BankError, grade_answer, load_bank

FILES = sorted(BANK_DIR.glob("m*.toml"))
MINIMUM_QUESTIONS = 150  # the floor for the whole roadmap
try:
    BANK = load_bank()
except BankError:  # reported by test_the_bank_loads_and_validates, not at collection
    BANK = []


def test_the_bank_loads_and_validates():
    bank = load_bank()  # raises BankError listing every problem, by file and question id
    assert len(bank) >= MINIMUM_QUESTIONS
    # every module of the roadmap before the capstone has its questions
    assert {q.module for q in bank} >= {f"{n:02d}" for n in range(25)}
    assert {q.source.name for q in bank} == {path.name for path in FILES}  # no file is empty


CODE = [q for q in BANK if q.kind == "code"]


@pytest.mark.parametrize("question", CODE, ids=[q.id for q in CODE])
def test_every_reference_passes_its_own_cases(question):
    result = grade_answer(question, question.reference, timeout=TIME_LIMIT)
    assert result.right, result.message


@pytest.mark.parametrize("question", CODE, ids=[q.id for q in CODE])
def test_the_starter_does_not_pass(question):
    assert not grade_answer(question, question.starter, timeout=30).right


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_each_module_spreads_difficulties_and_right_letters(path):
    questions = [q for q in BANK if q.source == path]
    assert questions, f"{path.name}: no question loaded (see test_the_bank_loads_and_validates)"
    assert {q.difficulty for q in questions} == {"easy", "medium", "hard"}
    letters = Counter(q.answer for q in questions if q.kind == "choice")
    if sum(letters.values()) >= 4:
        assert len(letters) >= 3, letters  # not one or two letters for every right option
