"""Spaced repetition: Leitner boxes, and which questions to ask next."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Sequence

from ._bank import Question
from ._history import ANSWERS_KEPT, INTERVALS, Entry, QuizHistory, module_records


def review(entry: Entry | None, right: bool, today: dt.date) -> Entry:
    """The entry after an answer: right moves it up a box, wrong sends it back to box 0.

    Parameters
    ----------
    entry : Entry or None
        The question's entry (None for a question never asked: it starts in box 0).
    right : bool
        Whether the answer was right.
    today : datetime.date
        The day of the answer.

    Returns
    -------
    Entry
        A new entry due ``INTERVALS[box]`` days from ``today``.

    Examples
    --------
    >>> day = dt.date(2026, 1, 1)
    >>> review(None, True, day).box, review(None, True, day).due.isoformat()
    (1, '2026-01-02')
    """
    box = 0 if entry is None else entry.box
    box = min(box + 1, len(INTERVALS) - 1) if right else 0
    answers = [*(entry.answers if entry else []), {"date": today.isoformat(), "right": right}]
    return Entry(
        box=box, due=today + dt.timedelta(days=INTERVALS[box]), answers=answers[-ANSWERS_KEPT:]
    )


def is_due(entry: Entry | None, today: dt.date) -> bool:
    """A question is due when it was never asked or its due day has come."""
    return entry is None or entry.due <= today


def select(
    bank: Sequence[Question],
    modules: Iterable[str] | None = None,
    difficulty: str | None = None,
) -> list[Question]:
    """The questions of the given modules and difficulty (all when not given)."""
    wanted = set(modules) if modules else None
    return [
        q
        for q in bank
        if (wanted is None or q.module in wanted)
        and (difficulty is None or q.difficulty == difficulty)
    ]


def next_questions(
    bank: Sequence[Question],
    history: QuizHistory | None,
    events: Iterable[dict],
    n: int = 10,
    seed: int | None = None,
    *,
    modules: Iterable[str] | None = None,
    difficulty: str | None = None,
    today: dt.date | None = None,
) -> list[Question]:
    """Choose the next ``n`` questions to ask.

    Questions already asked whose due day has come go first; then questions never asked. Within
    each group questions are drawn at random without replacement, each with a weight equal to
    its module's weakness (see :func:`weakest_modules`: the learner's checks and quiz answers),
    so the weakest modules come up first and most often. Questions asked before and not yet due
    are not chosen: fewer than ``n`` may come back.

    Parameters
    ----------
    bank : sequence of Question
        The questions to choose from.
    history : QuizHistory or None
        The quiz's history (None: nothing asked yet).
    events : iterable of dict
        The learner's check events.
    n : int
        How many questions at most.
    seed : int, optional
        For a reproducible choice.
    modules : iterable of str, optional
        Only these modules.
    difficulty : str, optional
        Only this difficulty.
    today : datetime.date, optional
        Defaults to today.

    Returns
    -------
    list of Question
        In the order to ask them.
    """
    today = today or dt.date.today()
    history = history or QuizHistory()
    pool = select(bank, modules, difficulty)
    records = module_records(events, history, sorted({q.module for q in pool}))
    rng = random.Random(seed)
    due, new = [], []
    for question in pool:
        entry = history.entries.get(question.id)
        if entry is None:
            new.append(question)
        elif entry.due <= today:
            due.append(question)

    def drawn(group: list[Question]) -> list[Question]:
        # Efraimidis-Spirakis: key u ** (1 / w), largest first, is a weighted draw without
        # replacement; questions are taken in bank order first so that a seed fixes the result.
        keyed = [(rng.random() ** (1.0 / records[q.module].weakness), q) for q in group]
        return [q for _, q in sorted(keyed, key=lambda pair: -pair[0])]

    return (drawn(due) + drawn(new))[: max(0, n)]


def due_summary(
    bank: Sequence[Question], history: QuizHistory, today: dt.date
) -> tuple[int, int, dt.date | None, int]:
    """(due now, never asked, the next day something falls due, how many then)."""
    due = new = 0
    later: dict[dt.date, int] = {}
    for question in bank:
        entry = history.entries.get(question.id)
        if entry is None:
            new += 1
        elif entry.due <= today:
            due += 1
        else:
            later[entry.due] = later.get(entry.due, 0) + 1
    day = min(later) if later else None
    return due, new, day, later.get(day, 0) if day else 0
