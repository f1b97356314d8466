"""The question bank's validation: every malformed question is rejected, naming file and id."""

from __future__ import annotations

import pytest

from mlcourse.quiz import BankError, Question, load_bank, load_file

from .helpers import FIXTURE_BANK, choice, code, numeric, without, write_bank


def test_the_fixture_bank_loads_in_module_then_file_order():
    bank = load_bank(FIXTURE_BANK)
    assert [q.id for q in bank] == ["m03-q01", "m03-q02", "m07-q01", "m07-q02", "m07-q03"]
    assert all(isinstance(q, Question) for q in bank)
    by_id = {q.id: q for q in bank}
    assert by_id["m07-q02"].answer == 0.75 and by_id["m07-q02"].tolerance == 0.0005
    assert by_id["m07-q01"].options[0] == "TP/(TP+FP)"
    assert by_id["m07-q03"].cases == ([30, 10], [0, 0], [7, 0])
    assert by_id["m07-q03"].source.name == "m07.toml"


def test_defaults_for_tolerances(tmp_path):
    path = write_bank(tmp_path, "m07.toml", [without(numeric(), "tolerance"), code()])
    questions = load_file(path)
    assert questions[0].tolerance == 1e-6
    assert questions[1].tolerance == 1e-9


RULES = [
    # (questions in m07.toml, fragment of the error)
    ([choice(), choice(id="m07-q01", prompt="Another")], "id 'm07-q01' is used twice"),
    ([choice(module="08")], "does not match the file"),
    ([choice(id="m08-q01")], "does not start with m07"),
    ([choice(id="07-1")], "not of the form mNN-qKK"),
    ([choice(kind="essay")], "kind 'essay' is not one of"),
    ([choice(difficulty="trivial")], "difficulty 'trivial'"),
    ([choice(options=["x", "y", "z"])], "exactly 4"),
    ([choice(options=["x", "y", "z", "x"])], "4 different strings"),
    ([choice(options=["x", "y", "z", ""])], "exactly 4 non-empty"),
    ([choice(answer="e")], "answer 'e' must be one of a, b, c, d"),
    ([choice(answer="A")], "must be one of a, b, c, d"),
    ([without(choice(), "options")], "needs 'options'"),
    ([without(choice(), "explanation")], "missing 'explanation'"),
    ([choice(prompt="   ")], "'prompt' must be a non-empty string"),
    ([choice(hint="x")], "unknown key 'hint'"),
    ([numeric(answer="0.75")], "must be a finite number"),
    ([numeric(answer=True)], "must be a finite number"),
    ([numeric(tolerance=-0.1)], "non-negative number"),
    ([numeric(tolerence=0.1)], "unknown key 'tolerence'"),
    ([without(code(), "function")], "needs 'function'"),
    ([without(code(), "starter")], "needs 'starter'"),
    ([without(code(), "reference")], "needs 'reference'"),
    ([without(code(), "cases")], "needs 'cases'"),
    (
        [code(reference="def recall(tp, fn):\n    return tp / (tp + fn)\n")],
        "reference does not define",
    ),
    ([code(reference="def precision(tp, fp)\n    return 1\n")], "reference does not compile"),
    ([code(starter="x = 1\n")], "starter does not define"),
    ([code(function="not a name")], "is not a Python name"),
    ([code(cases=[])], "non-empty list of argument lists"),
    ([code(cases=[30, 10])], "non-empty list of argument lists"),
    ([code(cases=[[30, 10], [1]])], "case 2 has 1 argument(s)"),
]


@pytest.mark.parametrize(("questions", "fragment"), RULES, ids=[r[1] for r in RULES])
def test_each_rule_rejects_a_malformed_question(tmp_path, questions, fragment):
    path = write_bank(tmp_path, "m07.toml", questions)
    with pytest.raises(BankError) as info:
        load_bank(tmp_path)
    text = "\n".join(info.value.problems)
    assert fragment in text, text
    qid = questions[-1].get("id", "question 1")
    assert any(p.startswith(f"{path.name}, ") and fragment in p for p in info.value.problems)
    assert qid in text or "question 1" in text


def test_a_valid_question_beside_a_bad_one_is_not_enough(tmp_path):
    write_bank(tmp_path, "m07.toml", [choice(), numeric(answer="x")])
    with pytest.raises(BankError, match=r"m07.toml, m07-q02: answer 'x'"):
        load_bank(tmp_path)


def test_ids_are_unique_across_files_because_they_carry_their_module(tmp_path):
    write_bank(tmp_path, "m07.toml", [choice()])
    write_bank(tmp_path, "m08.toml", [choice(module="08", id="m08-q01")])
    assert len(load_bank(tmp_path)) == 2
    # an id from another module cannot be smuggled in, so a clash needs the same file name rule
    write_bank(tmp_path, "m08.toml", [choice(module="08", id="m07-q01")])
    with pytest.raises(BankError, match="does not start with m08"):
        load_bank(tmp_path)


def test_every_problem_is_listed_not_only_the_first(tmp_path):
    write_bank(tmp_path, "m07.toml", [choice(answer="z"), numeric(answer="x")])
    with pytest.raises(BankError) as info:
        load_bank(tmp_path)
    assert len(info.value.problems) == 2
    assert "and 1 more problem" in str(info.value)


@pytest.mark.parametrize(
    ("name", "text", "fragment"),
    [
        ("m07.toml", "[[question]\nid = 1", "not valid TOML"),
        ("m07.toml", "title = 'x'\n", "unknown top-level key 'title'"),
        ("m07.toml", "", "no [[question]] tables"),
        ("m99.toml", "", "no module 99 in the course"),
        ("questions.toml", "", "named mNN.toml"),
    ],
)
def test_malformed_files_are_rejected(tmp_path, name, text, fragment):
    (tmp_path / name).write_text(text)
    with pytest.raises(BankError) as info:
        load_bank(tmp_path)
    assert fragment in str(info.value) and name in str(info.value)


def test_a_missing_bank_folder_is_an_error_but_the_course_bank_may_be_absent(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such question bank"):
        load_bank(tmp_path / "nothing-here")
    assert load_bank(tmp_path) == []  # an empty folder: no questions, no error
