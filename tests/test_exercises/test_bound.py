"""ex.qN.check(), hint(), solution(), strict mode, self-test helpers and check events."""

import json

import nbformat
import pytest

import mlcourse.exercises as exercises
from mlcourse.exercises import CheckFailed, LoadedModule, SelfTestFailed
from tests.helpers import demo_module, demo_solution_notebook


@pytest.fixture
def lenient(monkeypatch, tmp_path):
    monkeypatch.setenv("MLCOURSE_STRICT", "0")
    monkeypatch.setenv("MLCOURSE_EVENTS", str(tmp_path / "events.jsonl"))
    return tmp_path / "events.jsonl"


def test_load_binds_the_callers_globals(monkeypatch, lenient):
    monkeypatch.setattr(exercises, "get_module", lambda number: demo_module())
    ex = exercises.load("99")
    global total
    total = 6
    try:
        assert ex.q1.check().correct
        total = 7
        assert ex.q1.check().status == "incorrect"
    finally:
        del total


def test_check_reads_the_namespace_afresh_and_records_events(lenient):
    namespace = {}
    ex = LoadedModule(demo_module(), namespace)
    assert ex.q1.check().status == "not_attempted"
    namespace["total"] = 6
    assert ex.q1.check().correct
    events = [json.loads(line) for line in lenient.read_text().splitlines()]
    assert [(e["problem"], e["status"]) for e in events] == [
        ("99.1", "not_attempted"),
        ("99.1", "correct"),
    ]
    assert events[0]["module"] == "99"


def test_strict_mode_raises_on_anything_but_correct(monkeypatch, lenient):
    monkeypatch.setenv("MLCOURSE_STRICT", "1")
    namespace = {"total": 5}
    ex = LoadedModule(demo_module(), namespace)
    with pytest.raises(CheckFailed, match="Incorrect"):
        ex.q1.check()
    namespace["total"] = 6
    assert ex.q1.check().correct


def test_unwritable_event_log_warns_but_checks(monkeypatch, lenient, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("MLCOURSE_EVENTS", str(blocker / "events.jsonl"))
    ex = LoadedModule(demo_module(), {"total": 6})
    with pytest.warns(UserWarning, match="could not record"):
        assert ex.q1.check().correct


def test_hints_are_tiered():
    ex = LoadedModule(demo_module(), {})
    assert "Hint 1 of 2" in repr(ex.q1.hint()) and "add" in repr(ex.q1.hint())
    assert "hint(2)" in repr(ex.q1.hint(1))
    assert "sum()" in repr(ex.q1.hint(2)) and "says more" not in repr(ex.q1.hint(2))
    assert "numbered 1 to 2" in repr(ex.q1.hint(5))
    assert "no hints" in repr(ex.q2.hint())
    assert "<strong>" not in ex.q1.hint()._repr_markdown_()


def test_solution_is_read_from_solutions_folder(monkeypatch, tmp_path):
    (tmp_path / "solutions").mkdir()
    nbformat.write(demo_solution_notebook(), str(tmp_path / "solutions" / "99_demo.ipynb"))
    monkeypatch.setenv("MLCOURSE_ROOT", str(tmp_path))
    ex = LoadedModule(demo_module(), {})
    text = repr(ex.q2.solution())
    assert "y = x * 2" in text and "return y" in text and "SOLUTION" not in text
    assert "total = sum(values)" in repr(ex.q1.solution())
    assert "```python" in ex.q1.solution()._repr_markdown_()


def test_solution_says_plainly_when_solutions_are_absent(monkeypatch, tmp_path):
    monkeypatch.setenv("MLCOURSE_ROOT", str(tmp_path))
    text = repr(LoadedModule(demo_module(), {}).q1.solution())
    assert "not included in this copy" in text


def test_self_test_helpers_fail_when_the_check_misbehaves():
    ex = LoadedModule(demo_module(), {})
    assert ex.q1.assert_rejects(total=5).status == "incorrect"
    assert ex.q1.assert_accepts(total=6).correct
    with pytest.raises(SelfTestFailed, match="reject"):
        ex.q1.assert_rejects(total=6)
    with pytest.raises(SelfTestFailed, match="reject"):
        ex.q1.assert_rejects()  # not attempted is not a rejection
    with pytest.raises(SelfTestFailed, match="accept"):
        ex.q1.assert_accepts(total=5)


def test_summary_and_unknown_attribute():
    ex = LoadedModule(demo_module(), {"total": 6, "kc1": "b"})
    summary = repr(ex.summary())
    assert "99.1" in summary and "correct" in summary and "1/3" in summary
    with pytest.raises(AttributeError, match="has no problem 'q9'"):
        _ = ex.q9
    assert "q1" in dir(ex)


def test_get_module_errors():
    with pytest.raises(ValueError, match="two-digit"):
        exercises.get_module("x1")
    with pytest.raises(LookupError, match="no exercises"):
        exercises.get_module("99")
    assert exercises.normalise_number("1") == "01"
    assert exercises.normalise_number("07_classification") == "07"
