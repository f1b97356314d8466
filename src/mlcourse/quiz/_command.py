"""The ``mlcourse quiz`` command: drill, list, due, reset."""

from __future__ import annotations

import contextlib
import datetime as dt
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from ._bank import KINDS, load_bank
from ._history import QuizHistory, _backup, module_records, quiz_path, read_events
from ._schedule import due_summary, next_questions, select
from ._session import run_drill, summary


class QuizError(Exception):
    """Bad input to the quiz command: printed as one line by the command line."""


def _warn(line: str) -> None:
    print(f"warning: {line}", file=sys.stderr)


def quiz(
    *,
    n: int = 10,
    modules: Sequence[str] = (),
    difficulty: str | None = None,
    seed: int | None = None,
    list_questions: bool = False,
    due: bool = False,
    reset: bool = False,
    yes: bool = False,
    bank: str | Path | None = None,
    today: dt.date | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    """Run ``mlcourse quiz``: a drill, or one of ``--list``, ``--due``, ``--reset``.

    Parameters
    ----------
    n : int
        Questions in the drill.
    modules : sequence of str
        Only these modules (two-digit numbers).
    difficulty : str, optional
        Only ``"easy"``, ``"medium"`` or ``"hard"`` questions.
    seed : int, optional
        Makes the choice of questions reproducible.
    list_questions : bool
        Print the bank's counts and the learner's weakest modules instead of drilling.
    due : bool
        Print how many questions are due instead of drilling.
    reset : bool
        Delete the whole quiz history (kept as a ``.bak`` copy); needs ``yes``.
    yes : bool
        Confirms ``reset``.
    bank : str or pathlib.Path, optional
        A folder of ``mNN.toml`` files to use instead of the course's bank.
    today : datetime.date, optional
        The day (defaults to today).
    stdin, stdout : file-like, optional
        For the drill's answers and text (default: the terminal).

    Returns
    -------
    int
        The exit status.

    Raises
    ------
    QuizError
        For bad input: ``n`` not positive, a module without questions, an empty bank, a reset
        without ``yes`` or limited to some modules or a difficulty.
    """
    today = today or dt.date.today()
    out = stdout or sys.stdout
    if reset:
        if modules or difficulty:
            raise QuizError(
                "--reset forgets the whole quiz history: it cannot be limited with --module "
                "or --difficulty"
            )
        return _reset(yes, out)
    if n <= 0:
        raise QuizError(f"--n must be at least 1, not {n}")
    questions = load_bank(bank)
    if not questions:
        raise QuizError(f"the question bank {bank or 'of the course'} holds no questions yet")
    present = sorted({q.module for q in questions})
    for module in modules:
        if module not in present:
            raise QuizError(
                f"no questions for module {module} in the bank; modules with questions: {' '.join(present)}"
            )
    pool = select(questions, modules, difficulty)
    if not pool:
        raise QuizError("no questions match: try without --difficulty")
    history = QuizHistory.load(warn=_warn, today=today)
    events = read_events(warn=_warn)
    if list_questions:
        print(_listing(pool, history, events), file=out)
        return 0
    if due:
        now, new, day, count = due_summary(pool, history, today)
        text = f"{now} question(s) due now, {new} never asked."
        if day is not None:
            text += f" Next: {count} due on {day.isoformat()}."
        print(text, file=out)
        return 0
    chosen = next_questions(pool, history, events, n, seed, today=today)
    if not chosen:
        _, _, day, count = due_summary(pool, history, today)
        print(
            f"Nothing is due: every question here was answered recently. Next: {count} due on "
            f"{day.isoformat() if day else '?'} (or drill other modules).",
            file=out,
        )
        return 0
    print(
        f"{len(chosen)} question(s): due ones first, weighted towards your weakest modules. "
        "Answer 'q' (or Ctrl+D) to stop; answers are saved as you go.",
        file=out,
    )
    with _interrupted_by_termination():
        drill = run_drill(chosen, history, today=today, stdin=stdin, stdout=stdout, warn=_warn)
    print(file=out)
    print(summary(drill, history, pool, today), file=out)
    return 0


@contextlib.contextmanager
def _interrupted_by_termination() -> Iterator[None]:
    """Make SIGTERM and SIGHUP act as Ctrl+C, so that a code answer being graded is killed and
    the answers are kept (only from the main thread, where signals can be handled)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    names = [name for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    previous = {name: signal.signal(getattr(signal, name), interrupt) for name in names}
    try:
        yield
    finally:
        for name, handler in previous.items():
            signal.signal(getattr(signal, name), handler)


def _reset(yes: bool, out: TextIO) -> int:
    path = quiz_path()
    if not yes:
        raise QuizError(f"--reset deletes your quiz history ({path}): add --yes to confirm")
    if not path.exists():
        print(f"No quiz history to reset ({path} does not exist).", file=out)
        return 0
    kept = _backup(path)
    path.unlink()
    print(f"Quiz history reset; the old one is kept as {kept}.", file=out)
    return 0


def _listing(pool, history: QuizHistory, events: list[dict]) -> str:
    """Counts per module, kind and difficulty, then the learner's weakest modules."""
    from .._curriculum import MODULES

    modules = sorted({q.module for q in pool})
    head = f"{'module':<7}{'questions':>10}" + "".join(f"{k:>9}" for k in KINDS)
    head += "".join(f"{d:>8}" for d in ("easy", "medium", "hard")) + "  title"
    lines = [head]
    for module in modules:
        mine = [q for q in pool if q.module == module]
        row = f"{module:<7}{len(mine):>10}"
        row += "".join(f"{sum(q.kind == k for q in mine):>9}" for k in KINDS)
        row += "".join(
            f"{sum(q.difficulty == d for q in mine):>8}" for d in ("easy", "medium", "hard")
        )
        lines.append(f"{row}  {MODULES.get(module, ('', ''))[1]}")
    total = f"{'total':<7}{len(pool):>10}" + "".join(
        f"{sum(q.kind == k for q in pool):>9}" for k in KINDS
    )
    total += "".join(
        f"{sum(q.difficulty == d for q in pool):>8}" for d in ("easy", "medium", "hard")
    )
    lines.append(total)
    records = module_records(events, history, modules)
    ranked = sorted(records.values(), key=lambda r: (-r.weakness, r.module))[:5]
    lines.append("")
    if not events:
        from ..exercises._events import events_path

        lines.append(f"No check history yet ({events_path()}): modules never attempted rank first.")
    lines.append("Your weakest modules (checks and quiz answers not right; weakest first):")
    for record in ranked:
        done = f"{record.wrong} of {record.total} not right" if record.total else "never attempted"
        lines.append(f"  {record.module} {MODULES.get(record.module, ('', ''))[1]}: {done}")
    return "\n".join(lines)
