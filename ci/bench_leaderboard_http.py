"""The leaderboard over HTTP: 100,000 runs behind a class tracking server.

Usage: python ci/bench_leaderboard_http.py [--runs N] [--learners N]

A SQLite store is filled as ``bench_tracking`` fills it (ties, NaN, ghosts, deletions, untagged
runs), then ``mlflow server --app-name mlcourse`` (the class server's command line, gunicorn,
two workers) serves it on loopback. With ``MLFLOW_TRACKING_URI`` set to the server, the
leaderboard comes from the server's ``/mlcourse/api/leaderboard`` endpoint, one SQL query on
the server's database: its median of 5 must stay under 2 s, and the frame must be the one the
database gives directly. (MLflow's search API, which sends every run in full, took 5-8.5 s over
4,000 runs; over 100,000 it would take minutes.)
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LEADERBOARD_BUDGET_S = 2.0
RUNS, LEARNERS = 100_000, 3_000


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def class_server(database: str, folder: Path):
    """``mlflow server --app-name mlcourse`` on ``database``, on a free loopback port.

    Parameters
    ----------
    database : str
        The store's SQLAlchemy URI.
    folder : pathlib.Path
        Where the server's artifacts and log go.

    Yields
    ------
    str
        The server's URI; the server is stopped on exit.
    """
    from mlcourse.tracking._serve import serve_command, serve_environment
    from mlcourse.tracking._store import wait_until_up

    port = _free_port()
    command = serve_command(host="127.0.0.1", port=port, artifacts=folder / "artifacts")
    if "--app-name" not in command:
        command += ["--app-name", "mlcourse"]
    env = serve_environment(database)
    env.pop("MLFLOW_TRACKING_URI", None)
    log_path = folder / "server.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
        uri = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(process, uri, log_path)
            yield uri
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGINT)
            process.wait(timeout=60)


def main(row, n_runs: int = RUNS, n_learners: int = LEARNERS) -> None:
    """Time the leaderboard through a class server over ``n_runs`` runs (budget 2 s).

    Parameters
    ----------
    row : callable
        ``row(name, value, budget, ok)`` prints one line of the report.
    n_runs, n_learners : int
        The store's size.
    """
    import logging

    import mlflow

    logging.getLogger("mlflow").setLevel(logging.WARNING)
    sys.path.insert(0, str(ROOT / "ci"))
    from bench_tracking import _median_seconds, populate

    from mlcourse.tracking import _leaderboard, leaderboard

    with tempfile.TemporaryDirectory(prefix="mlcourse-bench-") as tmp:
        folder = Path(tmp)
        database = f"sqlite:///{folder}/bench-http.db"
        start = time.perf_counter()
        populate(database, n_runs, n_learners)
        print(f"    (SQLite filled with {n_runs:,} runs in {time.perf_counter() - start:.1f} s)")
        expected = _leaderboard.database_leaderboard(database, "07", "roc_auc", lower=False)
        with class_server(database, folder) as uri:
            mlflow.set_tracking_uri(uri)
            served = _leaderboard._server_leaderboard(uri, "07", "roc_auc", False, None)
            if served is None:
                raise AssertionError("the server did not answer on its leaderboard endpoint")
            seconds = _median_seconds(lambda: leaderboard("07", "roc_auc"))
            frame = leaderboard("07", "roc_auc")
    row(
        f"leaderboard over HTTP, {n_runs:,} runs (endpoint)",
        f"{seconds:.2f} s",
        f"{LEADERBOARD_BUDGET_S:.0f} s",
        seconds < LEADERBOARD_BUDGET_S,
    )
    assert frame.equals(expected), "the leaderboard over HTTP and on the database differ"
    unranked = int(frame["rank"].isna().sum())
    print(f"    {len(frame)} learners ({unranked} without the metric), the same both ways")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=RUNS, help="runs in the store")
    parser.add_argument("--learners", type=int, default=LEARNERS, help="learners among them")
    args = parser.parse_args()
    if args.runs < 1 or args.learners < 1:
        parser.error("--runs and --learners should be at least 1")
    sys.path.insert(0, str(ROOT / "ci"))
    from bench import _row

    print(f"leaderboard over HTTP ({os.cpu_count()} CPU(s)):")
    main(_row, args.runs, args.learners)
