"""The interactive drill: ask, grade, explain, reschedule, and sum up."""

from __future__ import annotations

import datetime as dt
import sys
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TextIO

from ._bank import LETTERS, Question
from ._grade import Result, grade_answer, parse_answer
from ._history import QuizHistory
from ._schedule import INTERVALS, due_summary, review

QUIT = "q"


class _Stop(Exception):
    """The learner ended the drill (q, end of input, Ctrl+C)."""


@dataclass
class Drill:
    """What happened in a drill.

    Attributes
    ----------
    answered : list of (Question, Result)
        In the order asked.
    stopped : bool
        The learner ended it before the last question.
    unsaved : int
        Answers that could not be saved to the history file.
    """

    answered: list[tuple[Question, Result]] = field(default_factory=list)
    stopped: bool = False
    unsaved: int = 0

    @property
    def score(self) -> int:
        """How many answers were right."""
        return sum(result.right for _, result in self.answered)


def _when(day: dt.date, today: dt.date) -> str:
    days = (day - today).days
    if days <= 0:
        return "today"
    if days == 1:
        return f"tomorrow ({day.isoformat()})"
    return f"in {days} days ({day.isoformat()})"


class _Console:
    """Reads answers and writes text, from ``input()`` or injected streams."""

    def __init__(self, stdin: TextIO | None, stdout: TextIO | None):
        self.stdin, self.stdout = stdin, stdout

    def say(self, text: str = "") -> None:
        print(text, file=self.stdout or sys.stdout, flush=True)

    def ask(self, prompt: str) -> str:
        try:
            if self.stdin is None:
                if self.stdout is not None:
                    self.stdout.write(prompt)
                    self.stdout.flush()
                    line = input()
                else:
                    line = input(prompt)
            else:
                (self.stdout or sys.stdout).write(prompt)
                line = self.stdin.readline()
                if not line:
                    raise EOFError
        except (EOFError, KeyboardInterrupt):
            self.say()
            raise _Stop from None
        return line.rstrip("\r\n")


def _read_answer(question: Question, console: _Console) -> object:
    """Ask until the answer has the right form; raise _Stop on q, end of input or Ctrl+C."""
    if question.kind == "code":
        console.say(
            f"Write the function {question.function}; end with a line holding only '.' "
            f"('{QUIT}' alone on the first line stops the drill)."
        )
        while True:
            lines: list[str] = []
            while True:
                line = console.ask("... " if lines else ">>> ")
                if line.strip() == "." and lines:
                    break
                if line.strip() == QUIT and not lines:
                    raise _Stop
                if line.strip() == "." and not lines:
                    console.say("No code yet: type or paste your function, then '.'.")
                    continue
                lines.append(line)
            source = textwrap.dedent("\n".join(lines) + "\n")
            try:
                compile(source, "<your answer>", "exec")
            except SyntaxError as error:  # a typo or a bad paste: asked again, not counted
                console.say(
                    f"Your code has a syntax error on line {error.lineno}: {error.msg}. "
                    "Type or paste it again, then '.'."
                )
                continue
            except ValueError as error:  # null bytes
                console.say(f"Your code cannot be compiled ({error}). Type or paste it again.")
                continue
            return source
    hint = "a, b, c or d" if question.kind == "choice" else "a number"
    while True:
        text = console.ask(f"Your answer ({hint}; {QUIT} to stop): ").strip()
        if text.lower() == QUIT:
            raise _Stop
        if not text:
            continue
        try:
            return parse_answer(question, text)
        except ValueError as error:
            console.say(str(error))


def _show(question: Question, number: int, count: int, console: _Console) -> None:
    console.say()
    console.say(
        f"Question {number}/{count} - module {question.module}, {question.topic} "
        f"({question.difficulty}) [{question.id}]"
    )
    console.say(question.prompt)
    if question.kind == "choice":
        for letter, option in zip(LETTERS, question.options, strict=True):
            console.say(f"  {letter}) {option}")
    elif question.kind == "numeric":
        console.say("(a number; a fraction such as 3/4 is accepted)")
    else:
        console.say("Starting point:")
        console.say(question.starter.rstrip())


def run_drill(
    questions: Sequence[Question],
    history: QuizHistory,
    *,
    today: dt.date | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    grade: Callable[[Question, object], Result] = grade_answer,
    warn: Callable[[str], None] | None = None,
) -> Drill:
    """Ask the questions one by one, saving the history after every answer.

    Parameters
    ----------
    questions : sequence of Question
        In the order to ask them (see :func:`next_questions`).
    history : QuizHistory
        Updated and saved after each answer (see :meth:`QuizHistory.save_entry`).
    today : datetime.date, optional
        The day of the drill (defaults to today).
    stdin, stdout : file-like, optional
        Where answers are read and text is written (default: ``input()`` and the terminal).
    grade : callable
        ``grade(question, answer) -> Result``.
    warn : callable, optional
        Called with a one-line warning when the history cannot be saved.

    Returns
    -------
    Drill
        The answers given; answering ``q``, the end of input or Ctrl+C (at any moment) stop
        the drill and keep what was answered.
    """
    today = today or dt.date.today()
    console = _Console(stdin, stdout)
    drill = Drill()
    warned = False
    for number, question in enumerate(questions, 1):
        try:
            _show(question, number, len(questions), console)
            answer = _read_answer(question, console)
            try:
                result = grade(question, answer)
            except RuntimeError as error:
                console.say(f"This question cannot be graded (a bug in the question bank): {error}")
                continue
            entry = review(history.entries.get(question.id), result.right, today)
            history.entries[question.id] = entry
            drill.answered.append((question, result))
            try:  # saved before anything is printed, so that Ctrl+C cannot lose it
                history.save_entry(question.id, today)
            except OSError as error:
                drill.unsaved += 1
                if not warned:
                    (warn or console.say)(
                        f"the quiz history cannot be saved to {history.path}: {error}"
                    )
                    warned = True
            console.say("Right." if result.right else f"Not right: {result.message}.")
            console.say(f"Why: {result.explanation}")
            console.say(
                f"Next time: {_when(entry.due, today)} (box {entry.box} of {len(INTERVALS) - 1})."
            )
        except (_Stop, KeyboardInterrupt) as stop:
            if isinstance(stop, KeyboardInterrupt):
                try:
                    console.say()
                except KeyboardInterrupt:
                    pass
            drill.stopped = True
            break
    return drill


def summary(drill: Drill, history: QuizHistory, bank: Sequence[Question], today: dt.date) -> str:
    """The end-of-drill report: score, per module, what to review, what is due next.

    Parameters
    ----------
    drill : Drill
        The drill's answers.
    history : QuizHistory
        The history after the drill.
    bank : sequence of Question
        The questions the learner could be asked (for what is due next).
    today : datetime.date
        The day of the drill.

    Returns
    -------
    str
    """
    from .._curriculum import MODULES

    lines = []
    saved = len(drill.answered) - drill.unsaved
    if drill.stopped and not drill.unsaved:
        lines.append(f"Stopped. Your {saved} answer(s) are saved.")
    elif drill.unsaved:
        lines.append(
            f"{'Stopped. ' if drill.stopped else ''}{saved} of your {len(drill.answered)} "
            "answer(s) are saved; the others could not be written (see the warning)."
        )
    if drill.answered:
        lines.append(f"Score: {drill.score}/{len(drill.answered)}")
    else:
        lines.append("No question answered.")
    per_module: dict[str, list[tuple[Question, Result]]] = {}
    for question, result in drill.answered:
        per_module.setdefault(question.module, []).append((question, result))
    for module in sorted(per_module):
        pairs = per_module[module]
        right = sum(r.right for _, r in pairs)
        title = MODULES.get(module, ("", ""))[1]
        missed = sorted({q.topic for q, r in pairs if not r.right})
        review_text = f"; review: {', '.join(missed)}" if missed else ""
        lines.append(f"  module {module} {title}: {right}/{len(pairs)}{review_text}")
    due, new, day, count = due_summary(bank, history, today)
    text = f"Due now: {due} question(s); never asked: {new}."
    if day is not None:
        text += f" Next due: {count} question(s) {_when(day, today)}."
    lines.append(text)
    return "\n".join(lines)
