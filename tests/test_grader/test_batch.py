"""Batch bookkeeping: atomic results, a gradebook rebuilt from them, and resume."""

import csv
import json

import pytest

import mlcourse.grader._batch as batch
from mlcourse.grader import grade_batch


def _fake_grade(submission, module, limits=None, worker=0, *, sandbox=True, refuse_tampering=True):
    points = float(len(submission.data or b""))
    return {
        "schema": "mlcourse.grade/1",
        "learner": submission.learner,
        "module": module,
        "submission": {"file": submission.name, "sha256": submission.sha256},
        "status": "ok",
        "reason": "",
        "points": points,
        "max_points": 24.0,
        "problems": [
            {
                "problem": "01.1",
                "status": "correct",
                "points": points,
                "max_points": 24.0,
                "message": "",
                "details": {},
            }
        ],
        "execution": {
            "seconds": 0.0,
            "sandboxed": True,
            "cell_errors": [],
            "output_truncated": False,
        },
        "graded_at": "now",
        "mlcourse_version": "test",
    }


@pytest.fixture
def fake(monkeypatch):
    calls = []

    def grade(*args, **kwargs):
        calls.append(args[0].learner)
        return _fake_grade(*args, **kwargs)

    monkeypatch.setattr(batch, "grade_submission", grade)
    return calls


def _gradebook(out):
    with (out / "gradebook_01.csv").open() as handle:
        return list(csv.DictReader(handle))


def test_resume_regrades_only_what_is_missing_or_changed(tmp_path, fake):
    subs = tmp_path / "subs"
    subs.mkdir()
    for name in ("ada", "bob", "cy"):
        (subs / f"{name}.ipynb").write_text(name)
    out = tmp_path / "out"
    grade_batch([subs], "01", out, workers=2, progress=lambda line: None)
    assert sorted(fake) == ["ada", "bob", "cy"]
    (out / "results" / "01" / "bob.json").unlink()  # as if the batch had been killed
    (subs / "cy.ipynb").write_text("cy, resubmitted")
    fake.clear()
    summary = grade_batch([subs], "01", out, workers=2, resume=True, progress=lambda line: None)
    assert sorted(fake) == ["bob", "cy"] and summary.skipped == 1
    rows = _gradebook(out)
    assert [r["learner"] for r in rows] == ["ada", "bob", "cy"]
    assert [r["total"] for r in rows] == ["3", "3", "15"]


def test_no_temporary_files_are_left(tmp_path, fake):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "ada.ipynb").write_text("x")
    out = tmp_path / "out"
    grade_batch([subs], "01", out, progress=lambda line: None)
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    assert json.loads((out / "results" / "01" / "ada.json").read_text())["points"] == 1.0


def test_mlflow_run_per_submission(tmp_path, fake, monkeypatch):
    import mlflow
    from mlflow.tracking._tracking_service import utils

    uri = f"sqlite:///{tmp_path}/grades.db"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    # MLflow keeps a set URI for the whole process: undone after the test, or later tests in
    # this process would log to this store whatever their environment says
    monkeypatch.setattr(utils, "_tracking_uri", uri)
    subs = tmp_path / "subs"
    subs.mkdir()
    for name in ("ada", "bob"):
        (subs / f"{name}.ipynb").write_text(name * 2)
    grade_batch([subs], "01", tmp_path / "out", mlflow=True, progress=lambda line: None)
    runs = mlflow.search_runs(experiment_names=["mlcourse/grades/01_python_essentials"])
    assert sorted(runs["tags.mlcourse.learner"]) == ["ada", "bob"]
    assert sorted(runs["metrics.points"]) == [6.0, 6.0]
    assert set(runs["tags.mlcourse.grade_status"]) == {"ok"}


def test_a_grader_failure_is_that_submissions_grader_error_and_the_batch_goes_on(
    tmp_path, monkeypatch
):
    real_grade = batch._grade

    def grade(submission, *args):
        if submission.learner == "bob":
            raise RecursionError("maximum recursion depth exceeded")
        return "ok", "fine", [
            {"problem": "01.1", "status": "correct", "points": 1.0, "max_points": 1.0,
             "message": "", "details": {}}
        ]  # fmt: skip

    monkeypatch.setattr(batch, "_grade", grade)
    subs = tmp_path / "subs"
    subs.mkdir()
    for name in ("ada", "bob", "cy"):
        (subs / f"{name}.ipynb").write_text(name)
    out = tmp_path / "out"
    summary = grade_batch([subs], "01", out, workers=2, progress=lambda line: None)
    assert summary.grader_errors == ["bob"]
    rows = {r["learner"]: r for r in _gradebook(out)}
    assert rows["bob"]["status"] == "grader_error" and rows["bob"]["total"] == "0"
    assert rows["ada"]["status"] == rows["cy"]["status"] == "ok"
    bob = json.loads((out / "results" / "01" / "bob.json").read_text())
    assert "RecursionError" in bob["reason"] and "Traceback" not in bob["reason"]
    page = (out / "feedback" / "01" / "bob.html").read_text()
    assert "not a verdict on your work" in page
    assert real_grade is not grade


def test_a_result_that_cannot_be_written_is_replaced_by_a_grader_error(tmp_path, fake, monkeypatch):
    from mlcourse.grader import _report

    real = _report.feedback_html

    def fails_for_bob(result):
        if result["learner"] == "bob" and result["status"] != "grader_error":
            raise UnicodeEncodeError("utf-8", "\udc80", 0, 1, "surrogates not allowed")
        return real(result)

    monkeypatch.setattr(_report, "feedback_html", fails_for_bob)
    subs = tmp_path / "subs"
    subs.mkdir()
    for name in ("ada", "bob"):
        (subs / f"{name}.ipynb").write_text(name)
    summary = grade_batch([subs], "01", tmp_path / "out", progress=lambda line: None)
    assert summary.grader_errors == ["bob"]
    assert [r["status"] for r in _gradebook(tmp_path / "out")] == ["ok", "grader_error"]


def test_text_that_is_not_valid_unicode_is_still_written(tmp_path):
    from mlcourse.grader._report import write_result

    result = _fake_grade(batch.Submission("ada", "ada\udcff.ipynb", b"x"), "01")
    result["problems"][0]["message"] = "`x` is '\ud800'"
    write_result(tmp_path, result)
    saved = json.loads((tmp_path / "results" / "01" / "ada.json").read_text())
    assert saved["problems"][0]["message"] == "`x` is '?'"
    assert (tmp_path / "feedback" / "01" / "ada.html").read_text(encoding="utf-8")


def test_a_batch_interrupted_midway_still_writes_its_gradebook(tmp_path, monkeypatch):
    def grade(submission, *args, **kwargs):
        if submission.learner == "bob":
            raise KeyboardInterrupt
        return _fake_grade(submission, *args, **kwargs)

    monkeypatch.setattr(batch, "grade_submission", grade)
    subs = tmp_path / "subs"
    subs.mkdir()
    for name in ("ada", "bob"):
        (subs / f"{name}.ipynb").write_text(name)
    with pytest.raises(KeyboardInterrupt):
        grade_batch([subs], "01", tmp_path / "out", progress=lambda line: None)
    assert [r["learner"] for r in _gradebook(tmp_path / "out")] == ["ada"]


def test_no_sandbox_no_grading_unless_asked(tmp_path, fake, monkeypatch):
    monkeypatch.setattr(batch, "bubblewrap", lambda: None)
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "ada.ipynb").write_text("x")
    with pytest.raises(batch.GradeError, match="--no-sandbox"):
        grade_batch([subs], "01", tmp_path / "out", progress=lambda line: None)
    summary = grade_batch([subs], "01", tmp_path / "out", sandbox=False, progress=lambda line: None)
    assert summary.graded == 1


def test_spreadsheet_formulas_in_the_gradebook_are_neutralised(tmp_path):
    from mlcourse.grader._report import write_gradebook, write_result

    result = _fake_grade(batch.Submission("=cmd", "x.ipynb", b"x"), "01")
    write_result(tmp_path, result)
    write_gradebook(tmp_path, "01", ["01.1"])
    assert _gradebook(tmp_path)[0]["learner"] == "'=cmd"


def test_resume_grades_again_what_the_grader_could_not_judge(tmp_path, monkeypatch):
    subs = tmp_path / "subs"
    subs.mkdir()
    for name in ("ada", "bob"):
        (subs / f"{name}.ipynb").write_text(name)
    calls, failed = [], set()

    def grade(submission, *args, **kwargs):
        calls.append(submission.learner)
        result = _fake_grade(submission, *args, **kwargs)
        if submission.learner == "bob" and "bob" not in failed:
            failed.add("bob")
            result["status"] = "grader_error"  # the grader's side failed the first time
        return result

    monkeypatch.setattr(batch, "grade_submission", grade)
    out = tmp_path / "out"
    first = grade_batch([subs], "01", out, progress=lambda line: None)
    assert first.grader_errors == ["bob"]
    calls.clear()
    again = grade_batch([subs], "01", out, resume=True, progress=lambda line: None)
    assert calls == ["bob"] and again.skipped == 1 and again.grader_errors == []
    assert [r["status"] for r in _gradebook(out)] == ["ok", "ok"]


def test_a_result_of_another_declaration_is_named():
    from mlcourse.exercises import get_module
    from mlcourse.grader import Submission

    declaration = get_module("01")
    result = batch.failed_result(Submission("ada", "ada.ipynb", b"{}"), "01", RuntimeError())
    assert batch.declaration_mismatch(result, declaration) is None
    first = result["problems"][0]["problem"]
    worth_more = {**result, "problems": [{**result["problems"][0], "max_points": 99.0}]}
    worth_more["problems"] += result["problems"][1:]
    assert f"{first} is worth 99 points there" in batch.declaration_mismatch(
        worth_more, declaration
    )
    fewer = {**result, "problems": result["problems"][1:]}
    assert "instead of" in batch.declaration_mismatch(fewer, declaration)
    assert batch.declaration_mismatch({"problems": None}, declaration) == "the result is malformed"
