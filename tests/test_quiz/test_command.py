"""`mlcourse quiz` end to end through the command line, with a fixture bank and check history."""

from __future__ import annotations

import builtins
import datetime as dt
import io
import json

import pytest

from mlcourse.cli import main
from mlcourse.quiz import QuizHistory, load_bank, next_questions

from .helpers import FIXTURE_BANK

RIGHT_CODE = "def precision(tp, fp):\n    if tp + fp == 0:\n        return 0.0\n    return tp / (tp + fp)\n.\n"


@pytest.fixture
def learner(tmp_path, monkeypatch):
    """A learner whose checks went badly on module 03 and well on module 07."""
    events = tmp_path / "state" / "events.jsonl"
    events.parent.mkdir()
    lines = [{"module": "03", "problem": "03.1", "status": "incorrect"}] * 6
    lines += [{"module": "07", "problem": "07.1", "status": "correct"}] * 6
    events.write_text("".join(json.dumps(e) + "\n" for e in lines))
    monkeypatch.setenv("MLCOURSE_EVENTS", str(events))
    return tmp_path / "state"


def _drill(monkeypatch, capsys, text, *argv):
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    status = main(["quiz", "--bank", str(FIXTURE_BANK), *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _answers_for(order, wrong_choice=True):
    text = []
    for question in order:
        if question.kind == "choice":
            text.append("e\n" + ("b\n" if wrong_choice else "a\n"))  # "e" is re-asked
        elif question.kind == "numeric":
            text.append("3/4\n")
        else:
            text.append(RIGHT_CODE)
    return "".join(text)


def test_a_three_question_drill_grades_explains_saves_and_sums_up(learner, monkeypatch, capsys):
    bank = load_bank(FIXTURE_BANK)
    order = next_questions(bank, None, [], 3, seed=5, modules=["07"], today=dt.date.today())
    assert sorted(q.kind for q in order) == ["choice", "code", "numeric"]
    status, out, err = _drill(
        monkeypatch, capsys, _answers_for(order), "--module", "07", "--n", "3", "--seed", "5"
    )
    assert status == 0, err
    assert [
        line.split("[")[1][:-1] for line in out.splitlines() if line.startswith("Question ")
    ] == [q.id for q in order]
    assert "answer with one letter: a, b, c or d" in out  # the "e" was asked again
    assert out.count("Right.") == 2 and out.count("Not right: (b) is not the right option.") == 1
    assert "Why: Guard the zero denominator." in out
    assert "Score: 2/3" in out
    assert "module 07 Classification and evaluation: 2/3; review: precision" in out
    history = json.loads((learner / "quiz.json").read_text())["questions"]
    today = dt.date.today()
    assert history["m07-q01"]["box"] == 0 and history["m07-q01"]["due"] == today.isoformat()
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    assert history["m07-q02"] == {
        "box": 1,
        "due": tomorrow,
        "answers": [{"date": today.isoformat(), "right": True}],
    }
    assert history["m07-q03"]["box"] == 1

    # the same day, only the question answered wrongly is due again among those asked
    status, out, _ = _drill(monkeypatch, capsys, "", "--due")
    assert status == 0
    assert out.strip() == f"1 question(s) due now, 2 never asked. Next: 2 due on {tomorrow}."
    status, out, _ = _drill(monkeypatch, capsys, "a\n", "--module", "07")
    assert out.count("Question ") == 1 and "[m07-q01]" in out and "Score: 1/1" in out


def test_the_weakest_module_from_the_check_history_comes_first(learner, monkeypatch, capsys):
    firsts = []
    for seed in range(16):
        _, out, _ = _drill(monkeypatch, capsys, "q\n", "--seed", str(seed))
        firsts.append(out.split("[", 1)[1][:3])
    # two questions of weight 7/8 against three of 1/8: module 03 first with probability
    # 14/17, about 13 times in 16; a uniform choice would give 6 or 7
    assert firsts.count("m03") >= 10, firsts
    _, out, _ = _drill(monkeypatch, capsys, "", "--list")
    weakest = out.split("weakest first):\n")[1].splitlines()
    assert weakest[0] == "  03 pandas: 6 of 6 not right"
    assert weakest[1] == "  07 Classification and evaluation: 0 of 6 not right"
    assert "total           5        2        1        2       2       1       2" in out


def test_end_of_input_stops_the_drill_and_keeps_what_was_answered(learner, monkeypatch, capsys):
    bank = load_bank(FIXTURE_BANK)
    order = next_questions(bank, None, [], 3, seed=2, modules=["07"], today=dt.date.today())
    status, out, _ = _drill(
        monkeypatch, capsys, _answers_for(order[:1]), "--module", "07", "--seed", "2"
    )
    assert status == 0
    assert "Stopped. Your 1 answer(s) are saved." in out and "Score: " in out
    assert list(QuizHistory.load(learner / "quiz.json").entries) == [order[0].id]


def test_q_stops_the_drill_at_once(learner, monkeypatch, capsys):
    status, out, _ = _drill(monkeypatch, capsys, "q\n", "--seed", "1")
    assert (
        status == 0
        and "Stopped. Your 0 answer(s) are saved." in out
        and "No question answered." in out
    )
    assert not (learner / "quiz.json").exists()


def test_ctrl_c_stops_the_drill_cleanly(learner, monkeypatch, capsys):
    answers = iter(["a", "3/4"])

    def typed(prompt=""):
        try:
            return next(answers)
        except StopIteration:
            raise KeyboardInterrupt from None

    monkeypatch.setattr(builtins, "input", typed)
    status = main(
        ["quiz", "--bank", str(FIXTURE_BANK), "--module", "07", "--n", "3", "--seed", "0"]
    )
    out = capsys.readouterr().out
    assert status == 0 and "Stopped." in out
    saved = QuizHistory.load(learner / "quiz.json").entries
    assert 1 <= len(saved) <= 2  # the answers before Ctrl+C (a code question may be among them)


def test_reset_needs_yes_and_keeps_a_copy(learner, monkeypatch, capsys):
    (learner / "quiz.json").write_text('{"version": 1, "questions": {}}')
    status, _, err = _drill(monkeypatch, capsys, "", "--reset")
    assert status == 2 and err.count("\n") == 1 and "add --yes to confirm" in err
    assert (learner / "quiz.json").exists()
    status, out, _ = _drill(monkeypatch, capsys, "", "--reset", "--yes")
    assert status == 0 and "kept as" in out
    assert not (learner / "quiz.json").exists() and (learner / "quiz.json.bak").exists()


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (
            ["--module", "05"],
            "no questions for module 05 in the bank; modules with questions: 03 07",
        ),
        (["--module", "99"], "no module 99 in the course"),
        (["--n", "0"], "--n must be at least 1, not 0"),
        (["--n", "-3"], "--n must be at least 1"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(learner, monkeypatch, capsys, argv, fragment):
    status, _, err = _drill(monkeypatch, capsys, "", *argv)
    assert status == 2
    assert err.count("\n") == 1 and err.startswith("mlcourse quiz: error: ") and fragment in err


def test_a_malformed_bank_is_one_line_naming_the_file_and_question(
    learner, monkeypatch, capsys, tmp_path
):
    bank = tmp_path / "bank"
    bank.mkdir()
    text = (FIXTURE_BANK / "m07.toml").read_text().replace('answer = "a"', 'answer = "e"')
    (bank / "m07.toml").write_text(text)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["quiz", "--bank", str(bank)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "m07.toml, m07-q01: answer 'e'" in err


def test_a_corrupt_history_warns_in_one_line_and_the_drill_goes_on(learner, monkeypatch, capsys):
    (learner / "quiz.json").write_text("{oops")
    status, out, err = _drill(monkeypatch, capsys, "q\n", "--seed", "1")
    assert status == 0 and "Question 1/" in out
    assert err.count("\n") == 1 and err.startswith("warning: ") and "quiz.json.bak" in err
    assert (learner / "quiz.json.bak").read_text() == "{oops"
