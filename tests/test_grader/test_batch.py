"""Batch bookkeeping: atomic results, a gradebook rebuilt from them, and resume."""

import csv
import json

import pytest

import mlcourse.grader._batch as batch
from mlcourse.grader import grade_batch


def _fake_grade(submission, module, release, limits, worker=0):
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

    uri = f"sqlite:///{tmp_path}/grades.db"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    mlflow.set_tracking_uri(uri)
    subs = tmp_path / "subs"
    subs.mkdir()
    for name in ("ada", "bob"):
        (subs / f"{name}.ipynb").write_text(name * 2)
    grade_batch([subs], "01", tmp_path / "out", mlflow=True, progress=lambda line: None)
    runs = mlflow.search_runs(experiment_names=["mlcourse/grades/01_python_essentials"])
    assert sorted(runs["tags.mlcourse.learner"]) == ["ada", "bob"]
    assert sorted(runs["metrics.points"]) == [6.0, 6.0]
    assert set(runs["tags.mlcourse.grade_status"]) == {"ok"}
