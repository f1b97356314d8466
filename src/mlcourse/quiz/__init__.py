"""Interview-style drills on the whole course with spaced repetition (`mlcourse quiz`, module 26)."""

from ._bank import BANK_DIR, BankError, Question, load_bank, load_file
from ._code import TIME_LIMIT, execute
from ._command import QuizError, quiz
from ._grade import Result, grade_answer, parse_answer
from ._history import (
    Entry,
    ModuleRecord,
    QuizHistory,
    module_records,
    quiz_path,
    read_events,
    weakest_modules,
)
from ._schedule import INTERVALS, is_due, next_questions, review
from ._session import Drill, run_drill, summary

__all__ = [
    "BANK_DIR",
    "INTERVALS",
    "TIME_LIMIT",
    "BankError",
    "Drill",
    "Entry",
    "ModuleRecord",
    "Question",
    "QuizError",
    "QuizHistory",
    "Result",
    "execute",
    "grade_answer",
    "is_due",
    "load_bank",
    "load_file",
    "module_records",
    "next_questions",
    "parse_answer",
    "quiz",
    "quiz_path",
    "read_events",
    "review",
    "run_drill",
    "summary",
    "weakest_modules",
]
