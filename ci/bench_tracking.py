"""Tracking benchmarks: the leaderboard over 10,000 and 100,000 runs, and the per-run cost of the
course's tags.

The stores are filled directly through MLflow's own tables (bulk inserts, executemany in
chunks), with what a real class leaves behind: tied scores, NaN scores, learners who never
logged the metric, deleted runs, runs still RUNNING (ghosts and live ones) and untagged runs.
At 10,000 runs the database fast path is checked against MLflow's search API; at 100,000 runs
the search API would take minutes, so the fast path is checked against the same ranking
recomputed in Python from every run's row.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LEADERBOARD_BUDGET_S = 2.0
SIZES = ((10_000, 300), (100_000, 3_000))  # (runs, learners): a class and ten times one
_CHUNK = 5_000


def _run_rows(n_runs: int, n_learners: int, experiment: int, seed: int = 0):
    """Rows for the runs, tags, metrics and latest_metrics tables, in chunks of ``_CHUNK`` runs.

    About 1% of runs have a NaN score, 1% no score at all, 0.5% each are deleted, RUNNING
    ghosts (nothing logged), RUNNING with a score, or carry no learner tag; the last 1% of
    learners never log the score. Scores have three decimals, so ties are common, and pairs of
    runs share a start time, so ties are broken by run id.
    """
    rng = random.Random(seed)
    silent = n_learners - max(1, n_learners // 100)
    for first in range(0, n_runs, _CHUNK):
        runs, tags, metrics = [], [], []
        for i in range(first, min(first + _CHUNK, n_runs)):
            run_id = uuid.UUID(int=rng.getrandbits(128)).hex
            number = rng.randrange(n_learners)
            start = 1_700_000_000_000 + i // 2
            roll = rng.random()
            status = "RUNNING" if 0.010 <= roll < 0.020 else "FINISHED"
            runs.append(
                {
                    "run_uuid": run_id,
                    "name": f"run{i}",
                    "source_type": "LOCAL",
                    "source_name": "",
                    "entry_point_name": "",
                    "user_id": "bench",
                    "status": status,
                    "start_time": start,
                    "end_time": None if status == "RUNNING" else start + 1,
                    "source_version": "",
                    "lifecycle_stage": "deleted" if roll < 0.005 else "active",
                    "artifact_uri": "",
                    "experiment_id": experiment,
                }
            )
            if not 0.020 <= roll < 0.025:
                learner = f"learner{number:04d}"
                tags.append({"key": "mlcourse.learner", "value": learner, "run_uuid": run_id})
            tags.append({"key": "mlcourse.module", "value": "07", "run_uuid": run_id})
            ghost = 0.010 <= roll < 0.015
            if ghost or number >= silent or 0.025 <= roll < 0.035:
                continue
            is_nan = 0.035 <= roll < 0.045
            value = 0.0 if is_nan else round(rng.random(), 3)
            metrics.append(
                {
                    "key": "roc_auc",
                    "value": value,
                    "timestamp": start,
                    "step": 0,
                    "is_nan": is_nan,
                    "run_uuid": run_id,
                }
            )
        yield runs, tags, metrics


def populate(uri: str, n_runs: int = 10_000, n_learners: int = 300) -> None:
    """Bulk-insert ``n_runs`` runs of ``n_learners`` learners into a fresh store.

    Parameters
    ----------
    uri : str
        A database URI (SQLite or PostgreSQL) of an empty store.
    n_runs, n_learners : int
        How many runs, spread at random over how many learners.
    """
    import sqlalchemy as sa
    from mlflow.store.tracking.dbmodels.models import SqlLatestMetric, SqlMetric, SqlRun, SqlTag
    from mlflow.tracking import MlflowClient
    from sqlalchemy.orm import Session

    from mlcourse.tracking import prepare_store

    prepare_store(uri, "/tmp/mlcourse-bench-artifacts")
    experiment = int(MlflowClient(uri).create_experiment("mlcourse/07_classification_evaluation"))
    engine = sa.create_engine(uri)
    with Session(engine) as session:
        for runs, tags, metrics in _run_rows(n_runs, n_learners, experiment):
            session.execute(sa.insert(SqlRun), runs)
            session.execute(sa.insert(SqlTag), tags)
            if metrics:
                session.execute(sa.insert(SqlMetric), metrics)
                session.execute(sa.insert(SqlLatestMetric), metrics)
        session.commit()
    if engine.dialect.name == "postgresql":
        # A store that grew run by run has statistics from autovacuum; one filled in seconds
        # has none yet, and the planner would pick nested loops over 100,000 runs.
        with engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()
    engine.dispose()


def _median_seconds(function, repeats: int = 5) -> float:
    function()  # warm: engine, imports, the database's caches
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _recomputed_in_python(uri: str):
    """The leaderboard ranked in Python from every run's row (the reference at 100,000 runs)."""
    from mlcourse.tracking._leaderboard import _fetch_runs_sql, _leaderboard_frame

    return _leaderboard_frame(_fetch_runs_sql(uri, "07", "roc_auc"), "roc_auc")


def time_leaderboard(uri: str, label: str, n_runs: int, row) -> None:
    """Time the leaderboard on a filled store and check it against a slower reference.

    Parameters
    ----------
    uri : str
        The filled store.
    label : str
        ``SQLite`` or ``PostgreSQL``, for the rows.
    n_runs : int
        How many runs the store holds: up to 10,000 the search API is the reference.
    row : callable
        ``row(name, value, budget, ok)`` prints one line of the report.
    """
    import mlflow
    from mlflow.tracking import MlflowClient

    from mlcourse.tracking import leaderboard

    mlflow.set_tracking_uri(uri)
    frame = leaderboard("07", "roc_auc")
    best = _median_seconds(lambda: leaderboard("07", "roc_auc"))
    size = f"{n_runs:,} runs, {label}"
    row(
        f"leaderboard, {size} (SQL)",
        f"{best:.2f} s",
        f"{LEADERBOARD_BUDGET_S:.0f} s",
        best < LEADERBOARD_BUDGET_S,
    )
    start = time.perf_counter()
    if n_runs <= 10_000:
        reference, how = leaderboard("07", "roc_auc", client=MlflowClient(uri)), "search API"
    else:
        reference, how = _recomputed_in_python(uri), "in Python"
    row(f"leaderboard, {size} ({how})", f"{time.perf_counter() - start:.2f} s", "-", True)
    assert reference.equals(frame), f"the SQL leaderboard and the {how} differ"
    unranked = int(frame["rank"].isna().sum())
    print(f"    {len(frame)} learners ({unranked} without the metric), the same both ways")


def _bench_store(make_uri, label: str, row) -> None:
    for n_runs, n_learners in SIZES:
        with make_uri(n_runs) as uri:
            start = time.perf_counter()
            populate(uri, n_runs, n_learners)
            seconds = time.perf_counter() - start
            print(f"    ({label} filled with {n_runs:,} runs in {seconds:.1f} s, bulk inserts)")
            time_leaderboard(uri, label, n_runs, row)


def bench_leaderboard(row) -> None:
    """The leaderboard over 10,000 and 100,000 runs on SQLite and PostgreSQL (budget 2 s)."""
    import contextlib
    import logging
    import tempfile

    import mlflow  # noqa: F401  (imported first: importing it resets its logger's level)

    logging.getLogger("mlflow").setLevel(logging.WARNING)  # no notes on creating the tables
    sys.path.insert(0, str(ROOT))
    from tests.test_tracking.servers import postgres

    @contextlib.contextmanager
    def sqlite_store(n_runs):
        with tempfile.TemporaryDirectory(prefix="mlcourse-bench-") as tmp:
            yield f"sqlite:///{tmp}/bench-{n_runs}.db"

    _bench_store(sqlite_store, "SQLite", row)
    try:
        _bench_store(lambda n_runs: postgres(), "PostgreSQL", row)
    except RuntimeError as error:
        print(f"    PostgreSQL skipped: {error}")


def bench_run_overhead(row, n_runs: int = 60) -> None:
    """Seconds per run: plain MLflow against configure() + tracking.run() with the course's tags."""
    import os
    import tempfile

    import mlflow

    from mlcourse.tracking import configure, run

    with tempfile.TemporaryDirectory(prefix="mlcourse-bench-") as tmp:
        os.environ["MLCOURSE_ROOT"] = tmp
        os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{tmp}/overhead.db"
        configure("07", learner="bench")

        course_env = {k: os.environ[k] for k in ("MLCOURSE_LEARNER", "MLCOURSE_MODULE")}

        def plain():  # the course's run-context provider is off without these variables
            for key in course_env:
                del os.environ[key]
            try:
                with mlflow.start_run():
                    mlflow.log_metric("x", 1.0)
            finally:
                os.environ.update(course_env)

        def helper():
            with run("07.1"):
                mlflow.log_metric("x", 1.0)

        results: dict[str, float] = {}
        pairs = (("plain mlflow.start_run", plain), ("mlcourse.tracking.run", helper))
        for name, body in pairs * 4:
            start = time.perf_counter()
            for _ in range(n_runs):
                body()
            ms = (time.perf_counter() - start) / n_runs * 1000
            results[name] = min(ms, results.get(name, ms))  # best of four rounds: least noise
        base = results["plain mlflow.start_run"]
        for name, ms in results.items():
            row(f"per run: {name} (SQLite, best of 4)", f"{ms:.1f} ms", "-", True)
        delta = results["mlcourse.tracking.run"] - base
        note = " (within noise)" if abs(delta) < 0.25 * base else ""
        row(f"overhead of the course's tags per run{note}", f"{delta:+.1f} ms", "-", True)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "ci"))
    from bench import _row

    bench_leaderboard(_row)
