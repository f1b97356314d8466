"""Grading a code answer: the learner's function runs in its own process, against the reference."""

from __future__ import annotations

import functools
import json
import math
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TIME_LIMIT = 5.0
"""Seconds a learner's code may take for all the cases of a question together."""
REFERENCE_TIME_LIMIT = 60.0
"""Seconds the reference may take (it is trusted; the limit only stops a bank bug hanging)."""
MEMORY_LIMIT = 4 * 1024**3
"""Bytes of address space the process may use (POSIX only)."""
_READ_LIMIT = 8 * 1024**2
_RUNNER = (Path(__file__).resolve().parent / "_runner.py").read_text(encoding="utf-8")


@dataclass
class Execution:
    """What happened when a function's source ran on the cases.

    Attributes
    ----------
    fatal : str or None
        Why nothing could be run (a syntax error, an exception while defining, no function).
    events : dict
        Case number -> ``{"value": ...}`` or ``{"error": ...}``, with ``"mutated"``.
    timed_out : bool
        The process was killed at the time limit.
    seconds : float
        Wall-clock time taken.
    """

    fatal: str | None = None
    events: dict[int, dict] = field(default_factory=dict)
    timed_out: bool = False
    seconds: float = 0.0


def _prctl() -> Any:
    """Linux's ``prctl`` from the C library, or None (looked up before forking, not after)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_PR_SET_PDEATHSIG = 1


def _prepare_child(parent: int, prctl: Any) -> None:  # pragma: no cover - runs in the child
    """Limit the child's memory, and have Linux kill it if ``parent`` (mlcourse) dies."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    except (ImportError, ValueError, OSError):
        pass
    if prctl is not None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # mlcourse died before the request was made
            os._exit(1)


def _descendants(pid: int) -> list[int]:
    """Every process descending from ``pid``, from ``/proc`` (empty where there is none)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue  # the process has ended
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def execute(source: str, function: str, cases: list, timeout: float = TIME_LIMIT) -> Execution:
    """Run ``function`` from ``source`` on every case in a separate Python process.

    The process is isolated from the environment's Python settings (``-I``), its output is
    discarded, its address space is limited, and it is killed (with any process it started) when
    the cases take longer than ``timeout`` seconds in all. On Linux it is also killed when
    mlcourse dies. What is not contained: a process the code starts in a new session whose
    parent has already ended (a "double fork"); that would take a cgroup or a container.

    Parameters
    ----------
    source : str
        Python code defining the function.
    function : str
        The function's name.
    cases : list of list
        Argument lists (JSON-plain values).
    timeout : float
        Seconds for everything, start-up included.

    Returns
    -------
    Execution
    """
    start = time.monotonic()
    read_end, write_end = os.pipe()
    try:
        process = subprocess.Popen(
            [sys.executable, "-I", "-c", _RUNNER, str(write_end)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(write_end,),
            start_new_session=True,
            preexec_fn=functools.partial(_prepare_child, os.getpid(), _prctl())
            if os.name == "posix"
            else None,
        )
    finally:
        os.close(write_end)
    chunks: list[bytes] = []

    def read() -> None:
        size = 0
        while True:
            chunk = os.read(read_end, 65536)
            if not chunk:
                return
            if size < _READ_LIMIT:
                chunks.append(chunk)
                size += len(chunk)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    payload = json.dumps({"source": source, "function": function, "cases": list(cases)})
    try:
        process.stdin.write(payload.encode("utf-8"))
        process.stdin.close()
    except (BrokenPipeError, OSError):
        pass
    timed_out = False
    try:
        process.wait(timeout=max(0.0, timeout - (time.monotonic() - start)))
    except subprocess.TimeoutExpired:
        timed_out = True
    finally:  # Ctrl+C included: nothing the code started outlives the grading
        _kill_group(process)
    reader.join(timeout=2)
    if not reader.is_alive():
        os.close(read_end)
    execution = Execution(timed_out=timed_out, seconds=time.monotonic() - start)
    for line in b"".join(chunks).decode("utf-8", errors="replace").splitlines():
        try:
            event = json.loads(line)
        except (ValueError, RecursionError):
            continue  # a line cut at the read limit, or not written by the runner
        if not isinstance(event, dict):
            continue
        if "fatal" in event:
            execution.fatal = execution.fatal or str(event["fatal"])
        elif (
            isinstance(event.get("case"), int)
            and ("value" in event or isinstance(event.get("error"), str))
            and event["case"] not in execution.events  # the first event of a case counts
        ):
            execution.events[event["case"]] = event
    return execution


def _kill_group(process: subprocess.Popen) -> None:
    """Kill the process and everything it started: its process group, and its descendants
    still attached to it (one that left the group with ``setsid`` included)."""
    # Only while the process is not reaped: its id is then still its own. Twice, for a process
    # started between the listing and the kill.
    for _ in range(2 if process.returncode is None else 0):
        for pid in _descendants(process.pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, AttributeError):
        process.kill()
    process.wait()


def call_text(function: str, case: list, limit: int = 100) -> str:
    """``f(1, [2, 3])``: how a case is shown to the learner, shortened when long."""
    args = ", ".join(json.dumps(arg) for arg in case)
    if len(args) > limit:
        args = args[: limit - 3] + "..."
    return f"{function}({args})"


def _shown(value: Any, limit: int = 80) -> str:
    text = json.dumps(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _kind(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, dict) and "<set>" in value:
        return "a set"
    return "a dict"


def mismatch(expected: Any, got: Any, tolerance: float, where: str = "") -> str | None:
    """Why ``got`` is not ``expected`` (None when it is), never stating the expected value.

    Parameters
    ----------
    expected, got : object
        JSON-plain values (lists for tuples and arrays, ``{"<set>": [...]}`` for sets).
    tolerance : float
        Absolute tolerance for numbers (plus a relative 1e-9 for floating-point rounding).
    where : str
        The position inside the value so far, e.g. ``"[2]"``.

    Returns
    -------
    str or None
    """
    at = f"item {where}: " if where else ""
    if isinstance(expected, bool):
        if not isinstance(got, bool):
            return f"{at}expected True or False, got {_kind(got)}"
        return None if got == expected else f"{at}not the expected truth value"
    if isinstance(expected, (int, float)):
        if isinstance(got, bool) or not isinstance(got, (int, float)):
            return f"{at}expected a number, got {_kind(got)}"
        try:
            if math.isnan(expected) or math.isnan(got):
                return (
                    None
                    if math.isnan(expected) and math.isnan(got)
                    else f"{at}not the expected number"
                )
            if math.isinf(expected) or math.isinf(got):
                return None if expected == got else f"{at}not the expected number"
            if abs(got - expected) <= tolerance + 1e-9 * abs(expected):
                return None
        except OverflowError:  # an integer too large for a float
            return None if got == expected else f"{at}not the expected number"
        return f"{at}not within {tolerance:g} of the expected number"
    if expected is None:
        return None if got is None else f"{at}expected None, got {_kind(got)}"
    if isinstance(expected, str):
        if not isinstance(got, str):
            return f"{at}expected a string, got {_kind(got)}"
        return None if got == expected else f"{at}not the expected text"
    if isinstance(expected, list):
        if not isinstance(got, list):
            return f"{at}expected a list, tuple or array, got {_kind(got)}"
        if len(got) != len(expected):
            return f"{at}expected {len(expected)} items, got {len(got)}"
        for index, (want, have) in enumerate(zip(expected, got, strict=True)):
            problem = mismatch(want, have, tolerance, f"{where}[{index}]")
            if problem:
                return problem
        return None
    if isinstance(expected, dict) and "<set>" in expected:
        if not (isinstance(got, dict) and "<set>" in got):
            return f"{at}expected a set, got {_kind(got)}"
        if len(got["<set>"]) != len(expected["<set>"]):
            return f"{at}expected a set of {len(expected['<set>'])} items, got {len(got['<set>'])}"
        return mismatch(expected["<set>"], got["<set>"], tolerance, where)
    if isinstance(expected, dict):
        if not isinstance(got, dict) or "<set>" in got:
            return f"{at}expected a dict, got {_kind(got)}"
        missing, extra = set(expected) - set(got), set(got) - set(expected)
        if missing or extra:
            return f"{at}the keys are not the expected ones ({len(missing)} missing, {len(extra)} unexpected)"
        for key in expected:
            problem = mismatch(expected[key], got[key], tolerance, f"{where}[{json.dumps(key)}]")
            if problem:
                return problem
        return None
    return f"{at}cannot be compared"  # pragma: no cover - to_plain returns nothing else


_expected_cache: dict[str, Execution] = {}


def reference_results(question: Any) -> Execution:
    """The reference's results on the question's cases (computed once per process).

    Raises
    ------
    RuntimeError
        When the reference cannot run, raises or times out on a case: a bug in the bank.
    """
    key = json.dumps([question.id, question.reference, question.function, list(question.cases)])
    if key not in _expected_cache:
        run = execute(question.reference, question.function, question.cases, REFERENCE_TIME_LIMIT)
        if run.fatal:
            raise RuntimeError(f"{question.id}: the reference cannot run: {run.fatal}")
        for number, case in enumerate(question.cases):
            event = run.events.get(number)
            if event is None or "error" in event:
                why = event["error"] if event else "no result (killed or timed out)"
                raise RuntimeError(
                    f"{question.id}: the reference fails on {call_text(question.function, case)}: {why}"
                )
        _expected_cache[key] = run
    return _expected_cache[key]


def grade_code(question: Any, source: str, timeout: float = TIME_LIMIT) -> tuple[bool, str]:
    """Run the learner's function on the question's cases and compare it with the reference.

    Parameters
    ----------
    question : Question
        A code question.
    source : str
        The learner's code, defining ``question.function``.
    timeout : float
        Seconds for all the cases together.

    Returns
    -------
    (bool, str)
        Whether every case matches, and a message naming the first failing case by its
        arguments (never the expected value).
    """
    if not source.strip():
        return False, "no code was given"
    source = textwrap.dedent(source)  # a function pasted with its indentation
    try:
        compile(source, "<your answer>", "exec")
    except SyntaxError as error:
        return False, f"your code has a syntax error on line {error.lineno}: {error.msg}"
    except ValueError as error:  # null bytes
        return False, f"your code cannot be compiled: {error}"
    expected = reference_results(question)
    run = execute(source, question.function, question.cases, timeout)
    if run.fatal:
        return False, run.fatal
    for number, case in enumerate(question.cases):
        call = call_text(question.function, case)
        event = run.events.get(number)
        if event is None:
            if run.timed_out:
                return (
                    False,
                    f"{call} did not finish within {timeout:g} s: is there a loop that never ends?",
                )
            return (
                False,
                f"the process running your code stopped during {call} (it crashed or exited)",
            )
        if "error" in event:
            return (
                False,
                f"{call} {'' if event['error'].startswith('returned') else 'raised '}{event['error']}",
            )
        want = expected.events[number]
        problem = mismatch(want["value"], event["value"], question.tolerance)
        if problem:
            return False, f"{call} returned {_shown(event['value'])}: {problem}"
        if event.get("mutated") and not want.get("mutated"):
            return False, f"{call} changed its argument(s) in place: work on a copy instead"
    return True, f"all {len(question.cases)} cases pass"
