"""The post-session report on a hand-made export: every number can be checked by hand."""

from __future__ import annotations

import csv
import io

import pytest

from mlcourse.live import _report as report_module
from mlcourse.live._report import (
    CSV_COLUMNS,
    csv_rows,
    format_seconds,
    render_csv,
    render_html,
    report_metrics,
    summarise,
    write_report,
)

from .conftest import mlflow_tracking_state

T0 = 1_000_000.0


def _event(n, learner, kind, problem, at, status=None, error=None, detail=None, message=None):
    return {
        "id": f"event-{n:04d}",
        "learner": learner,
        "kind": kind,
        "module": problem.split(".")[0] if problem else None,
        "problem": problem,
        "status": status,
        "points": 1.0 if status == "correct" else (0.0 if status else None),
        "error": error,
        "detail": detail,
        "message": message,
        "time": T0 + at,
        "received": T0 + at + 0.5,
    }


def hand_made_export():
    """Three learners on module 00; the expected numbers are worked out in the tests."""
    rows = [
        # 00.1 -- ada: hint, fail, pass: 2 attempts, 40 s from her first attempt to her pass
        ("ada", "hint", "00.1", 10, None, None, None),
        ("ada", "check", "00.1", 30, "incorrect", "KeyError", "'target'"),
        ("ada", "check", "00.1", 70, "correct", None, None),
        # bob: two fails then a pass (3 attempts, 120 s from his first attempt), a later pass
        # does not count
        ("bob", "check", "00.1", 20, "incorrect", "KeyError", "'target'"),
        ("bob", "check", "00.1", 40, "incorrect", "ValueError", "shapes differ"),
        ("bob", "check", "00.1", 140, "correct", None, None),
        ("bob", "check", "00.1", 200, "correct", None, None),
        # cy: a check with no answer (not an attempt), one fail, then the solution
        ("cy", "check", "00.1", 15, "not_attempted", None, None),
        ("cy", "check", "00.1", 50, "incorrect", "KeyError", "'target'"),
        ("cy", "solution", "00.1", 300, None, None, None),
        # 00.2 -- ada only: hint at 380, pass at 400 (one attempt: 0 s without a checkpoint)
        ("ada", "hint", "00.2", 380, None, None, None),
        ("ada", "check", "00.2", 400, "correct", None, None),
        # another module's event: not in this session's report
        ("cy", "check", "01.1", 500, "correct", None, None),
        ("bob", "hand", None, 90, None, None, None),
    ]
    events = [
        _event(n, learner, kind, problem, at, status, error, detail)
        for n, (learner, kind, problem, at, status, error, detail) in enumerate(rows)
    ]
    events.reverse()  # the report must not rely on the export's order
    return {
        "session": {
            "id": "00-20261203-a1f2",
            "title": "Warm-up",
            "module": "00",
            "checkpoint": "00.1",
            "server_checks": False,
            "created": T0,
            "closed": T0 + 3600,
        },
        "problems": ["00.1", "00.2", "00.3"],
        "learners": [
            {"name": name, "pseudonym": f"P {name}", "joined": T0 + 5}
            for name in ("ada", "bob", "cy")
        ],
        "events": events,
        "hands": [],
        "reveals": [],
    }


@pytest.fixture
def report():
    return summarise(hand_made_export())


def test_session_facts(report):
    assert report.session == "00-20261203-a1f2"
    assert report.learners == 3
    assert report.events == 14
    assert report.duration_seconds == 3600
    assert report.never_passed == ["cy"]  # cy's pass on 01.1 is another module's


def test_first_exercise_numbers(report):
    first = report.exercises[0]
    assert first.problem == "00.1"
    assert (first.learners, first.attempted, first.passed) == (3, 3, 2)
    assert first.pass_rate == 0.667
    # attempts until the first pass: ada 2, bob 3, cy 1 (the not-attempted check is no attempt)
    assert first.attempts_mean == 2.0
    assert first.attempts_median == 2.0
    assert (first.hints, first.hint_learners, first.solutions) == (1, 1, 1)
    assert first.median_seconds_to_pass == 80.0  # median of 40 and 120
    assert first.attempted_never_passed == ["cy"]
    assert first.passed_after_solution == 0 and first.clock_from == "first attempt"
    assert first.top_errors == [("KeyError", "'target'", 3), ("ValueError", "shapes differ", 1)]


def test_second_and_untouched_exercises(report):
    second, third = report.exercises[1], report.exercises[2]
    assert (second.attempted, second.passed, second.pass_rate) == (1, 1, 0.333)
    assert second.median_seconds_to_pass == 0.0  # passed at the first attempt
    assert (second.attempts_mean, second.hints) == (1.0, 1)
    assert third.problem == "00.3"
    assert (third.attempted, third.passed, third.pass_rate) == (0, 0, 0.0)
    assert third.attempts_mean is None and third.median_seconds_to_pass is None
    assert [x.problem for x in report.exercises] == ["00.1", "00.2", "00.3"]


def test_problems_seen_in_events_but_not_listed_are_reported():
    export = hand_made_export()
    export["problems"] = ["00.2"]
    assert [x.problem for x in summarise(export).exercises] == ["00.2", "00.1"]


def test_an_open_session_lasts_until_its_last_event():
    export = hand_made_export()
    export["session"]["closed"] = None
    assert summarise(export).duration_seconds == 500.5  # ``received`` of the event at +500


def test_malformed_events_are_skipped():
    export = hand_made_export()
    export["events"] += [
        "not a dict",
        {"learner": "ada", "kind": "check", "problem": "00.3", "time": "soon"},
        {"learner": "", "kind": "check", "problem": "00.3", "time": T0},
        {"learner": "ada", "kind": "check", "problem": "00.3", "time": float("nan")},
    ]
    result = summarise(export)
    assert result.events == 14
    assert result.exercises[2].attempted == 0


def test_csv_has_one_row_per_exercise_with_the_columns():
    text = render_csv(summarise(hand_made_export()))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    assert [r["problem"] for r in rows] == ["00.1", "00.2", "00.3"]
    first = rows[0]
    assert first["pass_rate"] == "0.667"
    assert first["attempts_mean"] == "2.0"
    assert first["median_seconds_to_pass"] == "80.0"
    assert first["attempted_never_passed"] == "1"
    assert first["passed_after_solution"] == "0"
    assert first["clock_from"] == "first attempt"
    assert first["top_errors"] == "KeyError: 'target' (3); ValueError: shapes differ (1)"
    assert rows[2]["attempts_mean"] == ""


def test_csv_cells_cannot_become_formulas():
    export = hand_made_export()
    export["events"].append(
        _event(99, "ada", "error", "00.3", 20, error="X", detail="=HYPERLINK(1)")
    )
    export["session"]["id"] = "00-x"
    result = summarise(export)
    result.exercises[2].problem = "=cmd|' /C calc'!A0"  # as if the store held anything
    result.exercises[2].top_errors = [("=HYPERLINK(1)", "", 1)]
    text = render_csv(result)
    assert "\n'=cmd" in text
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "'=HYPERLINK(1) (1)" in cells
    assert not any(cell[:1] in ("=", "+", "@", "\t", "\r") for cell in cells)


def test_html_escapes_hostile_text():
    export = hand_made_export()
    export["session"]["title"] = "<img src=x onerror=alert(1)>"
    export["learners"].append({"name": "<script>alert('x')</script>", "pseudonym": "p"})
    export["events"].append(
        _event(99, "ada", "check", "00.1", 33, "incorrect", "KeyError", "<script>bad()</script>")
    )
    page = render_html(summarise(export))
    assert "<script>" not in page
    assert "<img" not in page
    assert "&lt;script&gt;bad()&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page  # never passed: listed
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_html_has_a_table_per_section(report):
    page = render_html(report)
    for heading in ("Session", "Exercises", "Top errors", "Learners who never passed"):
        assert f"<h2>{heading}</h2>" in page
    assert page.count("<table>") == 4
    assert "1 min 20 s" in page  # 00.1's median time to pass
    assert "first attempt" in page and "After the solution" in page
    assert "67%" in page


def test_format_seconds():
    assert format_seconds(None) == "-"
    assert format_seconds(7.4) == "7 s"
    assert format_seconds(75) == "1 min 15 s"
    assert format_seconds(3725) == "1 h 2 min"


def test_write_report_files(tmp_path):
    html_path, csv_path, result = write_report(hand_made_export(), tmp_path / "out")
    assert html_path.name == "00-20261203-a1f2-report.html"
    assert csv_path.name == "00-20261203-a1f2-report.csv"
    assert html_path.read_text().startswith("<!doctype html>")
    assert csv_path.read_text().splitlines()[0] == ",".join(CSV_COLUMNS)
    assert result.learners == 3


def test_write_report_refuses_a_session_id_that_is_a_path(tmp_path):
    export = hand_made_export()
    export["session"]["id"] = "../../etc"
    with pytest.raises(ValueError, match="cannot name a file"):
        write_report(export, tmp_path)


def test_metrics(report):
    metrics = report_metrics(report)
    assert metrics["learners"] == 3.0
    assert metrics["pass_rate.00_1"] == 0.667
    assert metrics["median_time_to_pass.00_1"] == 80.0
    assert metrics["passed_after_solution.00_1"] == 0.0
    assert metrics["duration_minutes"] == 60.0
    assert "median_time_to_pass.00_3" not in metrics
    assert metrics["median_time_to_pass"] == 40.0  # median of 80 and 0


def test_mlflow_run_with_artifacts(tmp_path, monkeypatch):
    import mlflow

    uri = f"sqlite:///{tmp_path}/mlflow.db"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    monkeypatch.setenv("_MLFLOW_SERVER_ARTIFACT_ROOT", str(tmp_path / "artifacts"))
    html_path, csv_path, result = write_report(hand_made_export(), tmp_path / "out")
    before = mlflow_tracking_state()
    run_id = report_module.log_report(result, [html_path, csv_path])
    assert mlflow_tracking_state() == before  # the caller's URI and experiment are back
    run = mlflow.MlflowClient(uri).get_run(run_id)
    assert run.info.run_name == "00-20261203-a1f2"
    assert run.data.tags["mlcourse.module"] == "00"
    assert run.data.metrics["pass_rate.00_1"] == 0.667
    assert run.data.metrics["learners"] == 3.0
    experiment = mlflow.MlflowClient(uri).get_experiment(run.info.experiment_id)
    assert experiment.name == "mlcourse/live"
    names = {a.path for a in mlflow.MlflowClient(uri).list_artifacts(run_id)}
    assert names == {html_path.name, csv_path.name}


def test_a_failed_mlflow_run_still_restores_the_callers_tracking(tmp_path, monkeypatch):
    import mlflow
    from mlflow.tracking import fluent

    mlflow.set_tracking_uri(f"sqlite:///{tmp_path}/callers.db")  # the caller's own URI
    monkeypatch.setattr(fluent, "_active_experiment_id", "callers-experiment")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path}/mlflow.db")  # the course's
    monkeypatch.setenv("_MLFLOW_SERVER_ARTIFACT_ROOT", str(tmp_path / "artifacts"))
    monkeypatch.delenv("MLFLOW_EXPERIMENT_ID", raising=False)
    before = mlflow_tracking_state()
    _, _, result = write_report(hand_made_export(), tmp_path / "out")
    with pytest.raises(Exception, match="missing"):
        report_module.log_report(result, [tmp_path / "missing.html"])
    assert mlflow_tracking_state() == before
    assert before[:2] == (f"sqlite:///{tmp_path}/callers.db", "callers-experiment")


def _one_exercise(rows, **session):
    events = [
        _event(n, learner, kind, "00.1", at, status)
        for n, (learner, kind, at, status) in enumerate(rows)
    ]
    export = hand_made_export()
    export["events"] = events
    export["session"].update(session)
    return summarise(export).exercises[0]


def test_the_clock_starts_at_the_first_attempt_not_at_a_solution_or_an_empty_check():
    first = _one_exercise(
        [
            ("ada", "check", 0, "not_attempted"),  # "run all" at the start: no attempt
            ("ada", "hint", 5, None),
            ("ada", "check", 100, "incorrect"),
            ("ada", "check", 160, "correct"),
        ]
    )
    assert first.median_seconds_to_pass == 60.0


def test_the_clock_starts_at_the_checkpoint_when_it_came_first():
    rows = [
        ("ada", "check", 100, "incorrect"),
        ("ada", "check", 160, "correct"),
        ("bob", "check", 20, "incorrect"),  # bob started before the checkpoint
        ("bob", "check", 80, "correct"),
    ]
    first = _one_exercise(rows, checkpoint="00.1", checkpoint_at=T0 + 40)
    assert first.median_seconds_to_pass == 90.0  # ada 160 - 40, bob 80 - 20
    assert first.clock_from == "checkpoint or first attempt"
    export = hand_made_export()
    export["session"].update(checkpoint="00.2", checkpoint_at=T0 + 999)
    export["checkpoints"] = [{"problem": "00.1", "at": T0 + 25}, {"problem": "00.1", "at": "x"}]
    result = summarise(export)
    assert result.exercises[0].median_seconds_to_pass == 82.5  # ada 70 - 25, bob 140 - 20
    assert result.exercises[1].median_seconds_to_pass == 0.0  # its checkpoint came after
    assert "checkpoint (" in render_html(result)


def test_passes_after_the_solution_are_counted_apart():
    first = _one_exercise(
        [
            ("ada", "check", 10, "incorrect"),
            ("ada", "solution", 50, None),
            ("ada", "check", 60, "correct"),
            ("bob", "check", 30, "incorrect"),
            ("bob", "check", 90, "correct"),
            ("bob", "solution", 95, None),  # after his pass: his pass is his own
        ]
    )
    assert (first.passed, first.passed_after_solution) == (2, 1)
    assert first.median_seconds_to_pass == 60.0  # bob's only
    row = csv_rows(
        summarise({**hand_made_export(), "events": []})  # the columns exist on empty data
    )[0]
    assert row["passed_after_solution"] == 0 and row["attempted_never_passed"] == 0
