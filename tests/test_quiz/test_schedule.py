"""Spaced repetition: box moves, due dates on an injected clock, weakest modules first, seeds."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from mlcourse.quiz import (
    INTERVALS,
    Entry,
    Question,
    QuizHistory,
    is_due,
    next_questions,
    review,
    weakest_modules,
)

DAY = dt.date(2026, 3, 1)


def _bank(per_module: int = 6, modules=("03", "05", "07")) -> list[Question]:
    return [
        Question(
            f"m{m}-q{k:02d}",
            m,
            ("easy", "medium", "hard")[k % 3],
            "choice",
            "t",
            "p",
            "e",
            options=("w", "x", "y", "z"),
            answer="a",
        )  # fmt: skip
        for m in modules
        for k in range(1, per_module + 1)
    ]


def _events(module: str, wrong: int, right: int) -> list[dict]:
    return [{"module": module, "status": "incorrect"}] * wrong + [
        {"module": module, "status": "correct"}
    ] * right


def test_intervals_are_the_leitner_ones():
    assert INTERVALS == (0, 1, 3, 7, 21, 60)


def test_right_answers_climb_the_boxes_with_growing_intervals():
    entry, day = None, DAY
    for box in range(1, 6):
        entry = review(entry, True, day)
        assert entry.box == box
        assert entry.due == day + dt.timedelta(days=INTERVALS[box])
        day = entry.due
    top = review(entry, True, day)
    assert top.box == 5 and top.due == day + dt.timedelta(days=60)


def test_a_wrong_answer_sends_a_question_back_to_box_0_due_the_same_day():
    entry = Entry(box=4, due=DAY, answers=[])
    after = review(entry, False, DAY)
    assert after.box == 0 and after.due == DAY
    assert after.answers == [{"date": DAY.isoformat(), "right": False}]


def test_only_the_last_answers_are_kept():
    entry = None
    for k in range(8):
        entry = review(entry, k % 2 == 0, DAY)
    assert len(entry.answers) == 5 and entry.answers[-1]["right"] is False


def test_due_dates_follow_the_injected_clock():
    entry = review(None, True, DAY)  # box 1: due tomorrow
    assert not is_due(entry, DAY)
    assert is_due(entry, DAY + dt.timedelta(days=1))
    assert is_due(None, DAY)  # never asked


def test_due_questions_come_before_new_ones_and_questions_not_due_are_left_out():
    bank = _bank(per_module=2, modules=("03",))
    history = QuizHistory()
    history.entries["m03-q01"] = Entry(box=2, due=DAY + dt.timedelta(days=2))  # not due
    history.entries["m03-q02"] = Entry(box=1, due=DAY)  # due today
    chosen = next_questions(bank, history, [], n=10, seed=0, today=DAY)
    assert [q.id for q in chosen] == ["m03-q02"]
    bank += _bank(per_module=1, modules=("05",))
    chosen = next_questions(bank, history, [], n=10, seed=0, today=DAY)
    assert [q.id for q in chosen] == ["m03-q02", "m05-q01"]
    later = next_questions(bank, history, [], n=10, seed=0, today=DAY + dt.timedelta(days=2))
    assert {q.id for q in later[:2]} == {"m03-q01", "m03-q02"} and later[2].id == "m05-q01"


def test_weakest_modules_rank_checks_not_correct_and_treat_never_attempted_as_unknown():
    events = (
        _events("03", 8, 1) + _events("05", 0, 9) + [{"module": "07", "status": "checker_error"}]
    )
    events += [{"module": "bad"}, "not a dict", {"status": "incorrect"}]
    assert weakest_modules(events, 3, modules=["03", "05", "07"]) == ["03", "07", "05"]
    assert weakest_modules(events, 1, modules=["03", "05", "07"]) == ["03"]


def test_quiz_answers_count_towards_weakness_too():
    history = QuizHistory()
    for k in range(1, 5):
        history.entries[f"m05-q{k:02d}"] = Entry(
            box=0, due=DAY, answers=[{"date": "x", "right": False}]
        )
    events = _events("03", 2, 2) + _events("05", 1, 3)
    assert weakest_modules(events, 2, modules=["03", "05"]) == ["03", "05"]
    assert weakest_modules(events, 2, history=history, modules=["03", "05"]) == ["05", "03"]


def test_the_weakest_module_comes_first_and_most_often():
    bank = _bank()
    events = _events("03", 9, 1) + _events("05", 0, 10) + _events("07", 0, 10)
    first, picked = Counter(), Counter()
    for seed in range(60):
        chosen = next_questions(bank, None, events, n=5, seed=seed, today=DAY)
        first[chosen[0].module] += 1
        picked.update(q.module for q in chosen)
    # six questions of weight 10/12 against twelve of weight 1/12: module 03 comes first with
    # probability 60/72, about 50 times in 60; a uniform choice would give 20
    assert first["03"] >= 40, first
    assert picked["03"] > picked["05"] + picked["07"], picked


def test_without_history_every_module_has_a_chance():
    chosen = {
        q.module for s in range(20) for q in next_questions(_bank(), None, [], 3, seed=s, today=DAY)
    }
    assert chosen == {"03", "05", "07"}


def test_a_seed_fixes_the_choice_and_different_seeds_vary_it():
    bank = _bank()
    events = _events("03", 3, 3)
    one = [q.id for q in next_questions(bank, None, events, 6, seed=7, today=DAY)]
    assert one == [q.id for q in next_questions(bank, None, events, 6, seed=7, today=DAY)]
    others = {
        tuple(q.id for q in next_questions(bank, None, events, 6, seed=s, today=DAY))
        for s in range(5)
    }
    assert len(others) > 1


@pytest.mark.parametrize("n", [1, 4, 18, 50])
def test_n_is_an_upper_bound_and_no_question_repeats(n):
    chosen = next_questions(_bank(), None, [], n, seed=1, today=DAY)
    assert len(chosen) == min(n, 18) and len({q.id for q in chosen}) == len(chosen)


def test_modules_and_difficulty_restrict_the_choice():
    chosen = next_questions(
        _bank(), None, [], 50, seed=1, modules=["05"], difficulty="hard", today=DAY
    )
    assert chosen and {(q.module, q.difficulty) for q in chosen} == {("05", "hard")}
