"""Hostile or unlucky input: huge numbers, escaping processes, signals, concurrent drills, broken
history files, forged results, pasted code, interrupted output."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from mlcourse.cli import main
from mlcourse.exercises import _events
from mlcourse.quiz import QuizHistory, grade_answer, load_bank, run_drill, summary
from mlcourse.quiz._code import mismatch

from .helpers import FIXTURE_BANK, code, write_bank

BANK = {q.id: q for q in load_bank(FIXTURE_BANK)}
CHOICE, NUMERIC, CODE = BANK["m07-q01"], BANK["m07-q02"], BANK["m07-q03"]
RIGHT = "def precision(tp, fp):\n    return tp / (tp + fp) if tp + fp else 0.0\n"
DAY = dt.date(2026, 3, 1)


def _alive(pid: int) -> bool:
    """A process exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


# 1. numbers too large for a float


@pytest.mark.parametrize("answer", [10**400, "1" + "0" * 400, "1e30000000"])
def test_a_number_too_large_is_not_right_and_quick(answer):
    start = time.monotonic()
    result = grade_answer(NUMERIC, answer)
    assert not result.right and "number" in result.message
    assert time.monotonic() - start < 1.0


def test_a_code_answer_returning_a_huge_integer_is_graded():
    result = grade_answer(CODE, "def precision(tp, fp):\n    return 10**400\n")
    assert not result.right
    assert (
        "precision(30, 10) returned" in result.message
        and "not the expected number" in result.message
    )


@pytest.mark.parametrize(
    ("expected", "got", "problem"),
    [(1.0, 10**400, "not the expected number"), (10**400, 10**400, None), (10**400, 1, "not the expected number")],
)  # fmt: skip
def test_mismatch_survives_integers_too_large_for_a_float(expected, got, problem):
    assert mismatch(expected, got, 1e-9) == problem


# 2. what the learner's code starts does not outlive the grading


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs /proc and fork")
def test_a_child_that_leaves_the_session_is_killed_too(tmp_path):
    marker = tmp_path / "alive"
    source = (
        "import os, time\n"
        "def precision(tp, fp):\n"
        "    if os.fork() == 0:\n"
        "        os.setsid()\n"
        "        time.sleep(2)\n"
        f"        open({str(marker)!r}, 'w').write('x')\n"
        "        os._exit(0)\n"
        "    while True:\n"
        "        pass\n"
    )
    result = grade_answer(CODE, source, timeout=1.0)
    assert not result.right and "did not finish" in result.message
    time.sleep(2.5)
    assert not marker.exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs /proc and SIGTERM")
def test_sigterm_while_grading_kills_the_answer_and_keeps_the_drill(tmp_path):
    bank = tmp_path / "bank"
    write_bank(bank, "m07.toml", [code()])
    pid_file = tmp_path / "pid"
    answer = (
        "import os\n"
        "def precision(tp, fp):\n"
        f"    open({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
        "    while True:\n"
        "        pass\n"
        ".\n"
    )
    env = {**os.environ, "MLCOURSE_EVENTS": str(tmp_path / "state" / "events.jsonl")}
    process = subprocess.Popen(
        [sys.executable, "-c", "import sys; from mlcourse.cli import main; sys.exit(main())",
         "quiz", "--bank", str(bank)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
    )  # fmt: skip
    try:
        process.stdin.write(answer)
        process.stdin.close()
        deadline = time.monotonic() + 30
        while not (pid_file.exists() and pid_file.read_text()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert pid_file.exists(), "the answer never ran"
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        out = process.stdout.read()
    finally:
        process.kill()
        process.wait()
        process.stdout.close()
        process.stderr.close()
    child = int(pid_file.read_text())
    time.sleep(0.2)
    assert not _alive(child)
    assert process.returncode == 0 and "Stopped." in out and "No question answered." in out


# 3. due days far in the future


def test_a_due_day_further_than_its_interval_is_brought_back(tmp_path):
    path = tmp_path / "quiz.json"
    far = {"box": 1, "due": "2099-01-01", "answers": []}
    near = {"box": 4, "due": "2026-03-10", "answers": []}
    path.write_text(json.dumps({"version": 1, "questions": {"m07-q01": far, "m07-q02": near}}))
    history = QuizHistory.load(path, today=DAY)
    assert history.entries["m07-q01"].due == DAY + dt.timedelta(days=1)
    assert history.entries["m07-q02"].due == dt.date(2026, 3, 10)  # within 21 days: kept


# 4. two drills at once


def test_two_drills_saving_to_the_same_file_keep_both_answers(tmp_path):
    path = tmp_path / "quiz.json"
    first, second = QuizHistory.load(path), QuizHistory.load(path)
    out = io.StringIO()
    run_drill([CHOICE], first, today=DAY, stdin=io.StringIO("a\n"), stdout=out)
    run_drill([NUMERIC], second, today=DAY, stdin=io.StringIO("3/4\n"), stdout=out)
    assert sorted(QuizHistory.load(path).entries) == ["m07-q01", "m07-q02"]
    assert sorted(second.entries) == ["m07-q01", "m07-q02"]  # the drill's summary sees both


# 5. hostile history files


def test_deeply_nested_json_in_the_quiz_history_is_a_warning(tmp_path):
    path = tmp_path / "quiz.json"
    path.write_text("[" * 100_000)
    warnings = []
    assert QuizHistory.load(path, warn=warnings.append).entries == {}
    assert len(warnings) == 1 and "not a readable quiz history" in warnings[0]


def test_a_bad_line_in_the_events_file_loses_that_line_only(tmp_path):
    path = tmp_path / "events.jsonl"
    good = json.dumps({"module": "03", "status": "incorrect"}).encode()
    path.write_bytes(b"\n".join([good, b"[" * 100_000, b'{"module": "05", "x": "\xff"}', good]))
    events = _events.read(path)
    assert [e["module"] for e in events] == ["03", "05", "03"]


# 6. one backup of a corrupt file, not one per command


def test_a_corrupt_history_is_backed_up_once(tmp_path):
    path = tmp_path / "quiz.json"
    path.write_text("{oops")
    for _ in range(3):
        QuizHistory.load(path, warn=lambda line: None)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["quiz.json", "quiz.json.bak"]


# 7. lines written to the result channel by the answer itself


_FORGE = (
    "import os, sys\n"
    "def precision(tp, fp):\n"
    "    if [tp, fp] == [7, 0]:\n"
    "        out = os.fdopen(int(sys.argv[1]), 'w')\n"
    "        for case, value in enumerate([0.75, 0.0, 1.0]):\n"
    '            out.write(\'{"case": %d, "value": %r}\\n\' % (case, value))\n'
    "        out.flush()\n"
    "        os._exit(0)\n"
    "    return -1.0\n"
)


def test_forged_result_lines_do_not_replace_real_ones():
    result = grade_answer(CODE, _FORGE)
    assert not result.right and "precision(30, 10) returned -1.0" in result.message


def test_malformed_result_lines_are_ignored():
    junk = (
        "import os, sys\n"
        "def precision(tp, fp):\n"
        "    if tp == 30:\n"
        "        out = os.fdopen(int(sys.argv[1]), 'w', closefd=False)\n"
        "        out.write('{\"case\": 0}\\n' + '[' * 100000 + '\\n5\\n')\n"
        "        out.write('{\"case\": 0, \"value\": 1' + '0' * 5000 + '}\\n')\n"
        '        out.write(\'{"case": 0, "error": 3}\\n\')\n'
        "        out.flush()\n"
        "    return tp / (tp + fp) if tp + fp else 0.0\n"
    )
    assert grade_answer(CODE, junk).right


# 8. right answers that were rejected


def test_an_indented_paste_is_graded():
    indented = "".join("    " + line + "\n" for line in RIGHT.splitlines())
    assert grade_answer(CODE, indented).right


@pytest.mark.parametrize(
    "body",
    ["from fractions import Fraction\n    return Fraction(tp, tp + fp) if tp + fp else 0",
     "from decimal import Decimal\n    return Decimal(tp) / (tp + fp) if tp + fp else Decimal(0)"],
)  # fmt: skip
def test_fraction_and_decimal_results_compare_as_numbers(body):
    assert grade_answer(CODE, f"def precision(tp, fp):\n    {body}\n").right


def test_a_fraction_too_large_for_a_float_is_reported_not_a_crash():
    source = (
        "from fractions import Fraction\ndef precision(tp, fp):\n    return Fraction(10**400)\n"
    )
    result = grade_answer(CODE, source)
    assert not result.right and "cannot be read back" in result.message


def test_code_with_a_syntax_error_is_asked_again_in_the_drill(tmp_path):
    history = QuizHistory(path=tmp_path / "quiz.json")
    typed = "def precision(tp, fp)\n    return 1\n.\n" + "  " + RIGHT.replace("\n", "\n  ") + ".\n"
    out = io.StringIO()
    drill = run_drill([CODE], history, today=DAY, stdin=io.StringIO(typed), stdout=out)
    assert "syntax error on line 1" in out.getvalue() and "asked again" not in out.getvalue()
    assert len(drill.answered) == 1 and drill.answered[0][1].right


# 10. interruptions, reset, and messages that tell the truth


class _BreaksOnce(io.StringIO):
    """Output where writing the explanation is interrupted by Ctrl+C, once."""

    def __init__(self):
        super().__init__()
        self.broken = False

    def write(self, text):
        if "Why:" in text and not self.broken:
            self.broken = True
            raise KeyboardInterrupt
        return super().write(text)


def test_ctrl_c_while_printing_the_result_keeps_the_answer(tmp_path):
    history = QuizHistory(path=tmp_path / "quiz.json")
    drill = run_drill(
        [CHOICE, NUMERIC], history, today=DAY, stdin=io.StringIO("a\n3/4\n"), stdout=_BreaksOnce()
    )
    assert drill.stopped and len(drill.answered) == 1
    assert list(QuizHistory.load(tmp_path / "quiz.json").entries) == ["m07-q01"]
    assert "Stopped. Your 1 answer(s) are saved." in summary(drill, history, [CHOICE], DAY)


def test_a_failed_save_is_not_reported_as_saved(tmp_path):
    (tmp_path / "blocked").write_text("a file where a folder should be")
    history = QuizHistory(path=tmp_path / "blocked" / "quiz.json")
    warnings = []
    drill = run_drill(
        [CHOICE, NUMERIC], history, today=DAY, stdin=io.StringIO("a\n"), stdout=io.StringIO(),
        warn=warnings.append,
    )  # fmt: skip
    assert drill.stopped and len(warnings) == 1
    text = summary(drill, history, [CHOICE], DAY)
    assert "0 of your 1 answer(s) are saved" in text and "Your 1 answer(s) are saved" not in text


def test_reset_limited_to_a_module_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MLCOURSE_EVENTS", str(tmp_path / "events.jsonl"))
    (tmp_path / "quiz.json").write_text('{"version": 1, "questions": {}}')
    status = main(["quiz", "--bank", str(FIXTURE_BANK), "--module", "07", "--reset", "--yes"])
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1 and "cannot be limited with --module" in err
    assert (tmp_path / "quiz.json").exists()
