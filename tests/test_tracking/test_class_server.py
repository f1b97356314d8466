"""A class: `mlcourse tracking serve` on SQLite and on PostgreSQL, 20 learners logging at once.

The same at 200 learners is `ci/bench_class_server.py` (`make bench`).
"""

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from mlflow.tracking import MlflowClient

from mlcourse.tracking import leaderboard
from mlcourse.tracking._server_events import post_check, server_checks

from .servers import postgres, tracking_server

LEARNERS, RUNS = 20, 20
SCRIPT = Path(__file__).with_name("learner.py")


def _learner_commands():
    """Two learners each in their own process, as from a notebook; the other 18 as threads of
    three processes (six learners each), all logging at the same time."""
    names = [f"learner{i:02d}" for i in range(LEARNERS)]
    alone = [[sys.executable, str(SCRIPT), name, str(RUNS)] for name in names[:2]]
    threaded = [
        [sys.executable, str(SCRIPT), "--runs", str(RUNS), *names[first : first + 6]]
        for first in range(2, LEARNERS, 6)
    ]
    return alone + threaded


def _class_logs(uri, tmp):
    env = {**os.environ, "MLFLOW_TRACKING_URI": uri, "MLCOURSE_ROOT": str(tmp)}
    env.pop("MLCOURSE_LEARNER", None)

    def one(command):
        return subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)

    commands = _learner_commands()
    with ThreadPoolExecutor(len(commands)) as pool:
        results = list(pool.map(one, commands))
    for result in results:
        assert result.returncode == 0, result.stderr[-3000:]
        assert result.stdout.startswith(uri), (
            f"a learner did not log to the class server: {result.stdout}"
        )


def _assert_class_is_complete(uri):
    client = MlflowClient(uri)
    experiment = client.get_experiment_by_name("mlcourse/07_classification_evaluation")
    every = client.search_runs([experiment.experiment_id], max_results=1000)
    where = {
        e.name: len(client.search_runs([e.experiment_id], max_results=1000))
        for e in client.search_experiments()
    }
    # Under load the MLflow client may retry a runs/create whose answer was lost; the server
    # then holds a ghost: RUNNING, nothing logged. Ghosts are tolerated (and not counted by
    # the leaderboard); every run a learner made must be there once, finished.
    runs = [run for run in every if run.info.status == "FINISHED"]
    ghosts = [run for run in every if run.info.status != "FINISHED"]
    assert all(
        run.info.status == "RUNNING" and not run.data.metrics and not run.data.params
        for run in ghosts
    ), f"unfinished runs with data: {ghosts}"
    assert len(runs) == LEARNERS * RUNS, f"runs per experiment: {where}"
    per_learner = {}
    for run in runs:
        tags = run.data.tags
        assert tags["mlcourse.module"] == "07" and tags["mlcourse.course_version"]
        per_learner.setdefault(tags["mlcourse.learner"], []).append(run.data.metrics["score"])
    assert sorted(per_learner) == [f"learner{i:02d}" for i in range(LEARNERS)]
    assert all(len(scores) == RUNS for scores in per_learner.values())
    expected = {
        f"learner{i:02d}": max((i * 7 + j * 3) % 50 / 50 for j in range(RUNS))
        for i in range(LEARNERS)
    }
    frame = leaderboard("07", "score", client=client)
    assert dict(zip(frame["learner"], frame["value"], strict=True)) == expected
    assert frame["value"].is_monotonic_decreasing
    assert frame["runs"].eq(RUNS).all()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_twenty_learners_log_to_a_class_server(backend, tmp_path):
    if backend == "postgresql":
        with postgres() as db, tracking_server(tmp_path, db) as uri:
            _class_logs(uri, tmp_path)
            _assert_class_is_complete(uri)
    else:
        with tracking_server(tmp_path) as uri:
            _class_logs(uri, tmp_path)
            _assert_class_is_complete(uri)


def test_checks_are_recorded_on_the_class_server(tmp_path):
    with tracking_server(tmp_path) as uri:
        assert post_check(uri, "ada", "00", "00.1", "incorrect")
        assert post_check(uri, "ada", "00", "00.1", "correct")
        assert post_check(uri, "bob", "00", "00.2", "correct")
        events = sorted((e["learner"], e["problem"], e["status"]) for e in server_checks(uri))
        assert events == [("ada", "00.1", "correct"), ("bob", "00.2", "correct")]
        assert [e["learner"] for e in server_checks(uri, "bob")] == ["bob"]
    assert not post_check(uri, "ada", "00", "00.1", "correct")  # the server is gone: no raise
