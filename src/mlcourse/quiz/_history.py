"""The learner's histories: their checks (the events file) and the quiz's own boxes (quiz.json)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

BOXES = 6
"""Leitner boxes 0..5."""
ANSWERS_KEPT = 5
"""How many of a question's last answers are kept."""
INTERVALS = (0, 1, 3, 7, 21, 60)
"""Days until a question in box 0..5 is due again."""


def _warn_default(line: str) -> None:
    import sys

    print(f"warning: {line}", file=sys.stderr)


@dataclass
class Entry:
    """A question's place in the schedule.

    Attributes
    ----------
    box : int
        Its Leitner box, 0 (wrong last time or just started) to 5.
    due : datetime.date
        The day from which it is due again.
    answers : list of dict
        The last answers, oldest first: ``{"date": "2026-12-03", "right": true}``.
    """

    box: int
    due: dt.date
    answers: list[dict] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"box": self.box, "due": self.due.isoformat(), "answers": self.answers}

    @classmethod
    def from_json(cls, raw: object) -> Entry:
        """An entry from its JSON form; ValueError when malformed."""
        if not isinstance(raw, dict):
            raise ValueError("not an object")
        box, answers = raw.get("box"), raw.get("answers", [])
        if not isinstance(box, int) or isinstance(box, bool) or not 0 <= box < BOXES:
            raise ValueError(f"box {box!r} is not 0 to {BOXES - 1}")
        due = dt.date.fromisoformat(str(raw.get("due")))
        if not isinstance(answers, list) or not all(
            isinstance(a, dict) and isinstance(a.get("right"), bool) for a in answers
        ):
            raise ValueError("answers is not a list of {date, right}")
        return cls(box=box, due=due, answers=answers[-ANSWERS_KEPT:])


def quiz_path() -> Path:
    """The quiz history, ``quiz.json`` beside the check events file (``.mlcourse/``)."""
    from ..exercises._events import events_path

    return events_path().parent / "quiz.json"


def _backup(path: Path) -> Path:
    """Copy ``path`` to the first free ``path.bak``, ``path.bak1``...; return the copy.

    When one of those already holds the same bytes, that one is returned and nothing is copied.
    """
    content = path.read_bytes()
    target = path.with_name(path.name + ".bak")
    number = 0
    while target.exists():
        if target.read_bytes() == content:
            return target
        number += 1
        target = path.with_name(f"{path.name}.bak{number}")
    shutil.copy2(path, target)
    return target


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` + ``.lock`` (no lock where fcntl is missing)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass
class QuizHistory:
    """Every question's box, due date and last answers, stored in a JSON file.

    Attributes
    ----------
    entries : dict
        Question id -> :class:`Entry`.
    path : pathlib.Path or None
        Where it is saved (None: kept in memory only).
    """

    entries: dict[str, Entry] = field(default_factory=dict)
    path: Path | None = None

    @classmethod
    def load(
        cls,
        path: Path | None = None,
        warn: Callable[[str], None] = _warn_default,
        today: dt.date | None = None,
    ) -> QuizHistory:
        """Read the history; a missing file is an empty history.

        A file that cannot be read, or entries that are malformed, are skipped with a one-line
        warning, after the file is copied to ``quiz.json.bak`` (unless a ``.bak`` copy with the
        same content exists) so that nothing is lost when the history is next saved. A due day
        further away than its box's interval from ``today`` (a clock that was wrong, an edited
        file) is brought back to ``today`` plus that interval.

        Parameters
        ----------
        path : pathlib.Path, optional
            Defaults to :func:`quiz_path`.
        warn : callable
            Called with the warning's text.
        today : datetime.date, optional
            Defaults to today.

        Returns
        -------
        QuizHistory
        """
        path = Path(path) if path is not None else quiz_path()
        history = cls(path=path)
        if not path.exists():
            return history
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(raw, dict) or not isinstance(raw.get("questions"), dict):
                raise ValueError("no 'questions' object")
        except (OSError, UnicodeDecodeError, ValueError, RecursionError) as error:
            kept = _try_backup(path)
            warn(
                f"{path} is not a readable quiz history ({_short(error)}); starting from an empty one{kept}"
            )
            return history
        today = today or dt.date.today()
        bad = 0
        for qid, value in raw["questions"].items():
            try:
                entry = Entry.from_json(value)
            except (ValueError, TypeError):
                bad += 1
                continue
            entry.due = min(entry.due, today + dt.timedelta(days=INTERVALS[entry.box]))
            history.entries[str(qid)] = entry
        if bad:
            kept = _try_backup(path)
            warn(f"{path}: {bad} malformed entr{'y' if bad == 1 else 'ies'} skipped{kept}")
        return history

    def save_entry(self, qid: str, today: dt.date | None = None) -> None:
        """Save one question's entry, keeping what another drill saved meanwhile.

        Under a lock (``quiz.json.lock``), the file is read again, this entry replaces its own,
        and the result is saved; ``entries`` becomes that result. ``today`` is as for
        :meth:`load`.
        """
        if self.path is None:
            return
        with _locked(self.path):
            current = QuizHistory.load(self.path, warn=lambda line: None, today=today)
            current.entries[qid] = self.entries[qid]
            current.save()
        self.entries = current.entries

    def save(self) -> None:
        """Write the whole history atomically (a temporary file, then a rename)."""
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "version": 1,
            "questions": {qid: entry.to_json() for qid, entry in sorted(self.entries.items())},
        }
        handle, temporary = tempfile.mkstemp(prefix=".quiz-", suffix=".json", dir=self.path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump(data, file, indent=1)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def answers_by_module(self) -> dict[str, tuple[int, int]]:
        """Module -> (answers not right, answers) over the kept answers."""
        counts: dict[str, list[int]] = {}
        for qid, entry in self.entries.items():
            match = re.match(r"m(\d\d)-", qid)
            if not match:
                continue
            tally = counts.setdefault(match.group(1), [0, 0])
            tally[0] += sum(not a["right"] for a in entry.answers)
            tally[1] += len(entry.answers)
        return {module: (wrong, total) for module, (wrong, total) in counts.items()}


def _short(error: BaseException) -> str:
    return " ".join(str(error).split())[:120] or type(error).__name__


def _try_backup(path: Path) -> str:
    try:
        return f"; the file is kept as {_backup(path)}"
    except OSError as error:
        return f"; it could not be copied aside ({_short(error)})"


@dataclass(frozen=True)
class ModuleRecord:
    """How a learner has done on one module.

    Attributes
    ----------
    module : str
        ``"07"``.
    wrong : int
        Checks and quiz answers that were not right.
    total : int
        Checks and quiz answers in all (0: never attempted).
    """

    module: str
    wrong: int
    total: int

    @property
    def weakness(self) -> float:
        """The share not right, smoothed: (wrong + 1) / (total + 2); 0.5 when never attempted."""
        return (self.wrong + 1) / (self.total + 2)


def check_record(events: Iterable[dict]) -> dict[str, tuple[int, int]]:
    """Module -> (checks not correct, checks) from the check events.

    Checker errors are the course's bugs, not the learner's, and are left out; malformed events
    are skipped.

    Parameters
    ----------
    events : iterable of dict
        As read by ``mlcourse.exercises._events.read()``.

    Returns
    -------
    dict
    """
    counts: dict[str, list[int]] = {}
    for event in events:
        if not isinstance(event, dict):
            continue
        module, status = event.get("module"), event.get("status")
        if isinstance(module, int) and not isinstance(module, bool):
            module = f"{module:02d}"
        if not isinstance(module, str) or not re.fullmatch(r"\d\d", module):
            continue
        if status not in ("correct", "incorrect", "not_attempted"):
            continue
        tally = counts.setdefault(module, [0, 0])
        tally[0] += status != "correct"
        tally[1] += 1
    return {module: (wrong, total) for module, (wrong, total) in counts.items()}


def module_records(
    events: Iterable[dict],
    history: QuizHistory | None = None,
    modules: Iterable[str] | None = None,
) -> dict[str, ModuleRecord]:
    """Per module, the learner's checks and quiz answers combined.

    Parameters
    ----------
    events : iterable of dict
        Check events.
    history : QuizHistory, optional
        The quiz's own history.
    modules : iterable of str, optional
        The modules to report (defaults to the course's 00 to 26); modules never attempted
        get a record with ``total == 0``.

    Returns
    -------
    dict
        Module -> :class:`ModuleRecord`.
    """
    if modules is None:
        from .._curriculum import MODULES

        modules = MODULES
    checks = check_record(events)
    answers = history.answers_by_module() if history is not None else {}
    records = {}
    for module in modules:
        wrong = checks.get(module, (0, 0))[0] + answers.get(module, (0, 0))[0]
        total = checks.get(module, (0, 0))[1] + answers.get(module, (0, 0))[1]
        records[module] = ModuleRecord(module, wrong, total)
    return records


def weakest_modules(
    events: Iterable[dict],
    n: int = 5,
    history: QuizHistory | None = None,
    modules: Iterable[str] | None = None,
) -> list[str]:
    """The ``n`` modules the learner is weakest on, weakest first.

    Weakness is the smoothed share of checks (and quiz answers) not right,
    ``(wrong + 1) / (total + 2)``: a module never attempted scores 0.5, one with every check
    wrong approaches 1, one always right approaches 0. Ties go to the lower module number.

    Parameters
    ----------
    events : iterable of dict
        Check events, e.g. ``mlcourse.exercises._events.read()``.
    n : int
        How many modules.
    history : QuizHistory, optional
        The quiz's history, whose answers count too.
    modules : iterable of str, optional
        Candidates (default: every module of the course).

    Returns
    -------
    list of str
        Module numbers.

    Examples
    --------
    >>> events = [{"module": "03", "status": "incorrect"}, {"module": "05", "status": "correct"}]
    >>> weakest_modules(events, 2, modules=["03", "05"])
    ['03', '05']
    """
    records = module_records(events, history, modules)
    ranked = sorted(records.values(), key=lambda r: (-r.weakness, r.module))
    return [record.module for record in ranked[:n]]


def read_events(warn: Callable[[str], None] = _warn_default) -> list[dict]:
    """The learner's check events; an unreadable file is no events, with a one-line warning."""
    from ..exercises import _events

    try:
        return _events.read()
    except (OSError, UnicodeDecodeError) as error:
        warn(f"{_events.events_path()} cannot be read ({_short(error)}); using no check history")
        return []
