"""Checks judged by the classroom service, with the answer key only its installation holds.

A learner's notebook sends the collected answer as a ``.tar`` of the folder that
:func:`mlcourse.grader._encode.encode_answers` writes. The archive is hostile input: only
regular files with flat names are taken, at most :data:`MAX_FILES` of them and
:data:`~mlcourse.live._protocol.MAX_ANSWER_BYTES` in all; links, devices, folders and paths
are refused. The answers are then decoded and judged by the grader's own evaluator, in a
separate memory- and time-limited process, and only the requested problem's ``Outcome`` comes
back: its messages never hold an expected value, and hidden cases stay hidden. Only that
problem's answer is judged: the others in the upload are dropped before the evaluator runs.
"""

from __future__ import annotations

import asyncio
import io
import json
import re
import shutil
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool

from ._protocol import MAX_ANSWER_BYTES
from ._store import problem_module

MAX_FILES = 64
MAX_EXTRACTED_BYTES = MAX_ANSWER_BYTES
MAX_RUNNING = 2
MAX_WAITING = 8
MEMORY_MB = 1024
TIMEOUT_SECONDS = 30.0
FLAT_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$")


class GradingError(Exception):
    """An answer upload the service refuses; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def extract_answers(data: bytes, folder: Path) -> list[str]:
    """Write the regular files of an uncompressed tar into ``folder``; their names.

    Raises
    ------
    GradingError
        400 for anything but flat regular files (links, devices, folders, paths, ``..``),
        more than :data:`MAX_FILES` files, or an unreadable archive; 413 past
        :data:`MAX_ANSWER_BYTES`.
    """
    if len(data) > MAX_ANSWER_BYTES:
        raise GradingError(413, f"the answer is too large (at most {MAX_ANSWER_BYTES} bytes)")
    names: list[str] = []
    total = 0
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as archive:
            for member in archive:
                _refuse_unsafe(member, names)
                total += member.size
                if total > MAX_EXTRACTED_BYTES:
                    raise GradingError(413, "the answer's files are too large")
                source = archive.extractfile(member)
                if source is None:
                    raise GradingError(400, f"{member.name!r} is not a regular file")
                _write_exclusive(folder / member.name, source.read(member.size + 1), member.size)
                names.append(member.name)
    except tarfile.TarError as error:
        raise GradingError(400, f"the answer is not a readable tar archive ({error})") from None
    if "answers.json" not in names:
        raise GradingError(400, "the archive holds no answers.json")
    return names


def _refuse_unsafe(member: tarfile.TarInfo, names: list[str]) -> None:
    if len(names) >= MAX_FILES:
        raise GradingError(400, f"too many files in the answer (at most {MAX_FILES})")
    if member.type not in (tarfile.REGTYPE, tarfile.AREGTYPE):
        raise GradingError(400, "only regular files may be sent (no links, devices or folders)")
    if not FLAT_NAME.match(member.name) or ".." in member.name:
        raise GradingError(400, "file names must be flat (no folders, no '..')")
    if member.name in names:
        raise GradingError(400, f"{member.name} appears twice")
    if member.size < 0 or member.size > MAX_EXTRACTED_BYTES:
        raise GradingError(413, "a file of the answer is too large")


def _write_exclusive(path: Path, content: bytes, size: int) -> None:
    if len(content) != size:
        raise GradingError(400, f"{path.name} is truncated")
    with open(path, "xb") as handle:
        handle.write(content)


def keep_only(folder: Path, problem: str) -> None:
    """Rewrite ``folder/answers.json`` to hold ``problem``'s answer only (when it is readable:
    an unreadable file is left for the evaluator to report)."""
    path = folder / "answers.json"
    try:
        payload = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return
    if not isinstance(payload, dict) or not isinstance(payload.get("answers"), dict):
        return
    answers = payload["answers"]
    payload["answers"] = {problem: answers[problem]} if problem in answers else {}
    path.unlink()
    with open(path, "x", encoding="utf-8") as handle:
        json.dump(payload, handle, separators=(",", ":"))


def judge_folder(problem: str, folder: Path) -> dict[str, Any]:
    """The outcome of ``problem`` judged from the answers in ``folder`` (limited process).

    Raises
    ------
    GradingError
        404 when the problem is not one of its module's.
    """
    from ..checks import checker_error
    from ..exercises import get_module
    from ..grader._evaluate import EvaluationFailed, evaluate_isolated

    number = problem_module(problem)
    try:
        module = get_module(number)
    except LookupError:
        raise GradingError(404, f"no problem {problem} in this course") from None
    declared = next((p for p in module.problems if p.id == problem), None)
    if declared is None:
        raise GradingError(404, f"no problem {problem} in this course")
    try:
        outcomes = evaluate_isolated(number, folder, memory_mb=MEMORY_MB, timeout=TIMEOUT_SECONDS)
    except EvaluationFailed as error:
        return checker_error(
            problem, declared.points, f"The service could not judge it: {error}"
        ).to_dict()
    for outcome in outcomes:
        if outcome["problem"] == problem:
            return outcome
    return checker_error(problem, declared.points, "The service found no outcome.").to_dict()


class Grader:
    """Judges answer uploads, at most :data:`MAX_RUNNING` at once; 429 when too many wait."""

    def __init__(self, running: int = MAX_RUNNING, waiting: int = MAX_WAITING):
        self._slots = asyncio.Semaphore(running)
        self._waiting = 0
        self._max_waiting = waiting

    async def judge(self, problem: str, data: bytes) -> dict[str, Any]:
        """Extract ``data`` (a tar) and judge ``problem``; the ``Outcome.to_dict()``."""
        if self._waiting >= self._max_waiting:
            raise GradingError(429, "busy: too many answers are being checked, try again")
        self._waiting += 1
        try:
            async with self._slots:
                return await run_in_threadpool(_judge_upload, problem, data)
        finally:
            self._waiting -= 1


def _judge_upload(problem: str, data: bytes) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="mlcourse-live-answer-"))
    try:
        extract_answers(data, folder)
        keep_only(folder, problem)
        return judge_folder(problem, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
