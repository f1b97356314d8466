"""Answers are judged in a separate, limited process: what breaks it cannot break the grader."""

import pytest

from mlcourse.checks import Answer
from mlcourse.exercises import get_module
from mlcourse.grader import encode_answers
from mlcourse.grader._evaluate import EvaluationFailed, evaluate_isolated


def test_honest_answers_are_judged_as_in_the_notebook(tmp_path):
    module = get_module("00")
    encode_answers({"00.1": Answer({"average_minutes": 225 / 7})}, tmp_path)
    outcomes = evaluate_isolated("00", tmp_path, memory_mb=1024, timeout=60)
    by_id = {o["problem"]: o for o in outcomes}
    assert len(outcomes) == len(module.problems)
    assert by_id["00.1"]["status"] == "correct"
    assert by_id["00.2"]["status"] == "not_attempted"


def _big_answers(folder):
    """19 MB of JSON that parses into a list of 9.5 million values (about 80 MB)."""
    items = "[" + ",".join(["0"] * 9_500_000) + "]"
    text = (
        '{"format": 1, "answers": {"00.1": {"missing": null, "error": null, '
        '"values": {"average_minutes": {"__t": "list", "items": ' + items + "}}}}}"
    )
    (folder / "answers.json").write_text(text)


def test_answers_that_blow_the_evaluators_memory_fail_it_not_the_grader(tmp_path):
    _big_answers(tmp_path)
    with pytest.raises(EvaluationFailed, match="memory|stopped"):
        evaluate_isolated("00", tmp_path, memory_mb=32, timeout=60)
    # with room to work, the same answers are read and rejected as too large a container
    outcomes = evaluate_isolated("00", tmp_path, memory_mb=1024, timeout=60)
    first = next(o for o in outcomes if o["problem"] == "00.1")
    assert first["status"] == "incorrect" and "more than 100000 items" in first["message"]
